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

:func:`evaluate_lifting_files` is the exact procedure behind the numbers in ``results/*.json`` (pooled MPJPE and
P-MPJPE in mm over every frame of every generic-format file with ``keypoints_3d`` ground truth).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_INPUT_NORMALIZATION",
    "DEFAULT_LIFTING_MODEL_DIR",
    "DEFAULT_OUTPUT_UNITS",
    "DEFAULT_STRIDE_PRIOR_DIR",
    "evaluate_lifting_files",
    "lift_keypoints",
    "load_default_lifting_model",
    "normalize_lifting_input",
    "read_card_metadata",
]

DEFAULT_LIFTING_MODEL_DIR = Path(__file__).resolve().parent / "dstformer-lift-default"
"""Folder of the embedded default lifting model (config.json, model.safetensors, README.md)."""

DEFAULT_STRIDE_PRIOR_DIR = Path(__file__).resolve().parent / "stride-prior-small"
"""Folder of the embedded default STRIDE motion prior (``motionhub stride``; 74 k parameters, 81 frames, 3D input in
metres, see its README.md)."""

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
    layout = getattr(model.config, "joint_layout", "h36m-17")
    forward = lambda k: model(k).pose_3d  # noqa: E731
    predict = (lambda k: flip_augmented(forward, k, layout)) if flip else forward
    runner = WindowRunner(predict, batch_size=batch_size, device=device or next(model.parameters()).device)
    with torch.no_grad():
        pose = runner.seq2seq(x, maxlen, stride if stride is not None else maxlen, merge="uniform", pad_short=True)
    return pose.astype(np.float32)


def evaluate_lifting_files(
    model,
    paths: Sequence[str | Path],
    *,
    output_units: str | None = None,
    stride: int | None = None,
    flip: bool = False,
    batch_size: int = 64,
    progress: bool = False,
) -> dict[str, Any]:
    """MPJPE / P-MPJPE (mm) of a lifting model on generic-format files with 2D input and 3D ground truth.

    For every file: 2D pixels -> screen normalisation (the file's ``image_size``, as :func:`normalize_lifting_input`)
    -> windows of ``config.maxlen`` frames every ``stride`` (as :func:`lift_keypoints`) -> mm (``output_units``); the
    ground truth ``keypoints_3d`` (``units_3d`` mm or m) is made root-relative (joint 0). Errors are pooled over **all
    frames of all files** (frame-weighted), P-MPJPE with a per-frame similarity alignment. This is
    :func:`motionhub.pipelines.evaluate_lifting` (``motionhub evaluate``) with the ``"metric"`` protocol: one
    evaluation path.

    Args:
        model: the lifting model.
        paths: generic ``.npz`` files (``keypoints_2d`` pixels, ``keypoints_3d``, ``image_size``, layout h36m-17).
        output_units: units of the model output (``"mm"`` or ``"m"``); default: ``model.config.output_units``
            (``"m"`` in motionhub's small lifting checkpoints), else :data:`DEFAULT_OUTPUT_UNITS`.
        stride / flip / batch_size: see :func:`lift_keypoints`.
        progress: show a tqdm bar.

    Returns:
        ``{"mpjpe_mm", "p_mpjpe_mm", "num_files", "num_frames", "per_file": {name: {mpjpe_mm, p_mpjpe_mm, frames}}}``.
    """
    from motionhub.formats.generic import load_generic
    from motionhub.pipelines import PoseLiftingPipeline, evaluate_lifting
    from motionhub.processor import UNITS_TO_MM

    if output_units is None:
        output_units = getattr(model.config, "output_units", None) or DEFAULT_OUTPUT_UNITS
    if output_units not in UNITS_TO_MM:
        raise ValueError(f"output_units must be one of {sorted(UNITS_TO_MM)}, got {output_units!r}")
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no evaluation files given")
    sequences = []
    for path in paths:
        seq = load_generic(path)
        if seq.keypoints_2d is None or seq.keypoints_3d is None:
            raise ValueError(f"{path}: evaluation needs both keypoints_2d (input) and keypoints_3d (ground truth)")
        if seq.layout != "h36m-17":
            raise ValueError(f"{path}: layout {seq.layout!r}; convert to h36m-17 first (motionhub.skeleton.to_h36m)")
        if seq.image_size is None:
            raise ValueError(f"{path}: image_size (width, height) is needed to normalise the 2D pixels")
        if seq.units_3d not in UNITS_TO_MM:
            raise ValueError(f"{path}: units_3d must be 'mm' or 'm' for metric evaluation, got {seq.units_3d!r}")
        sequences.append(seq.replace(meta={**seq.meta, "source": path.stem}))
    # the results procedure: screen-normalised pixels, non-overlapping windows (the last aligned to the end), short
    # clips edge-padded, overlaps averaged, metric output; the same evaluation as `motionhub evaluate`
    pipe = PoseLiftingPipeline(model, batch_size=batch_size, flip=flip, normalization=DEFAULT_INPUT_NORMALIZATION,
                               output_units=output_units, merge="uniform", pad_short=True,
                               stride=stride if stride is not None else int(model.config.maxlen), progress=False)
    res = evaluate_lifting(pipe, sequences, "metric", progress=progress)
    to_mm = UNITS_TO_MM[res["units"]]
    per_file = {e["source"]: {"mpjpe_mm": e["mpjpe"] * to_mm, "p_mpjpe_mm": e["p_mpjpe"] * to_mm,
                              "frames": e["frames"]} for e in res["per_sequence"]}
    return {
        "mpjpe_mm": res["mpjpe"] * to_mm,
        "p_mpjpe_mm": res["p_mpjpe"] * to_mm,
        "num_files": len(paths),
        "num_frames": res["num_frames"],
        "output_units": output_units,
        "per_file": per_file,
    }


def read_card_metadata(folder: str | Path = DEFAULT_LIFTING_MODEL_DIR) -> dict[str, Any]:
    """The ``config.json`` of a shipped model folder (for ``motionhub info``)."""
    return json.loads((Path(folder) / "config.json").read_text())
