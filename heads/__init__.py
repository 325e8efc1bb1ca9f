# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Task heads and the ``<Encoder>For<Task>`` models of every encoder family (installed as ``motionhub.heads``).

Each task is written once as a mixin over the encoder interface; :func:`~motionhub.heads._factory.build_task_model`
turns it into one ``PreTrainedModel`` class per family found in :mod:`motionhub.encoders` (``DSTformer``, and ``STMO``
/ ``MPM`` when present), exported here and registered with the task Auto classes:

* ``<Family>ForActionClassification`` -> :class:`motionhub.AutoModelForActionClassification`
* ``<Family>ForActionEmbedding`` -> :class:`motionhub.AutoModelForActionEmbedding`

``import motionhub`` imports this package, so the Auto classes know every head.
"""

from __future__ import annotations

from ..auto import register_task_model
from ._factory import EncoderFamily, build_task_model, discover_families
from .action import (
    ActionClassificationHead,
    ActionClassificationMixin,
    ActionEmbeddingHead,
    ActionEmbeddingMixin,
    OneShotEvaluator,
    OneShotResult,
    flatten_persons,
    pool_persons_time,
)

__all__ = [
    "ActionClassificationHead",
    "ActionClassificationMixin",
    "ActionEmbeddingHead",
    "ActionEmbeddingMixin",
    "EncoderFamily",
    "OneShotEvaluator",
    "OneShotResult",
    "TASK_MODELS",
    "build_task_model",
    "discover_families",
    "flatten_persons",
    "pool_persons_time",
]

#: (task for :func:`motionhub.auto.register_task_model`, class-name suffix, mixin) built for every family.
_TASKS = [
    ("action-classification", "ForActionClassification", ActionClassificationMixin),
    ("action-embedding", "ForActionEmbedding", ActionEmbeddingMixin),
]

#: ``{(family name, task): model class}`` of every generated task model, e.g. ``TASK_MODELS["DSTformer",
#: "action-classification"]``.
TASK_MODELS: dict[tuple[str, str], type] = {}

for _family in discover_families():
    for _task, _suffix, _mixin in _TASKS:
        _cls = build_task_model(_mixin, _family, _suffix, __name__)
        globals()[_cls.__name__] = _cls
        __all__.append(_cls.__name__)
        TASK_MODELS[_family.name, _task] = _cls
        register_task_model(_task, _family.config_class, _cls)

del _family, _task, _suffix, _mixin, _cls

# Mesh recovery, pose completion (families without their own) and multi-task models: each module builds and
# registers its per-family classes; they are re-exported here.
from .completion import COMPLETION_MODELS, LinearPoseHead, PoseCompletionMixin
from .mesh import MESH_MODELS, MeshLoss, MeshRecoveryHead, MeshRecoveryMixin
from .multitask import MULTITASK_MODELS, MultiTaskMixin

__all__ += ["LinearPoseHead", "MeshLoss", "MeshRecoveryHead", "MeshRecoveryMixin", "MultiTaskMixin",
            "PoseCompletionMixin"]
for _models, _task in ((MESH_MODELS, "mesh-recovery"), (COMPLETION_MODELS, "pose-completion"),
                       (MULTITASK_MODELS, "multi-task")):
    for _name, _cls in _models.items():
        globals()[_cls.__name__] = _cls
        __all__.append(_cls.__name__)
        TASK_MODELS[_name, _task] = _cls
del _models, _task, _name, _cls
