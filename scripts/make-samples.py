#!/usr/bin/env python3
"""Generate the sample survey files surveys/{agency,enterprise,social-group}.csv.

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
"""

import csv
import math
import os
import re
import sys

from splitmix import Rng  # scripts/splitmix.py, beside this file

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
N_LABELS = 5          # cells written as a label instead of a number
N_SKIPS = 4           # cells written as the wjx skip code -2
PERSON_SD = 0.45      # respondent's overall leniency
ORG_DIM_SD = 0.25     # an organization's strength or weakness on one dimension
ITEM_SD = 0.20        # how easy an item is to agree with
NOISE_SD = 0.70       # answer-to-answer noise

ITEM_RE = re.compile(
    r"^\s*- \{id: (?P<id>q\d+), column: (?:(?P<name>[A-Za-z0-9_]+)|\{match: '\^(?P<num>\d+)、'\}),"
    r" scale: agree5(?P<rev>, reverse: true)?, text: \{zh: \"(?P<zh>[^\"]+)\"")
DIM_RE = re.compile(r"^\s*- id: (D\d+)\s*$")


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
            if not m or dim is None:
                sys.exit("make-samples: %s:%d: cannot read this item line" % (path, lineno))
            header = m.group("name") or "%s、%s" % (m.group("num"), m.group("zh"))
            items.append({"id": m.group("id"), "header": header,
                          "reverse": bool(m.group("rev")), "dim": dim})
    if not items:
        sys.exit("make-samples: %s: no items found" % path)
    return items


def answer_row(rng, items, mean, dim_off, item_off):
    """One respondent's answers as integers 1..5, reverse items answered reversed."""
    person = rng.gauss() * PERSON_SD
    row = []
    for it in items:
        latent = mean + dim_off[it["dim"]] + item_off[it["id"]] + person + rng.gauss() * NOISE_SD
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
    order = BAD_ORDERS[[s["standard"] for s in SAMPLES].index(std)]
    total = len(clean) + len(order)
    at = {int(round(share * (total - 1))): kind for share, kind in zip(BAD_AT, order)}
    rows = []
    it_clean = iter(clean)
    big = [org for org, n, _ in spec["orgs"] if n >= 10]
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
    mid = [k for k, it in enumerate(items) if not it["reverse"]][len(items) // 3]
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
        w.writerow(["org_id", "resp_id"] + [it["header"] for it in items])
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


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "surveys")
    for spec in SAMPLES:
        make_file(spec, outdir)


if __name__ == "__main__":
    main()
