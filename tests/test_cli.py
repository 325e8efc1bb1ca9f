# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The inference subcommands of the ``motionhub`` CLI end to end (tiny random models saved to tmp dirs), their error
messages, and the README's main command as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import motionhub
from motionhub import DSTformerConfig, DSTformerForPoseLifting
from motionhub.cli import main
from motionhub.formats import MotionSequence, load_generic, save_generic

REPO = Path(__file__).resolve().parents[1]
DEMO = Path(motionhub.__file__).resolve().parent / "demo" / "cmu_walk_2d.npz"


def _tiny(**kw) -> DSTformerConfig:
    return DSTformerConfig(**{"dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2, "maxlen": 27, **kw})


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from motionhub.heads import (
        DSTformerForActionClassification,
        DSTformerForActionEmbedding,
    )

    root = tmp_path_factory.mktemp("models")
    torch.manual_seed(0)
    DSTformerForPoseLifting(_tiny(input_normalization="screen", output_units="m")).save_pretrained(root / "lift")
    DSTformerForPoseLifting(_tiny()).save_pretrained(root / "lift_norm")
    DSTformerForActionClassification(
        _tiny(num_labels=3, id2label={0: "walk", 1: "run", 2: "jump"}, action_hidden_size=32)
    ).save_pretrained(root / "cls")
    DSTformerForActionEmbedding(_tiny(embedding_size=8)).save_pretrained(root / "emb")
    return root


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    root = tmp_path_factory.mktemp("clips")
    rng = np.random.default_rng(0)
    for name, label in [("wave", "wave"), ("jump", "jump"), ("q1", "wave"), ("q2", None)]:
        kp = rng.uniform(50, 450, size=(30, 17, 3))
        kp[..., 2] = 1.0
        save_generic(root / f"{name}.npz", MotionSequence(keypoints_2d=kp, layout="coco-17", fps=30.0, label=label,
                                                          image_size=(500, 500)))
    return root


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# --------------------------------------------------------------------------------------------------------- lift
def test_lift_writes_npz_json_and_plots(models, tmp_path, capsys):
    code, out, err = _run(["lift", DEMO, "-m", models / "lift", "-o", tmp_path / "p.npz", "--plot",
                           tmp_path / "p.gif", "--plot-max-frames", "8", "-q"], capsys)
    assert code == 0, err
    assert "'m' units" in out and "screen normalisation" in out
    with np.load(tmp_path / "p.npz") as z:
        assert str(z["units"]) == "m" and str(z["layout"]) == "h36m-17"
        assert z["pose_3d"].shape == (143, 17, 3) and "metres" in str(z["units_description"])
    seq = load_generic(tmp_path / "p.npz")  # the output is itself a generic npz
    assert seq.units_3d == "m" and seq.keypoints_2d.shape == (143, 17, 3)
    assert (tmp_path / "p.gif").stat().st_size > 1000
    code, _, err = _run(["lift", DEMO, "-m", models / "lift_norm", "-o", tmp_path / "p.json", "--plot",
                         tmp_path / "p.png", "--no-flip", "--stride", "9", "-q"], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["units"] == "normalized" and data["layout"] == "h36m-17" and len(data["joint_names"]) == 17
    assert np.asarray(data["pose_3d"]).shape == (143, 17, 3) and "pose_3d_pixels" in data
    assert data["meta"]["stride"] == 9 and data["meta"]["flip"] is False
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_lift_layout_override_and_bare_npy(models, tmp_path, capsys):
    kp = np.random.default_rng(1).uniform(0, 300, size=(12, 26, 3))
    kp[..., 2] = 0.9
    np.save(tmp_path / "halpe.npy", kp)
    code, _, err = _run(["lift", tmp_path / "halpe.npy", "-m", models / "lift_norm", "-o", tmp_path / "h.npz",
                         "-q"], capsys)
    assert code == 1 and "--layout" in err
    code, out, err = _run(["lift", tmp_path / "halpe.npy", "--layout", "halpe-26", "-m", models / "lift_norm",
                           "-o", tmp_path / "h.npz", "-q"], capsys)
    assert code == 0, err
    assert "halpe-26 -> h36m-17" in out
    code, _, err = _run(["lift", tmp_path / "halpe.npy", "--layout", "coco-17", "-m", models / "lift_norm", "-o",
                         tmp_path / "h.npz", "-q"], capsys)
    assert code == 1 and "halpe-26" in err and "26 joints" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["lift", "{tmp}/nope.npz", "-m", "{models}/lift"], "not found"),
        (["lift", "{tmp}/bad.npz", "-m", "{models}/lift"], "keypoints_2d"),
        (["lift", "{demo}", "-m", "{models}/cls", "-o", "{tmp}/x.npz"], "not a model for pose-lifting"),
        (["lift", "{demo}", "-m", "{tmp}/no_model", "-o", "{tmp}/x.npz"], "no such file or folder"),
        (["lift", "{demo}", "-m", "{models}/lift", "-o", "{tmp}/x.csv"], ".npz or .json"),
        (["lift", "{demo}", "-m", "{models}/lift", "--plot", "{tmp}/x.avi"], ".gif or .png or .mp4"),
        (["lift", "{demo}", "-m", "{models}/lift", "--window", "99", "-o", "{tmp}/x.npz"], "maxlen"),
        (["lift", "{tmp}/nosize.npz", "-m", "{models}/lift", "-o", "{tmp}/x.npz"], "--image-size"),
        (["classify", "{demo}", "-m", "{models}/emb"], "not a model for action-classification"),
        (["evaluate", "{models}/lift", "{tmp}/nosize.npz"], "3D ground truth"),
        (["evaluate", "{models}/lift", "{demo}", "--protocol", "camera"], "normalised-unit model"),
        (["mesh", "{demo}", "-m", "{models}/lift", "-o", "{tmp}/m.npz"], "--smpl"),
        (["info", "{tmp}/no_model"], "no such file or folder"),
    ],
)
def test_bad_inputs_exit_nonzero_with_a_helpful_message(models, tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.delenv("MOTIONHUB_SMPL_PATH", raising=False)
    np.savez(tmp_path / "bad.npz", something=np.zeros(3))
    kp = np.random.default_rng(0).uniform(0, 100, size=(5, 17, 2))
    np.savez(tmp_path / "nosize.npz", keypoints_2d=kp, layout="h36m-17", fps=30.0)
    fmt = {"tmp": tmp_path, "models": models, "demo": DEMO}
    code, _, err = _run([a.format(**fmt) for a in argv], capsys)
    assert code != 0
    assert message in err, err
    assert "Traceback" not in err


# ------------------------------------------------------------------------------------------ evaluate / info
def test_evaluate_lifting(models, tmp_path, capsys):
    code, out, err = _run(["evaluate", models / "lift", DEMO, "-o", tmp_path / "r.json", "-q"], capsys)
    assert code == 0, err
    assert "MPJPE" in out and "protocol metric" in out and "stride 27" in out
    res = json.loads((tmp_path / "r.json").read_text())
    assert res["units"] == "mm" and res["num_frames"] == 143 and res["flip"] is False
    from motionhub.pipelines import evaluate_lifting_files

    model = DSTformerForPoseLifting.from_pretrained(models / "lift").eval()
    ref = evaluate_lifting_files(model, [DEMO], output_units="m")
    np.testing.assert_allclose(res["mpjpe"], ref["mpjpe_mm"], rtol=1e-5)
    np.testing.assert_allclose(res["p_mpjpe"], ref["p_mpjpe_mm"], rtol=1e-5)
    code, out, err = _run(["evaluate", models / "lift_norm", DEMO, "--protocol", "scale", "-q"], capsys)
    assert code == 0, err
    assert "protocol scale" in out


def test_evaluate_classification(models, clips, capsys):
    code, out, err = _run(["evaluate", models / "cls", clips / "wave.npz", clips / "jump.npz", "-q", "--top-k", "2"],
                          capsys)
    assert code == 1 and "'wave' is not a class" in err  # labels must be classes of the model
    lab = clips / "labelled.npz"
    kp = np.random.default_rng(0).uniform(0, 100, size=(20, 17, 3))
    kp[..., 2] = 0.8  # (x, y, confidence)
    save_generic(lab, MotionSequence(keypoints_2d=kp, layout="coco-17", fps=30.0, label="run"))
    code, out, err = _run(["evaluate", models / "cls", lab, "-q", "--top-k", "2"], capsys)
    assert code == 0, err
    assert "top1" in out and "top2" in out


def test_evaluate_on_a_dataset_split_and_oneshot_protocol(models, tmp_path, capsys):
    from motionhub.formats import write_pyskl_pkl

    rng = np.random.default_rng(0)
    seqs, split = [], {"train": [], "test": []}
    for k in range(9):
        name = f"clip{k:02d}"
        kp = rng.uniform(0, 400, size=(1, 20, 17, 3)).astype(np.float32)
        kp[..., 2] = 1.0
        seqs.append(MotionSequence(keypoints_2d=kp, layout="coco-17", fps=30.0, label=k % 3, image_size=(400, 400),
                                   meta={"frame_dir": name}))
        split["train" if k < 6 else "test"].append(name)
    write_pyskl_pkl(tmp_path / "set.pkl", seqs, split)
    code, out, err = _run(["evaluate", models / "cls", tmp_path / "set.pkl", "--split", "test", "-q", "-o",
                           tmp_path / "c.json"], capsys)
    assert code == 0, err
    assert json.loads((tmp_path / "c.json").read_text())["num_clips"] == 3
    code, out, err = _run(["evaluate", models / "emb", tmp_path / "set.pkl", "--oneshot-classes", "0", "2",
                           "-q", "-o", tmp_path / "o.json"], capsys)
    assert code == 0, err
    res = json.loads((tmp_path / "o.json").read_text())
    assert res["exemplars"] == ["clip00", "clip02"] and res["num_queries"] == 2  # first train clip of each class
    assert 0.0 <= res["oneshot_accuracy"] <= 1.0 and "one-shot accuracy" in out
    code, _, err = _run(["evaluate", models / "emb", tmp_path / "set.pkl", "-q"], capsys)
    assert code == 1 and "--oneshot-classes" in err
    code, _, err = _run(["evaluate", models / "cls", DEMO, "--split", "test", "-q"], capsys)
    assert code == 1 and "no named splits" in err


def test_info(models, capsys):
    code, out, err = _run(["info", models / "cls"], capsys)
    assert code == 0, err
    assert "dstformer" in out and "DSTformerForActionClassification" in out and "action-classification" in out
    assert "walk" in out and "parameters" in out
    code, out, _ = _run(["info", models / "lift", "--json"], capsys)
    desc = json.loads(out)
    assert desc["task"] == "pose-lifting" and desc["config"]["output_units"] == "m"
    n = sum(p.numel() for p in DSTformerForPoseLifting.from_pretrained(models / "lift").parameters())
    assert desc["parameters"] == n
    # no preprocessor_config.json in these folders: the processor is derived from the config, and says so
    assert desc["processor"]["source"] == "derived from config.json" and desc["processor"]["normalization"] == "screen"
    code, out, _ = _run(["info", "default", "--json"], capsys)
    assert json.loads(out)["processor"]["source"] == "preprocessor_config.json"


# ------------------------------------------------------------------------------------------------- actions
def test_classify_embed_oneshot(models, clips, tmp_path, capsys):
    code, out, err = _run(["classify", clips / "wave.npz", clips / "jump.npz", "-m", models / "cls", "--top-k", "2",
                           "-o", tmp_path / "c.json", "-q"], capsys)
    assert code == 0, err
    assert out.count("1. ") == 2 and re.search(r"(walk|run|jump) \(class \d, p=", out)
    res = json.loads((tmp_path / "c.json").read_text())
    assert np.asarray(res["logits"]).shape == (2, 3) and len(res["top_k"][0]) == 2

    code, out, err = _run(["embed", clips / "wave.npz", clips / "jump.npz", "-m", models / "emb", "-o",
                           tmp_path / "e.npz", "-q"], capsys)
    assert code == 0, err
    with np.load(tmp_path / "e.npz") as z:
        assert z["embeddings"].shape == (2, 8)
        np.testing.assert_allclose(np.linalg.norm(z["embeddings"], axis=1), 1.0, rtol=1e-5)

    code, out, err = _run(["oneshot", "-m", models / "emb", "--support", clips / "wave.npz", clips / "jump.npz",
                           "--query", clips / "q1.npz", clips / "q2.npz", "-o", tmp_path / "o.json", "-q"], capsys)
    assert code == 0, err
    res = json.loads((tmp_path / "o.json").read_text())
    assert res["support_labels"] == ["wave", "jump"] and len(res["predictions"]) == 2
    assert set(res["predictions"]) <= {"wave", "jump"} and "accuracy" in out
    code, _, err = _run(["oneshot", "-m", models / "emb", "--support", clips / "wave.npz", "--support-labels", "a",
                         "b", "--query", clips / "q1.npz"], capsys)
    assert code == 1 and "2 labels for 1 support" in err


def test_classify_embed_folders_bad_files_and_shards(models, clips, tmp_path, capsys):
    """classify / embed over a folder in one process: a bad file is one line, the rest are classified, exit 1;
    explicit files keep their order; two shards cover the folder exactly once."""
    import shutil

    folder = tmp_path / "clips"
    shutil.copytree(clips, folder)  # the module's clips (other tests of this module may have added some)
    good = sorted(p.name for p in folder.glob("*.npz"))
    (folder / "broken.npz").write_bytes(b"not a zip")
    code, out, err = _run(["classify", folder, "-m", models / "cls", "-o", tmp_path / "c.json", "-q"], capsys)
    assert code == 1
    assert err.count("failed: ") == 1 and "broken.npz" in err
    assert f"{len(good) + 1} input(s): {len(good)} done, 1 failed" in out
    res = json.loads((tmp_path / "c.json").read_text())
    assert [Path(p).name for p in res["inputs"]] == good  # a folder's files: sorted
    assert len(res["failed"]) == 1 and "broken.npz" in res["failed"][0]
    assert np.asarray(res["logits"]).shape == (len(good), 3)
    # explicit files: the order given (embeddings are matched to inputs by position)
    code, _, err = _run(["embed", clips / "wave.npz", clips / "jump.npz", "-m", models / "emb", "-o",
                         tmp_path / "e.json", "-q"], capsys)
    assert code == 0, err
    assert json.loads((tmp_path / "e.json").read_text())["inputs"] == [str(clips / "wave.npz"), str(clips / "jump.npz")]
    seen = []
    for i in range(2):
        code, _, err = _run(["embed", clips, "-m", models / "emb", "-o", tmp_path / f"s{i}.json", "--shard",
                             f"{i}/2", "-q"], capsys)
        if code == 1:  # every file hashed to the other shard
            assert "no input in this shard" in err
            continue
        assert code == 0, err
        seen += [Path(p).name for p in json.loads((tmp_path / f"s{i}.json").read_text())["inputs"]]
    assert sorted(seen) == good  # together the two shards cover every clip exactly once
    code, _, err = _run(["classify", clips, "-m", models / "cls", "--shard", "2/2"], capsys)
    assert code == 1 and "--shard 2/2" in err


def test_mesh_command_with_synthetic_smpl(tmp_path, capsys, monkeypatch):
    synthetic = pytest.importorskip("synthetic_smpl")
    from motionhub.heads import DSTformerForMeshRecovery

    synthetic.clear_smpl_env(monkeypatch)
    smpl = synthetic.write_synthetic_smpl_dir(tmp_path / "smpl")
    torch.manual_seed(0)
    DSTformerForMeshRecovery(_tiny(mesh_hidden_size=16), smpl_model_path=str(smpl)).save_pretrained(tmp_path / "m")
    kp = np.random.default_rng(0).uniform(0, 100, size=(10, 17, 3))
    kp[..., 2] = 0.8  # (x, y, confidence)
    save_generic(tmp_path / "in.npz", MotionSequence(keypoints_2d=kp, layout="h36m-17", fps=25.0))
    code, _, err = _run(["mesh", tmp_path / "in.npz", "-m", tmp_path / "m", "-o", tmp_path / "o.npz"], capsys)
    assert code == 1 and "--smpl" in err and "smpl.is.tue.mpg.de" in err
    code, _, err = _run(["mesh", tmp_path / "in.npz", "-m", tmp_path / "m", "--smpl", smpl, "-o",
                           tmp_path / "o.npz", "-q"], capsys)
    assert code == 0, err
    with np.load(tmp_path / "o.npz") as z:
        assert z["vertices"].shape == (10, 6890, 3) and str(z["units"]) == "mm"


# --------------------------------------------------------------------------------------------- README command
def _readme_main_command() -> str:
    text = (REPO / "README.md").read_text()
    match = re.search(r"(motionhub lift motionhub/demo/\S+[^\n`]*)", text)
    assert match, "the README's set-up section must contain the main `motionhub lift ...` command"
    return match.group(1).strip()


def test_readme_main_command_runs_as_written(tmp_path):
    pretrained = pytest.importorskip("motionhub.pretrained")
    model_dir = getattr(pretrained, "DEFAULT_LIFTING_MODEL_DIR", None)
    if model_dir is None or not (Path(model_dir) / "model.safetensors").exists():
        pytest.skip("the embedded default lifting model (motionhub/pretrained/dstformer-lift-default) is not present")
    command = _readme_main_command()
    argv = shlex.split(command)
    assert argv[:2] == ["motionhub", "lift"] and "--model" not in argv and "-m" not in argv
    demo_rel = Path(argv[2])
    (tmp_path / demo_rel).parent.mkdir(parents=True)
    shutil.copy(REPO / demo_rel, tmp_path / demo_rel)
    exe = shutil.which("motionhub") or str(Path(sys.executable).with_name("motionhub"))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([exe, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outputs = [Path(a) for a in argv if a.endswith((".npz", ".json", ".gif", ".png")) and Path(a) != demo_rel]
    assert outputs, command
    for out in outputs:
        assert (tmp_path / out).stat().st_size > 1000, out
    npz = [o for o in outputs if o.suffix == ".npz"]
    if npz:
        with np.load(tmp_path / npz[0]) as z:
            assert str(z["units"]) == "m" and z["pose_3d"].shape == (143, 17, 3)
            assert np.isfinite(z["pose_3d"]).all()


def test_official_checkpoint_is_converted_on_the_fly(tmp_path, capsys):
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(_tiny(num_heads=8, root_relative=False)).eval()
    official = {"module." + (k.removeprefix("dstformer.")): v.clone()
                for k, v in model.state_dict().items()}
    torch.save({"epoch": 1, "model_pos": official}, tmp_path / "best_epoch.bin")
    code, out, err = _run(["lift", DEMO, "-m", tmp_path / "best_epoch.bin", "-o", tmp_path / "o.npz", "-q"], capsys)
    assert code == 0, err
    assert "crop_scale" in out and "'normalized' units" in out
    with np.load(tmp_path / "o.npz") as z:
        assert z["pose_3d"].shape == (143, 17, 3) and "pose_3d_pixels" in z.files
    code, out, err = _run(["info", tmp_path / "best_epoch.bin"], capsys)
    assert code == 0, err
    assert "official checkpoint" in out and "DSTformerForPoseLifting" in out
    torch.save({"something": torch.zeros(3)}, tmp_path / "junk.bin")
    code, _, err = _run(["lift", DEMO, "-m", tmp_path / "junk.bin", "-o", tmp_path / "o.npz"], capsys)
    assert code == 1 and "junk.bin" in err


# ------------------------------------------------------------------------------- issue 29: nothing silent
def test_a_folder_of_another_librarys_model_is_not_a_motion_model(tmp_path, capsys):
    """A saved BERT was described as a motion model with a processor (info) and as "a bare encoder: finetune a head"
    (lift); both say it is not a motionhub model, with its model_type and motionhub's."""
    from transformers import BertConfig, BertModel

    from motionhub.pipelines import load_model

    folder = tmp_path / "bert"
    BertModel(BertConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                         vocab_size=50)).save_pretrained(folder)
    for argv in (["info", folder], ["lift", DEMO, "--model", folder, "-o", tmp_path / "o.npz", "-q"]):
        code, out, err = _run(argv, capsys)
        assert code == 1 and err.count("\n") == 1, err
        assert f"{folder}: not a motionhub model" in err and "model_type 'bert'" in err, err
        assert "dstformer, mpm, stmo" in err and "bare encoder" not in err and "processor" not in out, err
    assert not (tmp_path / "o.npz").exists()
    with pytest.raises(ValueError, match="not a motionhub model .*'bert'"):
        load_model(str(folder), task="pose-lifting")
    with pytest.raises(ValueError, match="not a motionhub model .*'bert'"):
        DSTformerForPoseLifting.from_pretrained(folder)


def test_convert_of_a_model_folder_says_it_is_one_already(models, tmp_path, capsys):
    """`convert` of a save_pretrained folder (or of its weights file) said "checkpoint not found"."""
    from motionhub.conversion import CheckpointFormatError, convert_checkpoint

    folder = models / "lift"
    for src in (folder, folder / "model.safetensors"):
        code, _, err = _run(["convert", src, tmp_path / "out"], capsys)
        assert code == 1 and err.count("\n") == 1, err
        assert f"{src} is " in err and "model folder already" in err and f"--model {folder}" in err, err
        assert "from_pretrained" in err and "not found" not in err, err
    assert not (tmp_path / "out").exists()
    with pytest.raises(CheckpointFormatError, match="model folder already"):
        convert_checkpoint(folder)
    (tmp_path / "empty").mkdir()
    code, _, err = _run(["convert", tmp_path / "empty", tmp_path / "out"], capsys)
    assert code == 1 and "folder without config.json" in err and ".bin/.pth" in err, err
