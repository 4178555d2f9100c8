-- expect-exit: 3
-- expect-stderr: syntax_error.lua:4:
return {api = 1, name = "syntax_error", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end end}
