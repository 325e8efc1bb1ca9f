# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""A new encoder family added from a folder outside motionhub, by the documented steps (README "Architecture",
"Adding an encoder family"): a config on the encoder contract, a bare encoder and a task class on
MotionPreTrainedModel, and two registration calls. The common model suite then runs on it unchanged, and the
pipelines and Auto classes take it like a built-in family (issue 27)."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest
import torch

from model_test_mixin import MotionModelTesterMixin

TOY_FILES = {
    "configuration_toy.py": '''
        from huggingface_hub.dataclasses import strict

        from motionhub.configuration_utils import MotionEncoderConfig


        @strict(accept_kwargs=True)
        class ToyMotionConfig(MotionEncoderConfig):
            """A per-joint MLP with a temporal mean: the smallest encoder on the contract."""

            model_type = "toy-motion"
            dim_rep: int = 8
            maxlen: int = 16
            output_units: str | None = "m"

            @property
            def frame_feature_size(self) -> int:
                return self.num_joints * self.dim_rep

            @property
            def representation_size(self) -> int:
                return self.dim_rep
    ''',
    "modeling_toy.py": '''
        import torch
        from torch import nn
        from transformers import initialization as init

        from motionhub.modeling_outputs import MotionEncoderOutput, PoseLiftingOutput
        from motionhub.modeling_utils import MotionPreTrainedModel, check_motion_input

        from .configuration_toy import ToyMotionConfig


        class ToyMotionPreTrainedModel(MotionPreTrainedModel):
            config_class = ToyMotionConfig
            base_model_prefix = "toy"

            @torch.no_grad()
            def _init_weights(self, module):
                if isinstance(module, nn.Linear):
                    init.trunc_normal_(module.weight, std=self.config.initializer_range)
                    init.zeros_(module.bias)


        class ToyMotionModel(ToyMotionPreTrainedModel):
            def __init__(self, config):
                super().__init__(config)
                self.embed = nn.Linear(config.dim_in, config.dim_rep)
                self.mix = nn.Linear(config.dim_rep, config.dim_rep)
                self.post_init()

            def forward(self, keypoints, output_hidden_states=None, return_dict=None, **kwargs):
                check_motion_input(keypoints, num_joints=self.config.num_joints, channels=self.config.dim_in,
                                   max_frames=self.config.maxlen)
                h = torch.tanh(self.embed(keypoints))  # (B, T, J, R)
                h = h + self.mix(h.mean(dim=1, keepdim=True))  # every frame sees the clip
                return MotionEncoderOutput(last_hidden_state=h)


        class ToyMotionForPoseLifting(ToyMotionPreTrainedModel):
            def __init__(self, config):
                super().__init__(config)
                self.toy = ToyMotionModel(config)
                self.head = nn.Linear(config.dim_rep, config.dim_out)
                self.post_init()

            def forward(self, keypoints, labels=None, output_hidden_states=None, return_dict=None, **kwargs):
                rep = self.toy(keypoints).last_hidden_state
                pose = self.head(rep)
                pose = torch.cat([torch.zeros_like(pose[:, :, :1]), pose[:, :, 1:]], dim=2)  # root-relative
                loss = None if labels is None else (pose - labels).norm(dim=-1).mean()
                return PoseLiftingOutput(loss=loss, pose_3d=pose, representation=rep)
    ''',
    "__init__.py": '''
        from motionhub.auto import register_family, register_task_model

        from .configuration_toy import ToyMotionConfig
        from .modeling_toy import ToyMotionForPoseLifting, ToyMotionModel

        register_family(ToyMotionConfig, ToyMotionModel)
        register_task_model("pose-lifting", ToyMotionConfig, ToyMotionForPoseLifting)
    ''',
}


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugins")
    package = root / "toy_motion_family"
    package.mkdir()
    for name, text in TOY_FILES.items():
        (package / name).write_text(textwrap.dedent(text).lstrip())
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("toy_motion_family")
    finally:
        sys.path.remove(str(root))


class TestToyFamily(MotionModelTesterMixin):
    @pytest.fixture(autouse=True)
    def _classes(self, toy):
        type(self).all_model_classes = (toy.ToyMotionModel, toy.ToyMotionForPoseLifting)
        self.toy = toy

    def get_config(self):
        return self.toy.ToyMotionConfig(dim_rep=8, maxlen=16)

    def prepare_inputs(self, model_class, config, batch_size):
        return {"keypoints": torch.randn(batch_size, 12, config.num_joints, config.dim_in)}

    def prepare_labels(self, model_class, config, inputs):
        if model_class is self.toy.ToyMotionModel:
            return {}
        b, t, j, _ = inputs["keypoints"].shape
        return {"labels": torch.randn(b, t, j, 3)}


def test_the_toy_family_lifts_through_the_pipeline_and_auto_classes(toy, tmp_path):
    from transformers import AutoConfig

    from motionhub import AutoModelForPoseLifting
    from motionhub.configuration_utils import MotionEncoderConfig
    from motionhub.pipelines import PoseLiftingPipeline

    model = toy.ToyMotionForPoseLifting(toy.ToyMotionConfig(maxlen=16)).eval()
    model.save_pretrained(tmp_path / "toy")
    assert isinstance(AutoConfig.for_model("toy-motion"), MotionEncoderConfig)
    loaded = AutoModelForPoseLifting.from_pretrained(tmp_path / "toy")
    assert type(loaded) is toy.ToyMotionForPoseLifting
    keypoints = torch.rand(40, 17, 3).numpy() * 400 + 100
    keypoints[..., 2] = 1.0
    result = PoseLiftingPipeline(tmp_path / "toy", normalization="crop_scale", progress=False)(keypoints)
    assert result.pose_3d.shape == (40, 17, 3) and result.units == "m"
