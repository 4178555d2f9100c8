-- The Lua twin of the built-in `geomean` aggregate: the weighted geometric mean, which
-- punishes one weak child more than the arithmetic mean does. A zero child gives zero.
return {
  api = 1, name = "geomean", version = "1.0.0", kind = "aggregate",
  description = "Weighted geometric mean of the children's normalised values",
  aggregate = function(children, node)
    local logs, weights = 0, 0
    for _, c in ipairs(children) do
      if c.norm <= 0 then return 0 end
      logs = logs + c.weight * math.log(c.norm)
      weights = weights + c.weight
    end
    return math.exp(logs / weights)
  end,
  tests = {
    {name = "equal weights", args = {{{id = "a", norm = 0.25, weight = 1}, {id = "b", norm = 1, weight = 1}}, {id = "x"}}, expect = 0.5},
    {name = "a zero child", args = {{{id = "a", norm = 0, weight = 1}, {id = "b", norm = 1, weight = 1}}, {id = "x"}}, expect = 0},
  },
}
