#!/usr/bin/python3
"""peer_pandas.py — lotk's scoring of bench/standard.yaml, done with pandas.

Usage: peer_pandas.py SURVEY.csv > points.csv

The peer a data analyst would write: read the whole CSV, key the reverse items (6 - x), take
each respondent's leaf value as the mean of the answered items (none when fewer than the
leaf's min_answered share were answered; by default at least one), average the respondents'
leaf values per organization, normalise to [0, 1], aggregate by weighted mean up the tree and
turn norms into points. It follows DESIGN §4, like lotk.

The standard's structure is written out below (STANDARD) rather than read from the YAML, so
the peer needs nothing but pandas; keep it in step with bench/standard.yaml. bench/run checks
that the peer and lotk agree before it times them.

Writes CSV to stdout: id,respondents,points,D1.points,D1.1.points,... with organizations in
id order (bench/gen's ids are zero-padded, so that is also lotk's natural order).
"""
import math
import sys

import numpy as np
import pandas as pd

SCALE_MIN, SCALE_MAX = 1.0, 5.0
POINTS = 100.0
# (dimension id, weight, [(leaf weight, min_answered share or None), (…)])
STANDARD = [
    ("D1", 20, [(2, None), (1, None)]),
    ("D2", 15, [(1, None), (1, None)]),
    ("D3", 15, [(1, 0.8), (1, 0.8)]),
    ("D4", 20, [(1, None), (2, None)]),
    ("D5", 15, [(1, None), (1, None)]),
    ("D6", 15, [(1, None), (1, None)]),
]
ITEMS_PER_LEAF = 5
REVERSED = {9, 10}  # 1-based positions within a dimension


def leaves():
    """Yields (dimension index, leaf id, need, [column names], [reversed columns])."""
    for d, (did, _, leaf_specs) in enumerate(STANDARD):
        for l, (_, share) in enumerate(leaf_specs):
            cols, rev = [], []
            for k in range(ITEMS_PER_LEAF):
                pos = l * ITEMS_PER_LEAF + k + 1
                name = "i%02d" % (d * 10 + pos)
                cols.append(name)
                if pos in REVERSED:
                    rev.append(name)
            need = max(1, math.ceil(share * len(cols) - 1e-9)) if share else 1
            yield d, "%s.%d" % (did, l + 1), need, cols, rev


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: peer_pandas.py SURVEY.csv > points.csv")
    item_cols = ["i%02d" % i for i in range(1, 61)]
    dtypes = {c: "float64" for c in item_cols}
    dtypes["org"] = str
    df = pd.read_csv(sys.argv[1], usecols=["org"] + item_cols, dtype=dtypes,
                     na_values=["", "-2", "-3"], keep_default_na=False, engine="c")

    # Respondent leaf values.
    leaf_values = {}
    leaf_list = list(leaves())
    for _, leaf_id, need, cols, rev in leaf_list:
        block = df[cols].to_numpy(copy=True)
        ri = [cols.index(c) for c in rev]
        block[:, ri] = SCALE_MIN + SCALE_MAX - block[:, ri]
        answered = np.count_nonzero(~np.isnan(block), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.nansum(block, axis=1) / answered
        value[answered < need] = np.nan
        leaf_values[leaf_id] = value
    resp = pd.DataFrame(leaf_values)
    resp["org"] = df["org"].to_numpy()
    del df

    # Organization means of the leaves, then the tree.
    g = resp.groupby("org", sort=True)
    means = g.mean()
    respondents = g.size()
    norm = (means - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)
    out = pd.DataFrame(index=means.index)
    out["respondents"] = respondents
    total_w = sum(w for _, w, _ in STANDARD)
    dim_norm = {}
    leaf_points = {}
    for did, w, leaf_specs in STANDARD:
        lw = [x for x, _ in leaf_specs]
        ids = ["%s.%d" % (did, l + 1) for l in range(len(leaf_specs))]
        # Weighted mean; a leaf with no value leaves the dimension without one (NaN propagates).
        acc = sum(norm[i] * x for i, x in zip(ids, lw))
        dim_norm[did] = acc / sum(lw)
        for i, x in zip(ids, lw):
            leaf_points[i] = POINTS * (w / total_w) * (x / sum(lw)) * norm[i]
    root = sum(dim_norm[did] * w for did, w, _ in STANDARD) / total_w
    out["points"] = POINTS * root
    for did, w, leaf_specs in STANDARD:
        out[did + ".points"] = POINTS * (w / total_w) * dim_norm[did]
        for l in range(len(leaf_specs)):
            i = "%s.%d" % (did, l + 1)
            out[i + ".points"] = leaf_points[i]
    out.index.name = "id"
    out.to_csv(sys.stdout, float_format="%.17g")


if __name__ == "__main__":
    main()
