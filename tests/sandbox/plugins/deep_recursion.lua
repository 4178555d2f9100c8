-- expect-exit: 4
-- expect-stderr: stack overflow
-- Unbounded recursion ends in Lua's own stack limit, not a crash.
local function dive(n) return dive(n + 1) + 1 end
return {api = 1, name = "deep_recursion", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return dive(1) end}
