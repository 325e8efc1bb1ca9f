# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Atomic writes and early output-path checks (issue 13): a write that fails or is killed halfway leaves the previous
file intact; an unusable ``-o`` is an error before any work. Issue 29: an output that is one of the command's inputs is
refused before any work; a disk-full write is one line naming the file and nothing after it; the temporaries of killed
writers are removed by the next write."""

from __future__ import annotations

import errno
import gc
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
    _check_dead_pid_in(leftovers[0])  # the killed writer's pid is in the name
    # the next successful write of the same target removes the dead writer's temporary, and only that
    live = f".pose3d.npz.{os.getppid()}.abcdefgh.tmp.npz"  # a writer that is still running (our parent process)
    other = ".other.npz.999999999.abcdefgh.tmp.npz"  # another target's
    for name in (live, other):
        (tmp_path / name).write_bytes(b"")
    from motionhub.commands._common import write_json_or_npz

    write_json_or_npz(target, {"pose_3d": np.ones((2, 17, 3))})
    assert _leftovers(tmp_path) == sorted([live, other])
    with np.load(target) as data:
        assert data["pose_3d"].shape == (2, 17, 3)


def _check_dead_pid_in(name: str) -> None:
    pid = name.split(".")[3]  # .pose3d.npz.<pid>.<random>.tmp.npz
    assert pid.isdigit(), name
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid), 0)


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
    if case == "folder":  # `lift IN -o FOLDER` writes FOLDER/<name>_pose3d.npz (tests/test_cli_batch.py)
        commands = commands[1:]
    for command in commands:
        assert main(command) == 1, command
        err = capsys.readouterr().err
        assert expected in err and str(out) in err and "Traceback" not in err, (command, err)


# ---------------------------------------------------------------------------------------- issue 29: outputs vs inputs
def _official_checkpoint(path: Path) -> None:
    import torch

    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    torch.manual_seed(0)
    model = DSTformerForPoseLifting(DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=27))
    torch.save({"model_pos": {"module." + k.removeprefix("dstformer."): v for k, v in model.state_dict().items()}},
               path)


def _alphapose_json(path: Path) -> None:
    rng = np.random.default_rng(0)
    shape = rng.uniform([-60, -150], [60, 150], (17, 2))
    dets = []
    for f in range(12):
        kp = np.concatenate([shape + [400 + 4 * f, 360], rng.uniform(0.5, 0.95, (17, 1))], axis=1)
        dets.append({"image_id": f"{f}.jpg", "category_id": 1, "keypoints": [round(float(v), 3) for v in kp.ravel()],
                     "score": 2.7, "idx": 1})
    path.write_text(json.dumps(dets))


@pytest.mark.parametrize("case", ["lift", "lift-alphapose-json", "lift-hard-link", "lift-symlink", "lift-save-2d",
                                  "evaluate", "evaluate-folder", "classify", "embed", "oneshot", "mesh", "export",
                                  "convert", "stride"])
def test_an_output_that_is_an_input_is_refused_before_any_work(tmp_path, case, capsys, monkeypatch):
    """`motionhub lift x.npz -o x.npz` exited 0 and replaced its input; every command that writes files refuses an
    output that is one of its inputs (same path once resolved, or the same file: a hard link)."""
    from motionhub.cli import main

    clip = tmp_path / "x.npz"
    clip.write_bytes(DEMO.read_bytes())
    hub = ["-m", "org/model"]  # never loaded: the check comes first
    if case == "lift":
        argv, victim = ["lift", str(clip), "-o", str(clip)], clip
    elif case == "lift-alphapose-json":
        victim = tmp_path / "alphapose-results.json"
        _alphapose_json(victim)
        argv = ["lift", str(victim), "-o", str(victim), "--image-size", "1000", "800"]
    elif case == "lift-hard-link":
        os.link(clip, tmp_path / "same.npz")
        argv, victim = ["lift", str(clip), "-o", str(tmp_path / "same.npz")], clip
    elif case == "lift-symlink":
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "link.npz").symlink_to(clip)
        argv, victim = ["lift", str(tmp_path / "sub" / "link.npz"), "-o", str(tmp_path / "sub" / ".." / "x.npz")], clip
    elif case == "lift-save-2d":
        argv, victim = ["lift", str(clip), "-o", str(tmp_path / "o.npz"), "--save-2d", str(clip)], clip
    elif case == "evaluate":
        argv, victim = ["evaluate", "default", str(clip), "-o", str(clip)], clip
    elif case == "evaluate-folder":
        argv, victim = ["evaluate", "default", str(tmp_path), "-o", str(clip)], clip
    elif case == "classify":
        argv, victim = ["classify", str(clip), *hub, "-o", str(clip)], clip
    elif case == "embed":
        argv, victim = ["embed", str(clip), *hub, "-o", str(clip)], clip
    elif case == "oneshot":
        argv, victim = ["oneshot", "--support", str(DEMO), "--query", str(clip), *hub, "-o", str(clip)], clip
    elif case == "mesh":
        argv, victim = ["mesh", str(clip), *hub, "-o", str(clip)], clip
    elif case == "export":  # a checkpoint file that happens to end in .onnx
        victim = tmp_path / "lifter.onnx"
        _official_checkpoint(victim)
        argv = ["export", str(victim), str(victim)]
    elif case == "convert":  # an official checkpoint inside the output folder, under a name convert writes
        (tmp_path / "out").mkdir()
        victim = tmp_path / "out" / "model.safetensors"
        _official_checkpoint(victim)
        argv = ["convert", str(victim), str(tmp_path / "out")]
    else:
        argv, victim = ["stride", str(clip), "-o", str(clip)], clip
    before = victim.read_bytes()

    import motionhub.commands.stride as stride_command
    import motionhub.conversion as conversion
    import motionhub.pipelines as pipelines

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the output path was checked")

    for module, name in [(pipelines, "PoseLiftingPipeline"), (pipelines, "ActionPipeline"), (pipelines, "MeshPipeline"),
                         (pipelines, "load_model"), (conversion, "convert_checkpoint"), (stride_command, "load_prior")]:
        monkeypatch.setattr(module, name, no_work)
    assert main(argv + (["--quiet"] if case != "convert" else [])) == 1, argv
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "input" in err and ("x.npz" in err or victim.name in err), err
    assert victim.read_bytes() == before  # nothing was written over the input


def _full_disk(monkeypatch) -> None:
    """Every low-level write of a zip member or an open()ed file fails as on a full disk."""
    import zipfile

    import motionhub.io_utils as io_utils

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    class FullFile:
        def __init__(self, fh):
            self._fh = fh

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()

        write = no_space

    monkeypatch.setattr(zipfile._ZipWriteFile, "write", no_space)
    monkeypatch.setattr(io_utils, "open", lambda *a, **k: FullFile(open(*a, **k)), raising=False)


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_a_full_disk_is_one_line_naming_the_file_and_nothing_after_it(tmp_path, suffix, capsys, monkeypatch):
    from motionhub.cli import main

    target = tmp_path / f"pose3d{suffix}"
    target.write_text("previous")
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    _full_disk(monkeypatch)
    code = main(["lift", str(DEMO), "-o", str(target), "-q"])
    gc.collect()  # a zip or file object left open would complain now (ZipFile.__del__)
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err
    assert "no space left on device: nothing was written" in err and str(target) in err and "Traceback" not in err, err
    assert unraisable == []
    assert target.read_text() == "previous" and _leftovers(tmp_path) == []


def test_a_full_disk_in_a_subprocess_prints_one_line(tmp_path):
    target = tmp_path / "out.npz"
    script = textwrap.dedent(f"""
        import errno, os, sys, zipfile
        def no_space(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        zipfile._ZipWriteFile.write = no_space
        from motionhub.cli import main
        sys.exit(main(["evaluate", "default", {str(DEMO)!r}, "-o", {str(target)!r}, "-q"]))
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and str(target) in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert not target.exists() and _leftovers(tmp_path) == []


def test_a_killed_save_pretrained_leaves_no_folder_behind_the_next_save(tmp_path):
    """save_pretrained builds its files in .NAME.saving-PID-*: a save killed with SIGKILL leaves that folder; the next
    save of the same model folder removes it (its process is gone), and a live process's folder is kept."""
    import subprocess

    from motionhub import DSTformerConfig, DSTformerModel

    target = tmp_path / "model"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    stale = tmp_path / f".model.saving-{int(dead.stdout)}-abc123"
    stale.mkdir()
    (stale / "model.safetensors").write_bytes(b"half")
    live = tmp_path / f".model.saving-{os.getppid()}-def456"  # the test runner's parent: alive
    live.mkdir()
    model = DSTformerModel(DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=9))
    model.save_pretrained(target)
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".model.")) == [live.name]
    assert (target / "model.safetensors").is_file()


def test_an_output_in_a_folder_that_takes_no_files_is_refused_before_work(tmp_path, capsys):
    """/proc accepts no new files even for root (os.access says yes): refused up front, naming the output."""
    from motionhub.cli import main

    if not Path("/proc/self").exists():
        pytest.skip("needs /proc (Linux)")
    assert main(["lift", str(DEMO), "-o", "/proc/pose3d.npz", "-q"]) == 1
    err = capsys.readouterr().err
    assert "/proc/pose3d.npz: cannot create files in /proc" in err and err.count("\n") == 1


def test_a_negative_fps_flag_is_a_usage_error(tmp_path, capsys):
    from motionhub.cli import main

    with pytest.raises(SystemExit) as info:
        main(["lift", str(DEMO), "--fps", "-30", "-o", str(tmp_path / "o.npz")])
    assert info.value.code == 2 and "--fps must be in (0, 10000]" in capsys.readouterr().err
    assert not (tmp_path / "o.npz").exists()
