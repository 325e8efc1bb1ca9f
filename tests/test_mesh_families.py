# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The common model suite of the mesh-recovery and multi-task models of the encoder families other than DSTformer
(STMO, MPM; DSTformer's run in test_mesh.py / test_multitask.py). Synthetic SMPL only."""

from __future__ import annotations

from pathlib import Path

import pytest
from head_suites import TINY, make_suite
from synthetic_smpl import clear_smpl_env, write_synthetic_smpl_dir


@pytest.fixture(scope="module")
def smpl_dir(tmp_path_factory) -> Path:
    """A synthetic SMPL folder (model, regressors, mean params); real SMPL is never used."""
    return write_synthetic_smpl_dir(tmp_path_factory.mktemp("synthetic_smpl"))


@pytest.fixture(autouse=True)
def _no_smpl_env(monkeypatch):
    clear_smpl_env(monkeypatch)


for _family in TINY:
    if _family == "DSTformer":
        continue
    globals()[f"Test{_family}MeshCommon"] = make_suite(_family, "mesh")
    globals()[f"Test{_family}MultitaskCommon"] = make_suite(_family, "multitask")
