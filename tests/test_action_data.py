# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Action clip datasets, NTU / Penn Action loading and splits, m-per-class sampling, top-k metrics for the Trainer."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import data_path

from motionhub.formats.base import MotionSequence
from motionhub.processing import crop_scale, make_cam
from motionhub.skeleton import coco2h36m
from motionhub.tasks.action import (
    NTU120_ONESHOT_NOVEL_CLASSES,
    ActionClipDataset,
    MPerClassSampler,
    compute_action_metrics,
    load_action_data,
    ntu_split_of,
    random_move,
)


def coco_clip(label=0, m=2, t=20, seed=0, name="S001C001P001R001A001", size=(640, 480)):
    rng = np.random.default_rng(seed)
    # person p stands around x = 100 + 150 p (persons never cross, so human tracking keeps their order)
    xy = rng.uniform(0, 80, (m, 1, 17, 2)) + rng.normal(0, 3, (m, t, 17, 2)) + 100
    xy[..., 0] += 150 * np.arange(m)[:, None, None]
    kp = np.concatenate([xy, rng.uniform(0.3, 1.0, (m, t, 17, 1))], -1)
    return MotionSequence(keypoints_2d=kp.astype(np.float32), layout="coco-17", image_size=size, label=label,
                          meta={"frame_dir": name})


# ---------------------------------------------------------------------------------------------------- the pipeline
def test_eval_clip_is_the_motionbert_pipeline():
    seq = coco_clip(m=2, t=20)
    ds = ActionClipDataset([seq], clip_len=10)  # evaluation: linspace resampling, crop_scale (2, 2)
    kp = seq.keypoints_2d.astype(np.float64)
    cam = make_cam(kp, (480, 640))
    # the fixture persons do not cross, so human tracking keeps the order
    idx = np.linspace(0, 20, 10, endpoint=False).astype(int)
    expected = crop_scale(coco2h36m(cam)[:, idx], (2, 2))
    item = ds[0]
    assert item["keypoints"].shape == (2, 10, 17, 3) and item["keypoints"].dtype.is_floating_point
    np.testing.assert_allclose(item["keypoints"].numpy(), expected, atol=1e-6)
    assert int(item["labels"]) == 0


def test_coco_order_confidence_quirk_and_channels():
    seq = coco_clip(m=1, t=8)
    quirk = ActionClipDataset([seq], clip_len=8, confidence="coco_order").clip(0)
    normal = ActionClipDataset([seq], clip_len=8).clip(0)
    assert not np.allclose(quirk[0, :, :, 2], normal[0, :, :, 2])
    np.testing.assert_allclose(quirk[0, :, :, :2], normal[0, :, :, :2])
    # coco_order on a non-COCO layout falls back to the correct conversion
    penn = MotionSequence(keypoints_2d=np.random.default_rng(1).uniform(10, 90, (8, 13, 3)).astype(np.float32),
                          layout="penn-13", image_size=(100, 100), label=1)
    a = ActionClipDataset([penn], clip_len=8, confidence="coco_order").clip(0)
    np.testing.assert_array_equal(a, ActionClipDataset([penn], clip_len=8).clip(0))
    assert ActionClipDataset([seq], clip_len=8, channels=2).clip(0).shape == (2, 8, 17, 2)


def test_padding_persons_missing_values_and_single_person_layouts():
    seq = coco_clip(m=1, t=6)
    kp = seq.keypoints_2d.copy()
    kp[0, 2, 5] = np.nan
    clip = ActionClipDataset([seq.replace(keypoints_2d=kp)], clip_len=6, num_persons=2).clip(0)
    assert clip.shape == (2, 6, 17, 3) and np.isfinite(clip).all()
    assert np.all(clip[1, ..., 2] == 0), "the padded person has zero confidence"
    three = coco_clip(m=3, t=6)
    assert ActionClipDataset([three], clip_len=4).clip(0).shape == (2, 4, 17, 3)
    single = MotionSequence(keypoints_2d=np.ones((6, 17, 2), np.float32) * 5, layout="coco-17", image_size=(9, 9),
                            label=2)
    assert ActionClipDataset([single], clip_len=3, num_persons=1).clip(0).shape == (1, 3, 17, 3)


def test_tracking_swaps_confidence_with_its_person():
    t = 6
    a = np.zeros((t, 17, 3))
    a[..., 0], a[..., 1], a[..., 2] = 100.0, 100.0, 0.9
    b = np.zeros((t, 17, 3))
    b[..., 0], b[..., 1], b[..., 2] = 300.0, 300.0, 0.4
    kp = np.stack([a, b])
    kp[:, 3:] = kp[::-1, 3:]  # the detector swaps the identities from frame 3
    seq = MotionSequence(keypoints_2d=kp.astype(np.float32), layout="coco-17", image_size=(400, 400), label=0)
    clip = ActionClipDataset([seq], clip_len=t).clip(0)
    assert np.allclose(clip[0, :, 0, 2], 0.9) and np.allclose(clip[1, :, 0, 2], 0.4)
    assert np.allclose(clip[0, :, 0, 0], clip[0, 0, 0, 0])  # person 0 stays at the same place


def test_training_augmentation_is_random_per_epoch_but_reproducible():
    seq = coco_clip(t=30)
    ds = ActionClipDataset([seq], clip_len=12, train=True, seed=3)
    first = ds.clip(0)
    np.testing.assert_array_equal(first, ds.clip(0))
    ds.set_epoch(1)
    assert not np.allclose(first, ds.clip(0))
    assert np.abs(first[..., :2]).max() <= 1.0


def test_random_move_is_a_smooth_similarity_transform():
    x = np.random.default_rng(0).uniform(-0.5, 0.5, (2, 10, 17, 3))
    y = random_move(x, np.random.default_rng(1))
    np.testing.assert_array_equal(y[..., 2], x[..., 2])
    # per frame: same transform for all joints/persons -> pairwise distances scale uniformly
    d_in = np.linalg.norm(x[0, :, 0, :2] - x[1, :, 5, :2], axis=-1)
    d_out = np.linalg.norm(y[0, :, 0, :2] - y[1, :, 5, :2], axis=-1)
    d_in2 = np.linalg.norm(x[0, :, 3, :2] - x[0, :, 9, :2], axis=-1)
    d_out2 = np.linalg.norm(y[0, :, 3, :2] - y[0, :, 9, :2], axis=-1)
    np.testing.assert_allclose(d_out / d_in, d_out2 / d_in2, rtol=1e-6)
    assert np.all((d_out / d_in > 0.89) & (d_out / d_in < 1.11))
    with pytest.raises(ValueError, match="T, J"):
        random_move(np.zeros((17, 3)), np.random.default_rng(0))


def test_dataset_input_errors():
    with pytest.raises(ValueError, match="no label"):
        ActionClipDataset([coco_clip().replace(label=None)])
    with pytest.raises(ValueError, match="image_size"):
        ActionClipDataset([coco_clip().replace(image_size=None)])
    with pytest.raises(ValueError, match="channels"):
        ActionClipDataset([coco_clip()], channels=4)
    with pytest.raises(ValueError, match="label_map"):
        ActionClipDataset([coco_clip(label=5)], label_map={0: 0})


# --------------------------------------------------------------------------------------------- sampler and metrics
def test_m_per_class_sampler_gives_positives_in_every_batch():
    labels = np.repeat(np.arange(6), [5, 1, 4, 3, 6, 2])
    sampler = MPerClassSampler(labels, m=2, batch_size=6, seed=0)
    idx = list(sampler)
    assert len(idx) == len(sampler) == (len(labels) // 6) * 6
    for b in range(0, len(idx), 6):
        batch = labels[idx[b : b + 6]]
        values, counts = np.unique(batch, return_counts=True)
        assert len(values) == 3 and np.all(counts == 2)
    sampler.set_epoch(1)
    assert list(sampler) != idx
    with pytest.raises(ValueError, match="multiple"):
        MPerClassSampler(labels, m=4, batch_size=6)
    with pytest.raises(ValueError, match="classes per batch"):
        MPerClassSampler(labels, m=1, batch_size=8)


def test_compute_action_metrics():
    from transformers import EvalPrediction

    logits = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.3, 0.3, 0.4]])
    labels = np.array([1, 1, 0])
    out = compute_action_metrics(EvalPrediction(predictions=(logits, np.zeros((3, 4))), label_ids=labels))
    assert out["top1"] == pytest.approx(1 / 3) and out["top5"] == 1.0


# --------------------------------------------------------------------------------------------------- data loading
def _ntu_name(setup=1, camera=1, performer=1, action=1):
    return f"S{setup:03d}C{camera:03d}P{performer:03d}R001A{action:03d}"


def test_ntu_protocol_splits():
    meta = {"setup": 2, "camera": 1, "performer": 3}
    assert ntu_split_of(meta, "xsub") == "eval" and ntu_split_of(meta, "xview") == "eval"
    assert ntu_split_of({**meta, "performer": 1, "camera": 2}, "xsub") == "train"
    assert ntu_split_of({**meta, "camera": 3}, "xview") == "train"
    assert ntu_split_of(meta, "xset") == "train" and ntu_split_of({**meta, "performer": 45}, "xsub120") == "train"
    with pytest.raises(ValueError, match="NTU name"):
        ntu_split_of({}, "xsub")
    with pytest.raises(ValueError, match="unknown"):
        ntu_split_of(meta, "xfoo")


def test_load_pyskl_and_skeleton_dirs(tmp_path):
    from motionhub.formats.ntu import write_ntu_skeleton, write_pyskl_pkl

    seqs = [coco_clip(label=i % 3, seed=i, name=_ntu_name(camera=1 + i % 3, performer=1 + i % 4, action=1 + i % 3))
            for i in range(12)]
    names = [s.meta["frame_dir"] for s in seqs]
    write_pyskl_pkl(tmp_path / "ntu.pkl", seqs, split={"xsub_train": names[:8], "xsub_val": names[8:]})
    data = load_action_data("ntu", tmp_path / "ntu.pkl", "xsub")
    assert (len(data.train), len(data.eval), data.num_labels) == (8, 4, 60)
    assert [s.meta["frame_dir"] for s in data.train] == names[:8]
    # a split the pkl does not list is derived from the clip names (cameras 2, 3 train in xview)
    data = load_action_data("ntu", tmp_path / "ntu.pkl", "xview")
    assert all(s.meta["camera"] in (2, 3) for s in data.train) and all(s.meta["camera"] == 1 for s in data.eval)

    sk = tmp_path / "skeletons"
    sk.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        xyz = rng.normal(0, 0.3, (2, 7, 25, 3)) + np.array([0, 0, 3.0])
        write_ntu_skeleton(sk / f"{_ntu_name(performer=1 + i, action=5)}.skeleton", xyz)
    data = load_action_data("ntu", sk, "xsub")
    assert len(data.train) == 3 and len(data.eval) == 1 and data.train[0].label == 4  # performers 1, 2, 4 train
    clip = ActionClipDataset(data.train, clip_len=5).clip(0)
    assert clip.shape == (2, 5, 17, 3) and np.isfinite(clip).all()


def test_oneshot_protocol_split(tmp_path):
    from motionhub.formats.ntu import write_pyskl_pkl

    labels = [0, 0, 0, 6, 6, 1, 1, 2, 2, 119]
    seqs = [coco_clip(label=lab, seed=i, name=_ntu_name(setup=1 + i, action=lab + 1)) for i, lab in enumerate(labels)]
    write_pyskl_pkl(tmp_path / "ntu120.pkl", seqs)
    data = load_action_data("ntu", tmp_path / "ntu120.pkl", oneshot=True)
    assert sorted(int(s.label) for s in data.exemplars) == [0, 6]
    assert sorted(int(s.label) for s in data.eval) == [0, 0, 6]
    assert all(int(s.label) not in NTU120_ONESHOT_NOVEL_CLASSES for s in data.train)
    assert data.num_labels == 100 and data.label_map[1] == 0 and data.label_map[119] == 99
    ds = ActionClipDataset(data.train, clip_len=4, label_map=data.label_map)
    assert sorted(set(ds.labels.tolist())) == [0, 1, 99]
    # MotionBERT's oneshot pkl: exemplars / queries from its splits
    names = [s.meta["frame_dir"] for s in seqs]
    write_pyskl_pkl(tmp_path / "oneshot.pkl", [seqs[i] for i in (0, 1, 3, 4)],
                    split={"oneshot_train": [names[1], names[4]], "oneshot_val": [names[0], names[3]]})
    data = load_action_data("ntu", tmp_path / "ntu120.pkl", oneshot=True, oneshot_data=tmp_path / "oneshot.pkl")
    assert [s.meta["frame_dir"] for s in data.exemplars] == [names[1], names[4]]


def test_penn_action_real_data_pipeline():
    root = data_path("penn_action")
    data = load_action_data("penn", root)
    assert (len(data.train), len(data.eval), data.num_labels) == (1258, 1068, 15)
    ds = ActionClipDataset(data.train[:3], clip_len=16, train=True, num_persons=1)
    clip = ds[0]["keypoints"].numpy()
    assert clip.shape == (1, 16, 17, 3) and np.isfinite(clip).all() and np.abs(clip[..., :2]).max() <= 1


def _skeleton_3d_clip(label=0, t=20, seed=0):
    """A (1, T, 17, 3) H36M-17 skeleton in metres, y up, walking along +x, facing the camera (z)."""
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.25, (17, 3)) + np.array([0.0, 1.0, 3.0])
    walk = np.linspace(0, 1, t)[:, None, None] * np.array([1.0, 0.0, 0.0])
    kp = base + walk + rng.normal(0, 0.01, (t, 17, 3))
    return MotionSequence(keypoints_3d=kp[None].astype(np.float32), layout="h36m-17", units_3d="m", label=label,
                          meta={"clip_id": f"c{seed}"})


def test_view_rotation_turns_3d_and_orthographic_clips_about_the_vertical_axis():
    from motionhub.processor import KINECT_3D, ORTHOGRAPHIC_3D
    from motionhub.tasks.action import yaw_rotate

    clips = [_skeleton_3d_clip(seed=i) for i in range(4)]
    # yaw_rotate: vertical coordinates and horizontal distances from the vertical axis through the centre are kept
    x = clips[0].keypoints_3d.astype(np.float64)
    r = yaw_rotate(x, 90.0)
    np.testing.assert_allclose(r[..., 1], x[..., 1], atol=1e-9)
    c = x.reshape(-1, 3).mean(0)
    np.testing.assert_allclose(np.hypot(r[..., 0] - c[0], r[..., 2] - c[2]), np.hypot(x[..., 0] - c[0], x[..., 2] - c[2]),
                               atol=1e-9)
    np.testing.assert_allclose(yaw_rotate(r, -90.0), x, atol=1e-9)
    # orthographic: a 90-degree turn shows the walk (along x) end-on: the horizontal image span of the pelvis
    # track collapses, the vertical coordinates stay
    kw = dict(clip_len=16, num_persons=1, normalization=ORTHOGRAPHIC_3D, channels=3)
    plain = ActionClipDataset(clips, **kw).clip(0)
    turned = ActionClipDataset(clips, eval_rotation=90.0, **kw).clip(0)
    assert np.ptp(turned[0, :, 0, 0]) < 0.2 * np.ptp(plain[0, :, 0, 0])
    # training draws: angles within +-view_rotation, reproducible per (seed, epoch, index), time order kept
    train = ActionClipDataset(clips, train=True, view_rotation=180.0, **kw)
    a, b = train.clip(1), train.clip(1)
    np.testing.assert_array_equal(a, b)
    train.set_epoch(1)
    assert not np.allclose(train.clip(1), a)
    assert ActionClipDataset(clips, train=True, **kw)._sequences_3d is None  # default: ortho not turned (as before)
    # 3D clips: eval_rotation turns the prepared skeleton (vertical coordinates unchanged)
    kw3 = dict(kw, normalization=KINECT_3D)
    p3, t3 = ActionClipDataset(clips, **kw3).clip(0), ActionClipDataset(clips, eval_rotation=45.0, **kw3).clip(0)
    np.testing.assert_allclose(p3[..., 1], t3[..., 1], atol=1e-5)
    assert not np.allclose(p3[..., 0], t3[..., 0])
    # 2D clips cannot be turned; negative ranges are refused
    with pytest.raises(ValueError, match="need 3D or orthographic"):
        ActionClipDataset([coco_clip()], clip_len=16, eval_rotation=30.0)
    with pytest.raises(ValueError, match="view_rotation must be >= 0"):
        ActionClipDataset(clips, view_rotation=-5.0, **kw)


def test_face_front_makes_3d_and_orthographic_clips_view_invariant():
    """facing='front' (NTU-style view normalisation): a clip recorded from any side gives the same input, in the
    dataset and through the saved processor; it needs 3D clips and travels in preprocessor_config.json."""
    from motionhub.processing import yaw_rotate
    from motionhub.processor import KINECT_3D, ORTHOGRAPHIC_3D, MotionProcessor, face_front

    clips = [_skeleton_3d_clip(seed=i) for i in range(3)]
    x = clips[0].keypoints_3d.astype(np.float64)
    faced = face_front(x, "h36m-17")
    hips = faced[0, 0, [1, 4]]  # H36M-17 right / left hip in the first frame
    assert hips[1, 0] < hips[0, 0] and abs(hips[1, 2] - hips[0, 2]) < 1e-9  # left hip at -x, same depth
    for angle in (37.0, 90.0, -150.0):
        np.testing.assert_allclose(face_front(yaw_rotate(x, angle), "h36m-17"), faced, atol=1e-9)
    np.testing.assert_allclose(face_front(x[0], "h36m-17"), faced[0], atol=1e-9)  # (T, J, 3) too
    hidden = x.copy()
    hidden[..., [1, 4], :] = np.nan
    np.testing.assert_array_equal(face_front(hidden, "h36m-17"), hidden)  # no hips: unchanged
    with pytest.raises(ValueError, match="face_front expects"):
        face_front(x[..., :2], "h36m-17")

    turned = [c.replace(keypoints_3d=yaw_rotate(c.keypoints_3d, 75.0)) for c in clips]
    for norm in (KINECT_3D, ORTHOGRAPHIC_3D):
        kw = dict(clip_len=16, num_persons=1, normalization=norm, channels=3)
        front = ActionClipDataset(clips, facing="front", **kw)
        np.testing.assert_allclose(front.clip(1), ActionClipDataset(turned, facing="front", **kw).clip(1), atol=1e-5)
        np.testing.assert_allclose(front.clip(1), ActionClipDataset(clips, facing="front", eval_rotation=120.0,
                                                                    **kw).clip(1), atol=1e-5)
        assert not np.allclose(ActionClipDataset(clips, **kw).clip(1), ActionClipDataset(turned, **kw).clip(1),
                               atol=1e-3)
        proc = front.processor()
        assert proc.clip_facing == "front"
        again = MotionProcessor(**{k: v for k, v in proc.to_dict().items()
                                   if k not in ("feature_extractor_type", "processor_class")})
        np.testing.assert_allclose(again.prepare_clips(turned[1])[0], front.clip(1), atol=1e-5)
        train = ActionClipDataset(clips, facing="front", train=True, view_rotation=30.0, **kw)
        assert train.clip(0).shape == front.clip(0).shape
    with pytest.raises(ValueError, match="facing='front' turns 3D skeletons"):
        ActionClipDataset([coco_clip()], clip_len=16, facing="front")
    with pytest.raises(ValueError, match="facing must be one of"):
        ActionClipDataset(clips, clip_len=16, normalization=KINECT_3D, facing="back")
    with pytest.raises(ValueError, match="clip_facing 'front' turns 3D skeletons"):
        MotionProcessor(clip_normalization="crop_scale", clip_len=16, num_persons=1, clip_facing="front")
