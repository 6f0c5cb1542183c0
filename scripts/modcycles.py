#!/usr/bin/env python3
"""Find import cycles among the core's modules (issue #12: "no import cycles").

Reads every `src/**/*.rs` of the core library (not the CLI under `src/bin/`),
maps each file to its module path (`src/verify/engine.rs` -> `verify::engine`),
collects the modules it names (`crate::a::b`, `super::x`, `use crate::{a, b}`,
`self::x` inside a `mod.rs`), and reports every strongly connected component
of more than one module at two levels:

- top level: edges between distinct top-level modules (`import` -> `verify`);
- siblings: edges between modules with the same parent (`verify::engine` ->
  `verify::presentation`). A child naming its own parent (`super::Foo` for an
  item the parent defines) is the usual Rust layout and is not counted.

Exit 1 if any cycle is found. Usage: python3 scripts/modcycles.py [--graph]
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


def strip_comments(src):
    # One pass over comments, string and char literals, so that `"https://…"`
    # is a string (not a comment) and `// "` is a comment (not a string).
    tok = re.compile(r"""//[^\n]*|/\*.*?\*/|r#*"|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])'""", re.S)
    out, i = [], 0
    while True:
        m = tok.search(src, i)
        if not m:
            out.append(src[i:])
            return "".join(out)
        out.append(src[i:m.start()])
        t = m.group(0)
        if t.startswith("r"):
            hashes = t[1:-1]
            end = src.find('"' + hashes, m.end())
            i = len(src) if end < 0 else end + 1 + len(hashes)
            out.append('""')
            continue
        out.append('""' if t[0] in "\"'" else " ")
        i = m.end()


def expand_use_groups(src):
    """`crate::{a, b::c}` -> `crate::a crate::b::c` (one level of braces, nested handled iteratively)."""
    pat = re.compile(r"((?:crate|super|self)(?:::\w+)*)::\{([^{}]*)\}")
    while True:
        new = pat.sub(lambda m: " ".join(m.group(1) + "::" + p.strip() for p in m.group(2).split(",") if p.strip()), src)
        if new == src:
            return src
        src = new


def refs(mod, src, modules):
    out = set()
    src = expand_use_groups(strip_comments(src))
    for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", src):
        parts = m.group(1).split("::")
        if parts[0] == "crate":
            base, rest = (), parts[1:]
        else:
            base = list(mod)
            is_mod_rs = mod in dirs
            rest = parts
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    # in `a/b.rs` super is `a`; in `a/b/mod.rs` (module a::b) super is `a` too
                    base = base[:-1]
                elif not is_mod_rs:
                    pass  # self inside a file module is the module itself
                rest = rest[1:]
            base = tuple(base)
        # longest prefix that is a module
        best = None
        for i in range(len(rest), -1, -1):
            cand = base + tuple(rest[:i])
            if cand in modules:
                best = cand
                break
        if best is not None and best != mod:
            out.add(best)
    return out


files = []
for d, _, fs in os.walk(ROOT):
    if os.path.relpath(d, ROOT).split(os.sep)[0] == "bin":
        continue
    for f in fs:
        if f.endswith(".rs") and not (d == ROOT and f == "main.rs"):
            files.append(os.path.join(d, f))
modules = {module_of(f): f for f in files}
dirs = {module_of(f) for f in files if f.endswith("mod.rs")} | {m for m in modules if any(o[:len(m)] == m and len(o) > len(m) for o in modules)}

edges = {m: set() for m in modules}
for m, f in modules.items():
    with open(f, encoding="utf-8") as fh:
        edges[m] = refs(m, fh.read(), modules)


def sccs(nodes, adj):
    index, low, stack, on, res, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in adj.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            res.append(comp)

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return [c for c in res if len(c) > 1]


def name(m):
    return "::".join(m) or "crate"


found = []
# top level
top = {}
for m, ts in edges.items():
    if not m:
        continue
    for t in ts:
        if t and t[0] != m[0]:
            top.setdefault(m[0], set()).add(t[0])
tops = sorted({m[0] for m in modules if m})
for c in sccs(tops, top):
    found.append("top-level cycle: " + " <-> ".join(sorted(c)))
# siblings
by_parent = {}
for m in modules:
    if m:
        by_parent.setdefault(m[:-1], []).append(m)
for parent, kids in by_parent.items():
    if not parent:
        continue  # the top level is reported above
    adj = {}
    for k in kids:
        for t in edges[k]:
            # a reference to any module below a sibling counts as one to the sibling
            if len(t) > len(parent) and t[:len(parent)] == parent:
                s = t[:len(parent) + 1]
                if s != k and s in modules:
                    adj.setdefault(k, set()).add(s)
    for c in sccs(sorted(kids), adj):
        found.append(f"cycle inside {name(parent)}: " + " <-> ".join(sorted(name(x) for x in c)))

if "--graph" in sys.argv:
    for m in sorted(edges):
        print(f"{name(m)} -> {', '.join(sorted(name(t) for t in edges[m]))}")
for f in found:
    print(f)
if found:
    sys.exit(1)
print(f"no import cycles among {len(modules)} core modules (top level and between siblings)")
