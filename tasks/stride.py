# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STRIDE (Lal et al., WACV 2025): a 3D motion prior refined on one video by test-time training (TTT).

Two parts:

1. **Masked 3D pretraining** of the motion prior: a :class:`~motionhub.DSTformerForPoseLifting` whose input is 3D
   (``dim_in=3`` = x, y, z in camera space, metres) corrupted by smooth noise, per-frame jitter, joint/frame masks and
   STRIDE-style occlusions (:mod:`motionhub.corruption`), trained to output the clean root-relative pose of every frame.
   :class:`Masked3DPretrainDataset` + :class:`Masked3DCollator` + :func:`build_masked3d_trainer`
   (transformers.Trainer with AdamW and MotionBERT's ×``lr_decay`` per epoch). Command line:
   ``python -m motionhub.tasks.stride --bandai DIR --h36m DIR --output-dir OUT`` (see :func:`main`).

2. **Test-time training** on one video (:func:`test_time_train`, :func:`stride_predict`): in
   :mod:`motionhub.pipelines.stride` (documented there, with the parity notes against the official code); the names
   are re-exported here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from motionhub.corruption import OcclusionSimulator, corrupt_3d, make_generator
from motionhub.skeleton import flip

from ..pipelines.stride import (  # inference and TTT live with the pipelines; re-exported for the recipe's users
    STRIDE_LAMBDAS,
    TTTResult,
    center_stride_input,
    check_stride_prior,
    masked_pose3d_loss,
    prepare_stride_input,
    prior_input,
    stride_predict,
    stride_train_epoch,
    test_time_train,
)
from .trainer import TimeBudgetCallback

__all__ = [
    "STRIDE_LAMBDAS",
    "Masked3DCollator",
    "Masked3DPretrainDataset",
    "TTTResult",
    "build_masked3d_trainer",
    "center_stride_input",
    "masked_pose3d_loss",
    "prepare_stride_input",
    "prior_input",
    "stride_predict",
    "stride_train_epoch",
    "test_time_train",
    "to_camera_frame",
]

# ------------------------------------------------------------------------------------------ masked 3D pretraining
def to_camera_frame(poses: np.ndarray, up_axis: str = "y", yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """World poses -> a virtual camera frame (x right, y down, z forward), rotated by ``yaw`` about the vertical.

    Args:
        poses: ``(T, J, 3)`` world coordinates with ``up_axis`` pointing up (``"y"``: Bandai, BVH; ``"z"``: H36M
            world, Vicon).
        up_axis: ``"y"`` or ``"z"``.
        yaw: rotation about the vertical axis (radians) = the camera's azimuth.
        pitch: camera elevation (radians; positive looks down on the person).

    Returns:
        ``(T, J, 3)`` float64 camera-frame coordinates (same units; not translated).
    """
    p = np.asarray(poses, dtype=np.float64)
    if p.ndim != 3 or p.shape[-1] != 3:
        raise ValueError(f"poses must be (T, J, 3), got {p.shape}")
    if up_axis == "z":
        p = p @ np.array([[1.0, 0, 0], [0, 0, -1.0], [0, 1.0, 0]])  # (x, y, z) z-up -> (x, z, -y) y-up
    elif up_axis != "y":
        raise ValueError(f"up_axis must be 'y' or 'z', got {up_axis!r}")
    c, s = math.cos(yaw), math.sin(yaw)
    rot_yaw = np.array([[c, 0, s], [0, 1.0, 0], [-s, 0, c]])
    to_cam = np.diag([1.0, -1.0, -1.0])  # y up -> y down, looking along -z_world
    cp, sp = math.cos(pitch), math.sin(pitch)
    rot_pitch = np.array([[1.0, 0, 0], [0, cp, -sp], [0, sp, cp]])
    r = rot_pitch @ to_cam @ rot_yaw
    return p @ r.T


class Masked3DPretrainDataset(torch.utils.data.Dataset):
    """Random clips of clean 3D motion placed in front of a virtual camera, for masked 3D pretraining.

    Each item is one clip ``(clip_len, 17, 3)`` in metres, camera frame: a random azimuth (``yaw_range``) and
    elevation (``pitch_range``), the first-frame root placed at a random position (``lateral_range`` metres sideways,
    depth in ``depth_range``), or, with probability ``centered_prob``, at the origin (inputs already root-centred);
    horizontally flipped with probability ``flip_prob``. Clips start every ``clip_stride`` frames of each sequence
    (sequences shorter than ``clip_len`` are skipped).

    Args:
        sequences: list of ``(T, 17, 3)`` world-frame H36M-17 sequences.
        up_axis: one per sequence or a single value (``"y"`` / ``"z"``).
        units_scale: multiply coordinates by this to get metres (``1e-3`` for millimetres).
        clip_len: frames per clip (the prior's ``maxlen`` or less).
        clip_stride: frames between clip starts.
        seed: seed of the augmentation stream (deterministic with ``num_workers=0``).
    """

    def __init__(
        self,
        sequences: Sequence[np.ndarray],
        up_axis: str | Sequence[str] = "y",
        *,
        units_scale: float = 1e-3,
        clip_len: int = 81,
        clip_stride: int = 27,
        yaw_range: tuple[float, float] = (-math.pi, math.pi),
        pitch_range: tuple[float, float] = (-0.1, 0.35),
        depth_range: tuple[float, float] = (3.0, 7.0),
        lateral_range: float = 1.0,
        centered_prob: float = 0.15,
        flip_prob: float = 0.5,
        seed: int = 0,
    ):
        if clip_len < 2 or clip_stride < 1:
            raise ValueError(f"clip_len must be >= 2 and clip_stride >= 1, got {clip_len}, {clip_stride}")
        axes = [up_axis] * len(sequences) if isinstance(up_axis, str) else list(up_axis)
        if len(axes) != len(sequences):
            raise ValueError(f"got {len(axes)} up axes for {len(sequences)} sequences")
        self.sequences = []
        self.up_axes = []
        for seq, ax in zip(sequences, axes, strict=True):
            arr = np.asarray(seq, dtype=np.float32)
            if arr.ndim != 3 or arr.shape[1:] != (17, 3):
                raise ValueError(f"every sequence must be (T, 17, 3) H36M-17, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError("sequences must be finite (fill or drop missing frames first)")
            self.sequences.append(arr * np.float32(units_scale))
            self.up_axes.append(ax)
        self.index = [
            (i, s) for i, seq in enumerate(self.sequences) for s in range(0, len(seq) - clip_len + 1, clip_stride)
        ]
        if not self.index:
            raise ValueError(f"no sequence has the {clip_len} frames a clip needs")
        self.clip_len = clip_len
        self.yaw_range, self.pitch_range = yaw_range, pitch_range
        self.depth_range, self.lateral_range = depth_range, lateral_range
        self.centered_prob, self.flip_prob = centered_prob, flip_prob
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict[str, Tensor]:
        seq_id, start = self.index[i]
        clip = self.sequences[seq_id][start : start + self.clip_len]
        rng = self.rng
        cam = to_camera_frame(clip, self.up_axes[seq_id], yaw=rng.uniform(*self.yaw_range),
                              pitch=rng.uniform(*self.pitch_range))  # fmt: skip
        cam = cam - cam[:1, :1]
        if rng.random() >= self.centered_prob:
            cam = cam + np.array([rng.uniform(-1, 1) * self.lateral_range,
                                  rng.uniform(-0.5, 0.5) * self.lateral_range, rng.uniform(*self.depth_range)])
        if rng.random() < self.flip_prob:
            cam = flip(cam)
        return {"poses": torch.from_numpy(cam.astype(np.float32))}


@dataclass
class Masked3DCollator:
    """Batches clean clips into ``keypoints`` (corrupted 3D input) + ``labels`` (clean, root-relative).

    Corruption: :func:`motionhub.corruption.corrupt_3d` (smooth key-frame noise, per-frame jitter, joint/frame
    masks) and, with probability ``occlusion_prob`` per clip, :class:`~motionhub.corruption.OcclusionSimulator`
    occlusions. Defaults in metres. ``center_input=True`` centres every corrupted clip on its visible joints
    (:func:`center_stride_input`; for priors with ``input_normalization="centered_3d"``); ``fill_missing``: hidden
    joints enter as zeros (``"zero"``, STRIDE) or linearly interpolated from the clip's visible frames
    (``"interpolate"``; the prior's processor must say the same, :func:`prior_input`). ``start_batch``: ``None`` =
    one random stream from ``seed``; an int = batch ``n`` draws from ``(seed, n)`` alone, counting from
    ``start_batch`` (resumable runs pass the step they resume at).
    """

    joint_mask_ratio: float = 0.05
    frame_mask_ratio: float = 0.1
    keyframe_std: float = 0.03
    num_keyframes: int = 27
    frame_noise_std: float = 0.02
    depth_noise_scale: float = 2.5
    occlusion: OcclusionSimulator | None = field(default_factory=OcclusionSimulator)
    occlusion_prob: float = 0.5
    center_input: bool = False
    fill_missing: str = "zero"
    seed: int = 0
    start_batch: int | None = None

    def __post_init__(self) -> None:
        from motionhub.processor import FILL_MISSING

        if self.fill_missing not in FILL_MISSING:
            raise ValueError(f"fill_missing must be one of {FILL_MISSING}, got {self.fill_missing!r}")
        self._generator = make_generator(self.seed)
        self._rng = np.random.default_rng(self.seed)
        self._batch = self.start_batch

    def corrupt(self, clean: Tensor, rng: np.random.Generator, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        """``(B, T, J, 3)`` clean clips -> ``(corrupted, visible)``: this collator's occlusions (each clip with
        probability ``occlusion_prob``), noise and masks, drawn from ``rng`` / ``generator`` (not centred)."""
        b, t, j, _ = clean.shape
        visible = torch.ones(b, t, j, dtype=torch.bool)
        if self.occlusion is not None and self.occlusion_prob > 0:
            for k in range(b):
                if rng.random() < self.occlusion_prob:
                    visible[k] = torch.from_numpy(self.occlusion.sample(t, j, rng))
        return corrupt_3d(
            clean, joint_mask_ratio=self.joint_mask_ratio, frame_mask_ratio=self.frame_mask_ratio,
            keyframe_std=self.keyframe_std, num_keyframes=self.num_keyframes, frame_noise_std=self.frame_noise_std,
            depth_noise_scale=self.depth_noise_scale, visible=visible, generator=generator,
        )

    def __call__(self, features: list[dict[str, Tensor]]) -> dict[str, Tensor]:
        if self._batch is not None:
            # batch n draws from (seed, n) alone: a run resumed at step n corrupts exactly as an uninterrupted one
            self._rng = np.random.default_rng([self.seed, 5, self._batch])
            self._generator = make_generator(int(self._rng.integers(0, 2**62)))
            self._batch += 1
        clean = torch.stack([f["poses"] for f in features]).float()
        corrupted, visible = self.corrupt(clean, self._rng, self._generator)
        corrupted = prior_input(corrupted, visible, centered=self.center_input, fill_missing=self.fill_missing)
        return {"keypoints": corrupted, "labels": clean - clean[:, :, :1]}


def build_masked3d_trainer(
    model: torch.nn.Module,
    train_dataset: torch.utils.data.Dataset,
    args: Any,
    *,
    collator: Masked3DCollator | None = None,
    eval_dataset: torch.utils.data.Dataset | None = None,
    lr_decay: float = 0.99,
    callbacks: list | None = None,
):
    """A :class:`~motionhub.tasks.trainer.MotionTrainer` for masked 3D pretraining (MotionBERT's optimiser: AdamW over
    all parameters with one lr, ``args.learning_rate`` / ``args.weight_decay``, lr × ``lr_decay`` after every epoch).

    Args:
        model: ``DSTformerForPoseLifting`` with ``dim_in=3`` (its config's ``lambda_*`` weigh the loss).
        train_dataset: e.g. :class:`Masked3DPretrainDataset`.
        args: ``transformers.TrainingArguments`` (set ``remove_unused_columns=False``; ``dataloader_num_workers=0``
            keeps the augmentation stream deterministic).
        collator: :class:`Masked3DCollator` (default settings when ``None``).
        eval_dataset: optional evaluation clips (same collator).
        lr_decay: per-epoch lr multiplier.
        callbacks: extra Trainer callbacks.
    """
    from .trainer import MotionTrainer

    check_stride_prior(model)
    if getattr(args, "remove_unused_columns", False):
        raise ValueError("set TrainingArguments(remove_unused_columns=False): the collator builds the model inputs")
    return MotionTrainer(
        model=model, args=args, backbone_lr_ratio=1.0, lr_decay_per_epoch=lr_decay, train_dataset=train_dataset,
        eval_dataset=eval_dataset, data_collator=collator or Masked3DCollator(), callbacks=callbacks,
    )


# ------------------------------------------------------------------------------------------------------ CLI
BANDAI_HOLDOUT_EVERY = 10


def load_pretraining_sequences(
    bandai: str | None = None, h36m: str | None = None, h36m_subjects: Sequence[str] = ("S1", "S5", "S6", "S7"),
    bandai_split: str = "train", h36m_fps_step: int = 2,
) -> tuple[list[np.ndarray], list[str]]:
    """World-frame H36M-17 sequences (mm) and their up axes from the Bandai-Namco set and H36M training subjects.

    Bandai (30 fps, Y up, 22 joints) is converted with ``to_h36m("bandai-22")``; every
    ``BANDAI_HOLDOUT_EVERY``-th sequence (file order, index % 10 == 0) is held out: ``bandai_split="train"`` skips
    them, ``"test"`` keeps only them, ``"all"`` keeps everything. H36M (50 fps, Z up) is subsampled by
    ``h36m_fps_step`` (2 -> 25 fps, close to Bandai's 30); S8 is left for validation by default.
    """
    if bandai_split not in ("train", "test", "all"):
        raise ValueError(f"bandai_split must be 'train', 'test' or 'all', got {bandai_split!r}")
    seqs: list[np.ndarray] = []
    axes: list[str] = []
    if bandai:
        from motionhub.formats.bandai import load_bandai
        from motionhub.skeleton import to_h36m

        for i, s in enumerate(load_bandai(bandai).sequences):
            held_out = i % BANDAI_HOLDOUT_EVERY == 0
            if (bandai_split == "train" and held_out) or (bandai_split == "test" and not held_out):
                continue
            seqs.append(to_h36m(s.keypoints_3d, "bandai-22").astype(np.float32))
            axes.append("y")
    if h36m:
        from motionhub.formats.h36m import load_h36m_3pb

        for s in load_h36m_3pb(h36m, subjects=list(h36m_subjects), frame="world") if h36m_subjects else []:
            seqs.append(s.keypoints_3d[::h36m_fps_step].astype(np.float32))
            axes.append("z")
    if not seqs:
        raise ValueError("give at least one data source (bandai and/or h36m)")
    return seqs, axes


def main(argv: Sequence[str] | None = None) -> int:
    """Pretrain a small STRIDE motion prior (masked 3D) on Bandai-Namco + H36M training subjects (CPU friendly)."""
    import argparse
    import json

    from transformers import TrainingArguments

    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    p = argparse.ArgumentParser(prog="python -m motionhub.tasks.stride", description=main.__doc__)
    p.add_argument("--bandai", help="folder of bandai_positions_mm_int16.npz + bandai_meta.json")
    p.add_argument("--h36m", help="folder of the 3d-pose-baseline H36M npz set")
    p.add_argument("--h36m-subjects", default="S1,S5,S6,S7", help="comma-separated training subjects")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--clip-len", type=int, default=81)
    p.add_argument("--clip-stride", type=int, default=40)
    p.add_argument("--dim-feat", type=int, default=64)
    p.add_argument("--dim-rep", type=int, default=128)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--num-heads", type=int, default=4)
    p.add_argument("--mlp-ratio", type=float, default=2.0)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--lr-decay", type=float, default=0.99)
    p.add_argument("--lambda-velocity", type=float, default=0.0,
                   help="velocity weight during pretraining (default 0: with STRIDE's 20 a small prior collapses to "
                        "a mean pose early on; the saved config carries the TTT weights 1/0.5/20/200)")
    p.add_argument("--lambda-scale", type=float, default=0.5)
    p.add_argument("--input", choices=("centered", "raw"), default="centered",
                   help="prior input convention: clips centred on their visible joints (default) or raw camera space "
                        "(as the official STRIDE prior)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    p.add_argument("--max-minutes", type=float, default=0.0,
                   help="stop (and save) after this wall-clock time; 0 = no limit (the step reached is logged)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    seqs, axes = load_pretraining_sequences(a.bandai, a.h36m, [s for s in a.h36m_subjects.split(",") if s])
    dataset = Masked3DPretrainDataset(seqs, axes, clip_len=a.clip_len, clip_stride=a.clip_stride, seed=a.seed)
    print(f"{len(seqs)} sequences, {len(dataset)} clips of {a.clip_len} frames", flush=True)
    config = DSTformerConfig.stride(
        dim_feat=a.dim_feat, dim_rep=a.dim_rep, depth=a.depth, num_heads=a.num_heads, mlp_ratio=a.mlp_ratio,
        maxlen=a.clip_len, root_relative=False, lambda_limb_var=0.0, lambda_velocity=a.lambda_velocity,
        lambda_scale=a.lambda_scale,
        input_normalization="centered_3d" if a.input == "centered" else "none_3d",
    )
    model = DSTformerForPoseLifting(config)
    args = TrainingArguments(
        output_dir=a.output_dir, per_device_train_batch_size=a.batch_size, learning_rate=a.lr, weight_decay=0.01,
        num_train_epochs=a.epochs, max_steps=a.max_steps, logging_steps=20, save_strategy="no", report_to=[],
        remove_unused_columns=False, dataloader_num_workers=0, seed=a.seed, use_cpu=True, disable_tqdm=True,
    )
    callbacks = [TimeBudgetCallback(a.max_minutes)] if a.max_minutes > 0 else None
    collator = Masked3DCollator(center_input=a.input == "centered", seed=a.seed)
    trainer = build_masked3d_trainer(model, dataset, args, collator=collator, lr_decay=a.lr_decay, callbacks=callbacks)
    start = time.time()
    result = trainer.train()
    # the saved config carries the weights test-time training uses with this prior (STRIDE's)
    model.config.lambda_velocity = STRIDE_LAMBDAS["lambda_velocity"]
    model.config.lambda_scale = STRIDE_LAMBDAS["lambda_scale"]
    model.config.lambda_limb_var = STRIDE_LAMBDAS["lambda_limb_var"]
    trainer.save_model(a.output_dir)
    from ..processor import MotionProcessor

    # the prior predicts clean root-relative camera-space poses in metres (STRIDE's convention)
    MotionProcessor.from_model_config(model.config).replace(output_units="m").save_pretrained(a.output_dir)
    log = {"train_runtime_s": time.time() - start, "global_step": trainer.state.global_step, "metrics": result.metrics,
           "log_history": trainer.state.log_history, "num_sequences": len(seqs), "num_clips": len(dataset),
           "argv": list(argv) if argv is not None else None}  # fmt: skip
    from motionhub.io_utils import atomic_write

    with atomic_write(f"{a.output_dir}/training_log.json") as f:
        json.dump(log, f, indent=1)
    print(json.dumps(result.metrics), flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
