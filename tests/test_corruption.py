# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Tests of motionhub.corruption: masks, MotionBERT noise model, 3D corruption, occlusions, estimator noise."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import data_path

from motionhub.corruption import (
    MotionBERTNoise,
    OcclusionSimulator,
    corrupt_2d,
    corrupt_3d,
    keyframe_noise,
    make_generator,
    random_masks,
    simulate_estimator,
)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one intra-op thread is much faster than oversubscribing a shared CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _toy_noise(**kw) -> MotionBERTNoise:
    j = 17
    return MotionBERTNoise(mean=np.full((j, 2), 0.001), std=np.full((j, 2), 0.005), weight=np.full(j, 0.9), **kw)


def test_random_masks_ratios_and_determinism():
    m1 = random_masks(64, 100, 17, joint_ratio=0.05, frame_ratio=0.1, generator=0)
    m2 = random_masks(64, 100, 17, joint_ratio=0.05, frame_ratio=0.1, generator=0)
    assert m1.dtype == torch.bool and m1.shape == (64, 100, 17)
    assert torch.equal(m1, m2)
    assert not torch.equal(m1, random_masks(64, 100, 17, generator=1))
    frame_hidden = (~m1).all(-1).float().mean().item()
    assert 0.08 < frame_hidden < 0.12
    # joints hidden in visible frames ~ joint ratio
    vis_frames = m1.any(-1)
    joint_hidden = (~m1[vis_frames]).float().mean().item()
    assert 0.04 < joint_hidden < 0.06
    shared = random_masks(8, 50, 17, joint_ratio=0.0, frame_ratio=0.3, shared_frame_mask=True, generator=3)
    assert torch.equal(shared[0], shared[5])
    with pytest.raises(ValueError, match="joint_ratio"):
        random_masks(1, 2, 3, joint_ratio=1.5)


def test_make_generator_accepts_seeds_and_numpy():
    a = torch.rand(3, generator=make_generator(5))
    b = torch.rand(3, generator=make_generator(5))
    assert torch.equal(a, b)
    c = torch.rand(3, generator=make_generator(np.random.default_rng(1)))
    d = torch.rand(3, generator=make_generator(np.random.default_rng(1)))
    assert torch.equal(c, d)
    with pytest.raises(TypeError, match="generator"):
        make_generator("seed")


def test_keyframe_noise_is_piecewise_linear():
    n = keyframe_noise(2, 53, 17, 2, std=1.0, num_keyframes=27, generator=0)  # (T-1)/(K-1) = 2 frames per key
    assert n.shape == (2, 53, 17, 2)
    # odd frames are the midpoints of their even neighbours (the key frames)
    mid = 0.5 * (n[:, 0:-2:2] + n[:, 2::2])
    torch.testing.assert_close(n[:, 1:-1:2], mid, atol=1e-6, rtol=0)
    const = keyframe_noise(1, 10, 17, 3, std=1.0, num_keyframes=1, generator=0)
    assert torch.equal(const[:, 0], const[:, -1])


def test_motionbert_noise_statistics():
    noise = _toy_noise(frame_noise_std=0.0)
    x = torch.zeros(400, 27, 17, 2)
    out = noise(x, generator=0)
    assert out.shape == (400, 27, 17, 3)
    delta = out[..., :2]
    # T == K: every frame is a key frame: mixture of N(0.001, 0.005) (p=0.9) and U(-0.03, 0.03) (p=0.1)
    expected_var = 0.9 * (0.005**2 + 0.001**2) + 0.1 * (0.06**2 / 12) - (0.9 * 0.001) ** 2
    assert abs(delta.var().item() - expected_var) / expected_var < 0.05
    assert abs(delta.mean().item() - 0.9 * 0.001) < 2e-4
    conf = out[..., 2]
    assert conf.min() >= 0 and conf.max() <= 1
    # confidence follows a/(d+a) + b d + N(m, s): close to 1 for tiny displacements, lower for larger ones
    d = torch.linalg.vector_norm(delta, dim=-1)
    small, large = conf[d < 0.003].mean(), conf[(d > 0.015) & (d < 0.03)].mean()
    assert small > large
    # deterministic under a seed, numpy in -> numpy out
    np_out = noise(np.zeros((2, 27, 17, 3), np.float32), generator=1)
    assert isinstance(np_out, np.ndarray)
    np.testing.assert_array_equal(np_out, noise(np.zeros((2, 27, 17, 3), np.float32), generator=1))
    with pytest.raises(ValueError, match="joints"):
        noise(torch.zeros(1, 5, 16, 2))


def test_motionbert_noise_from_shared_files():
    folder = data_path("motionbert_noise")
    noise = MotionBERTNoise.from_path(folder)
    assert noise.num_joints == 17 and noise.a == pytest.approx(0.028) and noise.b == pytest.approx(1.1)
    assert noise.m == pytest.approx(-0.004585696384310722)
    assert 0 < noise.weight.min() and noise.weight.max() <= 1
    again = MotionBERTNoise.from_path(folder / "synthetic_noise.npz", num_keyframes=9)
    assert again.num_keyframes == 9
    with pytest.raises(FileNotFoundError, match="synthetic_noise"):
        MotionBERTNoise.from_path(folder / "nope")


def test_corrupt_2d_zeroes_all_channels_of_hidden_joints():
    x = torch.rand(4, 30, 17, 2) * 2 - 1
    out, vis = corrupt_2d(x, _toy_noise(), joint_mask_ratio=0.2, frame_mask_ratio=0.2, generator=0)
    assert out.shape == (4, 30, 17, 3) and vis.shape == (4, 30, 17)
    assert (out[~vis] == 0).all()
    assert (out[vis][:, 2] >= 0).all()
    assert (~vis).any() and vis.any()
    out2, vis2 = corrupt_2d(x, _toy_noise(), joint_mask_ratio=0.2, frame_mask_ratio=0.2, generator=0)
    assert torch.equal(out, out2) and torch.equal(vis, vis2)
    # no noise model: conf 1 for synthetic 2D, coordinates untouched where visible
    clean, vis3 = corrupt_2d(x, None, generator=0)
    assert torch.equal(clean[vis3][:, :2], x[vis3]) and (clean[vis3][:, 2] == 1).all()


def test_corrupt_3d_noise_scale_and_masks():
    x = torch.zeros(64, 60, 17, 3) + torch.tensor([0.1, -0.2, 5.0])
    out, vis = corrupt_3d(x, keyframe_std=0.0, frame_noise_std=0.01, depth_noise_scale=3.0, generator=0)
    err = (out - x)[vis]
    assert err[:, 0].std().item() == pytest.approx(0.01, rel=0.05)
    assert err[:, 2].std().item() == pytest.approx(0.03, rel=0.05)
    assert (out[~vis] == 0).all()
    occ = OcclusionSimulator(fps=30, full_occlusion_prob=1.0)
    _, vis2 = corrupt_3d(x, occlusion=occ, generator=0)
    assert (~vis2).all(-1).float().mean() > (~vis).all(-1).float().mean()
    given = torch.ones(64, 60, 17, dtype=torch.bool)
    given[:, :5] = False
    _, vis3 = corrupt_3d(x, visible=given, generator=0)
    assert not vis3[:, :5].any()
    with pytest.raises(ValueError, match="channels"):
        corrupt_3d(torch.zeros(1, 5, 17, 2))


def test_occlusion_simulator_geometry():
    occ = OcclusionSimulator(fps=30, full_occlusion_prob=1.0, limb_occlusion_prob=0.0, joint_dropout_prob=0.0)
    vis = occ.sample(960, 17, generator=0)  # 10 windows of 96 frames
    hidden = occ.hidden_frames(vis)
    for start in range(0, 960, 96):
        h = hidden[start : start + 96]
        assert 6 <= h.sum() <= 48  # 0.2 s .. 1.6 s at 30 fps
        idx = np.flatnonzero(h)
        assert idx.max() - idx.min() + 1 == len(idx)  # contiguous
    np.testing.assert_array_equal(vis, occ.sample(960, 17, generator=0))
    partial = OcclusionSimulator(fps=30, full_occlusion_prob=0.0, limb_occlusion_prob=1.0, joint_dropout_prob=0.05)
    pv = partial.sample(300, 17, generator=1)
    assert not partial.hidden_frames(pv).any()
    assert 0.05 < (~pv).mean() < 0.3
    with pytest.raises(ValueError, match="max_hidden_seconds"):
        OcclusionSimulator(max_hidden_seconds=5.0)


def test_simulate_estimator_error_levels():
    clean = np.zeros((3000, 17, 3))
    noisy = simulate_estimator(clean, noise_std=0.02, depth_scale=2.0, drift_std=0.0, jitter_prob=0.0, generator=0)
    assert noisy[..., 0].std() == pytest.approx(0.02, rel=0.05)
    assert noisy[..., 2].std() == pytest.approx(0.04, rel=0.05)
    drift = simulate_estimator(clean, noise_std=0.0, drift_std=0.03, jitter_prob=0.0, fps=30, generator=0)
    # drift is smooth: frame-to-frame change much smaller than its magnitude
    assert np.abs(np.diff(drift, axis=0)).mean() < 0.1 * np.abs(drift).mean()
    np.testing.assert_array_equal(noisy, simulate_estimator(clean, noise_std=0.02, depth_scale=2.0, drift_std=0.0,
                                                            jitter_prob=0.0, generator=0))
    with pytest.raises(ValueError, match="T, J, 3"):
        simulate_estimator(np.zeros((5, 17)))
