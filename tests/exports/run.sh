#!/bin/sh
# Issue 4's "done when": the same answers exported three ways — 问卷星 option text in
# GB18030 with CRLF, no BOM, full-width headers, ┋ multi-select cells and (跳过); option
# numbers in UTF-8 with a BOM, 0/1 columns and -2/-3; 腾讯问卷 numbers, semicolon-separated —
# must score to byte-identical JSON, and to the table checked against expected.md.
# usage: run.sh LOTK DIR
set -u
lotk=$1
dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$dir" || exit 1
fail=0
for f in text-gb18030 number-utf8 number-tencent; do
    "$lotk" score standard.yaml "$f.csv" -f json -q -o "$work/$f.json" || {
        echo "FAIL: $f.csv exited $?"
        fail=1
    }
done
# The three files are one survey: their results are byte-identical but for the rows they
# screen out, which the "rejects" list names by file.
for f in text-gb18030 number-utf8 number-tencent; do
    sed '/^  "rejects": \[\],$/d; /^  "rejects": \[$/,/^  \],$/d' "$work/$f.json" > "$work/$f.cmp.json"
done
for f in number-utf8 number-tencent; do
    if cmp -s "$work/text-gb18030.cmp.json" "$work/$f.cmp.json"; then
        echo "ok: $f.csv scores exactly as text-gb18030.csv"
    else
        echo "FAIL: $f.csv and text-gb18030.csv score differently"
        diff "$work/text-gb18030.cmp.json" "$work/$f.cmp.json" | head -20
        fail=1
    fi
done
"$lotk" score standard.yaml text-gb18030.csv > "$work/table.txt" 2> "$work/stderr.txt"
if diff -u expected-table.txt "$work/table.txt" && diff -u expected-stderr.txt "$work/stderr.txt"; then
    echo "ok: the table and the screening messages"
else
    fail=1
fi
# Forcing the wrong encoding is an error that says where.
"$lotk" score standard.yaml text-gb18030.csv --encoding utf-8 -q 2> "$work/wrong.txt"
status=$?
if [ $status -ne 2 ] || ! grep -q "invalid UTF-8 byte 0x.. at byte offset" "$work/wrong.txt"; then
    echo "FAIL: --encoding utf-8 on GB18030: exit $status"; cat "$work/wrong.txt"; fail=1
else
    echo "ok: --encoding utf-8 on GB18030 fails with the byte offset"
fi
exit $fail
