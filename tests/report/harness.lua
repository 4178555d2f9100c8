-- Runs a lotk report plugin outside lotk, with plain Lua 5.4, for developing and testing the
-- report plugins before (and independently of) the C bridge. It mimics what lotk gives a
-- plugin (docs/plugin-api.md, specs/report-table.md):
--   * a per-plugin environment of the safe globals only, erroring on unknown globals;
--   * string.find plain only, string.match/gmatch/gsub/dump refused (also through s:method);
--   * the result table read-only all the way down (proxies as lhost.c builds them: an empty
--     table whose __index is the real one, with __len and __pairs), so a plugin that sorts or
--     writes into the result, or uses next/rawlen on it, fails here as it would in lotk;
--   * lotk.require(NAME) loading a library plugin (kind "library", field exports) from the
--     plugin's own folder, then --plugins DIR, once per run, exports read-only;
--   * ctx = {format, lang, messages} with messages built from core/output/messages.def.
--
-- usage: lua5.4 tests/report/harness.lua [options] PLUGIN.lua RESULT.lua
--   --lang zh|en        report language (default: the standard's first language, else zh)
--   --format NAME       ctx.format (default: html for html.lua, md for markdown.lua, else NAME)
--   --messages FILE     message table (default: core/output/messages.def of this tree)
--   --plugins DIR       where lotk.require looks after the plugin's folder (default: plugins/)
--   -o FILE             write the report there (default: stdout)
--   --stats             print time, VM instructions and Lua memory to stderr
--   --budget N          fail beyond N VM instructions (lotk's instruction budget)
--   --messages-tsv      print key<TAB>zh<TAB>en of the message table and exit
--   --run-tests         run the plugin's `tests` table (name, args, expect) instead
-- RESULT.lua is a Lua file returning the result table (tests/report/make-fixture.py --lua).

local root = (arg[0]:match("^(.*)/tests/report/[^/]*$")) or "."

local function die(fmt, ...)
  io.stderr:write("harness: " .. string.format(fmt, ...) .. "\n")
  os.exit(2)
end

-- ---- options ----------------------------------------------------------------------------

local opt = {messages = root .. "/core/output/messages.def", plugins = root .. "/plugins"}
local positional = {}
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    local function value()
      i = i + 1
      if arg[i] == nil then die("%s needs a value", a) end
      return arg[i]
    end
    if a == "--lang" then opt.lang = value()
    elseif a == "--format" then opt.format = value()
    elseif a == "--messages" then opt.messages = value()
    elseif a == "--plugins" then opt.plugins = value()
    elseif a == "-o" then opt.output = value()
    elseif a == "--stats" then opt.stats = true
    elseif a == "--budget" then opt.budget = tonumber(value()) or die("--budget: a number")
    elseif a == "--messages-tsv" then opt.tsv = true
    elseif a == "--run-tests" then opt.run_tests = true
    elseif a:sub(1, 1) == "-" then die("unknown option %s", a)
    else positional[#positional + 1] = a end
    i = i + 1
  end
end

-- ---- the message table ------------------------------------------------------------------

-- One C string literal starting at s[i] == '"'; returns the decoded text and the index after
-- the closing quote. Decodes the escapes a C compiler would (the file is C source).
local function c_literal(s, i, where)
  local out, j = {}, i + 1
  local simple = {n = "\n", t = "\t", r = "\r", ['"'] = '"', ["\\"] = "\\", ["'"] = "'",
                  ["?"] = "?", a = "\a", b = "\b", f = "\f", v = "\v"}
  while true do
    local c = s:sub(j, j)
    if c == "" then die("%s: unterminated string", where) end
    if c == '"' then return table.concat(out), j + 1 end
    if c == "\\" then
      local e = s:sub(j + 1, j + 1)
      if simple[e] then out[#out + 1] = simple[e]; j = j + 2
      elseif e == "x" then
        local hex = s:match("^%x+", j + 2) or die("%s: bad \\x escape", where)
        out[#out + 1] = string.char(tonumber(hex, 16)); j = j + 2 + #hex
      elseif e:match("[0-7]") then
        local oct = s:match("^[0-7][0-7]?[0-7]?", j + 1)
        out[#out + 1] = string.char(tonumber(oct, 8)); j = j + 1 + #oct
      else die("%s: unknown escape \\%s", where, e) end
    else
      out[#out + 1] = c; j = j + 1
    end
  end
end

-- Reads M(key, "中文", "English") lines; comments and blank lines are skipped. Anything else
-- is an error, so a typo cannot silently drop a message.
local function read_messages(path)
  local f = io.open(path, "rb") or die("cannot open %s", path)
  local text = f:read("a")
  f:close()
  local list, seen, in_comment = {}, {}, false
  local lineno = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    local where = path .. ":" .. lineno
    local s = line
    if in_comment then
      local e = s:find("*/", 1, true)
      if e then s = s:sub(e + 2); in_comment = false else s = "" end
    end
    s = s:gsub("^%s+", "")
    if s:sub(1, 2) == "/*" then
      local e = s:find("*/", 3, true)
      if e then s = s:sub(e + 2):gsub("^%s+", "") else in_comment = true; s = "" end
    end
    if s == "" or s:sub(1, 2) == "//" then
      -- nothing
    elseif s:sub(1, 2) == "M(" then
      local key, p = s:match("^M%(([a-z0-9_]+)%s*,%s*()")
      if not key then die("%s: expected M(key, \"zh\", \"en\") with key [a-z0-9_]+", where) end
      if s:sub(p, p) ~= '"' then die("%s: expected a string literal", where) end
      local zh, q = c_literal(s, p, where)
      q = s:match("^%s*,%s*()", q) or die("%s: expected ',' after the zh text", where)
      if s:sub(q, q) ~= '"' then die("%s: expected a string literal", where) end
      local en, r = c_literal(s, q, where)
      local rest = s:match("^%s*%)%s*(.-)%s*$", r)
      if not rest or not (rest == "" or rest:match("^//") or rest:match("^/%*.-%*/$")) then
        die("%s: expected ')' to end the line", where)
      end
      if seen[key] then die("%s: key '%s' repeated (first at line %d)", where, key, seen[key]) end
      seen[key] = lineno
      if not utf8.len(zh) or not utf8.len(en) then die("%s: not UTF-8", where) end
      list[#list + 1] = {key = key, zh = zh, en = en}
    else
      die("%s: expected M(key, \"zh\", \"en\"), a comment or a blank line", where)
    end
  end
  return list
end

local message_list = read_messages(opt.messages)

if opt.tsv then
  local function clean(s) return (s:gsub("[\t\n]", " ")) end
  for _, m in ipairs(message_list) do
    io.write(m.key, "\t", clean(m.zh), "\t", clean(m.en), "\n")
  end
  os.exit(0)
end

if #positional ~= 2 and not (opt.run_tests and #positional == 1) then
  die("usage: harness.lua [options] PLUGIN.lua RESULT.lua (see the header of this file)")
end

-- ---- the sandbox ------------------------------------------------------------------------

-- Read-only view as lhost.c makes it: the proxy is empty, reads go through __index to the
-- real table, writes fail, # and pairs see the real table.
local function readonly(t)
  return setmetatable({}, {
    __index = t,
    __newindex = function(_, k) error("attempt to modify a read-only table (field '"
                                      .. tostring(k) .. "')", 2) end,
    __len = function() return #t end,
    __pairs = function() return next, t, nil end,
    __metatable = "read-only",
  })
end

-- Deep read-only copy-in-place: children first, so the parent's real table holds proxies.
local function deep_readonly(t, seen)
  seen = seen or {}
  if seen[t] then return seen[t] end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  for _, k in ipairs(keys) do
    local v = t[k]
    if type(v) == "table" then t[k] = deep_readonly(v, seen) end
  end
  local p = readonly(t)
  seen[t] = p
  return p
end

local function no_patterns()
  error("Lua patterns are not available to plugins; use lotk.match (PCRE2, with limits) "
        .. "or string.find (plain)", 2)
end

local real_string = string
local clean_string = {}
for _, k in ipairs({"byte", "char", "format", "len", "lower", "pack", "packsize", "rep",
                    "reverse", "sub", "unpack", "upper"}) do
  clean_string[k] = real_string[k]
end
clean_string.find = function(s, p, init) return real_string.find(s, p, init, true) end
clean_string.match, clean_string.gmatch, clean_string.gsub = no_patterns, no_patterns, no_patterns
clean_string.dump = function() error("string.dump is not available to plugins", 2) end

local function copy(src, names)
  local t = {}
  for _, k in ipairs(names) do t[k] = src[k] end
  return t
end

local safe = copy(_G, {"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
                       "rawequal", "rawget", "rawlen", "select", "tonumber", "tostring",
                       "type", "xpcall", "_VERSION"})
safe.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not allowed in plugins", 2)
  end
  return setmetatable(t, mt)
end
safe.string = readonly(clean_string)
safe.table = readonly(copy(table, {"concat", "insert", "move", "pack", "remove", "sort",
                                   "unpack"}))
local safe_math = copy(math, {"abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge",
                              "log", "max", "maxinteger", "min", "mininteger", "modf", "pi",
                              "rad", "random", "sin", "sqrt", "tan", "tointeger", "type",
                              "ult", "atan", "asin", "acos"})
math.randomseed(20141030)
safe_math.randomseed = function(x)
  if math.type(x) ~= "integer" then error("math.randomseed needs an integer", 2) end
  math.randomseed(x)
end
safe.math = readonly(safe_math)
safe.utf8 = readonly(copy(utf8, {"char", "charpattern", "codes", "codepoint", "len", "offset"}))

-- While a plugin runs, "s:gsub(...)" must fail as in lotk: lotk points the string metatable
-- at the clean table; the harness does so only around plugin code, as it needs patterns.
local string_mt = getmetatable("")
local function with_sandbox_strings(fn, ...)
  local saved = string_mt.__index
  string_mt.__index = clean_string
  local res = table.pack(pcall(fn, ...))
  string_mt.__index = saved
  if not res[1] then error(res[2], 0) end
  return table.unpack(res, 2, res.n)
end

local function env()
  return setmetatable({}, {
    __index = function(_, k)
      local v = safe[k]
      if v == nil then error("undefined global '" .. tostring(k) .. "'", 2) end
      return v
    end,
    __metatable = "locked",
  })
end

local KINDS = {aggregate = true, respondent = true, rule = true, report = true, library = true}

-- Loads one plugin file into its own environment and checks its table as plugin.c does.
local function load_plugin(path)
  local f = io.open(path, "rb") or die("cannot open %s", path)
  local src = f:read("a")
  f:close()
  local chunk, err = load(src, "@" .. path, "t", env())
  if not chunk then die("%s", err) end
  local ok, t = pcall(with_sandbox_strings, chunk)
  if not ok then die("%s", t) end
  if type(t) ~= "table" then die("%s: a plugin returns a table", path) end
  for _, k in ipairs({"api", "name", "version", "kind", "description"}) do
    if t[k] == nil then die("%s: plugin table: missing required field '%s'", path, k) end
  end
  if t.api ~= 1 or math.type(t.api) ~= "integer" then die("%s: plugin field 'api': expected 1", path) end
  if not KINDS[t.kind] then die("%s: plugin field 'kind': unknown kind '%s'", path, tostring(t.kind)) end
  for k, v in pairs(t) do
    local want
    if k == "name" or k == "version" or k == "kind" or k == "description" then want = "string"
    elseif k == "api" then want = "number"
    elseif k == "tests" or (k == "exports" and t.kind == "library") then want = "table"
    elseif k == t.kind and k ~= "library" then want = "function"
    else die("%s: plugin table: unknown field '%s'", path, tostring(k)) end
    if type(v) ~= want then die("%s: plugin field '%s': expected a %s", path, k, want) end
  end
  if t.kind == "library" then
    if type(t.exports) ~= "table" then die("%s: a library plugin needs the table 'exports'", path) end
  elseif type(t[t.kind]) ~= "function" then
    die("%s: plugin of kind %s: missing the function '%s'", path, t.kind, t.kind)
  end
  local stem = path:match("([^/]+)%.lua$")
  if stem ~= t.name then
    die("%s: plugin field 'name': '%s' does not match the file name", path, t.name)
  end
  return t
end

local plugin_path = positional[1]
local plugin_dir = plugin_path:match("^(.*)/[^/]+$") or "."

local libraries = {}
local find_library
-- Called from plugin code, while the sandbox's string methods are in place: the harness's
-- own code below needs the real ones back for the duration.
local function lotk_require(name)
  local saved = string_mt.__index
  string_mt.__index = real_string
  local ok, lib = pcall(find_library, name)
  string_mt.__index = saved
  if not ok then error(lib, 2) end
  return lib
end
function find_library(name)
  if type(name) ~= "string" or not name:match("^[%w_%-]+$") then
    error("lotk.require: expected a plugin name, found " .. tostring(name), 0)
  end
  if libraries[name] then return libraries[name] end
  local found
  for _, dir in ipairs({plugin_dir, opt.plugins}) do
    local p = dir .. "/" .. name .. ".lua"
    local f = io.open(p, "rb")
    if f then f:close(); found = p; break end
  end
  if not found then error("lotk.require: no plugin '" .. name .. "' on the plugin path", 0) end
  local t = load_plugin(found)
  if t.kind ~= "library" then
    error("lotk.require: plugin '" .. name .. "' is of kind " .. t.kind .. ", not library", 0)
  end
  libraries[name] = readonly(t.exports)
  return libraries[name]
end

local function numbers(list)
  local v = {}
  for i = 1, #list do if type(list[i]) == "number" then v[#v + 1] = list[i] end end
  return v
end
local function quantile(list, p)
  local v = numbers(list)
  if #v == 0 or not (p >= 0 and p <= 1) then return nil end
  table.sort(v)
  local h = (#v - 1) * p
  local lo = math.floor(h)
  if lo + 1 < #v then return v[lo + 1] + (h - lo) * (v[lo + 2] - v[lo + 1]) end
  return v[lo + 1]
end
safe.lotk = readonly({
  version = "harness",
  require = lotk_require,
  log = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    io.stderr:write("lotk: plugin: ", table.concat(parts, " ", 1, parts.n), "\n")
  end,
  match = function() error("lotk.match is not available in the harness", 2) end,
  sum = function(l) local s = 0; for _, x in ipairs(numbers(l)) do s = s + x end; return s end,
  mean = function(l)
    local v = numbers(l); if #v == 0 then return nil end
    local s = 0; for _, x in ipairs(v) do s = s + x end; return s / #v
  end,
  median = function(l) return quantile(l, 0.5) end,
  quantile = quantile,
})

-- ---- run --------------------------------------------------------------------------------

local plugin = load_plugin(plugin_path)
if plugin.kind ~= "report" and not opt.run_tests then
  die("%s: plugin of kind %s, expected a report plugin", plugin_path, plugin.kind)
end

local function deep_equal(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) == "number" then return math.abs(a - b) <= 1e-9 end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not deep_equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

if opt.run_tests then
  local passed, failed = 0, 0
  for i, t in ipairs(plugin.tests or {}) do
    local ok, got = pcall(with_sandbox_strings, plugin[plugin.kind], table.unpack(t.args or {}))
    if ok and deep_equal(got, t.expect) then passed = passed + 1
    else
      failed = failed + 1
      io.stderr:write(string.format("%s: test %s failed: %s\n", plugin.name, t.name or i,
                                    ok and "unexpected result" or tostring(got)))
    end
  end
  print(string.format("%s: %d passed, %d failed", plugin.name, passed, failed))
  os.exit(failed == 0 and 0 or 3)
end

local chunk, err = loadfile(positional[2], "t", {})
if not chunk then die("%s", err) end
local result = chunk()
if type(result) ~= "table" then die("%s: expected a file that returns the result table", positional[2]) end

local lang = opt.lang or (result.standard and result.standard.languages
                          and result.standard.languages[1]) or "zh"
if lang ~= "zh" and lang ~= "en" then die("--lang: zh or en, found %s", lang) end
local messages = {}
for _, m in ipairs(message_list) do messages[m.key] = m[lang] end
local format = opt.format or ({html = "html", markdown = "md"})[plugin.name] or plugin.name
local ctx = deep_readonly({format = format, lang = lang, messages = messages})
result = deep_readonly(result)

-- The instruction count, as lotk's budget hook counts it (every 1000 VM instructions).
local STEP = 1000
collectgarbage("collect")
local base_kb = collectgarbage("count")
local count, peak_kb = 0, base_kb
debug.sethook(function()
  count = count + STEP
  if count % 100000 == 0 then
    local kb = collectgarbage("count")
    if kb > peak_kb then peak_kb = kb end
  end
  if opt.budget and count > opt.budget then
    error("instruction budget of " .. opt.budget .. " exceeded", 2)
  end
end, "", STEP)
local t0 = os.clock()
local ok, text = pcall(with_sandbox_strings, plugin.report, result, ctx)
local elapsed = os.clock() - t0
debug.sethook()
if not ok then
  io.stderr:write("harness: ", plugin_path, ": plugin ", plugin.name, ": ", tostring(text), "\n")
  os.exit(4)
end
if type(text) ~= "string" then
  io.stderr:write("harness: plugin ", plugin.name, " returned ", type(text), ", expected a string\n")
  os.exit(4)
end
local kb = collectgarbage("count")
if kb > peak_kb then peak_kb = kb end

if opt.output then
  local f = io.open(opt.output, "wb") or die("cannot write %s", opt.output)
  f:write(text)
  f:close()
else
  io.write(text)
end
if opt.stats then
  io.stderr:write(string.format("harness: %s %s: %.3f s, %d VM instructions (~), Lua memory "
                                .. "%.1f MiB before (the result table), %.1f MiB at most "
                                .. "(sampled), %d bytes out\n", plugin.name, lang, elapsed,
                                count, base_kb / 1024, peak_kb / 1024, #text))
end
