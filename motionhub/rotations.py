# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Rotation representations used by the SMPL mesh heads: 6D, rotation matrix, axis-angle, quaternion.

All functions are batched over arbitrary leading dimensions ``(...)`` and differentiable. Conventions:

* **Rotation matrices** ``(..., 3, 3)`` act on column vectors (``x' = R @ x``).
* **6D** ``(..., 6)`` (Zhou et al., CVPR 2019) stores the first two *columns* of ``R`` interleaved, i.e. the 6 numbers
  reshape to ``(3, 2)`` and each column of that is one basis vector: ``[R00, R01, R10, R11, R20, R21]``. This is
  the layout MotionBERT / SPIN regress (``x.view(-1, 3, 2)``), so the identity is ``[1, 0, 0, 1, 0, 0]``.
* **Axis-angle** ``(..., 3)``: unit axis times angle in radians (SMPL's pose parameters, 24 joints x 3 = 72).
* **Quaternions** ``(..., 4)`` are ``(w, x, y, z)`` with ``w`` the scalar part.

The numerics follow the conversions MotionBERT uses (rotation matrix -> quaternion by Shepperd's case split,
quaternion -> axis-angle with ``atan2``; axis-angle -> rotation matrix through a quaternion with a ``1e-8`` guard on the
angle), so predictions match the official outputs to float32 precision.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "SMPL_FLIP_PAIRS",
    "axis_angle_to_quaternion",
    "axis_angle_to_rotmat",
    "flip_thetas",
    "identity_rot6d",
    "quaternion_to_axis_angle",
    "quaternion_to_rotmat",
    "rot6d_to_rotmat",
    "rotmat_to_axis_angle",
    "rotmat_to_quaternion",
    "rotmat_to_rot6d",
]

#: Left/right SMPL-24 joint pairs swapped when a body is mirrored (hips, knees, ankles, feet, collars, shoulders,
#: elbows, wrists, hands).
SMPL_FLIP_PAIRS: tuple[tuple[int, int], ...] = (
    (1, 2), (4, 5), (7, 8), (10, 11), (13, 14), (16, 17), (18, 19), (20, 21), (22, 23),
)


def _check_last(x: torch.Tensor, shape: tuple[int, ...], name: str) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor, got {type(x).__name__}")
    if tuple(x.shape[x.ndim - len(shape):]) != shape or x.ndim < len(shape):
        raise ValueError(f"`{name}` must have shape (..., {', '.join(map(str, shape))}), got {tuple(x.shape)}")


def rot6d_to_rotmat(x: torch.Tensor) -> torch.Tensor:
    """6D rotation ``(..., 6)`` -> rotation matrix ``(..., 3, 3)`` by Gram-Schmidt.

    The 6 numbers are the two columns ``a1 = x[..., 0::2]``, ``a2 = x[..., 1::2]``. ``b1 = a1/|a1|``,
    ``b2 = normalise(a2 - (b1·a2) b1)``, ``b3 = b1 x b2``, and ``R = [b1 b2 b3]`` (as columns). Norms are clamped
    at 1e-6.
    """
    _check_last(x, (6,), "x")
    pairs = x.reshape(*x.shape[:-1], 3, 2)
    a1, a2 = pairs[..., 0], pairs[..., 1]
    b1 = F.normalize(a1, dim=-1, eps=1e-6)
    b2 = F.normalize(a2 - (b1 * a2).sum(-1, keepdim=True) * b1, dim=-1, eps=1e-6)
    b3 = torch.linalg.cross(b1, b2, dim=-1)
    return torch.stack([b1, b2, b3], dim=-1)


def rotmat_to_rot6d(rotmat: torch.Tensor) -> torch.Tensor:
    """Rotation matrix ``(..., 3, 3)`` -> 6D ``(..., 6)`` (first two columns, interleaved row by row)."""
    _check_last(rotmat, (3, 3), "rotmat")
    return rotmat[..., :2].reshape(*rotmat.shape[:-2], 6)


def identity_rot6d(num_joints: int = 24) -> torch.Tensor:
    """``(num_joints * 6,)`` 6D code of the identity rotation repeated (a rest-pose mean when no SMPL mean exists)."""
    return torch.tensor([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]).repeat(num_joints)


def quaternion_to_rotmat(quat: torch.Tensor) -> torch.Tensor:
    """Quaternion ``(..., 4)`` ``(w, x, y, z)`` (normalised here) -> rotation matrix ``(..., 3, 3)``."""
    _check_last(quat, (4,), "quat")
    q = quat / quat.norm(p=2, dim=-1, keepdim=True)
    w, x, y, z = q.unbind(-1)
    w2, x2, y2, z2 = w * w, x * x, y * y, z * z
    wx, wy, wz, xy, xz, yz = w * x, w * y, w * z, x * y, x * z, y * z
    rows = [
        w2 + x2 - y2 - z2, 2 * xy - 2 * wz, 2 * wy + 2 * xz,
        2 * wz + 2 * xy, w2 - x2 + y2 - z2, 2 * yz - 2 * wx,
        2 * xz - 2 * wy, 2 * wx + 2 * yz, w2 - x2 - y2 + z2,
    ]
    return torch.stack(rows, dim=-1).reshape(*quat.shape[:-1], 3, 3)


def axis_angle_to_quaternion(axis_angle: torch.Tensor) -> torch.Tensor:
    """Axis-angle ``(..., 3)`` -> quaternion ``(..., 4)``. The angle is ``|aa + 1e-8|`` (a guard against 0/0)."""
    _check_last(axis_angle, (3,), "axis_angle")
    angle = torch.linalg.vector_norm(axis_angle + 1e-8, dim=-1, keepdim=True)
    axis = axis_angle / angle
    half = angle * 0.5
    return torch.cat([torch.cos(half), torch.sin(half) * axis], dim=-1)


def axis_angle_to_rotmat(axis_angle: torch.Tensor) -> torch.Tensor:
    """Axis-angle ``(..., 3)`` -> rotation matrix ``(..., 3, 3)`` (Rodrigues, computed through a quaternion)."""
    return quaternion_to_rotmat(axis_angle_to_quaternion(axis_angle))


def rotmat_to_quaternion(rotmat: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Rotation matrix ``(..., 3, 3)`` -> unit quaternion ``(..., 4)`` ``(w, x, y, z)`` (Shepperd's method).

    The branch is chosen from the diagonal: when ``R22 < eps`` the larger of ``R00``/``R11`` leads, otherwise ``w``
    leads unless ``R00 < -R11`` (then ``z``). Each branch divides by the square root of its largest (positive) term.
    """
    _check_last(rotmat, (3, 3), "rotmat")
    r = rotmat
    r00, r01, r02 = r[..., 0, 0], r[..., 0, 1], r[..., 0, 2]
    r10, r11, r12 = r[..., 1, 0], r[..., 1, 1], r[..., 1, 2]
    r20, r21, r22 = r[..., 2, 0], r[..., 2, 1], r[..., 2, 2]
    t_x = 1 + r00 - r11 - r22
    t_y = 1 - r00 + r11 - r22
    t_z = 1 - r00 - r11 + r22
    t_w = 1 + r00 + r11 + r22
    q_x = torch.stack([r21 - r12, t_x, r10 + r01, r02 + r20], dim=-1)
    q_y = torch.stack([r02 - r20, r10 + r01, t_y, r21 + r12], dim=-1)
    q_z = torch.stack([r10 - r01, r02 + r20, r21 + r12, t_z], dim=-1)
    q_w = torch.stack([t_w, r21 - r12, r02 - r20, r10 - r01], dim=-1)
    low_z = r22 < eps
    x_over_y = r00 > r11
    z_not_w = r00 < -r11
    case_x = (low_z & x_over_y)[..., None]
    case_y = (low_z & ~x_over_y)[..., None]
    case_z = (~low_z & z_not_w)[..., None]
    q = torch.where(case_x, q_x, torch.where(case_y, q_y, torch.where(case_z, q_z, q_w)))
    t = torch.where(case_x[..., 0], t_x, torch.where(case_y[..., 0], t_y, torch.where(case_z[..., 0], t_z, t_w)))
    return q / torch.sqrt(t)[..., None] * 0.5


def quaternion_to_axis_angle(quat: torch.Tensor) -> torch.Tensor:
    """Quaternion ``(..., 4)`` ``(w, x, y, z)`` -> axis-angle ``(..., 3)`` with the angle in ``[0, pi]``."""
    _check_last(quat, (4,), "quat")
    w, v = quat[..., 0], quat[..., 1:]
    sin_sq = (v * v).sum(-1)
    sin_half = torch.sqrt(sin_sq)
    # 2·atan2(sin, cos) with the sign of w folded in keeps the angle in [0, pi]
    angle = 2.0 * torch.where(w < 0, torch.atan2(-sin_half, -w), torch.atan2(sin_half, w))
    safe = torch.where(sin_sq > 0, sin_half, torch.ones_like(sin_half))
    scale = torch.where(sin_sq > 0, angle / safe, torch.full_like(angle, 2.0))
    return v * scale[..., None]


def rotmat_to_axis_angle(rotmat: torch.Tensor) -> torch.Tensor:
    """Rotation matrix ``(..., 3, 3)`` -> axis-angle ``(..., 3)`` (through a quaternion); NaNs become 0."""
    aa = quaternion_to_axis_angle(rotmat_to_quaternion(rotmat))
    return torch.nan_to_num(aa, nan=0.0)


def flip_thetas(thetas: torch.Tensor | np.ndarray) -> torch.Tensor | np.ndarray:
    """Mirror SMPL poses left <-> right (the body flipped along the x axis).

    Args:
        thetas: axis-angle SMPL poses ``(..., 72)`` or ``(..., 24, 3)`` (torch or numpy).

    Returns:
        Same shape and type: the y and z components of every joint's axis-angle are negated and the left/right
        joints of :data:`SMPL_FLIP_PAIRS` are swapped (MotionBERT's ``flip_thetas_batch``).
    """
    flat = thetas.shape[-1] == 72
    if not flat and tuple(thetas.shape[-2:]) != (24, 3):
        raise ValueError(f"`thetas` must have shape (..., 72) or (..., 24, 3), got {tuple(thetas.shape)}")
    x = thetas.reshape(*thetas.shape[:-1], 24, 3) if flat else thetas
    order = list(range(24))
    for a, b in SMPL_FLIP_PAIRS:
        order[a], order[b] = b, a
    sign = [1.0, -1.0, -1.0]
    if isinstance(x, np.ndarray):
        out = x[..., order, :] * np.asarray(sign, dtype=x.dtype)
    else:
        out = x[..., order, :] * x.new_tensor(sign)
    return out.reshape(thetas.shape)
