# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Hub publishing and loading, end to end against the loopback fake Hub in ``tests/fake_hub.py`` (no network).

huggingface_hub reads its endpoint at import time, and other test modules import it first, so the fixtures below
patch ``huggingface_hub.constants`` (endpoint, URL template, cache, offline flag, Xet) for each test instead of
relying on environment variables. The remote-code test runs in a subprocess, configured through the environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_hub import FakeHub

REPO_ROOT = Path(__file__).resolve().parents[1]
TINY = dict(dim_feat=16, dim_rep=32, depth=1, num_heads=2, maxlen=16)


# ---------------------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def fake_hub():
    with FakeHub(timeout=30) as hub:
        yield hub


@pytest.fixture
def hub_env(fake_hub, tmp_path, monkeypatch):
    """Point huggingface_hub (and so transformers) at the fake Hub, with a fresh cache for this test."""
    from huggingface_hub import constants

    cache = tmp_path / "hf_home" / "hub"
    monkeypatch.setattr(constants, "ENDPOINT", fake_hub.url)
    template = fake_hub.url + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setenv("HF_TOKEN", "hf_fake_token")
    env = fake_hub.client_environment(str(tmp_path / "hf_home"))
    return {"hub": fake_hub, "cache": cache, "env": env, "tmp": tmp_path}


def _tiny(cls_name: str = "DSTformerModel", seed: int = 0, **overrides):
    import motionhub.heads

    import motionhub

    torch.manual_seed(seed)
    config = motionhub.DSTformerConfig(**{**TINY, **overrides})
    cls = getattr(motionhub, cls_name, None) or getattr(motionhub.heads, cls_name)
    return cls(config).eval()


def _keypoints(seed: int = 1, frames: int = 8) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(2, frames, 17, 3, generator=g) * 2 - 1


def _outputs(model, x):
    with torch.no_grad():
        return model(x)[0]


_counter = iter(range(10_000))


def _repo(name: str) -> str:
    return f"motionhub-test/{name}-{next(_counter)}"


# ---------------------------------------------------------------------------------------------------------- fake hub
def test_fake_hub_serves_ranges_and_error_codes(fake_hub):
    from huggingface_hub import HfApi

    api = HfApi(endpoint=fake_hub.url, token="hf_fake")
    repo = _repo("ranges")
    api.create_repo(repo)
    api.upload_file(path_or_fileobj=b"0123456789", path_in_repo="data.txt", repo_id=repo)
    req = urllib.request.Request(f"{fake_hub.url}/{repo}/resolve/main/data.txt", headers={"Range": "bytes=2-5"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 206
        assert resp.read() == b"2345"
        assert resp.headers["Content-Range"] == "bytes 2-5/10"
        assert resp.headers["X-Repo-Commit"] == fake_hub.commits(repo)[-1]
    for url, code in [(f"{fake_hub.url}/{repo}/resolve/main/nope.txt", "EntryNotFound"),
                      (f"{fake_hub.url}/{repo}/resolve/v9/data.txt", "RevisionNotFound"),
                      (f"{fake_hub.url}/nobody/nothing/resolve/main/data.txt", "RepoNotFound")]:
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url, timeout=10)
        assert info.value.code == 404 and info.value.headers["X-Error-Code"] == code


# ---------------------------------------------------------------------------------------------------------- cards
def test_card_template_is_the_model_cards_file():
    from motionhub.hub import card_template_path

    assert card_template_path().read_text() == (REPO_ROOT / "model_cards" / "template.md").read_text()


def test_generated_card_round_trips_with_valid_metadata(tmp_path):
    from huggingface_hub import EvalResult, ModelCard

    from motionhub.hub import generate_model_card

    model = _tiny("DSTformerForPoseLifting")
    card = generate_model_card(
        model, repo_id="me/dstformer-tiny", license="cc-by-nc-4.0", base_model="motionhub/motionbert",
        datasets=["me/h36m-2d3d"], training_data="Human3.6M S1, S5-S8.", training_procedure="60 epochs, AdamW.",
        results=[
            dict(dataset_type="human3.6m", dataset_name="Human3.6M", dataset_split="test (S9, S11)",
                 metric_type="mpjpe", metric_name="MPJPE (mm)", metric_value=37.2, notes="SH detections"),
            EvalResult(task_type="3d-human-pose-estimation", dataset_type="human3.6m", dataset_name="Human3.6M",
                       metric_type="p-mpjpe", metric_value=31.0),
        ],
    )
    path = tmp_path / "README.md"
    card.save(path)
    loaded = ModelCard.load(path)
    data = loaded.data
    assert data.library_name == "motionhub"
    assert data.license == "cc-by-nc-4.0"
    assert data.base_model == "motionhub/motionbert"
    assert data.datasets == ["me/h36m-2d3d"]
    assert data.pipeline_tag == "keypoint-detection"
    assert {"motionhub", "dstformer", "3d-human-pose-estimation", "h36m-17", "custom_code"} <= set(data.tags)
    assert [(r.metric_type, r.metric_value) for r in data.eval_results] == [("mpjpe", 37.2), ("p-mpjpe", 31.0)]
    assert data.eval_results[0].dataset_split == "test (S9, S11)"
    assert data.metrics == ["mpjpe", "p-mpjpe"]
    text = loaded.text
    for needle in ("## Architecture", "| `dim_feat` | `16` |", "`h36m-17`", "crop_scale", "## Training",
                   "Human3.6M S1, S5-S8.", "**P-MPJPE**", "| Human3.6M | test (S9, S11) |", "SH detections",
                   "@inproceedings{motionbert2022", "trust_remote_code=True",
                   f"{sum(p.numel() for p in model.parameters()):,}"):
        assert needle in text, needle
    assert "SMPL" not in text  # no SMPL section for a pose-lifting model
    assert str(ModelCard(str(loaded))) == str(loaded)


def test_card_of_a_mesh_model_carries_the_smpl_note_and_bad_inputs_fail():
    from motionhub.hub import generate_model_card

    config = {"model_type": "dstformer", "architectures": ["DSTformerForMeshRecovery"], "num_joints": 17}
    text = str(generate_model_card(config, license="apache-2.0"))
    assert "## SMPL body model" in text and "not included" in text
    assert "pipeline_tag: other" in text
    with pytest.raises(ValueError, match="model_type"):
        generate_model_card({"dim": 3})
    with pytest.raises(ValueError, match="unknown paper"):
        generate_model_card(config, papers=["nope"])
    with pytest.raises(TypeError, match="EvalResult"):
        generate_model_card(config, results=[{"dataset_name": "x"}])
    with pytest.raises(TypeError, match="expects a motionhub model"):
        generate_model_card(42)


def _official_cards() -> list[Path]:
    return sorted(p for p in (REPO_ROOT / "model_cards").glob("*.md") if p.name != "template.md")


def test_official_cards_load_with_valid_metadata(tmp_path):
    from huggingface_hub import ModelCard
    from motionhub.model_cards.official import OFFICIAL_CARDS, render_official_card

    cards = _official_cards()
    assert {p.stem for p in cards} == set(OFFICIAL_CARDS) == {
        "motionbert", "motionbert-lite", "pstmo", "pstmo-s", "mpm", "stride"}
    expected_license = {"motionbert": "apache-2.0", "motionbert-lite": "apache-2.0", "pstmo": "mit", "pstmo-s": "mit",
                        "stride": "mit", "mpm": "other"}
    for path in cards:
        card = ModelCard.load(path)
        data = card.data
        assert data.library_name == "motionhub", path.name
        assert data.license == expected_license[path.stem], path.name
        assert data.pipeline_tag and data.tags and "motionhub" in data.tags, path.name
        assert "## Citation" in card.text and "```bibtex" in card.text, path.name
        for result in data.eval_results or []:
            assert isinstance(result.metric_value, (int, float)) and result.source_url, path.name
        # the committed file is what its record renders today, to the byte
        render_official_card(path.stem).save(tmp_path / path.name)
        stale = f"{path.name} is stale: run python -m motionhub.model_cards.official"
        assert (tmp_path / path.name).read_text() == path.read_text(), stale
    mpm = ModelCard.load(REPO_ROOT / "model_cards" / "mpm.md")
    assert mpm.data.license_name and "no LICENSE file" in mpm.text
    mb = ModelCard.load(REPO_ROOT / "model_cards" / "motionbert.md")
    assert sorted(r.metric_value for r in mb.data.eval_results) == [37.2, 88.1, 93.0, 97.2]
    assert "39.2 mm" in mb.text
    ps = ModelCard.load(REPO_ROOT / "model_cards" / "pstmo-s.md")
    assert [r.metric_value for r in ps.data.eval_results] == [43.06, 29.36]


def test_official_cards_state_the_facts_of_their_records():
    """Every card's license, papers and numbers are its record's (and its finetuned checkpoints' / variants'):
    nothing on a card states a fact the records do not."""
    from huggingface_hub import ModelCard
    from motionhub.model_cards.official import OFFICIAL_CARDS

    from motionhub.official_records import results_on_card
    from motionhub.papers import SEED_PAPERS

    for name, record in OFFICIAL_CARDS.items():
        card = ModelCard.load(REPO_ROOT / "model_cards" / f"{name}.md")
        assert (card.data.license, card.data.license_name, card.data.license_link) == (
            record.license, record.license_name, record.license_link), name
        assert " ".join(record.license_note.split()) in " ".join(card.text.split()), name
        for key in record.papers:
            assert SEED_PAPERS[key].bibtex in card.text, (name, key)
        expected = [(r.dataset_type, r.split, r.metric, r.value, r.source_url) for _, r in results_on_card(record)]
        found = [(e.dataset_type, e.dataset_split, e.metric_type, e.metric_value, e.source_url)
                 for e in card.data.eval_results or []]
        assert found == expected, name
        for _, result in results_on_card(record):  # and in the results table of the text
            assert f"| {result.value} |" in card.text, (name, result.value)
        assert record.file_name in card.text or record.family == "MPM", name  # MPM's file names are undocumented


# ---------------------------------------------------------------------------------------------------------- remote code
def test_bundled_remote_code_is_self_contained():
    import ast

    from motionhub import DSTformerForPoseLifting
    from motionhub.hub import bundle_remote_code

    files, auto_map = bundle_remote_code(DSTformerForPoseLifting)
    assert auto_map == {
        "AutoConfig": "configuration_dstformer.DSTformerConfig",
        "AutoModel": "modeling_dstformer.DSTformerForPoseLifting",
        "AutoModelForPoseLifting": "modeling_dstformer.DSTformerForPoseLifting",
    }
    assert {"configuration_dstformer.py", "modeling_dstformer.py"} <= set(files)
    for name, text in files.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 and f"{node.module}.py" in files, (name, node.module)
            if isinstance(node, ast.ImportFrom) and not node.level:
                assert not (node.module or "").startswith("motionhub"), name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("motionhub") for a in node.names), name


_BUNDLE_MODULE = textwrap.dedent(
    """
    import torch
    from transformers import PreTrainedConfig

    from motionhub.modeling_utils import MotionPreTrainedModel


    class HubTestConfig(PreTrainedConfig):
        model_type = "hubtest"


    def _families():
        from motionhub import encoders  # a package: cannot be bundled, fine inside a function

        return encoders


    class HubTestModel(MotionPreTrainedModel):
        config_class = HubTestConfig

        def __init__(self, config):
            super().__init__(config)
            self.proj = torch.nn.Linear(2, 2)
            self.post_init()

        def layouts(self):
            from motionhub import skeleton

            return skeleton.list_layouts()

        def families(self):
            return _families()
    """
)


def _load_test_module(tmp_path, name, source):
    import importlib.util

    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"motionhub.{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_bundler_rewrites_lazy_imports_and_refuses_import_time_failures(tmp_path):
    import importlib

    from motionhub.hub import RemoteCodeError, bundle_remote_code

    names = ["_hubtest_ok", "_hubtest_bad"]
    try:
        ok = _load_test_module(tmp_path, names[0], _BUNDLE_MODULE)
        files, auto_map = bundle_remote_code(ok.HubTestModel, tmp_path / "bundle" / "hubtest_pkg")
        assert auto_map == {"AutoConfig": "_hubtest_ok.HubTestConfig", "AutoModel": "_hubtest_ok.HubTestModel"}
        assert {"_hubtest_ok.py", "modeling_utils.py", "skeleton.py"} <= set(files)
        text = files["_hubtest_ok.py"]
        assert "from .modeling_utils import MotionPreTrainedModel" in text
        assert "from . import skeleton as skeleton" in text and "raise ImportError(" in text
        # the bundle runs as a package of its own and never touches motionhub
        (tmp_path / "bundle" / "hubtest_pkg" / "__init__.py").write_text("")
        sys.path.insert(0, str(tmp_path / "bundle"))
        try:
            remote = importlib.import_module("hubtest_pkg._hubtest_ok")
            model = remote.HubTestModel(remote.HubTestConfig())
            assert "h36m-17" in model.layouts()
            with pytest.raises(ImportError, match="pip install motionhub"):
                model.families()
        finally:
            sys.path.remove(str(tmp_path / "bundle"))
            for key in [k for k in sys.modules if k.startswith("hubtest_pkg")]:
                del sys.modules[key]

        bad = _load_test_module(tmp_path, names[1], _BUNDLE_MODULE + "\n_FAMILIES = _families()\n")
        with pytest.raises(RemoteCodeError, match=r"calls _families\(\) while it is imported"):
            bundle_remote_code(bad.HubTestModel)
    finally:
        for name in names:
            sys.modules.pop(f"motionhub.{name}", None)


def test_push_without_remote_code_when_bundling_is_impossible(hub_env, monkeypatch):
    from huggingface_hub import ModelCard

    import motionhub.hub as hub_module
    from motionhub.hub import remote_code

    def refuse(*args, **kwargs):
        raise hub_module.RemoteCodeError("cannot bundle this one")

    monkeypatch.setattr(remote_code, "bundle_remote_code", refuse)  # where push_to_hub's bundling looks it up
    repo = _repo("no-remote")
    with pytest.warns(UserWarning, match="without remote code.*cannot bundle this one"):
        hub_module.push_to_hub(_tiny(seed=70), repo)
    files = hub_env["hub"].files(repo)
    assert not any(name.endswith(".py") for name in files)
    assert "auto_map" not in json.loads(files["config.json"])
    card = ModelCard.load(repo)
    assert "custom_code" not in card.data.tags and "trust_remote_code" not in card.text
    with pytest.raises(hub_module.RemoteCodeError):
        hub_module.push_to_hub(_tiny(seed=70), repo, remote_code=True)


_REMOTE_SCRIPT = textwrap.dedent(
    """
    import importlib.abc, sys

    class BlockMotionhub(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "motionhub" or name.startswith("motionhub."):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
            return None

    sys.meta_path.insert(0, BlockMotionhub())
    try:
        import motionhub  # noqa: F401
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("motionhub is importable; the test would prove nothing")

    import torch
    import transformers
    from transformers import AutoModel

    transformers.utils.logging.set_verbosity_error()
    for repo, expected_class in zip(sys.argv[1::2], sys.argv[2::2]):
        if repo == sys.argv[1]:
            try:
                AutoModel.from_pretrained(repo)
            except ValueError as err:
                assert "trust_remote_code" in str(err), err
            else:
                raise SystemExit("loading custom code without trust_remote_code=True should fail")
        model = AutoModel.from_pretrained(repo, trust_remote_code=True).eval()
        assert type(model).__name__ == expected_class, type(model)
        assert type(model).__module__.startswith("transformers_modules"), type(model).__module__
        with torch.no_grad():
            torch.save(model(torch.load(f"{repo.replace('/', '_')}.in.pt"))[0], f"{repo.replace('/', '_')}.out.pt")
    assert not any(m == "motionhub" or m.startswith("motionhub.") for m in sys.modules)
    print("remote-ok")
    """
)


def _check_remote_code_loading(hub_env, cases) -> None:
    """Push every ``(model, repo, input)`` with remote code, load them in a process where motionhub cannot be
    imported, and compare the outputs."""
    from motionhub.hub import push_to_hub

    tmp = hub_env["tmp"]
    argv = []
    for model, repo, x in cases:
        push_to_hub(model, repo, remote_code=True)
        torch.save(x, tmp / f"{repo.replace('/', '_')}.in.pt")
        argv += [repo, type(model).__name__]
    script = tmp / "remote_load.py"
    script.write_text(_REMOTE_SCRIPT)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PYTHON", "TRANSFORMERS"))}
    env.update(hub_env["env"], HF_MODULES_CACHE=str(tmp / "modules"), PYTHONNOUSERSITE="1")
    proc = subprocess.run([sys.executable, str(script), *argv], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "remote-ok" in proc.stdout, proc.stdout + proc.stderr
    for model, repo, x in cases:
        # another process may pick other kernels / thread counts: equal up to float32 rounding
        torch.testing.assert_close(torch.load(tmp / f"{repo.replace('/', '_')}.out.pt"), _outputs(model, x),
                                   rtol=1e-5, atol=1e-6, msg=repo)


def test_remote_code_loads_with_plain_transformers_without_motionhub(hub_env):
    """Pose lifting, action classification and pose completion (head classes in motionhub.heads) via
    trust_remote_code: the bundles are copies of the real source files."""
    lifter = _tiny("DSTformerForPoseLifting", seed=3)
    classifier = _tiny("DSTformerForActionClassification", seed=4, num_labels=5, action_hidden_size=8)
    completion = _tiny("DSTformerForPoseCompletion", seed=5)
    _check_remote_code_loading(hub_env, [
        (lifter, _repo("remote-lifter"), _keypoints()),
        (classifier, _repo("remote-action"), _keypoints().reshape(1, 2, 8, 17, 3)),
        (completion, _repo("remote-completion"), _keypoints()),
    ])


def test_mesh_and_multitask_models_publish_with_remote_code(hub_env, tmp_path, monkeypatch):
    """The SMPL body comes from $MOTIONHUB_SMPL_PATH in the loading process too (never from the repository)."""
    from synthetic_smpl import use_smpl_env, write_synthetic_smpl_dir

    use_smpl_env(monkeypatch, write_synthetic_smpl_dir(tmp_path / "smpl"))
    mesh = _tiny("DSTformerForMeshRecovery", seed=6, mesh_hidden_size=8)
    multi = _tiny("DSTformerForMultiTask", seed=7, num_labels=3, action_hidden_size=8, mesh_hidden_size=8)
    _check_remote_code_loading(hub_env, [
        (mesh, _repo("remote-mesh"), _keypoints()),
        (multi, _repo("remote-multitask"), _keypoints()),
    ])


# ---------------------------------------------------------------------------------------------------------- end to end
def test_a_model_loaded_by_repo_id_prepares_its_inputs_with_the_published_processor(hub_env):
    """push_to_hub(processor=...) -> AutoProcessor by repo id, and a pipeline of the repo id (or of a model loaded
    from it) uses that processor, not the config-derived defaults."""
    from transformers import AutoProcessor

    from motionhub import AutoModelForActionClassification, MotionProcessor
    from motionhub.hub import push_to_hub
    from motionhub.pipelines import ActionPipeline

    model = _tiny("DSTformerForActionClassification", seed=80, num_labels=3, action_hidden_size=8)
    processor = MotionProcessor.from_model_config(model.config, task="action-classification").replace(
        clip_normalization="screen", clip_len=6, num_persons=1)
    repo = _repo("with-processor")
    push_to_hub(model, repo, processor=processor, remote_code=False)
    assert "preprocessor_config.json" in hub_env["hub"].files(repo)
    assert AutoProcessor.from_pretrained(repo) == processor
    pipe = ActionPipeline(repo, progress=False)
    assert (pipe.normalization, pipe.clip_len, pipe.num_persons) == ("screen", 6, 1)
    loaded = AutoModelForActionClassification.from_pretrained(repo)
    assert ActionPipeline(loaded, progress=False).clip_len == 6  # found through config._name_or_path (the repo id)


def test_push_download_and_load_by_repo_id(hub_env):
    from huggingface_hub import ModelCard
    from transformers import AutoModel

    from motionhub import AutoModelForPoseLifting
    from motionhub.hub import download, push_to_hub

    hub = hub_env["hub"]
    encoder, lifter = _tiny("DSTformerModel", seed=1), _tiny("DSTformerForPoseLifting", seed=2)
    enc_repo, lift_repo = _repo("encoder"), _repo("lifter")
    x = _keypoints()

    n_requests = len(hub.requests)
    info = push_to_hub(encoder, enc_repo, license="apache-2.0", commit_message="first upload")
    assert len(hub.commits(enc_repo)) == 2 and info.oid == hub.commits(enc_repo)[-1]  # repo creation + ONE commit
    new = hub.requests[n_requests:]
    assert ("POST", "/api/validate-yaml") in new
    assert any(m == "PUT" and p.startswith("/lfs-upload/") for m, p in new)  # weights went through LFS
    files = hub.files(enc_repo)
    assert {"README.md", "config.json", "model.safetensors", "configuration_dstformer.py",
            "modeling_dstformer.py"} <= set(files)
    assert json.loads(files["config.json"])["auto_map"]["AutoModel"] == "modeling_dstformer.DSTformerModel"

    push_to_hub(lifter, lift_repo, license="apache-2.0")

    path = download(enc_repo)
    assert path.is_relative_to(hub_env["cache"]) and (path / "model.safetensors").is_file()
    assert ModelCard.load(path / "README.md").data.library_name == "motionhub"

    loaded = AutoModel.from_pretrained(enc_repo)
    assert type(loaded).__name__ == "DSTformerModel"
    assert torch.equal(_outputs(loaded, x), _outputs(encoder, x))
    loaded_lifter = AutoModelForPoseLifting.from_pretrained(lift_repo)
    assert torch.equal(_outputs(loaded_lifter, x), _outputs(lifter, x))
    # the bare-encoder view of the task checkpoint (base_model_prefix) equals the lifter's encoder
    assert torch.equal(_outputs(AutoModel.from_pretrained(lift_repo), x), _outputs(lifter.dstformer, x))
    assert ModelCard.load(lift_repo).data.pipeline_tag == "keypoint-detection"


def test_load_by_revision(hub_env):
    from transformers import AutoModel

    from motionhub.hub import download, push_to_hub

    repo = _repo("revisions")
    v1, v2 = _tiny(seed=10), _tiny(seed=11)
    first = push_to_hub(v1, repo).oid
    second = push_to_hub(v2, repo).oid
    assert first != second
    x = _keypoints()
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo, revision=first), x), _outputs(v1, x))
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo), x), _outputs(v2, x))
    assert download(repo, revision=first).name == first
    # a branch
    v3 = _tiny(seed=12)
    push_to_hub(v3, repo, revision="experiment")
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo, revision="experiment"), x), _outputs(v3, x))
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo), x), _outputs(v2, x))


def test_offline_loading_from_the_cache(hub_env, monkeypatch):
    from huggingface_hub import constants
    from transformers import AutoModel

    from motionhub.hub import download, push_to_hub

    hub = hub_env["hub"]
    repo = _repo("offline")
    model = _tiny(seed=20)
    push_to_hub(model, repo)
    online_path = download(repo)
    x = _keypoints()

    n_requests = len(hub.requests)
    assert download(repo, local_files_only=True) == online_path
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo, local_files_only=True), x), _outputs(model, x))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo), x), _outputs(model, x))
    assert download(repo) == online_path
    assert len(hub.requests) == n_requests  # nothing went to the server

    from huggingface_hub.errors import LocalEntryNotFoundError

    with pytest.raises(LocalEntryNotFoundError, match="motionhub download"):
        download(_repo("never-downloaded"))


def test_sharded_push_and_repush_without_stale_shards(hub_env):
    from transformers import AutoModel

    from motionhub.hub import push_to_hub

    hub = hub_env["hub"]
    repo = _repo("sharded")
    model = _tiny(seed=30)
    push_to_hub(model, repo, max_shard_size="8KB")
    files = set(hub.files(repo))
    shards = sorted(f for f in files if f.startswith("model-") and f.endswith(".safetensors"))
    assert len(shards) > 1 and "model.safetensors.index.json" in files and "model.safetensors" not in files
    x = _keypoints()
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo), x), _outputs(model, x))

    other = _tiny(seed=31)
    push_to_hub(other, repo)  # unsharded re-push replaces the shards in the same commit
    files = set(hub.files(repo))
    assert "model.safetensors" in files and not any(f.startswith("model-") for f in files)
    assert "model.safetensors.index.json" not in files
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo), x), _outputs(other, x))


def test_clear_errors_for_missing_repo_file_and_revision(hub_env):
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        RemoteEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )
    from transformers import AutoModel

    from motionhub.hub import download, push_folder, push_to_hub

    repo = _repo("errors")
    push_to_hub(_tiny(seed=40), repo)
    missing = "motionhub-test/does-not-exist"

    with pytest.raises(RepositoryNotFoundError, match="does not exist or is private"):
        download(missing)
    with pytest.raises(OSError, match="not a valid model identifier|not a local folder"):
        AutoModel.from_pretrained(missing)
    with pytest.raises(RevisionNotFoundError, match="has no revision 'v9.9'"):
        download(repo, revision="v9.9")
    with pytest.raises(OSError, match="not a valid git identifier"):
        AutoModel.from_pretrained(repo, revision="v9.9")
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download(repo, "pytorch_model.bin")
    with pytest.raises(FileNotFoundError, match="no config.json"):
        download(repo, allow_patterns=["README.md"])
    with pytest.raises(FileNotFoundError, match="no config.json"):
        push_folder(hub_env["tmp"], repo)


# ------------------------------------------------------------------------------------------------------ folders, CLI
def test_push_folder_adds_card_and_remote_code(hub_env, tmp_path):
    from huggingface_hub import ModelCard
    from transformers import AutoModel

    from motionhub.hub import push_folder

    model = _tiny("DSTformerForPoseLifting", seed=50)
    folder = tmp_path / "converted"
    model.save_pretrained(folder)
    before = sorted(p.name for p in folder.iterdir())
    repo = _repo("folder")
    push_folder(folder, repo, license="mit", training_data="converted from a test model")
    assert sorted(p.name for p in folder.iterdir()) == before  # the folder itself is untouched
    files = hub_env["hub"].files(repo)
    assert {"README.md", "modeling_dstformer.py", "preprocessor_config.json"} <= set(files)  # processor derived
    card = ModelCard.load(repo)
    assert card.data.license == "mit" and f"{sum(p.numel() for p in model.parameters()):,}" in card.text
    x = _keypoints()
    assert torch.equal(_outputs(AutoModel.from_pretrained(repo), x), _outputs(model.dstformer, x))

    # a ready card (here: the committed STRIDE card) is uploaded verbatim
    card_path = REPO_ROOT / "model_cards" / "stride.md"
    push_folder(folder, repo, card=card_path)
    assert hub_env["hub"].files(repo)["README.md"] == card_path.read_bytes()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        push_folder(folder, repo, card="no/such/README.md")


def test_cli_push_and_download(hub_env, tmp_path, capsys):
    from transformers import AutoModel

    from motionhub.cli import main

    model = _tiny(seed=60)
    folder = tmp_path / "model"
    model.save_pretrained(folder)
    repo = _repo("cli")
    assert main(["push", str(folder), repo, "--license", "apache-2.0", "--message", "cli upload", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert repo in out and hub_env["hub"].commits(repo)[-1] in out

    local = tmp_path / "local"
    assert main(["download", repo, "--local-dir", str(local), "--quiet"]) == 0
    assert str(local) in capsys.readouterr().out
    x = _keypoints()
    assert torch.equal(_outputs(AutoModel.from_pretrained(local), x), _outputs(model, x))
    assert main(["download", repo, "--quiet"]) == 0  # into the cache

    assert main(["download", "motionhub-test/missing", "--quiet"]) == 1
    assert "does not exist or is private" in capsys.readouterr().err
    assert main(["push", str(tmp_path / "nothing"), repo, "--quiet"]) == 1
    assert "not a directory" in capsys.readouterr().err


def test_a_dead_hub_server_is_a_one_line_error_not_a_traceback(hub_env, monkeypatch, capsys):
    """The server goes away (connection refused mid-session): `download` and `push` report it and exit 1."""
    import socket

    from huggingface_hub import constants

    from motionhub.cli import main

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setattr(constants, "ENDPOINT", dead)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", dead + "/{repo_id}/resolve/{revision}/{filename}")
    code = main(["download", _repo("gone"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err.lower() and len(err.strip().splitlines()) <= 2
    folder = hub_env["tmp"] / "m"
    _tiny(seed=1).save_pretrained(folder)
    code = main(["push", str(folder), _repo("gone-push"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err


def test_a_server_that_stops_mid_upload_is_a_network_error(hub_env, monkeypatch, capsys, caplog):
    """The Hub closes the connection halfway through the weights' upload (every attempt): `push` was a RuntimeError
    traceback; it is one line, exit 1, saying nothing was committed and to retry; the retry then succeeds."""
    import importlib
    import logging
    import types

    from motionhub.cli import main
    from motionhub.hub import HubConnectionError, push_folder

    http = importlib.import_module("huggingface_hub.utils._http")
    monkeypatch.setattr(http, "time", types.SimpleNamespace(sleep=lambda seconds: None))  # no backoff waits
    hub = hub_env["hub"]
    folder = hub_env["tmp"] / "m"
    _tiny(seed=3).save_pretrained(folder)
    repo = _repo("mid-upload")
    monkeypatch.setattr(hub, "hang_up", lambda method, path: method == "PUT" and path.startswith("/lfs-upload/"))
    with caplog.at_level(logging.WARNING):
        code = main(["push", str(folder), repo, "--quiet"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err and "RuntimeError" not in err, err
    assert "uploading model.safetensors" in err and "nothing was committed on the Hub: retry the same command" in err
    assert not [r for r in caplog.records if "Retry" in r.getMessage() or "thrown while" in r.getMessage()]
    assert len(hub.commits(repo)) == 1  # the repository's initial commit only
    with pytest.raises(HubConnectionError, match="nothing was committed"):  # Python: the same error
        push_folder(folder, repo)
    monkeypatch.setattr(hub, "hang_up", None)  # the server is back: the same command succeeds
    assert main(["push", str(folder), repo, "--quiet"]) == 0, capsys.readouterr().err
    assert hub.files(repo)["model.safetensors"] == (folder / "model.safetensors").read_bytes()
