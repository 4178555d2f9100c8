#!/bin/sh
# Builds tests/xlsx/xlsx_driver from core/output/{xlsx,xlsxnum,messages}.c and the err module,
# with the project's warning flags (CMake does this once the lead wires xlsx in).
# Usage: tests/xlsx/build.sh OUTDIR   → OUTDIR/xlsx_driver
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-"$root/build/xlsx"}
mkdir -p "$out/include/base"
# err.h/err.c live in core/ before the core/ restructuring and in core/base/ after it; the
# new code includes "base/err.h", so point a shim include directory at whichever exists.
for dir in "$root/core/base" "$root/core"; do
    if [ -f "$dir/err.c" ]; then errdir=$dir; break; fi
done
ln -sf "$errdir/err.h" "$out/include/base/err.h"
cc -std=c11 -D_XOPEN_SOURCE=700 -O2 -g -Wall -Wextra -Wshadow -Wno-unused-parameter \
    -Wstrict-prototypes -Wmissing-prototypes -Werror ${CFLAGS:-} \
    -I"$root/core" -I"$out/include" $(pkg-config --cflags xlsxwriter jansson minizip) \
    -o "$out/xlsx_driver" "$here/xlsx_driver.c" "$root/core/output/xlsx.c" \
    "$root/core/output/xlsxnum.c" "$root/core/output/messages.c" "$errdir/err.c" \
    $(pkg-config --libs xlsxwriter jansson minizip) -lm ${LDFLAGS:-}
