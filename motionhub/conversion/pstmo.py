# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""P-STMO checkpoints (``common/utils.py::save_model``: bare ``DataParallel`` state dicts) -> STMO models.

Official files are bare ``OrderedDict``\\ s with ``module.`` keys (no epoch / optimizer). Finetuned ``Model`` files
convert to :class:`~motionhub.encoders.stmo.STMOForPoseLifting` ("pstmo"), ``Model_MAE`` pretraining files to
:class:`~motionhub.encoders.stmo.STMOForMaskedPoseModeling` ("pstmo-pretrain"). MPM's finetuned ``Model`` has the same
tensors under other names (``encoder2d`` / ``shared_layers_*``); it converts with "pstmo" as well.

The configuration is read off the tensor shapes: layers, channel, d_hid, frames, joints, spatial blocks, number of
strided layers, decoder depth/width. Two things are not stored in a state dict: the attention head count (8 in every
official model; override ``num_heads=``) and the strides of the strided transformer (convolution strides are module
attributes): they come from the official table for ``frames`` (or ``frames = s ** n_layers``); pass ``stride_num=``
for other checkpoints.

The key maps are symmetric: :func:`export_official_state_dict` writes a motionhub model back in the official naming
(used by the tests to round-trip unseen configurations).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: listing the converters (`motionhub convert --help`) must not import torch
    import torch

from .registry import Converter, register_converter

__all__ = [
    "convert_pstmo",
    "convert_pstmo_pretrain",
    "detect_naming",
    "export_official_state_dict",
    "infer_strided_lifting_config_kwargs",
    "official_to_motionhub",
]

# ------------------------------------------------------------------------------------------------- key maps
# Sub-rules: (official template, motionhub template, official tensor is a Conv1d(k=1) weight). ``{i}`` = layer index.
_EXACT = None  # the official prefix is the whole key
_IDENTITY = [("", "", False)]
_LAYER_NORM = [("a_2", "weight", False), ("b_2", "bias", False)]
_EMBED = [("fc_1.", "proj.", True), ("bn_1.", "norm.", False)]
_SPATIAL = [
    ("layers.{i}.w1.", "blocks.{i}.fc1.", True),
    ("layers.{i}.batch_norm1.", "blocks.{i}.norm1.", False),
    ("layers.{i}.w2.", "blocks.{i}.fc2.", True),
    ("layers.{i}.batch_norm2.", "blocks.{i}.norm2.", False),
    ("fc_2.", "output_proj.", True),
]
_ATTENTION_AND_NORMS = [
    ("layers.{i}.self_attn.linears.0.", "layers.{i}.attention.q_proj.", False),
    ("layers.{i}.self_attn.linears.1.", "layers.{i}.attention.k_proj.", False),
    ("layers.{i}.self_attn.linears.2.", "layers.{i}.attention.v_proj.", False),
    ("layers.{i}.self_attn.linears.3.", "layers.{i}.attention.o_proj.", False),
    ("layers.{i}.sublayer.0.norm.a_2", "layers.{i}.attention_norm.weight", False),
    ("layers.{i}.sublayer.0.norm.b_2", "layers.{i}.attention_norm.bias", False),
    ("layers.{i}.sublayer.1.norm.a_2", "layers.{i}.feed_forward_norm.weight", False),
    ("layers.{i}.sublayer.1.norm.b_2", "layers.{i}.feed_forward_norm.bias", False),
    ("norm.a_2", "final_norm.weight", False),
    ("norm.b_2", "final_norm.bias", False),
]
_VANILLA = _ATTENTION_AND_NORMS + [
    ("layers.{i}.feed_forward.w_1.", "layers.{i}.feed_forward.fc1.", False),
    ("layers.{i}.feed_forward.w_2.", "layers.{i}.feed_forward.fc2.", False),
]
_STRIDED = _ATTENTION_AND_NORMS + [
    ("layers.{i}.feed_forward.w_1.", "layers.{i}.feed_forward.fc1.", True),  # Conv1d(k=1) -> Linear
    ("layers.{i}.feed_forward.w_2.", "layers.{i}.feed_forward.fc2.", False),  # Conv1d(k=3, stride) kept
]
_HEAD = [("0.", "norm.", False), ("1.", "proj.", True)]


def _encoder_rules(naming: str, base: str, embed_2d: str) -> list:
    """Rules for the encoder (SEM + TEM) under ``base`` (``"stmo."``/``"mpm."``), official naming ``naming``."""
    if naming == "pstmo":
        return [
            ("encoder.", base + embed_2d, _EMBED),
            ("encoder.", base + "spatial_encoder.", _SPATIAL),
            ("Transformer.pos_embedding", base + "temporal_encoder.position_embeddings", _EXACT),
            ("Transformer.model.", base + "temporal_encoder.", _VANILLA),
        ]
    if naming == "mpm":
        return [
            ("encoder2d.", base + embed_2d, _EMBED),
            ("encoder3d.", base + "input_embedding_3d.", _EMBED),
            ("shared_layers_spatial.", base + "spatial_encoder.", _SPATIAL),
            ("shared_layers_temporal.pos_embedding", base + "temporal_encoder.position_embeddings", _EXACT),
            ("shared_layers_temporal.model.", base + "temporal_encoder.", _VANILLA),
        ]
    raise ValueError(f"unknown official naming {naming!r}; expected 'pstmo' or 'mpm'")


_LIFTING_RULES = [
    ("Transformer_reduce.model.pos_embedding_1", "strided_transformer.position_embeddings.0", _EXACT),
    ("Transformer_reduce.model.pos_embedding_2", "strided_transformer.position_embeddings.1", _EXACT),
    ("Transformer_reduce.model.pos_embedding_3", "strided_transformer.position_embeddings.2", _EXACT),
    ("Transformer_reduce.model.", "strided_transformer.", _STRIDED),
    ("fcn.", "pose_head.", _HEAD),
    ("fcn_1.", "all_frames_head.", _HEAD),
]
_PSTMO_PRETRAIN_RULES = [
    ("encoder_LN.", "encoder_norm.", _LAYER_NORM),
    ("encoder_to_decoder.", "encoder_to_decoder.", _IDENTITY),
    ("dec_pos_embedding", "decoder_position_embeddings", _EXACT),
    ("mask_token", "mask_token", _EXACT),
    ("spatial_mask_token", "spatial_mask_token", _EXACT),
    ("Transformer_dec.model.", "decoder.", _VANILLA),
    ("fcn_dec.", "decoder_head.", _HEAD),
]
_MPM_PRETRAIN_RULES = [
    ("encoder_LN.", "encoder_norm.", _LAYER_NORM),
    ("dec_pos_embedding", "decoder_position_embeddings", _EXACT),
    ("temporal_mask_token", "temporal_mask_token", _EXACT),
    ("spatial_mask_token2d", "spatial_mask_token_2d", _EXACT),
    ("spatial_mask_token3d", "spatial_mask_token_3d", _EXACT),
    ("decoder2d.model.", "decoder_2d.", _VANILLA),
    ("decoder3d.model.", "decoder_3d.", _VANILLA),
    ("fcn_dec2d.", "decoder_head_2d.", _HEAD),
    ("fcn_dec3d.", "decoder_head_3d.", _HEAD),
]


def rules_for(family: str, kind: str, naming: str) -> list:
    """All key rules for a motionhub ``family`` ("stmo"/"mpm"), model ``kind`` and official ``naming``."""
    base = family + "."
    embed_2d = "input_embedding." if family == "stmo" else "input_embedding_2d."
    rules = _encoder_rules(naming, base, embed_2d)
    if kind == "lifting":
        return rules + _LIFTING_RULES
    if kind == "pretrain" and naming == "pstmo":
        return rules + _PSTMO_PRETRAIN_RULES
    if kind in ("pretrain", "completion") and naming == "mpm":
        return rules + _MPM_PRETRAIN_RULES
    raise ValueError(f"no key map for a {family} {kind} model in {naming} naming")


def _template_regex(template: str) -> re.Pattern:
    return re.compile("^" + re.escape(template).replace(re.escape("{i}"), r"(?P<i>\d+)"))


def _translate(key: str, rules: list, reverse: bool) -> tuple[str, bool] | None:
    for official_prefix, ours_prefix, sub_rules in rules:
        src_prefix, dst_prefix = (ours_prefix, official_prefix) if reverse else (official_prefix, ours_prefix)
        if not key.startswith(src_prefix):
            continue
        rest = key[len(src_prefix):]
        if sub_rules is _EXACT:
            if rest == "":
                return dst_prefix, False
            continue
        for official_t, ours_t, conv in sub_rules:
            src_t, dst_t = (ours_t, official_t) if reverse else (official_t, ours_t)
            m = _template_regex(src_t).match(rest)
            if m is None:
                continue
            tail = rest[m.end():]
            if not (src_t == "" or src_t.endswith(".") or tail == ""):
                continue
            dst = dst_t.replace("{i}", m.group("i")) if "{i}" in dst_t else dst_t
            return dst_prefix + dst + tail, conv
    return None


def official_to_motionhub(sd: dict[str, torch.Tensor], family: str, kind: str, naming: str | None = None
                          ) -> dict[str, torch.Tensor]:
    """Rename an official state dict (``module.`` already stripped) to motionhub keys; 1x1-conv weights become Linear.

    Raises a ``ValueError`` listing official keys that have no counterpart.
    """
    naming = naming or detect_naming(sd)
    rules = rules_for(family, kind, naming)
    out, unknown = {}, []
    for key, value in sd.items():
        hit = _translate(key, rules, reverse=False)
        if hit is None:
            unknown.append(key)
            continue
        new_key, conv = hit
        if conv and key.endswith("weight") and value.ndim == 3:
            if value.shape[-1] != 1:
                raise ValueError(f"{key}: expected a 1x1 convolution weight, got shape {tuple(value.shape)}")
            value = value[..., 0]
        out[new_key] = value
    if unknown:
        raise ValueError(
            f"{len(unknown)} official keys do not belong to a {naming} {kind} model: {unknown[:8]}"
            f"{' ...' if len(unknown) > 8 else ''}; pick another family= (see motionhub.conversion.list_converters())"
        )
    return out


def export_official_state_dict(model: torch.nn.Module, naming: str | None = None, kind: str | None = None,
                               prefix: str = "module.") -> dict[str, torch.Tensor]:
    """A motionhub STMO/MPM model's weights in the official naming, as ``torch.save(DataParallel(model).state_dict())``
    would write them (``prefix`` ``"module."``; 1x1 convolutions restored to ``(out, in, 1)``).

    Args:
        naming: ``"pstmo"`` or ``"mpm"`` (default: the model's own family; a lifting model can use either).
        kind: ``"lifting"``, ``"pretrain"`` or ``"completion"`` (default: from the model class).
    """
    family = model.config.model_type
    if kind is None:
        from ..auto import task_of_model

        name = type(model).__name__
        kind = {"pose-lifting": "lifting", "pose-completion": "completion",
                "masked-pose-modeling": "pretrain"}.get(task_of_model(model))
        if kind is None:
            raise ValueError(f"cannot export a {name}: only lifting / pretraining / completion models exist officially")
    naming = naming or ("pstmo" if family == "stmo" else "mpm")
    rules = rules_for(family, kind, naming)
    out = {}
    for key, value in model.state_dict().items():
        hit = _translate(key, rules, reverse=True)
        if hit is None:
            raise ValueError(f"{key} has no official {naming} counterpart")
        new_key, conv = hit
        if conv and new_key.endswith("weight") and value.ndim == 2:
            value = value[..., None]
        out[prefix + new_key] = value.detach().clone()
    return out


def detect_naming(sd: dict[str, torch.Tensor]) -> str:
    """``"mpm"`` (``encoder2d`` / ``shared_layers_*``) or ``"pstmo"`` (``encoder`` / ``Transformer``)."""
    if "encoder2d.fc_1.weight" in sd or any(k.startswith("shared_layers_temporal.") for k in sd):
        return "mpm"
    if "encoder.fc_1.weight" in sd and "Transformer.pos_embedding" in sd:
        return "pstmo"
    raise ValueError("not a P-STMO / MPM state dict: no encoder.fc_1 / encoder2d.fc_1 / Transformer keys")


# ------------------------------------------------------------------------------------------------- config
def layer_count(sd: dict[str, torch.Tensor], prefix: str) -> int:
    """Number of numbered sub-layers ``<prefix><i>.`` in an official state dict."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)\.")
    idx = [int(m.group(1)) for k in sd if (m := pattern.match(k))]
    return max(idx) + 1 if idx else 0


def infer_strided_lifting_config_kwargs(sd: dict[str, torch.Tensor], family: str, kind: str,
                                        overrides: dict | None = None) -> dict:
    """Config kwargs from a motionhub-named state dict (see :func:`official_to_motionhub`)."""
    from ..encoders.stmo.configuration_stmo import OFFICIAL_STRIDES

    overrides = dict(overrides or {})
    base = family + "."
    embed = base + ("input_embedding." if family == "stmo" else "input_embedding_2d.")
    try:
        hidden, in_features = sd[embed + "proj.weight"].shape
        channel = int(sd[base + "spatial_encoder.output_proj.weight"].shape[0])
        frames = int(sd[base + "temporal_encoder.position_embeddings"].shape[1])
    except KeyError as err:
        raise ValueError(f"state dict lacks the encoder tensor {err}; is this a P-STMO / MPM checkpoint?") from None
    if hidden != 2 * channel:
        raise ValueError(f"spatial MLP width {hidden} is not 2 * channel ({channel}) as in the official models")
    dim_in = int(overrides.pop("dim_in", 2))
    if in_features % dim_in:
        raise ValueError(f"input embedding takes {in_features} features, not a multiple of dim_in={dim_in}")
    layers = layer_count(sd, base + "temporal_encoder.layers.")
    if layers == 0:
        raise ValueError("the temporal transformer has no layers")
    kwargs = dict(
        frames=frames, layers=layers, channel=channel,
        d_hid=int(sd[base + "temporal_encoder.layers.0.feed_forward.fc1.weight"].shape[0]),
        num_heads=8, num_joints=in_features // dim_in, dim_in=dim_in,
        num_spatial_blocks=layer_count(sd, base + "spatial_encoder.blocks."),
        root_relative=False,  # the official models do not zero the root inside the network
    )
    if kind == "lifting":
        kwargs["out_joints"] = int(sd["pose_head.proj.weight"].shape[0]) // 3
        n_strided = layer_count(sd, "strided_transformer.layers.")
        if "stride_num" not in overrides:
            table = OFFICIAL_STRIDES.get(frames)
            root = round(frames ** (1.0 / n_strided)) if n_strided else 0
            if table is not None and len(table) == n_strided:
                kwargs["stride_num"] = list(table)
            elif n_strided and root**n_strided == frames:
                kwargs["stride_num"] = [root] * n_strided
            else:
                raise ValueError(
                    f"cannot infer the strides of the {n_strided} strided-transformer layers for {frames} frames "
                    "(convolution strides are not stored in checkpoints and the official table has no match); pass "
                    "stride_num=[...] (the run's --stride_num)"
                )
        elif len(overrides["stride_num"]) != n_strided:
            raise ValueError(f"stride_num={overrides['stride_num']} has {len(overrides['stride_num'])} entries but "
                             f"the checkpoint has {n_strided} strided layers")
    else:
        head = "decoder_head." if family == "stmo" else "decoder_head_2d."
        decoder = "decoder." if family == "stmo" else "decoder_2d."
        kwargs["out_joints"] = int(sd[head + "proj.weight"].shape[0]) // dim_in
        kwargs["decoder_layers"] = layer_count(sd, decoder + "layers.")
        kwargs["decoder_channel"] = int(sd["decoder_position_embeddings"].shape[2])
        if kwargs["decoder_layers"]:
            kwargs["decoder_d_hid"] = int(sd[decoder + "layers.0.feed_forward.fc1.weight"].shape[0])
    if family == "mpm":
        kwargs["use_3d_input_encoder"] = base + "input_embedding_3d.proj.weight" in sd
        kwargs["spatial_dropout"] = 0.2 if kind == "lifting" else 0.1
    if kwargs["num_joints"] == 16:
        kwargs["joint_layout"] = "h36m-16"
    kwargs.update(overrides)
    return kwargs


# ------------------------------------------------------------------------------------------------- converters
def build_converted_model(family: str, kind: str, sd: dict[str, torch.Tensor], overrides: dict):
    """Config inferred from an official P-STMO / MPM state dict (+ ``overrides``) -> the motionhub model of ``kind``
    (``"lifting"``, ``"pretrain"``, ``"completion"``) holding the converted weights."""
    from .motionbert import load_into

    if family == "stmo":
        from ..encoders.stmo import STMOConfig as config_cls
        from ..encoders.stmo import STMOForMaskedPoseModeling, STMOForPoseLifting

        model_cls = STMOForPoseLifting if kind == "lifting" else STMOForMaskedPoseModeling
    else:
        from ..encoders.mpm import MPMConfig as config_cls
        from ..encoders.mpm import (
            MPMForMaskedPoseModeling,
            MPMForPoseCompletion,
            MPMForPoseLifting,
        )

        model_cls = {"lifting": MPMForPoseLifting, "pretrain": MPMForMaskedPoseModeling,
                     "completion": MPMForPoseCompletion}[kind]
    new_sd = official_to_motionhub(sd, family, kind)
    config = config_cls(**infer_strided_lifting_config_kwargs(new_sd, family, kind, overrides))
    return load_into(model_cls(config), new_sd)


def convert_pstmo(sd: dict[str, torch.Tensor], **overrides):
    """P-STMO (or MPM) finetuned ``Model`` state dict -> :class:`STMOForPoseLifting` (eval mode)."""
    return build_converted_model("stmo", "lifting", sd, overrides)


def convert_pstmo_pretrain(sd: dict[str, torch.Tensor], **overrides):
    """P-STMO ``Model_MAE`` state dict -> :class:`STMOForMaskedPoseModeling` (eval mode)."""
    return build_converted_model("stmo", "pretrain", sd, overrides)


def is_lifting_checkpoint(sd) -> bool:
    """True for an official P-STMO / MPM lifting state dict (it has the reduce transformer and the pose head)."""
    return "Transformer_reduce.model.pos_embedding_1" in sd and "fcn.1.weight" in sd


register_converter(Converter(
    name="pstmo",
    detect=lambda sd: is_lifting_checkpoint(sd) and "encoder.fc_1.weight" in sd,
    convert=convert_pstmo,
    description="P-STMO / P-STMO-S finetuned model (run.py save_model, bare module.* state dict) -> STMOForPoseLifting",
))
register_converter(Converter(
    name="pstmo-pretrain",
    detect=lambda sd: "encoder_to_decoder.weight" in sd and "encoder.fc_1.weight" in sd,
    convert=convert_pstmo_pretrain,
    description="P-STMO masked pose modeling model (run.py --MAE, Model_MAE) -> STMOForMaskedPoseModeling",
))
