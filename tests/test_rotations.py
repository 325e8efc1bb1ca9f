# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Rotation conversions (6D, rotation matrix, axis-angle, quaternion) and SMPL pose flipping: parity with MotionBERT's
``utils_mesh`` (reference/motionbert_losses_utils) and mathematical properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import reference_path

from motionhub.rotations import (
    SMPL_FLIP_PAIRS,
    axis_angle_to_quaternion,
    axis_angle_to_rotmat,
    flip_thetas,
    identity_rot6d,
    quaternion_to_axis_angle,
    quaternion_to_rotmat,
    rot6d_to_rotmat,
    rotmat_to_axis_angle,
    rotmat_to_quaternion,
    rotmat_to_rot6d,
)


@pytest.fixture(scope="module")
def fixture():
    return np.load(reference_path("motionbert_losses_utils", "losses_utils.npz"))


def _t(fx, key):
    return torch.from_numpy(fx[key])


def test_rot6d_to_rotmat_matches_official(fixture):
    torch.testing.assert_close(rot6d_to_rotmat(_t(fixture, "rot6d_in")), _t(fixture, "rot6d_to_rotmat_out"),
                               atol=1e-6, rtol=1e-6)


def test_axis_angle_to_rotmat_matches_batch_rodrigues(fixture):
    out = axis_angle_to_rotmat(_t(fixture, "aa_in")).reshape(-1, 9)
    torch.testing.assert_close(out, _t(fixture, "batch_rodrigues_out"), atol=1e-6, rtol=1e-6)


def test_rotmat_to_axis_angle_matches_official(fixture):
    rot = _t(fixture, "batch_rodrigues_out").reshape(-1, 3, 3)
    torch.testing.assert_close(rotmat_to_axis_angle(rot), _t(fixture, "rotmat_to_aa_out"), atol=1e-6, rtol=1e-6)


def test_flip_thetas_matches_official_torch_and_numpy(fixture):
    torch.testing.assert_close(flip_thetas(_t(fixture, "flip_thetas_batch_in")), _t(fixture, "flip_thetas_batch_out"),
                               atol=0, rtol=0)
    np.testing.assert_array_equal(flip_thetas(fixture["flip_thetas_batch_in"]), fixture["flip_thetas_batch_out"])


def test_flip_thetas_is_an_involution_and_accepts_24x3():
    theta = torch.randn(2, 5, 24, 3)
    flipped = flip_thetas(theta)
    assert flipped.shape == theta.shape
    torch.testing.assert_close(flip_thetas(flipped), theta)
    a, b = SMPL_FLIP_PAIRS[0]
    torch.testing.assert_close(flipped[..., a, 0], theta[..., b, 0])
    torch.testing.assert_close(flipped[..., a, 1], -theta[..., b, 1])
    with pytest.raises(ValueError, match="72"):
        flip_thetas(torch.randn(3, 70))


def test_round_trips_and_orthonormality():
    torch.manual_seed(0)
    axis = torch.nn.functional.normalize(torch.randn(200, 3), dim=-1)
    aa = axis * torch.rand(200, 1) * 3.0  # angles in [0, 3) rad, below pi
    rot = axis_angle_to_rotmat(aa)
    eye = torch.eye(3).expand_as(rot)
    torch.testing.assert_close(rot @ rot.transpose(-1, -2), eye, atol=1e-5, rtol=0)
    torch.testing.assert_close(torch.linalg.det(rot), torch.ones(200), atol=1e-5, rtol=0)
    torch.testing.assert_close(rotmat_to_axis_angle(rot), aa, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(rot6d_to_rotmat(rotmat_to_rot6d(rot)), rot, atol=1e-6, rtol=0)
    q = axis_angle_to_quaternion(aa)
    torch.testing.assert_close(quaternion_to_rotmat(q), rot, atol=1e-6, rtol=0)
    torch.testing.assert_close(quaternion_to_axis_angle(q), aa, atol=1e-5, rtol=1e-4)
    q_back = rotmat_to_quaternion(rot)
    torch.testing.assert_close(q_back * torch.sign(q_back[:, :1]), q * torch.sign(q[:, :1]), atol=1e-5, rtol=0)


def test_rotmat_to_axis_angle_covers_every_shepperd_branch():
    # 180-degree turns about x, y, z (the branches with a small trace) and the identity
    for axis in torch.eye(3):
        aa = axis * (math.pi - 1e-3)
        back = rotmat_to_axis_angle(axis_angle_to_rotmat(aa))
        torch.testing.assert_close(back.abs(), aa.abs(), atol=2e-3, rtol=0)
    torch.testing.assert_close(rotmat_to_axis_angle(torch.eye(3)), torch.zeros(3))


def test_identity_6d_is_identity_and_leading_axes_are_kept():
    torch.testing.assert_close(rot6d_to_rotmat(identity_rot6d(24).reshape(24, 6)), torch.eye(3).expand(24, 3, 3))
    x = torch.randn(2, 3, 24, 6)
    assert rot6d_to_rotmat(x).shape == (2, 3, 24, 3, 3)
    assert rotmat_to_axis_angle(rot6d_to_rotmat(x)).shape == (2, 3, 24, 3)
    with pytest.raises(ValueError, match="6"):
        rot6d_to_rotmat(torch.randn(4, 5))
    with pytest.raises(TypeError):
        axis_angle_to_rotmat(np.zeros((2, 3)))


def test_gradients_flow_through_conversions():
    x = torch.randn(4, 6, requires_grad=True)
    aa = rotmat_to_axis_angle(rot6d_to_rotmat(x))
    axis_angle_to_rotmat(aa).sum().backward()
    assert torch.isfinite(x.grad).all()
