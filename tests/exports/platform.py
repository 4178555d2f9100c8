#!/usr/bin/env python3
"""Issue 12: every shipped standard scores the 问卷星 and 腾讯问卷 exports of its sample survey
(tests/exports/platform/, written by scripts/make-exports.py) to the same result as the
canonical sample surveys/<standard>.csv.

usage: platform.py LOTK ROOT

For each standard, `lotk score STANDARD FILE --evidence surveys/STANDARD-evidence.csv -f json`
runs on the canonical file and on both exports, each as it is: no column spec is rewritten and
no answer converted. The JSON results must be equal but for what names the survey file:
the `file` of each rejected row, and the column and wording of a rejected survey row's reason
(an export heads and orders its columns its own way). The rejected rows themselves — which
lines, and whether rejected or screened — must be the same. The CSV results (one row per
organization and node) must be byte-identical.
"""

import json
import os
import subprocess
import sys

STANDARDS = ["agency", "enterprise", "social-group", "public-institution", "community",
             "family", "city"]


def score(lotk, root, std, survey, fmt):
    cmd = [lotk, "score", std, survey, "-f", fmt, "-q"]
    evidence = os.path.join(root, "surveys", std + "-evidence.csv")
    if os.path.exists(evidence):
        cmd += ["--evidence", evidence]
    p = subprocess.run(cmd, cwd=root, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d:\n%s" % (" ".join(cmd), p.returncode,
                                                  p.stderr.decode("utf-8", "replace")))
    return p.stdout


def comparable(data, survey):
    """The JSON result without what names or heads the survey file."""
    doc = json.loads(data)
    for r in doc.get("rejects", []):
        if r.get("file") == survey:
            r.pop("column", None)
            r.pop("reason", None)
        r.pop("file", None)
    return doc


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return "%s: %r vs %r" % (path, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in one" % (path, k)
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d entries" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def main():
    lotk, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    fail = 0
    for std in STANDARDS:
        canonical = os.path.join("surveys", std + ".csv")
        want_json = comparable(score(lotk, root, std, canonical, "json"), canonical)
        want_csv = score(lotk, root, std, canonical, "csv")
        if not want_json["organizations"] or not want_json.get("rejects"):
            print("FAIL: %s: the canonical sample scores no organization or rejects no row"
                  % std)
            fail = 1
        for platform in ("wjx", "tencent"):
            export = os.path.join("tests", "exports", "platform", "%s-%s.csv" % (std, platform))
            try:
                got_json = comparable(score(lotk, root, std, export, "json"), export)
                got_csv = score(lotk, root, std, export, "csv")
            except RuntimeError as e:
                print("FAIL: %s" % e)
                fail = 1
                continue
            d = first_difference(want_json, got_json)
            if d:
                print("FAIL: %s scores differently from %s: %s" % (export, canonical, d))
                fail = 1
            elif got_csv != want_csv:
                print("FAIL: %s: the CSV result differs from %s's" % (export, canonical))
                fail = 1
            else:
                print("ok: %s scores as %s (%d rows, %d rejected, %d organizations)"
                      % (export, canonical, got_json["input"]["rows"],
                         got_json["input"]["rejected"], len(got_json["organizations"])))
    return fail


if __name__ == "__main__":
    sys.exit(main())
