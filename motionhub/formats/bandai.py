# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Bandai-Namco-Research-Motiondataset joint positions (``bandai_positions_mm_int16.npz`` + ``bandai_meta.json``).

The npz maps a BVH stem (``"dataset-2_walk_normal_001"``) to int16 ``(T, 22, 3)`` global joint positions in
millimetres (rounded from the BVH forward kinematics; Y up; 30 fps). The json holds ``joint_names``, ``parents`` and
per sequence ``{key, dataset, content, style, take, frames, fps, label: {content, style}}``. (The json's ``units``
field says "cm (BVH units)"; that describes the source BVH: the stored positions are millimetres, e.g. hips at
~930 mm height.) The ``label`` ids of the json are per dataset (dataset-1 and dataset-2 number their contents
differently), so :func:`load_bandai` builds global class lists from the names. License: CC BY-NC 4.0.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import MotionDataset, MotionSequence
from .registry import MotionFormat, register_format

__all__ = ["BANDAI_FPS", "load_bandai"]

BANDAI_FPS = 30.0


def _resolve(path: str | Path) -> tuple[Path, Path]:
    path = Path(path)
    if path.is_dir():
        return path / "bandai_positions_mm_int16.npz", path / "bandai_meta.json"
    if path.suffix == ".npz":
        return path, path.with_name("bandai_meta.json")
    if path.suffix == ".json":
        return path.with_name("bandai_positions_mm_int16.npz"), path
    raise ValueError(f"{path}: pass the folder, the .npz or the meta .json of the Bandai-Namco set")


def load_bandai(
    path: str | Path,
    datasets: Sequence[str] | None = None,
    contents: Sequence[str] | None = None,
    styles: Sequence[str] | None = None,
    keys: Sequence[str] | None = None,
    label: str = "content",
) -> MotionDataset:
    """Read (a subset of) the Bandai-Namco motion set.

    Args:
        path: folder with both files, or the npz / json path (the other file must sit next to it).
        datasets: ``["dataset-1"]``, ``["dataset-2"]`` or both (default).
        contents / styles: keep only these content (``"walk"``) / style (``"happy"``) names.
        keys: explicit sequence keys.
        label: ``"content"`` or ``"style"``: which name becomes the integer ``label`` (index into
            ``class_names``, the sorted names present after filtering).

    Returns:
        :class:`MotionDataset` of sequences with ``keypoints_3d`` ``(T, 22, 3)`` float32 mm (world, Y up), layout
        ``bandai-22``, fps 30; ``meta``: ``key``, ``dataset``, ``content``, ``style``, ``take``,
        ``source_label`` (the json's per-dataset ids), ``parents``. ``splits`` = one entry per dataset.
    """
    if label not in ("content", "style"):
        raise ValueError(f"label must be 'content' or 'style', got {label!r}")
    npz_path, meta_path = _resolve(path)
    for f in (npz_path, meta_path):
        if not f.exists():
            raise FileNotFoundError(f"missing {f}; the Bandai-Namco reader needs both the npz and bandai_meta.json")
    info = json.loads(meta_path.read_text())
    entries = info["sequences"]
    selected = [
        e
        for e in entries
        if (datasets is None or e["dataset"] in datasets)
        and (contents is None or e["content"] in contents)
        and (styles is None or e["style"] in styles)
        and (keys is None or e["key"] in keys)
    ]
    class_names = sorted({e[label] for e in selected})
    seqs = []
    with np.load(npz_path) as data:
        for e in selected:
            if e["key"] not in data.files:
                continue  # listed in the json but absent (see meta "missing_in_snapshot")
            pos = np.asarray(data[e["key"]], dtype=np.float32)
            seqs.append(
                MotionSequence(
                    keypoints_3d=pos,
                    layout="bandai-22",
                    units_3d="mm",
                    fps=float(e.get("fps", BANDAI_FPS)),
                    label=class_names.index(e[label]),
                    meta={
                        "format": "bandai",
                        "key": e["key"],
                        "dataset": e["dataset"],
                        "content": e["content"],
                        "style": e["style"],
                        "take": e.get("take"),
                        "source_label": e.get("label"),
                        "parents": info.get("parents"),
                        "frame": "world",
                        "up_axis": "y",
                    },
                )
            )
    splits: dict[str, list[int]] = {}
    for i, s in enumerate(seqs):
        splits.setdefault(s.meta["dataset"], []).append(i)
    return MotionDataset(
        seqs,
        splits,
        class_names,
        {"source": str(npz_path), "label": label, "license": "CC BY-NC 4.0", "joint_names": info.get("joint_names")},
    )


register_format(MotionFormat(
    "bandai", load_bandai, suffixes=(".npz", ".json"), priority=60,
    recognizes=lambda content, path: (
        (isinstance(content, set) and any(k.startswith(("dataset-1_", "dataset-2_")) for k in content))
        or (isinstance(content, dict) and "sequences" in content and "joint_names" in content)),
    recognizes_folder=lambda path, names: "bandai_positions_mm_int16.npz" in names,
    description="Bandai-Namco research motion dataset (positions)",
))
