# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionBERT mesh checkpoints (``train_mesh.py`` containers) -> ``DSTformerForMeshRecovery``.

Official keys (after the DataParallel ``module.`` prefix is removed):

* ``backbone.*`` -> ``dstformer.*`` (the DSTformer; its config is read off the shapes);
* ``head.{fc1, bn1, head_pose, fc2, bn2, head_shape}.*`` -> ``mesh_head.*`` (``mesh_hidden_size`` = fc1 width);
* ``head.init_pose`` / ``head.init_shape`` -> ``mesh_head.init_pose`` / ``init_shape``: SPIN's mean pose (6D) and
  shape, kept as ordinary weights;
* ``head.smpl.*`` (the SMPL body model the official code stores in every mesh checkpoint, plus smplx's unused
  ``betas``/``global_orient``/``body_pose`` parameters) are **dropped**: SMPL is licence-restricted and motionhub
  reads it from the user's files instead (``smpl_model_path=`` / ``$MOTIONHUB_SMPL_PATH``, see
  :mod:`motionhub.body`). The converted model's ``model.safetensors`` holds no SMPL data.

The dropout of the head (0.1 in the released configs) cannot be read from the weights; pass ``mesh_dropout=`` to
change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

from .motionbert import (
    dstformer_backbone_keys,
    infer_dstformer_config_kwargs,
    load_into,
    resolve_num_heads,
)
from .registry import Converter, register_converter

__all__ = ["convert_motionbert_mesh", "is_motionbert_mesh"]

_HEAD_KEYS = ("fc1", "bn1", "head_pose", "fc2", "bn2", "head_shape", "init_pose", "init_shape")


def is_motionbert_mesh(sd: dict[str, torch.Tensor]) -> bool:
    """True for a ``MeshRegressor`` state dict (DSTformer under ``backbone.`` + ``SMPLRegressor`` under ``head.``)."""
    return "backbone.joints_embed.weight" in sd and "head.head_pose.weight" in sd and "head.head_shape.weight" in sd


def convert_motionbert_mesh(
    sd: dict[str, torch.Tensor], *, smpl_model_path=None, num_heads: int | None = None, official_config=None,
    **overrides,
):
    """Convert a MotionBERT ``MeshRegressor`` state dict.

    Args:
        sd: state dict without the ``module.`` prefix.
        smpl_model_path: SMPL model file/folder of the user (falls back to ``$MOTIONHUB_SMPL_PATH``); needed to
            build the model, never stored in it.
        num_heads: attention heads of the backbone (8 in every released model); or read from ``official_config``.
        official_config: the official training yaml (e.g. ``configs/mesh/MB_ft_pw3d.yaml``).
        **overrides: other config fields (``mesh_dropout``, ``smpl_j_regressor_h36m_path``, ...).

    Returns:
        ``DSTformerForMeshRecovery`` in eval mode.
    """
    from ..auto import task_model_class
    from ..encoders.dstformer import DSTformerConfig

    if not is_motionbert_mesh(sd):
        raise ValueError("not a MotionBERT mesh checkpoint: expected backbone.* and head.head_pose / head.head_shape")
    kwargs = infer_dstformer_config_kwargs(sd, prefix="backbone.", warn=False)
    num_heads = resolve_num_heads(kwargs, num_heads, official_config)
    kwargs = infer_dstformer_config_kwargs(sd, prefix="backbone.", num_heads=num_heads)
    kwargs["mesh_hidden_size"] = int(sd["head.fc1.weight"].shape[0])
    kwargs.update(overrides)
    config = DSTformerConfig(**kwargs)
    model = task_model_class("mesh-recovery", DSTformerConfig)(config, smpl_model_path=smpl_model_path)
    new_sd = dstformer_backbone_keys(sd, "backbone.", "dstformer.")
    for key, value in sd.items():
        if not key.startswith("head."):
            continue
        name = key[len("head."):]
        if name.split(".")[0] in _HEAD_KEYS:
            new_sd["mesh_head." + name] = value
        elif name.startswith("smpl."):
            continue  # the SMPL body model: never copied
        else:
            raise ValueError(f"unexpected key {key!r} in the MotionBERT mesh head")
    return load_into(model, new_sd)


register_converter(Converter(
    name="motionbert-mesh",
    detect=is_motionbert_mesh,
    convert=convert_motionbert_mesh,
    priority=10,
    description="MotionBERT mesh checkpoint (train_mesh.py: model) -> DSTformerForMeshRecovery (SMPL buffers dropped)",
))
