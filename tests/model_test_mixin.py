# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The common test suite every motionhub model class runs (modelled on transformers' ModelTesterMixin).

A test class for a family subclasses :class:`MotionModelTesterMixin` and provides:

* ``all_model_classes``: the classes to test (bare encoder and task models);
* ``get_config()``: a tiny config (< 1 M parameters, runs in milliseconds);
* ``prepare_inputs(model_class, config, batch_size)``: forward kwargs, every tensor batch-first;
* ``prepare_labels(model_class, config, inputs)``: ``labels=...`` kwargs for task models (or ``{}``);
* optionally ``params_without_grad``: parameter names that legitimately get no gradient (e.g. the official P-STMO
  ``Encoder.norm`` that is never applied).

Checks: save/load round trip (bit-exact, safetensors only), batching equivalence, gradients reach every parameter,
meta-device init then finite forward, SDPA == eager, Auto-class round trip, activation checkpointing equivalence,
frozen-backbone training, bare-encoder checkpoint -> task model (only head keys new), bad-input errors.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import torch
from transformers import AutoModel

from motionhub.auto import TASK_AUTO_CLASSES


def tensors_of(output) -> list[torch.Tensor]:
    """Every tensor in a ModelOutput (nested outputs, tuples and dicts flattened), in field order."""
    found: list[torch.Tensor] = []

    def visit(value):
        if isinstance(value, torch.Tensor):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif isinstance(value, (tuple, list)):
            for v in value:
                visit(v)

    visit(output.to_tuple() if hasattr(output, "to_tuple") else output)
    return found


def assert_outputs_close(a, b, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    ta, tb = tensors_of(a), tensors_of(b)
    assert len(ta) == len(tb), f"different number of output tensors: {len(ta)} vs {len(tb)}"
    for x, y in zip(ta, tb):
        torch.testing.assert_close(x, y, atol=atol, rtol=rtol)


def auto_classes_for(model_class) -> list:
    """The Auto classes (transformers' AutoModel and motionhub's task Auto classes) that map to ``model_class``."""
    hits = []
    for auto in (AutoModel, *TASK_AUTO_CLASSES.values()):
        try:
            if auto._model_mapping[model_class.config_class] is model_class:
                hits.append(auto)
        except KeyError:
            continue
    return hits


class MotionModelTesterMixin:
    all_model_classes: tuple = ()
    params_without_grad: tuple[str, ...] = ()
    batch_size: int = 2

    # ------------------------------------------------------------------ to provide
    def get_config(self):
        raise NotImplementedError

    def prepare_inputs(self, model_class, config, batch_size: int) -> dict:
        raise NotImplementedError

    def prepare_labels(self, model_class, config, inputs: dict) -> dict:
        return {}

    # ------------------------------------------------------------------ helpers
    def build(self, model_class, config=None, seed: int = 0):
        torch.manual_seed(seed)
        model = model_class(config if config is not None else self.get_config())
        return model.eval()

    def inputs(self, model_class, config, batch_size=None, seed: int = 1) -> dict:
        torch.manual_seed(seed)
        return self.prepare_inputs(model_class, config, batch_size or self.batch_size)

    @staticmethod
    def run(model, inputs):
        with torch.no_grad():
            return model(**inputs)

    def is_task_model(self, model) -> bool:
        return model.has_backbone

    # ------------------------------------------------------------------ tests
    def test_save_load_roundtrip_bit_exact(self, tmp_path: Path):
        for cls in self.all_model_classes:
            model = self.build(cls)
            config = model.config
            inputs = self.inputs(cls, config)
            expected = self.run(model, inputs)
            out_dir = tmp_path / cls.__name__
            model.save_pretrained(out_dir)
            files = sorted(p.name for p in out_dir.iterdir())
            assert "config.json" in files and "model.safetensors" in files, files
            assert not any(f.endswith((".bin", ".pt", ".pth", ".pkl")) for f in files), f"pickle weights: {files}"
            reloaded = cls.from_pretrained(out_dir)
            assert not reloaded.training
            for (name, a), (_, b) in zip(model.state_dict().items(), reloaded.state_dict().items()):
                assert torch.equal(a, b), f"{cls.__name__}.{name} changed in the round trip"
            assert_outputs_close(expected, self.run(reloaded, inputs), atol=0, rtol=0)

    def test_batching_equivalence(self):
        for cls in self.all_model_classes:
            model = self.build(cls)
            inputs = self.inputs(cls, model.config)
            batched = self.run(model, inputs)
            for i in range(self.batch_size):
                single = {k: (v[i : i + 1] if isinstance(v, torch.Tensor) and v.shape[:1] == (self.batch_size,) else v)
                          for k, v in inputs.items()}
                one = self.run(model, single)
                for a, b in zip(tensors_of(batched), tensors_of(one)):
                    if a.ndim and a.shape[0] == self.batch_size:
                        torch.testing.assert_close(a[i : i + 1], b, atol=1e-5, rtol=1e-4)

    def test_every_parameter_gets_a_gradient(self):
        for cls in self.all_model_classes:
            model = self.build(cls).train()
            inputs = self.inputs(cls, model.config)
            labels = self.prepare_labels(cls, model.config, inputs)
            out = model(**inputs, **labels)
            loss = out.loss if labels else sum(t.float().mean() for t in tensors_of(out) if t.is_floating_point())
            assert loss is not None and torch.isfinite(loss), f"{cls.__name__}: loss {loss}"
            loss.backward()
            missing = [n for n, p in model.named_parameters()
                       if p.requires_grad and p.grad is None and not any(s in n for s in self.params_without_grad)]
            assert not missing, f"{cls.__name__}: no gradient for {missing[:10]}"

    def test_meta_device_init_then_forward_is_finite(self):
        for cls in self.all_model_classes:
            config = self.get_config()
            with torch.device("meta"):
                model = cls(config)
            model.to_empty(device="cpu")
            model.init_weights()
            model.eval()
            for t in tensors_of(self.run(model, self.inputs(cls, config))):
                assert torch.isfinite(t).all(), f"{cls.__name__}: non-finite output after meta init"

    def test_sdpa_matches_eager(self):
        for cls in self.all_model_classes:
            model = self.build(cls)
            inputs = self.inputs(cls, model.config)
            model.set_attn_implementation("sdpa")
            sdpa = self.run(model, inputs)
            model.set_attn_implementation("eager")
            assert model.config._attn_implementation == "eager"
            assert_outputs_close(sdpa, self.run(model, inputs), atol=1e-5, rtol=1e-4)

    def test_auto_class_round_trip(self, tmp_path: Path):
        for cls in self.all_model_classes:
            autos = auto_classes_for(cls)
            assert autos, f"{cls.__name__} is not registered with any Auto class"
            model = self.build(cls)
            model.save_pretrained(tmp_path / cls.__name__)
            for auto in autos:
                loaded = auto.from_pretrained(tmp_path / cls.__name__)
                assert type(loaded) is cls
                inputs = self.inputs(cls, model.config)
                assert_outputs_close(self.run(model, inputs), self.run(loaded, inputs), atol=0, rtol=0)

    def test_activation_checkpointing_matches(self):
        for cls in self.all_model_classes:
            model = self.build(cls)
            if not model.supports_gradient_checkpointing:
                continue
            inputs = self.inputs(cls, model.config)
            expected = self.run(model, inputs)
            model.activation_checkpointing_enable() if hasattr(model, "activation_checkpointing_enable") else \
                model.gradient_checkpointing_enable()
            model.train()
            labels = self.prepare_labels(cls, model.config, inputs)
            out = model(**inputs, **labels)
            loss = out.loss if labels else sum(t.float().mean() for t in tensors_of(out) if t.is_floating_point())
            loss.backward()
            model.eval()
            assert_outputs_close(expected, self.run(model, inputs), atol=1e-5, rtol=1e-4)

    def test_freeze_backbone_trains_only_the_head(self):
        for cls in self.all_model_classes:
            model = self.build(cls)
            if not self.is_task_model(model):
                with pytest.raises(AttributeError):
                    model.freeze_backbone()
                continue
            labels_probe = self.prepare_labels(cls, model.config, self.inputs(cls, model.config))
            if not labels_probe:
                continue
            model.freeze_backbone()
            backbone_before = copy.deepcopy(model.backbone.state_dict())
            head_before = {n: p.detach().clone() for n, p in model.head_named_parameters()}
            groups = model.parameter_groups(head_lr=1e-2)
            assert [g["name"] for g in groups] == ["head"], "frozen backbone must not be in the optimizer"
            optimizer = torch.optim.AdamW(groups)
            model.train()
            for step in range(2):
                inputs = self.inputs(cls, model.config, seed=10 + step)
                loss = model(**inputs, **self.prepare_labels(cls, model.config, inputs)).loss
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            for name, value in model.backbone.state_dict().items():
                assert torch.equal(value, backbone_before[name]), f"{cls.__name__}: frozen backbone {name} changed"
            changed = [n for n, p in model.head_named_parameters() if not torch.equal(p, head_before[n])]
            assert changed, f"{cls.__name__}: no head parameter changed"

    def test_parameter_groups_scale_backbone_lr(self):
        for cls in self.all_model_classes:
            model = self.build(cls)
            if not self.is_task_model(model):
                continue
            groups = {g["name"]: g for g in model.parameter_groups(head_lr=1e-3, backbone_lr_ratio=0.1)}
            assert groups["backbone"]["lr"] == pytest.approx(1e-4) and groups["head"]["lr"] == pytest.approx(1e-3)
            n_all = sum(p.numel() for p in model.parameters() if p.requires_grad)
            assert sum(p.numel() for g in groups.values() for p in g["params"]) == n_all

    def test_bare_encoder_checkpoint_loads_into_task_model(self, tmp_path: Path):
        for cls in self.all_model_classes:
            model = self.build(cls)
            if not self.is_task_model(model):
                continue
            encoder = model.backbone
            encoder.save_pretrained(tmp_path / "encoder")
            task, info = cls.from_pretrained(tmp_path / "encoder", output_loading_info=True)
            prefix = cls.base_model_prefix + "."
            assert info["missing_keys"], "the head should be newly initialised"
            assert all(not k.startswith(prefix) for k in info["missing_keys"]), info["missing_keys"]
            assert not info["unexpected_keys"], info["unexpected_keys"]
            for name, value in encoder.state_dict().items():
                assert torch.equal(task.backbone.state_dict()[name], value), f"backbone {name} not loaded"

    # ------------------------------------------------------------------ strict loading (issue 13)
    def _saved(self, cls, folder: Path):
        model = self.build(cls)
        model.save_pretrained(folder)
        return model

    def test_missing_tensor_is_an_error_naming_it(self, tmp_path: Path):
        from safetensors.torch import load_file, save_file

        from motionhub.modeling_utils import WeightsMismatchError

        for cls in self.all_model_classes:
            folder = tmp_path / cls.__name__
            self._saved(cls, folder)
            tensors = load_file(folder / "model.safetensors")
            dropped = sorted(tensors)[-1]  # a head tensor for task models, an encoder tensor for bare encoders
            del tensors[dropped]
            save_file(tensors, folder / "model.safetensors", metadata={"format": "pt"})
            with pytest.raises(WeightsMismatchError, match=re.escape(dropped)):
                cls.from_pretrained(folder)
            assert isinstance(cls.from_pretrained(folder, strict=False), cls)  # the escape hatch still loads

    def test_renamed_tensors_and_edited_depth_are_errors(self, tmp_path: Path):
        from safetensors.torch import load_file, save_file

        from motionhub.modeling_utils import WeightsMismatchError

        for cls in self.all_model_classes:
            folder = tmp_path / cls.__name__
            self._saved(cls, folder)
            tensors = load_file(folder / "model.safetensors")
            save_file({"renamed." + k: v for k, v in tensors.items()}, folder / "model.safetensors")
            with pytest.raises(WeightsMismatchError, match="missing"):
                cls.from_pretrained(folder)

    def test_weight_bound_config_edit_is_an_error(self, tmp_path: Path):
        import json

        from motionhub.modeling_utils import WeightsMismatchError

        for cls in self.all_model_classes:
            folder = tmp_path / cls.__name__
            model = self._saved(cls, folder)
            heads = getattr(model.config, "num_heads", None)
            if not heads:
                continue
            config = json.loads((folder / "config.json").read_text())
            config["num_heads"] = 1 if heads != 1 else 2  # same tensor shapes, other numerics
            (folder / "config.json").write_text(json.dumps(config))
            with pytest.raises(WeightsMismatchError, match="num_heads"):
                cls.from_pretrained(folder)

    def test_save_pretrained_leaves_no_temporary_folder(self, tmp_path: Path):
        for cls in self.all_model_classes:
            self._saved(cls, tmp_path / "out")
            self._saved(cls, tmp_path / "out")  # overwrite in place
            assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

    def test_bad_input_raises_clear_error(self):
        for cls in self.all_model_classes:
            model = self.build(cls)
            inputs = self.inputs(cls, model.config)
            key = model.main_input_name
            x = inputs[key]
            bad_joints = {**inputs, key: x[..., :-1, :]}
            with pytest.raises(ValueError, match="joints"):
                model(**bad_joints)
            bad_nan = {**inputs, key: x.clone().index_fill_(-1, torch.tensor([0]), float("nan"))}
            with pytest.raises(ValueError, match="NaN"):
                model(**bad_nan)
