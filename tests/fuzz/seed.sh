#!/bin/sh
# seed.sh — seeds for the fuzz targets from the test suite's own inputs, into
# OUT/<target>/ (one file an input): the standards, plugins, evidence sheets, partial and
# JSON results the golden cases use, and for the scoring path a standard, its survey and
# evidence joined as fuzz_score.c reads them. Run it, fuzz, then minimise into
# tests/fuzz/corpus (tests/fuzz/README.md); the committed corpora are the result.
# Usage: tests/fuzz/seed.sh LOTK OUT
set -eu
[ $# -eq 2 ] || { echo "usage: tests/fuzz/seed.sh LOTK OUT" >&2; exit 2; }
lotk=$1 out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
fx=$src/tests/cli/fixtures
mkdir -p "$out/standard" "$out/plugin" "$out/evidence" "$out/partial" "$out/results" \
    "$out/score"
seed() { # TARGET: stdin becomes a seed, named by its SHA-1 as libFuzzer names inputs
    cat >"$out/$1/.new"
    mv "$out/$1/.new" "$out/$1/$(sha1sum <"$out/$1/.new" | cut -c1-40)"
}

for f in "$src"/standards/*.yaml "$src"/tests/*/*.yaml "$src"/tests/*/*/*.yaml \
    "$src"/tests/cli/cases/*/*.yaml; do
    [ -f "$f" ] && seed standard <"$f"
done

# Plugins, named fuzzplugin so that they pass the name check (fuzz_plugin.c).
for f in "$src"/plugins/*.lua "$src"/tests/sandbox/plugins/*.lua; do
    sed -E 's/^([[:space:]]*name[[:space:]]*=[[:space:]]*)"[^"]*"/\1"fuzzplugin"/' "$f" |
        seed plugin
done

for f in "$fx"/team.csv "$fx"/self.csv; do
    seed evidence <"$f"
    head -4 "$f" | seed evidence
done
printf 'org,assessor,B1,B2,B3\nO1,A1,3,2.5%%,是\nO1,A1,4,,\n' | seed evidence

# Partial results of the fixture standard: the whole survey and its halves. The last 32
# bytes (the checksum) are left off: the target adds them.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -1 "$fx"/survey.csv >"$tmp/a.csv"
cp "$tmp/a.csv" "$tmp/b.csv"
sed -n '2,4p' "$fx"/survey.csv >>"$tmp/a.csv"
sed -n '5,$p' "$fx"/survey.csv >>"$tmp/b.csv"
for csv in "$fx"/survey.csv "$tmp/a.csv" "$tmp/b.csv"; do
    "$lotk" score "$fx"/standard.yaml "$csv" --partial -q -o "$tmp/p.lpr"
    head -c "$(($(wc -c <"$tmp/p.lpr") - 32))" "$tmp/p.lpr" | seed partial
done

# JSON results, as compare, norms and report read them, and a norm table; compacted, so
# that whole results fit within the target's -max_len (results.options).
compact() { python3 -c 'import json, sys; json.dump(json.load(sys.stdin), sys.stdout, ensure_ascii=False, separators=(",", ":"))'; }
"$lotk" score "$fx"/standard.yaml "$fx"/survey.csv -e "$fx"/team.csv -e "$fx"/self.csv \
    -f json -q | compact | seed results
"$lotk" score "$fx"/standard.yaml "$fx"/survey.csv -f json -q | compact | seed results
"$lotk" score "$src"/tests/fixtures/cli/mini.yaml "$src"/tests/fixtures/cli/mini.csv -f json -q |
    compact | seed results
"$lotk" score "$src"/standards/family.yaml "$src"/surveys/family.csv -f json -q | compact |
    seed results
"$lotk" score "$fx"/standard.yaml "$fx"/survey.csv -f json -q -o "$tmp/r.json"
"$lotk" norms "$tmp/r.json" --min-group 1 -o "$tmp/n.json" -q 2>/dev/null ||
    "$lotk" norms "$tmp/r.json" --min-group 1 -o "$tmp/n.json"
seed results <"$tmp/n.json"
for f in "$src"/tests/cli/cases/*/*.json; do
    [ -f "$f" ] && seed results <"$f"
done

# The scoring path: STANDARD \n%%csv\n SURVEY [\n%%evidence\n EVIDENCE] (fuzz_score.c).
join() { # STANDARD SURVEY [EVIDENCE]
    cat "$1"
    printf '\n%%%%csv\n'
    head -40 "$2"
    if [ $# -ge 3 ]; then
        printf '\n%%%%evidence\n'
        head -20 "$3"
    fi
}
join "$fx"/standard.yaml "$fx"/survey.csv "$fx"/team.csv | seed score
join "$fx"/standard.yaml "$fx"/survey.csv | seed score
seed score <"$fx"/survey.csv
for std in family social-group; do
    join "$src/standards/$std.yaml" "$src/surveys/$std.csv" "$src/surveys/$std-evidence.csv" |
        seed score
done
join "$src"/tests/compare/rounds.yaml "$src"/tests/compare/round1.csv 2>/dev/null | seed score ||
    true
join "$src"/tests/fixtures/cli/mini.yaml "$src"/tests/fixtures/cli/mini.csv 2>/dev/null |
    seed score || true
echo "seed.sh: $(find "$out" -type f | wc -l) seeds in $out"
