# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""VideoPose3D's HumanEva-I files read, lift and evaluate as they are (issue 27): the humaneva-15 layout is
registered with its H36M-17 recipe the way users add one, data_2d_humaneva15_*.npz / data_3d_humaneva15.npz are
recognised (60 Hz, cameras C1-C3 at 640 x 480, None for a camera without detections), and `motionhub evaluate`
pairs the two files, moving the world 3D into each camera with HumanEva's calibration. The files are built here
from the CMU walk in tests/fixtures (HumanEva data itself cannot be redistributed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from motionhub.cli import main
from motionhub.formats import load_motion, pair_videopose3d
from motionhub.formats.h36m import humaneva_world_to_camera
from motionhub.skeleton import SkeletonLayout, get_layout, register_layout, to_h36m

FIXTURES = Path(__file__).parent / "fixtures" / "cmu"
# H36M-17 index of each HumanEva-15 joint (pelvis, thorax, L arm, R arm, L leg, R leg, head)
H36M_OF_HUMANEVA = [0, 8, 11, 12, 13, 14, 15, 16, 4, 5, 6, 1, 2, 3, 10]
SYMMETRY = [[2, 3, 4, 8, 9, 10], [5, 6, 7, 11, 12, 13]]


def _walk_world_m() -> np.ndarray:
    """(T, 15, 3) HumanEva world metres (z up) of the CMU walk fixture, standing near the world origin."""
    seq = load_motion(FIXTURES / "02_01.amc")
    h36m = to_h36m(seq.keypoints_3d, seq.layout)[:120:2]  # 60 frames, CMU units -> converted below
    scale = {"mm": 1e-3, "cm": 1e-2, "m": 1.0}.get(seq.units_3d, 1e-3)
    xyz = h36m * scale
    he = np.stack([xyz[..., 0], -xyz[..., 2], xyz[..., 1]], axis=-1)[:, H36M_OF_HUMANEVA]  # y up -> z up
    return (he - he[:1, :1] * np.array([1.0, 1.0, 0.0])).astype(np.float32)


def _project(cam_m: np.ndarray) -> np.ndarray:
    return 760.0 * cam_m[..., :2] / cam_m[..., 2:3] + np.array([320.0, 240.0])


@pytest.fixture
def humaneva_files(tmp_path):
    world = _walk_world_m()
    take = "Walking 1 chunk0"
    views = [_project(humaneva_world_to_camera(world, "Validate/S1", c)).astype(np.float32) for c in range(3)]
    metadata = {"layout_name": "humaneva15", "num_joints": 15, "keypoints_symmetry": SYMMETRY}
    f2d, f3d = tmp_path / "data_2d_humaneva15_gt.npz", tmp_path / "data_3d_humaneva15.npz"
    np.savez_compressed(f2d, positions_2d={"Validate/S1": {take: views}, "Unlabeled/S1": {take: [views[0], None, None]}},
                        metadata=metadata)
    np.savez_compressed(f3d, positions_3d={"Validate/S1": {take: world}})
    return f2d, f3d, world


def test_humaneva_layout_is_registered_with_a_recipe():
    lay = get_layout("humaneva-15")
    assert lay.num_joints == 15 and lay.joint_names[0] == "pelvis" and lay.joint_names[14] == "head"
    x = np.arange(15 * 3, dtype=np.float64).reshape(15, 3)
    h = to_h36m(x, "humaneva-15")
    np.testing.assert_allclose(h[[0, 8, 10, 1, 4, 11, 14]], x[[0, 1, 14, 11, 8, 2, 5]])
    np.testing.assert_allclose(h[7], (x[0] + x[1]) / 2)  # spine synthesised


def test_users_register_a_layout_with_its_recipe_and_bad_recipes_are_named():
    names = tuple(f"j{i}" for i in range(15))
    mine = SkeletonLayout("test-he-copy", names, (-1, 0, 1, 2, 3, 1, 5, 6, 0, 8, 9, 0, 11, 12, 1))
    recipe = [("pelvis", ("copy", 0)), ("thorax", ("copy", 1)), ("spine", ("mid", "pelvis", "thorax")),
              ("head", ("copy", 14)), ("nose", ("lerp", "thorax", "head", 0.5)),
              *[(n, ("copy", j)) for n, j in zip(
                  ("right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle", "left_shoulder",
                   "left_elbow", "left_wrist", "right_shoulder", "right_elbow", "right_wrist"),
                  (11, 12, 13, 8, 9, 10, 2, 3, 4, 5, 6, 7))]]
    with pytest.raises(ValueError, match="no step computes H36M joint"):
        register_layout(mine, to_h36m=recipe[:-1])
    with pytest.raises(ValueError, match="step 1: uses H36M joint 'thorax' before"):
        register_layout(mine, to_h36m=[recipe[0], recipe[2], recipe[1], *recipe[3:]])
    with pytest.raises(ValueError, match="joint index 15 outside"):
        register_layout(mine, to_h36m=[("pelvis", ("copy", 15)), *recipe[1:]])
    register_layout(mine, to_h36m=recipe, overwrite=True)
    x = np.random.default_rng(0).normal(size=(4, 15, 2))
    np.testing.assert_allclose(to_h36m(x, "test-he-copy"), to_h36m(x, "humaneva-15"))
    register_layout(mine, overwrite=True)  # replaced without a recipe: the old one is gone with it
    with pytest.raises(ValueError, match="no H36M-17 conversion for layout 'test-he-copy'"):
        to_h36m(x, "test-he-copy")


def test_videopose3d_humaneva_files_read_as_they_are(humaneva_files):
    f2d, f3d, _ = humaneva_files
    seqs = load_motion(f2d)
    assert len(seqs) == 4  # 3 cameras of Validate/S1 + the one camera with detections of Unlabeled/S1
    s = seqs[1]
    assert s.layout == "humaneva-15" and s.fps == 60.0 and s.image_size == (640, 480)
    assert s.meta["camera"] == "C2" and s.meta["subject"] == "Validate/S1"
    gt = load_motion(f3d)
    assert gt[0].layout == "humaneva-15" and gt[0].fps == 60.0 and gt[0].units_3d == "m"
    paired = pair_videopose3d(seqs, gt, skip_unmatched=True)
    assert len(paired) == 3 and all(p.meta["frame"] == "camera" for p in paired)
    np.testing.assert_allclose(_project(paired[2].keypoints_3d), paired[2].keypoints_2d, atol=1e-2)
    with pytest.raises(ValueError, match="no 3D ground truth for subject 'Unlabeled/S1'"):
        pair_videopose3d(seqs, gt)


def test_evaluate_pairs_the_two_files_and_lift_reads_one_take(humaneva_files, tmp_path, capsys):
    f2d, f3d, _ = humaneva_files
    out = tmp_path / "res.json"
    assert main(["evaluate", "default", str(f2d), str(f3d), "-q", "-o", str(out)]) == 0, capsys.readouterr().err
    res = json.loads(out.read_text())
    assert res["num_frames"] == 3 * 60 and res["units"] == "m"
    assert 0 < res["p_mpjpe"] < 0.2, res  # a real walk seen by three calibrated cameras: a plausible lift
    assert "1 2D take(s) without 3D ground truth left out" in capsys.readouterr().err
    assert main(["lift", str(f2d), "--index", "0", "-q", "-o", str(tmp_path / "lift.npz")]) == 0
    with np.load(tmp_path / "lift.npz") as z:
        assert z["pose_3d"].shape == (60, 17, 3)
