#!/usr/bin/python3
"""agree.py — checks that two scorers computed the same points.

Usage: agree.py LOTK.csv PEER.csv [TOLERANCE]

LOTK.csv is `lotk score … -f csv`; PEER.csv is peer_pandas.py's output. Every organization
must appear in both with the same respondent count, and every points column the peer writes
(total and per node) must match lotk's within TOLERANCE (default 1e-9) absolute, both empty
(no value) or both present. Prints one summary line; exits 1 on disagreement.
Uses only the standard library.
"""
import csv
import math
import sys


def load(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    return {r["id"]: r for r in rows}


def num(s):
    try:
        return float(s) if s not in ("", "nan") else math.nan
    except ValueError:
        return math.inf  # not a number: compares as a difference of inf


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: agree.py LOTK.csv PEER.csv [TOLERANCE]")
    tol = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-9
    lotk, peer = load(sys.argv[1]), load(sys.argv[2])
    problems = []
    if lotk.keys() != peer.keys():
        problems.append("organizations differ: %d only in lotk, %d only in the peer"
                        % (len(lotk.keys() - peer.keys()), len(peer.keys() - lotk.keys())))
    cols = [c for c in next(iter(peer.values())).keys() if c == "points" or
            c.endswith(".points")] if peer else []
    worst, worst_at, compared = 0.0, None, 0
    for org in sorted(lotk.keys() & peer.keys()):
        a, b = lotk[org], peer[org]
        if a["respondents"] != b["respondents"]:
            problems.append("%s: respondents %s vs %s" % (org, a["respondents"],
                                                          b["respondents"]))
        for c in cols:
            x, y = num(a[c]), num(b[c])
            if math.isnan(x) or math.isnan(y):
                if math.isnan(x) != math.isnan(y):
                    problems.append("%s %s: %r vs %r" % (org, c, a[c], b[c]))
                continue
            compared += 1
            d = abs(x - y)
            if d > worst:
                worst, worst_at = d, "%s %s" % (org, c)
    if worst > tol:
        problems.append("largest difference %.3g at %s exceeds %g" % (worst, worst_at, tol))
    for p in problems[:10]:
        print("agree: " + p, file=sys.stderr)
    print("agree: %d organizations, %d values compared, largest difference %.3g%s: %s"
          % (len(lotk), compared, worst, " (%s)" % worst_at if worst_at else "",
             "DISAGREE" if problems else "ok"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
