# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Skeleton action classification / embedding of whole clips: :class:`ActionPipeline` and its :class:`ActionResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ..modeling_utils import flip_augmented
from ..processor import CLIP_NORMALIZATIONS, MotionProcessor, processor_for_model
from ..runner import WindowRunner
from .loading import load_model, model_device, model_task, resolve_device

__all__ = ["ACTION_NORMALIZATIONS", "ActionPipeline", "ActionResult"]

ACTION_NORMALIZATIONS = CLIP_NORMALIZATIONS
"""Clip preparations of :class:`ActionPipeline` (``normalization=``)."""


@dataclass
class ActionResult:
    """Output of :class:`ActionPipeline` for ``N`` clips.

    Attributes:
        logits: ``(N, K)`` class scores (classification models) or ``None``.
        probabilities: ``(N, K)`` softmax of the logits or ``None``.
        embeddings: ``(N, E)`` unit-norm embeddings (embedding models) or ``None``.
        id2label: class index -> name (from ``config.id2label``).
        meta: clip length, persons, flip, model.
    """

    logits: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    embeddings: np.ndarray | None = None
    id2label: dict[int, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def top_k(self, k: int = 5) -> list[list[tuple[int, str, float]]]:
        """Per clip, the ``k`` best ``(class index, label, probability)``, best first."""
        if self.probabilities is None:
            raise ValueError("top_k needs a classification model (this result holds embeddings)")
        k = max(1, min(int(k), self.probabilities.shape[1]))
        out = []
        for probs in self.probabilities:
            order = np.argsort(-probs)[:k]
            out.append([(int(i), self.id2label.get(int(i), str(int(i))), float(probs[i])) for i in order])
        return out


class ActionPipeline:
    """Skeleton action classification / embedding of whole clips.

    Long and short clips alike are resampled (evenly spaced frames) to ``clip_len`` frames and classified at once,
    as MotionBERT does. Three clip preparations (``normalization=``):

    * ``"crop_scale"`` (MotionBERT's NTU models and ``examples/finetune_action.py``): as
      :class:`motionhub.tasks.action.ActionClipDataset` in evaluation mode: missing joints -> 0 with confidence 0,
      ``make_cam`` (when the image size is known), two-person tracking, layout -> H36M-17, resampling, persons
      padded (all-zero) / cut to ``num_persons`` (default 2), ``crop_scale((2, 2))``, first ``config.dim_in``
      channels;
    * ``"screen"`` (motionhub's own small action models, ``examples/train/``): per person layout -> H36M-17,
      ``normalize_screen`` with the image size (needed), missing joints 0 / confidence 0, resampling, persons
      padded / cut to ``num_persons`` (default 1).
    * :data:`KINECT_3D` (3D-input models, e.g. motionhub's MSR Action3D classifier): ``keypoints_3d`` -> H36M-17
      metres, first-frame pelvis at the origin, y negated, resampling (1 person by default).

    The preparation, clip length, persons and confidence rule come from the model's
    :class:`~motionhub.processor.MotionProcessor` (its ``preprocessor_config.json``; for models saved without one,
    derived from the config: ``config.action_normalization`` if stored, else :data:`KINECT_3D` for models whose
    ``config.input_normalization`` is that, else ``"crop_scale"``); the arguments below override single settings.

    Args:
        model: a ``<Encoder>ForActionClassification`` / ``ForActionEmbedding`` (or multi-task) model, or anything
            :func:`load_model` accepts.
        device: where to run.
        batch_size: clips per forward pass.
        flip: also classify the mirrored clip and average (logits, or embeddings re-normalised). Off by default
            (MotionBERT's action evaluation does not flip).
        clip_len: frames per clip (default: the processor's; derived: ``config.action_clip_len`` if the model
            stores it, else ``config.maxlen`` for fixed-length encoders and ``min(config.maxlen, 243)`` otherwise).
        num_persons: persons per clip (default: the processor's; derived: ``config.action_num_persons``, else 2
            (MotionBERT's NTU setting) for ``crop_scale`` and 1 otherwise; changing ``normalization`` without it
            takes that rule's default). The
            pooled feature averages over persons, zero-padded ones included: use the value the model was trained
            with (e.g. 1 for Penn Action models trained with ``--num-persons 1``).
        confidence: H36M conversion confidence rule (default ``config.action_confidence`` /
            ``config.keypoint_confidence`` (``"coco_order"`` in converted MotionBERT NTU checkpoints) or
            ``"average"``).
        normalization: ``"crop_scale"``, ``"screen"`` or :data:`KINECT_3D` clip preparation (see above).
        task: ``"action-classification"`` or ``"action-embedding"`` (default: from the model).
        processor: use this :class:`~motionhub.processor.MotionProcessor` instead of the model's.
        progress: tqdm progress bar over batches.
    """

    def __init__(
        self,
        model: Any,
        device: str | torch.device | None = None,
        batch_size: int = 8,
        flip: bool = False,
        *,
        clip_len: int | None = None,
        num_persons: int | None = None,
        confidence: str | None = None,
        normalization: str | None = None,
        task: str | None = None,
        processor: MotionProcessor | None = None,
        progress: bool = True,
        **load_kwargs: Any,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if normalization is not None and normalization not in ACTION_NORMALIZATIONS:
            raise ValueError(f"action clip normalization must be one of {ACTION_NORMALIZATIONS}, got {normalization!r}")
        if processor is not None and not isinstance(processor, MotionProcessor):
            raise TypeError(f"processor must be a MotionProcessor, got {type(processor).__name__}")
        self.device = resolve_device(device) if device is not None else None
        if task is None and isinstance(model, nn.Module):
            task = model_task(model)
        if task == "multi-task":
            task = "action-classification"
        self.model = load_model(model, task, device=self.device, **load_kwargs)
        if task is None:
            task = model_task(self.model)
            if task == "multi-task":
                task = "action-classification"
        if task not in ("action-classification", "action-embedding"):
            raise ValueError(
                f"{type(self.model).__name__} is not an action model (task {task}); use a model trained for action "
                "classification or one-shot embedding"
            )
        self.task = task
        if self.device is None:
            self.device = model_device(self.model)
        config = self.model.config
        self.config = config
        self.batch_size = batch_size
        self.flip = bool(flip)
        self.progress = progress
        base = processor if processor is not None else processor_for_model(self.model, task)
        if None in (base.clip_normalization, base.clip_len, base.num_persons):
            # a processor without (all) action clip settings, e.g. saved for another task: the config's defaults
            derived = MotionProcessor.from_model_config(config, task)
            base = derived.replace(**{k: getattr(base, k) for k in ("clip_normalization", "clip_len", "num_persons")})
        if normalization is not None and num_persons is None and normalization != base.clip_normalization:
            num_persons = 2 if normalization == "crop_scale" else 1  # the person default follows the preparation
        self.processor = base.replace(clip_normalization=normalization, clip_len=clip_len, num_persons=num_persons,
                                      confidence=confidence)
        maxlen = int(config.maxlen)
        self.clip_len = self.processor.clip_len
        if config.fixed_length and self.clip_len != maxlen:
            raise ValueError(f"this model takes exactly {maxlen} frames; clip_len must be {maxlen}")
        if self.clip_len > maxlen:
            raise ValueError(f"clip_len ({self.clip_len}) exceeds config.maxlen ({maxlen})")
        self.normalization = self.processor.clip_normalization
        self.num_persons = self.processor.num_persons
        self.confidence = self.processor.confidence
        self.dim_in = self.processor.num_channels
        self.layout = self.processor.joint_layout
        id2label = config.id2label or {}
        self.id2label = {int(k): str(v) for k, v in id2label.items()}

    def clips(self, data: Any, layout: str | None = None, image_size: Sequence[int] | None = None) -> np.ndarray:
        """Prepared model input ``(N, num_persons, clip_len, J, dim_in)`` float32 for one or several clips
        (:meth:`motionhub.processor.MotionProcessor.prepare_clips`)."""
        return self.processor.prepare_clips(data, layout, image_size)

    @torch.no_grad()
    def __call__(
        self, data: Any, layout: str | None = None, *, image_size: Sequence[int] | None = None
    ) -> ActionResult:
        """Classify / embed clip(s).

        Args:
            data: a :class:`~motionhub.formats.MotionSequence`, an array ``(T, J, 2|3)`` / ``(M, T, J, 2|3)`` of pixels,
                or a list of those (one result row per clip).
            layout: joint layout of array input (default: the sequence's layout / the model's).
            image_size: ``(width, height)`` of array input (optional: only changes the clipping of missing joints).
        """
        x = self.clips(data, layout, image_size)
        was_training = self.model.training
        self.model.eval()
        try:
            values = WindowRunner(self._predict, batch_size=self.batch_size, device=self.device,
                                  progress=self.progress, desc="classifying").predict_batches(x)
        finally:
            self.model.train(was_training)
        meta = {"clip_len": self.clip_len, "num_persons": self.num_persons, "flip": self.flip,
                "normalization": self.normalization,
                "model": self.config.name_or_path or type(self.model).__name__}
        if self.task == "action-embedding":
            return ActionResult(embeddings=values, id2label=self.id2label, meta=meta)
        shifted = values - values.max(axis=1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        return ActionResult(logits=values, probabilities=probs, id2label=self.id2label, meta=meta)

    def _predict(self, x: torch.Tensor) -> torch.Tensor:
        key = "embeddings" if self.task == "action-embedding" else "logits"
        forward = lambda k: getattr(self.model(keypoints=k, return_dict=True), key)  # noqa: E731
        if not self.flip:
            return forward(x)
        out = flip_augmented(forward, x, self.layout, flip_output=False)  # logits / embeddings are not joint-indexed
        return torch.nn.functional.normalize(out, dim=-1) if key == "embeddings" else out
