# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STMO: the spatio-temporal many-to-one 2D->3D lifting network of P-STMO (Shan et al., ECCV 2022).

Layout: inputs are ``(B, T, J, dim_in)`` keypoints with ``T == config.frames`` (fixed-length model). Inside, every
frame is one token: its joints are flattened in joint-major order (channel index ``j * dim_in + c``) and embedded by
the spatial encoding module (SEM, an MLP); the temporal encoding module (TEM, a pre-norm transformer over the T
tokens) gives the per-frame representation ``(B, T, channel)``. For lifting, the many-to-one frame aggregator (MOFA,
a strided transformer whose feed-forward convolutions subsample time) reduces the T tokens to the centre frame;
heads map tokens to ``(J, 3)`` poses (output channel index ``j * 3 + c``).

The official code works on ``(N, C, T, J, 1)`` tensors and Conv1d(k=1) layers; here 1x1 convolutions are Linear
layers on ``(B, T, C)`` and BatchNorm runs on the flattened ``(B * T, C)`` tokens, which is the same arithmetic
(:mod:`motionhub.conversion.pstmo` maps the official weights). Numerics that differ from PyTorch defaults and are
kept: the custom LayerNorm ``w * (x - mean) / (std + eps) + b`` with the *unbiased* std and ``eps`` added to the std;
the transformers' final LayerNorm exists (it is in every checkpoint) but is not applied
(``config.apply_final_norm=False``); the strided transformer adds its three position embeddings before its first
three layers only.

Pretraining (P-STMO masked pose modeling, ``Model_MAE``): :class:`STMOForMaskedPoseModeling` replaces masked joints by
a learned 2-vector, drops masked frames before the temporal transformer and reconstructs every frame with a light
transformer decoder.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from transformers import initialization as init
from transformers.modeling_layers import GradientCheckpointingLayer
from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

from ...losses import mpjpe_loss
from ...modeling_outputs import (
    MaskedPoseModelingOutput,
    MotionEncoderOutput,
    PoseLiftingOutput,
)
from ...modeling_utils import MotionPreTrainedModel, check_motion_input
from .configuration_stmo import STMOConfig, StridedLiftingConfig

__all__ = [
    "STMOPreTrainedModel",
    "STMOModel",
    "STMOForPoseLifting",
    "STMOForMaskedPoseModeling",
    "STMOLayerNorm",
    "STMOTransformer",
    "STMOStridedTransformer",
    "masked_frame_order",
    "sample_frame_mask",
    "sample_joint_mask",
    "init_strided_lifting_weights",
]

_TOKEN_PARAMETERS = (
    "position_embeddings",
    "decoder_position_embeddings",
    "mask_token",
    "spatial_mask_token",
    "temporal_mask_token",
    "spatial_mask_token_2d",
    "spatial_mask_token_3d",
)


# ============================================================================================ building blocks
def eager_attention_forward(
    module: nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float,
    dropout: float = 0.0,
    **kwargs,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention computed as the official code does (scores materialised, then softmax).

    Inputs ``(N, H, L, d)``; output ``(N, L, H, d)`` (transformers' attention-interface contract).
    """
    scores = torch.matmul(query, key.transpose(-2, -1)) * scaling
    if attention_mask is not None:
        scores = scores + attention_mask
    probs = F.dropout(scores.softmax(dim=-1), p=dropout, training=module.training)
    return torch.matmul(probs, value).transpose(1, 2).contiguous(), probs


class STMOLayerNorm(nn.Module):
    """P-STMO's LayerNorm: ``weight * (x - mean) / (std + eps) + bias`` with the unbiased std over the last dim."""

    def __init__(self, size: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.bias = nn.Parameter(torch.zeros(size))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(-1, keepdim=True)
        std = x.std(-1, keepdim=True)
        return self.weight * (x - mean) / (std + self.eps) + self.bias


def _batch_norm_tokens(norm: nn.BatchNorm1d, x: torch.Tensor) -> torch.Tensor:
    """BatchNorm1d over the channel (last) axis of ``(B, T, C)`` tokens (statistics over B and T, as official)."""
    shape = x.shape
    return norm(x.reshape(-1, shape[-1])).reshape(shape)


class STMOInputEmbedding(nn.Module):
    """First layer of the spatial MLP: Linear(dim_in * J -> hidden) -> BatchNorm -> LeakyReLU(0.2) -> Dropout."""

    def __init__(self, in_features: int, hidden: int, dropout: float):
        super().__init__()
        self.proj = nn.Linear(in_features, hidden)
        self.norm = nn.BatchNorm1d(hidden, momentum=0.1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(F.leaky_relu(_batch_norm_tokens(self.norm, self.proj(x)), 0.2))


class STMOResidualBlock(nn.Module):
    """``x + [Linear -> BN -> LeakyReLU(0.2) -> Dropout] x 2`` (P-STMO ``Linear`` block, 1x1 convolutions)."""

    def __init__(self, hidden: int, dropout: float):
        super().__init__()
        self.fc1 = nn.Linear(hidden, hidden)
        self.norm1 = nn.BatchNorm1d(hidden, momentum=0.1)
        self.fc2 = nn.Linear(hidden, hidden)
        self.norm2 = nn.BatchNorm1d(hidden, momentum=0.1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dropout(F.leaky_relu(_batch_norm_tokens(self.norm1, self.fc1(x)), 0.2))
        y = self.dropout(F.leaky_relu(_batch_norm_tokens(self.norm2, self.fc2(y)), 0.2))
        return x + y


class STMOSpatialEncoder(nn.Module):
    """Residual blocks then the output projection (hidden -> channel) of the spatial MLP."""

    def __init__(self, hidden: int, out_features: int, num_blocks: int, dropout: float):
        super().__init__()
        self.blocks = nn.ModuleList([STMOResidualBlock(hidden, dropout) for _ in range(num_blocks)])
        self.output_proj = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.output_proj(x)


class STMOAttention(nn.Module):
    """Multi-head self-attention over frames (separate q/k/v/output projections, scale ``head_dim ** -0.5``)."""

    def __init__(self, config: StridedLiftingConfig, hidden: int):
        super().__init__()
        if hidden % config.num_heads:
            raise ValueError(
                f"attention width {hidden} is not divisible by num_heads={config.num_heads} (for the pretraining "
                "decoder: decoder_channel); choose widths that are multiples of num_heads"
            )
        self.config = config
        self.num_heads = config.num_heads
        self.head_dim = hidden // config.num_heads
        self.scaling = self.head_dim**-0.5
        self.q_proj = nn.Linear(hidden, hidden)
        self.k_proj = nn.Linear(hidden, hidden)
        self.v_proj = nn.Linear(hidden, hidden)
        self.o_proj = nn.Linear(hidden, hidden)
        self.is_causal = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, L, hidden) -> (B, L, hidden)."""
        b, length, hidden = x.shape
        q, k, v = (proj(x).view(b, length, self.num_heads, self.head_dim).transpose(1, 2)
                   for proj in (self.q_proj, self.k_proj, self.v_proj))
        attention = ALL_ATTENTION_FUNCTIONS.get_interface(self.config._attn_implementation, eager_attention_forward)
        dropout = self.config.attention_dropout if self.training else 0.0
        out, _ = attention(self, q, k, v, None, scaling=self.scaling, dropout=dropout, is_causal=False)
        return self.o_proj(out.reshape(b, length, hidden))


class STMOFeedForward(nn.Module):
    """Linear -> ReLU -> Dropout -> Linear."""

    def __init__(self, hidden: int, d_ff: int, dropout: float):
        super().__init__()
        self.fc1 = nn.Linear(hidden, d_ff)
        self.fc2 = nn.Linear(d_ff, hidden)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


class STMOStridedFeedForward(nn.Module):
    """Linear -> ReLU -> Dropout -> Conv1d(k=3, stride, padding=1) over time: ``(B, L, C) -> (B, ceil(L / s), C)``."""

    def __init__(self, hidden: int, d_ff: int, dropout: float, stride: int):
        super().__init__()
        self.fc1 = nn.Linear(hidden, d_ff)
        self.fc2 = nn.Conv1d(d_ff, hidden, kernel_size=3, stride=stride, padding=1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(y.transpose(1, 2)).transpose(1, 2)


class STMOTransformerLayer(GradientCheckpointingLayer):
    """Pre-norm transformer layer; with ``stride > 1`` (strided transformer) the feed-forward subsamples time and the
    residual is subsampled to match (MaxPool1d(1, stride) == ``x[:, ::stride]``)."""

    def __init__(self, config: StridedLiftingConfig, hidden: int, d_ff: int, stride: int | None = None):
        super().__init__()
        self.stride = stride
        self.attention_norm = STMOLayerNorm(hidden, config.layer_norm_eps)
        self.attention = STMOAttention(config, hidden)
        self.feed_forward_norm = STMOLayerNorm(hidden, config.layer_norm_eps)
        if stride is None:
            self.feed_forward = STMOFeedForward(hidden, d_ff, config.dropout)
        else:
            self.feed_forward = STMOStridedFeedForward(hidden, d_ff, config.dropout, stride)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.dropout(self.attention(self.attention_norm(x)))
        residual = x if self.stride is None or self.stride == 1 else x[:, :: self.stride]
        return residual + self.dropout(self.feed_forward(self.feed_forward_norm(x)))


class STMOTransformer(nn.Module):
    """Vanilla pre-norm transformer over frame tokens (P-STMO's "VTE" and the pretraining decoders).

    With ``frames`` it owns a learned position embedding ``(1, frames, hidden)`` added to the full-length input
    before masked frames are dropped. ``final_norm`` is applied only with ``config.apply_final_norm``.
    """

    def __init__(self, config: StridedLiftingConfig, num_layers: int, hidden: int, d_ff: int,
                 frames: int | None = None):
        super().__init__()
        self.config = config
        self.position_embeddings = nn.Parameter(torch.zeros(1, frames, hidden)) if frames is not None else None
        self.layers = nn.ModuleList([STMOTransformerLayer(config, hidden, d_ff) for _ in range(num_layers)])
        self.final_norm = STMOLayerNorm(hidden, config.layer_norm_eps)

    def forward(
        self, x: torch.Tensor, visible_index: torch.Tensor | None = None, output_hidden_states: bool = False
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...] | None]:
        """Args:
        x: ``(B, L, hidden)`` tokens.
        visible_index: ``(B, L_vis)`` frame indices to keep (after adding the position embedding).

        Returns: ``(B, L or L_vis, hidden)`` and the per-layer hidden states when requested.
        """
        if self.position_embeddings is not None:
            x = x + self.position_embeddings
        if visible_index is not None:
            x = torch.gather(x, 1, visible_index.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        hidden_states = (x,) if output_hidden_states else None
        for layer in self.layers:
            x = layer(x)
            if output_hidden_states:
                hidden_states = hidden_states + (x,)
        if self.config.apply_final_norm:
            x = self.final_norm(x)
        return x, hidden_states


class STMOStridedTransformer(nn.Module):
    """P-STMO's many-to-one frame aggregator (from StridedTransformer): ``(B, frames, C) -> (B, 1, C)``.

    Three learned position embeddings ``(1, frames, C)`` are added (first ``L_i`` entries) before layers 0, 1 and 2
    only; deeper layers get none, as in the official code.
    """

    def __init__(self, config: StridedLiftingConfig):
        super().__init__()
        if config.stride_num is None:
            raise ValueError(
                f"no strided-transformer strides for frames={config.frames}: the official table covers "
                "9, 27, 81, 243 and 351 frames; pass stride_num=[...] (each layer maps L -> ceil(L / s), ending at 1)"
            )
        self.config = config
        c = config.channel
        self.position_embeddings = nn.ParameterList([nn.Parameter(torch.zeros(1, config.frames, c)) for _ in range(3)])
        self.layers = nn.ModuleList(
            [STMOTransformerLayer(config, c, config.d_hid, stride=int(s)) for s in config.stride_num]
        )
        self.final_norm = STMOLayerNorm(c, config.layer_norm_eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            if i < len(self.position_embeddings):
                x = x + self.position_embeddings[i][:, : x.shape[1]]
            x = layer(x)
        if self.config.apply_final_norm:
            x = self.final_norm(x)
        return x


class STMOPoseHead(nn.Module):
    """BatchNorm -> Linear(C -> J * out_channels) per token, reshaped to ``(B, L, J, out_channels)``."""

    def __init__(self, hidden: int, num_joints: int, out_channels: int = 3):
        super().__init__()
        self.num_joints = num_joints
        self.out_channels = out_channels
        self.norm = nn.BatchNorm1d(hidden, momentum=0.1)
        self.proj = nn.Linear(hidden, num_joints * out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.proj(_batch_norm_tokens(self.norm, x))
        return y.view(*x.shape[:-1], self.num_joints, self.out_channels)


# ============================================================================================ masks
def _as_bool_tensor(mask, name: str, device: torch.device) -> torch.Tensor:
    if isinstance(mask, np.ndarray):
        mask = torch.from_numpy(mask)
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"`{name}` must be a bool torch.Tensor (or numpy array), got {type(mask).__name__}")
    if mask.dtype != torch.bool:
        if mask.is_floating_point() or mask.dtype in (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8):
            if not ((mask == 0) | (mask == 1)).all():
                raise ValueError(f"`{name}` must be boolean or 0/1 valued")
            mask = mask != 0
        else:
            raise TypeError(f"`{name}` must be boolean or 0/1 valued, got dtype {mask.dtype}")
    return mask.to(device)


def normalize_frame_mask(frame_mask, batch_size: int, frames: int, device: torch.device) -> torch.Tensor:
    """``(T,)`` or ``(B, T)`` bool/0-1 frame mask (True = masked) -> ``(B, T)`` bool, checked."""
    mask = _as_bool_tensor(frame_mask, "frame_mask", device)
    if mask.shape == (frames,):
        mask = mask.unsqueeze(0).expand(batch_size, frames)
    elif mask.shape != (batch_size, frames):
        raise ValueError(
            f"`frame_mask` must have shape (T,) = ({frames},) or (B, T) = ({batch_size}, {frames}), got "
            f"{tuple(mask.shape)}"
        )
    counts = mask.sum(1)
    if not (counts == counts[0]).all():
        raise ValueError("`frame_mask` must mask the same number of frames in every sample (tokens are batched)")
    if int(counts[0]) >= frames:
        raise ValueError("`frame_mask` masks every frame; at least one frame must stay visible")
    return mask


def masked_frame_order(frame_mask: torch.Tensor) -> torch.Tensor:
    """Frame indices in the official pretraining token order: visible frames, then masked frames (each ascending).

    Args:
        frame_mask: ``(B, T)`` (or ``(T,)``) bool, True = masked.

    Returns:
        ``(B, T)`` (or ``(T,)``) long. Row ``k`` of P-STMO's reconstruction in official order is frame ``order[k]``.
    """
    return torch.sort(frame_mask.to(torch.uint8), dim=-1, stable=True).indices


def apply_joint_mask(keypoints: torch.Tensor, joint_mask: torch.Tensor | None, token: torch.Tensor) -> torch.Tensor:
    """Replace masked joints of ``(B, T, J, C)`` keypoints by ``token`` (C,); ``joint_mask`` broadcasts to (B, T, J)."""
    if joint_mask is None:
        return keypoints
    return torch.where(joint_mask.unsqueeze(-1), token.to(keypoints.dtype), keypoints)


def normalize_joint_mask(joint_mask, keypoints: torch.Tensor, tube: bool = False) -> torch.Tensor:
    """``(T, J)`` / ``(B, T, J)`` (or, with ``tube``, ``(B, J)``) bool joint mask -> broadcastable ``(B|1, T|1, J)``."""
    b, t, j, _ = keypoints.shape
    mask = _as_bool_tensor(joint_mask, "joint_mask", keypoints.device)
    if tube and mask.shape == (b, j):
        return mask.unsqueeze(1)
    if not tube and mask.shape == (t, j):
        return mask.unsqueeze(0)
    if mask.shape == (b, t, j):
        return mask
    expected = f"(B, J) = ({b}, {j}) for tube masks" if tube else f"(T, J) = ({t}, {j})"
    raise ValueError(f"`joint_mask` must have shape {expected} or (B, T, J) = ({b}, {t}, {j}), got {tuple(mask.shape)}")


def sample_frame_mask(frames: int, ratio: float, generator: torch.Generator | None = None,
                      device: torch.device | str | None = None) -> torch.Tensor:
    """P-STMO/MPM temporal mask: exactly ``int(frames * ratio)`` randomly chosen frames are True (masked)."""
    num = int(frames * ratio)
    if num >= frames:
        raise ValueError(f"ratio {ratio} masks all {frames} frames; keep at least one visible")
    mask = torch.zeros(frames, dtype=torch.bool)
    mask[torch.randperm(frames, generator=generator)[:num]] = True
    return mask.to(device) if device is not None else mask


def sample_joint_mask(frames: int, num_joints: int, per_frame: int, generator: torch.Generator | None = None,
                      device: torch.device | str | None = None) -> torch.Tensor:
    """P-STMO/MPM spatial mask ``(frames, J)``: ``per_frame`` distinct random joints masked in every frame."""
    if not 0 <= per_frame <= num_joints:
        raise ValueError(f"per_frame must be in [0, {num_joints}], got {per_frame}")
    scores = torch.rand(frames, num_joints, generator=generator)
    idx = scores.argsort(dim=1)[:, :per_frame]
    mask = torch.zeros(frames, num_joints, dtype=torch.bool)
    mask.scatter_(1, idx, True)
    return mask.to(device) if device is not None else mask


# ============================================================================================ init
def init_strided_lifting_weights(module: nn.Module) -> None:
    """Initialise like the official code: PyTorch defaults for Linear/Conv/BatchNorm/LayerNorm, ``N(0, 1)`` for the
    position embeddings and mask tokens (``torch.randn``). Uses ``transformers.initialization`` so loaded weights are
    never overwritten."""
    if isinstance(module, (nn.Linear, nn.Conv1d)):
        init.kaiming_uniform_(module.weight, a=math.sqrt(5))
        if module.bias is not None:
            fan_in = module.weight.shape[1] * (module.weight[0, 0].numel() if module.weight.ndim > 2 else 1)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(module.bias, -bound, bound)
    elif isinstance(module, nn.BatchNorm1d):
        init.ones_(module.weight)
        init.zeros_(module.bias)
        init.zeros_(module.running_mean)
        init.ones_(module.running_var)
        init.zeros_(module.num_batches_tracked)
    elif isinstance(module, STMOLayerNorm):
        init.ones_(module.weight)
        init.zeros_(module.bias)
    elif isinstance(module, nn.ParameterList):
        for p in module:
            init.normal_(p, std=1.0)
    for name in _TOKEN_PARAMETERS:
        p = module._parameters.get(name) if hasattr(module, "_parameters") else None
        if p is not None:
            init.normal_(p, std=1.0)


# ============================================================================================ models
class STMOPreTrainedModel(MotionPreTrainedModel):
    config_class = STMOConfig
    config: STMOConfig
    base_model_prefix = "stmo"
    # BatchNorm statistics would be updated twice by re-computation; the models are small (< 10 M parameters).
    supports_gradient_checkpointing = False
    _no_split_modules = ["STMOTransformerLayer"]

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        init_strided_lifting_weights(module)


def check_fixed_length(keypoints: torch.Tensor, config: StridedLiftingConfig, channels) -> None:
    check_motion_input(keypoints, num_joints=config.num_joints, channels=channels, max_frames=config.frames)
    if keypoints.shape[1] != config.frames:
        raise ValueError(
            f"`keypoints` has {keypoints.shape[1]} frames but this fixed-length model takes exactly "
            f"{config.frames} (config.frames): cut windows centred on each frame with "
            f"motionhub.encoders.stmo.stmo_windows(sequence, frames={config.frames}, tds={config.tds})"
        )


def resolve_frame_mask(frame_mask, batch_size: int, config: StridedLiftingConfig, device, training: bool,
                       sample: bool) -> torch.Tensor | None:
    if frame_mask is None:
        if not (sample and training) or int(config.frames * config.temporal_mask_ratio) == 0:
            return None
        frame_mask = sample_frame_mask(config.frames, config.temporal_mask_ratio, device=device)
    return normalize_frame_mask(frame_mask, batch_size, config.frames, device)


class STMOEncoderMixin:
    """Spatial MLP + temporal transformer on embedded tokens (shared by STMO and MPM)."""

    def encode_tokens(self, x: torch.Tensor, frame_mask: torch.Tensor | None, output_hidden_states: bool):
        x = self.spatial_encoder(x)
        visible_index = None
        if frame_mask is not None:
            n_visible = frame_mask.shape[1] - int(frame_mask[0].sum())
            visible_index = masked_frame_order(frame_mask)[:, :n_visible]
        x, layer_states = self.temporal_encoder(x, visible_index, output_hidden_states)
        hidden_states = None
        if output_hidden_states:
            hidden_states = layer_states
        return x, hidden_states


class STMOModel(STMOEncoderMixin, STMOPreTrainedModel):
    """P-STMO encoder (SEM + TEM): ``(B, frames, J, dim_in)`` 2D keypoints -> ``(B, frames, channel)`` per frame.

    Inputs are screen-normalised 2D keypoints (``x / w * 2 - [1, h / w]``, see :mod:`motionhub.processing`) of the
    config's ``joint_layout``, exactly ``config.frames`` frames sampled every ``config.tds`` video frames
    (:func:`motionhub.encoders.stmo.stmo_windows`).
    """

    def __init__(self, config: STMOConfig):
        super().__init__(config)
        hidden = 2 * config.channel
        self.input_embedding = STMOInputEmbedding(config.dim_in * config.num_joints, hidden, config.spatial_dropout)
        self.spatial_encoder = STMOSpatialEncoder(hidden, config.channel, config.num_spatial_blocks,
                                                  config.spatial_dropout)
        self.temporal_encoder = STMOTransformer(config, config.layers, config.channel, config.d_hid, config.frames)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        frame_mask: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MotionEncoderOutput | tuple:
        """Args:
        keypoints: ``(B, frames, J, dim_in)``.
        frame_mask: optional ``(frames,)`` or ``(B, frames)`` bool, True = frame hidden from the temporal transformer
            (masked pose modeling). The output then holds only the visible frames, ascending: ``(B, T_visible, C)``.
        output_hidden_states: also return the tokens entering the temporal transformer (after the position
            embedding) and after each of its layers, each ``(B, T or T_visible, channel)``.
        """
        check_fixed_length(keypoints, self.config, self.config.dim_in)
        output_hidden_states = (
            output_hidden_states if output_hidden_states is not None else self.config.output_hidden_states
        )
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        b = keypoints.shape[0]
        if frame_mask is not None:
            frame_mask = normalize_frame_mask(frame_mask, b, self.config.frames, keypoints.device)
        x = self.input_embedding(keypoints.reshape(b, keypoints.shape[1], -1))
        x, hidden_states = self.encode_tokens(x, frame_mask, bool(output_hidden_states))
        if not return_dict:
            return tuple(v for v in (x, hidden_states) if v is not None)
        return MotionEncoderOutput(last_hidden_state=x, hidden_states=hidden_states)


class StridedLiftingHeadMixin:
    """MOFA + heads + P-STMO loss on top of a ``(B, T, C)`` representation (shared by STMO and MPM)."""

    def build_lifting_head(self, config: StridedLiftingConfig) -> None:
        self.strided_transformer = STMOStridedTransformer(config)
        self.pose_head = STMOPoseHead(config.channel, config.out_joints, 3)
        self.all_frames_head = STMOPoseHead(config.channel, config.out_joints, 3)

    def lift(self, representation: torch.Tensor, labels: torch.Tensor | None, hidden_states, return_dict: bool):
        config = self.config
        all_frames = self.all_frames_head(representation)
        center = self.pose_head(self.strided_transformer(representation))
        if config.root_relative:
            all_frames = torch.cat([torch.zeros_like(all_frames[:, :, :1]), all_frames[:, :, 1:]], dim=2)
            center = torch.cat([torch.zeros_like(center[:, :, :1]), center[:, :, 1:]], dim=2)
        loss = components = None
        if labels is not None:
            loss, components = self.lifting_loss(center, all_frames, labels)
        out = PoseLiftingOutput(
            loss=loss, pose_3d=center, pose_3d_all_frames=all_frames, representation=representation,
            hidden_states=hidden_states, loss_components=components,
        )
        return out if return_dict else out.to_tuple()

    def lifting_loss(self, center: torch.Tensor, all_frames: torch.Tensor, labels: torch.Tensor):
        """P-STMO's loss: ``λ_all · MPJPE(all frames) + λ_center · MPJPE(centre frame)`` with the label root zeroed."""
        if not isinstance(labels, torch.Tensor):
            raise TypeError(f"`labels` must be a torch.Tensor, got {type(labels).__name__}")
        b, t, j, _ = all_frames.shape
        if labels.shape not in ((b, t, j, 3), (b, 1, j, 3)):
            raise ValueError(
                f"`labels` must have shape (B, T, J, 3) = {(b, t, j, 3)} (every frame of the clip) or (B, 1, J, 3) "
                f"(centre frame only), got {tuple(labels.shape)}"
            )
        target = labels.clone()
        target[:, :, 0] = 0
        config = self.config
        if labels.shape[1] == 1:
            center_loss = mpjpe_loss(center, target)
            return config.lambda_center * center_loss, {"mpjpe_center": center_loss.detach()}
        pad = config.pad
        all_loss = mpjpe_loss(all_frames, target)
        center_loss = mpjpe_loss(center, target[:, pad : pad + 1])
        loss = config.lambda_all_frames * all_loss + config.lambda_center * center_loss
        return loss, {"mpjpe_all_frames": all_loss.detach(), "mpjpe_center": center_loss.detach()}


class STMOForPoseLifting(StridedLiftingHeadMixin, STMOPreTrainedModel):
    """P-STMO's STMO: encoder + many-to-one strided transformer -> 3D pose of the centre frame.

    ``(B, frames, J, 2)`` -> ``pose_3d`` ``(B, 1, out_joints, 3)`` (frame ``frames // 2``) and ``pose_3d_all_frames``
    ``(B, frames, out_joints, 3)`` (per-frame prediction from the temporal transformer, the multi-frame supervision
    branch). Units are those of the training targets (metres, root-relative, for the official models).

    With ``labels`` ``(B, frames, J, 3)`` (root joint zeroed internally) the P-STMO loss is returned:
    ``λ_all · MPJPE(pose_3d_all_frames) + λ_center · MPJPE(pose_3d, centre label)``; ``(B, 1, J, 3)`` labels give the
    centre term only.
    """

    def __init__(self, config: STMOConfig):
        super().__init__(config)
        self.stmo = STMOModel(config)
        self.build_lifting_head(config)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        labels: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> PoseLiftingOutput | tuple:
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        enc = self.stmo(keypoints, output_hidden_states=output_hidden_states, return_dict=True)
        return self.lift(enc.last_hidden_state, labels, enc.hidden_states, return_dict)


class STMOForMaskedPoseModeling(STMOPreTrainedModel):
    """P-STMO pretraining (``Model_MAE``): masked 2D pose modeling.

    Masked joints are replaced by a learned 2-vector (``spatial_mask_token``), masked frames are dropped before the
    temporal transformer, the visible tokens go through ``encoder_norm`` and a linear map to the decoder width, and a
    light transformer decoder reconstructs every frame from them plus a learned ``mask_token`` for each masked frame
    (decoder position embeddings give the frame positions).

    Masks (True = masked):
        * ``frame_mask``: ``(frames,)`` shared by the batch (as official) or ``(B, frames)`` with the same count per
          sample; at least one frame visible.
        * ``joint_mask``: ``(frames, J)`` shared or ``(B, frames, J)``.
        When a mask is ``None`` in **training** mode it is sampled like P-STMO's ``run.py`` (``int(frames *
        temporal_mask_ratio)`` frames; ``spatial_mask_num`` joints per frame; one mask per batch); in eval mode
        ``None`` means no masking.

    Output: ``reconstruction_2d`` ``(B, frames, J, 2)`` in the ORIGINAL frame order. The official model returns its
    frames in token order ``[visible..., masked...]`` (not un-shuffled); pass ``official_frame_order=True`` to get that
    exact layout (row ``k`` = frame :func:`masked_frame_order` ``[k]``).

    With ``labels`` ``(B, frames, J, 2)`` (the clean 2D clip) the loss is the 2D MPJPE over all frames, which is what
    P-STMO minimises (its reordered target gives the same mean).
    """

    def __init__(self, config: STMOConfig):
        super().__init__(config)
        self.stmo = STMOModel(config)
        c, dc = config.channel, config.decoder_channel
        self.encoder_norm = STMOLayerNorm(c, config.layer_norm_eps)
        self.encoder_to_decoder = nn.Linear(c, dc, bias=False)
        self.decoder_position_embeddings = nn.Parameter(torch.zeros(1, config.frames, dc))
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dc))
        self.spatial_mask_token = nn.Parameter(torch.zeros(1, 1, config.dim_in))
        self.decoder = STMOTransformer(config, config.decoder_layers, dc, config.decoder_d_hid)
        self.decoder_head = STMOPoseHead(dc, config.out_joints, config.dim_in)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        frame_mask: torch.Tensor | None = None,
        joint_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        official_frame_order: bool = False,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MaskedPoseModelingOutput | tuple:
        config = self.config
        return_dict = return_dict if return_dict is not None else config.return_dict
        check_fixed_length(keypoints, config, config.dim_in)
        b, t, j, _ = keypoints.shape
        frame_mask = resolve_frame_mask(frame_mask, b, config, keypoints.device, self.training, sample=True)
        if joint_mask is None and self.training and config.spatial_mask_num > 0:
            joint_mask = sample_joint_mask(t, j, config.spatial_mask_num, device=keypoints.device)
        if joint_mask is not None:
            joint_mask = normalize_joint_mask(joint_mask, keypoints)
        x = apply_joint_mask(keypoints, joint_mask, self.spatial_mask_token.view(-1))
        if frame_mask is None:
            frame_mask = torch.zeros(b, t, dtype=torch.bool, device=keypoints.device)
        enc = self.stmo(x, frame_mask=frame_mask, output_hidden_states=output_hidden_states, return_dict=True)
        feats = self.encoder_to_decoder(self.encoder_norm(enc.last_hidden_state))
        tokens, order = decoder_tokens(feats, frame_mask, self.decoder_position_embeddings, self.mask_token)
        decoded, _ = self.decoder(tokens)
        recon = self.decoder_head(decoded)  # official token order [visible..., masked...]
        if not official_frame_order:
            recon = unshuffle_frames(recon, order)
        loss = components = None
        if labels is not None:
            if not isinstance(labels, torch.Tensor) or labels.shape != (b, t, config.out_joints, config.dim_in):
                raise ValueError(
                    f"`labels` must be a tensor of shape (B, T, J, {config.dim_in}) = "
                    f"{(b, t, config.out_joints, config.dim_in)} (the unmasked input clip), got "
                    f"{tuple(getattr(labels, 'shape', ()))}"
                )
            target = labels
            if official_frame_order:
                target = torch.gather(labels, 1, order[:, :, None, None].expand_as(labels))
            loss = mpjpe_loss(recon, target)
            components = {"mpjpe_2d": loss.detach()}
        out = MaskedPoseModelingOutput(loss=loss, reconstruction_2d=recon, loss_components=components)
        return out if return_dict else out.to_tuple()


def decoder_tokens(feats: torch.Tensor, frame_mask: torch.Tensor, position_embeddings: torch.Tensor,
                   mask_token: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Decoder input in official token order: ``[visible feats + pos[visible], mask_token + pos[masked]]``.

    Returns the ``(B, T, C)`` tokens and the ``(B, T)`` frame index of each token (:func:`masked_frame_order`).
    """
    b, n_visible, c = feats.shape
    order = masked_frame_order(frame_mask)
    pos = torch.gather(position_embeddings.expand(b, -1, -1), 1, order.unsqueeze(-1).expand(-1, -1, c))
    tokens = torch.cat([feats + pos[:, :n_visible], mask_token + pos[:, n_visible:]], dim=1)
    return tokens, order


def unshuffle_frames(x: torch.Tensor, order: torch.Tensor) -> torch.Tensor:
    """Inverse of the token order: ``out[:, order[k]] = x[:, k]`` for ``(B, T, ...)`` tensors."""
    index = order.view(*order.shape, *([1] * (x.ndim - 2))).expand_as(x)
    return torch.empty_like(x).scatter(1, index, x)
