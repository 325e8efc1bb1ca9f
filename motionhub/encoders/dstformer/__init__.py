# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""DSTformer (MotionBERT / STRIDE) encoder family."""

from ...auto import register_family, register_task_model
from .configuration_dstformer import DSTformerConfig
from .modeling_dstformer import DSTformerForPoseLifting, DSTformerModel, DSTformerPreTrainedModel

register_family(DSTformerConfig, DSTformerModel)
register_task_model("pose-lifting", DSTformerConfig, DSTformerForPoseLifting)

__all__ = ["DSTformerConfig", "DSTformerModel", "DSTformerPreTrainedModel", "DSTformerForPoseLifting"]
