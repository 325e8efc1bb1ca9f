# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Pipelines (motionhub.pipelines) on tiny random models: any length, windows, flip, layouts, missing joints,
many-to-one lifting, actions, meshes, evaluation protocols, and the plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

import motionhub
from motionhub import DSTformerConfig, DSTformerForPoseLifting
from motionhub.formats import MotionSequence, load_generic, load_motion
from motionhub.pipelines import (
    ActionPipeline,
    PoseLiftingPipeline,
    evaluate_lifting,
    load_model,
    model_task,
)
from motionhub.processing import crop_scale
from motionhub.skeleton import flip, to_h36m

DEMO = Path(motionhub.__file__).resolve().parent / "demo" / "cmu_walk_2d.npz"


def _tiny_config(**kw) -> DSTformerConfig:
    return DSTformerConfig(**{"dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2, "maxlen": 27, **kw})


@pytest.fixture(scope="module")
def lifter_model():
    torch.manual_seed(0)
    return DSTformerForPoseLifting(_tiny_config()).eval()


@pytest.fixture(scope="module")
def metric_model():
    torch.manual_seed(1)
    return DSTformerForPoseLifting(_tiny_config(input_normalization="screen", output_units="m")).eval()


def _pixels(t: int, j: int = 17, seed: int = 0, conf: bool = True) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.uniform(100, 400, size=(1, j, 2)) + np.cumsum(rng.normal(0, 2, size=(t, 1, 2)), axis=0)
    if not conf:
        return base
    return np.concatenate([base, rng.uniform(0.5, 1.0, size=(t, j, 1))], axis=-1)


def _direct(model, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.from_numpy(np.asarray(x, dtype=np.float32))[None]).pose_3d[0].numpy()


# ----------------------------------------------------------------------------------------------------- lifting
@pytest.mark.parametrize("num_frames", [1, 5, 300])
def test_any_length_gives_finite_root_relative_poses(lifter_model, num_frames):
    pipe = PoseLiftingPipeline(lifter_model, batch_size=4, progress=False)
    res = pipe(_pixels(num_frames))
    assert res.pose_3d.shape == (num_frames, 17, 3)
    assert np.isfinite(res.pose_3d).all()
    np.testing.assert_array_equal(res.pose_3d[:, 0], 0.0)
    assert res.units == "normalized" and res.layout == "h36m-17"
    assert res.pose_3d_pixels.shape == (num_frames, 17, 3) and np.isfinite(res.pose_3d_pixels).all()


def test_single_window_equals_one_forward_pass(lifter_model):
    kp = _pixels(20)
    pipe = PoseLiftingPipeline(lifter_model, flip=False, progress=False)
    res = pipe(kp)
    x = crop_scale(kp)  # the pipeline's crop_scale with scale 1 over the whole sequence
    np.testing.assert_allclose(res.keypoints_2d, x, atol=1e-6)
    expected = _direct(lifter_model, x)
    np.testing.assert_allclose(res.pose_3d, expected - expected[:, :1], atol=1e-5)


def test_overlapping_windows_are_merged(lifter_model):
    kp = _pixels(40)
    pipe = PoseLiftingPipeline(lifter_model, flip=False, window=27, stride=13, progress=False)
    res = pipe(kp)
    x = crop_scale(kp).astype(np.float32)
    first, second = _direct(lifter_model, x[:27]), _direct(lifter_model, x[13:40])
    first, second = first - first[:, :1], second - second[:, :1]
    # windows [0, 27) and [13, 40): frames 0..12 only see the first, 27..39 only the second
    np.testing.assert_allclose(res.pose_3d[:13], first[:13], atol=1e-5)
    np.testing.assert_allclose(res.pose_3d[27:], second[14:], atol=1e-5)
    # the overlap is a triangular-weighted blend: between the two window predictions
    mid = res.pose_3d[13:27]
    lo, hi = np.minimum(first[13:], second[:14]), np.maximum(first[13:], second[:14])
    assert np.all(mid >= lo - 1e-5) and np.all(mid <= hi + 1e-5)
    assert res.meta["stride"] == 13 and res.meta["window"] == 27


def test_flip_averaging(lifter_model):
    kp = _pixels(12)
    res = PoseLiftingPipeline(lifter_model, flip=True, progress=False)(kp)
    x = crop_scale(kp).astype(np.float32)
    direct = _direct(lifter_model, x)
    mirrored = flip(_direct(lifter_model, flip(x, "h36m-17")), "h36m-17")
    expected = (direct + mirrored) / 2
    np.testing.assert_allclose(res.pose_3d, expected - expected[:, :1], atol=1e-5)
    no_flip = PoseLiftingPipeline(lifter_model, flip=False, progress=False)(kp)
    assert not np.allclose(no_flip.pose_3d, res.pose_3d)


@pytest.mark.parametrize("layout, joints", [("coco-17", 17), ("halpe-26", 26)])
def test_layout_conversion(lifter_model, layout, joints):
    kp = _pixels(15, j=joints, seed=3)
    pipe = PoseLiftingPipeline(lifter_model, progress=False)
    res = pipe(kp, layout=layout)
    ref = pipe(to_h36m(kp, layout), layout="h36m-17")
    assert res.meta["input_layout"] == layout
    np.testing.assert_allclose(res.pose_3d, ref.pose_3d, atol=1e-6)
    seq = MotionSequence(keypoints_2d=kp, layout=layout, fps=30.0)
    np.testing.assert_allclose(pipe(seq).pose_3d, res.pose_3d, atol=1e-6)


def test_nan_joints_are_zeroed_with_zero_confidence(lifter_model):
    kp = _pixels(10, j=17, seed=4)
    kp[3, 11] = np.nan  # COCO left hip of frame 3 -> H36M left hip AND pelvis/spine are missing
    kp[5, 0] = np.nan  # a missing joint: NaN x, y (and confidence)
    pipe = PoseLiftingPipeline(lifter_model, progress=False)
    odd = kp.copy()
    odd[6, 0, 2] = np.nan  # a NaN confidence beside a position is refused, not silently dropped (issue 29)
    with pytest.raises(ValueError, match=r"1 keypoint\(s\) in 1 frame\(s\) have finite x, y but a NaN confidence"):
        pipe(odd, layout="coco-17")
    res = pipe(kp, layout="coco-17")
    assert np.isfinite(res.pose_3d).all()
    assert res.missing[3, 0] and res.missing[3, 4] and res.missing[3, 7]
    assert not res.missing[3, 1]
    np.testing.assert_array_equal(res.keypoints_2d[3, res.missing[3]], 0.0)
    assert res.missing.sum() == res.missing[3].sum() + res.missing[5].sum()
    assert np.isnan(res.keypoints_2d_pixels[3, 4, :2]).all() and res.keypoints_2d_pixels[3, 4, 2] == 0
    interp = PoseLiftingPipeline(lifter_model, fill_missing="interpolate", progress=False)(kp, layout="coco-17")
    assert interp.keypoints_2d[3, 4, 2] == 0 and np.all(interp.keypoints_2d[3, 4, :2] != 0)


def test_two_channel_input_gets_confidence_one(lifter_model):
    kp = _pixels(8, conf=False)
    res = PoseLiftingPipeline(lifter_model, progress=False)(kp)
    np.testing.assert_array_equal(res.keypoints_2d[..., 2], 1.0)


def test_pixels_are_placed_on_the_2d_input(lifter_model):
    kp = _pixels(30, seed=5)
    res = PoseLiftingPipeline(lifter_model, progress=False)(kp)
    side = res.meta["crop_transform"][0][2]
    np.testing.assert_allclose(res.meta["pixels_per_unit"][0], side / 2)
    px = res.pose_3d_pixels
    np.testing.assert_allclose(px - px[:, :1], res.pose_3d * side / 2, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose((kp[..., :2] - px[..., :2]).mean(axis=1), 0.0, atol=1e-3)


def test_multi_person_input(lifter_model):
    kp = np.stack([_pixels(12, seed=6), _pixels(12, seed=7)])
    res = PoseLiftingPipeline(lifter_model, progress=False)(kp)
    assert res.pose_3d.shape == (2, 12, 17, 3)
    single = PoseLiftingPipeline(lifter_model, progress=False)(kp[1])
    np.testing.assert_allclose(res.pose_3d[1], single.pose_3d, atol=1e-6)


def test_screen_normalisation_and_metric_units(metric_model):
    seq = load_motion(DEMO)
    res = PoseLiftingPipeline(metric_model, flip=False, progress=False)(seq)
    assert res.units == "m" and res.pose_3d_pixels is None
    w = seq.image_size[0]
    np.testing.assert_allclose(res.keypoints_2d[0, :, 0], seq.keypoints_2d[0, :, 0] / w * 2 - 1, atol=1e-5)


def test_bad_inputs_have_helpful_errors(lifter_model, metric_model):
    pipe = PoseLiftingPipeline(lifter_model, progress=False)
    with pytest.raises(ValueError, match="halpe-26"):
        pipe(_pixels(5, j=26), layout="h36m-17")
    with pytest.raises(ValueError, match="no registered layout has 14"):
        pipe(_pixels(5, j=14))
    with pytest.raises(ValueError, match="unknown joint layout"):
        pipe(_pixels(5), layout="h36m17")
    with pytest.raises(ValueError, match=r"\(T, J, 2\|3\)"):
        pipe(np.zeros((5, 17)))
    with pytest.raises(ValueError, match="every keypoint is missing"):
        pipe(np.full((4, 17, 2), np.nan))
    with pytest.raises(ValueError, match="image size"):
        PoseLiftingPipeline(metric_model, progress=False)(_pixels(5))
    with pytest.raises(ValueError, match="window"):
        PoseLiftingPipeline(lifter_model, window=100)
    with pytest.raises(ValueError, match="batch_size"):
        PoseLiftingPipeline(lifter_model, batch_size=0)


def test_load_model_checks_the_task(tmp_path, lifter_model):
    from motionhub.heads import DSTformerForActionClassification

    lifter_model.save_pretrained(tmp_path / "lift")
    assert model_task(load_model(tmp_path / "lift", "pose-lifting")) == "pose-lifting"
    with pytest.raises(ValueError, match="not a model for action-classification"):
        load_model(tmp_path / "lift", "action-classification")
    torch.manual_seed(0)
    DSTformerForActionClassification(_tiny_config(num_labels=3)).save_pretrained(tmp_path / "cls")
    with pytest.raises(ValueError, match="not a model for pose-lifting"):
        load_model(tmp_path / "cls", "pose-lifting")
    with pytest.raises(FileNotFoundError, match="not a Hugging Face Hub repo id"):
        load_model(tmp_path / "missing", "pose-lifting")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="without config.json"):
        load_model(tmp_path / "empty", "pose-lifting")


# ------------------------------------------------------------------------------------------------ many-to-one
def test_many_to_one_lifting_matches_centred_windows():
    from motionhub import STMOConfig, STMOForPoseLifting
    from motionhub.encoders.stmo import stmo_windows

    torch.manual_seed(0)
    cfg = STMOConfig(frames=9, layers=1, channel=16, d_hid=32, num_heads=2, tds=1, decoder_layers=0)
    model = STMOForPoseLifting(cfg).eval()
    seq = MotionSequence(keypoints_2d=_pixels(7, conf=False), layout="h36m-17", image_size=(500, 500))
    pipe = PoseLiftingPipeline(model, flip=False, batch_size=3, progress=False)
    res = pipe(seq)
    assert res.pose_3d.shape == (7, 17, 3) and res.units == "m" and res.meta["many_to_one"]
    x = res.keypoints_2d[..., :2]
    with torch.no_grad():
        direct = model(torch.from_numpy(stmo_windows(x, 9, 1)).float()).pose_3d[:, 0].numpy()
    np.testing.assert_allclose(res.pose_3d, direct - direct[:, :1], atol=1e-5)
    flipped = PoseLiftingPipeline(model, flip=True, progress=False)(seq)
    assert flipped.pose_3d.shape == (7, 17, 3) and np.isfinite(flipped.pose_3d).all()
    with pytest.raises(ValueError, match="exactly 9 frames"):
        PoseLiftingPipeline(model, window=5)


# ---------------------------------------------------------------------------------------------------- actions
@pytest.fixture(scope="module")
def action_models():
    from motionhub.heads import (
        DSTformerForActionClassification,
        DSTformerForActionEmbedding,
    )

    torch.manual_seed(0)
    cls = DSTformerForActionClassification(
        _tiny_config(num_labels=3, id2label={0: "walk", 1: "run", 2: "jump"}, action_hidden_size=32)
    ).eval()
    emb = DSTformerForActionEmbedding(_tiny_config(embedding_size=8)).eval()
    return cls, emb


def test_action_classification_multi_person_and_batches(action_models):
    cls, _ = action_models
    pipe = ActionPipeline(cls, progress=False)
    two = np.stack([_pixels(30, seed=1), _pixels(30, seed=2)])
    res = pipe(two, layout="coco-17")
    assert res.logits.shape == (1, 3)
    np.testing.assert_allclose(res.probabilities.sum(axis=1), 1.0, rtol=1e-6)
    top = res.top_k(2)[0]
    assert len(top) == 2 and top[0][1] in ("walk", "run", "jump") and top[0][2] >= top[1][2]
    many = pipe([two, _pixels(50, seed=3), MotionSequence(keypoints_2d=_pixels(10), layout="h36m-17")],
                layout="coco-17")
    assert many.logits.shape == (3, 3)
    np.testing.assert_allclose(many.logits[0], res.logits[0], atol=1e-5)
    clips = pipe.clips(two, layout="coco-17")
    assert clips.shape == (1, 2, 27, 17, 3)


def test_action_embeddings_are_unit_norm(action_models):
    _, emb = action_models
    pipe = ActionPipeline(emb, flip=True, progress=False)
    res = pipe([_pixels(20, seed=s) for s in range(3)])
    assert res.embeddings.shape == (3, 8) and res.logits is None
    np.testing.assert_allclose(np.linalg.norm(res.embeddings, axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="classification model"):
        res.top_k()


def test_screen_action_clips_match_the_small_models_preparation():
    """``normalization="screen"`` = examples/train/oneshot_penn.py ``prepare`` (H36M-17, normalize_screen, resample)."""
    from motionhub.heads import DSTformerForActionEmbedding, OneShotEvaluator

    from motionhub.processing import normalize_screen, resample

    torch.manual_seed(0)
    model = DSTformerForActionEmbedding(_tiny_config(embedding_size=8, input_normalization="screen")).eval()
    assert ActionPipeline(model, progress=False).normalization == "crop_scale"  # pretraining input says nothing
    model.config.action_normalization = "screen"
    rng = np.random.default_rng(0)
    kp = np.concatenate([rng.uniform(0, 400, size=(50, 13, 2)), rng.integers(0, 2, size=(50, 13, 1))], axis=-1)
    seq = MotionSequence(keypoints_2d=kp, layout="penn-13", fps=30.0, image_size=(480, 360))
    pipe = ActionPipeline(model, progress=False)
    assert pipe.normalization == "screen" and pipe.num_persons == 1 and pipe.clip_len == 27
    clip = pipe.clips(seq)
    expected = normalize_screen(to_h36m(kp, "penn-13"), 480, 360)[resample(50, 27)]
    np.testing.assert_allclose(clip[0, 0], expected, atol=1e-5)
    emb = pipe(seq).embeddings
    ref, _ = OneShotEvaluator(model).embed(expected[None].astype(np.float32))
    np.testing.assert_allclose(emb, ref, atol=1e-5)
    with pytest.raises(ValueError, match="image size"):
        pipe(kp, layout="penn-13")


def test_3d_input_action_clips():
    """KINECT_3D clips = examples/train/finetune_msr_action3d.py ``prepare`` (H36M-17 m, first-frame pelvis, y down)."""
    from motionhub.heads import DSTformerForActionClassification

    from motionhub.pipelines import KINECT_3D
    from motionhub.processing import resample

    torch.manual_seed(0)
    model = DSTformerForActionClassification(_tiny_config(num_labels=4, input_normalization=KINECT_3D)).eval()
    kp = np.random.default_rng(0).uniform(-800, 800, size=(40, 20, 3)) + np.array([0, 0, 3000])
    seq = MotionSequence(keypoints_3d=kp, layout="kinect-20", units_3d="mm", fps=15.0, label=1)
    pipe = ActionPipeline(model, progress=False)
    assert pipe.normalization == KINECT_3D and pipe.num_persons == 1
    x = to_h36m(kp, "kinect-20") / 1000.0
    x = x - x[:1, :1]
    x[..., 1] *= -1
    np.testing.assert_allclose(pipe.clips(seq)[0, 0], x[resample(40, 27)], atol=1e-6)
    assert pipe([seq, seq.replace(keypoints_3d=kp / 1000.0, units_3d="m")]).logits.shape == (2, 4)
    with pytest.raises(ValueError, match="keypoints_3d"):
        pipe(MotionSequence(keypoints_2d=kp[..., :2], layout="kinect-20"))


# ------------------------------------------------------------------------------------------------------- mesh
def test_mesh_pipeline_with_synthetic_smpl(tmp_path):
    synthetic = pytest.importorskip("synthetic_smpl")
    from motionhub.heads import DSTformerForMeshRecovery

    from motionhub.pipelines import MeshPipeline

    smpl = synthetic.write_synthetic_smpl_dir(tmp_path / "smpl")
    torch.manual_seed(0)
    model = DSTformerForMeshRecovery(_tiny_config(mesh_hidden_size=16), smpl_model_path=str(smpl)).eval()
    res = MeshPipeline(model, window=27, stride=13, flip=False, progress=False)(_pixels(30))
    assert res.theta.shape == (30, 82) and res.vertices.shape == (30, 6890, 3) and res.joints_3d.shape == (30, 17, 3)
    assert np.isfinite(res.vertices).all() and res.faces.shape[1] == 3
    out = res.save(tmp_path / "mesh.npz")
    with np.load(out) as z:
        assert str(z["units"]) == "mm" and z["vertices"].shape == (30, 6890, 3)


def test_mesh_pipeline_flip_of_multitask_and_mesh_models_is_one_rule(tmp_path):
    """Flip averaging of a multi-task model's mesh = the mesh model's predict_with_flip on the same head; one window
    (T <= window) equals the direct flip-averaged prediction."""
    synthetic = pytest.importorskip("synthetic_smpl")
    from motionhub.heads import DSTformerForMultiTask
    from motionhub.rotations import flip_thetas

    from motionhub.pipelines import MeshPipeline

    smpl = synthetic.write_synthetic_smpl_dir(tmp_path / "smpl")
    torch.manual_seed(0)
    model = DSTformerForMultiTask(_tiny_config(num_labels=3, action_hidden_size=8, mesh_hidden_size=16),
                                  smpl_model_path=str(smpl)).eval()
    pipe = MeshPipeline(model, flip=True, progress=False)
    res = pipe(_pixels(20))
    x = torch.from_numpy(pipe.prepare(_pixels(20))[0][0].model_input)[None]
    with torch.no_grad():
        out = model(keypoints=x).mesh
        mirrored = model(keypoints=flip(x, "h36m-17")).mesh
        theta_back = torch.cat([flip_thetas(mirrored.theta[..., :72]), mirrored.theta[..., 72:]], dim=-1)
        verts_back, _ = model.mesh_from_theta(theta_back)
    np.testing.assert_allclose(res.theta, ((out.theta + theta_back) / 2)[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(res.vertices, ((out.vertices + verts_back) / 2)[0].numpy(), atol=1e-3)


# ------------------------------------------------------------------------------------------------- evaluation
def test_evaluate_lifting_reproduces_the_results_procedure(metric_model):
    """Defaults of `motionhub evaluate` = motionhub.pipelines.evaluate_lifting_files (the results/*.json numbers)."""
    from motionhub.pipelines import evaluate_lifting_files

    ref = evaluate_lifting_files(metric_model, [DEMO], output_units="m")
    pipe = PoseLiftingPipeline(metric_model, flip=False, merge="uniform", pad_short=True, progress=False)
    pipe.stride = pipe.window
    ours = evaluate_lifting(pipe, [load_generic(DEMO)], "auto", progress=False)
    assert ours["protocol"] == "metric" and ours["units"] == "mm" and ours["num_frames"] == ref["num_frames"]
    np.testing.assert_allclose(ours["mpjpe"], ref["mpjpe_mm"], rtol=1e-5)
    np.testing.assert_allclose(ours["p_mpjpe"], ref["p_mpjpe_mm"], rtol=1e-5)


def test_evaluation_protocols(lifter_model):
    seq = load_generic(DEMO)
    pipe = PoseLiftingPipeline(lifter_model, flip=False, progress=False)
    res = pipe(seq)
    gt = seq.keypoints_3d - seq.keypoints_3d[:, :1]
    scaled = evaluate_lifting(pipe, [seq], "scale", progress=False)
    s = np.sum(res.pose_3d.astype(np.float64) * gt) / np.sum(res.pose_3d.astype(np.float64) ** 2)
    expected = np.linalg.norm(res.pose_3d * s - gt, axis=-1).mean()
    np.testing.assert_allclose(scaled["mpjpe"], expected, rtol=1e-4)
    np.testing.assert_allclose(scaled["per_sequence"][0]["scale"], s, rtol=1e-4)
    camera = evaluate_lifting(pipe, [seq], "auto", progress=False)  # the demo stores its focal length
    assert camera["protocol"] == "camera"
    focal = np.mean(seq.meta["camera"]["focal_px"])
    pred = res.pose_3d * res.meta["pixels_per_unit"][0] * (seq.keypoints_3d[:, 0, 2] / focal)[:, None, None]
    np.testing.assert_allclose(camera["mpjpe"], np.linalg.norm(pred - gt, axis=-1).mean(), rtol=1e-4)
    assert camera["p_mpjpe"] == camera["pa_mpjpe"] <= camera["mpjpe"]
    with pytest.raises(ValueError, match="metric units"):
        evaluate_lifting(pipe, [seq], "metric", progress=False)
    with pytest.raises(ValueError, match="3D ground truth"):
        evaluate_lifting(pipe, [seq.replace(keypoints_3d=None)], progress=False)


# ------------------------------------------------------------------------------------------------------- plot
def test_plot_gif_and_png(tmp_path):
    from PIL import Image

    from motionhub.visualization import plot_pose_3d

    seq = load_generic(DEMO)
    gif = plot_pose_3d(seq.keypoints_3d[:24], seq.keypoints_2d[:24], tmp_path / "a.gif", fps=50.0, dpi=40)
    with Image.open(gif) as im:
        assert im.n_frames == 12  # 50 fps -> every 2nd frame at 25 fps
    png = plot_pose_3d(seq.keypoints_3d[:5], None, tmp_path / "a.png", dpi=40)
    assert png.stat().st_size > 1000
    with pytest.raises(ValueError, match=r"\.gif or \.png"):
        plot_pose_3d(seq.keypoints_3d[:5], None, tmp_path / "a.mp4")
    with pytest.raises(ValueError, match="layout"):
        plot_pose_3d(np.zeros((3, 26, 3)), None, tmp_path / "b.png")
