# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model export (ONNX through torch.onnx's dynamo exporter, torch.export .pt2): onnxruntime parity <= 1e-4 on inputs
of other batch sizes and lengths than the export example, the metadata that travels with the file, and the
``motionhub export`` command with its bad inputs.

The default run exports one model per output kind (lifting, action classification / embedding, mesh, the
fixed-length families); ``pytest -m slow`` exports every encoder and task model class (each ONNX export costs
~10 s of CPU)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from head_suites import TINY
from motionhub.heads import TASK_MODELS
from synthetic_smpl import use_smpl_env, write_synthetic_smpl_dir

import motionhub

pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

from motionhub.export.model import (  # noqa: E402
    OnnxModel,
    export_model,
    export_spec,
    read_onnx_metadata,
)


@pytest.fixture(scope="module")
def smpl_dir(tmp_path_factory) -> Path:
    return write_synthetic_smpl_dir(tmp_path_factory.mktemp("synthetic_smpl"))


def _build(family: str, task: str):
    motionhub.register()
    config = TINY[family]()
    config.num_labels, config.action_hidden_size, config.mesh_hidden_size, config.embedding_size = 3, 16, 16, 8
    if hasattr(config, "stride_num"):
        config.stride_num = [3]  # the strided transformer of the 3-frame tiny STMO/MPM: 3 -> 1
    if task == "encoder":
        from transformers import AutoModel

        model = AutoModel.from_config(config)
    elif task == "pose-lifting":
        from motionhub import AutoModelForPoseLifting

        model = AutoModelForPoseLifting.from_config(config)
    else:
        model = TASK_MODELS[family, task](config)
    torch.manual_seed(0)
    with torch.no_grad():  # non-trivial BatchNorm statistics, so that eval-mode export is really tested
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
    return model.eval()


def _check_independently(model, path: Path, batch: int, frames: int | None) -> None:
    spec = export_spec(model)
    shape = list(spec.shape)
    shape[0] = batch
    if frames is not None:
        shape[-3] = frames
    x = torch.randn(shape) * 0.5
    with torch.no_grad():
        out = model(keypoints=x, return_dict=True)
    got = OnnxModel(path, threads=1).run(x)
    for name, value in got.items():
        ref = (out[name] if not name.startswith("mesh_") else getattr(out.mesh, name[5:])).numpy()
        scale = max(1.0, float(np.abs(ref).max()))  # millimetre outputs: relative to their magnitude
        assert np.max(np.abs(value - ref)) <= 1e-4 * scale, (name, np.max(np.abs(value - ref)), scale)


DEFAULT = [("DSTformer", "pose-lifting"), ("DSTformer", "action-classification"), ("DSTformer", "action-embedding"),
           ("DSTformer", "mesh-recovery"), ("STMO", "pose-lifting"), ("MPM", "encoder")]
EVERY = [(f, t) for f in TINY for t in ("encoder", "pose-lifting")] + [
    (f, t) for (f, t) in TASK_MODELS if f in TINY]


def _export_and_compare(family, task, tmp_path, monkeypatch, smpl_dir):
    if task in ("mesh-recovery", "multi-task"):
        use_smpl_env(monkeypatch, smpl_dir)
    model = _build(family, task)
    path = tmp_path / f"{family}-{task}.onnx"
    res = export_model(model, path)
    assert res.max_abs_diff is not None, res
    for name, diff in res.max_abs_diff.items():
        millimetres = task in ("mesh-recovery", "multi-task") and name.endswith(("vertices", "joints_3d"))
        assert diff <= (1e-4 * 2000 if millimetres else 1e-4), (name, diff)  # mm: 1e-4 of a ~2 m body
    assert path.is_file() and res.output_names
    fixed = bool(getattr(model.config, "fixed_length", False))
    assert ("frames" in res.input_shape) == (not fixed)
    # another batch and (where dynamic) another length than the export example and the built-in check
    _check_independently(model, path, batch=5, frames=None if fixed else model.config.maxlen)
    return model, path, res


@pytest.mark.parametrize("family, task", DEFAULT, ids=[f"{f}-{t}" for f, t in DEFAULT])
def test_onnx_export_matches_eager(family, task, tmp_path, monkeypatch, smpl_dir):
    if family not in TINY:
        pytest.skip(f"{family} not installed")
    _export_and_compare(family, task, tmp_path, monkeypatch, smpl_dir)


@pytest.mark.slow
@pytest.mark.parametrize("family, task", EVERY, ids=[f"{f}-{t}" for f, t in EVERY])
def test_every_model_class_exports(family, task, tmp_path, monkeypatch, smpl_dir):
    _export_and_compare(family, task, tmp_path, monkeypatch, smpl_dir)


def test_output_names_and_metadata_travel_with_the_file(tmp_path, monkeypatch, smpl_dir):
    model, path, res = _export_and_compare("DSTformer", "action-classification", tmp_path, monkeypatch, smpl_dir)
    assert res.output_names == ["logits", "pooled_features"]
    assert res.input_shape == ("batch", "2", "frames", "17", "3")
    meta = read_onnx_metadata(path)
    assert meta["task"] == "action-classification" and meta["outputs"] == ["logits", "pooled_features"]
    assert len(meta["config"]["id2label"]) == 3
    assert meta["processor"]["clip_normalization"] == "crop_scale" and meta["processor"]["num_persons"] == 2
    assert meta["input"] == {"name": "keypoints", "shape": ["batch", "2", "frames", "17", "3"]}


def test_torch_export_program(tmp_path):
    model = _build("DSTformer", "pose-lifting")
    res = export_model(model, tmp_path / "lifter.pt2")
    # not bit-equal: the eager model attends over short sequences with materialised scores, the program keeps SDPA
    assert res.format == "pt2" and max(res.max_abs_diff.values()) < 1e-6
    program = torch.export.load(str(tmp_path / "lifter.pt2"))
    x = torch.randn(3, 7, 17, 3)
    with torch.no_grad():
        torch.testing.assert_close(program.module()(x)[0], model(keypoints=x).pose_3d)


def test_export_refuses_what_the_model_cannot_take(tmp_path):
    stmo = _build("STMO", "pose-lifting")
    with pytest.raises(ValueError, match="fixed-length: it takes exactly config.maxlen = 3 frames, not 5"):
        export_model(stmo, tmp_path / "x.onnx", frames=5)
    lifter = _build("DSTformer", "pose-lifting")
    with pytest.raises(ValueError, match=r"frames must be in \[1, 8\]"):
        export_model(lifter, tmp_path / "x.onnx", frames=9)
    with pytest.raises(ValueError, match="unknown export format 'tflite'"):
        export_model(lifter, tmp_path / "x.tflite")
    assert not list(tmp_path.iterdir())
    onnx_file = tmp_path / "y.onnx"
    export_model(lifter, onnx_file, check=False)
    with pytest.raises(ValueError, match=r"takes keypoints of shape \['batch', 'frames', 17, 3\]"):
        OnnxModel(onnx_file).run(np.zeros((7, 17, 3), np.float32))


def test_cli_export_and_bad_inputs(tmp_path, capsys):
    from motionhub.cli import main

    model = _build("DSTformer", "pose-lifting")
    model.save_pretrained(tmp_path / "model")
    assert main(["export", str(tmp_path / "model"), str(tmp_path / "out.onnx"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "keypoints (batch, frames, 17, 3) -> pose_3d, representation" in out and "check: largest difference" in out
    assert read_onnx_metadata(tmp_path / "out.onnx")["task"] == "pose-lifting"
    assert main(["export", str(tmp_path / "model"), str(tmp_path / "out.tflite")]) != 0
    assert "out.tflite" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "nowhere"), str(tmp_path / "b.onnx")]) != 0
    assert "nowhere" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "model"), str(tmp_path / "c.onnx"), "--frames", "0"]) != 0
    assert "--frames must be >= 1" in capsys.readouterr().err
    assert not (tmp_path / "b.onnx").exists() and not (tmp_path / "c.onnx").exists()
    meta = read_onnx_metadata(tmp_path / "out.onnx")
    assert json.loads(json.dumps(meta["processor"]))["joint_layout"] == "h36m-17"


def test_lifting_pipeline_onnx_backend_matches_torch(tmp_path, monkeypatch):
    from motionhub.pipelines import PoseLiftingPipeline

    monkeypatch.setenv("MOTIONHUB_ONNX_CACHE", str(tmp_path / "cache"))
    model = _build("DSTformer", "pose-lifting")
    rng = np.random.default_rng(0)
    seq = np.concatenate([rng.uniform(100, 500, (20, 17, 2)), rng.uniform(0.5, 1, (20, 17, 1))], -1)
    torch_pipe = PoseLiftingPipeline(model, flip=True, progress=False, image_size=(640, 480))
    onnx_pipe = PoseLiftingPipeline(model, flip=True, progress=False, image_size=(640, 480), backend="onnx")
    for clip in (seq, seq[:1], seq[:5]):  # longer than the window, one frame (torch fallback), short
        np.testing.assert_allclose(onnx_pipe(clip).pose_3d, torch_pipe(clip).pose_3d, atol=1e-4)
    assert len(list((tmp_path / "cache").glob("*.onnx"))) == 1
    PoseLiftingPipeline(model, progress=False, backend="onnx")  # the cached export is reused
    assert len(list((tmp_path / "cache").glob("*.onnx"))) == 1
    with pytest.raises(ValueError, match="backend must be one of"):
        PoseLiftingPipeline(model, backend="tensorrt")
