# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The embedded default lifting model (motionhub/pretrained) and the training scripts of our own checkpoints."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import data_path

from motionhub.formats import load_generic
from motionhub.pretrained import (
    DEFAULT_INPUT_NORMALIZATION,
    DEFAULT_LIFTING_MODEL_DIR,
    DEFAULT_OUTPUT_UNITS,
    lift_keypoints,
    load_default_lifting_model,
    normalize_lifting_input,
)
from motionhub.pipelines import evaluate_lifting_files
from motionhub.skeleton import get_layout

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "motionhub" / "demo" / "cmu_walk_2d.npz"


@pytest.fixture(scope="module")
def model():
    torch.set_num_threads(1)
    return load_default_lifting_model()


def test_default_files_are_small_and_described():
    files = {p.name: p.stat().st_size for p in DEFAULT_LIFTING_MODEL_DIR.iterdir()}
    assert {"config.json", "model.safetensors", "README.md"} <= set(files)
    assert files["model.safetensors"] < 10 * 2**20
    cfg = json.loads((DEFAULT_LIFTING_MODEL_DIR / "config.json").read_text())
    assert cfg["model_type"] == "dstformer" and cfg["joint_layout"] == "h36m-17"
    assert cfg["input_normalization"] == DEFAULT_INPUT_NORMALIZATION == "screen"
    card = (DEFAULT_LIFTING_MODEL_DIR / "README.md").read_text()
    assert card.startswith("---") and "library_name: motionhub" in card and "normalize_screen" in card
    assert DEFAULT_OUTPUT_UNITS == "m"


def test_pyproject_ships_the_default_model():
    text = (REPO / "pyproject.toml").read_text()
    assert '"motionhub.pretrained",' in text
    assert '"motionhub.pretrained" = ["*/*.json", "*/*.safetensors", "*/*.md"]' in text


def test_default_model_lifts_the_demo(model):
    seq = load_generic(DEMO)
    x = normalize_lifting_input(seq.keypoints_2d, seq.image_size)
    assert x.shape == (143, 17, 3) and np.abs(x[..., :2]).max() <= 1.0
    pred = lift_keypoints(model, x)
    assert pred.shape == (143, 17, 3) and np.isfinite(pred).all()
    np.testing.assert_allclose(pred[:, 0], 0.0, atol=1e-6)  # root-relative
    # plausible human in metres: thigh and shin 0.3-0.6 m, head above the pelvis (y down)
    lay = get_layout("h36m-17")
    thigh = np.linalg.norm(pred[:, 1] - pred[:, 2], axis=-1).mean()
    shin = np.linalg.norm(pred[:, 2] - pred[:, 3], axis=-1).mean()
    assert 0.25 < thigh < 0.65 and 0.25 < shin < 0.65, (thigh, shin)
    assert (pred[:, 10, 1] < pred[:, 0, 1]).mean() > 0.95
    assert lay.num_joints == 17


def test_default_model_accuracy_on_the_demo(model):
    res = evaluate_lifting_files(model, [DEMO])
    assert res["num_frames"] == 143
    # the CMU walk (unseen subject, virtual camera): a working lifter is well under 150 mm
    assert res["mpjpe_mm"] < 150.0, res["mpjpe_mm"]
    assert res["p_mpjpe_mm"] < res["mpjpe_mm"]


def test_missing_joints_and_flip(model):
    seq = load_generic(DEMO)
    kp = seq.keypoints_2d[:40].copy()
    kp[5, 3] = np.nan
    x = normalize_lifting_input(kp, seq.image_size)
    assert (x[5, 3] == 0).all()
    short = lift_keypoints(model, x[:10], flip=True)  # shorter than maxlen: edge-padded window
    assert short.shape == (10, 17, 3) and np.isfinite(short).all()
    with pytest.raises(ValueError, match="image_size"):
        normalize_lifting_input(kp, None)
    with pytest.raises(ValueError, match="one sequence"):
        lift_keypoints(model, x[None])


@pytest.mark.slow
def test_short_pretraining_rerun(tmp_path):
    """Rerun a few steps of the pretraining recipe on the real data and reload the result."""
    root = data_path("bandai_namco").parent
    sys.path.insert(0, str(REPO / "examples" / "train"))
    from pretrain_lifting_small import main

    from motionhub import DSTformerForPoseLifting

    out = tmp_path / "pt"
    assert main(["--out", str(out), "--data-root", str(root), "--max-steps", "3", "--batch-size", "4"]) == 0
    log = json.loads((out / "training_log.json").read_text())
    assert log["steps"] == 3 and log["data"]["h36m"]["sequences"] > 0
    losses = [h["train_loss"] for h in log["log_history"] if "train_loss" in h]
    assert losses and np.isfinite(losses[0])
    reloaded = DSTformerForPoseLifting.from_pretrained(out)
    assert reloaded.config.input_normalization == "screen" and reloaded.config.maxlen == 27
