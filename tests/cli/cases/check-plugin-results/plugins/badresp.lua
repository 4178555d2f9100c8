return {
  api = 1, name = "badresp", version = "1.0.0", kind = "respondent",
  description = "a respondent plugin that returns a number instead of the leaf values",
  respondent = function(items, ctx) return 3 end,
}
