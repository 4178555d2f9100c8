-- The Lua twin of the built-in `mean` aggregate: the unweighted mean of the children's
-- normalised values. lotk's tests require it to agree with the C built-in to 1e-12.
return {
  api = 1, name = "mean", version = "1.0.0", kind = "aggregate",
  description = "Unweighted mean of the children's normalised values",
  aggregate = function(children, node)
    local sum = 0
    for _, c in ipairs(children) do sum = sum + c.norm end
    return sum / #children
  end,
  tests = {
    {name = "two children", args = {{{id = "a", norm = 0.5, weight = 1}, {id = "b", norm = 1, weight = 3}}, {id = "x"}}, expect = 0.75},
  },
}
