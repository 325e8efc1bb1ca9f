# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Task heads and the ``<Encoder>For<Task>`` models of every encoder family (installed as ``motionhub.heads``).

Each task is written once as a mixin over the encoder interface (head modules + ``forward`` + loss) and every
``<Family>For<Task>`` is a short, explicit class in the task's module, transformers' ``BertFor...`` pattern:

=========================== =================================================== ================================
module                      classes                                             Auto class
=========================== =================================================== ================================
:mod:`.action`              ``{DSTformer,STMO,MPM}ForActionClassification``    ``AutoModelForActionClassification``
:mod:`.action`              ``{DSTformer,STMO,MPM}ForActionEmbedding``          ``AutoModelForActionEmbedding``
:mod:`.mesh`                ``{DSTformer,STMO,MPM}ForMeshRecovery``             ``AutoModelForMeshRecovery``
:mod:`.completion`          ``{DSTformer,STMO}ForPoseCompletion`` (MPM: own)    ``AutoModelForPoseCompletion``
:mod:`.multitask`           ``{DSTformer,STMO,MPM}ForMultiTask``                ``AutoModelForMultiTask``
=========================== =================================================== ================================

``import motionhub`` imports this package, which registers every class with its task Auto class.
"""

from __future__ import annotations

from ..auto import register_task_model
from .action import (
    ActionClassificationHead,
    ActionClassificationMixin,
    ActionEmbeddingHead,
    ActionEmbeddingMixin,
    DSTformerForActionClassification,
    DSTformerForActionEmbedding,
    MPMForActionClassification,
    MPMForActionEmbedding,
    OneShotEvaluator,
    OneShotResult,
    STMOForActionClassification,
    STMOForActionEmbedding,
    flatten_persons,
    pool_persons_time,
)
from .completion import (
    COMPLETION_MODELS,
    DSTformerForPoseCompletion,
    LinearPoseHead,
    PoseCompletionMixin,
    STMOForPoseCompletion,
)
from .mesh import (
    MESH_MODELS,
    DSTformerForMeshRecovery,
    MeshLoss,
    MeshRecoveryHead,
    MeshRecoveryMixin,
    MPMForMeshRecovery,
    STMOForMeshRecovery,
)
from .multitask import MULTITASK_MODELS, DSTformerForMultiTask, MPMForMultiTask, MultiTaskMixin, STMOForMultiTask

__all__ = [
    "ActionClassificationHead",
    "ActionClassificationMixin",
    "ActionEmbeddingHead",
    "ActionEmbeddingMixin",
    "COMPLETION_MODELS",
    "DSTformerForActionClassification",
    "DSTformerForActionEmbedding",
    "DSTformerForMeshRecovery",
    "DSTformerForMultiTask",
    "DSTformerForPoseCompletion",
    "LinearPoseHead",
    "MESH_MODELS",
    "MPMForActionClassification",
    "MPMForActionEmbedding",
    "MPMForMeshRecovery",
    "MPMForMultiTask",
    "MULTITASK_MODELS",
    "MeshLoss",
    "MeshRecoveryHead",
    "MeshRecoveryMixin",
    "MultiTaskMixin",
    "OneShotEvaluator",
    "OneShotResult",
    "PoseCompletionMixin",
    "STMOForActionClassification",
    "STMOForActionEmbedding",
    "STMOForMeshRecovery",
    "STMOForMultiTask",
    "STMOForPoseCompletion",
    "TASK_MODELS",
    "flatten_persons",
    "pool_persons_time",
]

#: ``{(family name, task): model class}`` of every head model defined here, e.g. ``TASK_MODELS["DSTformer",
#: "action-classification"]``; each is registered with its task's Auto class.
TASK_MODELS: dict[tuple[str, str], type] = {
    ("DSTformer", "action-classification"): DSTformerForActionClassification,
    ("DSTformer", "action-embedding"): DSTformerForActionEmbedding,
    ("MPM", "action-classification"): MPMForActionClassification,
    ("MPM", "action-embedding"): MPMForActionEmbedding,
    ("STMO", "action-classification"): STMOForActionClassification,
    ("STMO", "action-embedding"): STMOForActionEmbedding,
    **{(family, "mesh-recovery"): cls for family, cls in MESH_MODELS.items()},
    **{(family, "pose-completion"): cls for family, cls in COMPLETION_MODELS.items()},
    **{(family, "multi-task"): cls for family, cls in MULTITASK_MODELS.items()},
}

for (_family, _task), _cls in TASK_MODELS.items():
    register_task_model(_task, _cls.config_class, _cls)
del _family, _task, _cls
