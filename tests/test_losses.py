# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Tests of motionhub.losses: parity with the official MotionBERT / P-STMO losses and behaviour on bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import reference_path

from motionhub import losses as L

TOL = {"atol": 1e-6, "rtol": 1e-6}  # README of motionbert_losses_utils: float32 values atol/rtol 1e-6


@pytest.fixture(scope="module")
def fx():
    return dict(np.load(reference_path("motionbert_losses_utils", "losses_utils.npz")))


@pytest.fixture(scope="module")
def tensors(fx):
    return torch.tensor(fx["pred"]), torch.tensor(fx["gt"]), torch.tensor(fx["conf"])


@pytest.mark.parametrize(
    ("key", "fn"),
    [
        ("loss_mpjpe", lambda p, g, c: L.mpjpe_loss(p, g)),
        ("n_mpjpe", lambda p, g, c: L.n_mpjpe_loss(p, g)),
        ("loss_velocity", lambda p, g, c: L.velocity_loss(p, g)),
        ("loss_limb_var", lambda p, g, c: L.limb_variance_loss(p)),
        ("loss_limb_gt", lambda p, g, c: L.limb_length_loss(p, g)),
        ("loss_angle", lambda p, g, c: L.angle_loss(p, g)),
        ("loss_angle_velocity", lambda p, g, c: L.angle_velocity_loss(p, g)),
        ("loss_2d_weighted", lambda p, g, c: L.weighted_2d_loss(p, g, c)),
        ("loss_total_pose3d_cfg", lambda p, g, c: L.pose3d_loss(p, g)[0]),
    ],
)
def test_loss_parity(fx, tensors, key, fn):
    value = fn(*tensors)
    assert value.dim() == 0
    np.testing.assert_allclose(value.item(), fx[key], **TOL)


def test_limb_lengths_and_angles_parity(fx, tensors):
    pred = tensors[0]
    np.testing.assert_allclose(L.get_limb_lengths(pred).numpy(), fx["limb_lens"], **TOL)
    np.testing.assert_allclose(L.get_limb_angles(pred).numpy(), fx["angles"], **TOL)
    assert len(L.H36M_LIMBS) == 16 and len(L.H36M_LIMB_ANGLE_PAIRS) == 18


def test_weighted_2d_accepts_3d_confidence(fx, tensors):
    p, g, c = tensors
    np.testing.assert_allclose(L.weighted_2d_loss(p, g, c[..., 0]).item(), fx["loss_2d_weighted"], **TOL)


def test_pose3d_loss_components_and_skipping(tensors):
    p, g, _ = tensors
    total, comps = L.pose3d_loss(p, g)
    assert set(comps) == {"position", "scale", "velocity"}
    expected = comps["position"] + 0.5 * comps["scale"] + 20 * comps["velocity"]
    torch.testing.assert_close(total, expected)

    # STRIDE test-time-training weights: limb variance x 200 on top of the MotionBERT terms.
    total_s, comps_s = L.pose3d_loss(p, g, lambda_limb_var=200.0)
    assert set(comps_s) == {"position", "scale", "velocity", "limb_var"}
    torch.testing.assert_close(total_s, expected + 200 * L.limb_variance_loss(p))

    weights = dict(lambda_limb_gt=2.0, lambda_angle=3.0, lambda_angle_velocity=4.0)
    total_all, comps_all = L.pose3d_loss(p, g, **weights)
    assert set(comps_all) == {"position", "scale", "velocity", "limb_gt", "angle", "angle_velocity"}
    torch.testing.assert_close(
        total_all,
        expected + 2 * L.limb_length_loss(p, g) + 3 * L.angle_loss(p, g) + 4 * L.angle_velocity_loss(p, g),
    )

    only_pos, comps_pos = L.pose3d_loss(p, g, lambda_scale=0.0, lambda_velocity=0.0)
    assert list(comps_pos) == ["position"]
    torch.testing.assert_close(only_pos, L.mpjpe_loss(p, g))


def test_pose3d_loss_backward():
    torch.manual_seed(0)
    pred = torch.randn(2, 5, 17, 3, requires_grad=True)
    target = torch.randn(2, 5, 17, 3)
    total, _ = L.pose3d_loss(pred, target, lambda_limb_var=200.0, lambda_angle=1.0)
    total.backward()
    assert pred.grad is not None and torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0


def test_single_frame_temporal_terms_are_zero_and_differentiable():
    pred = torch.randn(2, 1, 17, 3, requires_grad=True)
    target = torch.randn(2, 1, 17, 3)
    for value in (L.velocity_loss(pred, target), L.limb_variance_loss(pred), L.angle_velocity_loss(pred, target)):
        assert value.item() == 0.0
        value.backward()


def test_identical_inputs_give_zero():
    x = torch.randn(2, 4, 17, 3)
    for fn in (L.mpjpe_loss, L.n_mpjpe_loss, L.velocity_loss, L.limb_length_loss, L.angle_loss):
        assert fn(x, x.clone()).item() == pytest.approx(0.0, abs=1e-6)


def test_n_mpjpe_is_scale_invariant():
    torch.manual_seed(1)
    target = torch.randn(2, 3, 17, 3)
    scale = torch.tensor([0.5, 3.0]).view(2, 1, 1, 1)
    assert L.n_mpjpe_loss(target * scale, target).item() == pytest.approx(0.0, abs=1e-5)
    assert L.mpjpe_loss(target * scale, target).item() > 0.1


def test_limb_variance_zero_for_rigid_motion():
    torch.manual_seed(2)
    pose = torch.randn(1, 1, 17, 3)
    moving = pose + torch.linspace(0, 1, 6).view(1, 6, 1, 1)  # pure translation over time
    assert L.limb_variance_loss(moving).item() == pytest.approx(0.0, abs=1e-10)


def test_pstmo_mae_loss_parity():
    fx = np.load(reference_path("pstmo", "io_small.npz"))
    out = torch.tensor(fx["mae_output"])[..., 0].permute(0, 2, 3, 1)  # (N, 2, T, J, 1) -> (N, T, J, 2)
    target = torch.tensor(fx["mae_target_order"])
    np.testing.assert_allclose(L.mpjpe_loss(out, target).item(), fx["mae_loss"], atol=1e-5, rtol=1e-5)
    full = torch.ones(out.shape[:3], dtype=torch.bool)
    np.testing.assert_allclose(L.masked_mpjpe_loss(out, target, full).item(), fx["mae_loss"], atol=1e-5, rtol=1e-5)


def test_masked_mpjpe_loss_only_counts_masked_positions():
    torch.manual_seed(3)
    pred = torch.randn(2, 4, 17, 3)
    target = torch.randn(2, 4, 17, 3)
    mask = torch.zeros(4, 17, dtype=torch.bool)
    mask[1, 3] = True
    mask[2, :5] = True
    err = torch.linalg.vector_norm(pred - target, dim=-1)
    expected = err[:, mask].mean()
    torch.testing.assert_close(L.masked_mpjpe_loss(pred, target, mask), expected)
    # Frame mask (B, T, 1) and float weights.
    frames = torch.tensor([[1.0, 0, 0, 1], [0, 1, 0, 0]]).unsqueeze(-1)
    expected_f = (err * frames).sum() / (frames.sum() * 17)
    torch.testing.assert_close(L.masked_mpjpe_loss(pred, target, frames), expected_f)
    # Nothing masked -> 0, still differentiable.
    p = pred.clone().requires_grad_(True)
    zero = L.masked_mpjpe_loss(p, target, torch.zeros(2, 4, 17))
    assert zero.item() == 0.0
    zero.backward()
    with pytest.raises(ValueError, match="broadcast"):
        L.masked_mpjpe_loss(pred, target, torch.ones(3, 17))


def test_supcon_parity(fx):
    loss = L.SupConLoss(temperature=0.1)
    value = loss(torch.tensor(fx["supcon_features"]), labels=torch.tensor(fx["supcon_labels"]))
    np.testing.assert_allclose(value.item(), fx["supcon_loss_T0.1"], atol=1e-5, rtol=1e-6)
    value2 = loss(torch.tensor(fx["supcon_features_2views"]), labels=torch.tensor([0, 1, 0, 2]))
    np.testing.assert_allclose(value2.item(), fx["supcon_loss_2views_T0.1"], atol=1e-5, rtol=1e-6)


def test_supcon_mask_equals_labels_and_scaling(fx):
    feats = torch.tensor(fx["supcon_features_2views"])
    labels = torch.tensor([0, 1, 0, 2])
    mask = (labels[:, None] == labels[None, :]).float()
    a = L.SupConLoss(0.1)(feats, labels=labels)
    torch.testing.assert_close(L.SupConLoss(0.1)(feats, mask=mask), a)
    # The base temperature only rescales the loss.
    b = L.SupConLoss(0.1, base_temperature=0.1)(feats, labels=labels)
    torch.testing.assert_close(a, b * (0.1 / 0.07))


def test_supcon_contrast_one_and_unsupervised():
    torch.manual_seed(4)
    feats = torch.nn.functional.normalize(torch.randn(6, 2, 8), dim=-1)
    one = L.SupConLoss(contrast_mode="one")(feats, labels=torch.tensor([0, 0, 1, 1, 2, 2]))
    assert torch.isfinite(one) and one.item() > 0
    simclr = L.SupConLoss()(feats)  # positives = the other view of the same sample
    assert torch.isfinite(simclr)
    # With a single view per sample, 'one' and 'all' coincide.
    single = feats[:, :1]
    lab = torch.tensor([0, 0, 1, 1, 2, 2])
    torch.testing.assert_close(L.SupConLoss(contrast_mode="one")(single, lab), L.SupConLoss()(single, lab))


def test_supcon_numerically_stable_and_no_positive_anchor():
    feats = torch.nn.functional.normalize(torch.randn(4, 1, 16), dim=-1) * 50  # huge logits at tau=0.01
    feats.requires_grad_(True)
    value = L.SupConLoss(temperature=0.01)(feats, labels=torch.tensor([0, 0, 1, 2]))  # 1 and 2 have no positive
    assert torch.isfinite(value)
    value.backward()
    assert torch.isfinite(feats.grad).all()


def test_supcon_bad_input():
    loss = L.SupConLoss()
    with pytest.raises(ValueError, match="n_views"):
        loss(torch.randn(4, 16))
    with pytest.raises(ValueError, match="either labels or mask"):
        loss(torch.randn(4, 1, 16), labels=torch.arange(4), mask=torch.eye(4))
    with pytest.raises(ValueError, match="labels must have 4"):
        loss(torch.randn(4, 1, 16), labels=torch.arange(3))
    with pytest.raises(ValueError, match="mask must have shape"):
        loss(torch.randn(4, 1, 16), mask=torch.eye(3))
    with pytest.raises(ValueError, match="contrast_mode"):
        L.SupConLoss(contrast_mode="some")
    with pytest.raises(ValueError, match="temperature"):
        L.SupConLoss(temperature=0.0)


def test_bad_input_errors():
    x = torch.randn(2, 3, 17, 3)
    with pytest.raises(ValueError, match="same shape"):
        L.mpjpe_loss(x, x[:, :2])
    with pytest.raises(TypeError, match="torch.Tensor"):
        L.mpjpe_loss(x.numpy(), x)
    with pytest.raises(TypeError, match="floating-point"):
        L.mpjpe_loss(x.long(), x.long())
    with pytest.raises(ValueError, match=r"\(B, T, J, C\)"):
        L.velocity_loss(x[0], x[0])
    with pytest.raises(ValueError, match="H36M-17"):
        L.limb_length_loss(x[:, :, :16], x[:, :, :16])
    with pytest.raises(ValueError, match="confidence must have shape"):
        L.weighted_2d_loss(x, x, torch.ones(2, 3, 16, 1))
    with pytest.raises(ValueError, match="every lambda"):
        L.pose3d_loss(x, x, lambda_position=0, lambda_scale=0, lambda_velocity=0)
    with pytest.raises(ValueError, match="lambda_angle must be >= 0"):
        L.pose3d_loss(x, x, lambda_angle=-1.0)


def test_stride_loss_components_parity():
    """STRIDE TTT objective (lambda_limb_var=200) on the official small DSTformer output of the pseudo-label clip."""
    from motionhub.conversion import convert_checkpoint

    fx = np.load(reference_path("stride", "io_small.npz"))
    model = convert_checkpoint(reference_path("motionbert_dstformer", "checkpoint_small.bin"), num_heads=4)
    clip = torch.tensor(fx["pseudo_label_clip"])  # (1, 27, 17, 3) metres; input and target are the same clip
    with torch.no_grad():
        pred = model(clip).pose_3d
    target = clip - clip[:, :, :1]
    total, comps = L.pose3d_loss(pred, target, lambda_limb_var=200.0)
    np.testing.assert_allclose(total.item(), fx["loss_total_start"], atol=1e-5, rtol=1e-5)
    expected = {
        "position": "loss_3d_pos_start",
        "scale": "loss_3d_scale_start",
        "velocity": "loss_3d_velocity_start",
        "limb_var": "loss_lv_start",
    }
    for name, key in expected.items():
        np.testing.assert_allclose(comps[name].item(), fx[key], atol=1e-5, rtol=1e-5)
    # The zero-weighted STRIDE terms, computed on their own, match the logged values too.
    np.testing.assert_allclose(L.limb_length_loss(pred, target).item(), fx["loss_lg_start"], atol=1e-5)
    np.testing.assert_allclose(L.angle_loss(pred, target).item(), fx["loss_a_start"], atol=1e-5)
    np.testing.assert_allclose(L.angle_velocity_loss(pred, target).item(), fx["loss_av_start"], atol=1e-5)
