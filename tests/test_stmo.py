# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STMO (P-STMO): common model suite, parity with the official code (reference/pstmo), conversion of unseen configs."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import reference_path
from model_test_mixin import MotionModelTesterMixin

from motionhub import (
    AutoModelForMaskedPoseModeling,
    AutoModelForPoseLifting,
    STMOConfig,
    STMOForMaskedPoseModeling,
    STMOForPoseLifting,
    STMOModel,
)
from motionhub.conversion import convert_checkpoint
from motionhub.conversion.pstmo import export_official_state_dict
from motionhub.encoders.stmo import (
    masked_frame_order,
    stmo_window_indices,
    stmo_windows,
)

ATOL = 1e-5  # reference/pstmo/README.md
KPS_LEFT, KPS_RIGHT = [4, 5, 6, 11, 12, 13], [1, 2, 3, 14, 15, 16]  # run.py (H36M-17)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one intra-op thread is several times faster on a shared 2-core machine (no spin-waiting)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def tiny_config(**kw) -> STMOConfig:
    base = dict(frames=9, stride_num=[3, 3], layers=2, channel=16, d_hid=24, num_heads=2, num_joints=17)
    return STMOConfig(**{**base, **kw})


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


def _official(x: np.ndarray) -> np.ndarray:
    """Official (N, C, T, J, 1) -> (N, T, J, C)."""
    return x[..., 0].transpose(0, 2, 3, 1)


def perturb_(model: torch.nn.Module, seed: int = 0, scale: float = 0.05) -> None:
    """Non-trivial weights and BatchNorm statistics (fresh BN stats are 0/1, which hides layout bugs)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if not t.is_floating_point():
                continue
            noise = torch.randn(t.shape, generator=g) * scale
            if name.endswith("running_var"):
                t.copy_((t + noise).abs() + 0.5)
            else:
                t.add_(noise)


# ============================================================================================ common suite
class TestSTMOCommon(MotionModelTesterMixin):
    all_model_classes = (STMOModel, STMOForPoseLifting, STMOForMaskedPoseModeling)
    # the official transformers' final LayerNorm is never applied; with 2 strided layers the third strided position
    # embedding is unused (it only exists for 3+ layers, as in the official code)
    params_without_grad = ("final_norm", "position_embeddings.2")

    def get_config(self):
        return tiny_config()

    def prepare_inputs(self, model_class, config, batch_size):
        inputs = {"keypoints": torch.rand(batch_size, config.frames, config.num_joints, 2) * 2 - 1}
        if model_class is STMOForMaskedPoseModeling:
            inputs["frame_mask"] = torch.tensor([0, 1, 0, 1, 1, 0, 1, 0, 1], dtype=torch.bool)
            inputs["joint_mask"] = torch.zeros(config.frames, config.num_joints, dtype=torch.bool)
            inputs["joint_mask"][:, [2, 7]] = True
        return inputs

    def prepare_labels(self, model_class, config, inputs):
        b, t, j, _ = inputs["keypoints"].shape
        if model_class is STMOForPoseLifting:
            return {"labels": torch.randn(b, t, j, 3)}
        if model_class is STMOForMaskedPoseModeling:
            return {"labels": inputs["keypoints"].clone()}
        return {}


# ============================================================================================ parity
@pytest.fixture(scope="module")
def io():
    return np.load(reference_path("pstmo", "io_small.npz"))


@pytest.fixture(scope="module")
def lifting():
    return convert_checkpoint(reference_path("pstmo", "no_refine_small_7_4321.pth"))


@pytest.fixture(scope="module")
def mae():
    return convert_checkpoint(reference_path("pstmo", "pretrain_small_5_1234.pth"))


def test_converted_configs_are_inferred(lifting, mae):
    manifest = json.loads(reference_path("pstmo", "manifest_small_STMO.json").read_text())
    args = manifest["args"]
    c = lifting.config
    assert isinstance(lifting, STMOForPoseLifting) and not lifting.training
    assert (c.layers, c.channel, c.d_hid, c.frames, c.stride_num, c.num_joints, c.out_joints, c.num_heads) == (
        args["layers"], args["channel"], args["d_hid"], args["frames"], args["stride_num"], args["n_joints"],
        args["out_joints"], 8)
    assert not c.root_relative and not c.apply_final_norm and c.layer_norm_eps == 1e-6
    assert sum(p.numel() for p in lifting.parameters()) == manifest["num_parameters"]
    assert sum(b.numel() for b in lifting.buffers()) == manifest["num_buffer_elements"]
    mae_manifest = json.loads(reference_path("pstmo", "manifest_small_MAE.json").read_text())
    assert isinstance(mae, STMOForMaskedPoseModeling)
    assert (mae.config.decoder_layers, mae.config.decoder_channel, mae.config.decoder_d_hid) == (1, 16, 32)
    assert sum(p.numel() for p in mae.parameters()) == mae_manifest["num_parameters"]


def test_input_layout_matches_official(io):
    np.testing.assert_array_equal(_official(io["input_official_N2TJ1"]), io["input_NTJ2"])


@pytest.mark.parametrize("impl", ["sdpa", "eager"])
def test_lifting_outputs(lifting, io, impl):
    lifting.set_attn_implementation(impl)
    with torch.no_grad():
        out = lifting(torch.from_numpy(io["input_NTJ2"]))
    assert out.pose_3d.shape == (3, 1, 17, 3) and out.pose_3d_all_frames.shape == (3, 27, 17, 3)
    assert out.representation.shape == (3, 27, 32)
    np.testing.assert_allclose(_np(out.pose_3d), _official(io["output_center"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(out.pose_3d_all_frames), _official(io["output_vte"]), atol=ATOL, rtol=0)


def _flip(x: torch.Tensor) -> torch.Tensor:
    """run.py flip: negate x, swap the left/right joints."""
    y = x.clone()
    y[..., 0] *= -1
    y[:, :, KPS_LEFT + KPS_RIGHT] = y[:, :, KPS_RIGHT + KPS_LEFT]
    return y


def test_flip_averaged_outputs(lifting, io):
    aug = torch.from_numpy(io["input_aug_N2TJ2"])  # (N, [orig, flipped], T, J, 2)
    with torch.no_grad():
        plain, flipped = lifting(aug[:, 0]), lifting(aug[:, 1])
    center = (plain.pose_3d + _flip(flipped.pose_3d)) / 2
    vte = (plain.pose_3d_all_frames + _flip(flipped.pose_3d_all_frames)) / 2
    np.testing.assert_allclose(_np(center), _official(io["output_center_flipavg"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(vte), _official(io["output_vte_flipavg"]), atol=ATOL, rtol=0)
    # the library helper gives the same (flip of the input from the H36M-17 layout)
    try:
        from motionhub.modeling_utils import flip_augmented
    except ImportError:  # pragma: no cover
        return
    np.testing.assert_array_equal(_np(_flip(aug[:, 0])), io["input_aug_N2TJ2"][:, 1])
    with torch.no_grad():
        avg = flip_augmented(lambda k: lifting(k).pose_3d, aug[:, 0], layout="h36m-17")
    np.testing.assert_allclose(_np(avg), _official(io["output_center_flipavg"]), atol=ATOL, rtol=0)


def test_masked_pose_modeling_outputs(mae, io):
    x = torch.from_numpy(io["input_NTJ2"])
    tmask, smask = torch.from_numpy(io["mae_temporal_mask"]), torch.from_numpy(io["mae_spatial_mask"])
    with torch.no_grad():
        official = mae(x, frame_mask=tmask, joint_mask=smask, official_frame_order=True, labels=x)
        ours = mae(x, frame_mask=tmask, joint_mask=smask, labels=x)
        numpy_masks = mae(x, frame_mask=io["mae_temporal_mask"], joint_mask=io["mae_spatial_mask"])
    np.testing.assert_allclose(_np(official.reconstruction_2d), _official(io["mae_output"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(float(official.loss), float(io["mae_loss"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(float(ours.loss), float(io["mae_loss"]), atol=ATOL, rtol=0)
    # un-shuffled output = official rows put back at their frames
    order = masked_frame_order(tmask)
    np.testing.assert_array_equal(io["mae_target_order"], io["input_NTJ2"][:, order.numpy()])
    np.testing.assert_allclose(_np(ours.reconstruction_2d[:, order]), _official(io["mae_output"]), atol=ATOL, rtol=0)
    torch.testing.assert_close(numpy_masks.reconstruction_2d, ours.reconstruction_2d)


def test_per_sample_masks_match_shared_masks(mae, io):
    x = torch.from_numpy(io["input_NTJ2"])
    tmask, smask = torch.from_numpy(io["mae_temporal_mask"]), torch.from_numpy(io["mae_spatial_mask"])
    with torch.no_grad():
        shared = mae(x, frame_mask=tmask, joint_mask=smask).reconstruction_2d
        per_sample = mae(x, frame_mask=tmask.expand(3, -1), joint_mask=smask.expand(3, -1, -1)).reconstruction_2d
        # a different mask for sample 0 only changes sample 0
        other = tmask.expand(3, -1).clone()
        other[0] = tmask.roll(1)
        mixed = mae(x, frame_mask=other, joint_mask=smask).reconstruction_2d
    torch.testing.assert_close(per_sample, shared)
    torch.testing.assert_close(mixed[1:], shared[1:], atol=1e-6, rtol=0)
    assert not torch.allclose(mixed[0], shared[0])


@pytest.mark.parametrize("name,factory,cls", [
    ("manifest_default_STMO_PSTMO-S_h36m_243.json", STMOConfig.pstmo_s, STMOForPoseLifting),
    ("manifest_default_STMO_PSTMO_h36m_243.json", STMOConfig.pstmo, STMOForPoseLifting),
    ("manifest_default_STMO_PSTMO-S_3dhp_81.json", STMOConfig.pstmo_s_3dhp, STMOForPoseLifting),
    ("manifest_default_MAE_PSTMO-S_pretrain_243.json", STMOConfig.pstmo_s, STMOForMaskedPoseModeling),
    ("manifest_default_MAE_PSTMO_pretrain_243.json", STMOConfig.pstmo, STMOForMaskedPoseModeling),
])
def test_presets_match_released_manifests(name, factory, cls):
    manifest = json.loads(reference_path("pstmo", name).read_text())
    with torch.device("meta"):
        model = cls(factory())
    assert sum(p.numel() for p in model.parameters()) == manifest["num_parameters"]
    assert sum(b.numel() for b in model.buffers()) == manifest["num_buffer_elements"]
    exported = {k: list(v.shape) for k, v in export_official_state_dict(model, prefix="").items()}
    assert exported == {k: v["shape"] for k, v in manifest["state_dict"].items()}
    args = manifest["args"]
    assert (model.config.layers, model.config.frames, model.config.stride_num) == (
        args["layers"], args["frames"], args["stride_num"])
    if cls is STMOForMaskedPoseModeling:
        assert model.config.spatial_mask_num == args["spatial_mask_num"]


# ============================================================================================ conversion
def _save_official(model, path, **kw) -> None:
    torch.save(export_official_state_dict(model, **kw), path)


@pytest.mark.parametrize("kw", [
    dict(frames=81, layers=1, channel=24, d_hid=40, num_heads=8, num_joints=13, stride_num=[3, 3, 3, 3]),
    dict(frames=25, layers=3, channel=16, d_hid=20, num_heads=8, num_joints=16, stride_num=[5, 5],
         num_spatial_blocks=2),
    dict(frames=9, layers=2, channel=32, d_hid=16, num_heads=8, num_joints=17, out_joints=15),  # table: [1, 3, 3]
])
def test_unseen_lifting_config_round_trips(tmp_path, kw):
    torch.manual_seed(0)
    model = STMOForPoseLifting(STMOConfig(root_relative=False, **kw)).eval()
    perturb_(model)
    _save_official(model, tmp_path / "PSTMO_no_refine_3_4000.pth")
    converted = convert_checkpoint(tmp_path / "PSTMO_no_refine_3_4000.pth")
    assert isinstance(converted, STMOForPoseLifting)
    for field in ("frames", "layers", "channel", "d_hid", "num_joints", "out_joints", "stride_num",
                  "num_spatial_blocks"):
        assert getattr(converted.config, field) == getattr(model.config, field), field
    x = torch.rand(2, kw["frames"], kw["num_joints"], 2) * 2 - 1
    with torch.no_grad():
        a, b = model(x), converted(x)
    torch.testing.assert_close(b.pose_3d, a.pose_3d, atol=1e-6, rtol=0)
    torch.testing.assert_close(b.pose_3d_all_frames, a.pose_3d_all_frames, atol=1e-6, rtol=0)


def test_strides_that_cannot_be_inferred_must_be_given(tmp_path):
    torch.manual_seed(0)
    model = STMOForPoseLifting(tiny_config(frames=15, stride_num=[3, 5], root_relative=False)).eval()
    _save_official(model, tmp_path / "ck.pth")
    with pytest.raises(ValueError, match="stride_num"):
        convert_checkpoint(tmp_path / "ck.pth")
    with pytest.raises(ValueError, match="strided layers"):
        convert_checkpoint(tmp_path / "ck.pth", stride_num=[15])
    converted = convert_checkpoint(tmp_path / "ck.pth", stride_num=[3, 5], num_heads=2)
    x = torch.randn(1, 15, 17, 2)
    with torch.no_grad():
        torch.testing.assert_close(converted(x).pose_3d, model(x).pose_3d, atol=1e-6, rtol=0)


def test_unseen_pretraining_config_round_trips(tmp_path):
    torch.manual_seed(0)
    model = STMOForMaskedPoseModeling(STMOConfig(frames=31, layers=3, channel=32, d_hid=48, num_joints=14,
                                                 stride_num=[31])).eval()
    perturb_(model)
    _save_official(model, tmp_path / "MAE_5_1234.pth")
    converted = convert_checkpoint(tmp_path / "MAE_5_1234.pth")
    assert isinstance(converted, STMOForMaskedPoseModeling)
    assert (converted.config.decoder_layers, converted.config.decoder_channel, converted.config.decoder_d_hid) == (
        2, 16, 24)
    x = torch.randn(2, 31, 14, 2)
    tmask = torch.zeros(31, dtype=torch.bool)
    tmask[::3] = True
    with torch.no_grad():
        torch.testing.assert_close(converted(x, frame_mask=tmask).reconstruction_2d,
                                   model(x, frame_mask=tmask).reconstruction_2d, atol=1e-6, rtol=0)


def test_export_restores_the_official_checkpoint(lifting):
    sd = torch.load(reference_path("pstmo", "no_refine_small_7_4321.pth"), weights_only=True)
    exported = export_official_state_dict(lifting)
    assert set(exported) == set(sd)
    for k, v in sd.items():
        assert torch.equal(exported[k], v), k


def test_auto_classes_and_cli_on_converted(tmp_path, io):
    from motionhub.cli import main

    src = reference_path("pstmo", "no_refine_small_7_4321.pth")
    assert main(["convert", str(src), str(tmp_path / "stmo")]) == 0
    model = AutoModelForPoseLifting.from_pretrained(tmp_path / "stmo")
    assert isinstance(model, STMOForPoseLifting)
    with torch.no_grad():
        out = model(torch.from_numpy(io["input_NTJ2"])).pose_3d
    np.testing.assert_allclose(_np(out), _official(io["output_center"]), atol=ATOL, rtol=0)
    assert main(["convert", str(reference_path("pstmo", "pretrain_small_5_1234.pth")), str(tmp_path / "mae")]) == 0
    assert isinstance(AutoModelForMaskedPoseModeling.from_pretrained(tmp_path / "mae"), STMOForMaskedPoseModeling)


# ============================================================================================ pretrain -> finetune
def test_pretrained_encoder_transfers_into_lifting_model(tmp_path, mae):
    """Like run.py --MAE_reload: every key present in both models (encoder.*, Transformer.*) is copied; only the
    lifting head (strided transformer + heads) is new."""
    mae.save_pretrained(tmp_path / "mae")
    finetune, info = STMOForPoseLifting.from_pretrained(tmp_path / "mae", output_loading_info=True)
    pretrain_sd, finetune_sd = mae.state_dict(), finetune.state_dict()
    official_shared = {k for k in export_official_state_dict(mae, prefix="")
                       if k.startswith(("encoder.", "Transformer."))}
    loaded = {k for k in finetune_sd if k in pretrain_sd}
    assert loaded == {k for k in finetune_sd if k.startswith("stmo.")}
    assert len(loaded) == len(official_shared)
    assert all(k.startswith(("strided_transformer.", "pose_head.", "all_frames_head.")) for k in info["missing_keys"])
    assert {k.split(".")[0] for k in info["missing_keys"]} == {"strided_transformer", "pose_head", "all_frames_head"}
    assert all(not k.startswith("stmo.") for k in info["unexpected_keys"])
    for k in loaded:
        assert torch.equal(finetune_sd[k], pretrain_sd[k]), k
    assert finetune.config.stride_num == [3, 3, 3]


# ============================================================================================ inputs & config
def test_fixed_length_and_bad_inputs():
    model = STMOForPoseLifting(tiny_config()).eval()
    with pytest.raises(ValueError, match="exactly 9"):
        model(torch.zeros(1, 7, 17, 2))
    with pytest.raises(ValueError, match="at most 9"):
        model(torch.zeros(1, 11, 17, 2))
    with pytest.raises(ValueError, match="channels"):
        model(torch.zeros(1, 9, 17, 3))
    with pytest.raises(ValueError, match="joints"):
        model(torch.zeros(1, 9, 16, 2))
    with pytest.raises(ValueError, match="labels"):
        model(torch.zeros(1, 9, 17, 2), labels=torch.zeros(1, 9, 17, 2))
    out = model(torch.zeros(2, 9, 17, 2), labels=torch.zeros(2, 1, 17, 3))  # centre-only labels
    assert set(out.loss_components) == {"mpjpe_center"}
    mae = STMOForMaskedPoseModeling(tiny_config()).eval()
    x = torch.zeros(2, 9, 17, 2)
    with pytest.raises(ValueError, match="every frame"):
        mae(x, frame_mask=torch.ones(9, dtype=torch.bool))
    with pytest.raises(ValueError, match="same number"):
        mae(x, frame_mask=torch.tensor([[1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0, 0, 0, 0]]))
    with pytest.raises(ValueError, match=r"\(T,\)"):
        mae(x, frame_mask=torch.zeros(8, dtype=torch.bool))
    with pytest.raises(ValueError, match="joint_mask"):
        mae(x, joint_mask=torch.zeros(9, 16, dtype=torch.bool))
    with pytest.raises(ValueError, match="0/1"):
        mae(x, frame_mask=torch.full((9,), 0.5))
    with pytest.raises(TypeError):
        mae(x, frame_mask=[0] * 9)


def test_config_validation_and_presets():
    assert STMOConfig().stride_num == [3, 3, 3, 3, 3] and STMOConfig(frames=351).stride_num == [3, 9, 13]
    c = STMOConfig(frames=81)
    assert (c.maxlen, c.fixed_length, c.frame_feature_size, c.representation_size, c.pad) == (81, True, 256, 256, 40)
    assert STMOConfig(maxlen=27).frames == 27
    with pytest.raises(ValueError, match="exactly 1"):
        STMOConfig(frames=27, stride_num=[3, 3])
    with pytest.raises(ValueError, match="divisible"):
        STMOConfig(channel=30)
    with pytest.raises(ValueError, match="temporal_mask_ratio"):
        STMOConfig(temporal_mask_ratio=1.0)
    odd = STMOConfig(frames=15)  # not in the official table: fine for the encoder, the lifting model needs strides
    assert odd.stride_num is None
    STMOModel(STMOConfig(frames=15, layers=1, channel=16, d_hid=16))
    with pytest.raises(ValueError, match="stride_num"):
        STMOForPoseLifting(STMOConfig(frames=15, layers=1, channel=16, d_hid=16))
    s, p, d = STMOConfig.pstmo_s(), STMOConfig.pstmo(), STMOConfig.pstmo_s_3dhp()
    assert (s.tds, s.temporal_mask_ratio, s.spatial_mask_num, s.decoder_layers, s.decoder_channel) == (2, 0.8, 2, 2, 128)
    assert (p.layers, p.temporal_mask_ratio, p.spatial_mask_num) == (4, 0.6, 3)
    assert (d.frames, d.stride_num, d.tds) == (81, [3, 3, 3, 3], 1)
    wild = STMOConfig.pstmo_s_in_the_wild()
    assert (wild.joint_layout, wild.output_joint_layout) == ("coco-17", "h36m-17")


def test_training_samples_masks_when_not_given():
    torch.manual_seed(0)
    model = STMOForMaskedPoseModeling(tiny_config(temporal_mask_ratio=0.5, spatial_mask_num=3)).train()
    x = torch.rand(4, 9, 17, 2)
    out = model(x, labels=x)
    out.loss.backward()
    assert model.mask_token.grad is not None and model.spatial_mask_token.grad is not None
    model.eval()
    with torch.no_grad():  # eval without masks = plain auto-encoding, deterministic
        torch.testing.assert_close(model(x).reconstruction_2d, model(x).reconstruction_2d)


def test_encoder_frame_mask_keeps_visible_frames():
    model = STMOModel(tiny_config()).eval()
    x = torch.randn(2, 9, 17, 2)
    mask = torch.tensor([1, 0, 0, 1, 0, 1, 0, 0, 1], dtype=torch.bool)
    with torch.no_grad():
        out = model(x, frame_mask=mask, output_hidden_states=True)
    assert out.last_hidden_state.shape == (2, 5, 16)
    assert len(out.hidden_states) == 3 and out.hidden_states[0].shape == (2, 5, 16)


# ============================================================================================ windows (TDS)
def test_windows_follow_the_official_generator():
    # official ChunkedGenerator: frames i + (k - pad) * tds, edge-replicated outside the sequence
    idx = stmo_window_indices(10, frames=5, tds=2)
    np.testing.assert_array_equal(idx[0], [0, 0, 0, 2, 4])
    np.testing.assert_array_equal(idx[5], [1, 3, 5, 7, 9])
    np.testing.assert_array_equal(idx[9], [5, 7, 9, 9, 9])
    seq = np.arange(10 * 3 * 2, dtype=np.float32).reshape(10, 3, 2)
    win = stmo_windows(seq, frames=5, tds=2, centers=[5])
    np.testing.assert_array_equal(win[0], seq[[1, 3, 5, 7, 9]])
    assert torch.equal(stmo_windows(torch.from_numpy(seq), 5, 1)[3], torch.from_numpy(seq[[1, 2, 3, 4, 5]]))
    with pytest.raises(ValueError, match="odd"):
        stmo_window_indices(10, frames=4)
    with pytest.raises(ValueError, match=r"\(N, J, C\)"):
        stmo_windows(seq[None], frames=5)
