-- run: plugins-test
-- expect-exit: 3
-- expect-stderr: renders: deliberate failure in a report plugin
-- A report plugin that raises an error part way through its text (line 12). Through its own test
-- here; tests/cli/cases/report-plugin-error renders with it (as html.lua beside a standard)
-- and checks lotk score and lotk report fail cleanly: exit 4, file:line, no output file.
return {api = 1, name = "report_error", version = "1", kind = "report", description = "hostile",
  report = function(result, ctx)
    local parts = {"<!DOCTYPE html><title>", tostring(#result.organizations), "</title>"}
    for i = 1, #result.organizations do parts[#parts + 1] = result.organizations[i].id end
    if #parts > 0 then
      error("deliberate failure in a report plugin")
    end
    return table.concat(parts)
  end,
  tests = {{name = "renders", args = {{organizations = {{id = "X"}}}, {format = "html", lang = "en"}},
            expect = ""}}}
