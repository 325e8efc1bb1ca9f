# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Input that no detector writes is an error, not a confident answer (issue 13): all-NaN / all-zero clips, 3D
coordinates passed as 2D, pixel keypoints far outside the stated image. Checked at the processor (every pipeline
and command goes through it) and once through the CLI with the embedded default model."""

from __future__ import annotations

import numpy as np
import pytest

from motionhub import MotionProcessor
from motionhub.cli import main
from motionhub.formats import MotionSequence, save_generic


def _clip(t: int = 20, j: int = 17, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    kp = np.concatenate([rng.uniform(200, 800, (t, j, 2)), rng.uniform(0.3, 1.0, (t, j, 1))], axis=-1)
    return kp


@pytest.fixture
def screen():
    return MotionProcessor(normalization="screen", image_size=(1000, 1000))


@pytest.fixture
def action():
    return MotionProcessor(normalization="crop_scale", clip_normalization="crop_scale", clip_len=16, num_persons=1)


def test_a_plausible_clip_passes(screen, action):
    prepared, _ = screen.prepare_keypoints(_clip())
    assert prepared[0].model_input.shape == (20, 17, 3)
    assert action.prepare_clips(_clip()).shape == (1, 1, 16, 17, 3)


@pytest.mark.parametrize("fill", [np.nan, 0.0])
def test_empty_clips_are_refused_by_lifting_and_classification(screen, action, fill):
    kp = np.full((20, 17, 3), fill)
    with pytest.raises(ValueError, match="every keypoint is missing|at \\(0, 0\\)"):
        screen.prepare_keypoints(kp)
    with pytest.raises(ValueError, match="every keypoint is missing|at \\(0, 0\\)"):
        action.prepare_clips(kp)


def test_zero_coordinates_with_confidence_are_refused(action):
    kp = np.zeros((20, 17, 3))
    kp[..., 2] = 1.0
    with pytest.raises(ValueError, match=r"at \(0, 0\)"):
        action.prepare_clips(kp)


def test_3d_millimetres_given_as_2d_are_refused(action):
    rng = np.random.default_rng(0)
    mm = rng.uniform(-800, 800, (20, 17, 3)) + np.array([0.0, 0.0, 4000.0])  # camera-space mm, z ~ 4 m
    with pytest.raises(ValueError, match="not a confidence"):
        action.prepare_clips(mm)


def test_keypoints_far_outside_the_image_are_refused(screen):
    kp = _clip()
    kp[..., :2] *= 10  # pixels of a 10x larger video
    with pytest.raises(ValueError, match="far outside the 1000 x 1000 image"):
        screen.prepare_keypoints(kp)
    # a few joints off-screen (a person leaving the frame) are normal
    kp = _clip()
    kp[:, :3, 0] = -900
    screen.prepare_keypoints(kp)


def test_cli_refuses_an_empty_clip_in_one_line(tmp_path, capsys):
    kp = np.full((30, 17, 3), np.nan)
    save_generic(tmp_path / "empty.npz", MotionSequence(keypoints_2d=kp, layout="h36m-17", fps=50.0,
                                                       image_size=(1000, 1000)))
    code = main(["lift", str(tmp_path / "empty.npz"), "-o", str(tmp_path / "out.npz"), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and "every keypoint is missing" in err and "Traceback" not in err
    assert not (tmp_path / "out.npz").exists()


# ----------------------------------------------------------------------------------- issue 29: exit 0 with garbage
def test_negative_confidences_are_refused(screen, action):
    kp = _clip()
    kp[3:5, 2:4, 2] = -0.2
    for run in (screen.prepare_keypoints, action.prepare_clips):
        with pytest.raises(ValueError, match=r"4 keypoint\(s\) in 2 frame\(s\) have a negative confidence"):
            run(kp)


def test_nan_confidence_beside_a_position_is_refused_not_dropped(screen, action):
    """Such joints were silently made missing (their observed x, y thrown away); NaN x, y with any confidence stays
    the ordinary 'missing' marker."""
    kp = _clip()
    kp[5:8, 0, 2] = np.nan
    for run in (screen.prepare_keypoints, action.prepare_clips):
        with pytest.raises(ValueError, match=r"3 keypoint\(s\) in 3 frame\(s\) have finite x, y but a NaN confidence"):
            run(kp)
    kp[5:8, 0, :2] = np.nan  # missing joints: fine
    prepared, _ = screen.prepare_keypoints(kp)
    assert prepared[0].missing[5:8, 0].all()


@pytest.mark.parametrize("case", ["negative", "nan"])
def test_cli_names_the_file_with_bad_confidences(tmp_path, capsys, case):
    kp = _clip(30)
    kp[2:6, 1, 2] = -1.0 if case == "negative" else np.nan
    path = tmp_path / "clip.npz"
    save_generic(path, MotionSequence(keypoints_2d=kp, layout="h36m-17", fps=50.0, image_size=(1000, 1000)))
    code = main(["lift", str(path), "-o", str(tmp_path / "out.npz"), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{path}: 4 keypoint(s) in 4 frame(s)" in err
    assert not (tmp_path / "out.npz").exists()


def test_lifting_a_file_without_2d_keypoints_is_one_line(tmp_path, capsys):
    path = tmp_path / "poses3d.npz"
    save_generic(path, MotionSequence(keypoints_3d=np.random.default_rng(0).normal(size=(20, 17, 3)), units_3d="m",
                                      layout="h36m-17", fps=50.0))
    code = main(["lift", str(path), "-o", str(tmp_path / "out.npz"), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "IndexError" not in err, err
    assert err.strip() == f"motionhub lift: error: no 2D keypoints in {path}: use a 3D model or `motionhub stride`"


@pytest.mark.parametrize("frames", [1, 2])
def test_evaluate_on_too_short_clips_writes_valid_json(tmp_path, capsys, frames):
    """The acceleration error needs 3 frames: it was printed as 'nan' and written as a bare NaN (invalid JSON)."""
    import json

    rng = np.random.default_rng(frames)
    gt = rng.normal(0, 0.3, (frames, 17, 3))
    gt[..., 2] += 4.0
    path = tmp_path / "short.npz"
    save_generic(path, MotionSequence(keypoints_2d=_clip(frames), keypoints_3d=gt, units_3d="m", layout="h36m-17",
                                      fps=50.0, image_size=(1000, 1000)))
    out = tmp_path / "metrics.json"
    assert main(["evaluate", "default", str(path), "-o", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "accel err  n/a" in printed and "nan" not in printed.lower(), printed

    def no_constants(name):
        raise AssertionError(f"{name} is not JSON")

    metrics = json.loads(out.read_text(), parse_constant=no_constants)
    assert metrics["accel_error"] is None and metrics["per_sequence"][0]["accel_error"] is None
    assert any("accel_error" in note for note in metrics["notes"]) and metrics["mpjpe"] > 0


def test_cli_json_writers_refuse_nan(tmp_path):
    from motionhub.commands._common import write_json_or_npz

    with pytest.raises(ValueError, match="JSON"):
        write_json_or_npz(tmp_path / "x.json", {"value": float("nan")})
    assert not (tmp_path / "x.json").exists()


# --- issue 29 round 3: garbage that used to lift with exit 0 -------------------------------------------------------
DEMO = __import__("pathlib").Path(__import__("motionhub").__file__).resolve().parent / "demo" / "cmu_walk_2d.npz"


def _demo():
    from motionhub.formats import load_motion

    return load_motion(DEMO)


def test_a_wrong_layout_with_as_many_joints_is_refused_naming_the_right_one(screen):
    seq = _demo()  # a real CMU walk in the h36m-17 order
    screen.prepare_keypoints(seq)  # its own layout passes
    with pytest.raises(ValueError, match=r"not have a body's proportions in the coco-17 .* --layout h36m-17"):
        screen.prepare_keypoints(seq, layout="coco-17")


def test_layout_fit_separates_orders_and_random_points():
    from motionhub.skeleton import layout_fit

    kp = _demo().keypoints_2d
    assert layout_fit(kp, "h36m-17") < 0.3
    assert layout_fit(kp, "coco-17") > 0.45
    rng = np.random.default_rng(0)
    for seed in range(20):  # a random "pose" drifting over the frames fits no 17-joint order
        rng = np.random.default_rng(seed)
        noise = rng.uniform(100, 400, (1, 17, 2)) + np.cumsum(rng.normal(0, 2, (30, 1, 2)), axis=0)
        assert all(layout_fit(noise, lay) > 0.25 for lay in ("h36m-17", "coco-17", "posetrack-17", "mpi_inf_3dhp-17"))
    assert layout_fit(rng.uniform(100, 400, (30, 17, 2)), "h36m-17") is None  # new random points every frame
    assert layout_fit(kp[:2], "h36m-17") is None  # too few frames to tell


def test_every_keypoint_at_one_point_is_refused(screen, action):
    kp = np.zeros((20, 17, 3))
    kp[..., 0], kp[..., 1], kp[..., 2] = 500.0, 300.0, 0.9
    for call in (lambda: screen.prepare_keypoints(kp), lambda: action.prepare_clips(kp)):
        with pytest.raises(ValueError, match=r"in 20 of 20 frames every keypoint is at the same point"):
            call()


def test_an_image_far_larger_than_the_person_is_refused(screen):
    seq = _demo()
    with pytest.raises(ValueError, match=r"person spans .* of the 100000 x 100000 image .* image size is wrong"):
        screen.prepare_keypoints(seq, image_size=(100000, 100000))
    from motionhub.pipelines import (
        PoseLiftingPipeline,  # the same through the pipeline API (embedded default)
    )
    from motionhub.pretrained import load_default_lifting_model

    pipe = PoseLiftingPipeline(load_default_lifting_model(), progress=False)
    with pytest.raises(ValueError, match="image size is wrong"):
        pipe(seq.replace(image_size=(100000, 100000)))


@pytest.mark.parametrize("fps, message", [(-30.0, "'fps' is -30"), (np.nan, "'fps' is nan"),
                                          (np.array([30.0, 25.0]), "'fps' must be one number")])
def test_a_negative_or_nan_frame_rate_is_refused(tmp_path, fps, message):
    from motionhub.formats import load_motion

    np.savez(tmp_path / "c.npz", keypoints_2d=_clip(), layout="h36m-17", fps=fps)
    with pytest.raises(ValueError, match=f"c.npz: {message}"):
        load_motion(tmp_path / "c.npz")


def test_a_boolean_keypoint_array_is_refused_naming_the_file(tmp_path, capsys):
    np.savez(tmp_path / "mask.npz", keypoints_2d=_clip() > 500, layout="h36m-17", fps=50.0, image_size=[1000, 1000])
    assert main(["lift", str(tmp_path / "mask.npz"), "-o", str(tmp_path / "o.npz")]) == 1
    err = capsys.readouterr().err.strip()
    assert "mask.npz" in err and "boolean array" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o.npz").exists()


def test_cli_refuses_a_wrong_layout_in_one_line(tmp_path, capsys):
    out = tmp_path / "o.npz"
    assert main(["lift", str(DEMO), "--layout", "coco-17", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "--layout h36m-17" in err and "cmu_walk_2d.npz" in err and len(err.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("field, value, message", [
    ("image_size", np.array([np.nan, 1000.0]), "'image_size' must be two finite numbers"),
    ("fps", 1e12, "is not a frame rate"),
])
def test_impossible_image_size_or_frame_rate_is_refused(tmp_path, field, value, message):
    from motionhub.formats import load_motion

    arrays = {"keypoints_2d": _clip(), "layout": "h36m-17", "fps": 30.0, "image_size": np.array([1000, 1000])}
    arrays[field] = value
    np.savez(tmp_path / "c.npz", **arrays)
    with pytest.raises(ValueError, match=message):
        load_motion(tmp_path / "c.npz")


def test_an_object_npy_is_one_line_naming_the_file(tmp_path, capsys):
    np.save(tmp_path / "objects.npy", np.array([None, 1], dtype=object), allow_pickle=True)
    assert main(["lift", str(tmp_path / "objects.npy"), "--layout", "coco-17", "-o", str(tmp_path / "o.npz")]) == 1
    err = capsys.readouterr().err.strip()
    assert "objects.npy: not a numeric .npy array" in err and len(err.splitlines()) == 1
