#!/bin/sh
# The one-way rule of core/ (core/README.md): a file includes headers of its own tier and of
# the tiers below it, never above; every project header is included as "tier/name.h".
# Usage: check-tiers.sh CORE_DIR. Prints every violation; exits 1 when there is any.
set -eu
core=$1
tiers="base standard lua input score analysis output cli"   # lowest first
rank() {
    i=0
    for t in $tiers; do
        [ "$t" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}
bad=0
for dir in "$core"/*/; do
    tier=$(basename "$dir")
    own=$(rank "$tier")
    if [ "$own" -lt 0 ]; then
        echo "check-tiers: core/$tier/ is not a tier (known: $tiers)"
        bad=1
        continue
    fi
    for f in "$dir"*.c "$dir"*.h "$dir"*.cc "$dir"*.def; do
        [ -e "$f" ] || continue
        # Every quoted include, with its line number.
        grep -n '^#include "' "$f" | while IFS=: read -r line text; do
            inc=$(printf '%s\n' "$text" | sed 's/^#include "\([^"]*\)".*/\1/')
            case "$inc" in
            */*)
                to=${inc%%/*}
                r=$(rank "$to")
                if [ "$r" -lt 0 ]; then
                    echo "core/$tier/$(basename "$f"):$line: includes \"$inc\": no tier '$to'"
                elif [ "$r" -gt "$own" ]; then
                    echo "core/$tier/$(basename "$f"):$line: includes \"$inc\": $to is above $tier"
                fi ;;
            *)
                # A file in the same folder (such as messages.def) is fine; a header anywhere
                # else must name its tier.
                [ -e "$dir$inc" ] ||
                    echo "core/$tier/$(basename "$f"):$line: includes \"$inc\" without its tier" ;;
            esac
        done
    done
done > "${TMPDIR:-/tmp}/check-tiers.$$"
if [ -s "${TMPDIR:-/tmp}/check-tiers.$$" ]; then
    cat "${TMPDIR:-/tmp}/check-tiers.$$"
    bad=1
fi
rm -f "${TMPDIR:-/tmp}/check-tiers.$$"
for f in "$core"/*.c "$core"/*.h; do
    [ -e "$f" ] && { echo "check-tiers: $f is outside every tier"; bad=1; }
done
exit $bad
