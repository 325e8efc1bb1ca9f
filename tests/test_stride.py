# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STRIDE: parity of evaluate / test-time training with the official code, masked 3D pretraining, TTT behaviour."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import reference_path
from motionhub.tasks.stride import (
    STRIDE_LAMBDAS,
    Masked3DCollator,
    Masked3DPretrainDataset,
    build_masked3d_trainer,
    center_stride_input,
    masked_pose3d_loss,
    prepare_stride_input,
    stride_predict,
    test_time_train,
    to_camera_frame,
)

from motionhub import DSTformerConfig, DSTformerForPoseLifting
from motionhub.conversion import convert_checkpoint, load_official_checkpoint
from motionhub.losses import pose3d_loss


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one intra-op thread is much faster than oversubscribing a shared CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def official():
    model = convert_checkpoint(reference_path("motionbert_dstformer", "checkpoint_small.bin"), num_heads=4)
    io = dict(np.load(reference_path("stride", "io_small.npz")))
    return model, io


def _tiny_prior(maxlen: int = 16, seed: int = 0) -> DSTformerForPoseLifting:
    torch.manual_seed(seed)
    cfg = DSTformerConfig.stride(dim_feat=16, dim_rep=16, depth=1, num_heads=2, mlp_ratio=1.0, maxlen=maxlen,
                                 root_relative=False)  # fmt: skip
    return DSTformerForPoseLifting(cfg).eval()


def _walk(t: int, seed: int = 0) -> np.ndarray:
    """A plausible moving H36M-17 skeleton in camera space (metres)."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(17, 3)) * 0.25
    phase = np.linspace(0, 4 * math.pi, t)[:, None, None]
    motion = 0.05 * np.sin(phase + np.arange(17)[None, :, None]) * np.array([1.0, 0.5, 1.0])
    return (base + motion + np.array([0.1, -0.2, 5.0])).astype(np.float32)


# ----------------------------------------------------------------------------------------------------- parity
def test_evaluate_before_ttt_matches_official(official):
    model, io = official
    assert model.config.root_relative is False  # official pose3d outputs are not root-zeroed inside the model
    with torch.no_grad():
        out = model(torch.from_numpy(io["equiv_input"])).pose_3d.numpy()
    np.testing.assert_allclose(out, io["equiv_output"], atol=1e-5, rtol=1e-5)
    pred = stride_predict(model, io["pseudo_label_clip"][0], recenter="stride_midhip")
    np.testing.assert_allclose(pred, io["eval_before_keypoints"], atol=1e-5, rtol=1e-5)
    # the default recentring keeps the pelvis at the origin instead of the quirky knee/ankle mean
    default = stride_predict(model, io["pseudo_label_clip"][0])
    assert np.all(default[:, 0] == 0)
    assert not np.allclose(default, pred, atol=1e-3)


def test_loss_components_at_start_match_official(official):
    model, io = official
    clip = torch.from_numpy(io["pseudo_label_clip"])
    model.train()
    pred = model(clip).pose_3d
    model.eval()
    total, comp = masked_pose3d_loss(pred, clip - clip[:, :, :1], None, **STRIDE_LAMBDAS)
    np.testing.assert_allclose(total.item(), io["loss_total_start"], rtol=1e-5)
    np.testing.assert_allclose(total.item(), io["train_epoch_logged_total"], rtol=1e-5)
    for ours, theirs in (("position", "loss_3d_pos_start"), ("scale", "loss_3d_scale_start"),
                         ("velocity", "loss_3d_velocity_start"), ("limb_var", "loss_lv_start")):  # fmt: skip
        np.testing.assert_allclose(comp[ours].item(), io[theirs], rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("steps,key", [(1, "output_after_1_step"), (3, "output_after_3_steps")])
def test_ttt_steps_match_official(official, steps, key):
    model, io = official
    before = {k: v.clone() for k, v in model.state_dict().items()}
    clip = io["pseudo_label_clip"][0]
    # the fixture calls the official train_epoch `steps` times: constant lr (the per-epoch decay lives in
    # train_with_config), dataset flip off
    res = test_time_train(model, clip, epochs=steps, lr_decay=1.0, flip_augmentation=False, recenter="stride_midhip",
                          progress=False)  # fmt: skip
    assert res.steps == steps and len(res.history) == steps
    np.testing.assert_allclose(res.history[0]["total"], io["loss_total_start"], rtol=1e-5)
    with torch.no_grad():
        out = res.model(torch.from_numpy(clip)[None]).pose_3d.numpy()
    np.testing.assert_allclose(out, io[key], atol=1e-4)
    if steps == 3:
        np.testing.assert_allclose(res.poses, io["eval_after_3_steps_keypoints"], atol=1e-4)
        official_sd = load_official_checkpoint(reference_path("stride", "checkpoint_small_after3ttt.bin"))["model_pos"]
        ours = res.model.state_dict()
        for k, v in official_sd.items():
            name = k[len("module."):]
            name = name if name.startswith("head.") else "dstformer." + name
            torch.testing.assert_close(ours[name], v, atol=1e-4, rtol=0)
    # the caller's prior is never modified
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k
    # with the per-epoch decay the third step differs: the option is live
    if steps == 3:
        decayed = test_time_train(model, clip, epochs=3, lr_decay=0.5, flip_augmentation=False, progress=False)
        with torch.no_grad():
            out_decay = decayed.model(torch.from_numpy(clip)[None]).pose_3d.numpy()
        assert np.abs(out_decay - io[key]).max() > 1e-4


# ------------------------------------------------------------------------------------------------------ loss
def test_masked_loss_equals_official_loss_when_all_visible():
    torch.manual_seed(0)
    pred, target = torch.randn(2, 10, 17, 3), torch.randn(2, 10, 17, 3)
    vis = torch.ones(2, 10, 17, dtype=torch.bool)
    ours, comp = masked_pose3d_loss(pred, target, vis, **STRIDE_LAMBDAS)
    ref, ref_comp = pose3d_loss(pred, target, **STRIDE_LAMBDAS)
    torch.testing.assert_close(ours, ref)
    for k in ref_comp:
        torch.testing.assert_close(comp[k], ref_comp[k])
    # hidden joints do not influence the data terms
    vis[:, 3:6, 4] = False
    target2 = target.clone()
    target2[:, 3:6, 4] += 100.0
    a, _ = masked_pose3d_loss(pred, target, vis, **STRIDE_LAMBDAS)
    b, _ = masked_pose3d_loss(pred, target2, vis, **STRIDE_LAMBDAS)
    torch.testing.assert_close(a, b)


def test_prepare_input_masks_and_errors():
    poses = _walk(20)
    poses[3, 5] = np.nan
    x, vis = prepare_stride_input(poses, np.r_[np.ones(10, bool), np.zeros(10, bool)])
    assert vis.shape == (20, 17) and not vis[3, 5] and not vis[15].any() and vis[0].all()
    assert (x[15] == 0).all() and (x[3, 5] == 0).all() and torch.isfinite(x).all()
    _, vis2 = prepare_stride_input(_walk(20))
    assert vis2 is None
    with pytest.raises(ValueError, match=r"\(T, J, 3\)"):
        prepare_stride_input(np.zeros((2, 20, 17, 3)))
    with pytest.raises(ValueError, match="visibility"):
        prepare_stride_input(_walk(20), np.ones(19, bool))
    with pytest.raises(ValueError, match="hidden"):
        prepare_stride_input(_walk(5), np.zeros(5, bool))


# -------------------------------------------------------------------------------------------------------- TTT
def test_ttt_long_video_windows_visibility_and_errors():
    prior = _tiny_prior(maxlen=16)
    poses = _walk(50)
    vis = np.ones((50, 17), bool)
    vis[20:28] = False  # a fully hidden stretch
    res = test_time_train(prior, poses, vis, epochs=2, batch_size=2, seed=0, predict_before=True, progress=False)
    windows = len(range(0, 50 - 16 + 1, 8)) + 1  # stride = window // 2, plus one aligned to the end
    assert res.steps == 2 * math.ceil(windows / 2)
    assert res.poses.shape == (50, 17, 3) and np.isfinite(res.poses).all()
    assert np.all(res.poses[:, 0] == 0)
    assert res.initial_poses.shape == (50, 17, 3)
    assert not np.allclose(res.poses, res.initial_poses)
    again = test_time_train(prior, poses, vis, epochs=2, batch_size=2, seed=0, progress=False)
    np.testing.assert_array_equal(res.poses, again.poses)  # deterministic under a seed
    capped = test_time_train(prior, poses, epochs=5, max_steps=3, progress=False, return_model=False)
    assert capped.steps == 3 and capped.model is None
    with pytest.raises(ValueError, match="dim_in=3"):
        bad = DSTformerForPoseLifting(DSTformerConfig(dim_in=2, dim_feat=8, dim_rep=8, depth=1, num_heads=2,
                                                      maxlen=8))  # fmt: skip
        test_time_train(bad, poses, progress=False)
    with pytest.raises(ValueError, match="window"):
        test_time_train(prior, poses, window=64, progress=False)
    with pytest.raises(ValueError, match="recenter"):
        stride_predict(prior, poses, recenter="hips")


def test_centered_input_convention_is_translation_invariant():
    x = torch.from_numpy(_walk(12))[None]
    vis = torch.ones(1, 12, 17, dtype=torch.bool)
    vis[0, 3:5] = False
    c = center_stride_input(x * vis[..., None], vis)
    assert torch.all(c[~vis] == 0)
    torch.testing.assert_close(c[vis].mean(0), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(center_stride_input((x + 3.0) * vis[..., None], vis), c, atol=1e-5, rtol=0)
    prior = _tiny_prior(maxlen=16)
    prior.config.input_normalization = "centered_3d"
    poses = _walk(30)
    shifted = poses + np.array([0.7, -0.4, 2.0], np.float32)
    np.testing.assert_allclose(stride_predict(prior, poses), stride_predict(prior, shifted), atol=1e-5)
    a = test_time_train(prior, poses, epochs=1, progress=False)
    b = test_time_train(prior, shifted, epochs=1, progress=False)
    np.testing.assert_allclose(a.poses, b.poses, atol=1e-4)
    # the raw convention (official STRIDE) is not invariant
    prior.config.input_normalization = "none_3d"
    assert not np.allclose(stride_predict(prior, poses), stride_predict(prior, shifted), atol=1e-4)


def test_interpolated_input_convention_fills_hidden_joints_in_one_place():
    """fill_missing="interpolate" priors: hidden joints enter linearly interpolated (train, predict, TTT alike)."""
    from motionhub.pipelines.stride import interpolate_hidden, prior_input
    from motionhub.processor import MotionProcessor

    x = torch.from_numpy(_walk(12))[None]
    vis = torch.ones(1, 12, 17, dtype=torch.bool)
    vis[0, 3:6] = False  # 3 whole frames hidden
    vis[0, 9:, 4] = False  # one joint hidden to the end: its last visible value is held
    vis[0, :, 7] = False  # one joint never seen: 0
    filled = interpolate_hidden(x * vis[..., None], vis)
    a, b = x[0, 2], x[0, 6]
    for j in (0, 5, 16):
        torch.testing.assert_close(filled[0, 4, j], a[j] + (b[j] - a[j]) * 2 / 4, atol=1e-6, rtol=0)
    torch.testing.assert_close(filled[0, 11, 4], x[0, 8, 4])
    assert torch.all(filled[0, :, 7] == 0)
    torch.testing.assert_close(filled[vis], x[vis])
    # centring: filled joints move with the clip, the centre comes from the visible joints only
    c = prior_input(x * vis[..., None], vis, centered=True, fill_missing="interpolate")
    torch.testing.assert_close(c[vis].mean(0), torch.zeros(3), atol=1e-5, rtol=0)
    centre = x[vis].mean(0)
    torch.testing.assert_close(c[0, 4, 0], filled[0, 4, 0] - centre, atol=1e-5, rtol=0)
    zero = prior_input(x * vis[..., None], vis, centered=True, fill_missing="zero")
    torch.testing.assert_close(zero, center_stride_input(x * vis[..., None], vis))
    with pytest.raises(ValueError, match="fill_missing"):
        prior_input(x, vis, centered=True, fill_missing="nearest")
    with pytest.raises(ValueError, match="fill_missing"):
        Masked3DCollator(fill_missing="nearest")
    # the collator: hidden joints interpolated, none left at zero except joints never seen in a clip
    ds = Masked3DPretrainDataset([_walk(60, s) * 1000 for s in range(2)], "y", clip_len=16, clip_stride=8, seed=0)
    features = [ds[i] for i in range(4)]  # the dataset draws new cameras on every access: draw once
    batch = Masked3DCollator(center_input=True, fill_missing="interpolate", frame_mask_ratio=0.3, seed=0)(features)
    zeroed = Masked3DCollator(center_input=True, frame_mask_ratio=0.3, seed=0)(features)
    hidden = (zeroed["keypoints"] == 0).all(-1)
    assert hidden.any() and not (batch["keypoints"][hidden] == 0).all(-1).all()
    torch.testing.assert_close(batch["labels"], zeroed["labels"])
    torch.testing.assert_close(batch["keypoints"][~hidden], zeroed["keypoints"][~hidden])  # same noise, same centre
    # prediction and TTT read the convention from the prior's processor (or the one given)
    prior = _tiny_prior(maxlen=16)
    prior.config.input_normalization = "centered_3d"
    poses = _walk(30)
    frame_vis = np.ones(30, bool)
    frame_vis[10:14] = False
    interp = MotionProcessor.from_model_config(prior.config).replace(fill_missing="interpolate")
    p_zero = stride_predict(prior, poses, frame_vis)
    p_interp = stride_predict(prior, poses, frame_vis, processor=interp)
    assert not np.allclose(p_zero, p_interp, atol=1e-5)
    # hidden values never reach the model: whatever they were, the result is the same
    noisy = poses.copy()
    noisy[10:14] = 9.0
    np.testing.assert_allclose(stride_predict(prior, noisy, frame_vis, processor=interp), p_interp, atol=1e-6)
    res = test_time_train(prior, poses, frame_vis, epochs=1, progress=False, processor=interp)
    assert res.poses.shape == (30, 17, 3) and np.isfinite(res.poses).all()


def test_ttt_self_occlusion_hides_input_only_and_is_seeded():
    """occlusion=: fresh simulated spans hide observed joints from the prior's input each epoch; the loss keeps them."""
    from motionhub.corruption import OcclusionSimulator

    prior = _tiny_prior(maxlen=16)
    prior.config.input_normalization = "centered_3d"  # zero-fill convention: a hidden joint enters as exactly 0
    poses = _walk(40)
    vis = np.ones((40, 17), bool)
    vis[20:26] = False
    occ = OcclusionSimulator(fps=10.0, full_occlusion_prob=1.0, limb_occlusion_prob=0.0)  # a 0.2-1.6 s gap per window

    def run(occlusion):
        inputs: list[torch.Tensor] = []
        hook = prior.register_forward_pre_hook(  # deep copies keep the hook: it sees the adapted copy's inputs
            lambda m, a, kw: inputs.append(kw["keypoints"].detach().clone()) if m.training else None, with_kwargs=True)
        try:
            res = test_time_train(prior, poses, vis, epochs=2, seed=3, occlusion=occlusion, flip_augmentation=False,
                                  progress=False)  # fmt: skip
        finally:
            hook.remove()
        return res, torch.cat(inputs)

    res, occluded_inputs = run(occ)
    plain, plain_inputs = run(None)
    assert res.poses.shape == (40, 17, 3) and np.isfinite(res.poses).all()
    hidden = lambda k: int((k == 0).all(-1).sum())  # noqa: E731
    assert hidden(occluded_inputs) > hidden(plain_inputs) + 16  # whole frames the video shows were hidden
    np.testing.assert_array_equal(res.poses, run(occ)[0].poses)  # seeded
    assert not np.allclose(res.poses, plain.poses)  # the self-made occlusions change what is learnt
    assert all(p.grad is None for p in prior.parameters())  # the caller's prior is never trained
    with pytest.raises(TypeError, match="OcclusionSimulator"):
        test_time_train(prior, poses, vis, epochs=1, occlusion="spans", progress=False)


def test_ttt_reduces_its_own_loss():
    prior = _tiny_prior(maxlen=16, seed=1)
    res = test_time_train(prior, _walk(16), epochs=30, lr=5e-3, flip_augmentation=False, progress=False)
    assert res.history[-1]["total"] < 0.5 * res.history[0]["total"]


# ----------------------------------------------------------------------------------------- masked 3D pretraining
def test_to_camera_frame_is_a_rotation():
    rng = np.random.default_rng(0)
    world = rng.normal(size=(5, 17, 3))
    for axis in ("y", "z"):
        cam = to_camera_frame(world, axis, yaw=0.7, pitch=0.2)
        np.testing.assert_allclose(np.linalg.norm(cam[:, 1] - cam[:, 0], axis=-1),
                                   np.linalg.norm(world[:, 1] - world[:, 0], axis=-1))  # fmt: skip
    # y-up head above the pelvis -> camera y (down) is smaller for the head
    person = np.zeros((1, 17, 3))
    person[0, 10, 1] = 1.7
    assert to_camera_frame(person, "y")[0, 10, 1] < 0
    person_z = np.zeros((1, 17, 3))
    person_z[0, 10, 2] = 1.7
    np.testing.assert_allclose(to_camera_frame(person_z, "z"), to_camera_frame(person, "y"), atol=1e-12)
    with pytest.raises(ValueError, match="up_axis"):
        to_camera_frame(world, "x")


def test_masked3d_pretraining_with_trainer(tmp_path):
    from transformers import TrainingArguments

    seqs = [_walk(60, s) * 1000 for s in range(3)]  # mm, y-up world
    ds = Masked3DPretrainDataset(seqs, "y", clip_len=16, clip_stride=8, seed=0)
    assert len(ds) == 3 * 6
    item = ds[0]["poses"]
    assert item.shape == (16, 17, 3)
    collator = Masked3DCollator(seed=0)
    batch = collator([ds[i] for i in range(4)])
    centered = Masked3DCollator(center_input=True, seed=0)([ds[i] for i in range(4)])["keypoints"]
    seen = (centered != 0).any(-1)
    assert centered[seen].mean(0).abs().max() < 0.05 and (batch["keypoints"][..., 2][seen].mean() > 1.0)
    assert batch["keypoints"].shape == batch["labels"].shape == (4, 16, 17, 3)
    assert torch.all(batch["labels"][:, :, 0] == 0)
    assert (batch["keypoints"] == 0).all(-1).any()  # some joints masked
    model = _tiny_prior(maxlen=16)
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=6, learning_rate=2e-3,
                             num_train_epochs=3, logging_steps=1, save_strategy="no", report_to=[],
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True)  # fmt: skip
    trainer = build_masked3d_trainer(model, ds, args, collator=collator, lr_decay=0.5)
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert np.mean(losses[-3:]) < np.mean(losses[:3])
    lrs = [h["learning_rate"] for h in trainer.state.log_history if "learning_rate" in h]
    assert lrs[0] == pytest.approx(2e-3) and lrs[-1] == pytest.approx(2e-3 * 0.25)  # ×0.5 per epoch
    trainer.save_model(str(tmp_path / "prior"))
    reloaded = DSTformerForPoseLifting.from_pretrained(str(tmp_path / "prior"))
    assert reloaded.config.dim_in == 3
    res = test_time_train(reloaded, _walk(20), epochs=1, progress=False)
    assert res.poses.shape == (20, 17, 3)
    with pytest.raises(ValueError, match="remove_unused_columns"):
        build_masked3d_trainer(model, ds, TrainingArguments(output_dir=str(tmp_path), report_to=[]))


# ------------------------------------------------------------------------------------------------------- CLI
def test_stride_cli_round_trip(tmp_path, capsys):
    from motionhub.cli import main
    from motionhub.formats.generic import load_generic

    prior = _tiny_prior(maxlen=16)
    prior.save_pretrained(tmp_path / "prior")
    poses_mm = _walk(40) * 1000.0
    poses_mm[10:14] = np.nan  # hidden frames
    vis = np.ones(40, bool)
    vis[30] = False
    np.savez(tmp_path / "in.npz", keypoints_3d=poses_mm, layout="h36m-17", fps=30.0, units_3d="mm", visibility=vis)
    code = main(["stride", str(tmp_path / "in.npz"), "-o", str(tmp_path / "out.npz"), "--model", str(tmp_path / "prior"),
                 "--epochs", "2", "--quiet", "--keep-trajectory"])  # fmt: skip
    assert code == 0
    assert "test-time steps" in capsys.readouterr().out
    seq = load_generic(tmp_path / "out.npz")
    assert seq.keypoints_3d.shape == (40, 17, 3) and seq.units_3d == "mm" and seq.layout == "h36m-17"
    assert np.isfinite(seq.keypoints_3d).all()
    # trajectory kept: the root follows the (interpolated) input root, in mm
    np.testing.assert_allclose(seq.keypoints_3d[0, 0], poses_mm[0, 0], atol=1e-2)
    with np.load(tmp_path / "out.npz") as z:
        assert z["visibility"].shape == (40, 17) and not z["visibility"][10:14].any() and not z["visibility"][30].any()
    # --no-self-occlusion: STRIDE's own test-time training, another result
    assert main(["stride", str(tmp_path / "in.npz"), "-o", str(tmp_path / "plain.npz"), "--model",
                 str(tmp_path / "prior"), "--epochs", "2", "--quiet", "--keep-trajectory", "--no-self-occlusion"]) == 0
    assert not np.allclose(load_generic(tmp_path / "plain.npz").keypoints_3d, seq.keypoints_3d, atol=1e-6)
    # bad input -> one clear error line, exit code 1
    np.savez(tmp_path / "bad.npz", keypoints_2d=np.zeros((5, 17, 2)), layout="h36m-17", fps=30.0)
    assert main(["stride", str(tmp_path / "bad.npz"), "-o", str(tmp_path / "x.npz"), "--model",
                 str(tmp_path / "prior")]) == 1  # fmt: skip
    assert "keypoints_3d" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------------- real data
@pytest.mark.slow
@pytest.mark.realdata
def test_real_mocap_masked3d_pretraining_loss_goes_down(tmp_path):
    from conftest import data_path
    from transformers import TrainingArguments

    from motionhub.formats.bandai import load_bandai
    from motionhub.formats.h36m import load_h36m_3pb
    from motionhub.skeleton import to_h36m

    bandai = load_bandai(data_path("bandai_namco"), datasets=["dataset-1"])
    seqs = [to_h36m(s.keypoints_3d, "bandai-22") for s in bandai.sequences[:60]]
    axes = ["y"] * len(seqs)
    for s in load_h36m_3pb(data_path("h36m_train"), subjects=["S1"], frame="world")[:10]:
        seqs.append(s.keypoints_3d[::2])
        axes.append("z")
    ds = Masked3DPretrainDataset(seqs, axes, clip_len=27, clip_stride=27, seed=0)
    torch.manual_seed(0)
    cfg = DSTformerConfig.stride(dim_feat=32, dim_rep=64, depth=2, num_heads=4, mlp_ratio=2.0, maxlen=27,
                                 root_relative=False, lambda_limb_var=0.0)  # fmt: skip
    model = DSTformerForPoseLifting(cfg)
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=16, learning_rate=2e-3,
                             max_steps=120, logging_steps=10, save_strategy="no", report_to=[],
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True, seed=0)  # fmt: skip
    trainer = build_masked3d_trainer(model, ds, args, collator=Masked3DCollator(seed=0))
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert losses[-1] < 0.7 * losses[0], losses
