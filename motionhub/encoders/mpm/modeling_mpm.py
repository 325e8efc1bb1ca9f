# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MPM: unified 2D and 3D masked pose modeling on P-STMO's network (Zhang et al., 2023).

Layout: ``(B, T, J, 2)`` 2D or ``(B, T, J, 3)`` 3D keypoints with ``T == config.frames``. Each modality has its own
input embedding (Linear ``C_in * J -> 2 * channel``, BatchNorm, LeakyReLU); both feed the shared spatial MLP
(residual block + projection to ``channel``) and the shared temporal transformer, giving ``(B, T, channel)``.

* :class:`MPMForPoseLifting` is the finetuned 3D lifting model, the same network as P-STMO's STMO (strided
  transformer -> centre frame; per-frame branch for the multi-frame loss).
* :class:`MPMForMaskedPoseModeling` is the pretraining model (official ``MPMmask2``): spatial masks replace joints by a
  learned 2-/3-vector, masked frames are dropped before the temporal transformer and replaced by a learned token
  before the 1-layer 2D / 3D decoders; 2D input can also be lifted to 3D by the 3D decoder.
* :class:`MPMForPoseCompletion` (official ``MPMmask``) completes 3D from partial 3D or completes 2D and lifts it to 3D,
  with tube masks (whole joints hidden in every frame) and 2-layer decoders.

Reconstructions are returned in the original frame order, as the official models do.
"""

from __future__ import annotations

import torch
from torch import nn

from ...losses import mpjpe_loss
from ...modeling_outputs import (
    MaskedPoseModelingOutput,
    MotionEncoderOutput,
    PoseCompletionOutput,
    PoseLiftingOutput,
)
from ...modeling_utils import MotionPreTrainedModel
from ..stmo.modeling_stmo import (
    STMOEncoderMixin,
    STMOInputEmbedding,
    STMOLayerNorm,
    STMOPoseHead,
    STMOSpatialEncoder,
    STMOTransformer,
    StridedLiftingHeadMixin,
    apply_joint_mask,
    check_fixed_length,
    decoder_tokens,
    init_strided_lifting_weights,
    normalize_frame_mask,
    normalize_joint_mask,
    resolve_frame_mask,
    sample_joint_mask,
    unshuffle_frames,
)
from .configuration_mpm import MPMConfig

__all__ = [
    "MPMPreTrainedModel",
    "MPMModel",
    "MPMForPoseLifting",
    "MPMForMaskedPoseModeling",
    "MPMForPoseCompletion",
    "TUBE_LIMBS",
    "sample_tube_mask",
]

# Limbs hidden by MPM's tube masks (trainutils/pretrain_epoch.py::TubeMaskGen), per joint layout.
TUBE_LIMBS: dict[str, dict[str, list[int]]] = {
    "h36m-17": {"right_leg": [1, 2, 3], "left_leg": [4, 5, 6], "left_arm": [11, 12, 13], "right_arm": [14, 15, 16]},
    "h36m-16": {"right_leg": [1, 2, 3], "left_leg": [4, 5, 6], "left_arm": [10, 11, 12], "right_arm": [13, 14, 15]},
}


def sample_tube_mask(batch_size: int, layout: str, modality: int, generator: torch.Generator | None = None,
                     device: torch.device | str | None = None) -> torch.Tensor:
    """MPM tube masks ``(B, J)`` (True = joint hidden in every frame), one per sample.

    3D (``modality=3``): one limb of four. 2D (``modality=2``): both legs, both arms, the right side (leg + arm) or the
    left side, uniformly. The official code indexes its limbs in the 16-joint layout; here the limbs are taken from
    ``layout`` (``"h36m-17"`` or ``"h36m-16"``), so they are anatomically the same for both.
    """
    if layout not in TUBE_LIMBS:
        raise ValueError(f"tube masks are defined for {sorted(TUBE_LIMBS)}, got layout {layout!r}; pass joint_mask=")
    limbs = TUBE_LIMBS[layout]
    if modality == 3:
        groups = [limbs["right_leg"], limbs["left_arm"], limbs["right_arm"], limbs["left_leg"]]
    elif modality == 2:
        groups = [limbs["right_leg"] + limbs["left_leg"], limbs["right_arm"] + limbs["left_arm"],
                  limbs["right_leg"] + limbs["right_arm"], limbs["left_leg"] + limbs["left_arm"]]
    else:
        raise ValueError(f"modality must be 2 or 3, got {modality}")
    num_joints = 17 if layout == "h36m-17" else 16
    choice = torch.randint(len(groups), (batch_size,), generator=generator)
    mask = torch.zeros(batch_size, num_joints, dtype=torch.bool)
    for i, g in enumerate(choice.tolist()):
        mask[i, groups[g]] = True
    return mask.to(device) if device is not None else mask


class MPMPreTrainedModel(MotionPreTrainedModel):
    config_class = MPMConfig
    config: MPMConfig
    base_model_prefix = "mpm"
    supports_gradient_checkpointing = False  # BatchNorm statistics would be updated twice by re-computation
    _no_split_modules = ["STMOTransformerLayer"]

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        init_strided_lifting_weights(module)


class MPMModel(STMOEncoderMixin, MPMPreTrainedModel):
    """MPM encoder: 2D or 3D keypoints ``(B, frames, J, 2|3)`` -> per-frame representation ``(B, frames, channel)``.

    The input embedding is chosen by the channel count (2 = screen-normalised x, y; 3 = root-relative x, y, z, the
    latter only with ``config.use_3d_input_encoder``); the spatial MLP and temporal transformer are shared.
    """

    def __init__(self, config: MPMConfig):
        super().__init__(config)
        hidden = 2 * config.channel
        self.input_embedding_2d = STMOInputEmbedding(config.dim_in * config.num_joints, hidden, config.spatial_dropout)
        self.input_embedding_3d = (
            STMOInputEmbedding(3 * config.num_joints, hidden, config.spatial_dropout)
            if config.use_3d_input_encoder else None
        )
        self.spatial_encoder = STMOSpatialEncoder(hidden, config.channel, config.num_spatial_blocks,
                                                  config.spatial_dropout)
        self.temporal_encoder = STMOTransformer(config, config.layers, config.channel, config.d_hid, config.frames)
        self.post_init()

    @property
    def input_channels(self) -> tuple[int, ...]:
        return (self.config.dim_in, 3) if self.input_embedding_3d is not None else (self.config.dim_in,)

    def forward(
        self,
        keypoints: torch.Tensor,
        frame_mask: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MotionEncoderOutput | tuple:
        """Args:
        keypoints: ``(B, frames, J, 2)`` or ``(B, frames, J, 3)``.
        frame_mask: optional ``(frames,)`` / ``(B, frames)`` bool, True = frame hidden from the temporal transformer;
            the output then holds the visible frames only, ascending.
        """
        check_fixed_length(keypoints, self.config, self.input_channels)
        output_hidden_states = (
            output_hidden_states if output_hidden_states is not None else self.config.output_hidden_states
        )
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        b, t = keypoints.shape[:2]
        if frame_mask is not None:
            frame_mask = normalize_frame_mask(frame_mask, b, self.config.frames, keypoints.device)
        embed = self.input_embedding_2d if keypoints.shape[-1] == self.config.dim_in else self.input_embedding_3d
        x = embed(keypoints.reshape(b, t, -1))
        x, hidden_states = self.encode_tokens(x, frame_mask, bool(output_hidden_states))
        if not return_dict:
            return tuple(v for v in (x, hidden_states) if v is not None)
        return MotionEncoderOutput(last_hidden_state=x, hidden_states=hidden_states)


class MPMForPoseLifting(StridedLiftingHeadMixin, MPMPreTrainedModel):
    """MPM's finetuned lifting model (official ``model/MPM.py::Model``), mathematically P-STMO's STMO.

    ``(B, frames, J, 2)`` -> ``pose_3d`` ``(B, 1, J, 3)`` (centre frame) and ``pose_3d_all_frames``
    ``(B, frames, J, 3)``. ``labels`` ``(B, frames, J, 3)``: P-STMO's loss (all-frames MPJPE + centre MPJPE, label
    root zeroed). Converts from MPM checkpoints (``encoder2d`` / ``shared_layers_*``) and from P-STMO's.
    """

    def __init__(self, config: MPMConfig):
        super().__init__(config)
        self.mpm = MPMModel(config)
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
        check_fixed_length(keypoints, self.config, self.config.dim_in)
        enc = self.mpm(keypoints, output_hidden_states=output_hidden_states, return_dict=True)
        return self.lift(enc.last_hidden_state, labels, enc.hidden_states, return_dict)


class _MPMMaskedBase(MPMPreTrainedModel):
    """Shared body of MPMmask2 / MPMmask: masking, encoder, decoder tokens in original frame order, 2D/3D decoders."""

    def __init__(self, config: MPMConfig):
        super().__init__(config)
        self.mpm = MPMModel(config)
        c = config.channel
        self.encoder_norm = STMOLayerNorm(c, config.layer_norm_eps)
        self.decoder_position_embeddings = nn.Parameter(torch.zeros(1, config.frames, c))
        self.temporal_mask_token = nn.Parameter(torch.zeros(1, 1, c))
        self.spatial_mask_token_2d = nn.Parameter(torch.zeros(1, 1, config.dim_in))
        self.spatial_mask_token_3d = nn.Parameter(torch.zeros(1, 1, 3))
        self.decoder_2d = STMOTransformer(config, config.decoder_layers, c, config.decoder_d_hid)
        self.decoder_3d = STMOTransformer(config, config.decoder_layers, c, config.decoder_d_hid)
        self.decoder_head_2d = STMOPoseHead(c, config.num_joints, config.dim_in)
        self.decoder_head_3d = STMOPoseHead(c, config.num_joints, 3)

    def _encode_decode(self, keypoints, joint_mask, frame_mask, want_2d: bool, want_3d: bool, tube: bool,
                       output_hidden_states):
        config = self.config
        check_fixed_length(keypoints, config, self.mpm.input_channels)
        b, t, _, d = keypoints.shape
        is_2d = d == config.dim_in
        if joint_mask is not None:
            joint_mask = normalize_joint_mask(joint_mask, keypoints, tube=tube)
        token = (self.spatial_mask_token_2d if is_2d else self.spatial_mask_token_3d).view(-1)
        x = apply_joint_mask(keypoints, joint_mask, token)
        if frame_mask is None:
            frame_mask = torch.zeros(b, t, dtype=torch.bool, device=keypoints.device)
        enc = self.mpm(x, frame_mask=frame_mask, output_hidden_states=output_hidden_states, return_dict=True)
        feats = self.encoder_norm(enc.last_hidden_state)
        tokens, order = decoder_tokens(feats, frame_mask, self.decoder_position_embeddings, self.temporal_mask_token)
        tokens = unshuffle_frames(tokens, order)  # MPM decodes in the original frame order
        out_2d = self.decoder_head_2d(self.decoder_2d(tokens)[0]) if want_2d else None
        out_3d = self.decoder_head_3d(self.decoder_3d(tokens)[0]) if want_3d else None
        return out_2d, out_3d

    @staticmethod
    def _check_target(target, like: torch.Tensor, name: str) -> torch.Tensor:
        if not isinstance(target, torch.Tensor) or target.shape != like.shape:
            raise ValueError(
                f"`{name}` must be a tensor of shape {tuple(like.shape)} (B, T, J, C), got "
                f"{tuple(getattr(target, 'shape', ())) or type(target).__name__}"
            )
        return target


class MPMForMaskedPoseModeling(_MPMMaskedBase):
    """MPM pretraining model (official ``MPMmask2``): masked 2D / 3D pose modeling and masked 2D -> 3D lifting.

    Args of ``forward``:
        keypoints: ``(B, frames, J, 2)`` 2D or ``(B, frames, J, 3)`` root-relative 3D clip.
        joint_mask: ``(frames, J)`` (shared, as official) or ``(B, frames, J)`` bool, True = joint replaced by the
            learned spatial mask token of the input's modality.
        frame_mask: ``(frames,)`` (shared, as official; 0/1 floats accepted) or ``(B, frames)`` bool, True = frame
            dropped before the temporal transformer (same count in every sample, at least one frame visible).
        lift: 2D input only: also predict 3D with the 3D decoder (``lifted_3d``).
        labels: target of the reconstruction, same shape as ``keypoints`` (the clean clip).
        labels_3d: ``(B, frames, J, 3)`` target of ``lifted_3d``.

    When a mask is ``None`` in training mode it is sampled like the official ``MaskGen`` (``spatial_mask_num``
    joints per frame, ``int(frames * temporal_mask_ratio)`` frames, one mask per batch); in eval mode ``None`` means no
    masking. Loss: ``loss_weight_2d · MPJPE2D`` (2D input) or ``loss_weight_3d · MPJPE3D`` (3D input), plus
    ``loss_weight_lift · MPJPE(lifted_3d, labels_3d)``. The official iteration (``5 · 2D + 2 · 3D``) is one 2D and one
    3D call whose losses are summed.

    Outputs (original frame order): ``reconstruction_2d`` / ``reconstruction_3d`` and ``lifted_3d``.
    """

    def __init__(self, config: MPMConfig):
        super().__init__(config)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        joint_mask: torch.Tensor | None = None,
        frame_mask: torch.Tensor | None = None,
        lift: bool = False,
        labels: torch.Tensor | None = None,
        labels_3d: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MaskedPoseModelingOutput | tuple:
        config = self.config
        return_dict = return_dict if return_dict is not None else config.return_dict
        check_fixed_length(keypoints, config, self.mpm.input_channels)
        b, t, j, d = keypoints.shape
        is_2d = d == config.dim_in
        if lift and not is_2d:
            raise ValueError("`lift=True` needs 2D keypoints (B, T, J, 2); 3D input is reconstructed, not lifted")
        frame_mask = resolve_frame_mask(frame_mask, b, config, keypoints.device, self.training, sample=True)
        if joint_mask is None and self.training and config.spatial_mask_num > 0:
            joint_mask = sample_joint_mask(t, j, config.spatial_mask_num, device=keypoints.device)
        rec_2d, rec_3d = self._encode_decode(keypoints, joint_mask, frame_mask, want_2d=is_2d,
                                             want_3d=(not is_2d) or lift, tube=False,
                                             output_hidden_states=output_hidden_states)
        lifted = rec_3d if is_2d else None
        rec_3d = None if is_2d else rec_3d
        loss, components = None, {}
        if labels is not None:
            rec = rec_2d if is_2d else rec_3d
            term = mpjpe_loss(rec, self._check_target(labels, rec, "labels"))
            components["mpjpe_2d" if is_2d else "mpjpe_3d"] = term.detach()
            loss = (config.loss_weight_2d if is_2d else config.loss_weight_3d) * term
        if labels_3d is not None:
            if lifted is None:
                raise ValueError("`labels_3d` supervises the lifted 3D pose: pass 2D keypoints with lift=True")
            term = mpjpe_loss(lifted, self._check_target(labels_3d, lifted, "labels_3d"))
            components["mpjpe_lift"] = term.detach()
            loss = config.loss_weight_lift * term if loss is None else loss + config.loss_weight_lift * term
        out = MaskedPoseModelingOutput(
            loss=loss, reconstruction_2d=rec_2d, reconstruction_3d=rec_3d, lifted_3d=lifted,
            loss_components=components or None,
        )
        return out if return_dict else out.to_tuple()


class MPMForPoseCompletion(_MPMMaskedBase):
    """MPM completion / lifting model (official ``MPMmask``): 3D from partial 3D, or completed 2D + 3D from partial 2D.

    Args of ``forward``:
        keypoints: ``(B, frames, J, 2)`` (possibly incomplete) 2D or ``(B, frames, J, 3)`` 3D.
        joint_mask: missing joints, True = hidden: ``(B, J)`` tube mask (the joint is missing in every frame, as the
            official model is trained) or ``(B, frames, J)``. Hidden joints are replaced by the learned token, so their
            input values do not matter.
        frame_mask: optional ``(frames,)`` / ``(B, frames)`` bool, frames to drop before the temporal transformer.
        labels: ``(B, frames, J, 3)`` 3D target (of the completion for 3D input, of the lifting for 2D input).
        labels_2d: ``(B, frames, J, 2)`` target of the completed 2D (2D input).

    Outputs: ``pose_3d`` ``(B, frames, J, 3)`` (completed or lifted, original frame order) and, for 2D input,
    ``pose_2d``. Unlike the official model, 2D input is always lifted (the official returns zeros for the 3D unless
    trained with ``--comp2dlift``). In training mode a ``None`` joint mask is sampled with :func:`sample_tube_mask`
    (layout from ``config.joint_layout``) and a ``None`` frame mask with ``temporal_mask_ratio``. Loss weights follow
    ``config.completion_mode`` (:data:`COMPLETION_LOSS_WEIGHTS`): e.g. ``comp2dlift`` = ``2 · lift + 2D``.
    """

    def __init__(self, config: MPMConfig):
        super().__init__(config)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        joint_mask: torch.Tensor | None = None,
        frame_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        labels_2d: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> PoseCompletionOutput | tuple:
        config = self.config
        return_dict = return_dict if return_dict is not None else config.return_dict
        check_fixed_length(keypoints, config, self.mpm.input_channels)
        b, _, _, d = keypoints.shape
        is_2d = d == config.dim_in
        frame_mask = resolve_frame_mask(frame_mask, b, config, keypoints.device, self.training, sample=True)
        if joint_mask is None and self.training:
            joint_mask = sample_tube_mask(b, config.joint_layout, 2 if is_2d else 3, device=keypoints.device)
        pose_2d, pose_3d = self._encode_decode(keypoints, joint_mask, frame_mask, want_2d=is_2d, want_3d=True,
                                               tube=True, output_hidden_states=output_hidden_states)
        weights = config.completion_loss_weights
        loss, components = None, {}
        if labels is not None:
            term = mpjpe_loss(pose_3d, self._check_target(labels, pose_3d, "labels"))
            key = "lift" if is_2d else "3d"
            components[f"mpjpe_{key}"] = term.detach()
            loss = weights[key] * term
        if labels_2d is not None:
            if pose_2d is None:
                raise ValueError("`labels_2d` supervises the completed 2D pose: pass 2D keypoints")
            term = mpjpe_loss(pose_2d, self._check_target(labels_2d, pose_2d, "labels_2d"))
            components["mpjpe_2d"] = term.detach()
            loss = weights["2d"] * term if loss is None else loss + weights["2d"] * term
        out = PoseCompletionOutput(loss=loss, pose_3d=pose_3d, pose_2d=pose_2d, loss_components=components or None)
        return out if return_dict else out.to_tuple()
