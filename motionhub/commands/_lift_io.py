# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Inputs and outputs of ``motionhub lift`` beyond keypoint files: video in (decode + detect), BVH and ``.mp4`` out.
Not a subcommand (leading underscore). Heavy imports stay inside the functions (the ``video`` extra is optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["detected_mask", "read_video_input", "write_bvh_outputs", "write_mp4_plot"]


def read_video_input(path: Path, max_frames: int | None, quiet: bool, detector: str = "multi"):
    """Decode + detect (``detector``: a name of :data:`motionhub.video.DETECTORS`) -> a ``blazepose-33``
    MotionSequence, one track per person, NaN where a person was not detected."""
    from ..video import DETECTORS, detect_video

    if detector not in DETECTORS:
        raise ValueError(f"detector must be one of {sorted(DETECTORS)}, got {detector!r}")
    return detect_video(path, DETECTORS[detector](), max_frames=max_frames, progress=not quiet)


def detected_mask(seq: Any) -> np.ndarray:
    """``(M, T)`` bool: the person has at least one detected joint in the frame (from the reader's missing mask /
    NaN), so filled-in frames are never drawn as detections."""
    kp = np.asarray(seq.keypoints_2d)
    kp = kp[None] if kp.ndim == 3 else kp
    miss = seq.meta.get("missing")
    if miss is not None:
        miss = np.asarray(miss, dtype=bool)
        miss = miss[None] if miss.ndim == 2 else miss
        if miss.shape == kp.shape[:3]:
            return ~miss.all(-1)
    return np.isfinite(kp[..., :2]).all(-1).any(-1)


def _per_person(path: Path, m: int) -> list[Path]:
    return [path] if m == 1 else [path.with_name(f"{path.stem}_person{i}{path.suffix}") for i in range(m)]


def write_bvh_outputs(path: Path, result: Any, detected: np.ndarray) -> list[tuple[Path, Any]]:
    """One BVH per person of a LiftResult (``motion.bvh``, or ``motion_person<i>.bvh`` for several people)."""
    from ..export import write_bvh

    if result.layout != "h36m-17":
        raise ValueError(f"BVH export needs H36M-17 poses; the model outputs {result.layout!r}")
    if result.fps is None:
        raise ValueError("BVH export needs the frame rate: the input file does not store it; pass --fps")
    worlds = result.worlds
    written = []
    if worlds:  # y-up world poses: the root walks (metres)
        for target, w in zip(_per_person(path, len(worlds)), worlds):
            written.append((target, write_bvh(target, w.pose_world, fps=result.fps, units="m", axes="y_up")))
        return written
    pose = result.pose_3d if result.pose_3d.ndim == 4 else result.pose_3d[None]
    for i, target in enumerate(_per_person(path, len(pose))):
        written.append((target, write_bvh(target, pose[i], fps=result.fps, units=result.units)))
    return written


def write_mp4_plot(path: Path, result: Any, seq: Any, video: Path | None, detected: np.ndarray, quiet: bool,
                   title: str) -> Path:  # fmt: skip
    """``--plot out.mp4``: the 2D input over the video (or a blank canvas) next to the 3D skeletons."""
    from ..video import render_video

    pose = result.pose_3d if result.pose_3d.ndim == 4 else result.pose_3d[None]
    kp = seq.keypoints_2d if seq.keypoints_2d.ndim == 4 else seq.keypoints_2d[None]
    if seq.meta.get("normalized"):
        raise ValueError("--plot .mp4 draws pixel keypoints; this input is normalised (use --plot .gif)")
    size = seq.image_size or result.meta.get("image_size")
    if video is None and size is None:
        finite = kp[..., :2][np.isfinite(kp[..., :2]).all(-1)]
        size = (int(finite[:, 0].max() * 1.05) + 2, int(finite[:, 1].max() * 1.05) + 2)
    fps = result.fps or 25.0
    return render_video(path, kp, seq.layout, pose, detected, fps, video=video, image_size=size, title=title,
                        progress=not quiet)  # fmt: skip
