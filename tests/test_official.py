# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The official-weights registry: one name -> Hub download -> conversion cached as safetensors -> model.

Served by the loopback fake Hub (``tests/fake_hub.py``): synthetic "official" files in the authors' containers at
the published paths of ``walterzhu/MotionBERT`` (no network).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_hub import fake_hub, hub_env  # noqa: F401  (fixtures)

import motionhub
from motionhub.conversion import list_converters
from motionhub.official import (
    OFFICIAL_CHECKPOINTS,
    OfficialDownloadUnavailable,
    from_official,
    get_official,
    list_official,
    official_model_path,
)

TINY = dict(dim_feat=16, dim_rep=24, depth=1, num_heads=8, maxlen=16, root_relative=False)  # as converted


def _official_container(seed: int = 0) -> tuple[bytes, motionhub.DSTformerForPoseLifting]:
    """A MotionBERT ``train.py`` container (``module.`` keys, np.float64 ``min_loss``) of a tiny random model."""
    torch.manual_seed(seed)
    model = motionhub.DSTformerForPoseLifting(motionhub.DSTformerConfig(**TINY)).eval()
    sd = {"module." + k.removeprefix("dstformer."): v.clone() for k, v in model.state_dict().items()}
    buf = io.BytesIO()
    torch.save({"epoch": 60, "lr": 1e-5, "model_pos": sd, "min_loss": np.float64(37.2)}, buf)
    return buf.getvalue(), model


def _serve(hub, name: str, payload: bytes) -> None:
    from huggingface_hub import HfApi

    entry = get_official(name)
    api = HfApi(endpoint=hub.url, token="hf_fake")
    api.create_repo(entry.hub_repo, exist_ok=True)
    api.upload_file(path_or_fileobj=payload, path_in_repo=entry.hub_filename, repo_id=entry.hub_repo)


def test_registry_entries_are_complete():
    converters = {c.name for c in list_converters()}
    import motionhub.heads

    assert {c.family for c in list_official()} == {"MotionBERT", "P-STMO", "MPM", "STRIDE"}
    for c in list_official():
        assert c.converter in converters, c.name
        assert getattr(motionhub, c.architecture, None) or getattr(motionhub.heads, c.architecture), c.name
        assert c.download_page and c.license and c.paper, c.name
        if c.family == "MotionBERT":
            assert c.on_hub and c.hub_repo == "walterzhu/MotionBERT" and c.config["num_heads"] == 8
    for name in ("motionbert-pretrain", "motionbert-lite-pretrain", "motionbert-h36m", "motionbert-lite-h36m",
                 "motionbert-ntu60-xsub", "motionbert-3dpw-mesh", "pstmo-h36m", "pstmo-s-h36m", "mpm-h36m",
                 "stride-prior"):
        assert name in OFFICIAL_CHECKPOINTS
    with pytest.raises(ValueError, match="unknown official checkpoint 'nope'.*motionbert-h36m"):
        get_official("official:nope")


def test_official_name_downloads_converts_once_and_loads(hub_env, tmp_path):
    payload, reference = _official_container()
    _serve(hub_env["hub"], "motionbert-lite-h36m", payload)
    converted = tmp_path / "converted"
    model = from_official("official:motionbert-lite-h36m", converted_dir=converted)
    assert type(model).__name__ == "DSTformerForPoseLifting" and model.config.num_heads == 8
    x = torch.rand(2, 9, 17, 3) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(model(x).pose_3d, reference(x).pose_3d, rtol=0, atol=1e-6)
    folder = official_model_path("motionbert-lite-h36m", converted_dir=converted)
    assert (folder / "model.safetensors").is_file() and (folder / "official.json").is_file()
    # the second load reads the cached safetensors folder, with no network
    downloads = sum("/resolve/" in str(r) for r in hub_env["hub"].requests)
    again = official_model_path("motionbert-lite-h36m", converted_dir=converted, local_files_only=True)
    assert again == folder
    assert sum("/resolve/" in str(r) for r in hub_env["hub"].requests) == downloads


def test_cli_accepts_official_names(hub_env, tmp_path, capsys, monkeypatch):
    from motionhub import official
    from motionhub.cli import main

    payload, _ = _official_container(seed=1)
    _serve(hub_env["hub"], "motionbert-h36m", payload)
    real = official.official_model_path
    monkeypatch.setattr(official, "official_model_path",
                        lambda name, **kw: real(name, converted_dir=tmp_path / "conv", **kw))
    assert main(["info", "official:motionbert-h36m"]) == 0
    out = capsys.readouterr().out
    assert "DSTformerForPoseLifting" in out


def test_damaged_download_is_refused_and_removed(hub_env, tmp_path):
    payload, _ = _official_container()
    _serve(hub_env["hub"], "motionbert-pretrain", payload)  # not the 169,958,969-byte official file
    with pytest.raises(ValueError, match="bytes, the official file has 169958969.*removed"):
        official_model_path("motionbert-pretrain", converted_dir=tmp_path / "c")
    blobs = list(Path(hub_env["cache"]).rglob("blobs/*"))
    assert not [b for b in blobs if b.stat().st_size == len(payload)]


def test_checkpoints_not_on_the_hub_say_where_to_get_them(tmp_path):
    for name in ("pstmo-h36m", "mpm-h36m", "stride-prior"):
        entry = get_official(name)
        with pytest.raises(OfficialDownloadUnavailable) as err:
            official_model_path(name, converted_dir=tmp_path)
        msg = str(err.value)
        assert entry.download_page in msg and f"motionhub convert FILE {name} --family {entry.converter}" in msg
