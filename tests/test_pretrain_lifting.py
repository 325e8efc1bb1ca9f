# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionBERT unified lifting pretraining: data, corruption, mixed 3D/2D loss, curriculum, Trainer runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import data_path
from motionhub.tasks.pretrain_lifting import (
    Curriculum3DFirst,
    DSTformerForLiftingPretraining,
    LiftingPretrainCollator,
    LiftingPretrainDataset,
    build_lifting_pretrainer,
    normalize_2d_clip,
)

from motionhub import DSTformerConfig, DSTformerForPoseLifting, DSTformerModel
from motionhub.corruption import MotionBERTNoise
from motionhub.losses import pose3d_loss, weighted_2d_loss


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one intra-op thread is much faster than oversubscribing a shared CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _tiny(maxlen: int = 16, seed: int = 0, **kw) -> DSTformerForLiftingPretraining:
    torch.manual_seed(seed)
    cfg = DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, mlp_ratio=1.0, maxlen=maxlen, **kw)
    return DSTformerForLiftingPretraining(cfg)


def _mocap(n: int = 3, t: int = 48, seed: int = 0) -> list[np.ndarray]:
    """Moving skeletons, y-up world, mm."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        base = rng.normal(size=(17, 3)) * 300 + np.array([0, 1000, 0])
        phase = np.linspace(0, 3 * math.pi, t)[:, None, None] + rng.uniform(0, 6, (1, 17, 1))
        out.append((base + 80 * np.sin(phase) + np.linspace(0, 500, t)[:, None, None] * [1, 0, 0]).astype(np.float32))
    return out


def _noise() -> MotionBERTNoise:
    return MotionBERTNoise(mean=np.zeros((17, 2)), std=np.full((17, 2), 0.004), weight=np.full(17, 0.95))


def test_dataset_projection_normalisation_and_flip():
    ds = LiftingPretrainDataset(_mocap(), "y", clip_len=16, clip_stride=16, flip_prob=0.0, seed=0)
    assert ds.num_3d == 9 and ds.num_2d == 0 and len(ds) == 9
    pose = ds[0]["pose_3d"].numpy()
    assert pose.shape == (16, 17, 3)
    # crop_scale_3d: the x, y box of the clip spans [-1, 1] along its larger side, z uses the same factor
    span = max(np.ptp(pose[..., 0]), np.ptp(pose[..., 1]))
    assert span == pytest.approx(2.0, rel=1e-5)
    assert pose[0, 0, 2] == pytest.approx(-1.0, abs=1e-6)  # first-frame root depth maps to -1
    # orthographic + rotation: limb lengths are preserved up to the global scale
    world = _mocap()[0][:16]
    lw = np.linalg.norm(world[:, 1] - world[:, 0], axis=-1)
    lp = np.linalg.norm(pose[:, 1] - pose[:, 0], axis=-1)
    np.testing.assert_allclose(lp / lw, (lp / lw)[0], rtol=1e-4)
    front = LiftingPretrainDataset(_mocap(), "y", clip_len=16, clip_stride=16, random_rotation=False, flip_prob=0.0)
    # frontal camera of a y-up world: image y points down
    p = front[0]["pose_3d"].numpy()
    w = _mocap()[0][:16]
    assert np.corrcoef(p[..., 1].ravel(), -w[..., 1].ravel())[0, 1] > 0.99
    persp = LiftingPretrainDataset(_mocap(), "y", clip_len=16, projection="perspective", flip_prob=0.0)
    assert persp[0]["pose_3d"].shape == (16, 17, 3)
    with pytest.raises(ValueError, match="projection"):
        LiftingPretrainDataset(_mocap(), projection="fisheye")
    with pytest.raises(ValueError, match=r"\(T, J, 3\)"):
        LiftingPretrainDataset([np.zeros((20, 17, 2))])


def test_collator_builds_inputs_labels_and_weights():
    kp2d = [normalize_2d_clip(np.concatenate([np.random.default_rng(0).uniform(0, 500, (20, 17, 2)),
                                              np.full((20, 17, 1), 0.7)], -1))]  # fmt: skip
    ds = LiftingPretrainDataset(_mocap(), "y", keypoints_2d=kp2d, keypoints_2d_has_gt=False, clip_len=16,
                                clip_stride=16, flip_prob=0.0)  # fmt: skip
    assert ds.num_2d == 1
    col = LiftingPretrainCollator(noise=_noise(), joint_mask_ratio=0.1, frame_mask_ratio=0.1, seed=0)
    items = [ds[0], ds[len(ds) - 1]]
    batch = col(items)
    assert batch["keypoints"].shape == batch["labels"].shape == (2, 16, 17, 3)
    assert batch["has_3d"].tolist() == [True, False]
    assert torch.all(batch["labels"][:, :, 0] == 0)
    assert torch.all(batch["labels"][1, ..., 2] == 0)  # 2D-only: z unused
    # 3D clip: noisy input near the clean x, y, confidence from the noise model; 2D detector clip: no noise added
    pose = items[0]["pose_3d"]
    vis0 = (batch["keypoints"][0] != 0).any(-1)
    assert (batch["keypoints"][0][vis0][:, :2] - pose[vis0][:, :2]).abs().max() < 0.05
    vis1 = (batch["keypoints"][1] != 0).any(-1)
    torch.testing.assert_close(batch["keypoints"][1][vis1], torch.from_numpy(kp2d[0][:16])[vis1])
    assert torch.allclose(batch["confidence"][1], torch.tensor(0.7))
    assert torch.all(batch["confidence"][0] == 1)
    again = LiftingPretrainCollator(noise=_noise(), joint_mask_ratio=0.1, frame_mask_ratio=0.1, seed=0)
    torch.testing.assert_close(again(items)["keypoints"], batch["keypoints"])
    with pytest.raises(ValueError, match="pose_3d"):
        col([{"x": 1}])


def test_mixed_loss_matches_the_two_official_losses():
    model = _tiny().eval()
    torch.manual_seed(1)
    x, labels = torch.randn(4, 8, 17, 3), torch.randn(4, 8, 17, 3)
    labels = labels - labels[:, :, :1]
    has_3d = torch.tensor([True, False, True, False])
    conf = torch.rand(4, 8, 17)
    out = model(x, labels=labels, has_3d=has_3d, confidence=conf)
    pose = out.pose_3d
    l3, _ = pose3d_loss(pose[has_3d], labels[has_3d])
    l2 = weighted_2d_loss(pose[~has_3d], labels[~has_3d], conf[~has_3d])
    torch.testing.assert_close(out.loss, 0.5 * l3 + 0.5 * l2)
    assert set(out.loss_components) >= {"loss_3d", "loss_2d", "position", "scale", "velocity"}
    # all-3D batch == the pose-lifting loss
    plain = DSTformerForPoseLifting(model.config)
    plain.load_state_dict(model.state_dict())
    torch.testing.assert_close(model(x, labels=labels).loss, plain.eval()(x, labels=labels).loss)
    assert model(x, labels=labels, return_dict=False)[0].ndim == 0
    with pytest.raises(ValueError, match="has_3d"):
        model(x, labels=labels, has_3d=torch.ones(3, dtype=torch.bool))


def test_curriculum_serves_3d_first(tmp_path):
    from transformers import TrainingArguments

    kp2d = [normalize_2d_clip(np.concatenate([np.random.default_rng(1).uniform(0, 500, (64, 17, 2)),
                                              np.ones((64, 17, 1))], -1))]  # fmt: skip
    ds = LiftingPretrainDataset(_mocap(2, 32), "y", keypoints_2d=kp2d, clip_len=16, clip_stride=16)
    assert ds.num_3d == 4 and ds.num_2d == 4

    seen: list[list[bool]] = []

    class Spy(LiftingPretrainCollator):
        def __call__(self, features):
            batch = super().__call__(features)
            seen.append(batch["has_3d"].tolist())
            return batch

    model = _tiny()
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=4, learning_rate=1e-3,
                             num_train_epochs=4, logging_steps=1, save_strategy="no", report_to=[],
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True)  # fmt: skip
    trainer = build_lifting_pretrainer(model, ds, args, collator=Spy(noise=_noise()), curriculum_epochs=2)
    trainer.train()
    per_epoch = [seen[i] + seen[i + 1] for i in range(0, 8, 2)]
    assert all(all(e) for e in per_epoch[:2])  # epochs 0-1: 3D only
    assert all(not all(e) for e in per_epoch[2:])  # afterwards 2D-only clips appear
    assert ds.curriculum_3d_only is False
    assert any("loss" in h for h in trainer.state.log_history)
    with pytest.raises(ValueError, match="epochs"):
        Curriculum3DFirst(ds, -1)


def test_synthetic_pretraining_loss_goes_down_and_transfers(tmp_path):
    from transformers import TrainingArguments

    ds = LiftingPretrainDataset(_mocap(2, 32), "y", clip_len=16, clip_stride=16, random_rotation=False, flip_prob=0.0)
    model = _tiny(seed=3)
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=4, learning_rate=1e-2,
                             num_train_epochs=25, logging_steps=1, save_strategy="no", report_to=[],
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True, seed=0)  # fmt: skip
    collator = LiftingPretrainCollator(noise=None, joint_mask_ratio=0.0, frame_mask_ratio=0.0)
    trainer = build_lifting_pretrainer(model, ds, args, collator=collator, lr_decay=1.0)
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert np.mean(losses[-3:]) < 0.5 * np.mean(losses[:3]), losses
    model.save_pretrained(tmp_path / "pre")
    lifted = DSTformerForPoseLifting.from_pretrained(tmp_path / "pre")
    torch.testing.assert_close(lifted.head.weight, model.head.weight)
    enc = DSTformerModel.from_pretrained(tmp_path / "pre")
    torch.testing.assert_close(enc.joints_embed.weight, model.dstformer.joints_embed.weight)


# --------------------------------------------------------------------------------------------------- real data
@pytest.mark.slow
@pytest.mark.realdata
def test_real_mocap_pretraining_loss_goes_down(tmp_path):
    from transformers import TrainingArguments

    from motionhub.formats.bandai import load_bandai
    from motionhub.formats.h36m import load_h36m_3pb
    from motionhub.formats.penn import load_penn_action
    from motionhub.skeleton import to_h36m

    bandai = load_bandai(data_path("bandai_namco"), datasets=["dataset-1"])
    motion = [to_h36m(s.keypoints_3d, "bandai-22") for s in bandai.sequences[:60]]
    axes = ["y"] * len(motion)
    for s in load_h36m_3pb(data_path("h36m_train"), subjects=["S1"], frame="world")[:10]:
        motion.append(s.keypoints_3d[::2])
        axes.append("z")
    penn = load_penn_action(data_path("penn_action"), split="train")[:40]
    kp2d = [normalize_2d_clip(to_h36m(s.keypoints_2d, "penn-13", confidence="min")) for s in penn]
    ds = LiftingPretrainDataset(motion, axes, keypoints_2d=kp2d, keypoints_2d_has_gt=True, clip_len=27,
                                clip_stride=27, seed=0)  # fmt: skip
    noise = MotionBERTNoise.from_path(data_path("motionbert_noise"))
    cfg = DSTformerConfig(dim_feat=32, dim_rep=64, depth=2, num_heads=4, mlp_ratio=2.0, maxlen=27)
    torch.manual_seed(0)
    model = DSTformerForLiftingPretraining(cfg)
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=16, learning_rate=1e-3,
                             max_steps=120, logging_steps=10, save_strategy="no", report_to=[],
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True, seed=0)  # fmt: skip
    trainer = build_lifting_pretrainer(model, ds, args, collator=LiftingPretrainCollator(noise=noise, seed=0))
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert losses[-1] < 0.8 * losses[0], losses
