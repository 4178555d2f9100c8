-- Unit tests of the report helpers, written as a report plugin so that the harness runs them
-- in the sandbox the real report plugins get: report(result, ctx) returns "unit: N passed".
-- A failed check raises an error naming it (the harness exits 4).
local function report(result, ctx)
  local C = lotk.require("report_common")
  local S = lotk.require("report_svg")
  local passed = 0
  local function eq(name, got, want)
    if got ~= want then
      error(string.format("%s: got %s, want %s", name, tostring(got), tostring(want)), 2)
    end
    passed = passed + 1
  end

  -- numbers: two decimals, no negative zero, a dash for no value
  eq("num", C.num(73.39017665600298), "73.39")
  eq("num rounding", C.num(0.005), "0.01")
  eq("negative zero", C.num(-0.001), "0.00")
  eq("no value", C.num(nil), C.DASH)
  eq("NaN", C.num(0 / 0), C.DASH)
  eq("signed", C.signed(0.16), "+0.16")
  eq("signed zero", C.signed(0.001), "0.00")
  eq("pct", C.pct(0.995), "99.5%")

  -- escaping
  eq("html", C.html([[<a href="x">&'</a>]]), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
  eq("html plain", C.html("培训制度"), "培训制度")
  eq("html cached", C.html("a<b"), C.html("a<b"))
  eq("md", C.md("a|b *c* _d_ [e] <f>\nnext"), "a\\|b \\*c\\* \\_d\\_ \\[e\\] &lt;f&gt; next")

  -- text by language: the asked language, else zh, else en
  eq("pick en", C.pick({zh = "中", en = "E"}, "en"), "E")
  eq("pick fallback", C.pick({zh = "中"}, "en"), "中")
  eq("pick string", C.pick("plain", "en"), "plain")

  -- a tiny result: strengths never binary, weaknesses may be; ties share a position
  local r = {
    standard = {id = "t", points = 100, languages = {"zh", "en"},
                bands = {{grade = "good", min = 60, label = {zh = "好", en = "Good"}},
                         {grade = "bad", min = 0, label = {zh = "差", en = "Bad"}}},
                thresholds = {rwg_j = 0.7, min_respondents = 5},
                nodes = {{id = "A", level = 1, share = 1, max_points = 100, source = "inner",
                          children = {"A1", "A2", "A3", "A4"}, title = {zh = "甲", en = "A"}},
                         {id = "A1", parent = "A", level = 2, source = "survey", max_points = 25},
                         {id = "A2", parent = "A", level = 2, source = "evidence", binary = true,
                          max_points = 25},
                         {id = "A3", parent = "A", level = 2, source = "survey", max_points = 25},
                         {id = "A4", parent = "A", level = 2, source = "survey", max_points = 25}}},
    batch = {median = {nodes = {A1 = {norm = 0.5}, A2 = {norm = 0.5}, A3 = {norm = 0.5},
                                A4 = {norm = 0.5}}}},
    organizations = {
      {id = "X", points = 50, rank = {position = 2, of = 3}, respondents = 3,
       flags = {"few_respondents", "low_agreement"},
       nodes = {A1 = {norm = 0.9}, A2 = {norm = 1.0}, A3 = {norm = 0.2, low_agreement = true,
                rwg_j = 0.41}}},
      {id = "Y", points = 60, rank = {position = 1, of = 3}, nodes = {}},
      {id = "Z", points = 50, rank = {position = 2, of = 3}, nodes = {}},
      {id = "W", nodes = {}},
    },
  }
  local ix = C.index(r, ctx)
  local s, w = C.strengths_weaknesses(ix, r.organizations[1], 3)
  eq("one strength (binary A2 excluded, A4 has no value)", #s, 1)
  eq("strength", s[1].id, "A1")
  eq("one weakness", #w, 1)
  eq("weakness", w[1].id, "A3")
  local lg = C.league(r)
  eq("league first", lg[1].id, "Y")
  eq("league tie keeps order", lg[2].id .. lg[3].id, "XZ")
  eq("league unranked last", lg[4].id, "W")
  eq("rank text", C.rank_text(ix, r.organizations[1]), ctx.messages.rank_of:format(2, 3))
  local notes = C.notes(ix, r.organizations[1])
  eq("notes: few respondents and one low-agreement leaf", #notes, 2)
  eq("low agreement in words", notes[2],
     ctx.messages.flag_low_agreement:format("A3", "0.41", "0.70"))
  eq("weakest across the batch: ties in the standard's order", C.weakest_batch(ix, 1)[1].id, "A1")

  -- wrapping: never longer than asked, at most the lines asked, ends with … when cut
  local lines = S.wrap("Investment in training and resources", 11, 80, 2)
  eq("wrap lines", #lines, 2)
  eq("wrap cut", lines[2]:sub(-3), "…")
  eq("wrap short", S.wrap("培训", 11, 80, 2)[1], "培训")
  for i = 1, #lines do
    if S.text_width(lines[i], 11) > 80 then error("wrap: line wider than asked: " .. lines[i]) end
  end
  eq("heat colour", (S.heat_colour(0)), "#f1f6fc")
  return string.format("unit: %d passed", passed)
end

return {
  api = 1, name = "unit_report", version = "1.0.0", kind = "report",
  description = "Unit tests of report_common and report_svg, run by tests/report/check.sh",
  report = report,
}
