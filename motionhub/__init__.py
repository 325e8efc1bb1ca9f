# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""motionhub: Hugging Face-native pretrained human-motion encoders and their task heads.

``import motionhub`` is quick and leaves the process alone: it imports neither torch nor transformers and does not
change the environment. The names below are loaded on first use, and the first use of any of them registers every
encoder family and task model with transformers' ``AutoConfig`` / ``AutoModel`` / ``AutoProcessor``
(:class:`MotionProcessor`) and with motionhub's task Auto classes (``AutoModelForPoseLifting`` ...), as do motionhub's
pipelines and commands. transformers' Auto classes need nothing more, in either import order: once motionhub is
imported, the first time transformers looks up a model type it does not ship, motionhub registers itself
(:mod:`motionhub._auto_hook`)::

    import motionhub, transformers
    encoder = transformers.AutoModel.from_pretrained("path/to/dstformer-folder")

:func:`register` does the same explicitly. The passive OpenMP waiting that motionhub's command and training scripts
choose is :func:`motionhub.runtime.use_passive_openmp_wait`, for programs to call before they import torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _auto_hook

__version__ = "0.1.0"

# public name -> the module that defines it (loaded on first attribute access, PEP 562)
_LAZY = {
    "MotionProcessor": "processor",
    **{name: "auto" for name in (
        "AutoModelForActionClassification", "AutoModelForActionEmbedding", "AutoModelForMaskedPoseModeling",
        "AutoModelForMeshRecovery", "AutoModelForMultiTask", "AutoModelForPoseCompletion", "AutoModelForPoseLifting",
    )},
    **{name: "encoders.dstformer" for name in ("DSTformerConfig", "DSTformerForPoseLifting", "DSTformerModel")},
    **{name: "encoders.mpm" for name in (
        "MPMConfig", "MPMForMaskedPoseModeling", "MPMForPoseCompletion", "MPMForPoseLifting", "MPMModel",
    )},
    **{name: "encoders.stmo" for name in ("STMOConfig", "STMOForMaskedPoseModeling", "STMOForPoseLifting", "STMOModel")},
}

__all__ = ["__version__", "register", *sorted(_LAZY)]

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
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
    from .processor import MotionProcessor


def register() -> None:
    """Register every motionhub model with transformers' Auto classes and motionhub's (idempotent; imports torch and
    transformers). Rarely needed: the first use of a motionhub name, or transformers' first lookup of a motionhub
    model type, does it. See :func:`motionhub.auto.register_all`."""
    importlib.import_module(f"{__name__}.auto").register_all()


# transformers' Auto classes register motionhub on their first lookup of a model type they do not ship (imports only
# the standard library; see motionhub/_auto_hook.py)
_auto_hook.install(register)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    register()  # a model class in hand means its task models and processor must be known too
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
