-- run: plugins-test
-- expect-exit: 3
-- expect-stderr: instruction budget of 1000000000 exceeded
-- A report plugin that loops forever: its budget is larger than a scoring plugin's (100
-- times) but still ends it. Run through its own test, as scoring calls no report plugin.
return {api = 1, name = "report_loop", version = "1", kind = "report", description = "hostile",
  report = function(result, ctx) while true do end end,
  tests = {{name = "renders", args = {{organizations = {}}, {format = "html", lang = "en"}},
            expect = ""}}}
