-- expect-exit: 4
-- expect-stderr: cannot change a protected metatable
-- Removing the environment's guard so undefined globals read as nil.
return {api = 1, name = "env_unlock", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) setmetatable(_ENV, nil) return 0.5 end}
