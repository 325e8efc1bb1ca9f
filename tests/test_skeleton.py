# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Tests of motionhub.skeleton: layout registry, converters to H36M-17 (parity with MotionBERT), flip."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from conftest import data_path, reference_path

from motionhub import skeleton as sk
from motionhub.skeleton import SkeletonLayout

REQUIRED = (
    "h36m-17", "h36m-16", "coco-17", "halpe-26", "mpii-16", "ntu-25", "kinect-20", "openni-15", "penn-13",
    "smpl-24", "bandai-22", "cmu-31",
)  # fmt: skip
EXPECTED_J = {
    "h36m-17": 17, "h36m-16": 16, "coco-17": 17, "halpe-26": 26, "mpii-16": 16, "ntu-25": 25, "kinect-20": 20,
    "openni-15": 15, "penn-13": 13, "smpl-24": 24, "bandai-22": 22, "cmu-31": 31, "posetrack-17": 17,
}  # fmt: skip
CONVERTIBLE = [n for n in sk.list_layouts() if n != "h36m-16"]


@pytest.fixture(scope="module")
def fx():
    return np.load(reference_path("motionbert_losses_utils", "losses_utils.npz"))


# ------------------------------------------------------------------------------------------------------- registry


def test_registry_has_every_layout():
    names = sk.list_layouts()
    for name in REQUIRED:
        assert name in names
        lay = sk.get_layout(name)
        assert lay.name == name
        assert lay.num_joints == EXPECTED_J[name]
    assert sk.get_layout(sk.get_layout("coco-17")) is sk.get_layout("coco-17")


def test_unknown_layout_lists_known_names():
    with pytest.raises(ValueError, match="h36m-17") as err:
        sk.get_layout("h36m-18")
    assert "coco-17" in str(err.value)
    with pytest.raises(TypeError):
        sk.get_layout(17)


def _side_free(name: str) -> str:
    """Joint name with its side marker removed (left_x / x_l / lx CMU style)."""
    name = re.sub(r"(^|_)(left|right)(_|$)", r"\1SIDE\3", name)
    name = re.sub(r"_(l|r)$", "_SIDE", name)
    return name


@pytest.mark.parametrize("name", sorted(EXPECTED_J))
def test_layout_consistency(name):
    lay = sk.get_layout(name)
    j = lay.num_joints
    assert len(lay.joint_names) == len(lay.parents) == j
    roots = [i for i, p in enumerate(lay.parents) if p == -1]
    assert len(roots) == 1
    for i in range(j):  # every joint reaches the root in < J steps (acyclic, connected)
        k, steps = i, 0
        while lay.parents[k] != -1:
            k = lay.parents[k]
            steps += 1
            assert steps < j
        assert k == roots[0]
    assert len(lay.limbs) == j - 1
    assert all(lay.parents[c] == p for c, p in lay.limbs)
    perm = lay.flip_permutation
    assert perm.dtype == np.int64 and sorted(perm.tolist()) == list(range(j))
    np.testing.assert_array_equal(perm[perm], np.arange(j))
    assert set(lay.left).isdisjoint(lay.right)
    for a, b in lay.flip_pairs:
        na, nb = lay.joint_names[a], lay.joint_names[b]
        assert na != nb
        if name == "cmu-31":
            assert na[0] == "l" and nb[0] == "r" and na[1:] == nb[1:]
        else:
            assert _side_free(na) == _side_free(nb), (na, nb)
            assert "left" in na or na.endswith("_l")
    if name != "cmu-31":  # every sided joint is in a flip pair
        sided = {i for i, n in enumerate(lay.joint_names) if _side_free(n) != n}
        assert sided == set(lay.left) | set(lay.right)
    for i, n in enumerate(lay.joint_names):
        assert lay.index(n) == i
    with pytest.raises(ValueError, match="no joint"):
        lay.index("tail")


def test_flip_pairs_match_official_lists():
    h36m = sk.get_layout("h36m-17")
    assert sorted(h36m.left) == [4, 5, 6, 11, 12, 13] and sorted(h36m.right) == [1, 2, 3, 14, 15, 16]
    h16 = sk.get_layout("h36m-16")  # MPM 16-joint mode
    assert sorted(h16.left) == [4, 5, 6, 10, 11, 12] and sorted(h16.right) == [1, 2, 3, 13, 14, 15]
    smpl = sk.get_layout("smpl-24")  # MotionBERT flip_thetas pairs
    assert set(smpl.flip_pairs) == {(1, 2), (4, 5), (7, 8), (10, 11), (13, 14), (16, 17), (18, 19), (20, 21), (22, 23)}
    assert h16.joint_names == sk.H36M_JOINT_NAMES[:9] + sk.H36M_JOINT_NAMES[10:]


def test_h36m_limbs_and_angles_match_motionbert(fx):
    h36m = sk.get_layout("h36m-17")
    assert sk.H36M_LIMBS == tuple((p, c) for c, p in h36m.limbs)
    x = fx["pred"].astype(np.float64)
    a = np.array([p for p, _ in sk.H36M_LIMBS])
    b = np.array([c for _, c in sk.H36M_LIMBS])
    vec = x[..., a, :] - x[..., b, :]
    np.testing.assert_allclose(np.linalg.norm(vec, axis=-1), fx["limb_lens"], atol=1e-6, rtol=1e-6)
    assert len(sk.H36M_LIMB_ANGLE_PAIRS) == 18
    v1 = vec[..., [i for i, _ in sk.H36M_LIMB_ANGLE_PAIRS], :]
    v2 = vec[..., [k for _, k in sk.H36M_LIMB_ANGLE_PAIRS], :]
    cos = (v1 * v2).sum(-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    np.testing.assert_allclose(np.arccos(np.clip(cos, -1 + 1e-7, 1 - 1e-7)), fx["angles"], atol=1e-6, rtol=1e-6)


def test_register_layout_and_validation():
    lay = SkeletonLayout("test-3", ["a", "left_b", "right_b"], [-1, 0, 0], [(1, 2)])
    assert isinstance(lay.joint_names, tuple) and isinstance(lay.parents, tuple)
    try:
        assert sk.register_layout(lay) is lay
        assert sk.get_layout("test-3") is lay and "test-3" in sk.list_layouts()
        with pytest.raises(ValueError, match="already registered"):
            sk.register_layout(lay)
        sk.register_layout(lay, overwrite=True)
    finally:
        sk._LAYOUTS.pop("test-3", None)
    with pytest.raises(TypeError):
        sk.register_layout("coco-17")
    with pytest.raises(ValueError, match="cycle"):
        SkeletonLayout("bad", ["a", "b", "c"], [-1, 2, 1])
    with pytest.raises(ValueError, match="parent"):
        SkeletonLayout("bad", ["a", "b"], [-1, 5])
    with pytest.raises(ValueError, match="parents for"):
        SkeletonLayout("bad", ["a", "b"], [-1])
    with pytest.raises(ValueError, match="duplicate"):
        SkeletonLayout("bad", ["a", "a"], [-1, 0])
    with pytest.raises(ValueError, match="flip pair"):
        SkeletonLayout("bad", ["a", "b"], [-1, 0], [(0, 2)])
    with pytest.raises(ValueError, match="more than one"):
        SkeletonLayout("bad", ["a", "b", "c"], [-1, 0, 0], [(0, 1), (1, 2)])
    with pytest.raises(ValueError, match="root"):
        SkeletonLayout("bad", ["a", "b"], [1, 0])
    with pytest.raises(AttributeError):  # frozen
        lay.name = "x"


# ----------------------------------------------------------------------------------------------------------- flip


def test_flip_parity_numpy_and_torch(fx):
    out = sk.flip(fx["flip_in"])
    assert out.dtype == fx["flip_out"].dtype
    np.testing.assert_array_equal(out, fx["flip_out"])
    t_in = torch.from_numpy(fx["flip_in"].copy())
    t_out = sk.flip(t_in)
    assert isinstance(t_out, torch.Tensor)
    torch.testing.assert_close(t_out, torch.from_numpy(fx["flip_out"]), atol=0, rtol=0)
    torch.testing.assert_close(t_in, torch.from_numpy(fx["flip_in"]), atol=0, rtol=0)  # input untouched


@pytest.mark.parametrize("name", sorted(EXPECTED_J))
def test_flip_is_involution(name):
    lay = sk.get_layout(name)
    x = np.random.default_rng(0).normal(size=(2, 3, lay.num_joints, 3))
    y = sk.flip(x, name)
    assert not np.array_equal(x, y)
    np.testing.assert_array_equal(sk.flip(y, name), x)
    t = torch.from_numpy(x).float().requires_grad_(True)
    sk.flip(sk.flip(t, lay), lay).sum().backward()
    torch.testing.assert_close(t.grad, torch.ones_like(t))


def test_flip_rejects_wrong_joint_count():
    with pytest.raises(ValueError, match="17"):
        sk.flip(np.zeros((5, 16, 3)))
    with pytest.raises(ValueError):
        sk.flip(np.zeros((17,)))


# ----------------------------------------------------------------------------------------------------- converters


def test_coco2h36m_parity(fx):
    out = sk.coco2h36m(fx["coco_in_MTVC"])
    assert out.dtype == np.float64 and out.shape == (2, 4, 17, 3)
    np.testing.assert_array_equal(out, fx["coco2h36m_out"])
    # leading dims are free: (T, J, C) per person gives the same
    np.testing.assert_array_equal(sk.coco2h36m(fx["coco_in_MTVC"][1]), fx["coco2h36m_out"][1])
    f32 = sk.coco2h36m(fx["coco_in_MTVC"].astype(np.float32))
    assert f32.dtype == np.float32
    np.testing.assert_allclose(f32, fx["coco2h36m_out"], atol=1e-6, rtol=1e-6)


def test_coco2h36m_ntu_confidence_quirk(fx):
    x = fx["coco_in_MTVC"]
    quirk = sk.coco2h36m(x, confidence="coco_order")
    np.testing.assert_array_equal(quirk[..., :2], fx["coco2h36m_out"][..., :2])
    np.testing.assert_array_equal(quirk[..., 2], x[..., 2])  # confidence left in COCO joint order
    assert not np.array_equal(quirk[..., 2], fx["coco2h36m_out"][..., 2])
    with pytest.raises(ValueError, match="coco-17"):
        sk.to_h36m(np.zeros((4, 26, 3)), "halpe-26", confidence="coco_order")
    with pytest.raises(ValueError, match="confidence channel"):
        sk.coco2h36m(np.zeros((4, 17, 2)), confidence="coco_order")


def test_halpe_and_posetrack_parity(fx):
    np.testing.assert_array_equal(sk.halpe2h36m(fx["halpe_in_TVC"]), fx["halpe2h36m_out"])
    out = sk.posetrack2h36m(fx["posetrack_in_TVC"])
    np.testing.assert_array_equal(out, fx["posetrack2h36m_out"])
    x = fx["posetrack_in_TVC"]
    np.testing.assert_array_equal(out[:, 0, 2], np.minimum(x[:, 11, 2], x[:, 12, 2]))
    np.testing.assert_array_equal(out[:, 7, 2], np.minimum(out[:, 0, 2], x[:, 1, 2]))


@pytest.mark.parametrize("name", CONVERTIBLE)
@pytest.mark.parametrize("channels", [2, 3])
def test_to_h36m_shapes_and_flip_equivariance(name, channels):
    lay = sk.get_layout(name)
    x = np.random.default_rng(1).uniform(-1, 1, size=(2, 3, lay.num_joints, channels))
    out = sk.to_h36m(x, name)
    assert out.shape == (2, 3, 17, channels) and out.dtype == np.float64 and np.all(np.isfinite(out))
    # left joints map to left joints: converting a mirrored pose gives the mirrored conversion
    np.testing.assert_allclose(sk.to_h36m(sk.flip(x, name), name), sk.flip(out, "h36m-17"), atol=1e-12)
    assert sk.to_h36m(x[0, 0], name).shape == (17, channels)
    ints = sk.to_h36m(np.ones((lay.num_joints, channels), dtype=np.int32), name)
    assert ints.dtype == np.float64
    np.testing.assert_allclose(ints, 1.0)  # every recipe is affine (weights sum to one)


@pytest.mark.parametrize("name", CONVERTIBLE)
def test_to_h36m_min_confidence(name):
    lay = sk.get_layout(name)
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(size=(4, lay.num_joints, 2)), rng.uniform(0.1, 1, (4, lay.num_joints, 1))], -1)
    avg = sk.to_h36m(x, name)
    mn = sk.to_h36m(x, name, confidence="min")
    np.testing.assert_array_equal(mn[..., :2], avg[..., :2])
    src_min, src_max = x[..., 2].min(axis=-1, keepdims=True), x[..., 2].max(axis=-1, keepdims=True)
    assert np.all(mn[..., 2] >= src_min) and np.all(mn[..., 2] <= src_max)
    if name not in ("smpl-24", "bandai-22"):  # these extrapolate nose/head; "average" then extrapolates conf too
        assert np.all(mn[..., 2] <= avg[..., 2] + 1e-12)


def test_to_h36m_recipes_pick_expected_joints():
    coco = np.arange(17 * 2, dtype=float).reshape(17, 2)
    h = sk.to_h36m(coco, "coco-17")
    np.testing.assert_array_equal(h[1], coco[12])  # right hip
    np.testing.assert_array_equal(h[10], (coco[1] + coco[2]) / 2)  # head = mid eyes
    penn = np.random.default_rng(3).normal(size=(13, 2))
    p = sk.to_h36m(penn, "penn-13")
    np.testing.assert_allclose(p[0], (penn[7] + penn[8]) / 2)
    np.testing.assert_allclose(p[8], (penn[1] + penn[2]) / 2)
    np.testing.assert_allclose(p[7], (p[0] + p[8]) / 2)
    np.testing.assert_allclose(p[9], (p[8] + penn[0]) / 2)
    np.testing.assert_array_equal(p[10], penn[0])
    mpii = np.random.default_rng(4).normal(size=(16, 2))
    m = sk.to_h36m(mpii, "mpii-16")
    np.testing.assert_array_equal(m[[0, 1, 8, 9, 10, 16]], mpii[[6, 2, 7, 8, 9, 10]])
    sh = sk.to_h36m(mpii, "mpii-16", mpii_convention="h36m_sh")
    np.testing.assert_array_equal(sh[[7, 8, 10]], mpii[[7, 8, 9]])
    assert sk.to_h36m_supported() == sorted(CONVERTIBLE)


def test_to_h36m_errors():
    with pytest.raises(ValueError, match="h36m16_to_h36m17"):
        sk.to_h36m(np.zeros((3, 16, 3)), "h36m-16")
    with pytest.raises(ValueError, match=r"\(\.\.\., 17, C\)"):
        sk.to_h36m(np.zeros((3, 18, 3)), "coco-17")
    with pytest.raises(ValueError, match="unknown joint layout"):
        sk.to_h36m(np.zeros((3, 17, 3)), "coco-18")
    with pytest.raises(ValueError, match="confidence must be"):
        sk.to_h36m(np.zeros((3, 17, 3)), "coco-17", confidence="max")
    with pytest.raises(ValueError, match="mpii_convention"):
        sk.to_h36m(np.zeros((16, 2)), "mpii-16", mpii_convention="lsp")
    with pytest.raises(ValueError, match="confidence channel"):
        sk.posetrack2h36m(np.zeros((3, 17, 2)))
    with pytest.raises(TypeError):
        sk.to_h36m(np.array([["a"] * 2] * 17), "coco-17")
    custom = SkeletonLayout("custom-2", ["a", "b"], [-1, 0])
    with pytest.raises(ValueError, match="no H36M-17 conversion"):
        sk.to_h36m(np.zeros((2, 2)), custom)
    h = np.random.default_rng(5).normal(size=(4, 17, 3))
    np.testing.assert_array_equal(sk.to_h36m(h, "h36m-17"), h)


def test_h36m16_conversions():
    x = np.random.default_rng(6).normal(size=(2, 5, 17, 3)).astype(np.float32)
    x16 = sk.h36m17_to_h36m16(x)
    assert x16.shape == (2, 5, 16, 3)
    np.testing.assert_array_equal(x16, np.concatenate([x[..., :9, :], x[..., 10:, :]], axis=-2))
    back = sk.h36m16_to_h36m17(x16, fill=np.nan)
    assert back.dtype == np.float32 and np.all(np.isnan(back[..., 9, :]))
    keep = [j for j in range(17) if j != 9]
    np.testing.assert_array_equal(back[..., keep, :], x[..., keep, :])
    assert np.all(sk.h36m16_to_h36m17(x16)[..., 9, :] == 0)
    t16 = sk.h36m17_to_h36m16(torch.from_numpy(x))
    assert isinstance(t16, torch.Tensor) and t16.shape == (2, 5, 16, 3)
    t17 = sk.h36m16_to_h36m17(t16, fill=0.5)
    assert torch.all(t17[..., 9, :] == 0.5) and torch.equal(t17[..., keep, :], torch.from_numpy(x)[..., keep, :])
    # the 16-joint flip equals the 17-joint flip without the nose
    np.testing.assert_array_equal(sk.flip(x16, "h36m-16"), sk.h36m17_to_h36m16(sk.flip(x)))
    with pytest.raises(ValueError):
        sk.h36m17_to_h36m16(np.zeros((3, 16, 3)))
    with pytest.raises(ValueError):
        sk.h36m16_to_h36m17(np.zeros((3, 17, 3)))


def test_mpi_inf_3dhp_to_h36m16():
    x = np.arange(17, dtype=float)[:, None].repeat(3, axis=1)
    out = sk.mpi_inf_3dhp_to_h36m16(x)
    assert out.shape == (16, 3)
    np.testing.assert_array_equal(out[:, 0], sk.MPI_INF_3DHP_TO_H36M16)
    assert out[0, 0] == 14  # pelvis first
    with pytest.raises(ValueError):
        sk.mpi_inf_3dhp_to_h36m16(np.zeros((16, 3)))


# ------------------------------------------------------------------------------------------------ real-data sanity

# Mean H36M-17 limb lengths (mm) of Human3.6M S1 "Walking", in H36M_LIMBS order.
_H36M_LIMB_MM = np.array([133, 443, 454, 133, 443, 454, 233, 257, 121, 115, 151, 279, 252, 151, 279, 252], float)


def _limb_lengths(x: np.ndarray) -> np.ndarray:
    a = [p for p, _ in sk.H36M_LIMBS]
    b = [c for _, c in sk.H36M_LIMBS]
    return np.linalg.norm(x[..., a, :] - x[..., b, :], axis=-1).reshape(-1, 16).mean(0)


@pytest.mark.realdata
def test_bandai_conversion_has_human_proportions():
    npz = np.load(data_path("bandai_namco", "bandai_positions_mm_int16.npz"))
    x = npz[npz.files[0]].astype(np.float64)
    assert x.shape[1:] == (22, 3)
    ratio = _limb_lengths(sk.to_h36m(x, "bandai-22")) / _H36M_LIMB_MM
    assert np.all(ratio > 0.4) and np.all(ratio < 1.6), ratio.round(2)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("fname", "layout", "to_mm"), [("utkinect_action3d.npz", "kinect-20", 1000.0), ("florence3d.npz", "openni-15", 1.0)]
)
def test_kinect_conversions_have_human_proportions(fname, layout, to_mm):
    npz = np.load(data_path("kinect_actions", fname))
    x = npz["data"][:300].astype(np.float64) * to_mm
    ratio = _limb_lengths(sk.to_h36m(x, layout)) / _H36M_LIMB_MM
    assert np.all(ratio > 0.3) and np.all(ratio < 2.0), ratio.round(2)
