# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Euler-angle rotation matrices used by the BVH and ASF/AMC forward kinematics (numpy, batched)."""

from __future__ import annotations

import numpy as np

__all__ = ["axis_rotation", "euler_matrix"]


def axis_rotation(axis: str, angle: np.ndarray) -> np.ndarray:
    """Right-handed rotation about a coordinate axis.

    Args:
        axis: ``"x"``, ``"y"`` or ``"z"`` (case-insensitive).
        angle: radians, any shape ``S``.

    Returns:
        ``(*S, 3, 3)`` matrices acting on column vectors (``v' = R @ v``).
    """
    angle = np.asarray(angle, dtype=np.float64)
    c, s = np.cos(angle), np.sin(angle)
    one, zero = np.ones_like(angle), np.zeros_like(angle)
    axis = axis.lower()
    if axis == "x":
        rows = [[one, zero, zero], [zero, c, -s], [zero, s, c]]
    elif axis == "y":
        rows = [[c, zero, s], [zero, one, zero], [-s, zero, c]]
    elif axis == "z":
        rows = [[c, -s, zero], [s, c, zero], [zero, zero, one]]
    else:
        raise ValueError(f"rotation axis must be x, y or z, got {axis!r}")
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def euler_matrix(angles: np.ndarray, order: str, intrinsic: bool = True) -> np.ndarray:
    """Compose per-axis rotations.

    Args:
        angles: ``(..., K)`` radians, one column per letter of ``order``.
        order: axis letters, e.g. ``"ZXY"`` (BVH channel order) or ``"XYZ"``.
        intrinsic: if True, ``R = R_order[0] @ R_order[1] @ ...`` (rotations about the moving axes, the BVH
            convention: the first listed channel is the outermost). If False, the first listed rotation is applied
            first about the fixed axes: ``R = ... @ R_order[1] @ R_order[0]`` (the Acclaim ASF/AMC convention).

    Returns:
        ``(..., 3, 3)``.
    """
    angles = np.asarray(angles, dtype=np.float64)
    if angles.shape[-1] != len(order):
        raise ValueError(f"got {angles.shape[-1]} angles for rotation order {order!r}")
    out = np.broadcast_to(np.eye(3), angles.shape[:-1] + (3, 3)).copy()
    for k, ax in enumerate(order):
        rot = axis_rotation(ax, angles[..., k])
        out = out @ rot if intrinsic else rot @ out
    return out
