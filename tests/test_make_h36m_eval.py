# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The Human3.6M evaluation files of issue 24's confidence row: `make_h36m_eval_npz.py --confidence`."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "train" / "make_h36m_eval_npz.py"
H36M = ROOT.parent / "shared" / "data" / "h36m_train"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_h36m_eval_npz", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_confidence_specs(script):
    assert script.parse_confidence("1") == (1.0, 1.0)
    assert script.parse_confidence("0.6") == (0.6, 0.6)
    assert script.parse_confidence("uniform:0.3:1") == (0.3, 1.0)
    for bad in ("high", "uniform:0.3", "uniform:0.9:0.3", "0", "1.5", "uniform:a:b"):
        with pytest.raises(ValueError, match="--confidence"):
            script.parse_confidence(bad)
    with pytest.raises(SystemExit):
        script.main(["--out", "/nonexistent/never", "--confidence", "uniform:1:0.2"])


@pytest.mark.realdata
@pytest.mark.skipif(not H36M.is_dir(), reason="needs ../shared/data/h36m_train")
def test_files_carry_the_scores_and_only_the_scores_change(script, tmp_path):
    kw = {"subjects": ("S8",), "max_frames": 20}
    ones = script.write_eval_files(tmp_path / "c1", **kw)
    uni = script.write_eval_files(tmp_path / "cu", confidence="uniform:0.3:1", **kw)
    again = script.write_eval_files(tmp_path / "cu2", confidence="uniform:0.3:1", **kw)
    assert len(ones) == len(uni) == 120
    with np.load(ones[0]) as a, np.load(uni[0]) as b, np.load(again[0]) as c:
        assert np.all(a["keypoints_2d"][..., 2] == 1.0)
        np.testing.assert_array_equal(a["keypoints_2d"][..., :2], b["keypoints_2d"][..., :2])
        np.testing.assert_array_equal(a["keypoints_3d"], b["keypoints_3d"])
        score = b["keypoints_2d"][..., 2]
        assert 0.3 <= score.min() and score.max() <= 1.0 and score.std() > 0.1
        np.testing.assert_array_equal(score, c["keypoints_2d"][..., 2])  # reproducible
        assert json.loads(str(b["meta_json"]))["confidence"] == "uniform:0.3:1"
