#!/bin/sh
# minimize.sh — folds what a fuzzing run found back into the committed corpora: for each
# target, libFuzzer's -merge=1 keeps, of the committed corpus and the run's new inputs
# (BUILD/fuzz-runs/TARGET/corpus, from run.sh), a small set that reaches every edge of
# the code any of them reached. Edges only (-use_counters=0 -use_cmp=0): keeping every hit
# count and comparison too takes five times the files, which the run's own corpus keeps.
# Inputs are cut to 2 KB on the way (8 KB for the targets whose input is a standard, a
# plugin or a result, 4 KB for the scoring path's). Hand-named inputs (regression inputs such as nul-in-ids; libFuzzer
# names its own by SHA-1) always stay. Prints each corpus's files and bytes before and
# after.
# Usage: tests/fuzz/minimize.sh BUILD TARGET...
set -eu
[ $# -ge 2 ] || { echo "usage: tests/fuzz/minimize.sh BUILD TARGET..." >&2; exit 2; }
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
for t in "$@"; do
    corpus="$here/corpus/$t"
    runs="$build/fuzz-runs/$t/corpus"
    mkdir -p "$runs"
    new=$(mktemp -d)
    case $t in
    standard | plugin | results) opts=-max_len=8192 ;;
    score) opts=-max_len=4096 ;; # the fixture standard (2.3 KB), a survey and a sheet
    *) opts=-max_len=2048 ;;
    esac
    before="$(find "$corpus" -type f | wc -l) files, $(cat "$corpus"/* | wc -c) bytes"
    # shellcheck disable=SC2086
    nice -n 19 "$build/tests/fuzz_$t" -merge=1 -use_counters=0 -use_cmp=0 $opts -timeout=20 \
        -rss_limit_mb=2560 \
        "$new" "$corpus" "$runs" >"$build/fuzz-runs/$t/merge.log" 2>&1
    find "$corpus" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
    # libFuzzer names an input by its SHA-1: a hand-named input it kept is there already.
    named=$(find "$corpus" -type f -exec sha1sum {} + | cut -c1-40)
    for f in "$new"/*; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        case " $(echo $named) " in *" $name "*) continue ;; esac
        cp "$f" "$corpus/$name"
    done
    rm -rf "$new"
    echo "minimize $t: $before -> $(find "$corpus" -type f | wc -l) files," \
        "$(cat "$corpus"/* | wc -c) bytes"
done
