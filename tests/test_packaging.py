# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Packaging: every package directory is listed in pyproject.toml (heads/ and tasks/ install as motionhub.*)."""

from __future__ import annotations

import tomllib

from conftest import REPO_ROOT

ROOTS = {"motionhub": "motionhub", "heads": "motionhub.heads", "tasks": "motionhub.tasks"}


def _package_dirs() -> set[str]:
    found = set()
    for folder, dotted in ROOTS.items():
        for init in (REPO_ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO_ROOT / folder)
            if "__pycache__" in rel.parts:
                continue
            found.add(".".join([dotted, *rel.parts]))
    return found


def test_every_package_is_listed_in_pyproject():
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    missing = sorted(_package_dirs() - listed)
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert config["package-dir"]["motionhub.heads"] == "heads"
    assert config["package-dir"]["motionhub.tasks"] == "tasks"


def test_import_registers_task_packages():
    import motionhub
    import motionhub.heads
    import motionhub.tasks

    assert motionhub.heads.__file__.startswith(str(REPO_ROOT / "heads")) or "site-packages" in motionhub.heads.__file__


def test_console_script_is_declared():
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["motionhub"] == "motionhub.cli:main"


def test_extras_agree_on_protobuf():
    """[test] / [export] and [video] can be installed one after the other: onnx >= 1.23 needs protobuf >= 6.31, the
    video extra's mediapipe 0.10.21 needs protobuf 4 (issue 26), so every extra with onnx must exclude 1.23+ while the
    video extra pins protobuf < 5."""
    from packaging.requirements import Requirement

    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    video = {Requirement(r).name: Requirement(r) for r in extras["video"]}
    assert not video["protobuf"].specifier.contains("5.0")  # what the check below protects
    for name, reqs in extras.items():
        for req in map(Requirement, reqs):
            if req.name == "onnx":
                assert not req.specifier.contains("1.23.0"), f"[{name}] allows onnx 1.23 (protobuf >= 6.31)"
                assert req.specifier.contains("1.22.0"), f"[{name}] excludes onnx 1.22, the version known to work"
