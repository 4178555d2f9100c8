#!/bin/sh
# run.sh — runs libFuzzer targets one after another (make fuzz): each for SECONDS, at the
# lowest priority, on a working copy of its committed corpus (new inputs stay in the build
# tree; tests/fuzz/README.md says how to fold them back in), and prints one line a target:
# seconds, executions, coverage, findings. Exits 1 when any target found something; the
# reproducers are in BUILD/fuzz-runs/TARGET/ (crash-*, leak-*, timeout-*, oom-*).
# Usage: tests/fuzz/run.sh BUILD SECONDS TARGET...
set -eu
[ $# -ge 3 ] || { echo "usage: tests/fuzz/run.sh BUILD SECONDS TARGET..." >&2; exit 2; }
build=$1 seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
status=0
for t in "$@"; do
    bin="$build/tests/fuzz_$t"
    [ -x "$bin" ] || { echo "run.sh: $bin is not built (make fuzz builds it)" >&2; exit 2; }
    dir="$build/fuzz-runs/$t"
    mkdir -p "$dir/corpus"
    log="$dir/log"
    # The target's options (a larger -max_len for the multi-file targets), one a line.
    opts=""
    [ -f "$here/$t.options" ] && opts=$(grep -v '^#' "$here/$t.options" | tr '\n' ' ')
    touch "$dir/.start" # what an earlier run left in $dir is no finding of this one
    # shellcheck disable=SC2086
    nice -n 19 "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$dir/" $opts \
        "$dir/corpus" "$here/corpus/$t" >"$log" 2>&1 || true
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    # The seconds it ran: all of them, or until its first finding.
    ran=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
    found=$(find "$dir" -maxdepth 1 -type f -newer "$dir/.start" \( -name 'crash-*' -o -name 'leak-*' \
        -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    echo "fuzz $t: ${ran:-stopped before ${seconds}}s, ${execs:-?} execs, ${cov:-cov ?}," \
        "$found findings ($log)"
    [ "$found" -eq 0 ] || status=1
done
exit $status
