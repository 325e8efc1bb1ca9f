# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""examples/finetune_action.py end to end on small NTU-format files written by the formats writers (PYSKL pkl,
raw .skeleton folder, NTU-120 one-shot), from scratch and from a pretrained encoder, with resume; --help coverage."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import motionhub
from motionhub.formats.base import MotionSequence
from motionhub.formats.ntu import write_ntu_skeleton, write_pyskl_pkl

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "finetune_action.py"
TINY = ["--set", "dim_feat=16", "--set", "dim_rep=8", "--set", "depth=1", "--set", "num_heads=2", "--set", "maxlen=8"]
FAST = ["--clip-len", "8", "--batch-size", "4", "--no-progress", "--logging-steps", "1"]


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("finetune_action_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _name(setup=1, camera=1, performer=1, action=1):
    return f"S{setup:03d}C{camera:03d}P{performer:03d}R001A{action:03d}"


def _clip(label, seed, name):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 80, (2, 1, 17, 2)) + rng.normal(0, 3, (2, 10, 17, 2)) + 100 + 30 * label
    xy[1, ..., 0] += 200
    kp = np.concatenate([xy, rng.uniform(0.3, 1, (2, 10, 17, 1))], -1).astype(np.float32)
    return MotionSequence(keypoints_2d=kp, layout="coco-17", image_size=(640, 480), label=label,
                          meta={"frame_dir": name})


@pytest.fixture(scope="module")
def ntu_pkl(tmp_path_factory):
    root = tmp_path_factory.mktemp("ntu")
    seqs = [_clip(i % 3, i, _name(setup=1 + i, camera=1 + i % 3, performer=1 + i % 4, action=1 + i % 3))
            for i in range(16)]
    names = [s.meta["frame_dir"] for s in seqs]
    return write_pyskl_pkl(root / "ntu60_hrnet.pkl", seqs, split={
        "xsub_train": names[:12], "xsub_val": names[12:], "xview_train": names[4:], "xview_val": names[:4]})


def run(example, argv) -> dict:
    assert example.main([str(a) for a in argv]) == 0
    out = Path(argv[argv.index("--output-dir") + 1])
    return json.loads((out / "results.json").read_text())


def test_help_documents_every_option(example, capsys):
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    parser = example.build_parser()
    for action in parser._actions:
        for flag in action.option_strings:
            assert flag in text, f"{flag} missing from --help"
        if action.option_strings and action.dest != "help":
            assert action.help and len(action.help) > 10, f"{action.option_strings} has no help text"
    for required in ("--model", "--from-scratch", "--config", "--data", "--split", "--oneshot", "--head-lr",
                     "--backbone-lr-ratio", "--freeze-backbone", "--epochs", "--batch-size", "--clip-len",
                     "--output-dir", "--resume", "--max-steps", "--dataset"):
        assert re.search(rf"{required}\b", text), required


def test_ntu_pkl_from_scratch_then_resume(example, ntu_pkl, tmp_path):
    out = tmp_path / "run"
    argv = ["--from-scratch", "--config", "dstformer", *TINY, "--data", ntu_pkl, "--split", "xsub", "--epochs", "1",
            *FAST, "--hidden-size", "16", "--output-dir", out]
    res = run(example, argv)
    assert 0.0 <= res["eval"]["eval_top1"] <= 1.0 and res["eval"]["eval_top5"] == 1.0  # 3 classes < 5
    assert res["train"]["epoch"] == pytest.approx(1.0)
    model = motionhub.AutoModelForActionClassification.from_pretrained(out / "final")
    assert model.config.num_labels == 60 and model.config.action_hidden_size == 16
    # the clip preparation travels with the weights (ActionPipeline / `motionhub classify` read it)
    assert model.config.action_normalization == "crop_scale" and model.config.action_num_persons == 2
    assert model.config.action_clip_len >= 1
    processor = motionhub.MotionProcessor.from_pretrained(out / "final")  # preprocessor_config.json
    assert (processor.clip_normalization, processor.num_persons) == ("crop_scale", 2)
    assert processor.clip_len == model.config.action_clip_len
    assert (out / "checkpoint-3").is_dir()  # 12 clips / batch 4
    res = run(example, [*argv[: argv.index("--epochs") + 1], "2", *argv[argv.index("--epochs") + 2 :], "--resume"])
    assert res["train"]["epoch"] == pytest.approx(2.0)
    assert (out / "checkpoint-6").is_dir()


def test_pretrained_encoder_frozen_backbone_xview(example, ntu_pkl, tmp_path):
    from motionhub import DSTformerConfig, DSTformerModel

    torch.manual_seed(0)
    encoder = DSTformerModel(DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=8))
    encoder.save_pretrained(tmp_path / "encoder")
    out = tmp_path / "run"
    res = run(example, ["--model", tmp_path / "encoder", "--data", ntu_pkl, "--split", "xview", "--freeze-backbone",
                        "--max-steps", "2", *FAST, "--hidden-size", "16", "--output-dir", out])
    assert "eval_top1" in res["eval"]
    tuned = motionhub.AutoModelForActionClassification.from_pretrained(out / "final")
    for name, value in encoder.state_dict().items():
        assert torch.equal(tuned.dstformer.state_dict()[name], value), f"frozen {name} changed"


def test_ntu_skeleton_folder(example, tmp_path):
    folder = tmp_path / "nturgbd_skeletons"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i, performer in enumerate((1, 2, 4, 5, 3, 6)):  # 1, 2, 4, 5 train in xsub; 3, 6 evaluate
        xyz = rng.normal(0, 0.2, (2, 9, 25, 3)) + np.array([0.5 * (i % 2), 0, 3.0])
        write_ntu_skeleton(folder / f"{_name(performer=performer, action=1 + i % 2)}.skeleton", xyz)
    res = run(example, ["--from-scratch", "--config", "dstformer", *TINY, "--data", folder, "--max-steps", "1",
                        *FAST, "--hidden-size", "16", "--output-dir", tmp_path / "run"])
    assert "eval_top1" in res["eval"]


def test_ntu120_oneshot(example, tmp_path):
    labels = [0, 0, 0, 6, 6, 6, 1, 1, 2, 2, 3, 3, 4, 4]
    seqs = [_clip(lab, i, _name(setup=1 + i, action=lab + 1)) for i, lab in enumerate(labels)]
    pkl = write_pyskl_pkl(tmp_path / "ntu120_hrnet.pkl", seqs)
    out = tmp_path / "run"
    res = run(example, ["--from-scratch", "--config", "dstformer", *TINY, "--data", pkl, "--oneshot",
                        "--embedding-size", "8", "--epochs", "1", *FAST, "--output-dir", out])
    assert 0.0 <= res["eval"]["eval_oneshot_accuracy"] <= 1.0
    model = motionhub.AutoModelForActionEmbedding.from_pretrained(out / "final")
    assert type(model).__name__ == "DSTformerForActionEmbedding" and model.config.embedding_size == 8


def test_bad_arguments(example, ntu_pkl, tmp_path):
    with pytest.raises(SystemExit, match="needs --config"):
        example.main(["--from-scratch", "--data", str(ntu_pkl), "--output-dir", str(tmp_path)])
    with pytest.raises(SystemExit, match="no preset"):
        example.main(["--from-scratch", "--config", "dstformer:nope", "--data", str(ntu_pkl),
                      "--output-dir", str(tmp_path)])
    with pytest.raises(SystemExit, match="exceeds"):
        example.main(["--from-scratch", "--config", "dstformer", *TINY, "--data", str(ntu_pkl), "--clip-len", "9",
                      "--output-dir", str(tmp_path)])
