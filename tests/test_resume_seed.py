# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Resume and seeding (issue 13): ``--resume`` takes the newest *complete* checkpoint (a save killed half-way is
skipped and named), and ``--from-scratch --seed 0`` twice gives bit-identical weights."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from motionhub.tasks.trainer import checkpoint_problem, latest_checkpoint
from test_finetune_action_example import FAST, TINY, example, ntu_pkl, run  # noqa: F401  (fixtures)


def _argv(ntu_pkl, out, *extra):
    return ["--from-scratch", "--config", "dstformer", *TINY, "--data", ntu_pkl, "--split", "xsub", *FAST,
            "--hidden-size", "16", "--output-dir", out, *extra]


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def test_two_seeded_from_scratch_runs_give_identical_weights(example, ntu_pkl, tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    run(example, _argv(ntu_pkl, a, "--max-steps", "2", "--seed", "0"))
    torch.rand(100)  # whatever happened to the global RNG in between
    run(example, _argv(ntu_pkl, b, "--max-steps", "2", "--seed", "0"))
    wa, wb = _weights(a / "final"), _weights(b / "final")
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), f"{key} differs between two --seed 0 runs"
    run(example, _argv(ntu_pkl, c, "--max-steps", "2", "--seed", "1"))
    assert any(not torch.equal(wa[k], v) for k, v in _weights(c / "final").items())  # the seed matters


def _damage(folder: Path, how: str) -> None:
    if how == "no-trainer-state":
        (folder / "trainer_state.json").unlink()
    elif how == "truncated-weights":
        data = (folder / "model.safetensors").read_bytes()
        (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    elif how == "truncated-optimizer":
        data = (folder / "optimizer.pt").read_bytes()
        (folder / "optimizer.pt").write_bytes(data[: len(data) - 50])
    elif how == "flipped-optimizer":
        data = bytearray((folder / "optimizer.pt").read_bytes())
        data[len(data) // 2] ^= 0x10
        (folder / "optimizer.pt").write_bytes(bytes(data))
    elif how == "no-scheduler":
        (folder / "scheduler.pt").unlink()
    elif how == "empty-folder":
        shutil.rmtree(folder)
        folder.mkdir()
    else:
        raise AssertionError(how)


def test_resume_skips_a_checkpoint_damaged_by_a_kill_and_says_which_it_takes(example, ntu_pkl, tmp_path, capsys):
    out = tmp_path / "run"
    argv = _argv(ntu_pkl, out, "--epochs", "1")
    run(example, argv)  # 12 train clips / batch 4 -> checkpoint-3
    good = out / "checkpoint-3"
    assert checkpoint_problem(good) is None
    hows = ["no-trainer-state", "truncated-weights", "truncated-optimizer", "flipped-optimizer", "no-scheduler",
            "empty-folder"]
    for i, how in enumerate(hows):  # every kind of half-written newest checkpoint is recognised
        bad = out / f"checkpoint-{10 + i}"
        shutil.copytree(good, bad)
        _damage(bad, how)
        assert checkpoint_problem(bad) is not None, how
    capsys.readouterr()
    assert latest_checkpoint(out) == good
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(hows) and all(line.startswith("skipping incomplete checkpoint") for line in lines)
    assert "checkpoint-15" in lines[0] and "checkpoint-10" in lines[-1]  # newest first, each named

    for i in range(1, len(hows)):
        shutil.rmtree(out / f"checkpoint-{10 + i}")
    epochs2 = [*argv[: argv.index("--epochs") + 1], "2", *argv[argv.index("--epochs") + 2:], "--resume"]
    res = run(example, epochs2)  # the newest folder (checkpoint-10) is damaged: resumes from checkpoint-3
    printed = capsys.readouterr().out
    assert f"skipping incomplete checkpoint {out / 'checkpoint-10'}: no trainer_state.json" in printed
    assert f"resuming from {good} (newest complete checkpoint)" in printed
    assert res["train"]["epoch"] == pytest.approx(2.0) and (out / "checkpoint-6").is_dir()
    assert (out / "incomplete-checkpoint-10").is_dir() and not (out / "checkpoint-10").exists()  # kept, set aside


def test_resume_without_any_complete_checkpoint_is_a_clear_error(example, ntu_pkl, tmp_path):
    out = tmp_path / "fresh"
    (out / "checkpoint-4").mkdir(parents=True)
    with pytest.raises(SystemExit, match="error: --resume: no complete checkpoint-N folder"):  # one line, no traceback
        example.main([str(a) for a in _argv(ntu_pkl, out, "--max-steps", "1", "--resume")])
    with pytest.raises(SystemExit, match="error: cannot resume from .*checkpoint-4: no trainer_state.json"):
        example.main([str(a) for a in _argv(ntu_pkl, out, "--max-steps", "1", "--resume", out / "checkpoint-4")])
