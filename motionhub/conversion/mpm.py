# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MPM checkpoints (``common/utils.py::save_model``: bare ``DataParallel`` state dicts) -> MPM models.

* "mpm": finetuned ``Model`` (``encoder2d`` / ``shared_layers_*`` / ``Transformer_reduce`` / ``fcn``) ->
  :class:`~motionhub.encoders.mpm.MPMForPoseLifting`. P-STMO finetuned checkpoints (``encoder`` / ``Transformer``)
  convert with ``family="mpm"`` too: the networks are identical.
* "mpm-pretrain": ``MPMmask2`` -> :class:`~motionhub.encoders.mpm.MPMForMaskedPoseModeling`.
* "mpm-completion": ``MPMmask`` -> :class:`~motionhub.encoders.mpm.MPMForPoseCompletion`.

``MPMmask2`` and ``MPMmask`` hold the same tensors; the official code hard-wires 1-layer decoders in the first and
2-layer decoders in the second, so detection uses the decoder depth (pass ``family=`` to override). The completion
training mode is not stored; it defaults to ``comp2dlift`` (the released command), override ``completion_mode=``.
Config inference and caveats (heads, strides) are those of :mod:`motionhub.conversion.pstmo`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

from .pstmo import build_converted_model, is_lifting_checkpoint, layer_count
from .registry import Converter, register_converter

__all__ = ["convert_mpm", "convert_mpm_completion", "convert_mpm_pretrain"]


def convert_mpm(sd: dict[str, torch.Tensor], **overrides):
    """MPM (or P-STMO) finetuned ``Model`` state dict -> :class:`MPMForPoseLifting` (eval mode)."""
    return build_converted_model("mpm", "lifting", sd, overrides)


def convert_mpm_pretrain(sd: dict[str, torch.Tensor], **overrides):
    """MPM ``MPMmask2`` state dict -> :class:`MPMForMaskedPoseModeling` (eval mode)."""
    return build_converted_model("mpm", "pretrain", sd, overrides)


def convert_mpm_completion(sd: dict[str, torch.Tensor], **overrides):
    """MPM ``MPMmask`` state dict -> :class:`MPMForPoseCompletion` (eval mode)."""
    return build_converted_model("mpm", "completion", sd, overrides)


def _is_mpm_masked(sd) -> bool:
    return "temporal_mask_token" in sd and "encoder2d.fc_1.weight" in sd


register_converter(Converter(
    name="mpm",
    detect=lambda sd: is_lifting_checkpoint(sd) and "encoder2d.fc_1.weight" in sd,
    convert=convert_mpm,
    description="MPM finetuned model (model/MPM.py Model; P-STMO's also converts) -> MPMForPoseLifting",
))
register_converter(Converter(
    name="mpm-pretrain",
    detect=lambda sd: _is_mpm_masked(sd) and layer_count(sd, "decoder2d.model.layers.") != 2,
    convert=convert_mpm_pretrain,
    description="MPM pretraining model (MPMmask2, 1-layer decoders) -> MPMForMaskedPoseModeling",
))
register_converter(Converter(
    name="mpm-completion",
    detect=lambda sd: _is_mpm_masked(sd) and layer_count(sd, "decoder2d.model.layers.") == 2,
    convert=convert_mpm_completion,
    description="MPM completion / lifting model (MPMmask, 2-layer decoders) -> MPMForPoseCompletion",
))
