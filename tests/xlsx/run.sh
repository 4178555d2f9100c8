#!/bin/sh
# tests/xlsx/run.sh LOTK WORKDIR — checks the workbooks `lotk score -f xlsx` and `lotk report
# -f xlsx` write for the enterprise sample (issue 11): the same bytes from both, sheets and
# titles in zh and en, frozen headers, every number the JSON result's double with its
# display format, the Summary charts, --org, determinism across time zones and locales,
# atomic replacement. Needs python3-openpyxl (scripts/install-deps).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lotk=$1
work=$2
mkdir -p "$work"
# de_DE.UTF-8 for the locale check when the system lacks it: ctest's locales fixture
# (LOTK_TEST_LOCPATH), else compiled into the work directory (as the CLI tests do).
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-*8$'; then
    loc=${LOTK_TEST_LOCPATH:-$work/locale}
    [ -d "$loc/de_DE.UTF-8" ] || sh "$root/tests/cli/make-locales.sh" "$loc"
    [ -d "$loc/de_DE.UTF-8" ] && export LOCPATH="$loc"
fi
# openpyxl is Debian's python3-openpyxl: the system python, whatever python3 is first on
# PATH (a pyenv or venv python does not see it).
py=python3
if ! python3 -c 'import openpyxl' 2>/dev/null && [ -x /usr/bin/python3 ]; then
    py=/usr/bin/python3
fi
# The standard and plugins are the source tree's, whatever the environment says.
unset LOTK_STANDARD_PATH LOTK_PLUGIN_PATH
rm -rf "$work/out"
exec "$py" "$here/check.py" "$lotk" "$root" "$work/out"
