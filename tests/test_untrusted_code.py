# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""A model folder whose config.json has an ``auto_map`` to its own .py file never runs that code (issue 29): motionhub
passes ``trust_remote_code=False`` to transformers unless ``--trust-remote-code`` is given, so transformers' "Do you
wish to run the custom code? [y/N]" is never asked, whatever answers stdin (a pipe or a terminal) holds."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO = REPO_ROOT / "motionhub" / "demo" / "cmu_walk_2d.npz"
FLAG = "--trust-remote-code"


def _model_with_code(root: Path) -> tuple[Path, Path]:
    """A model folder whose config asks transformers to import ``evil_code.py``, which writes a marker file."""
    folder, marker = root / "evil-model", root / "MARKER"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({
        "model_type": "evilnet", "architectures": ["EvilModel"],
        "auto_map": {"AutoConfig": "evil_code.EvilConfig", "AutoModel": "evil_code.EvilModel"},
    }))
    (folder / "evil_code.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('the model folder ran code')\n"
        "from transformers import PretrainedConfig, PreTrainedModel\n"
        "class EvilConfig(PretrainedConfig):\n    model_type = 'evilnet'\n"
        "class EvilModel(PreTrainedModel):\n    config_class = EvilConfig\n"
    )
    return folder, marker


def _commands(folder: Path, tmp_path: Path) -> dict[str, list[str]]:
    return {"info": ["info", str(folder)],
            "lift": ["lift", str(DEMO), "--model", str(folder), "-o", str(tmp_path / "out.npz"), "-q"]}


def _env(tmp_path: Path) -> dict[str, str]:
    # transformers copies remote code into HF_MODULES_CACHE before importing it: keep it out of the user's cache
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1",
            "HF_MODULES_CACHE": str(tmp_path / "modules")}


def _cli(argv: list[str]) -> list[str]:
    return [sys.executable, "-c", "import sys; from motionhub.cli import main; sys.exit(main())", *argv]


def _run_in_terminal(argv: list[str], env: dict[str, str], answer: bytes, timeout: float = 300) -> tuple[int, str]:
    """Run under a pseudo-terminal (stdin, stdout, stderr) that answers ``answer``; returns (exit code, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    os.write(master, answer)
    out, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, out.decode(errors="replace")


@pytest.mark.parametrize("command", ["info", "lift"])
@pytest.mark.parametrize("stdin", ["pipe", "terminal"])
def test_a_model_folder_never_runs_its_code(tmp_path, command, stdin):
    folder, marker = _model_with_code(tmp_path)
    argv = _cli(_commands(folder, tmp_path)[command])
    if stdin == "pipe":
        proc = subprocess.run(argv, input="y\n", capture_output=True, text=True, env=_env(tmp_path), timeout=300)
        code, out = proc.returncode, proc.stdout + proc.stderr
        err_lines = proc.stderr.splitlines()
        assert len(err_lines) == 1, proc.stderr
    else:
        code, out = _run_in_terminal(argv, _env(tmp_path), b"y\n")
    assert not marker.exists(), out
    assert code == 1, out
    assert FLAG in out and str(folder) in out, out
    assert "[y/N]" not in out and "Traceback" not in out, out


def test_the_flag_lets_the_code_run(tmp_path):
    folder, marker = _model_with_code(tmp_path)
    proc = subprocess.run(_cli(["info", str(folder), FLAG]), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_env(tmp_path), timeout=300)
    assert proc.returncode == 0 and "evilnet" in proc.stdout, proc.stderr
    assert marker.exists()


def test_python_loading_refuses_the_code_unless_trusted(tmp_path, monkeypatch):
    from motionhub.pipelines import load_model
    from motionhub.processor import MotionProcessor

    folder, marker = _model_with_code(tmp_path)
    monkeypatch.setenv("HF_MODULES_CACHE", str(tmp_path / "modules"))
    monkeypatch.setattr("sys.stdin", None)  # an input() question would fail, not wait
    with pytest.raises(ValueError, match=FLAG):
        load_model(str(folder))
    with pytest.raises(ValueError, match=FLAG):
        MotionProcessor.from_pretrained(str(folder))
    assert not marker.exists()


def test_the_flag_is_offered_by_every_command_that_loads_a_model():
    from motionhub.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    for name in ("info", "lift", "evaluate", "classify", "embed", "mesh", "export", "oneshot"):
        assert FLAG in subparsers[name].format_help(), name


class _RunsCode:
    """Pickled, this object calls os.system when unpickled (what an evil checkpoint holds)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_would_run_code_is_refused_without_suggesting_weights_only_false(tmp_path, capsys):
    """torch's refusal suggests re-running with weights_only=False (running the code): the message names the file,
    says it holds code or objects beyond tensors, and never repeats that suggestion."""
    import torch

    from motionhub import DSTformerForPoseLifting
    from motionhub.cli import main

    marker = tmp_path / "MARKER"
    evil = tmp_path / "pytorch_model.bin"
    torch.save({"model_pos": {"head.weight": torch.zeros(3, 4)}, "extra": _RunsCode(marker)}, evil)
    folder = tmp_path / "folder"  # a model folder whose weights are that pickle
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "dstformer", "architectures": [
        "DSTformerForPoseLifting"], "dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2, "maxlen": 27}))
    (folder / "pytorch_model.bin").write_bytes(evil.read_bytes())
    runs = {evil: [["convert", str(evil), str(tmp_path / "out")],
                   ["lift", str(DEMO), "--model", str(evil), "-o", str(tmp_path / "o.npz"), "-q"]],
            folder / "pytorch_model.bin": [["lift", str(DEMO), "--model", str(folder), "-o", str(tmp_path / "o.npz"),
                                            "-q"]]}
    for file, commands in runs.items():
        for argv in commands:
            code = main(argv)
            err = capsys.readouterr().err
            assert code == 1 and err.count("\n") == 1, err
            assert f"{file}: refused: the file holds Python code or objects beyond tensors" in err, err
            assert "posix.system" in err and "weights_only=False" not in err and "trusted source" not in err, err
    with pytest.raises(ValueError, match="holds Python code") as info:
        DSTformerForPoseLifting.from_pretrained(folder)
    assert "weights_only=False" not in str(info.value) and "\n" not in str(info.value)
    assert not marker.exists()
