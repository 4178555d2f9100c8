#!/usr/bin/python3
"""Prints every cell of a workbook lotk wrote, for the golden CLI cases (tests/cli/cases/
report-xlsx*): per sheet its name, frozen pane and size, then one line per row, cells
separated by " | " — text as JSON strings, numbers as Python's repr (the exact double, all
17 digits when needed) followed by @FORMAT when the cell has a number format, empty cells
as nothing; then the sheet's charts (kind, title, anchor, each series' references).

usage: tests/xlsx/cells.py [--rows N] WORKBOOK.xlsx [SHEET-NUMBER...]
  SHEET-NUMBER: 1-based (default: every sheet); --rows N: only the first N rows of each
Needs python3-openpyxl (Debian; /usr/bin/python3 when another python3 is first on PATH).
"""
import json
import sys

import openpyxl
from openpyxl.utils import get_column_letter


def cell_text(c):
    v = c.value
    if v is None:
        return ""
    if isinstance(v, bool):
        s = "TRUE" if v else "FALSE"
    elif isinstance(v, (int, float)):
        s = repr(v)
    else:
        s = json.dumps(str(v), ensure_ascii=False)
    if c.number_format and c.number_format != "General":
        s += "@" + c.number_format
    return s


def rich_text(title):
    """The plain text of a chart title (openpyxl keeps it as rich text runs)."""
    if title is None or title.tx is None or title.tx.rich is None:
        return None
    return "".join(r.t for p in title.tx.rich.p for r in (p.r or []))


def ref(x):
    if x is None:
        return None
    for attr in ("strRef", "numRef"):
        r = getattr(x, attr, None)
        if r is not None:
            return r.f
    return None


def main():
    args = sys.argv[1:]
    rows = None
    if args[:1] == ["--rows"]:
        rows, args = int(args[1]), args[2:]
    wb = openpyxl.load_workbook(args[0])
    wanted = [int(a) for a in args[1:]] or range(1, len(wb.worksheets) + 1)
    for i in wanted:
        ws = wb.worksheets[i - 1]
        print("== sheet %d: %s (frozen at %s, %d rows x %d columns, last cell %s%d)"
              % (i, ws.title, ws.freeze_panes, ws.max_row, ws.max_column,
                 get_column_letter(ws.max_column), ws.max_row))
        for n, row in enumerate(ws.iter_rows(max_row=rows), 1):
            cells = [cell_text(c) for c in row]
            while cells and cells[-1] == "":
                cells.pop()
            print("%d: %s" % (n, " | ".join(cells)))
        for ch in ws._charts:
            a = ch.anchor._from
            print("chart: %s %s at %s%d" % (type(ch).__name__, json.dumps(rich_text(ch.title),
                                                                        ensure_ascii=False),
                                           get_column_letter(a.col + 1), a.row + 1))
            for s in ch.series:
                print("  series: name %s, categories %s, values %s"
                      % (ref(s.tx), ref(s.cat), ref(s.val)))


main()
