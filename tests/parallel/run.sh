#!/bin/sh
# --jobs must not change a single byte of the result: reads a generated survey with one
# thread and with several, and in the cases that send a file back to one reader (a cut
# inside a quoted multi-line cell, a respondent id in two ranges), and from a pipe. Two and
# three jobs read the file as one range, its rows scored on a second thread; four read two.
# usage: run.sh LOTK GEN STANDARD EXPORTS_DIR
set -u
lotk=$1
gen=$2
standard=$3
exports=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

same() { # label file1 file2
    if cmp -s "$2" "$3"; then
        echo "ok $1"
    else
        echo "FAIL $1: $2 and $3 differ"
        diff "$2" "$3" | head -5
        fail=1
    fi
}

score() { # output jobs input [standard]; notes go to $work/notes
    "$lotk" score "${4:-$standard}" "$3" -f json -j "$2" -o "$1" 2>"$work/notes" || {
        echo "FAIL: lotk score -j $2 $3 exited $?"
        fail=1
    }
}

"$gen" 40000 7 > "$work/plain.csv"
score "$work/plain.1.json" 1 "$work/plain.csv"
for j in 2 3 4; do
    score "$work/plain.$j.json" $j "$work/plain.csv"
    same "plain -j $j" "$work/plain.1.json" "$work/plain.$j.json"
done
cat "$work/plain.csv" | "$lotk" score "$standard" - -f json -q -j 4 > "$work/pipe.json"
same "standard input" "$work/plain.1.json" "$work/pipe.json"

# Many small organizations (about 10,000), whose statistics are finished on threads too.
"$gen" 30000 11 3 > "$work/many.csv"
score "$work/many.1.json" 1 "$work/many.csv"
for j in 2 4; do
    score "$work/many.$j.json" $j "$work/many.csv"
    same "many organizations -j $j" "$work/many.1.json" "$work/many.$j.json"
done

# Shards scored apart and merged equal one run over all the rows.
head -20001 "$work/plain.csv" > "$work/shard1.csv"
{ head -1 "$work/plain.csv"; tail -n +20002 "$work/plain.csv"; } > "$work/shard2.csv"
"$lotk" score "$standard" "$work/shard1.csv" --partial -o "$work/1.lpr" -q &&
"$lotk" score "$standard" "$work/shard2.csv" --partial -o "$work/2.lpr" -q -j 3 &&
"$lotk" merge "$work/2.lpr" "$work/1.lpr" -f json -o "$work/merged.json" ||
    { echo "FAIL: partial/merge exited $?"; fail=1; }
# A partial result carries no log of rejected rows (each shard's --rejects file has them):
# the merged result is the same but for the "rejects" list and the organizations' screened
# counts taken from it.
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/drop-row-log.py" "$work/plain.1.json" "$work/plain.1.norejects.json"
python3 "$here/drop-row-log.py" "$work/merged.json" "$work/merged.norejects.json"
same "merge of two shards" "$work/plain.1.norejects.json" "$work/merged.norejects.json"
head -c 1000 "$work/1.lpr" > "$work/cut.lpr"
if "$lotk" merge "$work/cut.lpr" -f json > /dev/null 2> "$work/cut.err" ||
   ! grep -q "checksum does not match" "$work/cut.err"; then
    echo "FAIL: a damaged partial result was not refused"; cat "$work/cut.err"; fail=1
else
    echo "ok damaged partial refused"
fi

# A note column; in the middle, one quoted cell of 3000 lines, so that cuts land inside.
awk -v mid=20000 'NR == 1 { print $0 ",note"; next }
    NR == mid { printf "%s,\"first line", $0; for (i = 0; i < 3000; i++) printf "\nline %d, with a comma", i; print "\"" ; next }
    { print $0 ",plain" }' "$work/plain.csv" > "$work/quoted.csv"
score "$work/quoted.1.json" 1 "$work/quoted.csv"
for j in 2 3 4; do
    score "$work/quoted.$j.json" $j "$work/quoted.csv"
    same "multi-line cell -j $j" "$work/quoted.1.json" "$work/quoted.$j.json"
    # Two or three jobs read one range (the scorer on the second thread): no cut to notice.
    [ $j -lt 4 ] || grep -q "read by one thread: a cut between threads fell inside" "$work/notes" ||
        { echo "FAIL: -j $j did not notice the cut inside the quoted cell"; fail=1; }
done

# Respondent ids checked: a row of the first range repeated at the end must be rejected.
if grep -q '^ *id_column: resp$' "$standard"; then
    cp "$standard" "$work/ids.yaml"
else
    sed 's/^\( *\)org_column: org$/\1org_column: org\n\1id_column: resp/' "$standard" > "$work/ids.yaml"
fi
grep -q 'id_column: resp' "$work/ids.yaml" || { echo "FAIL: could not add id_column"; exit 1; }
{ cat "$work/plain.csv"; sed -n 2p "$work/plain.csv"; } > "$work/dup.csv"
score "$work/dup.1.json" 1 "$work/dup.csv" "$work/ids.yaml"
grep -q '"rejected": 1' "$work/dup.1.json" || { echo "FAIL: the duplicate was not rejected"; fail=1; }
for j in 2 4; do
    score "$work/dup.$j.json" $j "$work/dup.csv" "$work/ids.yaml"
    same "duplicate id across ranges -j $j" "$work/dup.1.json" "$work/dup.$j.json"
    [ $j -lt 4 ] || grep -q "read by one thread: a respondent id occurs" "$work/notes" ||
        { echo "FAIL: -j $j did not notice the duplicate across threads"; fail=1; }
done
# Screening, multi-select items and question numbers in threads: the issue-4 export
# repeated until it is large enough to be cut (its id column dropped: ids repeat).
grep -v '^  id_column:' "$exports/standard.yaml" > "$work/export.yaml"
{ cat "$exports/number-utf8.csv"; i=0; while [ $i -lt 600 ]; do tail -n +2 "$exports/number-utf8.csv"; i=$((i + 1)); done; } > "$work/export.csv"
score "$work/export.1.json" 1 "$work/export.csv" "$work/export.yaml"
score "$work/export.2.json" 2 "$work/export.csv" "$work/export.yaml"
same "screening and multi-select -j 2" "$work/export.1.json" "$work/export.2.json"
grep -q '"screened": 3606' "$work/export.2.json" || { echo "FAIL: screened rows lost"; fail=1; }
exit $fail
