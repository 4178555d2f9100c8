-- expect-exit: 3
-- expect-stderr: instruction budget of 10000000 exceeded
-- run: plugins-list
-- max-seconds: 15
-- A main chunk that never returns from one C call must not hang `lotk plugins list`.
table.move({}, 1, 1 << 40, 1, {})
return {api = 1, name = "c_move_at_load", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end}
