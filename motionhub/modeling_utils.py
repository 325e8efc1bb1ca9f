# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Behaviour shared by every motionhub model: backbone/head parameter groups, frozen-backbone finetuning, input checks.

Every encoder family's ``<Family>PreTrainedModel`` derives from :class:`MotionPreTrainedModel`. Task models hold the
encoder under ``base_model_prefix`` (transformers' BertFor... pattern), so "backbone" is exactly that submodule and
"head" is everything else.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn
from transformers import PreTrainedModel

__all__ = ["MotionPreTrainedModel", "check_motion_input", "flip_augmented"]


def check_motion_input(
    x: torch.Tensor,
    *,
    name: str = "keypoints",
    num_joints: int | None = None,
    channels: int | tuple[int, ...] | None = None,
    max_frames: int | None = None,
    ndim: int = 4,
    layout_hint: str = "(B, T, J, C)",
) -> None:
    """Raise a ``ValueError`` that names the problem when ``x`` is not a valid motion tensor."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor of shape {layout_hint}, got {type(x).__name__}")
    if x.ndim != ndim:
        raise ValueError(f"`{name}` must have shape {layout_hint} ({ndim} dims), got shape {tuple(x.shape)}")
    if num_joints is not None and x.shape[-2] != num_joints:
        raise ValueError(
            f"`{name}` has {x.shape[-2]} joints but the model expects {num_joints}; convert your layout first "
            "(motionhub.skeleton.to_h36m) or use a model configured for this joint count"
        )
    if channels is not None:
        allowed = (channels,) if isinstance(channels, int) else tuple(channels)
        if x.shape[-1] not in allowed:
            raise ValueError(
                f"`{name}` has {x.shape[-1]} channels but the model expects {' or '.join(map(str, allowed))} "
                "(2D input: x, y[, confidence]; 3D input: x, y, z)"
            )
    if max_frames is not None and x.shape[-3] > max_frames:
        raise ValueError(
            f"`{name}` has {x.shape[-3]} frames but the model supports at most {max_frames} (config.maxlen); split "
            "long videos into windows (motionhub.processing.sliding_windows / motionhub.pipelines)"
        )
    if x.shape[-3] < 1:
        raise ValueError(f"`{name}` has no frames (shape {tuple(x.shape)})")
    if not torch.isfinite(x).all():
        raise ValueError(
            f"`{name}` contains NaN or infinite values; mark missing joints with confidence 0 and zero coordinates "
            "instead (motionhub.processing handles this for file inputs)"
        )


def flip_augmented(
    predict,
    keypoints: torch.Tensor,
    layout: str = "h36m-17",
    flip_output: bool = True,
    *,
    output_layout: str | None = None,
) -> torch.Tensor:
    """Test-time flip averaging: ``(predict(x) + flip(predict(flip(x)))) / 2`` (the one implementation: the pipelines,
    :mod:`motionhub.runner`, :func:`motionhub.pretrained.lift_keypoints` and STRIDE use it).

    ``flip`` negates x and swaps left/right joints of ``layout`` (:func:`motionhub.skeleton.flip`), as MotionBERT's
    evaluate / infer_wild and P-STMO's test augmentation do. ``predict`` maps ``(..., J, C)`` keypoints to
    ``(..., J, 3)`` poses (joint layout ``output_layout``, default ``layout``); set ``flip_output=False`` for outputs
    that are not joint-indexed (e.g. logits, embeddings).
    """
    from .skeleton import flip

    out = predict(keypoints)
    out_flipped = predict(flip(keypoints, layout))
    if flip_output:
        out_flipped = flip(out_flipped, output_layout or layout)
    return (out + out_flipped) / 2


class MotionPreTrainedModel(PreTrainedModel):
    """Base class of every motionhub model (encoders and ``<Encoder>For<Task>`` heads)."""

    main_input_name = "keypoints"
    input_modalities = "video"
    _supports_sdpa = True
    # Our losses are per-batch means that ignore Trainer's `num_items_in_batch`; declaring this makes Trainer divide
    # the loss by gradient_accumulation_steps itself (forward takes **kwargs, which would make it assume otherwise).
    accepts_loss_kwargs = False

    # ----------------------------------------------------------------- backbone / head split
    @property
    def has_backbone(self) -> bool:
        """True for task models (the encoder sits under ``base_model_prefix``), False for bare encoders."""
        return hasattr(self, self.base_model_prefix) and isinstance(getattr(self, self.base_model_prefix), nn.Module)

    @property
    def backbone(self) -> nn.Module:
        if not self.has_backbone:
            raise AttributeError(f"{type(self).__name__} is a bare encoder; it has no separate backbone")
        return getattr(self, self.base_model_prefix)

    def backbone_named_parameters(self) -> Iterator[tuple[str, nn.Parameter]]:
        prefix = self.base_model_prefix + "."
        return ((n, p) for n, p in self.named_parameters() if n.startswith(prefix))

    def head_named_parameters(self) -> Iterator[tuple[str, nn.Parameter]]:
        prefix = self.base_model_prefix + "."
        return ((n, p) for n, p in self.named_parameters() if not n.startswith(prefix))

    def backbone_parameters(self) -> list[nn.Parameter]:
        return [p for _, p in self.backbone_named_parameters()]

    def head_parameters(self) -> list[nn.Parameter]:
        return [p for _, p in self.head_named_parameters()]

    def parameter_groups(
        self, head_lr: float, backbone_lr_ratio: float = 0.1, weight_decay: float = 0.01
    ) -> list[dict]:
        """Optimizer groups with ``backbone lr = backbone_lr_ratio * head_lr`` (MotionBERT finetuning uses 0.1).

        Frozen parameters (``requires_grad=False``) are left out; empty groups are dropped.
        """
        if not self.has_backbone:
            raise AttributeError(f"{type(self).__name__} is a bare encoder; parameter groups need a task model")
        groups = [
            {"name": "backbone", "params": [p for p in self.backbone_parameters() if p.requires_grad],
             "lr": head_lr * backbone_lr_ratio, "weight_decay": weight_decay},
            {"name": "head", "params": [p for p in self.head_parameters() if p.requires_grad],
             "lr": head_lr, "weight_decay": weight_decay},
        ]
        return [g for g in groups if g["params"]]

    # ----------------------------------------------------------------- partial finetuning
    @property
    def backbone_frozen(self) -> bool:
        return bool(getattr(self, "_backbone_frozen", False))

    def freeze_backbone(self) -> None:
        """Frozen-backbone (partial) finetuning: only head parameters train.

        The backbone also stays in eval mode through ``train()`` calls, so dropout is off and BatchNorm running
        statistics (STMO/MPM) stay bit-identical.
        """
        for p in self.backbone.parameters():
            p.requires_grad_(False)
        self._backbone_frozen = True
        self.backbone.eval()

    def unfreeze_backbone(self) -> None:
        for p in self.backbone.parameters():
            p.requires_grad_(True)
        self._backbone_frozen = False
        self.backbone.train(self.training)

    def train(self, mode: bool = True):
        super().train(mode)
        if self.backbone_frozen:
            self.backbone.eval()
        return self
