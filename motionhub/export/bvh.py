# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""H36M-17 joint positions -> a Biovision Hierarchy (``.bvh``) animation (imports in Blender, MotionBuilder, ...).

**Skeleton.** One BVH joint per H36M joint, named as in Blender / CMU rigs (``Hips`` = pelvis, ``Spine``, ``Thorax``,
``Neck`` = H36M joint 9 "nose", ``Head``, ``LeftUpLeg`` ...), plus four zero-length helper joints (``LeftHipJoint`` /
``RightHipJoint`` under ``Hips`` and ``LeftCollar`` / ``RightCollar`` under ``Thorax``, as in the CMU BVH rigs) so
that every bone has its own rotation: then every bone direction of every frame is reproduced exactly. Offsets are
the *median* bone lengths of the sequence laid out in a T-pose (Y up, the character facing +Z, its left on +X).

**Rotations.** ``Hips`` and ``Thorax`` get their full orientation from the data (up = pelvis -> spine / thorax -> neck,
left = right hip -> left hip / right shoulder -> left shoulder); every other joint the shortest rotation (no twist)
from its rest direction to the frame's bone direction, relative to its parent. Channels: ``Xposition Yposition
Zposition`` (root only) then ``Zrotation Xrotation Yrotation`` (degrees, ``R = Rz Rx Ry``, the most common BVH order).

**What comes back.** Forward kinematics of the file gives the input's bone directions with the median bone lengths
(:func:`rigid_positions` computes exactly that); for an input whose bone lengths are constant (mocap, or any rigid
skeleton) it gives the input back. The root follows ``root_trajectory`` when given, else it stays at the origin
(root-relative lifting output).

**Axes and units.** Input positions are ``(T, 17, 3)`` in the camera frame of the lifting models (x right, y down,
z away from the camera; ``axes="camera"``) or already Y-up (``axes="y_up"``, the BVH frame). Units: ``"m"``,
``"mm"`` or ``"cm"`` in, centimetres in the file (Blender: import with Scale 0.01 for metres).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["BVH_JOINTS", "BVHExport", "rigid_positions", "write_bvh"]

_TO_CM = {"m": 100.0, "cm": 1.0, "mm": 0.1}

# (BVH name, H36M index or None for a helper, parent BVH name, rest direction of the offset from the parent)
_RIGHT, _LEFT, _UP, _DOWN = (-1.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, -1.0, 0.0)
BVH_JOINTS: tuple[tuple[str, int | None, str | None, tuple[float, float, float]], ...] = (
    ("Hips", 0, None, (0.0, 0.0, 0.0)),
    ("RightHipJoint", None, "Hips", (0.0, 0.0, 0.0)),
    ("RightUpLeg", 1, "RightHipJoint", _RIGHT),
    ("RightLeg", 2, "RightUpLeg", _DOWN),
    ("RightFoot", 3, "RightLeg", _DOWN),
    ("LeftHipJoint", None, "Hips", (0.0, 0.0, 0.0)),
    ("LeftUpLeg", 4, "LeftHipJoint", _LEFT),
    ("LeftLeg", 5, "LeftUpLeg", _DOWN),
    ("LeftFoot", 6, "LeftLeg", _DOWN),
    ("Spine", 7, "Hips", _UP),
    ("Thorax", 8, "Spine", _UP),
    ("Neck", 9, "Thorax", _UP),
    ("Head", 10, "Neck", _UP),
    ("LeftCollar", None, "Thorax", (0.0, 0.0, 0.0)),
    ("LeftArm", 11, "LeftCollar", _LEFT),
    ("LeftForeArm", 12, "LeftArm", _LEFT),
    ("LeftHand", 13, "LeftForeArm", _LEFT),
    ("RightCollar", None, "Thorax", (0.0, 0.0, 0.0)),
    ("RightArm", 14, "RightCollar", _RIGHT),
    ("RightForeArm", 15, "RightArm", _RIGHT),
    ("RightHand", 16, "RightForeArm", _RIGHT),
)
"""The exported hierarchy (depth-first file order)."""

_H36M_PARENT = (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15)
_END_SITES = {"RightFoot": (0.0, 0.0, 1.0), "LeftFoot": (0.0, 0.0, 1.0), "Head": _UP, "LeftHand": _LEFT,
              "RightHand": _RIGHT}  # fmt: skip
_END_LENGTH_CM = 5.0


@dataclass
class BVHExport:
    """What :func:`write_bvh` wrote.

    Attributes:
        path: the file.
        positions: ``(T, 17, 3)`` H36M joint positions the file reproduces (forward kinematics), in the input's units
            and axes: the input's bone directions with the median bone lengths.
        bone_lengths: ``(17,)`` median length of the bone from each joint's H36M parent (0 for the pelvis), input units.
        max_error: largest distance between ``positions`` and the input, input units (0 for rigid input).
        mean_error: mean of that distance over frames and joints.
    """

    path: Path
    positions: np.ndarray
    bone_lengths: np.ndarray
    max_error: float
    mean_error: float = 0.0


def _check_positions(positions: np.ndarray) -> np.ndarray:
    pos = np.asarray(positions, dtype=np.float64)
    if pos.ndim != 3 or pos.shape[1:] != (17, 3):
        raise ValueError(f"BVH export takes H36M-17 positions (T, 17, 3), got shape {pos.shape}")
    if len(pos) == 0:
        raise ValueError("BVH export: no frames")
    if not np.isfinite(pos).all():
        raise ValueError("BVH export: the positions contain NaN/inf; fill missing frames before exporting")
    return pos


def _unit(v: np.ndarray, what: str) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    if (n < 1e-9).any():
        raise ValueError(f"BVH export: zero-length {what} in some frame (two joints at the same place)")
    return v / n


def rigid_positions(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions with every bone set to its median length, directions kept (what the BVH reproduces).

    Args:
        positions: ``(T, 17, 3)`` H36M-17 positions, any units / axes.

    Returns:
        ``(rigid (T, 17, 3), bone_lengths (17,))``; the pelvis stays where it is.
    """
    pos = _check_positions(positions)
    lengths = np.zeros(17)
    out = np.empty_like(pos)
    out[:, 0] = pos[:, 0]
    for j in range(1, 17):
        p = _H36M_PARENT[j]
        bone = pos[:, j] - pos[:, p]
        lengths[j] = float(np.median(np.linalg.norm(bone, axis=-1)))
        out[:, j] = out[:, p] + _unit(bone, f"bone {j}") * lengths[j]
    return out, lengths


def _frame(up: np.ndarray, left: np.ndarray) -> np.ndarray:
    """Rotation matrices ``(T, 3, 3)`` whose columns are left (x), up (y) and forward (z = x cross y)."""
    y = _unit(up, "up axis")
    x = left - (left * y).sum(-1, keepdims=True) * y
    x = _unit(x, "left-right axis")
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def _swing(rest: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Shortest rotations ``(T, 3, 3)`` taking the unit vector ``rest`` (3,) to the unit vectors ``target`` (T, 3)."""
    axis = np.cross(rest, target)
    s = np.linalg.norm(axis, axis=-1)
    c = np.clip((target * rest).sum(-1), -1.0, 1.0)
    k = np.zeros_like(axis)
    ok = s > 1e-12
    k[ok] = axis[ok] / s[ok, None]
    opposite = (~ok) & (c < 0)  # 180 degrees: any axis perpendicular to rest
    if opposite.any():
        perp = np.cross(rest, [1.0, 0.0, 0.0])
        if np.linalg.norm(perp) < 1e-6:
            perp = np.cross(rest, [0.0, 1.0, 0.0])
        k[opposite] = perp / np.linalg.norm(perp)
    kx = np.zeros(target.shape[:-1] + (3, 3))
    kx[..., 0, 1], kx[..., 0, 2], kx[..., 1, 0] = -k[..., 2], k[..., 1], k[..., 2]
    kx[..., 1, 2], kx[..., 2, 0], kx[..., 2, 1] = -k[..., 0], -k[..., 1], k[..., 0]
    eye = np.broadcast_to(np.eye(3), kx.shape)
    return eye + s[..., None, None] * kx + (1 - c)[..., None, None] * (kx @ kx)


def _euler_zxy(rot: np.ndarray) -> np.ndarray:
    """``R = Rz @ Rx @ Ry`` -> degrees (z, x, y), continuous over frames (unwrapped)."""
    import warnings

    from scipy.spatial.transform import Rotation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # gimbal lock: the matrix is still reproduced
        ang = Rotation.from_matrix(rot).as_euler("ZXY", degrees=True)
    return np.rad2deg(np.unwrap(np.deg2rad(ang), axis=0))


def write_bvh(
    path: str | Path,
    positions: np.ndarray,
    fps: float,
    units: str = "m",
    axes: str = "camera",
    root_trajectory: np.ndarray | None = None,
) -> BVHExport:
    """Write H36M-17 positions as a BVH animation (module docstring).

    Args:
        path: output ``.bvh``.
        positions: ``(T, 17, 3)`` H36M-17 joints, e.g. ``LiftResult.pose_3d`` (root-relative is fine).
        fps: frame rate (``Frame Time = 1 / fps``).
        units: ``"m"``, ``"cm"`` or ``"mm"`` of ``positions`` (the file is in centimetres).
        axes: ``"camera"`` (x right, y down, z forward: the lifting output) or ``"y_up"`` (x = the subject's left
            when facing the viewer, y up, z towards the viewer).
        root_trajectory: ``(T, 3)`` pelvis positions (same units / axes) when known; default: the pelvis of
            ``positions`` (the origin for root-relative poses).

    Returns:
        :class:`BVHExport` (the positions the file reproduces and their largest distance to the input).

    Raises:
        ValueError: wrong shape, NaN, unknown units / axes, zero-length bones, a non-positive fps.
    """
    pos_in = _check_positions(positions)
    if units not in _TO_CM:
        raise ValueError(
            f"BVH export needs metric positions: units must be one of {sorted(_TO_CM)}, got {units!r} (a model "
            "with normalised output has no metric scale; use a metric lifting model)"
        )
    if axes not in ("camera", "y_up"):
        raise ValueError(f"axes must be 'camera' or 'y_up', got {axes!r}")
    if not (fps and np.isfinite(fps) and fps > 0):
        raise ValueError(f"BVH export needs a positive frame rate, got {fps!r}")
    flip = np.array([1.0, -1.0, -1.0]) if axes == "camera" else np.ones(3)
    scale = _TO_CM[units]
    rigid, lengths = rigid_positions(pos_in)
    p = rigid * flip * scale  # BVH axes, cm
    t = len(p)
    if root_trajectory is not None:
        root = np.asarray(root_trajectory, dtype=np.float64)
        if root.shape != (t, 3) or not np.isfinite(root).all():
            raise ValueError(f"root_trajectory must be finite (T, 3) = ({t}, 3), got {root.shape}")
        root = root * flip * scale
    else:
        root = p[:, 0]
    index = {name: i for i, (name, *_r) in enumerate(BVH_JOINTS)}
    glob = np.zeros((len(BVH_JOINTS), t, 3, 3))
    local = np.zeros_like(glob)
    full = {
        "Hips": _frame(p[:, 7] - p[:, 0], p[:, 4] - p[:, 1]),
        "Thorax": _frame(p[:, 9] - p[:, 8], p[:, 11] - p[:, 14]),
    }
    aims = {"Hips": None, "Thorax": None}  # full frames
    child_of = {}  # BVH joint -> the H36M joint its rotation aims
    for name, h, parent, _rest in BVH_JOINTS:
        if parent is not None:
            child_of.setdefault(parent, []).append((name, h))
    for i, (name, h, parent, _rest) in enumerate(BVH_JOINTS):
        parent_glob = glob[index[parent]] if parent is not None else np.broadcast_to(np.eye(3), (t, 3, 3))
        if name in aims:
            g = full[name]
        else:
            kids = [(n, hh) for n, hh in child_of.get(name, []) if hh is not None]
            if not kids:  # end joint: keeps its parent's orientation
                g = parent_glob.copy()
            else:
                kid_name, kid_h = kids[0]
                src = _H36M_PARENT[kid_h]
                target = _unit(p[:, kid_h] - p[:, src], f"bone {kid_h}")
                rest = np.asarray(BVH_JOINTS[index[kid_name]][3])
                local_target = np.einsum("tji,tj->ti", parent_glob, target)  # parent_glob^T @ target
                g = parent_glob @ _swing(rest, local_target)
        glob[i] = g
        local[i] = np.einsum("tji,tjk->tik", parent_glob, g)  # parent_glob^T @ g
    # offsets: rest direction x median length (cm); helpers have length 0
    offsets = np.zeros((len(BVH_JOINTS), 3))
    for i, (_name, h, parent, rest) in enumerate(BVH_JOINTS):
        if parent is not None and h is not None:
            offsets[i] = np.asarray(rest) * lengths[h] * scale
    lines = ["HIERARCHY"]
    children: dict[str | None, list[int]] = {}
    for i, (_name, _h, parent, _rest) in enumerate(BVH_JOINTS):
        children.setdefault(parent, []).append(i)

    def emit(i: int, depth: int) -> None:
        name = BVH_JOINTS[i][0]
        pad = "\t" * depth
        kind = "ROOT" if depth == 0 else "JOINT"
        lines.append(f"{pad}{kind} {name}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}\tOFFSET {offsets[i][0]:.6f} {offsets[i][1]:.6f} {offsets[i][2]:.6f}")
        chans = "Xposition Yposition Zposition Zrotation Xrotation Yrotation" if depth == 0 else (
            "Zrotation Xrotation Yrotation")
        lines.append(f"{pad}\tCHANNELS {6 if depth == 0 else 3} {chans}")
        kids = children.get(name, [])
        for k in kids:
            emit(k, depth + 1)
        if not kids:
            end = np.asarray(_END_SITES.get(name, _UP)) * _END_LENGTH_CM
            lines.append(f"{pad}\tEnd Site")
            lines.append(f"{pad}\t{{")
            lines.append(f"{pad}\t\tOFFSET {end[0]:.6f} {end[1]:.6f} {end[2]:.6f}")
            lines.append(f"{pad}\t}}")
        lines.append(f"{pad}}}")

    emit(0, 0)
    eulers = np.stack([_euler_zxy(local[i]) for i in range(len(BVH_JOINTS))], axis=1)  # (T, N, 3)
    lines += ["MOTION", f"Frames: {t}", f"Frame Time: {1.0 / float(fps):.8f}"]
    for f in range(t):
        vals = [root[f, 0], root[f, 1], root[f, 2], *eulers[f].reshape(-1)]
        lines.append(" ".join(f"{v:.6f}" for v in vals))
    from ..io_utils import write_text

    path = Path(path)
    write_text(path, "\n".join(lines) + "\n")
    shift = 0.0 if root_trajectory is None else (np.asarray(root_trajectory, np.float64) - rigid[:, 0])[:, None]
    reproduced = rigid + shift
    dist = np.linalg.norm(rigid - pos_in, axis=-1)
    return BVHExport(path=path, positions=reproduced, bone_lengths=lengths, max_error=float(dist.max()),
                     mean_error=float(dist.mean()))  # fmt: skip
