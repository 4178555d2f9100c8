-- expect-exit: 4
-- expect-stderr: CPU time budget of 1.0 s exceeded
-- max-seconds: 30
-- Comparing two equal (distinct) 16 MiB strings, millions of times: each comparison is one
-- VM instruction that reads 16 MiB.
local a = string.rep("x", 16 << 20)
local b = string.rep("x", (16 << 20) - 1) .. "x"
return {api = 1, name = "c_equal_many", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    local n = 0
    for i = 1, 10000000 do if a == b then n = n + 1 end end
    return 0.5
  end}
