# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Online lifting: stated latency, bounded memory, agreement with offline lifting, missing frames, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motionhub.formats import load_motion
from motionhub.pipelines import PoseLiftingPipeline
from motionhub.streaming import OnlineLifter

DEMO = Path(__file__).resolve().parents[1] / "motionhub" / "demo" / "cmu_walk_2d.npz"


@pytest.fixture(scope="module")
def walk():
    seq = load_motion(DEMO)
    return seq.keypoints_2d[:60], seq.image_size, seq.fps


def test_latency_memory_and_offline_agreement(walk):
    kp, size, fps = walk
    lifter = OnlineLifter(image_size=size, fps=fps)
    w, lat = lifter.window, lifter.latency
    assert lat == w // 2 and lifter.latency_seconds == pytest.approx(lat / fps)
    got = {}
    for t, frame in enumerate(kp):
        out = lifter.push(frame)
        assert lifter.buffered <= w  # bounded memory
        if t < lat:
            assert out is None
        else:
            index, pose = out
            assert index == t - lat and pose.shape == (17, 3)  # the frame `latency` back
            got[index] = pose
    for index, pose in lifter.flush():
        got[index] = pose
    assert sorted(got) == list(range(len(kp)))
    online = np.stack([got[i] for i in range(len(kp))])
    assert np.allclose(online[:, 0], 0)  # root-relative
    offline = PoseLiftingPipeline(None, flip=False, progress=False)(kp, layout="h36m-17", image_size=size).pose_3d
    mpjpe = np.linalg.norm(online - offline, axis=-1).mean()
    assert mpjpe < 0.03, mpjpe  # metres: centred windows agree with the offline blended windows
    # frame t's pose from the window ending at t + latency equals lifting that window offline
    t = 40
    win = kp[t + lat - w + 1 : t + lat + 1]
    ref = PoseLiftingPipeline(None, flip=False, progress=False)(win, layout="h36m-17", image_size=size).pose_3d
    np.testing.assert_allclose(online[t], ref[w - 1 - lat], atol=1e-5)


def test_zero_latency_and_missing_frames(walk):
    kp, size, _ = walk
    lifter = OnlineLifter(image_size=size, latency=0)
    outs = [lifter.push(None if t == 5 else kp[t]) for t in range(10)]
    assert all(o is not None and o[0] == t for t, o in enumerate(outs))  # every frame at once
    assert np.isnan(outs[5][1]).all()  # nobody detected: no invented pose
    assert np.isfinite(outs[6][1]).all() and lifter.flush() == []


def test_bad_input(walk):
    kp, size, _ = walk
    with pytest.raises(ValueError, match="latency"):
        OnlineLifter(image_size=size, latency=1000)
    lifter = OnlineLifter(image_size=size)
    with pytest.raises(ValueError, match=r"\(J, 2\|3\)"):
        lifter.push(kp[:2])
    lifter.push(kp[0])
    with pytest.raises(ValueError, match="joints"):
        lifter.push(kp[1, :16])
