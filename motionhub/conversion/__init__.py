# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Official checkpoint -> motionhub model conversion.

>>> from motionhub.conversion import convert_checkpoint
>>> model = convert_checkpoint("best_epoch.bin")            # family detected from the keys
>>> model.save_pretrained("motionbert-h36m")                  # config.json + model.safetensors

Containers are read with the restricted (weights-only) unpickler; configs are inferred from tensor shapes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

from . import (  # noqa: F401  (importing the family modules registers their converters)
    motionbert,
    motionbert_action,
    motionbert_mesh,
    mpm,
    pstmo,
)
from ._loading import (
    CheckpointFormatError,
    extract_state_dict,
    load_official_checkpoint,
    strip_prefix,
)
from .registry import (
    Converter,
    detect_family,
    get_converter,
    list_converters,
    register_converter,
)

__all__ = [
    "CheckpointFormatError",
    "Converter",
    "convert_checkpoint",
    "detect_family",
    "extract_state_dict",
    "get_converter",
    "list_converters",
    "load_official_checkpoint",
    "register_converter",
    "strip_prefix",
]


def convert_checkpoint(
    checkpoint: str | os.PathLike | Mapping[str, torch.Tensor], family: str | None = None, **config_overrides
):
    """Convert an official checkpoint (path or already-loaded container/state dict) into a motionhub model.

    Args:
        checkpoint: path to a ``.bin``/``.pth`` (optionally gzipped) file, or a loaded container/state dict.
        family: converter name (see :func:`list_converters`); detected from the keys when ``None``.
        **config_overrides: config fields shapes cannot reveal (e.g. ``num_heads``) or that you want to set.

    Returns:
        The motionhub model in eval mode with the official weights loaded.
    """
    container = checkpoint if isinstance(checkpoint, Mapping) else load_official_checkpoint(checkpoint)
    state_dict = extract_state_dict(container)
    name = family or detect_family(state_dict)
    model = get_converter(name).convert(state_dict, **config_overrides)
    from ..modeling_utils import check_finite_weights

    check_finite_weights(model, [checkpoint if not isinstance(checkpoint, Mapping) else "the checkpoint"])
    return model
