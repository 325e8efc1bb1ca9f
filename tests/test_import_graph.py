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


def _package_roots() -> dict[str, Path]:
    """motionhub and the packages installed under its name from other folders (heads/, tasks/ of the repository)."""
    import motionhub.heads
    import motionhub.tasks

    return {"motionhub": ROOT, "motionhub.heads": Path(motionhub.heads.__file__).resolve().parent,
            "motionhub.tasks": Path(motionhub.tasks.__file__).resolve().parent}


def _modules() -> dict[str, Path]:
    mods = {}
    for package, folder in _package_roots().items():
        for path in folder.rglob("*.py"):
            parts = (*package.split("."), *path.relative_to(folder).with_suffix("").parts)
            mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
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
    owners = [p.name for p in _modules().values() if "(pickle.Unpickler)" in p.read_text()]
    assert owners == ["safe_pickle.py"], owners


def test_pipelines_heads_and_export_read_the_encoder_contract_not_getattr_defaults():
    """What an encoder provides is declared (motionhub.configuration_utils.MotionEncoderConfig), read as attributes."""
    import re

    pattern = re.compile(r"getattr\((self\.|model\.)?config\s*,")
    roots = _package_roots()
    places = [ROOT / "pipelines", roots["motionhub.heads"], ROOT / "export", roots["motionhub.tasks"], ROOT / "runner.py"]
    assert all(place.exists() for place in places), places
    files = [p for place in places for p in ([place] if place.is_file() else place.rglob("*.py"))]
    found = [f"{p.relative_to(ROOT)}:{i}" for p in files for i, line in enumerate(p.read_text().splitlines(), 1)
             if pattern.search(line)]
    assert not found, found


def test_every_family_config_implements_the_encoder_contract():
    from motionhub.auto import encoder_families
    from motionhub.configuration_utils import MotionEncoderConfig
    from transformers import AutoConfig

    import motionhub

    motionhub.register()
    for family in encoder_families():
        config = AutoConfig.for_model(family)
        assert isinstance(config, MotionEncoderConfig), family
        for name in ("maxlen", "fixed_length", "frame_feature_size", "representation_size", "dim_in", "dim_out",
                     "num_joints", "joint_layout", "input_normalization", "output_units", "root_relative"):
            getattr(config, name)  # raises for a family that does not provide it
