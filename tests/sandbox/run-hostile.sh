#!/bin/sh
# Runs one hostile plugin as the root aggregate of a small standard and checks that lotk
# fails cleanly: the exit code and a piece of the message come from the plugin's header
#   -- expect-exit: N
#   -- expect-stderr: TEXT
# (or the same lines without "-- " in NAME.expect beside a plugin that is not text)
# and lotk must neither crash (exit > 4, or a signal) nor write any result.
# Two more header lines, for plugins that cannot be a standard's aggregate:
#   -- driver: NAME       drivers/NAME.lua (HOSTILE in it replaced by the plugin's name) is
#                         copied beside the plugin and is the root aggregate instead: a
#                         hostile library is loaded by the driver's lotk.require
#   -- run: plugins-test  runs `lotk plugins test PLUGIN` instead of scoring: the message is
#                         looked for in a "FAIL" line (for report plugins, which scoring
#                         does not call)
#   -- run: plugins-list  runs `lotk plugins list` with the plugin on LOTK_PLUGIN_PATH (a
#                         plugin whose main chunk misbehaves must not hang the listing)
#   -- as: rule           the plugin is the standard's two rules (standard-rule.yaml), not
#                         its root aggregate
# and one for any plugin:
#   -- max-seconds: N     lotk must be done within N seconds of wall time (a budget that
#                         stops a plugin only after minutes is no budget)
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
driver=$(sed -n 's/^-- driver: *//p' "$spec")
run=$(sed -n 's/^-- run: *//p' "$spec")
max_seconds=$(sed -n 's/^-- max-seconds: *//p' "$spec")
as=$(sed -n 's/^-- as: *//p' "$spec")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/plugins"
cp "$plugin" "$work/plugins/$name.lua"
root=$name
if [ -n "$driver" ]; then
    sed "s/HOSTILE/$name/g" "$here/drivers/$driver.lua" > "$work/plugins/$driver.lua"
    root=$driver
fi
template=$here/standard.yaml
[ "$as" = rule ] && template=$here/standard-rule.yaml
sed "s/HOSTILE/$root/" "$template" > "$work/standard.yaml"
# A limit that takes long to reach must still end: the timeout is only a backstop.
started=$(date +%s)
if [ "$run" = plugins-list ]; then
    LOTK_PLUGIN_PATH="$work/plugins" timeout 60 "$lotk" plugins list >"$work/stdout" \
        2>"$work/stderr"
    status=$?
    : > "$work/stdout" # the listing itself
elif [ "$run" = plugins-test ]; then
    timeout 60 "$lotk" plugins test "$work/plugins/$name.lua" >"$work/stdout" 2>"$work/stderr"
    status=$?
    # What a failing test prints goes to stdout; check it as the error.
    grep '^FAIL ' "$work/stdout" | sed 's/^FAIL /lotk: error: /' >> "$work/stderr"
    : > "$work/stdout"
else
    timeout 60 "$lotk" score "$work/standard.yaml" "$here/responses.csv" -f json \
        -o "$work/result.json" --plugin-memory 64 >"$work/stdout" 2>"$work/stderr"
    status=$?
fi
elapsed=$(( $(date +%s) - started ))
fail=0
if [ -n "$max_seconds" ] && [ "$elapsed" -gt "$max_seconds" ]; then
    echo "FAIL $name: took $elapsed s, more than $max_seconds"
    fail=1
fi
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
