# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Models shipped inside the motionhub package, and the lifting / evaluation procedure they were measured with.

``dstformer-lift-default/`` is motionhub's **embedded default 2D -> 3D lifting model** (a 0.41 M-parameter DSTformer
trained on CPU by motionhub: pretrained with the MotionBERT lifting objective on Bandai-Namco + CMU + Human3.6M
S1/S5/S6/S7 3D, finetuned on Human3.6M S1/S5/S6/S7 Stacked-Hourglass detections). It needs no download.

What the model expects and returns (the contract every caller — e.g. ``motionhub lift`` — must follow):

* **input**: H36M-17 2D keypoints ``(T, 17, 2|3)`` in **pixels** of an image of size ``(width, height)``, normalised
  with :func:`normalize_lifting_input` = :func:`motionhub.processing.normalize_screen`
  (``x / w * 2 - 1``, ``y / w * 2 - h / w``), confidence channel kept (1 when absent). Missing joints (NaN) are zeroed
  in all channels, exactly as the training masks hide joints.
* **output**: ``(T, 17, 3)`` root-relative (pelvis = 0) 3D in **metres**, camera axes (x right, y down, z forward).
  No ground-truth scale is needed or used; multiply by 1000 for millimetres.
* sequences of any length are lifted with windows of ``config.maxlen`` (27) frames, :func:`lift_keypoints`.

:func:`motionhub.pipelines.evaluate_lifting_files` is the exact procedure behind the numbers in ``results/*.json``
(pooled MPJPE and P-MPJPE in mm over every frame of every generic-format file with ``keypoints_3d`` ground truth).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_INPUT_NORMALIZATION",
    "DEFAULT_LIFTING_MODEL_DIR",
    "DEFAULT_OUTPUT_UNITS",
    "DEFAULT_STRIDE_PRIOR_DIR",
    "lift_keypoints",
    "load_default_lifting_model",
    "normalize_lifting_input",
]

DEFAULT_LIFTING_MODEL_DIR = Path(__file__).resolve().parent / "dstformer-lift-default"
"""Folder of the embedded default lifting model (config.json, model.safetensors, README.md)."""

DEFAULT_STRIDE_PRIOR_DIR = Path(__file__).resolve().parent / "stride-prior"
"""Folder of the embedded default STRIDE motion prior (``motionhub stride``, ``motionhub lift --refine stride``; a
0.42 M-parameter DSTformer, 81 frames at 25 fps, 3D input in metres with hidden joints interpolated, see its
README.md)."""

DEFAULT_INPUT_NORMALIZATION = "screen"
"""The 2D normalisation of the default model: :func:`motionhub.processing.normalize_screen` with the image size."""

DEFAULT_OUTPUT_UNITS = "m"
"""Units of the default model's output: metres, root-relative, camera axes (x right, y down, z forward)."""


def load_default_lifting_model(device: str = "cpu"):
    """Load the embedded default lifting model (no network access), in eval mode.

    Args:
        device: torch device to move the model to.

    Returns:
        :class:`motionhub.DSTformerForPoseLifting`; input ``(B, T<=27, 17, 3)`` normalised 2D (see the module
        docstring), output ``pose_3d`` ``(B, T, 17, 3)`` root-relative metres.
    """
    from motionhub.encoders.dstformer import DSTformerForPoseLifting

    if not (DEFAULT_LIFTING_MODEL_DIR / "model.safetensors").exists():
        raise FileNotFoundError(
            f"the embedded default lifting model is missing from {DEFAULT_LIFTING_MODEL_DIR}; reinstall motionhub "
            "(the package data must include motionhub/pretrained/dstformer-lift-default/*)"
        )
    model = DSTformerForPoseLifting.from_pretrained(DEFAULT_LIFTING_MODEL_DIR, trust_remote_code=False)
    return model.to(device).eval()


def normalize_lifting_input(keypoints_2d: Any, image_size: Sequence[float]) -> np.ndarray:
    """Pixels -> the default model's input: screen-normalised ``(x, y, confidence)``.

    Args:
        keypoints_2d: ``(..., 17, 2|3)`` H36M-17 pixels (+ confidence); ``NaN`` marks missing joints.
        image_size: ``(width, height)`` of the image in pixels.

    Returns:
        float32 ``(..., 17, 3)``; missing joints are all-zero (as masked joints in training).
    """
    from motionhub.processing import normalize_screen

    kp = np.asarray(keypoints_2d, dtype=np.float64)
    if kp.ndim < 2 or kp.shape[-1] not in (2, 3):
        raise ValueError(f"keypoints_2d must be (..., J, 2|3) pixels [+ confidence], got shape {kp.shape}")
    if image_size is None or len(image_size) != 2:
        raise ValueError(f"image_size must be (width, height) in pixels, got {image_size!r}")
    if kp.shape[-1] == 2:
        kp = np.concatenate([kp, np.ones_like(kp[..., :1])], axis=-1)
    missing = ~np.isfinite(kp).all(axis=-1)
    kp = np.where(missing[..., None], 0.0, kp)
    out = normalize_screen(kp, float(image_size[0]), float(image_size[1]))
    out[missing] = 0.0
    return out.astype(np.float32)


def lift_keypoints(
    model,
    keypoints: Any,
    *,
    stride: int | None = None,
    batch_size: int = 64,
    flip: bool = False,
    device: str | None = None,
) -> np.ndarray:
    """Lift one normalised 2D sequence of any length with windows of ``model.config.maxlen`` frames.

    Windows start every ``stride`` frames (default: ``maxlen``, no overlap; sequences not a multiple of ``maxlen``
    get one extra window aligned to the end, shorter ones are edge-padded), see
    :func:`motionhub.processing.sliding_windows`; overlapping frames are averaged (:func:`merge_windows`).

    Args:
        model: a pose-lifting model (``model(keypoints).pose_3d``), e.g. :func:`load_default_lifting_model`.
        keypoints: ``(T, J, C)`` normalised input (:func:`normalize_lifting_input`).
        stride: window step (``1..maxlen``).
        batch_size: windows per forward pass.
        flip: also lift the horizontally flipped input and average (flip test-time augmentation).
        device: torch device (default: the model's).

    Returns:
        ``(T, J, dim_out)`` float32 predictions in the model's output units.
    """
    import torch

    from motionhub.modeling_utils import flip_augmented
    from motionhub.runner import WindowRunner

    x = np.asarray(keypoints, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"keypoints must be one sequence (T, J, C), got shape {x.shape}")
    maxlen = int(model.config.maxlen)
    layout = model.config.joint_layout
    forward = lambda k: model(k).pose_3d
    predict = (lambda k: flip_augmented(forward, k, layout)) if flip else forward
    runner = WindowRunner(predict, batch_size=batch_size, device=device or next(model.parameters()).device)
    with torch.no_grad():
        pose = runner.seq2seq(x, maxlen, stride if stride is not None else maxlen, merge="uniform", pad_short=True)
    return pose.astype(np.float32)
