# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The format registry behind :func:`motionhub.formats.load_motion` and :func:`~motionhub.formats.detect_format`.

Every reader registers itself at the bottom of its own module with :func:`register_format`: its name, the file
suffixes it takes, and how to recognise its content (npz keys, parsed JSON, a pickle's object, or a folder's file
names). Detection reads a file's content once (npz keys / JSON / pickle) and asks the formats registered for its
suffix, lowest ``priority`` first; the first that recognises it reads it. A user format is one call::

    from motionhub.formats import MotionFormat, register_format

    register_format(MotionFormat("my_npz", load_my_npz, suffixes=(".npz",), recognizes=lambda keys, path: "my_key" in keys))

Content passed to ``recognizes`` by suffix: ``.npz`` -> the set of array names; ``.json`` -> the parsed JSON;
``.pkl`` / ``.pickle`` -> the unpickled object (restricted unpickler: plain containers and numpy arrays only);
other suffixes -> ``None``. Folders go to ``recognizes_folder(path, names)`` with the set of file names in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .base import safe_pickle_load

__all__ = ["MotionFormat", "get_format", "read_content", "register_format", "registered_formats"]


@dataclass(frozen=True)
class MotionFormat:
    """One readable motion format.

    Attributes:
        name: what ``load_motion(..., format=name)`` / ``--input-format`` accept.
        load: ``load(path, **kwargs)`` -> MotionSequence | list[MotionSequence] | MotionDataset.
        suffixes: lower-case file suffixes with the dot (``(".bvh",)``); empty for folder-only formats.
        recognizes: ``recognizes(content, path) -> bool`` for a file whose suffix is in ``suffixes`` (content as in
            the module docstring); ``None`` = every file with such a suffix (only sensible for a suffix no other
            format claims).
        recognizes_folder: ``recognizes_folder(path, names) -> bool`` for a folder (``names``: its file names).
        load_content: ``load_content(content, path, **kwargs)``: read from the content detection already parsed
            (a pickle is unpickled once); default: ``load(path)``.
        priority: order among the formats of one suffix (lower asks first); ties keep registration order.
        description: one line for ``--help`` and the docs.
    """

    name: str
    load: Callable[..., Any]
    suffixes: tuple[str, ...] = ()
    recognizes: Callable[[Any, Path], bool] | None = None
    recognizes_folder: Callable[[Path, set[str]], bool] | None = None
    load_content: Callable[..., Any] | None = None
    priority: int = 50
    description: str = ""


_REGISTRY: dict[str, MotionFormat] = {}


def register_format(fmt: MotionFormat, *, replace: bool = False) -> MotionFormat:
    """Add ``fmt`` to the formats :func:`load_motion` knows. A second format of the same name is an error unless
    ``replace=True`` (the user's reader then wins)."""
    if not isinstance(fmt, MotionFormat):
        raise TypeError(f"register_format takes a MotionFormat, got {type(fmt).__name__}")
    if fmt.name in _REGISTRY and not replace:
        raise ValueError(f"a motion format named {fmt.name!r} is already registered; pass replace=True to override it")
    if not fmt.suffixes and fmt.recognizes_folder is None:
        raise ValueError(f"motion format {fmt.name!r} has neither suffixes nor recognizes_folder: nothing would find it")
    bad = [s for s in fmt.suffixes if not (s.startswith(".") and s == s.lower())]
    if bad:
        raise ValueError(f"motion format {fmt.name!r}: suffixes must be lower-case with the dot, got {bad}")
    _REGISTRY[fmt.name] = fmt
    return fmt


def registered_formats() -> tuple[str, ...]:
    """Names of every registered format, in registration order."""
    return tuple(_REGISTRY)


def get_format(name: str) -> MotionFormat:
    """The format called ``name`` (a ``ValueError`` listing the known names otherwise)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {registered_formats()}") from None


def _ordered(formats: list[MotionFormat]) -> list[MotionFormat]:
    order = {name: i for i, name in enumerate(_REGISTRY)}
    return sorted(formats, key=lambda f: (f.priority, order[f.name]))


def read_content(path: Path) -> Any:
    """What detection shows the ``recognizes`` tests of ``path``'s suffix (see the module docstring)."""
    suffix = path.suffix.lower()
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                return set(z.files)
        except Exception as exc:  # noqa: BLE001 - EOFError (empty), BadZipFile (cut short), ValueError (not a zip)
            reason = "empty file" if isinstance(exc, EOFError) else (
                "not a zip archive of arrays" if isinstance(exc, ValueError) else f"{exc}")
            raise ValueError(f"{path}: not a readable .npz archive ({reason}): damaged, cut short or not an npz"
                             ) from None
    if suffix == ".json":
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ValueError(f"{path}: not a text file (not UTF-8): a .json file holds JSON text") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    if suffix in (".pkl", ".pickle"):
        return safe_pickle_load(path)
    return None


def detect_registered(path: Path) -> tuple[MotionFormat, Any]:
    """The format that recognises ``path`` and the content detection read (``None`` when none was read)."""
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        for fmt in _ordered([f for f in _REGISTRY.values() if f.recognizes_folder is not None]):
            if fmt.recognizes_folder(path, names):  # type: ignore[misc]
                return fmt, None
        raise ValueError(f"{path}: folder of an unknown dataset layout (formats that read folders: "
                         f"{[f.name for f in _REGISTRY.values() if f.recognizes_folder is not None]})")
    suffix = path.suffix.lower()
    candidates = _ordered([f for f in _REGISTRY.values() if suffix in f.suffixes])
    if not candidates:
        known = sorted({s for f in _REGISTRY.values() for s in f.suffixes})
        raise ValueError(f"{path}: unsupported file extension {suffix!r} (motionhub reads {', '.join(known)})")
    if len(candidates) == 1 and candidates[0].recognizes is None:
        return candidates[0], None
    content = read_content(path)
    for fmt in candidates:
        if fmt.recognizes is None or fmt.recognizes(content, path):
            return fmt, content
    if isinstance(content, list) and not content:
        raise ValueError(f"{path}: an empty JSON list: no detections")
    what = "keys " + str(sorted(content)[:10]) if isinstance(content, set) else f"a JSON {type(content).__name__}" \
        if suffix == ".json" else f"a {type(content).__name__}"
    kind = {".json": "JSON", ".npz": "npz", ".pkl": "pickle", ".pickle": "pickle"}.get(suffix, suffix)
    raise ValueError(f"{path}: unrecognised {kind} file ({what}); motionhub reads: "
                     + "; ".join(f"{f.name}: {f.description}" for f in candidates))
