# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Registry of official-checkpoint converters (one per official model family)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

__all__ = ["Converter", "detect_family", "get_converter", "list_converters", "register_converter"]


@dataclass(frozen=True)
class Converter:
    """How to recognise and convert one kind of official checkpoint.

    Args:
        name: family name users pass as ``family=`` (e.g. "motionbert", "stride", "pstmo").
        detect: ``state_dict -> bool`` (keys already stripped of ``module.``); must be specific enough that at most
            one converter of the same ``priority`` claims a checkpoint.
        convert: ``(state_dict, **config_overrides) -> PreTrainedModel`` with the weights loaded.
        priority: higher wins when several detectors match (e.g. an action model also looks like a backbone).
        description: one line for ``motionhub convert --help``.
    """

    name: str
    detect: Callable[[dict[str, torch.Tensor]], bool]
    convert: Callable[..., torch.nn.Module]
    priority: int = 0
    description: str = ""


_CONVERTERS: dict[str, Converter] = {}


def register_converter(converter: Converter) -> Converter:
    _CONVERTERS[converter.name] = converter
    return converter


def get_converter(name: str) -> Converter:
    if name not in _CONVERTERS:
        raise ValueError(f"unknown checkpoint family {name!r}; known: {', '.join(sorted(_CONVERTERS))}")
    return _CONVERTERS[name]


def list_converters() -> list[Converter]:
    return sorted(_CONVERTERS.values(), key=lambda c: c.name)


def detect_family(state_dict: dict[str, torch.Tensor]) -> str:
    matches = [c for c in _CONVERTERS.values() if c.detect(state_dict)]
    if not matches:
        sample = ", ".join(sorted(state_dict)[:6])
        raise ValueError(
            f"could not recognise the checkpoint (first keys: {sample}); pass family= one of "
            f"{', '.join(sorted(_CONVERTERS))}"
        )
    best = max(c.priority for c in matches)
    top = [c for c in matches if c.priority == best]
    if len(top) > 1:
        raise ValueError(f"ambiguous checkpoint, it matches {[c.name for c in top]}; pass family= explicitly")
    return top[0].name
