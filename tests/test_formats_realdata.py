# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Format readers on the real data in ../shared (each test skips cleanly when its files are absent).

Only a few sequences are read per test so that the file stays fast.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import data_path, reference_path

from motionhub.formats import (
    MotionDataset,
    load_bandai,
    load_coco_annotations,
    load_h36m_3pb,
    load_h36m_cameras,
    load_kinect_actions,
    load_mmpose_body3d,
    load_mmpose_h36m_cameras,
    load_motion,
    load_motionbert_h36m,
    load_panoptic_body3d,
    load_penn_action,
    penn_action_split,
)
from motionhub.skeleton import get_layout

pytestmark = pytest.mark.realdata


# ------------------------------------------------------------------------------------------------ Human3.6M
def test_h36m_3pb_camera_pairing_matches_mmpose_sample():
    root = data_path("h36m_train")
    sample = data_path("mmpose_samples", "h36m", "test_h36m_body3d.npz")
    seqs = load_h36m_3pb(root, subjects=["S1"], actions=["Directions 1"], cameras=["54138969"])
    assert len(seqs) == 1
    seq = seqs[0]
    t = seq.num_frames
    assert seq.layout == "h36m-17" and seq.fps == 50 and seq.image_size == (1000, 1002) and seq.units_3d == "mm"
    assert seq.keypoints_3d.shape == (t, 17, 3) and seq.keypoints_2d.shape == (t, 17, 2)
    assert seq.meta["keypoints_2d_sh"].shape == (t, 16, 2)
    # independent check: mmpose's H36M sample S1_Directions_1.54138969_000001 is frame 0 of this video
    mm = load_mmpose_body3d(sample)
    first = next(s for s in mm if s.meta["video"] == "S1_Directions_1.54138969")
    np.testing.assert_allclose(seq.meta["keypoints_2d_gt"][0], first.keypoints_2d[0, :, :2], atol=0.05)
    np.testing.assert_allclose(seq.keypoints_3d[0], first.keypoints_3d[0] * 1000.0, atol=0.1)
    # the real SH detections sit 5-20 px from the projected ground truth on the limbs
    err = np.linalg.norm(seq.keypoints_2d - seq.meta["keypoints_2d_gt"], axis=-1).mean(0)
    limbs = [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16]
    assert 3 < err[limbs].mean() < 25, err


def test_h36m_cameras_npz_vs_mmpose_pkl():
    cams = load_h36m_cameras(data_path("h36m_train", "h36m_cameras.npz"))
    mm = load_mmpose_h36m_cameras(data_path("mmpose_samples", "h36m", "cameras.pkl"))
    assert len(cams) == 4 * 7  # S1, S5, S6, S7, S8, S9, S11 x 4 cameras
    for key in [("S1", "54138969"), ("S9", "60457274")]:
        a, b = cams[key], mm[key]
        np.testing.assert_allclose(a.R, b.R, atol=1e-6)
        np.testing.assert_allclose(a.T, b.T, atol=1e-3)
        assert a.image_size == b.image_size
        x = np.array([[100.0, 200.0, 5000.0]])
        np.testing.assert_allclose(a.camera_to_world(a.world_to_camera(x)), x, atol=1e-6)


def test_h36m_world_frame():
    seqs = load_motion(data_path("h36m_train", "h36m_3d_world_17j_50fps_train.npz"), subjects=["S7"],
                       actions=["Walking"])  # fmt: skip
    assert len(seqs) == 2 and {s.meta["action_base"] for s in seqs} == {"Walking"}
    assert all(s.meta["subject"] == "S7" for s in seqs)
    x = seqs[0].keypoints_3d
    assert seqs[0].meta["frame"] == "world" and np.isfinite(x).all()
    thigh = np.linalg.norm(x[:, 1] - x[:, 2], axis=-1)
    assert 350 < thigh.mean() < 550 and thigh.std() < 1.0  # mm, rigid


def test_motionbert_pkl_reference():
    path = reference_path("motionbert_eval_h36m", "h36m_synth.pkl")
    test = load_motionbert_h36m(path, split="test")
    assert [s.num_frames for s in test] == [60, 40, 33, 28, 30]
    assert test[0].meta["source"] == "s_09_act_02_subact_01_ca_01" and test[0].meta["subject"] == "S9"
    s = test[0]
    assert s.keypoints_2d.shape == (60, 17, 3) and s.units_3d == "px" and s.image_size == (1000, 1002)
    assert s.meta["joints_2_5d_image"].shape == (60, 17, 3) and s.meta["factor_2_5d"].shape == (60,)
    assert s.meta["action"] and s.meta["frame_index"].tolist() == list(range(60))
    train = load_motion(path, split="train")
    assert sum(t.num_frames for t in train) == 60


# ------------------------------------------------------------------------------------------------ Bandai
def test_bandai_subset():
    ds = load_bandai(data_path("bandai_namco"), datasets=["dataset-1"], contents=["walk", "run"], styles=["normal"])
    assert isinstance(ds, MotionDataset) and ds.class_names == ["run", "walk"] and 1 <= len(ds) <= 4
    seq = ds[0]
    assert seq.layout == "bandai-22" and seq.fps == 30 and seq.units_3d == "mm"
    x = seq.keypoints_3d.astype(np.float64)
    parents = get_layout("bandai-22").parents
    child = [j for j, p in enumerate(parents) if p > 0]  # joint_root is the hips' ground projection: no bone
    lengths = np.linalg.norm(x[:, child] - x[:, [parents[j] for j in child]], axis=-1)
    assert lengths.std(0).max() < 2.0  # int16 mm rounding only
    assert 800 < np.median(x[:, 1, 1]) < 1100  # hips height in mm (Y up)


# ------------------------------------------------------------------------------------------------ Kinect sets
@pytest.mark.parametrize(
    "name,layout,count",
    [("msr_action3d", "kinect-20", 566), ("utkinect_action3d", "kinect-20", 200), ("florence3d", "openni-15", 215),
     ("kard", "openni-15", 540), ("sbu_interaction", "openni-15", 282)],
)  # fmt: skip
def test_kinect_sets(name, layout, count):
    ds = load_kinect_actions(data_path("kinect_actions", f"{name}.npz"))
    assert len(ds) == count and len(ds.class_names) == ds.num_classes
    lay = get_layout(layout)
    x = np.concatenate([s.keypoints_3d.reshape(-1, lay.num_joints, 3) for s in ds.sequences[:40]])
    assert all(s.layout == layout and s.units_3d == "mm" for s in ds.sequences[:40])
    assert np.isfinite(x).all()
    ls, rs = lay.index("left_shoulder"), lay.index("right_shoulder")
    width = np.linalg.norm(x[:, ls] - x[:, rs], axis=-1)
    assert 200 < np.median(width) < 500  # shoulder width in mm
    # one handedness everywhere: the person's left side has the smaller x (camera frame, y up)
    assert np.median(x[:, ls, 0] - x[:, rs, 0]) < 0
    assert np.median(x[:, lay.index("head"), 1] - x[:, lay.index(lay.joint_names[-1]), 1]) > 800  # head above feet
    if name == "msr_action3d":
        assert len(ds.splits["train"]) + len(ds.splits["test"]) == count and ds.meta["dropped"] == [
            "a13_s09_e02_skeleton3D.txt"
        ]
    if name == "sbu_interaction":
        assert ds[0].keypoints_3d.shape[0] == 2


# ------------------------------------------------------------------------------------------------ Penn Action
def test_penn_action():
    path = data_path("penn_action", "penn_action_keypoints.npz")
    test = load_penn_action(path, split="test")
    assert len(test) == 1068
    split = penn_action_split(path)
    assert (len(split["train"]), len(split["test"])) == (1258, 1068)
    seq = test[0]
    assert seq.layout == "penn-13" and seq.keypoints_2d.shape[1:] == (13, 3) and seq.meta["split"] == "test"
    assert set(np.unique(seq.keypoints_2d[..., 2])) <= {0.0, 1.0}
    w, h = seq.image_size
    vis = seq.keypoints_2d[..., 2] > 0
    assert (seq.keypoints_2d[..., 0][vis] <= w + 5).all() and (seq.keypoints_2d[..., 1][vis] <= h + 5).all()
    ds = load_motion(path.parent)
    assert sorted({s.label for s in ds}) == list(range(15))


# ------------------------------------------------------------------------------------------------ mmpose samples
def test_mmpose_sample_annotations():
    root = data_path("mmpose_samples")
    pt = load_coco_annotations(root / "posetrack18" / "annotations" / "val" / "009473_mpii_test.json", track_id="all")
    assert pt.layout == "posetrack-17" and pt.keypoints_2d.shape == (2, 1, 17, 3) and pt.image_size == (1920, 1080)
    assert np.isnan(pt.keypoints_2d[0, 0, 3, :2]).all()  # unlabelled left ear -> NaN
    jh = load_motion(root / "jhmdb" / "test_jhmdb_sub1.json")
    assert isinstance(jh, list) and jh[0].layout == "jhmdb-15" and jh[0].meta["joint_names"][0] == "neck"
    h36 = load_motion(root / "h36m" / "h36m_coco.json")
    assert h36.layout == "h36m-17" and h36.num_frames == 4
    body = load_mmpose_body3d(root / "mpi_inf_3dhp" / "test_3dhp_test.npz")
    assert body[0].layout == "mpi_inf_3dhp-17" and body[0].keypoints_3d.shape == (1, 17, 3)
    pan = load_panoptic_body3d(root / "panoptic_body3d" / "160906_band1" / "hdPose3d_stage1_coco19")
    assert pan.keypoints_3d.shape == (3, 2, 19, 3) and pan.fps == pytest.approx(29.97)
    neck, pelvis = pan.keypoints_3d[0, 0, 0], pan.keypoints_3d[0, 0, 2]
    assert 300 < np.linalg.norm(neck - pelvis) < 700  # mm
    assert np.isnan(pan.keypoints_3d[0, 0, 8]).all()  # confidence -1 -> missing
