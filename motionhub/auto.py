# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Auto classes for motion tasks and their registration with transformers.

transformers has no ``AutoModelFor...`` for 3D pose or skeleton actions, so motionhub defines its own on top of
transformers' auto factory. That factory is private API (``transformers.models.auto.auto_factory``): it is used in
this module only, and transformers is pinned to ``>=5,<6``.

Families register themselves with :func:`register_family`; task heads with :func:`register_task_model`.
"""

from __future__ import annotations

from collections import OrderedDict

from transformers import AutoConfig, AutoModel
from transformers.models.auto.auto_factory import _BaseAutoModelClass, _LazyAutoMapping

__all__ = [
    "AutoModelForPoseLifting",
    "AutoModelForActionClassification",
    "AutoModelForActionEmbedding",
    "AutoModelForMeshRecovery",
    "AutoModelForPoseCompletion",
    "AutoModelForMaskedPoseModeling",
    "AutoModelForMultiTask",
    "TASK_AUTO_CLASSES",
    "TASK_CLASS_SUFFIXES",
    "register_family",
    "register_task_model",
    "task_of_architecture",
]


def _auto_class(name: str, task: str) -> type[_BaseAutoModelClass]:
    cls = type(name, (_BaseAutoModelClass,), {"_model_mapping": _LazyAutoMapping(OrderedDict(), OrderedDict())})
    cls.__doc__ = f"Instantiates the motionhub model for **{task}** matching the checkpoint's config.model_type."
    return cls


AutoModelForPoseLifting = _auto_class("AutoModelForPoseLifting", "3D pose lifting")
AutoModelForActionClassification = _auto_class("AutoModelForActionClassification", "action classification")
AutoModelForActionEmbedding = _auto_class("AutoModelForActionEmbedding", "action embedding (one-shot)")
AutoModelForMeshRecovery = _auto_class("AutoModelForMeshRecovery", "SMPL mesh recovery")
AutoModelForPoseCompletion = _auto_class("AutoModelForPoseCompletion", "pose completion")
AutoModelForMaskedPoseModeling = _auto_class("AutoModelForMaskedPoseModeling", "masked pose modeling (pretraining)")
AutoModelForMultiTask = _auto_class("AutoModelForMultiTask", "multi-task (pose + action + mesh)")

TASK_AUTO_CLASSES = {
    "pose-lifting": AutoModelForPoseLifting,
    "action-classification": AutoModelForActionClassification,
    "action-embedding": AutoModelForActionEmbedding,
    "mesh-recovery": AutoModelForMeshRecovery,
    "pose-completion": AutoModelForPoseCompletion,
    "masked-pose-modeling": AutoModelForMaskedPoseModeling,
    "multi-task": AutoModelForMultiTask,
}

TASK_CLASS_SUFFIXES = {
    "pose-lifting": "ForPoseLifting",
    "action-classification": "ForActionClassification",
    "action-embedding": "ForActionEmbedding",
    "mesh-recovery": "ForMeshRecovery",
    "multi-task": "ForMultiTask",
    "pose-completion": "ForPoseCompletion",
    "masked-pose-modeling": "ForMaskedPoseModeling",
}
"""Task -> the ``<Family>For<Task>`` class-name suffix (transformers' naming; ``config.architectures`` holds it)."""

_REGISTERED: set[tuple[str, str]] = set()
_TASK_OF_CLASS: dict[str, str] = {}


def task_of_architecture(name: str) -> str:
    """Task of a model class name (``config.architectures[0]``): the task it was registered for with
    :func:`register_task_model`, else by its ``For<Task>`` name; ``"encoder"`` for a bare ``<Family>Model``."""
    if name in _TASK_OF_CLASS:
        return _TASK_OF_CLASS[name]
    for task, suffix in TASK_CLASS_SUFFIXES.items():
        if name.endswith(suffix):
            return task
    return "encoder"


def register_family(config_class, base_model_class) -> None:
    """Register an encoder family's config and bare model with ``AutoConfig``/``AutoModel`` (idempotent)."""
    key = ("__base__", config_class.model_type)
    if key in _REGISTERED:
        return
    AutoConfig.register(config_class.model_type, config_class, exist_ok=True)
    AutoModel.register(config_class, base_model_class, exist_ok=True)
    # every family's models are prepared by MotionProcessor: AutoProcessor.from_pretrained(model folder) finds it
    from transformers import AutoFeatureExtractor, AutoProcessor

    from .processor import MotionProcessor

    AutoProcessor.register(config_class, MotionProcessor, exist_ok=True)
    AutoFeatureExtractor.register(config_class, MotionProcessor, exist_ok=True)
    _REGISTERED.add(key)


def register_task_model(task: str, config_class, model_class) -> None:
    """Register ``model_class`` as the ``task`` model (a key of ``TASK_AUTO_CLASSES``) for ``config_class``."""
    if task not in TASK_AUTO_CLASSES:
        raise ValueError(f"unknown task {task!r}; known: {sorted(TASK_AUTO_CLASSES)}")
    key = (task, config_class.model_type)
    if key in _REGISTERED:
        return
    TASK_AUTO_CLASSES[task].register(config_class, model_class, exist_ok=True)
    _TASK_OF_CLASS[model_class.__name__] = task
    _REGISTERED.add(key)
