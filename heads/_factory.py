# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Build ``<Encoder>For<Task>`` classes for every encoder family from one task mixin (no per-family copy-paste).

A task is written once as a mixin (e.g. :class:`motionhub.heads.action.ActionClassificationMixin`) that only uses the
encoder interface every family implements (``config.frame_feature_size``, ``base_model_prefix``, ``forward(keypoints)
-> MotionEncoderOutput``). :func:`build_task_model` combines the mixin with a family's ``<Family>PreTrainedModel`` and
bare encoder class into a concrete ``PreTrainedModel`` subclass named ``<Family>For<Task>``, which holds the encoder
under ``base_model_prefix`` (transformers' ``BertFor...`` pattern) so it loads bare encoder checkpoints.

:func:`discover_families` finds the families present in :mod:`motionhub.encoders` (DSTformer always; STMO/MPM when
installed) so new families get every head without touching this package.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

from ..modeling_utils import MotionPreTrainedModel

__all__ = ["EncoderFamily", "build_task_model", "discover_families", "family_from_module"]


@dataclass(frozen=True)
class EncoderFamily:
    """The three classes a head needs from an encoder family.

    Attributes:
        name: class-name prefix, e.g. ``"DSTformer"`` (from ``DSTformerPreTrainedModel``).
        config_class: the family's ``PreTrainedConfig`` subclass.
        pretrained_class: ``<Family>PreTrainedModel`` (defines ``base_model_prefix`` and weight init).
        encoder_class: the bare encoder ``<Family>Model``.
    """

    name: str
    config_class: type
    pretrained_class: type
    encoder_class: type


def family_from_module(module) -> EncoderFamily:
    """Find ``<Family>PreTrainedModel`` / ``<Family>Model`` / its config in an encoder package.

    Raises:
        ValueError: the module does not export exactly one ``*PreTrainedModel`` and its ``*Model`` encoder.
    """
    classes = [obj for _, obj in inspect.getmembers(module, inspect.isclass) if issubclass(obj, MotionPreTrainedModel)]
    bases = [c for c in classes if c.__name__.endswith("PreTrainedModel") and c is not MotionPreTrainedModel]
    if len(bases) != 1:
        raise ValueError(
            f"{module.__name__} must export exactly one <Family>PreTrainedModel subclass of MotionPreTrainedModel, "
            f"found {[c.__name__ for c in bases]}"
        )
    base = bases[0]
    name = base.__name__[: -len("PreTrainedModel")]
    encoder = getattr(module, f"{name}Model", None)
    if encoder is None or not issubclass(encoder, base):
        raise ValueError(f"{module.__name__} must export the bare encoder {name}Model (a {base.__name__} subclass)")
    if getattr(base, "base_model_prefix", "") in ("", None):
        raise ValueError(f"{base.__name__}.base_model_prefix must name the encoder attribute of task models")
    return EncoderFamily(name=name, config_class=base.config_class, pretrained_class=base, encoder_class=encoder)


def discover_families() -> list[EncoderFamily]:
    """Every encoder family package in :mod:`motionhub.encoders` (sorted by package name)."""
    from .. import encoders

    families = []
    for info in sorted(pkgutil.iter_modules(encoders.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{encoders.__name__}.{info.name}")
        families.append(family_from_module(module))
    return families


def build_task_model(mixin: type, family: EncoderFamily, task_name: str, module: str) -> type:
    """``class <Family><task_name>(mixin, <Family>PreTrainedModel)`` with the encoder class attached.

    Args:
        mixin: task mixin; its ``__init__(config)`` builds ``self.<base_model_prefix> = self.encoder_class(config)``
            and the head.
        family: the encoder family.
        task_name: suffix such as ``"ForActionClassification"``.
        module: ``__module__`` of the new class (where it is importable from, for pickling and repr).
    """
    name = f"{family.name}{task_name}"
    doc = (mixin.__doc__ or "").replace("<Encoder>", family.name)
    cls = type(name, (mixin, family.pretrained_class), {
        "__module__": module, "__qualname__": name, "__doc__": doc, "encoder_class": family.encoder_class,
    })
    return cls
