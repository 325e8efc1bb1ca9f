# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""DSTformer: common model suite + parity with the official MotionBERT / STRIDE code (reference fixtures)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import reference_path
from model_test_mixin import MotionModelTesterMixin

from motionhub import DSTformerConfig, DSTformerForPoseLifting, DSTformerModel
from motionhub.conversion import convert_checkpoint

ATOL = RTOL = 1e-5  # reference/README.md


def tiny_config(**kw) -> DSTformerConfig:
    return DSTformerConfig(**{**dict(dim_feat=16, dim_rep=24, depth=2, num_heads=2, mlp_ratio=2, maxlen=12), **kw})


class TestDSTformerCommon(MotionModelTesterMixin):
    all_model_classes = (DSTformerModel, DSTformerForPoseLifting)

    def get_config(self):
        return tiny_config()

    def prepare_inputs(self, model_class, config, batch_size):
        return {"keypoints": torch.randn(batch_size, 9, config.num_joints, config.dim_in)}

    def prepare_labels(self, model_class, config, inputs):
        if model_class is DSTformerModel:
            return {}
        b, t, j, _ = inputs["keypoints"].shape
        return {"labels": torch.randn(b, t, j, 3)}


# ---------------------------------------------------------------------------------------------- parity
@pytest.fixture(scope="module")
def mb_io():
    return np.load(reference_path("motionbert_dstformer", "io_small.npz"))


@pytest.fixture(scope="module")
def mb_model():
    return convert_checkpoint(reference_path("motionbert_dstformer", "checkpoint_small.bin"), num_heads=4)


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


def test_converted_config_is_inferred_from_shapes(mb_model):
    c = mb_model.config
    assert (c.dim_in, c.dim_feat, c.dim_rep, c.depth, c.num_heads, c.mlp_ratio, c.maxlen, c.num_joints) == (
        3, 32, 64, 2, 4, 2.0, 27, 17)
    assert c.layer_norm_eps == 1e-6 and c.att_fuse
    assert sum(p.numel() for p in mb_model.parameters()) == 72519  # manifest_small.json


@pytest.mark.parametrize("impl", ["sdpa", "eager"])
def test_motionbert_forward_and_representation(mb_model, mb_io, impl):
    mb_model.set_attn_implementation(impl)
    with torch.no_grad():
        out = mb_model(torch.from_numpy(mb_io["input"]))
        short = mb_model(torch.from_numpy(mb_io["input_short"]))
    np.testing.assert_allclose(_np(out.pose_3d), mb_io["output"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(_np(out.representation), mb_io["representation"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(_np(short.pose_3d), mb_io["output_short"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(_np(short.representation), mb_io["representation_short"], atol=ATOL, rtol=RTOL)


def test_motionbert_flip_average(mb_model, mb_io):
    from motionhub.modeling_utils import flip_augmented

    x = torch.from_numpy(mb_io["input"])
    with torch.no_grad():
        avg = flip_augmented(lambda k: mb_model(k).pose_3d, x, layout="h36m-17")
    np.testing.assert_allclose(_np(avg), mb_io["output_flipavg"], atol=ATOL, rtol=RTOL)
    rootrel = avg.clone()
    rootrel[:, :, 0] = 0
    np.testing.assert_allclose(_np(rootrel), mb_io["output_flipavg_rootrel"], atol=ATOL, rtol=RTOL)


def test_stride_copy_is_motionbert(mb_io):
    io = np.load(reference_path("stride", "io_small.npz"))
    model = convert_checkpoint(reference_path("motionbert_dstformer", "checkpoint_small.bin"), family="stride",
                               num_heads=4)
    assert model.config.lambda_limb_var == 200.0
    with torch.no_grad():
        out = model(torch.from_numpy(io["equiv_input"])).pose_3d
    np.testing.assert_allclose(_np(out), io["equiv_output"], atol=ATOL, rtol=RTOL)


def test_stride_checkpoint_after_ttt_converts(mb_io):
    """The container written after 3 official TTT steps converts; its output is the fixture's after-3-steps output."""
    io = np.load(reference_path("stride", "io_small.npz"))
    model = convert_checkpoint(reference_path("stride", "checkpoint_small_after3ttt.bin"), family="stride",
                               num_heads=4)
    with torch.no_grad():
        out = model(torch.from_numpy(io["pseudo_label_clip"])).pose_3d
    np.testing.assert_allclose(_np(out), io["output_after_3_steps"], atol=1e-4, rtol=1e-4)


def test_auto_model_on_convert_cli_output(tmp_path, mb_io):
    import transformers

    from motionhub.cli import main

    src = reference_path("motionbert_dstformer", "checkpoint_small.bin")
    assert main(["convert", str(src), str(tmp_path / "mb"), "--num-heads", "4"]) == 0
    assert sorted(p.name for p in (tmp_path / "mb").iterdir()) == ["config.json", "model.safetensors"]
    encoder = transformers.AutoModel.from_pretrained(tmp_path / "mb")
    assert isinstance(encoder, DSTformerModel)
    with torch.no_grad():
        rep = encoder(torch.from_numpy(mb_io["input"])).last_hidden_state
    np.testing.assert_allclose(_np(rep), mb_io["representation"], atol=ATOL, rtol=RTOL)


# ------------------------------------------------------------------------------- unseen configs
def _official_state_dict(model: DSTformerForPoseLifting) -> dict[str, torch.Tensor]:
    """Our model's weights in the official naming (``module.`` + DSTformer names), as train.py would save them."""
    sd = {}
    for k, v in model.state_dict().items():
        name = k[len("dstformer."):] if k.startswith("dstformer.") else k
        sd["module." + name] = v.clone()
    return sd


@pytest.mark.parametrize("kw", [
    dict(dim_feat=48, dim_rep=40, depth=3, num_heads=6, mlp_ratio=3, maxlen=31, num_joints=13, dim_in=2),
    dict(dim_feat=24, dim_rep=24, depth=1, num_heads=8, mlp_ratio=1.5, maxlen=5, att_fuse=False),
])
def test_unseen_config_round_trips_through_official_container(tmp_path, kw):
    torch.manual_seed(3)
    model = DSTformerForPoseLifting(tiny_config(root_relative=False, **kw)).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))  # no degenerate init (fusion weights start at 0)
    container = {"epoch": 3, "lr": 1e-4, "model_pos": _official_state_dict(model), "min_loss": np.float64(1.5)}
    path = tmp_path / "latest_epoch.bin"
    torch.save(container, path)
    converted = convert_checkpoint(path, num_heads=kw["num_heads"])
    x = torch.randn(2, kw["maxlen"], model.config.num_joints, model.config.dim_in)
    with torch.no_grad():
        torch.testing.assert_close(converted(x).pose_3d, model(x).pose_3d, atol=1e-6, rtol=1e-6)
    for field in ("dim_feat", "dim_rep", "depth", "mlp_ratio", "maxlen", "num_joints", "dim_in", "att_fuse"):
        assert getattr(converted.config, field) == getattr(model.config, field), field


def test_official_yaml_supplies_num_heads(tmp_path):
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(tiny_config(num_heads=4, root_relative=False)).eval()
    torch.save({"model_pos": _official_state_dict(model)}, tmp_path / "ck.bin")
    (tmp_path / "cfg.yaml").write_text("maxlen: 12\ndim_feat: 16\nmlp_ratio: 2\ndepth: 2\ndim_rep: 24\nnum_heads: 4\n")
    assert convert_checkpoint(tmp_path / "ck.bin", official_config=tmp_path / "cfg.yaml").config.num_heads == 4
    (tmp_path / "bad.yaml").write_text("dim_feat: 512\nnum_heads: 4\n")
    with pytest.raises(ValueError, match="dim_feat"):
        convert_checkpoint(tmp_path / "ck.bin", official_config=tmp_path / "bad.yaml")


# ------------------------------------------------------------------------------------ bad input
def test_bad_inputs_name_the_problem():
    model = DSTformerModel(tiny_config()).eval()
    with pytest.raises(ValueError, match="channels"):
        model(torch.zeros(1, 4, 17, 2))
    with pytest.raises(ValueError, match="at most 12"):
        model(torch.zeros(1, 13, 17, 3))
    with pytest.raises(ValueError, match=r"\(B, T, J, C\)"):
        model(torch.zeros(4, 17, 3))
    with pytest.raises(ValueError, match="infinite"):
        model(torch.full((1, 4, 17, 3), float("inf")))
    with pytest.raises(TypeError):
        model(np.zeros((1, 4, 17, 3), dtype=np.float32))


def test_config_validation():
    with pytest.raises(ValueError, match="divisible"):
        DSTformerConfig(dim_feat=30, num_heads=4)
    with pytest.raises(ValueError, match="depth"):
        DSTformerConfig(depth=0)
    full, lite = DSTformerConfig.motionbert(), DSTformerConfig.motionbert_lite()
    assert sum(p.numel() for p in DSTformerForPoseLifting(lite).parameters()) == 16_001_549


def test_refuses_arbitrary_pickles(tmp_path):
    import pickle

    from motionhub.conversion import CheckpointFormatError

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.bin"
    with open(path, "wb") as f:
        pickle.dump({"model_pos": Evil()}, f)
    with pytest.raises(CheckpointFormatError, match="restricted unpickler"):
        convert_checkpoint(path)


def test_chunked_inference_path_equals_full_path(monkeypatch):
    """No-grad inference runs attention/MLP in groups and fuses in place; it must give the autograd path's numbers."""
    from motionhub.encoders.dstformer import modeling_dstformer as mdl

    torch.manual_seed(0)
    model = DSTformerForPoseLifting(tiny_config(maxlen=16)).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    x = torch.randn(3, 16, 17, 3)
    with torch.enable_grad():
        reference = model(x, output_hidden_states=True)
    monkeypatch.setattr(mdl.DSTformerAttention, "inference_chunk_tokens", 40)  # force several groups
    monkeypatch.setattr(mdl.DSTformerMLP, "inference_chunk_tokens", 50)
    with torch.no_grad():
        chunked = model(x, output_hidden_states=True)
    torch.testing.assert_close(chunked.pose_3d, reference.pose_3d.detach(), atol=1e-6, rtol=1e-5)
    for a, b in zip(chunked.hidden_states, reference.hidden_states):
        torch.testing.assert_close(a, b.detach(), atol=1e-6, rtol=1e-5)


def test_short_sequences_use_materialised_scores_at_inference_only(monkeypatch):
    """No-grad attention over <= eager_max_tokens tokens takes the eager path (measured faster on CPU); training,
    longer sequences and the SDPA results stay as they were."""
    from motionhub.encoders.dstformer import modeling_dstformer as mdl

    calls = []
    eager = mdl.eager_attention_forward

    def counting(module, *args, **kwargs):
        calls.append(module.mode)
        return eager(module, *args, **kwargs)

    monkeypatch.setattr(mdl, "eager_attention_forward", counting)
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(tiny_config(maxlen=40)).eval()
    x = torch.randn(2, 40, 17, 3)
    with torch.no_grad():
        out = model(x).pose_3d
    assert calls.count("spatial") == 4 and "temporal" not in calls  # J = 17 <= 32 < T = 40, 2 layers x 2 streams
    calls.clear()
    monkeypatch.setattr(mdl.DSTformerAttention, "eager_max_tokens", 0)
    with torch.no_grad():
        sdpa = model(x).pose_3d
    assert not calls
    torch.testing.assert_close(out, sdpa, atol=1e-6, rtol=1e-5)
    monkeypatch.setattr(mdl.DSTformerAttention, "eager_max_tokens", 64)
    model(x).pose_3d.sum().backward()  # with autograd: SDPA (its backward is the faster one)
    assert not calls


def test_resize_temporal_embedding_stretches_the_learned_embedding(tmp_path):
    """A 27-frame model given 81 frames: end points and the matching middle frame keep their learned embedding, the
    config follows, 81-frame clips run, and the resized model saves and loads."""
    import pytest
    import torch

    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    model = DSTformerForPoseLifting(DSTformerConfig(dim_feat=16, dim_rep=16, depth=1, num_heads=2, maxlen=27)).eval()
    old = model.dstformer.temp_embed.detach().clone()
    model.resize_temporal_embedding(81)
    new = model.dstformer.temp_embed
    assert new.shape == (1, 81, 1, 16) and model.config.maxlen == 81 and new.requires_grad
    assert any(p is new for p in model.parameters())
    for i, j in ((0, 0), (40, 13), (80, 26)):
        torch.testing.assert_close(new[:, i], old[:, j])
    assert model(keypoints=torch.randn(1, 81, 17, 3)).pose_3d.shape == (1, 81, 17, 3)
    model.save_pretrained(tmp_path)
    again = DSTformerForPoseLifting.from_pretrained(tmp_path)
    assert again.config.maxlen == 81 and torch.equal(again.dstformer.temp_embed, new)
    with pytest.raises(ValueError, match="maxlen must be >= 1"):
        model.resize_temporal_embedding(0)
