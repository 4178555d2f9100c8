-- expect-exit: 4
-- expect-stderr: undefined global 'debug'
-- The debug library could read and change any upvalue or local.
return {api = 1, name = "debug_access", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) debug.sethook() return 0.5 end}
