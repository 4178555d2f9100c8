#!/usr/bin/env python3
"""Generate the sample evidence sheets surveys/*-evidence.csv (docs/evidence.md).

Usage: scripts/make-evidence.py [OUTDIR]      (default: surveys/ in the repository root)

A team of three third-party assessors (A01, A02, A03) rates the organizations on the evidence
indicators of the shipped standards, and most organizations rate themselves (自评):

    agency              AGY-001 … AGY-005 (staff survey in agency.csv), AGY-006 (evidence only)
    enterprise          ENT-001 … ENT-006 (enterprise.csv), ENT-007, ENT-008 (evidence only)
    social-group        SOC-001 … SOC-004 (social-group.csv), SOC-005, SOC-006 (evidence only)
    public-institution  PUB-001 … PUB-005 (public-institution.csv), PUB-006 (evidence only)
    community           COM-001 … COM-006 (community.csv), COM-007 (evidence only)
    family              FAM-001 … FAM-020 (family.csv), FAM-021 (evidence only); rated by two
                        community workers (S01, S02) instead of the team
    city                the sample cities of scripts/cities.py but CITY-W07 (city.csv); the
                        city's own self-check (自查) is its self-assessment

Files:
    agency-evidence.csv            team and self-assessments in one sheet (roles in English)
    enterprise-evidence.csv        the team's sheet
    enterprise-self-evidence.csv   the enterprises' self-assessments (a second --evidence)
    social-group-evidence.csv      one sheet, roles written 第三方 / 自评
    public-institution-evidence.csv, community-evidence.csv, family-evidence.csv,
    city-evidence.csv              one sheet each, team and self together

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
    public-institution PUB-003  team finds 44-46 % of staff trained (under 50 %): veto → fail
    public-institution PUB-002  self-assessment of opening (P4.2) 4 against the team's 2: margin
    public-institution PUB-005  A03 rates the training rules (P1.2) two levels below: spread
    community COM-003    no council or joint meeting (C1.2 = 0 by the team): veto → fail
    community COM-006    A01 rates the community school (C2.3) 1 against 3 and 3: spread
    community COM-002    dedicated funds ¥0.8-0.9 per resident (under ¥1: no marks on C1.3)
    community COM-005    only the community itself rated the teachers' register (C4.2): self_only
    family FAM-003       self-assessment 4 against the workers' 1 on community learning: margin
    family FAM-009       S02 rated F3.2 without citing anything: uncited
    city CITY-C04        the team finds the learning city in no plan (B1.1 = 0): veto → fail
    city CITY-E05        no coordinating body (B2.1 = 0 by the team): grade at most pass

Deterministic: a fixed seed per sheet and splitmix64 (as scripts/make-samples.py), so the
output is the same byte for byte on every run and every Python 3. Standard library only.
"""

import csv
import io
import os
import sys

from splitmix import Rng  # scripts/splitmix.py, beside this file
import cities              # scripts/cities.py, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEAM = ["A01", "A02", "A03"]

# Evidence indicators per standard, in the order of the standard: (id, kind, citations, notes).
# kind: "levels" (0..4), "fact" (% of payroll), "fact_pct" (% of staff trained), "fact_yuan"
# (yuan per resident), "yes_no". Citations are what assessors write in `<id>.evidence`; notes
# are occasional remarks in `<id>.note`.
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
    "public-institution": [
        ("P1.2", "levels", ["职工学习培训制度文件", "年度工作计划(学习培训部分)", "继续教育学时台账"],
         ["台账按科室汇总", "制度未覆盖编外人员"]),
        ("P2.3", "fact_pct", ["培训与继续教育学时台账", "在岗职工花名册", "继续教育管理系统截图"],
         ["含线上学时", "编外人员未计入", "台账与花名册一致"]),
        ("P4.2", "levels", ["开放制度与公告", "开放登记记录", "合作协议", "现场查看"],
         ["周末免费开放", "开放时间未公示"]),
        ("P4.3", "yes_no", ["活动通知与签到表", "活动照片", "社区回执"],
         ["科普讲座每季度一次", "活动集中在下半年"]),
    ],
    "community": [
        ("C1.2", "levels", ["理事会章程与成员名单", "联席会议纪要", "年度社区教育计划"],
         ["驻区单位参与较少", "纪要不全"]),
        ("C1.3", "fact_yuan", ["社区教育经费决算", "常住人口统计", "街道拨款文件"],
         ["含街道配套经费", "按户籍人口计算偏高"]),
        ("C2.3", "levels", ["现场查看社区学校", "开放时间公示", "课程表与管理人员名单"],
         ["教学点设在居委会", "周末不开放"]),
        ("C3.4", "levels", ["活动计划与通知", "签到表与照片", "活动周参与证明"],
         ["读书会每月一次", "活动以老年人为主"]),
        ("C4.2", "yes_no", ["教师与志愿者名册", "培训记录", "服务时长记录"],
         ["志愿者以退休教师为主", "名册未更新"]),
    ],
    "family": [
        ("F1.2", "yes_no", ["入户查看记录", "阅读角照片"], ["藏书以儿童读物为主", "有电子阅读器"]),
        ("F3.2", "levels", ["社区学校签到记录", "学分记录", "活动周证书"],
         ["全家参加亲子阅读", "老人参加书法班"]),
    ],
    "city": [
        ("B1.1", "levels", ["国民经济和社会发展规划", "学习型城市建设实施方案", "年度考核通报"],
         ["规划中仅有原则表述", "实施方案2023年印发"]),
        ("B1.2", "yes_no", ["终身教育促进条例", "市政府规范性文件"], ["条例已列入立法计划"]),
        ("B2.1", "levels", ["协调机构成立文件", "成员名单", "会议纪要", "年度工作要点"],
         ["由分管副市长牵头", "上年度仅开会一次"]),
        ("B2.3", "levels", ["监测指标体系", "年度监测报告", "第三方评价报告"],
         ["数据来源以部门填报为主", "监测报告已公开"]),
        ("K5.1", "levels", ["学分银行管理办法", "学分认定与转换记录"],
         ["学分银行试运行", "已与开放大学互认"]),
        ("K5.2", "yes_no", ["质量评估办法", "上年度评估结果"], ["仅覆盖老年大学"]),
        ("K6.1", "levels", ["活动周方案与总结", "市民讲堂记录", "全民阅读活动记录"],
         ["活动周覆盖全部区县", "阅读活动集中在主城区"]),
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
    {"standard": "public-institution", "seed": 0x2014090104, "role_names": ("third-party", "self"),
     "files": {"all": "public-institution-evidence.csv"},
     "orgs": [("PUB-001", 3.6, True), ("PUB-002", 2.6, True), ("PUB-003", 1.6, True),
              ("PUB-004", 2.8, False), ("PUB-005", 3.0, True), ("PUB-006", 2.2, True)]},
    {"standard": "community", "seed": 0x2014090105, "role_names": ("third-party", "self"),
     "files": {"all": "community-evidence.csv"},
     "orgs": [("COM-001", 3.6, True), ("COM-002", 2.4, True), ("COM-003", 1.8, True),
              ("COM-004", 3.8, True), ("COM-005", 2.6, True), ("COM-006", 2.4, False),
              ("COM-007", 3.0, True)]},
    {"standard": "family", "seed": 0x2014090106, "role_names": ("third-party", "self"),
     "files": {"all": "family-evidence.csv"}, "team": ["S01", "S02"],
     "orgs": [("FAM-%03d" % i, lv, i % 5 != 0) for i, lv in zip(range(1, 22), [
         3.8, 3.2, 1.0, 3.0, 1.6, 3.4, 2.8, 2.4, 3.8, 2.0, 2.6, 1.4, 3.6, 0.8, 2.8, 3.4, 2.2,
         3.0, 1.8, 3.2, 2.6])]},
    {"standard": "city", "seed": 0x2014090107, "role_names": ("third-party", "self"),
     "files": {"all": "city-evidence.csv"}, "org_header": "city_id",
     "orgs": [(cid, round(4 * level, 1), cid not in ("CITY-E12", "CITY-C09"))
              for cid, _, level in cities.CITIES if cid not in cities.NO_EVIDENCE]},
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
FIXED.update({
    ("public-institution", "PUB-003", "A01", "P2.3"): "44",
    ("public-institution", "PUB-003", "A02", "P2.3"): "46%",
    ("public-institution", "PUB-003", "A03", "P2.3"): "45",
    ("public-institution", "PUB-003", "SELF", "P2.3"): "58",
    ("public-institution", "PUB-002", "A01", "P4.2"): "2",
    ("public-institution", "PUB-002", "A02", "P4.2"): "2",
    ("public-institution", "PUB-002", "A03", "P4.2"): "2",
    ("public-institution", "PUB-002", "SELF", "P4.2"): "4",
    ("public-institution", "PUB-005", "A01", "P1.2"): "3",
    ("public-institution", "PUB-005", "A02", "P1.2"): "3",
    ("public-institution", "PUB-005", "A03", "P1.2"): "1",
    ("community", "COM-003", "A01", "C1.2"): "0",
    ("community", "COM-003", "A02", "C1.2"): "0",
    ("community", "COM-003", "A03", "C1.2"): "0",
    ("community", "COM-003", "SELF", "C1.2"): "1",
    ("community", "COM-006", "A01", "C2.3"): "1",
    ("community", "COM-006", "A02", "C2.3"): "3",
    ("community", "COM-006", "A03", "C2.3"): "3",
    ("community", "COM-002", "A01", "C1.3"): "0.8",
    ("community", "COM-002", "A02", "C1.3"): "0.8",
    ("community", "COM-002", "A03", "C1.3"): "0.9",
    ("community", "COM-005", "A01", "C4.2"): None,
    ("community", "COM-005", "A02", "C4.2"): None,
    ("community", "COM-005", "A03", "C4.2"): None,
    ("community", "COM-005", "SELF", "C4.2"): "有",
    ("family", "FAM-003", "S01", "F3.2"): "1",
    ("family", "FAM-003", "S02", "F3.2"): "1",
    ("family", "FAM-003", "SELF", "F3.2"): "4",
    ("city", "CITY-C04", "A01", "B1.1"): "0",
    ("city", "CITY-C04", "A02", "B1.1"): "0",
    ("city", "CITY-C04", "A03", "B1.1"): "0",
    ("city", "CITY-C04", "SELF", "B1.1"): "2",
    ("city", "CITY-E05", "A01", "B2.1"): "0",
    ("city", "CITY-E05", "A02", "B2.1"): "0",
    ("city", "CITY-E05", "A03", "B2.1"): "0",
    ("city", "CITY-E05", "SELF", "B2.1"): "1",
})
UNCITED = {("enterprise", "ENT-002", "A03", "D2.4"), ("family", "FAM-009", "S02", "F3.2")}
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
    if kind == "fact_pct":
        # Share of staff trained, in whole percent; self-assessments count a little more.
        pct = int(round(35 + 15 * level)) + 2 * deviate + (rng.pick([0, 2, 4, 6]) if self_ else 0)
        return "%d" % clamp(pct, 0, 100) + ("%" if rng.random() < 0.3 else "")
    if kind == "fact_yuan":
        tenths = int(round((0.6 + 0.55 * level) * 10)) + deviate + (rng.pick([0, 1, 2]) if self_
                                                                      else 0)
        return "%d.%d" % (tenths // 10, tenths % 10)
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
    team = spec.get("team", TEAM)
    out = []  # (role, who, cells)
    for org, level, has_self in spec["orgs"]:
        # Each organization's level differs a little per indicator, the same for every rater;
        # in about a third of the cases one assessor of the team reads it one step off.
        ind_level = {i[0]: clamp(level + rng.pick([-0.6, -0.4, 0, 0.4, 0.6]), 0, 4) for i in inds}
        deviate = {}
        for ind in ind_level:
            if rng.random() < 0.35:
                deviate[(ind, team[rng.below(len(team))])] = rng.pick([-1, 1])
        raters = [(a, "third-party") for a in team] + ([("SELF", "self")] if has_self else [])
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


def header(spec):
    std = spec["standard"]
    h = [spec.get("org_header", "org_id"), "assessor", "role"]
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
            write(os.path.join(outdir, name), [header(spec)] + chosen)
            print("%s: %d rows" % (name, len(chosen)))
            for line, cells in enumerate(chosen, 2):
                key = (std, cells[0], cells[1] if cells[1] in spec.get("team", TEAM) else "SELF")
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
