# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The official-weights registry: one name -> Hub download -> conversion cached as safetensors -> model.

Served by the loopback fake Hub (``tests/fake_hub.py``): synthetic "official" files in the authors' containers at
the published paths of ``walterzhu/MotionBERT`` (no network).
"""

from __future__ import annotations

import ast
import io
import json
import re
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
from motionhub.papers import SEED_PAPERS

REPO_ROOT = Path(__file__).resolve().parents[1]

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
        assert c.download_page and c.license and c.license_note and c.file_name, c.name
        assert set(c.papers) <= set(SEED_PAPERS) and c.citation.startswith(SEED_PAPERS[c.paper].title), c.name
        assert (c.license_name is not None) == (c.license == "other"), c.name
        for relation in (c.finetuned_from, c.variant_of):
            assert relation is None or relation in OFFICIAL_CHECKPOINTS, c.name
        assert c.card is None or c.preset, c.name  # a card's config comes from the family's preset
        for r in c.reported:
            assert isinstance(r.value, float) and r.source and r.source_url.startswith("https://"), c.name
        json.dumps(c.to_dict())  # official.json of a converted folder
        if c.family == "MotionBERT":
            assert c.on_hub and c.hub_repo == "walterzhu/MotionBERT" and c.config["num_heads"] == 8
    for name in ("motionbert-pretrain", "motionbert-lite-pretrain", "motionbert-h36m", "motionbert-lite-h36m",
                 "motionbert-ntu60-xsub", "motionbert-3dpw-mesh", "pstmo-h36m", "pstmo-s-h36m", "pstmo-s-h36m-gt",
                 "mpm-h36m", "stride-prior"):
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
    provenance = json.loads((folder / "official.json").read_text())
    assert provenance["name"] == "motionbert-lite-h36m" and provenance["citation"].startswith("MotionBERT: ")
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


# ------------------------------------------------------------------------------------- one record per checkpoint
def _value_pattern(value: float) -> re.Pattern:
    return re.compile(rf"(?<![\d.]){re.escape(repr(value))}(?!\d)")


def test_each_reported_number_is_stated_once_in_its_record():
    """A number the authors report is typed once, in the record of its checkpoint (P-STMO's are read from the file
    names); the card module states none: the card of a pretrained encoder takes its finetuned checkpoints' numbers
    from their records."""
    from motionhub.model_cards import official as official_cards

    import motionhub.official_records

    records_source = Path(motionhub.official_records.__file__).read_text()
    cards_source = Path(official_cards.__file__).read_text()
    for c in list_official():
        for r in c.reported:
            found = len(_value_pattern(r.value).findall(records_source))
            assert found <= 1, f"{c.name}: {r.value} is written {found} times in official_records.py"
            assert not _value_pattern(r.value).search(cards_source), (c.name, r.value)
    for name in ("pstmo-h36m", "pstmo-s-h36m", "pstmo-s-h36m-gt", "pstmo-s-in-the-wild"):
        entry = get_official(name)
        assert f"{round(entry.reported[0].value * 100)}" in entry.file_name and entry.file_name in entry.reported[0].source


def test_the_card_module_holds_no_facts():
    """model_cards/official.py turns records into cards: no numbers, URLs, license ids, file names or prose of its
    own (docstrings aside)."""
    from motionhub.model_cards import official as official_cards

    tree = ast.parse(Path(official_cards.__file__).read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    constants = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docstrings]
    assert not [v for v in constants if isinstance(v, float)]
    facts = re.compile(r"https?://|\.(pth|bin|yaml)\b|apache|\bmit\b|Human3\.6M|NTU|3DPW", re.IGNORECASE)
    assert not [v for v in constants if isinstance(v, str) and facts.search(v)]
    assert max(len(v) for v in constants if isinstance(v, str)) < 80  # messages and field names, no card prose
    assert all(official_cards.OFFICIAL_CARDS[c.card_name] is c for c in list_official() if c.card is not None)


def test_ntu60_numbers_are_the_papers_and_the_readme_swap_is_noted_once():
    xsub, xview = get_official("motionbert-ntu60-xsub"), get_official("motionbert-ntu60-xview")
    assert [(r.split, r.value) for r in xsub.reported] == [("cross-subject", 93.0)]
    assert [(r.split, r.value) for r in xview.reported] == [("cross-view", 97.2)]
    for entry in (xsub, xview):
        (result,) = entry.reported
        assert result.source_url == SEED_PAPERS["motionbert"].url and "swaps" in result.notes
        assert entry.finetuned_from == "motionbert-pretrain"


def test_card_presets_agree_with_the_conversion_facts():
    """The config a card shows (the family preset) has the facts the converter is given (heads, strides)."""
    from motionhub.model_cards.official import OFFICIAL_CARDS, official_config

    for card_name, entry in OFFICIAL_CARDS.items():
        config = official_config(card_name)
        assert config.architectures == [entry.architecture], card_name
        for key, value in entry.config.items():
            assert getattr(config, key) == value, (card_name, key)


def test_readme_tables_agree_with_the_records():
    """The README's official-weights table lists, row by row, the numbers of the records it names."""
    text = (REPO_ROOT / "README.md").read_text()
    section = text[text.index("## Official weights by name"):]
    section = section[:section.index("\n## ")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows
    named = set()
    for row in rows:
        names = re.findall(r"`([a-z0-9-]+)`", row.split("|")[1])
        named.update(names)
        listed = [float(v) for v in re.findall(r"(?<![\w.])\d+\.\d+", row.split("|")[-2])]
        assert listed == [r.value for n in names for r in get_official(n).reported], row
    assert named == set(OFFICIAL_CHECKPOINTS)
