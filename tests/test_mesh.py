# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""SMPL mesh recovery: official MotionBERT mesh checkpoint parity (synthetic SMPL of the fixture), checkpoints without
SMPL data, the head, MotionBERT's mesh loss, flip TTA, SMPL configuration errors, and the common model suite for
every encoder family."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import reference_path
from head_suites import TINY, encoder_families, make_suite
from motionhub.heads import MESH_MODELS, MeshLoss, MeshRecoveryHead
from safetensors import safe_open
from synthetic_smpl import clear_smpl_env, write_synthetic_smpl_dir

from motionhub import AutoModelForMeshRecovery, DSTformerConfig
from motionhub.body import SMPL_ENV_VAR, SMPLNotFoundError
from motionhub.conversion import (
    convert_checkpoint,
    detect_family,
    extract_state_dict,
    load_official_checkpoint,
)
from motionhub.rotations import axis_angle_to_rotmat, flip_thetas, identity_rot6d

# reference/motionbert_mesh/README.md
THETA_ATOL = 1e-5
MM_ATOL, MM_RTOL = 2e-3, 1e-5



@pytest.fixture(scope="module")
def smpl_dir(tmp_path_factory) -> Path:
    """A synthetic SMPL folder (model, regressors, mean params); real SMPL is never used."""
    return write_synthetic_smpl_dir(tmp_path_factory.mktemp("synthetic_smpl"))


@pytest.fixture(autouse=True)
def _no_smpl_env(monkeypatch):
    clear_smpl_env(monkeypatch)


# ------------------------------------------------------------------------------------------ official parity
@pytest.fixture(scope="module")
def official(tmp_path_factory):
    """(fake SMPL dir from the fixture, official state dict, io arrays)."""
    ref = reference_path("motionbert_mesh")
    smpl_dir = tmp_path_factory.mktemp("fake_smpl")
    with tarfile.open(ref / "fake_smpl.tar.gz") as tar:
        tar.extractall(smpl_dir, filter="data")
    container = load_official_checkpoint(ref / "checkpoint_small.bin.gz")
    return smpl_dir, container, dict(np.load(ref / "io_small.npz"))


@pytest.fixture(scope="module")
def converted(official):
    smpl_dir, container, _ = official
    return convert_checkpoint(container, num_heads=4, smpl_model_path=smpl_dir)


def test_mesh_checkpoint_is_detected(official):
    assert detect_family(extract_state_dict(official[1])) == "motionbert-mesh"


def test_official_mesh_parity(official, converted):
    _, _, io = official
    model = converted
    assert type(model).__name__ == "DSTformerForMeshRecovery" and not model.training
    assert model.config.mesh_hidden_size == 128
    x = torch.from_numpy(io["input"])
    with torch.no_grad():
        rep = model.dstformer(x).last_hidden_state
        pose6d, betas = model.mesh_head(rep.reshape(*rep.shape[:2], -1))
        out = model(x)
    np.testing.assert_allclose(rep.numpy(), io["representation"], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(pose6d.reshape(-1, 144).numpy(), io["pred_pose6d"], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(betas.numpy(), io["pred_shape"], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(out.rotmat.reshape(-1, 24, 3, 3).numpy(), io["pred_rotmat"], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(out.theta.numpy(), io["theta"], atol=THETA_ATOL, rtol=1e-5)
    np.testing.assert_allclose(out.vertices.numpy(), io["verts"], atol=MM_ATOL, rtol=MM_RTOL)
    np.testing.assert_allclose(out.joints_3d.numpy(), io["kp_3d"], atol=MM_ATOL, rtol=MM_RTOL)
    assert out.betas.shape == (1, 4, 10)
    torch.testing.assert_close(out.betas, out.theta[..., 72:])


def test_released_mesh_model_has_the_official_tensors(smpl_dir):
    """MB_ft_pw3d (MotionBERT backbone, hidden 1024): every official tensor except the SMPL copy and the unused
    backbone pose head, with the same shapes (built on the meta device: no memory)."""
    import json

    from transformers.initialization import meta_device_safe_creation_ops

    manifest = json.loads((reference_path("motionbert_mesh") / "manifest_default_mesh_pw3d.json").read_text())
    with meta_device_safe_creation_ops(), torch.device("meta"):
        model = MESH_MODELS["DSTformer"](DSTformerConfig.motionbert(), smpl_model_path=smpl_dir)
    ours = {k.replace("dstformer.", "backbone.", 1).replace("mesh_head.", "head.", 1): list(v.shape)
            for k, v in model.state_dict().items()}
    theirs = {k: v["shape"] for k, v in manifest["state_dict"].items()
              if not k.startswith(("head.smpl.", "backbone.head."))}
    assert ours == theirs
    # 60,461,351 official = ours + 5,248 unused smplx parameters + 1,539 of the unused backbone pose head
    assert sum(p.numel() for p in model.parameters()) == 60_461_351 - 5_248 - 1_539


def test_converter_drops_smpl_and_keeps_mean_params(official, converted):
    sd = extract_state_dict(official[1])
    assert any(k.startswith("head.smpl.") for k in sd)  # the official container embeds SMPL
    assert not any("smpl" in k for k in converted.state_dict())
    torch.testing.assert_close(converted.mesh_head.init_pose, sd["head.init_pose"], atol=0, rtol=0)
    torch.testing.assert_close(converted.mesh_head.init_shape, sd["head.init_shape"], atol=0, rtol=0)
    # the SMPL read from the user's files equals the one the official code stored
    for ours, theirs in (("v_template", "v_template"), ("posedirs", "posedirs"), ("J_regressor_h36m", "J_regressor_h36m"),
                         ("faces", "faces_tensor"), ("parents", "parents")):
        assert torch.equal(getattr(converted.smpl, ours), sd[f"head.smpl.{theirs}"]), ours


def test_saved_checkpoint_has_no_smpl_and_reloads_identically(official, converted, tmp_path, monkeypatch):
    smpl_dir, _, io = official
    converted.save_pretrained(tmp_path)
    with safe_open(str(tmp_path / "model.safetensors"), "pt") as f:
        keys = list(f.keys())
        shapes = [tuple(f.get_slice(k).get_shape()) for k in keys]
    assert not [k for k in keys if "smpl" in k]
    assert not [s for s in shapes if 6890 in s], "an SMPL-sized tensor was saved"
    assert "mesh_head.init_pose" in keys
    assert "smpl_model_path" not in (tmp_path / "config.json").read_text()
    # without SMPL configured, loading fails with the how-to message
    with pytest.raises(SMPLNotFoundError, match="MOTIONHUB_SMPL_PATH"):
        AutoModelForMeshRecovery.from_pretrained(tmp_path)
    monkeypatch.setenv(SMPL_ENV_VAR, str(smpl_dir))
    reloaded = AutoModelForMeshRecovery.from_pretrained(tmp_path)
    assert type(reloaded) is type(converted)
    x = torch.from_numpy(io["input"])
    with torch.no_grad():
        a, b = converted(x), reloaded(x)
    for name in ("theta", "rotmat", "betas", "vertices", "joints_3d"):
        torch.testing.assert_close(getattr(b, name), getattr(a, name), atol=1e-4, rtol=1e-6, msg=name)
    # Weights memory-mapped from safetensors may sit at addresses that are not 64-byte aligned, and CPU BLAS
    # kernels then sum in another order (~1 ulp, ~6e-5 mm on the vertices). With the same memory layout the
    # reloaded model is bit-identical:
    for p in reloaded.parameters():
        p.data = p.data.clone()
    with torch.no_grad():
        b = reloaded(x)
    for name in ("theta", "rotmat", "betas", "vertices", "joints_3d"):
        torch.testing.assert_close(getattr(b, name), getattr(a, name), atol=0, rtol=0, msg=name)
    for name, value in converted.smpl.named_buffers():
        assert torch.equal(value, getattr(reloaded.smpl, name)), f"SMPL buffer {name} not refilled"


# -------------------------------------------------------------------------------------------- head and loss
def _tiny_config(**kw):
    return DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=8, mesh_hidden_size=32, **kw)


def _model(smpl_dir, **kw):
    torch.manual_seed(0)
    return MESH_MODELS["DSTformer"](_tiny_config(**kw), smpl_model_path=smpl_dir).eval()


def test_head_shapes_and_one_shape_per_clip():
    head = MeshRecoveryHead(40, hidden_size=16, dropout=0.0).eval()
    pose6d, betas = head(torch.randn(3, 5, 40))
    assert pose6d.shape == (3, 5, 144) and betas.shape == (3, 10)
    with pytest.raises(ValueError, match=r"\(N, T, F\)"):
        head(torch.randn(3, 40))
    with pytest.raises(ValueError, match="dropout"):
        MeshRecoveryHead(40, dropout=1.5)


def test_new_head_starts_at_the_mean_pose(smpl_dir, tmp_path):
    model = _model(smpl_dir)
    data = np.load(smpl_dir / "smpl_mean_params.npz")
    np.testing.assert_array_equal(model.mesh_head.init_pose.numpy()[0], data["pose"])
    np.testing.assert_allclose(model.mesh_head.init_shape.numpy()[0], data["shape"].astype(np.float32))
    # xavier(gain 0.01) output layers: the first prediction is close to the mean
    with torch.no_grad():
        out = model(torch.randn(2, 6, 17, 3))
    mean_rot = axis_angle_to_rotmat(torch.zeros(3))  # identity; the mean pose is a small perturbation of it
    assert (out.rotmat - mean_rot).abs().max() < 0.5
    # without a mean-params file: identity rotations and zero betas
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("SMPL_NEUTRAL.pkl", "J_regressor_h36m_correct.npy"):
        (bare / name).write_bytes((smpl_dir / name).read_bytes())
    model = _model(bare)
    torch.testing.assert_close(model.mesh_head.init_pose[0], identity_rot6d(24))
    assert not model.mesh_head.init_shape.any()


def test_mesh_loss_matches_motionbert_formula():
    torch.manual_seed(0)
    pred_theta, gt_theta = torch.randn(2, 4, 82) * 0.3, torch.randn(2, 4, 82) * 0.3
    pred_j, gt_j = torch.randn(2, 4, 17, 3) * 100, torch.randn(2, 4, 17, 3) * 100
    total, parts = MeshLoss()(pred_theta, pred_j, gt_theta, gt_j)
    pl, gl = pred_j - pred_j[:, :, :1], gt_j - gt_j[:, :, :1]
    mpjpe = (pl - gl).norm(dim=-1).mean()
    vel = ((pl[:, 1:] - pl[:, :-1]) - (gl[:, 1:] - gl[:, :-1])).norm(dim=-1).mean()
    rot_p = axis_angle_to_rotmat(pred_theta[..., :72].reshape(-1, 3))
    rot_g = axis_angle_to_rotmat(gt_theta[..., :72].reshape(-1, 3))
    pose = (rot_p - rot_g).abs().mean()
    shape = (pred_theta[..., 72:] - gt_theta[..., 72:]).abs().mean()
    norm = pred_theta.norm(dim=-1).mean()
    expected = 0.5 * mpjpe + 10 * vel + 1000 * pose + 1 * shape + 20 * norm
    torch.testing.assert_close(total, expected)
    assert set(parts) == {"position", "velocity", "pose", "shape", "norm"}
    mse = MeshLoss(loss_type="MSE", lambda_3d=0, lambda_velocity=1)(pred_theta, pred_j, gt_theta, gt_j)[1]
    torch.testing.assert_close(mse["pose"], ((rot_p - rot_g) ** 2).mean())
    with pytest.raises(ValueError, match="loss_type"):
        MeshLoss(loss_type="huber")


def test_training_step_with_theta_labels(smpl_dir):
    model = _model(smpl_dir).train()
    x = torch.randn(3, 6, 17, 3)
    theta = torch.randn(3, 6, 82) * 0.2
    torch.manual_seed(1)  # same dropout masks for the two forwards
    out = model(x, labels=theta)
    assert out.loss.ndim == 0 and torch.isfinite(out.loss)
    assert set(out.loss_components) >= {"pose", "shape", "norm", "position", "velocity"}
    # joint targets computed from theta equal an explicit dict label
    _, joints = model.mesh_from_theta(theta)
    torch.manual_seed(1)
    out2 = model(x, labels={"theta": theta, "joints_3d": joints})
    torch.testing.assert_close(out2.loss_components["position"], out.loss_components["position"])
    optimizer = torch.optim.AdamW(model.parameter_groups(head_lr=1e-3))
    before = model.dstformer.joints_embed.weight.detach().clone()
    out.loss.backward()
    optimizer.step()
    assert not torch.equal(before, model.dstformer.joints_embed.weight)
    with pytest.raises(ValueError, match="theta labels"):
        model(x, labels=torch.zeros(3, 6, 72))
    with pytest.raises(TypeError, match="mesh labels"):
        model(x, labels=[1, 2])


def test_multi_person_input_keeps_the_person_axis(smpl_dir):
    model = _model(smpl_dir)
    with torch.no_grad():
        out = model(torch.randn(2, 3, 4, 17, 3))
        single = model(torch.randn(2, 3, 4, 17, 3)[:, 0])
    assert out.vertices.shape == (2, 3, 4, 6890, 3) and out.theta.shape == (2, 3, 4, 82)
    assert single.joints_3d.shape == (2, 4, 17, 3)


def test_flip_tta_is_mirror_consistent(smpl_dir):
    from motionhub.skeleton import flip

    model = _model(smpl_dir)
    x = torch.randn(2, 5, 17, 3)
    a = model.predict_with_flip(x)
    b = model.predict_with_flip(flip(x, "h36m-17"))
    assert a.vertices.shape == (2, 5, 6890, 3)
    torch.testing.assert_close(b.theta[..., :72], flip_thetas(a.theta[..., :72]), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(b.betas, a.betas, atol=1e-5, rtol=1e-5)


def test_no_smpl_configured_fails_clearly(tmp_path):
    with pytest.raises(SMPLNotFoundError, match=r"smpl\.is\.tue\.mpg\.de"):
        MESH_MODELS["DSTformer"](_tiny_config())
    with pytest.raises(SMPLNotFoundError, match="does not exist"):
        MESH_MODELS["DSTformer"](_tiny_config(), smpl_model_path=tmp_path / "SMPL_NEUTRAL.pkl")
    with pytest.raises(SMPLNotFoundError, match="config.smpl_model_path"):
        MESH_MODELS["DSTformer"](_tiny_config(smpl_model_path=str(tmp_path / "nothing")))


def test_config_field_path_is_used_and_saved_only_when_set(smpl_dir, tmp_path):
    model = MESH_MODELS["DSTformer"](_tiny_config(smpl_model_path=str(smpl_dir))).eval()
    model.save_pretrained(tmp_path)
    reloaded = AutoModelForMeshRecovery.from_pretrained(tmp_path)  # no env var: the config field is used
    x = torch.randn(1, 4, 17, 3)
    with torch.no_grad():
        torch.testing.assert_close(reloaded(x).vertices, model(x).vertices, atol=1e-4, rtol=1e-6)


def test_bare_encoder_to_mesh_model_with_head_fields(smpl_dir, tmp_path):
    """from_pretrained(encoder, smpl_model_path=..., mesh_hidden_size=...): head fields applied, head initialised
    (BatchNorm statistics, mean pose), SMPL paths not written to the config."""
    from motionhub import DSTformerModel

    torch.manual_seed(0)
    DSTformerModel(_tiny_config()).save_pretrained(tmp_path)
    model = AutoModelForMeshRecovery.from_pretrained(tmp_path, smpl_model_path=smpl_dir, mesh_hidden_size=24)
    assert model.mesh_head.fc1.out_features == 24 and model.config.mesh_hidden_size == 24
    assert torch.equal(model.mesh_head.bn1.running_var, torch.ones(24))
    assert not model.mesh_head.bn2.running_mean.any() and not model.mesh_head.head_pose.bias.any()
    mean_pose = np.load(smpl_dir / "smpl_mean_params.npz")["pose"]
    np.testing.assert_array_equal(model.mesh_head.init_pose.numpy()[0], mean_pose)
    assert getattr(model.config, "smpl_model_path", None) is None
    with torch.no_grad():
        assert torch.isfinite(model(torch.randn(1, 4, 17, 3)).vertices).all()
    with pytest.raises(TypeError, match="mesh_hiden_size"):
        MESH_MODELS["DSTformer"](_tiny_config(), smpl_model_path=smpl_dir, mesh_hiden_size=3)


# ---------------------------------------------------------------------------------------- common model suite
def test_every_family_has_a_mesh_model():
    for family in encoder_families():
        assert family.name in MESH_MODELS, f"{family.name} has no mesh model"
        assert family.name in TINY, f"add a tiny config for {family.name} to tests/head_suites.py"
        assert AutoModelForMeshRecovery._model_mapping[family.config_class] is MESH_MODELS[family.name]


# STMO / MPM run the same suite in test_mesh_families.py (kept apart so that each file stays fast)
TestDSTformerMeshCommon = make_suite("DSTformer", "mesh")
