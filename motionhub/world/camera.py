# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Pinhole intrinsics of the camera that filmed a sequence: from the file, from the user, or an assumed field of view.

A video or a detector file rarely says its focal length. Without it the depth of a person is only known up to the
focal length (a person twice as far, filmed with twice the focal length, looks the same), so every metric trajectory
rests on one: :func:`resolve_intrinsics` takes, in this order, an explicit ``focal`` (pixels) or ``fov`` (horizontal
degrees), the file's camera (generic npz ``meta_json {"camera": {"focal_px": [fx, fy], "principal_px": [cx, cy]}}``),
else the assumption of CLIFF / 4D-Humans / WHAM, ``f = sqrt(W^2 + H^2)`` (a diagonal field of view of 53 degrees, a
typical phone or webcam lens), with the principal point at the image centre. :attr:`Intrinsics.source` records which.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["Intrinsics", "resolve_intrinsics"]


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics in pixels (no lens distortion).

    Attributes:
        fx, fy: focal lengths (pixels).
        cx, cy: principal point (pixels, x right, y down from the top-left corner).
        source: where they come from: ``"file"``, ``"focal"`` / ``"fov"`` (given by the user) or ``"assumed"``.
    """

    fx: float
    fy: float
    cx: float
    cy: float
    source: str = "file"

    def __post_init__(self) -> None:
        for name in ("fx", "fy", "cx", "cy"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"intrinsics {name} must be a finite number, got {v!r}")
        if self.fx <= 0 or self.fy <= 0:
            raise ValueError(f"focal lengths must be positive pixels, got fx={self.fx}, fy={self.fy}")

    @classmethod
    def from_fov(cls, image_size: Sequence[int], fov_deg: float, source: str = "fov") -> Intrinsics:
        """Square pixels, principal point at the centre, horizontal field of view ``fov_deg`` (degrees)."""
        w, h = _size(image_size)
        if not 1.0 <= float(fov_deg) <= 179.0:
            raise ValueError(f"the horizontal field of view must be in [1, 179] degrees, got {fov_deg}")
        f = (w / 2.0) / math.tan(math.radians(float(fov_deg)) / 2.0)
        return cls(f, f, w / 2.0, h / 2.0, source)

    @property
    def horizontal_fov_deg(self) -> float:
        return math.degrees(2.0 * math.atan(self.cx / self.fx)) if self.cx > 0 else float("nan")

    def normalize(self, uv: np.ndarray) -> np.ndarray:
        """Pixels ``(..., 2)`` -> normalised image coordinates ``((u - cx) / fx, (v - cy) / fy)`` (x right, y down)."""
        uv = np.asarray(uv, dtype=np.float64)
        return (uv[..., :2] - (self.cx, self.cy)) / (self.fx, self.fy)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Camera-space points ``(..., 3)`` (x right, y down, z forward; z > 0) -> pixels ``(..., 2)``."""
        p = np.asarray(points, dtype=np.float64)
        return p[..., :2] / p[..., 2:3] * (self.fx, self.fy) + (self.cx, self.cy)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _size(image_size: Sequence[int] | None) -> tuple[float, float]:
    if image_size is None or len(image_size) != 2:
        raise ValueError(f"image size must be (width, height) in pixels, got {image_size!r}")
    w, h = (float(v) for v in image_size)
    if not (w > 0 and h > 0):
        raise ValueError(f"image size must be positive (width, height), got {image_size!r}")
    return w, h


def _pair(value: Any, what: str) -> tuple[float, float]:
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    if arr.size == 1:
        arr = np.repeat(arr, 2)
    if arr.size != 2 or not np.isfinite(arr).all():
        raise ValueError(f"the file's camera {what} must be one or two finite numbers, got {value!r}")
    return float(arr[0]), float(arr[1])


def resolve_intrinsics(
    image_size: Sequence[int] | None,
    camera: Mapping[str, Any] | None = None,
    *,
    focal: float | None = None,
    fov: float | None = None,
) -> Intrinsics:
    """The intrinsics to use (module docstring for the order).

    Args:
        image_size: ``(width, height)`` of the frames (needed unless the file's camera has a principal point).
        camera: the file's camera metadata (``focal_px`` / ``focal`` / ``f`` and ``principal_px`` / ``c``), or None.
        focal: focal length in pixels given by the user (wins over the file).
        fov: horizontal field of view in degrees given by the user (wins over the file).

    Raises:
        ValueError: both ``focal`` and ``fov``, a non-positive value, or nothing to place the principal point with.
    """
    if focal is not None and fov is not None:
        raise ValueError("give the focal length in pixels or the field of view in degrees, not both")
    cam = dict(camera or {})
    principal = cam.get("principal_px", cam.get("c"))
    if principal is not None:
        cx, cy = _pair(principal, "principal point")
    elif image_size is not None:
        w, h = _size(image_size)
        cx, cy = w / 2.0, h / 2.0
    else:
        raise ValueError(
            "the camera's principal point is unknown: the input has no image size and no camera; pass the image size "
            "(--image-size W H) so the trajectory can be placed in the image"
        )
    if focal is not None:
        if not (math.isfinite(float(focal)) and float(focal) > 0):
            raise ValueError(f"the focal length must be a positive number of pixels, got {focal}")
        return Intrinsics(float(focal), float(focal), cx, cy, "focal")
    if fov is not None:
        if not 1.0 <= float(fov) <= 179.0:
            raise ValueError(f"the horizontal field of view must be in [1, 179] degrees, got {fov}")
        f = cx / math.tan(math.radians(float(fov)) / 2.0)
        return Intrinsics(f, f, cx, cy, "fov")
    file_focal = cam.get("focal_px", cam.get("focal", cam.get("f")))
    if file_focal is not None:
        fx, fy = _pair(file_focal, "focal length")
        return Intrinsics(fx, fy, cx, cy, "file")
    f = math.hypot(2.0 * cx, 2.0 * cy)  # sqrt(W^2 + H^2) with the principal point at the centre
    return Intrinsics(f, f, cx, cy, "assumed")
