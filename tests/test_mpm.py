# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MPM: common model suite, parity with the official code (reference/mpm), conversion of unseen configs."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import reference_path
from model_test_mixin import MotionModelTesterMixin

from motionhub import (
    AutoModelForPoseCompletion,
    MPMConfig,
    MPMForMaskedPoseModeling,
    MPMForPoseCompletion,
    MPMForPoseLifting,
    MPMModel,
    STMOForPoseLifting,
)
from motionhub.conversion import (
    convert_checkpoint,
    detect_family,
    extract_state_dict,
    load_official_checkpoint,
)
from motionhub.conversion.pstmo import export_official_state_dict, official_to_motionhub
from motionhub.encoders.mpm import sample_tube_mask

ATOL = 1e-5  # reference/mpm/README.md
KPS_LEFT, KPS_RIGHT = [4, 5, 6, 11, 12, 13], [1, 2, 3, 14, 15, 16]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one intra-op thread is several times faster on a shared 2-core machine (no spin-waiting)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def tiny_config(**kw) -> MPMConfig:
    base = dict(frames=9, stride_num=[3, 3], layers=2, channel=16, d_hid=24, num_heads=2, num_joints=17)
    return MPMConfig(**{**base, **kw})


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


def _official(x: np.ndarray) -> np.ndarray:
    """Official (N, C, T, J, 1) -> (N, T, J, C)."""
    return x[..., 0].transpose(0, 2, 3, 1)


def perturb_(model: torch.nn.Module, seed: int = 0, scale: float = 0.05) -> None:
    """Non-trivial weights and BatchNorm statistics."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.is_floating_point():
                noise = torch.randn(t.shape, generator=g) * scale
                t.copy_((t + noise).abs() + 0.5) if name.endswith("running_var") else t.add_(noise)


# ============================================================================================ common suite
class TestMPMCommon(MotionModelTesterMixin):
    all_model_classes = (MPMModel, MPMForPoseLifting, MPMForMaskedPoseModeling, MPMForPoseCompletion)
    # never-applied official final LayerNorms; unused third strided position embedding (2 strided layers); the 3D
    # input embedding / 3D mask token get no gradient from 2D inputs
    params_without_grad = ("final_norm", "position_embeddings.2", "input_embedding_3d", "spatial_mask_token_3d")

    def get_config(self):
        return tiny_config()

    def prepare_inputs(self, model_class, config, batch_size):
        inputs = {"keypoints": torch.rand(batch_size, config.frames, config.num_joints, 2) * 2 - 1}
        if model_class is MPMForMaskedPoseModeling:
            inputs["frame_mask"] = torch.tensor([0, 1, 0, 1, 1, 0, 1, 0, 1], dtype=torch.bool)
            inputs["joint_mask"] = torch.zeros(config.frames, config.num_joints, dtype=torch.bool)
            inputs["joint_mask"][:, [2, 7, 12]] = True
            inputs["lift"] = True
        if model_class is MPMForPoseCompletion:
            inputs["joint_mask"] = sample_tube_mask(batch_size, "h36m-17", 2, torch.Generator().manual_seed(0))
        return inputs

    def prepare_labels(self, model_class, config, inputs):
        b, t, j, _ = inputs["keypoints"].shape
        if model_class is MPMForPoseLifting:
            return {"labels": torch.randn(b, t, j, 3)}
        if model_class is MPMForMaskedPoseModeling:
            return {"labels": inputs["keypoints"].clone(), "labels_3d": torch.randn(b, t, j, 3)}
        if model_class is MPMForPoseCompletion:
            return {"labels": torch.randn(b, t, j, 3), "labels_2d": inputs["keypoints"].clone()}
        return {}


# ============================================================================================ parity
@pytest.fixture(scope="module")
def io():
    return np.load(reference_path("mpm", "io_small.npz"))


@pytest.fixture(scope="module")
def lifting():
    return convert_checkpoint(reference_path("mpm", "small_no_refine_9_4321_2D.pth"))


@pytest.fixture(scope="module")
def pretrain():
    return convert_checkpoint(reference_path("mpm", "small_pretrain_3_1234_2D.pth"))


@pytest.fixture(scope="module")
def completion():
    return convert_checkpoint(reference_path("mpm", "small_comp2dlift_pretrain_3_1234_2D.pth"))


def test_families_are_detected_and_configs_inferred(lifting, pretrain, completion):
    for name, family in [("small_no_refine_9_4321_2D.pth", "mpm"), ("small_pretrain_3_1234_2D.pth", "mpm-pretrain"),
                         ("small_comp2dlift_pretrain_3_1234_2D.pth", "mpm-completion")]:
        sd = extract_state_dict(load_official_checkpoint(reference_path("mpm", name)))
        assert detect_family(sd) == family
    assert isinstance(lifting, MPMForPoseLifting) and not lifting.config.use_3d_input_encoder
    assert isinstance(pretrain, MPMForMaskedPoseModeling) and pretrain.config.use_3d_input_encoder
    assert isinstance(completion, MPMForPoseCompletion) and completion.config.completion_mode == "comp2dlift"
    for model, manifest in [(lifting, "manifest_small_Model.json"), (pretrain, "manifest_small_MPMmask2.json"),
                            (completion, "manifest_small_MPMmask_comp2dlift.json")]:
        m = json.loads(reference_path("mpm", manifest).read_text())
        c, args = model.config, m["args"]
        assert (c.layers, c.channel, c.d_hid, c.frames, c.num_joints, c.num_heads) == (
            args["layers"], args["channel"], args["d_hid"], args["frames"], args["n_joints"], 8)
        assert sum(p.numel() for p in model.parameters()) == m["num_parameters"]
        assert sum(b.numel() for b in model.buffers()) == m["num_buffer_elements"]
    assert lifting.config.stride_num == [3, 3, 3]
    assert (pretrain.config.decoder_layers, completion.config.decoder_layers) == (1, 2)


@pytest.mark.parametrize("impl", ["sdpa", "eager"])
def test_lifting_outputs(lifting, io, impl):
    lifting.set_attn_implementation(impl)
    with torch.no_grad():
        out = lifting(torch.from_numpy(io["input_NTJ2"]))
    np.testing.assert_allclose(_np(out.pose_3d), _official(io["output_center"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(out.pose_3d_all_frames), _official(io["output_vte"]), atol=ATOL, rtol=0)


def test_flip_averaged_outputs(lifting, io):
    aug = torch.from_numpy(io["input_aug_N2TJ2"])

    def unflip(y):
        y = y.clone()
        y[..., 0] *= -1
        y[:, :, KPS_LEFT + KPS_RIGHT] = y[:, :, KPS_RIGHT + KPS_LEFT]
        return y

    with torch.no_grad():
        plain, flipped = lifting(aug[:, 0]), lifting(aug[:, 1])
    np.testing.assert_allclose(_np((plain.pose_3d + unflip(flipped.pose_3d)) / 2),
                               _official(io["output_center_flipavg"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np((plain.pose_3d_all_frames + unflip(flipped.pose_3d_all_frames)) / 2),
                               _official(io["output_vte_flipavg"]), atol=ATOL, rtol=0)


def test_both_official_namings_load(io):
    """MPM's Model and P-STMO's Model are one network: each checkpoint converts into either family."""
    x = torch.from_numpy(io["input_NTJ2"])
    as_stmo = convert_checkpoint(reference_path("mpm", "small_no_refine_9_4321_2D.pth"), family="pstmo")
    assert isinstance(as_stmo, STMOForPoseLifting)
    with torch.no_grad():
        np.testing.assert_allclose(_np(as_stmo(x).pose_3d), _official(io["output_center"]), atol=ATOL, rtol=0)
    pstmo_io = np.load(reference_path("pstmo", "io_small.npz"))
    as_mpm = convert_checkpoint(reference_path("pstmo", "no_refine_small_7_4321.pth"), family="mpm")
    assert isinstance(as_mpm, MPMForPoseLifting)
    with torch.no_grad():
        out = as_mpm(torch.from_numpy(pstmo_io["input_NTJ2"]))
    np.testing.assert_allclose(_np(out.pose_3d), _official(pstmo_io["output_center"]), atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(out.pose_3d_all_frames), _official(pstmo_io["output_vte"]), atol=ATOL, rtol=0)
    # and back out in either naming
    sd = torch.load(reference_path("pstmo", "no_refine_small_7_4321.pth"), weights_only=True)
    exported = export_official_state_dict(as_mpm, naming="pstmo")
    assert set(exported) == set(sd) and all(torch.equal(exported[k], v) for k, v in sd.items())


def test_pretraining_outputs(pretrain, io):
    x, x3d = torch.from_numpy(io["input_NTJ2"]), torch.from_numpy(io["pre_input3d"])
    smask, tmask = io["pre_spatial_mask"], io["pre_temporal_mask"]  # numpy, 0/1 float frame mask as official
    with torch.no_grad():
        out2d = pretrain(x, joint_mask=smask, frame_mask=tmask)
        lift = pretrain(x, joint_mask=smask, frame_mask=tmask, lift=True)
        out3d = pretrain(x3d, joint_mask=torch.from_numpy(smask), frame_mask=torch.from_numpy(tmask))
    assert out2d.lifted_3d is None and out2d.reconstruction_3d is None
    np.testing.assert_allclose(_np(out2d.reconstruction_2d), io["pre_out2d"], atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(lift.reconstruction_2d), io["pre_out2d_liftcall"], atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(lift.lifted_3d), io["pre_out3d_lift"], atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(out3d.reconstruction_3d), io["pre_out3d"], atol=ATOL, rtol=0)
    assert out3d.reconstruction_2d is None


def test_pretraining_loss_weights(pretrain, io):
    x, x3d = torch.from_numpy(io["input_NTJ2"]), torch.from_numpy(io["pre_input3d"])
    smask, tmask = torch.from_numpy(io["pre_spatial_mask"]), torch.from_numpy(io["pre_temporal_mask"])
    with torch.no_grad():
        out = pretrain(x, joint_mask=smask, frame_mask=tmask, lift=True, labels=x, labels_3d=x3d)
        out3d = pretrain(x3d, joint_mask=smask, frame_mask=tmask, labels=x3d)
    mpjpe = lambda a, b: np.linalg.norm(a - b, axis=-1).mean()
    expected = 5 * mpjpe(io["pre_out2d"], io["input_NTJ2"]) + 1 * mpjpe(io["pre_out3d_lift"], io["pre_input3d"])
    np.testing.assert_allclose(float(out.loss), expected, rtol=1e-5)
    np.testing.assert_allclose(float(out3d.loss), 2 * mpjpe(io["pre_out3d"], io["pre_input3d"]), rtol=1e-5)


def test_completion_outputs(completion, io):
    x = torch.from_numpy(io["input_NTJ2"])
    tube = torch.from_numpy(io["comp_tube_mask"])
    with torch.no_grad():
        out = completion(x, joint_mask=tube, frame_mask=np.zeros(27))
        per_frame = completion(x, joint_mask=tube[:, None].expand(-1, 27, -1))
    np.testing.assert_allclose(_np(out.pose_2d), io["comp_out2d"], atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(out.pose_3d), io["comp_out3d"], atol=ATOL, rtol=0)
    torch.testing.assert_close(per_frame.pose_3d, out.pose_3d)
    # hidden joints are replaced by the token: their input values do not matter
    noisy = x.clone()
    noisy[tube[:, None].expand(-1, 27, -1)] = 123.0
    with torch.no_grad():
        torch.testing.assert_close(completion(noisy, joint_mask=tube).pose_3d, out.pose_3d)


def test_completion_3d_and_loss_modes(completion, io):
    x3d = torch.from_numpy(io["pre_input3d"])
    tube = sample_tube_mask(3, "h36m-17", 3, torch.Generator().manual_seed(1))
    assert (tube.sum(1) == 3).all()
    with torch.no_grad():
        out = completion(x3d, joint_mask=tube, labels=x3d)
    assert out.pose_2d is None and out.pose_3d.shape == (3, 27, 17, 3)
    assert set(out.loss_components) == {"mpjpe_3d"}
    x = torch.from_numpy(io["input_NTJ2"])
    with torch.no_grad():
        out = completion(x, joint_mask=torch.from_numpy(io["comp_tube_mask"]), labels=x3d, labels_2d=x)
    c = out.loss_components
    torch.testing.assert_close(out.loss, 2 * c["mpjpe_lift"] + c["mpjpe_2d"])  # comp2dlift: 2·lift + 2D


@pytest.mark.parametrize("name,factory,cls", [
    ("manifest_default_Model_h36m_17j_L4_243.json", MPMConfig.mpm, MPMForPoseLifting),
    ("manifest_default_Model_3dhp_16j_L3_243.json", MPMConfig.mpm_3dhp, MPMForPoseLifting),
    ("manifest_default_MPMmask2_pretrain_h36m_17j_L4_243.json", MPMConfig.mpm_pretrain, MPMForMaskedPoseModeling),
    ("manifest_default_MPMmask2_pretrain_multi_16j_L3_243.json", MPMConfig.mpm_pretrain_multi,
     MPMForMaskedPoseModeling),
    ("manifest_default_MPMmask_completion_L3_27.json", MPMConfig.mpm_completion, MPMForPoseCompletion),
])
def test_presets_match_released_manifests(name, factory, cls):
    manifest = json.loads(reference_path("mpm", name).read_text())
    with torch.device("meta"):
        model = cls(factory())
    assert sum(p.numel() for p in model.parameters()) == manifest["num_parameters"]
    assert sum(b.numel() for b in model.buffers()) == manifest["num_buffer_elements"]
    exported = {k: list(v.shape) for k, v in export_official_state_dict(model, prefix="").items()}
    assert exported == {k: v["shape"] for k, v in manifest["state_dict"].items()}
    args = manifest["args"]
    assert (model.config.layers, model.config.frames, model.config.num_joints) == (
        args["layers"], args["frames"], args["n_joints"])


# ============================================================================================ conversion
@pytest.mark.parametrize("cls,kw", [
    (MPMForPoseLifting, dict(frames=27, layers=3, channel=24, d_hid=40, num_heads=8, num_joints=16,
                             use_3d_input_encoder=False)),
    (MPMForMaskedPoseModeling, dict(frames=21, layers=1, channel=16, d_hid=24, num_heads=8, num_joints=16,
                                    decoder_layers=3, stride_num=[21])),
    (MPMForPoseCompletion, dict(frames=15, layers=2, channel=32, d_hid=16, num_heads=8, num_joints=17,
                                decoder_layers=2, stride_num=[15])),
])
def test_unseen_configs_round_trip(tmp_path, cls, kw):
    torch.manual_seed(0)
    model = cls(MPMConfig(root_relative=False, **kw)).eval()
    perturb_(model)
    torch.save(export_official_state_dict(model), tmp_path / "x_model_3_1234_2D.pth")
    family = {MPMForPoseLifting: "mpm", MPMForMaskedPoseModeling: "mpm-pretrain",
              MPMForPoseCompletion: "mpm-completion"}[cls]
    converted = convert_checkpoint(tmp_path / "x_model_3_1234_2D.pth", family=family)
    assert type(converted) is cls
    for field in ("frames", "layers", "channel", "d_hid", "num_joints", "decoder_layers", "use_3d_input_encoder"):
        if cls is MPMForPoseLifting and field == "decoder_layers":
            continue
        assert getattr(converted.config, field) == getattr(model.config, field), field
    if kw["num_joints"] == 16:
        assert converted.config.joint_layout == "h36m-16"
    x = torch.rand(2, kw["frames"], kw["num_joints"], 2) * 2 - 1
    tmask = torch.zeros(kw["frames"], dtype=torch.bool)
    tmask[1::4] = True
    with torch.no_grad():
        if cls is MPMForPoseLifting:
            pairs = [(converted(x).pose_3d, model(x).pose_3d)]
        elif cls is MPMForMaskedPoseModeling:
            a, b = converted(x, frame_mask=tmask, lift=True), model(x, frame_mask=tmask, lift=True)
            x3 = torch.randn(2, kw["frames"], kw["num_joints"], 3)
            pairs = [(a.reconstruction_2d, b.reconstruction_2d), (a.lifted_3d, b.lifted_3d),
                     (converted(x3).reconstruction_3d, model(x3).reconstruction_3d)]
        else:
            tube = torch.zeros(2, kw["num_joints"], dtype=torch.bool)
            tube[:, :3] = True
            a, b = converted(x, joint_mask=tube), model(x, joint_mask=tube)
            pairs = [(a.pose_2d, b.pose_2d), (a.pose_3d, b.pose_3d)]
    for got, want in pairs:
        torch.testing.assert_close(got, want, atol=1e-6, rtol=0)


def test_auto_completion_from_cli(tmp_path, io):
    from motionhub.cli import main

    assert main(["convert", str(reference_path("mpm", "small_comp2dlift_pretrain_3_1234_2D.pth")),
                 str(tmp_path / "comp")]) == 0
    model = AutoModelForPoseCompletion.from_pretrained(tmp_path / "comp")
    assert isinstance(model, MPMForPoseCompletion)
    with torch.no_grad():
        out = model(torch.from_numpy(io["input_NTJ2"]), joint_mask=torch.from_numpy(io["comp_tube_mask"]))
    np.testing.assert_allclose(_np(out.pose_3d), io["comp_out3d"], atol=ATOL, rtol=0)


# ============================================================================================ pretrain -> finetune
def test_pretrained_encoder_transfers_like_maereload(tmp_path, pretrain):
    """trainer.py --MAEreload copies the key intersection (reference/mpm/pretrain_to_finetune_transferred_keys.json);
    from_pretrained of our pretraining model into MPMForPoseLifting loads exactly those tensors (plus the 3D input
    embedding, which our lifting encoder keeps) and initialises only the lifting head."""
    official = json.loads(reference_path("mpm", "pretrain_to_finetune_transferred_keys.json").read_text())
    official = {k.removeprefix("module."): torch.zeros(1) for k in official}
    transferred = set(official_to_motionhub(official, "mpm", "lifting", naming="mpm"))
    ft_manifest = json.loads(reference_path("mpm", "manifest_small_Model.json").read_text())
    ft_keys = {k: torch.zeros(v["shape"]) for k, v in ft_manifest["state_dict"].items()}
    ft_ours = set(official_to_motionhub(ft_keys, "mpm", "lifting", naming="mpm"))

    pretrain.save_pretrained(tmp_path / "pre")
    finetune, info = MPMForPoseLifting.from_pretrained(tmp_path / "pre", output_loading_info=True)
    loaded = {k for k in finetune.state_dict() if k not in info["missing_keys"]}
    assert loaded - transferred == {k for k in loaded if k.startswith("mpm.input_embedding_3d.")}
    assert transferred <= loaded
    assert set(info["missing_keys"]) == ft_ours - transferred
    pre_sd, ft_sd = pretrain.state_dict(), finetune.state_dict()
    for k in loaded:
        assert torch.equal(ft_sd[k], pre_sd[k]), k


# ============================================================================================ inputs
def test_bad_inputs_name_the_problem(pretrain):
    lifting = MPMForPoseLifting(tiny_config()).eval()
    with pytest.raises(ValueError, match="channels"):
        lifting(torch.zeros(1, 9, 17, 3))  # lifting takes 2D only
    with pytest.raises(ValueError, match="exactly 9"):
        lifting(torch.zeros(1, 27, 17, 2)[:, :8])
    encoder_2d_only = MPMModel(tiny_config(use_3d_input_encoder=False)).eval()
    with pytest.raises(ValueError, match="channels"):
        encoder_2d_only(torch.zeros(1, 9, 17, 3))
    assert MPMModel(tiny_config()).eval()(torch.zeros(1, 9, 17, 3)).last_hidden_state.shape == (1, 9, 16)
    x3d = torch.zeros(1, 27, 17, 3)
    with pytest.raises(ValueError, match="lift"):
        pretrain(x3d, lift=True)
    with pytest.raises(ValueError, match="labels_3d"):
        pretrain(x3d, labels_3d=x3d)
    with pytest.raises(ValueError, match="labels"):
        pretrain(torch.zeros(1, 27, 17, 2), labels=x3d)
    completion = MPMForPoseCompletion(tiny_config()).eval()
    with pytest.raises(ValueError, match=r"\(B, J\)"):
        completion(torch.zeros(2, 9, 17, 2), joint_mask=torch.zeros(9, 17, dtype=torch.bool))
    with pytest.raises(ValueError, match="completion_mode"):
        MPMConfig(completion_mode="lift")
    with pytest.raises(ValueError, match="decoder_channel"):
        MPMConfig(decoder_channel=128)
    with pytest.raises(ValueError, match="tube masks"):
        sample_tube_mask(2, "coco-17", 2)


def test_training_samples_masks_when_not_given():
    torch.manual_seed(0)
    cfg = tiny_config(temporal_mask_ratio=0.4, spatial_mask_num=2)
    model = MPMForMaskedPoseModeling(cfg).train()
    x = torch.rand(3, 9, 17, 3)
    model(x, labels=x).loss.backward()
    assert model.temporal_mask_token.grad is not None and model.spatial_mask_token_3d.grad is not None
    completion = MPMForPoseCompletion(cfg).train()
    x2 = torch.rand(3, 9, 17, 2)
    out = completion(x2, labels=torch.rand(3, 9, 17, 3), labels_2d=x2)
    out.loss.backward()
    assert completion.spatial_mask_token_2d.grad is not None


def test_presets():
    ft, dhp = MPMConfig.mpm(), MPMConfig.mpm_3dhp()
    assert (ft.layers, ft.tds, ft.use_3d_input_encoder, ft.stride_num) == (4, 2, False, [3, 3, 3, 3, 3])
    assert (dhp.num_joints, dhp.layers, dhp.joint_layout) == (16, 3, "h36m-16")
    pre, comp = MPMConfig.mpm_pretrain(), MPMConfig.mpm_completion("onlylift")
    assert (pre.decoder_layers, pre.decoder_channel, pre.spatial_mask_num, pre.temporal_mask_ratio) == (1, 256, 5, 0.6)
    assert (comp.frames, comp.layers, comp.decoder_layers, comp.stride_num) == (27, 3, 2, [3, 3, 3])
    assert comp.completion_loss_weights == {"3d": 3.0, "2d": 2.0, "lift": 8.0}
    assert MPMConfig().frame_feature_size == 256 and MPMConfig().fixed_length
