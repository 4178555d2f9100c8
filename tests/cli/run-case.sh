#!/bin/sh
# run-case.sh LOTK CASEDIR — runs one golden CLI case and compares it exactly.
#
# A case directory holds:
#   cmd      shell commands run by sh, with CASEDIR as the working directory, the lotk
#            binary in $LOTK and an empty scratch directory in $WORK (for -o, --rejects and
#            anything else a case writes; removed afterwards)
#   stdout   expected standard output, byte for byte
#   stderr   expected standard error, byte for byte
#   status   expected exit status of cmd (a number and a newline)
# plus whatever inputs the case needs. On a mismatch the differences are shown with
# diff -u and the script exits 1.
#
# The environment is made neutral first, so that a case means the same on every machine:
# no locale or time zone variables (a case that wants one sets it), no standard or plugin
# search path, nothing installed taken for granted. LOTK_TEST_LOCPATH, when set by ctest,
# names locales built by make-locales.sh; a case may use it through $LOCPATH, which is set
# only when the system lacks those locales.
#
# With UPDATE=1 in the environment the expected files are (re)written from this run
# instead; read every one of them before committing it.
set -u

if [ $# -ne 2 ]; then
    echo "usage: run-case.sh LOTK CASEDIR" >&2
    exit 2
fi
case $1 in
    /*) LOTK=$1 ;;
    *) LOTK=$(pwd)/$1 ;;
esac
casedir=$2
if [ ! -x "$LOTK" ]; then
    echo "run-case.sh: $LOTK is not an executable" >&2
    exit 2
fi
if [ ! -f "$casedir/cmd" ]; then
    echo "run-case.sh: $casedir has no cmd file" >&2
    exit 2
fi

run=$(mktemp -d "${TMPDIR:-/tmp}/lotk-case.XXXXXX") || exit 2
trap 'rm -rf "$run"' EXIT
trap 'exit 2' HUP INT TERM
WORK=$run/work
mkdir "$WORK" || exit 2

unset LANG LANGUAGE LC_ALL LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES \
      LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION TZ \
      LOTK_STANDARD_PATH LOTK_PLUGIN_PATH LOCPATH
have_locale() {
    locale -a 2>/dev/null | grep -qi "^$1\.utf-*8\$"
}
if [ -n "${LOTK_TEST_LOCPATH:-}" ] && [ -d "$LOTK_TEST_LOCPATH/de_DE.UTF-8" ] &&
   [ -d "$LOTK_TEST_LOCPATH/zh_CN.UTF-8" ] && ! { have_locale de_DE && have_locale zh_CN; }
then
    LOCPATH=$LOTK_TEST_LOCPATH
    export LOCPATH
fi
export LOTK WORK

(cd "$casedir" && exec sh ./cmd) >"$run/stdout" 2>"$run/stderr"
echo $? >"$run/status"

if [ "${UPDATE:-}" = 1 ]; then
    for f in stdout stderr status; do
        cp "$run/$f" "$casedir/$f" || exit 2
    done
    echo "run-case.sh: updated $casedir"
    exit 0
fi

failed=0
for f in status stdout stderr; do
    if [ ! -f "$casedir/$f" ]; then
        echo "run-case.sh: $casedir/$f is missing" >&2
        failed=1
    elif ! cmp -s "$casedir/$f" "$run/$f"; then
        echo "run-case.sh: $f differs (- expected, + actual):"
        diff -u "$casedir/$f" "$run/$f" | sed '1,2d'
        failed=1
    fi
done
exit $failed
