# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Pose completion (3D of every frame from keypoints with missing joints) for encoders without their own model.

MPM ships a dedicated completion model (:class:`motionhub.encoders.mpm.MPMForPoseCompletion`, learned mask tokens);
for the other families (DSTformer, STMO) completion is what their pretraining already teaches: MotionBERT hides
joints and frames by zeroing their ``(x, y, confidence)`` and lifts the rest to 3D; P-STMO zeroes masked 2D joints.
``<Encoder>ForPoseCompletion`` does exactly that at inference and in finetuning:

``keypoints (B, T, J, C)`` + ``joint_mask`` (True = missing) -> hidden entries set to 0 -> encoder ->
:class:`LinearPoseHead` -> ``pose_3d (B, T, J, 3)`` for every joint, hidden ones included.

In training mode a missing ``joint_mask`` is sampled like MotionBERT's ``Augmenter2D.add_mask``
(:func:`motionhub.corruption.random_masks`): each joint of each frame with probability
``config.completion_joint_mask_ratio`` (0.05) and whole frames with ``config.completion_frame_mask_ratio`` (0.1).
The loss is the pose-lifting objective of the config (:func:`motionhub.losses.pose3d_loss` with its ``lambda_*``,
MotionBERT defaults when the config has none); ``loss_components["mpjpe_hidden"]`` reports the error on the hidden
joints alone.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers import initialization as init

from ..encoders.dstformer.modeling_dstformer import DSTformerModel, DSTformerPreTrainedModel
from ..encoders.stmo.modeling_stmo import STMOModel, STMOPreTrainedModel
from ..modeling_outputs import PoseCompletionOutput
from .mesh import apply_head_fields

__all__ = [
    "COMPLETION_DEFAULTS",
    "COMPLETION_MODELS",
    "DSTformerForPoseCompletion",
    "LinearPoseHead",
    "PoseCompletionMixin",
    "STMOForPoseCompletion",
    "pose_loss_from_config",
]

COMPLETION_DEFAULTS: dict[str, Any] = {"completion_joint_mask_ratio": 0.05, "completion_frame_mask_ratio": 0.1}

# MotionBERT pose3d weights, used when a family's config has no lambda_* fields
_POSE_LOSS_DEFAULTS = {
    "lambda_position": 1.0, "lambda_scale": 0.5, "lambda_velocity": 20.0, "lambda_limb_var": 0.0,
    "lambda_limb_gt": 0.0, "lambda_angle": 0.0, "lambda_angle_velocity": 0.0,
}


def per_joint_representation(config) -> bool:
    """True when the encoder outputs one vector per joint (``(B, T, J, D)``, DSTformer), False for one per frame."""
    return config.frame_feature_size != config.representation_size


class LinearPoseHead(nn.Linear):
    """Linear 3D pose head on the motion representation.

    Per-joint encoders (DSTformer): ``Linear(D, dim_out)`` applied to every joint, identical to
    ``DSTformerForPoseLifting.head`` (same ``weight``/``bias`` keys, so those checkpoints load into it). Per-frame
    encoders (STMO, MPM): ``Linear(D, J * dim_out)`` per frame.

    Args:
        in_features: ``D`` (``config.representation_size``).
        num_joints: ``J``.
        dim_out: output channels (3).
        per_joint: see above.
    """

    def __init__(self, in_features: int, num_joints: int, dim_out: int = 3, per_joint: bool = True) -> None:
        super().__init__(in_features, dim_out if per_joint else num_joints * dim_out)
        self.num_joints, self.dim_out, self.per_joint = num_joints, dim_out, per_joint

    @classmethod
    def from_config(cls, config) -> LinearPoseHead:
        return cls(config.representation_size, config.num_joints, config.dim_out,
                   per_joint_representation(config))

    def forward(self, representation: torch.Tensor) -> torch.Tensor:
        """``(N, T, J, D)`` or ``(N, T, D)`` -> ``(N, T, J, dim_out)``."""
        out = super().forward(representation)
        if self.per_joint:
            return out
        return out.reshape(*out.shape[:-1], self.num_joints, self.dim_out)


def pose_loss_from_config(pred: torch.Tensor, target: torch.Tensor, config) -> tuple[torch.Tensor, dict]:
    """:func:`motionhub.losses.pose3d_loss` with the config's ``lambda_*`` weights (MotionBERT's when absent)."""
    from ..losses import pose3d_loss

    if target.shape != pred.shape:
        raise ValueError(f"3D pose labels must have shape {tuple(pred.shape)}, got {tuple(target.shape)}")
    saved = config.to_dict()  # loss weights a family's config does not declare (STMO / MPM) take the defaults
    weights = {k: saved[k] if saved.get(k) is not None else v for k, v in _POSE_LOSS_DEFAULTS.items()}
    t, j, c = pred.shape[-3:]
    return pose3d_loss(pred.reshape(-1, t, j, c), target.to(pred).reshape(-1, t, j, c), **weights)


def zero_root(pose: torch.Tensor, config) -> torch.Tensor:
    if config.root_relative:
        return torch.cat([torch.zeros_like(pose[..., :1, :]), pose[..., 1:, :]], dim=-2)
    return pose


def _check_joint_mask(mask: Any, b: int, t: int, j: int, device) -> torch.Tensor:
    mask = torch.as_tensor(mask, device=device)
    if mask.dtype != torch.bool:
        raise TypeError(f"`joint_mask` must be boolean (True = missing), got dtype {mask.dtype}")
    if mask.shape == (b, j):
        mask = mask[:, None, :].expand(b, t, j)
    if mask.shape != (b, t, j):
        raise ValueError(
            f"`joint_mask` must have shape ({b}, {j}) (same joints missing in every frame) or ({b}, {t}, {j}), got "
            f"{tuple(mask.shape)}"
        )
    return mask


class PoseCompletionMixin:
    """<Encoder> pose completion: keypoints with missing joints -> 3D of every joint in every frame.

    Hidden joints (``joint_mask`` True) are zeroed in every channel (confidence 0 for 2D input), as in MotionBERT's
    masked pretraining, then the clip is lifted by the <Encoder> encoder and a linear pose head
    (:class:`LinearPoseHead`). See :mod:`motionhub.heads.completion`.
    """

    encoder_class: type  # the family's bare encoder, set by each <Family>For<Task> class

    def __init__(self, config, **head_fields):
        apply_head_fields(config, COMPLETION_DEFAULTS, head_fields, self.__class__.__name__)
        super().__init__(config)
        setattr(self, self.base_model_prefix, self.encoder_class(config))
        self.head = LinearPoseHead.from_config(config)
        self.post_init()

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, LinearPoseHead):
            init.trunc_normal_(module.weight, std=self.config.initializer_range)
            init.zeros_(module.bias)
        else:
            super()._init_weights(module)

    def sample_joint_mask(self, batch_size: int, num_frames: int, device=None) -> torch.Tensor:
        """Random ``(B, T, J)`` mask (True = hidden) with the config's joint/frame ratios."""
        from ..corruption import random_masks

        visible = random_masks(
            batch_size, num_frames, self.config.num_joints, joint_ratio=self.config.completion_joint_mask_ratio,
            frame_ratio=self.config.completion_frame_mask_ratio, device=device or "cpu",
        )
        return ~visible

    def forward(
        self,
        keypoints: torch.Tensor,
        joint_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> PoseCompletionOutput | tuple:
        """Args:
        keypoints: ``(B, T, J, C)`` with ``C = config.dim_in`` (2D ``x, y[, confidence]`` or 3D).
        joint_mask: True = missing; ``(B, J)`` (missing in every frame) or ``(B, T, J)``. ``None``: nothing hidden at
            inference, a random mask in training mode.
        labels: ``(B, T, J, 3)`` complete 3D target (root-relative, same units as the training data).
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        if not isinstance(keypoints, torch.Tensor) or keypoints.ndim != 4:
            raise ValueError(
                "`keypoints` must be a (B, T, J, C) tensor, got "
                f"{tuple(keypoints.shape) if isinstance(keypoints, torch.Tensor) else keypoints.__class__.__name__}"
            )
        b, t, j, _ = keypoints.shape
        if joint_mask is None and self.training:
            joint_mask = self.sample_joint_mask(b, t, keypoints.device)
        if joint_mask is not None:
            joint_mask = _check_joint_mask(joint_mask, b, t, j, keypoints.device)
            keypoints = keypoints.masked_fill(joint_mask[..., None], 0.0)
        grad = torch.is_grad_enabled() and not self.backbone_frozen
        with torch.set_grad_enabled(grad):
            enc = self.backbone(keypoints, output_hidden_states=output_hidden_states, return_dict=True)
        pose = zero_root(self.head(enc.last_hidden_state), self.config)
        loss, components = None, None
        if labels is not None:
            loss, components = pose_loss_from_config(pose, labels, self.config)
            components = {k: v.detach() for k, v in components.items()}
            if joint_mask is not None and joint_mask.any():
                from ..losses import masked_mpjpe_loss

                components["mpjpe_hidden"] = masked_mpjpe_loss(pose, labels.to(pose), joint_mask).detach()
        out = PoseCompletionOutput(loss=loss, pose_3d=pose, loss_components=components)
        return out if return_dict else out.to_tuple()


# ------------------------------------------------------------------------------------------ classes per family
# MPM ships its own completion model (motionhub.encoders.mpm.MPMForPoseCompletion); the other families get this head.
class DSTformerForPoseCompletion(PoseCompletionMixin, DSTformerPreTrainedModel):
    """DSTformer (MotionBERT) encoder + linear pose head for keypoints with missing joints (:class:`PoseCompletionMixin`)."""

    encoder_class = DSTformerModel


class STMOForPoseCompletion(PoseCompletionMixin, STMOPreTrainedModel):
    """STMO (P-STMO) encoder + linear pose head for keypoints with missing joints (:class:`PoseCompletionMixin`)."""

    encoder_class = STMOModel


#: ``{family name: <Family>ForPoseCompletion}`` of the families without a completion model of their own.
COMPLETION_MODELS: dict[str, type] = {"DSTformer": DSTformerForPoseCompletion, "STMO": STMOForPoseCompletion}
