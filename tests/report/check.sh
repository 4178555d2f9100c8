#!/bin/sh
# Checks the HTML and Markdown reports lotk itself writes (ctest report_checks): for the
# enterprise sample (with --bootstrap), a selection (--org), and a synthetic batch of 40
# organizations with every flag (make-fixture.py --generate, rendered by `lotk report`), in
# zh and en. Each report goes through check-output.py: well-formed HTML, no external
# reference, a radar and a bars chart per organization, table headers with scope, Markdown
# cell counts, no placeholder left, no English message in zh, no CJK outside the result's own
# text in en. Then determinism: two runs, `lotk score` against `lotk report` of its JSON, the
# JSON with its keys shuffled (a report must not depend on pairs() order), and other time
# zones and locales all give the same bytes. When lua5.4 is installed, the unit tests of the
# report helpers run too (unit_report.lua through harness.lua).
#
# usage: tests/report/check.sh [LOTK [WORKDIR]]   (default build/lotk, a fresh temporary dir)
# Needs python3 (standard library only). The 1,000-organization timing is a benchmark, not a
# test: tests/report/bench.sh (README.md has the figures).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lotk=${1:-$root/build/lotk}
case $lotk in /*) ;; *) lotk=$(pwd)/$lotk ;; esac
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/lotk-report.XXXXXX")}
mkdir -p "$work"
py=${PYTHON:-python3}
messages=$root/core/output/messages.def
fail=0

[ -x "$lotk" ] || { echo "check.sh: $lotk is not an executable (run make)" >&2; exit 2; }
# The shipped standard and plugins, whatever the environment says.
unset LOTK_STANDARD_PATH LOTK_PLUGIN_PATH
export TZ=UTC LC_ALL=C

say() { printf 'check.sh: %s\n' "$*"; }
bad() { printf 'check.sh: FAIL: %s\n' "$*" >&2; fail=1; }

S=$root/standards
D=$root/surveys
score() {
    "$lotk" score "$S/enterprise.yaml" "$D/enterprise.csv" --evidence "$D/enterprise-evidence.csv" \
        --evidence "$D/enterprise-self-evidence.csv" -q --bootstrap 200 "$@"
}
score -f json -o "$work/sample.json"
score -f json --org ENT-005 --org ENT-002 -o "$work/selected.json"
"$py" "$here/make-fixture.py" --from "$work/sample.json" --generate 40 --json "$work/flags.json"
"$py" "$here/make-fixture.py" --from "$work/sample.json" --shuffle-keys 7 \
    --json "$work/sample-shuffled.json"
"$py" "$here/make-fixture.py" --from "$work/flags.json" --shuffle-keys 3 \
    --json "$work/flags-shuffled.json"

# A de_DE locale when there is one (ctest's locales fixture, or the system's): lotk's
# reports must not change with LC_ALL, LC_NUMERIC or TZ.
locale_env=""
if [ -n "${LOTK_TEST_LOCPATH:-}" ] && [ -d "$LOTK_TEST_LOCPATH/de_DE.UTF-8" ]; then
    locale_env="LOCPATH=$LOTK_TEST_LOCPATH LC_ALL=de_DE.UTF-8"
elif locale -a 2>/dev/null | grep -qi '^de_DE\.utf-*8$'; then
    locale_env="LC_ALL=de_DE.UTF-8"
fi

n=0
for fx in sample selected flags; do
    for lang in zh en; do
        for fmt in html md; do
            out="$work/$fx-$lang.$fmt"
            if ! "$lotk" report "$work/$fx.json" -f $fmt --lang $lang -o "$out" 2>"$out.err"; then
                bad "lotk report -f $fmt --lang $lang of $fx.json failed: $(cat "$out.err")"
                continue
            fi
            n=$((n + 1))
            "$py" "$here/check-output.py" "$work/$fx.json" "$out" $lang "$messages" ||
                bad "$fmt $lang of $fx: see above"
            # the same bytes on a second run, and in another locale and time zone
            "$lotk" report "$work/$fx.json" -f $fmt --lang $lang -o "$out.again"
            cmp -s "$out" "$out.again" || bad "$fmt $lang of $fx: two runs differ"
            if [ -n "$locale_env" ]; then
                # shellcheck disable=SC2086  # two VAR=value words
                env $locale_env TZ=Asia/Shanghai LC_NUMERIC=de_DE.UTF-8 \
                    "$lotk" report "$work/$fx.json" -f $fmt --lang $lang -o "$out.locale"
                cmp -s "$out" "$out.locale" || bad "$fmt $lang of $fx: differs under $locale_env"
            fi
            if [ -f "$work/$fx-shuffled.json" ]; then
                "$lotk" report "$work/$fx-shuffled.json" -f $fmt --lang $lang -o "$out.shuffled"
                cmp -s "$out" "$out.shuffled" ||
                    bad "$fmt $lang of $fx: the report depends on the key order of the result"
            fi
        done
    done
done
say "$n reports written by lotk report and checked (sample, --org selection, 40 synthetic organizations; zh and en; html and md)"

# What lotk score writes while scoring is what lotk report writes from its JSON.
for fmt in html md; do
    score -f $fmt --lang en -o "$work/score-en.$fmt"
    cmp -s "$work/score-en.$fmt" "$work/sample-en.$fmt" ||
        bad "lotk score -f $fmt and lotk report -f $fmt of its JSON differ"
    score -f $fmt --org ENT-005 --org ENT-002 -o "$work/score-selected-zh.$fmt"
    cmp -s "$work/score-selected-zh.$fmt" "$work/selected-zh.$fmt" ||
        bad "lotk score --org -f $fmt and lotk report of its JSON differ"
done
for lang in zh en; do
    k=$(grep -c '<section class="org page"' "$work/selected-$lang.html" || true)
    [ "$k" = 2 ] || bad "--org selection: $k organization sections in selected-$lang.html, expected 2"
done
[ -n "$locale_env" ] && say "the same bytes twice, under $locale_env TZ=Asia/Shanghai, with keys shuffled, and from lotk score"
[ -z "$locale_env" ] && say "the same bytes twice, with keys shuffled, and from lotk score (no de_DE locale: locale runs skipped)"

# Unit tests of the helpers (ranking, strengths, formats, escaping, wrapping), run as a
# report plugin in the harness's copy of the sandbox (needs lua5.4: scripts/install-deps --dev)
if command -v lua5.4 >/dev/null 2>&1; then
    "$py" "$here/make-fixture.py" --from "$work/sample.json" --json "$work/unit.json" \
        --lua "$work/sample.lua"
    if lua5.4 "$here/harness.lua" "$here/unit_report.lua" "$work/sample.lua" > "$work/unit.txt" 2>&1; then
        say "$(cat "$work/unit.txt")"
    else
        bad "unit tests of report_common/report_svg: $(cat "$work/unit.txt")"
    fi
else
    say "lua5.4 not installed: the helpers' unit tests (unit_report.lua) skipped"
fi

if [ $fail -ne 0 ]; then
    say "FAILED (outputs in $work)"
    exit 1
fi
say "all report checks passed (outputs in $work)"
