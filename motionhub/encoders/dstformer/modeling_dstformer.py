# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""DSTformer: the dual-stream spatio-temporal transformer of MotionBERT (Zhu et al., ICCV 2023), also STRIDE's prior.

Layout: the model keeps activations as ``(B, T, J, C)`` throughout. Each of the ``depth`` layers runs two blocks on the
same input: ``blocks_st`` (spatial attention/MLP, then temporal) and ``blocks_ts`` (temporal first), fused by learned
per-token softmax weights (``ts_attn``). Spatial attention mixes the J joints of one frame; temporal attention mixes the
T frames of one joint.

Module names follow the official implementation (``joints_embed``, ``blocks_st``, ``ts_attn``, ``pre_logits`` ...), so
official checkpoints map onto this model by prefix only (see :mod:`motionhub.conversion`).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn
from transformers import initialization as init
from transformers.modeling_layers import GradientCheckpointingLayer
from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

from ...modeling_outputs import MotionEncoderOutput, PoseLiftingOutput
from ...modeling_utils import MotionPreTrainedModel, check_motion_input
from .configuration_dstformer import DSTformerConfig

__all__ = ["DSTformerPreTrainedModel", "DSTformerModel", "DSTformerForPoseLifting", "eager_attention_forward"]


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
    """Attention with the full ``(N, H, L, L)`` score matrix materialised, computed as the official code does.

    Same contract as transformers' attention interface: ``(N, H, L, d)`` inputs, ``(N, L, H, d)`` output.
    """
    attn = (query @ key.transpose(-2, -1)) * scaling
    if attention_mask is not None:
        attn = attn + attention_mask
    attn = attn.softmax(dim=-1)
    attn = F.dropout(attn, p=dropout, training=module.training)
    return (attn @ value).transpose(1, 2).contiguous(), attn


def drop_path(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """Stochastic depth per sample (0 in every released config)."""
    if p == 0.0 or not training:
        return x
    keep = torch.empty((x.shape[0],) + (1,) * (x.ndim - 1), dtype=x.dtype, device=x.device).bernoulli_(1 - p)
    return x * keep / (1 - p)


class DSTformerAttention(nn.Module):
    """Multi-head self-attention over joints (``mode="spatial"``) or over frames (``mode="temporal"``)."""

    def __init__(self, config: DSTformerConfig, mode: str):
        super().__init__()
        if mode not in ("spatial", "temporal"):
            raise ValueError(f"mode must be 'spatial' or 'temporal', got {mode!r}")
        self.config = config
        self.mode = mode
        self.num_heads = config.num_heads
        self.head_dim = config.dim_feat // config.num_heads
        self.scale = config.qk_scale if config.qk_scale is not None else self.head_dim**-0.5
        self.qkv = nn.Linear(config.dim_feat, config.dim_feat * 3, bias=config.qkv_bias)
        self.proj = nn.Linear(config.dim_feat, config.dim_feat)
        self.attn_drop = config.attn_drop_rate
        self.proj_drop = nn.Dropout(config.drop_rate)
        self.is_causal = False

    # Tokens per chunk of the no-grad path (see forward).
    inference_chunk_tokens = 4096
    # No-grad attention over at most this many tokens materialises the (L, L) scores (eager_attention_forward): for
    # the 17 joints of spatial attention and the 27-frame windows of the zoo's models it is 1.6-2.8x faster than the
    # CPU flash kernel, which wins for long sequences and in training (benchmarks/bench_attention.py measures both).
    eager_max_tokens = 32

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, J, C) -> (B, T, J, C)."""
        b, t, j, c = x.shape
        chunk = self.inference_chunk_tokens
        if torch.is_grad_enabled() or self.training or b * t * j <= chunk:
            return self._attend(x)
        # Inference on long clips: spatial attention is independent across frames and temporal attention across
        # joints, so the block runs on groups of frames / joints; qkv and its head-split copies (the largest
        # tensors here) then only exist for one group at a time. Same numbers, a fraction of the peak memory.
        out = torch.empty_like(x)
        if self.mode == "spatial":
            frames = x.reshape(b * t, 1, j, c)  # each (batch, frame) as its own one-frame clip
            step = max(1, chunk // j)
            out_frames = out.view(b * t, 1, j, c)
            for s in range(0, b * t, step):
                out_frames[s : s + step] = self._attend(frames[s : s + step])
        else:
            step = max(1, chunk // (b * t))
            for s in range(0, j, step):
                out[:, :, s : s + step] = self._attend(x[:, :, s : s + step])
        return out

    def _attend(self, x: torch.Tensor) -> torch.Tensor:
        b, t, j, c = x.shape
        h, d = self.num_heads, self.head_dim
        q, k, v = self.qkv(x).view(b, t, j, 3, h, d).unbind(3)  # each (B, T, J, H, d)
        attention = ALL_ATTENTION_FUNCTIONS.get_interface(self.config._attn_implementation, eager_attention_forward)
        length = j if self.mode == "spatial" else t
        if (length <= self.eager_max_tokens and self.config._attn_implementation == "sdpa" and not self.training
                and not torch.is_grad_enabled() and not torch.compiler.is_compiling()):
            attention = eager_attention_forward  # measured faster here (see eager_max_tokens); exports keep SDPA
        dropout = self.attn_drop if self.training else 0.0
        if self.mode == "spatial":
            # one sequence of J tokens per (batch, frame)
            q, k, v = (z.reshape(b * t, j, h, d).transpose(1, 2) for z in (q, k, v))
            out, _ = attention(self, q, k, v, None, scaling=self.scale, dropout=dropout, is_causal=False)
            out = out.reshape(b, t, j, c)  # from (B*T, J, H, d)
        else:
            # one sequence of T tokens per (batch, joint)
            q, k, v = (z.permute(0, 2, 3, 1, 4).reshape(b * j, h, t, d) for z in (q, k, v))
            out, _ = attention(self, q, k, v, None, scaling=self.scale, dropout=dropout, is_causal=False)
            out = out.view(b, j, t, c).transpose(1, 2)  # from (B*J, T, H, d)
        return self.proj_drop(self.proj(out))


class DSTformerMLP(nn.Module):
    # Tokens per chunk of the no-grad path: bounds the (tokens, hidden) activation to ~4096 * hidden floats.
    inference_chunk_tokens = 4096

    def __init__(self, config: DSTformerConfig):
        super().__init__()
        self.fc1 = nn.Linear(config.dim_feat, config.mlp_hidden_size)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(config.mlp_hidden_size, config.dim_feat)
        self.drop = nn.Dropout(config.drop_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        chunk = self.inference_chunk_tokens
        n_tokens = x.numel() // x.shape[-1]
        if torch.is_grad_enabled() or self.training or n_tokens <= chunk:
            return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))
        # Inference on long clips: the MLP is token-wise, so running it chunk by chunk gives the same numbers while
        # the (B*T*J, hidden) activation (the largest tensor of the forward) never exists whole.
        flat = x.reshape(n_tokens, x.shape[-1])
        out = torch.empty_like(flat)
        for start in range(0, n_tokens, chunk):
            out[start : start + chunk] = self.fc2(self.act(self.fc1(flat[start : start + chunk])))
        return out.view_as(x)


class DSTformerBlock(GradientCheckpointingLayer):
    """One stream of a dual-stream layer: spatial then temporal (``order="st"``) or temporal then spatial."""

    def __init__(self, config: DSTformerConfig, order: str, drop_path_rate: float):
        super().__init__()
        if order not in ("st", "ts"):
            raise ValueError(f"order must be 'st' or 'ts', got {order!r}")
        self.order = order
        eps = config.layer_norm_eps
        self.norm1_s = nn.LayerNorm(config.dim_feat, eps=eps)
        self.norm1_t = nn.LayerNorm(config.dim_feat, eps=eps)
        self.attn_s = DSTformerAttention(config, "spatial")
        self.attn_t = DSTformerAttention(config, "temporal")
        self.norm2_s = nn.LayerNorm(config.dim_feat, eps=eps)
        self.norm2_t = nn.LayerNorm(config.dim_feat, eps=eps)
        self.mlp_s = DSTformerMLP(config)
        self.mlp_t = DSTformerMLP(config)
        self.drop_path_rate = drop_path_rate

    def _residual(self, x: torch.Tensor, update: torch.Tensor, owned: bool) -> torch.Tensor:
        update = drop_path(update, self.drop_path_rate, self.training)
        # Without autograd, a residual stream this block created itself can be updated in place (one full-size
        # tensor less at the peak); the block's input is shared by both streams and is never modified.
        if owned and not torch.is_grad_enabled():
            return x.add_(update)
        return x + update

    def _spatial(self, x: torch.Tensor, owned: bool) -> torch.Tensor:
        x = self._residual(x, self.attn_s(self.norm1_s(x)), owned)
        return self._residual(x, self.mlp_s(self.norm2_s(x)), True)

    def _temporal(self, x: torch.Tensor, owned: bool) -> torch.Tensor:
        x = self._residual(x, self.attn_t(self.norm1_t(x)), owned)
        return self._residual(x, self.mlp_t(self.norm2_t(x)), True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.order == "st":
            return self._temporal(self._spatial(x, owned=False), owned=True)
        return self._spatial(self._temporal(x, owned=False), owned=True)


class DSTformerPreTrainedModel(MotionPreTrainedModel):
    config_class = DSTformerConfig
    config: DSTformerConfig
    base_model_prefix = "dstformer"
    supports_gradient_checkpointing = True
    _no_split_modules = ["DSTformerBlock"]

    @torch.no_grad()
    def resize_temporal_embedding(self, maxlen: int) -> None:
        """Give the model ``maxlen`` frames of temporal position embedding (``config.maxlen`` follows).

        The learned ``(1, maxlen, 1, dim_feat)`` embedding is resampled linearly over the clip (end points kept), the
        ViT convention for a new token count: e.g. a 27-frame pretrained encoder finetuned on 81-frame clips starts
        from its own embedding stretched over the longer clip instead of a random one. Finetune after resizing.
        """
        maxlen = int(maxlen)
        if maxlen < 1:
            raise ValueError(f"maxlen must be >= 1, got {maxlen}")
        encoder = self.base_model
        old = encoder.temp_embed
        if old.shape[1] == maxlen:
            return
        series = old.detach().permute(0, 2, 3, 1).reshape(1, old.shape[-1], old.shape[1])  # (1, C, L)
        if old.shape[1] == 1:
            new = series.expand(1, old.shape[-1], maxlen)
        else:
            new = nn.functional.interpolate(series, size=maxlen, mode="linear", align_corners=True)
        encoder.temp_embed = nn.Parameter(new.reshape(1, old.shape[-1], maxlen, 1).permute(0, 2, 3, 1).contiguous(),
                                          requires_grad=old.requires_grad)
        self.config.maxlen = maxlen
        encoder.config.maxlen = maxlen

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        std = self.config.initializer_range
        if isinstance(module, nn.Linear):
            init.trunc_normal_(module.weight, std=std)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            init.ones_(module.weight)
            init.zeros_(module.bias)
        elif isinstance(module, DSTformerModel):
            init.trunc_normal_(module.pos_embed, std=std)
            init.trunc_normal_(module.temp_embed, std=std)
            # the fusion starts as an even average of the two streams (weight 0, bias 0.5), as in MotionBERT
            for fuse in module.ts_attn if module.ts_attn is not None else ():
                init.zeros_(fuse.weight)
                init.constant_(fuse.bias, 0.5)


class DSTformerModel(DSTformerPreTrainedModel):
    """DSTformer backbone: ``(B, T, J, dim_in)`` keypoints -> ``(B, T, J, dim_rep)`` motion representation E.

    Inputs for MotionBERT checkpoints are H36M-17 2D keypoints ``(x, y, confidence)`` normalised to [-1, 1]
    (see :mod:`motionhub.processing`); STRIDE's prior takes 3D ``(x, y, z)``.
    """

    def __init__(self, config: DSTformerConfig):
        super().__init__(config)
        c = config.dim_feat
        self.joints_embed = nn.Linear(config.dim_in, c)
        self.pos_embed = nn.Parameter(torch.zeros(1, config.num_joints, c))
        self.temp_embed = nn.Parameter(torch.zeros(1, config.maxlen, 1, c))
        self.pos_drop = nn.Dropout(config.drop_rate)
        # linearly increasing stochastic depth; plain Python so that construction works under torch.device("meta")
        rates = [config.drop_path_rate * i / max(config.depth - 1, 1) for i in range(config.depth)]
        self.blocks_st = nn.ModuleList([DSTformerBlock(config, "st", r) for r in rates])
        self.blocks_ts = nn.ModuleList([DSTformerBlock(config, "ts", r) for r in rates])
        self.ts_attn = nn.ModuleList([nn.Linear(2 * c, 2) for _ in range(config.depth)]) if config.att_fuse else None
        self.norm = nn.LayerNorm(c, eps=config.layer_norm_eps)
        self.pre_logits = nn.Sequential(OrderedDict(fc=nn.Linear(c, config.dim_rep), act=nn.Tanh()))
        self.post_init()

    def check_input(self, keypoints: torch.Tensor) -> None:
        check_motion_input(
            keypoints, num_joints=self.config.num_joints, channels=self.config.dim_in, max_frames=self.config.maxlen
        )

    def forward(
        self,
        keypoints: torch.Tensor,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MotionEncoderOutput | tuple:
        """Args:
        keypoints: ``(B, T, J, dim_in)``, T <= config.maxlen.
        output_hidden_states: also return the fused features after the embedding and after every layer,
            each ``(B, T, J, dim_feat)``.
        """
        self.check_input(keypoints)
        output_hidden_states = (
            output_hidden_states if output_hidden_states is not None else self.config.output_hidden_states
        )
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        t = keypoints.shape[1]
        x = self.joints_embed(keypoints) + self.pos_embed + self.temp_embed[:, :t]
        x = self.pos_drop(x)
        hidden_states = (x,) if output_hidden_states else None
        for i, (block_st, block_ts) in enumerate(zip(self.blocks_st, self.blocks_ts)):
            x_st, x_ts = block_st(x), block_ts(x)
            if self.ts_attn is not None:
                # ts_attn(cat[x_st, x_ts]) as two half-width products: same logits, no (B, T, J, 2C) concatenation
                fuse, c = self.ts_attn[i], x_st.shape[-1]
                logits = F.linear(x_st, fuse.weight[:, :c]) + F.linear(x_ts, fuse.weight[:, c:], fuse.bias)
                alpha = logits.softmax(dim=-1)
                if torch.is_grad_enabled():
                    x = x_st * alpha[..., 0:1] + x_ts * alpha[..., 1:2]
                else:  # both stream outputs are ours: fuse in place
                    x = x_st.mul_(alpha[..., 0:1]).add_(x_ts.mul_(alpha[..., 1:2]))
            else:
                x = (x_st + x_ts) * 0.5
            if output_hidden_states:
                hidden_states = hidden_states + (x,)
        representation = self.pre_logits(self.norm(x))
        if not return_dict:
            return tuple(v for v in (representation, hidden_states) if v is not None)
        return MotionEncoderOutput(last_hidden_state=representation, hidden_states=hidden_states)

    def get_representation(self, keypoints: torch.Tensor) -> torch.Tensor:
        """MotionBERT's ``get_representation``: ``(B, T, J, dim_rep)``."""
        return self.forward(keypoints, return_dict=True).last_hidden_state


class DSTformerForPoseLifting(DSTformerPreTrainedModel):
    """DSTformer + linear 3D head: what the official pretrain / pose3d / STRIDE checkpoints contain.

    ``(B, T, J, dim_in)`` 2D keypoints (or noisy 3D for STRIDE) -> ``(B, T, J, dim_out)`` 3D pose per frame.
    With ``labels`` ``(B, T, J, 3)`` (root-relative 3D target, same units) the MotionBERT pose3d loss is returned:
    ``λ_pos·MPJPE + λ_scale·N-MPJPE + λ_vel·velocity + λ_lv·limb variance + ...`` with the config's lambdas.
    """

    def __init__(self, config: DSTformerConfig):
        super().__init__(config)
        self.dstformer = DSTformerModel(config)
        self.head = nn.Linear(config.dim_rep, config.dim_out)
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
        enc = self.dstformer(keypoints, output_hidden_states=output_hidden_states, return_dict=True)
        pose = self.head(enc.last_hidden_state)
        if self.config.root_relative:
            pose = torch.cat([torch.zeros_like(pose[:, :, :1]), pose[:, :, 1:]], dim=2)
        loss, components = None, None
        if labels is not None:
            from ...losses import pose3d_loss

            if labels.shape != pose.shape:
                raise ValueError(f"`labels` must have shape {tuple(pose.shape)} (B, T, J, 3), got {tuple(labels.shape)}")
            c = self.config
            loss, components = pose3d_loss(
                pose, labels, lambda_position=c.lambda_position, lambda_scale=c.lambda_scale,
                lambda_velocity=c.lambda_velocity, lambda_limb_var=c.lambda_limb_var,
                lambda_limb_gt=c.lambda_limb_gt, lambda_angle=c.lambda_angle,
                lambda_angle_velocity=c.lambda_angle_velocity,
            )
        out = PoseLiftingOutput(
            loss=loss, pose_3d=pose, representation=enc.last_hidden_state, hidden_states=enc.hidden_states,
            loss_components=components,
        )
        return out if return_dict else out.to_tuple()
