#!/bin/sh
# The browser test (issue 11), ctest report_browser*: the demo's HTML report opened in
# headless Chromium by browser-check.py — every organization's radar and bar charts drawn
# within their viewBox and the viewport, no console error, no network request, a screenshot,
# and the A4 print with the expected page count — or lotk's own PDF (-f pdf, printed by
# core/output/pdf.c) with that page count.
#
# usage: tests/report/browser.sh LOTK WORKDIR zh|en|pdf
#   zh   the report make demo writes (build/enterprise-report.html: the enterprise sample,
#        the standard's first language)
#   en   the same report with --lang en
#   pdf  lotk report RESULT.json -f pdf: the same pages
# Exits 77 (ctest SKIP_RETURN_CODE) when Chromium or python3-websocket is not installed:
# scripts/install-deps --browser installs them (CI does, before make test).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lotk=$1
work=$2
what=$3
# 5 pages for the batch and 2 per organization (README.md).
organizations=8
pages=21
mkdir -p "$work"
unset LOTK_STANDARD_PATH LOTK_PLUGIN_PATH

# The Python that has websocket (Debian's python3-websocket: the system python3).
py=python3
python3 -c 'import websocket' 2>/dev/null || py=/usr/bin/python3
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    echo "browser.sh: SKIP: chromium is not installed (scripts/install-deps --browser)"
    exit 77
fi
if ! "$py" -c 'import websocket' 2>/dev/null; then
    echo "browser.sh: SKIP: python3-websocket is not installed (scripts/install-deps --browser)"
    exit 77
fi

# make demo's command, with -f html (Makefile, target demo)
demo() {
    (cd "$root" && "$lotk" score standards/enterprise.yaml surveys/enterprise.csv \
        --evidence surveys/enterprise-evidence.csv --evidence surveys/enterprise-self-evidence.csv \
        -q "$@")
}
case $what in
zh | en)
    report=$work/enterprise-report-$what.html
    if [ "$what" = zh ]; then demo -f html -o "$report"; else demo -f html --lang en -o "$report"; fi
    # The screenshot is of the first organization's page (as scripts/report-screenshot
    # takes it): a whole-page one (16,000 px) would triple the test's time.
    exec "$py" "$here/browser-check.py" "$report" --organizations $organizations --pages $pages \
        --screenshot "$work/enterprise-report-$what.png" --screenshot-at section.org \
        --screenshot-height 1500 --pdf "$work/enterprise-report-$what.pdf"
    ;;
pdf)
    demo -f json -o "$work/result.json"
    rm -f "$work/enterprise-report.pdf"
    "$lotk" report "$work/result.json" -f pdf -o "$work/enterprise-report.pdf"
    got=$("$py" -c '
import importlib.util, sys
spec = importlib.util.spec_from_file_location("bc", sys.argv[1])
bc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bc)
print(bc.pdf_pages(open(sys.argv[2], "rb").read()))' "$here/browser-check.py" "$work/enterprise-report.pdf")
    if [ "$got" != $pages ]; then
        echo "browser.sh: FAIL: lotk report -f pdf printed $got pages, expected $pages"
        exit 1
    fi
    left=$(find "$work" -name '*.tmp*')
    if [ -n "$left" ]; then
        echo "browser.sh: FAIL: temporary files left: $left"
        exit 1
    fi
    echo "browser.sh: lotk report -f pdf: $got A4 pages, as the browser prints the HTML report"
    ;;
*)
    echo "usage: browser.sh LOTK WORKDIR zh|en|pdf" >&2
    exit 2
    ;;
esac
