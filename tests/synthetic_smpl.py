# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""A synthetic SMPL body model for the tests: the real array shapes and kinematic tree, random values.

SMPL itself is licence-restricted and must never be committed; these files are generated into a temporary folder.
The ``.pkl`` mimics the official files: ``J_regressor`` is a ``scipy.sparse.csc_matrix`` and ``v_template`` /
``shapedirs`` are pickled as ``chumpy.ch.Ch`` objects (written through a throw-away fake ``chumpy`` module), so the
restricted unpickler's chumpy stub is exercised without chumpy installed.
"""

from __future__ import annotations

import pickle
import sys
import types
from pathlib import Path

import numpy as np

NUM_VERTS, NUM_FACES, NUM_JOINTS, NUM_BETAS = 6890, 13776, 24, 10
SMPL_PARENTS = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21]


def _convex_rows(rng: np.random.RandomState, rows: int, cols: int, per_row: int) -> np.ndarray:
    out = np.zeros((rows, cols))
    for r in range(rows):
        idx = rng.choice(cols, per_row, replace=False)
        w = rng.rand(per_row) + 0.1
        out[r, idx] = w / w.sum()
    return out


def make_synthetic_smpl(seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays of an SMPL-shaped body model (plain numpy; ``kintree_table`` root stored as 2**32 - 1 as upstream)."""
    rng = np.random.RandomState(seed)
    weights = rng.rand(NUM_VERTS, NUM_JOINTS) ** 4
    weights /= weights.sum(1, keepdims=True)
    table = np.stack([np.array(SMPL_PARENTS, dtype=np.int64), np.arange(NUM_JOINTS)])
    table[0, 0] = 4294967295
    return {
        "v_template": rng.randn(NUM_VERTS, 3) * 0.3,
        "shapedirs": rng.randn(NUM_VERTS, 3, NUM_BETAS) * 0.01,
        "posedirs": rng.randn(NUM_VERTS, 3, 9 * (NUM_JOINTS - 1)) * 0.001,
        "J_regressor": _convex_rows(rng, NUM_JOINTS, NUM_VERTS, 20),
        "weights": weights,
        "kintree_table": table,
        "f": rng.randint(0, NUM_VERTS, size=(NUM_FACES, 3)).astype(np.uint32),
    }


def _fake_chumpy_module():
    module = types.ModuleType("chumpy.ch")

    class Ch:  # what the official pickles reference: chumpy.ch.Ch with the array in __dict__["x"]
        def __init__(self, x):
            self.x = x

    Ch.__module__ = "chumpy.ch"
    Ch.__qualname__ = "Ch"
    module.Ch = Ch
    return module


def write_official_style_pkl(arrays: dict[str, np.ndarray], path: Path) -> Path:
    """Pickle like the official SMPL files: sparse J_regressor, chumpy v_template/shapedirs."""
    import scipy.sparse

    module = _fake_chumpy_module()
    saved = {name: sys.modules.get(name) for name in ("chumpy", "chumpy.ch")}
    sys.modules["chumpy"] = types.ModuleType("chumpy")
    sys.modules["chumpy.ch"] = module
    try:
        data = dict(arrays)
        data["J_regressor"] = scipy.sparse.csc_matrix(arrays["J_regressor"])
        data["v_template"] = module.Ch(arrays["v_template"])
        data["shapedirs"] = module.Ch(arrays["shapedirs"])
        data["bs_style"] = "lbs"
        with open(path, "wb") as f:
            pickle.dump(data, f, protocol=2)
    finally:
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value
    return path


def write_synthetic_smpl_dir(folder: Path, seed: int = 0, mean_params: bool = True) -> Path:
    """A MotionBERT-``data/mesh``-like folder: SMPL_NEUTRAL.pkl, J_regressor_h36m_correct.npy, J_regressor_extra.npy
    and (optionally) smpl_mean_params.npz."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = make_synthetic_smpl(seed)
    write_official_style_pkl(arrays, folder / "SMPL_NEUTRAL.pkl")
    rng = np.random.RandomState(seed + 1)
    np.save(folder / "J_regressor_h36m_correct.npy", _convex_rows(rng, 17, NUM_VERTS, 30))
    np.save(folder / "J_regressor_extra.npy", _convex_rows(rng, 9, NUM_VERTS, 30))
    if mean_params:
        pose = np.tile(np.array([1, 0, 0, 1, 0, 0], dtype=np.float32), NUM_JOINTS) + rng.randn(144).astype(np.float32) * 0.05
        np.savez(folder / "smpl_mean_params.npz", pose=pose.astype(np.float32), shape=rng.randn(10) * 0.1,
                 cam=np.array([0.9, 0.0, 0.0]))
    return folder


SMPL_ENV_VARS = ("MOTIONHUB_SMPL_PATH", "MOTIONHUB_J_REGRESSOR_H36M", "MOTIONHUB_J_REGRESSOR_EXTRA",
                  "MOTIONHUB_SMPL_MEAN_PARAMS")


def clear_smpl_env(monkeypatch) -> None:
    """Remove every motionhub SMPL environment variable (tests must not see the developer's real SMPL)."""
    for var in SMPL_ENV_VARS:
        monkeypatch.delenv(var, raising=False)


def use_smpl_env(monkeypatch, folder: Path) -> Path:
    """``$MOTIONHUB_SMPL_PATH`` -> ``folder`` (the other SMPL variables cleared)."""
    clear_smpl_env(monkeypatch)
    monkeypatch.setenv("MOTIONHUB_SMPL_PATH", str(folder))
    return folder
