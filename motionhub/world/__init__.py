# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""World motion of lifted poses: camera intrinsics, the root trajectory in camera space (metres), a gravity-aligned
world frame with the floor, foot contacts and foot-skate removal. numpy / scipy only: no model, no file format.

Flow: :func:`resolve_intrinsics` -> :func:`solve_root` (root-relative pose + 2D pixels -> camera-space root) ->
:func:`to_world` (-> :class:`WorldMotion`). :func:`world_motion` runs the three with the defaults.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .camera import Intrinsics, resolve_intrinsics
from .ground import (
    ANKLE_HEIGHT,
    CONTACT_HEIGHT,
    CONTACT_SPEED,
    UP_PRIORS,
    WorldMotion,
    foot_skate,
    to_world,
)
from .trajectory import (
    DEFAULT_SMOOTH_SECONDS,
    ROBUST_SCALE,
    root_from_bone_ratio,
    smooth_depth,
    solve_root,
)

__all__ = [
    "ANKLE_HEIGHT",
    "CONTACT_HEIGHT",
    "CONTACT_SPEED",
    "DEFAULT_SMOOTH_SECONDS",
    "ROBUST_SCALE",
    "UP_PRIORS",
    "Intrinsics",
    "WorldMotion",
    "foot_skate",
    "resolve_intrinsics",
    "root_from_bone_ratio",
    "smooth_depth",
    "solve_root",
    "to_world",
    "world_motion",
]


def world_motion(
    pose: np.ndarray,
    keypoints_2d: np.ndarray,
    intrinsics: Intrinsics,
    fps: float,
    *,
    up: str | np.ndarray = "body",
    smooth_seconds: float | None = DEFAULT_SMOOTH_SECONDS,
    remove_skate: bool = True,
) -> WorldMotion:
    """Root-relative H36M-17 pose (metres, camera axes) + its 2D pixels -> :class:`WorldMotion`."""
    root = solve_root(pose, keypoints_2d, intrinsics, fps=fps, smooth_seconds=smooth_seconds)
    if not np.isfinite(root).all():
        raise ValueError("no frame has two visible joints: the root trajectory cannot be placed")
    meta: dict[str, Any] = {"intrinsics": intrinsics.to_dict(), "smooth_seconds": smooth_seconds}
    return to_world(pose, root, fps, up=up, remove_skate=remove_skate, meta=meta)
