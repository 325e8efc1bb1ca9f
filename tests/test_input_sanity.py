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
