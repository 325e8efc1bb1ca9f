# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionBERT / STRIDE pose checkpoints (``train.py`` containers) -> :class:`DSTformerForPoseLifting`.

The configuration is read off the tensor shapes, so any width / depth / maxlen / joint count converts. The one
hyper-parameter shapes cannot reveal is ``num_heads``; every released model uses 8 (the default here), pass
``num_heads=`` for others.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

from .registry import Converter, register_converter

__all__ = [
    "convert_motionbert",
    "dstformer_backbone_keys",
    "infer_dstformer_config_kwargs",
    "load_into",
    "read_official_config",
    "resolve_num_heads",
]


def has_dstformer_backbone(sd: dict[str, torch.Tensor], prefix: str = "") -> bool:
    """True when the state dict holds a MotionBERT DSTformer backbone under ``prefix``."""
    return all(f"{prefix}{k}" in sd for k in ("joints_embed.weight", "pos_embed", "temp_embed", "blocks_st.0.attn_s.qkv.weight"))


def infer_dstformer_config_kwargs(
    sd: dict[str, torch.Tensor], prefix: str = "", num_heads: int | None = None, *, warn: bool = True
) -> dict:
    """DSTformerConfig kwargs from an official state dict whose backbone keys start with ``prefix``.

    ``num_heads=None`` assumes 8 and (with ``warn``) logs that it did: the count is in no tensor's shape.
    """
    if not has_dstformer_backbone(sd, prefix):
        raise ValueError(f"not a DSTformer state dict: missing {prefix}joints_embed / pos_embed / temp_embed / blocks_st")
    dim_feat, dim_in = sd[f"{prefix}joints_embed.weight"].shape
    depth = 1 + max(int(m.group(1)) for k in sd if (m := re.match(rf"{re.escape(prefix)}blocks_st\.(\d+)\.", k)))
    mlp_hidden = sd[f"{prefix}blocks_st.0.mlp_s.fc1.weight"].shape[0]
    if num_heads is None and warn:
        # the head count changes what the weights compute but no tensor's shape: say that it was assumed
        logging.getLogger("motionhub").warning(
            "num_heads is not stored in official MotionBERT checkpoints: assuming 8 (every released model). If yours "
            "was trained with another count, convert again with --num-heads N (Python: num_heads=N)."
        )
    heads = 8 if num_heads is None else int(num_heads)
    if dim_feat % heads:
        raise ValueError(
            f"dim_feat={dim_feat} is not divisible by num_heads={heads}; the head count is not stored in official "
            "checkpoints, pass the one the model was trained with (num_heads=..., CLI --num-heads)"
        )
    kwargs = dict(
        dim_in=int(dim_in),
        dim_feat=int(dim_feat),
        dim_rep=int(sd[f"{prefix}pre_logits.fc.weight"].shape[0]) if f"{prefix}pre_logits.fc.weight" in sd else int(dim_feat),
        depth=depth,
        num_heads=heads,
        mlp_ratio=mlp_hidden / dim_feat,
        num_joints=int(sd[f"{prefix}pos_embed"].shape[1]),
        maxlen=int(sd[f"{prefix}temp_embed"].shape[1]),
        qkv_bias=f"{prefix}blocks_st.0.attn_s.qkv.bias" in sd,
        att_fuse=f"{prefix}ts_attn.0.weight" in sd,
        layer_norm_eps=1e-6,
    )
    if int(kwargs["dim_feat"] * kwargs["mlp_ratio"]) != mlp_hidden:
        raise ValueError(f"MLP hidden size {mlp_hidden} is not representable as int(dim_feat * mlp_ratio)")
    return kwargs


def dstformer_backbone_keys(sd: dict[str, torch.Tensor], src_prefix: str, dst_prefix: str) -> dict[str, torch.Tensor]:
    """Official backbone keys (``src_prefix`` + name) -> motionhub keys (``dst_prefix`` + same name)."""
    return {dst_prefix + k[len(src_prefix):]: v for k, v in sd.items() if k.startswith(src_prefix) and not k[len(src_prefix):].startswith("head.")}


def load_into(model: torch.nn.Module, state_dict: dict[str, torch.Tensor]) -> torch.nn.Module:
    """Strict load with an error that lists what does not fit."""
    result = model.load_state_dict(state_dict, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise ValueError(
            f"checkpoint does not match {type(model).__name__}: missing {result.missing_keys[:8]}"
            f"{' ...' if len(result.missing_keys) > 8 else ''}, unexpected {result.unexpected_keys[:8]}"
            f"{' ...' if len(result.unexpected_keys) > 8 else ''}"
        )
    return model.eval()


# official yaml key -> DSTformerConfig field (configs/pretrain/*.yaml, configs/pose3d/*.yaml, STRIDE's copies)
_YAML_FIELDS = {"dim_feat": "dim_feat", "dim_rep": "dim_rep", "depth": "depth", "num_heads": "num_heads",
                "mlp_ratio": "mlp_ratio", "maxlen": "maxlen", "num_joints": "num_joints"}


def read_official_config(path) -> dict:
    """The backbone fields of an official MotionBERT/STRIDE training yaml (``num_heads`` is the one that matters)."""
    import yaml

    with open(path) as f:
        raw = yaml.safe_load(f) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path} is not a MotionBERT-style yaml config (expected a mapping)")
    return {ours: raw[theirs] for theirs, ours in _YAML_FIELDS.items() if theirs in raw}


def resolve_num_heads(sd_kwargs: dict, num_heads: int | None, official_config) -> int | None:
    """``num_heads`` from the explicit argument or the official yaml, cross-checking the yaml against the shapes."""
    if official_config is None:
        return num_heads
    fields = read_official_config(official_config)
    for name, value in fields.items():
        if name != "num_heads" and name in sd_kwargs and float(sd_kwargs[name]) != float(value):
            raise ValueError(f"{official_config} says {name}={value} but the checkpoint has {name}={sd_kwargs[name]}")
    if num_heads is not None and "num_heads" in fields and int(fields["num_heads"]) != int(num_heads):
        raise ValueError(f"num_heads={num_heads} contradicts {official_config} (num_heads={fields['num_heads']})")
    return num_heads if num_heads is not None else fields.get("num_heads")


def convert_motionbert(
    sd: dict[str, torch.Tensor], *, stride: bool = False, num_heads: int | None = None, official_config=None,
    **overrides,
):
    """Convert a MotionBERT/STRIDE pose state dict. ``official_config``: the training yaml, to read ``num_heads``."""
    from ..encoders.dstformer import (
        DSTformerConfig,
        DSTformerForPoseLifting,
        DSTformerModel,
    )

    num_heads = resolve_num_heads(infer_dstformer_config_kwargs(sd, warn=False), num_heads, official_config)
    kwargs = infer_dstformer_config_kwargs(sd, num_heads=num_heads)
    # Official pretrain / pose3d outputs are NOT root-zeroed inside the model (train.py zeroes the root outside).
    kwargs["root_relative"] = False
    if stride:
        kwargs.update(lambda_limb_var=200.0, input_normalization="none_3d")
    kwargs.update(overrides)
    config = DSTformerConfig(**kwargs)
    if "head.weight" in sd:
        config.dim_out = int(sd["head.weight"].shape[0])
        model = DSTformerForPoseLifting(config)
        new_sd = dstformer_backbone_keys(sd, "", "dstformer.")
        new_sd.update({k: v for k, v in sd.items() if k.startswith("head.")})
    else:
        model = DSTformerModel(config)
        new_sd = dict(sd)
    return load_into(model, new_sd)


register_converter(Converter(
    name="motionbert",
    detect=lambda sd: has_dstformer_backbone(sd),
    convert=convert_motionbert,
    priority=0,
    description="MotionBERT pretrain / pose3d checkpoint (train.py: model_pos) -> DSTformerForPoseLifting",
))
register_converter(Converter(
    name="stride",
    detect=lambda sd: False,  # same container as MotionBERT: only chosen explicitly
    convert=lambda sd, **kw: convert_motionbert(sd, stride=True, **kw),
    description="STRIDE motion prior (MotionBERT pose3d format) -> DSTformerForPoseLifting with STRIDE loss weights",
))
