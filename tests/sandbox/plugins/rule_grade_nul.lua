-- expect-exit: 4
-- expect-stderr: rule returned grade 'fail\x00 or better', which is not a band
-- as: rule
-- A grade with a NUL in it: read whole, it names no band (cut at the NUL it was 'fail').
return {api = 1, name = "rule_grade_nul", version = "1", kind = "rule", description = "hostile",
  rule = function(result) return {grade = "fail\0 or better", reason = "nul"} end}
