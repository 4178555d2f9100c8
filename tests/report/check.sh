#!/bin/sh
# Renders the html and markdown report plugins with the Lua harness (no lotk bridge needed)
# and checks the output: for the enterprise sample and a synthetic batch with every flag, in
# zh and en, with --org selection, and with the fixture's keys shuffled (a report must not
# depend on pairs() order); then times 1,000 organizations.
#
# usage: tests/report/check.sh [WORKDIR]     (default: a fresh temporary directory)
# Needs lua5.4 (scripts/install-deps --dev), python3-yaml and build/lotk (make), or
# LOTK_RESULT=FILE.json: a saved `lotk score ... -f json --bootstrap 200` result to start from.
# LOTK_REPORT_TIME_LIMIT (seconds of CPU, default 10) fails the 1,000-organization render.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/lotk-report.XXXXXX")}
mkdir -p "$work"
lua=${LUA:-lua5.4}
limit=${LOTK_REPORT_TIME_LIMIT:-10}
harness="$lua $here/harness.lua"
fail=0

command -v "$lua" >/dev/null || { echo "check.sh: $lua not found (scripts/install-deps --dev)" >&2; exit 2; }
from=""
if [ -n "${LOTK_RESULT:-}" ]; then
    from="--from $LOTK_RESULT"
elif [ ! -x "$root/build/lotk" ]; then
    echo "check.sh: build/lotk not found: run make (or set LOTK_RESULT)" >&2
    exit 2
fi

say() { printf 'check.sh: %s\n' "$*"; }
bad() { printf 'check.sh: FAIL: %s\n' "$*" >&2; fail=1; }

# shellcheck disable=SC2086
{
    "$here/make-fixture.py" $from --json "$work/sample.json" --lua "$work/sample.lua"
    "$here/make-fixture.py" $from --json "$work/sample.json" --lua "$work/sample-shuffled.lua" --shuffle-keys 7
    "$here/make-fixture.py" $from --generate 40 --json "$work/flags.json" --lua "$work/flags.lua"
    "$here/make-fixture.py" $from --org ENT-005 --org ENT-002 --json "$work/selected.json" --lua "$work/selected.lua"
    "$here/make-fixture.py" $from --generate 1000 --json "$work/batch1000.json" --lua "$work/batch1000.lua"
}
$harness --messages-tsv > "$work/messages.tsv"
say "$(wc -l < "$work/messages.tsv") messages in core/output/messages.def"

for fx in sample flags selected; do
    for lang in zh en; do
        for plugin in html markdown; do
            ext=$([ $plugin = html ] && echo html || echo md)
            out="$work/$fx-$lang.$ext"
            if ! $harness --lang $lang "$root/plugins/$plugin.lua" "$work/$fx.lua" -o "$out"; then
                bad "$plugin $lang on $fx: the plugin failed"; continue
            fi
            "$here/check-output.py" "$work/$fx.json" "$out" $lang "$work/messages.tsv" ||
                bad "$plugin $lang on $fx: see above"
            # the same bytes on a second run, and from the fixture with its keys shuffled
            $harness --lang $lang "$root/plugins/$plugin.lua" "$work/$fx.lua" -o "$out.again"
            cmp -s "$out" "$out.again" || bad "$plugin $lang on $fx: two runs differ"
            if [ $fx = sample ]; then
                $harness --lang $lang "$root/plugins/$plugin.lua" "$work/sample-shuffled.lua" -o "$out.shuffled"
                cmp -s "$out" "$out.shuffled" || bad "$plugin $lang: output depends on the key order of the result table"
            fi
        done
    done
done
for lang in zh en; do
    n=$(grep -c '<section class="org page"' "$work/selected-$lang.html" || true)
    [ "$n" = 2 ] || bad "--org selection: $n organization sections in selected-$lang.html, expected 2"
done

# unit tests of the helpers (ranking, strengths, formats, escaping, wrapping), run as a
# report plugin so they see the sandbox the real plugins see
$harness "$here/unit_report.lua" "$work/sample.lua" > "$work/unit.txt" ||
    bad "unit tests of report_common/report_svg: $(cat "$work/unit.txt")"
say "$(cat "$work/unit.txt")"

# 1,000 organizations: CPU time and instruction count, as lotk's budget would count them
for plugin in html markdown; do
    for lang in zh en; do
        stats=$($harness --stats --lang $lang "$root/plugins/$plugin.lua" "$work/batch1000.lua" \
                -o "$work/batch1000-$lang.$plugin" 2>&1 >/dev/null) || { bad "$plugin $lang on 1,000: failed: $stats"; continue; }
        say "1,000 organizations: $stats"
        secs=$(printf '%s\n' "$stats" | sed -n 's/.*: \([0-9.]*\) s,.*/\1/p')
        awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s > l) }' &&
            bad "$plugin $lang: 1,000 organizations took $secs s, over $limit s"
    done
done

if [ $fail -ne 0 ]; then
    say "FAILED (outputs in $work)"
    exit 1
fi
say "all report checks passed (outputs in $work)"
