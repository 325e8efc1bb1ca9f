# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionBERT's unified pretraining objective: recover clean 3D motion from corrupted 2D (Zhu et al., ICCV 2023).

Pieces (all run under ``transformers.Trainer`` / :class:`~motionhub.tasks.trainer.MotionTrainer`):

* :class:`LiftingPretrainDataset`: clips of **3D mocap** (any number of sequences, world frame) seen through a random
  virtual camera (azimuth / elevation), projected to 2D orthographically (MotionBERT's "2D = the x, y of the 3D"
  for AMASS/H36M, confidence 1) or perspectively (2.5D target: x, y = the projection, z = depth relative to the root
  at the same pixel scale, as MotionBERT's H36M ``joint3d_image``), normalised with ``crop_scale_3d`` (the square box
  around the 2D track -> [-1, 1], same factor for z), optionally flipped; plus clips of **2D-only** data
  (x, y, confidence normalised to [-1, 1], e.g. Penn Action / PoseTrack / detector output).
* :class:`LiftingPretrainCollator`: MotionBERT's ``Augmenter2D``: detector noise (:class:`~motionhub.corruption.
  MotionBERTNoise`, applied to synthetic 2D and to 2D-only clips with ground-truth annotations, not to detector output)
  then joint (5 %) and frame (10 %) masks zeroing all three channels.
* :class:`DSTformerForLiftingPretraining`: a :class:`~motionhub.DSTformerForPoseLifting` (same weights, saves and
  loads as one) whose loss handles both kinds of samples: for clips with 3D, the pose3d loss of the config
  (``λ_position·MPJPE + λ_scale·N-MPJPE + λ_velocity·velocity`` + optional limb terms, MotionBERT: 1 / 0.5 / 20); for
  2D-only clips, the confidence-weighted 2D loss between the predicted x, y and the root-relative input 2D (weights =
  the confidence before corruption). Mixed batches weigh each part by its share of the batch.
* :class:`Curriculum3DFirst`: MotionBERT's ``pretrain_3d_curriculum``: 3D-only for the first N epochs (the dataset
  serves 3D clips in place of 2D-only ones), then both.
* :func:`build_lifting_pretrainer`: the Trainer with MotionBERT's optimiser (AdamW, weight decay 0.01, one lr,
  lr × 0.99 after every epoch).

Units: normalised screen units throughout (inputs and targets), as MotionBERT. Layout: H36M-17 by default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor
from transformers import TrainerCallback

from motionhub.corruption import MotionBERTNoise, corrupt_2d, make_generator
from motionhub.encoders.dstformer import DSTformerForPoseLifting
from motionhub.losses import pose3d_loss, weighted_2d_loss
from motionhub.modeling_outputs import PoseLiftingOutput
from motionhub.processing import crop_scale, crop_scale_3d
from motionhub.skeleton import flip

from .stride import to_camera_frame

__all__ = [
    "Curriculum3DFirst",
    "DSTformerForLiftingPretraining",
    "LiftingPretrainCollator",
    "LiftingPretrainDataset",
    "build_lifting_pretrainer",
    "normalize_2d_clip",
]


# ----------------------------------------------------------------------------------------------------------- model
class DSTformerForLiftingPretraining(DSTformerForPoseLifting):
    """DSTformer + 3D head trained with MotionBERT's unified objective (3D clips and 2D-only clips).

    Same modules and weight names as :class:`~motionhub.DSTformerForPoseLifting`: a checkpoint saved from this model
    loads into ``DSTformerForPoseLifting`` / ``DSTformerModel`` / the action and mesh heads (backbone only) directly.
    """

    def forward(
        self,
        keypoints: Tensor,
        labels: Tensor | None = None,
        has_3d: Tensor | None = None,
        confidence: Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> PoseLiftingOutput | tuple:
        """Args:
        keypoints: ``(B, T, J, 3)`` corrupted 2D input (x, y, confidence).
        labels: ``(B, T, J, 3)`` root-relative targets: clean 3D for clips with 3D; for 2D-only clips the
            root-relative clean 2D in channels 0-1 (channel 2 unused).
        has_3d: ``(B,)`` booleans, which clips have 3D (default: all).
        confidence: ``(B, T, J)`` weights of the 2D loss of 2D-only clips (default: ones).
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        out = super().forward(keypoints, output_hidden_states=output_hidden_states, return_dict=True)
        if labels is not None:
            pose = out.pose_3d
            if labels.shape != pose.shape:
                raise ValueError(f"`labels` must have shape {tuple(pose.shape)} (B, T, J, 3), got {tuple(labels.shape)}")
            b = pose.shape[0]
            has_3d = torch.ones(b, dtype=torch.bool, device=pose.device) if has_3d is None else has_3d.bool()
            if has_3d.shape != (b,):
                raise ValueError(f"`has_3d` must have shape ({b},), got {tuple(has_3d.shape)}")
            loss = pose.sum() * 0.0
            components: dict[str, Tensor] = {}
            n3 = int(has_3d.sum())
            if n3:
                c = self.config
                l3, comp = pose3d_loss(
                    pose[has_3d], labels[has_3d], lambda_position=c.lambda_position, lambda_scale=c.lambda_scale,
                    lambda_velocity=c.lambda_velocity, lambda_limb_var=c.lambda_limb_var,
                    lambda_limb_gt=c.lambda_limb_gt, lambda_angle=c.lambda_angle,
                    lambda_angle_velocity=c.lambda_angle_velocity,
                )
                loss = loss + l3 * (n3 / b)
                components.update({k: v.detach() for k, v in comp.items()})
                components["loss_3d"] = l3.detach()
            if n3 < b:
                only2d = ~has_3d
                conf = torch.ones_like(pose[..., 0]) if confidence is None else confidence
                if conf.shape != pose.shape[:3]:
                    raise ValueError(f"`confidence` must have shape {tuple(pose.shape[:3])}, got {tuple(conf.shape)}")
                l2 = weighted_2d_loss(pose[only2d], labels[only2d], conf[only2d])
                loss = loss + l2 * ((b - n3) / b)
                components["loss_2d"] = l2.detach()
            out = PoseLiftingOutput(
                loss=loss, pose_3d=out.pose_3d, representation=out.representation, hidden_states=out.hidden_states,
                loss_components=components,
            )
        return out if return_dict else out.to_tuple()


# ------------------------------------------------------------------------------------------------------------ data
def normalize_2d_clip(keypoints: np.ndarray, scale_range: Sequence[float] = (1.0, 1.0), rng=None) -> np.ndarray:
    """Pixels ``(T, J, 3)`` (x, y, confidence) -> MotionBERT ``crop_scale``'d clip in [-1, 1] (confidence kept)."""
    return crop_scale(np.asarray(keypoints, dtype=np.float64), scale_range, rng).astype(np.float32)


class LiftingPretrainDataset(torch.utils.data.Dataset):
    """Clips for the unified lifting objective: 3D mocap seen by random virtual cameras + optional 2D-only clips.

    Item = ``{"pose_3d": (T, J, 3)}`` (normalised camera-space 3D; its x, y are the 2D input) or
    ``{"keypoints_2d": (T, J, 3), "has_gt": bool}`` (normalised 2D + confidence).

    Args:
        motion_3d: world-frame sequences ``(T_i, J, 3)`` (any units; only ratios matter after normalisation).
        up_axis: up axis of the world (one value or one per sequence): ``"y"`` (BVH, Bandai) or ``"z"`` (H36M).
        keypoints_2d: 2D-only sequences ``(T_i, J, 3)``, already normalised to [-1, 1] (see
            :func:`normalize_2d_clip`) with the confidence in channel 2.
        keypoints_2d_has_gt: per 2D sequence (or one value): ``True`` for annotations (noise is added, as for
            PoseTrack), ``False`` for detector output (no synthetic noise, as InstaVariety).
        clip_len: frames per clip (≤ the model's ``maxlen``); clip_stride: frames between clip starts.
        projection: ``"orthographic"`` (MotionBERT's synthetic 2D) or ``"perspective"`` (2.5D target).
        yaw_range / pitch_range: virtual camera azimuth / elevation (radians). ``random_rotation=False`` uses the
            world's frontal view (yaw 0, pitch 0).
        distance_range: camera distance in the sequences' units (perspective only; default for metres).
        scale_range: ``crop_scale_3d`` box ratio range (``(1, 1)`` = tight box).
        flip_prob: probability of a horizontal flip (MotionBERT ``Augmenter3D``: 0.5).
        layout: joint layout (for flipping).
        seed: augmentation stream (deterministic with ``num_workers=0``).
    """

    def __init__(
        self,
        motion_3d: Sequence[np.ndarray] = (),
        up_axis: str | Sequence[str] = "y",
        *,
        keypoints_2d: Sequence[np.ndarray] = (),
        keypoints_2d_has_gt: bool | Sequence[bool] = True,
        clip_len: int = 243,
        clip_stride: int = 81,
        projection: str = "orthographic",
        random_rotation: bool = True,
        yaw_range: tuple[float, float] = (-math.pi, math.pi),
        pitch_range: tuple[float, float] = (-0.17, 0.6),
        distance_range: tuple[float, float] = (3.5, 8.0),
        scale_range: tuple[float, float] = (1.0, 1.0),
        flip_prob: float = 0.5,
        layout: str = "h36m-17",
        seed: int = 0,
    ):
        if projection not in ("orthographic", "perspective"):
            raise ValueError(f"projection must be 'orthographic' or 'perspective', got {projection!r}")
        if clip_len < 1 or clip_stride < 1:
            raise ValueError(f"clip_len and clip_stride must be >= 1, got {clip_len}, {clip_stride}")
        axes = [up_axis] * len(motion_3d) if isinstance(up_axis, str) else list(up_axis)
        if len(axes) != len(motion_3d):
            raise ValueError(f"got {len(axes)} up axes for {len(motion_3d)} 3D sequences")
        gts = [keypoints_2d_has_gt] * len(keypoints_2d) if isinstance(keypoints_2d_has_gt, bool) else list(
            keypoints_2d_has_gt)  # fmt: skip
        if len(gts) != len(keypoints_2d):
            raise ValueError(f"got {len(gts)} has_gt flags for {len(keypoints_2d)} 2D sequences")
        self.motion_3d = [self._check(m, 3, "motion_3d") for m in motion_3d]
        self.keypoints_2d = [self._check(k, 3, "keypoints_2d") for k in keypoints_2d]
        joints = {m.shape[1] for m in self.motion_3d} | {k.shape[1] for k in self.keypoints_2d}
        if len(joints) > 1:
            raise ValueError(f"all sequences must have the same joint count, got {sorted(joints)}")
        self.up_axes, self.has_gt = axes, gts
        self.index_3d = [(i, s) for i, m in enumerate(self.motion_3d) for s in range(0, len(m) - clip_len + 1,
                                                                                     clip_stride)]  # fmt: skip
        self.index_2d = [(i, s) for i, k in enumerate(self.keypoints_2d) for s in range(0, len(k) - clip_len + 1,
                                                                                        clip_stride)]  # fmt: skip
        if not self.index_3d and not self.index_2d:
            raise ValueError(f"no sequence is long enough for one clip of {clip_len} frames")
        self.clip_len, self.projection, self.random_rotation = clip_len, projection, random_rotation
        self.yaw_range, self.pitch_range, self.distance_range = yaw_range, pitch_range, distance_range
        self.scale_range, self.flip_prob, self.layout = scale_range, flip_prob, layout
        self.rng = np.random.default_rng(seed)
        #: MotionBERT's 3D curriculum: while True, 2D-only indices serve 3D clips instead (set by Curriculum3DFirst).
        self.curriculum_3d_only = False

    @staticmethod
    def _check(x: np.ndarray, channels: int, name: str) -> np.ndarray:
        arr = np.asarray(x, dtype=np.float32)
        if arr.ndim != 3 or arr.shape[-1] != channels:
            raise ValueError(f"every {name} sequence must be (T, J, {channels}), got {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite (mark missing 2D joints with confidence 0 and zeros)")
        return arr

    @property
    def num_3d(self) -> int:
        return len(self.index_3d)

    @property
    def num_2d(self) -> int:
        return len(self.index_2d)

    def __len__(self) -> int:
        return self.num_3d + self.num_2d

    def _film(self, world: np.ndarray, up_axis: str) -> np.ndarray:
        rng = self.rng
        yaw = rng.uniform(*self.yaw_range) if self.random_rotation else 0.0
        pitch = rng.uniform(*self.pitch_range) if self.random_rotation else 0.0
        cam = to_camera_frame(world, up_axis, yaw=yaw, pitch=pitch)
        if self.projection == "perspective":
            # camera at `distance` from the clip's mean root, looking at it
            cam = cam - cam[:, 0].mean(axis=0) + np.array([0.0, 0.0, rng.uniform(*self.distance_range)])
            depth = np.maximum(cam[..., 2:3], 1e-3)
            uv = cam[..., :2] / depth
            root_depth = depth[:, :1]
            z = (cam[..., 2:3] - root_depth) / root_depth  # depth at the pixel scale of the root (2.5D)
            cam = np.concatenate([uv, z], axis=-1)
        return crop_scale_3d(cam, self.scale_range, rng).astype(np.float32)

    def __getitem__(self, i: int) -> dict[str, Any]:
        if i < 0 or i >= len(self):
            raise IndexError(i)
        if i >= self.num_3d and self.curriculum_3d_only and self.num_3d:
            i = i % self.num_3d
        if i < self.num_3d:
            seq_id, start = self.index_3d[i]
            pose = self._film(self.motion_3d[seq_id][start : start + self.clip_len], self.up_axes[seq_id])
            if self.rng.random() < self.flip_prob:
                pose = flip(pose, self.layout)
            return {"pose_3d": torch.from_numpy(pose)}
        seq_id, start = self.index_2d[i - self.num_3d]
        kp = self.keypoints_2d[seq_id][start : start + self.clip_len].copy()
        if self.rng.random() < self.flip_prob:
            kp = flip(kp, self.layout)
        return {"keypoints_2d": torch.from_numpy(kp), "has_gt": self.has_gt[seq_id]}


@dataclass
class LiftingPretrainCollator:
    """MotionBERT ``Augmenter2D`` on a batch of :class:`LiftingPretrainDataset` items.

    Returns ``keypoints`` ``(B, T, J, 3)`` (corrupted x, y, confidence), ``labels`` ``(B, T, J, 3)`` (root-relative
    clean 3D, or clean 2D with z = 0 for 2D-only clips), ``has_3d`` ``(B,)`` and ``confidence`` ``(B, T, J)`` (the
    2D loss weights: the confidence before corruption; ones for 3D clips).

    Attributes:
        noise: detector-noise model (``None``: masks only). Applied to synthetic 2D and to 2D clips with
            ``has_gt=True``.
        joint_mask_ratio / frame_mask_ratio: MotionBERT 0.05 / 0.1.
        shared_frame_mask: one frame mask per batch (the official behaviour) instead of per clip.
        seed: corruption stream.
    """

    noise: MotionBERTNoise | None = None
    joint_mask_ratio: float = 0.05
    frame_mask_ratio: float = 0.1
    shared_frame_mask: bool = False
    root: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        self._generator = make_generator(self.seed)

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Tensor]:
        if not features:
            raise ValueError("empty batch")
        clean_2d, labels, has_3d, conf, noisy = [], [], [], [], []
        for f in features:
            if "pose_3d" in f:
                pose = torch.as_tensor(f["pose_3d"]).float()
                clean_2d.append(torch.cat([pose[..., :2], torch.ones_like(pose[..., :1])], dim=-1))
                labels.append(pose - pose[:, self.root : self.root + 1])
                has_3d.append(True)
                conf.append(torch.ones_like(pose[..., 0]))
                noisy.append(True)
            elif "keypoints_2d" in f:
                kp = torch.as_tensor(f["keypoints_2d"]).float()
                xy = kp[..., :2] - kp[:, self.root : self.root + 1, :2]
                clean_2d.append(kp)
                labels.append(torch.cat([xy, torch.zeros_like(xy[..., :1])], dim=-1))
                has_3d.append(False)
                conf.append(kp[..., 2].clone())
                noisy.append(bool(f.get("has_gt", True)))
            else:
                raise ValueError("every item needs 'pose_3d' (T, J, 3) or 'keypoints_2d' (T, J, 3)")
        x = torch.stack(clean_2d)
        flags = torch.tensor(noisy)
        out = torch.empty_like(x)
        for sel, model in ((flags, self.noise), (~flags, None)):
            if sel.any():
                out[sel], _ = corrupt_2d(
                    x[sel], model, joint_mask_ratio=self.joint_mask_ratio, frame_mask_ratio=self.frame_mask_ratio,
                    shared_frame_mask=self.shared_frame_mask, generator=self._generator,
                )
        return {"keypoints": out, "labels": torch.stack(labels), "has_3d": torch.tensor(has_3d),
                "confidence": torch.stack(conf)}  # fmt: skip


# -------------------------------------------------------------------------------------------------------- training
class Curriculum3DFirst(TrainerCallback):
    """MotionBERT's ``pretrain_3d_curriculum``: 3D clips only during the first ``epochs`` epochs, then 3D + 2D.

    It toggles :attr:`LiftingPretrainDataset.curriculum_3d_only` at the start of every epoch (use
    ``dataloader_num_workers=0`` or non-persistent workers so the change reaches the loader).
    """

    def __init__(self, dataset: LiftingPretrainDataset, epochs: int):
        if epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {epochs}")
        self.dataset, self.epochs = dataset, int(epochs)

    def on_train_begin(self, args, state, control, **kwargs):
        self.dataset.curriculum_3d_only = self.epochs > 0
        return control

    def on_epoch_begin(self, args, state, control, **kwargs):
        epoch = math.floor((state.epoch or 0.0) + 1e-6)
        self.dataset.curriculum_3d_only = epoch < self.epochs
        return control


def build_lifting_pretrainer(
    model: DSTformerForLiftingPretraining,
    train_dataset: LiftingPretrainDataset,
    args: Any,
    *,
    collator: LiftingPretrainCollator | None = None,
    curriculum_epochs: int = 0,
    lr_decay: float = 0.99,
    eval_dataset: torch.utils.data.Dataset | None = None,
    callbacks: list | None = None,
):
    """MotionTrainer for the unified lifting objective (MotionBERT pretraining: AdamW lr 5e-4, weight decay 0.01,
    batch 64, lr × 0.99 per epoch, 3D-only curriculum of 30 epochs when 2D data is used).

    Args:
        model: :class:`DSTformerForLiftingPretraining`.
        train_dataset: :class:`LiftingPretrainDataset`.
        args: ``TrainingArguments`` with ``remove_unused_columns=False``.
        collator: :class:`LiftingPretrainCollator` (masks only when ``None``).
        curriculum_epochs: 3D-only epochs before 2D-only clips are used (:class:`Curriculum3DFirst`).
        lr_decay: per-epoch lr multiplier.
        eval_dataset, callbacks: passed to the Trainer.
    """
    from .trainer import MotionTrainer

    if not isinstance(model, DSTformerForPoseLifting):
        raise TypeError(f"model must be a DSTformerForLiftingPretraining, got {type(model).__name__}")
    if getattr(args, "remove_unused_columns", False):
        raise ValueError("set TrainingArguments(remove_unused_columns=False): the collator builds the model inputs")
    cbs = list(callbacks or [])
    if curriculum_epochs:
        cbs.append(Curriculum3DFirst(train_dataset, curriculum_epochs))
    return MotionTrainer(
        model=model, args=args, backbone_lr_ratio=1.0, lr_decay_per_epoch=lr_decay, train_dataset=train_dataset,
        eval_dataset=eval_dataset, data_collator=collator or LiftingPretrainCollator(), callbacks=cbs,
    )
