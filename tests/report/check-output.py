#!/usr/bin/python3
"""Checks one rendered report (HTML or Markdown) against its fixture; used by check.sh.

usage: tests/report/check-output.py RESULT.json REPORT.(html|md) LANG MESSAGES
  MESSAGES: core/output/messages.def, or key<TAB>zh<TAB>en lines (harness.lua --messages-tsv)

HTML: well-formed (every opened element closed in order, void elements aside), no external
reference (http://, https://, src=, url(, @import, <script, <link, <iframe, <object, <embed;
links only to #anchors), one section.org per organization of the fixture, each with a radar
and a bars <svg> carrying role="img", aria-label and a <title>, and every table header cell
with a scope.
Markdown: no URL; every table row has as many cells as its header (an unescaped | in data
would add one).
Both: no placeholder or Lua value left over (%s, %d, nil, NaN, inf); in a zh report no
English message (the en column of messages.def, where it differs from zh); in an en report no
CJK character except inside text the result table itself provides (standard titles, evidence,
notes, names, reasons). Prints "check-output: FAIL: ..." lines and exits 1 on any failure.
"""

import json
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
CJK = re.compile("[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf"
                 "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
EXTERNAL = ["http://", "https://", "src=", "url(", "@import", "<script", "<link", "<iframe",
            "<object", "<embed", "javascript:", "//cdn"]


class Doc(HTMLParser):
    """Collects structure problems, the visible text (and the text of title/aria-label, which
    readers hear), and per organization section the charts it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.text = [], [], []
        self.sections, self.current = [], None
        self.section_depth = None
        self.svg = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._attrs(tag, a)
        if tag in VOID:
            return
        self.stack.append(tag)
        cls = (a.get("class") or "").split()
        if tag == "section" and "org" in cls:
            self.current = {"id": a.get("id"), "charts": []}
            self.sections.append(self.current)
            self.section_depth = len(self.stack)
        if tag == "svg":
            self.svg = {"classes": cls, "role": a.get("role"), "label": a.get("aria-label"),
                        "title": False}
            if self.current is not None:
                self.current["charts"].append(self.svg)
            elif "chart" in cls:
                self.svg["batch"] = True
        if tag == "title" and self.svg is not None:
            self.svg["title"] = True
        if tag == "th" and "scope" not in a:
            self.problems.append("a <th> without scope (line %d)" % self.getpos()[0])

    def handle_startendtag(self, tag, attrs):
        self._attrs(tag, dict(attrs))

    def _attrs(self, tag, a):
        for k in ("title", "aria-label", "alt"):
            if a.get(k):
                self.text.append(a[k])
        href = a.get("href")
        if href is not None and not href.startswith("#"):
            self.problems.append("a link that leaves the page: %s" % href)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> at line %d closes <%s>" %
                                 (tag, self.getpos()[0], self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "svg":
            self.svg = None
        if tag == "section" and self.section_depth is not None and len(self.stack) < self.section_depth:
            self.current, self.section_depth = None, None

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            return
        self.text.append(data)


def strings_of(v, out):
    """Every string in the result table: what the report may show as the data gave it."""
    if isinstance(v, str):
        out.add(v)
    elif isinstance(v, dict):
        for x in v.values():
            strings_of(x, out)
    elif isinstance(v, list):
        for x in v:
            strings_of(x, out)
    return out


def without_data(text, data):
    """The text with every data-provided string cut out, longest first, so what is left is
    what the plugin and the message table wrote. A string is cut only where it stands as
    whole words: the language code "en" of standard.languages must not cut "Strengths"."""
    parts = sorted((s for s in data if s.strip()), key=len, reverse=True)
    if not parts:
        return text
    rx = re.compile(r"(?<![A-Za-z0-9])(?:%s)(?![A-Za-z0-9])" % "|".join(re.escape(s) for s in parts))
    return rx.sub("\x00", text)


def md_unescape(s):
    s = re.sub(r"\\([\\`*_\[\]#|])", r"\1", s)
    return s.replace("&lt;", "<").replace("&gt;", ">")


def main():
    fixture, report, lang, tsv = sys.argv[1:5]
    res = json.load(open(fixture, encoding="utf-8"))
    raw = open(report, encoding="utf-8").read()
    messages = []
    if tsv.endswith(".def"):
        text_def = open(tsv, encoding="utf-8").read()
        for m in re.finditer(r'^M\((\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)', text_def, re.M):
            unescape = lambda t: re.sub(r'\\(.)', lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), t)
            messages.append((m.group(1), unescape(m.group(2)), unescape(m.group(3))))
        if not messages:
            print("check-output: no messages in %s" % tsv)
            sys.exit(2)
    else:
        for line in open(tsv, encoding="utf-8"):
            key, zh, en = line.rstrip("\n").split("\t")
            messages.append((key, zh, en))
    failures = []
    is_html = report.endswith(".html")
    n_orgs = len(res["organizations"])

    if is_html:
        doc = Doc()
        doc.feed(raw)
        doc.close()
        failures += doc.problems
        if doc.stack:
            failures.append("unclosed elements at the end: " + " ".join(doc.stack))
        low = raw.lower()
        for bad in EXTERNAL:
            if bad in low:
                i = low.index(bad)
                failures.append("external reference %r: …%s…" % (bad, raw[max(0, i - 40):i + 40]))
        if len(doc.sections) != n_orgs:
            failures.append("%d organization sections, the fixture has %d organizations"
                            % (len(doc.sections), n_orgs))
        for sec in doc.sections:
            kinds = [c for c in sec["charts"] if "chart" in c["classes"]]
            for want in ("radar", "bars"):
                got = [c for c in kinds if want in c["classes"]]
                if len(got) != 1:
                    failures.append("%s: %d %s charts, expected 1" % (sec["id"], len(got), want))
            for c in kinds:
                if c["role"] != "img" or not c["label"] or not c["title"]:
                    failures.append("%s: a chart without role=img, aria-label or <title>" % sec["id"])
        text = "\n".join(doc.text)
        if '<html lang="%s' % ("zh" if lang == "zh" else "en") not in raw:
            failures.append("the <html lang> attribute does not say %s" % lang)
    else:
        for bad in ("http://", "https://", "<script", "<img", "<iframe"):
            if bad in raw:
                failures.append("markdown contains %r" % bad)
        lines = raw.split("\n")
        cols = None
        for i, line in enumerate(lines, 1):
            if line.startswith("|"):
                cells = len(re.findall(r"(?<!\\)\|", line)) - 1
                if cols is None:
                    cols = cells
                elif cells != cols:
                    failures.append("line %d: %d cells, the table's header has %d" % (i, cells, cols))
            else:
                cols = None
        if not raw.endswith("\n") or raw.endswith("\n\n"):
            failures.append("the file does not end with exactly one newline")
        text = md_unescape(raw)

    data = strings_of(res, set())
    own = without_data(text, data)
    for leftover in (r"%[sd]", r"\bnil\b", r"\bNaN\b", r"\bnan\b", r"\b-?inf\b", r"%!"):
        m = re.search(leftover, own)
        if m:
            failures.append("left over %r: …%s…" % (m.group(0), own[max(0, m.start() - 40):m.end() + 40]))

    if lang == "zh":
        frags = {}
        for key, zh, en in messages:
            if en == zh:
                continue
            for frag in re.split(r"%[-+ #0-9.]*[sd%]", en):
                frag = frag.strip(" .,:;()")
                # a symbol both columns use (rwg(j), ICC(1)) is not English
                letters = " ".join(t for t in re.split(r"[\s,.:;]+", frag) if t and t not in zh)
                if len(re.sub(r"[^A-Za-z]", "", letters)) < 4:
                    continue
                frags.setdefault(frag, key)
        # one pass over the text for all of them, longest first
        rx = re.compile(r"(?<![A-Za-z])(?:%s)(?![A-Za-z])"
                        % "|".join(re.escape(f) for f in sorted(frags, key=len, reverse=True)))
        seen = set()
        for m in rx.finditer(own):
            if m.group(0) not in seen:
                seen.add(m.group(0))
                failures.append("English message %s (%r) in the zh report"
                                % (frags[m.group(0)], m.group(0)))
    else:
        for m in CJK.finditer(own):
            ctx_ = own[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
            failures.append("CJK text not from the result table in the en report: …%s…" % ctx_)
            break

    for f in failures[:40]:
        print("check-output: FAIL: %s: %s" % (report, f))
    if len(failures) > 40:
        print("check-output: FAIL: %s: … and %d more" % (report, len(failures) - 40))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
