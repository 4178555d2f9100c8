#!/usr/bin/env python3
"""Checks the workbooks core/output/xlsx.c writes, read back with openpyxl.

Usage: check.py DRIVER FIXTURE.json MESSAGES.def WORKDIR

DRIVER is tests/xlsx/xlsx_driver (RESULT.json LANG OUT.xlsx). Every check prints one line;
the first failure raises, so the exit code says whether all passed.
"""
import json
import os
import re
import stat
import subprocess
import sys
import time
import zipfile

import openpyxl
from openpyxl.chart import BarChart, RadarChart

DRIVER, FIXTURE, MESSAGES, WORK = sys.argv[1:5]
RESULT = json.load(open(FIXTURE, encoding="utf-8"))
SHEET_KEYS = ["sheet_summary", "sheet_organizations", "sheet_indicators", "sheet_evidence",
              "sheet_reliability", "sheet_rejects"]
# Column title keys of each sheet (None: a title from the standard), as xlsx.c lays them out.
DIMS = [n for n in RESULT["standard"]["nodes"] if n["level"] == 1]
HEADERS = {
    "sheet_summary": ["col_item", "col_value"],
    "sheet_organizations": ["col_organization", "col_name", "col_respondents",
                            "col_screened", "col_points", "col_grade", "col_rank"]
                           + [None] * len(DIMS) + ["col_flags"],
    "sheet_indicators": ["col_organization", "col_indicator", "col_title", "col_level",
                         "col_mean", "col_norm", "col_points", "col_max_points", "col_n"],
    "sheet_evidence": ["col_organization", "col_indicator", "col_title", "col_assessor",
                       "col_role", "col_rating", "col_fact", "col_evidence", "col_note"],
    "sheet_reliability": ["col_indicator", "col_title", "col_source", "col_alpha",
                          "col_items", "col_n", "col_icc1", "col_icc2", "col_icc_1_1",
                          "col_icc_2_1", "col_icc_3_1", "col_icc_1_k", "col_icc_2_k",
                          "col_icc_3_k", "col_organizations_rated"],
    "sheet_rejects": ["col_file", "col_line", "col_column", "col_reason"],
}
# Columns holding whole numbers (format "0"); every other number cell is formatted "0.00".
COUNT_COLS = {
    "sheet_organizations": {"col_respondents", "col_screened", "col_rank"},
    "sheet_indicators": {"col_level", "col_n"},
    "sheet_reliability": {"col_items", "col_n", "col_organizations_rated"},
    "sheet_rejects": {"col_line", "col_column"},
}


def messages():
    """messages.def as {key: (zh, en)}: the one table the workbook's labels must come from."""
    table = {}
    for m in re.finditer(r'^M\((\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)$',
                         open(MESSAGES, encoding="utf-8").read(), re.M):
        assert m.group(1) not in table, "duplicate key " + m.group(1)
        table[m.group(1)] = (m.group(2), m.group(3))
    return table


MSG = messages()
LOCALE_NOTE = ("de_DE.UTF-8 via LOCPATH" if os.path.isdir(os.path.join(
    os.environ.get("LOCPATH", "/nonexistent"), "de_DE.UTF-8")) else "de_DE.UTF-8 if installed")


def text(key, lang):
    return MSG[key][0 if lang == "zh" else 1]


def pick(t, lang):
    return t.get(lang) or t.get("zh") or t.get("en")


def ok(what):
    print("ok -", what)


def write(lang, out, result=FIXTURE, env=None):
    return subprocess.run([DRIVER, result, lang, out], capture_output=True, text=True,
                          env=env)


def check_layout(path, lang):
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [text(k, lang) for k in SHEET_KEYS], wb.sheetnames
    ok(f"{lang}: sheet names {wb.sheetnames}")
    for key in SHEET_KEYS:
        ws = wb[text(key, lang)]
        assert ws.freeze_panes in ("A2", "B2"), (key, ws.freeze_panes)
        want = []
        for i, k in enumerate(HEADERS[key]):
            dim = DIMS[i - 7] if k is None else None  # "D1 title" from the standard
            want.append(text(k, lang) if k else f"{dim['id']} {pick(dim['title'], lang)}")
        got = [c.value for c in ws[1][:len(want)]]
        assert got == want, (key, got, want)
    ok(f"{lang}: header row frozen on every sheet, titles from messages.def")
    return wb


def check_numbers(wb, lang):
    """Every number cell: exact, and formatted 0.00 (counts 0)."""
    cells = 0
    for key in SHEET_KEYS[1:]:
        ws = wb[text(key, lang)]
        for row in ws.iter_rows(min_row=2):
            for c, cell in zip(HEADERS[key], row):
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    want = "0" if c in COUNT_COLS.get(key, ()) else "0.00"
                    assert cell.number_format == want, (key, cell.coordinate,
                                                        cell.number_format)
                    cells += 1
    ok(f"{lang}: {cells} number cells formatted 0.00 (counts 0)")


def check_organizations(wb, lang):
    ws = wb[text("sheet_organizations", lang)]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(RESULT["organizations"])
    bands = {b["grade"]: pick(b["label"], lang) for b in RESULT["standard"]["bands"]}
    for row, org in zip(rows, RESULT["organizations"]):
        assert row[0] == org["id"]
        # float == float: the same double, all 53 bits.
        assert row[4] == org["points"] and (row[4] is None or type(row[4]) is float), \
            (org["id"], row[4], org["points"])
        assert row[5] == bands.get(org["grade"], text("grade_none", lang))
        assert row[6] == (org.get("rank") or {}).get("position")
        for i, d in enumerate(DIMS):
            assert row[7 + i] == org["nodes"][d["id"]]["points"]
    ok(f"{lang}: every organization's points (and dimension points) equal the JSON's exactly")


def sixteen_digits_lose(x):
    return float("%.16G" % x) != x


def check_indicators(wb, lang):
    ws = wb[text("sheet_indicators", lang)]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    want = [(o, n) for o in RESULT["organizations"] for n in RESULT["standard"]["nodes"]]
    assert len(rows) == len(want)
    hard = 0
    for row, (org, node) in zip(rows, want):
        v = org["nodes"].get(node["id"], {})
        assert row[:2] == (org["id"], node["id"])
        assert row[2] == pick(node["title"], lang)
        assert list(row[4:7]) == [v.get("mean"), v.get("norm"), v.get("points")], row
        assert row[7] == node["max_points"] and row[8] == v.get("n")
        hard += sum(1 for x in (v.get("mean"), v.get("norm"), v.get("points"))
                    if x is not None and sixteen_digits_lose(x))
    assert hard > 0, "the fixture should hold values that need 17 digits"
    ok(f"{lang}: indicators exact, {hard} of them values libxlsxwriter alone rounds")


def check_summary(wb, path, lang):
    ws = wb[text("sheet_summary", lang)]
    kinds = sorted(type(c).__name__ for c in ws._charts)
    assert kinds == ["BarChart", "RadarChart"], kinds
    with zipfile.ZipFile(path) as z:
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "drawing1.xml" in rels
        assert "<c:barChart>" in z.read("xl/charts/chart1.xml").decode()
        assert "<c:radarChart>" in z.read("xl/charts/chart2.xml").decode()
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert values[text("summary_median_points", lang)] == RESULT["batch"]["median"]["points"]
    assert values[text("summary_rows", lang)] == RESULT["input"]["rows"]
    ok(f"{lang}: Summary has a column chart and a radar (on sheet1's drawing), counts and median")


def check_evidence_and_rejects(wb, lang):
    ws = wb[text("sheet_evidence", lang)]
    n = sum(len(v.get("ratings", [])) for o in RESULT["organizations"]
            for v in o["nodes"].values())
    assert ws.max_row - 1 == n, (ws.max_row, n)
    roles = {r[4] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert roles == {text("role_self", lang), text("role_third_party", lang)}, roles
    ws = wb[text("sheet_rejects", lang)]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3]) for r in rows] == [(r["file"], r["reason"]) for r in RESULT["rejects"]]
    assert all((r[2] or 0) == j["column"] for r, j in zip(rows, RESULT["rejects"]))
    ok(f"{lang}: one Evidence row per rating ({n}); Rejected rows as in the table")


def check_determinism():
    a, b = os.path.join(WORK, "det-a.xlsx"), os.path.join(WORK, "det-b.xlsx")
    env = dict(os.environ, TZ="Asia/Shanghai", LC_ALL="C.UTF-8")
    assert write("zh", a, env=env).returncode == 0
    time.sleep(2.2)  # zip times have a 2-second resolution: a clock would show
    # The driver honours the locale (setlocale(LC_ALL, "")) as a program embedding lotk
    # might; de_DE writes 0,5 for 0.5 unless the writer guards against it.
    env = dict(os.environ, TZ="America/Los_Angeles", LC_ALL="de_DE.UTF-8")
    r = write("zh", b, env=env)
    assert r.returncode == 0, r.stderr
    assert open(a, "rb").read() == open(b, "rb").read(), "two runs differ"
    c = os.path.join(WORK, "det-default.xlsx")
    assert write("-", c).returncode == 0
    assert open(a, "rb").read() == open(c, "rb").read(), "default language is not zh"
    with zipfile.ZipFile(a) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        core = z.read("docProps/core.xml").decode()
        assert core.count("1980-01-01T00:00:00Z") == 2, core
    ok(f"byte-identical across runs 2.2 s apart, time zones and locales ({LOCALE_NOTE}); "
       "zip entries and document dates 1980-01-01; no lang = zh")


def check_atomic():
    target = os.path.join(WORK, "atomic.xlsx")
    with open(target, "wb") as f:
        f.write(b"previous file")
    bad = json.loads(json.dumps(RESULT))
    bad["organizations"][0]["nodes"]["D1.3"]["ratings"][0]["note"] = "长" * 40000
    badpath = os.path.join(WORK, "too-long.json")
    json.dump(bad, open(badpath, "w", encoding="utf-8"), ensure_ascii=False)
    r = write("zh", target, result=badpath)
    assert r.returncode == 2, r
    assert target in r.stderr and "32,767" in r.stderr, r.stderr
    assert open(target, "rb").read() == b"previous file"
    left = [f for f in os.listdir(WORK) if ".tmp" in f]
    assert not left, left
    ok("a failed write (a 40,000-character note) exits 2 naming the path and libxlsxwriter's "
       "reason, keeps the previous file, leaves no temporary file")
    r = write("zh", os.path.join(WORK, "no-such-dir", "x.xlsx"))
    assert r.returncode == 2 and "no-such-dir/x.xlsx" in r.stderr, r
    ok("an unwritable target exits 2 naming the path: " + r.stderr.strip())
    r = write("zh", target)
    assert r.returncode == 0
    mode = stat.S_IMODE(os.stat(target).st_mode)
    assert mode == 0o666 & ~current_umask(), oct(mode)
    ok(f"a successful write replaces the previous file, mode {oct(mode)}")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_stream():
    """A target that is not a regular file gets the same bytes, copied in."""
    r = subprocess.run([DRIVER, FIXTURE, "zh", "/dev/stdout"], capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == open(os.path.join(WORK, "zh.xlsx"), "rb").read()
    ok("/dev/stdout (a pipe) receives the same bytes")


def check_no_rejects():
    plain = dict(RESULT)
    del plain["rejects"]
    path = os.path.join(WORK, "no-rejects.json")
    json.dump(plain, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    out = os.path.join(WORK, "no-rejects.xlsx")
    assert write("en", out, result=path).returncode == 0
    ws = openpyxl.load_workbook(out)[text("sheet_rejects", "en")]
    assert ws.max_row == 1 and ws["A1"].value == text("col_file", "en")
    ok("without a rejects array the Rejected rows sheet is there with its header")


def main():
    os.makedirs(WORK, exist_ok=True)
    for lang in ("zh", "en"):
        path = os.path.join(WORK, f"{lang}.xlsx")
        r = write(lang, path)
        assert r.returncode == 0, r.stderr
        wb = check_layout(path, lang)
        check_numbers(wb, lang)
        check_organizations(wb, lang)
        check_indicators(wb, lang)
        check_summary(wb, path, lang)
        check_evidence_and_rejects(wb, lang)
    check_determinism()
    check_atomic()
    check_stream()
    check_no_rejects()
    print("all xlsx checks passed")


main()
