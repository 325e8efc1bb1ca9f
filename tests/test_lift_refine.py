# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub lift --refine stride``: STRIDE test-time training in the user's path (and its errors)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motionhub.cli import main

DEMO = Path(__file__).resolve().parents[1] / "motionhub" / "demo" / "cmu_walk_2d.npz"


def test_lift_refine_stride_replaces_the_poses_and_keeps_the_lifted_ones(tmp_path, capsys):
    out = tmp_path / "r.npz"
    code = main(["lift", str(DEMO), "-o", str(out), "--refine", "stride", "--refine-epochs", "1", "-q"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "refined with STRIDE: " in printed.out and "s per 1,000 frames" in printed.out
    with np.load(out) as z:
        pose, before = z["pose_3d"], z["pose_3d_unrefined"]
        assert pose.shape == before.shape == (143, 17, 3)
        assert np.abs(pose[:, 0]).max() < 1e-5  # root-relative
        moved = np.linalg.norm(pose - before, axis=-1).mean()
        assert 0.0 < moved < 0.1  # refined, not replaced by something else (metres)
        import json

        meta = json.loads(str(z["meta_json"]))
        assert meta["refine"]["method"] == "stride" and meta["refine"]["steps"] > 0
        assert meta["refine"]["lambdas"]["lambda_velocity"] == 20.0 and meta["refine"]["self_occlusion"] is True
        assert "root_world" in z.files  # the world motion is placed after the refinement
    # STRIDE's own TTT (no self-made occlusions): another result from the same prior and seed
    plain = tmp_path / "plain.npz"
    assert main(["lift", str(DEMO), "-o", str(plain), "--refine", "stride", "--refine-epochs", "1",
                 "--no-refine-self-occlusion", "-q"]) == 0  # fmt: skip
    with np.load(plain) as z:
        assert json.loads(str(z["meta_json"]))["refine"]["self_occlusion"] is False
        assert not np.allclose(z["pose_3d"], pose, atol=1e-6)


def test_lift_refine_errors(tmp_path, capsys):
    code = main(["lift", str(DEMO), "-o", str(tmp_path / "x.npz"), "--refine", "stride", "--refine-epochs", "-1",
                 "-q"])  # fmt: skip
    assert code == 1 and "--refine-epochs must be >= 0" in capsys.readouterr().err
    code = main(["lift", str(DEMO), "-o", str(tmp_path / "x.npz"), "--refine", "stride", "--refine-prior",
                 str(tmp_path / "nope"), "-q"])  # fmt: skip
    assert code == 1 and "nope" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["lift", str(DEMO), "--refine", "kalman"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_refine_stride_api_refuses_unknown_weights_and_normalised_poses():
    from motionhub.formats import load_motion
    from motionhub.pipelines import LiftResult, PoseLiftingPipeline

    res = PoseLiftingPipeline(None, progress=False)(load_motion(DEMO))
    with pytest.raises(ValueError, match="unknown STRIDE loss weight"):
        res.refine_stride(lambdas={"lambda_speed": 1.0}, epochs=0)
    norm = LiftResult(res.pose_3d, None, res.keypoints_2d, res.keypoints_2d_pixels, res.missing, "h36m-17",
                      "normalized", 50.0, {})  # fmt: skip
    with pytest.raises(ValueError, match="metric H36M-17"):
        norm.refine_stride(epochs=0)
