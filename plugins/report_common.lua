-- Shared helpers of the report plugins (html, markdown, and any third-party format):
-- picking text by language, formatting numbers, and turning the result table into the
-- report's content — rankings, strengths and weaknesses, rule outcomes, evidence findings and
-- plain-words explanations of the statistics' flags. The format plugins only lay this content
-- out, so an HTML and a Markdown report of one result always say the same things.
--
-- Contract (docs/plugin-api.md, specs/report-table.md): the result table is read-only and may
-- be proxies, so nothing here mutates it, and nothing uses next/rawget/rawlen on it; output
-- order never comes from pairs() (its order is not stable across builds): it comes from
-- standard.nodes, standard.bands and organizations, which are arrays.
-- Lua patterns are not available in the sandbox (string.find is a plain find), so escaping
-- and splitting walk the bytes themselves.

local concat, insert, sort = table.concat, table.insert, table.sort
local format, byte, sub, find = string.format, string.byte, string.sub, string.find
local floor = math.floor
-- globals as locals: in lotk every global read goes through the sandbox's __index
local type, tostring, select, error, ipairs = type, tostring, select, error, ipairs
local huge = math.huge

-- ---- text -------------------------------------------------------------------------------

-- A standard's text map in the report's language; a plain string passes through. The zh/en
-- fallbacks are the spec's (t[lang] or t.zh or t.en): a standard without an English title
-- still shows its Chinese one in an English report rather than nothing.
local function pick(t, lang)
  if t == nil then return nil end
  if type(t) ~= "table" then return tostring(t) end
  return t[lang] or t.zh or t.en
end

-- Replaces bytes by entities only when a string holds one. Results are remembered: a
-- report escapes the same labels, numbers and messages thousands of times, and a table
-- lookup is cheaper than the five plain finds (the cache is bounded by the distinct texts
-- of one result).
local function escaper(map, specials)
  local cache = {}
  return function(s)
    if s == nil then return "" end
    s = tostring(s)
    local done = cache[s]
    if done then return done end
    local hit = false
    for i = 1, #specials do
      if find(s, specials[i], 1, true) then hit = true; break end
    end
    if not hit then cache[s] = s; return s end
    local out, n, start = {}, 0, 1
    for i = 1, #s do
      local rep = map[byte(s, i)]
      if rep then
        out[n + 1] = sub(s, start, i - 1); out[n + 2] = rep
        n = n + 2; start = i + 1
      end
    end
    out[n + 1] = sub(s, start)
    done = concat(out)
    cache[s] = done
    return done
  end
end

local html = escaper({[38] = "&amp;", [60] = "&lt;", [62] = "&gt;", [34] = "&quot;",
                      [39] = "&#39;"},
                     {"&", "<", ">", '"', "'"})

-- Markdown table cells: `|` would end the cell and a newline the row; the other specials
-- would turn data (a note with *stars* or <b>) into formatting or raw HTML on a forge.
local md = escaper({[92] = "\\\\", [124] = "\\|", [42] = "\\*", [95] = "\\_", [96] = "\\`",
                    [91] = "\\[", [93] = "\\]", [60] = "&lt;", [62] = "&gt;", [35] = "\\#",
                    [13] = "", [10] = " "},
                   {"\\", "|", "*", "_", "`", "[", "]", "<", ">", "#", "\r", "\n"})

-- ---- numbers ----------------------------------------------------------------------------

local DASH = "—" -- no value; a symbol, the same in every language

-- Two decimals by default (what assessors read); "-0.00" would look like a loss.
local function num(x, decimals)
  if type(x) ~= "number" or x ~= x or x == huge or x == -huge then return DASH end
  local s = format("%." .. (decimals or 2) .. "f", x)
  if byte(s, 1) == 45 then
    local nonzero = false
    for i = 2, #s do
      local c = byte(s, i)
      if c >= 49 and c <= 57 then nonzero = true; break end
    end
    if not nonzero then s = sub(s, 2) end
  end
  return s
end

-- A value beside the threshold it is compared with: two decimals, or three when two would
-- show the same figure as the threshold ("0.698, below 0.70", never "0.70, below 0.70").
local function near(x, limit)
  local s = num(x)
  if type(x) == "number" and s == num(limit) and x ~= limit then return num(x, 3) end
  return s
end

-- An explicit sign for point adjustments (+2.00, −1.50 read as what a rule added or took).
local function signed(x)
  local s = num(x)
  if type(x) == "number" and x > 0 and s ~= num(0) then return "+" .. s end
  return s
end

-- A share in [0, 1] as a percentage with one decimal (0.995 is "99.5%", not "100%").
local function pct(x)
  if type(x) ~= "number" then return DASH end
  return num(x * 100, 1) .. "%"
end

-- ---- messages ---------------------------------------------------------------------------

-- ctx.messages[key], failing loudly on a missing key: a silent fallback would be English in
-- a Chinese report (or a raw key), which is the failure this table exists to prevent.
local function messages(ctx)
  local m = ctx.messages
  return function(key, ...)
    local s = m[key]
    if s == nil then error("report: no message '" .. key .. "' in the message table", 2) end
    if select("#", ...) > 0 then return format(s, ...) end
    return s
  end
end

-- ---- the index: one pass over the standard, shared by every section ----------------------

local function index(result, ctx)
  local std = result.standard
  local lang = ctx.lang or (std.languages and std.languages[1]) or "zh"
  local ix = {result = result, ctx = ctx, lang = lang, std = std, M = messages(ctx),
              nodes = {}, order = {}, top = {}, leaves = {}, evidence_leaves = {},
              survey_leaves = {}, bands = {}, band_of = {}, band_index = {},
              batch = result.batch or {}, thresholds = std.thresholds or {}}
  local nodes = std.nodes or {}
  for i = 1, #nodes do
    local n = nodes[i]
    ix.nodes[n.id] = n
    ix.order[n.id] = i
    if n.parent == nil then ix.top[#ix.top + 1] = n end
    if n.children == nil or #n.children == 0 then
      ix.leaves[#ix.leaves + 1] = n
      if n.source == "evidence" then ix.evidence_leaves[#ix.evidence_leaves + 1] = n end
      if n.source == "survey" then ix.survey_leaves[#ix.survey_leaves + 1] = n end
    end
  end
  local bands = std.bands or {}
  for i = 1, #bands do
    ix.bands[i] = bands[i]
    ix.band_of[bands[i].grade] = bands[i]
    ix.band_index[bands[i].grade] = i
  end
  ix.median = (ix.batch.median and ix.batch.median.nodes) or {}
  return ix
end

local function title(ix, id)
  local n = ix.nodes[id]
  return n and pick(n.title, ix.lang) or id
end

-- "D2.1 培训经费与时间": ids are how assessors cite indicators, titles how readers know them.
local function label(ix, id)
  local t = title(ix, id)
  if t == nil or t == id then return id end
  return id .. " " .. t
end

local function grade_label(ix, grade)
  if grade == nil then return ix.M("ungraded") end
  local b = ix.band_of[grade]
  return b and pick(b.label, ix.lang) or grade
end

local function org_name(org)
  return org.name or org.id
end

-- ---- rankings ---------------------------------------------------------------------------

-- The league order: ranked organizations by position (ties keep the result's order, which
-- the C side makes stable), then those without points in the result's order.
local function league(result)
  local orgs, ranked, rest = result.organizations or {}, {}, {}
  for i = 1, #orgs do
    local o = orgs[i]
    if o.rank and o.rank.position then
      ranked[#ranked + 1] = {org = o, pos = o.rank.position, i = i}
    else
      rest[#rest + 1] = o
    end
  end
  sort(ranked, function(a, b)
    if a.pos ~= b.pos then return a.pos < b.pos end
    return a.i < b.i
  end)
  local out = {}
  for i = 1, #ranked do out[i] = ranked[i].org end
  for i = 1, #rest do out[#out + 1] = rest[i] end
  return out
end

-- Leaf indicators of one organization against the batch median norm (COINr's strengths and
-- weaknesses): difference = org norm − median norm. Yes/no indicators never count as
-- strengths (meeting a yes/no criterion everyone meets says nothing); they may be
-- weaknesses. Only indicators with both values count; a strength must be above the median
-- and a weakness below it, so a weak organization is not told its least-bad indicator is a
-- strength. Ties are broken by the standard's order, for stable output.
local function strengths_weaknesses(ix, org, count)
  count = count or 3
  local cands = {}
  for i = 1, #ix.leaves do
    local n = ix.leaves[i]
    local v = org.nodes and org.nodes[n.id]
    local med = ix.median[n.id]
    if v and type(v.norm) == "number" and med and type(med.norm) == "number" then
      cands[#cands + 1] = {id = n.id, norm = v.norm, median = med.norm,
                           diff = v.norm - med.norm, binary = n.binary == true, i = i}
    end
  end
  local function pick_top(keep, better)
    local list = {}
    for i = 1, #cands do if keep(cands[i]) then list[#list + 1] = cands[i] end end
    sort(list, function(a, b)
      if a.diff ~= b.diff then return better(a.diff, b.diff) end
      return a.i < b.i
    end)
    local out = {}
    for i = 1, math.min(count, #list) do out[i] = list[i] end
    return out
  end
  -- A difference shown as 0.00 is no strength nor weakness: the report rounds to two
  -- decimals, and a reader must see the sign it is listed for.
  local strengths = pick_top(function(c) return not c.binary and c.diff >= 0.005 end,
                             function(a, b) return a > b end)
  local weaknesses = pick_top(function(c) return c.diff <= -0.005 end,
                              function(a, b) return a < b end)
  return strengths, weaknesses
end

-- The indicators weakest across the batch: leaves by their batch median norm, lowest first.
local function weakest_batch(ix, count)
  local list = {}
  for i = 1, #ix.leaves do
    local n = ix.leaves[i]
    local med = ix.median[n.id]
    if med and type(med.norm) == "number" then
      list[#list + 1] = {id = n.id, norm = med.norm, points = med.points,
                         max_points = n.max_points, i = i}
    end
  end
  sort(list, function(a, b)
    if a.norm ~= b.norm then return a.norm < b.norm end
    return a.i < b.i
  end)
  local out = {}
  for i = 1, math.min(count or 5, #list) do out[i] = list[i] end
  return out
end

-- ---- plain words ------------------------------------------------------------------------

local function has(list, x)
  if list == nil then return false end
  for i = 1, #list do if list[i] == x then return true end end
  return false
end

local function join_ids(ix, ids)
  local parts = {}
  for i = 1, #ids do parts[i] = label(ix, ids[i]) end
  return concat(parts, ix.M("list_separator"))
end

-- Leaves of one source without a value for this organization, in the standard's order.
local function missing_leaves(ix, org, source)
  local out = {}
  for i = 1, #ix.leaves do
    local n = ix.leaves[i]
    local v = org.nodes and org.nodes[n.id]
    if (source == nil or n.source == source) and not (v and type(v.norm) == "number") then
      out[#out + 1] = n.id
    end
  end
  return out
end

-- A rating value on its own scale; a numeric fact (2.1 %) keeps its unit beside the score.
local function rating_value(r)
  if r == nil then return DASH end
  if r.fact ~= nil then return num(r.value) .. " (" .. num(r.fact) .. ")" end
  return num(r.value)
end

-- What one evidence.flagged entry means, in a sentence.
local function finding(ix, f)
  local M, ind = ix.M, label(ix, f.indicator or "?")
  if f.flag == "assessor_spread" then
    local rs = {}
    local ratings = f.ratings or {}
    for i = 1, #ratings do rs[i] = tostring(ratings[i].assessor) .. " " .. num(ratings[i].value) end
    return M("finding_assessor_spread", ind, pct(f.spread), pct(f.limit),
             concat(rs, M("list_separator")))
  elseif f.flag == "self_exceeds" then
    return M("finding_self_exceeds", ind, num(f.self), num(f.third_party), pct(f.difference),
             pct(f.margin))
  elseif f.flag == "self_only" then
    return M("finding_self_only", ind)
  elseif f.flag == "uncited" then
    local who = {}
    local a = f.assessors or {}
    for i = 1, #a do who[i] = tostring(a[i]) end
    return M("finding_uncited", ind, concat(who, M("list_separator")))
  end
  return M("flag_other", tostring(f.flag))
end

local EVIDENCE_FLAGS = {assessor_spread = true, self_exceeds = true, self_only = true,
                        uncited = true}

-- Evidence findings of one organization (the entries behind its evidence flags).
local function findings(ix, org)
  local out = {}
  local flagged = org.evidence and org.evidence.flagged or {}
  for i = 1, #flagged do out[#out + 1] = finding(ix, flagged[i]) end
  return out
end

-- The organization's own flags and the per-leaf agreement flags, explained; the evidence
-- flags are left to findings(), which has their details.
local function notes(ix, org)
  local M, th, out = ix.M, ix.thresholds, {}
  local flags = org.flags or {}
  for i = 1, #flags do
    local f = flags[i]
    if f == "few_respondents" then
      if type(th.min_respondents) == "number" then
        out[#out + 1] = M("flag_few_respondents", org.respondents or 0,
                          floor(th.min_respondents))
      else
        out[#out + 1] = M("flag_few_respondents_plain", org.respondents or 0)
      end
    elseif f == "incomplete" then
      local ids = missing_leaves(ix, org)
      out[#out + 1] = #ids > 0 and M("flag_incomplete", join_ids(ix, ids))
                      or M("flag_incomplete_plain")
    elseif f == "no_band" then
      out[#out + 1] = M("flag_no_band", num(org.points))
    elseif f == "evidence_only" then
      out[#out + 1] = M("flag_evidence_only")
    elseif f == "unrated" then
      local ids = missing_leaves(ix, org, "evidence")
      out[#out + 1] = #ids > 0 and M("flag_unrated", join_ids(ix, ids)) or M("flag_unrated_plain")
    elseif f == "low_agreement" then
      -- explained per leaf below; the flag alone only when no leaf carries the detail
      local any = false
      for j = 1, #ix.survey_leaves do
        local v = org.nodes and org.nodes[ix.survey_leaves[j].id]
        if v and v.low_agreement then any = true; break end
      end
      if not any then out[#out + 1] = M("flag_low_agreement_plain") end
    elseif not EVIDENCE_FLAGS[f] then
      out[#out + 1] = M("flag_other", tostring(f))
    end
  end
  -- One leaf: a sentence of its own ("staff answers disagree on D2.1 …: rwg(j) 0.41, below
  -- 0.7"); several: one sentence listing them, so a page of notes stays readable.
  local low = {}
  for j = 1, #ix.survey_leaves do
    local id = ix.survey_leaves[j].id
    local v = org.nodes and org.nodes[id]
    if v and v.low_agreement then low[#low + 1] = {id = id, rwg = v.rwg_j} end
  end
  local limit = type(th.rwg_j) == "number" and th.rwg_j or nil
  local function rwg_text(x) return limit and near(x, limit) or num(x) end
  if #low == 1 then
    if limit then
      out[#out + 1] = M("flag_low_agreement", label(ix, low[1].id), rwg_text(low[1].rwg),
                        num(limit))
    else
      out[#out + 1] = M("flag_low_agreement_nothreshold", label(ix, low[1].id), num(low[1].rwg))
    end
  elseif #low > 1 then
    local parts = {}
    for j = 1, #low do
      parts[j] = M("indicator_value", label(ix, low[j].id), rwg_text(low[j].rwg))
    end
    if limit then
      out[#out + 1] = M("flag_low_agreement_many", num(limit), concat(parts, M("list_separator")))
    else
      out[#out + 1] = M("flag_low_agreement_many_nothreshold", concat(parts, M("list_separator")))
    end
  end
  return out
end

-- Batch-level notes on one survey leaf: aggregation below the ICC thresholds, and items
-- whose negative item-total correlation suggests a reverse key was missed.
local function leaf_notes(ix, id)
  local M, th, out = ix.M, ix.thresholds, {}
  local agg = ix.result.aggregation and ix.result.aggregation[id]
  if agg and agg.low_agreement then
    local parts = {}
    if type(th.icc1) == "number" and type(agg.icc1) == "number" and agg.icc1 < th.icc1 then
      parts[#parts + 1] = M("icc_below", M("icc1"), near(agg.icc1, th.icc1), num(th.icc1))
    end
    if type(th.icc2) == "number" and type(agg.icc2) == "number" and agg.icc2 < th.icc2 then
      parts[#parts + 1] = M("icc_below", M("icc2"), near(agg.icc2, th.icc2), num(th.icc2))
    end
    out[#out + 1] = M("flag_low_icc", label(ix, id), concat(parts, M("list_separator")))
  end
  local rel = ix.result.reliability and ix.result.reliability[id]
  local keying = rel and rel.likely_keying_errors or {}
  if #keying > 0 then
    local items = {}
    for i = 1, #keying do items[i] = tostring(keying[i]) end
    out[#out + 1] = M("flag_keying", label(ix, id), concat(items, M("list_separator")))
  end
  return out
end

local RULE_KEYS = {veto = "rule_veto", bonus = "rule_bonus", cap = "rule_cap"}

-- Rule outcomes in plain words: what the rule did (grade forced or capped, points added),
-- then the reason it gave. A reason may be a text map {zh, en} or a string written by the
-- rule plugin (shown as the rule wrote it).
local function rule_outcomes(ix, org)
  local M, out = ix.M, {}
  local adj = org.adjustments or {}
  for i = 1, #adj do
    local a = adj[i]
    local who = RULE_KEYS[a.rule] and M(RULE_KEYS[a.rule]) or M("rule_named", tostring(a.rule))
    local did = {}
    if a.grade ~= nil then did[#did + 1] = M("rule_grade", grade_label(ix, a.grade)) end
    if a.max_grade ~= nil then did[#did + 1] = M("rule_max_grade", grade_label(ix, a.max_grade)) end
    if a.points ~= nil then did[#did + 1] = M("rule_points", signed(a.points)) end
    out[#out + 1] = {rule = who, effect = concat(did, M("list_separator")),
                     reason = pick(a.reason, ix.lang) or ""}
  end
  return out
end

-- Self-assessment beside the third party's rating, per evidence leaf of the standard.
local function self_vs_third(ix, org)
  local out = {}
  for i = 1, #ix.evidence_leaves do
    local n = ix.evidence_leaves[i]
    local v = org.nodes and org.nodes[n.id] or {}
    local diff
    if type(v.self) == "number" and type(v.third_party) == "number" then
      diff = v.self - v.third_party
    end
    out[#out + 1] = {id = n.id, self = v.self, third_party = v.third_party, combined = v.mean,
                     diff = diff, scale = n.scale}
  end
  return out
end

-- Every rating with what it cites, evidence leaves in the standard's order.
local function citations(ix, org)
  local M, out = ix.M, {}
  for i = 1, #ix.evidence_leaves do
    local id = ix.evidence_leaves[i].id
    local v = org.nodes and org.nodes[id]
    local ratings = v and v.ratings or {}
    for j = 1, #ratings do
      local r = ratings[j]
      out[#out + 1] = {id = id, assessor = tostring(r.assessor or ""),
                       role = r.role == "self" and M("role_self") or M("role_third_party"),
                       value = rating_value(r), evidence = r.evidence or "", note = r.note or ""}
    end
  end
  return out
end

-- Bootstrap interval and grade chances, or nil when not computed / undefined.
local function bootstrap(ix, org)
  local b = org.bootstrap
  if b == nil then return nil end
  local M, out = ix.M, {}
  local ci = b.points_ci
  if ci and type(ci[1]) == "number" and type(ci[2]) == "number" then
    out.interval = M("bootstrap_interval", num((b.confidence or 0.95) * 100, 0), num(ci[1]),
                     num(ci[2]), floor(b.replicates or 0))
  end
  if b.grades then
    out.grades = {}
    for i = 1, #ix.bands do
      local g = ix.bands[i].grade
      out.grades[#out.grades + 1] = {grade = g, label = grade_label(ix, g),
                                     share = b.grades[g] or 0}
    end
  end
  local rules = ix.result.bootstrap and ix.result.bootstrap.rules
  if type(rules) == "string" and find(rules, "not re-run", 1, true) == 1 then
    out.before_rules = M("bootstrap_before_rules")
  end
  if out.interval == nil and out.grades == nil then return nil end
  return out
end

-- Band geometry of the scale 0..points: each band from its min to the next band's min.
local function band_ranges(ix)
  local total = ix.std.points or 100
  local out, upper = {}, total
  for i = 1, #ix.bands do
    local b = ix.bands[i]
    out[#out + 1] = {grade = b.grade, label = grade_label(ix, b.grade), lo = b.min, hi = upper,
                     rank = #ix.bands - i + 1}
    upper = b.min
  end
  return out
end

-- The band the points fall in (bands are highest first), whatever rules did to the grade.
local function band_of_points(ix, points)
  if type(points) ~= "number" then return nil end
  for i = 1, #ix.bands do
    if points >= ix.bands[i].min then return ix.bands[i].grade end
  end
  return nil
end

-- Source of a node in words.
local function source_label(ix, n)
  local M = ix.M
  local s = n.source or "inner"
  local key = ({inner = "source_inner", survey = "source_survey", evidence = "source_evidence",
                statistic = "source_statistic", members = "source_members"})[s]
  return key and M(key) or s
end

local function rank_text(ix, org)
  if org.rank and org.rank.position then
    return ix.M("rank_of", floor(org.rank.position), floor(org.rank.of or 0))
  end
  return ix.M("not_ranked")
end

-- Indent of a node in the standard's tree, by level (1 = top).
local function depth(n)
  return (n.level or 1) - 1
end

-- ---- a city standard's units (issue 13) --------------------------------------------------

-- The targets per group, as rows for a table: group, units, meeting, share, target, met, and
-- the units still short with their gaps (a unit held back by a rule or by too few
-- respondents, whose points reach the grade, shows its grade instead). Empty without targets.
local function city_targets(ix)
  local M, rows = ix.M, {}
  local t = ix.result.targets
  if type(t) ~= "table" then return rows end
  for i = 1, #t do
    local g = t[i]
    local shorts = {}
    for k = 1, #(g.short or {}) do
      local u = g.short[k]
      if type(u.gap) == "number" and u.gap <= 0 then
        shorts[k] = M("target_held", u.unit, grade_label(ix, u.grade))
      else
        shorts[k] = M("target_gap", u.unit, num(u.gap))
      end
    end
    local met = g.met == nil and M("target_none") or (g.met and M("target_met") or M("target_missed"))
    rows[i] = {group = g.group, units = g.units, meeting = g.meeting, share = pct(g.share),
               target = type(g.target) == "number" and pct(g.target) or DASH, met = met,
               shorts = concat(shorts, M("list_separator")), at_least = g.at_least}
  end
  return rows
end

-- The target group org belongs to, with this unit's standing in it; nil without targets.
local function unit_target(ix, org)
  local M, t = ix.M, ix.result.targets
  if type(t) ~= "table" or #t == 0 then return nil end
  for i = 1, #t do
    local g = t[i]
    for k = 1, #(g.unit_ids or {}) do
      if g.unit_ids[k] == org.id then
        local grade = grade_label(ix, g.at_least)
        local met = g.met == nil and M("target_none") or (g.met and M("target_met") or M("target_missed"))
        local line = M("region_progress", g.group, tostring(g.meeting), tostring(g.units), grade,
                       pct(g.share), type(g.target) == "number" and pct(g.target) or DASH, met)
        local standing = M("unit_meets", grade)
        for j = 1, #(g.short or {}) do
          local u = g.short[j]
          if u.unit == org.id then
            standing = M("unit_short", grade, (type(u.gap) == "number" and u.gap > 0)
                         and M("target_gap", u.unit, num(u.gap))
                         or M("target_held", u.unit, grade_label(ix, u.grade)))
          end
        end
        return {progress = line, standing = standing}
      end
    end
  end
  return {progress = M("unit_no_group"), standing = ""}
end

-- A city standard's inputs in the data-quality rows: the statistics' units and rejected
-- cells, the member results and where the membership's rows went. Nothing otherwise.
local function units_counts(ix, input, rows)
  local M, u = ix.M, input.units
  if type(u) ~= "table" then return end
  if type(u.statistics) == "table" then
    rows[#rows + 1] = {M("units_statistics_rows"), num(u.statistics.units, 0)}
    rows[#rows + 1] = {M("units_rejected_cells"), num(u.statistics.rejected_cells, 0)}
  end
  local m = u.members
  if type(m) == "table" then
    rows[#rows + 1] = {M("units_member_results"), num(m.results, 0)}
    rows[#rows + 1] = {M("units_members_counted"), num(m.counted, 0)}
    local not_counted = (m.no_unit or 0) + (m.no_result or 0) + (m.unknown_unit or 0)
    rows[#rows + 1] = {M("units_members_not_counted"), num(not_counted, 0)}
  end
end

-- A statistic with its unit ("1.34 元/常住人口/年"); the raw figure, not the norm.
local function stat_value(n, v)
  local x = num(v)
  if x ~= DASH and n.statistic and n.statistic.unit then x = x .. " " .. n.statistic.unit end
  return x
end

-- The unit's statistic indicators beside their goalposts: rows of label, value, goalposts,
-- norm, points of max, source note.
local function unit_statistics(ix, org)
  local rows = {}
  for i = 1, #ix.leaves do
    local n = ix.leaves[i]
    if n.source == "statistic" and n.statistic then
      local v = org.nodes and org.nodes[n.id] or {}
      local gp = n.statistic.goalposts or {}
      rows[#rows + 1] = {id = n.id, label = label(ix, n.id), value = stat_value(n, v.mean),
                         goalposts = num(gp[1]) .. " → " .. num(gp[2]), norm = num(v.norm),
                         points = num(v.points), max_points = num(n.max_points),
                         note = pick(n.statistic.source_note, ix.lang) or ""}
    end
  end
  return rows
end

local KIND_KEYS = {agency = "kind_agency", enterprise = "kind_enterprise",
                   ["public-institution"] = "kind_public_institution",
                   ["social-group"] = "kind_social_group", community = "kind_community",
                   family = "kind_family", other = "kind_other"}

-- The unit's member indicators: label, kind (or standard), members, the share that meets
-- the grade (or the mean points share), points.
local function unit_members(ix, org)
  local M, rows = ix.M, {}
  for i = 1, #ix.leaves do
    local n = ix.leaves[i]
    if n.source == "members" and n.members then
      local m = n.members
      local v = org.nodes and org.nodes[n.id] or {}
      local kind = m.kind and (KIND_KEYS[m.kind] and M(KIND_KEYS[m.kind]) or m.kind) or m.standard
      local measure = m.measure == "mean_points" and M("members_mean_points")
                      or M("members_share_at_least", grade_label(ix, m.at_least))
      rows[#rows + 1] = {id = n.id, label = label(ix, n.id), kind = kind, measure = measure,
                         n = num(v.n, 0), share = pct(v.norm), points = num(v.points),
                         max_points = num(n.max_points)}
    end
  end
  return rows
end

-- The cells of the three city tables, the same in every format (each adds its own head):
-- the targets per group, a unit's statistics, a unit's members.
local function targets_cells(targets)
  local rows = {}
  for i = 1, #targets do
    local t = targets[i]
    rows[i] = {t.group, num(t.units, 0), num(t.meeting, 0), t.share, t.target, t.met,
               t.shorts ~= "" and t.shorts or DASH}
  end
  return rows
end

local function statistics_cells(ix, stats)
  local rows = {}
  for k = 1, #stats do
    local x = stats[k]
    rows[k] = {x.label, x.value, x.goalposts, x.norm, ix.M("points_of", x.points, x.max_points),
               x.note}
  end
  return rows
end

local function members_cells(ix, members)
  local rows = {}
  for k = 1, #members do
    local x = members[k]
    rows[k] = {x.label, x.kind, x.measure, x.n, x.share, ix.M("points_of", x.points, x.max_points)}
  end
  return rows
end

return {
  api = 1, name = "report_common", version = "1.0.0", kind = "library",
  description = "Report helpers: text by language, number formats, rankings, strengths and "
             .. "weaknesses, plain-words flags",
  exports = {
    pick = pick, html = html, md = md, num = num, near = near, signed = signed, pct = pct,
    DASH = DASH,
    messages = messages, index = index, title = title, label = label,
    grade_label = grade_label, org_name = org_name, league = league,
    strengths_weaknesses = strengths_weaknesses, weakest_batch = weakest_batch,
    notes = notes, findings = findings, leaf_notes = leaf_notes,
    rule_outcomes = rule_outcomes, self_vs_third = self_vs_third, citations = citations,
    bootstrap = bootstrap, band_ranges = band_ranges, band_of_points = band_of_points,
    source_label = source_label,
    rank_text = rank_text, depth = depth, has = has,
    city_targets = city_targets, unit_target = unit_target, unit_statistics = unit_statistics,
    unit_members = unit_members, units_counts = units_counts,
    targets_cells = targets_cells, statistics_cells = statistics_cells,
    members_cells = members_cells,
  },
}
