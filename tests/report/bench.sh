#!/bin/sh
# Times the reports of a batch of 1,000 organizations (issue 11: "must render 1,000
# organizations in a few seconds"). A benchmark, not a test: it prints the figures for
# tests/report/README.md and fails only when lotk fails.
#
# usage: tests/report/bench.sh [LOTK [GEN [WORKDIR]]]
#   LOTK  default build/lotk; GEN default build/tests/lotk_gen (bench/gen.c, built by make)
#   REPS=N in the environment: runs per command (default 3); the median wall time is shown,
#   with the fastest and slowest run, and the median CPU time (user + system: steadier than
#   wall time on a shared machine)
# The survey is bench/gen's for bench/standard.yaml: 29,620 rows, seed 1, 30 respondents per
# organization on average, which makes exactly 1,000 organizations (about 5% of them under
# the standard's min_respondents, unranked). Each format is timed as `lotk score` (reading
# and scoring the 4 MB survey, then rendering) and as `lotk report` of the saved JSON
# (rendering alone); wall time and peak RSS from GNU time when installed, else wall time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lotk=${1:-$root/build/lotk}
gen=${2:-$root/build/tests/lotk_gen}
work=${3:-$(mktemp -d "${TMPDIR:-/tmp}/lotk-report-bench.XXXXXX")}
mkdir -p "$work"
std=$root/bench/standard.yaml
unset LOTK_STANDARD_PATH LOTK_PLUGIN_PATH

"$gen" 29620 1 30 > "$work/survey.csv"
orgs=$(tail -n +2 "$work/survey.csv" | cut -d, -f1 | uniq | wc -l)
echo "bench.sh: $(($(wc -l < "$work/survey.csv") - 1)) rows, $orgs organizations ($std)"
"$lotk" score "$std" "$work/survey.csv" -q -f json -o "$work/result.json"

reps=${REPS:-3}
# timed LABEL COMMAND...: REPS runs; the median wall time (min-max), the median CPU time and
# the largest peak RSS
timed() {
    label=$1
    shift
    : > "$work/times"
    i=0
    while [ $i -lt "$reps" ]; do
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@"
        else
            start=$(date +%s%N)
            "$@"
            end=$(date +%s%N)
            echo "$(( (end - start) / 1000000 ))" | awk '{printf "%.3f 0 0 0\n", $1 / 1000}' > "$work/time"
        fi
        cat "$work/time" >> "$work/times"
        i=$((i + 1))
    done
    cpu=$(awk '{ print $3 + $4 }' "$work/times" | sort -n |
          awk '{ c[NR] = $1 } END { print (NR % 2) ? c[(NR + 1) / 2] : (c[NR / 2] + c[NR / 2 + 1]) / 2 }')
    sort -n "$work/times" | awk -v label="$label" -v cpu="$cpu" '
        { t[NR] = $1; if ($2 > kb) kb = $2 }
        END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
              printf "bench.sh: %-30s %6.2f s (%.2f-%.2f, %d runs)", label, m, t[1], t[NR], NR
              if (kb) printf "  CPU %5.2f s  %4d MB peak RSS", cpu, kb / 1024
              printf "\n" }'
}
for fmt in html md xlsx; do
    for lang in zh en; do
        timed "lotk score -f $fmt --lang $lang" \
            "$lotk" score "$std" "$work/survey.csv" -q -f $fmt --lang $lang -o "$work/score-$lang.$fmt"
        timed "lotk report -f $fmt --lang $lang" \
            "$lotk" report "$work/result.json" -f $fmt --lang $lang -o "$work/report-$lang.$fmt"
        cmp -s "$work/score-$lang.$fmt" "$work/report-$lang.$fmt" ||
            { echo "bench.sh: lotk score and lotk report differ for -f $fmt --lang $lang" >&2; exit 1; }
    done
    echo "bench.sh: -f $fmt: $(wc -c < "$work/report-zh.$fmt") bytes (zh), $(wc -c < "$work/report-en.$fmt") bytes (en)"
done
echo "bench.sh: outputs in $work"
