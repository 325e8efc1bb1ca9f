# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Kinect-era labelled skeleton action sets converted to npz (``../shared/data/kinect_actions``).

Common npz layout: ``data`` float32 ``(sum_T, J, 3)`` concatenated frames, ``offsets`` ``(N+1,)`` (sequence ``i`` =
``data[offsets[i]:offsets[i+1]]``), ``label`` ``(N,)`` 0-based, ``subject``, ``rep``, ``name``; the ``.json`` next to it
has ``classes`` and notes. Research-only data: not shipped with motionhub.

What :func:`load_kinect_actions` does per set (joint orders checked against mean joint positions and one-arm actions):

================== ========= ============ ===========================================================================
set                layout    native unit  conversion
================== ========= ============ ===========================================================================
msr_action3d       kinect-20 m            reordered from MSR's order (L/R shoulders, neck, spine, L/R hips, hip centre,
                                          L/R elbows, wrists, hands, knees, ankles, feet, head); standard split:
                                          odd subjects train / even test
utkinect_action3d  kinect-20 m            Kinect SDK v1 order already
florence3d         openni-15 mm           order already openni-15
kard               openni-15 mm           reordered; x negated (KARD's x axis is mirrored w.r.t. the other sets:
                                          its left joints have larger x) unless ``fix_kard_mirror=False``
cad60_windows      openni-15 mm           reordered from the CAD-60 file order (11 joints with orientation, then
                                          hands and feet)
sbu_interaction    openni-15 normalised   2 persons -> ``(2, T, 15, 3)``; de-normalised with the SBU readme formula
                                          ``X = 1280 - 2560 x, Y = 960 - 1920 y, Z = 10000 z / 7.8125`` (mm)
================== ========= ============ ===========================================================================

All outputs are millimetres, camera frame (x to the camera's left / person's right when facing it, y up, z depth).
Frames whose joints are all exactly zero (tracking failures) are missing values (NaN, filled per ``missing``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import MotionDataset, MotionSequence, fill_missing
from .registry import MotionFormat, register_format

__all__ = ["KINECT_SETS", "load_kinect_actions"]

# native joint index for every target-layout joint
_MSR_TO_KINECT20 = (6, 3, 2, 19, 0, 7, 9, 11, 1, 8, 10, 12, 4, 13, 15, 17, 5, 14, 16, 18)
_KARD_TO_OPENNI15 = (0, 1, 8, 5, 6, 7, 2, 3, 4, 12, 13, 14, 9, 10, 11)
_CAD60_TO_OPENNI15 = (0, 1, 2, 3, 4, 11, 5, 6, 12, 7, 8, 13, 9, 10, 14)

KINECT_SETS: dict[str, dict] = {
    "msr_action3d": {"layout": "kinect-20", "scale": 1000.0, "order": _MSR_TO_KINECT20, "fps": 15.0},
    "utkinect_action3d": {"layout": "kinect-20", "scale": 1000.0, "order": None, "fps": 30.0},
    "florence3d": {"layout": "openni-15", "scale": 1.0, "order": None, "fps": 30.0},
    "kard": {"layout": "openni-15", "scale": 1.0, "order": _KARD_TO_OPENNI15, "fps": 30.0},
    "cad60_windows": {"layout": "openni-15", "scale": 1.0, "order": _CAD60_TO_OPENNI15, "fps": 30.0},
    "sbu_interaction": {"layout": "openni-15", "scale": None, "order": None, "fps": 15.0, "persons": 2},
}
"""Per-set conversion table (layout, metres->mm scale, reorder indices, nominal fps)."""


def _resolve(path: str | Path, name: str | None) -> tuple[Path, str]:
    path = Path(path)
    if path.is_dir():
        if name is None:
            raise ValueError(f"{path} is a folder: pass name= one of {sorted(KINECT_SETS)}")
        path = path / f"{name}.npz"
    stem = path.stem if path.suffix in (".npz", ".json") else path.name
    name = name or stem
    if name not in KINECT_SETS:
        raise ValueError(f"unknown Kinect action set {name!r}; known: {sorted(KINECT_SETS)}")
    return path.with_suffix(".npz"), name


def load_kinect_actions(
    path: str | Path,
    name: str | None = None,
    missing: str = "interpolate",
    drop_empty: bool = True,
    fix_kard_mirror: bool = True,
) -> MotionDataset:
    """Read one of the Kinect action sets.

    Args:
        path: the set's ``.npz`` (its ``.json`` next to it), or the folder plus ``name``.
        name: set name (``msr_action3d``, ``utkinect_action3d``, ``florence3d``, ``kard``, ``cad60_windows``,
            ``sbu_interaction``); default: the file stem.
        missing: all-zero (untracked) frames: ``"interpolate"`` (default), ``"nan"`` or ``"zero"``; the mask is in
            ``meta["missing"]`` ``(T, J)`` (``(M, T, J)`` for SBU).
        drop_empty: skip sequences with no tracked frame at all (listed in the dataset ``meta["dropped"]``).
        fix_kard_mirror: negate KARD's x axis so that all sets share one handedness.

    Returns:
        :class:`MotionDataset`: sequences with ``keypoints_3d`` ``(T, J, 3)`` mm (SBU ``(2, T, 15, 3)``), layout
        ``kinect-20`` or ``openni-15``, nominal fps, 0-based ``label``; ``meta`` ``name``, ``subject``, ``rep``;
        ``class_names`` from the json; ``splits`` ``{"train", "test"}`` for MSR Action3D (cross-subject: odd
        subjects train, even test), empty otherwise.
    """
    npz_path, name = _resolve(path, name)
    spec = KINECT_SETS[name]
    info_path = npz_path.with_suffix(".json")
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    with np.load(npz_path, allow_pickle=False) as z:
        missing_keys = [k for k in ("data", "offsets", "label") if k not in z.files]
        if missing_keys:
            raise ValueError(f"{npz_path}: missing {missing_keys}; expected data/offsets/label arrays")
        data = np.asarray(z["data"], dtype=np.float64)
        offsets = np.asarray(z["offsets"])
        labels = np.asarray(z["label"])
        subjects = z["subject"] if "subject" in z.files else np.zeros(len(labels), int)
        reps = z["rep"] if "rep" in z.files else np.zeros(len(labels), int)
        names = z["name"] if "name" in z.files else np.array([str(i) for i in range(len(labels))])
    persons = spec.get("persons", 1)
    seqs, dropped = [], []
    for i in range(len(labels)):
        x = data[offsets[i] : offsets[i + 1]]
        if persons > 1:  # (T, M*J, 3) -> (M, T, J, 3)
            t, mj, _ = x.shape
            x = x.reshape(t, persons, mj // persons, 3).transpose(1, 0, 2, 3)
        empty = np.all(x == 0, axis=-1)  # (.., T, J) untracked joints
        empty_frame = np.all(empty, axis=-1, keepdims=True) & np.ones_like(empty)
        x = x.copy()
        x[empty_frame] = np.nan
        if spec["order"] is not None:
            x = x[..., list(spec["order"]), :]
        if name == "sbu_interaction":
            x = np.stack([1280.0 - 2560.0 * x[..., 0], 960.0 - 1920.0 * x[..., 1], x[..., 2] * 10000.0 / 7.8125], -1)
        else:
            x = x * spec["scale"]
        if name == "kard" and fix_kard_mirror:
            x[..., 0] = -x[..., 0]
        miss = np.isnan(x[..., 0])
        if miss.all():
            if drop_empty:
                dropped.append(str(names[i]))
                continue
        elif missing != "nan":
            x = np.stack([fill_missing(p, missing) for p in x]) if persons > 1 else fill_missing(x, missing)
        subj = subjects[i].item() if hasattr(subjects[i], "item") else subjects[i]
        seqs.append(
            MotionSequence(
                keypoints_3d=x.astype(np.float32),
                layout=spec["layout"],
                units_3d="mm",
                fps=float(info.get("fps", spec["fps"])),
                label=int(labels[i]),
                meta={
                    "format": "kinect_actions",
                    "set": name,
                    "name": str(names[i]),
                    "subject": subj,
                    "rep": int(reps[i]),
                    "missing": miss,
                    "frame": "camera",
                },
            )
        )
    splits: dict[str, list[int]] = {}
    if name == "msr_action3d":
        splits = {
            "train": [k for k, s in enumerate(seqs) if int(s.meta["subject"]) % 2 == 1],
            "test": [k for k, s in enumerate(seqs) if int(s.meta["subject"]) % 2 == 0],
        }
    return MotionDataset(seqs, splits, info.get("classes"), {"source": str(npz_path), "set": name, "dropped": dropped})


def _load_kinect(path: str | Path, **kwargs):
    path = Path(path)
    return load_kinect_actions(path.with_suffix(".npz") if path.suffix.lower() == ".json" else path, **kwargs)


register_format(MotionFormat(
    "kinect_actions", _load_kinect, suffixes=(".npz", ".json"), priority=41,
    recognizes=lambda content, path: (
        (isinstance(content, set) and {"data", "offsets", "label"} <= content)
        or (isinstance(content, dict) and "classes" in content and path.with_suffix(".npz").exists()
            and not path.name.startswith("penn"))),
    description="Kinect action sets (MSR Action3D, UTKinect, ...: npz + classes json)",
))
