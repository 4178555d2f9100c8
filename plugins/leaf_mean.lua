-- A respondent plugin that reproduces lotk's built-in leaf value: the mean of a
-- respondent's answered keyed items, when at least `need` of them were answered
-- (min_answered of the leaf's items, at least one). It exists to show the respondent API
-- and to measure its cost against the C path.
-- A leaf's items are consecutive in the standard (ctx.leaves[l].first .. last); the result
-- goes into `out`, the table lotk hands over empty for every row (a million rows need not
-- mean a million tables). A respondent plugin keeps no state of its own: its upvalues are
-- read-only (docs/plugin-api.md, "Stateless plugins").

return {
  api = 1, name = "leaf_mean", version = "1.1.0", kind = "respondent",
  description = "Mean of answered keyed items per leaf (the built-in rule, in Lua)",
  respondent = function(items, ctx, out)
    out = out or {} -- lotk passes it; a test may not
    local leaves = ctx.leaves
    for l = 1, #leaves do
      local leaf = leaves[l]
      local sum, answered = 0, 0
      for i = leaf.first, leaf.last do
        local v = items[i]
        if v then sum = sum + v; answered = answered + 1 end
      end
      if answered >= leaf.need then out[l] = sum / answered else out[l] = nil end
    end
    return out
  end,
  tests = {
    {name = "one leaf, one missing",
     args = {{4, nil, 2}, {leaves = {{id = "A", need = 1, first = 1, last = 3}}}},
     expect = {3}},
    {name = "too few answered",
     args = {{4, nil, nil}, {leaves = {{id = "A", need = 3, first = 1, last = 3}}}},
     expect = {}},
  },
}
