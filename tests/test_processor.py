# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionProcessor (motionhub.processor): saved beside the model, loaded by AutoProcessor, derived from old configs,
validated, and what the pipelines use."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from motionhub.heads import (
    DSTformerForActionClassification,
    DSTformerForActionEmbedding,
)
from transformers import AutoProcessor

import motionhub  # noqa: F401  (registers the families with AutoProcessor)
from motionhub import DSTformerConfig, DSTformerForPoseLifting, MotionProcessor
from motionhub.formats import MotionSequence
from motionhub.pipelines import ActionPipeline, PoseLiftingPipeline
from motionhub.processor import (
    CLIP_NORMALIZATIONS,
    NORMALIZATIONS,
    ORTHOGRAPHIC_3D,
    processor_for_model,
)
from motionhub.skeleton import to_h36m

ROOT = Path(__file__).resolve().parents[1]


def _tiny_config(**kw) -> DSTformerConfig:
    return DSTformerConfig(**{"dim_feat": 16, "dim_rep": 16, "depth": 1, "num_heads": 2, "maxlen": 27, **kw})


def _pixels(t: int, j: int = 17, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.uniform(100, 400, size=(1, j, 2)) + np.cumsum(rng.normal(0, 2, size=(t, 1, 2)), axis=0)
    return np.concatenate([base, rng.uniform(0.5, 1.0, size=(t, j, 1))], axis=-1)


def test_save_and_reload_model_with_processor_gives_identical_lifting(tmp_path):
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(_tiny_config(input_normalization="screen", output_units="m")).eval()
    processor = MotionProcessor(normalization="screen", image_size=(640, 480), window_size=9, window_stride=3,
                                merge="uniform", output_units="m", mpii_convention="h36m_sh")
    kp = _pixels(40)
    before = PoseLiftingPipeline(model, processor=processor, flip=False, progress=False)(kp)
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    assert (tmp_path / "preprocessor_config.json").is_file()
    after = PoseLiftingPipeline(str(tmp_path), flip=False, progress=False)
    assert after.processor == processor
    assert (after.window, after.stride, after.merge, after.image_size) == (9, 3, "uniform", [640, 480])
    res = after(kp)
    np.testing.assert_array_equal(res.pose_3d, before.pose_3d)
    np.testing.assert_array_equal(res.keypoints_2d, before.keypoints_2d)
    assert res.meta["window"] == 9 and res.units == "m"


def test_save_and_reload_action_model_with_processor_gives_identical_logits(tmp_path):
    torch.manual_seed(0)
    model = DSTformerForActionClassification(_tiny_config(num_labels=3, input_normalization="screen")).eval()
    processor = MotionProcessor.from_model_config(model.config).replace(clip_len=16, num_persons=1)
    seqs = [MotionSequence(keypoints_2d=_pixels(30 + 7 * i, 13, seed=i), layout="penn-13", image_size=(480, 360))
            for i in range(3)]
    before = ActionPipeline(model, processor=processor, progress=False)(seqs)
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    pipe = ActionPipeline(str(tmp_path), progress=False)
    assert (pipe.clip_len, pipe.num_persons, pipe.normalization) == (16, 1, "crop_scale")
    np.testing.assert_array_equal(pipe(seqs).logits, before.logits)
    # without the file the old config-derived defaults apply (27 frames, 2 persons): a different input
    (tmp_path / "preprocessor_config.json").unlink()
    assert AutoProcessor.from_pretrained(tmp_path) == MotionProcessor.from_model_config(model.config)
    old = ActionPipeline(str(tmp_path), progress=False)
    assert (old.clip_len, old.num_persons) == (27, 2)
    assert old.clips(seqs).shape == (3, 2, 27, 17, 3)


def test_a_loaded_model_finds_its_processor_through_name_or_path(tmp_path):
    torch.manual_seed(0)
    model = DSTformerForActionEmbedding(_tiny_config(embedding_size=8)).eval()
    model.save_pretrained(tmp_path)
    MotionProcessor(clip_normalization="screen", clip_len=12, num_persons=1).save_pretrained(tmp_path)
    loaded = DSTformerForActionEmbedding.from_pretrained(tmp_path)
    proc = processor_for_model(loaded)
    assert (proc.clip_normalization, proc.clip_len) == ("screen", 12)
    pipe = ActionPipeline(loaded, progress=False)  # the CLI passes loaded models
    assert (pipe.normalization, pipe.clip_len, pipe.num_persons) == ("screen", 12, 1)
    # pipeline arguments still override single settings
    assert ActionPipeline(loaded, clip_len=20, progress=False).clip_len == 20


def test_auto_processor_loads_a_model_folder_and_a_processor_only_folder(tmp_path):
    model = DSTformerForPoseLifting(_tiny_config()).eval()
    model.save_pretrained(tmp_path / "model")
    proc = MotionProcessor(normalization="pixel_center", crop_scale_ratio=1.5, fill_missing="interpolate")
    proc.save_pretrained(tmp_path / "model")
    proc.save_pretrained(tmp_path / "alone")
    for folder in ("model", "alone"):
        loaded = AutoProcessor.from_pretrained(tmp_path / folder)
        assert type(loaded) is MotionProcessor and loaded == proc
    saved = json.loads((tmp_path / "alone" / "preprocessor_config.json").read_text())
    assert saved["processor_class"] == "MotionProcessor" and saved["normalization"] == "pixel_center"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"normalization": "crop"}, r"normalization must be one of .*crop_scale.*screen"),
        ({"clip_normalization": "kinect"}, r"clip_normalization must be one of .*crop_scale"),
        ({"mpii_convention": "sh"}, r"mpii_convention must be one of .*'mpii', 'h36m_sh'"),
        ({"confidence": "max"}, r"confidence must be one of .*average"),
        ({"merge": "mean"}, r"merge must be one of"),
        ({"output_units": "cm"}, r"output_units must be one of .*normalized"),
        ({"fill_missing": "nan"}, r"fill_missing must be one of"),
        ({"num_channels": 4}, r"num_channels must be one of"),
        ({"window_size": 0}, r"window_size must be a positive integer"),
        ({"window_size": 9, "window_stride": 10}, r"window_stride \(10\) must be <= window_size"),
        ({"joint_layout": "h37m"}, r"h37m"),
        ({"clip_len": 2.5}, r"clip_len must be a positive integer"),
        ({"window": 27}, r"unknown MotionProcessor setting.*'window'.*window_size"),
    ],
)
def test_unknown_settings_are_errors_naming_the_allowed_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MotionProcessor(**kwargs)


def test_unknown_config_normalization_is_an_error_not_crop_scale():
    model = DSTformerForPoseLifting(_tiny_config(input_normalization="screne")).eval()
    with pytest.raises(ValueError, match=r"'screne'.*allowed: .*crop_scale.*screen"):
        PoseLiftingPipeline(model, progress=False)
    with pytest.raises(ValueError, match="unknown MotionProcessor setting"):
        MotionProcessor().replace(normalisation="screen")


def test_3d_input_models_are_refused_by_the_2d_pipeline():
    model = DSTformerForPoseLifting(_tiny_config(input_normalization="none_3d")).eval()
    with pytest.raises(ValueError, match="3D-input model"):
        PoseLiftingPipeline(model, progress=False)
    assert PoseLiftingPipeline(model, normalization="crop_scale", progress=False).normalization == "crop_scale"


def test_derived_processor_matches_the_old_config_defaults():
    cfg = _tiny_config(input_normalization="screen", output_units="m", architectures=["DSTformerForPoseLifting"])
    proc = MotionProcessor.from_model_config(cfg)
    assert (proc.normalization, proc.output_units, proc.window_size, proc.clip_normalization) == ("screen", "m", 27,
                                                                                                  None)
    act = MotionProcessor.from_model_config(_tiny_config(architectures=["DSTformerForActionClassification"],
                                                         keypoint_confidence="coco_order"))
    assert (act.clip_normalization, act.clip_len, act.num_persons, act.confidence) == ("crop_scale", 27, 2,
                                                                                       "coco_order")
    stored = MotionProcessor.from_model_config(_tiny_config(action_normalization="screen", action_clip_len=16),
                                               task="action-embedding")
    assert (stored.clip_normalization, stored.clip_len, stored.num_persons) == ("screen", 16, 1)
    from motionhub import STMOConfig

    assert MotionProcessor.from_model_config(STMOConfig()).output_units == "m"  # official P-STMO predicts metres
    # every clip preparation is a per-frame normalisation too, or one of the 2D clip pipelines (orthographic 3D is
    # the 2D pipeline on projected 3D: the encoder's own input normalisation stays 2D)
    assert set(CLIP_NORMALIZATIONS) <= set(NORMALIZATIONS) | {"crop_scale", "screen", ORTHOGRAPHIC_3D}
    ortho = MotionProcessor.from_model_config(_tiny_config(action_normalization=ORTHOGRAPHIC_3D, action_clip_len=9),
                                              task="action-classification")
    assert (ortho.clip_normalization, ortho.clip_len, ortho.num_persons) == (ORTHOGRAPHIC_3D, 9, 1)


def test_orthographic_clips_are_the_2d_pipeline_on_projected_3d():
    from motionhub.formats import MotionSequence
    from motionhub.processor import orthographic_2d

    rng = np.random.default_rng(0)
    xyz = rng.normal(0, 0.3, (12, 17, 3)) + [0, 1.0, 3.0]
    xyz[4, 2] = np.nan  # an untracked joint stays missing (confidence 0 in the clip)
    seq = MotionSequence(keypoints_3d=xyz, layout="h36m-17", units_3d="m", fps=30.0, label=0)
    flat = orthographic_2d(seq)
    assert flat.meta["normalized"] and flat.image_size is None
    np.testing.assert_allclose(flat.keypoints_2d[..., 0], xyz[..., 0])
    np.testing.assert_allclose(flat.keypoints_2d[..., 1], -xyz[..., 1])  # camera y up -> image y down
    assert np.isnan(flat.keypoints_2d[4, 2, 2]) and flat.keypoints_2d[0, 0, 2] == 1.0
    proc = MotionProcessor(clip_normalization=ORTHOGRAPHIC_3D, clip_len=8, num_persons=1)
    clip = proc.prepare_clips(seq)
    same = MotionProcessor(clip_normalization="crop_scale", clip_len=8, num_persons=1).prepare_clips(flat)
    np.testing.assert_array_equal(clip, same)
    assert clip.shape == (1, 1, 8, 17, 3) and np.abs(clip[..., :2]).max() <= 1.0 + 1e-6
    mm = proc.prepare_clips(seq.replace(keypoints_3d=xyz * 1000, units_3d="mm"))
    np.testing.assert_allclose(mm, clip, atol=1e-5)  # crop_scale makes the clip unit-free
    with pytest.raises(ValueError, match="needs keypoints_3d"):
        proc.prepare_clips(MotionSequence(keypoints_2d=np.ones((5, 17, 3)), layout="h36m-17", fps=30.0))


@pytest.mark.parametrize("convention", ["mpii", "h36m_sh"])
def test_mpii_convention_of_mpii16_input(convention):
    kp = _pixels(12, 16)
    proc = MotionProcessor(normalization="screen", image_size=(1000, 1000), mpii_convention=convention)
    prepared, inp = proc.prepare_keypoints(kp, layout="mpii-16")
    expected = to_h36m(kp, "mpii-16", mpii_convention=convention)
    # normalized is float32 (what the model sees): the round trip is exact to float32 precision at 1000 px
    np.testing.assert_allclose(proc.unnormalize_2d(prepared[0].normalized, prepared[0])[..., :2], expected[..., :2],
                               atol=1e-3)
    other = MotionProcessor(normalization="screen", image_size=(1000, 1000),
                            mpii_convention="mpii" if convention == "h36m_sh" else "h36m_sh")
    assert not np.allclose(other.prepare_keypoints(kp, layout="mpii-16")[0][0].model_input, prepared[0].model_input)


@pytest.mark.parametrize("normalization", ["crop_scale", "screen", "pixel_center"])
def test_unnormalize_2d_inverts_the_normalisation(normalization):
    kp = _pixels(20)
    kp[3, 5] = np.nan  # a missing joint stays zero in the model input
    proc = MotionProcessor(normalization=normalization, image_size=(640, 480))
    prep = proc.prepare_keypoints(kp)[0][0]
    assert prep.missing[3, 5] and np.all(prep.model_input[3, 5] == 0)
    back = proc.unnormalize_2d(prep.normalized[..., :2], prep)
    np.testing.assert_allclose(back[~prep.missing], kp[..., :2][~prep.missing], atol=1e-6)
    with pytest.raises(ValueError, match="no pixel coordinates"):
        proc.unnormalize_2d(prep.normalized, proc.replace(normalization="none").prepare_keypoints(kp)[0][0])


def test_pose_to_metres_and_pixels():
    assert MotionProcessor(output_units="mm").pose_to_metres(np.full((1, 17, 3), 1000.0)).max() == 1.0
    with pytest.raises(ValueError, match="not metres"):
        MotionProcessor().pose_to_metres(np.zeros((1, 17, 3)))
    proc = MotionProcessor(normalization="screen", image_size=(640, 480))
    prep = proc.prepare_keypoints(_pixels(5))[0][0]
    assert proc.pose_to_pixels(np.zeros((5, 17, 3)), prep).shape == (5, 17, 3)
    assert proc.replace(output_units="m").pose_to_pixels(np.zeros((5, 17, 3)), prep) is None


def test_call_returns_a_batch_feature():
    proc = MotionProcessor(normalization="screen", image_size=(640, 480), num_channels=2)
    out = proc(_pixels(10))
    assert isinstance(out["keypoints"], torch.Tensor) and tuple(out["keypoints"].shape) == (1, 10, 17, 2)
    clips = MotionProcessor(clip_normalization="crop_scale", clip_len=8, num_persons=2)(
        [_pixels(30), _pixels(12, seed=2)], return_tensors=None)
    assert clips["keypoints"].shape == (2, 2, 8, 17, 3)


_SHIPPED = sorted(p.parent for p in (ROOT / "checkpoints").glob("*/config.json")) + sorted(
    p.parent for p in (ROOT / "motionhub" / "pretrained").glob("*/config.json")
)


@pytest.mark.parametrize("folder", _SHIPPED, ids=lambda p: p.name)
def test_every_shipped_checkpoint_has_a_valid_processor(folder):
    assert (folder / "preprocessor_config.json").is_file(), f"{folder.name} has no preprocessor_config.json"
    proc = AutoProcessor.from_pretrained(folder)
    config = json.loads((folder / "config.json").read_text())
    assert proc.joint_layout == config["joint_layout"] and proc.num_channels == config["dim_in"]
    arch = config["architectures"][0]
    assert (proc.clip_normalization is not None) == ("Action" in arch)


def test_save_for_hub_publishes_the_processor(tmp_path):
    from motionhub.hub import save_for_hub

    model = DSTformerForPoseLifting(_tiny_config(input_normalization="screen", output_units="m")).eval()
    model.save_pretrained(tmp_path / "src")
    MotionProcessor(normalization="screen", output_units="m", window_stride=5).save_pretrained(tmp_path / "src")
    loaded = DSTformerForPoseLifting.from_pretrained(tmp_path / "src")
    out = save_for_hub(loaded, tmp_path / "hub", remote_code=False, license="apache-2.0")
    assert AutoProcessor.from_pretrained(out).window_stride == 5  # the saved one travels, not a re-derived one
    out = save_for_hub(model, tmp_path / "hub2", remote_code=False, license="apache-2.0")  # none saved: derived
    assert AutoProcessor.from_pretrained(out) == MotionProcessor.from_model_config(model.config)


def test_converted_official_checkpoints_get_their_processor(tmp_path):
    """A ``motionhub convert`` folder (config.json + weights) loads its processor derived from the config
    (official P-STMO: screen-normalised x, y in, metres out)."""
    from conftest import reference_path

    from motionhub.cli import main

    src = reference_path("pstmo", "no_refine_small_7_4321.pth")
    assert main(["convert", str(src), str(tmp_path / "stmo")]) == 0
    assert not (tmp_path / "stmo" / "preprocessor_config.json").exists()
    proc = AutoProcessor.from_pretrained(tmp_path / "stmo")
    assert (proc.output_units, proc.normalization, proc.num_channels) == ("m", "screen", 2)


def test_normalizations_are_objects_users_can_register():
    """A 2D normalisation is an object with normalize / denormalize (issue 27): a user rule registers by name and
    round-trips through the processor like the built-in ones."""
    from motionhub.processor import (
        _NORMALIZATION_RULES,
        KeypointNormalization,
        get_normalization,
        register_normalization,
    )

    class ImageHeight(KeypointNormalization):
        name = "test_image_height"
        needs_image_size = True

        def normalize(self, kp, *, image_size, crop_scale_ratio):
            out = kp.copy()
            out[..., :2] = kp[..., :2] / image_size[1]
            return out, float(image_size[1]), None

        def denormalize(self, xy, prepared):
            xy[..., :2] *= prepared.image_size[1]
            return xy

    register_normalization(ImageHeight())
    try:
        assert get_normalization("screen").needs_image_size and get_normalization("crop_scale").name == "crop_scale"
        proc = MotionProcessor(normalization="test_image_height", image_size=(640, 480))
        kp = np.random.default_rng(0).uniform(100, 400, (12, 17, 3))
        kp[..., 2] = 1.0
        (prepared,), _ = proc.prepare_keypoints(kp)
        np.testing.assert_allclose(prepared.model_input[..., :2], kp[..., :2] / 480, rtol=1e-6)
        np.testing.assert_allclose(proc.unnormalize_2d(prepared.model_input, prepared)[..., :2], kp[..., :2],
                                   rtol=1e-5)
        with pytest.raises(ValueError, match="registered already"):
            register_normalization(ImageHeight())
    finally:
        _NORMALIZATION_RULES.pop("test_image_height", None)
    with pytest.raises(ValueError, match="normalization"):
        MotionProcessor(normalization="test_image_height")
