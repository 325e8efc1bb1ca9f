# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""SMPL file reading (pkl with chumpy/sparse without chumpy, npz, safetensors), path resolution and the functional
SMPL layer (equal to smplx.SMPL, nothing in its state dict). Uses a synthetic SMPL-shaped model (never real SMPL)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from synthetic_smpl import clear_smpl_env, make_synthetic_smpl, write_synthetic_smpl_dir

from motionhub.body import (
    SMPL_ENV_VAR,
    SMPLBody,
    SMPLNotFoundError,
    load_joint_regressor,
    load_smpl_file,
    load_smpl_mean_params,
    resolve_smpl_paths,
)


@pytest.fixture(scope="module")
def smpl_dir(tmp_path_factory) -> Path:
    """A synthetic SMPL folder (model, regressors, mean params); real SMPL is never used."""
    return write_synthetic_smpl_dir(tmp_path_factory.mktemp("synthetic_smpl"))


@pytest.fixture(autouse=True)
def _no_smpl_env(monkeypatch):
    clear_smpl_env(monkeypatch)


def _expected(seed=0):
    arrays = make_synthetic_smpl(seed)
    parents = arrays["kintree_table"][0].astype(np.int64)
    parents[0] = -1
    return arrays, parents


def test_official_style_pkl_loads_without_chumpy(smpl_dir):
    assert "chumpy" not in __import__("sys").modules
    data = load_smpl_file(smpl_dir / "SMPL_NEUTRAL.pkl")
    arrays, parents = _expected()
    for key in ("v_template", "shapedirs", "posedirs", "J_regressor", "weights"):
        np.testing.assert_array_equal(data[key], arrays[key], err_msg=key)
    np.testing.assert_array_equal(data["parents"], parents)
    np.testing.assert_array_equal(data["f"], arrays["f"].astype(np.int64))
    assert data["J_regressor"].shape == (24, 6890) and isinstance(data["J_regressor"], np.ndarray)


def test_npz_and_safetensors_with_smplx_names_load_the_same(tmp_path):
    from safetensors.numpy import save_file

    arrays, parents = _expected()
    np.savez(tmp_path / "a.npz", **arrays)
    # smplx buffer names/layouts: lbs_weights, faces, parents, posedirs (P, V*3)
    alt = {
        "v_template": arrays["v_template"].astype(np.float32), "shapedirs": arrays["shapedirs"].astype(np.float32),
        "posedirs": np.ascontiguousarray(arrays["posedirs"].reshape(-1, 207).T.astype(np.float32)),
        "J_regressor": arrays["J_regressor"].astype(np.float32), "lbs_weights": arrays["weights"].astype(np.float32),
        "parents": parents, "faces": arrays["f"].astype(np.int64),
    }
    save_file(alt, str(tmp_path / "b.safetensors"))
    a, b = load_smpl_file(tmp_path / "a.npz"), load_smpl_file(tmp_path / "b.safetensors")
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-6, atol=1e-7, err_msg=key)
    np.testing.assert_array_equal(a["parents"], parents)


def test_bad_files_raise_errors_that_name_the_problem(tmp_path):
    arrays, _ = _expected()
    broken = dict(arrays)
    del broken["weights"]
    np.savez(tmp_path / "missing.npz", **broken)
    with pytest.raises(ValueError, match="missing.*weights"):
        load_smpl_file(tmp_path / "missing.npz")
    wrong = dict(arrays, shapedirs=arrays["shapedirs"][:100])
    np.savez(tmp_path / "wrong.npz", **wrong)
    with pytest.raises(ValueError, match="shapedirs"):
        load_smpl_file(tmp_path / "wrong.npz")
    (tmp_path / "model.obj").write_text("v 0 0 0\n")
    with pytest.raises(ValueError, match="unsupported"):
        load_smpl_file(tmp_path / "model.obj")
    with pytest.raises(SMPLNotFoundError, match="no such file"):
        load_smpl_file(tmp_path / "nope.pkl")


class _Evil:
    def __reduce__(self):
        return (os.getcwd, ())


def test_pickles_with_other_globals_are_refused(tmp_path):
    path = tmp_path / "evil.pkl"
    with open(path, "wb") as f:
        pickle.dump({"v_template": _Evil()}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing.*getcwd"):
        load_smpl_file(path)


def test_regressor_and_mean_param_readers(smpl_dir, tmp_path):
    reg = load_joint_regressor(smpl_dir / "J_regressor_h36m_correct.npy", 6890)
    assert reg.shape == (17, 6890)
    np.testing.assert_allclose(reg.sum(1), 1.0)
    with pytest.raises(ValueError, match="6890"):
        load_joint_regressor(smpl_dir / "J_regressor_h36m_correct.npy", 100)
    pose, betas = load_smpl_mean_params(smpl_dir / "smpl_mean_params.npz")
    assert pose.shape == (144,) and betas.shape == (10,) and pose.dtype == np.float32
    np.savez(tmp_path / "bad_mean.npz", pose=np.zeros(72), shape=np.zeros(10))
    with pytest.raises(ValueError, match="6D"):
        load_smpl_mean_params(tmp_path / "bad_mean.npz")


def test_path_resolution_order_and_errors(smpl_dir, tmp_path, monkeypatch):
    with pytest.raises(SMPLNotFoundError, match=r"no SMPL body model configured.*smpl\.is\.tue\.mpg\.de.*MOTIONHUB_SMPL_PATH"):
        resolve_smpl_paths()
    monkeypatch.setenv(SMPL_ENV_VAR, str(smpl_dir))
    paths = resolve_smpl_paths()
    assert paths.model == smpl_dir / "SMPL_NEUTRAL.pkl"
    assert paths.j_regressor_h36m.name == "J_regressor_h36m_correct.npy"
    assert paths.j_regressor_extra.name == "J_regressor_extra.npy" and paths.mean_params.name == "smpl_mean_params.npz"
    # config field beats the environment, the argument beats both
    with pytest.raises(SMPLNotFoundError, match="config.smpl_model_path"):
        resolve_smpl_paths(config=SimpleNamespace(smpl_model_path=str(tmp_path / "missing.pkl")))
    with pytest.raises(SMPLNotFoundError, match="argument"):
        resolve_smpl_paths(tmp_path / "missing.pkl", config=SimpleNamespace(smpl_model_path=str(smpl_dir)))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SMPLNotFoundError, match="SMPL_NEUTRAL.pkl"):
        resolve_smpl_paths(empty)
    # a model file alone: no regressor next to it
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "SMPL_NEUTRAL.pkl").write_bytes((smpl_dir / "SMPL_NEUTRAL.pkl").read_bytes())
    monkeypatch.delenv(SMPL_ENV_VAR)
    assert resolve_smpl_paths(alone / "SMPL_NEUTRAL.pkl").j_regressor_h36m is None
    with pytest.raises(SMPLNotFoundError, match="J_regressor_h36m_correct"):
        SMPLBody(alone, require_h36m_regressor=True)
    monkeypatch.setenv("MOTIONHUB_J_REGRESSOR_H36M", str(smpl_dir / "J_regressor_h36m_correct.npy"))
    assert SMPLBody(alone, require_h36m_regressor=True).has_h36m_regressor


def test_layer_matches_smplx_and_saves_nothing(smpl_dir):
    import smplx
    from smplx.utils import Struct

    body = SMPLBody(smpl_dir)
    assert len(body.state_dict()) == 0, "SMPL data must never be in a state dict"
    arrays = make_synthetic_smpl(0)
    ref = smplx.SMPL(model_path=None, data_struct=Struct(**arrays), batch_size=3, create_transl=False)
    torch.manual_seed(0)
    betas = torch.randn(3, 10)
    aa = torch.randn(3, 72) * 0.4
    with torch.no_grad():
        expected = ref(betas=betas, body_pose=aa[:, 3:], global_orient=aa[:, :3])
        out_aa = body(betas, aa)
        from motionhub.rotations import axis_angle_to_rotmat

        out_rot = body(betas, axis_angle_to_rotmat(aa.reshape(3, 24, 3)))
    for out in (out_aa, out_rot):
        torch.testing.assert_close(out.vertices, expected.vertices, atol=2e-6, rtol=1e-5)
        torch.testing.assert_close(out.joints, expected.joints[:, :24], atol=2e-6, rtol=1e-5)
    reg = torch.from_numpy(np.load(smpl_dir / "J_regressor_h36m_correct.npy")).float()
    torch.testing.assert_close(out_rot.joints_h36m, reg @ out_rot.vertices)
    assert out_rot.joints_extra.shape == (3, 9, 3)


def test_leading_axes_gradients_and_bad_shapes(smpl_dir):
    body = SMPLBody(smpl_dir)
    betas = torch.zeros(2, 4, 10, requires_grad=True)
    pose = torch.eye(3).expand(2, 4, 24, 3, 3).clone().requires_grad_(True)
    out = body(betas, pose)
    assert out.vertices.shape == (2, 4, 6890, 3) and out.joints_h36m.shape == (2, 4, 17, 3)
    # identity pose + zero betas = the template
    torch.testing.assert_close(out.vertices[0, 0], body.v_template)
    out.vertices.sum().backward()
    assert betas.grad is not None and pose.grad is not None
    with pytest.raises(ValueError, match="betas"):
        body(torch.zeros(2, 8), torch.zeros(2, 72))
    with pytest.raises(ValueError, match="pose"):
        body(torch.zeros(2, 10), torch.zeros(2, 70))
    with pytest.raises(ValueError, match="leading axes"):
        body(torch.zeros(2, 10), torch.zeros(3, 72))


def test_reload_refills_buffers_after_meta_or_garbage(smpl_dir):
    body = SMPLBody(smpl_dir)
    reference = {k: v.clone() for k, v in body.named_buffers()}
    with torch.no_grad():
        for buf in body.buffers():
            buf.zero_()
    body.reload_()
    for name, value in body.named_buffers():
        assert torch.equal(value, reference[name]), name
    with torch.device("meta"):
        meta_body = SMPLBody(smpl_dir)
    meta_body.to_empty(device="cpu").reload_()
    for name, value in meta_body.named_buffers():
        assert torch.equal(value, reference[name]), name
