-- expect-exit: 4
-- expect-stderr: memory limit
-- Many small allocations that add up past the cap: a new 16 kB string per slot. The block is
-- built once (string.rep of a one-byte string copies byte by byte, which under ASan alone
-- could spend the CPU budget before the memory cap is reached).
return {api = 1, name = "table_bomb", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    local block = string.rep("y", 16000)
    local t = {}
    for i = 1, 1000000 do t[i] = block .. i end
    return 0.5
  end}
