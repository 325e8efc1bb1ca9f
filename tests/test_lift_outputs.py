# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub lift`` with detector files: every person lifted, ``--person``, ``-o .bvh``, ``--plot .mp4``, and the
errors of those outputs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from motionhub import DSTformerConfig, DSTformerForPoseLifting
from motionhub.cli import main
from motionhub.formats import load_bvh, load_motion

DEMO = Path(__file__).resolve().parents[1] / "motionhub" / "demo" / "cmu_walk_2d.npz"
# H36M-17 -> OpenPose BODY_25 (eyes / ears at the head, toes / heels at the ankles)
_B25_FROM_H36M = [9, 8, 14, 15, 16, 11, 12, 13, 0, 1, 2, 3, 4, 5, 6, 10, 10, 10, 10, 6, 6, 6, 3, 3, 3]


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def openpose_two(tmp_path_factory):
    """An OpenPose --write_json folder: the demo walker and a second walker 350 px right; the first one is missing
    in frames 20-24; the file order of the people alternates (no person_id)."""
    kp = load_motion(DEMO).keypoints_2d[:40, _B25_FROM_H36M].astype(float)
    kp[:, 15, 0] -= 8
    kp[:, 16, 0] += 8
    folder = tmp_path_factory.mktemp("openpose") / "json"
    folder.mkdir()
    for f in range(len(kp)):
        a, b = kp[f], kp[f] + [350, 0, 0]
        people = [b] if 20 <= f < 25 else ([a, b] if f % 2 else [b, a])
        frame = {"version": 1.3, "people": [{"person_id": [-1], "pose_keypoints_2d": p.reshape(-1).tolist(),
                                             "face_keypoints_2d": [], "hand_left_keypoints_2d": [],
                                             "hand_right_keypoints_2d": []} for p in people]}  # fmt: skip
        (folder / f"walk_{f:012d}_keypoints.json").write_text(json.dumps(frame))
    return folder


def test_every_person_lifted_and_person_picks_one(openpose_two, tmp_path, capsys):
    code, out, err = _run(["lift", openpose_two, "--image-size", 1000, 1000, "-o", tmp_path / "all.npz", "-q"], capsys)
    assert code == 0, err
    assert "2 persons, openpose-body25 -> h36m-17" in out and "5 person-frame(s) had no detection" in out
    with np.load(tmp_path / "all.npz") as z:
        assert z["pose_3d"].shape == (2, 40, 17, 3)
    code, out, err = _run(["lift", openpose_two, "--image-size", 1000, 1000, "--person", 1, "-o", tmp_path / "one.npz",
                           "-q"], capsys)  # fmt: skip
    assert code == 0, err
    with np.load(tmp_path / "one.npz") as z:
        assert z["pose_3d"].shape == (40, 17, 3)
    code, _, err = _run(["lift", openpose_two, "--image-size", 1000, 1000, "--person", 2, "-q"], capsys)
    assert code == 1 and "--person 2 out of range" in err and "2 person(s)" in err


def test_bvh_per_person_and_fps(openpose_two, tmp_path, capsys):
    code, _, err = _run(["lift", openpose_two, "--image-size", 1000, 1000, "-o", tmp_path / "m.bvh", "-q"], capsys)
    assert code == 1 and "--fps" in err  # OpenPose stores no frame rate
    code, out, err = _run(["lift", openpose_two, "--image-size", 1000, 1000, "--fps", 30, "-o", tmp_path / "m.bvh",
                           "-q"], capsys)  # fmt: skip
    assert code == 0, err
    for i in (0, 1):
        seq = load_bvh(tmp_path / f"m_person{i}.bvh")
        assert seq.num_frames == 40 and seq.fps == pytest.approx(30)
        assert f"m_person{i}.bvh" in out
    code, out, err = _run(["lift", DEMO, "-o", tmp_path / "walk.bvh", "-q"], capsys)  # fps 50 in the file
    assert code == 0, err
    seq = load_bvh(tmp_path / "walk.bvh")
    names = seq.meta["joint_names"]
    shin = np.linalg.norm(seq.keypoints_3d[:, names.index("LeftFoot")] - seq.keypoints_3d[:, names.index("LeftLeg")],
                          axis=-1)  # fmt: skip
    assert seq.num_frames == 143 and 200 < shin[0] < 600 and np.ptp(shin) < 1e-3  # mm, one rigid human-sized shin


def test_bvh_needs_a_metric_model(tmp_path, capsys):
    DSTformerForPoseLifting(DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=27)).save_pretrained(
        tmp_path / "norm")
    code, _, err = _run(["lift", DEMO, "-m", tmp_path / "norm", "-o", tmp_path / "x.bvh", "-q"], capsys)
    assert code == 1 and "metric" in err


@pytest.mark.skipif(importlib.util.find_spec("av") is None, reason="needs PyAV (the video / test extra)")
def test_mp4_plot_of_a_keypoint_file(openpose_two, tmp_path, capsys):
    from motionhub.video import iter_frames

    code, out, err = _run(["lift", openpose_two, "--image-size", 1000, 1000, "--plot", tmp_path / "p.mp4", "-q"], capsys)
    assert code == 0, err
    frames = list(iter_frames(tmp_path / "p.mp4"))
    assert len(frames) == 40 and frames[0].shape[0] == 360
