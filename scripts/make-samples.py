#!/usr/bin/env python3
"""Generate the sample survey files surveys/<standard>.csv of the shipped standards, and the
learning-city samples surveys/city-statistics.csv and surveys/city-membership.csv.

Usage: scripts/make-samples.py [OUTDIR]      (default: surveys/ in the repository root)

Deterministic: a fixed seed per file and a PRNG of our own (splitmix64), so the output does
not depend on the Python version. Standard library only.

The item columns are taken from standards/<id>.yaml with a deliberately small line parser:
each item must be written on one line in flow style, as the shipped standards are:

    - {id: q09, column: {match: '^27、'}, scale: agree5, text: {zh: "…", en: "…"}}

An item whose column is a plain name gets that name as its header; an item whose column is
{match: '^N、'} gets the wjx-style header "N、<zh text>". The script stops with an error when a
line it cannot read looks like an item, so the CSVs cannot drift from the standards silently.

Each file holds several organizations, respondents answering 1..5 around an organization-level
mean (reverse items are answered reversed, so keying matters), about 3 % blank cells, a few
text labels and "-2" skip codes, one organization under min_respondents, and five bad rows,
one of each kind: ragged, empty org_id, duplicate resp_id, out-of-range 7, unknown label.
Yes/no items (scales know2, satisfied2 of the community standard) are answered 1 or 0: yes
when the respondent's latent answer reaches the BINARY_CUT of its scale.

The learning city (standards/city.yaml, scripts/cities.py): a resident survey city.csv in the
same conventions (the unit column is city_id), city-statistics.csv (one row per city: id,
region, one column per `statistic:` of the standard, read from it with the same kind of line
parser, a few cells blank and one not a number) and city-membership.csv (org,unit: the sample
organizations of the organization standards assigned to cities).
"""

import csv
import math
import os
import re
import sys

from splitmix import Rng  # scripts/splitmix.py, beside this file
import cities              # scripts/cities.py, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Organizations per file: (id, clean respondents, latent mean on the 1..5 scale).
# Bad rows are added on top of the clean ones (see BAD below).
SAMPLES = [
    {
        "standard": "agency",
        "seed": 0x2014081101,
        "orgs": [("AGY-001", 45, 5.00), ("AGY-002", 33, 4.05), ("AGY-003", 26, 3.55),
                 ("AGY-004", 50, 3.05), ("AGY-005", 6, 3.90)],
    },
    {
        "standard": "enterprise",
        "seed": 0x2014081102,
        "orgs": [("ENT-001", 55, 3.95), ("ENT-002", 40, 4.60), ("ENT-003", 22, 2.90),
                 ("ENT-004", 6, 4.00), ("ENT-005", 37, 3.50), ("ENT-006", 29, 4.15)],
    },
    {
        "standard": "social-group",
        "seed": 0x2014081103,
        "orgs": [("SOC-001", 32, 4.15), ("SOC-002", 6, 3.60), ("SOC-003", 24, 3.40),
                 ("SOC-004", 43, 4.75)],
    },
    {
        "standard": "public-institution",
        "seed": 0x2014081104,
        "orgs": [("PUB-001", 40, 4.55), ("PUB-002", 28, 3.95), ("PUB-003", 33, 3.30),
                 ("PUB-004", 7, 3.90), ("PUB-005", 24, 4.10)],
    },
    {
        # Residents; min_respondents 20, COM-005 under it.
        "standard": "community",
        "seed": 0x2014081105,
        "orgs": [("COM-001", 48, 4.50), ("COM-002", 36, 3.90), ("COM-003", 30, 3.45),
                 ("COM-004", 42, 4.70), ("COM-005", 12, 3.80), ("COM-006", 26, 3.65)],
        "big": 20,
    },
    {
        # Households of two to four members aged 12 and over; min_respondents 2, FAM-007 has
        # one. Bad rows go to households of three or more.
        "standard": "family",
        "seed": 0x2014081106,
        "orgs": [("FAM-001", 4, 4.60), ("FAM-002", 3, 4.20), ("FAM-003", 2, 3.40),
                 ("FAM-004", 4, 3.90), ("FAM-005", 3, 2.90), ("FAM-006", 2, 4.40),
                 ("FAM-007", 1, 4.00), ("FAM-008", 3, 3.60), ("FAM-009", 4, 4.80),
                 ("FAM-010", 2, 3.10), ("FAM-011", 3, 4.10), ("FAM-012", 4, 3.30),
                 ("FAM-013", 2, 4.50), ("FAM-014", 3, 2.60), ("FAM-015", 3, 3.80),
                 ("FAM-016", 4, 4.30), ("FAM-017", 2, 3.70), ("FAM-018", 3, 4.00),
                 ("FAM-019", 4, 3.50), ("FAM-020", 2, 4.20)],
        "big": 3,
    },
    {
        # Residents of the sample cities (scripts/cities.py), min_respondents 30: CITY-E12 has
        # 18. CITY-C10 and CITY-W08 have no survey. A city's mean follows its level.
        "standard": "city",
        "seed": 0x2014081107,
        "org_header": "city_id",
        "orgs": [(cid, 18 if cid == "CITY-E12" else 30 + (i * 7) % 19, 2.70 + 2.0 * level)
                 for i, (cid, _, level) in enumerate(cities.CITIES)
                 if cid not in cities.NO_SURVEY],
        "big": 30,
    },
]

# The five bad rows of every file: kind -> share of the way into the data rows where the row
# goes. The order differs from file to file so that no reader can rely on a position.
BAD_ORDERS = [
    ["ragged", "no_org", "dup_id", "range", "label"],
    ["dup_id", "label", "ragged", "range", "no_org"],
    ["range", "ragged", "label", "no_org", "dup_id"],
]
BAD_AT = [0.12, 0.31, 0.50, 0.69, 0.88]

BLANK_RATE = 0.03
BINARY_CUT = {"know2": 3.0, "satisfied2": 3.4}   # a yes/no item is answered yes at or above
SCALES = {"agree5": "graded", "freq5": "graded", "know2": "binary", "satisfied2": "binary"}
N_LABELS = 5          # cells written as a label instead of a number
N_SKIPS = 4           # cells written as the wjx skip code -2
PERSON_SD = 0.45      # respondent's overall leniency
ORG_DIM_SD = 0.25     # an organization's strength or weakness on one dimension
ITEM_SD = 0.20        # how easy an item is to agree with
NOISE_SD = 0.70       # answer-to-answer noise

ITEM_RE = re.compile(
    r"^\s*- \{id: (?P<id>[a-z]\d+), column: (?:(?P<name>[A-Za-z0-9_]+)|\{match: '\^(?P<num>\d+)、'\}),"
    r" scale: (?P<scale>\w+)(?P<rev>, reverse: true)?, text: \{zh: \"(?P<zh>[^\"]+)\"")
DIM_RE = re.compile(r"^\s*- id: ([A-Z]+\d*)\s*$")


def read_items(path):
    """Items of a standard in file order: dicts with id, header, reverse, dim."""
    items = []
    dim = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = DIM_RE.match(line)
            if m:
                dim = m.group(1)
                continue
            if "- {id:" not in line:
                continue
            m = ITEM_RE.match(line)
            if not m or dim is None or m.group("scale") not in SCALES:
                sys.exit("make-samples: %s:%d: cannot read this item line" % (path, lineno))
            header = m.group("name") or "%s、%s" % (m.group("num"), m.group("zh"))
            items.append({"id": m.group("id"), "header": header, "scale": m.group("scale"),
                          "reverse": bool(m.group("rev")), "dim": dim})
    if not items:
        sys.exit("make-samples: %s: no items found" % path)
    return items


def answer_row(rng, items, mean, dim_off, item_off):
    """One respondent's answers as integers 1..5 (0/1 on yes/no items), reverse items
    answered reversed."""
    person = rng.gauss() * PERSON_SD
    row = []
    for it in items:
        latent = mean + dim_off[it["dim"]] + item_off[it["id"]] + person + rng.gauss() * NOISE_SD
        if SCALES[it["scale"]] == "binary":
            row.append(1 if latent >= BINARY_CUT[it["scale"]] else 0)
            continue
        v = min(5, max(1, int(math.floor(latent + 0.5))))
        row.append(6 - v if it["reverse"] else v)
    return row


def make_file(spec, outdir):
    std = spec["standard"]
    items = read_items(os.path.join(ROOT, "standards", std + ".yaml"))
    rng = Rng(spec["seed"])
    dims = sorted({it["dim"] for it in items})
    item_off = {it["id"]: rng.gauss() * ITEM_SD for it in items}
    orgs = {}
    for org, n, mean in spec["orgs"]:
        orgs[org] = {"mean": mean, "dim_off": {d: rng.gauss() * ORG_DIM_SD for d in dims}}

    def answers(org):
        o = orgs[org]
        return [str(v) for v in answer_row(rng, items, o["mean"], o["dim_off"], item_off)]

    # Clean rows in submission order: organizations interleaved, as a wjx export has them.
    clean = []
    for org, n, _ in spec["orgs"]:
        for _ in range(n):
            clean.append({"org": org, "cells": answers(org), "bad": None})
    rng.shuffle(clean)
    for r in clean:
        r["cells"] = ["" if rng.random() < BLANK_RATE else c for c in r["cells"]]

    # A few labels in place of numbers (same value, so scores do not move); the last one is
    # English, to exercise the English half of the labels map. Then a few skip codes.
    labels = {"4": "同意", "5": "非常同意"}
    done = 0
    while done < N_LABELS:
        r = clean[rng.below(len(clean))]
        k = rng.below(len(items))
        last = done == N_LABELS - 1
        if items[k]["scale"] != "agree5":   # labels of the agreement scale only
            continue
        if (r["cells"][k] == "5") if last else (r["cells"][k] in labels):
            r["cells"][k] = "Strongly agree" if last else labels[r["cells"][k]]
            done += 1
    done = 0
    while done < N_SKIPS:
        r = clean[rng.below(len(clean))]
        k = rng.below(len(items))
        if r["cells"][k].isdigit():
            r["cells"][k] = "-2"
            done += 1

    # Lay out the file: the five bad rows at fixed shares of the way in, clean rows around them.
    order = BAD_ORDERS[[s["standard"] for s in SAMPLES].index(std) % len(BAD_ORDERS)]
    total = len(clean) + len(order)
    at = {int(round(share * (total - 1))): kind for share, kind in zip(BAD_AT, order)}
    rows = []
    it_clean = iter(clean)
    big = [org for org, n, _ in spec["orgs"] if n >= spec.get("big", 10)]
    for i in range(total):
        if i in at:
            org = big[len([r for r in rows if r["bad"]]) % len(big)]
            rows.append({"org": org, "cells": None, "bad": at[i]})
        else:
            rows.append(next(it_clean))

    # Respondent ids in file order. The duplicate repeats the id of the nearest clean row at
    # least 7 rows earlier (not of the small organization) and belongs to that row's
    # organization, like a second submission.
    seq = 0
    for r in rows:
        if r["bad"] != "dup_id":
            seq += 1
            r["id"] = "R%04d" % seq
    for i, r in enumerate(rows):
        if r["bad"] == "dup_id":
            j = i - 7
            while rows[j]["bad"] is not None or rows[j]["org"] not in big:
                j -= 1
            r["id"] = rows[j]["id"]
            r["org"] = rows[j]["org"]
            r["dup_of"] = j
    # Bad rows are fully answered apart from their one defect.
    for r in rows:
        if r["bad"]:
            r["cells"] = answers(r["org"])

    # Defects. A non-reverse item in the middle gets the bad value.
    cands = [k for k, it in enumerate(items) if not it["reverse"] and it["scale"] == "agree5"]
    mid = cands[min(len(items) // 3, len(cands) - 1)]
    for r in rows:
        if r["bad"] == "ragged":
            r["cells"] = r["cells"][:-1]
        elif r["bad"] == "no_org":
            r["org"] = ""
        elif r["bad"] == "range":
            r["cells"][mid] = "7"
        elif r["bad"] == "label":
            r["cells"][mid] = "很同意"

    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, std + ".csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([spec.get("org_header", "org_id"), "resp_id"] + [it["header"] for it in items])
        for r in rows:
            w.writerow([r["org"], r["id"]] + r["cells"])

    # Summary (line 1 is the header, so data row i is on line i + 2).
    print("%s: %d data rows, %d items" % (os.path.relpath(path), len(rows), len(items)))
    for org, n, _ in spec["orgs"]:
        extra = sum(1 for r in rows if r["bad"] and r["org"] == org)
        print("  %s: %d clean rows%s" % (org, n, " + %d bad" % extra if extra else ""))
    for i, r in enumerate(rows):
        if r["bad"]:
            note = ""
            if r["bad"] == "dup_id":
                note = " (same as line %d)" % (r["dup_of"] + 2)
            elif r["bad"] in ("range", "label"):
                note = " (column %s)" % items[mid]["header"]
            print("  line %d: %s %s %s%s" % (i + 2, r["bad"], r["org"] or '""', r["id"], note))


# ---- the learning city: statistics and membership -----------------------------------------

STAT_RE = re.compile(r"^\s*column: (?P<col>\w+)\n\s*goalposts: \[(?P<lo>[-\d.]+), (?P<hi>[-\d.]+)\]",
                     re.M)
# Decimals each statistic is published with (a statistic of the standard missing here stops
# the script).
STAT_DECIMALS = {"ce_funds_per_resident": 2, "volunteers_per_10k": 1, "ce_teachers_per_10k": 1,
                 "schools_open_share": 3, "learning_centres_per_10k": 2,
                 "workforce_trained_share": 3, "online_learners_per_100": 1,
                 "library_visits_per_resident": 2, "adult_participation": 3,
                 "unemployment_rate": 1, "cultural_visits_per_resident": 2}
STAT_SEED = 0x2014081108
STAT_BLANK_RATE = 0.05
STAT_NOT_A_NUMBER = ("CITY-W04", "online_learners_per_100", "暂无")  # a cell that is no number


def read_statistics(path):
    """(column, LOW, HIGH) of every `statistic:` of the standard, in file order."""
    text = open(path, encoding="utf-8").read()
    stats = [(m.group("col"), float(m.group("lo")), float(m.group("hi")))
             for m in STAT_RE.finditer(text)]
    if not stats or len(stats) != len(re.findall(r"^\s+source: statistic\s*$", text, re.M)):
        sys.exit("make-samples: %s: cannot read every statistic: block" % path)
    for col, _, _ in stats:
        if col not in STAT_DECIMALS:
            sys.exit("make-samples: %s: no STAT_DECIMALS entry for %s" % (path, col))
    return stats


def make_city_statistics(outdir):
    """One row per city: the statistic between its goalposts at about the city's level, with
    noise; a few cells blank and one that is not a number."""
    stats = read_statistics(os.path.join(ROOT, "standards", "city.yaml"))
    rng = Rng(STAT_SEED)
    path = os.path.join(outdir, "city-statistics.csv")
    blanks = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["city_id", "region"] + [c for c, _, _ in stats])
        for line, (cid, region, level) in enumerate(cities.CITIES, 2):
            row = [cid, region]
            for col, lo, hi in stats:
                q = max(-0.25, min(1.25, level + rng.gauss() * 0.12))
                x = round(lo + (hi - lo) * q, STAT_DECIMALS[col])
                x = max(x, 0.0)
                cell = "%.*f" % (STAT_DECIMALS[col], x)
                if rng.random() < STAT_BLANK_RATE:
                    cell = ""
                    if (cid, col) != STAT_NOT_A_NUMBER[:2]:
                        blanks.append("%s %s (line %d)" % (cid, col, line))
                if (cid, col) == STAT_NOT_A_NUMBER[:2]:
                    cell = STAT_NOT_A_NUMBER[2]
                row.append(cell)
            w.writerow(row)
    print("%s: %d cities, %d statistics" % (os.path.relpath(path), len(cities.CITIES), len(stats)))
    print("  blank: " + ", ".join(blanks))
    print("  not a number: %s %s '%s'" % STAT_NOT_A_NUMBER)


# Members of the learning cities: every sample organization of the organization standards
# (the survey ones above and the evidence-only ones of scripts/make-evidence.py), by city.
# AGY-006 has no unit (an empty cell) and SOC-006 belongs to CITY-X01, which is in no
# statistics file: both must be reported, never dropped.
MEMBERSHIP = [
    ("CITY-E01", ["AGY-001", "ENT-001", "ENT-002", "PUB-001", "SOC-001", "COM-001", "COM-004",
                  "FAM-001", "FAM-002", "FAM-003", "FAM-004", "FAM-005", "FAM-006"]),
    ("CITY-E02", ["AGY-002", "ENT-003", "PUB-002", "SOC-002", "COM-002", "FAM-007", "FAM-008",
                  "FAM-009", "FAM-010"]),
    ("CITY-C01", ["AGY-003", "ENT-004", "ENT-005", "PUB-003", "SOC-003", "COM-003", "FAM-011",
                  "FAM-012", "FAM-013", "FAM-014", "FAM-015"]),
    ("CITY-C02", ["AGY-004", "ENT-006", "ENT-008", "PUB-004", "SOC-004", "COM-005", "FAM-016",
                  "FAM-017", "FAM-018"]),
    ("CITY-W01", ["AGY-005", "ENT-007", "PUB-005", "PUB-006", "SOC-005", "COM-006", "COM-007",
                  "FAM-019", "FAM-020", "FAM-021"]),
    ("", ["AGY-006"]),
    ("CITY-X01", ["SOC-006"]),
]


def make_city_membership(outdir):
    path = os.path.join(outdir, "city-membership.csv")
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["org", "unit"])
        for unit, orgs in MEMBERSHIP:
            for org in orgs:
                w.writerow([org, unit])
                n += 1
    print("%s: %d members" % (os.path.relpath(path), n))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "surveys")
    for spec in SAMPLES:
        make_file(spec, outdir)
    make_city_statistics(outdir)
    make_city_membership(outdir)


if __name__ == "__main__":
    main()
