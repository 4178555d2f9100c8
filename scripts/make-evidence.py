#!/usr/bin/env python3
"""Generate the sample evidence sheets surveys/*-evidence.csv (docs/evidence.md).

Usage: scripts/make-evidence.py [OUTDIR]      (default: surveys/ in the repository root)

A team of three third-party assessors (A01, A02, A03) rates 20 organizations on the evidence
indicators of the three shipped standards, and most organizations rate themselves (自评):

    agency        AGY-001 … AGY-005 (staff survey in agency.csv) and AGY-006 (evidence only)
    enterprise    ENT-001 … ENT-006 (enterprise.csv) and ENT-007, ENT-008 (evidence only)
    social-group  SOC-001 … SOC-004 (social-group.csv) and SOC-005, SOC-006 (evidence only)

Files:
    agency-evidence.csv            team and self-assessments in one sheet (roles in English)
    enterprise-evidence.csv        the team's sheet
    enterprise-self-evidence.csv   the enterprises' self-assessments (a second --evidence)
    social-group-evidence.csv      one sheet, roles written 第三方 / 自评

Each row: org_id, assessor, role, then per evidence indicator its rating, `<id>.evidence` (the
documents cited) and `<id>.note`. Ratings come from a latent level per organization and
indicator: the team reads it with a little noise, self-assessments lean upwards. On top of
that, a few cases are written in on purpose, so that every rule of docs/evidence.md shows in
the sample results (the script prints them):

    enterprise ENT-005   third party finds training funds under 1.5 % of payroll: veto → fail
    enterprise ENT-006   A01 rates the training system two levels below A02 and A03: spread
    enterprise ENT-001   self-assessment of learning activities 2 levels above the team: margin
    enterprise ENT-007   only the enterprise itself rated D2.4 (open facilities): self_only
    enterprise ENT-002   A03 rated D2.4 without citing anything: uncited
    enterprise ENT-004   A02 did not rate D5.3 (no visit): ENT-004 leaves that ICC
    enterprise ENT-003   no self-assessment
    enterprise           two bad rows: A03's row for ENT-004 rates D1.3 as 5 (the rubric
                         stops at 4), and A01's row for ENT-002 appears twice
    agency AGY-002       assessors 0 / 1 / 1 on open venues (yes/no): spread
    social-group SOC-003 self-assessment 4 against the team's 1 on activities: margin

Deterministic: a fixed seed per sheet and splitmix64 (as scripts/make-samples.py), so the
output is the same byte for byte on every run and every Python 3. Standard library only.
"""

import csv
import io
import os
import sys

from splitmix import Rng  # scripts/splitmix.py, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEAM = ["A01", "A02", "A03"]

# Evidence indicators per standard, in the order of the standard: (id, kind, citations, notes).
# kind: "levels" (0..4), "fact" (% of payroll), "yes_no". Citations are what assessors write in
# `<id>.evidence`; notes are occasional remarks in `<id>.note`.
INDICATORS = {
    "agency": [
        ("D4.3", "yes_no", ["开放制度与对外公告", "市民到访登记簿", "现场查看阅览室"],
         ["周末开放", "开放时间未公示", "登记记录不连续"]),
        ("D5.3", "levels", ["年度学习计划", "中心组学习记录", "读书活动通知与签到表",
                            "活动周简报"],
         ["活动形式单一", "有市民大讲堂品牌", "签到表不全"]),
    ],
    "enterprise": [
        ("D1.3", "levels", ["《职工教育培训管理办法》", "年度工作计划(培训部分)", "培训台账",
                            "培训效果评估报告"],
         ["台账缺部分月份", "制度2022年修订", "评估流于形式"]),
        ("D2.3", "fact", ["上年度财务报表附注", "职工教育经费明细账", "工资总额统计表"],
         ["含外派培训费用", "经费按1.5%提取", "明细账与报表一致"]),
        ("D2.4", "yes_no", ["开放制度与公告", "开放登记记录", "现场查看职工书屋"],
         ["仅对园区企业开放", "开放记录完整"]),
        ("D5.3", "levels", ["活动计划与通知", "签到表与照片", "活动周参与证明"],
         ["读书会每月一次", "活动集中在年底"]),
    ],
    "social-group": [
        ("D4.3", "levels", ["活动通知与报道", "签到表与照片", "合作社区证明"],
         ["讲座面向社区居民", "活动次数少"]),
        ("D4.4", "yes_no", ["开放安排公告", "开放登记记录", "现场查看活动室"],
         ["每周二、四开放", "无固定场所"]),
    ],
}

# Organizations: (id, latent level 0..4 of its evidence, self-assessment given).
SHEETS = [
    {"standard": "agency", "seed": 0x2014090101, "role_names": ("third-party", "self"),
     "files": {"all": "agency-evidence.csv"},
     "orgs": [("AGY-001", 3.6, True), ("AGY-002", 2.4, True), ("AGY-003", 2.0, True),
              ("AGY-004", 1.0, True), ("AGY-005", 3.0, True), ("AGY-006", 2.6, True)]},
    {"standard": "enterprise", "seed": 0x2014090102, "role_names": ("third-party", "self"),
     "files": {"third-party": "enterprise-evidence.csv",
               "self": "enterprise-self-evidence.csv"},
     "orgs": [("ENT-001", 2.6, True), ("ENT-002", 3.6, True), ("ENT-003", 1.2, False),
              ("ENT-004", 3.0, True), ("ENT-005", 2.2, True), ("ENT-006", 3.0, True),
              ("ENT-007", 2.8, True), ("ENT-008", 1.8, True)]},
    {"standard": "social-group", "seed": 0x2014090103, "role_names": ("第三方", "自评"),
     "files": {"all": "social-group-evidence.csv"},
     "orgs": [("SOC-001", 2.8, True), ("SOC-002", 2.2, True), ("SOC-003", 1.0, True),
              ("SOC-004", 3.8, True), ("SOC-005", 2.4, True), ("SOC-006", 1.6, False)]},
]

# Cells written in on purpose: (standard, org, assessor, indicator) → rating cell, or None for
# an empty rating. "SELF" is the organization's own row.
FIXED = {
    ("enterprise", "ENT-005", "A01", "D2.3"): "1.2",
    ("enterprise", "ENT-005", "A02", "D2.3"): "1.2",
    ("enterprise", "ENT-005", "A03", "D2.3"): "1.3",
    ("enterprise", "ENT-005", "SELF", "D2.3"): "1.6",
    ("enterprise", "ENT-006", "A01", "D1.3"): "1",
    ("enterprise", "ENT-006", "A02", "D1.3"): "3",
    ("enterprise", "ENT-006", "A03", "D1.3"): "3",
    ("enterprise", "ENT-001", "A01", "D5.3"): "2",
    ("enterprise", "ENT-001", "A02", "D5.3"): "2",
    ("enterprise", "ENT-001", "A03", "D5.3"): "2",
    ("enterprise", "ENT-001", "SELF", "D5.3"): "4",
    ("enterprise", "ENT-007", "A01", "D2.4"): None,
    ("enterprise", "ENT-007", "A02", "D2.4"): None,
    ("enterprise", "ENT-007", "A03", "D2.4"): None,
    ("enterprise", "ENT-007", "SELF", "D2.4"): "是",
    ("enterprise", "ENT-004", "A02", "D5.3"): None,
    ("agency", "AGY-002", "A01", "D4.3"): "否",
    ("agency", "AGY-002", "A02", "D4.3"): "是",
    ("agency", "AGY-002", "A03", "D4.3"): "是",
    ("social-group", "SOC-003", "A01", "D4.3"): "1",
    ("social-group", "SOC-003", "A02", "D4.3"): "1",
    ("social-group", "SOC-003", "A03", "D4.3"): "1",
    ("social-group", "SOC-003", "SELF", "D4.3"): "4",
}
UNCITED = {("enterprise", "ENT-002", "A03", "D2.4")}
# A bad copy of a row, inserted after the row it copies: (standard, org, assessor) → change.
BAD_ROWS = {
    ("enterprise", "ENT-004", "A03"): ("replace", "D1.3", "5"),   # outside the 0..4 rubric
    ("enterprise", "ENT-002", "A01"): ("duplicate", None, None),  # the same row twice
}


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def rating(rng, kind, level, self_, deviate):
    """One rating cell for an organization of this latent level. deviate (-1, 0, 1) is this
    assessor's departure from the team, which departs in one assessor at most."""
    if kind == "levels":
        lift = rng.pick([0, 0, 0, 1, 1]) if self_ else 0
        return str(int(clamp(round(level) + deviate + lift, 0, 4)))
    if kind == "yes_no":
        yes = level + (0.4 if self_ else 0.0) >= 2.0
        if deviate and not self_:
            yes = not yes if level in (1.8, 2.0, 2.2) else yes
        return rng.pick(["是", "有", "yes"]) if yes else rng.pick(["否", "无", "no"])
    # A fact: training funds as % of payroll. The team reads the same ledger and agrees to the
    # tenth but for one reading; a self-assessment counts a little more as training spending.
    tenths = int(round((0.9 + 0.55 * level) * 10)) + deviate + (rng.pick([0, 1, 2, 3]) if self_
                                                                  else 0)
    cell = "%d.%d" % (tenths // 10, tenths % 10)
    return cell + ("%" if rng.random() < 0.3 else "")


def rows_for(spec, rng):
    std = spec["standard"]
    inds = INDICATORS[std]
    out = []  # (role, who, cells)
    for org, level, has_self in spec["orgs"]:
        # Each organization's level differs a little per indicator, the same for every rater;
        # in about a third of the cases one assessor of the team reads it one step off.
        ind_level = {i[0]: clamp(level + rng.pick([-0.6, -0.4, 0, 0.4, 0.6]), 0, 4) for i in inds}
        deviate = {}
        for ind in ind_level:
            if rng.random() < 0.35:
                deviate[(ind, TEAM[rng.below(3)])] = rng.pick([-1, 1])
        raters = [(a, "third-party") for a in TEAM] + ([("SELF", "self")] if has_self else [])
        for who, role in raters:
            cells = [org, "自评" if who == "SELF" else who,
                     spec["role_names"][0 if role == "third-party" else 1]]
            for ind, kind, cites, notes in inds:
                key = (std, org, who, ind)
                cell = FIXED[key] if key in FIXED else rating(
                    rng, kind, ind_level[ind], role == "self", deviate.get((ind, who), 0))
                if cell is None:
                    cells += ["", "", ""]
                    continue
                k = 1 + rng.below(len(cites))
                chosen = sorted(rng.below(len(cites)) for _ in range(k))
                cite = "; ".join(dict.fromkeys(cites[c] for c in chosen))
                if key in UNCITED:
                    cite = ""
                note = rng.pick(notes) if rng.random() < 0.2 else ""
                cells += [cell, cite, note]
            out.append((role, who, cells))
            bad = BAD_ROWS.get((std, org, who))
            if bad:
                copy = list(cells)
                if bad[0] == "replace":
                    # The bad row replaces the good one: the assessor's row for this
                    # organization is rejected whole.
                    pos = 3 + 3 * [i[0] for i in inds].index(bad[1])
                    copy[pos] = bad[2]
                    out[-1] = (role, who, copy)
                else:
                    out.append((role, who, copy))
    return out


def header(std):
    h = ["org_id", "assessor", "role"]
    for ind, _, _, _ in INDICATORS[std]:
        h += [ind, ind + ".evidence", ind + ".note"]
    return h


def write(path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "surveys")
    for spec in SHEETS:
        std = spec["standard"]
        rng = Rng(spec["seed"])
        rows = rows_for(spec, rng)
        for which, name in spec["files"].items():
            chosen = [r[2] for r in rows if which == "all" or r[0] == which]
            write(os.path.join(outdir, name), [header(std)] + chosen)
            print("%s: %d rows" % (name, len(chosen)))
            for line, cells in enumerate(chosen, 2):
                key = (std, cells[0], cells[1] if cells[1] in TEAM else "SELF")
                if key in BAD_ROWS and BAD_ROWS[key][0] == "replace":
                    print("  line %d: %s %s rates %s as %s (outside the rubric)"
                          % (line, cells[0], cells[1], BAD_ROWS[key][1], BAD_ROWS[key][2]))
            seen = set()
            for line, cells in enumerate(chosen, 2):
                if (cells[0], cells[1]) in seen:
                    print("  line %d: a second row for %s and %s" % (line, cells[0], cells[1]))
                seen.add((cells[0], cells[1]))


if __name__ == "__main__":
    main()
