#!/bin/sh
# sweep.sh LOTK_TORTURE SOURCE_DIR [POINTS] — allocation-failure torture (issue 14).
#
# For each output format, scores the enterprise sample with its evidence sheets (the veto
# rule plugin included) while allocation number N fails (tests/torture/failmalloc.c), for N
# spread over the whole run (every one of the first 150, then POINTS more, default 150),
# once with only that allocation failing and once with every allocation from N on. Each
# run must end cleanly: exit 0 with the same output as an untroubled run (the failure was
# absorbed), or exit 2 with "lotk: error: … out of memory"-style message on stderr — never a
# crash, a hang, another exit code, a partial output file or a temporary file left behind.
set -u
lotk=$1
src=$2
points=${3:-150}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src" || exit 2
export LOTK_PLUGIN_PATH="$src/plugins"
fails=0
run() { # FORMAT OUT -> runs lotk, output to OUT
    timeout 60 "$lotk" score standards/enterprise.yaml surveys/enterprise.csv \
        --evidence surveys/enterprise-evidence.csv --evidence surveys/enterprise-self-evidence.csv \
        -q -j 1 -f "$1" -o "$2" 2> "$work/stderr"
}
for format in table json csv html md xlsx; do
    ref="$work/ref.$format"
    LOTK_COUNT_ALLOC="$work/count" run "$format" "$ref" || {
        echo "FAIL: $format: the untroubled run failed"; cat "$work/stderr"; exit 1; }
    total=$(cat "$work/count")
    step=$(( (total - 150) / points )); [ "$step" -lt 1 ] && step=1
    n=1; tried=0; before=$fails
    while [ "$n" -le "$total" ]; do
        for mode in one all; do
            out="$work/out.$format"
            rm -f "$out" "$work"/out.*.tmp*
            if [ "$mode" = all ]; then
                LOTK_FAIL_ALLOC=$n LOTK_FAIL_ALLOC_ALL=1 run "$format" "$out"; rc=$?
            else
                LOTK_FAIL_ALLOC=$n run "$format" "$out"; rc=$?
            fi
            tried=$((tried + 1))
            left=$(ls "$work" | grep -c '^out\..*\.tmp' || true)
            why=""
            if [ "$rc" -eq 0 ]; then
                cmp -s "$out" "$ref" || why="exit 0 but the output differs"
            elif [ "$rc" -eq 2 ]; then
                grep -q '^lotk: error: ' "$work/stderr" || why="exit 2 without a message"
                [ -e "$out" ] && why="exit 2 but the output file exists"
            else
                why="exit $rc"
            fi
            [ "$left" -gt 0 ] && why="$why; temporary file left"
            if [ -n "$why" ]; then
                fails=$((fails + 1))
                if [ "$fails" -le "${TORTURE_SHOW:-20}" ]; then
                    echo "FAIL: -f $format, allocation $n of $total failing ($mode): $why"
                    head -3 "$work/stderr" | sed 's/^/    /'
                fi
            fi
        done
        if [ "$n" -lt 150 ]; then n=$((n + 1)); else n=$((n + step)); fi
    done
    [ "$fails" -eq "$before" ] && verdict=ok || verdict=FAILED
    echo "$verdict: -f $format: $total allocations, $tried failing runs, $((fails - before)) not clean"
done
[ "$fails" -eq 0 ] || { echo "torture: $fails failing runs"; exit 1; }
