# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Many inputs in one process (issue 28): `motionhub lift DIR -o OUT/` loads the model once, writes one output per
input, reports a bad file in one line and goes on, skips finished outputs when rerun (resume), and `--shard I/N`
splits a folder over processes so that together they cover every file exactly once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import motionhub
from motionhub.cli import main

DEMO = Path(motionhub.__file__).resolve().parent / "demo" / "cmu_walk_2d.npz"


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "clips"
    d.mkdir()
    with np.load(DEMO) as z:
        arrays = dict(z)
    for k in range(6):  # six short clips cut from the demo walk
        cut = {key: arrays[key][k * 20: k * 20 + 30] for key in ("keypoints_2d", "keypoints_3d") if key in arrays}
        np.savez(d / f"clip{k}.npz", **{**arrays, **cut})
    (d / "broken.npz").write_bytes(b"not an npz")
    (d / "notes.txt").write_text("not an input")
    return d


def test_a_folder_is_lifted_in_one_process_and_resumes(folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["lift", str(folder), "-o", f"{out}/", "-q"]) == 1  # one file failed: exit 1, the rest written
    captured = capsys.readouterr()
    assert "7 input(s): 6 done, 0 skipped" in captured.out and "1 failed" in captured.out
    assert "broken.npz: not a readable .npz archive" in captured.err
    assert sorted(p.name for p in out.iterdir()) == [f"clip{k}_pose3d.npz" for k in range(6)]
    with np.load(out / "clip0_pose3d.npz") as z:
        assert z["pose_3d"].shape == (30, 17, 3)
    (folder / "broken.npz").unlink()
    stamp = (out / "clip3_pose3d.npz").stat().st_mtime_ns
    assert main(["lift", str(folder), "-o", str(out), "-q"]) == 0  # an existing folder needs no trailing slash
    assert "6 input(s): 0 done, 6 skipped" in capsys.readouterr().out
    assert (out / "clip3_pose3d.npz").stat().st_mtime_ns == stamp
    assert main(["lift", *map(str, sorted(folder.glob("clip[01].npz"))), "-o", str(out), "--overwrite", "-q"]) == 0
    assert "2 input(s): 2 done" in capsys.readouterr().out


@pytest.mark.parametrize("extra, message", [
    (["--plot", "x.gif"], "--plot names one output"),
    (["--shard", "2/2"], "need N >= 1 and 0 <= I < N"),
    (["--shard", "a"], "--shard must be I/N"),
])
def test_batch_usage_errors_are_one_line(folder, tmp_path, capsys, extra, message):
    assert main(["lift", str(folder), "-o", f"{tmp_path / 'o'}/", "-q", *extra]) == 1
    assert message in capsys.readouterr().err


def test_two_shards_in_two_processes_cover_every_file_once(folder, tmp_path):
    (folder / "broken.npz").unlink()
    for k in range(6, 14):
        shutil.copy(folder / "clip0.npz", folder / f"clip{k}.npz")
    exe = shutil.which("motionhub") or str(Path(sys.executable).with_name("motionhub"))
    env = dict(os.environ, OMP_NUM_THREADS="1")
    outs = [tmp_path / f"shard{i}" for i in range(2)]
    procs = [subprocess.Popen([exe, "lift", str(folder), "-o", f"{outs[i]}/", "--shard", f"{i}/2", "-q"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    names = [sorted(p.name for p in out.iterdir()) for out in outs]
    assert names[0] and names[1] and not set(names[0]) & set(names[1])
    assert sorted(names[0] + names[1]) == sorted(f"clip{k}_pose3d.npz" for k in range(14))


def test_an_unwritable_output_folder_is_refused_before_the_model_loads(folder, monkeypatch, capsys):
    if not Path("/proc/self").exists():
        pytest.skip("needs /proc (Linux)")
    import motionhub.pipelines as pipelines

    def no_work(*args, **kwargs):
        raise AssertionError("the model was loaded before the output folder was checked")

    monkeypatch.setattr(pipelines, "PoseLiftingPipeline", no_work)
    assert main(["lift", str(folder), "-o", "/proc/", "-q"]) == 1
    assert "cannot create files in /proc" in capsys.readouterr().err


def test_workers_read_ahead_in_processes_with_the_same_outputs_and_error_lines(folder, tmp_path, capsys):
    """``--workers 2``: the inputs are read in two spawned processes ahead of the model (for videos: decoding and
    detection beside the lifting); outputs, the failed file's line and the summary are those of a run in one
    process, and a finished output is skipped (not read) on a rerun."""
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["lift", str(folder), "-o", f"{one}/", "-q"]) == 1
    capsys.readouterr()
    assert main(["lift", str(folder), "-o", f"{two}/", "--workers", "2", "-q"]) == 1
    captured = capsys.readouterr()
    assert "7 input(s): 6 done, 0 skipped" in captured.out and "1 failed" in captured.out
    assert captured.err.count("failed: ") == 1 and "broken.npz: not a readable .npz archive" in captured.err
    for k in range(6):
        with np.load(one / f"clip{k}_pose3d.npz") as a, np.load(two / f"clip{k}_pose3d.npz") as b:
            np.testing.assert_array_equal(a["pose_3d"], b["pose_3d"])
    (two / "clip4_pose3d.npz").unlink()
    assert main(["lift", str(folder), "-o", str(two), "--workers", "2", "-q"]) == 1
    assert "7 input(s): 1 done, 5 skipped" in capsys.readouterr().out


def test_workers_need_many_inputs_and_a_count(folder, tmp_path, capsys):
    assert main(["lift", str(folder / "clip0.npz"), "-o", str(tmp_path / "x.npz"), "--workers", "2", "-q"]) == 1
    assert "--workers reads many inputs ahead of the model" in capsys.readouterr().err
    for bad in ("-1", "two"):
        with pytest.raises(SystemExit) as exc:
            main(["lift", str(folder), "-o", f"{tmp_path / 'o'}/", "--workers", bad])
        assert exc.value.code == 2
        assert "--workers" in capsys.readouterr().err
