# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Masked pose modeling pretraining: P-STMO (Shan et al., ECCV 2022) and MPM (Zhang et al., 2023).

Both objectives run under ``transformers.Trainer`` (:class:`~motionhub.tasks.trainer.MotionTrainer`) on the clips of
:class:`~motionhub.tasks.pretrain_lifting.LiftingPretrainDataset`: 3D mocap seen by random virtual cameras (item
``{"pose_3d": (T, J, 3)}``, normalised camera space whose x, y ARE the 2D projection) and/or 2D-only clips (item
``{"keypoints_2d": (T, J, 3)}``: x, y, confidence normalised to [-1, 1]; confidence 0 = missing joint). Any dataset
yielding such items works.

Pieces:

* :class:`MaskSampler`: P-STMO / MPM masks for a batch, True = masked. ``"temporal"`` hides ``int(T * ratio)``
  frames from the encoder (P-STMO: 0.8 for P-STMO-S, 0.6 for P-STMO; MPM: 0.6), ``"spatial"`` replaces
  ``spatial_mask_num`` joints of every frame by the learned padding token (P-STMO: 2 / 3, 7 for the GT-2D model;
  MPM: 5), ``"spatio-temporal"`` does both (the setting of every released model). One mask per batch (the official
  behaviour) or one per clip (``per_sample``). The strategy is explicit: the collators always pass both masks (an
  all-False mask disables one kind), so the models never fall back to their own sampling.
* **P-STMO** (``Model_MAE``): :class:`MaskedPose2DCollator` -> :class:`STMOForMaskedPretraining` (a
  :class:`~motionhub.STMOForMaskedPoseModeling`, same weights): the encoder sees only the visible frames (masked joints
  replaced by the learnable token), the decoder reconstructs every frame from them plus a learned token per masked
  frame; loss = 2D MPJPE over all frames and joints (P-STMO's loss). :func:`build_pstmo_pretrainer`.
* **MPM** (``MPMmask2``): :class:`MPMPretrainCollator` -> :class:`MPMForMaskedPretraining` (a
  :class:`~motionhub.MPMForMaskedPoseModeling`, same weights). Three pretext tasks on every clip with 3D:
  masked 2D modeling (2D in, 2D decoder), masked 3D modeling (root-relative 3D in, 3D decoder) and masked 2D -> 3D
  lifting (the masked 2D pass, 3D decoder), each with its own masks. Loss = ``loss_weight_2d · MPJPE2D +
  loss_weight_3d · MPJPE3D + loss_weight_lift · MPJPE_lift`` (config defaults 5 / 2 / 1: the official
  ``5 · mpjpe2d + 2 · mpjpe3d`` plus the lifting term of its PoseAug iterations). Iteration schedule
  (``MPMPretrainCollator.schedule``): ``"sum"`` (default, as the official pretrainer: every batch runs the 2D pass
  (with lifting) and the 3D pass and their weighted losses are summed into one backward) or ``"alternate"`` (batch
  ``k`` trains pretext ``k mod 3`` only: 2D, 3D, lift, ...; the model then skips the unused pass). 2D-only clips take
  part in the masked 2D task only. :func:`build_mpm_pretrainer`.
* Transfer (the official ``--MAE_reload`` / ``--MAEreload``): ``save_pretrained`` the pretraining model, then
  ``STMOForPoseLifting.from_pretrained(dir)`` / ``MPMForPoseLifting.from_pretrained(dir)`` load the encoder
  (``stmo.*`` / ``mpm.*``) and initialise only the lifting head (strided transformer, ``pose_head``,
  ``all_frames_head``). ``MPMForPoseCompletion.from_pretrained(dir)`` is the same network as the pretraining model
  and loads everything (with ``decoder_layers=2``, the official completion decoders, only the second decoder layers
  are new).

Optimiser (both papers): Adam with AMSGrad, lr 1e-4, lr × 0.97 after every epoch, no weight decay (P-STMO batch
160, 80 epochs; MPM batch 1024, 50 epochs). The builders use it by default (``optimizer="adam_amsgrad"``);
``optimizer="args"`` uses ``TrainingArguments.optim`` instead.

Units and normalisation: the virtual-camera clips are normalised with MotionBERT's ``crop_scale_3d`` (square box
around the 2D track -> [-1, 1], depth with the same factor), so 2D inputs are in [-1, 1] and the MPM 3D inputs /
targets are root-relative in the same units; record it with ``input_normalization="crop_scale"`` in the config. For
the official setting (screen-normalised Human3.6M 2D, ``x / w * 2 - [1, h / w]``, clips sampled every ``tds=2``
frames of the 50 fps video) pass 2D-only clips normalised with :func:`motionhub.processing.normalize_screen`
(confidence 1) taken from ``sequence[::2]``. Masks use the frame count of the clip, which must equal ``config.frames``.
Use ``dataloader_num_workers=0`` for reproducible masks (each worker would copy the collator's generator).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from motionhub.corruption import make_generator
from motionhub.encoders.mpm import MPMConfig, MPMForMaskedPoseModeling
from motionhub.encoders.stmo import (
    STMOConfig,
    STMOForMaskedPoseModeling,
    sample_frame_mask,
    sample_joint_mask,
)
from motionhub.encoders.stmo.modeling_stmo import check_fixed_length, resolve_frame_mask
from motionhub.losses import masked_mpjpe_loss, mpjpe_loss
from motionhub.modeling_outputs import MaskedPoseModelingOutput

__all__ = [
    "MASKING_STRATEGIES",
    "MPM_PRETEXTS",
    "MPMForMaskedPretraining",
    "MPMPretrainCollator",
    "MaskSampler",
    "MaskedPose2DCollator",
    "STMOForMaskedPretraining",
    "build_mpm_pretrainer",
    "build_pstmo_pretrainer",
]

#: Masking strategies of P-STMO's ablation (and MPM's spatio-temporal masks).
MASKING_STRATEGIES = ("spatial", "temporal", "spatio-temporal")
#: MPM's pretext tasks, in the order of ``pretext_weights``: masked 2D, masked 3D, masked 2D -> 3D lifting.
MPM_PRETEXTS = ("2d", "3d", "lift")
_OPTIMIZERS = ("adam_amsgrad", "args")


# ------------------------------------------------------------------------------------------------------------ masks
@dataclass
class MaskSampler:
    """Frame and joint masks of P-STMO / MPM pretraining (True = masked).

    Attributes:
        strategy: ``"spatial"`` (joints only), ``"temporal"`` (frames only) or ``"spatio-temporal"`` (both).
        temporal_mask_ratio: fraction of frames hidden from the encoder (``int(frames * ratio)`` frames, at least one
            frame stays visible).
        spatial_mask_num: joints replaced by the mask token in every frame (distinct joints, drawn per frame).
        per_sample: one mask per clip (same frame count in every clip, so tokens still batch) instead of one mask
            shared by the batch (the official code).
        maskable_joints: joints the spatial mask may pick (default: all).
        seed: seed of the sampler's own ``torch.Generator``.
    """

    strategy: str = "spatio-temporal"
    temporal_mask_ratio: float = 0.8
    spatial_mask_num: int = 2
    per_sample: bool = False
    maskable_joints: Sequence[int] | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.strategy not in MASKING_STRATEGIES:
            raise ValueError(f"strategy must be one of {MASKING_STRATEGIES}, got {self.strategy!r}")
        if not 0.0 <= float(self.temporal_mask_ratio) < 1.0:
            raise ValueError(
                f"temporal_mask_ratio must be in [0, 1) (at least one frame stays visible), got {self.temporal_mask_ratio}"
            )
        if int(self.spatial_mask_num) < 0:
            raise ValueError(f"spatial_mask_num must be >= 0, got {self.spatial_mask_num}")
        if self.maskable_joints is not None:
            joints = [int(j) for j in self.maskable_joints]
            if len(set(joints)) != len(joints) or any(j < 0 for j in joints):
                raise ValueError(f"maskable_joints must be distinct joint indices >= 0, got {self.maskable_joints}")
            if self.spatial_mask_num > len(joints):
                raise ValueError(
                    f"spatial_mask_num={self.spatial_mask_num} exceeds the {len(joints)} maskable joints"
                )
            self.maskable_joints = joints
        self._generator = make_generator(self.seed)

    @classmethod
    def from_config(cls, config: STMOConfig | MPMConfig, strategy: str = "spatio-temporal", **kwargs) -> MaskSampler:
        """A sampler with the config's ``temporal_mask_ratio`` / ``spatial_mask_num`` (e.g. P-STMO-S 0.8 / 2,
        P-STMO 0.6 / 3, MPM 0.6 / 5)."""
        return cls(strategy=strategy, temporal_mask_ratio=config.temporal_mask_ratio,
                   spatial_mask_num=config.spatial_mask_num, **kwargs)

    @property
    def masks_frames(self) -> bool:
        return self.strategy != "spatial" and self.temporal_mask_ratio > 0

    @property
    def masks_joints(self) -> bool:
        return self.strategy != "temporal" and self.spatial_mask_num > 0

    def _joint_mask(self, frames: int, num_joints: int) -> Tensor:
        if self.maskable_joints is None:
            return sample_joint_mask(frames, num_joints, self.spatial_mask_num, generator=self._generator)
        if max(self.maskable_joints) >= num_joints:
            raise ValueError(f"maskable_joints {self.maskable_joints} out of range for {num_joints} joints")
        sub = sample_joint_mask(frames, len(self.maskable_joints), self.spatial_mask_num, generator=self._generator)
        mask = torch.zeros(frames, num_joints, dtype=torch.bool)
        mask[:, self.maskable_joints] = sub
        return mask

    def __call__(self, batch_size: int, frames: int, num_joints: int) -> tuple[Tensor, Tensor]:
        """Returns ``frame_mask`` ``(B, T)`` and ``joint_mask`` ``(B, T, J)`` (bool, all False for the kind the
        strategy does not use)."""
        if batch_size < 1 or frames < 1 or num_joints < 1:
            raise ValueError(f"batch_size, frames and num_joints must be >= 1, got {batch_size}, {frames}, {num_joints}")
        if self.masks_joints and self.spatial_mask_num > num_joints:
            raise ValueError(f"spatial_mask_num={self.spatial_mask_num} exceeds the {num_joints} joints of the clip")
        n = batch_size if self.per_sample else 1
        if self.masks_frames:
            frame = torch.stack([sample_frame_mask(frames, self.temporal_mask_ratio, generator=self._generator)
                                 for _ in range(n)])  # fmt: skip
        else:
            frame = torch.zeros(n, frames, dtype=torch.bool)
        if self.masks_joints:
            joint = torch.stack([self._joint_mask(frames, num_joints) for _ in range(n)])
        else:
            joint = torch.zeros(n, frames, num_joints, dtype=torch.bool)
        if not self.per_sample:
            frame = frame.expand(batch_size, -1).clone()
            joint = joint.expand(batch_size, -1, -1).clone()
        return frame, joint


# ------------------------------------------------------------------------------------------------------------ items
def _parse_items(features: list[dict[str, Any]], root: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Items -> 2D ``(B, T, J, 2)``, root-relative 3D ``(B, T, J, 3)`` (zeros without 3D), ``has_3d`` ``(B,)``,
    ``visible`` ``(B, T, J)`` (False where a 2D-only clip has confidence 0)."""
    if not features:
        raise ValueError("empty batch")
    kp2d, pose3d, has_3d, visible = [], [], [], []
    for f in features:
        if "pose_3d" in f:
            pose = torch.as_tensor(f["pose_3d"]).float()
            if pose.ndim != 3 or pose.shape[-1] != 3:
                raise ValueError(f"'pose_3d' must be (T, J, 3), got {tuple(pose.shape)}")
            kp2d.append(pose[..., :2])
            pose3d.append(pose - pose[:, root : root + 1])
            has_3d.append(True)
            visible.append(torch.ones(pose.shape[:2], dtype=torch.bool))
        elif "keypoints_2d" in f:
            kp = torch.as_tensor(f["keypoints_2d"]).float()
            if kp.ndim != 3 or kp.shape[-1] not in (2, 3):
                raise ValueError(f"'keypoints_2d' must be (T, J, 2) or (T, J, 3) (x, y[, confidence]), got "
                                 f"{tuple(kp.shape)}")  # fmt: skip
            kp2d.append(kp[..., :2])
            pose3d.append(torch.zeros(*kp.shape[:2], 3))
            has_3d.append(False)
            visible.append(kp[..., 2] > 0 if kp.shape[-1] == 3 else torch.ones(kp.shape[:2], dtype=torch.bool))
        else:
            raise ValueError("every item needs 'pose_3d' (T, J, 3) or 'keypoints_2d' (T, J, 2|3)")
    shapes = {tuple(k.shape) for k in kp2d}
    if len(shapes) > 1:
        raise ValueError(f"all clips of a batch must have the same (T, J), got {sorted(shapes)}")
    return torch.stack(kp2d), torch.stack(pose3d), torch.tensor(has_3d), torch.stack(visible)


# ------------------------------------------------------------------------------------------------------ P-STMO
@dataclass
class MaskedPose2DCollator:
    """P-STMO masked 2D pose modeling batch from clip items.

    Returns ``keypoints`` ``(B, T, J, 2)`` (the clean 2D: x, y of the virtual-camera projection or of the 2D-only
    clip), ``labels`` (the same tensor: the reconstruction target), ``frame_mask`` ``(B, T)`` and ``joint_mask``
    ``(B, T, J)`` from :attr:`masks`, and, when some joints are missing (confidence 0 in 2D-only clips),
    ``visibility`` ``(B, T, J)``: missing joints are added to the joint mask (the model sees the mask token, not the
    zeros) and left out of the loss.

    Attributes:
        masks: the :class:`MaskSampler` (default: P-STMO-S, spatio-temporal, 80 % of frames, 2 joints per frame).
        root: root joint index (only used for items with 3D; P-STMO reconstructs absolute 2D).
    """

    masks: MaskSampler = field(default_factory=MaskSampler)
    root: int = 0

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Tensor]:
        kp2d, _, _, visible = _parse_items(features, self.root)
        b, t, j, _ = kp2d.shape
        frame_mask, joint_mask = self.masks(b, t, j)
        batch = {"keypoints": kp2d, "labels": kp2d.clone(), "frame_mask": frame_mask, "joint_mask": joint_mask}
        if not visible.all():
            batch["joint_mask"] = joint_mask | ~visible
            batch["visibility"] = visible
        return batch


class STMOForMaskedPretraining(STMOForMaskedPoseModeling):
    """P-STMO masked 2D pose modeling, ready for the Trainer (same modules and weight names as
    :class:`~motionhub.STMOForMaskedPoseModeling`; its checkpoints load into ``STMOForPoseLifting`` / ``STMOModel``).

    ``forward(keypoints, frame_mask, joint_mask, labels)`` is the parent's (loss = 2D MPJPE over all frames, as
    P-STMO). With ``visibility`` ``(B, T, J)`` (True = joint observed) the loss is averaged over observed joints only
    (:func:`~motionhub.losses.masked_mpjpe_loss`), for 2D clips with missing joints.
    """

    def forward(
        self,
        keypoints: Tensor,
        frame_mask: Tensor | None = None,
        joint_mask: Tensor | None = None,
        labels: Tensor | None = None,
        visibility: Tensor | None = None,
        official_frame_order: bool = False,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MaskedPoseModelingOutput | tuple:
        if visibility is None or labels is None:
            return super().forward(keypoints, frame_mask=frame_mask, joint_mask=joint_mask, labels=labels,
                                   official_frame_order=official_frame_order,
                                   output_hidden_states=output_hidden_states, return_dict=return_dict)  # fmt: skip
        if official_frame_order:
            raise ValueError("`visibility` weights the loss in the original frame order; use official_frame_order=False")
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        out = super().forward(keypoints, frame_mask=frame_mask, joint_mask=joint_mask, labels=labels,
                              output_hidden_states=output_hidden_states, return_dict=True)  # fmt: skip
        recon = out.reconstruction_2d
        if not isinstance(visibility, Tensor) or visibility.shape != recon.shape[:3]:
            raise ValueError(f"`visibility` must be a (B, T, J) = {tuple(recon.shape[:3])} tensor, got "
                             f"{tuple(getattr(visibility, 'shape', ())) or type(visibility).__name__}")  # fmt: skip
        loss = masked_mpjpe_loss(recon, labels, visibility)
        out = MaskedPoseModelingOutput(loss=loss, reconstruction_2d=recon, loss_components={"mpjpe_2d": loss.detach()})
        return out if return_dict else out.to_tuple()


# --------------------------------------------------------------------------------------------------------- MPM
@dataclass
class MPMPretrainCollator:
    """MPM pretraining batch from clip items.

    Returns ``keypoints`` ``(B, T, J, 2)`` (clean 2D), ``keypoints_3d`` ``(B, T, J, 3)`` (clean root-relative 3D;
    zeros for 2D-only clips), ``has_3d`` ``(B,)``, the masks of the 2D pass (``frame_mask`` ``(B, T)``,
    ``joint_mask`` ``(B, T, J)``) and of the 3D pass (``frame_mask_3d``, ``joint_mask_3d``), sampled independently,
    ``pretext_weights`` ``(3,)`` (multipliers of the 2D / 3D / lift loss weights for this batch) and, when a 2D-only
    clip has missing joints, ``visibility`` ``(B, T, J)`` (missing joints are also added to the 2D joint mask).

    Attributes:
        masks: :class:`MaskSampler` (default: MPM, spatio-temporal, 60 % of frames, 5 joints per frame).
        schedule: ``"sum"``: every batch trains all ``pretexts`` (weights 1); ``"alternate"``: batch ``k`` trains
            ``pretexts[k % len(pretexts)]`` only (one-hot weights; a 3D or lift turn on a batch without 3D clips
            falls back to 2D).
        pretexts: the pretext tasks to train, a subset of :data:`MPM_PRETEXTS` (``("2d", "3d")`` = the official
            iterations without PoseAug).
        root: root joint of the 3D clips.
    """

    masks: MaskSampler = field(default_factory=lambda: MaskSampler(temporal_mask_ratio=0.6, spatial_mask_num=5))
    schedule: str = "sum"
    pretexts: Sequence[str] = MPM_PRETEXTS
    root: int = 0

    def __post_init__(self) -> None:
        if self.schedule not in ("sum", "alternate"):
            raise ValueError(f"schedule must be 'sum' or 'alternate', got {self.schedule!r}")
        pretexts = tuple(self.pretexts)
        if not pretexts or any(p not in MPM_PRETEXTS for p in pretexts) or len(set(pretexts)) != len(pretexts):
            raise ValueError(f"pretexts must be distinct names from {MPM_PRETEXTS}, got {self.pretexts!r}")
        self.pretexts = pretexts
        self._turns = itertools.cycle(pretexts)

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Tensor]:
        kp2d, kp3d, has_3d, visible = _parse_items(features, self.root)
        b, t, j, _ = kp2d.shape
        frame_2d, joint_2d = self.masks(b, t, j)
        frame_3d, joint_3d = self.masks(b, t, j)
        if self.schedule == "sum":
            active = set(self.pretexts)
        else:
            turn = next(self._turns)
            active = {turn if (turn == "2d" or has_3d.any()) else "2d"}
        weights = torch.tensor([float(p in active) for p in MPM_PRETEXTS])
        batch = {"keypoints": kp2d, "keypoints_3d": kp3d, "has_3d": has_3d, "frame_mask": frame_2d,
                 "joint_mask": joint_2d, "frame_mask_3d": frame_3d, "joint_mask_3d": joint_3d,
                 "pretext_weights": weights}  # fmt: skip
        if not visible.all():
            batch["joint_mask"] = joint_2d | ~visible
            batch["visibility"] = visible
        return batch


class MPMForMaskedPretraining(MPMForMaskedPoseModeling):
    """MPM pretraining with the three pretext tasks in one ``forward`` (same modules and weight names as
    :class:`~motionhub.MPMForMaskedPoseModeling`; its checkpoints load into ``MPMForPoseLifting`` /
    ``MPMForPoseCompletion`` / ``MPMModel``).

    The targets are the clean inputs themselves (masked autoencoding), so the loss is returned whenever
    ``return_loss`` (default True, which is also how the Trainer knows this model computes its loss without labels).
    """

    def forward(
        self,
        keypoints: Tensor | None = None,
        *,
        keypoints_3d: Tensor | None = None,
        has_3d: Tensor | None = None,
        frame_mask: Tensor | None = None,
        joint_mask: Tensor | None = None,
        frame_mask_3d: Tensor | None = None,
        joint_mask_3d: Tensor | None = None,
        visibility: Tensor | None = None,
        pretext_weights: Tensor | Sequence[float] | None = None,
        return_loss: bool = True,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MaskedPoseModelingOutput | tuple:
        """Args:
        keypoints: ``(B, T, J, 2)`` clean 2D clips (input of the masked 2D and lifting tasks, target of the first).
        keypoints_3d: ``(B, T, J, 3)`` clean root-relative 3D clips (input of the masked 3D task, target of it and of
            lifting), row-aligned with ``keypoints``; alone (``keypoints=None``) it trains the 3D task only.
        has_3d: ``(B,)`` bool, the rows of ``keypoints_3d`` that hold 3D (default: all).
        frame_mask / joint_mask: masks of the 2D pass, ``(T,)`` / ``(B, T)`` and ``(T, J)`` / ``(B, T, J)``;
            frame_mask_3d / joint_mask_3d: of the 3D pass (rows of all B clips; the 3D pass uses the ``has_3d``
            rows). ``None`` in training mode = sampled like the official ``MaskGen`` (config ratios).
        visibility: ``(B, T, J)`` observed 2D joints; the masked 2D loss is averaged over them.
        pretext_weights: ``(3,)`` multipliers of (``loss_weight_2d``, ``loss_weight_3d``, ``loss_weight_lift``) for
            this batch (default ones); a pass whose terms all have weight 0 is skipped.

        Returns:
            :class:`~motionhub.modeling_outputs.MaskedPoseModelingOutput`: ``loss`` (weighted sum),
            ``reconstruction_2d`` ``(B, T, J, 2)``, ``lifted_3d`` ``(B, T, J, 3)`` (when lifting runs),
            ``reconstruction_3d`` ``(B_3d, T, J, 3)`` (the ``has_3d`` rows), ``loss_components`` (unweighted
            ``mpjpe_2d`` / ``mpjpe_3d`` / ``mpjpe_lift``), all in the original frame order.
        """
        config = self.config
        return_dict = return_dict if return_dict is not None else config.return_dict
        if keypoints is None and keypoints_3d is None:
            raise ValueError("pass `keypoints` (B, T, J, 2) and/or `keypoints_3d` (B, T, J, 3)")
        if keypoints is not None:
            check_fixed_length(keypoints, config, config.dim_in)
        if keypoints_3d is not None:
            if self.mpm.input_embedding_3d is None:
                raise ValueError("this model has no 3D input encoder (config.use_3d_input_encoder=False)")
            check_fixed_length(keypoints_3d, config, 3)
            if keypoints is not None and keypoints_3d.shape[:3] != keypoints.shape[:3]:
                raise ValueError(f"`keypoints_3d` {tuple(keypoints_3d.shape)} must be row-aligned with `keypoints` "
                                 f"{tuple(keypoints.shape)}: same (B, T, J)")  # fmt: skip
        ref = keypoints if keypoints is not None else keypoints_3d
        b, t, j, _ = ref.shape
        device = ref.device
        w = torch.ones(3) if pretext_weights is None else torch.as_tensor(pretext_weights, dtype=torch.float32)
        if w.shape != (3,) or not torch.isfinite(w).all() or (w < 0).any():
            raise ValueError(f"`pretext_weights` must be 3 finite weights >= 0 (2D, 3D, lift), got {w.tolist()}")
        w2d, w3d, wlift = (float(v) for v in w.cpu())
        rows = None
        if keypoints_3d is not None:
            rows = torch.ones(b, dtype=torch.bool, device=device) if has_3d is None else torch.as_tensor(
                has_3d, device=device).bool()  # fmt: skip
            if rows.shape != (b,):
                raise ValueError(f"`has_3d` must have shape ({b},), got {tuple(rows.shape)}")
            if not rows.any():
                rows = None
        run_lift = keypoints is not None and rows is not None and wlift > 0
        run_2d = keypoints is not None and (w2d > 0 or run_lift)
        run_3d = rows is not None and w3d > 0
        if not (run_2d or run_3d):
            raise ValueError(
                "nothing to train: every pretext with a non-zero weight needs data (2D for '2d'; 3D rows for '3d'; "
                "both for 'lift')"
            )

        def masks(frame, joint, n):
            frame = resolve_frame_mask(frame, n, config, device, self.training, sample=True)
            if joint is None and self.training and config.spatial_mask_num > 0:
                joint = sample_joint_mask(t, j, config.spatial_mask_num, device=device)
            return frame, joint

        components: dict[str, Tensor] = {}
        loss = None
        rec_2d = lifted = rec_3d = None

        def add(term: Tensor, weight: float):
            nonlocal loss
            if weight > 0:
                loss = weight * term if loss is None else loss + weight * term

        if run_2d:
            frame, joint = masks(frame_mask, joint_mask, b)
            rec_2d, lifted = self._encode_decode(keypoints, joint, frame, want_2d=True, want_3d=run_lift, tube=False,
                                                 output_hidden_states=output_hidden_states)  # fmt: skip
            if return_loss:
                if visibility is not None:
                    if not isinstance(visibility, Tensor) or visibility.shape != (b, t, j):
                        raise ValueError(f"`visibility` must be a (B, T, J) = {(b, t, j)} tensor, got "
                                         f"{tuple(getattr(visibility, 'shape', ())) or type(visibility).__name__}")
                    term = masked_mpjpe_loss(rec_2d, keypoints, visibility)
                else:
                    term = mpjpe_loss(rec_2d, keypoints)
                components["mpjpe_2d"] = term.detach()
                add(term, config.loss_weight_2d * w2d)
                if run_lift:
                    term = mpjpe_loss(lifted[rows], keypoints_3d[rows])
                    components["mpjpe_lift"] = term.detach()
                    add(term, config.loss_weight_lift * wlift)
        if run_3d:
            frame, joint = frame_mask_3d, joint_mask_3d
            if frame is not None:
                frame = torch.as_tensor(frame, device=device)
                frame = frame[rows] if frame.ndim == 2 else frame
            if joint is not None:
                joint = torch.as_tensor(joint, device=device)
                joint = joint[rows] if joint.ndim == 3 else joint
            n3 = int(rows.sum())
            frame, joint = masks(frame, joint, n3)
            target = keypoints_3d[rows]
            _, rec_3d = self._encode_decode(target, joint, frame, want_2d=False, want_3d=True, tube=False,
                                            output_hidden_states=output_hidden_states)  # fmt: skip
            if return_loss:
                term = mpjpe_loss(rec_3d, target)
                components["mpjpe_3d"] = term.detach()
                add(term, config.loss_weight_3d * w3d)
        if not return_loss:
            loss = None
        out = MaskedPoseModelingOutput(loss=loss, reconstruction_2d=rec_2d, reconstruction_3d=rec_3d,
                                       lifted_3d=lifted, loss_components=components or None)  # fmt: skip
        return out if return_dict else out.to_tuple()


# -------------------------------------------------------------------------------------------------------- trainers
def _build(model, train_dataset, args, collator, optimizer: str, lr_decay: float | None, eval_dataset, callbacks):
    from .trainer import MotionTrainer

    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {_OPTIMIZERS}, got {optimizer!r}")
    if getattr(args, "remove_unused_columns", False):
        raise ValueError("set TrainingArguments(remove_unused_columns=False): the collator builds the model inputs")
    extra: dict[str, Any] = {}
    if optimizer == "adam_amsgrad":
        extra["optimizer_cls_and_kwargs"] = (torch.optim.Adam, {"amsgrad": True})
    return MotionTrainer(
        model=model, args=args, backbone_lr_ratio=1.0, lr_decay_per_epoch=lr_decay, train_dataset=train_dataset,
        eval_dataset=eval_dataset, data_collator=collator, callbacks=list(callbacks or []), **extra,
    )


def build_pstmo_pretrainer(
    model: STMOForMaskedPretraining,
    train_dataset: torch.utils.data.Dataset,
    args: Any,
    *,
    collator: MaskedPose2DCollator | None = None,
    strategy: str = "spatio-temporal",
    optimizer: str = "adam_amsgrad",
    lr_decay: float | None = 0.97,
    eval_dataset: torch.utils.data.Dataset | None = None,
    callbacks: list | None = None,
):
    """MotionTrainer for P-STMO masked 2D pose modeling (official: Adam AMSGrad, lr 1e-4, batch 160, lr × 0.97 per
    epoch, 80 epochs).

    Args:
        model: :class:`STMOForMaskedPretraining` (``STMOForMaskedPretraining.from_pretrained`` loads any
            :class:`~motionhub.STMOForMaskedPoseModeling` checkpoint, e.g. a converted official one).
        train_dataset: clip items (:class:`~motionhub.tasks.pretrain_lifting.LiftingPretrainDataset`) of
            ``model.config.frames`` frames.
        args: ``TrainingArguments`` with ``remove_unused_columns=False`` (``learning_rate`` = the single lr;
            ``weight_decay`` 0 as official).
        collator: default :class:`MaskedPose2DCollator` with ``MaskSampler.from_config(model.config, strategy,
            seed=args.seed)``.
        strategy: masking strategy of the default collator (:data:`MASKING_STRATEGIES`).
        optimizer: ``"adam_amsgrad"`` (official) or ``"args"`` (``args.optim``, e.g. AdamW).
        lr_decay: per-epoch lr multiplier; ``None`` = ``args.lr_scheduler_type``.
        eval_dataset, callbacks: passed to the Trainer (evaluation reports the masked reconstruction loss).
    """
    if not isinstance(model, STMOForMaskedPretraining):
        raise TypeError(
            f"model must be an STMOForMaskedPretraining, got {type(model).__name__} (load a masked-pose-modeling "
            "checkpoint with STMOForMaskedPretraining.from_pretrained: same weights)"
        )
    if collator is None:
        collator = MaskedPose2DCollator(MaskSampler.from_config(model.config, strategy, seed=int(args.seed)))
    return _build(model, train_dataset, args, collator, optimizer, lr_decay, eval_dataset, callbacks)


def build_mpm_pretrainer(
    model: MPMForMaskedPretraining,
    train_dataset: torch.utils.data.Dataset,
    args: Any,
    *,
    collator: MPMPretrainCollator | None = None,
    schedule: str = "sum",
    pretexts: Sequence[str] = MPM_PRETEXTS,
    strategy: str = "spatio-temporal",
    optimizer: str = "adam_amsgrad",
    lr_decay: float | None = 0.97,
    eval_dataset: torch.utils.data.Dataset | None = None,
    callbacks: list | None = None,
):
    """MotionTrainer for MPM pretraining (official: Adam AMSGrad, lr 1e-4, batch 1024, lr × 0.97 per epoch, 50
    epochs; loss ``5 · 2D + 2 · 3D`` (+ ``1 · lift``)).

    Args:
        model: :class:`MPMForMaskedPretraining` (with a 3D input encoder, ``use_3d_input_encoder=True``).
        train_dataset: clip items of ``model.config.frames`` frames (3D clips give 2D + 3D; 2D-only clips train the
            masked 2D task).
        args: ``TrainingArguments`` with ``remove_unused_columns=False``.
        collator: default :class:`MPMPretrainCollator` (``schedule``, ``pretexts``, masks from the config: 60 % of
            frames, 5 joints per frame, ``strategy``).
        optimizer / lr_decay / eval_dataset / callbacks: as :func:`build_pstmo_pretrainer`.

    Note: with ``schedule="alternate"`` some parameters get no gradient in a step; under DDP set
    ``TrainingArguments(ddp_find_unused_parameters=True)``.
    """
    if not isinstance(model, MPMForMaskedPretraining):
        raise TypeError(f"model must be an MPMForMaskedPretraining, got {type(model).__name__}")
    if collator is None:
        collator = MPMPretrainCollator(MaskSampler.from_config(model.config, strategy, seed=int(args.seed)),
                                       schedule=schedule, pretexts=pretexts)  # fmt: skip
    return _build(model, train_dataset, args, collator, optimizer, lr_decay, eval_dataset, callbacks)
