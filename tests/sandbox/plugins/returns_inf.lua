-- expect-exit: 4
-- expect-stderr: returned infinity
return {api = 1, name = "returns_inf", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return math.huge end}
