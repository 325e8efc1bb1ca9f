# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""motionhub: Hugging Face-native pretrained human-motion encoders and their task heads.

``import motionhub`` registers every encoder family and task model with transformers' ``AutoConfig``/``AutoModel`` (and
every family's model folders with ``AutoProcessor``: :class:`MotionProcessor`) and
with motionhub's task Auto classes (``AutoModelForPoseLifting`` ...).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .auto import (
    AutoModelForActionClassification,
    AutoModelForActionEmbedding,
    AutoModelForMaskedPoseModeling,
    AutoModelForMeshRecovery,
    AutoModelForMultiTask,
    AutoModelForPoseCompletion,
    AutoModelForPoseLifting,
)
from .encoders.dstformer import DSTformerConfig, DSTformerForPoseLifting, DSTformerModel
from .encoders.mpm import MPMConfig, MPMForMaskedPoseModeling, MPMForPoseCompletion, MPMForPoseLifting, MPMModel
from .encoders.stmo import STMOConfig, STMOForMaskedPoseModeling, STMOForPoseLifting, STMOModel
from .processor import MotionProcessor  # noqa: E402
from .auto import register_processor as _register_processor  # noqa: E402

for _config in (DSTformerConfig, MPMConfig, STMOConfig):  # every family's folders load with AutoProcessor
    _register_processor(_config, MotionProcessor)
del _config
from . import heads  # noqa: E402,F401  (task models of every family; registers them with the Auto classes)

__all__ = [
    "MotionProcessor",
    "__version__",
    "AutoModelForActionClassification",
    "AutoModelForActionEmbedding",
    "AutoModelForMaskedPoseModeling",
    "AutoModelForMeshRecovery",
    "AutoModelForMultiTask",
    "AutoModelForPoseCompletion",
    "AutoModelForPoseLifting",
    "DSTformerConfig",
    "DSTformerForPoseLifting",
    "DSTformerModel",
    "MPMConfig",
    "MPMForMaskedPoseModeling",
    "MPMForPoseCompletion",
    "MPMForPoseLifting",
    "MPMModel",
    "STMOConfig",
    "STMOForMaskedPoseModeling",
    "STMOForPoseLifting",
    "STMOModel",
]
