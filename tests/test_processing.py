# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Tests of motionhub.processing: parity with MotionBERT's data utilities, normalisations, inference windows."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from conftest import reference_path

from motionhub import processing as pr
from motionhub import skeleton as sk


@pytest.fixture(scope="module")
def fx():
    return np.load(reference_path("motionbert_losses_utils", "losses_utils.npz"))


# --------------------------------------------------------------------------------------------- parity (MotionBERT)


def test_crop_scale_parity(fx):
    out = pr.crop_scale(fx["crop_scale_in"])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, fx["crop_scale_out"])
    np.testing.assert_array_equal(pr.crop_scale(fx["crop_scale_in"], (1, 1), np.random.default_rng(0)), out)
    f32 = pr.crop_scale(fx["crop_scale_in"].astype(np.float32))
    assert f32.dtype == np.float32
    np.testing.assert_allclose(f32, fx["crop_scale_out"], atol=1e-6, rtol=1e-6)


def test_crop_scale_3d_parity(fx):
    out = pr.crop_scale_3d(fx["crop_scale_3d_in"])
    np.testing.assert_array_equal(out, fx["crop_scale_3d_out"])
    assert out[0, 0, 2] == -1.0  # first-frame root depth
    f32 = pr.crop_scale_3d(fx["crop_scale_3d_in"].astype(np.float32))
    np.testing.assert_allclose(f32, fx["crop_scale_3d_out"], atol=1e-6, rtol=1e-6)


def test_flip_pose_parity(fx):
    assert pr.flip_pose is sk.flip
    np.testing.assert_array_equal(pr.flip_pose(fx["flip_in"]), fx["flip_out"])


def test_resample_parity(fx):
    for ori, key in ((100, "resample_100_to_243"), (300, "resample_300_to_243")):
        out = pr.resample(ori, 243)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out, fx[key])


def test_split_clips_parity(fx):
    vid = fx["split_clips_vid"]
    even = np.linspace(0, 20, 27, endpoint=False)
    for stride, key in ((9, "split_clips_n27_s9"), (27, "split_clips_n27_s27")):
        ref = fx[key]
        out = pr.split_clips(vid, 27, stride, rng=np.random.default_rng(0))
        assert out.shape == ref.shape and out.dtype == np.int64
        short = int(np.flatnonzero(ref[:, 0] == 60)[0])  # video b (20 frames) is randomly upsampled
        np.testing.assert_array_equal(np.delete(out, short, 0), np.delete(ref, short, 0))
        for row in (out[short], ref[short]):  # same distribution: floor/ceil of the even grid, sorted
            rel = row - 60
            assert np.all(np.diff(row) >= 0) and rel.min() >= 0 and rel.max() <= 19
            assert np.all((rel == np.floor(even)) | (rel == np.minimum(np.ceil(even), 19)))
        det = pr.split_clips(vid, 27, stride, randomness=False)
        np.testing.assert_array_equal(det[short], 60 + np.linspace(0, 20, 27, endpoint=False, dtype=int))
    # trailing frames of a (60) and c (30) are dropped: no clip reaches the last frames of a
    assert pr.split_clips(vid, 27, 27).max() == 106 and 59 not in pr.split_clips(vid, 27, 27)


def test_make_cam_parity(fx):
    for hw, key in (((1080, 1920), "make_cam_out_hw1080x1920"), ((1920, 1080), "make_cam_out_hw1920x1080")):
        np.testing.assert_array_equal(pr.make_cam(fx["make_cam_in"], hw), fx[key])
    with_conf = np.concatenate([fx["make_cam_in"], np.full(fx["make_cam_in"].shape[:-1] + (1,), 0.7)], -1)
    out = pr.make_cam(with_conf, (1080, 1920))
    np.testing.assert_array_equal(out[..., :2], fx["make_cam_out_hw1080x1920"])
    assert np.all(out[..., 2] == 0.7)


def test_human_tracking_parity(fx):
    out = pr.human_tracking(fx["human_tracking_in"])
    np.testing.assert_array_equal(out, fx["human_tracking_out"])
    assert not np.array_equal(fx["human_tracking_in"], fx["human_tracking_out"])


# --------------------------------------------------------------------------------------------------- normalisation


def test_normalize_screen_rules_and_inverse():
    x = np.array([[0.0, 0.0, 0.9], [1000.0, 1002.0, 0.5], [500.0, 501.0, 1.0]])
    out = pr.normalize_screen(x, 1000, 1002)
    np.testing.assert_allclose(out[0, :2], [-1, -1.002])
    np.testing.assert_allclose(out[1, :2], [1, 1.002])
    np.testing.assert_allclose(out[2, :2], [0, 0], atol=1e-12)
    np.testing.assert_array_equal(out[:, 2], x[:, 2])  # confidence untouched
    np.testing.assert_allclose(pr.denormalize_screen(out, 1000, 1002), x, atol=1e-9)
    d = pr.normalize_screen(x, 1000, 1002, depth=True)
    np.testing.assert_allclose(d[:, 2], x[:, 2] / 1000 * 2)
    np.testing.assert_allclose(pr.denormalize_screen(d, 1000, 1002, depth=True), x, atol=1e-9)


def test_normalize_pixel_center_and_inverse():
    x = np.random.default_rng(0).uniform(0, 1080, size=(5, 17, 3))
    out = pr.normalize_pixel_center(x, 1920, 1080)
    np.testing.assert_allclose(pr.normalize_pixel_center(np.array([960.0, 540.0]), 1920, 1080), [0, 0])
    np.testing.assert_allclose(pr.normalize_pixel_center(np.array([960.0, 1080.0]), 1920, 1080), [0, 1])
    np.testing.assert_array_equal(out[..., 2], x[..., 2])
    np.testing.assert_allclose(pr.denormalize_pixel_center(out, 1920, 1080), x, atol=1e-9)
    d = pr.normalize_pixel_center(x, 1920, 1080, depth=True)
    np.testing.assert_allclose(pr.denormalize_pixel_center(d, 1920, 1080, depth=True), x, atol=1e-9)


def test_normalisation_input_errors():
    with pytest.raises(ValueError, match="positive"):
        pr.normalize_screen(np.zeros((3, 2)), 0, 100)
    with pytest.raises(ValueError, match="channels"):
        pr.normalize_screen(np.zeros((3, 1)), 100, 100)
    with pytest.raises(ValueError, match="NaN"):
        pr.normalize_pixel_center(np.full((3, 2), np.nan), 100, 100)
    with pytest.raises(ValueError, match="height, width"):
        pr.make_cam(np.zeros((3, 2)), 100)
    with pytest.raises(ValueError, match="channels"):
        pr.normalize_screen(np.zeros((3, 2)), 100, 100, depth=True)


def test_crop_scale_random_degenerate_and_inverse():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(100, 500, (2, 8, 17, 2)), rng.uniform(0.1, 1, (2, 8, 17, 1))], -1)
    a = pr.crop_scale(x, (1.5, 2.0), np.random.default_rng(7))
    b = pr.crop_scale(x, (1.5, 2.0), np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert np.abs(a[..., :2]).max() <= 0.67  # box enlarged by >= 1.5
    c = pr.crop_scale(x, (1.5, 2.0), np.random.default_rng(8))
    assert not np.array_equal(a, c)
    out, tr = pr.crop_scale(x, (1.2, 1.2), return_transform=True)
    np.testing.assert_allclose(pr.uncrop_scale(out, tr)[..., :2], x[..., :2], atol=1e-9)
    x0 = x.copy()
    x0[..., 2] = 0
    x0[0, 0, :3, 2] = 1  # only 3 valid joints
    assert np.all(pr.crop_scale(x0) == 0)
    same = x.copy()
    same[..., :2] = 5.0
    assert np.all(pr.crop_scale(same) == 0)
    with pytest.raises(ValueError, match="channels"):
        pr.crop_scale(x[..., :2])
    with pytest.raises(ValueError, match="scale_range"):
        pr.crop_scale(x, (2, 1))
    with pytest.raises(ValueError, match="NaN"):
        pr.crop_scale(np.where(x > 400, np.inf, x))
    with pytest.raises(ValueError, match=r"\(T, J, 3\)"):
        pr.crop_scale_3d(x)
    with pytest.raises(ValueError, match="zero box"):
        pr.uncrop_scale(out, (0.0, 0.0, 0.0))


# -------------------------------------------------------------------------------------------- resampling / clips


def test_resample_random_variant():
    up = pr.resample(20, 27, randomness=True, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(up, pr.resample(20, 27, randomness=True, rng=np.random.default_rng(0)))
    assert up.dtype == np.int64 and len(up) == 27 and np.all(np.diff(up) >= 0) and up.max() <= 19
    down = pr.resample(300, 243, randomness=True, rng=np.random.default_rng(1))
    even = np.linspace(0, 300, 243, endpoint=False)
    assert np.all(down >= np.floor(even)) and np.all(down <= np.minimum(np.floor(even + 300 / 243), 299))
    assert pr.resample(5, 1, randomness=True, rng=np.random.default_rng(0)).shape == (1,)
    for bad in ((0, 5), (5, 0), (2.5, 3), (True, 3)):
        with pytest.raises(ValueError):
            pr.resample(*bad)


def test_split_clips_drops_short_last_video_and_validates():
    vid = np.array(["a"] * 30 + ["b"] * 10)
    clips = pr.split_clips(vid, 27, 9, randomness=False)
    assert clips.shape == (1, 27)  # official quirk: the short last video is never resampled
    clips = pr.split_clips(np.array(["b"] * 10 + ["a"] * 30), 27, 9, randomness=False)
    assert clips.shape == (2, 27) and clips[0].max() == 9
    assert pr.split_clips([], 27, 9).shape == (0, 27)
    with pytest.raises(ValueError):
        pr.split_clips(vid, 0, 9)
    with pytest.raises(ValueError):
        pr.split_clips(vid.reshape(4, 10), 27, 9)


def test_resample_fps():
    t = np.arange(11, dtype=np.float64)
    x = np.stack([t, 2 * t + 1], -1)[:, None, :].repeat(3, axis=1)  # (T=11, J=3, C=2), linear in time
    half = pr.resample_fps(x, 50, 25)
    assert half.shape == (6, 3, 2)
    np.testing.assert_allclose(half[:, 0, 0], [0, 2, 4, 6, 8, 10])
    up = pr.resample_fps(x, 10, 30)
    assert up.shape == (31, 3, 2)
    np.testing.assert_allclose(up[:, 0, 0], np.arange(31) / 3, atol=1e-12)
    np.testing.assert_allclose(up[:, 0, 1], 2 * np.arange(31) / 3 + 1, atol=1e-12)
    np.testing.assert_allclose(pr.resample_fps(x, 30, 30), x)
    batched = pr.resample_fps(x[None].repeat(2, 0), 50, 25)
    assert batched.shape == (2, 6, 3, 2)
    np.testing.assert_allclose(pr.resample_fps(x[:, :, 0], 50, 25, axis=0)[:, 0], half[:, 0, 0])
    assert pr.resample_fps(x[:1], 50, 25).shape == (1, 3, 2)
    with pytest.raises(ValueError):
        pr.resample_fps(x, 0, 25)
    with pytest.raises(ValueError, match="NaN"):
        pr.resample_fps(np.full((4, 3, 2), np.nan), 50, 25)


def test_root_relative_numpy_and_torch():
    x = np.random.default_rng(0).normal(size=(2, 4, 17, 3))
    r = pr.root_relative(x)
    assert np.all(r[..., 0, :] == 0)
    np.testing.assert_allclose(r + x[..., :1, :], x)
    r2 = pr.root_relative(x, channels=2)
    np.testing.assert_array_equal(r2[..., 2], x[..., 2])
    assert np.all(r2[..., 0, :2] == 0)
    t = pr.root_relative(torch.from_numpy(x), root=8)
    assert isinstance(t, torch.Tensor) and torch.all(t[..., 8, :] == 0)
    with pytest.raises(ValueError):
        pr.root_relative(x, root=17)
    with pytest.raises(ValueError):
        pr.root_relative(x, channels=4)
    with pytest.raises(ValueError):
        pr.root_relative(np.zeros(3))


def test_human_tracking_swaps_identities():
    frames = 8
    base = np.zeros((2, frames, 17, 2))
    base[0] += np.linspace(0, 0.1, frames)[:, None, None]  # person A near 0
    base[1] += 5 + np.linspace(0, 0.1, frames)[:, None, None]  # person B near 5
    mixed = base.copy()
    mixed[:, 4:] = base[::-1, 4:]  # detector swaps the slots from frame 4 on
    np.testing.assert_allclose(pr.human_tracking(mixed), base)
    single = base[:1]
    out = pr.human_tracking(single)
    np.testing.assert_array_equal(out, single)
    assert out is not single
    with pytest.raises(ValueError, match="1 or 2 persons"):
        pr.human_tracking(np.zeros((3, 4, 17, 2)))
    with pytest.raises(ValueError, match=r"\(M, T, J, C\)"):
        pr.human_tracking(np.zeros((4, 17, 2)))


# ----------------------------------------------------------------------------------------------------- windows


@pytest.mark.parametrize(
    ("frames", "window", "stride"),
    [(500, 243, 81), (243, 243, 243), (1000, 243, None), (250, 243, 1), (7, 3, 2), (10, 1, 1)],
)
@pytest.mark.parametrize("weights", ["uniform", "triangular"])
def test_sliding_windows_cover_and_merge_round_trip(frames, window, stride, weights):
    wins = pr.sliding_windows(frames, window, stride)
    assert all(w.dtype == np.int64 and len(w) == window for w in wins)
    assert wins[0][0] == 0 and wins[-1][-1] == frames - 1
    covered = np.zeros(frames, bool)
    for w in wins:
        covered[w] = True
        assert np.all(np.diff(w) == 1)
    assert covered.all()
    starts = [int(w[0]) for w in wins]
    assert all(0 < b - a <= (stride or window) for a, b in itertools.pairwise(starts))
    x = np.random.default_rng(0).normal(size=(frames, 17, 3)).astype(np.float32)
    merged = pr.merge_windows([x[w] for w in wins], wins, frames, weights=weights)
    assert merged.dtype == np.float32
    np.testing.assert_allclose(merged, x, atol=1e-6)


@pytest.mark.parametrize("short", ["pad", "resample", "none"])
def test_sliding_windows_short_sequences(short):
    wins = pr.sliding_windows(50, 243, 81, short=short)
    assert len(wins) == 1
    w = wins[0]
    assert len(w) == (50 if short == "none" else 243)
    assert set(w.tolist()) == set(range(50))
    if short == "pad":
        assert np.all(w[50:] == 49)
    x = np.random.default_rng(1).normal(size=(50, 17, 3))
    np.testing.assert_allclose(pr.merge_windows([x[w]], wins, 50, weights="triangular"), x, atol=1e-12)


def test_merge_windows_averages_overlaps():
    wins = pr.sliding_windows(6, 4, 2)  # [0..3], [2..5]
    outs = np.stack([np.zeros((4, 1)), np.ones((4, 1))])
    merged = pr.merge_windows(outs, wins, 6)
    np.testing.assert_allclose(merged[:, 0], [0, 0, 0.5, 0.5, 1, 1])
    tri = pr.merge_windows(outs, wins, 6, weights="triangular")  # weights 1,2,2,1: frame 2 = (2*0 + 1*1) / 3
    np.testing.assert_allclose(tri[:, 0], [0, 0, 1 / 3, 2 / 3, 1, 1])
    custom = pr.merge_windows(outs, wins, 6, weights=np.array([1.0, 1, 1, 3]))
    np.testing.assert_allclose(custom[2:4, 0], [0.5, 0.25])


def test_window_errors():
    with pytest.raises(ValueError, match="skip frames"):
        pr.sliding_windows(100, 10, 11)
    with pytest.raises(ValueError):
        pr.sliding_windows(0, 10, 5)
    with pytest.raises(ValueError, match="short"):
        pr.sliding_windows(5, 10, short="loop")
    wins = pr.sliding_windows(20, 10, 5)
    outs = [np.zeros((10, 3)) for _ in wins]
    with pytest.raises(ValueError, match="window outputs"):
        pr.merge_windows(outs[:-1], wins, 20)
    with pytest.raises(ValueError, match="covered by no window"):
        pr.merge_windows(outs[:1], wins[:1], 20)
    with pytest.raises(ValueError, match="outside"):
        pr.merge_windows(outs, wins, 15)
    with pytest.raises(ValueError, match="shape"):
        pr.merge_windows([np.zeros((9, 3))] + outs[1:], wins, 20)
    with pytest.raises(ValueError, match="weights"):
        pr.merge_windows(outs, wins, 20, weights="gaussian")
    with pytest.raises(ValueError, match="NaN"):
        pr.merge_windows([np.full((10, 3), np.nan)] + outs[1:], wins, 20)


@pytest.mark.parametrize("rule", ["uniform", "triangular", "centre"])
def test_window_merger_streams_batches_to_the_same_merge(rule):
    rng = np.random.default_rng(3)
    wins = pr.sliding_windows(50, 9, 4)
    outs = rng.normal(size=(len(wins), 9, 17, 3)).astype(np.float32)
    merger = pr.WindowMerger(50, rule)
    for i in range(0, len(wins), 3):  # three windows at a time, as WindowRunner adds them
        merger.add(outs[i : i + 3], wins[i : i + 3])
    streamed = merger.result()
    assert streamed.shape == (50, 17, 3) and streamed.dtype == np.float32
    np.testing.assert_allclose(streamed, pr.merge_windows(list(outs), wins, 50, weights=rule), atol=1e-6)
    if rule == "centre":  # not averaged: frames 0-3 are covered by window 0 only and take its values exactly
        np.testing.assert_array_equal(streamed[:4], outs[0, :4])
    single = pr.WindowMerger(4, rule)
    single.add(outs[:1, :4], [np.arange(4, dtype=np.int64)])
    assert np.shares_memory(single.result(), outs)  # one window holding every frame once: returned as is
    with pytest.raises(ValueError, match="no window outputs"):
        pr.WindowMerger(4, rule).result()
    with pytest.raises(ValueError, match="weights must be"):
        pr.WindowMerger(4, "median")


def test_seq2seq_merges_as_it_goes_memory_is_one_output_sequence():
    """A long sequence is merged batch by batch: besides the (T, J, 3) result, only the float64 accumulator of the
    merge exists (window outputs overlapping 2x, kept until a final merge, would add another ~2 outputs)."""
    import tracemalloc

    from motionhub.runner import WindowRunner

    frames, window = 40_000, 27
    x = np.zeros((frames, 17, 3), np.float32)
    runner = WindowRunner(lambda b: b + 1.0, batch_size=64)  # a model stand-in: (B, L, J, 3) -> (B, L, J, 3)
    out_bytes = x.nbytes
    tracemalloc.start()
    try:
        merged = runner.seq2seq(x, window, window // 2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert merged.shape == x.shape and merged.dtype == np.float32 and np.allclose(merged, 1.0)
    # result (1x) + float64 sums (2x) + per-window weights and batches: well under 3.5 outputs
    assert peak < 3.5 * out_bytes, f"seq2seq peak {peak / 2**20:.1f} MB for a {out_bytes / 2**20:.1f} MB output"
