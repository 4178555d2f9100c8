return {
  api = 1, name = "badgrade", version = "1.0.0", kind = "rule",
  description = "a rule that forces a grade the standard has no band for",
  rule = function(result, params) return {grade = "gold", reason = "always"} end,
}
