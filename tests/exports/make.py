#!/usr/bin/env python3
"""Build the survey-export fixtures of tests/exports/ (issue 4).

One made-up survey (3 organizations, 75 respondents) written as three exports that carry
exactly the same answers:

  text-gb18030.csv    问卷星 按文本 export re-saved by Excel on Chinese Windows:
                      GB18030, CRLF, no BOM, comma-separated, answers as option text
  number-utf8.csv     问卷星 按序号 export: UTF-8 with BOM, LF, comma-separated,
                      answers as option numbers, multi-select as one 0/1 column per option
  number-tencent.csv  腾讯问卷 export: UTF-8 without BOM, LF, semicolon-separated,
                      answers as option numbers, skipped questions as empty cells

plus standard.yaml (the lotk/1 standard that scores them) and expected.md / expected.json
(what a correct scorer must conclude). The expected numbers are computed here, in Python,
from the answers read back out of the three written files (each decoded on its own and
checked to agree with the others), with exact rational arithmetic.

Everything is synthetic: names, times and answers are drawn from a fixed seed; IP addresses
are in the documentation ranges (RFC 5737). Python 3 standard library only.

    python3 tests/exports/make.py          # rewrites the files next to this script
"""

import csv
import io
import json
import os
import random
import re
import sys
from datetime import datetime, timedelta
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20260916

# ---- the survey ---------------------------------------------------------------------------

AGREE = ["非常不同意", "不同意", "一般", "同意", "非常同意"]  # option k+1

ORGS = [  # name, respondents, latent level per indicator (1..5), multi-select propensities
    ("滨江区教育局", 26, {"D1": 4.15, "D2": 3.85, "D3": 3.75},
     {"q15": [0.55, 0.90, 0.80, 0.35], "q16": [0.60, 0.85, 0.55, 0.40]}),
    ("长风机械有限公司", 25, {"D1": 3.25, "D2": 2.95, "D3": 3.35},
     {"q15": [0.10, 0.25, 0.30, 0.80], "q16": [0.10, 0.35, 0.45, 0.30]}),
    ("晨光读书会", 24, {"D1": 3.65, "D2": 4.25, "D3": 4.35},
     {"q15": [0.95, 0.50, 0.35, 0.10], "q16": [0.70, 0.55, 0.85, 0.10]}),
]

# Single-choice agree items: (item id, question, matrix row, stem as the text export heads it,
# reverse-keyed, indicator). Stems carry the quirks: full-width ：（）, a U+3000, a tab.
AGREE_ITEMS = [
    ("q03", 3, 0, "您所在单位（部门）定期组织集体学习：", False, "D1"),
    ("q04", 4, 0, "单位领导\u3000带头参加学习：", False, "D1"),
    ("q05", 5, 0, "单位为职工学习提供必要的时间和经费：", False, "D1"),
    ("q06", 6, 0, "学习活动往往流于形式、走过场：", True, "D1"),
    ("q07", 7, 0, "单位把学习情况纳入\t考核评价：", False, "D1"),
    ("q08_1", 8, 1, "请评价以下方面—1.学习制度", False, "D2"),
    ("q08_2", 8, 2, "请评价以下方面—2.学习资源", False, "D2"),
    ("q08_3", 8, 3, "请评价以下方面—3.学习成效", False, "D2"),
    ("q08_4", 8, 4, "请评价以下方面—4.学习氛围", False, "D2"),
    ("q09", 9, 0, "我愿意与同事分享工作经验和知识：", False, "D3"),
    ("q10", 10, 0, "同事之间很少交流学习心得：", True, "D3"),
    ("q11", 11, 0, "遇到问题时，我们会一起讨论解决办法：", False, "D3"),
    ("q12", 12, 0, "我能把学到的知识用到工作中：", False, "D3"),
    ("q13", 13, 0, "近一年我学到了对工作有用的新技能：", False, "D3"),
    ("q14", 14, 0, "参加学习对我的工作没有什么帮助：", True, "D3"),
]
MULTI_ITEMS = [  # item id, question, stem, options (label, value)
    ("q15", 15, "您参加过哪些学习活动？",
     [("读书会", 1), ("专题讲座", 1), ("在线课程", 1), ("技能培训", 1)]),
    ("q16", 16, "您通常通过哪些渠道获取学习资源？",
     [("单位图书室", 1), ("网络学习平台", 1), ("同事分享", 1), ("外出培训", 1)]),
]
Q1 = ("您的性别：", ["男", "女"])
Q2 = ("您在本单位（组织）的年限：", ["1年以下", "1-3年", "3-5年", "5年以上"])
Q17 = "总体而言，我对单位的学习氛围感到满意："          # agree scale, not in the standard
Q18 = ("您每月用于学习的时间大约是：", ["2小时以下", "2-5小时", "5-10小时", "10小时以上"])
Q19 = "您对单位开展学习活动有什么建议？"                # open text, not in the standard
Q20 = '本题请选择"同意"'                                   # attention check, agree scale
OTHER15 = ":其他"                                          # suffix of 15's "other" column

INDICATORS = [  # id, zh, en, weight, min_answered, scale
    ("D1", "组织与保障", "Organization and support", 30, Fraction(3, 4), "agree5"),
    ("D2", "学习制度与氛围", "Learning system and climate", 20, None, "agree5"),
    ("D3", "分享与应用", "Sharing and applying", 30, Fraction(3, 4), "agree5"),
    ("D4", "学习参与", "Taking part in learning", 20, None, "count4"),
]
SCALES = {"agree5": (1, 5), "count4": (0, 4)}
ITEM_IDS = [a[0] for a in AGREE_ITEMS] + [m[0] for m in MULTI_ITEMS]
ITEM_SCALE = {**{a[0]: "agree5" for a in AGREE_ITEMS}, **{m[0]: "count4" for m in MULTI_ITEMS}}
ITEM_LEAF = {**{a[0]: a[5] for a in AGREE_ITEMS}, **{m[0]: "D4" for m in MULTI_ITEMS}}
REVERSE = {a[0]: a[4] for a in AGREE_ITEMS}
OPTION_VALUES = {m[0]: [v for _, v in m[3]] for m in MULTI_ITEMS}
POINTS = 100
BANDS = [("excellent", 85, "优秀", "Excellent"), ("good", 70, "良好", "Good"),
         ("pass", 60, "合格", "Pass"), ("fail", 0, "不合格", "Fail")]
SCREEN = {"straight_lining": 8, "min_seconds": 60, "attention_expect": 4, "max_missing": Fraction(4, 5)}
MIN_RESPONDENTS = 10

# Missing answers, and how each export writes them.
BLANK, SKIP, HIDDEN = "BLANK", "SKIP", "HIDDEN"
MISSING = (BLANK, SKIP, HIDDEN)

SUGGESTIONS = [
    '建议增加"线上+线下"的学习形式',
    "多一些实操培训,少一些理论",
    "时间安排在下班后不太方便;最好放在工作时间",
    '"学习强国"积分可以计入考核',
    "希望多组织读书会。\n也可以请专家来单位讲课",
    "无",
    "希望领导多支持，给予经费保障",
    "没有",
    '培训内容要贴近岗位，别搞"一刀切"',
    "可以和兄弟单位联合开展活动, 互相交流",
]
OTHER_TEXTS = ['单位组织的"师带徒"结对', "朗读,演讲比赛", "参观学习；交流座谈", "学习打卡"]
PLACES = [("浙江", "杭州")] * 6 + [("浙江", "宁波"), ("江苏", "南京"), ("上海", "上海")]
NETS = ["203.0.113.", "198.51.100.", "192.0.2."]


# ---- drawing the respondents --------------------------------------------------------------

def clip(x, lo=1, hi=5):
    return max(lo, min(hi, x))


def max_run(values, break_on_missing):
    """Longest run of equal answers; missing answers break the run or are passed over."""
    best = run = 0
    last = None
    for v in values:
        if v is None or v in MISSING:
            if break_on_missing:
                last, run = None, 0
            continue
        run = run + 1 if v == last else 1
        last = v
        best = max(best, run)
    return best


def draw(rng):
    people = []
    order = [i for i, (_, n, _, _) in enumerate(ORGS) for _ in range(n)]
    rng.shuffle(order)
    t = datetime(2026, 9, 16, 8, 31, 17)
    for seq, oi in enumerate(order, start=1):
        name, _, level, props = ORGS[oi]
        p = {"id": seq, "org": name, "org_index": oi, "answers": {}}
        lean = rng.gauss(0, 0.4)
        while True:
            ans = {}
            for iid, _, _, _, rev, leaf in AGREE_ITEMS:
                x = clip(round(level[leaf] + lean + rng.gauss(0, 0.75)))
                ans[iid] = 6 - x if rev else x
            # Clean respondents stay well clear of the straight-lining threshold.
            if max_run([ans[a[0]] for a in AGREE_ITEMS], False) <= 5:
                break
        for iid, _, _, opts in MULTI_ITEMS:
            chosen = [k for k in range(len(opts)) if rng.random() < props[iid][k]]
            if not chosen:
                chosen = [max(range(len(opts)), key=lambda k: props[iid][k])]
            ans[iid] = frozenset(chosen)
        p["answers"] = ans
        p["gender"] = rng.randint(1, 2)
        p["tenure"] = rng.choices([1, 2, 3, 4], [2, 4, 3, 3])[0]
        p["q17"] = clip(round(sum(level.values()) / 3 + lean + rng.gauss(0, 0.7)))
        p["q18"] = rng.choices([1, 2, 3, 4], [3, 4, 2, 1])[0]
        p["q19"] = None
        p["other15"] = None
        p["q20"] = 4
        p["seconds"] = rng.randint(95, 560)
        t += timedelta(seconds=rng.randint(60, 1500))
        if t.hour >= 22 or t.hour < 7:  # nobody answers at night: resume next morning
            t = (t + timedelta(hours=10)).replace(hour=7, minute=rng.randint(30, 59))
        p["submit"] = t
        p["source"] = rng.choices(["微信", "手机提交", "链接"], [6, 3, 1])[0]
        p["source_detail"] = "N/A" if p["source"] == "微信" else "直接访问"
        p["place"] = rng.choice(PLACES)
        p["ip"] = rng.choice(NETS) + str(rng.randint(2, 254))
        p["wjx_seconds_style"] = rng.random() < 0.4  # 120秒 rather than 2分0秒
        people.append(p)
    return people


def plant_quirks(people, rng):
    """The respondents with something to screen or to skip, chosen by organization."""
    by_org = [[p for p in people if p["org_index"] == i] for i in range(len(ORGS))]
    notes = {}

    def take(oi, k):
        return by_org[oi][k]

    # Straight-lining: 同意 on every agree item (and the unmapped ones), attention passed.
    p = take(0, 5)
    for a in AGREE_ITEMS:
        p["answers"][a[0]] = 4
    p["q17"] = 4
    notes["straight_lining"] = p["id"]
    # Too fast.
    p = take(1, 7)
    p["seconds"] = 25
    p["wjx_seconds_style"] = True
    notes["too_fast"] = p["id"]
    # Attention check failed; 非常同意 contains the expected 同意 as a substring.
    for oi, k, v in [(0, 12, 5), (1, 3, 3), (2, 16, 2)]:
        take(oi, k)["q20"] = v
    notes["attention"] = [take(0, 12)["id"], take(1, 3)["id"], take(2, 16)["id"]]
    # Too many missing: answered only 1, 2, 3 and 20 (a skip logic jumped to the end).
    p = take(2, 9)
    for iid in ITEM_IDS:
        if iid != "q03":
            p["answers"][iid] = SKIP
    p["q17"] = SKIP
    p["q18"] = SKIP
    p["q19"] = SKIP
    p["other15"] = SKIP
    p["seconds"] = 81
    notes["max_missing"] = p["id"]
    # D1 fails min_answered (3 of 5 answered): one skipped, one hidden by display logic (-3).
    p = take(1, 11)
    p["answers"]["q04"] = SKIP
    p["answers"]["q05"] = HIDDEN
    notes["d1_min_answered"] = p["id"]
    # D3 fails min_answered (4 of 6 answered): one blank cell, one skipped.
    p = take(0, 19)
    p["answers"]["q09"] = BLANK
    p["answers"]["q11"] = SKIP
    notes["d3_min_answered"] = p["id"]
    # Single gaps that leave every leaf with a value.
    take(2, 3)["answers"]["q08_3"] = SKIP
    take(2, 20)["answers"]["q13"] = BLANK
    take(1, 18)["answers"]["q16"] = SKIP
    take(0, 2)["answers"]["q14"] = SKIP
    notes["single_gaps"] = [take(2, 3)["id"], take(2, 20)["id"], take(1, 18)["id"],
                            take(0, 2)["id"]]
    # Blank metadata cells (Excel users clear what they think is noise).
    take(0, 8)["source_detail"] = ""
    take(2, 1)["source_detail"] = ""
    # Open text: suggestions and "other" activities, with commas, quotes, a line break.
    pool = [p for p in people if p["q19"] is None]
    for s, p in zip(SUGGESTIONS, rng.sample(pool, len(SUGGESTIONS))):
        p["q19"] = s
    pool = [p for p in people if p["other15"] is None]
    for s, p in zip(OTHER_TEXTS, rng.sample(pool, len(OTHER_TEXTS))):
        p["other15"] = s
    return notes


# ---- writing the exports ------------------------------------------------------------------

def fmt_wjx_time(t):
    return t.strftime("%Y/%m/%d %H:%M:%S")


def fmt_wjx_duration(p):
    s = p["seconds"]
    if p["wjx_seconds_style"] or s < 60:
        return f"{s}秒"
    return f"{s // 60}分{s % 60}秒"


def fmt_hms(s):
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def normalise_header(h):
    """What lotk's header normaliser makes of our headers: full-width ASCII (U+FF01–FF5E)
    to ASCII, U+3000, tabs and other spaces to one space, trimmed. 、 and — are kept."""
    out = []
    for ch in h:
        c = ord(ch)
        if 0xFF01 <= c <= 0xFF5E:
            ch = chr(c - 0xFEE0)
        elif ch == "\u3000" or ch.isspace():
            ch = " "
        out.append(ch)
    return re.sub(" +", " ", "".join(out)).strip()


def wjx_headers():
    """Header cells of the text export and the matching cells of the number export."""
    text, number = [], []
    meta = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "单位"]
    text += meta
    number += meta
    for q, (stem, _) in [(1, Q1), (2, Q2)]:
        text.append(f"{q}、{stem}")
        number.append(normalise_header(text[-1]))
    for iid, q, row, stem, _, _ in AGREE_ITEMS:
        if row:
            text.append(f"{q}、{stem}")
            number.append(f"{q}({row})")
        else:
            text.append(f"{q}、{stem}")
            number.append(normalise_header(text[-1]))
    for iid, q, stem, opts in MULTI_ITEMS:
        text.append(f"{q}、{stem}")
        number += [f"{q}({k + 1})" for k in range(len(opts))]
        if iid == "q15":
            text.append(f"{q}、{stem}{OTHER15}")
            number.append(normalise_header(text[-1]))
    for q, stem in [(17, Q17), (18, Q18[0]), (19, Q19), (20, Q20)]:
        text.append(f"{q}、{stem}")
        number.append(normalise_header(text[-1]))
    return text, number


def tencent_headers():
    h = ["编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置 (国家)", "地理位置 (省)",
         "地理位置 (市)", "单位"]
    h += [f"1.{Q1[0]}", f"2.{Q2[0]}"]
    for iid, q, row, stem, _, _ in AGREE_ITEMS:
        h.append(f"{q}({row})" if row else f"{q}.{stem}")
    for iid, q, stem, opts in MULTI_ITEMS:
        h += [f"{q}({k + 1})" for k in range(len(opts))]
        if iid == "q15":
            h.append(f"{q}.{stem}{OTHER15}:输入文本")
    h += [f"17.{Q17}", f"18.{Q18[0]}", f"19.{Q19}", f"20.{Q20}"]
    return h


def cell_text(v, options):
    if v == BLANK:
        return ""
    if v in (SKIP, HIDDEN):
        return "(跳过)"
    return options[v - 1]


def cell_number(v):
    return {BLANK: "", SKIP: "-2", HIDDEN: "-3"}.get(v, str(v))


def cell_tencent(v):
    return "" if v in MISSING else str(v)


def open_text(v, flavour):
    """Open text: wjx writes (空) for an unanswered optional blank, (跳过)/-2 when skipped."""
    if v == SKIP:
        return {"text": "(跳过)", "number": "-2", "tencent": ""}[flavour]
    if v is None:
        return "" if flavour == "tencent" else "(空)"
    return v


def rows(people, flavour):
    out = []
    for p in people:
        a = p["answers"]
        if flavour == "tencent":
            start = p["submit"] - timedelta(seconds=p["seconds"])
            r = [str(p["id"]), start.strftime("%Y-%m-%d %H:%M:%S"),
                 p["submit"].strftime("%Y-%m-%d %H:%M:%S"), fmt_hms(p["seconds"]), "中国",
                 p["place"][0], p["place"][1], p["org"]]
        else:
            r = [str(p["id"]), fmt_wjx_time(p["submit"]),
                 fmt_wjx_duration(p) if flavour == "text" else str(p["seconds"]),
                 p["source"], p["source_detail"], f"{p['ip']}({p['place'][0]}-{p['place'][1]})",
                 p["org"]]
        single = {
            "text": lambda v, opts: cell_text(v, opts),
            "number": lambda v, opts: cell_number(v),
            "tencent": lambda v, opts: cell_tencent(v),
        }[flavour]
        r.append(single(p["gender"], Q1[1]))
        r.append(single(p["tenure"], Q2[1]))
        for iid, *_ in AGREE_ITEMS:
            r.append(single(a[iid], AGREE))
        for iid, q, stem, opts in MULTI_ITEMS:
            v = a[iid]
            if flavour == "text":
                if v in MISSING:
                    r.append(cell_text(v, None))
                else:
                    r.append("┋".join(opts[k][0] for k in sorted(v)))
            else:
                for k in range(len(opts)):
                    if v in MISSING:
                        r.append(cell_number(v) if flavour == "number" else "")
                    else:
                        r.append("1" if k in v else "0")
            if iid == "q15":
                r.append(open_text(p["other15"], flavour))
        r.append(single(p["q17"], AGREE))
        r.append(single(p["q18"], Q18[1]))
        r.append(open_text(p["q19"], flavour))
        r.append(single(p["q20"], AGREE))
        out.append(r)
    return out


def write_csv(path, header, body, encoding, newline, delimiter):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in body:
        assert len(r) == len(header), (len(r), len(header))
        w.writerow(r)
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode(encoding))


# ---- reading them back --------------------------------------------------------------------

def parse_question(h):
    """(question, row) of a normalised header, enough for the headers written here."""
    m = re.match(r"^(\d+)\((\d+)\)$", h)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.match(r"^(\d+)[、.](.*)$", h)
    if m:
        r = re.search(r"—(\d+)\.", m.group(2))
        return int(m.group(1)), int(r.group(1)) if r else 0
    return None


def read_back(path, flavour):
    raw = open(path, "rb").read()
    if flavour == "text":
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("gb18030")
        delim = ","
    elif flavour == "number":
        assert raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        delim = ","
    else:
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8")
        delim = ";"
    recs = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = [normalise_header(h) for h in recs[0]]
    qcols = {}
    for i, h in enumerate(header):
        qr = parse_question(h)
        if qr and not h.endswith(":其他") and not h.endswith(":输入文本"):
            qcols.setdefault(qr, []).append(i)
    org_col = header.index("单位")
    id_col = header.index("编号" if flavour == "tencent" else "序号")
    dur_col = header.index("答题时长" if flavour == "tencent" else "所用时间")
    labels = {normalise_header(k): i + 1 for i, k in enumerate(AGREE)}
    out = []
    for r in recs[1:]:
        def single(cell):
            cell = normalise_header(cell)
            if cell in ("", "-2", "-3", "(跳过)"):
                return None
            if flavour == "text":
                return labels[cell]
            return int(cell)

        ans = {}
        for iid, q, row, *_ in AGREE_ITEMS:
            (c,) = qcols[(q, row)]
            ans[iid] = single(r[c])
        for iid, q, stem, opts in MULTI_ITEMS:
            if flavour == "text":
                (c,) = qcols[(q, 0)]
                cell = r[c]
                if cell in ("", "(跳过)"):
                    ans[iid] = None
                else:
                    names = [o[0] for o in opts]
                    ans[iid] = sum(opts[names.index(x)][1] for x in cell.split("┋"))
            else:
                cells = [r[qcols[(q, k + 1)][0]] for k in range(len(opts))]
                if all(c in ("", "-2", "-3") for c in cells):
                    ans[iid] = None
                else:
                    ans[iid] = sum(opts[k][1] for k, c in enumerate(cells) if c == "1")
        d = r[dur_col]
        if flavour == "tencent":
            hh, mm, ss = map(int, d.split(":"))
            secs = hh * 3600 + mm * 60 + ss
        elif flavour == "number":
            secs = int(d)
        else:
            m = re.fullmatch(r"(?:(\d+)分)?(\d+)秒", d)
            secs = int(m.group(1) or 0) * 60 + int(m.group(2))
        (c20,) = qcols[(20, 0)]
        out.append({"id": int(r[id_col]), "org": r[org_col], "answers": ans,
                    "seconds": secs, "q20": single(r[c20])})
    return out


# ---- the expected results -----------------------------------------------------------------

def fr(x):
    return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)


def screen(p):
    reasons = []
    seq = [p["answers"][a[0]] for a in AGREE_ITEMS]  # items of agree5, in standard order
    run_broken, run_skipped = max_run(seq, True), max_run(seq, False)
    assert (run_broken >= SCREEN["straight_lining"]) == (run_skipped >= SCREEN["straight_lining"])
    if run_broken >= SCREEN["straight_lining"]:
        value = next(v for v in seq if v is not None)
        reasons.append(("straight_lining",
                        f"{run_broken} consecutive agree5 items answered {value} ({AGREE[value - 1]})"))
    if p["seconds"] < SCREEN["min_seconds"]:
        reasons.append(("too_fast", f"{p['seconds']} s < {SCREEN['min_seconds']} s"))
    if p["q20"] != SCREEN["attention_expect"]:
        got = "no answer" if p["q20"] is None else f"{p['q20']} ({AGREE[p['q20'] - 1]})"
        reasons.append(("attention", f"question 20 answered {got}, expected 4 (同意)"))
    missing = sum(1 for i in ITEM_IDS if p["answers"][i] is None)
    if Fraction(missing, len(ITEM_IDS)) > SCREEN["max_missing"]:
        reasons.append(("max_missing", f"{missing} of {len(ITEM_IDS)} items unanswered "
                                       f"({100 * missing / len(ITEM_IDS):.1f} % > 80 %)"))
    return reasons


def leaf_value(p, leaf):
    lid, _, _, _, min_answered, scale = leaf
    lo, hi = SCALES[scale]
    items = [i for i in ITEM_IDS if ITEM_LEAF[i] == lid]
    vals = []
    for i in items:
        v = p["answers"][i]
        if v is None:
            continue
        vals.append(lo + hi - v if REVERSE.get(i) else v)
    need = min_answered if min_answered is not None else Fraction(1, len(items))
    if not vals or Fraction(len(vals), len(items)) < need:
        return None
    return Fraction(sum(vals), len(vals))


def grade_of(total):
    for g, lo, zh, en in BANDS:
        if total >= lo:
            return g, zh
    raise AssertionError


def expected(people):
    wsum = sum(l[3] for l in INDICATORS)
    result = {"organizations": [], "respondents": []}
    for name, *_ in ORGS:
        members = [p for p in people if p["org"] == name]
        screened, scored = [], []
        for p in members:
            rs = screen(p)
            assert len(rs) <= 1, (p["id"], rs)  # one reason each keeps the fixture unambiguous
            (screened if rs else scored).append((p, rs))
        org = {"org": name, "rows": len(members), "scored": len(scored),
               "screened": [{"id": p["id"], "reason": rs[0][0], "detail": rs[0][1]}
                            for p, rs in screened],
               "indicators": [], "total": None}
        total = Fraction(0)
        for leaf in INDICATORS:
            lid, zh, en, weight, _, scale = leaf
            lo, hi = SCALES[scale]
            vals = [v for v in (leaf_value(p, leaf) for p, _ in scored) if v is not None]
            mean = Fraction(sum(vals), len(vals))
            norm = (mean - lo) / (hi - lo)
            points = POINTS * Fraction(weight, wsum) * norm
            total += points
            org["indicators"].append({
                "id": lid, "title": zh, "weight": weight, "n": len(vals),
                "no_value": [p["id"] for p, _ in scored if leaf_value(p, leaf) is None],
                "mean": float(mean), "norm": float(norm), "points": float(points),
                "max_points": float(POINTS * Fraction(weight, wsum)),
                "mean_exact": fr(mean), "points_exact": fr(points)})
        org["total"] = float(total)
        org["total_exact"] = fr(total)
        org["grade"], org["grade_zh"] = grade_of(total)
        org["flagged_small"] = len(scored) < MIN_RESPONDENTS
        result["organizations"].append(org)
    for p in people:
        rs = screen(p)
        result["respondents"].append({
            "id": p["id"], "org": p["org"], "seconds": p["seconds"],
            "screened": rs[0][0] if rs else None,
            "answers": {i: p["answers"][i] for i in ITEM_IDS},
            "q20": p["q20"],
            "values": {l[0]: (None if leaf_value(p, l) is None else float(leaf_value(p, l)))
                       for l in INDICATORS}})
    return result


# ---- the standard -------------------------------------------------------------------------

def standard_yaml():
    L = []
    L.append("""\
# Standard for the export fixtures of tests/exports/ (issue 4); written by make.py, do not
# edit by hand. The same answers arrive as a 问卷星 text export (GB18030), a 问卷星 number
# export (UTF-8 with BOM) and a 腾讯问卷 export (semicolons): every column is found by its
# question number, so one standard reads all three. Items marked reverse: true are negatively
# worded and keyed as 6 - x. Questions 1, 2, 17, 18 and 19 and the "other" text of 15 are
# deliberately left unmapped.
format: lotk/1
id: export-fixture
version: "1.0.0"
kind: other
title: {zh: 学习型组织问卷（导出文件测试）, en: Learning organization survey (export fixtures)}
scales:
  agree5:
    min: 1
    max: 5
    labels: {非常不同意: 1, 不同意: 2, 一般: 3, 同意: 4, 非常同意: 5,
             "Strongly disagree": 1, "Disagree": 2, "Neither agree nor disagree": 3,
             "Agree": 4, "Strongly agree": 5}
    missing: ["", "-2", "-3", "(跳过)", "不适用"]
  count4: {min: 0, max: 4}
survey:
  org_column: 单位
  id_column: {match: '^(序号|编号)$'}
  min_respondents: 10
screening: {straight_lining: 8, min_seconds: 60, attention: [{column: {question: 20}, expect: 同意}], max_missing: 0.8}
points: 100
aggregate: weighted_mean
bands:""")
    for g, lo, zh, en in BANDS:
        L.append(f"  - {{grade: {g}, min: {lo}, label: {{zh: {zh}, en: {en}}}}}")
    L.append("indicators:")
    for lid, zh, en, weight, min_answered, scale in INDICATORS:
        L.append(f"  - id: {lid}")
        L.append(f"    title: {{zh: {zh}, en: {en}}}")
        L.append(f"    weight: {weight}")
        if min_answered is not None:
            L.append(f"    min_answered: {float(min_answered)}")
        L.append("    items:")
        for iid, q, row, stem, rev, leaf in AGREE_ITEMS:
            if leaf != lid:
                continue
            col = f"{{question: {q}, row: {row}}}" if row else f"{{question: {q}}}"
            zh_text = re.sub(r"[\u3000\t]", "", stem).rstrip("：")
            if row:
                zh_text = zh_text.split("—", 1)[1].split(".", 1)[1]
            rv = ", reverse: true" if rev else ""
            L.append(f"      - {{id: {iid}, column: {col}, scale: {scale}{rv}, text: {{zh: \"{zh_text}\"}}}}")
        for iid, q, stem, opts in MULTI_ITEMS:
            if ITEM_LEAF[iid] != lid:
                continue
            o = ", ".join(f"{{label: {lab}, value: {v}}}" for lab, v in opts)
            L.append(f"      - {{id: {iid}, type: multi, column: {{question: {q}}}, scale: {scale}, "
                     f"options: [{o}]}}")
    return "\n".join(L) + "\n"


# ---- expected.md --------------------------------------------------------------------------

def expected_md(res, notes):
    L = ["# Expected results for tests/exports/", "",
         "Written by `make.py`; do not edit by hand. A correct scorer reaches these numbers from",
         "`standard.yaml` and **each** of `text-gb18030.csv`, `number-utf8.csv` and",
         "`number-tencent.csv` alike. `expected.json` holds the same numbers in full precision",
         "(plus exact fractions and every respondent's answers and leaf values).", "",
         "How they are computed (DESIGN §4): reverse items keyed as 6 − x; a respondent's leaf",
         "value is the mean of their answered items, none when fewer than `min_answered` of the",
         "leaf's items are answered (D1, D3: 0.75; D2, D4: at least one); the organization's mean",
         "is the mean over its scored respondents that have a value; norm = (mean − min) /",
         "(max − min) of the scale; a multi item's value is the sum of the chosen options'",
         "values (here the number of options chosen, 0–4); points = 100 × weight / Σ weights ×",
         "norm (weights 30, 20, 30, 20 of 100); total = sum of the points; bands on the total.",
         "Screened respondents are left out of every number below.", "",
         "## Screening", "",
         "| org | rows | screened | scored |", "|---|---:|---|---:|"]
    for o in res["organizations"]:
        s = ", ".join(f"#{x['id']} {x['reason']}" for x in o["screened"])
        L.append(f"| {o['org']} | {o['rows']} | {s} | {o['scored']} |")
    L += ["", "Reasons in detail (one reason per screened respondent):", ""]
    for o in res["organizations"]:
        for x in o["screened"]:
            L.append(f"- 序号/编号 {x['id']} ({o['org']}): `{x['reason']}` — {x['detail']}")
    L += ["", "Not screened, on purpose:", "",
          f"- #{notes['d1_min_answered']}: skipped question 4 (`-2`) and question 5 was hidden "
          "(`-3`): 3 of 5 D1 items answered < 0.75, so no D1 value; still scored on D2–D4.",
          f"- #{notes['d3_min_answered']}: question 9 blank, question 11 skipped: 4 of 6 D3 items "
          "< 0.75, so no D3 value; still scored on D1, D2, D4.",
          f"- #{', #'.join(map(str, notes['single_gaps']))}: one skipped or blank item each "
          "(8(3), 13, 16, 14); every leaf still has a value.",
          "- No other respondent answers the same on more than 5 consecutive agree5 items, nor "
          "takes under 95 s.", "",
          "## Scores", ""]
    for o in res["organizations"]:
        L += [f"### {o['org']} — {o['scored']} scored; total {o['total']:.4f} points, grade "
              f"{o['grade']} ({o['grade_zh']})", "",
              "| indicator | weight | respondents with a value | mean | norm | points | exact mean |",
              "|---|---:|---:|---:|---:|---:|---|"]
        for i in o["indicators"]:
            nv = f" (none: #{', #'.join(map(str, i['no_value']))})" if i["no_value"] else ""
            L.append(f"| {i['id']} {i['title']} | {i['weight']} | {i['n']}{nv} | {i['mean']:.6f} | "
                     f"{i['norm']:.6f} | {i['points']:.6f} | {i['mean_exact']} |")
        L.append(f"| **total** | 100 | | | | **{o['total']:.6f}** | {o['total_exact']} |")
        L.append("")
    return "\n".join(L)


# ---- main ---------------------------------------------------------------------------------

def main():
    rng = random.Random(SEED)
    people = draw(rng)
    notes = plant_quirks(people, rng)

    text_h, number_h = wjx_headers()
    files = {
        "text-gb18030.csv": (text_h, rows(people, "text"), "gb18030", "\r\n", ","),
        "number-utf8.csv": (number_h, rows(people, "number"), "utf-8-sig", "\n", ","),
        "number-tencent.csv": (tencent_headers(), rows(people, "tencent"), "utf-8", "\n", ";"),
    }
    for name, (h, body, enc, nl, d) in files.items():
        write_csv(os.path.join(HERE, name), h, body, enc, nl, d)

    # Read every file back on its own; all three must carry the same answers, and those
    # must be the answers drawn.
    back = {
        "text-gb18030.csv": read_back(os.path.join(HERE, "text-gb18030.csv"), "text"),
        "number-utf8.csv": read_back(os.path.join(HERE, "number-utf8.csv"), "number"),
        "number-tencent.csv": read_back(os.path.join(HERE, "number-tencent.csv"), "tencent"),
    }
    first = back["text-gb18030.csv"]
    for name, recs in back.items():
        assert recs == first, f"{name} differs from text-gb18030.csv"
    for p, r in zip(people, first):
        assert r["id"] == p["id"] and r["org"] == p["org"] and r["seconds"] == p["seconds"]
        for i in ITEM_IDS:
            v = p["answers"][i]
            if v in MISSING:
                want = None
            elif isinstance(v, frozenset):
                want = sum(OPTION_VALUES[i][k] for k in v)
            else:
                want = v
            assert r["answers"][i] == want, (p["id"], i, r["answers"][i], want)

    res = expected(first)
    res = {"standard": "standard.yaml", "files": list(files), "seed": SEED,
           "screening": {"straight_lining": 8, "min_seconds": 60,
                         "attention": {"question": 20, "expect": "同意 (4)"},
                         "max_missing": 0.8},
           **res}
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(res, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "expected.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(expected_md(res, notes) + "\n")
    with open(os.path.join(HERE, "standard.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(standard_yaml())
    for o in res["organizations"]:
        print(f"{o['org']}: {o['rows']} rows, {o['scored']} scored, total {o['total']:.4f} "
              f"{o['grade']}; screened {[(x['id'], x['reason']) for x in o['screened']]}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
