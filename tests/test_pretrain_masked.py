# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""P-STMO and MPM masked pose modeling pretraining: masks, collators, losses, Trainer runs, transfer to finetuning."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import data_path

from motionhub import (
    MPMConfig,
    MPMForMaskedPoseModeling,
    MPMForPoseCompletion,
    MPMForPoseLifting,
    MPMModel,
    STMOConfig,
    STMOForMaskedPoseModeling,
    STMOForPoseLifting,
    STMOModel,
)
from motionhub.losses import masked_mpjpe_loss, mpjpe_loss
from motionhub.tasks.pretrain_lifting import LiftingPretrainDataset, normalize_2d_clip
from motionhub.tasks.pretrain_masked import (
    MASKING_STRATEGIES,
    MaskedPose2DCollator,
    MaskSampler,
    MPMForMaskedPretraining,
    MPMPretrainCollator,
    STMOForMaskedPretraining,
    build_mpm_pretrainer,
    build_pstmo_pretrainer,
)

TINY = dict(frames=9, stride_num=[3, 3], layers=2, channel=16, d_hid=24, num_heads=2, num_joints=17,
            input_normalization="crop_scale")  # fmt: skip
LIFTING_HEAD = {"strided_transformer", "pose_head", "all_frames_head"}


def _mocap(n: int = 2, t: int = 36, seed: int = 0) -> list[np.ndarray]:
    """Moving skeletons, y-up world, mm."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        base = rng.normal(size=(17, 3)) * 300 + np.array([0, 1000, 0])
        phase = np.linspace(0, 3 * math.pi, t)[:, None, None] + rng.uniform(0, 6, (1, 17, 1))
        out.append((base + 80 * np.sin(phase) + np.linspace(0, 500, t)[:, None, None] * [1, 0, 0]).astype(np.float32))
    return out


def _fixed_clips(n_seq: int = 2) -> LiftingPretrainDataset:
    """8 deterministic 9-frame clips (frontal camera, no flips): one batch of 8 = the same batch every step."""
    return LiftingPretrainDataset(_mocap(n_seq), "y", clip_len=9, clip_stride=9, random_rotation=False,
                                  flip_prob=0.0)  # fmt: skip


def _kp2d_clip(t: int = 9, missing: tuple[int, int] | None = (2, 5), seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    kp = np.concatenate([rng.uniform(100, 400, (t, 17, 2)), np.full((t, 17, 1), 0.9)], -1)
    kp = normalize_2d_clip(kp)
    if missing is not None:
        kp[missing[0], missing[1]] = 0.0
    return kp


def _args(tmp_path, **kw):
    from transformers import TrainingArguments

    base = dict(output_dir=str(tmp_path / "run"), per_device_train_batch_size=8, learning_rate=3e-3, max_steps=24,
                logging_steps=1, save_strategy="no", report_to=[], remove_unused_columns=False, use_cpu=True,
                disable_tqdm=True, seed=0, dataloader_num_workers=0)  # fmt: skip
    return TrainingArguments(**{**base, **kw})


def _losses(trainer) -> list[float]:
    return [h["loss"] for h in trainer.state.log_history if "loss" in h]


def _top(keys) -> set[str]:
    return {k.split(".")[0] for k in keys}


# ------------------------------------------------------------------------------------------------------------ masks
def test_mask_sampler_strategies_counts_and_reproducibility():
    st = MaskSampler("spatio-temporal", temporal_mask_ratio=0.6, spatial_mask_num=5, seed=1)
    frame, joint = st(4, 27, 17)
    assert frame.shape == (4, 27) and joint.shape == (4, 27, 17)
    assert frame.dtype == joint.dtype == torch.bool
    assert (frame.sum(1) == 16).all()  # int(27 * 0.6)
    assert (joint.sum(-1) == 5).all()  # 5 joints in every frame
    assert torch.equal(frame[0], frame[3]) and torch.equal(joint[0], joint[3])  # shared by the batch (official)
    again = MaskSampler("spatio-temporal", temporal_mask_ratio=0.6, spatial_mask_num=5, seed=1)(4, 27, 17)
    assert torch.equal(again[0], frame) and torch.equal(again[1], joint)
    nxt = st(4, 27, 17)
    assert not torch.equal(nxt[1], joint)  # a fresh mask every batch

    f, j = MaskSampler("temporal", 0.8, 2)(3, 9, 17)
    assert (f.sum(1) == 7).all() and not j.any()
    f, j = MaskSampler("spatial", 0.8, 2)(3, 9, 17)
    assert not f.any() and (j.sum(-1) == 2).all()
    f, j = MaskSampler(per_sample=True, temporal_mask_ratio=0.5, spatial_mask_num=3, seed=0)(6, 27, 17)
    assert (f.sum(1) == 13).all()  # same count per clip (tokens batch) ...
    assert len({tuple(r.tolist()) for r in f}) > 1  # ... but different frames
    f, j = MaskSampler(spatial_mask_num=2, maskable_joints=list(range(16)))(2, 27, 17)
    assert not j[..., 16].any() and (j.sum(-1) == 2).all()

    cfg = STMOConfig.pstmo(**{k: v for k, v in TINY.items() if k != "layers"})
    assert (MaskSampler.from_config(cfg).temporal_mask_ratio, MaskSampler.from_config(cfg).spatial_mask_num) == (0.6, 3)
    mpm = MaskSampler.from_config(MPMConfig(**TINY))
    assert (mpm.temporal_mask_ratio, mpm.spatial_mask_num) == (0.6, 5)
    assert MASKING_STRATEGIES == ("spatial", "temporal", "spatio-temporal")
    with pytest.raises(ValueError, match="strategy"):
        MaskSampler("random")
    with pytest.raises(ValueError, match="temporal_mask_ratio"):
        MaskSampler(temporal_mask_ratio=1.0)
    with pytest.raises(ValueError, match="exceeds"):
        MaskSampler(spatial_mask_num=18)(1, 9, 17)
    with pytest.raises(ValueError, match="maskable"):
        MaskSampler(spatial_mask_num=3, maskable_joints=[0, 1])


# ----------------------------------------------------------------------------------------------------------- P-STMO
def test_pstmo_collator_inputs_targets_and_missing_joints():
    ds = LiftingPretrainDataset(_mocap(), "y", keypoints_2d=[_kp2d_clip()], clip_len=9, clip_stride=9,
                                flip_prob=0.0)  # fmt: skip
    col = MaskedPose2DCollator(MaskSampler(temporal_mask_ratio=0.8, spatial_mask_num=2, seed=0))
    items = [ds[0], ds[len(ds) - 1]]
    batch = col(items)
    assert batch["keypoints"].shape == batch["labels"].shape == (2, 9, 17, 2)
    torch.testing.assert_close(batch["keypoints"][0], items[0]["pose_3d"][..., :2])  # 2D = the virtual projection
    torch.testing.assert_close(batch["keypoints"][1], items[1]["keypoints_2d"][..., :2])
    torch.testing.assert_close(batch["labels"], batch["keypoints"])
    assert (batch["frame_mask"].sum(1) == 7).all()
    vis = batch["visibility"]
    assert vis.shape == (2, 9, 17) and not vis[1, 2, 5] and int((~vis).sum()) == 1
    assert batch["joint_mask"][1, 2, 5]  # the missing joint is shown as the mask token
    full = col([ds[0], ds[1]])
    assert "visibility" not in full and (full["joint_mask"].sum(-1) == 2).all()
    with pytest.raises(ValueError, match="pose_3d"):
        col([{"x": torch.zeros(9, 17, 3)}])


def test_stmo_visibility_weighted_loss():
    torch.manual_seed(0)
    model = STMOForMaskedPretraining(STMOConfig(**TINY)).eval()
    x = torch.randn(2, 9, 17, 2)
    frame = torch.zeros(9, dtype=torch.bool)
    frame[[1, 4, 6]] = True
    joint = torch.zeros(9, 17, dtype=torch.bool)
    joint[:, 3] = True
    plain = STMOForMaskedPoseModeling(model.config).eval()
    plain.load_state_dict(model.state_dict())
    ref = plain(x, frame_mask=frame, joint_mask=joint, labels=x)
    out = model(x, frame_mask=frame, joint_mask=joint, labels=x)
    torch.testing.assert_close(out.loss, ref.loss)  # no visibility: P-STMO's loss, unchanged
    vis = torch.ones(2, 9, 17, dtype=torch.bool)
    torch.testing.assert_close(model(x, frame_mask=frame, joint_mask=joint, labels=x, visibility=vis).loss, ref.loss)
    vis[0, :, :8] = False
    out = model(x, frame_mask=frame, joint_mask=joint, labels=x, visibility=vis)
    torch.testing.assert_close(out.loss, masked_mpjpe_loss(ref.reconstruction_2d, x, vis))
    assert out.loss_components["mpjpe_2d"] == out.loss
    with pytest.raises(ValueError, match="visibility"):
        model(x, frame_mask=frame, labels=x, visibility=vis[:, :, :3])
    with pytest.raises(ValueError, match="official_frame_order"):
        model(x, frame_mask=frame, labels=x, visibility=vis, official_frame_order=True)


def test_pstmo_pretraining_trains_saves_and_transfers(tmp_path):
    torch.manual_seed(0)
    model = STMOForMaskedPretraining(STMOConfig(**TINY))
    trainer = build_pstmo_pretrainer(model, _fixed_clips(), _args(tmp_path, num_train_epochs=24, max_steps=-1))
    assert trainer.data_collator.masks.strategy == "spatio-temporal"
    assert (trainer.data_collator.masks.temporal_mask_ratio, trainer.data_collator.masks.spatial_mask_num) == (0.8, 2)
    trainer.train()
    opt = trainer.optimizer.optimizer if hasattr(trainer.optimizer, "optimizer") else trainer.optimizer
    assert type(opt) is torch.optim.Adam and all(g["amsgrad"] for g in opt.param_groups)
    assert all(g["weight_decay"] == 0 for g in opt.param_groups)
    losses = _losses(trainer)
    assert len(losses) == 24 and np.isfinite(losses).all()
    assert np.mean(losses[-5:]) < 0.85 * np.mean(losses[:5]), losses
    lrs = [h["learning_rate"] for h in trainer.state.log_history if "learning_rate" in h]
    assert lrs[0] == pytest.approx(3e-3) and lrs[-1] == pytest.approx(3e-3 * 0.97**23)  # 1 step per epoch
    metrics = trainer.evaluate(_fixed_clips(1))  # masked reconstruction loss on held-out clips
    assert np.isfinite(metrics["eval_loss"])

    model.save_pretrained(tmp_path / "pre")
    lifting, info = STMOForPoseLifting.from_pretrained(tmp_path / "pre", output_loading_info=True)
    assert _top(info["missing_keys"]) == LIFTING_HEAD  # only the new lifting head is initialised
    assert not info["mismatched_keys"]
    assert _top(info["unexpected_keys"]) == {"encoder_norm", "encoder_to_decoder", "decoder", "decoder_head",
                                             "decoder_position_embeddings", "mask_token", "spatial_mask_token"}
    pre = model.state_dict()
    for k, v in lifting.state_dict().items():
        if k.startswith("stmo."):
            assert torch.equal(v, pre[k]), k
    assert lifting.config.input_normalization == "crop_scale"
    enc = STMOModel.from_pretrained(tmp_path / "pre")
    torch.testing.assert_close(enc.input_embedding.proj.weight, model.stmo.input_embedding.proj.weight)
    lifting.eval()(torch.zeros(1, 9, 17, 2))  # the transferred model runs


# -------------------------------------------------------------------------------------------------------------- MPM
def test_mpm_collator_schedules_and_2d_only_clips():
    ds = LiftingPretrainDataset(_mocap(), "y", keypoints_2d=[_kp2d_clip()], clip_len=9, clip_stride=9,
                                flip_prob=0.0)  # fmt: skip
    items = [ds[0], ds[len(ds) - 1], ds[1]]
    col = MPMPretrainCollator(MaskSampler(temporal_mask_ratio=0.6, spatial_mask_num=5, seed=0))
    batch = col(items)
    assert batch["has_3d"].tolist() == [True, False, True]
    assert batch["keypoints"].shape == (3, 9, 17, 2) and batch["keypoints_3d"].shape == (3, 9, 17, 3)
    pose = items[0]["pose_3d"]
    torch.testing.assert_close(batch["keypoints_3d"][0], pose - pose[:, :1])  # root-relative 3D
    torch.testing.assert_close(batch["keypoints"][0], pose[..., :2])
    assert not batch["keypoints_3d"][1].any()
    assert batch["pretext_weights"].tolist() == [1.0, 1.0, 1.0]
    assert (batch["frame_mask"].sum(1) == 5).all() and (batch["frame_mask_3d"].sum(1) == 5).all()
    assert not torch.equal(batch["joint_mask"][0], batch["joint_mask_3d"][0])  # independent masks per pass
    assert "visibility" in batch and batch["joint_mask"][1, 2, 5]

    alt = MPMPretrainCollator(MaskSampler(seed=0), schedule="alternate")
    turns = [alt(items)["pretext_weights"].tolist() for _ in range(4)]
    assert turns == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    only2d = MPMPretrainCollator(MaskSampler(seed=0), schedule="alternate", pretexts=("3d",))
    assert only2d([ds[len(ds) - 1]])["pretext_weights"].tolist() == [1, 0, 0]  # no 3D clip: falls back to 2D
    official = MPMPretrainCollator(pretexts=("2d", "3d"))
    assert official(items)["pretext_weights"].tolist() == [1, 1, 0]
    with pytest.raises(ValueError, match="schedule"):
        MPMPretrainCollator(schedule="random")
    with pytest.raises(ValueError, match="pretexts"):
        MPMPretrainCollator(pretexts=("2d", "mesh"))


def test_mpm_loss_is_the_weighted_sum_of_the_official_calls():
    torch.manual_seed(0)
    model = MPMForMaskedPretraining(MPMConfig(**TINY)).eval()
    base = MPMForMaskedPoseModeling(model.config).eval()
    base.load_state_dict(model.state_dict())
    torch.manual_seed(1)
    x2, x3 = torch.randn(3, 9, 17, 2), torch.randn(3, 9, 17, 3)
    x3 = x3 - x3[:, :, :1]
    s = MaskSampler(temporal_mask_ratio=0.6, spatial_mask_num=5, seed=0)
    fm, jm = s(3, 9, 17)
    fm3, jm3 = s(3, 9, 17)
    out = model(x2, keypoints_3d=x3, frame_mask=fm, joint_mask=jm, frame_mask_3d=fm3, joint_mask_3d=jm3)
    two = base(x2, joint_mask=jm, frame_mask=fm, lift=True, labels=x2, labels_3d=x3)
    three = base(x3, joint_mask=jm3, frame_mask=fm3, labels=x3)
    torch.testing.assert_close(out.loss, two.loss + three.loss)  # 5·2D + 1·lift + 2·3D (config weights)
    c = out.loss_components
    torch.testing.assert_close(out.loss, 5 * c["mpjpe_2d"] + 2 * c["mpjpe_3d"] + 1 * c["mpjpe_lift"])
    torch.testing.assert_close(out.reconstruction_2d, two.reconstruction_2d)
    torch.testing.assert_close(out.lifted_3d, two.lifted_3d)
    torch.testing.assert_close(out.reconstruction_3d, three.reconstruction_3d)

    # rows without 3D: 2D task on every clip, 3D + lift on the has_3d rows only
    has = torch.tensor([True, False, True])
    out = model(x2, keypoints_3d=x3, has_3d=has, frame_mask=fm, joint_mask=jm, frame_mask_3d=fm3, joint_mask_3d=jm3)
    three = base(x3[has], joint_mask=jm3[has], frame_mask=fm3[has], labels=x3[has])
    torch.testing.assert_close(out.loss_components["mpjpe_3d"], three.loss_components["mpjpe_3d"])
    torch.testing.assert_close(out.loss_components["mpjpe_lift"], mpjpe_loss(two.lifted_3d[has], x3[has]))
    assert out.reconstruction_3d.shape == (2, 9, 17, 3)

    # pretext weights: one-hot turns skip the unused pass
    out = model(x2, keypoints_3d=x3, frame_mask=fm, joint_mask=jm, frame_mask_3d=fm3, joint_mask_3d=jm3,
                pretext_weights=torch.tensor([0.0, 1.0, 0.0]))  # fmt: skip
    assert out.reconstruction_2d is None and set(out.loss_components) == {"mpjpe_3d"}
    torch.testing.assert_close(out.loss, 2 * out.loss_components["mpjpe_3d"])
    out = model(x2, keypoints_3d=x3, frame_mask=fm, joint_mask=jm, pretext_weights=[0.0, 0.0, 1.0])
    torch.testing.assert_close(out.loss, out.loss_components["mpjpe_lift"])
    vis = torch.ones(3, 9, 17, dtype=torch.bool)
    vis[1, :, 4] = False
    out = model(x2, frame_mask=fm, joint_mask=jm, visibility=vis)  # 2D only
    torch.testing.assert_close(out.loss, 5 * masked_mpjpe_loss(two.reconstruction_2d, x2, vis))
    assert model(x2, frame_mask=fm, joint_mask=jm, return_loss=False).loss is None

    with pytest.raises(ValueError, match="keypoints"):
        model()
    with pytest.raises(ValueError, match="nothing to train"):
        model(x2, keypoints_3d=x3, pretext_weights=[0.0, 1.0, 0.0], has_3d=torch.zeros(3, dtype=torch.bool))
    with pytest.raises(ValueError, match="row-aligned"):
        model(x2, keypoints_3d=x3[:2])
    with pytest.raises(ValueError, match="pretext_weights"):
        model(x2, pretext_weights=[1.0, -1.0, 0.0])
    with pytest.raises(ValueError, match="has_3d"):
        model(x2, keypoints_3d=x3, has_3d=torch.ones(2, dtype=torch.bool))


@pytest.mark.parametrize("schedule", ["sum", "alternate"])
def test_mpm_pretraining_trains_saves_and_transfers(tmp_path, schedule):
    torch.manual_seed(0)
    model = MPMForMaskedPretraining(MPMConfig(**TINY))
    trainer = build_mpm_pretrainer(model, _fixed_clips(), _args(tmp_path, max_steps=24), schedule=schedule)
    masks = trainer.data_collator.masks
    assert (masks.temporal_mask_ratio, masks.spatial_mask_num, masks.strategy) == (0.6, 5, "spatio-temporal")
    trainer.train()
    losses = _losses(trainer)
    assert len(losses) == 24 and np.isfinite(losses).all()
    if schedule == "sum":
        assert np.mean(losses[-5:]) < 0.85 * np.mean(losses[:5]), losses
        assert np.isfinite(trainer.evaluate(_fixed_clips(1))["eval_loss"])
    else:  # compare the same pretext across the run (turns cycle 2D, 3D, lift)
        for k in range(3):
            turn = losses[k::3]
            assert np.mean(turn[-2:]) < 0.9 * np.mean(turn[:2]), (k, losses)

    model.save_pretrained(tmp_path / "pre")
    lifting, info = MPMForPoseLifting.from_pretrained(tmp_path / "pre", output_loading_info=True)
    assert _top(info["missing_keys"]) == LIFTING_HEAD and not info["mismatched_keys"]
    pre = model.state_dict()
    for k, v in lifting.state_dict().items():
        if k.startswith("mpm."):
            assert torch.equal(v, pre[k]), k
    lifting.eval()(torch.zeros(1, 9, 17, 2))
    _, info = MPMForPoseCompletion.from_pretrained(tmp_path / "pre", output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]  # the same network: nothing new
    deeper, info = MPMForPoseCompletion.from_pretrained(tmp_path / "pre", decoder_layers=2, output_loading_info=True)
    assert info["missing_keys"] and all(k.startswith(("decoder_2d.layers.1.", "decoder_3d.layers.1."))
                                        for k in info["missing_keys"])  # fmt: skip
    torch.testing.assert_close(deeper.mpm.temporal_encoder.position_embeddings, model.mpm.temporal_encoder.position_embeddings)
    enc = MPMModel.from_pretrained(tmp_path / "pre")
    torch.testing.assert_close(enc.input_embedding_2d.proj.weight, model.mpm.input_embedding_2d.proj.weight)


def test_builders_check_their_arguments(tmp_path):
    stmo = STMOForMaskedPretraining(STMOConfig(**TINY))
    mpm = MPMForMaskedPretraining(MPMConfig(**TINY))
    ds = _fixed_clips(1)
    with pytest.raises(ValueError, match="remove_unused_columns"):
        build_pstmo_pretrainer(stmo, ds, _args(tmp_path, remove_unused_columns=True))
    with pytest.raises(TypeError, match="STMOForMaskedPretraining"):
        build_pstmo_pretrainer(mpm, ds, _args(tmp_path))
    with pytest.raises(TypeError, match="MPMForMaskedPretraining"):
        build_mpm_pretrainer(stmo, ds, _args(tmp_path))
    with pytest.raises(TypeError, match="from_pretrained"):
        build_pstmo_pretrainer(STMOForMaskedPoseModeling(stmo.config), ds, _args(tmp_path))
    with pytest.raises(ValueError, match="optimizer"):
        build_mpm_pretrainer(mpm, ds, _args(tmp_path), optimizer="sgd")
    trainer = build_pstmo_pretrainer(stmo, ds, _args(tmp_path, optim="adamw_torch"), optimizer="args",
                                     lr_decay=None)  # fmt: skip
    opt = trainer.create_optimizer()
    assert isinstance(getattr(opt, "optimizer", opt), torch.optim.AdamW)
    trainer = build_pstmo_pretrainer(stmo, ds, _args(tmp_path), strategy="temporal")
    batch = trainer.data_collator([ds[0], ds[1]])
    assert (batch["frame_mask"].sum(1) == 7).all() and not batch["joint_mask"].any()
    assert stmo.train()(**batch).loss.isfinite()


# --------------------------------------------------------------------------------------------------------- real data
def _real_clips(frames: int) -> LiftingPretrainDataset:
    from motionhub.formats.bandai import load_bandai
    from motionhub.formats.h36m import load_h36m_3pb
    from motionhub.skeleton import to_h36m

    bandai = load_bandai(data_path("bandai_namco"), datasets=["dataset-1"])
    motion = [to_h36m(s.keypoints_3d, "bandai-22") for s in bandai.sequences[:60]]
    axes = ["y"] * len(motion)
    for s in load_h36m_3pb(data_path("h36m_train"), subjects=["S1"], frame="world")[:12]:
        motion.append(s.keypoints_3d[::2])  # 50 fps -> 25 fps (P-STMO / MPM tds 2)
        axes.append("z")
    return LiftingPretrainDataset(motion, axes, clip_len=frames, clip_stride=frames, seed=0)


def _small(cls, frames: int = 27):
    return cls(frames=frames, layers=2, channel=64, d_hid=128, num_heads=4, num_joints=17,
               input_normalization="crop_scale")  # fmt: skip


@pytest.mark.slow
@pytest.mark.realdata
def test_real_mocap_pstmo_pretraining_loss_goes_down(tmp_path):
    ds = _real_clips(27)
    torch.manual_seed(0)
    model = STMOForMaskedPretraining(_small(STMOConfig))
    args = _args(tmp_path, per_device_train_batch_size=32, learning_rate=1e-3, max_steps=200)
    trainer = build_pstmo_pretrainer(model, ds, args)
    trainer.train()
    losses = _losses(trainer)
    print(f"P-STMO real: {len(ds)} clips, first20 {np.mean(losses[:20]):.4f} last20 {np.mean(losses[-20:]):.4f}")
    assert np.mean(losses[-20:]) < 0.8 * np.mean(losses[:20]), losses
    model.save_pretrained(tmp_path / "pre")
    _, info = STMOForPoseLifting.from_pretrained(tmp_path / "pre", output_loading_info=True)
    assert _top(info["missing_keys"]) == LIFTING_HEAD


@pytest.mark.slow
@pytest.mark.realdata
def test_real_mocap_mpm_pretraining_loss_goes_down(tmp_path):
    ds = _real_clips(27)
    torch.manual_seed(0)
    model = MPMForMaskedPretraining(_small(MPMConfig))
    args = _args(tmp_path, per_device_train_batch_size=32, learning_rate=1e-3, max_steps=200)
    trainer = build_mpm_pretrainer(model, ds, args)
    trainer.train()
    losses = _losses(trainer)
    print(f"MPM real: {len(ds)} clips, first20 {np.mean(losses[:20]):.4f} last20 {np.mean(losses[-20:]):.4f}")
    assert np.mean(losses[-20:]) < 0.8 * np.mean(losses[:20]), losses
    model.save_pretrained(tmp_path / "pre")
    _, info = MPMForPoseLifting.from_pretrained(tmp_path / "pre", output_loading_info=True)
    assert _top(info["missing_keys"]) == LIFTING_HEAD
