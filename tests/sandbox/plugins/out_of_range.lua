-- expect-exit: 4
-- expect-stderr: outside [0, 1]
return {api = 1, name = "out_of_range", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 1.5 end}
