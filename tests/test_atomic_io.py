# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Atomic writes and early output-path checks (issue 13): a write that fails or is killed halfway leaves the previous
file intact; an unusable ``-o`` is an error before any work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO = REPO_ROOT / "motionhub" / "demo" / "cmu_walk_2d.npz"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_atomic_write_that_raises_halfway_keeps_the_old_file(tmp_path):
    from motionhub.io_utils import atomic_write, write_text

    target = tmp_path / "results.json"
    write_text(target, json.dumps({"ok": 1}))
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_write(target) as fh:
            fh.write('{"ok": ')
            raise RuntimeError("disk on fire")
    assert json.loads(target.read_text()) == {"ok": 1}
    assert _leftovers(tmp_path) == []  # the temporary file was removed
    write_text(target, "new")
    assert target.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would create it, not mkstemp's 0600


def test_npz_writers_that_fail_halfway_keep_the_old_file(tmp_path, monkeypatch):
    """The CLI's -o writer, a lifting result and save_generic: np.savez is interrupted after it opened the file."""
    from motionhub.commands._common import write_json_or_npz
    from motionhub.formats import load_generic, save_generic
    from motionhub.formats.base import MotionSequence

    target = tmp_path / "out.npz"
    write_json_or_npz(target, {"embeddings": np.arange(6.0)})
    seq_path = save_generic(tmp_path / "clip.npz", MotionSequence(keypoints_2d=np.zeros((4, 17, 2), np.float32),
                                                                  layout="h36m-17"))
    real = np.lib.format.write_array

    def broken(fp, array, *args, **kwargs):
        real(fp, array, *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", broken)
    with pytest.raises(OSError, match="No space left"):
        write_json_or_npz(target, {"embeddings": np.zeros(3), "labels": ["a"]})
    with pytest.raises(OSError, match="No space left"):
        save_generic(seq_path, MotionSequence(keypoints_2d=np.ones((9, 17, 2), np.float32), layout="h36m-17"))
    monkeypatch.setattr(np.lib.format, "write_array", real)
    with np.load(target) as data:
        assert np.array_equal(data["embeddings"], np.arange(6.0))
    assert load_generic(seq_path).keypoints_2d.shape[0] == 4
    assert _leftovers(tmp_path) == []


def test_sigkill_during_an_npz_overwrite_leaves_the_old_file(tmp_path):
    """A process killed (SIGKILL: no cleanup at all) in the middle of ``-o out.npz`` overwriting a good file."""
    target = tmp_path / "pose3d.npz"
    np.savez(target, pose_3d=np.full((5, 17, 3), 7.0, np.float32))
    script = textwrap.dedent(f"""
        import os, signal
        import numpy as np
        from motionhub.commands._common import write_json_or_npz
        real = np.lib.format.write_array
        calls = []
        def dying(fp, array, *a, **k):
            calls.append(1)
            if len(calls) == 2:  # the first array is already in the new zip, the second half-written
                fp.write(b"\\x00" * 1000)
                fp.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            real(fp, array, *a, **k)
        np.lib.format.write_array = dying
        write_json_or_npz({str(target)!r}, {{"pose_3d": np.zeros((50, 17, 3)), "missing": np.zeros((50, 17))}})
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with np.load(target) as data:  # still the old, complete file
        assert data["pose_3d"].shape == (5, 17, 3) and float(data["pose_3d"][0, 0, 0]) == 7.0
    leftovers = _leftovers(tmp_path)
    assert len(leftovers) == 1 and leftovers[0].startswith(".pose3d.npz.") and leftovers[0].endswith(".tmp.npz")


def test_bvh_and_card_writers_are_atomic(tmp_path, monkeypatch):
    from motionhub.export.bvh import write_bvh
    from motionhub.io_utils import atomic_path

    pose = np.random.default_rng(0).normal(size=(6, 17, 3)) * 0.1
    target = tmp_path / "motion.bvh"
    write_bvh(target, pose, fps=30)
    good = target.read_text()
    import motionhub.io_utils as io_utils

    real_replace = os.replace

    def no_replace(src, dst):  # the write itself fails at the very end
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(io_utils.os, "replace", no_replace)
    with pytest.raises(PermissionError):
        write_bvh(target, pose[:3], fps=30)
    monkeypatch.setattr(io_utils.os, "replace", real_replace)
    assert target.read_text() == good and _leftovers(tmp_path) == []
    with atomic_path(tmp_path / "README.md") as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".md"


@pytest.mark.parametrize("case", ["folder", "parent-is-file", "suffix", "read-only"])
def test_unusable_output_paths_fail_before_any_work(tmp_path, case, capsys, monkeypatch):
    from motionhub.cli import main

    if case == "folder":
        out, expected = tmp_path, "is a folder"
    elif case == "parent-is-file":
        (tmp_path / "file.txt").write_text("x")
        out, expected = tmp_path / "file.txt" / "out.npz", "is not a folder"
    elif case == "suffix":
        out, expected = tmp_path / "out.xyz", "unknown file type '.xyz'"
    else:
        if os.geteuid() == 0:
            pytest.skip("root can write anywhere")
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        out, expected = ro / "out.npz", "is not writable"

    import motionhub.pipelines as pipelines

    def no_work(*args, **kwargs):
        raise AssertionError("the model was loaded before the output path was checked")

    monkeypatch.setattr(pipelines, "PoseLiftingPipeline", no_work)
    monkeypatch.setattr(pipelines, "load_model", no_work)
    commands = [["lift", str(DEMO), "-o", str(out)], ["evaluate", "default", str(DEMO), "-o", str(out)],
                ["embed", str(DEMO), "-m", "x/y", "-o", str(out)]]
    for command in commands:
        assert main(command) == 1, command
        err = capsys.readouterr().err
        assert expected in err and str(out) in err and "Traceback" not in err, (command, err)
