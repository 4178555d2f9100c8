-- expect-exit: 4
-- expect-stderr: a reason that is not valid UTF-8 (byte 5)
-- as: rule
-- A reason with a byte that is not UTF-8: refused, not dropped from the JSON.
return {api = 1, name = "rule_reason_utf8", version = "1", kind = "rule", description = "hostile",
  rule = function(result) return {points = 1, reason = "bad \255 byte"} end}
