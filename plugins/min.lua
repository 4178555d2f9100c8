-- The Lua twin of the built-in `min` aggregate: a node is as strong as its weakest child.
return {
  api = 1, name = "min", version = "1.0.0", kind = "aggregate",
  description = "Smallest of the children's normalised values",
  aggregate = function(children, node)
    local best = children[1].norm
    for i = 2, #children do
      if children[i].norm < best then best = children[i].norm end
    end
    return best
  end,
  tests = {
    {name = "smallest", args = {{{id = "a", norm = 0.5, weight = 1}, {id = "b", norm = 0.25, weight = 3}}, {id = "x"}}, expect = 0.25},
  },
}
