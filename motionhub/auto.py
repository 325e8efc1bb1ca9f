# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""THE task table, the Auto classes of the motion tasks and their registration with transformers.

:data:`TASKS` is the one list of tasks: its name (``"pose-lifting"`` ...), its Auto class, what a model card says
about it, and which model tasks a pipeline of that task accepts. The Auto classes, the pipelines
(:func:`motionhub.pipelines.load_model`), the heads (:mod:`motionhub.heads` registers its classes under these names)
and the Hub cards (:mod:`motionhub.hub`) read it. The task of a model class is the one it was registered for
(:func:`register_task_model` / :func:`register_family`), never guessed from its name.

transformers has no ``AutoModelFor...`` for 3D pose or skeleton actions, so motionhub defines its own on top of
transformers' auto factory. That factory is private API (``transformers.models.auto.auto_factory``): it is used in
this module only, and transformers is pinned to ``>=5,<6``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

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
    "TASKS",
    "TASK_AUTO_CLASSES",
    "Task",
    "check_motionhub_config",
    "encoder_families",
    "model_types",
    "register_all",
    "register_family",
    "register_processor",
    "register_processor_class",
    "register_task_model",
    "task_model_class",
    "task_of_architecture",
    "task_of_model",
]


def _mapping() -> _LazyAutoMapping:
    return _LazyAutoMapping(OrderedDict(), OrderedDict())


_ALL_REGISTERED = False


def register_all() -> None:
    """Import every encoder family and the heads (each registers itself) and register the processor: afterwards
    transformers' ``AutoConfig`` / ``AutoModel`` / ``AutoProcessor`` and motionhub's task Auto classes know every
    motionhub model. Idempotent; ``motionhub.register()`` is this function.

    ``import motionhub`` does not call it (so that ``motionhub --help`` and ``import motionhub`` stay quick): the first
    use of a motionhub class, Auto class, pipeline or command does, and so does transformers' first lookup of a model
    type it does not ship (``transformers.AutoModel.from_pretrained`` of a motionhub folder; see
    :mod:`motionhub._auto_hook`). A failed registration is tried again by the next call.
    """
    global _ALL_REGISTERED
    if _ALL_REGISTERED:
        return
    _ALL_REGISTERED = True  # set first: the imports below come back here through the Auto classes
    import importlib

    try:
        for family in encoder_families():  # each family's package calls register_family on import
            importlib.import_module(f"motionhub.encoders.{family}")
        importlib.import_module("motionhub.heads")  # the task models of every family register themselves
        # the processor registers itself for every family (register_processor_class): a plugin like the families,
        # so this module never imports the processor (which reads the task table here)
        importlib.import_module("motionhub.processor")
    except BaseException:
        _ALL_REGISTERED = False  # what is registered stays (each step is idempotent); the next call finishes it
        raise


class _MotionAutoClass(_BaseAutoModelClass):
    """transformers' auto factory, after :func:`register_all` (the mapping is filled by the families' imports)."""

    @classmethod
    def from_config(cls, config, **kwargs):
        register_all()
        return super().from_config(config, **kwargs)

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        register_all()
        return super().from_pretrained(*args, **kwargs)


class AutoModelForPoseLifting(_MotionAutoClass):
    """Instantiates the motionhub model for **3D pose lifting** matching the checkpoint's config.model_type."""

    _model_mapping = _mapping()


class AutoModelForActionClassification(_MotionAutoClass):
    """Instantiates the motionhub model for **action classification** matching the checkpoint's config.model_type."""

    _model_mapping = _mapping()


class AutoModelForActionEmbedding(_MotionAutoClass):
    """Instantiates the motionhub model for **action embedding (one-shot)** matching config.model_type."""

    _model_mapping = _mapping()


class AutoModelForMeshRecovery(_MotionAutoClass):
    """Instantiates the motionhub model for **SMPL mesh recovery** matching the checkpoint's config.model_type."""

    _model_mapping = _mapping()


class AutoModelForPoseCompletion(_MotionAutoClass):
    """Instantiates the motionhub model for **pose completion** matching the checkpoint's config.model_type."""

    _model_mapping = _mapping()


class AutoModelForMaskedPoseModeling(_MotionAutoClass):
    """Instantiates the motionhub model for **masked pose modeling (pretraining)** matching config.model_type."""

    _model_mapping = _mapping()


class AutoModelForMultiTask(_MotionAutoClass):
    """Instantiates the motionhub model for **multi-task (pose + action + mesh)** matching config.model_type."""

    _model_mapping = _mapping()


@dataclass(frozen=True)
class Task:
    """One task of the table.

    Attributes:
        name: the task's name (``"pose-lifting"``; ``"encoder"`` for bare encoders).
        auto_class: its Auto class (``AutoModel`` for bare encoders).
        title: what a model card calls it.
        task_type / pipeline_tag / tags: the card metadata (Papers-with-Code task type, Hub pipeline tag, tags).
        output: the card's description of the model output.
        served_by: tasks of the models a pipeline of this task accepts (multi-task models lift, classify, recover
            meshes).
    """

    name: str
    auto_class: type
    title: str
    task_type: str
    pipeline_tag: str
    tags: tuple[str, ...]
    output: str
    served_by: tuple[str, ...] = ()

    @property
    def auto_class_name(self) -> str:
        return self.auto_class.__name__


TASKS: dict[str, Task] = {task.name: task for task in (
    Task("encoder", AutoModel, "motion representation (encoder)", "feature-extraction", "feature-extraction",
         ("motion-representation",),
         "`last_hidden_state` `(B, T, J, C_rep)`: the per-frame, per-joint motion representation."),
    Task("pose-lifting", AutoModelForPoseLifting, "3D human pose estimation (2D-to-3D lifting)",
         "3d-human-pose-estimation", "keypoint-detection", ("3d-human-pose-estimation", "pose-lifting"),
         "`pose_3d` `(B, T_out, J, 3)`: 3D joint positions, for every input frame (sequence-to-sequence models such "
         "as DSTformer) or for the centre frame (many-to-one models such as STMO / MPM, T_out = 1); root-relative "
         "(joint 0 at the origin) when `root_relative` is set, in the units of the training targets (normalised "
         "image units for MotionBERT-style training, metres for VideoPose3D-style training).",
         ("pose-lifting", "multi-task")),
    Task("action-classification", AutoModelForActionClassification, "skeleton-based action recognition",
         "skeleton-based-action-recognition", "video-classification",
         ("skeleton-based-action-recognition", "action-recognition"),
         "`logits` `(B, num_labels)`; class names are in `config.id2label`.",
         ("action-classification", "multi-task")),
    Task("action-embedding", AutoModelForActionEmbedding, "one-shot action recognition (action embedding)",
         "one-shot-action-recognition", "feature-extraction", ("one-shot-action-recognition", "action-recognition"),
         "`embeddings` `(B, D)`: L2-normalised clip embeddings; classify by cosine similarity to exemplars.",
         ("action-embedding",)),
    Task("mesh-recovery", AutoModelForMeshRecovery, "human mesh recovery (SMPL)", "human-mesh-recovery", "other",
         ("human-mesh-recovery", "smpl"),
         "`theta` (SMPL pose + shape per frame), `rotmat`, `betas`; `vertices` and 3D joints when an SMPL body "
         "model is supplied (not included, see *SMPL body model*).",
         ("mesh-recovery", "multi-task")),
    Task("pose-completion", AutoModelForPoseCompletion, "pose completion", "pose-completion", "other",
         ("pose-completion",), "the completed 2D / 3D pose sequence (see `PoseCompletionOutput`).",
         ("pose-completion",)),
    Task("masked-pose-modeling", AutoModelForMaskedPoseModeling, "masked pose modeling (pretraining)",
         "masked-pose-modeling", "other", ("masked-pose-modeling",),
         "reconstructed 2D / 3D poses of the masked input (see `MaskedPoseModelingOutput`).",
         ("masked-pose-modeling",)),
    Task("multi-task", AutoModelForMultiTask, "multi-task (3D pose, action, mesh)", "3d-human-pose-estimation",
         "other", ("multi-task",), "one output per task head (see `MultiTaskOutput`).", ("multi-task",)),
)}
"""THE task table (see the module docstring)."""

TASK_AUTO_CLASSES = {name: task.auto_class for name, task in TASKS.items() if name != "encoder"}
"""Task -> its motionhub Auto class (a view of :data:`TASKS`)."""

_REGISTERED: set[tuple[str, str]] = set()
_FAMILY_CONFIGS: list[type] = []  # config classes of the families registered so far (register_family)
_TASK_OF_CLASS: dict[str, str] = {}


def task_of_architecture(name: str) -> str | None:
    """Task a model class (by name, e.g. ``config.architectures[0]``) was registered for: a key of :data:`TASKS`
    (``"encoder"`` for a family's bare model), or ``None`` for a class motionhub does not know."""
    register_all()
    return _TASK_OF_CLASS.get(name)


def task_of_model(model_or_class: object) -> str | None:
    """Task of a model instance or class: the registered task of its class or of the nearest registered base class
    (so subclasses of a motionhub model keep its task); ``None`` when none is registered."""
    register_all()
    cls = model_or_class if isinstance(model_or_class, type) else type(model_or_class)
    for klass in cls.__mro__:
        task = _TASK_OF_CLASS.get(klass.__name__)
        if task is not None:
            return task
    return None


def task_model_class(task: str, config_class: type) -> type:
    """The model class registered for ``task`` and ``config_class`` (e.g. ``DSTformerForActionClassification``), for
    code below the heads (conversion) that must build one without importing :mod:`motionhub.heads`."""
    if task not in TASK_AUTO_CLASSES:
        raise ValueError(f"unknown task {task!r}; known: {sorted(TASK_AUTO_CLASSES)}")
    register_all()
    try:
        return TASK_AUTO_CLASSES[task]._model_mapping[config_class]
    except KeyError:
        raise ValueError(
            f"no {task} model is registered for {config_class.__name__} (import motionhub registers every model)"
        ) from None


def model_types() -> list[str]:
    """The ``model_type`` of every motionhub family (``config.json``'s ``"model_type"``), sorted."""
    register_all()
    return sorted({config_class.model_type for config_class in _FAMILY_CONFIGS})


def check_motionhub_config(config: dict, where: object) -> None:
    """Raise a one-line ``ValueError`` when ``config`` (a ``config.json`` as a dict) is not a motionhub model's:
    another library's model (a saved BERT has ``model_type`` ``'bert'``) would otherwise be described as a motion
    encoder or fail deep in the loader. A config that asks to run its own code (``auto_map``) is left to the
    remote-code rules (refused unless trusted; trusted code may define its own model type)."""
    if config.get("auto_map"):
        return
    model_type = config.get("model_type")
    known = model_types()
    if model_type in known:
        return
    what = f"model_type {model_type!r}" if model_type else "no model_type"
    raise ValueError(
        f"{where}: not a motionhub model (its config.json has {what}; motionhub's model types are "
        f"{', '.join(known)}); load it with the library it was made for, or pass a motionhub model folder, Hub repo "
        "id or official checkpoint"
    )


def register_family(config_class, base_model_class) -> None:
    """Register an encoder family's config and bare model with ``AutoConfig``/``AutoModel`` (idempotent)."""
    key = ("__base__", config_class.model_type)
    if key in _REGISTERED:
        return
    AutoConfig.register(config_class.model_type, config_class, exist_ok=True)
    AutoModel.register(config_class, base_model_class, exist_ok=True)
    _TASK_OF_CLASS[base_model_class.__name__] = "encoder"
    _FAMILY_CONFIGS.append(config_class)
    for processor_class in _PROCESSOR_CLASS:  # the processor was imported first: its folders load with it too
        register_processor(config_class, processor_class)
    _REGISTERED.add(key)


def encoder_families() -> list[str]:
    """The encoder families: every package under ``motionhub/encoders/`` (discovered, not listed: a new family is a
    new folder there; see the README's architecture section)."""
    import pkgutil

    from . import encoders

    return sorted(m.name for m in pkgutil.iter_modules(encoders.__path__) if m.ispkg and not m.name.startswith("_"))


_PROCESSOR_CLASS: list[type] = []


def register_processor_class(processor_class: type) -> None:
    """The processor every family's model folders load with through ``AutoProcessor`` (motionhub.processor calls
    this on import): registered now for the families known and by :func:`register_family` for later ones."""
    _PROCESSOR_CLASS[:] = [processor_class]
    for config_class in _FAMILY_CONFIGS:
        register_processor(config_class, processor_class)


def register_processor(config_class, processor_class) -> None:
    """``AutoProcessor`` / ``AutoFeatureExtractor`` of a family's model folders -> ``processor_class``
    (:class:`motionhub.processor.MotionProcessor`; called by :func:`register_all` for every family)."""
    from transformers import AutoFeatureExtractor, AutoProcessor

    AutoProcessor.register(config_class, processor_class, exist_ok=True)
    AutoFeatureExtractor.register(config_class, processor_class, exist_ok=True)


def register_task_model(task: str, config_class, model_class) -> None:
    """Register ``model_class`` as the ``task`` model (a key of :data:`TASKS`) for ``config_class``."""
    if task not in TASK_AUTO_CLASSES:
        raise ValueError(f"unknown task {task!r}; known: {sorted(TASK_AUTO_CLASSES)}")
    key = (task, config_class.model_type)
    if key in _REGISTERED:
        return
    TASK_AUTO_CLASSES[task].register(config_class, model_class, exist_ok=True)
    _TASK_OF_CLASS[model_class.__name__] = task
    _REGISTERED.add(key)
