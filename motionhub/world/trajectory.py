# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The root (pelvis) trajectory in camera space, in metres: where the lifted root-relative pose must stand so that it
projects onto the 2D keypoints.

**Perspective root fit** (:func:`solve_root`, the default). For a root-relative pose ``P_j = (X_j, Y_j, Z_j)`` and the
normalised image coordinates ``(u_j, v_j)`` of the same joints, the root ``t`` satisfies, for every joint,
``X_j + t_x = u_j (Z_j + t_z)`` and ``Y_j + t_y = v_j (Z_j + t_z)``: two linear equations per joint, three unknowns
per frame, solved by confidence-weighted least squares with a few Cauchy reweighting steps (a wrong detection of one
joint does not pull the root). Depth is the noisy coordinate (it rests on the ratio of 3D to 2D size), so the depth is
smoothed over time (Savitzky-Golay on log-depth, ``smooth_seconds``) and ``t_x, t_y`` are then refitted at the smoothed
depth, so the pelvis stays on its 2D track. Errors of the lifted pose's *scale* move the depth proportionally (a pose
5 % too large stands 5 % too far): this is the limit of any monocular trajectory without a known body size.

**Bone-ratio baseline** (:func:`root_from_bone_ratio`): depth = focal x (sum of 3D bone lengths) / (sum of 2D bone
lengths), the root under its 2D pelvis at that depth; the reference the issue asked to beat.

Arrays: ``pose`` ``(T, J, 3)`` metres (or any unit, the root comes back in it), camera axes (x right, y down,
z forward), joint 0 the root; ``keypoints_2d`` ``(T, J, 2|3)`` pixels ``x, y[, confidence]`` in the same layout, NaN
for missing joints.
"""

from __future__ import annotations

import numpy as np

from .camera import Intrinsics

__all__ = ["DEFAULT_SMOOTH_SECONDS", "ROBUST_SCALE", "root_from_bone_ratio", "smooth_depth", "solve_root"]

DEFAULT_SMOOTH_SECONDS = 1.0
"""Savitzky-Golay window of the depth (seconds); chosen on the training subjects (results/trajectory.md)."""

ROBUST_SCALE = 0.02
"""Residual (normalised image units, ~20 px at f = 1000 px) at which a joint's Cauchy weight halves (results/trajectory.md)."""


def _inputs(pose: np.ndarray, keypoints_2d: np.ndarray, confidence: np.ndarray | None) -> tuple[np.ndarray, ...]:
    pose = np.asarray(pose, dtype=np.float64)
    kp = np.asarray(keypoints_2d, dtype=np.float64)
    if pose.ndim != 3 or pose.shape[-1] != 3:
        raise ValueError(f"pose must be (T, J, 3), got shape {pose.shape}")
    if kp.ndim != 3 or kp.shape[:2] != pose.shape[:2] or kp.shape[-1] not in (2, 3):
        raise ValueError(
            f"keypoints_2d must be (T, J, 2|3) with the pose's frames and joints {pose.shape[:2]}, got {kp.shape}"
        )
    if confidence is None:
        confidence = kp[..., 2] if kp.shape[-1] == 3 else np.ones(kp.shape[:2])
    w = np.asarray(confidence, dtype=np.float64)
    if w.shape != kp.shape[:2]:
        raise ValueError(f"confidence must be (T, J) = {kp.shape[:2]}, got {w.shape}")
    valid = np.isfinite(kp[..., :2]).all(-1) & np.isfinite(pose).all(-1) & np.isfinite(w) & (w > 0)
    w = np.where(valid, w, 0.0)
    return pose, kp[..., :2], w


def _fit(pose: np.ndarray, uv: np.ndarray, w: np.ndarray, depth: np.ndarray | None = None) -> np.ndarray:
    """Weighted least squares of the root per frame; with ``depth`` given only ``t_x, t_y`` are fitted."""
    u, v = uv[..., 0], uv[..., 1]
    x, y, z = pose[..., 0], pose[..., 1], pose[..., 2]
    u, v = np.nan_to_num(u), np.nan_to_num(v)
    if depth is not None:
        sw = np.maximum(w.sum(-1), 1e-12)
        tx = (w * (u * (z + depth[:, None]) - x)).sum(-1) / sw
        ty = (w * (v * (z + depth[:, None]) - y)).sum(-1) / sw
        return np.stack([tx, ty, depth], -1)
    # normal equations of rows [1, 0, -u] t = u z - x and [0, 1, -v] t = v z - y
    a = np.zeros(pose.shape[:1] + (3, 3))
    b = np.zeros(pose.shape[:1] + (3,))
    sw = w.sum(-1)
    a[:, 0, 0] = a[:, 1, 1] = sw
    a[:, 0, 2] = a[:, 2, 0] = -(w * u).sum(-1)
    a[:, 1, 2] = a[:, 2, 1] = -(w * v).sum(-1)
    a[:, 2, 2] = (w * (u * u + v * v)).sum(-1)
    ru, rv = u * z - x, v * z - y
    b[:, 0] = (w * ru).sum(-1)
    b[:, 1] = (w * rv).sum(-1)
    b[:, 2] = -(w * (u * ru + v * rv)).sum(-1)
    ok = (w > 0).sum(-1) >= 2
    a[~ok] = np.eye(3)
    t = np.linalg.solve(a, b[..., None])[..., 0]
    t[~ok] = np.nan
    return t


def smooth_depth(depth: np.ndarray, fps: float | None, seconds: float | None) -> np.ndarray:
    """Savitzky-Golay (order 2) on log-depth over ``seconds`` (NaN frames interpolated first; ``seconds`` 0 or None,
    or an unknown frame rate with ``seconds`` None: returned as is apart from the interpolation)."""
    d = np.asarray(depth, dtype=np.float64).copy()
    good = np.isfinite(d) & (d > 0)
    if not good.any():
        return d
    idx = np.arange(len(d))
    logd = np.interp(idx, idx[good], np.log(d[good]))
    if not seconds or fps is None:
        return np.exp(logd)
    win = round(seconds * float(fps)) | 1  # odd
    win = min(win, len(d) if len(d) % 2 else len(d) - 1)
    if win < 5:
        return np.exp(logd)
    from scipy.signal import savgol_filter

    return np.exp(savgol_filter(logd, win, 2, mode="interp"))


def solve_root(
    pose: np.ndarray,
    keypoints_2d: np.ndarray,
    intrinsics: Intrinsics,
    confidence: np.ndarray | None = None,
    *,
    fps: float | None = None,
    smooth_seconds: float | None = DEFAULT_SMOOTH_SECONDS,
    iterations: int = 3,
    robust_scale: float = ROBUST_SCALE,
) -> np.ndarray:
    """Root position per frame (module docstring).

    Args:
        pose: ``(T, J, 3)`` root-relative pose, camera axes.
        keypoints_2d: ``(T, J, 2|3)`` pixels (a third channel is the confidence, the least-squares weight).
        intrinsics: the camera (:func:`~motionhub.world.resolve_intrinsics`).
        confidence: ``(T, J)`` weights overriding the third channel.
        fps: frame rate (for the depth smoothing window).
        smooth_seconds: depth smoothing window in seconds (``None`` or 0: per-frame fit, no smoothing).
        iterations: Cauchy reweighting steps (robust to a few wrong joints).
        robust_scale: the residual at which a joint's weight halves (normalised image units).

    Returns:
        ``(T, 3)`` root positions in the pose's units, camera axes; frames without two visible joints are
        interpolated from their neighbours (NaN only when no frame has any).
    """
    if not isinstance(intrinsics, Intrinsics):
        raise TypeError(f"intrinsics must be a motionhub.world.Intrinsics, got {type(intrinsics).__name__}")
    pose, kp, w0 = _inputs(pose, keypoints_2d, confidence)
    uv = intrinsics.normalize(kp)
    w = w0.copy()
    t = _fit(pose, uv, w)
    for _ in range(iterations):
        pz = pose[..., 2] + t[:, 2:3]
        res = np.hypot(uv[..., 0] * pz - pose[..., 0] - t[:, :1], uv[..., 1] * pz - pose[..., 1] - t[:, 1:2])
        res = np.nan_to_num(res / np.maximum(np.abs(pz), 1e-6), nan=0.0)  # algebraic -> image-plane residual
        w = w0 / (1.0 + (res / robust_scale) ** 2)
        t = _fit(pose, uv, w)
    bad = ~np.isfinite(t).all(-1) | (t[:, 2] <= 0)
    t[bad] = np.nan
    depth = smooth_depth(t[:, 2], fps, smooth_seconds)
    if not np.isfinite(depth).any():
        return np.full_like(t, np.nan)
    out = _fit(pose, uv, w, depth)
    # frames without visible joints: x, y interpolated too
    no_obs = w.sum(-1) <= 0
    if no_obs.any() and (~no_obs).any():
        idx = np.arange(len(out))
        for k in range(2):
            out[no_obs, k] = np.interp(idx[no_obs], idx[~no_obs], out[~no_obs, k])
    return out


def root_from_bone_ratio(
    pose: np.ndarray,
    keypoints_2d: np.ndarray,
    intrinsics: Intrinsics,
    parents: tuple[int, ...],
    confidence: np.ndarray | None = None,
) -> np.ndarray:
    """The geometric baseline: depth = f x sum|3D bones| / sum|2D bones| (bones with both ends visible), the root
    on the ray of its 2D position. Returns ``(T, 3)``; NaN where the root or every bone is unseen."""
    pose, kp, w = _inputs(pose, keypoints_2d, confidence)
    if len(parents) != pose.shape[1]:
        raise ValueError(f"parents must name one parent per joint ({pose.shape[1]}), got {len(parents)}")
    f = 0.5 * (intrinsics.fx + intrinsics.fy)
    num = np.zeros(len(pose))
    den = np.zeros(len(pose))
    for j, p in enumerate(parents):
        if p < 0:
            continue
        seen = (w[:, j] > 0) & (w[:, p] > 0)
        num += np.where(seen, np.linalg.norm(pose[:, j] - pose[:, p], axis=-1), 0.0)
        den += np.where(seen, np.linalg.norm(np.nan_to_num(kp[:, j] - kp[:, p]), axis=-1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = np.where(den > 0, f * num / den, np.nan)
    uv = intrinsics.normalize(kp[:, 0])
    out = np.stack([uv[:, 0] * depth, uv[:, 1] * depth, depth], -1)
    out[w[:, 0] <= 0] = np.nan
    return out
