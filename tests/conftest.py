"""Shared pytest plumbing.

Reference fixtures (outputs of the official code) and real recordings live outside the repository, in
``../shared/reference`` and ``../shared/data`` (override with ``MOTIONHUB_SHARED``). Tests that need them use the
``reference`` / ``shared_data`` helpers below and skip cleanly when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

# The suite's models are tiny: one intra-op thread is faster than two (no sync overhead) and keeps parallel
# subprocess tests (DDP, remote code) from oversubscribing a 2-core CI machine.
torch.set_num_threads(1)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MOTIONHUB_SHARED", REPO_ROOT.parent / "shared")).resolve()
REFERENCE = SHARED / "reference"
DATA = SHARED / "data"


def reference_path(*parts: str) -> Path:
    """Path inside ../shared/reference; skips the calling test when it does not exist."""
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference fixture not available: {path}")
    return path


def data_path(*parts: str) -> Path:
    """Path inside ../shared/data; skips the calling test when it does not exist."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture(autouse=True)
def _quiet_transformers():
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    yield
