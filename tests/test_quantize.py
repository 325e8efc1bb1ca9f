# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""int8 inference (issue 28): the lifting pipeline's ``quantize="int8"`` (onnxruntime dynamic quantization of the
cached ONNX export), ``motionhub lift / evaluate / export --quantize int8`` and the refusals where int8 does not
apply. The speed and the accuracy cost on real data are measured in ``benchmarks/`` (no timed tests)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import motionhub

pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")


def _lifter(seed: int = 0):
    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    motionhub.register()
    config = DSTformerConfig(dim_feat=32, dim_rep=32, depth=2, num_heads=4, mlp_ratio=2.0, maxlen=16,
                             output_units="m")
    torch.manual_seed(seed)
    return DSTformerForPoseLifting(config).eval()


def _clip(frames: int = 40) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([rng.uniform(100, 500, (frames, 17, 2)), rng.uniform(0.5, 1, (frames, 17, 1))], -1)


def test_int8_pipeline_close_to_float32_and_cached(tmp_path, monkeypatch):
    import onnx

    from motionhub.pipelines import PoseLiftingPipeline

    monkeypatch.setenv("MOTIONHUB_ONNX_CACHE", str(tmp_path / "cache"))
    model = _lifter()
    clip = _clip()
    ref = PoseLiftingPipeline(model, progress=False, image_size=(640, 480))(clip)
    pipe = PoseLiftingPipeline(model, progress=False, image_size=(640, 480), quantize="int8")
    assert pipe.backend == "onnx" and pipe.quantize == "int8"
    out = pipe(clip)
    assert out.meta["quantize"] == "int8" and ref.meta["quantize"] is None
    scale = float(np.abs(ref.pose_3d).max())
    err = np.abs(out.pose_3d - ref.pose_3d)
    # int8 changes the numbers (else nothing was quantized) but keeps them close to float32
    assert 1e-6 * scale < err.max() < 0.1 * scale, (err.max(), scale)
    files = sorted(p.name for p in (tmp_path / "cache").glob("*.onnx"))
    quantized = [f for f in files if f.endswith("-int8-w7.onnx")]  # 7-bit weights (saturation-safe on AVX2)
    assert len(files) == 2 and len(quantized) == 1, files  # the float32 export and its int8 variant
    proto = onnx.load(str(tmp_path / "cache" / quantized[0]))
    ops = {n.op_type for n in proto.graph.node}
    assert "DynamicQuantizeLinear" in ops and ("MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops), ops
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["motionhub_quantization"] == "int8" and "config.json" in meta  # the model travels with the file
    PoseLiftingPipeline(model, progress=False, quantize="int8")  # reused from the cache, not quantized again
    assert len(list((tmp_path / "cache").glob("*.onnx"))) == 2


def test_int8_refusals(tmp_path, monkeypatch):
    from motionhub.pipelines import PoseLiftingPipeline

    monkeypatch.setenv("MOTIONHUB_ONNX_CACHE", str(tmp_path / "cache"))
    model = _lifter()
    with pytest.raises(ValueError, match="quantize must be one of"):
        PoseLiftingPipeline(model, quantize="int4")
    with pytest.raises(ValueError, match="runs on onnxruntime"):
        PoseLiftingPipeline(model, quantize="int8", backend="torch")
    from motionhub.pipelines.lifting import KeypointPipeline

    class MeshLike(KeypointPipeline):  # the mesh pipeline's task: its SMPL layers must stay float32
        task = "mesh-recovery"

    with pytest.raises(ValueError, match="applies to pose-lifting models"):
        MeshLike(model, quantize="int8")
    assert not (tmp_path / "cache").exists()  # nothing exported for a refused request


def test_cli_lift_evaluate_export_int8(tmp_path, monkeypatch, capsys):
    import onnx

    from motionhub.cli import main
    from motionhub.formats import MotionSequence
    from motionhub.formats.generic import save_generic

    monkeypatch.setenv("MOTIONHUB_ONNX_CACHE", str(tmp_path / "cache"))
    model_dir = tmp_path / "lifter"
    _lifter().save_pretrained(model_dir)
    clip = _clip(30)
    rng = np.random.default_rng(1)
    gt = rng.normal(0, 300, (30, 17, 3))
    save_generic(tmp_path / "clip.npz", MotionSequence(keypoints_2d=clip, keypoints_3d=gt, units_3d="mm",
                                                       layout="h36m-17", image_size=(640, 480), fps=50.0))
    assert main(["lift", str(tmp_path / "clip.npz"), "-o", str(tmp_path / "out.npz"), "--model", str(model_dir),
                 "--quantize", "int8", "-q"]) == 0
    assert "int8 on onnxruntime" in capsys.readouterr().out
    assert np.load(tmp_path / "out.npz")["pose_3d"].shape == (30, 17, 3)
    assert main(["evaluate", str(model_dir), str(tmp_path / "clip.npz"), "--quantize", "int8", "-q",
                 "-o", str(tmp_path / "metrics.json")]) == 0
    import json

    assert json.loads((tmp_path / "metrics.json").read_text())["quantize"] == "int8"
    assert main(["export", str(model_dir), str(tmp_path / "m.onnx"), "--quantize", "int8", "-q"]) == 0
    out = capsys.readouterr().out
    assert "int8" in out and "largest difference" in out
    meta = {p.key: p.value for p in onnx.load(str(tmp_path / "m.onnx")).metadata_props}
    assert meta["motionhub_quantization"] == "int8"
    # bad input: one line each, nothing written
    assert main(["export", str(model_dir), str(tmp_path / "m.pt2"), "--quantize", "int8", "-q"]) != 0
    assert "writes ONNX models" in capsys.readouterr().err and not (tmp_path / "m.pt2").exists()
    with pytest.raises(SystemExit) as exit_info:  # argparse: a usage error, exit code 2
        main(["lift", str(tmp_path / "clip.npz"), "--model", str(model_dir), "--quantize", "int4"])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_cli_choices_are_the_library_quantizations():
    """The CLI's --quantize choices (kept torch-free for --help) are the library's list."""
    from motionhub.commands._common import QUANTIZE_CHOICES
    from motionhub.export.model import QUANTIZATIONS
    from motionhub.pipelines.lifting import QUANTIZATIONS as PIPELINE_QUANTIZATIONS

    assert QUANTIZE_CHOICES == QUANTIZATIONS and PIPELINE_QUANTIZATIONS is QUANTIZATIONS
