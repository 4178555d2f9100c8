-- expect-exit: 4
-- expect-stderr: memory limit
-- Many small allocations that add up past the cap.
return {api = 1, name = "table_bomb", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    local t = {}
    for i = 1, 1000000 do t[i] = string.rep("y", 1000) .. i end
    return 0.5
  end}
