# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""From camera space to a world frame that animation tools use: gravity up, the ground under the feet, foot contacts,
and feet that stay still while they stand.

**Up and ground.** The ankles of the frames where a foot barely moves lie on a plane parallel to the floor. The floor
normal is the least-squares normal of those points, regularised towards a prior (the median torso direction
pelvis -> thorax, or the camera's up when ``up="camera"``): a walk along a line only fixes the plane up to a rotation
about the line, and a person standing still fixes nothing; the prior decides what the points leave open. Points far
from the plane (a foot on a step, a swinging foot) are dropped and the plane refitted. The floor lies
:data:`ANKLE_HEIGHT` below the standing ankles (H36M-17 has no toes; an ankle joint centre is ~8 cm above the floor).

**World frame.** ``y`` up (the floor normal), ``z`` towards the camera along the floor, ``x = y x z`` (the viewer's
right), origin on the floor under the first frame's pelvis; metres. The BVH export uses these axes (``axes="y_up"``).

**Contacts.** A foot is in contact where its ankle is within :data:`CONTACT_HEIGHT` of the standing level and moves
slower than :data:`CONTACT_SPEED`; runs shorter than 0.06 s are dropped (median filter).

**Foot skate.** The horizontal root motion is re-integrated from the contacts: while a foot stands, the root moves by
minus the foot's motion relative to the root (the standing foot stays where it is); with no foot on the ground it
follows the estimated trajectory. The drift between that and the estimated trajectory is added back low-passed
(:data:`DRIFT_SECONDS`), so the path follows the estimate over seconds and the feet stay still over steps. Vertically,
the root is shifted so standing ankles are at :data:`ANKLE_HEIGHT`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "ANKLE_HEIGHT",
    "CONTACT_HEIGHT",
    "CONTACT_SPEED",
    "DRIFT_SECONDS",
    "UP_PRIORS",
    "WorldMotion",
    "foot_skate",
    "to_world",
]

ANKLE_HEIGHT = 0.08
"""Height of a standing ankle joint above the floor (metres)."""
CONTACT_HEIGHT = 0.08
"""A contact ankle is at most this far (metres) above the standing level."""
CONTACT_SPEED = 0.5
"""... and moves slower than this (metres per second)."""
DRIFT_SECONDS = 1.0
"""Low-pass window (seconds) of the drift between the contact-integrated and the estimated root path."""
UP_PRIORS = ("body", "camera")

# H36M-17 joints used here
_PELVIS, _R_ANKLE, _L_ANKLE, _THORAX = 0, 3, 6, 8
_PRIOR_WEIGHT = 0.02  # m^2: the plane fit's trust in the prior along directions the foot points leave undetermined


@dataclass
class WorldMotion:
    """A lifted sequence placed in the world (module docstring for the axes).

    Attributes:
        root_camera: ``(T, 3)`` pelvis in camera space (x right, y down, z forward), metres.
        root_world: ``(T, 3)`` pelvis in the world frame after foot-skate removal, metres.
        pose_world: ``(T, 17, 3)`` joints in the world frame (``pose_rel`` rotated + ``root_world``), metres.
        contacts: ``(T, 2)`` bool, foot on the ground: column 0 left, column 1 right.
        world_from_camera: ``(3, 3)`` rotation: ``p_world = R @ (p_camera - origin_camera)``.
        origin_camera: ``(3,)`` the world origin (floor under the first pelvis) in camera space, metres.
        meta: the intrinsics, the up estimate (``up_source``, its angle to the prior), skate before / after (m/s).
    """

    root_camera: np.ndarray
    root_world: np.ndarray
    pose_world: np.ndarray
    contacts: np.ndarray
    world_from_camera: np.ndarray
    origin_camera: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def pose_camera(self) -> np.ndarray:
        """``(T, 17, 3)`` joints in camera space (the world pose mapped back, metres)."""
        return (self.pose_world @ self.world_from_camera) + self.origin_camera

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The arrays under their file keys (``root_camera``, ``root_world``, ``pose_world``, ``foot_contacts``,
        ``world_from_camera``, ``world_origin_camera``)."""
        return {
            f"{prefix}root_camera": self.root_camera.astype(np.float32),
            f"{prefix}root_world": self.root_world.astype(np.float32),
            f"{prefix}pose_world": self.pose_world.astype(np.float32),
            f"{prefix}foot_contacts": self.contacts,
            f"{prefix}world_from_camera": self.world_from_camera.astype(np.float32),
            f"{prefix}world_origin_camera": self.origin_camera.astype(np.float32),
        }


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def _odd(n: float, at_least: int = 1) -> int:
    return max(at_least, round(n) | 1)


def _speed(x: np.ndarray, fps: float) -> np.ndarray:
    """``(T, ..., 3)`` -> ``(T, ...)`` speed (units per second), central differences."""
    if len(x) < 2:
        return np.zeros(x.shape[:-1])
    return np.linalg.norm(np.gradient(x, axis=0), axis=-1) * fps


def _median_filter_bool(x: np.ndarray, width: int) -> np.ndarray:
    if width <= 1 or len(x) < width:
        return x
    from scipy.ndimage import median_filter

    return median_filter(x.astype(np.uint8), size=(width,) + (1,) * (x.ndim - 1), mode="nearest").astype(bool)


def _lowpass(x: np.ndarray, fps: float, seconds: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter1d

    sigma = seconds * fps / 2.0
    return gaussian_filter1d(x, sigma, axis=0, mode="nearest") if sigma > 0.5 else x


def _fit_up(points: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Floor normal from ankle points ``(N, 3)``: smallest eigenvector of the scatter + the prior term; returns
    ``(normal, a point on the plane, inliers)``."""
    keep = np.ones(len(points), bool)
    n, centre = prior, points.mean(0) if len(points) else np.zeros(3)
    for _ in range(3):
        q = points[keep]
        if len(q) < 10:
            break
        centre = q.mean(0)
        scatter = np.cov((q - centre).T, bias=True)
        m = scatter + _PRIOR_WEIGHT * (np.eye(3) - np.outer(prior, prior))
        n = np.linalg.eigh(m)[1][:, 0]
        n = n if n @ prior >= 0 else -n
        dist = np.abs((points - centre) @ n)
        new = dist < max(0.05, 3.0 * float(np.median(dist[keep])))
        if (new == keep).all():
            break
        keep = new
    return n, centre, int(keep.sum())


def _finite_or_none(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def foot_skate(ankles_world: np.ndarray, contacts: np.ndarray, fps: float) -> float:
    """Mean horizontal speed (m/s) of the ankles in contact frames (0 for perfectly planted feet); NaN without
    contacts. ``ankles_world`` ``(T, 2, 3)`` y-up, ``contacts`` ``(T, 2)``."""
    if len(ankles_world) < 2 or not contacts.any():
        return float("nan")
    horiz = ankles_world[..., [0, 2]]
    speed = np.linalg.norm(np.gradient(horiz, axis=0), axis=-1) * fps
    return float(speed[contacts].mean())


def to_world(
    pose: np.ndarray,
    root_camera: np.ndarray,
    fps: float,
    *,
    up: str | np.ndarray = "body",
    remove_skate: bool = True,
    frame: tuple[np.ndarray, np.ndarray] | None = None,
    meta: dict[str, Any] | None = None,
) -> WorldMotion:
    """Place a root-relative H36M-17 pose and its camera-space root in the world (module docstring).

    Args:
        pose: ``(T, 17, 3)`` root-relative joints, camera axes, metres.
        root_camera: ``(T, 3)`` pelvis in camera space, metres (:func:`~motionhub.world.solve_root`).
        fps: frame rate (contacts and skate removal work in seconds).
        up: prior of the up direction: ``"body"`` (median pelvis -> thorax), ``"camera"`` (the camera is level:
            camera -y), or a ``(3,)`` camera-space vector (e.g. from an IMU); the floor fit refines it.
        remove_skate: re-integrate the horizontal root from the contacts (module docstring).
        frame: ``(world_from_camera, origin_camera)`` of a world already fitted (another person of the same video):
            used as is; the floor fit is skipped, this person's standing level and contacts are still their own.
        meta: extra entries for :attr:`WorldMotion.meta`.
    """
    pose = np.asarray(pose, dtype=np.float64)
    root = np.asarray(root_camera, dtype=np.float64)
    if pose.ndim != 3 or pose.shape[1:] != (17, 3):
        raise ValueError(f"world motion takes H36M-17 poses (T, 17, 3), got {pose.shape}")
    if root.shape != (len(pose), 3):
        raise ValueError(f"root_camera must be (T, 3) = ({len(pose)}, 3), got {root.shape}")
    if not (np.isfinite(pose).all() and np.isfinite(root).all()):
        raise ValueError("world motion needs finite poses and roots (fill missing frames first)")
    if not (fps and np.isfinite(fps) and fps > 0):
        raise ValueError(f"world motion needs the frame rate (contacts are speeds), got {fps!r}")
    fps = float(fps)
    cam = pose + root[:, None]
    if isinstance(up, str):
        if up == "body":
            prior = _unit(np.median(_unit(cam[:, _THORAX] - cam[:, _PELVIS]), axis=0))
        elif up == "camera":
            prior = np.array([0.0, -1.0, 0.0])
        else:
            raise ValueError(f"up must be one of {UP_PRIORS} or a 3-vector, got {up!r}")
    else:
        prior = np.asarray(up, dtype=np.float64).reshape(-1)
        if prior.shape != (3,) or not np.isfinite(prior).all() or np.linalg.norm(prior) < 1e-9:
            raise ValueError(f"up must be a non-zero 3-vector in camera axes, got {up!r}")
        prior = _unit(prior)
    ankles = cam[:, [_L_ANKLE, _R_ANKLE]]  # (T, 2, 3): left, right
    speed = _speed(_lowpass(ankles, fps, 0.1), fps)
    height0 = -(ankles @ prior)  # larger = lower (along -prior)
    lower = height0 >= height0.max(-1, keepdims=True) - 0.05  # the lower foot, or both when level
    cand = (speed < CONTACT_SPEED) & lower
    if frame is None:
        normal, centre, inliers = _fit_up(ankles[cand], prior)
    else:
        rot_given, origin_given = (np.asarray(a, dtype=np.float64) for a in frame)
        if rot_given.shape != (3, 3) or origin_given.shape != (3,):
            raise ValueError("frame must be (world_from_camera (3, 3), origin_camera (3,))")
        normal = rot_given[1]
        centre = ankles[cand].mean(0) if cand.any() else ankles.reshape(-1, 3).mean(0)
        inliers = int(cand.sum())
    # heights above the standing-ankle level (robust: median of the candidate ankles near the plane)
    h = (ankles - centre) @ normal
    level = float(np.median(h[cand])) if cand.any() else float(np.percentile(h, 5))
    h = h - level
    contacts = (h < CONTACT_HEIGHT) & (speed < CONTACT_SPEED)
    contacts = _median_filter_bool(contacts, _odd(0.06 * fps, 3))
    # world axes: y = floor normal, z = towards the camera along the floor, x = y cross z
    y = normal
    z = -np.array([0.0, 0.0, 1.0])
    z = z - (z @ y) * y
    if np.linalg.norm(z) < 1e-6:  # the camera looks straight down: use its -y (top of the image) instead
        z = np.array([0.0, -1.0, 0.0]) - (np.array([0.0, -1.0, 0.0]) @ y) * y
    z = _unit(z)
    x = np.cross(y, z)
    rot = np.stack([x, y, z])  # rows: world axes in camera coordinates
    floor_point = centre + (level - ANKLE_HEIGHT) * normal
    origin = root[0] - ((root[0] - floor_point) @ normal) * normal
    if frame is not None:
        rot, origin = rot_given, origin_given
    root_w_est = (root - origin) @ rot.T
    rel_w = pose @ rot.T
    ank_rel = rel_w[:, [_L_ANKLE, _R_ANKLE]]
    skate_before = foot_skate(ank_rel + root_w_est[:, None], contacts, fps)
    root_w = root_w_est.copy()
    if remove_skate and len(pose) > 1:
        d_est = np.diff(root_w_est, axis=0)
        d_rel = np.diff(ank_rel, axis=0)  # (T-1, 2, 3)
        both = contacts[1:] & contacts[:-1]  # standing in both frames of the step
        n_c = both.sum(-1, keepdims=True)
        d_contact = -(d_rel * both[..., None]).sum(1) / np.maximum(n_c, 1)
        step = np.where(n_c > 0, d_contact, d_est)
        integ = np.concatenate([root_w_est[:1], root_w_est[:1] + np.cumsum(step, axis=0)])
        drift = _lowpass(root_w_est - integ, fps, DRIFT_SECONDS)
        path = integ + drift
        root_w[:, [0, 2]] = (path - path[:1] + root_w_est[:1])[:, [0, 2]]  # starts where the estimate starts
        # vertical: standing ankles at ANKLE_HEIGHT (offset known in contact frames, interpolated between)
        ank_h = ank_rel[..., 1] + root_w[:, 1:2]
        n_stand = contacts.sum(1)
        off = np.where(contacts, ANKLE_HEIGHT - ank_h, 0.0).sum(1) / np.maximum(n_stand, 1)
        good = n_stand > 0
        if good.any():
            idx = np.arange(len(off))
            off = np.interp(idx, idx[good], off[good])
            root_w[:, 1] += _lowpass(off, fps, 0.2)
    pose_w = rel_w + root_w[:, None]
    info = dict(meta or {})
    info.update(
        up_prior="shared" if frame is not None else (up if isinstance(up, str) else "given"),
        up_angle_to_prior_deg=float(np.degrees(np.arccos(np.clip(normal @ prior, -1.0, 1.0)))),
        floor_points=inliers,
        foot_skate_before_m_s=_finite_or_none(skate_before),
        foot_skate_after_m_s=_finite_or_none(foot_skate(pose_w[:, [_L_ANKLE, _R_ANKLE]], contacts, fps)),
        contact_fraction=[float(c) for c in contacts.mean(0)],
        skate_removed=bool(remove_skate),
    )
    return WorldMotion(root_camera=root, root_world=root_w, pose_world=pose_w, contacts=contacts,
                       world_from_camera=rot, origin_camera=origin, meta=info)  # fmt: skip
