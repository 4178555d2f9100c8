#!/usr/bin/env python3
"""make-rounds.py — writes the two survey rounds of the lotk compare golden cases.

Twelve organizations answer the `rounds` standard (rounds.yaml) twice. Between the rounds
every organization keeps its true level except ORG-07, whose staff agree 0.7 scale points
more on every item: a genuine improvement. All others are only resampled — new respondents
drawn from the same population — so their change is noise. `lotk compare` must tell the
two apart (tests/cli/cases/compare-*).

Deterministic on purpose: a private splitmix64 generator (not Python's random, whose
algorithms may change between versions), Box-Muller normals, fixed seeds. Run it from
this directory; it rewrites round1.csv and round2.csv.

Model: a respondent's latent level is the organization's level plus N(0, 0.6); each item
answer is round(latent + N(0, 0.7)), clipped to 1..5; q03 and q09 are negatively worded,
so the file holds 6 - answer for them (the standard declares reverse: true). About 3 % of
answers are left blank.

Noise alone exceeds |RCI| > 1.96 about once in twenty comparisons. The round-2 seed was
picked so that no resampled organization's total does, which keeps the golden case about
the real change: with seed 20160101, ORG-05's total came out at RCI = -2.13 from
resampling alone. One leaf still does (ORG-08 D2.1, RCI = 2.23 of 66 noise leaf
comparisons) — the multiple-comparisons caveat of docs/statistics.md, shown on purpose.
"""
import math

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.x = seed & MASK

    def next(self):
        self.x = (self.x + 0x9E3779B97F4A7C15) & MASK
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return ((self.next() >> 11) + 0.5) / float(1 << 53)  # in (0, 1)

    def normal(self):
        u, v = self.uniform(), self.uniform()
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)


LEVELS = [2.9, 3.1, 3.2, 3.35, 3.45, 3.5, 3.3, 3.6, 3.7, 3.8, 3.95, 4.1]
SIZES = [28, 31, 25, 34, 30, 27, 30, 33, 26, 29, 32, 30]
ITEMS = ["q%02d" % i for i in range(1, 13)]
REVERSE = {"q03", "q09"}
IMPROVED = "ORG-07"


def write_round(path, round_no, seed):
    rng = SplitMix64(seed)
    rows = ["org,resp," + ",".join(ITEMS)]
    resp = 0
    for g, (level, size) in enumerate(zip(LEVELS, SIZES)):
        org = "ORG-%02d" % (g + 1)
        if round_no == 2 and org == IMPROVED:
            level += 0.7
        for _ in range(size):
            resp += 1
            latent = level + 0.6 * rng.normal()
            cells = []
            for item in ITEMS:
                answer = min(5, max(1, int(math.floor(latent + 0.7 * rng.normal() + 0.5))))
                if item in REVERSE:
                    answer = 6 - answer
                cells.append("" if rng.uniform() < 0.03 else str(answer))
            rows.append("%s,R%d-%04d,%s" % (org, round_no, resp, ",".join(cells)))
    with open(path, "w", newline="") as f:
        f.write("\n".join(rows) + "\n")


write_round("round1.csv", 1, 20140101)
write_round("round2.csv", 2, 20160102)
