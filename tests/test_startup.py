# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Start-up stays quick: ``import motionhub`` and every ``motionhub ... --help`` import neither torch nor
transformers (they are what made ``--help`` take 10-21 s); the first use of a motionhub name registers everything.
``import motionhub`` leaves the environment alone; the command and the training scripts choose passive OpenMP waiting
(tests/test_auto_registration.py: transformers' Auto classes find motionhub's models in every import order).

Each check runs in a fresh interpreter, so what earlier tests imported does not hide an eager import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "transformers", "huggingface_hub", "safetensors", "smplx", "sklearn", "av", "cv2")


def _modules_after(code: str) -> list[str]:
    probe = code + f"\nimport sys, json\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_import_motionhub_is_light():
    assert _modules_after("import motionhub; motionhub.__version__") == []


def _commands() -> list[str]:
    from motionhub.cli import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_command_is_listed_and_builds_without_heavy_imports():
    assert {"lift", "classify", "evaluate", "convert", "download", "push", "info"} <= set(_commands())
    assert _modules_after("from motionhub.cli import build_parser; build_parser()") == []


def test_help_imports_no_heavy_library():
    # every command's --help in one fresh interpreter (the converter list of `convert --help` included)
    argvs = [[], *([c] for c in _commands())]
    code = (f"import contextlib, io, sys\nfrom motionhub.cli import main\n"
            f"for argv in {argvs!r}:\n"
            f"    buf = io.StringIO()\n"
            f"    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):\n"
            f"        main([*argv, '--help'])\n"
            f"    assert 'usage: motionhub' in buf.getvalue(), (argv, buf.getvalue())\n"
            f"    heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            f"    assert not heavy, (argv, heavy)\n")
    assert _modules_after(code) == []
    assert "motionbert-mesh" in _help_text(["convert"])  # the lazily listed converters are still there


def _help_text(argv: list[str]) -> str:
    res = subprocess.run([sys.executable, "-c", "from motionhub.cli import main; main()", *argv, "--help"], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_first_use_registers_every_family_with_transformers(tmp_path):
    code = f"""
import motionhub, transformers
assert "DSTformerConfig" not in vars(motionhub)   # nothing loaded yet
config = motionhub.DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=9)
motionhub.DSTformerForPoseLifting(config).save_pretrained({str(tmp_path / 'm')!r})
enc = transformers.AutoModel.from_pretrained({str(tmp_path / 'm')!r})
assert type(enc).__name__ == "DSTformerModel", type(enc)
assert type(motionhub.AutoModelForPoseLifting.from_pretrained({str(tmp_path / 'm')!r})).__name__ == "DSTformerForPoseLifting"
"""
    assert "torch" in _modules_after(code)


def test_register_alone_makes_transformers_auto_classes_work(tmp_path):
    from motionhub import DSTformerConfig, DSTformerModel

    DSTformerModel(DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=9)).save_pretrained(tmp_path)
    code = f"""
import motionhub, transformers
motionhub.register()
assert type(transformers.AutoModel.from_pretrained({str(tmp_path)!r})).__name__ == "DSTformerModel"
assert type(transformers.AutoConfig.from_pretrained({str(tmp_path)!r})).__name__ == "DSTformerConfig"
"""
    _modules_after(code)


def test_unknown_attribute_is_an_attribute_error():
    import motionhub

    with pytest.raises(AttributeError, match="no attribute 'NoSuchModel'"):
        motionhub.NoSuchModel  # noqa: B018


def _openmp_report(*args: str, check: bool = True, **env: str) -> tuple[str, str]:
    """(stdout, libgomp's report of its settings) of ``python ARGS`` in a fresh interpreter; OMP_DISPLAY_ENV makes
    the libgomp that torch loads print the values it actually uses. Its OMP_WAIT_POLICY line reads 'PASSIVE' when
    nothing is set too; the spin count tells the three apart (unset 300000, PASSIVE 0, ACTIVE 30000000000)."""
    base = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    res = subprocess.run([sys.executable, *args], check=False, capture_output=True, text=True, timeout=300,
                         env={**base, "OMP_DISPLAY_ENV": "VERBOSE", **env})
    assert res.returncode == 0 or not check, res.stderr[-2000:]
    return res.stdout, res.stderr


def test_import_motionhub_leaves_the_environment_alone():
    # a library must not change its host program's process: the OpenMP policy is the entry points' choice
    code = ("import os\nbefore = dict(os.environ)\nimport motionhub\nmotionhub.__version__\n"
            "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\nprint('same')")
    out, _ = _openmp_report("-c", code)
    assert out.strip() == "same"
    _, report = _openmp_report("-c", "import motionhub, torch; torch.ones(64, 64) @ torch.ones(64, 64)")
    assert "GOMP_SPINCOUNT = '300000'" in report, report  # libgomp's default: what the program chose


_PASSIVE = "from motionhub.runtime import use_passive_openmp_wait; print(use_passive_openmp_wait())"


def test_openmp_threads_wait_passively_when_chosen_before_torch():
    # spinning OpenMP threads made the DSTformer forward 2.7x slower on a shared machine (motionhub/runtime.py)
    out, report = _openmp_report("-c", f"{_PASSIVE}; import torch; torch.ones(64, 64) @ torch.ones(64, 64)")
    assert out.strip() == "True" and "GOMP_SPINCOUNT = '0'" in report, report


def test_a_wait_policy_the_user_set_is_kept():
    out, report = _openmp_report("-c", f"{_PASSIVE}; import torch; torch.ones(2)", OMP_WAIT_POLICY="ACTIVE")
    assert out.strip() == "False" and "GOMP_SPINCOUNT = '30000000000'" in report, report


def test_after_torch_the_environment_is_left_alone():
    # libgomp has read its settings already: setting the variable then would only claim what is not in effect
    out, report = _openmp_report("-c", f"import os, torch; {_PASSIVE}; print(os.environ.get('OMP_WAIT_POLICY'))")
    assert out.split() == ["False", "None"] and "GOMP_SPINCOUNT = '300000'" in report, report


def test_the_motionhub_command_waits_passively():
    # as the console script runs it (pyproject.toml [project.scripts]); `info` of a missing model loads torch first
    code = "import sys; from motionhub.cli import main; sys.exit(main())"
    _, report = _openmp_report("-c", code, "info", "/nonexistent", check=False)
    assert "GOMP_SPINCOUNT = '0'" in report, report[-2000:]


@pytest.mark.parametrize("script, args", [
    # each run stops at a missing file or at --help, after the script has loaded torch
    ("examples/finetune_action.py", ["--model", "/nonexistent", "--data", "/nonexistent", "--output-dir", "OUT"]),
    ("examples/pretrain_masked.py", ["--objective", "pstmo", "--out", "OUT", "--data-root", "/nonexistent"]),
    ("examples/train/pretrain_lifting_small.py", ["--help"]),
    ("examples/train/finetune_h36m_lifting.py", ["--help"]),
    ("examples/train/campaign_lifting.py", ["--run", "OUT", "--data-root", "/nonexistent"]),
])
def test_training_entry_points_train_with_passive_waiting(script, args, tmp_path):
    # they call use_passive_openmp_wait before torch: under load a training step was 1.6x faster
    # (benchmarks/results/README.md)
    root = Path(__file__).resolve().parents[1]
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    _, report = _openmp_report(str(root / script), *args, check=False)
    assert "GOMP_SPINCOUNT = '0'" in report, report[-2000:]
