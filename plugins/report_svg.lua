-- Inline SVG charts for the report plugins: radar, indicator bars, band scale, horizontal
-- count bars, and the heat-map colour scale. Every chart is one self-contained <svg> string:
-- presentation attributes instead of CSS classes (so a chart copied out of the report still
-- draws), role="img" with <title> and aria-label (screen readers announce what it shows), a
-- viewBox with width="100%" and a max-width (it shrinks to the page, never overflows it), and
-- coordinates printed with one decimal (the same bytes on every run and platform).
-- All text arguments are plain text; this library escapes them. No xmlns: inline SVG in HTML
-- needs none, and the report must not contain a single URL (see tests/report/check.sh).

local concat, format = table.concat, string.format
local floor, sin, cos, pi, max, min = math.floor, math.sin, math.cos, math.pi, math.max, math.min
local codes, uchar = utf8.codes, utf8.char
-- globals as locals: in lotk every global read goes through the sandbox's __index
local type, tostring = type, tostring

local common -- report_common, fetched at the first call (libraries load once per run)
local function C()
  common = common or lotk.require("report_common")
  return common
end
local function esc(s) return C().html(s) end

local function f1(x) return format("%.1f", x) end

-- ---- text measuring ---------------------------------------------------------------------

-- Rough advance widths in px: CJK and full-width forms about one em, Latin about 0.58 em.
-- Good enough to keep labels inside the viewBox; the browser check verifies the result.
local function char_width(cp, size)
  if cp >= 0x2E80 then return size end
  if cp == 32 then return size * 0.3 end
  return size * 0.58
end

local function text_width(s, size)
  local w = 0
  for _, cp in codes(s) do w = w + char_width(cp, size) end
  return w
end

-- Greedy wrap into at most max_lines lines of max_w px: breaks after a space or beside a
-- CJK character; the last line is cut with "…" when the text does not fit.
local function wrap(s, size, max_w, max_lines)
  local cps = {}
  for _, cp in codes(s) do cps[#cps + 1] = cp end
  local lines, line, w, last_break = {}, {}, 0, nil
  local i = 1
  while i <= #cps do
    local cp = cps[i]
    local cw = char_width(cp, size)
    if w + cw > max_w and #line > 0 then
      if #lines + 1 == max_lines then
        -- last line: cut, leaving room for the ellipsis
        while #line > 0 and w + size > max_w do
          w = w - char_width(line[#line], size)
          line[#line] = nil
        end
        line[#line + 1] = 0x2026
        lines[#lines + 1] = line
        line = nil
        break
      end
      local cut = last_break or #line
      local rest = {}
      for j = cut + 1, #line do rest[#rest + 1] = line[j] end
      for j = #line, cut + 1, -1 do line[j] = nil end
      while #line > 0 and line[#line] == 32 do line[#line] = nil end
      lines[#lines + 1] = line
      line, w, last_break = rest, 0, nil
      for j = 1, #line do w = w + char_width(line[j], size) end
    end
    if not (#line == 0 and cp == 32) then
      line[#line + 1] = cp
      w = w + cw
      if cp == 32 or cp >= 0x2E80 then last_break = #line end
      if i < #cps and cps[i + 1] >= 0x2E80 then last_break = #line end
    end
    i = i + 1
  end
  if line and #line > 0 then lines[#lines + 1] = line end
  local out = {}
  for j = 1, #lines do out[j] = uchar(table.unpack(lines[j])) end
  return out
end

local function truncate(s, size, max_w)
  local lines = wrap(s, size, max_w, 1)
  return lines[1] or ""
end

-- ---- the frame of every chart -----------------------------------------------------------

local function open_svg(out, w, h, title, desc, kind)
  out[#out + 1] = format('<svg class="chart %s" '
                         .. 'viewBox="0 0 %d %d" width="100%%" style="max-width:%dpx" '
                         .. 'role="img" aria-label="%s" font-size="11">'
                         .. '<title>%s</title>', kind, w, h, w, esc(desc or title), esc(title))
  if desc then out[#out + 1] = "<desc>" .. esc(desc) .. "</desc>" end
end

local function text(out, x, y, s, attrs)
  out[#out + 1] = format('<text x="%s" y="%s"%s>%s</text>', f1(x), f1(y),
                         attrs and (" " .. attrs) or "", esc(s))
end

-- ---- radar ------------------------------------------------------------------------------

local ORG_COLOUR, MEDIAN_COLOUR = "#1f5fa8", "#d9731a"

-- spec = {title, desc, axes = {label...}, series = {{name, values = {norm or nil...},
-- dashed = bool}}}; values in [0, 1]; a missing value is drawn at the centre.
local function radar(spec)
  local W, H, cx, cy, R, size = 520, 300, 260, 150, 100, 12
  local n = #spec.axes
  local out = {}
  open_svg(out, W, H + 26, spec.title, spec.desc, "radar")
  local function point(i, v)
    local a = -pi / 2 + (i - 1) * 2 * pi / max(n, 1)
    return cx + R * v * cos(a), cy + R * v * sin(a), a
  end
  -- rings at quarters: read a value off without a number on every vertex
  for r = 1, 4 do
    local pts = {}
    for i = 1, n do
      local x, y = point(i, r / 4)
      pts[#pts + 1] = f1(x) .. "," .. f1(y)
    end
    out[#out + 1] = format('<polygon points="%s" fill="none" stroke="#c9ced6" '
                           .. 'stroke-width="%s"/>', concat(pts, " "), r == 4 and "1" or "0.6")
  end
  for i = 1, n do
    local x, y, a = point(i, 1)
    out[#out + 1] = format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#c9ced6" '
                           .. 'stroke-width="0.6"/>', f1(cx), f1(cy), f1(x), f1(y))
    local lx, ly = cx + (R + 12) * cos(a), cy + (R + 12) * sin(a)
    local c = cos(a)
    local anchor = c > 0.25 and "start" or (c < -0.25 and "end" or "middle")
    local room = anchor == "middle" and 200 or (W / 2 - R - 18)
    local lines = wrap(spec.axes[i], size, room, anchor == "middle" and 2 or 3)
    -- labels above the top vertex grow upwards, below the bottom one downwards
    local s = sin(a)
    local y0 = ly + 4
    if s < -0.5 then y0 = ly - 14 * (#lines - 1) - 2
    elseif s > 0.5 then y0 = ly + 11
    else y0 = ly + 4 - 7 * (#lines - 1) end
    for j = 1, #lines do
      text(out, lx, y0 + (j - 1) * 14, lines[j],
           format('text-anchor="%s" fill="#333" font-size="%d"', anchor, size))
    end
  end
  for k = 1, #spec.series do
    local sr = spec.series[k]
    local pts = {}
    for i = 1, n do
      local v = sr.values[i]
      local x, y = point(i, type(v) == "number" and min(1, max(0, v)) or 0)
      pts[#pts + 1] = f1(x) .. "," .. f1(y)
    end
    local colour = sr.dashed and MEDIAN_COLOUR or ORG_COLOUR
    out[#out + 1] = format('<polygon points="%s" fill="%s" fill-opacity="%s" stroke="%s" '
                           .. 'stroke-width="2"%s/>', concat(pts, " "), colour,
                           sr.dashed and "0" or "0.18", colour,
                           sr.dashed and ' stroke-dasharray="5 3"' or "")
    if not sr.dashed then
      for i = 1, n do
        local v = sr.values[i]
        if type(v) == "number" then
          local x, y = point(i, min(1, max(0, v)))
          out[#out + 1] = format('<circle cx="%s" cy="%s" r="2.5" fill="%s"/>', f1(x), f1(y),
                                 colour)
        end
      end
    end
  end
  -- legend
  local lx = 20
  for k = 1, #spec.series do
    local sr = spec.series[k]
    local colour = sr.dashed and MEDIAN_COLOUR or ORG_COLOUR
    out[#out + 1] = format('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>',
                           lx, H + 10, lx + 24, H + 10, colour,
                           sr.dashed and ' stroke-dasharray="5 3"' or "")
    local label = truncate(sr.name, 11, 200)
    text(out, lx + 30, H + 14, label, 'fill="#333"')
    lx = lx + 30 + floor(text_width(label, 11)) + 24
  end
  out[#out + 1] = "</svg>"
  return concat(out)
end

-- ---- indicator bars ---------------------------------------------------------------------

-- spec = {title, desc, rows = {{label, value = points or nil, max = max_points,
-- median = points or nil, text}}, legend = {earned, possible, median}}: one row per
-- indicator, its label (wrapped to two lines at most) left of its bar; every bar on the scale
-- of the largest maximum, so bars of indicators with different weights compare.
local function bars(spec)
  local W, label_w, text_w, size = 640, 290, 78, 11
  local rows = spec.rows
  local bar_x = label_w + 8
  local bar_w = W - bar_x - text_w
  local scale_max = 0
  for i = 1, #rows do scale_max = max(scale_max, rows[i].max or 0) end
  if scale_max <= 0 then scale_max = 1 end
  local layout, y = {}, 4
  for i = 1, #rows do
    local lines = wrap(rows[i].label, size, label_w, 2)
    local hgt = 8 + 13 * #lines
    layout[i] = {lines = lines, y = y, h = hgt}
    y = y + hgt
  end
  local H = y + (spec.legend and 22 or 4)
  local out = {}
  open_svg(out, W, H, spec.title, spec.desc, "bars")
  for i = 1, #rows do
    local r, l = rows[i], layout[i]
    local mid = l.y + l.h / 2
    local first = mid - 13 * (#l.lines - 1) / 2 + 4
    for j = 1, #l.lines do text(out, 0, first + (j - 1) * 13, l.lines[j], 'fill="#333"') end
    text(out, W, mid + 4, r.text or "", 'text-anchor="end" fill="#333"')
    local pw = bar_w * (r.max or 0) / scale_max
    out[#out + 1] = format('<rect x="%d" y="%s" width="%s" height="10" fill="#dfe4ea"/>', bar_x,
                           f1(mid - 5), f1(pw))
    if type(r.value) == "number" then
      local ew = bar_w * max(0, min(r.value, r.max or r.value)) / scale_max
      out[#out + 1] = format('<rect x="%d" y="%s" width="%s" height="10" fill="%s"/>', bar_x,
                             f1(mid - 5), f1(ew), ORG_COLOUR)
    end
    if type(r.median) == "number" then
      local mx = bar_x + bar_w * max(0, r.median) / scale_max
      out[#out + 1] = format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" '
                             .. 'stroke-width="2"/>', f1(mx), f1(mid - 8), f1(mx), f1(mid + 8),
                             MEDIAN_COLOUR)
    end
  end
  local lg = spec.legend
  if lg then
    local ly, x = H - 6, 0
    local items = {{ORG_COLOUR, lg.earned, "rect"}, {"#dfe4ea", lg.possible, "rect"},
                   {MEDIAN_COLOUR, lg.median, "line"}}
    for k = 1, #items do
      local it = items[k]
      if it[3] == "rect" then
        out[#out + 1] = format('<rect x="%d" y="%d" width="14" height="10" fill="%s"/>', x,
                               ly - 9, it[1])
      else
        out[#out + 1] = format('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                               .. 'stroke-width="2"/>', x + 7, ly - 11, x + 7, ly + 3, it[1])
      end
      text(out, x + 20, ly, it[2], 'fill="#333"')
      x = x + 20 + floor(text_width(it[2], 11)) + 22
    end
  end
  out[#out + 1] = "</svg>"
  return concat(out)
end

-- ---- band scale -------------------------------------------------------------------------

-- Fills from the lowest band to the highest: red-ish to green, whatever the number of bands.
local BAND_FILLS = {"#f4c7c3", "#fbe3b4", "#d7ecc6", "#a8d5a2", "#7fbf7b", "#5aa55a"}

local function band_fill(rank, count)
  if count <= 1 then return BAND_FILLS[3] end
  local k = 1 + floor((rank - 1) * (#BAND_FILLS - 1) / (count - 1) + 0.5)
  return BAND_FILLS[k]
end

-- spec = {title, desc, total, bands = {{label, lo, hi, rank}} (highest first), value,
-- value_text}: the 0..total scale with the bands' cut-offs and the organization's position.
local function band_scale(spec)
  local W, H, x0, x1, y = 640, 78, 12, 628, 28
  local total = spec.total > 0 and spec.total or 100
  local function X(v) return x0 + (x1 - x0) * max(0, min(total, v)) / total end
  local out = {}
  open_svg(out, W, H, spec.title, spec.desc, "band-scale")
  local count = #spec.bands
  for i = 1, count do
    local b = spec.bands[i]
    local xa, xb = X(b.lo), X(b.hi)
    out[#out + 1] = format('<rect x="%s" y="%d" width="%s" height="20" fill="%s"/>', f1(xa), y,
                           f1(max(0, xb - xa)), band_fill(b.rank, count))
    if text_width(b.label, 11) + 6 < xb - xa then
      text(out, (xa + xb) / 2, y + 14, b.label, 'text-anchor="middle" fill="#222"')
    end
    out[#out + 1] = format('<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="#555"/>', f1(xa), y,
                           f1(xa), y + 26)
    text(out, xa, y + 37, C().num(b.lo, 0), 'text-anchor="middle" fill="#555" font-size="10"')
  end
  text(out, X(total), y + 37, C().num(total, 0), 'text-anchor="end" fill="#555" font-size="10"')
  if type(spec.value) == "number" then
    local vx = X(spec.value)
    out[#out + 1] = format('<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="#111" '
                           .. 'stroke-width="2.5"/>', f1(vx), y - 4, f1(vx), y + 24)
    out[#out + 1] = format('<polygon points="%s,%d %s,%d %s,%d" fill="#111"/>', f1(vx - 5),
                           y - 11, f1(vx + 5), y - 11, f1(vx), y - 4)
    local anchor = vx < 60 and "start" or (vx > W - 60 and "end" or "middle")
    text(out, vx, y - 14, spec.value_text or C().num(spec.value),
         format('text-anchor="%s" font-weight="bold" fill="#111"', anchor))
  end
  out[#out + 1] = "</svg>"
  return concat(out)
end

-- ---- horizontal count bars (grade distribution) -----------------------------------------

-- spec = {title, desc, rows = {{label, value, text}}}
local function hbars(spec)
  local W, row_h, label_w = 520, 24, 130
  local rows = spec.rows
  local H = #rows * row_h + 6
  local top = 0
  for i = 1, #rows do top = max(top, rows[i].value or 0) end
  if top <= 0 then top = 1 end
  local bar_w = W - label_w - 60
  local out = {}
  open_svg(out, W, H, spec.title, spec.desc, "hbars")
  for i = 1, #rows do
    local r = rows[i]
    local y = (i - 1) * row_h + 4
    text(out, label_w - 8, y + 13, truncate(r.label, 11, label_w - 10),
         'text-anchor="end" fill="#333"')
    local w = bar_w * (r.value or 0) / top
    out[#out + 1] = format('<rect x="%d" y="%d" width="%s" height="16" fill="%s"/>', label_w,
                           y, f1(w), r.fill or ORG_COLOUR)
    text(out, label_w + w + 6, y + 13, r.text or tostring(r.value), 'fill="#333"')
  end
  out[#out + 1] = "</svg>"
  return concat(out)
end

-- ---- heat-map colours -------------------------------------------------------------------

-- A sequential blue scale for a norm in [0, 1]: background and a text colour that stays
-- readable on it (white on the darker half).
local LIGHT, DARK = {0xf1, 0xf6, 0xfc}, {0x17, 0x4a, 0x8b}
local function heat_colour(v)
  if type(v) ~= "number" then return "#ffffff", "#777777" end
  v = max(0, min(1, v))
  local c = {}
  for k = 1, 3 do c[k] = floor(LIGHT[k] + (DARK[k] - LIGHT[k]) * v + 0.5) end
  return format("#%02x%02x%02x", c[1], c[2], c[3]), v > 0.55 and "#ffffff" or "#111111"
end

return {
  api = 1, name = "report_svg", version = "1.0.0", kind = "library",
  description = "Inline SVG charts for reports: radar, indicator bars, band scale, count bars, "
             .. "heat-map colours",
  exports = {
    radar = radar, bars = bars, band_scale = band_scale, hbars = hbars,
    heat_colour = heat_colour, band_fill = band_fill, wrap = wrap, truncate = truncate,
    text_width = text_width,
  },
}
