-- The HTML report (lotk score/report -f html): one self-contained file an assessor can hand
-- over — inline CSS and SVG, no script, no external request, fonts from the system — that
-- prints on A4 with one organization per page and no chart cut across a page.
-- Content comes from report_common (shared with the Markdown report), charts from
-- report_svg; this file only lays them out. The text is built as a list of pieces joined
-- once at the end, so 1,000 organizations cost linear time.

local concat = table.concat
local format = string.format
-- globals as locals: in lotk every global read goes through the sandbox's __index
local type, tostring, select = type, tostring, select

local CSS = [[
:root{--ink:#1d2330;--muted:#5b6473;--line:#d5dae1;--accent:#1f5fa8;--head:#eef1f5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",
"Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:var(--ink);background:#fff;
margin:0 auto;max-width:210mm;padding:10mm 12mm;line-height:1.5;font-size:10.5pt}
h1{font-size:19pt;margin:0 0 4pt;color:var(--accent)}
h2{font-size:14.5pt;border-bottom:2px solid var(--accent);padding-bottom:2pt;margin:16pt 0 8pt}
h3{font-size:11.5pt;margin:9pt 0 3pt}
h2 .id{font-size:10.5pt;color:var(--muted);font-weight:normal;margin-left:6pt}
p{margin:4pt 0}
a{color:var(--accent)}
.meta{color:var(--muted);font-size:9pt;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:4pt 0 8pt;font-size:9.5pt}
caption{text-align:left;font-weight:bold;padding:2pt 0;caption-side:top}
th,td{border:1px solid var(--line);padding:2pt 5pt;text-align:left;vertical-align:top}
thead th{background:var(--head)}
tbody th{font-weight:normal}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.num,.nowrap{white-space:nowrap}
table.compact{font-size:8.5pt}
table.compact th,table.compact td{padding:1pt 4pt}
td.heat{text-align:center}
figure{margin:6pt 0}
figcaption{font-size:9pt;color:var(--muted)}
svg.chart{display:block;height:auto;margin:0 auto}
.grid2{display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:10pt;align-items:start}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:10pt;align-items:start}
dl.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(28mm,1fr));gap:4pt 6pt;margin:6pt 0}
dl.facts div{border:1px solid var(--line);border-left:3px solid var(--accent);padding:2pt 6pt}
dl.facts dt{font-size:8.5pt;color:var(--muted)}
dl.facts dd{margin:0;font-size:12pt;font-weight:bold}
ul.notes{margin:2pt 0 6pt;padding-left:16pt}
ul.notes li{margin:1pt 0}
.indent1{padding-left:16pt}.indent2{padding-left:28pt}.indent3{padding-left:40pt}
nav.toc ol{columns:2;margin:4pt 0;padding-left:16pt}
.back{font-size:9pt;text-align:right}
@page{size:A4;margin:12mm}
@media print{
body{max-width:none;padding:0;font-size:9pt}
table{font-size:8.5pt}
h2{margin-top:0}
h3{margin:7pt 0 2pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section.page{break-before:page}
figure,svg.chart,table.keep,dl.facts,.grid2{break-inside:avoid}
table.citations{font-size:8pt}
div.detail{break-before:page}
tr{break-inside:avoid}
thead{display:table-header-group}
h2,h3,caption{break-after:avoid}
nav.toc,.back{display:none}
a{color:inherit;text-decoration:none}
}
]]

-- The report as one growing list of pieces, joined once at the end (no quadratic string
-- growth). collapse(mark) joins the pieces since a mark into one string: done once per
-- section, it keeps a 1,000-organization report from holding millions of small strings
-- (each costs a string header and a table slot, more than its text).
local function writer()
  local buf, n = {}, 0
  local function put(...)
    for i = 1, select("#", ...) do
      n = n + 1
      buf[n] = select(i, ...)
    end
  end
  local function mark() return n end
  local function collapse(m)
    local s = concat(buf, "", m + 1, n)
    for i = n, m + 2, -1 do buf[i] = nil end
    buf[m + 1] = s
    n = m + 1
  end
  return put, function() return concat(buf, "", 1, n) end, mark, collapse
end

local function report(result, ctx)
  local C = lotk.require("report_common")
  local S = lotk.require("report_svg")
  local ix = C.index(result, ctx)
  local M, h, num, lang = ix.M, C.html, C.num, ix.lang
  local put, text, mark, collapse = writer()
  local std = ix.std
  local orgs = result.organizations or {}
  local has_evidence = #ix.evidence_leaves > 0
  local targets = C.city_targets(ix) -- a city standard's targets; empty otherwise

  -- A table: headers {text, num = bool, nowrap = bool} or plain text; rows of cells; a cell
  -- is plain text, or {text, html = raw markup, attrs = raw attributes}. A column's class
  -- (num: right-aligned figures; nowrap: short codes) comes from its header. The first cell
  -- of a row is its header (th scope=row), so a screen reader names the row it reads.
  local function tbl(caption, headers, rows, class)
    local col_class = {}
    put('<table', class and (' class="' .. class .. '"') or "", '>')
    if caption then put('<caption>', h(caption), '</caption>') end
    put('<thead><tr>')
    for i = 1, #headers do
      local hd = headers[i]
      local cls = type(hd) == "table" and (hd.num and "num" or (hd.nowrap and "nowrap")) or nil
      col_class[i] = cls and (' class="' .. cls .. '"') or ""
      put('<th scope="col"', col_class[i], '>', h(type(hd) == "table" and hd.text or hd), '</th>')
    end
    put('</tr></thead><tbody>')
    for r = 1, #rows do
      local row = rows[r]
      put('<tr>')
      for i = 1, #row do
        local c = row[i]
        local open, close = '<td', '</td>'
        if i == 1 then open, close = '<th scope="row"', '</th>' end
        if type(c) == "table" then
          put(open, c.attrs and (' ' .. c.attrs) or col_class[i] or "", '>', c.html or h(c.text),
              close)
        else
          put(open, col_class[i] or "", '>', h(c), close)
        end
      end
      put('</tr>')
    end
    put('</tbody></table>')
  end

  local function list(items, empty)
    if #items == 0 then put('<p>', h(empty), '</p>'); return end
    put('<ul class="notes">')
    for i = 1, #items do put('<li>', h(items[i]), '</li>') end
    put('</ul>')
  end

  local function facts(pairs_)
    put('<dl class="facts">')
    for i = 1, #pairs_ do
      put('<div><dt>', h(pairs_[i][1]), '</dt><dd>', h(pairs_[i][2]), '</dd></div>')
    end
    put('</dl>')
  end

  local function figure(svg, caption)
    put('<figure>', svg)
    if caption then put('<figcaption>', h(caption), '</figcaption>') end
    put('</figure>')
  end

  local function node_value(org, id)
    return org.nodes and org.nodes[id] or {}
  end

  local org_anchor = {}
  for i = 1, #orgs do org_anchor[orgs[i]] = "org-" .. i end

  -- ---- head -------------------------------------------------------------------------------
  local std_title = C.pick(std.title, lang) or std.id
  put('<!DOCTYPE html>\n<html lang="', lang == "zh" and "zh-CN" or h(lang), '">\n<head>\n',
      '<meta charset="utf-8">\n',
      '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
      '<title>', h(std_title), ' — ', h(M("report_title")), '</title>\n',
      '<style>\n', CSS, '</style>\n</head>\n<body>\n')
  put('<header><h1>', h(std_title), ' · ', h(M("report_title")), '</h1>')
  put('<p class="meta">', h(M("generated_by", tostring(result.lotk or ""), tostring(std.id),
                                 tostring(std.version or ""))))
  if std.sha256 then put('<br>', h(M("standard_digest")), ' ', h(std.sha256)) end
  put('</p></header>\n')

  put('<nav class="toc" aria-label="', h(M("contents")), '"><h2>', h(M("contents")), '</h2><ol>',
      '<li><a href="#summary">', h(M("summary")), '</a></li>',
      '<li><a href="#league">', h(M("league_table")), '</a></li>')
  if #targets > 0 then put('<li><a href="#targets">', h(M("targets_section")), '</a></li>') end
  put(
      '<li><a href="#heatmap">', h(M("heat_map")), '</a></li>',
      '<li><a href="#reliability">', h(M("reliability")), '</a></li>')
  if has_evidence then put('<li><a href="#agreement">', h(M("agreement")), '</a></li>') end
  put('<li><a href="#standard">', h(M("standard_coverage")), '</a></li>',
      '<li><a href="#organizations">', h(M("organizations_section")), '</a></li></ol></nav>\n')

  -- ---- executive summary -----------------------------------------------------------------
  local batch = ix.batch
  local total_orgs = batch.organizations or #orgs
  put('<section id="summary" class="batch"><h2>', h(M("summary")), '</h2>')
  put('<p>', h(M("summary_text", total_orgs, batch.ranked or 0, batch.ungraded or 0)), '</p>')
  if batch.selected then
    put('<p>', h(M("selected_note", #orgs, total_orgs)), '</p>')
  end
  facts({{M("organizations"), tostring(total_orgs)}, {M("ranked"), tostring(batch.ranked or 0)},
         {M("median_points"), num(batch.median and batch.median.points)}})

  local grade_rows = {}
  local grades = batch.grades or {}
  local function share(count) return total_orgs > 0 and C.pct(count / total_orgs) or C.DASH end
  for i = 1, #grades do
    local g = grades[i]
    local bi = ix.band_index[g.grade]
    grade_rows[#grade_rows + 1] = {label = C.grade_label(ix, g.grade), value = g.count,
                                   text = format("%d (%s)", g.count, share(g.count)),
                                   fill = S.band_fill(bi and (#ix.bands - bi + 1) or 1, #ix.bands)}
  end
  grade_rows[#grade_rows + 1] = {label = M("ungraded"), value = batch.ungraded or 0,
                                 text = format("%d (%s)", batch.ungraded or 0,
                                               share(batch.ungraded or 0)), fill = "#c4c9d1"}
  put('<h3>', h(M("grade_distribution")), '</h3>')
  figure(S.hbars({title = M("grade_distribution"), desc = M("grade_chart_desc", total_orgs),
                  rows = grade_rows}))

  local weakest = C.weakest_batch(ix, 5)
  local wrows = {}
  for i = 1, #weakest do
    local w = weakest[i]
    wrows[i] = {C.label(ix, w.id), num(w.norm), num(w.points), num(w.max_points)}
  end
  tbl(M("weakest_indicators"), {M("indicator"), {text = M("norm"), num = true},
      {text = M("points"), num = true}, {text = M("max_points"), num = true}}, wrows, "keep")

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
  tbl(M("data_quality"), {M("detail"), {text = M("count"), num = true}}, dq, "keep")
  put('</section>\n')

  -- ---- a city standard's targets: each group's share against its target ------------------
  if #targets > 0 then
    put('<section id="targets" class="batch"><h2>', h(M("targets_section")), '</h2><p>',
        h(M("targets_note", std.targets and std.targets.group_by or C.DASH,
            C.grade_label(ix, targets[1].at_least))), '</p>')
    local trows = C.targets_cells(targets)
    tbl(nil, {M("target_group"), {text = M("target_units"), num = true},
              {text = M("target_meeting"), num = true}, {text = M("target_share"), num = true},
              {text = M("target_target"), num = true}, M("target_met_col"),
              M("target_short_units")}, trows, "keep")
    put('</section>\n')
  end

  -- ---- league table ----------------------------------------------------------------------
  local league = C.league(result)
  local any_name = false
  for i = 1, #orgs do if orgs[i].name then any_name = true; break end end
  local lhead = {{text = M("rank"), num = true}, M("id")}
  if any_name then lhead[#lhead + 1] = M("name") end
  lhead[#lhead + 1] = {text = M("total_points"), num = true}
  lhead[#lhead + 1] = M("grade")
  for i = 1, #ix.top do lhead[#lhead + 1] = {text = C.label(ix, ix.top[i].id), num = true} end
  local lrows = {}
  for i = 1, #league do
    local o = league[i]
    local row = {{text = o.rank and tostring(o.rank.position) or C.DASH, num = true},
                 {html = '<a href="#' .. org_anchor[o] .. '">' .. h(o.id) .. '</a>'}}
    if any_name then row[#row + 1] = o.name or "" end
    row[#row + 1] = num(o.points)
    row[#row + 1] = C.grade_label(ix, o.grade)
    for k = 1, #ix.top do row[#row + 1] = num(node_value(o, ix.top[k].id).points) end
    lrows[i] = row
  end
  local m_league = mark()
  put('<section id="league" class="batch page"><h2>', h(M("league_table")), '</h2>')
  if #league == 0 then put('<p>', h(M("no_organizations")), '</p>')
  else tbl(nil, lhead, lrows) end
  put('</section>\n')
  collapse(m_league)

  -- ---- heat map --------------------------------------------------------------------------
  put('<section id="heatmap" class="batch page"><h2>', h(M("heat_map")), '</h2><p>',
      h(M("heat_map_note")), ' ', h(M("heat_map_colours")), '</p>')
  local hhead = {M("organization")}
  for i = 1, #ix.top do hhead[#hhead + 1] = {text = C.label(ix, ix.top[i].id), num = true} end
  local hrows = {}
  for i = 1, #league do
    local o = league[i]
    local row = {o.name and (o.name .. " (" .. o.id .. ")") or o.id}
    for k = 1, #ix.top do
      local v = node_value(o, ix.top[k].id).norm
      local bg, fg = S.heat_colour(v)
      row[#row + 1] = {text = num(v), attrs = format('class="heat" style="background:%s;color:%s"',
                                                     bg, fg)}
    end
    hrows[i] = row
  end
  if #league > 0 then tbl(nil, hhead, hrows, "heat") end
  put('</section>\n')
  collapse(m_league)

  -- ---- reliability and agreement ---------------------------------------------------------
  put('<section id="reliability" class="batch page"><h2>', h(M("reliability")), '</h2>')
  local rrows, all_notes = {}, {}
  for i = 1, #ix.survey_leaves do
    local id = ix.survey_leaves[i].id
    local rel = result.reliability and result.reliability[id] or {}
    local agg = result.aggregation and result.aggregation[id] or {}
    local notes = C.leaf_notes(ix, id)
    for k = 1, #notes do all_notes[#all_notes + 1] = notes[k] end
    rrows[i] = {C.label(ix, id), num(rel.items, 0), num(rel.n, 0), num(rel.alpha),
                num(agg.icc1), num(agg.icc2),
                #notes > 0 and M("yes") or M("none")}
  end
  tbl(nil, {M("indicator"), {text = M("items"), num = true}, {text = M("sample_size"), num = true},
            {text = M("alpha"), num = true}, {text = M("icc1"), num = true},
            {text = M("icc2"), num = true}, M("notes")}, rrows)
  list(all_notes, M("no_reliability_notes"))

  if has_evidence then
    put('<h3 id="agreement">', h(M("agreement")), '</h3><p>', h(M("agreement_note")), '</p>')
    local forms = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}
    local ahead = {M("indicator")}
    for k = 1, #forms do ahead[#ahead + 1] = {text = M("sf_" .. forms[k]:lower()), num = true} end
    ahead[#ahead + 1] = {text = M("organizations"), num = true}
    ahead[#ahead + 1] = {text = M("assessors"), num = true}
    ahead[#ahead + 1] = {text = M("excluded"), num = true}
    local arows = {}
    for i = 1, #ix.evidence_leaves do
      local id = ix.evidence_leaves[i].id
      local a = result.agreement and result.agreement[id] or {}
      local row = {C.label(ix, id)}
      for k = 1, #forms do row[#row + 1] = num(a[forms[k]]) end
      row[#row + 1] = num(a.organizations, 0)
      row[#row + 1] = a.assessors and tostring(#a.assessors) or C.DASH
      row[#row + 1] = num(a.excluded, 0)
      arows[i] = row
    end
    tbl(nil, ahead, arows, "keep")
  end
  put('</section>\n')

  -- ---- the standard ----------------------------------------------------------------------
  put('<section id="standard" class="batch page"><h2>', h(M("standard_coverage")), '</h2>')
  local srows = {}
  for i = 1, #std.nodes do
    local n = std.nodes[i]
    local d = C.depth(n)
    local detail = C.source_label(ix, n)
    if n.items then detail = detail .. M("list_separator") .. M("items_n", n.items) end
    if n.rubric then detail = detail .. M("list_separator") .. M("rubric_" .. n.rubric) end
    srows[i] = {{html = h(C.label(ix, n.id)), attrs = d > 0 and format('class="indent%d"', math.min(d, 3)) or nil},
                detail, num(n.weight), C.pct(n.share), num(n.max_points)}
  end
  tbl(nil, {M("indicator"), M("source"), {text = M("weight"), num = true},
            {text = M("share_of_total"), num = true}, {text = M("max_points"), num = true}}, srows)
  local brows = {}
  local ranges = C.band_ranges(ix)
  for i = 1, #ranges do
    brows[i] = {ranges[i].label, num(ranges[i].lo), num(ranges[i].hi)}
  end
  tbl(M("band_scale_table"), {M("grade"), {text = M("from_points"), num = true},
                              {text = M("to_points"), num = true}}, brows, "keep")
  put('</section>\n')

  -- ---- one organization ------------------------------------------------------------------
  -- Two printed pages: an overview (the result, how it compares, what to improve, what
  -- rules and statistics say about it) and the detail behind it (indicator bars, evidence).
  -- A fixed split keeps the page count predictable, and each page starts with what a
  -- reader of that page looks for.
  local med = ix.median

  -- A city standard's unit: statistics beside their goalposts, member shares by kind, and
  -- the progress of its group toward the target. Nothing for other standards.
  local function unit_page(o)
    local stats, members, target = C.unit_statistics(ix, o), C.unit_members(ix, o),
                                   C.unit_target(ix, o)
    if #stats > 0 then
      local rows = C.statistics_cells(ix, stats)
      tbl(M("city_statistics"), {M("indicator"), {text = M("stat_value"), num = true},
          {text = M("stat_goalposts"), nowrap = true}, {text = M("norm_short"), num = true},
          {text = M("points"), num = true}, M("stat_source")}, rows, "keep compact")
    end
    if #members > 0 then
      local rows = C.members_cells(ix, members)
      tbl(M("city_members"), {M("indicator"), M("member_kind"), M("members_measure"),
          {text = M("members_n"), num = true}, {text = M("target_share"), num = true},
          {text = M("points"), num = true}}, rows, "keep compact")
    end
    if target then
      put('<h3>', h(M("region_progress_title")), '</h3><p>', h(target.progress), ' ',
          h(target.standing), '</p>')
    end
  end

  local function org_overview(o, name)
    local f = {{M("respondents"), num(o.respondents, 0)}, {M("screened"), num(o.screened, 0)},
               {M("total_points"), M("points_of", num(o.points), num(std.points))},
               {M("grade"), C.grade_label(ix, o.grade)}, {M("rank"), C.rank_text(ix, o)}}
    if type(o.percentile) == "number" then
      local ng = result.norms and result.norms.organizations
      f[#f + 1] = {M("percentile"), ng and M("percentile_of", num(o.percentile, 0), ng)
                                      or num(o.percentile, 0)}
    end
    facts(f)
    -- the scale shows where the points fall; a rule (a veto) may have set another grade,
    -- and the caption says so rather than let the picture contradict the grade
    local by_points = C.band_of_points(ix, o.points)
    local caption
    if o.grade and by_points and o.grade ~= by_points then
      caption = M("band_scale_rule", C.grade_label(ix, o.grade))
    end
    figure(S.band_scale({title = M("band_scale"),
                         desc = type(o.points) == "number" and by_points
                                and M("band_scale_desc", num(o.points), C.grade_label(ix, by_points))
                                or M("band_scale_nopoints"),
                         total = std.points or 100, bands = ranges, value = o.points,
                         value_text = num(o.points)}), caption)

    -- radar of the top-level dimensions against the batch median, with its numbers beside
    local axes, ov, mv, drows = {}, {}, {}, {}
    for k = 1, #ix.top do
      local id = ix.top[k].id
      local v = node_value(o, id)
      axes[k] = C.label(ix, id)
      ov[k] = v.norm
      mv[k] = med[id] and med[id].norm
      drows[k] = {C.label(ix, id), M("points_of", num(v.points), num(ix.top[k].max_points)),
                  num(v.norm), num(mv[k])}
    end
    put('<div class="grid2">')
    figure(S.radar({title = M("radar_title"), desc = M("radar_desc", name, #ix.top), axes = axes,
                    series = {{name = M("this_organization"), values = ov},
                              {name = M("batch_median"), values = mv, dashed = true}}}))
    tbl(nil, {M("dimension"), {text = M("points"), num = true},
              {text = M("norm_short"), num = true}, {text = M("median_short"), num = true}},
        drows, "keep compact")
    put('</div>')

    local strengths, weaknesses = C.strengths_weaknesses(ix, o, 3)
    local function sw_rows(list_)
      local rows = {}
      for k = 1, #list_ do
        local sw = list_[k]
        rows[k] = {C.label(ix, sw.id), num(sw.norm), num(sw.median), C.signed(sw.diff)}
      end
      return rows
    end
    local swhead = {M("indicator"), {text = M("norm_short"), num = true},
                    {text = M("median_short"), num = true}, {text = M("difference_short"), num = true}}
    put('<div class="pair"><div><h3>', h(M("strengths")), '</h3>')
    if #strengths > 0 then tbl(nil, swhead, sw_rows(strengths), "keep compact")
    else put('<p>', h(M("no_strengths")), '</p>') end
    put('</div><div><h3>', h(M("weaknesses")), '</h3>')
    if #weaknesses > 0 then tbl(nil, swhead, sw_rows(weaknesses), "keep compact")
    else put('<p>', h(M("no_weaknesses")), '</p>') end
    put('</div></div><p class="meta">', h(M("strengths_note")), '</p>')

    put('<h3>', h(M("rule_outcomes")), '</h3>')
    local rules = C.rule_outcomes(ix, o)
    if #rules == 0 then put('<p>', h(M("no_rules")), '</p>')
    else
      local rrows_ = {}
      for k = 1, #rules do rrows_[k] = {rules[k].rule, rules[k].effect, rules[k].reason} end
      tbl(nil, {M("rule"), M("effect"), M("reason")}, rrows_, "keep compact")
    end

    put('<h3>', h(M("statistics_notes")), '</h3>')
    list(C.notes(ix, o), M("no_statistics_notes"))
    unit_page(o)

    local bs = C.bootstrap(ix, o)
    if bs then
      put('<h3>', h(M("bootstrap")), '</h3>')
      if bs.interval then
        put('<p>', h(bs.interval))
        if bs.before_rules then put(' <span class="meta">', h(bs.before_rules), '</span>') end
        put('</p>')
      end
      if bs.grades then
        -- one row, a column per band: the chances read left to right like the band scale
        local ghead, grow = {M("grade")}, {M("chance")}
        for k = 1, #bs.grades do
          ghead[k + 1] = {text = bs.grades[k].label, num = true}
          grow[k + 1] = C.pct(bs.grades[k].share)
        end
        tbl(M("grade_chances"), ghead, {grow}, "keep compact")
      end
    end
  end

  local function org_detail(o, name)
    local brow = {}
    for k = 1, #ix.leaves do
      local n = ix.leaves[k]
      local v = node_value(o, n.id)
      brow[k] = {label = C.label(ix, n.id), value = v.points, max = n.max_points,
                 median = med[n.id] and med[n.id].points,
                 text = M("points_of", num(v.points), num(n.max_points))}
    end
    put('<h3>', h(M("bars_title")), '</h3>')
    figure(S.bars({title = M("bars_title"), desc = M("bars_desc", name, #ix.leaves), rows = brow,
                   legend = {earned = M("earned"), possible = M("possible"),
                             median = M("batch_median")}}))
    if not has_evidence then return end

    put('<h3>', h(M("evidence_findings")), '</h3>')
    list(C.findings(ix, o), M("no_findings"))

    local sv = C.self_vs_third(ix, o)
    local svrows = {}
    for k = 1, #sv do
      local x = sv[k]
      svrows[k] = {C.label(ix, x.id), num(x.self), num(x.third_party), num(x.combined),
                   C.signed(x.diff)}
    end
    tbl(M("self_vs_third"), {M("indicator"), {text = M("self_assessment"), num = true},
        {text = M("third_party"), num = true}, {text = M("combined"), num = true},
        {text = M("self_minus_third"), num = true}}, svrows, "keep compact")

    local cites = C.citations(ix, o)
    put('<h3>', h(M("citations")), '</h3>')
    if #cites == 0 then put('<p>', h(M("no_citations")), '</p>'); return end
    local crows = {}
    for k = 1, #cites do
      local c = cites[k]
      -- assessor and role in one cell: the evidence text gets the width it needs
      crows[k] = {{text = c.id, attrs = 'class="nowrap"'},
                  M("assessor_role", c.assessor, c.role), c.value, c.evidence, c.note}
    end
    tbl(nil, {{text = M("indicator"), nowrap = true}, {text = M("assessor"), nowrap = true},
              {text = M("rating"), num = true}, M("cited_evidence"), M("note")}, crows,
        "compact citations")
  end

  put('<div id="organizations"></div>\n')
  for oi = 1, #orgs do
    local o = orgs[oi]
    local anchor = org_anchor[o]
    local name = C.org_name(o)
    local m = mark()
    put('<section class="org page" id="', anchor, '" aria-labelledby="', anchor, '-h">')
    put('<h2 id="', anchor, '-h">', h(name))
    if o.name and o.name ~= o.id then put('<span class="id">', h(o.id), '</span>') end
    put('</h2>')
    org_overview(o, name)
    put('<div class="detail">')
    org_detail(o, name)
    put('</div><p class="back"><a href="#league">', h(M("back_to_league")), '</a></p>')
    put('</section>\n')
    collapse(m)
  end
  put('</body>\n</html>\n')
  return text()
end

return {
  api = 1, name = "html", version = "1.0.0", kind = "report",
  description = "Self-contained HTML report (inline CSS and SVG, print-ready A4), batch and "
             .. "per organization",
  report = report,
}
