#!/usr/bin/env python3
"""Builds tests/xlsx/enterprise-result.json: lotk's JSON result plus the fields that
specs/report-table.md adds (issue 11), until the C side adds them itself.

Regenerate from the repository root (with a built lotk):

    build/lotk score enterprise surveys/enterprise.csv --evidence surveys/enterprise-evidence.csv \
        --evidence surveys/enterprise-self-evidence.csv -q -f json --bootstrap 100 \
        --rejects /tmp/rejects.csv > /tmp/result.json
    tests/xlsx/make-fixture.py /tmp/result.json standards/enterprise.yaml /tmp/rejects.csv \
        > tests/xlsx/enterprise-result.json

The added fields are computed here the way the spec defines them (shares, medians, ranks
with ties sharing the better position). One organization is given a name so that the
workbook's name column is exercised; the samples carry none.
"""
import csv
import json
import statistics
import sys

import yaml


def rubric_scale(node):
    """Scale and rubric kind of an evidence leaf, as the standard loader reads them."""
    rubric = node.get("rubric", {})
    if "levels" in rubric:
        values = [lv["value"] for lv in rubric["levels"]]
        return {"min": float(min(values)), "max": float(max(values))}, "levels"
    if "fact" in rubric:
        return {"min": 0.0, "max": 1.0}, "fact"
    return {"min": 0.0, "max": 1.0}, "yes_no"


def walk(std, children, parent, level, share, points, out):
    total = sum(float(c.get("weight", 1)) for c in children)
    for c in children:
        w = float(c.get("weight", 1))
        s = share * w / total
        node = {"id": c["id"], "parent": parent, "level": level, "title": c["title"],
                "weight": w, "share": s, "max_points": points * s}
        kids = c.get("indicators")
        if kids:
            node["source"] = "inner"
            node["children"] = [k["id"] for k in kids]
        elif c.get("source") == "evidence":
            node["source"] = "evidence"
            node["scale"], node["rubric"] = rubric_scale(c)
            node["binary"] = node["rubric"] == "yes_no"
        else:
            sc = std["scales"][c["items"][0]["scale"]]
            node["source"] = "survey"
            node["scale"] = {"min": float(sc["min"]), "max": float(sc["max"])}
            node["items"] = len(c["items"])
        out.append(node)
        if kids:
            walk(std, kids, c["id"], level + 1, s, points, out)


def add_standard(res, std):
    s = res["standard"]
    points = float(std.get("points", 100))
    s["kind"] = std["kind"]
    s["title"] = std["title"]
    s["points"] = points
    s["languages"] = list(std["title"].keys())
    s["bands"] = [{"grade": b["grade"], "min": float(b["min"]), "label": b["label"]}
                  for b in std["bands"]]
    s["thresholds"] = {"min_respondents": std["survey"]["min_respondents"],
                       "rwg_j": 0.7, "icc1": 0.05, "icc2": 0.7}
    nodes = []
    walk(std, std["indicators"], None, 1, 1.0, points, nodes)
    s["nodes"] = nodes


def add_batch(res):
    orgs = res["organizations"]
    ranked = sorted((o for o in orgs if o["points"] is not None), key=lambda o: -o["points"])
    for i, o in enumerate(ranked):
        better = [p for p in ranked if p["points"] > o["points"]]
        o["rank"] = {"position": len(better) + 1, "of": len(ranked)}
    for o in orgs:
        o["screened"] = 0
    counts = {}
    for o in orgs:
        if o["grade"] is not None:
            counts[o["grade"]] = counts.get(o["grade"], 0) + 1
    grades = [{"grade": b["grade"], "count": counts.get(b["grade"], 0)}
              for b in res["standard"]["bands"]]
    median_nodes = {}
    for n in res["standard"]["nodes"]:
        norms = [o["nodes"][n["id"]]["norm"] for o in orgs
                 if o["nodes"].get(n["id"], {}).get("norm") is not None]
        pts = [o["nodes"][n["id"]]["points"] for o in orgs
               if o["nodes"].get(n["id"], {}).get("points") is not None]
        if norms:
            median_nodes[n["id"]] = {"norm": statistics.median(norms),
                                     "points": statistics.median(pts)}
    res["batch"] = {
        "organizations": len(orgs), "ranked": len(ranked), "grades": grades,
        "ungraded": sum(1 for o in orgs if o["grade"] is None),
        "median": {"points": statistics.median([o["points"] for o in ranked]),
                   "nodes": median_nodes},
    }


def add_rejects(res, path):
    rejects = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rejects.append({"file": row["file"], "line": int(row["line"]),
                            "column": int(row["column"]), "reason": row["reason"]})
    res["rejects"] = rejects


def main():
    res = json.load(open(sys.argv[1], encoding="utf-8"))
    std = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
    add_standard(res, std)
    add_batch(res)
    add_rejects(res, sys.argv[3])
    res["organizations"][0]["name"] = "示例机械制造有限公司"
    json.dump(res, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


main()
