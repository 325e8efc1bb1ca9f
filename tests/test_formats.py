# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Format readers on committed fixtures and files generated in the test (no shared data needed)."""

from __future__ import annotations

import collections
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from motionhub.formats import (
    MotionDataset,
    MotionSequence,
    detect_format,
    fill_missing,
    load_asf_amc,
    load_bvh,
    load_coco_results,
    load_generic,
    load_mmpose_predictions,
    load_motion,
    load_ntu_skeleton,
    load_pyskl,
    load_videopose3d_2d,
    load_videopose3d_3d,
    parse_bvh,
    save_generic,
    write_ntu_skeleton,
    write_pyskl_pkl,
    write_videopose3d_2d,
    write_videopose3d_3d,
)
from motionhub.formats.asf_amc import CMU31_JOINT_NAMES, parse_asf
from motionhub.formats.base import safe_pickle_load
from motionhub.formats.bvh import bvh_forward_kinematics

FIXTURES = Path(__file__).parent / "fixtures" / "cmu"


# ------------------------------------------------------------------------------------------------ MotionSequence
def test_motion_sequence_validation():
    kp = np.zeros((5, 17, 3), np.float32)
    seq = MotionSequence(keypoints_2d=kp, layout="coco-17", fps=30, image_size=(640, 480))
    assert (seq.num_frames, seq.num_joints, seq.num_persons, seq.is_multi_person) == (5, 17, 1, False)
    with pytest.raises(ValueError, match="has 17 joints"):
        MotionSequence(keypoints_2d=np.zeros((5, 26, 3)), layout="coco-17")
    with pytest.raises(ValueError, match="both are None"):
        MotionSequence(layout="coco-17")
    with pytest.raises(ValueError, match="disagree"):
        MotionSequence(keypoints_2d=kp, keypoints_3d=np.zeros((4, 17, 3)), layout="h36m-17")
    with pytest.raises(ValueError, match="infinite"):
        bad = kp.copy()
        bad[0, 0, 0] = np.inf
        MotionSequence(keypoints_2d=bad, layout="coco-17")
    with pytest.raises(ValueError, match="units_3d"):
        MotionSequence(keypoints_3d=np.zeros((2, 17, 3)), layout="h36m-17", units_3d="cm")
    with pytest.raises(ValueError, match="image_size"):
        MotionSequence(keypoints_2d=kp, layout="coco-17", image_size=(640,))
    with pytest.raises(ValueError, match="layout"):
        MotionSequence(keypoints_2d=kp, layout="")
    # NaN marks missing values and is allowed; ints are promoted to float32
    nan = kp.copy()
    nan[1] = np.nan
    assert np.isnan(MotionSequence(keypoints_2d=nan, layout="coco-17").keypoints_2d[1]).all()
    assert (
        MotionSequence(keypoints_3d=np.zeros((2, 22, 3), np.int16), layout="bandai-22").keypoints_3d.dtype == np.float32
    )
    # unregistered layout names: the -N suffix is checked, names go in meta
    MotionSequence(keypoints_2d=np.zeros((3, 15, 3)), layout="jhmdb-15")
    with pytest.raises(ValueError):
        MotionSequence(keypoints_2d=np.zeros((3, 14, 3)), layout="jhmdb-15")


def test_motion_sequence_helpers():
    kp = np.random.default_rng(0).normal(size=(2, 6, 17, 3)).astype(np.float32)
    seq = MotionSequence(keypoints_2d=kp, layout="coco-17", fps=30)
    assert seq.is_multi_person and seq.num_persons == 2
    p1 = seq.person(1)
    np.testing.assert_array_equal(p1.keypoints_2d, kp[1])
    sub = seq.slice_frames(0, None, 2)
    assert sub.num_frames == 3 and sub.fps == 15
    assert seq.joint_names is not None and seq.joint_names[0] == "nose"  # from motionhub.skeleton
    ds = MotionDataset([seq, p1], {"a": [1]}, ["x"])
    assert len(ds) == 2 and ds.split("a")[0] is p1
    with pytest.raises(KeyError, match="available"):
        ds.split("b")


def test_fill_missing():
    x = np.arange(6, dtype=float)[:, None, None].repeat(2, 1)
    x[[0, 2, 3, 5], 0] = np.nan
    lin = fill_missing(x, "interpolate")
    np.testing.assert_allclose(lin[:, 0, 0], [1, 1, 2, 3, 4, 4])
    np.testing.assert_array_equal(lin[:, 1], x[:, 1])
    assert np.isnan(fill_missing(x, "nan")[0, 0, 0])
    assert fill_missing(x, "zero")[0, 0, 0] == 0
    with pytest.raises(ValueError):
        fill_missing(x, "spline")


def test_safe_pickle_refuses_code(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"a": collections.Counter("ab")}))
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        safe_pickle_load(path)
    path.write_bytes(pickle.dumps({"a": np.arange(3), "b": [1, "x"]}))
    assert safe_pickle_load(path)["a"].tolist() == [0, 1, 2]


# ------------------------------------------------------------------------------------------------ generic npz
def test_generic_roundtrip(tmp_path):
    rng = np.random.default_rng(1)
    seq = MotionSequence(
        keypoints_2d=rng.uniform(0, 100, (8, 17, 3)).astype(np.float32),
        keypoints_3d=rng.normal(size=(8, 17, 3)).astype(np.float32),
        layout="h36m-17",
        units_3d="m",
        fps=25.0,
        image_size=(640, 480),
        label=3,
        meta={"note": "hello", "big": np.zeros(1000)},
    )
    out = save_generic(tmp_path / "clip", seq)
    assert out.name == "clip.npz"
    back = load_generic(out)
    np.testing.assert_array_equal(back.keypoints_2d, seq.keypoints_2d)
    np.testing.assert_array_equal(back.keypoints_3d, seq.keypoints_3d)
    assert (back.layout, back.units_3d, back.fps, back.image_size, back.label) == ("h36m-17", "m", 25.0, (640, 480), 3)
    assert back.meta["note"] == "hello" and "big" not in back.meta
    # plain np.savez by hand, with the 'labels' alias and fps 0 = unknown
    np.savez(tmp_path / "hand.npz", keypoints_2d=np.zeros((4, 26, 2)), layout="halpe-26", fps=0.0, labels=["walk"])
    hand = load_motion(tmp_path / "hand.npz")
    assert hand.fps is None and hand.label == "walk" and hand.layout == "halpe-26"


def test_generic_errors_name_missing_keys(tmp_path):
    np.savez(tmp_path / "bad.npz", keypoints_2d=np.zeros((4, 17, 2)), layout="coco-17")
    with pytest.raises(ValueError, match="'fps'"):
        load_generic(tmp_path / "bad.npz")
    np.savez(tmp_path / "bad2.npz", fps=30.0)
    with pytest.raises(ValueError, match="keypoints_2d.*layout"):
        load_generic(tmp_path / "bad2.npz")
    np.savez(tmp_path / "bad3.npz", keypoints_2d=np.zeros((4, 16, 2)), layout="coco-17", fps=30.0)
    with pytest.raises(ValueError, match="17 joints"):
        load_generic(tmp_path / "bad3.npz")
    np.savez(tmp_path / "other.npz", foo=np.zeros(3))
    with pytest.raises(ValueError, match="layout"):
        load_motion(tmp_path / "other.npz")


# ------------------------------------------------------------------------------------------------ BVH
_BVH = """HIERARCHY
ROOT Hips
{
  OFFSET 0.0 0.0 0.0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Chest
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0 5 0
    }
  }
  JOINT Leg
  {
    OFFSET 3 0 0
    CHANNELS 3 Xrotation Yrotation Zrotation
    End Site
    {
      OFFSET 0 -8 0
    }
  }
}
MOTION
Frames: 4
Frame Time: 0.04
0 0 0 0 0 0 0 0 0 0 0 0
1 2 3 90 0 0 0 0 0 0 0 0
0 0 0 0 90 0 0 0 0 0 0 90
0 0 0 90 90 0 0 0 0 0 0 0
"""


def test_bvh_known_rotations(tmp_path):
    path = tmp_path / "tiny.bvh"
    path.write_text(_BVH)
    seq = load_bvh(path, units="m", include_end_sites=True)
    names = seq.meta["joint_names"]
    assert names == ["Hips", "Chest", "Chest_end", "Leg", "Leg_end"]
    assert seq.meta["parents"] == [-1, 0, 1, 0, 3]
    assert seq.fps == pytest.approx(25.0) and seq.layout == "custom-5" and seq.units_3d == "mm"
    p = seq.keypoints_3d / 1000.0  # metres -> file units
    # frame 0: rest pose = offsets accumulated
    np.testing.assert_allclose(p[0], [[0, 0, 0], [0, 10, 0], [0, 15, 0], [3, 0, 0], [3, -8, 0]], atol=1e-5)
    # frame 1: root at (1,2,3) turned +90 deg about Z: +y -> -x, +x -> +y
    np.testing.assert_allclose(p[1], [[1, 2, 3], [-9, 2, 3], [-14, 2, 3], [1, 5, 3], [9, 5, 3]], atol=1e-5)
    # frame 2: root +90 about X (+y -> +z); leg +90 about its Z, so its -y end offset turns to +x
    np.testing.assert_allclose(p[2], [[0, 0, 0], [0, 0, 10], [0, 0, 15], [3, 0, 0], [11, 0, 0]], atol=1e-5)
    # frame 3: channels "Zrotation Xrotation" compose as Rz @ Rx (intrinsic): (3,0,0) -> (0,3,0), not (0,0,3)
    np.testing.assert_allclose(p[3, 3], [0, 3, 0], atol=1e-5)
    # without end sites / default cm units
    seq_cm = load_bvh(path)
    assert seq_cm.num_joints == 3
    np.testing.assert_allclose(seq_cm.keypoints_3d[1, 1], [-90, 20, 30], atol=1e-4)


def test_bvh_matches_scipy_random(tmp_path):
    """Two-joint chain with random ZXY/YXZ angles vs scipy's intrinsic Euler rotations."""
    rng = np.random.default_rng(3)
    angles = rng.uniform(-180, 180, (5, 6))
    lines = [
        "HIERARCHY", "ROOT A", "{", "OFFSET 0 0 0", "CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation",
        "JOINT B", "{", "OFFSET 1 2 3", "CHANNELS 3 Yrotation Xrotation Zrotation",
        "End Site", "{", "OFFSET 4 5 6", "}", "}", "}", "MOTION", "Frames: 5", "Frame Time: 0.01",
    ]  # fmt: skip
    for a in angles:
        lines.append("0 0 0 " + " ".join(f"{v:.6f}" for v in a))
    bvh = parse_bvh("\n".join(lines) + "\n")
    pos = bvh_forward_kinematics(bvh)
    for t, a in enumerate(angles):
        r_a = Rotation.from_euler("ZXY", a[:3], degrees=True).as_matrix()
        r_b = Rotation.from_euler("YXZ", a[3:], degrees=True).as_matrix()
        b = r_a @ np.array([1, 2, 3.0])
        end = b + r_a @ r_b @ np.array([4, 5, 6.0])
        np.testing.assert_allclose(pos[t, 1], b, atol=1e-5)
        np.testing.assert_allclose(pos[t, 2], end, atol=1e-5)


def test_bvh_errors(tmp_path):
    with pytest.raises(ValueError, match="HIERARCHY"):
        parse_bvh("MOTION\nFrames: 1\nFrame Time: 0.1\n0\n")
    broken = _BVH.replace("Frames: 4", "Frames: 9")
    with pytest.raises(ValueError, match="truncated"):
        parse_bvh(broken)
    with pytest.raises(ValueError, match="channel"):
        parse_bvh(
            _BVH.replace("Zrotation Xrotation Yrotation\n  JOINT Chest", "Zrotation Xrotation Wrotation\n  JOINT Chest")
        )


# ------------------------------------------------------------------------------------------------ ASF/AMC
def _bone_lengths(x: np.ndarray, parents: list[int]) -> np.ndarray:
    child = [j for j, p in enumerate(parents) if p >= 0]
    return np.linalg.norm(x[:, child] - x[:, [parents[j] for j in child]], axis=-1)


@pytest.mark.parametrize("trial,frames", [("02_01", 160), ("02_03", 100)])
def test_cmu_fixture(trial, frames):
    seq = load_motion(FIXTURES / f"{trial}.amc")  # finds 02.asf next to it
    assert seq.layout == "cmu-31" and seq.meta["joint_names"] == CMU31_JOINT_NAMES
    assert seq.keypoints_3d.shape == (frames, 31, 3) and seq.units_3d == "mm" and seq.fps == 120.0
    assert np.isfinite(seq.keypoints_3d).all()
    x = seq.keypoints_3d.astype(np.float64)
    lengths = _bone_lengths(x, seq.meta["parents"])
    assert lengths.std(axis=0).max() < 1e-2  # rigid bones (mm)
    # lengths equal the ASF lengths converted with 25.4 / 0.45 mm per unit
    asf = parse_asf(FIXTURES / "02.asf")
    assert asf.mm_per_unit == pytest.approx(25.4 / 0.45)
    femur = lengths[0, CMU31_JOINT_NAMES.index("lfemur") - 1]
    assert femur == pytest.approx(asf.bones["lfemur"].length * 25.4 / 0.45, rel=1e-4)
    assert 380 < femur < 480  # a human thigh in mm
    # plausible human: head top 1.5-2.0 m above the lowest toe, Y up, feet on the floor
    head = x[:, CMU31_JOINT_NAMES.index("head"), 1]
    toes = x[:, [CMU31_JOINT_NAMES.index("ltoes"), CMU31_JOINT_NAMES.index("rtoes")], 1]
    stature = head.max() - toes.min()
    assert 1450 < stature < 2000, stature
    assert -80 < toes.min() < 80
    pelvis = x[:, 0]
    assert np.linalg.norm(pelvis[-1, [0, 2]] - pelvis[0, [0, 2]]) > 300  # walking/running moves forward


def test_asf_amc_known_rotation(tmp_path):
    asf = """:version 1.10
:name tiny
:units
  mass 1.0
  length 1.0
  angle deg
:root
   order TX TY TZ RX RY RZ
   axis XYZ
   position 0 0 0
   orientation 0 0 0
:bonedata
  begin
     id 1
     name b1
     direction 1 0 0
     length 2
     axis 90 0 0 XYZ
    dof rz
    limits (-180.0 180.0)
  end
  begin
     id 2
     name b2
     direction 0 1 0
     length 1
     axis 0 0 0 XYZ
  end
:hierarchy
  begin
    root b1
    b1 b2
  end
"""
    amc = ":FULLY-SPECIFIED\n:DEGREES\n1\nroot 1 2 3 0 0 0\nb1 0\n2\nroot 0 0 0 0 0 0\nb1 90\n3\nroot 0 0 0 0 0 90\nb1 0\n"
    (tmp_path / "t.asf").write_text(asf)
    (tmp_path / "t_01.amc").write_text(amc)
    seq = load_asf_amc(tmp_path / "t.asf", tmp_path / "t_01.amc")
    assert seq.layout == "custom-3" and seq.meta["joint_names"] == ["root", "b1", "b2"]
    p = seq.keypoints_3d / 25.4  # length unit 1.0 = 1 inch
    np.testing.assert_allclose(p[0], [[1, 2, 3], [3, 2, 3], [3, 3, 3]], atol=1e-5)
    # bone axis = Rx(90): a dof rotation about the bone's local z turns about world -y; (1,0,0) -> (0,0,1)
    np.testing.assert_allclose(p[1, 1], [0, 0, 2], atol=1e-5)
    # child direction (0,1,0) rotated by the parent's motion about world -y stays (0,1,0)
    np.testing.assert_allclose(p[1, 2], [0, 1, 2], atol=1e-5)
    # root RZ=90: (1,0,0) -> (0,1,0)
    np.testing.assert_allclose(p[2, 1], [0, 2, 0], atol=1e-5)


# ------------------------------------------------------------------------------------------------ NTU
def test_ntu_skeleton_roundtrip(tmp_path):
    rng = np.random.default_rng(2)
    t = 12
    walker = rng.normal(0, 0.3, (t, 25, 3)) + [0, 0, 3]
    walker += np.linspace(0, 1, t)[:, None, None] * [1, 0, 0]  # moves: the most energetic body
    still = rng.normal(0, 0.01, (t, 25, 3)) + [1, 0, 3.5]
    still[3:5] = np.nan  # absent in two frames
    path = tmp_path / "S001C002P003R002A013.skeleton"
    write_ntu_skeleton(path, np.stack([still, walker]), body_ids=[11, 22])
    seq = load_ntu_skeleton(path)
    assert seq.layout == "ntu-25" and seq.units_3d == "m" and seq.fps == 30 and seq.image_size == (1920, 1080)
    assert seq.label == 12 and seq.meta["camera"] == 2 and seq.meta["performer"] == 3
    assert seq.keypoints_3d.shape == (2, t, 25, 3) and seq.keypoints_2d.shape == (2, t, 25, 3)
    assert seq.meta["body_ids"] == ["22", "11"]  # sorted by motion energy
    np.testing.assert_allclose(seq.keypoints_3d[0], walker, atol=1e-5)
    assert np.isnan(seq.keypoints_3d[1, 3:5]).all() and seq.meta["missing"][1, 3:5].all()
    assert (seq.keypoints_2d[1, 3:5, :, 2] == 0).all() and (seq.keypoints_2d[0, ..., 2] == 1).all()
    filled = load_ntu_skeleton(path, missing="interpolate", max_bodies=1)
    assert filled.keypoints_3d.shape == (1, t, 25, 3) and np.isfinite(filled.keypoints_3d).all()
    assert detect_format(path) == "ntu_skeleton"
    # malformed file
    bad = tmp_path / "bad.skeleton"
    bad.write_text("2\n1\n1 2 3\n")
    with pytest.raises(ValueError, match="10"):
        load_ntu_skeleton(bad)


def test_pyskl_roundtrip(tmp_path):
    rng = np.random.default_rng(4)
    seqs = []
    for i in range(4):
        kp = np.concatenate([rng.uniform(0, 1000, (2, 20 + i, 17, 2)), rng.uniform(0, 1, (2, 20 + i, 17, 1))], -1)
        seqs.append(MotionSequence(keypoints_2d=kp.astype(np.float32), layout="coco-17", label=i % 2,
                                   image_size=(1920, 1080), meta={"frame_dir": f"S001C001P00{i}R001A00{i % 2 + 1}"}))  # fmt: skip
    names = [s.meta["frame_dir"] for s in seqs]
    path = write_pyskl_pkl(tmp_path / "ntu.pkl", seqs, {"xsub_train": names[:3], "xsub_val": names[3:]})
    raw = pickle.loads(path.read_bytes())  # plain pickle: readable by PYSKL/MotionBERT
    assert set(raw) == {"split", "annotations"} and raw["annotations"][0]["img_shape"] == (1080, 1920)
    assert raw["annotations"][0]["keypoint"].shape == (2, 20, 17, 2)
    ds = load_motion(path)
    assert isinstance(ds, MotionDataset) and len(ds) == 4
    assert ds.splits == {"xsub_train": [0, 1, 2], "xsub_val": [3]}
    s0 = ds[0]
    assert s0.layout == "coco-17" and s0.keypoints_2d.shape == (2, 20, 17, 3) and s0.image_size == (1920, 1080)
    np.testing.assert_allclose(s0.keypoints_2d, seqs[0].keypoints_2d, atol=1e-4)
    assert ds.labels == [0, 1, 0, 1] and s0.meta["action"] == 1
    val = load_pyskl(path, split="xsub_val")
    assert len(val) == 1 and val.splits == {"xsub_val": [0]}
    with pytest.raises(KeyError, match="xsub_train"):
        load_pyskl(path, split="nope")
    with pytest.raises(ValueError, match="integer label"):
        write_pyskl_pkl(tmp_path / "x.pkl", [seqs[0].replace(label=None)])


# ------------------------------------------------------------------------------------------------ COCO / AlphaPose
def _det(frame: int, track, kp: np.ndarray, score: float) -> dict:
    d = {"image_id": f"{frame}.jpg", "category_id": 1, "keypoints": kp.reshape(-1).tolist(), "score": score}
    if track is not None:
        d["idx"] = track
    return d


def test_alphapose_results(tmp_path):
    rng = np.random.default_rng(5)
    base = rng.uniform(100, 500, (26, 2))
    dets = []
    for f in range(10):
        kp = np.concatenate([base + f * 10, np.full((26, 1), 0.9)], 1)
        if f not in (3, 4):
            dets.append(_det(f, 2, kp, 2.5))
        if f < 5:
            dets.append(_det(f, 1, np.concatenate([base, np.full((26, 1), 0.5)], 1), 3.0))
    path = tmp_path / "alphapose-results.json"
    path.write_text(json.dumps(dets))
    every = load_motion(path)  # default: every person, most persistent first
    assert every.keypoints_2d.shape == (2, 10, 26, 3) and every.meta["track_ids"] == [2, 1]
    assert every.meta["tracking"] == "file"
    seq = load_motion(path, track_id="best")
    assert seq.layout == "halpe-26" and seq.keypoints_2d.shape == (10, 26, 3)
    assert seq.meta["track_id"] == 2  # 8 frames beat 5 frames
    np.testing.assert_allclose(seq.keypoints_2d[3, :, :2], base + 30, atol=1e-4)  # interpolated
    assert seq.meta["missing"][3:5].all() and (seq.keypoints_2d[3:5, :, 2] == 0).all()
    nan = load_coco_results(path, track_id="best", missing="nan")
    assert np.isnan(nan.keypoints_2d[3]).all()
    one = load_coco_results(path, track_id=1, missing="nan")
    assert np.isnan(one.keypoints_2d[5:, :, 0]).all()
    both = load_coco_results(path, track_id="all")
    assert both.keypoints_2d.shape == (2, 10, 26, 3) and both.meta["track_ids"] == [2, 1]
    with pytest.raises(ValueError, match="available tracks"):
        load_coco_results(path, track_id=7)
    retracked = load_coco_results(path, ignore_track_ids=True)  # the file's ids ignored: the IoU tracker links them
    assert retracked.meta["tracking"] == "iou" and retracked.num_persons == 2
    # untracked COCO-17 results (one person, two overlapping detections per frame): two tracks, best one first
    coco = [
        _det(f, None, np.concatenate([base[:17] + s, np.full((17, 1), 0.8 if s == 2.0 else 0.4)], 1), s)
        for f in range(3)
        for s in (1.0, 2.0)
    ]
    seq17 = load_coco_results(coco, fps=30, image_size=(640, 480), track_id="best")
    assert seq17.layout == "coco-17" and seq17.fps == 30
    np.testing.assert_allclose(seq17.keypoints_2d[:, :, :2], np.broadcast_to(base[:17] + 2.0, (3, 17, 2)), atol=1e-4)
    with pytest.raises(ValueError, match="multiple of 3"):
        load_coco_results([{"image_id": 0, "keypoints": [1, 2]}])


# ------------------------------------------------------------------------------------------------ mmpose predictions
def _instances(rng: np.random.Generator, f: int, dim: int = 2) -> list[dict]:
    kp = rng.uniform(0, 500, (17, dim)) if dim == 2 else rng.normal(size=(17, 3))
    return [{"keypoints": kp.tolist(), "keypoint_scores": [0.9] * 17, "bbox": [[0, 0, 10, 10]], "bbox_score": 0.9},
            {"keypoints": (kp * 0).tolist(), "keypoint_scores": [0.1] * 17, "bbox": [[0, 0, 1, 1]], "bbox_score": 0.2}]  # fmt: skip


def test_mmpose_predictions(tmp_path):
    rng = np.random.default_rng(6)
    frames = [{"frame_id": f, "instances": _instances(rng, f)} for f in range(5) if f != 2]
    path = tmp_path / "results_video.json"
    path.write_text(json.dumps({"meta_info": {"dataset_name": "coco"}, "instance_info": frames}))
    # the degenerate second instance (all joints at 0, 0) never links into a track of >= 3 frames: dropped
    assert load_motion(path).num_persons == 1
    seq = load_motion(path, fps=25, track_id="best")
    assert seq.layout == "coco-17" and seq.keypoints_2d.shape == (5, 17, 3) and seq.fps == 25
    np.testing.assert_allclose(seq.keypoints_2d[0, :, :2], frames[0]["instances"][0]["keypoints"], atol=1e-3)
    assert seq.meta["missing"][2].all() and np.isfinite(seq.keypoints_2d).all()
    # inferencer output: list of frames; and a folder of per-frame files
    (tmp_path / "list.json").write_text(json.dumps(frames))
    assert load_mmpose_predictions(tmp_path / "list.json", track_id="best").num_frames == 5
    folder = tmp_path / "per_frame"
    folder.mkdir()
    for fr in frames:
        (folder / f"frame_{fr['frame_id']:06d}.json").write_text(json.dumps(fr["instances"]))
    from_dir = load_motion(folder, track_id="best")
    np.testing.assert_allclose(from_dir.keypoints_2d, seq.keypoints_2d, atol=1e-5)
    # 3D predictions
    f3 = [{"frame_id": f, "instances": _instances(rng, f, 3)} for f in range(3)]
    (tmp_path / "pred3d.json").write_text(json.dumps(f3))
    s3 = load_mmpose_predictions(tmp_path / "pred3d.json", layout="h36m-17", track_id="best")
    assert s3.keypoints_3d.shape == (3, 17, 3) and s3.keypoints_2d is None
    np.testing.assert_allclose(s3.keypoints_3d[1], f3[1]["instances"][0]["keypoints"], atol=1e-5)


# ------------------------------------------------------------------------------------------------ VideoPose3D
def test_videopose3d_npz(tmp_path):
    rng = np.random.default_rng(7)
    pos32 = rng.normal(size=(6, 32, 3)).astype(np.float32)
    write_videopose3d_3d(tmp_path / "data_3d_h36m.npz", {"S1": {"Walking 1": pos32}, "S5": {"Eating": pos32[:3]}})
    cams = [rng.uniform(0, 1000, (6, 17, 2)).astype(np.float32) for _ in range(4)]
    write_videopose3d_2d(tmp_path / "data_2d_h36m_gt.npz", {"S1": {"Walking 1": cams}})
    three = load_motion(tmp_path / "data_3d_h36m.npz")
    assert len(three) == 2 and three[0].layout == "h36m-17" and three[0].units_3d == "m"
    np.testing.assert_array_equal(
        three[0].keypoints_3d, pos32[:, [0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27]]
    )
    assert three[0].meta["action_base"] == "Walking"
    assert len(load_videopose3d_3d(tmp_path / "data_3d_h36m.npz", subjects=["S5"])) == 1
    two = load_videopose3d_2d(tmp_path / "data_2d_h36m_gt.npz", cameras=[0, 3])
    assert [s.meta["camera"] for s in two] == ["54138969", "60457274"]
    assert two[0].image_size == (1000, 1002) and two[0].layout == "h36m-17"
    np.testing.assert_array_equal(two[1].keypoints_2d, cams[3])
    assert two[0].meta["keypoints_symmetry"] == [[4, 5, 6, 11, 12, 13], [1, 2, 3, 14, 15, 16]]


# ------------------------------------------------------------------------------------------------ demo
def test_demo_input():
    from motionhub.demo import DEMO_PATH

    assert DEMO_PATH.exists() and DEMO_PATH.stat().st_size < 500 * 1024
    seq = load_motion(DEMO_PATH)
    assert seq.layout == "h36m-17" and seq.fps == 50 and seq.image_size == (1000, 1000) and seq.units_3d == "mm"
    t = seq.num_frames
    assert t > 100 and seq.keypoints_2d.shape == (t, 17, 3) and seq.keypoints_3d.shape == (t, 17, 3)
    assert (seq.keypoints_2d[..., 2] == 1).all()
    uv = seq.keypoints_2d[..., :2]
    assert uv.min() >= 0 and uv.max() <= 1000
    # the 2D is the pinhole projection of the camera-space 3D ground truth stored next to it
    cam = seq.meta["camera"]
    x = seq.keypoints_3d.astype(np.float64)
    proj = x[..., :2] / x[..., 2:3] * np.array(cam["focal_px"]) + np.array(cam["principal_px"])
    np.testing.assert_allclose(proj, uv, atol=1e-2)
    # y down in camera space: the head is above (smaller y) the ankles
    assert (x[:, 10, 1] < x[:, 3, 1]).all()
    thigh = np.linalg.norm(x[:, 1] - x[:, 2], axis=-1)
    assert 380 < thigh.mean() < 480 and thigh.std() < 5


# --- the format registry (issue 27 item 5) and damaged files named in one line (issue 29) ----------------------------
def test_user_format_registers_and_is_detected_by_content(tmp_path):
    from motionhub.formats import (
        MotionFormat,
        register_format,
        registered_formats,
        registry,
    )

    def load_mine(path, **kwargs):
        with np.load(path) as z:
            return MotionSequence(keypoints_2d=z["my_points"], layout="h36m-17", fps=25.0)

    fmt = MotionFormat("my_npz", load_mine, suffixes=(".npz",), recognizes=lambda keys, path: "my_points" in keys)
    register_format(fmt)
    try:
        np.savez(tmp_path / "mine.npz", my_points=np.ones((4, 17, 2)))
        assert detect_format(tmp_path / "mine.npz") == "my_npz"
        seq = load_motion(tmp_path / "mine.npz")
        assert seq.fps == 25.0 and seq.num_frames == 4
        assert "my_npz" in registered_formats()
        with pytest.raises(ValueError, match="already registered"):
            register_format(fmt)
        with pytest.raises(ValueError, match="neither suffixes nor recognizes_folder"):
            register_format(MotionFormat("nowhere", load_mine))
    finally:
        registry._REGISTRY.pop("my_npz", None)
    with pytest.raises(ValueError, match="unknown format 'my_npz'"):
        load_motion(tmp_path / "mine.npz", format="my_npz")


def _damaged_files(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, keypoints_2d=np.ones((4, 17, 2)), layout="h36m-17", fps=30.0)
    files = {
        "empty.npz": b"",
        "cut.npz": good.read_bytes()[: good.stat().st_size // 2],
        "noise.npz": bytes(range(256)) * 8,
        "noise.json": bytes(range(128, 256)) * 8,
        "broken.json": b'{"people": [',
        "strings.json": json.dumps([{"image_id": "a", "keypoints": ["x"] * 51, "score": 0.9}]).encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return files


@pytest.mark.parametrize("name, message", [
    ("empty.npz", "not a readable .npz archive"), ("cut.npz", "not a readable .npz archive"),
    ("noise.npz", "not a readable .npz archive"), ("noise.json", "not a text file"),
    ("broken.json", "not valid JSON"), ("strings.json", "keypoints are not numbers"),
])
def test_damaged_files_are_named_in_the_error(tmp_path, name, message):
    _damaged_files(tmp_path)
    with pytest.raises(ValueError, match=message) as info:
        load_motion(tmp_path / name)
    assert name in str(info.value)


def test_amc_with_a_word_for_a_number_names_line_and_bone(tmp_path):
    fixtures = Path(__file__).parent / "fixtures" / "cmu"
    (tmp_path / "02.asf").write_text((fixtures / "02.asf").read_text())
    lines = (fixtures / "02_01.amc").read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("root"))
    lines[k] = "root 1.0 abc 3.0 0 0 0"
    (tmp_path / "02_01.amc").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=rf"02_01.amc: AMC line {k + 1} \(frame \d+, bone 'root'\): a value is not"):
        load_motion(tmp_path / "02_01.amc")


def test_symlink_loop_and_dangling_link_are_named(tmp_path):
    (tmp_path / "a.npz").symlink_to(tmp_path / "b.npz")
    (tmp_path / "b.npz").symlink_to(tmp_path / "a.npz")
    with pytest.raises(FileNotFoundError, match="a.npz: a symbolic link that leads nowhere"):
        load_motion(tmp_path / "a.npz")
    with pytest.raises(FileNotFoundError, match="missing.npz: not found"):
        load_motion(tmp_path / "missing.npz")
