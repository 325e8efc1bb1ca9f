# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Configuration of MPM (Zhang et al., "Unified 2D and 3D pre-training of multi-frame 3D human pose estimation").

MPM shares P-STMO's network: a per-frame spatial MLP and a temporal transformer, with separate 2D and 3D input
embeddings feeding the shared layers; the finetuned lifting model is exactly P-STMO's STMO.
"""

from __future__ import annotations

from huggingface_hub.dataclasses import strict

from ..stmo.configuration_stmo import StridedLiftingConfig

__all__ = ["MPMConfig", "COMPLETION_LOSS_WEIGHTS"]

# Loss weights of the official completion / lifting training modes (pretrainer.py --comp3d / --comp2dlift /
# --onlylift): "3d" = 3D completion, "2d" = 2D completion, "lift" = 3D from (partial) 2D.
COMPLETION_LOSS_WEIGHTS: dict[str, dict[str, float]] = {
    "comp3d": {"3d": 1.0, "2d": 1.0, "lift": 1.0},
    "comp2dlift": {"3d": 1.0, "2d": 1.0, "lift": 2.0},
    "onlylift": {"3d": 3.0, "2d": 2.0, "lift": 8.0},
}


@strict(accept_kwargs=True)
class MPMConfig(StridedLiftingConfig):
    r"""Configuration of :class:`MPMModel` and its task models (see ``StridedLiftingConfig`` for the shared fields).

    Defaults: the MPM encoder used for pretraining on Human3.6M (243 frames, 4 layers, channel 256, d_hid 512,
    17 joints, 2D and 3D input embeddings). Presets: :meth:`mpm` (the H36M finetuned lifting model, 7,009,382
    parameters, identical to P-STMO), :meth:`mpm_3dhp` (16 joints, 3 layers: 6,479,712), :meth:`mpm_pretrain`
    (MPMmask2, 4,017,498), :meth:`mpm_pretrain_multi` (16 joints, 3 layers: 3,486,549) and :meth:`mpm_completion`
    (MPMmask, 27 frames, 3 layers: 4,434,010).

    MPM-specific fields:
        use_3d_input_encoder: build the 3D input embedding (``3 * J -> 2 * channel``) next to the 2D one. The official
            finetuned ``Model`` has none (set False to match its parameters exactly); pretraining models need it.
        completion_mode: training mode of :class:`MPMForPoseCompletion`: ``"comp3d"`` (3D completion),
            ``"comp2dlift"`` (2D completion + lifting, the released completion model) or ``"onlylift"``; selects the
            loss weights in :data:`COMPLETION_LOSS_WEIGHTS`.
        loss_weight_2d / loss_weight_3d / loss_weight_lift: pretraining loss weights (official ``5 * mpjpe2d +
            2 * mpjpe3d``; the lifting term of PoseAug iterations has weight 1).

    The pretraining decoders default to 1 layer (MPMmask2) of width ``channel`` and FFN ``d_hid``; the completion
    model uses 2 layers (:meth:`mpm_completion`). 16-joint models use the ``"h36m-16"`` layout (H36M-17 without the
    nose, joint 9).
    """

    model_type = "mpm"

    layers: int = 4
    spatial_dropout: int | float = 0.1
    temporal_mask_ratio: int | float = 0.6
    spatial_mask_num: int = 5
    use_3d_input_encoder: bool = True
    completion_mode: str = "comp2dlift"
    loss_weight_2d: int | float = 5.0
    loss_weight_3d: int | float = 2.0
    loss_weight_lift: int | float = 1.0

    def _default_decoder(self) -> tuple[int, int, int]:
        return 1, self.channel, self.d_hid

    def _validate(self) -> None:
        super()._validate()
        if self.completion_mode not in COMPLETION_LOSS_WEIGHTS:
            raise ValueError(
                f"MPMConfig.completion_mode must be one of {sorted(COMPLETION_LOSS_WEIGHTS)}, got {self.completion_mode!r}"
            )
        if self.decoder_channel != self.channel:
            raise ValueError(
                f"MPMConfig.decoder_channel ({self.decoder_channel}) must equal channel ({self.channel}): MPM's "
                "decoders work at the encoder width (there is no encoder-to-decoder projection)"
            )

    @property
    def completion_loss_weights(self) -> dict[str, float]:
        return dict(COMPLETION_LOSS_WEIGHTS[self.completion_mode])

    @classmethod
    def mpm(cls, **kwargs) -> MPMConfig:
        """The finetuned Human3.6M lifting model (README: ``-f 243 --n_joints 17 --layers 4 -tds 2``)."""
        defaults = dict(frames=243, layers=4, channel=256, d_hid=512, num_joints=17, tds=2, spatial_dropout=0.2,
                        use_3d_input_encoder=False)
        return cls(**{**defaults, **kwargs})

    @classmethod
    def mpm_3dhp(cls, **kwargs) -> MPMConfig:
        """The finetuned MPI-INF-3DHP lifting model: 16 joints (``h36m-16``), 3 layers, 243 frames, tds 1."""
        return cls.mpm(**{"num_joints": 16, "layers": 3, "tds": 1, "joint_layout": "h36m-16", **kwargs})

    @classmethod
    def mpm_pretrain(cls, **kwargs) -> MPMConfig:
        """MPMmask2 pretraining on Human3.6M: 17 joints, 4 layers, 243 frames, 5 masked joints/frame, 60% frames."""
        defaults = dict(frames=243, layers=4, channel=256, d_hid=512, num_joints=17, tds=2, spatial_dropout=0.1,
                        use_3d_input_encoder=True, decoder_layers=1, spatial_mask_num=5, temporal_mask_ratio=0.6)
        return cls(**{**defaults, **kwargs})

    @classmethod
    def mpm_pretrain_multi(cls, **kwargs) -> MPMConfig:
        """MPMmask2 pretraining on H36M + 3DHP + AMASS: 16 joints (``h36m-16``), 3 layers."""
        return cls.mpm_pretrain(**{"num_joints": 16, "layers": 3, "joint_layout": "h36m-16", **kwargs})

    @classmethod
    def mpm_completion(cls, completion_mode: str = "comp2dlift", **kwargs) -> MPMConfig:
        """MPMmask completion / lifting model (released command ``-f 27 --layers 3 --comp2dlift 1``): 2-layer
        decoders, tube masks (whole limbs hidden in every frame), no temporal masking."""
        defaults = dict(frames=27, layers=3, channel=256, d_hid=512, num_joints=17, spatial_dropout=0.1,
                        use_3d_input_encoder=True, decoder_layers=2, temporal_mask_ratio=0.0,
                        completion_mode=completion_mode)
        return cls(**{**defaults, **kwargs})
