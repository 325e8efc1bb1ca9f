# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""BVH export: the file's forward kinematics (motionhub's reader and the third-party ``bvhio`` parser) gives back the
exported positions within 1 mm."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motionhub.export import BVH_JOINTS, rigid_positions, write_bvh
from motionhub.formats import load_bvh, parse_bvh

PARENTS = (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15)
# an H36M-like rest skeleton in camera axes (x right, y down, z away), metres
REST = np.array([
    [0, 0, 0], [-0.13, 0, 0], [0, 0.45, 0], [0, 0.44, 0], [0.13, 0, 0], [0, 0.45, 0], [0, 0.44, 0],
    [0, -0.23, 0.02], [0, -0.25, 0], [0, -0.12, -0.05], [0, -0.11, 0], [0.15, -0.02, 0], [0.28, 0, 0],
    [0.25, 0, 0], [-0.15, -0.02, 0], [-0.28, 0, 0], [-0.25, 0, 0],
])  # fmt: skip
H36M_OF_BVH = [(name, h) for name, h, *_ in BVH_JOINTS if h is not None]


def _rigid_motion(t: int, seed: int = 0, spread: float = 0.5) -> np.ndarray:
    """(T, 17, 3) metres: forward kinematics of REST with random joint rotations and a wandering root."""
    rng = np.random.default_rng(seed)
    pos = np.zeros((t, 17, 3))
    for f in range(t):
        glob: list[Rotation] = []
        for j in range(17):
            rot = Rotation.from_rotvec(rng.normal(scale=spread, size=3))
            if PARENTS[j] < 0:
                glob.append(rot)
                pos[f, j] = [0.01 * f, 0.0, 3.0 + 0.02 * f]
            else:
                glob.append(glob[PARENTS[j]] * rot)
                pos[f, j] = pos[f, PARENTS[j]] + glob[PARENTS[j]].apply(REST[j])
    return pos


def _h36m_from_bvh(keypoints: np.ndarray, names: list[str]) -> np.ndarray:
    out = np.zeros(keypoints.shape[:1] + (17, 3))
    for name, h in H36M_OF_BVH:
        out[:, h] = keypoints[:, names.index(name)]
    return out


CAMERA_TO_BVH_MM = np.array([1000.0, -1000.0, -1000.0])  # metres, y down / z away -> mm, y up / z towards viewer


def test_rigid_motion_round_trips_with_motionhub_reader(tmp_path):
    pos = _rigid_motion(25)
    exp = write_bvh(tmp_path / "motion.bvh", pos - pos[:, :1], fps=25, units="m")
    assert exp.max_error < 1e-9  # constant bone lengths: nothing to change
    np.testing.assert_allclose(exp.bone_lengths[1:], np.linalg.norm(REST[1:], axis=1), atol=1e-9)
    seq = load_bvh(exp.path, units="cm")
    assert seq.fps == pytest.approx(25) and seq.num_frames == 25
    back = _h36m_from_bvh(seq.keypoints_3d, seq.meta["joint_names"])
    want = (pos - pos[:, :1]) * CAMERA_TO_BVH_MM
    assert np.abs(back - want).max() < 1.0  # mm
    bvh = parse_bvh(exp.path)
    assert bvh.skeleton.names[0] == "Hips" and bvh.skeleton.channels[0][:3] == ["Xposition", "Yposition", "Zposition"]


def test_root_trajectory_and_third_party_parser(tmp_path):
    bvhio = pytest.importorskip("bvhio")
    pos = _rigid_motion(12, seed=3)
    rel = pos - pos[:, :1]
    exp = write_bvh(tmp_path / "walk.bvh", rel * 1000, fps=50, units="mm", root_trajectory=pos[:, 0] * 1000)
    np.testing.assert_allclose(exp.positions, pos * 1000, atol=1e-6)
    root = bvhio.readAsHierarchy(str(exp.path))
    joints = [j for j, *_ in root.layout()]
    names = [j.Name for j in joints]
    assert names == [n for n, *_ in BVH_JOINTS]
    for f in range(12):
        root.loadPose(f)
        got = np.array([tuple(j.PositionWorld) for j in joints]) * 10.0  # cm -> mm
        back = _h36m_from_bvh(got[None], names)[0]
        assert np.abs(back - pos[f] * CAMERA_TO_BVH_MM).max() < 1.0, f


def test_non_rigid_input_keeps_directions_with_median_lengths(tmp_path):
    rng = np.random.default_rng(4)
    pos = _rigid_motion(30, seed=5)
    noisy = pos + rng.normal(scale=0.01, size=pos.shape)  # lifted poses: bone lengths vary from frame to frame
    noisy -= noisy[:, :1]
    exp = write_bvh(tmp_path / "noisy.bvh", noisy, fps=30)
    rigid, lengths = rigid_positions(noisy)
    np.testing.assert_allclose(exp.positions, rigid)
    assert 0.005 < exp.max_error < 0.2  # metres, reported
    for j in range(1, 17):
        bone = noisy[:, j] - noisy[:, PARENTS[j]]
        assert lengths[j] == pytest.approx(np.median(np.linalg.norm(bone, axis=1)))
        cos = (bone * (rigid[:, j] - rigid[:, PARENTS[j]])).sum(1) / np.linalg.norm(bone, axis=1) / lengths[j]
        np.testing.assert_allclose(cos, 1.0, atol=1e-9)  # every bone direction kept
    seq = load_bvh(exp.path, units="cm")
    back = _h36m_from_bvh(seq.keypoints_3d, seq.meta["joint_names"])
    assert np.abs(back - rigid * CAMERA_TO_BVH_MM).max() < 1.0


def test_y_up_input_and_rest_pose_offsets(tmp_path):
    pos = _rigid_motion(4, seed=6) * np.array([1.0, -1.0, -1.0])  # already Y-up
    exp = write_bvh(tmp_path / "y.bvh", pos - pos[:, :1], fps=30, axes="y_up")
    bvh = parse_bvh(exp.path)
    offsets = dict(zip(bvh.skeleton.names, bvh.skeleton.offsets))
    assert offsets["LeftUpLeg"][0] > 0 and offsets["RightUpLeg"][0] < 0  # T-pose: the left side on +X
    assert offsets["Spine"][1] > 0 and offsets["LeftLeg"][1] < 0 and offsets["LeftHipJoint"].tolist() == [0, 0, 0]
    seq = load_bvh(exp.path, units="cm")
    back = _h36m_from_bvh(seq.keypoints_3d, seq.meta["joint_names"])
    assert np.abs(back - (pos - pos[:, :1]) * 1000).max() < 1.0


def test_bad_input(tmp_path):
    pos = _rigid_motion(3)
    with pytest.raises(ValueError, match=r"\(T, 17, 3\)"):
        write_bvh(tmp_path / "a.bvh", pos[:, :16], fps=30)
    nan = pos.copy()
    nan[1, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        write_bvh(tmp_path / "a.bvh", nan, fps=30)
    with pytest.raises(ValueError, match="metric"):
        write_bvh(tmp_path / "a.bvh", pos, fps=30, units="normalized")
    with pytest.raises(ValueError, match="frame rate"):
        write_bvh(tmp_path / "a.bvh", pos, fps=0)
    collapsed = pos.copy()
    collapsed[:, 2] = collapsed[:, 1]
    with pytest.raises(ValueError, match="zero-length"):
        write_bvh(tmp_path / "a.bvh", collapsed, fps=30)
    with pytest.raises(ValueError, match="root_trajectory"):
        write_bvh(tmp_path / "a.bvh", pos, fps=30, root_trajectory=np.zeros((2, 3)))
