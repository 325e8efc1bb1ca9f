# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""motionhub's modules are layered one way (issue 27): no import cycle among them, counting the imports inside
functions too (a lazy import is still a dependency), and encoders import no heads, tasks, formats, pipelines or CLI.
The graph is read from the source (ast), so it sees every import statement; `importlib.import_module` calls (plugin
discovery in auto.register_all) are not edges, and the TYPE_CHECKING block of the package facade is skipped."""

from __future__ import annotations

import ast
from pathlib import Path

import motionhub

ROOT = Path(motionhub.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):  # `if TYPE_CHECKING:` blocks are for type checkers only
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in mods else module for a in node.names]
        for target in targets:
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("motionhub"):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {name: _imports(name, path, mods) for name, path in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_among_motionhub_modules():
    graph = _graph()
    cycles = _cycles(graph)
    detail = [f"{a} -> {b}" for comp in cycles for a in comp for b in sorted(graph[a] & set(comp))]
    assert not cycles, "import cycles:\n" + "\n".join(detail)


def test_encoders_import_no_layer_above_them():
    above = ("motionhub.heads", "motionhub.tasks", "motionhub.formats", "motionhub.pipelines", "motionhub.cli",
             "motionhub.commands", "motionhub.hub", "motionhub.conversion")
    bad = [f"{m} -> {t}" for m, targets in _graph().items() if m.startswith("motionhub.encoders")
           for t in targets if t.startswith(above)]
    assert not bad, bad


def test_one_restricted_unpickler():
    """Pickles are read by motionhub.safe_pickle alone (issue 27: formats and body each had their own)."""
    owners = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py") if "(pickle.Unpickler)" in p.read_text()]
    assert owners == ["safe_pickle.py"], owners
