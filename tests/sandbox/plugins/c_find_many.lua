-- expect-exit: 4
-- expect-stderr: instruction budget of 10000000 exceeded
-- max-seconds: 15
-- Millions of finds, each scanning a 24 MiB string to its end: few VM instructions, hours
-- of C, unless the bytes scanned count.
local s = string.rep("a", 24 << 20)
return {api = 1, name = "c_find_many", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    for i = 1, 10000000 do string.find(s, "b", 1, true) end
    return 0.5
  end}
