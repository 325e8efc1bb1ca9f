# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Verified Hub downloads (issue 13): cached blobs are checked against the Hub's sha256 / size online and against
their cache names offline; ``download`` repairs them; a server that corrupts what it serves is caught; a damaged
safetensors file is an error naming it."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_hub import _keypoints, _outputs, _repo, _tiny, fake_hub, hub_env  # noqa: F401  (fixtures)


def _flip_byte(path: Path, offset: int = -100) -> None:
    """Flip one byte of the blob ``path`` links to, in place (what a bad disk or a stray write does)."""
    blob = path.resolve()
    data = bytearray(blob.read_bytes())
    data[offset] ^= 0x01
    blob.write_bytes(bytes(data))


def _published(hub_env, name: str, seed: int):
    from motionhub.hub import download, push_to_hub

    model = _tiny("DSTformerForPoseLifting", seed=seed)
    repo = _repo(name)
    push_to_hub(model, repo, remote_code=False)
    return model, repo, download(repo)


def test_flipped_byte_in_cached_blob_fails_loading_online_and_offline_and_download_repairs_it(hub_env, monkeypatch,
                                                                                                capsys):
    from huggingface_hub import constants

    from motionhub.cli import main
    from motionhub.hub import DamagedFileError, download
    from motionhub.pipelines import load_model

    model, repo, path = _published(hub_env, "flipped", seed=70)
    weights = path / "model.safetensors"
    _flip_byte(weights)

    with pytest.raises(DamagedFileError) as info:  # online: against the Hub's model_info sha256
        load_model(repo, "pose-lifting")
    message = str(info.value)
    assert "model.safetensors" in message and "the Hub says" in message
    assert f"motionhub download {repo} --force" in message and "force_download=True" in message

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)  # offline: against the blob's sha256 name
    with pytest.raises(DamagedFileError, match="model.safetensors.*Hub cache.*motionhub download"):
        load_model(repo, "pose-lifting")
    with pytest.raises(DamagedFileError, match="offline"):
        download(repo)  # cannot repair offline, says so
    assert main(["lift", "motionhub/demo/cmu_walk_2d.npz", "-m", repo, "-o", str(hub_env["tmp"] / "x.npz"),
                 "-q"]) == 1
    err = capsys.readouterr().err
    assert "model.safetensors" in err and "--force" in err and "Traceback" not in err
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)

    assert main(["download", repo, "--quiet"]) == 0  # plain download re-fetches the damaged blob
    assert "repaired 1 damaged file(s)" in capsys.readouterr().err
    x = _keypoints()
    assert torch.equal(_outputs(load_model(repo, "pose-lifting"), x), _outputs(model, x))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert torch.equal(_outputs(load_model(repo, "pose-lifting"), x), _outputs(model, x))


def test_force_download_replaces_every_file(hub_env):
    from motionhub.hub import download

    _, repo, path = _published(hub_env, "force", seed=71)
    _flip_byte(path / "config.json", offset=5)  # a regular (non-LFS) file: checked by its git hash
    hub = hub_env["hub"]
    n = len(hub.requests)
    assert download(repo, force_download=True) == path
    gets = [p for m, p in hub.requests[n:] if m == "GET" and "/resolve/" in p]
    assert any(p.endswith("/model.safetensors") for p in gets) and any(p.endswith("/config.json") for p in gets)
    from motionhub.hub.verify import find_mismatches

    assert find_mismatches(path) == []


def test_server_serving_a_flipped_byte_with_the_right_etag_is_detected(hub_env):
    from motionhub.hub import DamagedFileError, download

    hub = hub_env["hub"]
    model = _tiny("DSTformerForPoseLifting", seed=72)
    repo = _repo("tampering-server")
    from motionhub.hub import push_to_hub

    push_to_hub(model, repo, remote_code=False)

    def flip(path, content):
        if not path.endswith(".safetensors"):
            return content
        data = bytearray(content)
        data[-1] ^= 0x80
        return bytes(data)

    hub.tamper = flip
    try:
        with pytest.raises(DamagedFileError, match="served.*model.safetensors.*sha256"):
            download(repo)
        blobs = list((hub_env["cache"]).rglob("blobs/*"))
        expected = __import__("hashlib").sha256(hub.files(repo)["model.safetensors"]).hexdigest()
        assert not any(b.name == expected for b in blobs)  # the wrong bytes are not kept under the right name
    finally:
        hub.tamper = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean download once the server behaves: no repair needed
        path = download(repo)
    assert (path / "model.safetensors").read_bytes() == hub.files(repo)["model.safetensors"]


def test_local_dir_download_is_verified(hub_env, tmp_path):
    from motionhub.hub import DamagedFileError, download
    from motionhub.pipelines import load_model

    _, repo, _ = _published(hub_env, "localdir", seed=73)
    local = tmp_path / "copy"
    download(repo, local_dir=local)
    data = bytearray((local / "model.safetensors").read_bytes())
    data[-3] ^= 0x04
    (local / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(DamagedFileError, match="model.safetensors"):
        download(repo, local_dir=local, repair=False)
    download(repo, local_dir=local)  # repaired
    assert type(load_model(local, "pose-lifting")).__name__ == "DSTformerForPoseLifting"


@pytest.mark.parametrize("damage", ["truncated", "header-bit", "empty"])
def test_damaged_safetensors_is_an_error_naming_the_file(tmp_path, damage, capsys):
    from motionhub.cli import main
    from motionhub.hub import DamagedFileError
    from motionhub.pipelines import load_model

    folder = tmp_path / "model"
    _tiny("DSTformerForPoseLifting", seed=74).save_pretrained(folder)
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    if damage == "truncated":
        data = data[: len(data) - 37]
    elif damage == "header-bit":
        data[20] ^= 0x22  # inside the JSON header
    else:
        data = bytearray()
    weights.write_bytes(bytes(data))
    with pytest.raises(DamagedFileError, match=r"model\.safetensors is not a valid safetensors file"):
        load_model(folder, "pose-lifting")
    for command in (["info", str(folder)], ["lift", "motionhub/demo/cmu_walk_2d.npz", "-m", str(folder), "-o",
                                               str(tmp_path / "out.npz"), "-q"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert str(weights) in err and "Traceback" not in err
