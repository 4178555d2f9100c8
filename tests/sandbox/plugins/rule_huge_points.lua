-- expect-exit: 4
-- expect-stderr: points = 1.7e+308, beyond the standard's 100 points either way
-- as: rule
-- Two rules adding 1.7e308 points each: each is finite, their sum is not; lotk's total
-- must not become inf (the JSON would silently lack points).
return {api = 1, name = "rule_huge_points", version = "1", kind = "rule", description = "hostile",
  rule = function(result) return {points = 1.7e308, reason = "huge"} end}
