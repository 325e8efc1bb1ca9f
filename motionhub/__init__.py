# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""motionhub: Hugging Face-native pretrained human-motion encoders and their task heads.

``import motionhub`` is quick: it imports neither torch nor transformers. The names below are loaded on first use,
and the first use of any of them registers every encoder family and task model with transformers'
``AutoConfig`` / ``AutoModel`` / ``AutoProcessor`` (:class:`MotionProcessor`) and with motionhub's task Auto classes
(``AutoModelForPoseLifting`` ...), as do motionhub's pipelines and commands. Code that goes straight to
transformers' Auto classes with a motionhub model folder calls :func:`register` first::

    import motionhub, transformers
    motionhub.register()
    encoder = transformers.AutoModel.from_pretrained("path/to/dstformer-folder")
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# torch's CPU kernels run on OpenMP (libgomp) threads that, by default, spin after finishing their share of an
# operation until the slowest one is done. When other work shares the cores, a descheduled thread then leaves the
# others burning their time slices at every one of the forward's thousands of operations: with two busy processes on
# 2 cores the DSTformer forward took 2.7x as long as with passive waiting (benchmarks/results/README.md, "On a
# shared machine"), for ~5 % on a quiet machine. libgomp reads the policy once, when torch loads it, so this only
# takes effect if motionhub is imported before torch (the motionhub command always is); a value you set is kept.
if "OMP_WAIT_POLICY" not in os.environ and "torch" not in sys.modules:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

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
    transformers). See :func:`motionhub.auto.register_all`."""
    importlib.import_module(f"{__name__}.auto").register_all()


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
