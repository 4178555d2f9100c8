#!/usr/bin/env python3
"""Checks the workbooks lotk writes (-f xlsx), read back with openpyxl, against the JSON result
of the same run: the enterprise sample with its two evidence sheets.

Usage: check.py LOTK ROOT WORKDIR

LOTK is the lotk binary, ROOT the source tree (standards/, surveys/, core/output/messages.def).
Every workbook comes from the real command line: `lotk score ... -f xlsx -o A.xlsx` and
`lotk report RESULT.json -f xlsx -o B.xlsx` (RESULT.json from `lotk score ... -f json`) must
be the same bytes, and every number in them the JSON's double. Every check prints one line;
the first failure raises, so the exit code says whether all passed. The cells themselves are
frozen by the golden CLI case tests/cli/cases/report-xlsx (tests/xlsx/cells.py).
"""
import csv
import json
import os
import re
import stat
import subprocess
import sys
import time
import zipfile

import openpyxl

LOTK, ROOT, WORK = sys.argv[1:4]
MESSAGES = os.path.join(ROOT, "core", "output", "messages.def")
SAMPLE = ["score", os.path.join(ROOT, "standards", "enterprise.yaml"),
          os.path.join(ROOT, "surveys", "enterprise.csv"),
          "--evidence", os.path.join(ROOT, "surveys", "enterprise-evidence.csv"),
          "--evidence", os.path.join(ROOT, "surveys", "enterprise-self-evidence.csv"), "-q"]
os.makedirs(WORK, exist_ok=True)
FIXTURE = os.path.join(WORK, "result.json")


def lotk(args, env=None, **kw):
    return subprocess.run([LOTK] + args, capture_output=True, env=env, **kw)


r = lotk(SAMPLE + ["-f", "json", "-o", FIXTURE])
assert r.returncode == 0, r.stderr
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


def write(lang, out, result=FIXTURE, env=None, extra=()):
    """lotk report RESULT -f xlsx [--lang LANG] -o OUT ("-": no --lang, the default)."""
    args = ["report", result, "-f", "xlsx", "-o", out] + list(extra)
    if lang != "-":
        args += ["--lang", lang]
    return subprocess.run([LOTK] + args, capture_output=True, text=True, env=env)


def score(lang, out, extra=()):
    """lotk score ... -f xlsx [--lang LANG] -o OUT: scoring and writing in one run."""
    args = SAMPLE + ["-f", "xlsx", "-o", out] + list(extra)
    if lang != "-":
        args += ["--lang", lang]
    return subprocess.run([LOTK] + args, capture_output=True, text=True)


def check_same_as_score(lang):
    """What lotk score writes while scoring is what lotk report writes from the saved JSON."""
    a = os.path.join(WORK, "score-%s.xlsx" % lang)
    r = score(lang, a)
    assert r.returncode == 0, r.stderr
    assert open(a, "rb").read() == open(os.path.join(WORK, "%s.xlsx" % lang), "rb").read(), \
        "lotk score -f xlsx and lotk report -f xlsx of its JSON differ"
    ok(f"{lang}: lotk score -f xlsx and lotk report RESULT.json -f xlsx write the same bytes")


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
    check_rejects(wb, lang, RESULT.get("rejects", []))
    ok(f"{lang}: one Evidence row per rating ({n}); Rejected rows as the result's rejects "
       f"({len(RESULT.get('rejects', []))}; see the known bug report-xlsx-rejects)")


def check_rejects(wb, lang, rejects):
    ws = wb[text("sheet_rejects", lang)]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3]) for r in rows] == [(r["file"], r["reason"]) for r in rejects], rows
    # line and column 0 mean unknown: an empty cell
    assert all((r[1] or 0) == j["line"] and (r[2] or 0) == j["column"]
               for r, j in zip(rows, rejects)), rows


def check_determinism():
    a, b = os.path.join(WORK, "det-a.xlsx"), os.path.join(WORK, "det-b.xlsx")
    env = dict(os.environ, TZ="Asia/Shanghai", LC_ALL="C.UTF-8")
    assert write("zh", a, env=env).returncode == 0
    time.sleep(2.2)  # zip times have a 2-second resolution: a clock would show
    # lotk runs in the C locale today; should it ever honour the user's (setlocale), de_DE
    # would write 0,5 for 0.5 unless the writer guards against it.
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
    r = subprocess.run([LOTK, "report", FIXTURE, "-f", "xlsx", "--lang", "zh",
                        "-o", "/dev/stdout"], capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == open(os.path.join(WORK, "zh.xlsx"), "rb").read()
    ok("-o /dev/stdout (a pipe) receives the same bytes")


def check_rejects_array():
    """The result lotk writes has no rejects array (the known bug): given one (the rows
    --rejects lists, as file, line, column, reason), the Rejected rows sheet shows it."""
    rejects_csv = os.path.join(WORK, "rejects.csv")
    r = lotk(SAMPLE + ["-f", "json", "-o", os.devnull, "--rejects", rejects_csv])
    assert r.returncode == 0, r.stderr
    with_rejects = json.loads(json.dumps(RESULT))
    with_rejects["rejects"] = [
        {"file": row["file"], "line": int(row["line"]), "column": int(row["column"]),
         "reason": row["reason"]}
        for row in csv.DictReader(open(rejects_csv, encoding="utf-8"))]
    assert len(with_rejects["rejects"]) == 7, with_rejects["rejects"]
    path = os.path.join(WORK, "with-rejects.json")
    json.dump(with_rejects, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    out = os.path.join(WORK, "with-rejects.xlsx")
    r = write("en", out, result=path)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    check_rejects(wb, "en", with_rejects["rejects"])
    ok("a rejects array in the result (the 7 rows of --rejects) fills the Rejected rows sheet, "
       "line and column 0 as empty cells")


def check_selection():
    """--org: the selected organization's rows only, the batch still the whole batch."""
    out = os.path.join(WORK, "ENT-005.xlsx")
    r = score("en", out, extra=["--org", "ENT-005"])
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    orgs = [r[0] for r in wb[text("sheet_organizations", "en")].iter_rows(
        min_row=2, values_only=True)]
    assert orgs == ["ENT-005"], orgs
    rank = [r[6] for r in wb[text("sheet_organizations", "en")].iter_rows(
        min_row=2, values_only=True)]
    assert rank == [4], rank
    ind = {r[0] for r in wb[text("sheet_indicators", "en")].iter_rows(min_row=2, values_only=True)}
    assert ind == {"ENT-005"}, ind
    values = {r[0]: r[1] for r in wb[text("sheet_summary", "en")].iter_rows(
        min_row=2, max_col=2, values_only=True) if r[0]}
    assert values[text("summary_median_points", "en")] == RESULT["batch"]["median"]["points"]
    ok("--org ENT-005: one organization's rows (rank 4 of the batch), the Summary of the "
       "whole batch (its median)")


def main():
    for lang in ("zh", "en"):
        path = os.path.join(WORK, f"{lang}.xlsx")
        r = write(lang, path)
        assert r.returncode == 0, r.stderr
        check_same_as_score(lang)
        wb = check_layout(path, lang)
        check_numbers(wb, lang)
        check_organizations(wb, lang)
        check_indicators(wb, lang)
        check_summary(wb, path, lang)
        check_evidence_and_rejects(wb, lang)
    check_determinism()
    check_atomic()
    check_stream()
    check_rejects_array()
    check_selection()
    print("all xlsx checks passed")


main()
