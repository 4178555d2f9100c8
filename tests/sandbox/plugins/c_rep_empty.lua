-- expect-exit: 4
-- expect-stderr: string.rep done: 0 bytes
-- max-seconds: 15
-- string.rep of an empty string 2^63 times: Lua's own loops 2^63 times in C, out of the
-- instruction budget's reach; lotk's returns the empty string at once.
local s = string.rep("", math.maxinteger)
local t = string.rep("", math.maxinteger, "")
return {api = 1, name = "c_rep_empty", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) error("string.rep done: " .. #s + #t .. " bytes") end}
