#!/bin/sh
# stateless-jobs.sh LOTK LOTK_GEN BENCH_STANDARD — per-row plugins cannot make results
# depend on --jobs (issue 14). On a survey large enough to be read on two threads, a
# respondent plugin that draws from math.random (and reseeds it) gives byte-identical
# results with -j 1 and -j 2, and plugins that try to keep state between rows — a counter
# in an upvalue, in a global, in a table upvalue, in the items, out or ctx tables, in a
# metatable set on out, in a library required during the call — are refused with exit 4 under either -j, never
# scored differently.
set -u
lotk=$1
gen=$2
standard=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/plugins"
"$gen" 60000 > "$work/survey.csv" || exit 2
[ "$(wc -c < "$work/survey.csv")" -gt $((5 << 20)) ] || { echo "FAIL: survey too small"; exit 1; }
plugin() { # NAME BODY: a respondent plugin of leaf means, with BODY run for every row
    cat > "$work/plugins/$1.lua" <<LUA
${3:-}
return {api = 1, name = "$1", version = "1", kind = "respondent", description = "test",
  respondent = function(items, ctx, out)
    $2
    local leaves = ctx.leaves
    for l = 1, #leaves do
      local leaf, sum, n = leaves[l], 0, 0
      for i = leaf.first, leaf.last do
        local v = items[i]
        if v then sum = sum + v; n = n + 1 end
      end
      out[l] = n >= leaf.need and sum / n or nil
    end
    return out
  end}
LUA
    sed "s/^aggregate: weighted_mean/respondent: $1\naggregate: weighted_mean/" "$standard" \
        > "$work/$1.yaml"
}
fails=0
score() { # NAME JOBS
    "$lotk" score "$work/$1.yaml" "$work/survey.csv" -q -f csv -j "$2" > "$work/$1.j$2" \
        2> "$work/$1.j$2.err"
}
# Random draws: allowed, and the same for every row whatever the thread.
plugin random 'if math.random() < 0.5 then math.randomseed(math.random(1, 1000)) end
    if math.random(1, 2) == 1 then return out end'
score random 1; a=$?
score random 2; b=$?
if [ $a -ne 0 ] || [ $b -ne 0 ] || ! cmp -s "$work/random.j1" "$work/random.j2"; then
    echo "FAIL random: -j 1 (exit $a) and -j 2 (exit $b) differ"; head -3 "$work"/random.j*.err
    fails=$((fails + 1))
else
    echo "ok random: -j 1 and -j 2 byte-identical"
fi
cat > "$work/plugins/counter_lib.lua" <<'LUA'
local n = 0
return {api = 1, name = "counter_lib", version = "1", kind = "library", description = "test",
  exports = {next = function() n = n + 1 return n end}}
LUA
refused() { # NAME BODY PRELUDE EXPECTED-TEXT
    plugin "$1" "$2" "$3"
    for j in 1 2; do
        score "$1" "$j"; rc=$?
        if [ $rc -ne 4 ] || ! grep -qF -- "$4" "$work/$1.j$j.err" || [ -s "$work/$1.j$j" ]; then
            echo "FAIL $1 -j $j: exit $rc, expected 4 and '$4':"; head -3 "$work/$1.j$j.err"
            fails=$((fails + 1))
            return
        fi
    done
    echo "ok $1: refused under -j 1 and -j 2: $(grep -m1 'error' "$work/$1.j2.err" | cut -c1-150)"
}
refused upvalue 'count = count + 1' 'local count = 0' "upvalue 'count' changed"
refused global 'seen = seen + 1' 'seen = 0' "attempt to keep state between calls (field 'seen')"
refused table_upvalue 'cache.n = (cache.n or 0) + 1' 'local cache = {}' \
    "attempt to keep state between calls (field 'n')"
refused items_key 'items.count = 1' '' "in the items table"
refused out_key 'out.count = 1' '' "kept something in the out table"
refused out_metatable 'local mt = getmetatable(out)
    if type(mt) ~= "table" then mt = {n = 0}; setmetatable(out, mt) end
    mt.n = mt.n + 1' '' "cannot change a protected metatable"
refused ctx 'ctx.leaves[1].need = ctx.leaves[1].need' '' "attempt to modify a read-only table"
refused library 'lotk.require("counter_lib").next()' '' "upvalue 'n' changed"
[ "$fails" -eq 0 ] || { echo "stateless-jobs: $fails failures"; exit 1; }
