-- expect-exit: 4
-- expect-stderr: Lua patterns are not available
-- Lua patterns run in C, beyond the budget's reach: they are not offered.
return {api = 1, name = "lua_patterns", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return string.rep("a", 30):match("(a*)*b") and 0.5 end}
