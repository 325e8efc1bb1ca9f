# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MPM encoder family: 2D and 3D input embeddings into P-STMO's shared spatial MLP + temporal transformer."""

from ...auto import register_family, register_task_model
from .configuration_mpm import COMPLETION_LOSS_WEIGHTS, MPMConfig
from .modeling_mpm import (
    TUBE_LIMBS,
    MPMForMaskedPoseModeling,
    MPMForPoseCompletion,
    MPMForPoseLifting,
    MPMModel,
    MPMPreTrainedModel,
    sample_tube_mask,
)

register_family(MPMConfig, MPMModel)
register_task_model("pose-lifting", MPMConfig, MPMForPoseLifting)
register_task_model("masked-pose-modeling", MPMConfig, MPMForMaskedPoseModeling)
register_task_model("pose-completion", MPMConfig, MPMForPoseCompletion)

__all__ = [
    "MPMConfig",
    "COMPLETION_LOSS_WEIGHTS",
    "MPMModel",
    "MPMPreTrainedModel",
    "MPMForPoseLifting",
    "MPMForMaskedPoseModeling",
    "MPMForPoseCompletion",
    "TUBE_LIMBS",
    "sample_tube_mask",
]
