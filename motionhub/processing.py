# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Pure numpy pre/post-processing of joint sequences: normalisation, cropping, flipping, resampling, clip splitting,
person tracking and overlapping inference windows.

Layouts: joint arrays are ``(..., J, C)`` (any leading dims, typically ``(T, J, C)``, ``(M, T, J, C)`` or
``(B, T, J, C)``); channels are ``(x, y[, confidence])`` for 2D and ``(x, y, z[, confidence])`` for 3D. Image
coordinates are pixels with x to the right and y down. The normalisations map them to the ``[-1, 1]``-ish units the
models consume:

==================================== ======================================================== =========================
function                             rule                                                     used by
==================================== ======================================================== =========================
:func:`normalize_screen`             ``xy / w * 2 - [1, h / w]`` (x in [-1, 1], aspect kept)  VideoPose3D, P-STMO, MPM,
                                                                                              MotionBERT H36M
:func:`make_cam`                     ``xy / max(h, w) * 2 - 1`` (both axes)                   MotionBERT NTU action
:func:`normalize_pixel_center`       ``(xy - [w, h] / 2) / (min(w, h) / 2)``                  MotionBERT infer_wild
                                                                                              ``--pixel``
:func:`crop_scale`                   square box around the valid joints mapped to [-1, 1]     MotionBERT in-the-wild,
                                                                                              NTU, PoseTrack
==================================== ======================================================== =========================

Functions marked "MotionBERT" reproduce ``lib/utils/utils_data.py`` / ``lib/data/dataset_action.py`` of
Walter0807/MotionBERT (parity-tested against outputs of the official code). All functions validate their input and
raise ``ValueError`` for wrong shapes and non-finite values. Randomness always comes from an explicit
``numpy.random.Generator`` (``rng``); the streams differ from the official code's global ``np.random`` calls, so random
outputs match the official ones in distribution, not value by value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from motionhub.skeleton import flip as _flip

__all__ = [
    "MERGE_RULES",
    "WindowMerger",
    "centered_window_indices",
    "crop_scale",
    "crop_scale_3d",
    "denormalize_pixel_center",
    "denormalize_screen",
    "flip_pose",
    "human_tracking",
    "make_cam",
    "merge_windows",
    "normalize_pixel_center",
    "normalize_screen",
    "resample",
    "resample_fps",
    "root_relative",
    "sliding_windows",
    "split_clips",
    "uncrop_scale",
    "yaw_rotate",
]

flip_pose = _flip
"""Alias of :func:`motionhub.skeleton.flip` (negate x, swap left/right joints; MotionBERT ``flip_data``)."""


# --------------------------------------------------------------------------------------------------------- helpers


def _as_array(x: Any, fn: str, *, min_channels: int = 1, min_ndim: int = 2, finite: bool = True) -> np.ndarray:
    """Float numpy view of ``x`` after shape and finiteness checks (no copy when already floating)."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch tensor
        x = x.detach().cpu().numpy()
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{fn} expects a numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if arr.ndim < min_ndim:
        raise ValueError(f"{fn} expects an array with at least {min_ndim} dims (..., J, C), got shape {arr.shape}")
    if arr.shape[-1] < min_channels:
        raise ValueError(f"{fn} needs at least {min_channels} channels in the last axis, got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{fn}: input contains NaN or inf; mark missing joints with 0 (and confidence 0) or fill them first"
        )
    return arr


def _positive(value: Any, name: str, fn: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{fn}: {name} must be a positive finite number, got {value!r}")
    return v


def _positive_int(value: Any, name: str, fn: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{fn}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _scale_ratio(scale_range: Sequence[float], rng: np.random.Generator | None, fn: str) -> float:
    try:
        lo, hi = (float(v) for v in scale_range)
    except (TypeError, ValueError):
        raise ValueError(f"{fn}: scale_range must be a pair (low, high), got {scale_range!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 or hi < lo:
        raise ValueError(f"{fn}: scale_range must satisfy 0 < low <= high, got {scale_range!r}")
    if lo == hi:
        return lo
    rng = np.random.default_rng() if rng is None else rng
    return float(rng.uniform(lo, hi))


# --------------------------------------------------------------------------------------------------- normalisation


def normalize_screen(x: Any, width: float, height: float, *, depth: bool = False) -> np.ndarray:
    """Pixels -> screen-normalised units: ``xy / w * 2 - [1, h / w]`` (VideoPose3D ``normalize_screen_coordinates``).

    x spans ``[-1, 1]`` over the image width; y keeps the aspect ratio (``[-h/w, h/w]``).

    Args:
        x: ``(..., C)`` with ``C >= 2``; channels 0-1 are pixel x, y. Other channels pass through unchanged unless
            ``depth``.
        width: image width ``w`` in pixels.
        height: image height ``h`` in pixels.
        depth: if True, channel 2 is a depth in pixel units and is scaled by ``2 / w`` (MotionBERT's
            ``joint3d_image`` normalisation).

    Returns:
        New floating array, same shape.
    """
    w = _positive(width, "width", "normalize_screen")
    h = _positive(height, "height", "normalize_screen")
    arr = _as_array(x, "normalize_screen", min_channels=3 if depth else 2, min_ndim=1)
    out = arr.copy()
    out[..., :2] = arr[..., :2] / w * 2 - np.array([1, h / w], dtype=arr.dtype)
    if depth:
        out[..., 2] = arr[..., 2] / w * 2
    return out


def denormalize_screen(x: Any, width: float, height: float, *, depth: bool = False) -> np.ndarray:
    """Inverse of :func:`normalize_screen`: ``(xy + [1, h / w]) * w / 2`` (and ``z * w / 2`` when ``depth``)."""
    w = _positive(width, "width", "denormalize_screen")
    h = _positive(height, "height", "denormalize_screen")
    arr = _as_array(x, "denormalize_screen", min_channels=3 if depth else 2, min_ndim=1)
    out = arr.copy()
    out[..., :2] = (arr[..., :2] + np.array([1, h / w], dtype=arr.dtype)) * w / 2
    if depth:
        out[..., 2] = arr[..., 2] * w / 2
    return out


def make_cam(x: Any, img_shape: Sequence[float]) -> np.ndarray:
    """MotionBERT NTU normalisation: ``xy / max(h, w) * 2 - 1`` for **both** axes.

    Args:
        x: ``(..., C)`` pixel coordinates, channels 0-1 = x, y (other channels pass through). The official function
            receives ``(M, T, 17, 2)``.
        img_shape: ``(height, width)`` in pixels (PYSKL ``img_shape`` order).

    Returns:
        New floating array, same shape.
    """
    try:
        h, w = img_shape
    except (TypeError, ValueError):
        raise ValueError(f"make_cam: img_shape must be (height, width), got {img_shape!r}") from None
    h = _positive(h, "height", "make_cam")
    w = _positive(w, "width", "make_cam")
    arr = _as_array(x, "make_cam", min_channels=2, min_ndim=1)
    out = arr.copy()
    out[..., :2] = arr[..., :2] / max(w, h) * 2 - 1
    return out


def normalize_pixel_center(x: Any, width: float, height: float, *, depth: bool = False) -> np.ndarray:
    """MotionBERT ``infer_wild --pixel`` rule: ``(xy - [w, h] / 2) / (min(w, h) / 2)``.

    The image centre maps to 0 and the shorter image side spans ``[-1, 1]``.

    Args:
        x: ``(..., C)``, channels 0-1 pixel x, y; other channels pass through unless ``depth``.
        width, height: image size in pixels.
        depth: if True, channel 2 is a depth in pixels, divided by ``min(w, h) / 2`` too.
    """
    w = _positive(width, "width", "normalize_pixel_center")
    h = _positive(height, "height", "normalize_pixel_center")
    arr = _as_array(x, "normalize_pixel_center", min_channels=3 if depth else 2, min_ndim=1)
    half = min(w, h) / 2.0
    out = arr.copy()
    out[..., :2] = (arr[..., :2] - np.array([w, h], dtype=arr.dtype) / 2.0) / half
    if depth:
        out[..., 2] = arr[..., 2] / half
    return out


def denormalize_pixel_center(x: Any, width: float, height: float, *, depth: bool = False) -> np.ndarray:
    """Inverse of :func:`normalize_pixel_center`: ``xy * min(w, h) / 2 + [w, h] / 2``.

    ``depth=True`` also scales channel 2 by ``min(w, h) / 2``: what MotionBERT's ``infer_wild --pixel`` does to the
    3D output (x, y, z all in pixels).
    """
    w = _positive(width, "width", "denormalize_pixel_center")
    h = _positive(height, "height", "denormalize_pixel_center")
    arr = _as_array(x, "denormalize_pixel_center", min_channels=3 if depth else 2, min_ndim=1)
    half = min(w, h) / 2.0
    out = arr.copy()
    out[..., :2] = arr[..., :2] * half + np.array([w, h], dtype=arr.dtype) / 2.0
    if depth:
        out[..., 2] = arr[..., 2] * half
    return out


def crop_scale(
    motion: Any,
    scale_range: Sequence[float] = (1.0, 1.0),
    rng: np.random.Generator | None = None,
    *,
    return_transform: bool = False,
) -> np.ndarray | tuple[np.ndarray, tuple[float, float, float]]:
    """MotionBERT ``crop_scale``: map the square box around all valid joints to ``[-1, 1]``.

    One box is computed over the *whole* array (all persons and frames): the bounding box of the joints whose
    confidence (channel 2) is non-zero, made square with side ``s = max(box_w, box_h) * ratio`` around the box centre.
    Then ``xy -> ((xy - corner) / s - 0.5) * 2`` and every channel is clipped to ``[-1, 1]`` (confidence included, as
    in the official code). ``ratio`` is ``scale_range[0]`` when both ends are equal, else drawn uniformly from
    ``scale_range`` with ``rng``. Fewer than 4 valid joints, or a zero-size box, give an all-zero output.

    Args:
        motion: ``(..., J, C)`` pixels with ``C >= 3`` (x, y, confidence[, ...]), e.g. ``(M, T, 17, 3)``.
        scale_range: ``(low, high)`` of the box enlargement ratio. MotionBERT uses ``(1, 1)`` by default,
            ``(1.3, 1.3)`` in the wild, ``(0.25, 1)`` for PoseTrack/InstaVariety, ``(1, 3)`` / ``(2, 2)`` for NTU.
        rng: random generator for the ratio (``np.random.default_rng()`` if None and a draw is needed).
        return_transform: also return ``(corner_x, corner_y, s)`` so that :func:`uncrop_scale` maps outputs back.

    Returns:
        Normalised array (same shape and floating dtype), or ``(array, (corner_x, corner_y, s))``.
    """
    arr = _as_array(motion, "crop_scale", min_channels=3)
    ratio = _scale_ratio(scale_range, rng, "crop_scale")
    valid = arr[arr[..., 2] != 0][:, :2]
    if len(valid) < 4:
        result, transform = np.zeros_like(arr), (0.0, 0.0, 0.0)
    else:
        xmin, ymin = valid.min(axis=0)
        xmax, ymax = valid.max(axis=0)
        side = max(xmax - xmin, ymax - ymin) * ratio
        if side == 0:
            result, transform = np.zeros_like(arr), (0.0, 0.0, 0.0)
        else:
            xs = (xmin + xmax - side) / 2
            ys = (ymin + ymax - side) / 2
            result = arr.copy()
            result[..., :2] = (arr[..., :2] - np.array([xs, ys])) / side
            result[..., :2] = (result[..., :2] - 0.5) * 2
            result = np.clip(result, -1, 1)
            transform = (float(xs), float(ys), float(side))
    return (result, transform) if return_transform else result


def uncrop_scale(x: Any, transform: tuple[float, float, float], *, depth: bool = False) -> np.ndarray:
    """Map :func:`crop_scale` output back to pixels: ``xy -> (xy / 2 + 0.5) * s + corner``.

    Args:
        x: ``(..., C)`` normalised coordinates (e.g. model output), channels 0-1 = x, y.
        transform: ``(corner_x, corner_y, s)`` returned by ``crop_scale(..., return_transform=True)``.
        depth: if True, channel 2 (a depth in the same normalised units) is scaled by ``s / 2`` too.
    """
    cx, cy, side = (float(v) for v in transform)
    if not side > 0:
        raise ValueError("uncrop_scale: the transform has a zero box size (crop_scale found < 4 valid joints)")
    arr = _as_array(x, "uncrop_scale", min_channels=3 if depth else 2, min_ndim=1)
    out = arr.copy()
    out[..., :2] = (arr[..., :2] / 2 + 0.5) * side + np.array([cx, cy])
    if depth:
        out[..., 2] = arr[..., 2] * side / 2
    return out


def crop_scale_3d(
    motion: Any, scale_range: Sequence[float] = (1.0, 1.0), rng: np.random.Generator | None = None
) -> np.ndarray:
    """MotionBERT ``crop_scale_3d``: normalise a 3D sequence to roughly ``[-1, 1]``.

    z is made relative to the first frame's root (joint 0), the square box ``s = max(box_w, box_h) / ratio`` around
    the x, y bounding box of all joints and frames is used for all three axes, then ``v -> (v / s - 0.5) * 2``
    (x, y relative to the box corner; so the first-frame root depth maps to -1). No clipping.

    Args:
        motion: ``(T, J, 3)`` (x, y, z) in any unit.
        scale_range: ``(low, high)`` ratio range (note: the official 3D variant *divides* by the ratio).
        rng: random generator used when ``low != high``.

    Returns:
        ``(T, J, 3)`` normalised; all zeros for a zero-size box.
    """
    arr = _as_array(motion, "crop_scale_3d", min_channels=3)
    if arr.ndim != 3 or arr.shape[-1] != 3:
        raise ValueError(f"crop_scale_3d expects (T, J, 3) x, y, z, got shape {arr.shape}")
    ratio = _scale_ratio(scale_range, rng, "crop_scale_3d")
    result = arr.copy()
    result[..., 2] = result[..., 2] - arr[0, 0, 2]
    xmin, xmax = arr[..., 0].min(), arr[..., 0].max()
    ymin, ymax = arr[..., 1].min(), arr[..., 1].max()
    side = max(xmax - xmin, ymax - ymin) / ratio
    if side == 0:
        return np.zeros_like(arr)
    xs = (xmin + xmax - side) / 2
    ys = (ymin + ymax - side) / 2
    result[..., :2] = (arr[..., :2] - np.array([xs, ys])) / side
    result[..., 2] = result[..., 2] / side
    return (result - 0.5) * 2


def root_relative(x: Any, root: int = 0, *, channels: int | None = None) -> Any:
    """Subtract joint ``root`` from every joint: ``x[..., j, :c] - x[..., root, :c]``.

    Args:
        x: numpy array or torch tensor ``(..., J, C)``.
        root: index of the root joint (0 = pelvis in H36M-17).
        channels: number of leading channels to make relative (e.g. 2 for ``(x, y, confidence)`` input so the
            confidence is untouched); ``None`` = all channels.

    Returns:
        Same type as ``x`` (numpy in -> numpy out, tensor in -> tensor out), a new object.
    """
    shape = tuple(x.shape)
    if len(shape) < 2:
        raise ValueError(f"root_relative expects (..., J, C), got shape {shape}")
    if not -shape[-2] <= root < shape[-2]:
        raise ValueError(f"root_relative: root index {root} out of range for {shape[-2]} joints")
    c = shape[-1] if channels is None else int(channels)
    if not 1 <= c <= shape[-1]:
        raise ValueError(f"root_relative: channels must be in [1, {shape[-1]}], got {channels}")
    if isinstance(x, np.ndarray):
        arr = _as_array(x, "root_relative")
        out = arr.copy()
        out[..., :c] = arr[..., :c] - arr[..., root : root + 1 if root != -1 else None, :c]
        return out
    import torch

    if not isinstance(x, torch.Tensor):
        return root_relative(np.asarray(x), root, channels=channels)
    if not torch.isfinite(x).all():
        raise ValueError("root_relative: input contains NaN or inf")
    out = x.clone()
    out[..., :c] = x[..., :c] - x[..., root : root + 1 if root != -1 else None, :c]
    return out


# --------------------------------------------------------------------------------------------- temporal resampling


def yaw_rotate(x: np.ndarray, degrees: float) -> np.ndarray:
    """``(..., T, J, 3)`` 3D coordinates (y vertical) turned by ``degrees`` about the vertical axis through the mean
    of their finite joints: the same motion seen from a camera ``degrees`` further round (NaN joints stay NaN)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim < 3 or arr.shape[-1] != 3:
        raise ValueError(f"yaw_rotate expects (..., T, J, 3), got shape {arr.shape}")
    a = math.radians(float(degrees))
    c, s = math.cos(a), math.sin(a)
    rot = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    finite = np.isfinite(arr).all(axis=-1)
    centre = arr[finite].mean(axis=0) if finite.any() else np.zeros(3)
    centre[1] = 0.0  # the vertical axis: only x / z of the centre matter
    return (arr - centre) @ rot.T + centre


def resample(
    ori_len: int, target_len: int, randomness: bool = False, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Frame indices that resample a sequence of ``ori_len`` frames to ``target_len`` (MotionBERT ``resample``).

    * ``randomness=False``: ``np.linspace(0, ori_len, target_len, endpoint=False)`` truncated to int (evenly spaced;
      frames repeat when upsampling). Used by MotionBERT at test time.
    * ``randomness=True`` (MotionBERT's default, used for NTU training and for short videos in ``split_clips``): with
      ``e = linspace(...)``, when upsampling (``ori_len < target_len``) every index is randomly ``floor(e)`` or
      ``ceil(e)`` (then sorted); when downsampling, ``e + U[0, 1) * step`` (a random frame inside each interval). Both
      clipped to ``[0, ori_len - 1]``.

    Args:
        ori_len: number of source frames (>= 1).
        target_len: number of output indices (>= 1).
        randomness: random variant (above).
        rng: random generator for the random variant (``np.random.default_rng()`` if None).

    Returns:
        int64 array ``(target_len,)`` of source frame indices, non-decreasing.
    """
    ori_len = _positive_int(ori_len, "ori_len", "resample")
    target_len = _positive_int(target_len, "target_len", "resample")
    if not randomness:
        return np.linspace(0, ori_len, num=target_len, endpoint=False, dtype=int).astype(np.int64)
    rng = np.random.default_rng() if rng is None else rng
    even = np.linspace(0, ori_len, num=target_len, endpoint=False)
    if ori_len < target_len:
        pick_low = rng.integers(0, 2, size=even.shape).astype(bool)
        result = np.sort(np.where(pick_low, np.floor(even), np.ceil(even)))
    else:
        step = ori_len / target_len
        result = even + rng.random(even.shape) * step
    return np.clip(result, 0, ori_len - 1).astype(np.int64)


def split_clips(
    vid_list: Sequence[Any] | np.ndarray,
    n_frames: int,
    data_stride: int,
    *,
    randomness: bool = True,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """MotionBERT ``split_clips``: fixed-length clips from a per-frame video-id list.

    ``vid_list[i]`` is the video id of frame ``i`` of a concatenated dataset; consecutive equal ids form one video.
    For each video (in order):

    * at least ``n_frames`` long: clips start at ``start, start + data_stride, ...`` while they fit entirely; the
      **trailing frames** not covered by a full clip are **dropped** (as in the official code);
    * shorter: one clip of ``resample(length, n_frames, randomness)`` indices (upsampled), unless a clip of the same
      id was already produced, or the video is the **last** one (the official loop ends before resampling it; that
      quirk is kept for parity).

    Args:
        vid_list: ``(N,)`` video ids (any comparable values).
        n_frames: clip length.
        data_stride: step between clip starts within a video.
        randomness: random resampling of short videos (official behaviour); False = deterministic linspace.
        rng: random generator for ``randomness``.

    Returns:
        int64 array ``(num_clips, n_frames)`` of frame indices into the concatenated data.
    """
    n_frames = _positive_int(n_frames, "n_frames", "split_clips")
    data_stride = _positive_int(data_stride, "data_stride", "split_clips")
    ids = np.asarray(vid_list)
    if ids.ndim != 1:
        raise ValueError(f"split_clips expects a 1-D list of per-frame video ids, got shape {ids.shape}")
    total = len(ids)
    if total == 0:
        return np.zeros((0, n_frames), dtype=np.int64)
    change = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    bounds = np.concatenate([[0], change, [total]])
    clips: list[np.ndarray] = []
    saved: set[Any] = set()
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        vid = ids[start].item() if hasattr(ids[start], "item") else ids[start]
        length = end - start
        if length >= n_frames:
            for st in range(start, end - n_frames + 1, data_stride):
                clips.append(np.arange(st, st + n_frames, dtype=np.int64))
            saved.add(vid)
        elif end < total and vid not in saved:
            clips.append(resample(length, n_frames, randomness=randomness, rng=rng) + start)
            saved.add(vid)
    if not clips:
        return np.zeros((0, n_frames), dtype=np.int64)
    return np.stack(clips).astype(np.int64)


def resample_fps(x: Any, src_fps: float, dst_fps: float, *, axis: int = -3) -> np.ndarray:
    """Change the frame rate by linear interpolation along the time axis.

    Output frame ``k`` is at time ``k / dst_fps`` seconds, for every ``k`` with ``k / dst_fps <= (T - 1) / src_fps``
    (the first frames of input and output coincide; the output never extrapolates past the last input frame).

    Args:
        x: array with a time axis, ``(..., T, J, C)`` by default (``axis=-3``).
        src_fps: frame rate of ``x``.
        dst_fps: wanted frame rate.
        axis: time axis.

    Returns:
        Floating array with ``T' = floor((T - 1) * dst_fps / src_fps) + 1`` frames on ``axis``.
    """
    src = _positive(src_fps, "src_fps", "resample_fps")
    dst = _positive(dst_fps, "dst_fps", "resample_fps")
    arr = _as_array(x, "resample_fps", min_ndim=1)
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"resample_fps: axis {axis} out of range for shape {arr.shape}")
    arr = np.moveaxis(arr, axis, 0)
    t_in = arr.shape[0]
    if t_in == 0:
        raise ValueError("resample_fps: the time axis is empty")
    n_out = math.floor((t_in - 1) * dst / src + 1e-9) + 1
    pos = np.arange(n_out) * (src / dst)
    if t_in == 1:
        out = arr[np.zeros(n_out, dtype=np.int64)].copy()
    else:
        i0 = np.clip(np.floor(pos).astype(np.int64), 0, t_in - 2)
        frac = np.clip(pos - i0, 0.0, 1.0).astype(arr.dtype).reshape((-1,) + (1,) * (arr.ndim - 1))
        out = arr[i0] * (1 - frac) + arr[i0 + 1] * frac
    return np.moveaxis(out, 0, axis)


# -------------------------------------------------------------------------------------------------------- tracking


def human_tracking(x: Any) -> np.ndarray:
    """MotionBERT ``human_tracking``: keep the two persons' identities consistent over time.

    For every frame ``t >= 1`` it compares ``d_same = Σ_j ‖x[0, t, j] − x[0, t-1, j]‖`` with
    ``d_cross = Σ_j ‖x[0, t, j] − x[1, t-1, j]‖`` on the *input* tracks; each frame where person 0 is closer to the
    other track toggles a swap state, and frames in the swapped state exchange persons 0 and 1 (a running parity, as
    in the official code). Distances use all channels: pass ``(x, y)`` only, as MotionBERT does, for parity.

    Args:
        x: ``(M, T, J, C)`` with ``M`` in {1, 2}.

    Returns:
        New array of the same shape (a copy when ``M == 1``).
    """
    arr = _as_array(x, "human_tracking")
    if arr.ndim != 4:
        raise ValueError(f"human_tracking expects (M, T, J, C), got shape {arr.shape}")
    persons, frames = arr.shape[:2]
    if persons > 2:
        raise ValueError(f"human_tracking handles 1 or 2 persons, got M = {persons}; select two persons first")
    if persons == 1 or frames < 2:
        return arr.copy()
    d_same = np.linalg.norm(arr[0, 1:] - arr[0, :-1], axis=-1).sum(axis=-1)
    d_cross = np.linalg.norm(arr[0, 1:] - arr[1, :-1], axis=-1).sum(axis=-1)
    swapped = (np.cumsum(d_same > d_cross) % 2).astype(bool)[:, None, None]
    out = arr.copy()
    out[0, 1:] = np.where(swapped, arr[1, 1:], arr[0, 1:])
    out[1, 1:] = np.where(swapped, arr[0, 1:], arr[1, 1:])
    return out


# ----------------------------------------------------------------------------------------------- inference windows

_SHORT_MODES = ("pad", "resample", "none")


def sliding_windows(num_frames: int, window: int, stride: int | None = None, *, short: str = "pad") -> list[np.ndarray]:
    """Frame-index windows covering every frame of a sequence (motionhub's own inference scheme).

    Windows start at ``0, stride, 2 * stride, ...``; if the last one does not reach the end, one more window aligned to
    the end (``num_frames - window``) is added, so every frame is covered and every window is full. With
    ``stride < window`` windows overlap, and :func:`merge_windows` averages the overlapping predictions (smoother
    than MotionBERT's non-overlapping chunks, see its issues #31/#58).

    Sequences shorter than ``window``:

    * ``short="pad"``: one window, the indices ``0..T-1`` followed by ``T-1`` repeated (edge padding, as P-STMO pads);
    * ``short="resample"``: one window ``resample(T, window)`` (MotionBERT's evaluation-time upsampling);
    * ``short="none"``: one shorter window ``0..T-1`` (for models that accept any ``T <= window``).

    Args:
        num_frames: sequence length ``T`` (>= 1).
        window: window length (the model's clip length, e.g. 243).
        stride: step between window starts, ``1 <= stride <= window``; default ``window`` (no overlap).
        short: handling of ``T < window`` (above).

    Returns:
        List of int64 index arrays (``window`` long, except with ``short="none"``).
    """
    num_frames = _positive_int(num_frames, "num_frames", "sliding_windows")
    window = _positive_int(window, "window", "sliding_windows")
    stride = window if stride is None else _positive_int(stride, "stride", "sliding_windows")
    if stride > window:
        raise ValueError(f"sliding_windows: stride ({stride}) > window ({window}) would skip frames")
    if short not in _SHORT_MODES:
        raise ValueError(f"sliding_windows: short must be one of {_SHORT_MODES}, got {short!r}")
    if num_frames < window:
        if short == "pad":
            return [np.minimum(np.arange(window, dtype=np.int64), num_frames - 1)]
        if short == "resample":
            return [resample(num_frames, window)]
        return [np.arange(num_frames, dtype=np.int64)]
    starts = list(range(0, num_frames - window + 1, stride))
    if starts[-1] + window < num_frames:
        starts.append(num_frames - window)
    return [np.arange(s, s + window, dtype=np.int64) for s in starts]


MERGE_RULES = ("triangular", "uniform", "centre")
"""How overlapping window outputs become one value per frame: ``"triangular"`` (weighted mean, weight
``min(i + 1, L - i)`` at window position ``i``: window centres dominate, borders blend), ``"uniform"`` (mean),
``"centre"`` (the value of the window whose centre is nearest, for quantities that must not be averaged such as
rotations)."""


def _window_weights(kind: str | np.ndarray, length: int) -> np.ndarray:
    if isinstance(kind, str):
        if kind == "uniform":
            return np.ones(length)
        if kind in ("triangular", "centre"):
            pos = np.arange(length)
            return np.minimum(pos + 1, length - pos).astype(np.float64)
        raise ValueError(f"merge_windows: weights must be one of {MERGE_RULES} or an array, got {kind!r}")
    w = np.asarray(kind, dtype=np.float64)
    if w.shape != (length,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"merge_windows: a weight array must be ({length},) positive finite values, got {w.shape}")
    return w


class WindowMerger:
    """Streaming :func:`merge_windows`: window outputs are added batch by batch as a model produces them and only the
    per-frame accumulators ``(T, ...)`` are kept, so merging a video of any length needs memory for one output
    sequence, not for every window.

    Args:
        num_frames: length ``T`` of the merged sequence.
        weights: a rule of :data:`MERGE_RULES` or a positive array ``(L,)`` for windows of length ``L``.

    Example::

        >>> merger = WindowMerger(len(x), "triangular")
        >>> for batch in batches:                      # (windows of the batch, (B, L, ...) outputs)
        ...     merger.add(outputs, windows)
        >>> merged = merger.result()                   # (T, ...)
    """

    def __init__(self, num_frames: int, weights: str | np.ndarray = "uniform") -> None:
        self.num_frames = _positive_int(num_frames, "num_frames", "merge_windows")
        if isinstance(weights, str) and weights not in MERGE_RULES:
            raise ValueError(f"merge_windows: weights must be one of {MERGE_RULES} or an array, got {weights!r}")
        self.weights = weights
        self._centre = isinstance(weights, str) and weights == "centre"
        self._total: np.ndarray | None = None  # (T, ...) float64 weighted sums, or the chosen values for "centre"
        self._weight = np.zeros(self.num_frames, dtype=np.float64)  # (T,) sum of weights / best weight ("centre")
        self._feat_shape: tuple[int, ...] | None = None
        self._dtype = None
        self._count = 0
        self._whole: np.ndarray | None = None  # a first window covering 0..T-1 exactly once, kept as is
        self._weights_by_length: dict[int, np.ndarray] = {}  # every window of a video has the same length

    def add(self, outputs: Sequence[Any] | np.ndarray, windows: Sequence[np.ndarray]) -> None:
        """Accumulate one output ``(len(windows[k]), ...)`` per window (a list, or a stacked ``(K, L, ...)`` array)."""
        if len(outputs) != len(windows):
            raise ValueError(f"merge_windows: got {len(outputs)} window outputs for {len(windows)} windows")
        for out, idx in zip(outputs, windows, strict=True):
            self._add_one(_as_array(out, "merge_windows", min_ndim=1), np.asarray(idx))

    def _add_one(self, out: np.ndarray, idx: np.ndarray) -> None:
        k = self._count
        if idx.ndim != 1 or idx.dtype.kind not in "iu":
            raise ValueError(f"merge_windows: window {k} must be a 1-D integer index array")
        if self._feat_shape is None:
            self._feat_shape, self._dtype = out.shape[1:], out.dtype
        if out.shape != (len(idx),) + self._feat_shape:
            raise ValueError(f"merge_windows: output {k} has shape {out.shape}, expected {(len(idx),) + self._feat_shape}")
        if len(idx) and (idx.min() < 0 or idx.max() >= self.num_frames):
            raise ValueError(f"merge_windows: window {k} indexes frames outside [0, {self.num_frames})")
        self._dtype = np.result_type(self._dtype, out.dtype)
        self._count += 1
        if k == 0 and len(idx) == self.num_frames and np.array_equal(idx, np.arange(self.num_frames)):
            self._whole = out  # the weights would cancel: returned unchanged unless another window follows
            return
        if self._whole is not None:  # a second window: the first one is accumulated after all
            whole, self._whole = self._whole, None
            self._accumulate(whole, np.arange(self.num_frames))
        self._accumulate(out, idx)

    def _accumulate(self, out: np.ndarray, idx: np.ndarray) -> None:
        if self._total is None:
            self._total = np.zeros((self.num_frames,) + self._feat_shape, dtype=np.float64)
        w = self._weights_by_length.get(len(idx))
        if w is None:
            w = self._weights_by_length[len(idx)] = _window_weights(self.weights, len(idx))
        if self._centre:
            better = w > self._weight[idx]
            self._total[idx[better]] = out[better]
            self._weight[idx[better]] = w[better]
            return
        np.add.at(self._total, idx, out.astype(np.float64) * w.reshape((-1,) + (1,) * len(self._feat_shape)))
        np.add.at(self._weight, idx, w)

    def result(self) -> np.ndarray:
        """The merged ``(T, ...)`` sequence in the outputs' floating dtype.

        Raises:
            ValueError: nothing was added, or frames no window covers.
        """
        if self._count == 0:
            raise ValueError("merge_windows: no window outputs were given (need >= 1)")
        if self._whole is not None:
            return self._whole
        if np.any(self._weight == 0):
            missing = np.flatnonzero(self._weight == 0)
            raise ValueError(f"merge_windows: frames {missing[:10].tolist()}... are covered by no window")
        if not self._centre:
            self._total /= self._weight.reshape((-1,) + (1,) * len(self._feat_shape))
        return self._total.astype(self._dtype, copy=False)


def merge_windows(
    window_outputs: Sequence[Any] | np.ndarray,
    windows: Sequence[np.ndarray],
    num_frames: int,
    weights: str | np.ndarray = "uniform",
) -> np.ndarray:
    """Merge per-window predictions back into one sequence by (weighted) averaging of overlapping frames.

    Frame ``t`` of the result is ``Σ w_k · out_k[i] / Σ w_k`` over every window ``k`` and position ``i`` with
    ``windows[k][i] == t`` (padded or resampled windows that repeat a frame simply contribute several times).
    One window holding every frame once is returned as is. :class:`WindowMerger` does the same batch by batch.

    Args:
        window_outputs: one array ``(len(windows[k]), ...)`` per window (or a stacked ``(K, window, ...)`` array),
            e.g. ``(243, 17, 3)`` model outputs.
        windows: the index arrays from :func:`sliding_windows`.
        num_frames: length ``T`` of the merged sequence.
        weights: ``"uniform"``; ``"triangular"`` (weight ``min(i + 1, L - i)`` at window position ``i``, so window
            centres dominate and borders blend smoothly); ``"centre"`` (no averaging: the value of the window whose
            centre is nearest); or a positive array ``(L,)`` for windows of length ``L``.

    Returns:
        Array ``(T, ...)`` (floating dtype of the outputs).

    Raises:
        ValueError: mismatched counts/shapes, indices out of range, non-finite outputs, or frames no window covers.
    """
    merger = WindowMerger(num_frames, weights)
    merger.add(window_outputs, windows)
    return merger.result()


def centered_window_indices(num_frames: int, frames: int, tds: int = 1, centers: Any = None) -> np.ndarray:
    """The many-to-one window plan: video-frame indices of the ``frames``-long windows centred on ``centers``, taken
    every ``tds`` frames (P-STMO's temporal downsampling), clamped at the ends (edge replication).

    Args:
        num_frames: length of the video (frames).
        frames: model clip length (odd: the window is centred on the frame it predicts).
        tds: temporal downsampling step (1 = consecutive frames).
        centers: centre frames (default: every frame ``0 .. num_frames - 1``).

    Returns:
        ``(len(centers), frames)`` int64 array of indices in ``[0, num_frames - 1]``.
    """
    if num_frames < 1:
        raise ValueError(f"num_frames must be >= 1, got {num_frames}")
    if frames < 1 or frames % 2 == 0:
        raise ValueError(f"frames must be a positive odd number (the window is centred), got {frames}")
    if tds < 1:
        raise ValueError(f"tds must be >= 1, got {tds}")
    pad = (frames - 1) // 2
    centers = np.arange(num_frames) if centers is None else np.asarray(centers, dtype=np.int64).reshape(-1)
    if centers.size and (centers.min() < 0 or centers.max() >= num_frames):
        raise ValueError(f"centers must lie in [0, {num_frames - 1}]")
    offsets = (np.arange(frames) - pad) * tds
    return np.clip(centers[:, None] + offsets[None, :], 0, num_frames - 1).astype(np.int64)
