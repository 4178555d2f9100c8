-- harmonic: the aggregate docs/plugin-api.md names in its examples (for check-examples.py).
return {
  api = 1, name = "harmonic", version = "0.1.0", kind = "aggregate",
  description = "harmonic mean of the children, with a floor",
  params = {floor = {type = "number"}},
  aggregate = function(children, node)
    local floor = node.params.floor or 0.01
    local sum, n = 0, 0
    for _, c in ipairs(children) do
      sum = sum + 1 / math.max(c.norm, floor)
      n = n + 1
    end
    return n / sum
  end,
}
