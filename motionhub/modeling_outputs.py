# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``ModelOutput`` dataclasses shared by every encoder family and task head.

Layout conventions: ``B`` batch, ``M`` persons, ``T`` frames, ``J`` joints, ``C`` channels. ``None`` fields are
dropped from tuple/index access, so ``out[0]`` is the first non-``None`` field (``loss`` when labels were given).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers.utils import ModelOutput

__all__ = [
    "MotionEncoderOutput",
    "PoseLiftingOutput",
    "ActionClassificationOutput",
    "ActionEmbeddingOutput",
    "MeshRecoveryOutput",
    "PoseCompletionOutput",
    "MaskedPoseModelingOutput",
    "MultiTaskOutput",
]


@dataclass
class MotionEncoderOutput(ModelOutput):
    """Output of a bare motion encoder.

    Args:
        last_hidden_state: motion representation E. ``(B, T, J, D)`` for per-joint encoders (DSTformer: ``D =
            dim_rep``); ``(B, T, D)`` for per-frame encoders (STMO, MPM: ``D = channel``).
        hidden_states: per-layer features when ``output_hidden_states=True`` (same leading layout, encoder width).
    """

    last_hidden_state: torch.Tensor | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None


@dataclass
class PoseLiftingOutput(ModelOutput):
    """Output of ``<Encoder>ForPoseLifting``.

    Args:
        loss: scalar training loss (only when ``labels`` are given).
        pose_3d: ``(B, T, J, 3)`` 3D pose for every input frame (seq2seq models) or ``(B, 1, J, 3)`` for the centre
            frame (many-to-one models such as STMO/MPM), root-relative in the input's normalised units.
        pose_3d_all_frames: ``(B, T, J, 3)`` per-frame prediction of many-to-one models (their multi-frame
            supervision branch); ``None`` for seq2seq models.
        representation: encoder output E (see :class:`MotionEncoderOutput`).
        loss_components: named loss terms (detached scalars) for logging.
    """

    loss: torch.Tensor | None = None
    pose_3d: torch.Tensor | None = None
    pose_3d_all_frames: torch.Tensor | None = None
    representation: torch.Tensor | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None
    loss_components: dict[str, torch.Tensor] | None = None


@dataclass
class ActionClassificationOutput(ModelOutput):
    """Args: loss; logits ``(B, num_labels)``; pooled_features ``(B, F)`` the person/time-pooled representation."""

    loss: torch.Tensor | None = None
    logits: torch.Tensor | None = None
    pooled_features: torch.Tensor | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None


@dataclass
class ActionEmbeddingOutput(ModelOutput):
    """Args: loss (supervised contrastive); embeddings ``(B, E)`` L2-normalised; pooled_features ``(B, F)``."""

    loss: torch.Tensor | None = None
    embeddings: torch.Tensor | None = None
    pooled_features: torch.Tensor | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None


@dataclass
class MeshRecoveryOutput(ModelOutput):
    """Output of ``<Encoder>ForMeshRecovery``.

    Args:
        loss: scalar loss (when labels are given).
        theta: ``(B, T, 82)`` axis-angle pose (72) + betas (10), as MotionBERT.
        rotmat: ``(B, T, 24, 3, 3)`` per-joint rotation matrices.
        betas: ``(B, T, 10)`` shape (one per clip, broadcast over frames).
        vertices: ``(B, T, 6890, 3)`` SMPL vertices in millimetres.
        joints_3d: ``(B, T, 17, 3)`` H36M-17 joints regressed from the vertices, millimetres.
    """

    loss: torch.Tensor | None = None
    theta: torch.Tensor | None = None
    rotmat: torch.Tensor | None = None
    betas: torch.Tensor | None = None
    vertices: torch.Tensor | None = None
    joints_3d: torch.Tensor | None = None
    loss_components: dict[str, torch.Tensor] | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None


@dataclass
class PoseCompletionOutput(ModelOutput):
    """Args: loss; pose_3d ``(B, T, J, 3)`` completed 3D; pose_2d ``(B, T, J, 2)`` completed 2D (when predicted)."""

    loss: torch.Tensor | None = None
    pose_3d: torch.Tensor | None = None
    pose_2d: torch.Tensor | None = None
    loss_components: dict[str, torch.Tensor] | None = None


@dataclass
class MaskedPoseModelingOutput(ModelOutput):
    """Output of the masked-pose-modeling pretraining models (P-STMO, MPM).

    Args: loss; reconstruction_2d ``(B, T, J, 2)``; reconstruction_3d ``(B, T, J, 3)``; lifted_3d ``(B, T, J, 3)``.
    """

    loss: torch.Tensor | None = None
    reconstruction_2d: torch.Tensor | None = None
    reconstruction_3d: torch.Tensor | None = None
    lifted_3d: torch.Tensor | None = None
    loss_components: dict[str, torch.Tensor] | None = None


@dataclass
class MultiTaskOutput(ModelOutput):
    """3D pose + action logits + mesh from one backbone pass."""

    loss: torch.Tensor | None = None
    pose_3d: torch.Tensor | None = None
    logits: torch.Tensor | None = None
    mesh: MeshRecoveryOutput | None = None
    representation: torch.Tensor | None = None
