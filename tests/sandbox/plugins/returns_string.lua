-- expect-exit: 4
-- expect-stderr: returned string where a number belongs
return {api = 1, name = "returns_string", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return "0.5" end}
