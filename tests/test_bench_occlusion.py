# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""benchmarks/bench_occlusion.py end to end on a tiny generated folder (seconds): the Occluded-H36M-style protocol on
2D detections, every method row, the window choice, the report files; and its bad input."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from motionhub.formats import load_motion, save_generic

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_occlusion", ROOT / "benchmarks" / "bench_occlusion.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Two 'takes' cut from the committed CMU walk (2D pixels + camera-space ground truth, mm)."""
    seq = load_motion(ROOT / "motionhub" / "demo" / "cmu_walk_2d.npz")
    out = tmp_path_factory.mktemp("occ")
    for k, (a, b) in enumerate(((0, 70), (60, 140))):
        save_generic(out / f"take{k}.npz", seq.replace(keypoints_2d=seq.keypoints_2d[a:b],
                                                       keypoints_3d=seq.keypoints_3d[a:b]))  # fmt: skip
    return out


def test_interpolation_and_metrics_helpers(bench):
    poses = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    vis = np.ones((5, 2), bool)
    vis[1:3, 0] = False
    out = bench.interpolate(np.where(vis[..., None], poses, np.nan), vis)
    np.testing.assert_allclose(out, poses)  # linear motion is recovered exactly
    gt = np.random.default_rng(0).normal(size=(6, 17, 3))
    m = bench.metrics(gt, gt, np.array([0, 1, 1, 0, 0, 0], bool))
    assert m["all"]["mpjpe"] == pytest.approx(0.0) and m["occluded"]["frames"] == 2 and m["all"]["accel_frames"] == 4


def test_benchmark_runs_end_to_end_on_a_tiny_folder(bench, folder, tmp_path):
    out = tmp_path / "occ"
    code = bench.main(["--data", str(folder), "--out", str(out), "--epochs", "1", "--choose-window-on", str(folder),
                       "--threads", "1"])  # fmt: skip
    assert code == 0
    report = json.loads(out.with_suffix(".json").read_text())
    methods = set(report["summary"])
    assert methods == {"backbone", "backbone + linear interpolation", "backbone + interpolation + Savitzky-Golay",
                       "STRIDE prior, no TTT", "STRIDE TTT (paper λ)",
                       "STRIDE TTT (ours: paper λ + self-occlusion)"}  # fmt: skip
    assert report["info"]["frames"] == 150 and len(report["files"]) == 2
    assert report["savgol_window"] in (5, 9, 15, 21, 31, 45) and report["savgol_window_table"]
    for m in methods:
        s = report["summary"][m]
        assert s["all"]["frames"] == 150 and 0 < s["occluded"]["frames"] < 150  # the protocol hides frames
        assert 0 < s["all"]["mpjpe"] < 1000 and s["all"]["pa_mpjpe"] <= s["all"]["mpjpe"] + 1e-6
        assert report["ms_per_1000_frames"][m] > 0
    md = out.with_suffix(".md").read_text()
    assert "| backbone + linear interpolation |" in md and "python benchmarks/bench_occlusion.py --data" in md


def test_benchmark_bad_input(bench, tmp_path):
    with pytest.raises(SystemExit, match="no .npz files"):
        bench.main(["--data", str(tmp_path), "--out", str(tmp_path / "x")])
    only2d = tmp_path / "d"
    only2d.mkdir()
    seq = load_motion(ROOT / "motionhub" / "demo" / "cmu_walk_2d.npz")
    save_generic(only2d / "a.npz", seq.replace(keypoints_3d=None))
    with pytest.raises(SystemExit, match="ground truth"):
        bench.main(["--data", str(only2d), "--out", str(tmp_path / "x")])
    with pytest.raises(SystemExit, match="--fps-step"):
        bench.main(["--data", str(only2d), "--fps-step", "0"])
