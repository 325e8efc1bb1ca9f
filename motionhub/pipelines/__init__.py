# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""High-level inference over whole videos: 2D keypoints in, 3D poses / action labels / embeddings / SMPL meshes out.

The pipelines glue the layers together (file -> :mod:`motionhub.formats` -> numpy -> :mod:`motionhub.processor` ->
tensors -> :mod:`motionhub.runner` -> model -> numpy) for inputs of **any length**, any supported joint layout and with missing joints:

=================================== ================================================================================
pipeline                            what it does
=================================== ================================================================================
:class:`PoseLiftingPipeline`        ``(T, J, 2|3)`` 2D keypoints -> :class:`LiftResult` ``pose_3d (T, 17, 3)``
:class:`ActionPipeline`             ``(T, J, C)`` / ``(M, T, J, C)`` clip(s) -> :class:`ActionResult` logits / top-k
                                    labels (classification models) or unit-norm embeddings (one-shot models)
:class:`MeshPipeline`               ``(T, J, 2|3)`` -> :class:`MeshResult` SMPL theta, vertices and joints (mm)
:func:`load_model`                  a model directory, Hub repo id, official checkpoint file or ``None`` (the
                                    embedded default lifting model) -> the task model
=================================== ================================================================================

**Pipeline = processor + model + runner.** The input preparation (layout conversion, confidence and missing joints,
normalisation and its inverse, action clips) and the window defaults are the model's
:class:`~motionhub.processor.MotionProcessor`, saved beside it as ``preprocessor_config.json`` (models saved without
one get the processor derived from their config, :func:`motionhub.processor.processor_for_model`). Pipeline arguments
(``normalization=``, ``window=``, ``clip_len=``, ...) override single settings.

**Long videos** (:class:`motionhub.runner.WindowRunner`, the one windowed loop). Sequence-to-sequence models
(DSTformer: ``T <= config.maxlen`` frames in, ``T`` poses out) run on overlapping windows (:func:`motionhub.processing.sliding_windows`, default ``window = config.maxlen``,
``stride = window // 2``) in batches; overlapping predictions are blended with triangular weights
(:func:`motionhub.processing.merge_windows`). Many-to-one models (STMO/MPM: exactly ``config.maxlen`` frames in, the
centre frame's pose out) get one window per output frame (:func:`motionhub.encoders.stmo.stmo_windows`, frames every
``config.tds``, edges padded by repeating the first/last frame), batched. Shorter sequences than the window work
(one window of ``T`` frames for DSTformer; edge padding for fixed-length models).

**Flip averaging** (``flip=True``, MotionBERT / P-STMO test-time augmentation,
:func:`motionhub.modeling_utils.flip_augmented`): the prediction for the mirrored input (:func:`motionhub.skeleton.flip`)
is mirrored back and averaged with the direct one.

**Units of the output.** ``LiftResult.pose_3d`` is root-relative (joint 0 = pelvis at the origin) in
``LiftResult.units``: ``"normalized"`` for DSTformer models (the units of the normalised input: multiply by the
pixels-per-unit factor to get pixels) or the model's metric unit (the processor's ``output_units``; P-STMO/MPM
official checkpoints predict metres). For normalised models ``pose_3d_pixels`` is the same pose in pixels: x, y in
the input image (the pose is placed so that its x, y match the visible 2D joints in the least-squares sense) and z the
depth relative to the pelvis, in pixels.
"""

from __future__ import annotations

from ..processor import KINECT_3D, PreparedKeypoints
from .action import ACTION_NORMALIZATIONS, ActionPipeline, ActionResult
from .evaluation import (
    LIFTING_PROTOCOLS,
    evaluate_action,
    evaluate_lifting,
    evaluate_lifting_files,
    evaluate_oneshot,
)
from .lifting import NORMALIZATIONS, LiftResult, PoseLiftingPipeline
from .loading import load_model, model_task, resolve_device
from .mesh import MeshPipeline, MeshResult
from .results import UNITS_DOC

__all__ = [
    "ACTION_NORMALIZATIONS",
    "KINECT_3D",
    "LIFTING_PROTOCOLS",
    "NORMALIZATIONS",
    "UNITS_DOC",
    "ActionPipeline",
    "ActionResult",
    "LiftResult",
    "MeshPipeline",
    "MeshResult",
    "PoseLiftingPipeline",
    "PreparedKeypoints",
    "evaluate_action",
    "evaluate_lifting",
    "evaluate_lifting_files",
    "evaluate_oneshot",
    "load_model",
    "model_task",
    "resolve_device",
]
