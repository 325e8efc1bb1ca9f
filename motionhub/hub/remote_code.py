# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Remote code: copies of the real source files a model class needs, so that plain transformers loads it with
``trust_remote_code=True`` where motionhub is not installed (:func:`bundle_remote_code`)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import os
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .cards import task_for
from .constants import LIBRARY_NAME, motionhub_version

__all__ = ["RemoteCodeError", "add_remote_code", "bundle_remote_code"]


class RemoteCodeError(RuntimeError):
    """A motionhub module cannot be turned into self-contained remote code (the message says which import)."""


@dataclass
class _Import:
    kind: str  # "attr" (from module import name as bound) or "module" (bind a module object)
    module: str
    name: str | None
    bound: str


def _is_package(module_name: str) -> bool:
    return hasattr(importlib.import_module(module_name), "__path__")


def _package_of(module_name: str) -> str:
    return module_name if _is_package(module_name) else module_name.rpartition(".")[0]


def _resolve_node(node: ast.AST, current: str) -> list[_Import] | None:
    """motionhub imports of one import statement, resolved to defining modules; None for external imports."""
    if isinstance(node, ast.Import):
        out = []
        for alias in node.names:
            if alias.name.split(".")[0] != LIBRARY_NAME:
                continue
            if alias.asname is None:
                raise RemoteCodeError(f"{current}: `import {alias.name}` binds the name 'motionhub'; use "
                                      f"`from {alias.name.rpartition('.')[0]} import {alias.name.rpartition('.')[2]}`")
            if _is_package(alias.name):
                raise RemoteCodeError(f"{current}: `import {alias.name} as {alias.asname}` imports a package; import "
                                      "the names you need from their defining modules")
            out.append(_Import("module", alias.name, None, alias.asname))
        if out and len(out) != len(node.names):
            raise RemoteCodeError(f"{current}: mixes motionhub and other modules in one import statement (line "
                                  f"{node.lineno}); split it")
        return out or None
    if not isinstance(node, ast.ImportFrom):
        return None
    if node.level:
        base = importlib.util.resolve_name("." * node.level + (node.module or ""), _package_of(current))
    else:
        base = node.module or ""
    if base.split(".")[0] != LIBRARY_NAME:
        return None
    base_module = importlib.import_module(base)
    out = []
    for alias in node.names:
        bound = alias.asname or alias.name
        if alias.name == "*":
            raise RemoteCodeError(f"{current}: `from {base} import *` cannot be bundled; import names explicitly")
        sub = f"{base}.{alias.name}"
        if _is_package(base) and importlib.util.find_spec(sub) is not None:
            if _is_package(sub):
                raise RemoteCodeError(f"{current}: imports the package {sub}; import names from its modules instead")
            out.append(_Import("module", sub, None, bound))
            continue
        if not hasattr(base_module, alias.name):
            raise RemoteCodeError(f"{current}: {base} has no attribute {alias.name!r}")
        if not _is_package(base):
            out.append(_Import("attr", base, alias.name, bound))
            continue
        obj = getattr(base_module, alias.name)
        owner = getattr(obj, "__module__", None)
        if owner and owner.split(".")[0] == LIBRARY_NAME and not _is_package(owner):
            owner_module = sys.modules[owner]
            for candidate in (alias.name, getattr(obj, "__name__", None)):
                if candidate and getattr(owner_module, candidate, None) is obj:
                    out.append(_Import("attr", owner, candidate, bound))
                    break
            else:
                owner = None
        else:
            owner = None
        if owner is None:
            raise RemoteCodeError(f"{current}: cannot tell which module defines {base}.{alias.name}; import it from "
                                  "its defining module")
    return out


def _module_source(module_name: str) -> str:
    module = importlib.import_module(module_name)
    path = inspect.getsourcefile(module)
    if path is None:
        raise RemoteCodeError(f"{module_name} has no Python source file to bundle")
    return Path(path).read_text(encoding="utf-8")


@dataclass
class _Unavailable:
    node: ast.stmt
    function: str
    reason: str


def _imports_in(source: str, module_name: str) -> tuple[list[tuple[ast.stmt, list[_Import]]], list[_Unavailable]]:
    """motionhub imports of a module; imports inside functions that cannot be bundled are returned separately."""
    found, unavailable = [], []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                try:
                    resolved = _resolve_node(child, module_name)
                except RemoteCodeError as err:
                    if function is None:
                        raise
                    unavailable.append(_Unavailable(child, function, str(err)))
                    continue
                if resolved:
                    found.append((child, resolved))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, function or child.name)
            else:
                visit(child, function)

    visit(ast.parse(source, filename=module_name), None)
    return found, unavailable


def _import_time_calls(source: str) -> set[str]:
    """Names called while the module executes (module level and class bodies, not function bodies)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for expr in [*child.decorator_list, *child.args.defaults] if not isinstance(child, ast.Lambda) else []:
                    visit(expr)
                continue
            if isinstance(child, ast.Call):
                func = child.func
                if isinstance(func, ast.Name):
                    names.add(func.id)
                elif isinstance(func, ast.Attribute):
                    names.add(func.attr)
            visit(child)

    visit(ast.parse(source))
    return names


def _defined_by_class_statement(cls: type) -> bool:
    """True when ``cls`` is written as a top-level ``class`` statement in the (non-package) module it names."""
    name = cls.__module__
    if name.split(".")[0] != LIBRARY_NAME or _is_package(name):
        return False
    if getattr(sys.modules[name], cls.__name__, None) is not cls:
        return False
    tree = ast.parse(_module_source(name))
    return any(isinstance(node, ast.ClassDef) and node.name == cls.__name__ for node in tree.body)


def _rewrite(
    source: str,
    imports: list[tuple[ast.stmt, list[_Import]]],
    unavailable: list[_Unavailable],
    flat: Mapping[str, str],
    name: str,
) -> str:
    lines = source.splitlines(keepends=True)
    edits: list[tuple[ast.stmt, list[_Import] | _Unavailable]] = [*imports, *((u.node, u) for u in unavailable)]
    for node, resolved in sorted(edits, key=lambda item: item[0].lineno, reverse=True):
        first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
        indent = first[: node.col_offset]
        tail = last.encode("utf-8")[node.end_col_offset:].decode("utf-8").strip()
        if indent.strip() or (tail and not tail.startswith("#")):
            raise RemoteCodeError(f"{name}:{node.lineno}: put the motionhub import on its own line to bundle it")
        if isinstance(resolved, _Unavailable):
            message = f"{resolved.function}() needs the motionhub package (pip install motionhub): {resolved.reason}"
            lines[node.lineno - 1: node.end_lineno] = [f"{indent}raise ImportError({message!r})\n"]
            continue
        new = []
        for imp in resolved:
            target = flat[imp.module]
            if imp.kind == "attr":
                alias = f" as {imp.bound}" if imp.bound != imp.name else ""
                new.append(f"{indent}from .{target} import {imp.name}{alias}\n")
            else:
                # The first line is what transformers' remote-code loader looks for to download {target}.py.
                new.append(f"{indent}from .{target} import __name__ as _bundled_{target}  # noqa: F401\n")
                new.append(f"{indent}from . import {target} as {imp.bound}\n")
        lines[node.lineno - 1: node.end_lineno] = new
    return "".join(lines)


def bundle_remote_code(model_class: type, save_directory: str | os.PathLike | None = None) -> tuple[dict, dict]:
    """Self-contained copies of the modules ``model_class`` (and its config class) need, for ``trust_remote_code``.

    Starting from the modules that define ``model_class`` and ``model_class.config_class``, every motionhub module
    they import (module level, in functions, or under ``TYPE_CHECKING``) is collected. Each one becomes a sibling
    file named after its module (``modeling_dstformer.py``, ``modeling_utils.py``, ...), and its motionhub imports
    (absolute, or relative across packages) are rewritten into ``from .<sibling> import name``, the only form
    transformers' remote-code loader follows. Names imported from a package ``__init__`` are taken from the module
    that defines them, so package ``__init__`` files (which register with the Auto classes) are never bundled. The
    files are the real source files, copied; only their motionhub import lines change. Every ``<Family>For<Task>``
    class is a class statement in its module (:mod:`motionhub.heads`), so the copy defines it as the source does.

    Limits: modules must not read package data files at import time, and imports must be ``from <module> import
    name`` or ``import <module> as alias`` (not star imports, not packages). An import inside a function that breaks
    these rules becomes ``raise ImportError(...)`` in the copy (the function needs motionhub installed); the bundle is
    refused if such a function runs while the modules are imported.

    Args:
        model_class: a motionhub ``PreTrainedModel`` subclass (``type(model)``).
        save_directory: when given, the files are written there.

    Returns:
        ``(files, auto_map)``: ``{filename: source}`` and the ``auto_map`` for ``config.json``
        (``AutoConfig``, ``AutoModel`` -> ``model_class``, and the motionhub task Auto class name when the class is
        registered with one, e.g. ``AutoModelForPoseLifting``).

    Raises:
        RemoteCodeError: an import cannot be expressed as a sibling import (``import motionhub.x`` without alias,
            star imports, package imports, statements sharing a line) or a module has no source.
    """
    config_class = getattr(model_class, "config_class", None)
    if config_class is None:
        raise RemoteCodeError(f"{model_class.__name__} has no config_class; only PreTrainedModel classes are bundled")
    for cls in (config_class, model_class):
        if cls.__module__.split(".")[0] != LIBRARY_NAME:
            raise RemoteCodeError(f"{cls.__name__} is not a motionhub class; only motionhub models get remote code")
    parsed: dict[str, tuple[str, list, list]] = {}
    queue = [config_class.__module__]
    model_module = model_class.__module__
    if not _defined_by_class_statement(model_class):
        raise RemoteCodeError(
            f"{model_class.__name__} is not written as a top-level class statement in {model_module}; only classes "
            "that exist in the source files are bundled (the files are copied, not generated)"
        )
    queue.append(model_module)
    while queue:
        name = queue.pop(0)
        if name in parsed:
            continue
        if _is_package(name):
            raise RemoteCodeError(f"{name} is a package; bundle its modules instead")
        source = _module_source(name)
        parsed[name] = (source, *_imports_in(source, name))
        for _, resolved in parsed[name][1]:
            queue.extend(imp.module for imp in resolved if imp.module not in parsed)
    # A function whose import cannot be bundled raises ImportError when called; it must not run at import time.
    broken = {u.function: (name, u) for name, (_, _, unavailable) in parsed.items() for u in unavailable}
    for name, (source, _, _) in parsed.items():
        for called in sorted(_import_time_calls(source) & set(broken)):
            owner, u = broken[called]
            raise RemoteCodeError(
                f"{name} calls {called}() while it is imported, and {called} (in {owner}) needs an import that "
                f"cannot be bundled: {u.reason}"
            )
    short = [name.rsplit(".", 1)[1] for name in parsed]
    flat = {}
    for name in parsed:
        leaf = name.rsplit(".", 1)[1]
        flat[name] = leaf if short.count(leaf) == 1 else "_".join(name.split(".")[1:])
    files = {}
    for name, (source, imports, unavailable) in parsed.items():
        text = _rewrite(source, imports, unavailable, flat, name)
        header = (f"# Generated by motionhub {motionhub_version()} from {name} for trust_remote_code loading without "
                  "motionhub installed. Do not edit: re-push the model instead.\n")
        text = header + text
        tree = ast.parse(text)  # the rewritten file must still be valid and free of motionhub imports
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and not node.level
                    and (node.module or "").split(".")[0] == LIBRARY_NAME) or (
                    isinstance(node, ast.Import) and any(a.name.split(".")[0] == LIBRARY_NAME for a in node.names)):
                raise RemoteCodeError(f"{name}: a motionhub import survived bundling (line {node.lineno})")
        files[f"{flat[name]}.py"] = text
    auto_map = {
        "AutoConfig": f"{flat[config_class.__module__]}.{config_class.__name__}",
        "AutoModel": f"{flat[model_module]}.{model_class.__name__}",
    }
    task = task_for(model_class.__name__)
    if task.auto_class_name != "AutoModel":
        auto_map[task.auto_class_name] = auto_map["AutoModel"]
    if save_directory is not None:
        out = Path(save_directory)
        out.mkdir(parents=True, exist_ok=True)
        from ..io_utils import write_text

        for filename, text in files.items():
            write_text(out / filename, text)
    return files, auto_map


def _write_auto_map(config_path: Path, auto_map: Mapping[str, str]) -> None:
    data = json.loads(config_path.read_text(encoding="utf-8"))
    data["auto_map"] = dict(auto_map)
    from ..io_utils import write_text

    write_text(config_path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def add_remote_code(model_class: type | None, folder: Path, remote_code: bool | None, what: str) -> bool:
    """Write the bundle + ``auto_map`` into ``folder``; returns whether remote code was added.

    ``remote_code=None`` (default) adds it when possible and warns otherwise; ``True`` raises instead of warning.
    """
    if remote_code is False:
        return False
    try:
        if model_class is None:
            raise RemoteCodeError(f"{what} is not a motionhub model class")
        _, auto_map = bundle_remote_code(model_class, folder)
    except RemoteCodeError as err:
        if remote_code:
            raise
        warnings.warn(f"publishing without remote code (trust_remote_code loading will not work): {err}",
                      stacklevel=3)
        return False
    _write_auto_map(folder / "config.json", auto_map)
    return True
