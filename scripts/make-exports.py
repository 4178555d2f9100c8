#!/usr/bin/env python3
"""Write 问卷星 and 腾讯问卷 exports of the canonical sample surveys (issue 12).

Usage: scripts/make-exports.py [OUTDIR]      (default: tests/exports/platform/)

For every sample survey surveys/<standard>.csv this writes two files that carry exactly the
same answers, row for row, as a survey platform would export them:

  <standard>-wjx.csv      问卷星 按文本 export: 序号, 提交答卷时间, 所用时间, 来源, 来源详情,
                          来自IP, then questions headed "N、题干" (the organization question
                          first, two demographic questions, then the items, numbered so that
                          the standards' {match: '^N、'} columns still find their item), some
                          with a trailing scale hint "（非常不同意…非常同意）"; option text for
                          answers, "(跳过)" for skips. UTF-8 with BOM, CRLF — except
                          enterprise-wjx.csv: GB18030, CRLF, as Excel on Chinese Windows saves.
  <standard>-tencent.csv  腾讯问卷 export: 编号, 开始答题时间, 结束答题时间, 答题时长, 地理位置,
                          then questions headed by the bare stem, with full-width or ASCII
                          punctuation swapped and stray U+3000 or spaces at the ends; option
                          scores for agreement/frequency items, some typed as people type them
                          (５, 4分, 4（同意）, 同意。), option text for yes/no items, empty
                          cells for skips. UTF-8 without BOM, LF.

Each bad row of the canonical file stays bad in the same way (a ragged row, an empty
organization, a repeated respondent number, an answer 7, the unknown label 很同意), so a
scorer that matches columns by question text and reads answers leniently gets the canonical
result: the same rows scored and rejected, the same numbers.

Before writing, every export is read back with a reference decoder (header normalisation as
docs/standard-format.md describes it, question number and trailing hint removed, lenient
answers) and checked cell by cell against the canonical file. Deterministic (splitmix64, as
the other generators); standard library only. Item columns, texts and scales are read from
standards/<id>.yaml with the same one-line-per-item parser as scripts/make-samples.py.
"""

import csv
import io
import os
import re
import sys
from datetime import datetime, timedelta

from splitmix import Rng  # scripts/splitmix.py, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STANDARDS = ["agency", "enterprise", "social-group", "public-institution", "community",
             "family", "city"]
SEED = 0x2021071612

# Option text per scale, by value, as the survey would show it; checked against the YAML.
OPTIONS = {
    "agree5": {1: "非常不同意", 2: "不同意", 3: "一般", 4: "同意", 5: "非常同意"},
    "freq5": {1: "从不", 2: "很少", 3: "有时", 4: "经常", 5: "总是"},
    "know2": {1: "知道", 0: "不知道"},
    "satisfied2": {1: "满意", 0: "不满意"},
}
HINTS = {"agree5": "（非常不同意…非常同意）", "freq5": "（从不…总是）"}
ENGLISH = {"Strongly disagree": 1, "Disagree": 2, "Neither agree nor disagree": 3, "Agree": 4,
           "Strongly agree": 5}

# The unit question, as each platform heads it. The 腾讯问卷 headings vary on purpose.
UNIT_QUESTION = {
    "city": ("您居住的城市", "您居住的城市"),
    "family": ("您的家庭编号", "家庭编号"),
    "community": ("您所在的社区", "所在社区"),
    "social-group": ("您所在的单位", "单位"),
}
DEFAULT_UNIT_QUESTION = ("您所在的单位", "您所在单位名称")
DEMOGRAPHICS = {
    "family": [("您在家庭中的身份", ["父亲", "母亲", "子女", "祖辈", "其他"]),
               ("您的年龄段", ["12-17岁", "18-35岁", "36-59岁", "60岁及以上"])],
    "community": [("您的性别", ["男", "女"]),
                  ("您在本社区居住的年限", ["1年以下", "1-5年", "6-10年", "10年以上"])],
    "city": [("您的性别", ["男", "女"]),
             ("您的年龄段", ["18-35岁", "36-59岁", "60岁及以上"])],
}
DEFAULT_DEMOGRAPHICS = [("您的性别", ["男", "女"]),
                        ("您在本单位的工作年限", ["1年以下", "1-5年", "6-10年", "10年以上"])]
FILLER = "您对本次调查还有什么意见或建议？"   # open text, only to fill question numbers
PLACES = [("浙江", "杭州"), ("江苏", "南京"), ("湖北", "武汉"), ("四川", "成都"), ("陕西", "西安"),
          ("湖南", "长沙"), ("山西", "太原"), ("上海", "上海")]
NETS = ["203.0.113.", "198.51.100.", "192.0.2."]   # documentation addresses (RFC 5737)

ITEM_RE = re.compile(
    r"^\s*- \{id: (?P<id>[a-z]\d+), column: (?:(?P<name>[A-Za-z0-9_]+)|\{match: '\^(?P<num>\d+)、'\}),"
    r" scale: (?P<scale>\w+)(?P<rev>, reverse: true)?, text: \{zh: \"(?P<zh>[^\"]+)\"")


def read_standard(std):
    path = os.path.join(ROOT, "standards", std + ".yaml")
    text = open(path, encoding="utf-8").read()
    items = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if "- {id:" not in line:
            continue
        m = ITEM_RE.match(line)
        if not m or m.group("scale") not in OPTIONS:
            sys.exit("make-exports: %s:%d: cannot read this item line" % (path, lineno))
        items.append({"id": m.group("id"), "scale": m.group("scale"), "zh": m.group("zh"),
                      "header": m.group("name") or "%s、%s" % (m.group("num"), m.group("zh")),
                      "fixed": int(m.group("num")) if m.group("num") else None})
    for scale in {it["scale"] for it in items}:
        for v, label in OPTIONS[scale].items():
            if not re.search(r"[{ ]%s: %d[,}]" % (re.escape(label), v), text):
                sys.exit("make-exports: %s: scale %s has no label %s: %d" % (path, scale, label, v))
    org = re.search(r"^  org_column: (?:\{name: )?(\w+)", text, re.M).group(1)
    return items, org


def read_canonical(std):
    with open(os.path.join(ROOT, "surveys", std + ".csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# ---- the reference decoder (what a lenient, text-matching reader must conclude) -------------

def normalise(s):
    """docs/standard-format.md header normalisation: full-width ASCII to ASCII, dashes to one
    —, every space to one space, invisible characters dropped, ends trimmed."""
    out = []
    for ch in s:
        c = ord(ch)
        if 0xFF01 <= c <= 0xFF5E:
            ch = chr(c - 0xFEE0)
        elif ch in "\u2010\u2011\u2212\uff0d":
            ch = "-"
        elif ch in "\u2013\u2014\u2015":
            ch = "\u2014"
        elif ch in "\u00ad\u200b\u200c\u200d\ufeff":
            continue
        elif ch.isspace() or ch == "\u3000":
            ch = " "
        out.append(ch)
    s = re.sub("\u2014+", "\u2014", "".join(out))
    return re.sub(" +", " ", s).strip()


def stem(header):
    """A header's question stem: normalised, without the question number and a trailing hint
    in parentheses."""
    h = normalise(header)
    h = re.sub(r"^\d+[、.]\s*", "", h)
    h = re.sub(r"\s*\([^()]*\)$", "", h)
    return h


def lenient(cell, scale):
    """The value of an answer as people type it, or None for no answer, or the cell itself
    when it is no answer of the scale (a bad cell stays bad)."""
    c = normalise(cell)
    if c in ("", "-2", "-3", "(跳过)", "跳过"):
        return None
    labels = {v: k for k, v in OPTIONS[scale].items()}
    labels = {normalise(k): v for k, v in labels.items()}
    if scale == "agree5":
        labels.update(ENGLISH)
    m = re.match(r"^(-?\d+(?:\.\d+)?)\s*(?:分|\(([^()]*)\))?$", c)
    if m:
        return float(m.group(1))
    c2 = c.rstrip("。.!！")
    if c2 in labels:
        return float(labels[c2])
    return c


def decode(path, encoding, items, canon_header):
    """Rows of an export as [org, respondent number, value per canonical item column]."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    rows = list(csv.reader(io.StringIO(data.decode(encoding), newline="")))
    header = rows[0]
    by_stem = {}
    for k, h in enumerate(header):
        by_stem.setdefault(stem(h), []).append(k)
    col = {}
    for it in items:
        ks = by_stem.get(normalise(it["zh"]), [])
        assert len(ks) == 1, (path, it["id"], ks)
        col[it["id"]] = ks[0]
    unit = [k for k, h in enumerate(header)
            if re.match(r"^(\d+[、.]\s*)?(您)?(的)?(所在|居住)?(的)?(单位|社区|城市|家庭编号)(名称)?$",
                        normalise(h))]
    assert len(unit) == 1, (path, unit)
    out = []
    for r in rows[1:]:
        if len(r) != len(header):
            out.append("ragged")
            continue
        vals = [lenient(r[col[it["id"]]], it["scale"]) for it in items]
        out.append([r[unit[0]], r[0]] + vals)
    return out


def canonical_values(canon_rows, items):
    out = []
    for r in canon_rows:
        if len(r) != len(items) + 2:
            out.append("ragged")
            continue
        vals = []
        for it, c in zip(items, r[2:]):
            vals.append(lenient(c, it["scale"]))
        out.append([r[0], str(int(r[1][1:]))] + vals)
    return out


# ---- writing ----------------------------------------------------------------------------------

def number_questions(items, n_demo):
    """Question numbers: 1 the unit, 2..n_demo+1 demographics, then the items in order, each
    item with a {match: '^N、'} column at its N. Returns (numbers by item id, filler numbers)."""
    fixed = {it["fixed"]: it["id"] for it in items if it["fixed"]}
    total = max(1 + n_demo + len(items), max(fixed) if fixed else 0)
    free = [q for q in range(2 + n_demo, total + 1) if q not in fixed]
    numbers = {v: k for k, v in fixed.items()}
    rest = [it["id"] for it in items if not it["fixed"]]
    for q, iid in zip(free, rest):
        numbers[iid] = q
    return numbers, free[len(rest):]


def to_fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def swap_punctuation(s):
    """Full-width and ASCII punctuation swapped, which normalisation undoes."""
    out = []
    for c in s:
        if c in "，：；？！（）":
            out.append(chr(ord(c) - 0xFEE0))
        elif c in ",:;?!()":
            out.append(chr(ord(c) + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


def wjx_duration(rng):
    s = 95 + rng.below(400)
    return "%d秒" % s if rng.random() < 0.6 else "%d分%d秒" % (s // 60, s % 60)


def cell_wjx(cell, scale):
    v = lenient(cell, scale)
    if v is None:
        return "" if cell == "" else "(跳过)"
    if isinstance(v, str):
        return cell                      # 很同意 stays as the unknown label it is
    v = int(v)
    return OPTIONS[scale].get(v, cell)   # 7 is no option: it stays 7, out of range


def cell_tencent(cell, scale, rng):
    v = lenient(cell, scale)
    if v is None:
        return ""
    if isinstance(v, str):
        return cell
    v = int(v)
    if scale in ("know2", "satisfied2"):
        return OPTIONS[scale][v]
    if v not in OPTIONS[scale]:
        return cell
    x = rng.random()
    if x < 0.04:
        return to_fullwidth(str(v))
    if x < 0.08:
        return "%d分" % v
    if x < 0.12:
        return "%d（%s）" % (v, OPTIONS[scale][v])
    if x < 0.15:
        return OPTIONS[scale][v] + "。"
    return str(v)


def write(path, rows, encoding, newline, bom):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    for r in rows:
        w.writerow(r)
    data = buf.getvalue().encode(encoding)
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data)


def make(std, outdir):
    items, org = read_standard(std)
    canon_header, canon = read_canonical(std)
    assert canon_header[0] == org and len(canon_header) == len(items) + 2, std
    assert [h for h in canon_header[2:]] == [it["header"] for it in items], std
    rng = Rng(SEED + STANDARDS.index(std))
    wjx_unit, tencent_unit = UNIT_QUESTION.get(std, DEFAULT_UNIT_QUESTION)
    demo = DEMOGRAPHICS.get(std, DEFAULT_DEMOGRAPHICS)
    numbers, fillers = number_questions(items, len(demo))

    # 问卷星: columns in question-number order.
    questions = [(1, "unit", "%d、%s" % (1, wjx_unit))]
    for k, (q, _) in enumerate(demo):
        questions.append((2 + k, ("demo", k), "%d、%s" % (2 + k, q)))
    for n, it in enumerate(items):
        hint = HINTS.get(it["scale"], "") if n % 3 == 1 else ""
        questions.append((numbers[it["id"]], ("item", n), "%d、%s%s" % (numbers[it["id"]], it["zh"],
                                                                       hint)))
    for q in fillers:
        questions.append((q, "filler", "%d、%s" % (q, FILLER)))
    questions.sort()
    meta = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    wjx = [meta + [h for _, _, h in questions]]
    t = datetime(2021, 7, 16, 8, 0, 0)
    for r in canon:
        t += timedelta(seconds=60 + rng.below(600))
        place = rng.pick(PLACES)
        source = rng.pick(["微信", "手机提交", "链接"])
        row = [str(int(r[1][1:])), t.strftime("%Y/%m/%d %H:%M:%S"), wjx_duration(rng), source,
               "N/A" if source == "微信" else "直接访问",
               "%s%d(%s-%s)" % (rng.pick(NETS), 2 + rng.below(250), place[0], place[1])]
        for _, what, _ in questions:
            if what == "unit":
                row.append(r[0])
            elif what == "filler":
                row.append("(空)")
            elif what[0] == "demo":
                row.append(rng.pick(demo[what[1]][1]))
            else:
                n = what[1]
                row.append(cell_wjx(r[2 + n], items[n]["scale"]) if 2 + n < len(r) else "")
        if len(r) < len(items) + 2:      # the ragged row: one field too few, as in the canonical
            row = row[:-1]
        wjx.append(row)
    gb = std == "enterprise"
    wjx_path = os.path.join(outdir, std + "-wjx.csv")
    write(wjx_path, wjx, "gb18030" if gb else "utf-8", "\r\n", not gb)

    # 腾讯问卷: stems in the standard's order, headed without numbers.
    def stem_variant(s, k):
        """Every other stem with punctuation gets it swapped (，→ , and the like); a third of
        the stems get a U+3000 at the end, a leading space or two trailing spaces."""
        if swap_punctuation(s) != s and k % 2 == 0:
            s = swap_punctuation(s)
        return [s, s + "\u3000", " " + s, s + "  ", s, s][k % 6]
    head = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置（国家）",
            "地理位置（省）", "地理位置（市）", tencent_unit + ("\u3000" if std == "city" else "")]
    head += [stem_variant(q, k) for k, (q, _) in enumerate(demo)]
    head += [stem_variant(it["zh"], n) for n, it in enumerate(items)]
    tencent = [head]
    t = datetime(2021, 7, 16, 8, 0, 0)
    for r in canon:
        secs = 95 + rng.below(400)
        t += timedelta(seconds=60 + rng.below(600))
        place = rng.pick(PLACES)
        row = [str(int(r[1][1:])), (t - timedelta(seconds=secs)).strftime("%Y-%m-%d %H:%M:%S"),
               t.strftime("%Y-%m-%d %H:%M:%S"),
               "%02d:%02d:%02d" % (secs // 3600, secs % 3600 // 60, secs % 60), "中国",
               place[0], place[1], r[0]]
        row += [rng.pick(opts) for _, opts in demo]
        row += [cell_tencent(c, it["scale"], rng) for it, c in zip(items, r[2:])]
        tencent.append(row)   # the ragged row is one field short already
    tencent_path = os.path.join(outdir, std + "-tencent.csv")
    write(tencent_path, tencent, "utf-8", "\n", False)

    # Read both back and compare with the canonical answers.
    want = canonical_values(canon, items)
    for path, enc in [(wjx_path, "gb18030" if gb else "utf-8"), (tencent_path, "utf-8")]:
        got = decode(path, enc, items, canon_header)
        if got != want:
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    sys.exit("make-exports: %s: data row %d decodes to %r, canonical %r"
                             % (path, i + 1, g, w))
            sys.exit("make-exports: %s: row count differs" % path)
    forms = {"５": 0, "4分": 0, "4（同意）": 0, "同意。": 0}
    for r in tencent[1:]:
        for c in r[8 + len(demo):]:
            if re.match(r"^[１-５]$", c):
                forms["５"] += 1
            elif c.endswith("分"):
                forms["4分"] += 1
            elif c.endswith("）"):
                forms["4（同意）"] += 1
            elif c.endswith("。"):
                forms["同意。"] += 1
    moved = [it["id"] for n, it in enumerate(items) if numbers[it["id"]] != 2 + len(demo) + n]
    print("%s: %d data rows, %d items; %s: %s, questions 1-%d%s; %s: typed answers %s"
          % (std, len(canon), len(items), os.path.basename(wjx_path),
             "GB18030 CRLF" if gb else "UTF-8 BOM CRLF", len(questions),
             " (%d items out of order: %s)" % (len(moved), " ".join(moved)) if moved else "",
             os.path.basename(tencent_path), ", ".join("%s %d" % kv for kv in forms.items())))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "exports",
                                                                 "platform")
    os.makedirs(outdir, exist_ok=True)
    for std in STANDARDS:
        make(std, outdir)


if __name__ == "__main__":
    main()
