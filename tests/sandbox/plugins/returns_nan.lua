-- expect-exit: 4
-- expect-stderr: returned NaN
return {api = 1, name = "returns_nan", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0/0 end}
