#!/usr/bin/env python3
"""check-examples.py LOTK ROOT — every YAML example in ROOT/docs/*.md and ROOT/README.md goes
through `lotk check`, so that no example in the documentation is a standard lotk refuses.

A ```yaml block that holds `format: lotk/1` is a whole standard and is checked as it is. Any
other block is a fragment and is checked in the place it describes, inside a shipped standard
(standards/enterprise.yaml unless a marker names another):
  - top-level keys (`rules:`, `evidence:`, `version:` …) replace those keys of the standard;
  - an indented indicator (`- id: D2.4` …) replaces the indicator of that id;
  - any other indented key (`rubric:` …) replaces that key of the indicator a marker names.
A marker is an HTML comment on the line before the block:
  <!-- lotk check: in standards/family.yaml -->       check the fragment in another standard
  <!-- lotk check: in standards/enterprise.yaml at D2.3 -->   …inside indicator D2.3
  <!-- lotk check: skip: REASON -->                    not checked (say why)
A fragment checked in a standard under tests/docs/ gets that folder's plugins/ and rules/
beside it, so that examples may name plugins (by name or path) that lotk does not ship.

The check passes when `lotk check -q` prints nothing and exits 0: no error and no warning.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = re.compile(r"<!--\s*lotk check:\s*(.*?)\s*-->")


def blocks(path):
    """(lang, first line number, text, marker) of every fenced block of path."""
    out, lines = [], open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w+)\s*$", lines[i])
        if not m:
            i += 1
            continue
        prev = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        mark = MARK.search(prev)
        start, i = i + 1, i + 1
        while i < len(lines) and not lines[i].startswith("```"):
            i += 1
        out.append((m.group(1), start + 1, "\n".join(lines[start:i]) + "\n",
                    mark.group(1) if mark else None))
        i += 1
    return out


def dedent(text):
    rows = [r for r in text.split("\n") if r.strip()]
    cut = min(len(r) - len(r.lstrip(" ")) for r in rows)
    return "\n".join(r[cut:] for r in text.split("\n")) , cut


def key_blocks(text):
    """Top-level key → its lines (the key's line and every line under it)."""
    out, key = {}, None
    for line in text.split("\n"):
        m = re.match(r"^([A-Za-z_][\w-]*):", line)
        if m:
            key = m.group(1)
            out.setdefault(key, [])
        if key:
            out[key].append(line)
    return out


def replace_top(base, fragment):
    frag = key_blocks(fragment)
    out, skipping = [], False
    for line in base.split("\n"):
        m = re.match(r"^([A-Za-z_][\w-]*):", line)
        if m or (line and not line.startswith((" ", "#"))):
            skipping = bool(m) and m.group(1) in frag
        if not skipping:
            out.append(line)
    return "\n".join(out).rstrip("\n") + "\n" + fragment


def find_block(lines, pattern):
    """The first line matching pattern and the end of the block it starts (by indentation)."""
    for i, line in enumerate(lines):
        if re.match(pattern, line):
            indent = len(line) - len(line.lstrip(" "))
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or
                                      len(lines[j]) - len(lines[j].lstrip(" ")) > indent):
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1
            return i, j, indent
    return None


def replace_indicator(base, fragment, where):
    text, _ = dedent(fragment)
    m = re.match(r"^- (?:\{)?id: ([\w.-]+)", text.lstrip("\n"))
    ident = m.group(1)
    lines = base.split("\n")
    found = find_block(lines, r"^\s*- (?:\{)?id: " + re.escape(ident) + r"\b")
    if not found:
        sys.exit(f"{where}: the example's indicator {ident} is not in the standard it is "
                 "checked in; add a marker (<!-- lotk check: in FILE -->)")
    i, j, indent = found
    body = [(" " * indent + r) if r.strip() else r for r in text.strip("\n").split("\n")]
    return "\n".join(lines[:i] + body + lines[j:])


def replace_inner(base, fragment, ident, where):
    text, _ = dedent(fragment)
    key = re.match(r"^([\w-]+):", text.lstrip("\n")).group(1)
    lines = base.split("\n")
    found = find_block(lines, r"^\s*- id: " + re.escape(ident) + r"\s*$")
    if not found:
        sys.exit(f"{where}: no indicator {ident} (written `- id: {ident}`) to check the "
                 "example in")
    i, j, indent = found
    inner = find_block(lines[i:j], r"^\s*" + re.escape(key) + ":")
    body_indent = indent + 2
    body = [(" " * body_indent + r) if r.strip() else r for r in text.strip("\n").split("\n")]
    if inner:
        a, b, _ = inner
        return "\n".join(lines[:i + a] + body + lines[i + b:])
    return "\n".join(lines[:j] + body + lines[j:])


def main():
    lotk, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    pages = sorted(os.path.join(root, "docs", f) for f in os.listdir(os.path.join(root, "docs"))
                   if f.endswith(".md"))
    pages.append(os.path.join(root, "README.md"))
    problems, checked = [], 0
    for page in pages:
        rel = os.path.relpath(page, root)
        found = blocks(page)
        for lang, line, text, mark in found:
            if lang != "yaml":
                continue
            where = f"{rel}:{line}"
            if mark and mark.startswith("skip"):
                continue
            base_path, at = "standards/enterprise.yaml", None
            if mark:
                m = re.match(r"in (\S+)(?: at (\S+))?$", mark)
                if not m:
                    problems.append(f"{where}: marker not understood: {mark}")
                    continue
                base_path, at = m.group(1), m.group(2)
            if re.search(r"^format: lotk/1", text, re.M):
                standard = text
            else:
                base = open(os.path.join(root, base_path), encoding="utf-8").read()
                first = next(r for r in text.split("\n") if r.strip() and
                             not r.lstrip().startswith("#"))
                if not first.startswith(" ") and not first.startswith("- "):
                    standard = replace_top(base, text)
                elif re.match(r"^\s*- (\{)?id:", first):
                    standard = replace_indicator(base, text, where)
                elif at:
                    standard = replace_inner(base, text, at, where)
                else:
                    problems.append(f"{where}: a fragment that is neither top-level keys nor "
                                    "an indicator needs a marker naming its indicator "
                                    "(<!-- lotk check: in FILE at ID -->)")
                    continue
            with tempfile.TemporaryDirectory() as tmp:
                if base_path.startswith("tests/docs/"):
                    for sub in ("plugins", "rules"):
                        src = os.path.join(root, "tests/docs", sub)
                        if os.path.isdir(src):
                            shutil.copytree(src, os.path.join(tmp, sub))
                path = os.path.join(tmp, "example.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(standard)
                run = subprocess.run([lotk, "check", "-q", path], capture_output=True,
                                     text=True, cwd=root)
                checked += 1
                if run.returncode != 0 or run.stdout or run.stderr:
                    said = (run.stderr + run.stdout).replace(path, "example.yaml").strip()
                    problems.append(f"{where}: lotk check (exit {run.returncode}):\n    " +
                                    said.replace("\n", "\n    "))
    for p in problems:
        print(p)
    if problems:
        print(f"check-examples: {len(problems)} of the YAML examples in the docs fail lotk check")
        return 1
    print(f"check-examples: {checked} YAML examples pass lotk check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
