# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""CMU Panoptic Studio 3D body files (``hdPose3d_stage1_coco19/body3DScene_<frame>.json``).

Each file is one frame: ``{"version", "univTime", "fpsType": "hd_29_97", "bodies": [{"id": k, "joints19": [x, y, z,
c] * 19}]}`` with world coordinates in centimetres (Y down) and a per-joint confidence (``-1`` = not reconstructed).
The 19 joints (``panoptic-19``): neck, nose, body_center (pelvis), left shoulder/elbow/wrist, left hip/knee/ankle,
right shoulder/elbow/wrist, right hip/knee/ankle, left eye, left ear, right eye, right ear.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import MotionSequence, fill_missing
from .coco_json import frame_number
from .registry import MotionFormat, register_format

__all__ = ["PANOPTIC19_JOINT_NAMES", "load_panoptic_body3d"]

PANOPTIC19_JOINT_NAMES = [
    "neck", "nose", "body_center", "left_shoulder", "left_elbow", "left_wrist", "left_hip", "left_knee",
    "left_ankle", "right_shoulder", "right_elbow", "right_wrist", "right_hip", "right_knee", "right_ankle",
    "left_eye", "left_ear", "right_eye", "right_ear",
]  # fmt: skip

_FPS = {"hd_29_97": 29.97, "vga_25": 25.0}


def load_panoptic_body3d(
    path: str | Path | Sequence[str | Path],
    missing: str = "nan",
) -> MotionSequence:
    """Read Panoptic ``body3DScene_*.json`` frames (a folder, one file, or a list of files) as multi-person 3D.

    Args:
        path: folder of frame files, a single file, or a list of files.
        missing: frames where a body is absent and joints with confidence < 0: ``"nan"`` (default), ``"zero"`` or
            ``"interpolate"``.

    Returns:
        :class:`MotionSequence` with ``keypoints_3d`` ``(M, T, 19, 3)`` in mm (world, Y down), bodies by ``id``
        (sorted), frames ordered by the number in the file names (T spans the files given, not gaps between them);
        ``meta`` ``confidence`` ``(M, T, 19)``, ``body_ids``, ``frame_numbers``, ``joint_names``, ``missing``.
    """
    if isinstance(path, (str, Path)) and Path(path).is_dir():
        files = sorted(Path(path).glob("body3DScene_*.json"))
    elif isinstance(path, (str, Path)):
        files = [Path(path)]
    else:
        files = [Path(p) for p in path]
    if not files:
        raise ValueError(f"{path}: no body3DScene_*.json files")
    files.sort(key=lambda p: (frame_number(p.name) or 0, p.name))
    frames = []
    fps_type = None
    for f in files:
        obj = json.loads(f.read_text())
        if "bodies" not in obj:
            raise ValueError(f"{f}: not a Panoptic body3DScene file (no 'bodies')")
        fps_type = fps_type or obj.get("fpsType")
        frames.append({int(b["id"]): np.asarray(b["joints19"], np.float64).reshape(-1, 4) for b in obj["bodies"]})
    ids = sorted({bid for fr in frames for bid in fr})
    t = len(frames)
    arr = np.full((max(len(ids), 1), t, 19, 4), np.nan)
    for ti, fr in enumerate(frames):
        for bid, joints in fr.items():
            if joints.shape != (19, 4):
                raise ValueError(f"{files[ti]}: body {bid} has joints19 of shape {joints.shape}, expected (19, 4)")
            arr[ids.index(bid), ti] = joints
    conf = arr[..., 3]
    xyz = arr[..., :3] * 10.0  # cm -> mm
    invalid = np.isnan(conf) | (conf < 0)
    xyz[invalid] = np.nan
    if missing != "nan":
        xyz = np.stack([fill_missing(x, missing) for x in xyz])
    return MotionSequence(
        keypoints_3d=xyz.astype(np.float32),
        layout="panoptic-19",
        units_3d="mm",
        fps=_FPS.get(str(fps_type)),
        meta={
            "format": "panoptic_body3d",
            "source": str(path),
            "joint_names": list(PANOPTIC19_JOINT_NAMES),
            "confidence": np.nan_to_num(conf, nan=-1.0).astype(np.float32),
            "body_ids": ids,
            "frame_numbers": np.asarray([frame_number(f.name) for f in files]),
            "missing": invalid,
            "frame": "world",
        },
    )


register_format(MotionFormat(
    "panoptic", load_panoptic_body3d, suffixes=(".json",), priority=25,
    recognizes=lambda obj, path: isinstance(obj, dict) and "bodies" in obj,
    recognizes_folder=lambda path, names: any(n.startswith("body3DScene_") for n in names),
    description="CMU Panoptic body3DScene JSON (a file or a folder of frames)",
))
