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
