# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Configuration of DSTformer, the dual-stream spatio-temporal transformer of MotionBERT (ICCV 2023) and STRIDE."""

from __future__ import annotations

from huggingface_hub.dataclasses import strict

from ...configuration_utils import MotionEncoderConfig

__all__ = ["DSTformerConfig"]


@strict(accept_kwargs=True)
class DSTformerConfig(MotionEncoderConfig):
    r"""Configuration of a :class:`DSTformerModel` and its task heads.

    Defaults are the released **MotionBERT** model (`configs/pretrain/MB_pretrain.yaml`: dim_feat 512, dim_rep 512,
    depth 5, 8 heads, mlp_ratio 2, 243 frames, 17 H36M joints, 42.5 M parameters). :meth:`motionbert_lite` gives
    MotionBERT-Lite (dim_feat 256, mlp_ratio 4, 16.0 M parameters). LayerNorm eps is 1e-6 as the official scripts
    build it (the class default of the official file, 1e-5, is never used).

    Args:
        dim_in: input channels per joint: 3 for 2D input (x, y, confidence) and for 3D input (x, y, z, STRIDE).
        dim_out: channels of the pose-lifting head (3 = x, y, z).
        dim_feat: transformer width.
        dim_rep: width of the motion representation E (``pre_logits`` Linear + tanh).
        depth: number of dual-stream layers (each has one spatial-temporal and one temporal-spatial block).
        num_heads: attention heads (must divide dim_feat). Not recoverable from checkpoint shapes.
        mlp_ratio: MLP hidden size = int(dim_feat * mlp_ratio).
        num_joints: joints per frame (17 = H36M-17).
        maxlen: longest clip (frames) the temporal position embedding covers; any T <= maxlen works.
        qkv_bias: bias in the qkv projection.
        qk_scale: attention scale; ``None`` = head_dim ** -0.5.
        drop_rate / attn_drop_rate / drop_path_rate: dropout, attention dropout, stochastic depth (0 in every
            released config).
        layer_norm_eps: LayerNorm epsilon.
        att_fuse: adaptive fusion of the two streams (learned softmax weights); False averages them.
        joint_layout: name of the joint layout the model was trained on (see :mod:`motionhub.skeleton`).
        input_normalization: how 2D inputs were normalised in training ("crop_scale", "screen", "pixel_center").
        root_relative: pose-lifting head sets joint 0 to the origin (``rootrel: True`` configs).
        lambda_*: weights of the pose-lifting loss terms (MotionBERT pose3d: scale 0.5, velocity 20; STRIDE adds
            limb variance 200).
        initializer_range: std of the truncated-normal init.

    Example::

        >>> from motionhub import DSTformerConfig, DSTformerModel
        >>> model = DSTformerModel(DSTformerConfig.motionbert_lite())
    """

    model_type = "dstformer"

    dim_in: int = 3
    dim_out: int = 3
    dim_feat: int = 512
    dim_rep: int = 512
    depth: int = 5
    num_heads: int = 8
    mlp_ratio: int | float = 2.0
    num_joints: int = 17
    maxlen: int = 243
    qkv_bias: bool = True
    qk_scale: int | float | None = None
    drop_rate: int | float = 0.0
    attn_drop_rate: int | float = 0.0
    drop_path_rate: int | float = 0.0
    layer_norm_eps: int | float = 1e-6
    att_fuse: bool = True
    joint_layout: str = "h36m-17"
    input_normalization: str = "crop_scale"
    root_relative: bool = True
    lambda_position: int | float = 1.0
    lambda_scale: int | float = 0.5
    lambda_velocity: int | float = 20.0
    lambda_limb_var: int | float = 0.0
    lambda_limb_gt: int | float = 0.0
    lambda_angle: int | float = 0.0
    lambda_angle_velocity: int | float = 0.0
    initializer_range: int | float = 0.02

    def __post_init__(self, **kwargs):
        for name in ("dim_in", "dim_out", "dim_feat", "dim_rep", "depth", "num_heads", "num_joints", "maxlen"):
            if getattr(self, name) < 1:
                raise ValueError(f"DSTformerConfig.{name} must be >= 1, got {getattr(self, name)}")
        if self.dim_feat % self.num_heads:
            raise ValueError(
                f"DSTformerConfig.dim_feat ({self.dim_feat}) must be divisible by num_heads ({self.num_heads})"
            )
        if int(self.dim_feat * self.mlp_ratio) < 1:
            raise ValueError(f"DSTformerConfig.mlp_ratio ({self.mlp_ratio}) gives an empty MLP")
        for name in ("drop_rate", "attn_drop_rate", "drop_path_rate"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"DSTformerConfig.{name} must be in [0, 1), got {getattr(self, name)}")
        super().__post_init__(**kwargs)

    @property
    def mlp_hidden_size(self) -> int:
        return int(self.dim_feat * self.mlp_ratio)

    @property
    def frame_feature_size(self) -> int:
        """Size of one frame's flattened representation (J * dim_rep), what per-frame heads consume."""
        return self.num_joints * self.dim_rep

    @property
    def representation_size(self) -> int:
        return self.dim_rep

    @classmethod
    def motionbert(cls, **kwargs) -> DSTformerConfig:
        """The released MotionBERT (full) backbone: 512/512, depth 5, 8 heads, mlp_ratio 2, 243 frames."""
        defaults = dict(dim_feat=512, dim_rep=512, depth=5, num_heads=8, mlp_ratio=2.0, maxlen=243, num_joints=17)
        return cls(**{**defaults, **kwargs})

    @classmethod
    def motionbert_lite(cls, **kwargs) -> DSTformerConfig:
        """MotionBERT-Lite: dim_feat 256, mlp_ratio 4 (otherwise as MotionBERT)."""
        return cls.motionbert(**{"dim_feat": 256, "mlp_ratio": 4.0, **kwargs})

    @classmethod
    def stride(cls, **kwargs) -> DSTformerConfig:
        """STRIDE's motion prior: the MotionBERT backbone on 3D input, limb-variance weight 200."""
        return cls.motionbert(**{"lambda_limb_var": 200.0, "input_normalization": "none_3d", **kwargs})
