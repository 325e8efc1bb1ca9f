# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""motionhub's generic ``.npz`` motion format: the one file layout every CLI command accepts.

Keys (numpy ``.npz``, no pickled objects, so ``np.load(path)`` works without ``allow_pickle``):

============== ==================================== ===========================================================
key            shape / type                          meaning
============== ==================================== ===========================================================
keypoints_2d   float (T,J,2|3) or (M,T,J,2|3)        x, y pixels (origin top-left) [+ confidence]; optional*
keypoints_3d   float (T,J,3) or (M,T,J,3)            3D joints in ``units_3d``; optional*
layout         str                                   joint layout name, e.g. ``"h36m-17"``, ``"coco-17"`` (required)
fps            float                                 frame rate in Hz (required; use 0 if unknown -> ``None``)
image_size     int (2,)                              (width, height) of the 2D pixel space; optional
units_3d       str                                   ``"mm"`` | ``"m"`` | ``"px"`` | ``"normalized"``; optional, default mm
label          int or str                            class of the clip; optional (``labels`` accepted as alias)
normalized     bool                                  2D already normalised to [-1, 1] (not pixels); optional
joint_names    str (J,)                              names of a custom layout; optional
meta_json      str                                   JSON of extra metadata; optional
============== ==================================== ===========================================================

\\* at least one of ``keypoints_2d`` / ``keypoints_3d``. Missing keypoints are ``NaN``.

Example::

    np.savez("clip.npz", keypoints_2d=kp, layout="coco-17", fps=30.0, image_size=[1920, 1080])
    seq = load_generic("clip.npz")
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import MotionSequence

__all__ = ["GENERIC_KEYS", "is_generic_npz", "load_array", "load_generic", "save_generic"]

GENERIC_KEYS = (
    "keypoints_2d",
    "keypoints_3d",
    "layout",
    "fps",
    "image_size",
    "units_3d",
    "label",
    "labels",
    "normalized",
    "joint_names",
    "meta_json",
)


def is_generic_npz(keys: set[str] | list[str]) -> bool:
    """True if an npz key set looks like the generic format (has ``layout`` and a keypoint array)."""
    keys = set(keys)
    return "layout" in keys and bool(keys & {"keypoints_2d", "keypoints_3d"})


def _scalar_str(value: np.ndarray) -> str:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"expected a single string, got an array of shape {arr.shape}")
    return str(arr.reshape(-1)[0])


def load_generic(path: str | Path) -> MotionSequence:
    """Read a generic motionhub ``.npz`` (see module docstring for the keys).

    Args:
        path: file path.

    Returns:
        A :class:`MotionSequence` (arrays as stored; 2D in pixels unless ``meta["normalized"]``).

    Raises:
        ValueError: naming the missing / malformed key(s) and what to put there.
    """
    path = Path(path)
    with np.load(path, allow_pickle=False) as data:
        keys = set(data.files)
        problems = []
        if not keys & {"keypoints_2d", "keypoints_3d"}:
            problems.append("'keypoints_2d' (T,J,2|3) pixels and/or 'keypoints_3d' (T,J,3)")
        if "layout" not in keys:
            problems.append("'layout' (joint layout name, e.g. 'h36m-17' or 'coco-17')")
        if "fps" not in keys:
            problems.append("'fps' (frame rate in Hz; 0 if unknown)")
        if problems:
            raise ValueError(
                f"{path} is not a motionhub generic npz: missing key(s) {'; '.join(problems)}. Found keys "
                f"{sorted(keys)}. Write one with motionhub.formats.save_generic or np.savez(..., "
                "keypoints_2d=..., layout='coco-17', fps=30.0)."
            )
        kp2 = np.array(data["keypoints_2d"]) if "keypoints_2d" in keys else None
        kp3 = np.array(data["keypoints_3d"]) if "keypoints_3d" in keys else None
        layout = _scalar_str(data["layout"])
        fps_val = float(np.asarray(data["fps"]).reshape(-1)[0])
        fps = fps_val if fps_val > 0 else None
        image_size = None
        if "image_size" in keys:
            size = np.asarray(data["image_size"]).reshape(-1)
            if size.size != 2:
                raise ValueError(f"{path}: 'image_size' must be (width, height), got shape {size.shape}")
            image_size = (int(size[0]), int(size[1]))
        units = _scalar_str(data["units_3d"]) if "units_3d" in keys else "mm"
        label = None
        for key in ("label", "labels"):
            if key in keys:
                arr = np.asarray(data[key]).reshape(-1)
                if arr.size != 1:
                    raise ValueError(f"{path}: '{key}' must hold one label for the clip, got {arr.size} values")
                label = arr[0].item()
                break
        meta: dict = {}
        if "meta_json" in keys:
            meta.update(json.loads(_scalar_str(data["meta_json"])))
        if "normalized" in keys:
            meta["normalized"] = bool(np.asarray(data["normalized"]).reshape(-1)[0])
        if "joint_names" in keys:
            meta["joint_names"] = [str(n) for n in np.asarray(data["joint_names"]).reshape(-1)]
        meta["source"] = str(path)
        meta.setdefault("format", "generic")
    return MotionSequence(
        keypoints_2d=kp2,
        keypoints_3d=kp3,
        layout=layout,
        units_3d=units,
        fps=fps,
        image_size=image_size,
        label=label,
        meta=meta,
    )


def _jsonable(meta: dict) -> dict:
    out = {}
    for k, v in meta.items():
        if k in ("joint_names", "normalized", "source", "missing"):
            continue
        if isinstance(v, np.ndarray):
            if v.size > 64:
                continue  # large per-frame arrays are not metadata
            v = v.tolist()
        elif isinstance(v, np.generic):
            v = v.item()
        try:
            json.dumps(v)
        except TypeError:
            continue
        out[k] = v
    return out


def save_generic(path: str | Path, seq: MotionSequence, compress: bool = True) -> Path:
    """Write ``seq`` as a generic motionhub ``.npz``.

    JSON-serialisable entries of ``seq.meta`` go to ``meta_json`` (large arrays and the missing mask are dropped);
    ``meta["joint_names"]`` and ``meta["normalized"]`` get their own keys.

    Args:
        path: output path (``.npz`` is appended by numpy if absent).
        seq: the sequence.
        compress: use ``np.savez_compressed``.

    Returns:
        The written path.
    """
    if not isinstance(seq, MotionSequence):
        raise TypeError(f"save_generic expects a MotionSequence, got {type(seq).__name__}")
    arrays: dict[str, np.ndarray] = {
        "layout": np.array(seq.layout),
        "fps": np.array(0.0 if seq.fps is None else seq.fps, dtype=np.float64),
        "units_3d": np.array(seq.units_3d),
    }
    if seq.keypoints_2d is not None:
        arrays["keypoints_2d"] = seq.keypoints_2d
    if seq.keypoints_3d is not None:
        arrays["keypoints_3d"] = seq.keypoints_3d
    if seq.image_size is not None:
        arrays["image_size"] = np.asarray(seq.image_size, dtype=np.int64)
    if seq.label is not None:
        arrays["label"] = np.array(seq.label)
    if "normalized" in seq.meta:
        arrays["normalized"] = np.array(bool(seq.meta["normalized"]))
    if seq.meta.get("joint_names") is not None:
        arrays["joint_names"] = np.array([str(n) for n in seq.meta["joint_names"]])
    extra = _jsonable(seq.meta)
    if extra:
        arrays["meta_json"] = np.array(json.dumps(extra))
    from ..io_utils import atomic_path

    path = Path(path)
    path = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")  # as np.savez names it
    with atomic_path(path) as tmp:
        (np.savez_compressed if compress else np.savez)(tmp, **arrays)
    return path


def load_array(
    path: str | Path,
    layout: str,
    fps: float | None = None,
    image_size: tuple[int, int] | None = None,
    kind: str | None = None,
    units_3d: str = "mm",
) -> MotionSequence:
    """Wrap a bare ``.npy`` keypoint array ``(T, J, C)`` / ``(M, T, J, C)`` (no metadata in the file).

    Args:
        path: ``.npy`` file (numeric; pickled object arrays are refused).
        layout: joint layout name (required: a bare array cannot tell COCO-17 from H36M-17).
        fps / image_size: if known.
        kind: ``"2d"`` or ``"3d"``; default: ``C = 2`` -> 2D, ``C = 3`` -> 2D with confidence if the last channel lies
            in [0, 1] everywhere, else 3D.
        units_3d: units when 3D.
    """
    arr = np.load(path, allow_pickle=False)
    if arr.ndim not in (3, 4):
        raise ValueError(f"{path}: expected (T, J, C) or (M, T, J, C), got shape {arr.shape}")
    if kind is None:
        last = arr[..., -1]
        kind = "2d" if arr.shape[-1] == 2 or (np.nanmin(last) >= 0 and np.nanmax(last) <= 1) else "3d"
    if kind not in ("2d", "3d"):
        raise ValueError(f"kind must be '2d' or '3d', got {kind!r}")
    meta = {"format": "npy", "source": str(path)}
    if kind == "2d":
        return MotionSequence(keypoints_2d=arr, layout=layout, fps=fps, image_size=image_size, meta=meta)
    return MotionSequence(keypoints_3d=arr, layout=layout, units_3d=units_3d, fps=fps, meta=meta)
