# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""What a saved model needs to prepare its inputs: :class:`MotionProcessor` (``preprocessor_config.json``).

A motion model's weights are useless without knowing how its inputs were prepared in training: the joint layout, how
a detector's layout maps onto it, how missing joints look, which 2D normalisation, how long an action clip is and
how many persons it holds. :class:`MotionProcessor` holds all of it, next to ``config.json``, in transformers'
conventions (a :class:`transformers.FeatureExtractionMixin`: ``save_pretrained`` writes ``preprocessor_config.json``,
``from_pretrained`` and ``transformers.AutoProcessor.from_pretrained`` load it once ``import motionhub`` has run).

Per-frame preparation (lifting, mesh; :meth:`MotionProcessor.prepare_keypoints`), per person:

1. a missing confidence channel is set to 1; joints with a NaN coordinate are *missing* (their confidence is
   ignored). A NaN confidence next to finite x, y is an error (is the joint detected or not?), and so is a negative
   confidence (:func:`check_plausible_2d`);
2. the layout is converted to the model's input layout (:attr:`joint_layout`, H36M-17 for every released model) with
   :func:`motionhub.skeleton.to_h36m` (rule :attr:`confidence`; ``mpii-16`` input by :attr:`mpii_convention`:
   ``"mpii"`` = true MPII joint positions, ``"h36m_sh"`` = Stacked-Hourglass detections trained on Human3.6M). A
   synthesised joint (e.g. the H36M pelvis = mean of the hips) is missing when one of its sources is;
3. normalisation (:attr:`normalization`, :data:`NORMALIZATIONS_2D`):

   * ``"crop_scale"`` (MotionBERT in the wild): ONE square box around every visible joint of the whole sequence is
     mapped to [-1, 1] (:func:`motionhub.processing.crop_scale`, enlarged by :attr:`crop_scale_ratio`). Needs no
     image size. 1 normalised unit = ``side / 2`` pixels;
   * ``"screen"`` (Human3.6M / P-STMO / motionhub's own models): ``xy / w * 2 - [1, h / w]``; needs the image size.
     1 unit = ``w / 2`` px;
   * ``"pixel_center"`` (MotionBERT ``--pixel``): ``(xy - [w, h] / 2) / (min(w, h) / 2)``. 1 unit = ``min(w, h) / 2``;
   * ``"none"``: the keypoints are already normalised (``meta["normalized"]`` of a file);

4. missing joints get coordinates 0 and confidence 0 (MotionBERT's convention for undetected joints), or with
   :attr:`fill_missing` ``"interpolate"`` linearly interpolated coordinates (confidence still 0);
5. the first :attr:`num_channels` channels are kept (3 = x, y, confidence for DSTformer; 2 = x, y for STMO/MPM).

The inverse: :meth:`MotionProcessor.unnormalize_2d` maps normalised 2D back to pixels, :meth:`pose_to_pixels` a
normalised-unit 3D pose to pixels, :meth:`pose_to_metres` a metric-unit pose to metres.

Action clips (:meth:`MotionProcessor.prepare_clips`, :attr:`clip_normalization`, :data:`CLIP_NORMALIZATIONS`):
every clip is resampled to :attr:`clip_len` evenly spaced frames (MotionBERT ``resample``, longer and shorter clips
alike), persons are cut / zero-padded to :attr:`num_persons`:

* ``"crop_scale"`` (MotionBERT's NTU models, ``examples/finetune_action.py``): missing joints 0 / confidence 0,
  ``make_cam`` when the image size is known, two-person tracking, layout -> H36M-17, resampling, persons padded,
  ``crop_scale((2, 2))``;
* ``"screen"`` (``examples/train/oneshot_penn.py``): per person steps 1-5 above with ``"screen"``, then resampling;
* :data:`KINECT_3D` (3D-input models, ``examples/train/finetune_msr_action3d.py``): ``keypoints_3d`` -> H36M-17 metres,
  first-frame pelvis at the origin, y negated (Kinect y up -> y down), resampling;
* :data:`ORTHOGRAPHIC_3D` (3D skeletons for 2D-pretrained encoders): ``keypoints_3d`` -> (x, -y, 1) orthographic 2D
  (:func:`orthographic_2d`), then the ``"crop_scale"`` steps.

Window defaults of the runner (:attr:`window_size`, :attr:`window_stride`, :attr:`merge`, :attr:`pad_short`,
:attr:`temporal_stride`) and the units of the model's output (:attr:`output_units`) complete the record.

Models saved before processors existed have no ``preprocessor_config.json``: :meth:`MotionProcessor.from_model_config`
derives the processor from the config fields they carry (the one place that reads them), and
:func:`processor_for_model` picks the saved file when there is one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import FeatureExtractionMixin
from transformers.feature_extraction_utils import BatchFeature

from .auto import TASKS, register_processor_class, task_of_architecture
from .formats.base import MotionSequence, fill_missing
from .processing import (
    crop_scale,
    human_tracking,
    make_cam,
    normalize_pixel_center,
    normalize_screen,
    resample,
    yaw_rotate,
)
from .skeleton import get_layout, h36m17_to_h36m16, layout_fit, list_layouts, to_h36m

__all__ = [
    "CLIP_FACINGS",
    "CLIP_NORMALIZATIONS",
    "CONFIDENCE_RULES",
    "KINECT_3D",
    "MPII_CONVENTIONS",
    "NORMALIZATIONS",
    "NORMALIZATIONS_2D",
    "ORTHOGRAPHIC_3D",
    "OUTPUT_UNITS",
    "UNITS_TO_MM",
    "KeypointNormalization",
    "MotionInput",
    "MotionProcessor",
    "PreparedKeypoints",
    "as_motion_input",
    "check_layout",
    "check_layout_fits",
    "check_plausible_2d",
    "convert_layout",
    "face_front",
    "get_normalization",
    "motionbert_clip_persons",
    "processor_for_model",
    "register_normalization",
]

PROCESSOR_CONFIG_NAME = "preprocessor_config.json"

KINECT_3D = "kinect_3d_metres_first_frame_pelvis"
"""Clip preparation of 3D-input action models (``examples/train/finetune_msr_action3d.py``): 3D joints -> H36M-17
metres, first-frame pelvis at the origin, y negated (Kinect y up -> y down), resampled to the clip length."""

ORTHOGRAPHIC_3D = "orthographic_3d"
"""Clip preparation that shows 3D skeletons to a 2D-input encoder: the orthographic projection on the camera plane
(x, y with y down; no intrinsics needed, depth dropped), confidence 1 on tracked joints, then the ``"crop_scale"``
clip pipeline (layout -> H36M-17, resampling, ``crop_scale``). A 2D-pretrained encoder (a lifter) sees the input
it was pretrained on and infers the depth itself."""

class KeypointNormalization:
    """How 2D pixel keypoints become model input, and back: one object per rule, registered by :attr:`name`
    (:func:`register_normalization`); :attr:`MotionProcessor.normalization` names one.

    Subclasses implement :meth:`normalize` (pixels -> model units) and :meth:`denormalize` (the inverse on the
    x, y channels, from what :meth:`normalize` recorded in :class:`PreparedKeypoints`).
    """

    name: str = ""
    needs_image_size: bool = False  # screen-based rules need the (width, height) of the video

    def normalize(self, kp: np.ndarray, *, image_size: tuple[int, int] | None, crop_scale_ratio: float
                  ) -> tuple[np.ndarray, float | None, tuple[float, float, float] | None]:
        """``(T, J, 3)`` pixels + confidence (missing joints 0) -> (normalised, pixels per unit, transform)."""
        raise NotImplementedError

    def denormalize(self, xy: np.ndarray, prepared: PreparedKeypoints) -> np.ndarray:
        """Normalised ``(..., 2+)`` -> pixels on the x, y channels (``xy`` is a float64 copy, changed in place)."""
        raise ValueError(f"keypoints prepared with normalization {self.name!r} have no pixel coordinates to restore")


class CropScale(KeypointNormalization):
    """MotionBERT in the wild: one square box around every visible joint of the sequence -> [-1, 1]."""

    name = "crop_scale"

    def normalize(self, kp, *, image_size, crop_scale_ratio):
        work, transform = crop_scale(kp, (crop_scale_ratio, crop_scale_ratio), return_transform=True)
        if transform[2] <= 0:
            raise ValueError(
                "crop_scale needs at least 4 visible keypoints spread over a non-zero area; the input has fewer "
                "(check the confidence channel: joints with confidence 0 count as missing)"
            )
        return work, transform[2] / 2.0, transform

    def denormalize(self, xy, prepared):
        cx, cy, side = prepared.transform
        xy[..., :2] = (xy[..., :2] / 2.0 + 0.5) * side + np.array([cx, cy])
        return xy


class Screen(KeypointNormalization):
    """Human3.6M / P-STMO / motionhub's lifters: ``xy / w * 2 - [1, h / w]`` (1 unit = half the image width)."""

    name = "screen"
    needs_image_size = True

    def normalize(self, kp, *, image_size, crop_scale_ratio):
        w, h = image_size
        return normalize_screen(kp, w, h), w / 2.0, None

    def denormalize(self, xy, prepared):
        w, h = prepared.image_size
        xy[..., :2] = (xy[..., :2] + np.array([1.0, h / w])) * (w / 2.0)
        return xy


class PixelCenter(KeypointNormalization):
    """MotionBERT ``--pixel``: ``(xy - [w, h] / 2) / (min(w, h) / 2)``."""

    name = "pixel_center"
    needs_image_size = True

    def normalize(self, kp, *, image_size, crop_scale_ratio):
        w, h = image_size
        return normalize_pixel_center(kp, w, h), min(w, h) / 2.0, None

    def denormalize(self, xy, prepared):
        w, h = prepared.image_size
        xy[..., :2] = xy[..., :2] * (min(w, h) / 2.0) + np.array([w, h]) / 2.0
        return xy


class AlreadyNormalized(KeypointNormalization):
    """``"none"``: the keypoints are model input already (a file's ``normalized`` flag); no pixels to go back to."""

    name = "none"

    def normalize(self, kp, *, image_size, crop_scale_ratio):
        return kp, None, None


_NORMALIZATION_RULES: dict[str, KeypointNormalization] = {}


def register_normalization(rule: KeypointNormalization, *, replace: bool = False) -> KeypointNormalization:
    """Add a 2D keypoint normalisation under ``rule.name`` (processors and model configs may then name it)."""
    if not isinstance(rule, KeypointNormalization) or not rule.name:
        raise TypeError("register_normalization takes a KeypointNormalization instance with a name")
    if rule.name in _NORMALIZATION_RULES and not replace:
        raise ValueError(f"a normalization named {rule.name!r} is registered already; pass replace=True")
    _NORMALIZATION_RULES[rule.name] = rule
    return rule


def get_normalization(name: str) -> KeypointNormalization:
    """The registered 2D normalisation called ``name``."""
    try:
        return _NORMALIZATION_RULES[name]
    except KeyError:
        raise ValueError(f"unknown 2D normalization {name!r}; known: {sorted(_NORMALIZATION_RULES)}") from None


for _rule in (CropScale(), Screen(), PixelCenter(), AlreadyNormalized()):
    register_normalization(_rule)
del _rule

NORMALIZATIONS_2D = ("crop_scale", "screen", "pixel_center", "none")
"""The built-in normalisations of 2D keypoint input (lifting, mesh; see the module docstring)."""

NORMALIZATIONS_3D = ("none_3d", "centered_3d", KINECT_3D)
"""Input conventions of 3D-input models: ``"none_3d"`` (official STRIDE: raw camera-space poses), ``"centered_3d"``
(motionhub's STRIDE priors: each window centred on its visible joints, :func:`motionhub.tasks.stride`),
:data:`KINECT_3D` (3D action clips). The 2D pipelines do not take these models. For STRIDE priors,
:attr:`MotionProcessor.fill_missing` says how hidden joints enter: ``"zero"`` (STRIDE) or ``"interpolate"`` (linear in
time from the window's visible frames; :func:`motionhub.pipelines.stride.prior_input`)."""

NORMALIZATIONS = NORMALIZATIONS_2D + NORMALIZATIONS_3D
"""Every value :attr:`MotionProcessor.normalization` (and ``config.input_normalization``) may take."""

CLIP_NORMALIZATIONS = ("crop_scale", "screen", KINECT_3D, ORTHOGRAPHIC_3D)
CLIP_FACINGS = ("recorded", "front")
"""How 3D action clips are turned about the vertical axis before preparation (:attr:`MotionProcessor.clip_facing`):
``"recorded"`` keeps the camera's view; ``"front"`` turns every clip so that its first person faces the camera in
the first frame with both hips tracked (:func:`face_front`): a clip seen from any side gives the same input."""
"""Action clip preparations (:attr:`MotionProcessor.clip_normalization`)."""

CONFIDENCE_RULES = ("average", "min", "coco_order")
"""Confidence of joints synthesised by the H36M conversion (:func:`motionhub.skeleton.to_h36m`); ``"coco_order"``
(MotionBERT's NTU quirk) applies to ``coco-17`` input only, other layouts use ``"average"``."""

MPII_CONVENTIONS = ("mpii", "h36m_sh")
"""How ``mpii-16`` input maps to H36M-17 (:func:`motionhub.skeleton.to_h36m`)."""

OUTPUT_UNITS = ("normalized", "m", "mm")
"""Units of a model's 3D output: the units of the normalised input, metres or millimetres."""

FILL_MISSING = ("zero", "interpolate")
MERGES = ("triangular", "uniform")

_UNIT_M = {"m": 1.0, "mm": 0.001}
UNITS_TO_MM = {"mm": 1.0, "m": 1000.0}
"""Millimetres per unit of the metric units."""
_METRIC_FAMILIES = {"stmo": "m", "mpm": "m"}  # official P-STMO / MPM checkpoints predict metres
_HF_BOOKKEEPING = ("feature_extractor_type", "processor_class", "auto_map", "transformers_version")


def _choice(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {tuple(allowed)}, got {value!r}")
    return value


def _positive_int(name: str, value: Any, *, optional: bool = True) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# -------------------------------------------------------------------------------------------------- input handling
def _layouts_with(num_joints: int) -> list[str]:
    return [name for name in list_layouts() if get_layout(name).num_joints == num_joints]


def check_layout(num_joints: int, layout: str, source: str = "the keypoints") -> None:
    """Raise a ``ValueError`` naming the layouts with ``num_joints`` joints when ``layout`` has another count."""
    lay = get_layout(layout)  # ValueError listing the known layouts
    if lay.num_joints != num_joints:
        options = _layouts_with(num_joints)
        hint = (
            f"layouts with {num_joints} joints: {', '.join(options)}"
            if options
            else f"no registered layout has {num_joints} joints (known: {', '.join(list_layouts())})"
        )
        raise ValueError(
            f"{source} have {num_joints} joints but layout {layout!r} has {lay.num_joints}; {hint}. Pass the right "
            "layout (layout= / --layout)"
        )


@dataclass
class MotionInput:
    """Any accepted keypoint input, as ``(M, T, J, C)`` float64 plus what is known about it."""

    keypoints: np.ndarray  # (M, T, J, C) float64
    layout: str
    image_size: tuple[int, int] | None
    normalized: bool
    fps: float | None
    multi_person: bool
    meta: dict


def _floating(x: Any) -> np.ndarray:
    """A floating view of ``x`` (float32 stays float32: the preparation makes its own float64 working copy, so the
    input of a long video is not held twice)."""
    arr = np.asarray(x)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def as_motion_input(
    data: Any, layout: str | None, image_size: Sequence[int] | None, default_layout: str, *, normalized: bool = False
) -> MotionInput:
    """A :class:`~motionhub.formats.MotionSequence` or an array ``(T, J, 2|3)`` / ``(M, T, J, 2|3)`` of 2D pixels
    -> :class:`MotionInput` (layout checked against the joint count, image size validated)."""
    fps, meta, is_norm = None, {}, normalized
    if isinstance(data, MotionSequence):
        if data.keypoints_2d is None:
            raise ValueError(
                "the input has no 2D keypoints (keypoints_2d); these pipelines take 2D keypoints. A file with only "
                "3D joints can be projected to 2D first (see motionhub.formats.h36m.H36MCamera)"
            )
        arr = _floating(data.keypoints_2d)
        src_layout = layout if layout is not None and layout != data.layout else data.layout
        image_size = image_size if image_size is not None else data.image_size
        is_norm = bool(data.meta.get("normalized", False)) or normalized
        fps = data.fps
        meta = {k: v for k, v in data.meta.items() if k in ("source", "format", "camera")}  # camera: intrinsics
    elif isinstance(data, (list, tuple)) and data and isinstance(data[0], MotionSequence):
        raise TypeError("pass one MotionSequence at a time (the file held several clips: pick one, e.g. seqs[0])")
    else:
        if isinstance(data, torch.Tensor):
            data = data.detach().cpu().numpy()
        try:
            arr = _floating(data)
        except (TypeError, ValueError):
            raise TypeError(
                f"expected a MotionSequence or an array (T, J, 2|3) / (M, T, J, 2|3), got {type(data).__name__}"
            ) from None
        src_layout = layout or default_layout
    if arr.ndim not in (3, 4) or arr.shape[-1] not in (2, 3):
        raise ValueError(
            f"2D keypoints must have shape (T, J, 2|3) or (M, T, J, 2|3) (x, y[, confidence]), got {arr.shape}"
        )
    if arr.shape[-3] < 1:
        raise ValueError(f"the keypoints have no frames (shape {arr.shape})")
    if np.isinf(arr).any():
        raise ValueError("the keypoints contain infinite values; mark missing joints with NaN")
    multi = arr.ndim == 4
    if not multi:
        arr = arr[None]
    check_layout(arr.shape[-2], src_layout)
    if image_size is not None:
        size = tuple(int(v) for v in np.asarray(image_size).reshape(-1))
        if len(size) != 2 or min(size) <= 0:
            raise ValueError(f"image_size must be (width, height) in pixels, got {image_size!r}")
        image_size = size
    check_plausible_2d(arr, image_size, is_norm, source=meta.get("source"))
    check_layout_fits(arr, src_layout, source=meta.get("source"))
    return MotionInput(arr, src_layout, image_size, is_norm, fps, multi, meta)


# A layout is refused only on strong evidence: its body proportions are off by ~1.6x on average (layout_fit >= 0.45)
# while another layout of the same joint count fits a body (<= 0.3) far better (by >= 0.25). Measured: the Human3.6M
# SH detections (every 5th take) score 0.06-0.27 in their own h36m-17 order and 0.23-0.65 read as coco-17 (median
# 0.52); the CMU demo walk 0.25 / 0.66; random points >= 0.27 in every 17-joint order (5th percentile 0.4, 300
# draws), so they practically never "fit" another one.
_LAYOUT_MISFIT, _LAYOUT_FIT, _LAYOUT_GAP = 0.45, 0.3, 0.25


def check_layout_fits(arr: np.ndarray, layout: str, *, source: str | None = None) -> None:
    """Refuse 2D keypoints ``(M, T, J, 2|3)`` whose body proportions contradict ``layout`` while another layout with
    as many joints explains them (a wrong ``--layout``: H36M-17 data read as COCO-17 lifts ~0.5 m off)."""
    claimed = layout_fit(arr, layout)
    if claimed is None or claimed < _LAYOUT_MISFIT:
        return
    fits = {}
    for other in _layouts_with(arr.shape[-2]):
        if other != layout:
            score = layout_fit(arr, other)
            if score is not None:
                fits[other] = score
    if not fits:
        return
    best = min(fits, key=fits.get)
    if fits[best] <= _LAYOUT_FIT and claimed - fits[best] >= _LAYOUT_GAP:
        raise ValueError(
            f"{source or 'the input'}: these keypoints do not have a body's proportions in the {layout} joint order "
            f"(limb lengths off by {np.exp(claimed):.1f}x) but do in the {best} order (off by "
            f"{np.exp(fits[best]):.2f}x): the layout is wrong; pass --layout {best} (Python: layout={best!r}) or fix "
            "the file's layout"
        )


# Below this fraction of the image's longer side a person is a few pixels tall: no detector finds the joints of
# such a person, and screen-normalised models read the tiny pose as a tiny body (a 100000-px image_size around a
# normal-size person lifted 374 mm off). 1 % is 19 px in a 1080p frame.
_MIN_PERSON_FRACTION = 0.01


def check_plausible_2d(arr: np.ndarray, image_size: tuple[int, int] | None, normalized: bool, *,
                       source: str | None = None) -> None:
    """Refuse 2D input that no detector writes, instead of returning a confident answer for it.

    ``arr``: ``(M, T, J, 2|3)``; the third channel is a confidence. Refused: a third channel that is not a
    confidence (most values outside [0, 1.5]: 3D coordinates passed as 2D); negative confidences; a NaN confidence
    next to finite x, y (the joint would be dropped although it has a position: give it a confidence, 1 if unknown,
    or mark it missing with NaN x, y); no visible keypoint at all (every joint NaN, or every coordinate exactly 0 as
    an empty detector file has it); pixel keypoints that mostly lie far outside the given image (wrong
    ``image_size``, or not pixel coordinates). ``source`` (the file) starts the message of the confidence errors.
    """
    xy = arr[..., :2]
    where = source or "the input"
    if arr.shape[-1] == 3:
        c = arr[..., 2]
        conf = c[np.isfinite(c)]
        odd = (conf < -0.01) | (conf > 1.5)
        if conf.size and odd.mean() > 0.5:
            raise ValueError(
                f"the third channel is not a confidence in [0, 1] (values from {conf.min():.4g} to {conf.max():.4g}): "
                "this looks like 3D coordinates given as 2D keypoints. Pass (x, y) or (x, y, confidence) in pixels; "
                "3D skeletons go to a 3D-input model"
            )
        for bad, what, fix in (
            (np.isfinite(c) & (c < 0), "a negative confidence", "confidences are scores in [0, 1]"),
            (np.isnan(c) & np.isfinite(xy).all(axis=-1), "finite x, y but a NaN confidence",
             "give them a confidence (1 if unknown) or mark them missing with NaN x, y"),
        ):
            if bad.any():
                frames = int(bad.any(axis=(0, 2)).sum())  # (M, T, J) -> frames with at least one such keypoint
                lowest = f" (lowest {c[bad].min():.4g})" if what.startswith("a negative") else ""
                raise ValueError(f"{where}: {int(bad.sum())} keypoint(s) in {frames} frame(s) have {what}{lowest}: "
                                 f"{fix}")
    visible = np.isfinite(xy).all(axis=-1)
    if arr.shape[-1] == 3:
        visible &= ~(np.isfinite(arr[..., 2]) & (arr[..., 2] <= 0))
    if not visible.any():
        raise ValueError(
            "every keypoint is missing in the input (NaN, or confidence 0): no visible keypoint, nothing to process"
        )
    pts = xy[visible]
    if not np.any(pts != 0):
        raise ValueError("every keypoint of the input is at (0, 0): the clip holds no detections")
    # every visible keypoint of a frame at one point: no body to lift (a placeholder or a broken tracker)
    hi = np.where(visible[..., None], xy, -np.inf).max(axis=-2)
    lo = np.where(visible[..., None], xy, np.inf).min(axis=-2)
    frames = visible.sum(axis=-1) >= 2  # (M, T) frames with at least two visible keypoints
    extent = np.where(frames, (hi - lo).max(axis=-1), 0.0)  # largest side of each frame's keypoint box
    scale = max(float(np.abs(pts).max()), 1.0)
    collapsed = frames & (extent <= 1e-6 * scale)
    if frames.any() and collapsed.sum() > 0.5 * frames.sum():
        at = pts[0]
        raise ValueError(
            f"{where}: in {int(collapsed.sum())} of {int(frames.sum())} frames every keypoint is at the same point "
            f"(e.g. ({at[0]:.4g}, {at[1]:.4g})): no body to lift; the file holds placeholders, not detections"
        )
    if image_size is not None and not normalized:
        w, h = image_size
        person = float(np.median(extent[frames])) if frames.any() else None
        if person is not None and person < _MIN_PERSON_FRACTION * max(w, h):
            raise ValueError(
                f"{where}: the person spans {person:.4g} px, {person / max(w, h):.2%} of the {w} x {h} image (median "
                f"over frames): the image size is wrong (--image-size W H), or crop the video around the person "
                f"(models see people that fill 10-90% of the frame)"
            )
        far = (pts[:, 0] < -0.5 * w) | (pts[:, 0] > 1.5 * w) | (pts[:, 1] < -0.5 * h) | (pts[:, 1] > 1.5 * h)
        if far.mean() > 0.5:
            raise ValueError(
                f"{far.mean():.0%} of the keypoints lie far outside the {w} x {h} image (x from {pts[:, 0].min():.4g} "
                f"to {pts[:, 0].max():.4g}, y from {pts[:, 1].min():.4g} to {pts[:, 1].max():.4g}): the image size "
                "is wrong (--image-size W H) or these are not pixel coordinates"
            )


def orthographic_2d(seq: MotionSequence) -> MotionSequence:
    """A 3D skeleton clip as normalised 2D keypoints: ``(x, -y, 1)`` of ``keypoints_3d`` (metres; y negated because
    camera-space 3D has y up where images have y down), untracked (NaN) joints stay NaN; ``meta["normalized"]`` is set
    (not pixels, so no ``make_cam``). :data:`ORTHOGRAPHIC_3D` clips are built from it."""
    if seq.keypoints_3d is None:
        raise ValueError("orthographic 2D needs keypoints_3d (generic npz key, units_3d mm or m)")
    if seq.units_3d not in UNITS_TO_MM:
        raise ValueError(f"3D input must be in mm or m, got units_3d={seq.units_3d!r}")
    xyz = np.asarray(seq.keypoints_3d, dtype=np.float64) * (UNITS_TO_MM[seq.units_3d] / 1000.0)
    conf = np.where(np.isfinite(xyz).all(axis=-1), 1.0, np.nan)[..., None]
    kp = np.concatenate([xyz[..., :1], -xyz[..., 1:2], conf], axis=-1)
    return seq.replace(keypoints_2d=kp, image_size=None, meta=dict(seq.meta, normalized=True))


def face_front(keypoints_3d: np.ndarray, layout: str) -> np.ndarray:
    """3D skeletons ``(T, J, 3)`` / ``(M, T, J, 3)`` (y vertical) turned about the vertical axis so that the first
    person faces the camera: in the first frame where both of its hips are tracked (finite, not at the origin), the
    left hip lies at -x of the right hip and at the same depth, as in a frontal Kinect recording (the persons of an
    interaction turn together; untracked joints stay NaN). Clips without such a frame are returned unchanged.
    The view normalisation of skeleton action recognition (e.g. NTU RGB+D's pre-processing): a recording from any
    side gives the same clip."""
    kp = np.asarray(keypoints_3d, dtype=np.float64)
    persons = kp if kp.ndim == 4 else kp[None]
    if persons.ndim != 4 or persons.shape[-1] != 3:
        raise ValueError(f"face_front expects 3D skeletons (T, J, 3) or (M, T, J, 3), got shape {kp.shape}")
    hips = convert_layout(persons[0], layout, "h36m-17")[:, [1, 4], :3]  # H36M-17: 1 right hip, 4 left hip
    tracked = np.isfinite(hips).all(axis=(1, 2)) & (np.abs(hips).sum(axis=(1, 2)) > 0)
    if not tracked.any():
        return kp.copy()
    right, left = hips[np.argmax(tracked)]
    v = left - right
    if not np.hypot(v[0], v[2]) > 0:
        return kp.copy()
    # yaw_rotate by a maps (x, z) -> (c x + s z, -s x + c z): a = atan2(z, x) + 180 deg sends v to (-|v|, 0)
    return yaw_rotate(kp, math.degrees(math.atan2(v[2], v[0])) + 180.0)


def convert_layout(
    x: np.ndarray, layout: str, target: str, *, confidence: str = "average", mpii_convention: str = "mpii"
) -> np.ndarray:
    """``(..., J, C)`` in ``layout`` -> ``target`` (H36M-17 or H36M-16; NaN propagates into synthesised joints)."""
    if layout == target:
        return x.copy()
    rule = confidence if (confidence != "coco_order" or layout == "coco-17") else "average"
    if target == "h36m-17":
        return to_h36m(x, layout, confidence=rule, mpii_convention=mpii_convention)
    if target == "h36m-16":
        h36m = to_h36m(x, layout, confidence=rule, mpii_convention=mpii_convention) if layout != "h36m-17" else x
        return h36m17_to_h36m16(h36m)
    raise ValueError(
        f"the model expects {target!r} keypoints and motionhub has no conversion from {layout!r} to it; provide "
        f"{target} keypoints"
    )


@dataclass
class PreparedKeypoints:
    """One person's keypoints, ready for the model.

    Attributes:
        model_input: ``(T, J, num_channels)`` float32 normalised keypoints in the model's input layout (a view of
            :attr:`normalized`).
        normalized: ``(T, J, 3)`` float32 normalised x, y, confidence (missing joints: 0, 0, 0).
        pixels: ``(T, J, 3)`` float32 x, y pixels + confidence in the model's input layout (missing joints NaN),
            ``None`` when the input was already normalised.
        missing: ``(T, J)`` bool, joints that were missing (NaN) or built from a missing joint.
        layout: the model's input layout.
        normalization: the rule used (see :data:`NORMALIZATIONS_2D`).
        pixels_per_unit: pixels per normalised unit (``None`` for ``"none"``).
        transform: ``crop_scale`` box ``(corner_x, corner_y, side)`` in pixels, else ``None``.
        image_size: ``(width, height)`` used by ``"screen"`` / ``"pixel_center"``, else ``None``.
    """

    model_input: np.ndarray
    normalized: np.ndarray
    pixels: np.ndarray | None
    missing: np.ndarray
    layout: str
    normalization: str
    pixels_per_unit: float | None
    transform: tuple[float, float, float] | None = None
    image_size: tuple[int, int] | None = None


def _track_two_persons(kp: np.ndarray) -> np.ndarray:
    """``human_tracking`` on x, y (as MotionBERT) with the other channels following their person."""
    xy = kp[..., :2]
    tracked = human_tracking(xy)
    swapped = ~np.all(tracked[0] == xy[0], axis=(-1, -2)) & np.all(tracked[0] == xy[1], axis=(-1, -2))
    out = kp.copy()
    out[..., :2] = tracked
    out[0, swapped, :, 2:], out[1, swapped, :, 2:] = kp[1, swapped, :, 2:], kp[0, swapped, :, 2:]
    return out


def motionbert_clip_persons(
    keypoints: Any,
    layout: str,
    *,
    image_size: Sequence[int] | None,
    clip_len: int,
    num_persons: int,
    confidence: str = "average",
    randomness: bool = False,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """MotionBERT's action clip steps before ``crop_scale`` (shared by :class:`MotionProcessor` and training).

    ``(M, T, J, 2|3)`` / ``(T, J, 2|3)`` pixels -> missing joints 0 (confidence 0) -> ``make_cam`` (when
    ``image_size`` is given; ``None`` = already normalised) -> two-person tracking -> H36M-17 -> resampling to
    ``clip_len`` (random offsets when ``randomness``) -> persons zero-padded to ``num_persons``.

    Returns:
        ``(num_persons, clip_len, 17, 3)`` float64.
    """
    kp = np.asarray(keypoints, dtype=np.float64)
    if kp.ndim == 3:
        kp = kp[None]
    if kp.shape[-1] == 2:
        kp = np.concatenate([kp, np.ones(kp.shape[:-1] + (1,))], axis=-1)
    invalid = ~np.isfinite(kp[..., :2]).all(axis=-1) | ~np.isfinite(kp[..., 2])
    kp = np.where(invalid[..., None], 0.0, kp)
    kp = kp[: max(num_persons, 1)] if kp.shape[0] > num_persons else kp
    if image_size is not None:
        w, h = image_size
        kp = make_cam(kp, (h, w))
    if kp.shape[0] == 2:
        kp = _track_two_persons(kp)
    mode = confidence if (confidence != "coco_order" or layout == "coco-17") else "average"
    kp = to_h36m(kp, layout, confidence=mode)
    idx = resample(kp.shape[1], clip_len, randomness=randomness, rng=rng)
    kp = kp[:, idx]
    if kp.shape[0] < num_persons:
        pad = np.zeros((num_persons - kp.shape[0],) + kp.shape[1:])
        kp = np.concatenate([kp, pad], axis=0)
    return kp


# ---------------------------------------------------------------------------------------------------- processor
class MotionProcessor(FeatureExtractionMixin):
    """How a motion model's inputs are prepared and its outputs read (saved as ``preprocessor_config.json``).

    Every argument is validated: an unknown value is a ``ValueError`` naming the allowed ones. See the module
    docstring for what each step does.

    Args:
        joint_layout: the model's input layout (``config.joint_layout``; ``"h36m-17"``).
        output_joint_layout: layout of the 3D output (default ``joint_layout``).
        input_layout: layout assumed for bare arrays without one (default ``joint_layout``).
        mpii_convention: ``mpii-16`` input -> H36M-17 rule, :data:`MPII_CONVENTIONS`.
        confidence: confidence rule of synthesised joints, :data:`CONFIDENCE_RULES`.
        num_channels: channels the model takes (``config.dim_in``: 3 = x, y, confidence; 2 = x, y).
        normalization: per-frame input normalisation, :data:`NORMALIZATIONS` (the 2D pipelines take
            :data:`NORMALIZATIONS_2D`).
        crop_scale_ratio: ``crop_scale`` box enlargement (MotionBERT in the wild: 1.0).
        fill_missing: ``"zero"`` (MotionBERT) or ``"interpolate"``.
        image_size: default ``(width, height)`` for input without one (``"screen"`` / ``"pixel_center"``).
        window_size: frames per inference window (default: the model's ``config.maxlen``).
        window_stride: frames between window starts (default ``window_size // 2``).
        merge: weights of overlapping windows, ``"triangular"`` or ``"uniform"``.
        pad_short: edge-pad sequences shorter than the window to the full window.
        temporal_stride: frame step inside a many-to-one window (STMO/MPM ``config.tds``).
        clip_normalization: action clip preparation, :data:`CLIP_NORMALIZATIONS` (``None``: not an action model).
        clip_len: frames per action clip.
        num_persons: persons per action clip.
        clip_facing: 3D action clips: ``"recorded"`` (the camera's view) or ``"front"`` (every clip turned to face
            the camera first, :func:`face_front`), :data:`CLIP_FACINGS`.
        output_units: units of the model's 3D output, :data:`OUTPUT_UNITS`.
    """

    model_input_names = ["keypoints"]

    def __init__(
        self,
        joint_layout: str = "h36m-17",
        output_joint_layout: str | None = None,
        input_layout: str | None = None,
        mpii_convention: str = "mpii",
        confidence: str = "average",
        num_channels: int = 3,
        normalization: str = "crop_scale",
        crop_scale_ratio: float = 1.0,
        fill_missing: str = "zero",
        image_size: Sequence[int] | None = None,
        window_size: int | None = None,
        window_stride: int | None = None,
        merge: str = "triangular",
        pad_short: bool = False,
        temporal_stride: int = 1,
        clip_normalization: str | None = None,
        clip_len: int | None = None,
        num_persons: int | None = None,
        clip_facing: str = "recorded",
        output_units: str = "normalized",
        **kwargs: Any,
    ) -> None:
        unknown = sorted(k for k in kwargs if k not in _HF_BOOKKEEPING)
        if unknown:
            raise ValueError(
                f"unknown MotionProcessor setting(s) {unknown}; the settings are {sorted(self._setting_names())}"
            )
        super().__init__(**{k: v for k, v in kwargs.items() if k == "processor_class"})
        for name, value in (("joint_layout", joint_layout), ("output_joint_layout", output_joint_layout),
                            ("input_layout", input_layout)):
            if value is not None:
                get_layout(value)  # ValueError listing the known layouts
        self.joint_layout = joint_layout
        self.output_joint_layout = output_joint_layout
        self.input_layout = input_layout
        self.mpii_convention = _choice("mpii_convention", mpii_convention, MPII_CONVENTIONS)
        self.confidence = _choice("confidence", confidence, CONFIDENCE_RULES)
        self.num_channels = _choice("num_channels", num_channels, (2, 3))
        self.normalization = _choice("normalization", normalization,
                                     (*_NORMALIZATION_RULES, *NORMALIZATIONS_3D))  # user-registered rules too
        if isinstance(crop_scale_ratio, bool) or not isinstance(crop_scale_ratio, (int, float)) or not crop_scale_ratio > 0:
            raise ValueError(f"crop_scale_ratio (crop_scale box enlargement) must be > 0, got {crop_scale_ratio!r}")
        self.crop_scale_ratio = float(crop_scale_ratio)
        self.fill_missing = _choice("fill_missing", fill_missing, FILL_MISSING)
        if image_size is not None:
            size = [int(v) for v in np.asarray(image_size).reshape(-1)]
            if len(size) != 2 or min(size) <= 0:
                raise ValueError(f"image_size must be (width, height) in pixels, got {image_size!r}")
            image_size = size
        self.image_size = image_size
        self.window_size = _positive_int("window_size", window_size)
        self.window_stride = _positive_int("window_stride", window_stride)
        if self.window_size is not None and self.window_stride is not None and self.window_stride > self.window_size:
            raise ValueError(f"window_stride ({window_stride}) must be <= window_size ({window_size})")
        self.merge = _choice("merge", merge, MERGES)
        if not isinstance(pad_short, bool):
            raise ValueError(f"pad_short must be true or false, got {pad_short!r}")
        self.pad_short = pad_short
        self.temporal_stride = _positive_int("temporal_stride", temporal_stride, optional=False)
        if clip_normalization is not None:
            _choice("clip_normalization", clip_normalization, CLIP_NORMALIZATIONS)
        self.clip_normalization = clip_normalization
        self.clip_len = _positive_int("clip_len", clip_len)
        self.num_persons = _positive_int("num_persons", num_persons)
        self.clip_facing = _choice("clip_facing", clip_facing, CLIP_FACINGS)
        if clip_facing == "front" and clip_normalization not in (KINECT_3D, ORTHOGRAPHIC_3D):
            raise ValueError(f"clip_facing 'front' turns 3D skeletons: it needs clip_normalization {KINECT_3D!r} or "
                             f"{ORTHOGRAPHIC_3D!r}, got {clip_normalization!r}")
        self.output_units = _choice("output_units", output_units, OUTPUT_UNITS)

    @classmethod
    def _setting_names(cls) -> list[str]:
        import inspect

        params = inspect.signature(cls.__init__).parameters
        return [n for n, p in params.items() if n != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """The settings (``preprocessor_config.json``) plus transformers' ``processor_class`` /
        ``feature_extractor_type`` so that ``AutoProcessor`` finds this class."""
        out = {name: getattr(self, name) for name in self._setting_names()}
        out["feature_extractor_type"] = type(self).__name__
        out["processor_class"] = type(self).__name__
        return out

    def replace(self, **changes: Any) -> MotionProcessor:
        """A validated copy with some settings changed (``None`` values leave a setting as it is)."""
        settings = {name: getattr(self, name) for name in self._setting_names()}
        unknown = sorted(set(changes) - set(settings))
        if unknown:
            raise ValueError(f"unknown MotionProcessor setting(s) {unknown}; the settings are {sorted(settings)}")
        settings.update({k: v for k, v in changes.items() if v is not None})
        return type(self)(**settings)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MotionProcessor) and self.to_dict() == other.to_dict()

    __hash__ = None  # mutable settings

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path: str | os.PathLike, **kwargs: Any) -> MotionProcessor:
        """Load ``preprocessor_config.json`` from a folder or Hub repo (transformers' ``from_pretrained``; also what
        ``AutoProcessor`` calls). A model folder saved before processors existed (``config.json`` only) gets the
        processor derived from its config (:meth:`from_model_config`), so old checkpoints load the same way."""
        try:
            return super().from_pretrained(pretrained_model_name_or_path, **kwargs)
        except OSError as missing:
            from transformers import AutoConfig

            from .auto import register_all

            register_all()  # AutoConfig must know every family
            hub = {k: kwargs[k] for k in ("cache_dir", "local_files_only", "token", "revision") if k in kwargs}
            try:  # trust_remote_code explicit: None would make transformers ask on stdin
                config = AutoConfig.from_pretrained(pretrained_model_name_or_path,
                                                    trust_remote_code=bool(kwargs.get("trust_remote_code")), **hub)
            except (OSError, ValueError) as err:
                from .errors import remote_code_refused

                refused = remote_code_refused(err, pretrained_model_name_or_path)
                if refused is not None:
                    raise refused from None
                raise missing from None
            return cls.from_model_config(config)

    @classmethod
    def from_model_config(cls, config: Any, task: str | None = None) -> MotionProcessor:
        """The processor of a model saved without ``preprocessor_config.json``, from its config (the only place
        that reads the config's preparation fields).

        Fields read: ``joint_layout``, ``output_joint_layout``, ``dim_in``, ``input_normalization`` (default
        ``"crop_scale"``), ``maxlen`` (window), ``tds``, ``output_units`` (else ``"m"`` for STMO/MPM, else
        ``"normalized"``), and for action models (``task`` or the config's architecture) ``action_normalization``
        (else :data:`KINECT_3D` for 3D-input models, else ``"crop_scale"``), ``action_clip_len`` (else
        ``config.maxlen`` for fixed-length encoders, ``min(config.maxlen, 243)`` otherwise), ``action_num_persons``
        (else 2 for ``crop_scale``, 1 otherwise), ``action_confidence`` / ``keypoint_confidence``.

        Raises:
            ValueError: a config field holds a value motionhub does not know (the message names the allowed ones).
        """
        from .configuration_utils import MotionEncoderConfig

        saved = config.to_dict()  # settings beyond the encoder contract (older files may lack them)

        def get(name: str, default: Any = None) -> Any:
            return saved.get(name) if saved.get(name) is not None else default

        if isinstance(config, MotionEncoderConfig):  # the encoder contract: read as declared
            contract = {"joint_layout": config.joint_layout, "input_normalization": config.input_normalization,
                        "maxlen": config.maxlen, "fixed_length": config.fixed_length, "dim_in": config.dim_in,
                        "output_units": config.output_units}
        else:  # a config outside the contract (a model's own code, run with trust_remote_code): its saved values
            contract = {"joint_layout": get("joint_layout", "h36m-17"),
                        "input_normalization": get("input_normalization", "crop_scale"),
                        "maxlen": get("maxlen", get("frames", 243)), "fixed_length": False,
                        "dim_in": get("dim_in", 3), "output_units": get("output_units")}
        if task is None:
            archs = list(config.architectures or [])
            task = (task_of_architecture(archs[0]) if archs else None) or "encoder"
        layout = contract["joint_layout"]
        input_norm = contract["input_normalization"]
        if input_norm not in (*_NORMALIZATION_RULES, *NORMALIZATIONS_3D):
            raise ValueError(
                f"config.input_normalization {input_norm!r} is not a known input normalisation; allowed: "
                f"{(*_NORMALIZATION_RULES, *NORMALIZATIONS_3D)}"
            )
        maxlen = int(contract["maxlen"])
        fixed = bool(contract["fixed_length"])
        settings: dict[str, Any] = {
            "joint_layout": layout,
            "output_joint_layout": get("output_joint_layout"),
            "num_channels": int(contract["dim_in"]),
            "normalization": input_norm,
            "window_size": maxlen,
            "temporal_stride": int(get("tds", 1)),
            "output_units": contract["output_units"] or _METRIC_FAMILIES.get(config.model_type, "normalized"),
        }
        # models an action pipeline takes (classification, embedding, multi-task) get clip settings
        if task in TASKS["action-classification"].served_by + TASKS["action-embedding"].served_by:
            clip_norm = get("action_normalization", KINECT_3D if input_norm == KINECT_3D else "crop_scale")
            settings.update(
                clip_normalization=clip_norm,
                clip_len=int(get("action_clip_len", maxlen if fixed else min(maxlen, 243))),
                num_persons=int(get("action_num_persons", 2 if clip_norm == "crop_scale" else 1)),
                confidence=get("action_confidence", get("keypoint_confidence", "average")),
            )
        return cls(**settings)

    # ------------------------------------------------------------------ per-frame preparation
    @property
    def model_layout(self) -> str:
        return self.joint_layout

    @property
    def out_layout(self) -> str:
        return self.output_joint_layout or self.joint_layout

    def as_input(self, data: Any, layout: str | None = None, image_size: Sequence[int] | None = None) -> MotionInput:
        """Any accepted input -> :class:`MotionInput` (default layout :attr:`input_layout`, image size
        :attr:`image_size`)."""
        size = image_size if image_size is not None else self.image_size
        return as_motion_input(data, layout, size, self.input_layout or self.joint_layout)

    def prepare_keypoints(
        self,
        data: Any,
        layout: str | None = None,
        image_size: Sequence[int] | None = None,
    ) -> tuple[list[PreparedKeypoints], MotionInput]:
        """Steps 1-5 of the module docstring for every person of ``data``.

        Args:
            data: a :class:`~motionhub.formats.MotionSequence` with ``keypoints_2d`` (pixels unless
                ``meta["normalized"]``) or an array / tensor ``(T, J, 2|3)`` / ``(M, T, J, 2|3)`` of pixels; NaN
                marks missing joints.
            layout: joint layout of ``data`` (default: the sequence's, else :attr:`input_layout`).
            image_size: ``(width, height)`` (overrides the file's and :attr:`image_size`).

        Returns:
            One :class:`PreparedKeypoints` per person and the parsed input.
        """
        if self.normalization not in _NORMALIZATION_RULES:
            raise ValueError(
                f"this processor prepares {self.normalization!r} input (a 3D-input model); 2D keypoint preparation "
                f"needs one of {tuple(_NORMALIZATION_RULES)}"
            )
        inp = self.as_input(data, layout, image_size)
        norm = "none" if inp.normalized else self.normalization
        return [self._prepare_person(p, inp.layout, norm, inp.image_size) for p in inp.keypoints], inp

    def _prepare_person(
        self, kp: np.ndarray, layout: str, normalization: str, image_size: tuple[int, int] | None
    ) -> PreparedKeypoints:
        # One float64 working copy (the user's array is never modified); what is kept is float32 (as the model sees
        # it and as results are written), so a long video costs ~0.4 KB per frame here, not several float64 copies.
        kp = np.asarray(kp)
        if kp.shape[-1] == 2:
            kp = np.concatenate([kp, np.ones(kp.shape[:-1] + (1,), dtype=kp.dtype)], axis=-1)
        kp = np.array(kp, dtype=np.float64, copy=True)
        missing = ~np.isfinite(kp).all(axis=-1)
        kp[missing, :2] = np.nan
        kp[missing, 2] = 0.0
        kp = convert_layout(kp, layout, self.joint_layout, confidence=self.confidence,
                            mpii_convention=self.mpii_convention)
        missing = ~np.isfinite(kp[..., :2]).all(axis=-1)
        kp[missing, 2] = 0.0
        pixels = kp.astype(np.float32) if normalization != "none" else None
        work = kp
        work[missing, :2] = 0.0
        if not (~missing).any():
            raise ValueError("every keypoint is missing (NaN) in this sequence: nothing to lift")
        rule = get_normalization(normalization)
        size = None
        if rule.needs_image_size:
            if image_size is None:
                raise ValueError(
                    f"normalization {normalization!r} (how this model was trained) needs the image size (width, "
                    "height) in pixels of the video the keypoints come from: set image_size in the file (generic npz "
                    "key 'image_size') or pass image_size= / --image-size W H"
                )
            size = (int(image_size[0]), int(image_size[1]))
        work, ppu, transform = rule.normalize(work, image_size=size, crop_scale_ratio=self.crop_scale_ratio)
        work[missing, :2] = 0.0
        work[missing, 2] = 0.0
        if self.fill_missing == "interpolate" and missing.any():
            xy = work[..., :2].copy()
            xy[missing] = np.nan
            xy = fill_missing(xy, "interpolate", axis=0)
            work[..., :2] = np.nan_to_num(xy, nan=0.0)
        normalized = work.astype(np.float32)
        return PreparedKeypoints(
            model_input=normalized[..., : self.num_channels], normalized=normalized, pixels=pixels,
            missing=missing, layout=self.joint_layout, normalization=normalization, pixels_per_unit=ppu,
            transform=transform, image_size=size,
        )

    # ------------------------------------------------------------------ inverse
    @staticmethod
    def unnormalize_2d(xy: np.ndarray, prepared: PreparedKeypoints) -> np.ndarray:
        """Normalised ``(..., 2+)`` x, y of ``prepared``'s rule -> pixels (other channels pass through).

        Raises:
            ValueError: the input was already normalised (``"none"``): there are no pixels to go back to.
        """
        out = np.array(xy, dtype=np.float64, copy=True)
        return get_normalization(prepared.normalization).denormalize(out, prepared)

    def pose_to_pixels(self, pose: np.ndarray, prepared: PreparedKeypoints) -> np.ndarray | None:
        """Normalised root-relative 3D ``(T, J, 3)`` -> pixels: x, y placed on the visible 2D joints (least squares
        over the per-frame offset), z = depth relative to the pelvis in pixels. ``None`` when the model predicts
        metric units, the input had no pixels, or the output layout differs from the input layout."""
        if (self.output_units != "normalized" or prepared.pixels is None or prepared.pixels_per_unit is None
                or prepared.layout != self.out_layout):
            return None
        px = pose * prepared.pixels_per_unit
        visible = ~prepared.missing
        diff = np.where(visible[..., None], prepared.pixels[..., :2] - px[..., :2], 0.0)
        counts = visible.sum(axis=1)
        offset = np.full((len(px), 2), np.nan)
        ok = counts > 0
        offset[ok] = diff[ok].sum(axis=1) / counts[ok, None]
        offset = fill_missing(offset, "interpolate", axis=0)
        px[..., :2] += offset[:, None, :]  # px is a new array
        return px

    def pose_to_metres(self, pose: np.ndarray) -> np.ndarray:
        """A metric-unit model output (:attr:`output_units` ``"m"`` / ``"mm"``) -> metres.

        Raises:
            ValueError: the model predicts normalised units (use :meth:`pose_to_pixels`, or a camera model).
        """
        if self.output_units not in _UNIT_M:
            raise ValueError(
                f"this model predicts {self.output_units!r} units, not metres: convert with pose_to_pixels (and a "
                "camera's focal length and depth for metric units)"
            )
        return np.asarray(pose, dtype=np.float64) * _UNIT_M[self.output_units]

    # ------------------------------------------------------------------ action clips
    def prepare_clips(
        self, data: Any, layout: str | None = None, image_size: Sequence[int] | None = None, *,
        rng: np.random.Generator | None = None,
    ) -> np.ndarray:
        """Action model input ``(N, num_persons, clip_len, J, num_channels)`` float32 for one clip or a list.

        Args:
            data: a :class:`~motionhub.formats.MotionSequence`, an array ``(T, J, C)`` / ``(M, T, J, C)`` (2D pixels,
                or H36M-17 millimetres for :data:`KINECT_3D`), or a list of those.
            layout: joint layout of the input (default: the sequence's / :attr:`input_layout`).
            image_size: ``(width, height)`` of array input.
            rng: training only: frames are resampled at random offsets drawn from ``rng``
                (:func:`~motionhub.processing.resample` ``randomness=True``); ``None`` (inference) = evenly spaced.
        """
        if self.clip_normalization is None or self.clip_len is None or self.num_persons is None:
            raise ValueError(
                "this processor has no action clip settings (clip_normalization, clip_len, num_persons): it belongs "
                "to a model that is not an action model"
            )
        several = isinstance(data, (list, tuple)) and len(data) > 0 and all(
            isinstance(d, (MotionSequence, np.ndarray, torch.Tensor)) for d in data
        )
        items = list(data) if several else [data]
        if self.clip_facing == "front":
            items = [self._faced(item, layout) for item in items]
        if self.clip_normalization == KINECT_3D:
            if layout is not None:
                items = [it.replace(layout=layout) if isinstance(it, MotionSequence) else it for it in items]
            return np.stack([self._kinect_3d_clip(item, rng) for item in items])
        if self.clip_normalization == ORTHOGRAPHIC_3D:
            if not all(isinstance(it, MotionSequence) for it in items):
                raise ValueError("orthographic 3D clips are built from MotionSequence objects with keypoints_3d")
            items = [orthographic_2d(it.replace(layout=layout) if layout is not None else it) for it in items]
        inputs = [self.as_input(item, layout, image_size) for item in items]
        if self.clip_normalization == "screen":
            return np.stack([self._screen_clip(inp) for inp in inputs])
        # MotionBERT's rule: make_cam only when every clip has pixels and an image size (one rule for the batch)
        pixels = all(inp.image_size is not None and not inp.normalized for inp in inputs)
        clips = []
        for inp in inputs:
            kp = motionbert_clip_persons(inp.keypoints, inp.layout, image_size=inp.image_size if pixels else None,
                                         clip_len=self.clip_len, num_persons=self.num_persons,
                                         confidence=self.confidence, randomness=rng is not None, rng=rng)
            clips.append(crop_scale(kp, (2.0, 2.0))[..., : self.num_channels].astype(np.float32))
        return np.stack(clips)

    def _faced(self, item: Any, layout: str | None) -> Any:
        """``clip_facing="front"``: the clip's 3D skeletons turned to face the camera (:func:`face_front`)."""
        if isinstance(item, MotionSequence):
            if item.keypoints_3d is None:
                return item  # the preparation names the missing keypoints_3d
            return item.replace(keypoints_3d=face_front(item.keypoints_3d, layout or item.layout))
        kp = np.asarray(item.detach().cpu().numpy() if isinstance(item, torch.Tensor) else item, dtype=np.float64)
        return face_front(kp, layout or self.input_layout or self.joint_layout)

    def _kinect_3d_clip(self, item: Any, rng: np.random.Generator | None = None) -> np.ndarray:
        if isinstance(item, MotionSequence):
            if item.keypoints_3d is None:
                raise ValueError(
                    "this model classifies 3D skeletons: the input needs keypoints_3d (generic npz key, units_3d mm/m)"
                )
            if item.units_3d not in UNITS_TO_MM:
                raise ValueError(f"3D input must be in mm or m, got units_3d={item.units_3d!r}")
            kp, layout, to_m = np.asarray(item.keypoints_3d, dtype=np.float64), item.layout, UNITS_TO_MM[item.units_3d]
        else:
            kp = np.asarray(item.detach().cpu().numpy() if isinstance(item, torch.Tensor) else item, dtype=np.float64)
            layout, to_m = self.input_layout or self.joint_layout, 1.0  # bare arrays: millimetres
        if kp.ndim == 3:
            kp = kp[None]
        if kp.ndim != 4 or kp.shape[-1] != 3:
            raise ValueError(f"3D skeletons must have shape (T, J, 3) or (M, T, J, 3), got {kp.shape}")
        check_layout(kp.shape[-2], layout)
        finite = kp[np.isfinite(kp).all(axis=-1)]
        if not finite.size or not np.any(finite != 0):
            raise ValueError("no 3D joint in the input: every joint is missing (NaN) or at the origin")
        people = np.stack([convert_layout(p, layout, self.joint_layout, mpii_convention=self.mpii_convention)[..., :3]
                           for p in kp[: self.num_persons]]) * (to_m / 1000.0)  # (M, T, 17, 3) metres
        # One origin for every person (the first person's pelvis in its first tracked frame), so that the persons of
        # an interaction keep their relative placement; y is flipped to point down as in the lifting pretraining.
        pelvis = people[0, :, 0]
        tracked = np.flatnonzero(np.isfinite(pelvis).all(axis=-1))
        origin = pelvis[tracked[0]] if tracked.size else np.nanmean(people.reshape(-1, 3), axis=0)
        people = people - origin
        people[..., 1] *= -1.0
        idx = resample(people.shape[1], self.clip_len, randomness=rng is not None, rng=rng)
        clip = np.nan_to_num(people[:, idx])
        if len(clip) < self.num_persons:
            clip = np.concatenate([clip, np.zeros((self.num_persons - len(clip),) + clip.shape[1:])])
        return clip[..., : self.num_channels].astype(np.float32)

    def _screen_clip(self, inp: MotionInput) -> np.ndarray:
        norm = "none" if inp.normalized else "screen"
        screen = self if self.fill_missing == "zero" and self.crop_scale_ratio == 1.0 else self.replace(
            fill_missing="zero", crop_scale_ratio=1.0)
        persons = [screen._prepare_person(p, inp.layout, norm, inp.image_size).model_input
                   for p in inp.keypoints[: self.num_persons]]
        clip = np.stack(persons)[:, resample(inp.keypoints.shape[1], self.clip_len)]
        if len(clip) < self.num_persons:
            pad = np.zeros((self.num_persons - len(clip),) + clip.shape[1:], dtype=clip.dtype)
            clip = np.concatenate([clip, pad])
        return clip.astype(np.float32)

    # ------------------------------------------------------------------ transformers-style call
    def __call__(
        self,
        data: Any,
        layout: str | None = None,
        *,
        image_size: Sequence[int] | None = None,
        return_tensors: str | None = "pt",
    ) -> BatchFeature:
        """Model input of ``data``: ``{"keypoints": ...}``.

        Action processors (:attr:`clip_normalization` set) return the clips of :meth:`prepare_clips`
        ``(N, num_persons, clip_len, J, C)``; per-frame processors the whole prepared sequence ``(M, T, J, C)`` of
        :meth:`prepare_keypoints` (cut it into windows with :mod:`motionhub.runner` for long sequences).
        """
        if self.clip_normalization is not None:
            x = self.prepare_clips(data, layout, image_size)
        else:
            prepared, _ = self.prepare_keypoints(data, layout, image_size)
            x = np.stack([p.model_input for p in prepared])
        return BatchFeature({"keypoints": x}, tensor_type=return_tensors)


# ------------------------------------------------------------------------------------------------------ lookup
def _saved_processor_file(source: str | os.PathLike) -> str | None:
    path = Path(source)
    if path.is_dir():
        file = path / PROCESSOR_CONFIG_NAME
        return str(file) if file.is_file() else None
    if isinstance(source, str) and source.count("/") == 1 and not path.exists():
        from transformers.utils import cached_file

        return cached_file(source, PROCESSOR_CONFIG_NAME, _raise_exceptions_for_missing_entries=False,
                           _raise_exceptions_for_connection_errors=False,
                           _raise_exceptions_for_gated_repo=False)
    return None


def processor_for_model(model: Any, task: str | None = None) -> MotionProcessor:
    """The processor that belongs to ``model``: its saved ``preprocessor_config.json`` (looked up where the model
    was loaded from, ``config._name_or_path``: a folder or a Hub repo), else :meth:`MotionProcessor.from_model_config`.

    Args:
        model: a loaded model (``nn.Module`` with ``.config``), or a config.
        task: the task the caller uses the model for (decides whether action clip settings are derived).
    """
    config = getattr(model, "config", model)
    source = getattr(config, "_name_or_path", "") or ""
    if source:
        file = _saved_processor_file(source)
        if file is not None:
            return MotionProcessor.from_json_file(file)
    return MotionProcessor.from_model_config(config, task)


register_processor_class(MotionProcessor)  # AutoProcessor of every family's model folders (motionhub.auto)
