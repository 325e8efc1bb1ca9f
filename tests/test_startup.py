# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Start-up stays quick: ``import motionhub`` and every ``motionhub ... --help`` import neither torch nor
transformers (they are what made ``--help`` take 10-21 s); the first use of a motionhub name registers everything.

Each check runs in a fresh interpreter, so what earlier tests imported does not hide an eager import.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
