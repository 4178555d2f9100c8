-- expect-exit: 4
-- expect-stderr: undefined global 'getfenv'
-- Lua 5.1 environment tricks do not exist in 5.4's sandbox.
return {api = 1, name = "env_escape", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) local g = getfenv(0) return 0.5 end}
