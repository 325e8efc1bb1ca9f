# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Multi-task models (3D pose + action + mesh from one encoder pass) and the pose-completion models of the families
without their own (DSTformer, STMO): common model suite, one-pass property, loss composition, head reuse."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from head_suites import encoder_families, make_suite
from motionhub.heads import COMPLETION_MODELS, MULTITASK_MODELS, TASK_MODELS
from synthetic_smpl import clear_smpl_env, write_synthetic_smpl_dir

from motionhub import AutoModelForMultiTask, AutoModelForPoseCompletion, DSTformerConfig
from motionhub.body import SMPLNotFoundError


@pytest.fixture(scope="module")
def smpl_dir(tmp_path_factory) -> Path:
    """A synthetic SMPL folder (model, regressors, mean params); real SMPL is never used."""
    return write_synthetic_smpl_dir(tmp_path_factory.mktemp("synthetic_smpl"))


@pytest.fixture(autouse=True)
def _no_smpl_env(monkeypatch):
    clear_smpl_env(monkeypatch)


def _config(**kw):
    config = DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=8, **kw)
    config.num_labels, config.action_hidden_size, config.mesh_hidden_size = 5, 16, 16
    return config


def _multitask(smpl_dir, **kw):
    torch.manual_seed(0)
    return MULTITASK_MODELS["DSTformer"](_config(**kw), smpl_model_path=smpl_dir).eval()


def test_every_family_has_multitask_and_completion_models():
    for family in encoder_families():
        assert (family.name, "multi-task") in TASK_MODELS
        assert AutoModelForMultiTask._model_mapping[family.config_class] is MULTITASK_MODELS[family.name]
        completion = AutoModelForPoseCompletion._model_mapping[family.config_class]
        if family.name in COMPLETION_MODELS:
            assert completion is COMPLETION_MODELS[family.name]
        else:  # MPM ships its own completion model
            assert completion.__module__.startswith("motionhub.encoders")
    assert "DSTformer" in COMPLETION_MODELS and "MPM" not in COMPLETION_MODELS


def test_one_backbone_pass_gives_all_outputs(smpl_dir):
    model = _multitask(smpl_dir)
    calls = []
    model.dstformer.register_forward_hook(lambda *a: calls.append(1))
    x = torch.randn(2, 2, 6, 17, 3)  # two persons
    with torch.no_grad():
        out = model(x)
    assert len(calls) == 1
    assert out.pose_3d.shape == (2, 2, 6, 17, 3) and out.logits.shape == (2, 5)
    assert out.mesh.vertices.shape == (2, 2, 6, 6890, 3) and out.mesh.theta.shape == (2, 2, 6, 82)
    assert out.representation.shape == (4, 6, 17, 8)
    assert out.loss is None
    # the heads equal the single-task models' heads on the same representation
    with torch.no_grad():
        rep = model.dstformer(x.reshape(4, 6, 17, 3)).last_hidden_state
        pose = model.head(rep)
        logits, _ = model.action_head(rep, 2)
    torch.testing.assert_close(out.pose_3d[..., 1:, :], pose.reshape(2, 2, 6, 17, 3)[..., 1:, :])
    assert not out.pose_3d[..., 0, :].any()  # root-relative
    torch.testing.assert_close(out.logits, logits)


def test_loss_is_the_weighted_sum_of_given_labels(smpl_dir):
    model = _multitask(smpl_dir)
    model.config.multitask_mesh_weight = 0.01
    x = torch.randn(3, 6, 17, 3)
    pose = torch.randn(3, 6, 17, 3) * 0.1
    pose[..., 0, :] = 0
    action = torch.tensor([0, 4, 2])
    theta = torch.randn(3, 6, 82) * 0.2
    with torch.no_grad():
        only_pose = model(x, pose_labels=pose).loss
        only_action = model(x, action_labels=action).loss
        only_mesh = model(x, mesh_labels=theta)
        everything = model(x, pose_labels=pose, action_labels=action, mesh_labels=theta).loss
        ref_pose = TASK_MODELS["DSTformer", "pose-completion"]
    torch.testing.assert_close(everything, only_pose + only_action + 0.01 * only_mesh.mesh.loss)
    torch.testing.assert_close(only_mesh.loss, 0.01 * only_mesh.mesh.loss)
    assert set(only_mesh.mesh.loss_components) >= {"pose", "shape", "norm"}
    assert ref_pose is COMPLETION_MODELS["DSTformer"]
    with pytest.raises(ValueError, match="num_labels"):
        model(x, action_labels=torch.tensor([0, 9, 1]))


def test_training_step_and_frozen_backbone(smpl_dir):
    model = _multitask(smpl_dir)
    model.freeze_backbone()
    model.train()
    backbone = {k: v.clone() for k, v in model.dstformer.state_dict().items()}
    heads = {n: p.detach().clone() for n, p in model.head_named_parameters()}
    optimizer = torch.optim.AdamW(model.parameter_groups(head_lr=1e-2))
    x = torch.randn(3, 2, 6, 17, 3)
    loss = model(x, pose_labels=torch.randn(3, 2, 6, 17, 3), action_labels=torch.tensor([1, 2, 3]),
                 mesh_labels=torch.randn(3, 2, 6, 82) * 0.2).loss
    loss.backward()
    optimizer.step()
    for name, value in model.dstformer.state_dict().items():
        assert torch.equal(value, backbone[name]), name
    changed = {n.split(".")[0] for n, p in model.head_named_parameters() if not torch.equal(p, heads[n])}
    assert changed == {"head", "action_head", "mesh_head"}


def test_loads_single_task_heads_by_name(smpl_dir, tmp_path):
    """A pose-lifting checkpoint's `head` and an action checkpoint's `action_head` load into the multi-task model."""
    from motionhub import DSTformerForPoseLifting

    torch.manual_seed(3)
    lifting = DSTformerForPoseLifting(_config())
    lifting.save_pretrained(tmp_path)
    model, info = MULTITASK_MODELS["DSTformer"].from_pretrained(
        tmp_path, smpl_model_path=smpl_dir, num_labels=5, output_loading_info=True
    )
    assert torch.equal(model.head.weight, lifting.head.weight)
    assert all(k.startswith(("action_head.", "mesh_head.")) for k in info["missing_keys"])


def test_multitask_needs_smpl():
    with pytest.raises(SMPLNotFoundError, match="MOTIONHUB_SMPL_PATH"):
        MULTITASK_MODELS["DSTformer"](_config())


# ----------------------------------------------------------------------------------------------- completion
def test_completion_zeroes_hidden_joints_and_reports_hidden_error():
    torch.manual_seed(0)
    model = COMPLETION_MODELS["DSTformer"](_config()).eval()
    x = torch.randn(2, 6, 17, 3)
    mask = torch.zeros(2, 17, dtype=torch.bool)
    mask[:, [3, 6]] = True
    with torch.no_grad():
        out = model(x, joint_mask=mask, labels=torch.randn(2, 6, 17, 3))
        manual = x.clone()
        manual[:, :, [3, 6]] = 0
        ref = model(manual)
    torch.testing.assert_close(out.pose_3d, ref.pose_3d)
    assert out.pose_3d.shape == (2, 6, 17, 3) and "mpjpe_hidden" in out.loss_components
    with pytest.raises(ValueError, match="joint_mask"):
        model(x, joint_mask=torch.zeros(2, 5, dtype=torch.bool))
    with pytest.raises(TypeError, match="boolean"):
        model(x, joint_mask=torch.zeros(2, 17))
    # training mode samples a mask when none is given
    model.train()
    torch.manual_seed(0)
    sampled = model.sample_joint_mask(64, 6)
    assert sampled.shape == (64, 6, 17) and 0.05 < sampled.float().mean() < 0.3


# ---------------------------------------------------------------------------------------- common model suite
# STMO / MPM multi-task suites run in test_mesh_families.py (kept apart so that each file stays fast)
TestDSTformerMultitaskCommon = make_suite("DSTformer", "multitask")
for _family in COMPLETION_MODELS:
    globals()[f"Test{_family}CompletionCommon"] = make_suite(_family, "completion")


# ------------------------------------------------------------------------------------------------ Trainer
class _Clips(torch.utils.data.Dataset):
    def __init__(self, n: int, multitask: bool):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(n, 4, 17, 3, generator=g)
        self.theta = torch.randn(n, 4, 82, generator=g) * 0.2
        self.pose = torch.randn(n, 4, 17, 3, generator=g) * 0.1
        self.multitask = multitask

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        if not self.multitask:
            return {"keypoints": self.x[i], "labels": self.theta[i]}
        return {"keypoints": self.x[i], "pose_labels": self.pose[i], "action_labels": torch.tensor(i % 5),
                "mesh_labels": self.theta[i]}


@pytest.mark.parametrize("multitask", [False, True])
def test_motion_trainer_trains_and_evaluates(smpl_dir, tmp_path, multitask):
    from motionhub.heads import MESH_MODELS
    from motionhub.tasks.trainer import MotionTrainer
    from transformers import TrainingArguments

    torch.manual_seed(0)
    cls = MULTITASK_MODELS["DSTformer"] if multitask else MESH_MODELS["DSTformer"]
    model = cls(_config(), smpl_model_path=smpl_dir)
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=2, per_device_eval_batch_size=2,
                             max_steps=2, learning_rate=1e-3, report_to=[], use_cpu=True, save_strategy="no",
                             disable_tqdm=True, logging_steps=1, dataloader_drop_last=True)
    trainer = MotionTrainer(model=model, args=args, train_dataset=_Clips(4, multitask), eval_dataset=_Clips(4, multitask))
    before = model.dstformer.joints_embed.weight.detach().clone()
    trainer.train()
    assert not torch.equal(before, model.dstformer.joints_embed.weight)
    metrics = trainer.evaluate()
    assert metrics["eval_loss"] > 0 and torch.isfinite(torch.tensor(metrics["eval_loss"]))
