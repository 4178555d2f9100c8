-- expect-exit: 3
-- expect-stderr: unknown field 'sneaky'
return {api = 1, name = "unknown_field", version = "1", kind = "aggregate", description = "hostile",
  sneaky = true, aggregate = function(children) return 0.5 end}
