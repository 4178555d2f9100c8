-- expect-exit: 4
-- expect-stderr: returned nil where a number belongs
return {api = 1, name = "returns_nil", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return nil end}
