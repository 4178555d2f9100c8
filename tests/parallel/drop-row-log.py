#!/usr/bin/env python3
"""drop-row-log.py IN OUT — a lotk JSON result without what only a run that read the rows
itself can give: the "rejects" list and the organizations' "screened" counts taken from it
(a merged result has neither: partial files carry no row log). Written back in lotk's
layout order, so that two results compare with cmp."""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
doc.pop("rejects", None)
doc.pop("rejects_not_listed", None)
for org in doc.get("organizations", []):
    org.pop("screened", None)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=2, sort_keys=False)
