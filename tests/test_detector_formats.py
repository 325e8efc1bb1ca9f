# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Readers of the files real 2D detectors write (OpenPose, AlphaPose, VideoPose3D custom npz, mmpose / RTMPose,
MediaPipe), on files written here in each tool's real output structure, plus the tracker and the layout registry.

The structures follow the tools' writers: OpenPose ``peopleJsonSaver`` (``version``, ``people[].person_id``,
``pose_keypoints_2d`` + empty face/hand arrays, undetected joints 0, 0, 0, files ``<name>_<12 digits>_keypoints.json``),
AlphaPose ``write_json`` (``image_id`` file name, ``category_id``, flat ``keypoints``, ``score``, ``box`` x, y, w, h,
``idx`` = merged box ids ``[[0.0], ...]`` untracked / int tracked; ``--format open|cmu`` dicts), VideoPose3D
``prepare_data_2d_custom.py`` and mmpose's demo ``--save-predictions`` (``meta_info`` + ``instance_info``).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import data_path

import motionhub.skeleton as sk
from motionhub.formats import (
    detect_format,
    load_motion,
    load_openpose,
    load_videopose3d_2d,
)
from motionhub.formats.mediapipe_json import load_mediapipe_landmarks
from motionhub.formats.tracking import pose_similarity, track_poses

RNG = np.random.default_rng(12)


def _person(center_x: float, j: int, t: int, rng=RNG) -> np.ndarray:
    """(T, J, 3) pixels + confidence: a 120 x 300 px figure at ``center_x`` walking 4 px per frame."""
    shape = rng.uniform([-60, -150], [60, 150], (j, 2))
    out = np.empty((t, j, 3))
    for f in range(t):
        out[f, :, :2] = shape + [center_x + 4 * f, 360]
        out[f, :, 2] = rng.uniform(0.5, 0.95, j)
    return out


def _flat(kp: np.ndarray) -> list[float]:
    return [round(float(v), 3) for v in kp.reshape(-1)]


# ------------------------------------------------------------------------------------------------------ OpenPose
def _openpose_frame(people: list[np.ndarray], ids: list[int] | None = None) -> dict:
    return {
        "version": 1.3,
        "people": [
            {
                "person_id": [-1 if ids is None else ids[i]],
                "pose_keypoints_2d": _flat(kp),
                "face_keypoints_2d": [],
                "hand_left_keypoints_2d": [],
                "hand_right_keypoints_2d": [],
                "pose_keypoints_3d": [],
                "face_keypoints_3d": [],
                "hand_left_keypoints_3d": [],
                "hand_right_keypoints_3d": [],
            }
            for i, kp in enumerate(people)
        ],
    }


def test_openpose_body25_folder_two_people_tracked_by_iou(tmp_path):
    a, b = _person(300, 25, 6), _person(900, 25, 6)
    a[2, 4] = 0  # an undetected joint (OpenPose writes 0, 0, 0)
    folder = tmp_path / "json"
    folder.mkdir()
    for f in range(6):
        people = [a[f], b[f]] if f % 2 == 0 else [b[f], a[f]]  # OpenPose's order is no identity
        if f == 3:
            people = [b[f]]  # person a not detected in frame 3
        (folder / f"video_{f:012d}_keypoints.json").write_text(json.dumps(_openpose_frame(people)))
    assert detect_format(folder) == "openpose"
    seq = load_motion(folder, fps=30)
    assert seq.layout == "openpose-body25" and seq.keypoints_2d.shape == (2, 6, 25, 3) and seq.fps == 30
    assert seq.meta["tracking"] == "iou"
    first = [0, 1] if seq.keypoints_2d[0, 0, 0, 0] < 600 else [1, 0]  # which track is person a
    got_a, got_b = seq.keypoints_2d[first[0]], seq.keypoints_2d[first[1]]
    for f in (0, 1, 2, 4, 5):  # no jump between people
        np.testing.assert_allclose(got_b[f, :, :2], b[f, :, :2], atol=1e-3)
        if f != 2:
            np.testing.assert_allclose(got_a[f, :, :2], a[f, :, :2], atol=1e-3)
    assert seq.meta["missing"][first[0], 3].all() and (got_a[3, :, 2] == 0).all()  # absent: marked, conf 0
    assert seq.meta["missing"][first[0], 2, 4] and got_a[2, 4, 2] == 0  # undetected joint
    np.testing.assert_allclose(got_a[2, 4, :2], (a[1, 4, :2] + a[3, 4, :2]) / 2, atol=1e-3)  # interpolated
    best = load_openpose(folder, track_id="best", missing="nan")
    assert best.keypoints_2d.shape == (6, 25, 3)  # the most persistent person: b, seen in all 6 frames
    np.testing.assert_allclose(best.keypoints_2d[:, :, :2], b[:, :, :2], atol=1e-3)
    h36m = sk.to_h36m(seq.keypoints_2d, seq.layout)
    np.testing.assert_allclose(h36m[first[1], 0, 0, :2], b[0, 8, :2], atol=1e-3)  # pelvis = mid_hip


def test_openpose_coco18_single_file_and_tracking_ids(tmp_path):
    kp = _person(400, 18, 1)[0]
    path = tmp_path / "frame_000000000007_keypoints.json"
    path.write_text(json.dumps(_openpose_frame([kp])))
    seq = load_motion(path)
    assert seq.layout == "openpose-coco18" and seq.keypoints_2d.shape == (1, 18, 3)
    assert seq.meta["frame_numbers"].tolist() == [7]
    # --tracking: person_id carries the identity
    a, b = _person(300, 25, 3), _person(900, 25, 3)
    folder = tmp_path / "tracked"
    folder.mkdir()
    for f in range(3):
        (folder / f"clip_{f:012d}_keypoints.json").write_text(json.dumps(_openpose_frame([b[f], a[f]], [5, 2])))
    seq = load_motion(folder)
    assert seq.meta["tracking"] == "file" and sorted(seq.meta["track_ids"]) == [2, 5]
    two = load_openpose(folder, track_id=2)
    np.testing.assert_allclose(two.keypoints_2d[:, :, :2], a[:, :, :2], atol=1e-3)


def test_openpose_bad_input(tmp_path):
    (tmp_path / "x_000000000000_keypoints.json").write_text(json.dumps({"version": 1.3, "people": []}))
    with pytest.raises(ValueError, match="no person detected"):
        load_motion(tmp_path)
    mpi = tmp_path / "mpi_000000000000_keypoints.json"
    mpi.write_text(json.dumps(_openpose_frame([_person(300, 15, 1)[0]])))
    with pytest.raises(ValueError, match="BODY_25"):
        load_openpose(mpi)
    bad = tmp_path / "bad_000000000000_keypoints.json"
    bad.write_text(json.dumps({"version": 1.3, "people": [{"pose_keypoints_2d": [1.0, 2.0]}]}))
    with pytest.raises(ValueError, match="multiple of 3"):
        load_openpose(bad)


# ------------------------------------------------------------------------------------------------------ AlphaPose
def _alphapose(frame: int, kp: np.ndarray, idx) -> dict:
    xy = kp[:, :2]
    box = [float(xy[:, 0].min()), float(xy[:, 1].min()), float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1]))]
    return {"image_id": f"{frame}.jpg", "category_id": 1, "keypoints": _flat(kp), "score": 2.7, "box": box,
            "idx": idx}  # fmt: skip


@pytest.mark.parametrize("j, layout", [(17, "coco-17"), (26, "halpe-26"), (136, "halpe-136")])
def test_alphapose_untracked_nested_idx(tmp_path, j, layout):
    t = 8
    a, b = _person(300, j, t), _person(800, j, t)
    dets = []
    for f in range(t):
        # untracked ids: nested merged-box lists, or a flat [0.0] when nothing was merged
        pair = [(a[f], [[0.0], [0.0]]), (b[f], [0.0])] if f % 3 else [(b[f], [0.0]), (a[f], [[0.0], [0.0]])]
        dets += [_alphapose(f, kp, idx) for kp, idx in pair]
    path = tmp_path / "alphapose-results.json"
    path.write_text(json.dumps(dets))
    seq = load_motion(path)
    assert seq.layout == layout and seq.keypoints_2d.shape == (2, t, j, 3) and seq.meta["tracking"] == "iou"
    ia = 0 if seq.keypoints_2d[0, 0, 0, 0] < 550 else 1
    np.testing.assert_allclose(seq.keypoints_2d[ia, :, :, :2], a[:, :, :2], atol=1e-3)  # never jumps to b
    np.testing.assert_allclose(seq.keypoints_2d[1 - ia, :, :, :2], b[:, :, :2], atol=1e-3)
    assert sk.to_h36m(seq.keypoints_2d, seq.layout).shape == (2, t, 17, 3)


def test_alphapose_flat_zero_idx_of_two_people_is_untracked(tmp_path):
    a, b = _person(300, 17, 4), _person(800, 17, 4)
    dets = [_alphapose(f, kp, [0.0]) for f in range(4) for kp in ((a[f], b[f]) if f % 2 else (b[f], a[f]))]
    (tmp_path / "r.json").write_text(json.dumps(dets))
    seq = load_motion(tmp_path / "r.json")
    assert seq.meta["tracking"] == "iou" and seq.num_persons == 2  # a repeated idx is no track id
    ia = 0 if seq.keypoints_2d[0, 0, 0, 0] < 550 else 1
    np.testing.assert_allclose(seq.keypoints_2d[ia, ..., :2], a[..., :2], atol=1e-3)


def test_alphapose_tracked_flat_idx_and_eval_ids(tmp_path):
    a, b = _person(300, 26, 5), _person(800, 26, 5)
    dets = [_alphapose(f, kp, idx) for f in range(5) for kp, idx in ((b[f], 1), (a[f], 2)) if not (idx == 1 and f == 4)]
    for d in dets:  # --for_eval writes the frame number as an int image_id
        d["image_id"] = int(d["image_id"].split(".")[0])
    path = tmp_path / "tracked.json"
    path.write_text(json.dumps(dets))
    seq = load_motion(path)
    assert seq.meta["tracking"] == "file" and seq.meta["track_ids"] == [2, 1]  # 5 frames before 4
    np.testing.assert_allclose(seq.keypoints_2d[0, :, :, :2], a[:, :, :2], atol=1e-3)
    assert seq.meta["missing"][1, 4].all()
    single = load_motion(path, track_id=1, missing="nan")
    assert np.isnan(single.keypoints_2d[4, :, 0]).all()


def _coco18(kp17: np.ndarray) -> np.ndarray:
    """AlphaPose's --format open/cmu COCO-17 -> OpenPose COCO-18 (neck = mean of shoulders)."""
    neck = (kp17[5] + kp17[6]) / 2
    ext = np.concatenate([kp17, neck[None]])
    return ext[[0, 17, 6, 8, 10, 5, 7, 9, 12, 14, 16, 11, 13, 15, 2, 1, 4, 3]]


@pytest.mark.parametrize("form", ["open", "cmu"])
def test_alphapose_openpose_style_formats(tmp_path, form):
    a = _person(300, 17, 4)
    out = {}
    for f in range(4):
        body = _flat(_coco18(a[f]))
        frame = {"people": [{"pose_keypoints_2d": body}]} if form == "open" else {"bodies": [{"joints": body}]}
        out[f"{f}.jpg"] = {"version": "AlphaPose v0.3", **frame}
    path = tmp_path / "alphapose-results.json"
    path.write_text(json.dumps(out))
    assert detect_format(path) == "openpose"
    seq = load_motion(path)
    assert seq.layout == "openpose-coco18" and seq.keypoints_2d.shape == (4, 18, 3)
    h = sk.to_h36m(seq.keypoints_2d[..., :2], seq.layout)
    np.testing.assert_allclose(h[:, 8], (a[:, 5, :2] + a[:, 6, :2]) / 2, atol=1e-3)  # thorax = neck
    np.testing.assert_allclose(h, sk.to_h36m(a[..., :2], "coco-17")[:, :, :2], atol=1e-3)
    sep = tmp_path / "sep-json"  # the per-image copies
    sep.mkdir()
    for name, frame in out.items():
        (sep / (name.split(".")[0] + ".json")).write_text(json.dumps(frame))
    np.testing.assert_allclose(load_motion(sep).keypoints_2d, seq.keypoints_2d)


# --------------------------------------------------------------------------------------------- VideoPose3D custom
def test_videopose3d_custom_npz_per_video_metadata(tmp_path):
    kp1 = _person(300, 17, 6)[..., :2].astype(np.float32)
    kp2 = _person(200, 17, 4)[..., :2].astype(np.float32)
    meta = {
        "layout_name": "coco",
        "num_joints": 17,
        "keypoints_symmetry": [[1, 3, 5, 7, 9, 11, 13, 15], [2, 4, 6, 8, 10, 12, 14, 16]],
        "video_metadata": {"walk.mp4": {"w": 1920, "h": 1080}, "phone.mp4": {"w": 720, "h": 1280, "fps": 30}},
    }
    path = tmp_path / "data_2d_custom_myvideos.npz"
    np.savez_compressed(path, positions_2d={"walk.mp4": {"custom": [kp1]}, "phone.mp4": {"custom": [kp2]}},
                        metadata=meta)  # fmt: skip
    seqs = load_motion(path)
    by = {s.meta["video"]: s for s in seqs}
    assert by["walk.mp4"].image_size == (1920, 1080) and by["walk.mp4"].fps is None  # no invented 50 fps
    assert by["phone.mp4"].image_size == (720, 1280) and by["phone.mp4"].fps == 30
    assert by["walk.mp4"].layout == "coco-17" and by["walk.mp4"].keypoints_2d.shape == (6, 17, 2)
    np.testing.assert_allclose(by["phone.mp4"].keypoints_2d, kp2)
    meta["video_metadata"] = {"walk.mp4": {"w": 1920}}
    np.savez_compressed(path, positions_2d={"walk.mp4": {"custom": [kp1]}}, metadata=meta)
    with pytest.raises(ValueError, match="no resolution"):
        load_videopose3d_2d(path)


# ------------------------------------------------------------------------------------------------- mmpose / RTMPose
def _mmpose_instance(kp: np.ndarray) -> dict:
    xy = kp[:, :2]
    return {"keypoints": [[round(float(x), 3), round(float(y), 3)] for x, y in xy],
            "keypoint_scores": [round(float(s), 4) for s in kp[:, 2]],
            "bbox": [[float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())]],
            "bbox_score": 0.93}  # fmt: skip


@pytest.mark.parametrize("dataset, j, layout", [("coco_wholebody", 133, "coco-wholebody-133"),
                                                ("halpe26", 26, "halpe-26"), ("coco", 17, "coco-17")])  # fmt: skip
def test_mmpose_demo_predictions_two_people(tmp_path, dataset, j, layout):
    a, b = _person(300, j, 5), _person(900, j, 5)
    info = [{"frame_id": f + 1, "instances": [_mmpose_instance(x) for x in ((a[f], b[f]) if f % 2 else (b[f], a[f]))]}
            for f in range(5)]  # fmt: skip
    meta_info = {"dataset_name": dataset, "num_keypoints": j,
                 "keypoint_id2name": {str(i): f"kp{i}" for i in range(j)}}  # fmt: skip
    path = tmp_path / "results_clip.json"
    path.write_text(json.dumps({"meta_info": meta_info, "instance_info": info}, indent="\t"))
    seq = load_motion(path)
    assert seq.layout == layout and seq.keypoints_2d.shape == (2, 5, j, 3)
    assert seq.meta["frame_numbers"].tolist() == [1, 2, 3, 4, 5]
    ia = 0 if seq.keypoints_2d[0, 0, 0, 0] < 600 else 1
    np.testing.assert_allclose(seq.keypoints_2d[ia, ..., :2], a[..., :2], atol=1e-3)
    np.testing.assert_allclose(seq.keypoints_2d[ia, ..., 2], a[..., 2], atol=1e-4)


def test_posetrack18_annotations_keep_every_person():
    path = data_path("mmpose_samples", "posetrack18", "annotations", "val", "012834_mpii_test.json")
    seq = load_motion(path)
    n_people = len({a["track_id"] for a in json.loads(path.read_text())["annotations"] if "keypoints" in a})
    assert seq.num_persons == n_people > 1 and seq.layout == "posetrack-17"


# ------------------------------------------------------------------------------------------------------ MediaPipe
def _landmarks(kp: np.ndarray, size) -> list[dict]:
    return [{"x": float(x / size[0]), "y": float(y / size[1]), "z": -0.1, "visibility": float(c)} for x, y, c in kp]


def test_mediapipe_landmark_json_variants(tmp_path):
    size = (1280, 720)
    a = _person(400, 33, 4)
    legacy = [{"landmark": _landmarks(a[f], size)} if f != 2 else None for f in range(4)]  # MessageToDict per frame
    path = tmp_path / "pose_landmarks.json"
    path.write_text(json.dumps({"image_width": size[0], "image_height": size[1], "fps": 24, "frames": legacy}))
    assert detect_format(path) == "mediapipe_landmarks"
    seq = load_motion(path)
    assert seq.layout == "blazepose-33" and seq.keypoints_2d.shape == (4, 33, 3) and seq.fps == 24
    assert seq.image_size == size and seq.meta["missing"][2].all()  # no detection: marked
    np.testing.assert_allclose(seq.keypoints_2d[[0, 1, 3], :, :2], a[[0, 1, 3], :, :2], atol=1e-3)
    # Tasks API (dataclasses.asdict of PoseLandmarkerResult), two people
    b = _person(1000, 33, 4)
    tasks = [{"pose_landmarks": [_landmarks(a[f], size), _landmarks(b[f], size)][:: 1 if f % 2 else -1]}
             for f in range(4)]  # fmt: skip
    (tmp_path / "tasks.json").write_text(json.dumps(tasks))
    with pytest.raises(ValueError, match="image_size"):
        load_motion(tmp_path / "tasks.json")
    two = load_mediapipe_landmarks(tmp_path / "tasks.json", image_size=size)
    ia = 0 if two.keypoints_2d[0, 0, 0, 0] < 700 else 1
    np.testing.assert_allclose(two.keypoints_2d[ia, :, :, :2], a[..., :2], atol=1e-3)
    (tmp_path / "bad.json").write_text(json.dumps([{"pose_landmarks": [[{"x": 0.1, "y": 0.2}] * 5]}]))
    with pytest.raises(ValueError, match="unrecognised JSON"):
        load_motion(tmp_path / "bad.json")


# -------------------------------------------------------------------------------------------------------- tracker
def test_tracker_links_by_overlap_and_ends_stale_tracks():
    a, b = _person(300, 17, 6), _person(800, 17, 6)
    frames = {f: [b[f], a[f]] if f % 2 else [a[f], b[f]] for f in range(6)}
    ids = track_poses(frames)
    assert ids[0] == [0, 1] and all(ids[f] == ([1, 0] if f % 2 else [0, 1]) for f in range(6))
    far = {0: [a[0]], 40: [a[0]]}  # same place after a gap longer than max_gap: a new track
    assert track_poses(far, max_gap=15) == {0: [0], 40: [1]}
    assert pose_similarity(a[0], a[0], "oks") == pytest.approx(1.0)
    assert pose_similarity(a[0], b[0], "iou") == 0.0
    with pytest.raises(ValueError, match="similarity"):
        track_poses(frames, similarity="euclid")


def test_tracker_relinks_a_person_lost_for_a_while_who_moved():
    """Two people; the left one is missed in frames 3-9 and comes back 150 px further right (no box overlap): with
    relink_distance the left track continues, the right one is untouched; without it a third track starts; a
    newcomer far from every lost track still starts a track."""
    a, b = _person(300, 17, 12), _person(800, 17, 12)
    moved = {f: a[f] + [150.0, 0.0, 0.0] for f in range(12)}  # 120 px wide figures: no overlap any more
    frames = {f: ([a[f]] if f < 3 else [] if f < 10 else [moved[f]]) + [b[f]] for f in range(12)}
    assert pose_similarity(a[2], moved[10]) == 0.0
    plain = track_poses(frames, max_gap=15)
    relinked = track_poses(frames, max_gap=15, relink_distance=1.5)
    assert plain[10] == [2, 1] and relinked[10] == [0, 1] and relinked[11] == [0, 1]
    far = dict(frames)
    far[10] = [a[10] + [3000.0, 0.0, 0.0], b[10]]
    assert track_poses(far, max_gap=15, relink_distance=1.5)[10] == [2, 1]


# ------------------------------------------------------------------------------------------------ layout registry
_NOT_LAYOUTS = {"utf-8", "dataset-1", "dataset-2", "custom-23"}
_LAYOUT_LIKE = re.compile(r"^[a-z][a-z0-9_]*(-[a-z0-9_]+)*-[a-z]*\d+$")


def _layouts_in_readers() -> set[str]:
    """Every layout-name string literal in motionhub/formats (+ the readers' layout tables)."""
    from motionhub.formats import KINECT_SETS, coco_json, h36m, mmpose, openpose

    found = set()
    for src in (Path(sk.__file__).parent / "formats").glob("*.py"):
        for node in ast.walk(ast.parse(src.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _LAYOUT_LIKE.match(node.value):
                found.add(node.value)
    found |= set(openpose.OPENPOSE_LAYOUTS.values()) | set(coco_json._COUNT_LAYOUT.values())
    found |= set(mmpose._DATASET_LAYOUT.values()) | {s["layout"] for s in KINECT_SETS.values()}
    found |= {h36m._vp3d_layout(17, n) for n in ("h36m", "coco", "")}
    return found - _NOT_LAYOUTS


def test_every_reader_layout_converts_to_h36m():
    layouts = _layouts_in_readers()
    assert {"openpose-body25", "openpose-coco18", "blazepose-33", "halpe-136", "jhmdb-15", "panoptic-19"} <= layouts
    supported = set(sk.to_h36m_supported())
    assert layouts - supported == set(), f"readers yield layouts the converter does not know: {layouts - supported}"
    for name in layouts:
        lay = sk.get_layout(name)
        x = RNG.uniform(0, 500, (2, lay.num_joints, 3))
        out = sk.to_h36m(x, name, confidence="min")
        assert out.shape == (2, 17, 3) and np.isfinite(out).all()
        np.testing.assert_allclose(sk.to_h36m(sk.flip(x, name), name), sk.flip(sk.to_h36m(x, name)), atol=1e-9)


@pytest.mark.parametrize("name", ["openpose-body25", "openpose-coco18", "blazepose-33", "halpe-136", "coco-23",
                                  "coco-wholebody-133", "jhmdb-15", "panoptic-19", "mpi_inf_3dhp-17"])  # fmt: skip
def test_new_layouts_are_consistent_trees(name):
    lay = sk.get_layout(name)
    assert sum(p == -1 for p in lay.parents) == 1 and len(lay.limbs) == lay.num_joints - 1
    perm = lay.flip_permutation
    np.testing.assert_array_equal(perm[perm], np.arange(lay.num_joints))
    for a, b in lay.flip_pairs:
        na, nb = lay.joint_names[a], lay.joint_names[b]
        if not na.startswith("face_"):
            assert na.replace("left", "right") == nb, (na, nb)


def test_openpose_folder_with_a_person_of_another_model_says_so(tmp_path, capsys):
    """One 18-joint (COCO-18) person among BODY_25 frames: the reader's message, not "pick one with --index N"."""
    from motionhub.cli import main

    rng = np.random.default_rng(0)
    folder = tmp_path / "op"
    folder.mkdir()
    for f in range(10):
        n = 54 if f == 5 else 75
        people = [{"pose_keypoints_2d": rng.uniform(100, 500, n).round(1).tolist()}]
        (folder / f"v_{f:012d}_keypoints.json").write_text(json.dumps({"version": 1.3, "people": people}))
    assert main(["lift", str(folder), "-o", str(tmp_path / "o.npz")]) == 1
    err = capsys.readouterr().err
    assert "v_000000000005_keypoints.json" in err and "18 joints, earlier ones 25" in err and "--index" not in err


def test_keypoint_box_thresholds_and_box_iou():
    """The one box / IoU of the tracker and the multi-person video detector."""
    from motionhub.formats.tracking import box_iou, keypoint_box

    kp = np.array([[0, 0, 0.9], [10, 20, 0.2], [4, 8, 0.5], [2, 2, np.nan], [np.nan, 1, 1.0]], dtype=float)
    np.testing.assert_allclose(keypoint_box(kp), [0, 0, 10, 20])  # every finite joint with confidence > 0
    np.testing.assert_allclose(keypoint_box(kp, min_confidence=0.3), [0, 0, 4, 8])
    assert keypoint_box(kp, min_confidence=0.3, min_joints=3) is None
    assert keypoint_box(kp[:, :2], min_joints=5) is None and keypoint_box(kp[:, :2]) is not None
    a, b = np.array([0.0, 0, 2, 2]), np.array([1.0, 1, 3, 3])
    assert box_iou(a, b) == pytest.approx(1 / 7)
    assert box_iou(a, a) == 1.0 and box_iou(a, np.array([5.0, 5, 6, 6])) == 0.0 and box_iou(a, None) == 0.0
