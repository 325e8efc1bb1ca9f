# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The lifting training campaign resumes across sessions: a run stopped and continued equals an uninterrupted one.

Runs ``examples/train/campaign_lifting.py`` on a tiny synthetic Human3.6M set (same files and keys as the
3d-pose-baseline npz set) with a tiny DSTformer, in a subprocess per invocation (like a fresh session).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "train" / "campaign_lifting.py"
CAMS = ("54138969", "55011271", "58860488", "60457274")


def _fake_h36m(root: Path, frames: int = 60) -> Path:
    """A synthetic 3d-pose-baseline set: S1 (train) and S8 (held out), one take, four cameras."""
    rng = np.random.default_rng(0)
    d3, d2, cams = {}, {}, {}
    base = rng.normal(0, 200, (17, 3)) + np.array([0, 0, 900.0])
    for k, subject in ((1, "S1"), (8, "S8")):
        t = np.arange(frames)[:, None, None]
        world = base + 50 * np.sin(t / 7.0 + np.arange(17)[None, :, None]) + rng.normal(0, 5, (frames, 17, 3))
        d3[f"{subject}/Walking"] = world.astype(np.float32)
        for c, cam in enumerate(CAMS, start=1):
            yaw = c * np.pi / 2
            R = np.array([[np.cos(yaw), np.sin(yaw), 0], [0, 0, -1.0], [-np.sin(yaw), np.cos(yaw), 0]])
            g = f"subject{k}/camera{c}"
            cams.update({f"{g}/R": R.T, f"{g}/T": np.array([[0.0], [0.0], [0.0]]) - R.T @ np.array([[0], [0], [5000.0]]),
                         f"{g}/f": np.array([[1145.0], [1144.0]]), f"{g}/c": np.array([[512.0], [515.0]]),
                         f"{g}/k": np.zeros((3, 1)), f"{g}/p": np.zeros((2, 1)), f"{g}/name": np.array(cam)})
            d2[f"{subject}/Walking.{cam}"] = rng.integers(300, 700, (frames, 16, 2)).astype(np.int16)
    out = root / "h36m_train"
    out.mkdir(parents=True)
    np.savez(out / "h36m_3d_world_17j_50fps_train.npz", **d3)
    np.savez(out / "h36m_sh_detections_2d_16j_train.npz", **d2)
    np.savez(out / "h36m_cameras.npz", **cams)
    return root


def _run(run: Path, data: Path, *extra: str) -> str:
    cmd = [sys.executable, str(SCRIPT), "--run", str(run), "--data-root", str(data), "--threads", "1", *extra]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res.stdout


FIRST = ["--init", "scratch", "--config", json.dumps({"dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2}),
         "--max-steps", "6", "--save-steps", "2", "--batch-size", "4", "--clip-len", "9", "--clip-stride", "3",
         "--warmup-steps", "1", "--eval-frames", "30"]


def test_stopped_and_resumed_run_equals_uninterrupted(tmp_path):
    data = _fake_h36m(tmp_path / "data")
    whole = tmp_path / "whole"
    _run(whole, data, *FIRST)
    parted = tmp_path / "parted"
    # "session 1" ends after 3 steps (the clock says stop: it saves first); "session 2" on a fresh copy of the folder
    # (as a new clone would have it) continues with only --run.
    out1 = _run(parted, data, *FIRST, "--stop-after-minutes", "0")
    assert "rerun the same command to continue" in out1
    assert sorted(p.name for p in parted.glob("checkpoint-*")) == ["checkpoint-1"]  # the state a session commits
    moved = tmp_path / "clone" / "parted"
    moved.parent.mkdir()
    parted.rename(moved)
    out2 = _run(moved, data)
    assert "resuming from" in out2 and "checkpoint-1" in out2
    a = load_file(str(whole / "final" / "model.safetensors"))
    b = load_file(str(moved / "final" / "model.safetensors"))
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=0, atol=1e-6, err_msg=k)
    curve = json.loads((moved / "curve.json").read_text())["points"]
    assert [p["step"] for p in curve] == [1, 2, 4, 6]
    assert all(np.isfinite(p["mpjpe_mm"]) and p["frames_seen"] == p["step"] * 4 * 9 for p in curve)
    assert curve[-1]["train_seconds"] >= curve[0]["train_seconds"]
    # a finished run keeps final/ and its curve, not the optimiser state; running it again trains nothing
    assert not list(moved.glob("checkpoint-*")) and not list(whole.glob("checkpoint-*"))
    assert "is finished (6 steps)" in _run(moved, data)


def test_changed_settings_are_refused(tmp_path):
    data = _fake_h36m(tmp_path / "data")
    run = tmp_path / "run"
    _run(run, data, *FIRST[:-2], "--eval-frames", "30", "--stop-after-minutes", "0")
    cmd = [sys.executable, str(SCRIPT), "--run", str(run), "--data-root", str(data), "--lr", "0.5"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode != 0 and "started with other settings" in res.stderr + res.stdout


@pytest.mark.parametrize("family", ["stmo", "mpm"])
def test_many_to_one_family_trains_resumes_and_evaluates(tmp_path, family):
    """STMO / MPM runs (P-STMO many-to-one): (x, y) input, all-frame + centre loss, centre-frame held-out curve."""
    data = _fake_h36m(tmp_path / "data")
    # the init is a masked-pretraining checkpoint: clips sampled every 2nd frame (tds 2) and crop_scale input
    from motionhub import MPMConfig, MPMForPoseLifting, STMOConfig, STMOForPoseLifting

    config_cls, model_cls = {"stmo": (STMOConfig, STMOForPoseLifting), "mpm": (MPMConfig, MPMForPoseLifting)}[family]
    tiny = {"layers": 1, "channel": 16, "d_hid": 32, "num_heads": 2, "frames": 9, "dim_in": 2, "tds": 2}
    model_cls(config_cls(**tiny)).save_pretrained(tmp_path / "init")
    first = ["--family", family, "--init", str(tmp_path / "init"), "--max-steps", "4",
             "--save-steps", "2", "--batch-size", "4", "--clip-len", "9", "--clip-stride", "3", "--warmup-steps", "1",
             "--eval-frames", "30"]
    run = tmp_path / "run"
    assert "rerun the same command" in _run(run, data, *first, "--stop-after-minutes", "0")
    out = _run(run, data)  # resumes with only --run: the family is a stored setting
    assert "resuming from" in out and "finished 4 steps" in out
    config = json.loads((run / "final" / "config.json").read_text())
    assert config["architectures"] == [{"stmo": "STMOForPoseLifting", "mpm": "MPMForPoseLifting"}[family]]
    assert config["frames"] == 9 and config["dim_in"] == 2
    # the campaign trains on consecutive frames: the saved model must say so, or evaluate/lift would run it at tds 2
    assert config["tds"] == 1 and config["input_normalization"] == "screen"
    processor = json.loads((run / "final" / "preprocessor_config.json").read_text())
    assert processor["normalization"] == "screen" and processor["mpii_convention"] == "mpii"
    curve = json.loads((run / "curve.json").read_text())["points"]
    assert [p["step"] for p in curve] == [1, 2, 4] and all(np.isfinite(p["mpjpe_mm"]) for p in curve)


def _fake_noise(root: Path) -> None:
    """MotionBERT's noise-model files (synthetic_noise.npz + d2c_params.json) with made-up per-joint parameters."""
    noise = root / "motionbert_noise"
    noise.mkdir()
    np.savez(noise / "synthetic_noise.npz", mean=np.zeros((17, 2)), std=np.full((17, 2), 0.01),
             weight=np.full(17, 0.9))
    (noise / "d2c_params.json").write_text(json.dumps({"a": 0.028, "b": 1.1, "m": -0.0046, "s": 0.143}))


MOCAP = ["--data", "mocap", "--mocap-weights", "h36m=1", "--init", "scratch",
         "--config", json.dumps({"dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2}),
         "--max-steps", "6", "--save-steps", "2", "--batch-size", "4", "--clip-len", "9", "--warmup-steps", "1",
         "--eval-frames", "30"]


def _whole_and_parted(tmp_path: Path, data: Path, args: list[str]) -> tuple[Path, Path, str]:
    """One run uninterrupted, one stopped at once and continued in a fresh process: both must end with the same
    weights. Returns both run folders and the uninterrupted run's output."""
    whole, parted = tmp_path / "whole", tmp_path / "parted"
    out = _run(whole, data, *args)
    assert "rerun the same command" in _run(parted, data, *args, "--stop-after-minutes", "0")
    assert "resuming from" in _run(parted, data)
    a = load_file(str(whole / "final" / "model.safetensors"))
    b = load_file(str(parted / "final" / "model.safetensors"))
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=0, atol=1e-6, err_msg=k)
    return whole, parted, out


def test_mocap_pretraining_resumes_exactly(tmp_path):
    """``--data mocap`` (virtual cameras, noise, masks): every clip and every camera is drawn from (seed, index) /
    (seed, batch), so a run stopped and continued in a fresh process ends with the uninterrupted run's weights."""
    data = _fake_h36m(tmp_path / "data")
    _fake_noise(data)
    whole, parted, out = _whole_and_parted(tmp_path, data, MOCAP)
    assert "data: mocap" in out and "finished 6 steps" in out
    curve = json.loads((parted / "curve.json").read_text())
    assert curve["data"] == "mocap" and all(np.isfinite(p["mpjpe_mm"]) for p in curve["points"])
    # the held-out subject cannot also be pretraining motion
    cmd = [sys.executable, str(SCRIPT), "--run", str(tmp_path / "bad"), "--data-root", str(data), *MOCAP,
           "--mocap-subjects", "S1", "S8"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode != 0 and "S8 cannot be both" in res.stderr


def test_confidence_augmentation_draws_detector_like_scores():
    sys.path.insert(0, str(SCRIPT.parent))
    from campaign_lifting import FlipCollator

    conf = np.ones((400, 9, 17), dtype=np.float32)
    conf[:, :, 3] = 0.0  # a masked joint
    c = FlipCollator(0.0, seed=0, confidence_aug=0.5)
    out = c.random_confidence(conf, [0, 2, 0])
    np.testing.assert_array_equal(out, c.random_confidence(conf, [0, 2, 0]))  # deterministic per (seed, batch)
    assert (out[:, :, 3] == 0).all()  # masked stays masked
    changed = (out[:, :, [0, 1, 2, 4]] != 1).any(axis=(1, 2))
    assert 0.4 < changed.mean() < 0.6  # about half the clips
    assert out.min() >= 0 and out.max() <= 1 and out[changed][:, [0, 1, 2]].mean() < 0.9
    # both kinds: one constant per clip, and per-joint draws
    varied = np.array([np.unique(o[:, [0, 1, 2, 4]]).size > 1 for o in out[changed]])
    assert 0.25 < varied.mean() < 0.75


MASKED3D = ["--data", "masked3d", "--mocap-weights", "h36m=1", "--init", "scratch",
            "--config", json.dumps({"dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2}),
            "--max-steps", "4", "--save-steps", "2", "--batch-size", "4", "--clip-len", "9", "--warmup-steps", "1",
            "--eval-frames", "60"]


@pytest.mark.slow  # five small trainings; the default suite keeps the mocap resume test of the same machinery
def test_masked3d_prior_pretraining_resumes_exactly(tmp_path):
    """``--data masked3d`` (a STRIDE motion prior: virtual cameras, 3D noise, masks, occlusions): a run stopped and
    continued in a fresh process ends with the uninterrupted run's weights; the curve measures in-filling next to
    linear interpolation; the finished prior carries STRIDE's test-time-training weights and metres out."""
    data = _fake_h36m(tmp_path / "data")
    whole, parted, out = _whole_and_parted(tmp_path, data, MASKED3D)
    assert "at 25 fps" in out and "finished 4 steps" in out
    curve = json.loads((parted / "curve.json").read_text())
    assert curve["data"] == "masked3d"
    for point in curve["points"]:
        assert np.isfinite(point["mpjpe_mm"]) and np.isfinite(point["interp_mpjpe_mm"])
    config = json.loads((whole / "final" / "config.json").read_text())
    assert config["dim_in"] == 3 and config["input_normalization"] == "centered_3d" and config["maxlen"] == 9
    assert config["lambda_velocity"] == 20.0 and config["lambda_limb_var"] == 200.0
    assert json.loads((whole / "final" / "preprocessor_config.json").read_text())["output_units"] == "m"
    # continued from a finished prior, a run trains with the pretraining loss, not the test-time weights it carries
    continued = tmp_path / "continued"
    _run(continued, data, *MASKED3D[:4], "--init", str(whole / "final"), *MASKED3D[8:], "--stop-after-minutes", "0")
    saved = json.loads(next(continued.glob("checkpoint-*/config.json")).read_text())
    assert saved["lambda_velocity"] == 0.0 and saved["lambda_limb_var"] == 0.0 and saved["lambda_scale"] == 0.5
    # a prior may start from a 2D lifter (the foundation encoder): input turned to centred 3D, embedding resampled
    lifter = tmp_path / "lifter"
    _run(lifter, data, *FIRST[:-2], "--eval-frames", "30", "--max-steps", "2")
    from_lifter = tmp_path / "from-lifter"
    out = _run(from_lifter, data, *MASKED3D[:4], "--init", str(lifter / "final"), "--max-steps", "2",
               "--save-steps", "2", "--batch-size", "4", "--clip-len", "12", "--warmup-steps", "1", "--eval-frames", "60",
               "--fill-missing", "interpolate")
    assert "initialised from the lifting model" in out and "resampled from 9 to 12 frames" in out
    config = json.loads((from_lifter / "final" / "config.json").read_text())
    assert config["input_normalization"] == "centered_3d" and config["maxlen"] == 12 and not config["root_relative"]
    # the prior's processor (saved with it, and the one its curve used) is the prior's, not the 2D lifter's
    processor = json.loads((from_lifter / "final" / "preprocessor_config.json").read_text())
    assert processor["normalization"] == "centered_3d" and processor["fill_missing"] == "interpolate"
    assert json.loads((from_lifter / "run.json").read_text())["fill_missing"] == "interpolate"
    res = subprocess.run([sys.executable, str(SCRIPT), "--run", str(tmp_path / "bad-fill"), "--data-root", str(data),
                          "--fill-missing", "interpolate", "--max-steps", "2", "--eval-frames", "30"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode != 0 and "--fill-missing is the input convention of a STRIDE prior" in res.stderr
    # a model that does not take 3 channels cannot become a 3D prior
    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    two = tmp_path / "two-channel"
    DSTformerForPoseLifting(DSTformerConfig(dim_in=2, dim_feat=16, dim_rep=16, depth=1, num_heads=2,
                                            maxlen=9)).save_pretrained(two)
    cmd = [sys.executable, str(SCRIPT), "--run", str(tmp_path / "bad"), "--data-root", str(data), *MASKED3D[:4],
           "--init", str(two), "--max-steps", "2", "--clip-len", "9"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode != 0 and "trains a STRIDE prior on (x, y, z) input" in res.stderr
