# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""OpenPose ``--write_json`` output (and AlphaPose's OpenPose-style ``--format open`` / ``--format cmu`` files).

**OpenPose** writes one file per frame, ``<name>_<frame:012d>_keypoints.json``::

    {"version": 1.3, "people": [{"person_id": [-1], "pose_keypoints_2d": [x0, y0, c0, x1, y1, c1, ...],
                                 "face_keypoints_2d": [...], "hand_left_keypoints_2d": [...], ...}, ...]}

``pose_keypoints_2d`` has 25 points for the BODY_25 model (layout ``openpose-body25``, the default model) or 18 for
COCO (``openpose-coco18``). Undetected joints are written as ``0, 0, 0`` and become NaN. ``person_id`` is ``[-1]``
unless OpenPose ran with ``--tracking``; without ids the people are linked over frames by the tracker of
:mod:`motionhub.formats.tracking`. x, y are pixels of the input image with the default ``--keypoint_scale 0`` (other
scales are not detectable from the file; pass ``image_size`` accordingly).

**AlphaPose** ``--format open`` writes one dict ``{image_name: {"version": "AlphaPose v0.3", "people":
[{"pose_keypoints_2d": [...]}]}}`` (``alphapose-results.json``) plus the same per image in ``sep-json/``;
``--format cmu`` writes ``"bodies": [{"joints": [...]}]`` instead of ``people``. Both hold 18 points in OpenPose's
COCO-18 order (the neck built as the mean of the shoulders); AlphaPose builds them from COCO-17 indices, so only
files of COCO-17 AlphaPose models are meaningful.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from .base import MotionSequence
from .coco_json import (
    _finish,
    flat_keypoints,
    frame_number,
    has_track_ids,
    tracks_to_sequence,
)
from .registry import MotionFormat, register_format

__all__ = ["OPENPOSE_LAYOUTS", "is_openpose_json", "load_openpose"]

OPENPOSE_LAYOUTS = {25: "openpose-body25", 18: "openpose-coco18"}
"""Joint count of ``pose_keypoints_2d`` -> layout name."""


def _people(obj: Any) -> list[dict] | None:
    """The people of one OpenPose-style frame dict, or None when ``obj`` is not one."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("people"), list):
        return obj["people"]
    bodies = obj.get("bodies")
    if isinstance(bodies, list) and all(isinstance(b, dict) and "joints" in b for b in bodies):
        return [{"pose_keypoints_2d": b["joints"], "person_id": b.get("id", -1)} for b in bodies]
    return None


def is_openpose_json(obj: Any) -> bool:
    """True for one OpenPose frame or an AlphaPose ``--format open/cmu`` dict of frames."""
    if _people(obj) is not None:
        return True
    return isinstance(obj, dict) and bool(obj) and all(_people(v) is not None for v in obj.values())


def _frame_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*_keypoints.json")) or sorted(folder.glob("*.json"))
    if not files:
        raise ValueError(f"{folder}: no OpenPose *_keypoints.json files")
    return files


def _frame_of(name: str, fallback: int) -> int:
    stem = name[: -len("_keypoints.json")] if name.endswith("_keypoints.json") else Path(name).stem
    num = frame_number(stem)
    return fallback if num is None else num


def _person_id(person: dict) -> Any:
    pid = person.get("person_id", -1)
    if isinstance(pid, (list, tuple)):
        pid = pid[0] if pid else -1
    if isinstance(pid, float) and pid.is_integer():
        pid = int(pid)
    return None if pid in (-1, None) else pid


def load_openpose(
    path: str | Path,
    track_id: Any = None,
    missing: str = "interpolate",
    layout: str | None = None,
    fps: float | None = None,
    image_size: tuple[int, int] | None = None,
    min_score: float = 0.0,
) -> MotionSequence:
    """Read OpenPose JSON (a folder of per-frame files, one frame file, or AlphaPose's ``--format open/cmu`` dict).

    Args:
        path: folder of ``*_keypoints.json`` (frame number = the last digit group before ``_keypoints``), one such
            file, or an AlphaPose ``--format open`` / ``cmu`` results file or its ``sep-json`` folder.
        track_id: ``None`` (every person, most persistent first; ``(M, T, J, 3)`` when there are several),
            ``"best"``, ``"all"`` or a ``person_id``.
        missing: frames where a person is absent: ``"interpolate"`` (default; confidence 0), ``"nan"``, ``"zero"``.
            Joints OpenPose did not detect (0, 0, 0) are NaN before that.
        layout: override the layout inferred from the joint count (25 -> openpose-body25, 18 -> openpose-coco18).
        fps / image_size: not stored by OpenPose; pass them if known.
        min_score: drop people whose mean confidence over detected joints is below this.

    Returns:
        :class:`MotionSequence` with ``keypoints_2d`` ``(T, J, 3)`` or ``(M, T, J, 3)`` = (x px, y px, confidence),
        T spanning the first to the last frame file; ``meta`` ``frame_numbers``, ``missing``, ``tracking``
        (``"file"`` for ``--tracking`` ids, else ``"iou"``), ``track_id(s)``.
    """
    path = Path(path)
    if path.is_dir():
        items = []
        for i, f in enumerate(_frame_files(path)):
            try:
                obj = json.loads(f.read_text())
            except json.JSONDecodeError as exc:
                raise ValueError(f"{f}: not valid JSON ({exc})") from None
            items.append((_frame_of(f.name, i), obj, f))
    else:
        if not path.exists():
            raise FileNotFoundError(path)
        obj = json.loads(path.read_text())
        if _people(obj) is not None:
            items = [(_frame_of(path.name, 0), obj, path)]
        elif is_openpose_json(obj):  # AlphaPose --format open/cmu: {image name: frame}
            names = list(obj)
            numbered = all(frame_number(n) is not None for n in names)
            items = [(frame_number(n) if numbered else i, obj[n], f"{path}[{n!r}]") for i, n in enumerate(names)]
        else:
            raise ValueError(f"{path}: not OpenPose JSON (expected 'people' with 'pose_keypoints_2d')")
    frames: dict[int, list] = defaultdict(list)
    num_j = None
    seen = set()
    for f, obj, where in items:
        people = _people(obj)
        if people is None:
            raise ValueError(f"{where}: not an OpenPose frame (no 'people' list)")
        seen.add(f)
        for k, person in enumerate(people):
            values = person.get("pose_keypoints_2d", [])
            if len(values) == 0:
                continue
            kp, num_j = flat_keypoints(values, f"{where}: person {k}", num_j)
            kp[(kp[:, 0] == 0) & (kp[:, 1] == 0) & (kp[:, 2] == 0), :2] = np.nan  # undetected joint
            found = np.isfinite(kp[:, 0])
            if found.sum() < 2:
                continue
            score = float(kp[found, 2].mean())
            if score < min_score:
                continue
            frames[f].append((_person_id(person), kp, score))
    if num_j is None or not frames:
        raise ValueError(f"{path}: no person detected in any of the {len(items)} frame(s)")
    if layout is None:
        if num_j not in OPENPOSE_LAYOUTS:
            raise ValueError(
                f"{path}: {num_j} pose keypoints per person; motionhub reads OpenPose's BODY_25 (25) and COCO (18) "
                "models (run OpenPose with --model_pose BODY_25 or COCO, or pass layout=)"
            )
        layout = OPENPOSE_LAYOUTS[num_j]
    first, last = min(seen), max(seen)
    kp, tracks, miss = tracks_to_sequence(frames, track_id, missing, num_frames=last - first + 1, first_frame=first)
    meta = {
        "format": "openpose",
        "source": str(path),
        "frame_numbers": np.arange(first, last + 1),
        "tracking": "file" if has_track_ids(frames) else "iou",
    }
    return _finish(kp, miss, tracks, track_id, layout, meta, fps, image_size)


def _is_openpose_folder(path: Path, names: set[str]) -> bool:
    if any(n.endswith("_keypoints.json") for n in names):
        return True
    jsons = sorted(n for n in names if n.endswith(".json"))
    if not jsons:
        return False
    try:
        return is_openpose_json(json.loads((path / jsons[0]).read_text(encoding="utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{path / jsons[0]}: not valid JSON") from None


register_format(MotionFormat(
    "openpose", load_openpose, suffixes=(".json",), priority=10,
    recognizes=lambda obj, path: is_openpose_json(obj), recognizes_folder=_is_openpose_folder,
    description="OpenPose people JSON (a frame file, a folder of *_keypoints.json, AlphaPose --format open/cmu)",
))
