-- The Lua twin of the built-in `weighted_mean` aggregate (lotk's default).
return {
  api = 1, name = "weighted_mean", version = "1.0.0", kind = "aggregate",
  description = "Mean of the children's normalised values, weighted by their weights",
  aggregate = function(children, node)
    local sum, weights = 0, 0
    for _, c in ipairs(children) do
      sum = sum + c.weight * c.norm
      weights = weights + c.weight
    end
    return sum / weights
  end,
  tests = {
    {name = "weights count", args = {{{id = "a", norm = 0.5, weight = 1}, {id = "b", norm = 1, weight = 3}}, {id = "x"}}, expect = 0.875},
  },
}
