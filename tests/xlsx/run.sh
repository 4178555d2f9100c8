#!/bin/sh
# tests/xlsx/run.sh DRIVER WORKDIR — checks the workbooks of the xlsx driver (issue 11):
# sheets and titles in zh and en, frozen headers, exact numbers and their formats, the
# Summary charts, byte-identical output, atomic replacement. Needs libxlsxwriter-dev,
# libminizip-dev, libjansson-dev and python3-openpyxl (scripts/install-deps).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
driver=$1
work=$2
mkdir -p "$work"
# de_DE.UTF-8 for the locale check, compiled into the work directory when the system
# lacks it (as the CLI tests do).
sh "$root/tests/cli/make-locales.sh" "$work/locale"
[ -d "$work/locale/de_DE.UTF-8" ] && export LOCPATH="$work/locale"
# openpyxl is Debian's python3-openpyxl: the system python, whatever python3 is first on
# PATH (a pyenv or venv python does not see it).
py=python3
if ! python3 -c 'import openpyxl' 2>/dev/null && [ -x /usr/bin/python3 ]; then
    py=/usr/bin/python3
fi
rm -rf "$work/out"
exec "$py" "$here/check.py" "$driver" "$here/enterprise-result.json" \
    "$root/core/output/messages.def" "$work/out"
