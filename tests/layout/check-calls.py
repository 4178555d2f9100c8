#!/usr/bin/env python3
"""The calls between core/'s modules go one way (core/README.md).

Usage: check-calls.py LIBRARY.a

Reads the symbols each object file of the core library defines and uses (nm), and fails
when a module uses a function or variable of a module in a higher tier, or when modules
call each other in a circle (a cycle in the graph of "uses a symbol of"). Prints each
violation with the symbols behind it. Looks at the built objects rather than the includes,
so a declaration copied into a file by hand does not hide a call.
"""
import subprocess
import sys

TIERS = ["base", "standard", "lua", "input", "score", "analysis", "output", "cli"]


def symbols(lib):
    out = subprocess.run(["nm", "-A", "--defined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    defined = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3 or parts[-2] not in "TDBRtdbrVWC":
            continue
        obj = parts[0].split(":")[1]
        if parts[-2].isupper():
            defined[parts[-1]] = obj
    out = subprocess.run(["nm", "-A", "--undefined-only", lib], capture_output=True,
                         text=True, check=True).stdout
    used = {}
    for line in out.splitlines():
        parts = line.split()
        obj = parts[0].split(":")[1]
        used.setdefault(obj, set()).add(parts[-1])
    return defined, used


def module(obj):
    """core/score/stats.c.o → ('score', 'score/stats')"""
    path = obj.replace(".c.o", "").replace(".cc.o", "").replace(".o", "")
    return path


def main():
    lib = sys.argv[1]
    defined, used = symbols(lib)
    # Object names lose their folder in an archive: map them back through the build's
    # naming (CMake keeps the source path in the object name under CMakeFiles/...).
    members = subprocess.run(["ar", "t", lib], capture_output=True, text=True,
                             check=True).stdout.split()
    tier_of = {}
    for m in members:
        tier_of[m] = None
    # The objects carry the tier in a define-less way: ask which tier's source has the name.
    import glob, os
    core = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core")
    for t in TIERS:
        for src in glob.glob(os.path.join(core, t, "*.c")) + glob.glob(os.path.join(core, t, "*.cc")):
            name = os.path.basename(src) + ".o"
            if name in tier_of:
                if tier_of[name] is not None:
                    print(f"check-calls: {name} is in two tiers; names must be unique")
                    return 1
                tier_of[name] = t
    edges = {}
    bad = 0
    for obj, syms in used.items():
        for sym in syms:
            to = defined.get(sym)
            if not to or to == obj:
                continue
            edges.setdefault(obj, {}).setdefault(to, []).append(sym)
    for a, targets in sorted(edges.items()):
        for b, syms in sorted(targets.items()):
            ta, tb = tier_of.get(a), tier_of.get(b)
            if ta and tb and TIERS.index(tb) > TIERS.index(ta):
                print(f"{ta}/{a[:-2]} uses {tb}/{b[:-2]} (above it): {', '.join(sorted(syms)[:5])}")
                bad = 1
    # Cycles: depth-first search over the module graph.
    state = {}
    stack = []

    def visit(n):
        nonlocal bad
        state[n] = 1
        stack.append(n)
        for m in sorted(edges.get(n, {})):
            if state.get(m) == 1:
                cyc = stack[stack.index(m):] + [m]
                print("circle of calls: " + " → ".join(f"{tier_of.get(x)}/{x[:-2]}" for x in cyc))
                bad = 1
            elif not state.get(m):
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if not state.get(n):
            visit(n)
    if not bad:
        print(f"check-calls: {len(members)} modules, {sum(len(t) for t in edges.values())} "
              "module dependencies, all downward, no circle")
    return bad


if __name__ == "__main__":
    sys.exit(main())
