#!/usr/bin/python3
"""Builds a fixture result table for the report plugins, as JSON and as a Lua table literal.

The base is the real JSON result of the enterprise sample (build/lotk score ... -f json
--bootstrap 200), augmented with the fields specs/report-table.md adds (standard metadata,
batch, rank, screened), computed here from standards/enterprise.yaml, so the plugins can be
developed against the contract before the C side writes those fields. When the JSON already
has a field (the C side has caught up), it is kept as lotk wrote it.

usage: tests/report/make-fixture.py [--from RESULT.json] [--lotk build/lotk]
           [--generate N] [--seed S] [--org ID]... [--shuffle-keys SEED]
           --json OUT.json [--lua OUT.lua]

--generate N replaces the organizations by N synthetic ones derived from the real ones
(deterministic, splitmix64), with low agreement, vetoes, small groups and missing values
mixed in: the performance fixture (1,000 organizations) and a richer test of the flags.
--shuffle-keys SEED writes every object's keys (JSON and Lua) in a shuffled order: a report
must not depend on the order of keys in the result (pairs() order in Lua). The JSON output is
a result `lotk report` renders; the Lua output is for tests/report/harness.lua. python3-yaml
is needed only for a result without the standard's tree (lotk before issue 11).
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from splitmix import Rng  # noqa: E402

SAMPLE = ["score", "standards/enterprise.yaml", "surveys/enterprise.csv",
          "--evidence", "surveys/enterprise-evidence.csv",
          "--evidence", "surveys/enterprise-self-evidence.csv",
          "-q", "-f", "json", "--bootstrap", "200"]


# ---- the standard ---------------------------------------------------------------------------

def rubric_of(ind):
    r = ind.get("rubric")
    if not isinstance(r, dict):
        return None, None
    if "yes_no" in r:
        return "yes_no", (0.0, 1.0)
    if "fact" in r:
        return "fact", (0.0, 1.0)
    if "levels" in r:
        vals = [float(l["value"]) for l in r["levels"]]
        return "levels", (min(vals), max(vals))
    return None, None


def standard_nodes(std):
    """Every indicator in tree pre-order (root excluded) with the spec's fields."""
    scales = std.get("scales", {})
    total = float(std.get("points", 100))
    out = []

    def walk(inds, parent, level, parent_share):
        wsum = sum(float(i.get("weight", 1)) for i in inds)
        for ind in inds:
            w = float(ind.get("weight", 1))
            share = parent_share * w / wsum
            kids = ind.get("indicators") or []
            node = {"id": ind["id"], "parent": parent, "level": level,
                    "title": ind.get("title", {}), "weight": w, "share": share,
                    "max_points": total * share}
            if kids:
                node["source"] = "inner"
                node["children"] = [k["id"] for k in kids]
            else:
                src = ind.get("source", "survey")
                node["source"] = src
                if src == "survey":
                    items = ind.get("items") or []
                    sc = scales[items[0]["scale"]] if items else {"min": 0, "max": 1}
                    node["scale"] = {"min": float(sc["min"]), "max": float(sc["max"])}
                    node["items"] = len(items)
                elif src == "evidence":
                    kind, rng = rubric_of(ind)
                    sc = ind.get("scale")
                    if isinstance(sc, dict):
                        rng = (float(sc["min"]), float(sc["max"]))
                    if rng:
                        node["scale"] = {"min": rng[0], "max": rng[1]}
                    if kind:
                        node["rubric"] = kind
                    node["binary"] = kind == "yes_no"
            out.append(node)
            if kids:
                walk(kids, ind["id"], level + 1, share)

    walk(std["indicators"], None, 1, 1.0)
    return out


def augment_standard(res, std):
    s = res["standard"]
    s.setdefault("kind", std.get("kind", "other"))
    s.setdefault("title", std.get("title", {}))
    s.setdefault("points", float(std.get("points", 100)))
    s.setdefault("languages", list(std.get("title", {}).keys()) or ["zh"])
    s.setdefault("bands", [{"grade": b["grade"], "min": float(b["min"]),
                            "label": b.get("label", {})} for b in std.get("bands", [])])
    th = {}
    if "min_respondents" in std.get("survey", {}):
        th["min_respondents"] = std["survey"]["min_respondents"]
    for k, v in (std.get("agreement") or {}).items():
        th[k] = float(v)
    s.setdefault("thresholds", th)
    s.setdefault("nodes", standard_nodes(std))


# ---- the batch ------------------------------------------------------------------------------

def median_or_none(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def augment_batch(res, selected=None):
    """Ranks, screened counts and the batch block, as lotk computes them (core/analysis/
    summary.h): only organizations with points and at least min_respondents are ranked and in
    the medians. A result that has its batch block already (lotk wrote it) is left alone."""
    orgs = res["organizations"]
    std = res["standard"]
    if "batch" in res:
        if selected:
            res["batch"]["selected"] = selected
        return
    min_resp = (std.get("thresholds") or {}).get("min_respondents") or 0
    ranked = [o for o in orgs if o.get("points") is not None
              and (o.get("respondents") or 0) >= min_resp]
    order = sorted(ranked, key=lambda o: -o["points"])
    pos = {}
    for i, o in enumerate(order):
        if i > 0 and o["points"] == order[i - 1]["points"]:
            pos[o["id"]] = pos[order[i - 1]["id"]]
        else:
            pos[o["id"]] = i + 1
    for o in orgs:
        if o["id"] in pos:
            o.setdefault("rank", {"position": pos[o["id"]], "of": len(ranked)})
        o.setdefault("screened", 0)
    med_nodes = {}
    for n in std["nodes"]:
        norm = median_or_none([(o["nodes"].get(n["id"]) or {}).get("norm") for o in orgs])
        pts = median_or_none([(o["nodes"].get(n["id"]) or {}).get("points") for o in orgs])
        if norm is not None or pts is not None:
            med_nodes[n["id"]] = {"norm": norm, "points": pts}
    batch = {
        "organizations": len(orgs),
        "ranked": len(ranked),
        "grades": [{"grade": b["grade"], "count": sum(1 for o in orgs if o.get("grade") == b["grade"])}
                   for b in std["bands"]],
        "ungraded": sum(1 for o in orgs if o.get("grade") is None),
        "median": {"points": median_or_none([o["points"] for o in ranked]), "nodes": med_nodes},
    }
    if selected:
        batch["selected"] = selected
    res.setdefault("batch", batch)


# ---- synthetic organizations ----------------------------------------------------------------

def band_of(std, points):
    for b in std["bands"]:
        if points >= b["min"]:
            return b["grade"]
    return None


def generate(res, n, seed):
    """N organizations from the real ones: each leaf norm moved by up to ±0.25, inner nodes and
    points recomputed bottom-up, and the flags the C side would raise recomputed."""
    rng = Rng(seed)
    std = res["standard"]
    nodes = std["nodes"]
    th = std["thresholds"]
    for k, v in (("rwg_j", 0.7), ("icc1", 0.05), ("icc2", 0.7)):  # lotk's defaults
        if th.get(k) is None:
            th[k] = v
    templates = [o for o in res["organizations"] if o.get("points") is not None]
    by_id = {nd["id"]: nd for nd in nodes}
    min_resp = th.get("min_respondents", 0)
    out = []
    for i in range(n):
        t = json.loads(json.dumps(templates[i % len(templates)]))
        o = {"id": "GEN-%04d" % (i + 1)}
        if i % 3 == 0:
            o["name"] = "样例企业 %04d | <分公司> & Co." % (i + 1)
        o["respondents"] = 3 + rng.below(80) if i % 17 else 0
        o["screened"] = rng.below(4)
        flags = []
        vals = {}
        for nd in nodes:
            if nd["source"] == "inner":
                continue
            tv = dict(t["nodes"].get(nd["id"]) or {})
            if nd["source"] == "survey" and o["respondents"] == 0:
                vals[nd["id"]] = {"mean": None, "norm": None, "points": None}
                continue
            if tv.get("norm") is None or (nd["source"] == "evidence" and i % 11 == 5):
                vals[nd["id"]] = {"mean": None, "norm": None, "points": None}
                continue
            if nd.get("binary"):
                norm = 1.0 if rng.random() < 0.7 else 0.0
            else:
                norm = min(1.0, max(0.0, tv["norm"] + (rng.random() - 0.5) * 0.5))
            sc = nd.get("scale", {"min": 0.0, "max": 1.0})
            tv["norm"] = norm
            tv["mean"] = sc["min"] + norm * (sc["max"] - sc["min"])
            tv["points"] = nd["max_points"] * norm
            if nd["source"] == "survey":
                tv["n"] = o["respondents"]
                tv["rwg_j"] = 0.3 + 0.7 * rng.random()
                tv.pop("low_agreement", None)
                if tv["rwg_j"] < th["rwg_j"]:
                    tv["low_agreement"] = True
            else:
                tv["third_party"] = tv["mean"]
            vals[nd["id"]] = tv
        # inner nodes bottom-up (pre-order reversed puts children before parents)
        for nd in reversed(nodes):
            if nd["source"] != "inner":
                continue
            kids = [(by_id[c]["weight"], vals[c]["norm"]) for c in nd["children"]
                    if vals[c].get("norm") is not None]
            if kids:
                w = sum(k[0] for k in kids)
                norm = sum(k[0] * k[1] for k in kids) / w
                vals[nd["id"]] = {"mean": None, "norm": norm, "points": nd["max_points"] * norm}
            else:
                vals[nd["id"]] = {"mean": None, "norm": None, "points": None}
        o["nodes"] = vals
        tops = [nd for nd in nodes if nd["parent"] is None]
        if all(vals[nd["id"]]["norm"] is not None for nd in tops):
            o["points"] = sum(vals[nd["id"]]["points"] for nd in tops)
        else:
            o["points"] = None
            flags.append("incomplete")
        if o["respondents"] < min_resp:
            flags.insert(0, "few_respondents")
        if o["respondents"] == 0:
            flags.append("evidence_only")
        if any(v.get("low_agreement") for v in vals.values()):
            flags.append("low_agreement")
        if any(vals[nd["id"]]["norm"] is None for nd in nodes if nd["source"] == "evidence"):
            flags.append("unrated")
        o["adjustments"] = []
        grade = None
        if o["points"] is not None and o["respondents"] >= min_resp:
            grade = band_of(std, o["points"])
            d23 = vals.get("D2.3", {})
            if d23.get("third_party") is not None and d23["third_party"] < 0.5:
                grade = "fail"
                o["adjustments"].append({"rule": "veto", "grade": "fail",
                                         "reason": "一票否决 veto: D2.3 third_party %.4g is below 0.5"
                                                   % d23["third_party"]})
            if i % 13 == 4:
                o["points"] += 2.0
                grade = band_of(std, o["points"]) if grade != "fail" else grade
                o["adjustments"].append({"rule": "bonus", "points": 2.0,
                                         "reason": {"zh": "加分项：获市级学习型组织称号",
                                                    "en": "Bonus: city learning-organization award"}})
        o["grade"] = grade
        ev = t.get("evidence")
        if ev:
            o["evidence"] = ev
            for f in ev.get("flagged", []):
                if f["flag"] not in flags:
                    flags.append(f["flag"])
        o["flags"] = flags
        o["percentile"] = None
        if o["points"] is not None and t.get("bootstrap"):
            lo, hi = o["points"] - 2 - rng.random() * 2, o["points"] + 2 + rng.random() * 2
            p_good = rng.random()
            o["bootstrap"] = {"replicates": 200, "confidence": 0.95, "points_ci": [lo, hi],
                              "undefined": 0,
                              "grades": None if grade is None else
                              {b["grade"]: (p_good if b["grade"] == grade else
                                            (1 - p_good) / (len(std["bands"]) - 1))
                               for b in std["bands"]}}
        out.append(o)
    res["organizations"] = out
    res.pop("batch", None)  # stale once the organizations are replaced
    # batch-level flags the synthetic batch should exercise
    agg = res.get("aggregation", {})
    if "D1.2" in agg:
        agg["D1.2"]["icc1"] = 0.03
        agg["D1.2"]["low_agreement"] = True
    rel = res.get("reliability", {})
    if "D4.2" in rel:
        rel["D4.2"]["likely_keying_errors"] = ["q30"]


# ---- writers --------------------------------------------------------------------------------

LUA_KEYWORDS = set("and break do else elseif end false for function goto if in local nil not "
                   "or repeat return then true until while".split())
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def lua_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 32 or o == 127:
            out.append("\\%03d" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def lua_number(x):
    if isinstance(x, bool):
        raise TypeError
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("non-finite number in the result")
    r = repr(x)
    return r if ("." in r or "e" in r or "n" in r) else r + ".0"


def to_lua(v, out, indent=0, rng=None):
    """A Lua literal; JSON null is left out of objects and written nil in arrays (as the C
    bridge hands JSON null to Lua: absent). With rng, object keys come in a shuffled order:
    Lua's pairs() order then differs, and a report that depends on it shows up as a diff."""
    pad = " " * indent
    if v is None:
        out.append("nil")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, (int, float)):
        out.append(lua_number(v))
    elif isinstance(v, str):
        out.append(lua_string(v))
    elif isinstance(v, list):
        if not v:
            out.append("{}")
            return
        out.append("{\n")
        for x in v:
            out.append(pad + " ")
            to_lua(x, out, indent + 1, rng)
            out.append(",\n")
        out.append(pad + "}")
    elif isinstance(v, dict):
        items = [(k, x) for k, x in v.items() if x is not None]
        if rng:
            for i in range(len(items) - 1, 0, -1):  # Fisher-Yates with the fixed PRNG
                j = rng.below(i + 1)
                items[i], items[j] = items[j], items[i]
        if not items:
            out.append("{}")
            return
        out.append("{\n")
        for k, x in items:
            key = k if IDENT.match(k) and k not in LUA_KEYWORDS else "[" + lua_string(k) + "]"
            out.append(pad + " " + key + " = ")
            to_lua(x, out, indent + 1, rng)
            out.append(",\n")
        out.append(pad + "}")
    else:
        raise TypeError(type(v))


def shuffled(v, rng):
    """v with the keys of every object in a shuffled order (Fisher-Yates, the fixed PRNG)."""
    if isinstance(v, list):
        return [shuffled(x, rng) for x in v]
    if isinstance(v, dict):
        items = list(v.items())
        for i in range(len(items) - 1, 0, -1):
            j = rng.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return {k: shuffled(x, rng) for k, x in items}
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="source", help="a saved JSON result (default: run lotk)")
    ap.add_argument("--lotk", default=os.path.join(ROOT, "build", "lotk"))
    ap.add_argument("--standard", help="the standard's YAML (default: standards/ID.yaml)")
    ap.add_argument("--generate", type=int, default=0)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--org", action="append", help="keep only these organizations (as --org)")
    ap.add_argument("--json", required=True)
    ap.add_argument("--lua", help="also write the table as a Lua literal (for harness.lua)")
    ap.add_argument("--shuffle-keys", type=int, metavar="SEED",
                    help="write the keys in a shuffled order (pairs() order test)")
    a = ap.parse_args()

    if a.source:
        with open(a.source, encoding="utf-8") as f:
            res = json.load(f)
    else:
        text = subprocess.run([a.lotk] + SAMPLE, cwd=ROOT, check=True, capture_output=True).stdout
        res = json.loads(text)
    if "nodes" not in res["standard"] or a.standard:
        # a result from before the C side wrote the standard's tree: computed from the YAML
        import yaml  # python3-yaml, needed only then
        std_path = a.standard or os.path.join(ROOT, "standards", res["standard"]["id"] + ".yaml")
        with open(std_path, encoding="utf-8") as f:
            std = yaml.safe_load(f)
        augment_standard(res, std)
    if a.generate:
        generate(res, a.generate, a.seed)
    augment_batch(res, a.org)
    if a.org:
        res["organizations"] = [o for o in res["organizations"] if o["id"] in a.org]

    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(shuffled(res, Rng(a.shuffle_keys)) if a.shuffle_keys is not None else res,
                  f, ensure_ascii=False, indent=1)
        f.write("\n")
    if a.lua:
        out = ["-- generated by tests/report/make-fixture.py; do not edit\nreturn "]
        to_lua(res, out, 0, Rng(a.shuffle_keys) if a.shuffle_keys is not None else None)
        out.append("\n")
        with open(a.lua, "w", encoding="utf-8") as f:
            f.write("".join(out))


if __name__ == "__main__":
    main()
