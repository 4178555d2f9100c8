-- The Markdown report (lotk score/report -f md): the content of the HTML report as
-- GitHub-flavoured tables and text, for a code forge or a wiki. Charts become the tables
-- they draw (the radar is a table of dimensions against the median, the bars a table of
-- points earned and possible). Content comes from report_common, as for the HTML report.
-- Every cell and line of text is escaped (| would split a cell, * and _ would format data).

local concat = table.concat
local format, rep = string.format, string.rep
local type, tostring, select = type, tostring, select

local NBSP = "\u{00A0}" -- indents tree levels inside a cell (leading spaces are trimmed)

local function report(result, ctx)
  local C = lotk.require("report_common")
  local ix = C.index(result, ctx)
  local M, md, num, lang = ix.M, C.md, C.num, ix.lang
  local std = ix.std
  local orgs = result.organizations or {}
  local has_evidence = #ix.evidence_leaves > 0

  local buf, n = {}, 0
  local function put(...)
    for i = 1, select("#", ...) do
      n = n + 1
      buf[n] = select(i, ...)
    end
  end
  local function line(s) put(s, "\n") end
  local function para(s) put(md(s), "\n\n") end

  -- headers: text or {text, num = true} (right-aligned); cells: plain text, escaped here
  local function tbl(headers, rows)
    local hs, al = {}, {}
    for i = 1, #headers do
      local hd = headers[i]
      hs[i] = md(type(hd) == "table" and hd.text or hd)
      al[i] = type(hd) == "table" and hd.num and "---:" or "---"
    end
    put("| ", concat(hs, " | "), " |\n| ", concat(al, " | "), " |\n")
    for r = 1, #rows do
      local row, cells = rows[r], {}
      for i = 1, #headers do cells[i] = md(row[i] or "") end
      put("| ", concat(cells, " | "), " |\n")
    end
    put("\n")
  end

  local function list(items, empty)
    if #items == 0 then para(empty); return end
    for i = 1, #items do put("- ", md(items[i]), "\n") end
    put("\n")
  end

  local function node_value(org, id)
    return org.nodes and org.nodes[id] or {}
  end

  -- ---- head -------------------------------------------------------------------------------
  local std_title = C.pick(std.title, lang) or std.id
  line("# " .. md(std_title) .. " · " .. md(M("report_title")))
  line("")
  put(md(M("generated_by", tostring(result.lotk or ""), tostring(std.id),
           tostring(std.version or ""))))
  if std.sha256 then put("  \n", md(M("standard_digest")), " ", md(std.sha256)) end
  put("\n\n")

  -- ---- executive summary -----------------------------------------------------------------
  local batch = ix.batch
  local total_orgs = batch.organizations or #orgs
  line("## " .. md(M("summary")))
  line("")
  para(M("summary_text", total_orgs, batch.ranked or 0, batch.ungraded or 0))
  if batch.selected then para(M("selected_note", #orgs, total_orgs)) end
  tbl({{text = M("organizations"), num = true}, {text = M("ranked"), num = true},
       {text = M("median_points"), num = true}},
      {{tostring(total_orgs), tostring(batch.ranked or 0),
        num(batch.median and batch.median.points)}})

  line("### " .. md(M("grade_distribution")))
  line("")
  local function share(count) return total_orgs > 0 and C.pct(count / total_orgs) or C.DASH end
  local grows = {}
  local grades = batch.grades or {}
  for i = 1, #grades do
    grows[i] = {C.grade_label(ix, grades[i].grade), tostring(grades[i].count),
                share(grades[i].count)}
  end
  grows[#grows + 1] = {M("ungraded"), tostring(batch.ungraded or 0), share(batch.ungraded or 0)}
  tbl({M("grade"), {text = M("count"), num = true}, {text = M("share_of_batch"), num = true}},
      grows)

  line("### " .. md(M("weakest_indicators")))
  line("")
  local wrows = {}
  local weakest = C.weakest_batch(ix, 5)
  for i = 1, #weakest do
    local w = weakest[i]
    wrows[i] = {C.label(ix, w.id), num(w.norm), num(w.points), num(w.max_points)}
  end
  tbl({M("indicator"), {text = M("norm"), num = true}, {text = M("points"), num = true},
       {text = M("max_points"), num = true}}, wrows)

  line("### " .. md(M("data_quality")))
  line("")
  local input = result.input or {}
  local dq = {{M("rows_read"), num(input.rows, 0)}, {M("rows_scored"), num(input.scored, 0)},
              {M("rows_rejected"), num(input.rejected, 0)},
              {M("rows_screened"), num(input.screened, 0)}}
  local ev = input.evidence
  if ev then
    dq[#dq + 1] = {M("evidence_files"), num(ev.files, 0)}
    dq[#dq + 1] = {M("evidence_rows"), num(ev.rows, 0)}
    dq[#dq + 1] = {M("evidence_used"), num(ev.used, 0)}
    dq[#dq + 1] = {M("evidence_rejected"), num(ev.rejected, 0)}
  end
  C.units_counts(ix, input, dq)
  tbl({M("detail"), {text = M("count"), num = true}}, dq)

  -- ---- a city standard's targets: each group's share against its target ------------------
  local targets = C.city_targets(ix)
  if #targets > 0 then
    line("## " .. md(M("targets_section")))
    line("")
    para(M("targets_note", std.targets and std.targets.group_by or C.DASH,
           C.grade_label(ix, targets[1].at_least)))
    local trows = C.targets_cells(targets)
    tbl({M("target_group"), {text = M("target_units"), num = true},
         {text = M("target_meeting"), num = true}, {text = M("target_share"), num = true},
         {text = M("target_target"), num = true}, M("target_met_col"), M("target_short_units")},
        trows)
  end

  -- ---- league table and heat map ---------------------------------------------------------
  local league = C.league(result)
  local any_name = false
  for i = 1, #orgs do if orgs[i].name then any_name = true; break end end
  line("## " .. md(M("league_table")))
  line("")
  if #league == 0 then para(M("no_organizations")) else
    local head = {{text = M("rank"), num = true}, M("id")}
    if any_name then head[#head + 1] = M("name") end
    head[#head + 1] = {text = M("total_points"), num = true}
    head[#head + 1] = M("grade")
    for i = 1, #ix.top do head[#head + 1] = {text = C.label(ix, ix.top[i].id), num = true} end
    local rows = {}
    for i = 1, #league do
      local o = league[i]
      local row = {o.rank and tostring(o.rank.position) or C.DASH, o.id}
      if any_name then row[#row + 1] = o.name or "" end
      row[#row + 1] = num(o.points)
      row[#row + 1] = C.grade_label(ix, o.grade)
      for k = 1, #ix.top do row[#row + 1] = num(node_value(o, ix.top[k].id).points) end
      rows[i] = row
    end
    tbl(head, rows)
  end

  line("## " .. md(M("heat_map")))
  line("")
  para(M("heat_map_note"))
  if #league > 0 then
    local head = {M("organization")}
    for i = 1, #ix.top do head[#head + 1] = {text = C.label(ix, ix.top[i].id), num = true} end
    local rows = {}
    for i = 1, #league do
      local o = league[i]
      local row = {o.name and (o.name .. " (" .. o.id .. ")") or o.id}
      for k = 1, #ix.top do row[#row + 1] = num(node_value(o, ix.top[k].id).norm) end
      rows[i] = row
    end
    tbl(head, rows)
  end

  -- ---- reliability and agreement ---------------------------------------------------------
  line("## " .. md(M("reliability")))
  line("")
  local rrows, all_notes = {}, {}
  for i = 1, #ix.survey_leaves do
    local id = ix.survey_leaves[i].id
    local rel = result.reliability and result.reliability[id] or {}
    local agg = result.aggregation and result.aggregation[id] or {}
    local notes = C.leaf_notes(ix, id)
    for k = 1, #notes do all_notes[#all_notes + 1] = notes[k] end
    rrows[i] = {C.label(ix, id), num(rel.items, 0), num(rel.n, 0), num(rel.alpha),
                num(agg.icc1), num(agg.icc2), #notes > 0 and M("yes") or M("none")}
  end
  tbl({M("indicator"), {text = M("items"), num = true}, {text = M("sample_size"), num = true},
       {text = M("alpha"), num = true}, {text = M("icc1"), num = true},
       {text = M("icc2"), num = true}, M("notes")}, rrows)
  list(all_notes, M("no_reliability_notes"))

  if has_evidence then
    line("### " .. md(M("agreement")))
    line("")
    para(M("agreement_note"))
    local forms = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}
    local head = {M("indicator")}
    for k = 1, #forms do head[#head + 1] = {text = M("sf_" .. forms[k]:lower()), num = true} end
    head[#head + 1] = {text = M("organizations"), num = true}
    head[#head + 1] = {text = M("assessors"), num = true}
    head[#head + 1] = {text = M("excluded"), num = true}
    local rows = {}
    for i = 1, #ix.evidence_leaves do
      local id = ix.evidence_leaves[i].id
      local a = result.agreement and result.agreement[id] or {}
      local row = {C.label(ix, id)}
      for k = 1, #forms do row[#row + 1] = num(a[forms[k]]) end
      row[#row + 1] = num(a.organizations, 0)
      row[#row + 1] = a.assessors and tostring(#a.assessors) or C.DASH
      row[#row + 1] = num(a.excluded, 0)
      rows[i] = row
    end
    tbl(head, rows)
  end

  -- ---- the standard ----------------------------------------------------------------------
  line("## " .. md(M("standard_coverage")))
  line("")
  local srows = {}
  for i = 1, #std.nodes do
    local nd = std.nodes[i]
    local detail = C.source_label(ix, nd)
    if nd.items then detail = detail .. M("list_separator") .. M("items_n", nd.items) end
    if nd.rubric then detail = detail .. M("list_separator") .. M("rubric_" .. nd.rubric) end
    srows[i] = {rep(NBSP, 4 * C.depth(nd)) .. C.label(ix, nd.id), detail, num(nd.weight),
                C.pct(nd.share), num(nd.max_points)}
  end
  tbl({M("indicator"), M("source"), {text = M("weight"), num = true},
       {text = M("share_of_total"), num = true}, {text = M("max_points"), num = true}}, srows)
  line("### " .. md(M("band_scale_table")))
  line("")
  local ranges = C.band_ranges(ix)
  local brows = {}
  for i = 1, #ranges do brows[i] = {ranges[i].label, num(ranges[i].lo), num(ranges[i].hi)} end
  tbl({M("grade"), {text = M("from_points"), num = true}, {text = M("to_points"), num = true}},
      brows)

  -- ---- one organization ------------------------------------------------------------------
  local med = ix.median
  if #orgs > 0 then
    line("## " .. md(M("organizations_section")))
    line("")
  end
  for oi = 1, #orgs do
    local o = orgs[oi]
    local name = C.org_name(o)
    local heading = md(name)
    if o.name and o.name ~= o.id then heading = heading .. " (" .. md(o.id) .. ")" end
    line("### " .. heading)
    line("")
    local f = {{M("respondents"), num(o.respondents, 0)}, {M("screened"), num(o.screened, 0)},
               {M("total_points"), M("points_of", num(o.points), num(std.points))},
               {M("grade"), C.grade_label(ix, o.grade)}, {M("rank"), C.rank_text(ix, o)}}
    if type(o.percentile) == "number" then
      local ng = result.norms and result.norms.organizations
      f[#f + 1] = {M("percentile"), ng and M("percentile_of", num(o.percentile, 0), ng)
                                      or num(o.percentile, 0)}
    end
    tbl({M("org_overview"), M("detail")}, f)

    -- the band scale: the organization's total in the row of its band
    line("#### " .. md(M("band_scale")))
    line("")
    local bsrows = {}
    for i = 1, #ranges do
      local r = ranges[i]
      bsrows[i] = {r.label, num(r.lo), num(r.hi),
                   C.band_of_points(ix, o.points) == r.grade and num(o.points) or ""}
    end
    tbl({M("grade"), {text = M("from_points"), num = true}, {text = M("to_points"), num = true},
         {text = M("this_organization"), num = true}}, bsrows)
    local by_points = C.band_of_points(ix, o.points)
    if o.grade and by_points and o.grade ~= by_points then
      para(M("band_scale_rule", C.grade_label(ix, o.grade)))
    end

    line("#### " .. md(M("radar_title")))
    line("")
    local drows = {}
    for k = 1, #ix.top do
      local id = ix.top[k].id
      local v = node_value(o, id)
      drows[k] = {C.label(ix, id), num(v.points), num(ix.top[k].max_points), num(v.norm),
                  num(med[id] and med[id].norm)}
    end
    tbl({M("dimension"), {text = M("earned"), num = true}, {text = M("possible"), num = true},
         {text = M("norm"), num = true}, {text = M("batch_median"), num = true}}, drows)

    local strengths, weaknesses = C.strengths_weaknesses(ix, o, 3)
    local swhead = {M("indicator"), {text = M("norm"), num = true},
                    {text = M("batch_median"), num = true}, {text = M("difference"), num = true}}
    local function sw(list_, empty, title)
      line("#### " .. md(title))
      line("")
      if #list_ == 0 then para(empty); return end
      local rows = {}
      for k = 1, #list_ do
        local s = list_[k]
        rows[k] = {C.label(ix, s.id), num(s.norm), num(s.median), C.signed(s.diff)}
      end
      tbl(swhead, rows)
    end
    sw(strengths, M("no_strengths"), M("strengths"))
    sw(weaknesses, M("no_weaknesses"), M("weaknesses"))
    para(M("strengths_note"))

    line("#### " .. md(M("rule_outcomes")))
    line("")
    local rules = C.rule_outcomes(ix, o)
    if #rules == 0 then para(M("no_rules")) else
      local rows = {}
      for k = 1, #rules do rows[k] = {rules[k].rule, rules[k].effect, rules[k].reason} end
      tbl({M("rule"), M("effect"), M("reason")}, rows)
    end

    line("#### " .. md(M("statistics_notes")))
    line("")
    list(C.notes(ix, o), M("no_statistics_notes"))

    -- a city standard's unit: statistics beside their goalposts, member shares by kind, and
    -- its group's progress toward the target (nothing for other standards)
    local stats, members, target = C.unit_statistics(ix, o), C.unit_members(ix, o),
                                   C.unit_target(ix, o)
    if #stats > 0 then
      line("#### " .. md(M("city_statistics")))
      line("")
      local rows = C.statistics_cells(ix, stats)
      tbl({M("indicator"), {text = M("stat_value"), num = true}, M("stat_goalposts"),
           {text = M("norm_short"), num = true}, {text = M("points"), num = true},
           M("stat_source")}, rows)
    end
    if #members > 0 then
      line("#### " .. md(M("city_members")))
      line("")
      local rows = C.members_cells(ix, members)
      tbl({M("indicator"), M("member_kind"), M("members_measure"),
           {text = M("members_n"), num = true}, {text = M("target_share"), num = true},
           {text = M("points"), num = true}}, rows)
    end
    if target then
      line("#### " .. md(M("region_progress_title")))
      line("")
      para(target.progress .. (target.standing ~= "" and (" " .. target.standing) or ""))
    end

    local bs = C.bootstrap(ix, o)
    if bs then
      line("#### " .. md(M("bootstrap")))
      line("")
      if bs.interval then para(bs.interval) end
      if bs.before_rules then para(bs.before_rules) end
      if bs.grades then
        local head, row = {M("grade")}, {M("chance")}
        for k = 1, #bs.grades do
          head[k + 1] = {text = bs.grades[k].label, num = true}
          row[k + 1] = C.pct(bs.grades[k].share)
        end
        tbl(head, {row})
      end
    end

    line("#### " .. md(M("bars_title")))
    line("")
    local lrows = {}
    for k = 1, #ix.leaves do
      local nd = ix.leaves[k]
      local v = node_value(o, nd.id)
      lrows[k] = {C.label(ix, nd.id), num(v.points), num(nd.max_points), num(v.norm),
                  num(med[nd.id] and med[nd.id].norm)}
    end
    tbl({M("indicator"), {text = M("earned"), num = true}, {text = M("possible"), num = true},
         {text = M("norm"), num = true}, {text = M("batch_median"), num = true}}, lrows)

    if has_evidence then
      line("#### " .. md(M("evidence_findings")))
      line("")
      list(C.findings(ix, o), M("no_findings"))

      line("#### " .. md(M("self_vs_third")))
      line("")
      local sv = C.self_vs_third(ix, o)
      local svrows = {}
      for k = 1, #sv do
        local x = sv[k]
        svrows[k] = {C.label(ix, x.id), num(x.self), num(x.third_party), num(x.combined),
                     C.signed(x.diff)}
      end
      tbl({M("indicator"), {text = M("self_assessment"), num = true},
           {text = M("third_party"), num = true}, {text = M("combined"), num = true},
           {text = M("self_minus_third"), num = true}}, svrows)

      line("#### " .. md(M("citations")))
      line("")
      local cites = C.citations(ix, o)
      if #cites == 0 then para(M("no_citations")) else
        local rows = {}
        for k = 1, #cites do
          local c = cites[k]
          rows[k] = {c.id, M("assessor_role", c.assessor, c.role), c.value, c.evidence, c.note}
        end
        tbl({M("indicator"), M("assessor"), {text = M("rating"), num = true},
             M("cited_evidence"), M("note")}, rows)
      end
    end
  end
  -- one trailing newline, as a text file ends: drop the blank line after the last block
  local out = concat(buf, "", 1, n)
  if out:sub(-2) == "\n\n" then out = out:sub(1, -2) end
  return out
end

return {
  api = 1, name = "markdown", version = "1.0.0", kind = "report",
  description = "Markdown report (GitHub-flavoured tables), batch and per organization",
  report = report,
}
