# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Bring-your-own-data action finetuning (issue 15): a labelled generic npz with a view field, 3D and 2D, through
``examples/finetune_action.py`` and back through ``motionhub evaluate`` with no flags; splits by field, the time
budget, the dataset writer, and every bad input as a one-line error."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from motionhub.formats import (
    MotionDataset,
    MotionSequence,
    load_generic_dataset,
    load_motion,
    save_generic_dataset,
)
from motionhub.formats.ntu import write_pyskl_pkl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "finetune_action.py"
TINY = ["--from-scratch", "--config", "dstformer", "--set", "dim_feat=16", "--set", "dim_rep=8", "--set", "depth=1",
        "--set", "num_heads=2", "--set", "maxlen=8", "--hidden-size", "16"]
FAST = ["--clip-len", "8", "--batch-size", "4", "--no-progress", "--logging-steps", "1", "--eval-at-end-only"]
CLASSES = ["wave", "kick", "bow"]


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("finetune_action_own_data", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _skeleton_clip(label: int, rng: np.random.Generator, frames: int) -> np.ndarray:
    """A Kinect-20 skeleton (metres, camera frame, y up) whose class moves a different limb."""
    base = np.zeros((20, 3))
    base[:, 1] = np.linspace(-0.9, 0.8, 20)
    base[:, 0] = rng.normal(0, 0.15, 20)
    base[:, 2] = 3.0 + rng.normal(0, 0.05, 20)
    t = np.linspace(0, 2 * np.pi, frames)[:, None]
    clip = np.repeat(base[None], frames, axis=0) + rng.normal(0, 0.01, (frames, 20, 3))
    limb = {0: [6, 7], 1: [14, 15], 2: [2, 3]}[label]  # hand / foot / head
    clip[:, limb, 1 if label != 2 else 2] += 0.3 * np.sin(t * (1 + label))
    return clip


@pytest.fixture(scope="module")
def own_set(tmp_path_factory) -> Path:
    """One many-clip generic npz: 3 classes x 3 views x 4 clips, 3D (metres) + 2D pixels, with one all-zero
    (untracked) frame and one single-frame clip, as Kinect recordings have them."""
    rng = np.random.default_rng(0)
    clips3, clips2, labels, views, subjects = [], [], [], [], []
    for view in (1, 2, 3):
        for label in range(3):
            for k in range(4):
                frames = 1 if (view, label, k) == (1, 0, 3) else int(rng.integers(10, 20))
                x = _skeleton_clip(label, rng, frames)
                if frames > 5 and k == 0:
                    x[2] = 0.0  # a tracking failure
                clips3.append(x)
                px = np.concatenate([x[..., :2] * [300, -300] + [320, 240], np.ones(x.shape[:2] + (1,))], -1)
                clips2.append(np.where(np.all(x == 0, axis=-1, keepdims=True), 0.0, px))
                labels.append(label)
                views.append(view)
                subjects.append(f"p{k % 2}")
    path = tmp_path_factory.mktemp("own") / "my_actions.npz"
    lengths = [len(c) for c in clips3]
    np.savez(path, keypoints_3d=np.concatenate(clips3).astype(np.float32),
             keypoints_2d=np.concatenate(clips2).astype(np.float32), offsets=np.cumsum([0] + lengths),
             label=np.array(labels), class_names=np.array(CLASSES), view=np.array(views),
             subject=np.array(subjects), layout="kinect-20", fps=30.0, units_3d="m", image_size=[640, 480])
    return path


def _motionhub(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("motionhub") or str(Path(sys.executable).with_name("motionhub"))
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run([exe, *argv], cwd=cwd, capture_output=True, text=True, timeout=600, env=env, check=False)


def test_own_3d_set_train_save_evaluate_with_no_flags(own_set, tmp_path):
    """The README's command: train on views 1 2, test on view 3; `motionhub evaluate` of the saved model with no
    preparation flags gives the same top-1, and prints the class names."""
    out = tmp_path / "run"
    cmd = [sys.executable, str(EXAMPLE), *TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1",
           "2", "--test", "3", "--input", "3d", "--epochs", "3", "--output-dir", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False,
                          env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "24 train / 12 eval clips (view 1,2 -> view=3), 3 classes" in proc.stdout
    trained = json.loads((out / "results.json").read_text())["eval"]["eval_top1"]
    saved = json.loads((out / "final" / "config.json").read_text())
    assert saved["id2label"] == {"0": "wave", "1": "kick", "2": "bow"}
    processor = json.loads((out / "final" / "preprocessor_config.json").read_text())
    assert processor["clip_normalization"] == "kinect_3d_metres_first_frame_pelvis"
    assert processor["clip_len"] == 8 and processor["num_persons"] == 1

    res = _motionhub(["evaluate", str(out / "final"), str(own_set), "--split", "view=3", "-q", "-o",
                      str(tmp_path / "eval.json")], tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    evaluated = json.loads((tmp_path / "eval.json").read_text())
    assert evaluated["num_clips"] == 12
    assert evaluated["top1"] == pytest.approx(trained, abs=1e-9)
    for name in CLASSES:
        assert name in res.stdout
    assert sorted(evaluated["per_class"]) == sorted(CLASSES)


def test_own_2d_folder_split_by_subject_and_ortho(example, own_set, tmp_path):
    """A folder of one-clip labelled files (2D pixels) split by subject; then the 3D clips seen as 2D (ortho)."""
    ds = load_generic_dataset(own_set)
    folder = tmp_path / "clips"
    folder.mkdir()
    from motionhub.formats import save_generic

    for i, seq in enumerate(ds.sequences):
        save_generic(folder / f"clip_{i:03d}.npz", seq.replace(keypoints_3d=None, label=CLASSES[seq.label]))
    out = tmp_path / "run2d"
    assert example.main([*TINY, *FAST, "--data", str(folder), "--split-by", "subject", "--train", "p0",
                         "--max-steps", "2", "--output-dir", str(out)]) == 0
    processor = json.loads((out / "final" / "preprocessor_config.json").read_text())
    assert processor["clip_normalization"] == "crop_scale"
    names = json.loads((out / "final" / "config.json").read_text())["id2label"]
    assert sorted(names.values()) == sorted(CLASSES)

    out = tmp_path / "ortho"
    assert example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                         "--input", "ortho", "--max-steps", "2", "--output-dir", str(out)]) == 0
    from motionhub import AutoModelForActionClassification
    from motionhub.pipelines import ActionPipeline, evaluate_action

    model = AutoModelForActionClassification.from_pretrained(out / "final")
    pipe = ActionPipeline(model, task="action-classification", progress=False)
    assert pipe.processor.clip_normalization == "orthographic_3d"
    res = evaluate_action(pipe, load_generic_dataset(own_set).select("view=3").sequences)
    trained = json.loads((out / "results.json").read_text())["eval"]["eval_top1"]
    assert res["top1"] == pytest.approx(trained, abs=1e-9)


def test_time_budget_stops_and_still_saves(example, own_set, tmp_path, capsys):
    out = tmp_path / "budget"
    assert example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                         "--input", "3d", "--epochs", "50", "--max-minutes", "0.0001", "--output-dir", str(out)]) == 0
    assert "--max-minutes 0.0001: stopped after step 1" in capsys.readouterr().out
    assert (out / "final" / "model.safetensors").is_file()
    assert json.loads((out / "results.json").read_text())["train"]["epoch"] < 1


def test_select_by_split_field_and_values(own_set):
    ds = load_generic_dataset(own_set)
    assert len(ds.select("view=1,2")) == 24 and len(ds.select("view", [3])) == 12
    assert len(ds.select("subject=p1")) == 18
    with pytest.raises(ValueError, match=r"view value\(s\) \['7'\] match no clip; the data has view \['1', '2', '3'\]"):
        ds.select("view=7")
    with pytest.raises(ValueError, match="unknown split 'test'.*fields: .*view"):
        ds.select("test")
    with pytest.raises(ValueError, match="FIELD=V"):
        ds.select("view=")
    named = MotionDataset(list(ds.sequences[:4]), {"train": [0, 1], "test": [2, 3]}, ds.class_names)
    assert len(named.select("test")) == 2 and len(named.select("split", ["train", "test"])) == 4


def test_dataset_writer_round_trip_keeps_fields_and_missing_frames(own_set, tmp_path):
    ds = load_generic_dataset(own_set)
    path = save_generic_dataset(tmp_path / "copy", ds)
    back = load_motion(path)
    assert isinstance(back, MotionDataset) and back.class_names == CLASSES and len(back) == len(ds)
    for a, b in zip(ds.sequences, back.sequences):
        assert a.label == b.label and a.meta["view"] == b.meta["view"] and a.meta["subject"] == b.meta["subject"]
        np.testing.assert_allclose(a.keypoints_3d, b.keypoints_3d, atol=1e-6)  # both interpolated on reading
    with np.load(path) as z:  # the untracked frames are written as missing (NaN), not as the interpolation
        assert np.isnan(z["keypoints_3d"][..., 0]).sum() == sum(
            int(s.meta["missing"].sum()) for s in ds.sequences if s.meta.get("missing") is not None) > 0
    with pytest.raises(ValueError, match="clip 1 differs from clip 0 in layout"):
        save_generic_dataset(tmp_path / "bad", [ds[0], ds[1].replace(keypoints_3d=ds[1].keypoints_3d[:, :17],
                                                                      keypoints_2d=None, layout="h36m-17")])


def test_pyskl_layout_is_named_not_guessed(example, tmp_path):
    """A 20-joint PYSKL file (Kinect v1) needs its layout; with --layout it trains without hand padding."""
    rng = np.random.default_rng(1)
    seqs = []
    for i in range(8):
        x = _skeleton_clip(i % 2, rng, 12)
        kp = np.concatenate([x[..., :2] * [300, -300] + [320, 240], np.ones((12, 20, 1))], -1)[None]
        seqs.append(MotionSequence(keypoints_2d=kp.astype(np.float32), layout="kinect-20", image_size=(640, 480),
                                   label=i % 2, meta={"frame_dir": f"clip{i}"}))
    names = [s.meta["frame_dir"] for s in seqs]
    pkl = write_pyskl_pkl(tmp_path / "kinect20.pkl", seqs, split={"train": names[:6], "test": names[6:]})
    assert load_motion(pkl)[0].layout == "custom-20"
    assert load_motion(pkl, layout="kinect-20")[0].layout == "kinect-20"
    with pytest.raises(ValueError, match="layout 'coco-17' has 17 joints but the clip has 20"):
        load_motion(pkl, layout="coco-17")
    out = tmp_path / "pyskl"
    assert example.main([*TINY, *FAST, "--dataset", "generic", "--data", str(pkl), "--layout", "kinect-20",
                         "--max-steps", "1", "--output-dir", str(out)]) == 0


@pytest.mark.parametrize("argv, message", [
    (["--split-by", "view", "--train", "7"], r"view value\(s\) \['7'\] match no clip"),
    (["--train", "1"], "pass --split-by FIELD too"),
    (["--split-by", "view", "--train", "1", "2", "3"], "covers every view value"),
    (["--split-by", "view", "--train", "1", "--test", "1"], "overlap"),
    (["--split-by", "colour", "--train", "red"], "no clip has a 'colour' field"),
    ([], r"has no 'train' and 'test' splits.*--split-by FIELD"),
    (["--split-by", "view", "--train", "1", "--max-minutes", "0"], "--max-minutes must be > 0"),
])
def test_bad_split_arguments_are_one_line_errors(example, own_set, tmp_path, argv, message):
    with pytest.raises(SystemExit, match=message) as info:
        example.main([*TINY, *FAST, "--data", str(own_set), *argv, "--output-dir", str(tmp_path / "x")])
    assert "\n" not in str(info.value.code)


def test_bad_data_files_are_one_line_errors(example, own_set, tmp_path):
    fake = tmp_path / "notes.pkl"
    fake.write_bytes(b"this is not a pickle")
    with pytest.raises(SystemExit, match="cannot be read as the auto data") as info:
        example.main([*TINY, *FAST, "--data", str(fake), "--output-dir", str(tmp_path / "a")])
    assert "\n" not in str(info.value.code)
    with pytest.raises(SystemExit, match="action data not found"):
        example.main([*TINY, *FAST, "--data", str(tmp_path / "missing.npz"), "--output-dir", str(tmp_path / "b")])
    unlabelled = tmp_path / "clip.npz"
    np.savez(unlabelled, keypoints_3d=np.ones((5, 20, 3), np.float32), layout="kinect-20", fps=30.0, units_3d="m")
    with pytest.raises(SystemExit, match="is not a labelled dataset"):
        example.main([*TINY, *FAST, "--data", str(unlabelled), "--output-dir", str(tmp_path / "c")])
    three_d_only = tmp_path / "only3d.npz"
    with np.load(own_set) as z:
        np.savez(three_d_only, **{k: z[k] for k in z.files if k != "keypoints_2d"})
    with pytest.raises(SystemExit, match="--input 2d but 36 clip\\(s\\) have no keypoints_2d"):
        example.main([*TINY, *FAST, "--data", str(three_d_only), "--split-by", "view", "--train", "1",
                      "--input", "2d", "--output-dir", str(tmp_path / "d")])
    with pytest.raises(SystemExit, match="3D clips need an encoder with 3 input channels"):
        example.main(["--from-scratch", "--config", "stmo", "--set", "maxlen=9", *FAST[2:], "--clip-len", "9",
                      "--data", str(three_d_only), "--split-by", "view", "--train", "1", "--output-dir",
                      str(tmp_path / "e")])


def test_oneshot_on_own_data(example, own_set, tmp_path):
    """SupCon embedding on two classes, one-shot 1-NN on the third (novel) class of the same file."""
    out = tmp_path / "oneshot"
    # two novel classes of three leave one class to train on: refused with a clear message
    with pytest.raises(SystemExit, match="leave fewer than 2 classes"):
        example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                      "--input", "3d", "--oneshot", "--novel-classes", "bow", "kick", "--output-dir", str(out)])
    with pytest.raises(SystemExit, match="unknown class 'run'"):
        example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                      "--oneshot", "--novel-classes", "run", "--output-dir", str(out)])
    res = example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                        "--input", "3d", "--oneshot", "--novel-classes", "bow", "--max-steps", "2",
                        "--output-dir", str(out)])
    assert res == 0
    metrics = json.loads((out / "results.json").read_text())["eval"]
    assert 0.0 <= metrics["eval_oneshot_accuracy"] <= 1.0
    assert (out / "final" / "preprocessor_config.json").is_file()


def test_train_and_test_in_two_folders(example, own_set, tmp_path, capsys):
    """The most common layout of one's own data: train/ and test/ folders of labelled clips (--eval-data)."""
    from motionhub.formats import save_generic

    ds = load_generic_dataset(own_set)
    for part in ("train", "test"):
        (tmp_path / part).mkdir()
    for i, seq in enumerate(ds.sequences):
        part = "test" if seq.meta.get("view") == 3 else "train"
        save_generic(tmp_path / part / f"clip_{i:03d}.npz", seq.replace(label=CLASSES[seq.label]))
    out = tmp_path / "run"
    assert example.main([*TINY, *FAST, "--data", str(tmp_path / "train"), "--eval-data", str(tmp_path / "test"),
                         "--input", "3d", "--max-steps", "2", "--output-dir", str(out)]) == 0
    assert "train -> test: 24 train / 12 eval clips, 3 classes, 3D" in capsys.readouterr().out
    assert json.loads((out / "results.json").read_text())["eval"]["eval_top1"] >= 0
    with pytest.raises(SystemExit, match="drop --split / --split-by"):
        example.main([*TINY, *FAST, "--data", str(tmp_path / "train"), "--eval-data", str(tmp_path / "test"),
                      "--split-by", "view", "--train", "1", "--output-dir", str(out)])
    with pytest.raises(SystemExit, match="are the same"):
        example.main([*TINY, *FAST, "--data", str(tmp_path / "train"), "--eval-data", str(tmp_path / "train"),
                      "--output-dir", str(out)])


@pytest.mark.parametrize("kind", ["3d", "ortho"])
def test_unseen_view_protocol_evaluate_rotate_matches_training(example, own_set, tmp_path, kind, capsys):
    """Issue 24's unseen-angle protocol: a model trained with --view-rotation and evaluated by finetune_action.py on
    test clips turned by --eval-rotation 90 gets the same top-1 from `motionhub evaluate --rotate 90` of the saved
    model; the turn reaches the model (other logits); --rotate is refused where it cannot apply."""
    from motionhub.tasks.action import yaw_rotate

    from motionhub import AutoModelForActionClassification
    from motionhub.cli import main as cli
    from motionhub.pipelines import ActionPipeline

    out = tmp_path / kind
    assert example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                         "--input", kind, "--view-rotation", "30", "--eval-rotation", "90", "--max-steps", "3",
                         "--output-dir", str(out)]) == 0
    trained = json.loads((out / "results.json").read_text())["eval"]["eval_top1"]
    capsys.readouterr()
    assert cli(["evaluate", str(out / "final"), str(own_set), "--split", "view=3", "--rotate", "90", "-q", "-o",
                str(tmp_path / "turned.json")]) == 0
    assert json.loads((tmp_path / "turned.json").read_text())["top1"] == pytest.approx(trained, abs=1e-9)

    seqs = load_generic_dataset(own_set).select("view=3").sequences
    pipe = ActionPipeline(AutoModelForActionClassification.from_pretrained(out / "final"), progress=False)
    straight = pipe(seqs).logits
    turned = pipe([s.replace(keypoints_3d=yaw_rotate(s.keypoints_3d, 90.0)) for s in seqs]).logits
    assert np.abs(straight - turned).max() > 1e-4

    assert cli(["evaluate", str(out / "final"), str(own_set), "--split", "view=3", "--rotate", "nan", "-q"]) == 1
    assert "--rotate must be a finite angle" in capsys.readouterr().err
    assert cli(["evaluate", "default", str(own_set), "--split", "view=3", "--rotate", "90", "-q"]) == 1
    assert "--rotate applies to action classification models" in capsys.readouterr().err


def test_evaluate_rotate_refuses_models_of_2d_clips(example, own_set, tmp_path, capsys):
    from motionhub.cli import main as cli

    out = tmp_path / "run2d"
    assert example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                         "--input", "2d", "--max-steps", "1", "--output-dir", str(out)]) == 0
    capsys.readouterr()
    assert cli(["evaluate", str(out / "final"), str(own_set), "--split", "view=3", "--rotate", "90", "-q"]) == 1
    assert "--rotate turns 3D skeletons" in capsys.readouterr().err


def test_face_front_model_is_view_invariant_end_to_end(example, own_set, tmp_path, capsys):
    """--face-front: the saved processor faces every clip to the camera, so `motionhub evaluate` gives the same
    top-1 with or without --rotate, equal to the training run's (which evaluated at --eval-rotation 90)."""
    from motionhub.cli import main as cli

    out = tmp_path / "front"
    assert example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "2",
                         "--input", "ortho", "--face-front", "--view-rotation", "20", "--eval-rotation", "90",
                         "--max-steps", "3", "--output-dir", str(out)]) == 0
    assert json.loads((out / "final" / "preprocessor_config.json").read_text())["clip_facing"] == "front"
    trained = json.loads((out / "results.json").read_text())["eval"]["eval_top1"]
    capsys.readouterr()
    for extra, name in (([], "plain.json"), (["--rotate", "90"], "turned.json"), (["--rotate", "-131"], "t2.json")):
        assert cli(["evaluate", str(out / "final"), str(own_set), "--split", "view=3", "-q", *extra, "-o",
                    str(tmp_path / name)]) == 0
        assert json.loads((tmp_path / name).read_text())["top1"] == pytest.approx(trained, abs=1e-9)
    with pytest.raises(SystemExit, match="--face-front turn 3D skeletons"):
        example.main([*TINY, *FAST, "--data", str(own_set), "--split-by", "view", "--train", "1", "--input", "2d",
                      "--face-front", "--output-dir", str(tmp_path / "x")])
