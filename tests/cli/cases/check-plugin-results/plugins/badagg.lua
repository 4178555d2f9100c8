return {
  api = 1, name = "badagg", version = "1.0.0", kind = "aggregate",
  description = "an aggregate that returns text",
  aggregate = function(children, node) return "high" end,
}
