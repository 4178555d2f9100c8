-- A respondent plugin that reproduces lotk's built-in leaf value: the mean of a
-- respondent's answered keyed items, when at least min_answered of them were answered.
-- It exists to show the respondent API and to measure its cost against the C path.
-- The result table is reused from row to row: lotk reads it before the next call, and a
-- million rows need not mean a million tables.
local out = {}

return {
  api = 1, name = "leaf_mean", version = "1.0.0", kind = "respondent",
  description = "Mean of answered keyed items per leaf (the built-in rule, in Lua)",
  respondent = function(items, ctx)
    local leaves = ctx.leaves
    for l = 1, #leaves do
      local leaf = leaves[l]
      local ids = leaf.items
      local n = #ids
      local sum, answered = 0, 0
      for k = 1, n do
        local v = items[ids[k]]
        if v then sum = sum + v; answered = answered + 1 end
      end
      local need = leaf.min_answered > 0 and math.ceil(leaf.min_answered * n - 1e-9) or 1
      if need < 1 then need = 1 end
      if answered >= need then out[l] = sum / answered else out[l] = nil end
    end
    return out
  end,
  tests = {
    {name = "one leaf, one missing",
     args = {{4, nil, 2}, {leaves = {{id = "A", min_answered = 0, items = {1, 2, 3}}}}},
     expect = {3}},
    {name = "too few answered",
     args = {{4, nil, nil}, {leaves = {{id = "A", min_answered = 0.75, items = {1, 2, 3}}}}},
     expect = {}},
  },
}
