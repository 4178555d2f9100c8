-- special: the rule plugin docs/plugin-api.md names by path (for check-examples.py).
return {
  api = 1, name = "special", version = "0.1.0", kind = "rule",
  description = "an example rule named by path",
  params = {limit = {type = "number", required = true}},
  rule = function(result, params) return nil end,
}
