# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionBERT action checkpoints (``train_action.py`` / ``train_action_1shot.py`` containers) -> motionhub heads.

* ``"motionbert-action"``: ``ActionNet(version='class')`` (NTU-60 xsub/xview) -> ``DSTformerForActionClassification``.
  Keys ``backbone.*`` -> ``dstformer.*``; ``head.{fc1,bn,fc2}`` -> ``action_head.{fc1,bn,fc2}``.
* ``"motionbert-action-embed"``: ``ActionNet(version='embed')`` (NTU-120 one-shot) -> ``DSTformerForActionEmbedding``.
  ``head.fc1`` -> ``embedding_head.fc1``.

The backbone config is read off the shapes (``num_heads`` excepted: 8 unless given); the head sizes too
(``action_hidden_size`` / ``num_labels`` / ``embedding_size``). ``backbone.head.*`` (the unused pose head inside the
official backbone) is dropped. The converted config records ``keypoint_confidence="coco_order"``: the released
action models were trained with the confidence channel left in COCO joint order (MotionBERT issue #132), so feed
them ``motionhub.skeleton.coco2h36m(x, confidence="coco_order")`` inputs (the action datasets read this field).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

from .motionbert import (
    dstformer_backbone_keys,
    has_dstformer_backbone,
    infer_dstformer_config_kwargs,
    load_into,
    resolve_num_heads,
)
from .registry import Converter, register_converter

__all__ = ["convert_motionbert_action", "convert_motionbert_action_embed"]

# Released dropouts: NTU-60 classification 0.5 (MB_ft_NTU60_*.yaml), NTU-120 one-shot embedding 0.1.
_CLASS_DROPOUT = 0.5
_EMBED_DROPOUT = 0.1


def _is_class(sd: dict[str, torch.Tensor]) -> bool:
    return has_dstformer_backbone(sd, "backbone.") and all(
        f"head.{k}" in sd for k in ("fc1.weight", "bn.running_mean", "fc2.weight")
    )


def _is_embed(sd: dict[str, torch.Tensor]) -> bool:
    return has_dstformer_backbone(sd, "backbone.") and "head.fc1.weight" in sd and "head.fc2.weight" not in sd


def _config(sd, num_heads, official_config):
    from ..encoders.dstformer import DSTformerConfig

    num_heads = resolve_num_heads(infer_dstformer_config_kwargs(sd, prefix="backbone.", warn=False), num_heads, official_config)
    kwargs = infer_dstformer_config_kwargs(sd, prefix="backbone.", num_heads=num_heads)
    fc1 = sd["head.fc1.weight"]
    expected = kwargs["num_joints"] * kwargs["dim_rep"]
    if fc1.shape[1] != expected:
        raise ValueError(
            f"head.fc1 takes {fc1.shape[1]} features but the backbone gives num_joints*dim_rep = {expected}; "
            "not a MotionBERT ActionNet checkpoint"
        )
    kwargs["keypoint_confidence"] = "coco_order"
    return DSTformerConfig, kwargs, int(fc1.shape[0])


def convert_motionbert_action(
    sd: dict[str, torch.Tensor], *, num_heads: int | None = None, official_config=None, **overrides
):
    """Convert an ``ActionNet(version='class')`` state dict (``module.`` already stripped).

    Args:
        sd: official keys ``backbone.*`` + ``head.fc1/bn/fc2``.
        num_heads: attention heads of the backbone (8 in every release).
        official_config: the training yaml, to read ``num_heads``.
        **overrides: config fields, e.g. ``id2label={0: "drink water", ...}``.
    """
    from ..auto import task_model_class

    if not _is_class(sd):
        raise ValueError("not a MotionBERT action classification state dict (need backbone.* and head.fc1/bn/fc2)")
    config_cls, kwargs, hidden = _config(sd, num_heads, official_config)
    kwargs.update(num_labels=int(sd["head.fc2.weight"].shape[0]), action_hidden_size=hidden,
                  action_dropout=_CLASS_DROPOUT)
    kwargs.update(overrides)
    model = task_model_class("action-classification", config_cls)(config_cls(**kwargs))
    new_sd = dstformer_backbone_keys(sd, "backbone.", "dstformer.")
    new_sd.update({"action_" + k: v for k, v in sd.items() if k.startswith("head.")})
    return load_into(model, new_sd)


def convert_motionbert_action_embed(
    sd: dict[str, torch.Tensor], *, num_heads: int | None = None, official_config=None, **overrides
):
    """Convert an ``ActionNet(version='embed')`` state dict (NTU-120 one-shot) to ``DSTformerForActionEmbedding``."""
    from ..auto import task_model_class

    if not _is_embed(sd):
        raise ValueError("not a MotionBERT action embedding state dict (need backbone.* and head.fc1 without fc2)")
    config_cls, kwargs, hidden = _config(sd, num_heads, official_config)
    kwargs.update(embedding_size=hidden, embedding_dropout=_EMBED_DROPOUT)
    kwargs.update(overrides)
    model = task_model_class("action-embedding", config_cls)(config_cls(**kwargs))
    new_sd = dstformer_backbone_keys(sd, "backbone.", "dstformer.")
    new_sd.update({"embedding_" + k: v for k, v in sd.items() if k.startswith("head.")})
    return load_into(model, new_sd)


register_converter(Converter(
    name="motionbert-action",
    detect=_is_class,
    convert=convert_motionbert_action,
    priority=10,
    description="MotionBERT action checkpoint (train_action.py, ActionNet class) -> DSTformerForActionClassification",
))
register_converter(Converter(
    name="motionbert-action-embed",
    detect=_is_embed,
    convert=convert_motionbert_action_embed,
    priority=10,
    description="MotionBERT one-shot checkpoint (train_action_1shot.py, ActionNet embed) -> "
    "DSTformerForActionEmbedding",
))
