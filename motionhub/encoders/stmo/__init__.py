# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STMO (P-STMO) encoder family: spatial MLP + temporal transformer, strided many-to-one lifting, masked pretraining."""

from ...auto import register_family, register_task_model
from .configuration_stmo import STMOConfig, StridedLiftingConfig
from .modeling_stmo import (
    STMOForMaskedPoseModeling,
    STMOForPoseLifting,
    STMOModel,
    STMOPreTrainedModel,
    masked_frame_order,
    sample_frame_mask,
    sample_joint_mask,
)
from .processing_stmo import stmo_window_indices, stmo_windows

register_family(STMOConfig, STMOModel)
register_task_model("pose-lifting", STMOConfig, STMOForPoseLifting)
register_task_model("masked-pose-modeling", STMOConfig, STMOForMaskedPoseModeling)

__all__ = [
    "STMOConfig",
    "StridedLiftingConfig",
    "STMOModel",
    "STMOPreTrainedModel",
    "STMOForPoseLifting",
    "STMOForMaskedPoseModeling",
    "masked_frame_order",
    "sample_frame_mask",
    "sample_joint_mask",
    "stmo_window_indices",
    "stmo_windows",
]
