# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Tiny configs per encoder family and the common-suite classes of the mesh, multi-task and completion models."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import pytest
import torch
from model_test_mixin import MotionModelTesterMixin
from motionhub.heads import COMPLETION_MODELS, MESH_MODELS, MULTITASK_MODELS
from synthetic_smpl import use_smpl_env
from torch import nn

from motionhub import DSTformerConfig


def _tiny_family_configs() -> dict:
    configs = {"DSTformer": lambda: DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=8)}
    small = {"frames": 3, "layers": 1, "channel": 16, "d_hid": 32, "num_heads": 2}
    try:
        from motionhub.encoders.stmo import STMOConfig

        configs["STMO"] = lambda: STMOConfig(**small)
    except ImportError:
        pass
    try:
        from motionhub.encoders.mpm import MPMConfig

        configs["MPM"] = lambda: MPMConfig(**small, use_3d_input_encoder=False)
    except ImportError:
        pass
    return configs


#: ``{family name: () -> tiny config}``
TINY = _tiny_family_configs()


@dataclass(frozen=True)
class Family:
    name: str  # class-name prefix, e.g. "DSTformer"
    config_class: type


def encoder_families() -> list[Family]:
    """Every encoder family package in motionhub.encoders (found on disk, so a new family without heads fails the
    "every family has every head" tests)."""
    from motionhub import encoders
    from motionhub.modeling_utils import MotionPreTrainedModel

    families = []
    for info in sorted(pkgutil.iter_modules(encoders.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{encoders.__name__}.{info.name}")
        bases = [obj for _, obj in inspect.getmembers(module, inspect.isclass)
                 if issubclass(obj, MotionPreTrainedModel) and obj.__name__.endswith("PreTrainedModel")
                 and obj is not MotionPreTrainedModel]
        assert len(bases) == 1, f"{module.__name__} must export one <Family>PreTrainedModel, found {bases}"
        families.append(Family(bases[0].__name__[: -len("PreTrainedModel")], bases[0].config_class))
    return families
_MODELS = {"mesh": MESH_MODELS, "multitask": MULTITASK_MODELS, "completion": COMPLETION_MODELS}


def frames_for(config) -> int:
    return config.maxlen if getattr(config, "fixed_length", False) else min(3, config.maxlen)


def _in_metres(out):
    mesh = getattr(out, "mesh", None) or out
    mesh.vertices, mesh.joints_3d = mesh.vertices / 1000, mesh.joints_3d / 1000
    return out


def make_suite(family: str, kind: str) -> type:
    """``MotionModelTesterMixin`` subclass for ``_MODELS[kind][family]`` (kind: mesh / multitask / completion)."""
    model_class = _MODELS[kind][family]
    uses_smpl = kind in ("mesh", "multitask")

    class Suite(MotionModelTesterMixin):
        # STMO/MPM create the transformer's final LayerNorm but never apply it (official behaviour)
        params_without_grad = ("final_norm",)
        all_model_classes = (model_class,)

        if uses_smpl:
            @pytest.fixture(autouse=True)
            def _smpl(self, smpl_dir, monkeypatch):  # `smpl_dir`: fixture of the test module
                use_smpl_env(monkeypatch, smpl_dir)

            @staticmethod
            def run(model, inputs):
                # compare millimetre outputs in metres: the suite's absolute tolerances (1e-5) are below float32
                # resolution for values of ~1000 mm
                with torch.no_grad():
                    return _in_metres(model(**inputs))

        def get_config(self):
            config = TINY[family]()
            config.num_labels, config.action_hidden_size, config.mesh_hidden_size = 3, 16, 16
            return config

        def prepare_inputs(self, model_class, config, batch_size):
            return {"keypoints": torch.randn(batch_size, frames_for(config), config.num_joints, config.dim_in)}

        def prepare_labels(self, model_class, config, inputs):
            b, t, j = inputs["keypoints"].shape[:3]
            pose = torch.randn(b, t, j, 3) * 0.1
            theta = torch.randn(b, t, 82) * 0.2
            if kind == "completion":
                return {"labels": pose}
            if kind == "mesh":
                return {"labels": theta}
            return {"pose_labels": pose, "action_labels": torch.arange(b) % 3, "mesh_labels": theta}

        def test_activation_checkpointing_matches(self):
            # a training forward updates BatchNorm statistics; freeze them so only checkpointing could differ
            build = self.build

            def build_frozen_bn(*args, **kwargs):
                model = build(*args, **kwargs)
                for module in model.modules():
                    if isinstance(module, nn.modules.batchnorm._BatchNorm):
                        module.momentum = 0.0
                return model

            self.build = build_frozen_bn
            try:
                super().test_activation_checkpointing_matches()
            finally:
                del self.build

    Suite.__name__ = f"Test{family}{kind.capitalize()}Common"
    Suite.__qualname__ = Suite.__name__
    return Suite
