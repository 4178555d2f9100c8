-- expect-exit: 3
-- expect-stderr: plugin field 'version': expected a string
return {api = 1, name = "wrong_type_field", version = 1, kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end}
