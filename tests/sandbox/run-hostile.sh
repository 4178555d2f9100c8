#!/bin/sh
# Runs one hostile plugin as the root aggregate of a small standard and checks that lotk
# fails cleanly: the exit code and a piece of the message come from the plugin's header
#   -- expect-exit: N
#   -- expect-stderr: TEXT
# (or the same lines without "-- " in NAME.expect beside a plugin that is not text)
# and lotk must neither crash (exit > 4, or a signal) nor write any result.
# usage: run-hostile.sh LOTK PLUGIN.lua
set -u
lotk=$1
plugin=$2
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$plugin" .lua)
# A plugin that cannot carry a header (a binary file) has it in NAME.expect beside it.
spec=$plugin
[ -f "${plugin%.lua}.expect" ] && spec="${plugin%.lua}.expect"
want_exit=$(sed -n 's/^\(-- \)\{0,1\}expect-exit: *//p' "$spec")
want_text=$(sed -n 's/^\(-- \)\{0,1\}expect-stderr: *//p' "$spec")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/plugins"
cp "$plugin" "$work/plugins/$name.lua"
sed "s/HOSTILE/$name/" "$here/standard.yaml" > "$work/standard.yaml"
# A limit that takes long to reach must still end: the timeout is only a backstop.
timeout 60 "$lotk" score "$work/standard.yaml" "$here/responses.csv" -f json \
    -o "$work/result.json" --plugin-memory 64 >"$work/stdout" 2>"$work/stderr"
status=$?
fail=0
if [ "$status" != "$want_exit" ]; then
    echo "FAIL $name: exit $status, expected $want_exit"
    fail=1
fi
if ! grep -qF -- "$want_text" "$work/stderr"; then
    echo "FAIL $name: stderr lacks: $want_text"
    fail=1
fi
if ! grep -q "^lotk: error: " "$work/stderr"; then
    echo "FAIL $name: no 'lotk: error:' line"
    fail=1
fi
if [ -e "$work/result.json" ] || [ -s "$work/stdout" ]; then
    echo "FAIL $name: a result was written"
    fail=1
fi
if [ $fail -ne 0 ]; then
    echo "--- stderr:"
    cat "$work/stderr"
    exit 1
fi
echo "ok $name: exit $status: $(grep '^lotk: error: ' "$work/stderr" | head -1)"
