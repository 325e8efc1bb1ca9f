# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Strict loading (issue 13): weights that do not fit their config are an error naming the tensors, through Python
and through the CLI; the one expected case (a task model from another class's checkpoint) is a one-line note; a
conversion that assumes a head count says so. The per-class cases run in the common suite (model_test_mixin)."""

from __future__ import annotations

import json
import logging
import shutil
import struct
from pathlib import Path

import pytest
import torch
from motionhub.heads import DSTformerForActionClassification
from safetensors.torch import load_file, save_file

from motionhub import DSTformerConfig, DSTformerForPoseLifting
from motionhub.cli import main
from motionhub.conversion import convert_checkpoint
from motionhub.modeling_utils import WeightsMismatchError


def _tiny(**kw) -> DSTformerConfig:
    base = dict(dim_in=3, dim_feat=16, dim_rep=24, depth=2, num_heads=4, mlp_ratio=2, num_joints=17, maxlen=12)
    return DSTformerConfig(**{**base, **kw})


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(_tiny()).eval()
    model.save_pretrained(tmp_path / "lifter")
    return tmp_path / "lifter"


def _edit_config(folder, **fields):
    config = json.loads((folder / "config.json").read_text())
    config.update(fields)
    (folder / "config.json").write_text(json.dumps(config))


def test_task_model_from_other_class_is_one_line_note(saved, caplog):
    with caplog.at_level(logging.WARNING):
        model = DSTformerForActionClassification.from_pretrained(saved, num_labels=3)
    notes = [r.getMessage() for r in caplog.records if "encoder loaded" in r.getMessage()]
    assert len(notes) == 1 and "\n" not in notes[0], notes
    assert "action_head" in notes[0] and "not used: head" in notes[0]
    assert not any("LOAD REPORT" in r.getMessage() for r in caplog.records)
    assert model.config.num_labels == 3


def test_edited_depth_is_an_error_naming_the_extra_block(saved):
    _edit_config(saved, depth=1)
    with pytest.raises(WeightsMismatchError, match=r"blocks_st\.1\."):
        DSTformerForPoseLifting.from_pretrained(saved)


def test_edited_width_is_an_error_naming_shapes(saved):
    _edit_config(saved, dim_feat=32)
    with pytest.raises(WeightsMismatchError, match=r"another shape: .*file \(16"):
        DSTformerForPoseLifting.from_pretrained(saved)


def test_num_heads_override_at_load_is_an_error(saved):
    with pytest.raises(WeightsMismatchError, match="num_heads: weights saved with 4, config says 8"):
        DSTformerForPoseLifting.from_pretrained(saved, num_heads=8)


def test_removed_head_is_an_error_although_the_encoder_fits(saved):
    tensors = load_file(saved / "model.safetensors")
    del tensors["head.weight"], tensors["head.bias"]
    save_file(tensors, saved / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(WeightsMismatchError, match="head.bias, head.weight"):
        DSTformerForPoseLifting.from_pretrained(saved)


def test_a_weight_stored_as_integers_is_an_error_naming_it(saved, tmp_path, capsys):
    """An int64 tensor for a float parameter was cast silently (issue 29); float widths stay ordinary."""
    from safetensors import safe_open

    file = saved / "model.safetensors"
    with safe_open(str(file), framework="pt") as f:
        metadata = f.metadata()
    tensors = load_file(file)
    good = dict(tensors)
    tensors["head.weight"] = (tensors["head.weight"] * 100).round().to(torch.int64)
    save_file(tensors, file, metadata=metadata)
    with pytest.raises(WeightsMismatchError, match=r"model\.safetensors: tensor 'head\.weight' is stored as I64"):
        DSTformerForPoseLifting.from_pretrained(saved)
    code = main(["info", str(saved)])  # reads the header only: no load
    assert code == 0
    capsys.readouterr()
    code = main(["export", str(saved), str(tmp_path / "m.onnx"), "--no-check", "-q"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "'head.weight'" in err and str(file) in err, err
    save_file({k: v.half() for k, v in good.items()}, file, metadata=metadata)  # a float16 file loads
    model = DSTformerForPoseLifting.from_pretrained(saved)
    assert torch.allclose(model.head.weight.float(), good["head.weight"].half().float())


def test_cli_reports_mismatch_in_one_line(saved, tmp_path, capsys):
    _edit_config(saved, depth=1)
    clip = tmp_path / "clip.npz"
    import numpy as np

    rng = np.random.default_rng(0)
    kp = np.concatenate([rng.uniform(100, 900, (20, 17, 2)), np.ones((20, 17, 1))], axis=-1).astype("float32")
    np.savez(clip, keypoints_2d=kp, layout="h36m-17", fps=50.0, image_size=np.array([1000, 1000]))
    code = main(["lift", str(clip), "--model", str(saved), "-o", str(tmp_path / "out.npz")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "blocks_st.1" in err and "WeightsMismatchError" in err
    assert not (tmp_path / "out.npz").exists()


def test_conversion_warns_when_it_assumes_the_head_count(tmp_path, caplog):
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(_tiny(root_relative=False)).eval()
    sd = {"module." + (k.removeprefix("dstformer.")): v for k, v in
          model.state_dict().items()}
    torch.save({"model_pos": sd}, tmp_path / "ck.bin")
    with caplog.at_level(logging.WARNING, logger="motionhub"):
        convert_checkpoint(tmp_path / "ck.bin")
    assert any("assuming 8" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="motionhub"):
        converted = convert_checkpoint(tmp_path / "ck.bin", num_heads=4)
    assert not any("assuming" in r.getMessage() for r in caplog.records)
    assert converted.config.num_heads == 4


def test_a_damaged_hub_cache_blob_is_an_error_with_the_repair(saved, tmp_path):
    """A Hub cache file links to blobs/<sha256>: from_pretrained hashes it (transformers' own path does not)."""
    import hashlib
    import os

    from motionhub.modeling_utils import verify_cached_blob

    data = (saved / "model.safetensors").read_bytes()
    blobs = tmp_path / "cache" / "blobs"
    blobs.mkdir(parents=True)
    blob = blobs / hashlib.sha256(data).hexdigest()
    blob.write_bytes(data)
    snap = tmp_path / "cache" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    os.symlink(blob, snap / "model.safetensors")
    verify_cached_blob(snap / "model.safetensors")  # intact: passes
    damaged = bytearray(data)
    damaged[-10] ^= 1
    blob.write_bytes(bytes(damaged))
    with pytest.raises(WeightsMismatchError, match="damaged.*--force"):
        verify_cached_blob(snap / "model.safetensors")
    verify_cached_blob(saved / "model.safetensors")  # a plain local folder: nothing to compare


# ------------------------------------------------------------------------------- issue 29: nothing silent
REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.parent for p in [*REPO_ROOT.glob("checkpoints/*/model.safetensors"),
                                    *REPO_ROOT.glob("motionhub/pretrained/*/model.safetensors")])


def _header(file: Path) -> tuple[int, dict]:
    with open(file, "rb") as fh:
        (length,) = struct.unpack("<Q", fh.read(8))
        return length, json.loads(fh.read(length))


def test_every_shipped_model_records_its_weight_bound_config():
    """Without the record an edited num_heads in a shipped folder loaded silently (and lifted 20 mm off)."""
    from motionhub.modeling_utils import _METADATA_KEY

    assert len(SHIPPED) >= 14, SHIPPED
    for folder in SHIPPED:
        record = _header(folder / "model.safetensors")[1].get("__metadata__", {}).get(_METADATA_KEY)
        assert record, f"{folder}: model.safetensors has no {_METADATA_KEY}"
        record = json.loads(record)
        config = json.loads((folder / "config.json").read_text())
        assert "num_heads" in record and "layer_norm_eps" in record, (folder, record)
        assert {k: config.get(k) for k in record} == record, folder


def test_an_edited_num_heads_in_a_shipped_model_is_refused(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(REPO_ROOT / "checkpoints" / "dstformer-small-h36m", folder)
    heads = json.loads((folder / "config.json").read_text())["num_heads"]
    _edit_config(folder, num_heads=heads * 2)
    with pytest.raises(WeightsMismatchError, match=f"num_heads: weights saved with {heads}, config says {heads * 2}"):
        DSTformerForPoseLifting.from_pretrained(folder)


def test_nan_weights_are_an_error_naming_the_file_and_tensor(saved, tmp_path, capsys):
    """NaN weights were blamed on the input ("`keypoints` contains NaN ..."); the error names the weights file and
    the tensor, at load."""
    import numpy as np
    from safetensors import safe_open

    file = saved / "model.safetensors"
    with safe_open(str(file), framework="pt") as f:
        metadata = f.metadata()
    tensors = load_file(file)
    tensors["head.weight"][0, :2] = float("nan")
    save_file(tensors, file, metadata=metadata)
    with pytest.raises(WeightsMismatchError, match=r"model\.safetensors: .*NaN.*head\.weight \(2 NaN of"):
        DSTformerForPoseLifting.from_pretrained(saved)
    rng = np.random.default_rng(0)
    kp = np.concatenate([rng.uniform(100, 900, (20, 17, 2)), np.ones((20, 17, 1))], axis=-1).astype("float32")
    np.savez(tmp_path / "clip.npz", keypoints_2d=kp, layout="h36m-17", fps=50.0, image_size=np.array([1000, 1000]))
    code = main(["lift", str(tmp_path / "clip.npz"), "--model", str(saved), "-o", str(tmp_path / "out.npz"), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1, err
    assert str(file) in err and "head.weight" in err and "keypoints" not in err and "input" not in err, err
    assert not (tmp_path / "out.npz").exists()


def test_an_edited_safetensors_dtype_is_one_line_naming_the_file(saved, tmp_path, capsys):
    """A header edited to declare float16 over float32 data (the byte lengths disagree) was a safetensors traceback."""
    from motionhub.hub.verify import DamagedFileError

    file = saved / "model.safetensors"
    data = bytearray(file.read_bytes())
    length, _ = _header(file)
    head = bytes(data[8:8 + length]).replace(b'"F32"', b'"F16"', 1)
    assert len(head) == length
    data[8:8 + length] = head
    file.write_bytes(bytes(data))
    with pytest.raises(DamagedFileError, match=r"model\.safetensors: damaged or edited safetensors header: tensor "):
        DSTformerForPoseLifting.from_pretrained(saved)
    for argv in (["info", str(saved)], ["export", str(saved), str(tmp_path / "m.onnx"), "--no-check", "-q"]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 1 and err.count("\n") == 1, err
        assert str(file) in err and "damaged or edited safetensors header" in err and "Traceback" not in err, err
