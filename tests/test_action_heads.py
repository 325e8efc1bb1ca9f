# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Action classification / embedding heads: common model suite for every encoder family, pooling math, per-frame
encoders, one-shot protocol, and parity of converted official MotionBERT action checkpoints (reference fixtures)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import reference_path
from head_suites import encoder_families
from model_test_mixin import MotionModelTesterMixin
from torch import nn

import motionhub
from motionhub import AutoModelForActionClassification, AutoModelForActionEmbedding, DSTformerConfig
from motionhub.conversion import convert_checkpoint, detect_family, extract_state_dict, load_official_checkpoint
from motionhub.heads import (
    TASK_MODELS,
    ActionClassificationMixin,
    ActionEmbeddingMixin,
    OneShotEvaluator,
    pool_persons_time,
)
from motionhub.modeling_outputs import MotionEncoderOutput
from motionhub.modeling_utils import MotionPreTrainedModel

ATOL = RTOL = 1e-5  # reference/motionbert_action/README.md


def _tiny_configs() -> dict:
    """A tiny config per encoder family (families without an entry here are reported by test_every_family_tested)."""
    configs = {"DSTformer": lambda: DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=12)}
    small = dict(frames=9, layers=1, channel=16, d_hid=32, num_heads=2)
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


TINY = _tiny_configs()
HEAD_TASKS = ("action-classification", "action-embedding")


def _frames(config) -> int:
    return config.maxlen if getattr(config, "fixed_length", False) else min(9, config.maxlen)


def test_every_family_has_both_heads_and_a_tiny_config():
    names = [f.name for f in encoder_families()]
    assert "DSTformer" in names
    for name in names:
        for task in HEAD_TASKS:
            assert (name, task) in TASK_MODELS, f"{name} has no {task} model"
        assert name in TINY, f"add a tiny config for encoder family {name} to this test"
    assert motionhub.heads.DSTformerForActionClassification is TASK_MODELS["DSTformer", "action-classification"]


def _make_common_suite(family: str):
    class Suite(MotionModelTesterMixin):
        # STMO/MPM create the transformer's final LayerNorm but never apply it (official behaviour)
        params_without_grad = ("final_norm",)
        all_model_classes = tuple(TASK_MODELS[family, t] for t in HEAD_TASKS)

        def get_config(self):
            config = TINY[family]()
            config.num_labels = 4
            config.action_hidden_size = 16
            config.embedding_size = 8
            return config

        def prepare_inputs(self, model_class, config, batch_size):
            return {"keypoints": torch.randn(batch_size, 2, _frames(config), config.num_joints, config.dim_in)}

        def prepare_labels(self, model_class, config, inputs):
            return {"labels": torch.arange(inputs["keypoints"].shape[0]) % 2}

        def test_activation_checkpointing_matches(self):
            # a training-mode forward updates the BatchNorm running statistics (head, STMO/MPM encoder); freeze them
            # (momentum 0) so that only activation checkpointing could change the eval outputs
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

    Suite.__name__ = f"Test{family}ActionCommon"
    return Suite


for _family in TINY:
    globals()[f"Test{_family}ActionCommon"] = _make_common_suite(_family)


@pytest.mark.parametrize("family", sorted(TINY))
@pytest.mark.parametrize("task", HEAD_TASKS)
def test_head_initialised_when_loading_a_bare_encoder(tmp_path, family, task):
    """Regression: transformers' loading path must initialise every head tensor (BatchNorm buffers included)."""
    config = TINY[family]()
    encoder = TASK_MODELS[family, task].encoder_class(config)
    encoder.save_pretrained(tmp_path)
    model = TASK_MODELS[family, task].from_pretrained(tmp_path, **(
        {"num_labels": 3, "action_hidden_size": 16} if task == "action-classification" else {"embedding_size": 8}))
    for name, tensor in model.state_dict().items():
        if name.startswith(model.base_model_prefix + "."):
            continue
        if name.endswith(("running_mean", "bias", "num_batches_tracked")):
            assert torch.count_nonzero(tensor) == 0, name
        elif name.endswith(("running_var", "bn.weight")):
            assert torch.all(tensor == 1), name
        else:
            assert torch.isfinite(tensor).all() and 0.005 < float(tensor.std()) < 0.05, name
    x = torch.randn(2, 2, _frames(config), config.num_joints, config.dim_in)
    assert all(torch.isfinite(t).all() for t in model(x).to_tuple())


# --------------------------------------------------------------------------------------------------- behaviour
def _small_model(task="action-classification", **kw):
    torch.manual_seed(0)
    config = DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=12, **kw)
    cls = TASK_MODELS["DSTformer", task]
    return cls(config).eval()


def test_pooling_matches_motionbert_math():
    rep = torch.randn(3 * 2, 5, 17, 4)
    expected = rep.reshape(3, 2, 5, 17, 4).mean(2).reshape(3, 2, 68).mean(1)
    torch.testing.assert_close(pool_persons_time(rep, 2), expected)
    per_frame = torch.randn(6, 5, 7)
    torch.testing.assert_close(pool_persons_time(per_frame, 3), per_frame.mean(1).reshape(2, 3, 7).mean(1))
    with pytest.raises(ValueError, match="multiple"):
        pool_persons_time(rep, 4)


def test_classifier_logits_follow_the_documented_head():
    model = _small_model(num_labels=3, action_hidden_size=10)
    x = torch.randn(2, 2, 6, 17, 3)
    with torch.no_grad():
        out = model(x)
        rep = model.dstformer(x.reshape(4, 6, 17, 3)).last_hidden_state
        pooled = rep.reshape(2, 2, 6, 17, 8).mean(2).reshape(2, 2, -1).mean(1)
        h = model.action_head
        expected = h.fc2(torch.relu(h.bn(h.fc1(pooled))))
    torch.testing.assert_close(out.logits, expected)
    torch.testing.assert_close(out.pooled_features, pooled)
    assert model.config.action_hidden_size == 10 and model.action_head.fc1.out_features == 10


def test_single_person_input_equals_m1():
    model = _small_model(num_labels=3)
    x = torch.randn(2, 6, 17, 3)
    with torch.no_grad():
        torch.testing.assert_close(model(x).logits, model(x[:, None]).logits)


def test_defaults_are_motionbert_and_serialised(tmp_path):
    model = _small_model(num_labels=3)
    assert model.config.action_hidden_size == 2048 and model.config.action_dropout == 0.5
    emb = _small_model("action-embedding")
    c = emb.config
    fields = (c.embedding_size, c.embedding_dropout, c.supcon_temperature, c.supcon_base_temperature)
    assert fields == (2048, 0.1, 0.1, 0.07)
    emb.save_pretrained(tmp_path)
    assert DSTformerConfig.from_pretrained(tmp_path).embedding_size == 2048


def test_cross_entropy_loss_and_label_maps():
    id2label = {0: "jump", 1: "run", 2: "sit"}
    model = _small_model(id2label=id2label, label2id={v: k for k, v in id2label.items()})
    assert model.config.num_labels == 3 and model.config.label2id["sit"] == 2
    x, y = torch.randn(4, 2, 6, 17, 3), torch.tensor([0, 2, 1, 2])
    out = model(x, labels=y)
    torch.testing.assert_close(out.loss, torch.nn.functional.cross_entropy(out.logits, y))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        model(x, labels=torch.tensor([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="shape"):
        model(x, labels=torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="integer"):
        model(x, labels=torch.tensor([0.0, 1.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match=r"\(B, M, T, J, C\)"):
        model(torch.randn(6, 17, 3))


def test_embedding_is_unit_norm_and_supcon_loss():
    from motionhub.losses import SupConLoss

    model = _small_model("action-embedding", embedding_size=6)
    x, y = torch.randn(4, 2, 6, 17, 3), torch.tensor([0, 1, 0, 1])
    out = model(x, labels=y)
    torch.testing.assert_close(out.embeddings.norm(dim=-1), torch.ones(4))
    expected = SupConLoss(temperature=0.1, base_temperature=0.07)(out.embeddings.unsqueeze(1), y)
    torch.testing.assert_close(out.loss, expected)


def test_frozen_backbone_runs_without_autograd_graph():
    model = _small_model(num_labels=3).train()
    model.freeze_backbone()
    out = model(torch.randn(3, 2, 6, 17, 3), labels=torch.tensor([0, 1, 2]))
    out.loss.backward()
    assert all(p.grad is None for p in model.backbone.parameters())
    assert model.action_head.fc1.weight.grad is not None
    assert not model.backbone.training and model.action_head.training


def test_from_pretrained_encoder_with_head_kwargs(tmp_path):
    from motionhub import DSTformerModel

    enc = DSTformerModel(DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=12))
    enc.save_pretrained(tmp_path)
    clf = AutoModelForActionClassification.from_pretrained(tmp_path, num_labels=7, action_hidden_size=12)
    assert clf.config.num_labels == 7 and clf.action_head.fc2.out_features == 7
    assert clf.action_head.fc1.out_features == 12
    for name, value in enc.state_dict().items():
        assert torch.equal(clf.dstformer.state_dict()[name], value)
    emb = AutoModelForActionEmbedding.from_pretrained(tmp_path, embedding_size=5, supcon_temperature=0.2)
    assert emb.embedding_head.fc1.out_features == 5 and emb.config.supcon_temperature == 0.2
    with pytest.raises(TypeError, match="head fields"):
        AutoModelForActionClassification.from_pretrained(tmp_path, embeding_size=3)


# ------------------------------------------------------------------------------------ a per-frame (B, T, D) encoder
class _FrameConfig(DSTformerConfig):
    model_type = "test-frame-encoder"

    @property
    def frame_feature_size(self) -> int:
        return self.dim_rep


class _FramePreTrainedModel(MotionPreTrainedModel):
    config_class = _FrameConfig
    base_model_prefix = "frame_encoder"


class _FrameModel(_FramePreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.proj = nn.Linear(config.num_joints * config.dim_in, config.dim_rep)
        self.post_init()

    def forward(self, keypoints, output_hidden_states=None, return_dict=None, **kwargs):
        return MotionEncoderOutput(last_hidden_state=self.proj(keypoints.flatten(2)))


class FrameForActionClassification(ActionClassificationMixin, _FramePreTrainedModel):
    """A per-frame encoder + the action classifier: written as every <Family>For<Task> class is."""

    encoder_class = _FrameModel


class FrameForActionEmbedding(ActionEmbeddingMixin, _FramePreTrainedModel):
    """A per-frame encoder + the embedding head."""

    encoder_class = _FrameModel


def test_per_frame_encoders_get_the_same_heads():
    cls, emb_cls = FrameForActionClassification, FrameForActionEmbedding
    config = _FrameConfig(dim_rep=5, num_labels=3, action_hidden_size=4, embedding_size=6)
    model, emb = cls(config).eval(), emb_cls(config).eval()
    x = torch.randn(2, 2, 7, 17, 3)
    with torch.no_grad():
        rep = model.frame_encoder(x.reshape(4, 7, 17, 3)).last_hidden_state
        assert rep.shape == (4, 7, 5)
        out = model(x)
    assert out.logits.shape == (2, 3)
    torch.testing.assert_close(out.pooled_features, rep.mean(1).reshape(2, 2, 5).mean(1))
    assert emb(x).embeddings.shape == (2, 6)
    assert [n for n, _ in model.backbone_named_parameters()] == ["frame_encoder.proj.weight", "frame_encoder.proj.bias"]


# ------------------------------------------------------------------------------------------------ one-shot protocol
def test_oneshot_evaluator_on_separable_clusters():
    class Identity(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(()))

        def forward(self, keypoints, return_dict=True):
            from motionhub.modeling_outputs import ActionEmbeddingOutput

            return ActionEmbeddingOutput(embeddings=keypoints.flatten(1))

    centres = np.eye(4, dtype=np.float32)
    queries = np.repeat(centres, 3, axis=0) + 0.01
    result = OneShotEvaluator(Identity(), batch_size=5).evaluate(
        centres, queries, support_labels=[10, 11, 12, 13], query_labels=np.repeat([10, 11, 12, 13], 3)
    )
    assert result.accuracy == 1.0 and result.similarity.shape == (4, 12)
    result = OneShotEvaluator(Identity()).evaluate(
        centres, queries, support_labels=[10, 11, 12, 13], query_labels=np.repeat([11, 10, 12, 13], 3)
    )
    assert result.accuracy == 0.5


# -------------------------------------------------------------------------------------- official parity (fixtures)
@pytest.fixture(scope="module")
def official():
    ref = reference_path("motionbert_action")
    torch.set_num_threads(1)
    return {
        "class": convert_checkpoint(ref / "checkpoint_small_class.bin", num_heads=4),
        "embed": convert_checkpoint(ref / "checkpoint_small_embed.bin", num_heads=4),
        "io": np.load(ref / "io_small.npz"),
        "oneshot": np.load(ref / "oneshot_eval_io.npz"),
        "ref": ref,
    }


def test_converters_detect_action_checkpoints(official):
    ref = official["ref"]
    for name, family in (("class", "motionbert-action"), ("embed", "motionbert-action-embed")):
        sd = extract_state_dict(load_official_checkpoint(ref / f"checkpoint_small_{name}.bin"))
        assert detect_family(sd) == family
    clf, emb = official["class"], official["embed"]
    assert type(clf).__name__ == "DSTformerForActionClassification"
    assert type(emb).__name__ == "DSTformerForActionEmbedding"
    c = clf.config
    assert (c.num_labels, c.action_hidden_size, c.dim_rep, c.dim_feat, c.depth, c.maxlen) == (5, 128, 64, 32, 2, 27)
    assert c.keypoint_confidence == "coco_order"
    assert emb.config.embedding_size == 128
    with pytest.raises(ValueError, match="num_heads"):
        convert_checkpoint(ref / "checkpoint_small_class.bin", num_heads=5)


def test_official_class_parity(official):
    io = official["io"]
    x = torch.from_numpy(io["input"])
    model = official["class"]
    with torch.no_grad():
        out = model(x)
        rep = model.dstformer(x.reshape(-1, *x.shape[2:])).last_hidden_state
    np.testing.assert_allclose(rep.numpy(), io["backbone_rep_class_model"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(out.logits.numpy(), io["output_class_logits"], atol=ATOL, rtol=RTOL)


def test_official_embed_parity(official):
    io = official["io"]
    x = torch.from_numpy(io["input"])
    model = official["embed"]
    with torch.no_grad():
        out = model(x)
        rep = model.dstformer(x.reshape(-1, *x.shape[2:])).last_hidden_state
    np.testing.assert_allclose(rep.numpy(), io["backbone_rep_embed_model"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(out.embeddings.numpy(), io["output_embed"], atol=ATOL, rtol=RTOL)


def test_official_oneshot_protocol(official):
    d = official["oneshot"]
    result = OneShotEvaluator(official["embed"], batch_size=4).evaluate(
        d["anchor_inputs"], d["test_inputs"], support_labels=d["anchor_labels"], query_labels=d["test_labels"]
    )
    np.testing.assert_allclose(result.support_embeddings, d["anchor_feats"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(result.query_embeddings, d["test_feats"], atol=ATOL, rtol=RTOL)
    np.testing.assert_allclose(result.similarity, d["cos_sim_anchor_x_test"], atol=ATOL, rtol=RTOL)
    np.testing.assert_array_equal(result.predictions, d["pred_labels"])
    assert result.accuracy == pytest.approx(float(d["accuracy"]))


def test_converted_action_models_round_trip_through_auto_classes(official, tmp_path):
    x = torch.from_numpy(official["io"]["input"])
    for key, auto in (("class", AutoModelForActionClassification), ("embed", AutoModelForActionEmbedding)):
        model = official[key]
        model.save_pretrained(tmp_path / key)
        loaded = auto.from_pretrained(tmp_path / key)
        assert type(loaded) is type(model) and loaded.config.keypoint_confidence == "coco_order"
        with torch.no_grad():
            a, b = model(x), loaded(x)
        torch.testing.assert_close(a[0], b[0], atol=0, rtol=0)
