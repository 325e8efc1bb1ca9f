# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Configuration of STMO, the spatio-temporal many-to-one model of P-STMO (Shan et al., ECCV 2022).

The same network family is shared by MPM (:mod:`motionhub.encoders.mpm`), so the fields common to both live in
:class:`StridedLiftingConfig`; :class:`STMOConfig` adds the P-STMO presets and pretraining defaults.
"""

from __future__ import annotations

from huggingface_hub.dataclasses import strict

from ...configuration_utils import MotionEncoderConfig

__all__ = ["STMOConfig", "StridedLiftingConfig", "OFFICIAL_STRIDES", "default_stride_num", "reduced_length"]

# common/opt.py of P-STMO (and MPM): the strides of the strided transformer for each supported clip length.
OFFICIAL_STRIDES: dict[int, list[int]] = {
    9: [1, 3, 3],
    27: [3, 3, 3],
    81: [3, 3, 3, 3],
    243: [3, 3, 3, 3, 3],
    351: [3, 9, 13],
}


def reduced_length(frames: int, stride_num: list[int]) -> int:
    """Sequence length after the strided transformer: each layer maps L to ``ceil(L / s)``.

    (Conv1d(k=3, padding=1, stride=s) and MaxPool1d(1, s) both give ``floor((L - 1) / s) + 1``.)
    """
    length = frames
    for s in stride_num:
        length = (length - 1) // s + 1
    return length


def default_stride_num(frames: int) -> list[int] | None:
    """The official strides for ``frames`` (:data:`OFFICIAL_STRIDES`), or ``None`` when the length is not listed."""
    strides = OFFICIAL_STRIDES.get(frames)
    return list(strides) if strides is not None else None


@strict(accept_kwargs=True)
class StridedLiftingConfig(MotionEncoderConfig):
    r"""Fields shared by the STMO (P-STMO) and MPM families. Use :class:`STMOConfig` or ``MPMConfig``.

    The network: a per-frame spatial MLP (``dim_in * num_joints -> 2 * channel -> channel``, BatchNorm + LeakyReLU(0.2)
    and ``num_spatial_blocks`` residual blocks), a pre-norm temporal transformer over the ``frames`` per-frame tokens
    (learned position embedding, ``num_heads`` heads, FFN width ``d_hid``), and, for pose lifting, a strided
    transformer that reduces the ``frames`` tokens to one (the centre frame) with the strides ``stride_num``.

    Args:
        frames: clip length. The model is **fixed-length**: every input has exactly ``frames`` frames (also readable
            as ``config.maxlen``; ``config.fixed_length`` is True). Build clips with
            :func:`motionhub.encoders.stmo.stmo_windows`.
        layers: temporal transformer layers.
        channel: width of the per-frame representation (transformer width).
        d_hid: hidden size of the transformer feed-forward blocks.
        num_heads: attention heads (8 in every official model; not stored in checkpoints).
        stride_num: strides of the strided transformer (one layer each). ``None`` = the official table for
            ``frames`` (9: [1,3,3], 27: [3,3,3], 81: [3,3,3,3], 243: [3,3,3,3,3], 351: [3,9,13]); other lengths need
            explicit strides. The strides must reduce ``frames`` to exactly one token (``ceil`` per layer); only
            pose-lifting models use them.
        num_joints: input joints per frame.
        out_joints: output joints of the 3D heads (``None`` = ``num_joints``).
        dim_in: input channels per joint (2 = x, y for the official models).
        num_spatial_blocks: residual blocks of the spatial MLP (1 in every official model).
        spatial_dropout: dropout of the spatial MLP.
        dropout: dropout on the transformer residual branches and inside their feed-forward blocks.
        attention_dropout: dropout on the attention probabilities.
        layer_norm_eps: epsilon of the official LayerNorm ``w * (x - mean) / (std + eps) + b`` (unbiased std, eps
            added to the std, not to the variance).
        apply_final_norm: apply the transformers' final LayerNorm. The official code creates it but never applies it
            (its weights are in every checkpoint); keep ``False`` for official weights.
        tds: temporal downsampling of the **input**: the clip holds ``frames`` frames taken every ``tds`` frames of
            the video around the centre frame (2 for the Human3.6M models trained at 50 fps -> 25 fps; 1 for
            in-the-wild video and MPI-INF-3DHP). The model itself does not use it; :func:`stmo_windows` does.
        joint_layout: joint layout of the input (see :mod:`motionhub.skeleton`).
        output_joint_layout: joint layout of the 3D output (``None`` = ``joint_layout``).
        input_normalization: how 2D inputs were normalised in training (``"screen"``: ``x / w * 2 - [1, h / w]``).
        root_relative: the pose-lifting model sets joint 0 of its outputs to the origin. The official models do not
            (their evaluation zeroes it), so converted checkpoints set this to False.
        lambda_all_frames / lambda_center: weights of the pose-lifting loss terms (MPJPE of every frame of the
            temporal-transformer branch and MPJPE of the centre frame).
        decoder_layers / decoder_channel / decoder_d_hid: the masked-pose-modeling decoder (``None`` = the family
            default, see the subclasses).
        temporal_mask_ratio: fraction of frames masked when the pretraining model samples masks itself.
        spatial_mask_num: joints per frame replaced by the learned mask token when sampling masks.
        initializer_range: kept for transformers utilities; weights are initialised like the official code
            (PyTorch defaults, position embeddings and mask tokens ``N(0, 1)``).
    """

    attribute_map = {"maxlen": "frames"}

    frames: int = 243
    layers: int = 3
    channel: int = 256
    d_hid: int = 512
    num_heads: int = 8
    stride_num: list[int] | None = None
    num_joints: int = 17
    out_joints: int | None = None
    dim_in: int = 2
    num_spatial_blocks: int = 1
    spatial_dropout: int | float = 0.1
    dropout: int | float = 0.1
    attention_dropout: int | float = 0.1
    layer_norm_eps: int | float = 1e-6
    apply_final_norm: bool = False
    tds: int = 2
    joint_layout: str = "h36m-17"
    output_joint_layout: str | None = None
    input_normalization: str = "screen"
    root_relative: bool = True
    lambda_all_frames: int | float = 1.0
    lambda_center: int | float = 1.0
    decoder_layers: int | None = None
    decoder_channel: int | None = None
    decoder_d_hid: int | None = None
    temporal_mask_ratio: int | float = 0.8
    spatial_mask_num: int = 2
    initializer_range: int | float = 0.02

    # ------------------------------------------------------------------ family hooks
    def _default_decoder(self) -> tuple[int, int, int]:
        """(layers, channel, d_hid) of the pretraining decoder when not given."""
        raise NotImplementedError

    def _validate(self) -> None:
        name = type(self).__name__
        for field in ("frames", "layers", "channel", "d_hid", "num_heads", "num_joints", "out_joints", "dim_in",
                      "tds"):
            if getattr(self, field) < 1:
                raise ValueError(f"{name}.{field} must be >= 1, got {getattr(self, field)}")
        if self.num_spatial_blocks < 0:
            raise ValueError(f"{name}.num_spatial_blocks must be >= 0, got {self.num_spatial_blocks}")
        if self.channel % self.num_heads:
            raise ValueError(f"{name}.channel ({self.channel}) must be divisible by num_heads ({self.num_heads})")
        for field in ("spatial_dropout", "dropout", "attention_dropout"):
            if not 0.0 <= getattr(self, field) < 1.0:
                raise ValueError(f"{name}.{field} must be in [0, 1), got {getattr(self, field)}")
        if self.stride_num is not None:
            if len(self.stride_num) < 1 or any(int(s) < 1 for s in self.stride_num):
                raise ValueError(f"{name}.stride_num must be a non-empty list of strides >= 1, got {self.stride_num}")
            if reduced_length(self.frames, self.stride_num) != 1:
                raise ValueError(
                    f"{name}.stride_num {self.stride_num} reduces {self.frames} frames to "
                    f"{reduced_length(self.frames, self.stride_num)} tokens, but the strided transformer must end "
                    f"with exactly 1 (each layer maps L -> ceil(L / stride)); e.g. use strides whose product is "
                    f"{self.frames}"
                )
        if self.decoder_layers < 0 or self.decoder_channel < 1 or self.decoder_d_hid < 1:
            raise ValueError(
                f"{name}: decoder_layers must be >= 0 and decoder_channel / decoder_d_hid >= 1, got "
                f"{self.decoder_layers}, {self.decoder_channel}, {self.decoder_d_hid}"
            )
        if not 0.0 <= self.temporal_mask_ratio < 1.0:
            raise ValueError(
                f"{name}.temporal_mask_ratio must be in [0, 1) (at least one frame stays visible), got "
                f"{self.temporal_mask_ratio}"
            )
        if not 0 <= self.spatial_mask_num <= self.num_joints:
            raise ValueError(
                f"{name}.spatial_mask_num must be in [0, num_joints={self.num_joints}], got {self.spatial_mask_num}"
            )

    def __post_init__(self, **kwargs):
        if self.out_joints is None:
            self.out_joints = self.num_joints
        if self.stride_num is None:
            self.stride_num = default_stride_num(self.frames)
        else:
            self.stride_num = [int(s) for s in self.stride_num]
        layers, channel, d_hid = self._default_decoder()
        if self.decoder_layers is None:
            self.decoder_layers = layers
        if self.decoder_channel is None:
            self.decoder_channel = channel
        if self.decoder_d_hid is None:
            self.decoder_d_hid = d_hid
        self._validate()
        super().__post_init__(**kwargs)

    # ------------------------------------------------------------------ encoder interface
    @property
    def fixed_length(self) -> bool:
        """STMO/MPM only accept clips of exactly ``frames`` (= ``maxlen``) frames."""
        return True

    @property
    def frame_feature_size(self) -> int:
        """Size of one frame's representation (``channel``): the encoder outputs one vector per frame."""
        return self.channel

    @property
    def representation_size(self) -> int:
        return self.channel

    @property
    def pad(self) -> int:
        """Frames on each side of the centre frame: ``(frames - 1) // 2``."""
        return (self.frames - 1) // 2


@strict(accept_kwargs=True)
class STMOConfig(StridedLiftingConfig):
    r"""Configuration of :class:`STMOModel` (P-STMO's spatial encoding module + temporal transformer) and its task models.

    Defaults are **P-STMO-S** on Human3.6M (243 frames sampled with ``tds=2``, 3 layers, channel 256, d_hid 512,
    strides [3,3,3,3,3], 17 joints: 6,482,278 parameters in :class:`STMOForPoseLifting`). Presets:
    :meth:`pstmo_s`, :meth:`pstmo` (4 layers, 7,009,382), :meth:`pstmo_s_3dhp` (81 frames, 5,527,142) and
    :meth:`pstmo_s_in_the_wild` (COCO-17 2D in, H36M-17 3D out). See :class:`StridedLiftingConfig` for every field.

    The pretraining (masked pose modeling, P-STMO ``Model_MAE``) decoder defaults to ``layers - 1`` layers of width
    ``channel // 2`` and FFN ``d_hid // 2``; ``temporal_mask_ratio`` / ``spatial_mask_num`` default to P-STMO-S's
    ``-tmr 0.8 -smn 2``.

    Example::

        >>> from motionhub import STMOConfig, STMOForPoseLifting
        >>> model = STMOForPoseLifting(STMOConfig.pstmo_s())
    """

    model_type = "stmo"

    def _default_decoder(self) -> tuple[int, int, int]:
        return max(self.layers - 1, 0), max(self.channel // 2, 1), max(self.d_hid // 2, 1)

    @classmethod
    def pstmo_s(cls, **kwargs) -> STMOConfig:
        """P-STMO-S (Human3.6M, CPN or GT 2D): 243 frames at tds 2, 3 layers, 256/512; pretraining -tmr 0.8 -smn 2."""
        defaults = dict(frames=243, layers=3, channel=256, d_hid=512, num_joints=17, tds=2,
                        temporal_mask_ratio=0.8, spatial_mask_num=2)
        return cls(**{**defaults, **kwargs})

    @classmethod
    def pstmo(cls, **kwargs) -> STMOConfig:
        """P-STMO (Human3.6M): as P-STMO-S with 4 layers; pretraining -tmr 0.6 -smn 3."""
        return cls.pstmo_s(**{"layers": 4, "temporal_mask_ratio": 0.6, "spatial_mask_num": 3, **kwargs})

    @classmethod
    def pstmo_s_3dhp(cls, **kwargs) -> STMOConfig:
        """P-STMO-S on MPI-INF-3DHP (GT 2D): 81 frames, tds 1, strides [3,3,3,3]; pretraining -tmr 0.7 -smn 2."""
        return cls.pstmo_s(**{"frames": 81, "tds": 1, "temporal_mask_ratio": 0.7, **kwargs})

    @classmethod
    def pstmo_s_in_the_wild(cls, **kwargs) -> STMOConfig:
        """P-STMO-S in the wild: COCO-17 2D keypoints in, H36M-17 3D out (trained at tds 2, run at tds 1)."""
        return cls.pstmo_s(**{"joint_layout": "coco-17", "output_joint_layout": "h36m-17", "tds": 1, **kwargs})
