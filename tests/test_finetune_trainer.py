# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MotionTrainer: backbone/head LR groups, per-epoch decay, frozen backbone (weights and BatchNorm buffers bit-identical
for every encoder family), checkpoint/resume, and a 2-process CPU DDP run (torchrun + gloo)."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import TrainingArguments

import motionhub  # noqa: F401
from motionhub import DSTformerConfig
from head_suites import encoder_families
from motionhub.heads import TASK_MODELS
from motionhub.tasks import MotionTrainer, epoch_decay_schedule

HERE = Path(__file__).resolve().parent


def tiny_config(family: str):
    small = dict(frames=9, layers=1, channel=16, d_hid=32, num_heads=2)
    if family == "DSTformer":
        config = DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=9)
    elif family == "STMO":
        from motionhub.encoders.stmo import STMOConfig

        config = STMOConfig(**small)
    elif family == "MPM":
        from motionhub.encoders.mpm import MPMConfig

        config = MPMConfig(**small, use_3d_input_encoder=False)
    else:
        pytest.fail(f"add a tiny config for encoder family {family}")
    config.num_labels, config.action_hidden_size, config.embedding_size = 3, 16, 8
    return config


class Clips(torch.utils.data.Dataset):
    def __init__(self, config, n: int = 12, seed: int = 0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, 2, config.maxlen, config.num_joints, config.dim_in, generator=g)
        self.y = torch.arange(n) % 3

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"keypoints": self.x[i], "labels": self.y[i]}


def args_for(tmp_path, **kw) -> TrainingArguments:
    defaults = dict(output_dir=str(tmp_path), per_device_train_batch_size=4, learning_rate=1e-2, report_to="none",
                    save_strategy="no", disable_tqdm=True, use_cpu=True, dataloader_drop_last=True, logging_steps=1,
                    num_train_epochs=1, dataloader_pin_memory=False)
    return TrainingArguments(**{**defaults, **kw})


FAMILIES = [f.name for f in encoder_families()]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("task", ["action-classification", "action-embedding"])
def test_frozen_backbone_bit_identical_after_trainer_steps(tmp_path, family, task):
    torch.manual_seed(0)
    config = tiny_config(family)
    model = TASK_MODELS[family, task](config)
    model.freeze_backbone()
    before = copy.deepcopy(model.backbone.state_dict())  # parameters AND buffers (STMO/MPM BatchNorm statistics)
    head_before = {n: p.detach().clone() for n, p in model.head_named_parameters()}
    trainer = MotionTrainer(model=model, args=args_for(tmp_path, max_steps=3), train_dataset=Clips(config))
    trainer.train()
    assert [g["name"] for g in trainer.optimizer.param_groups] == ["head"]
    after = model.backbone.state_dict()
    for name, value in before.items():
        assert torch.equal(value, after[name]), f"{family} frozen backbone {name} changed"
    changed = [n for n, p in model.head_named_parameters() if not torch.equal(p, head_before[n])]
    assert changed, "no head parameter changed"


def test_separate_learning_rates_and_epoch_decay(tmp_path):
    torch.manual_seed(0)
    config = tiny_config("DSTformer")
    model = TASK_MODELS["DSTformer", "action-classification"](config)
    trainer = MotionTrainer(model=model, args=args_for(tmp_path, learning_rate=1e-3, weight_decay=0.01,
                                                       num_train_epochs=2),
                            train_dataset=Clips(config), backbone_lr_ratio=0.1, lr_decay_per_epoch=0.5)
    trainer.train()
    groups = {g["name"]: g for g in trainer.optimizer.param_groups}
    assert set(groups) == {"backbone", "head"}
    assert groups["backbone"]["initial_lr"] == pytest.approx(1e-4)
    assert groups["head"]["initial_lr"] == pytest.approx(1e-3)
    assert all(g["weight_decay"] == 0.01 for g in groups.values())
    n_backbone = sum(p.numel() for p in groups["backbone"]["params"])
    assert n_backbone == sum(p.numel() for p in model.backbone.parameters())
    logs = [h for h in trainer.state.log_history if "lr_head" in h]
    # 3 steps per epoch (12 clips / 4): steps 1-3 at the initial LR, steps 4-6 halved
    assert [h["lr_head"] for h in logs] == pytest.approx([1e-3] * 3 + [5e-4] * 3)
    assert [h["lr_backbone"] for h in logs] == pytest.approx([1e-4] * 3 + [5e-5] * 3)


def test_epoch_decay_schedule_validation():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = epoch_decay_schedule(opt, 0.9, steps_per_epoch=2)
    lrs = []
    for _ in range(5):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs == pytest.approx([1, 1, 0.9, 0.9, 0.81])
    with pytest.raises(ValueError, match="lr_decay"):
        epoch_decay_schedule(opt, 1.5, 2)
    with pytest.raises(ValueError, match="backbone_lr_ratio"):
        MotionTrainer(model=TASK_MODELS["DSTformer", "action-classification"](tiny_config("DSTformer")),
                      args=args_for("/tmp/unused"), backbone_lr_ratio=-1)


def test_resume_from_checkpoint_reproduces_uninterrupted_run(tmp_path):
    config = tiny_config("DSTformer")
    cls = TASK_MODELS["DSTformer", "action-classification"]

    def run(out, epochs, resume=None):
        torch.manual_seed(0)
        model = cls(config)
        trainer = MotionTrainer(model=model, args=args_for(out, num_train_epochs=epochs, save_strategy="epoch",
                                                           seed=0),
                                train_dataset=Clips(config, n=8), lr_decay_per_epoch=0.9)
        trainer.train(resume_from_checkpoint=resume)
        return model, trainer

    full, _ = run(tmp_path / "full", 2)
    run(tmp_path / "part", 1)
    assert (tmp_path / "part" / "checkpoint-2").is_dir()
    resumed, trainer = run(tmp_path / "part", 2, resume=True)
    assert trainer.state.global_step == 4
    assert trainer.optimizer.param_groups[1]["lr"] == pytest.approx(1e-2 * 0.9**2)  # after 2 epochs
    for (name, a), (_, b) in zip(full.state_dict().items(), resumed.state_dict().items()):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5, msg=f"{name} differs after resume")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_process_cpu_ddp(tmp_path):
    env = {**os.environ, "ACCELERATE_USE_CPU": "1", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
           "--master_port", str(_free_port()), str(HERE / "ddp_finetune_worker.py"), str(tmp_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    for r in ranks:
        assert r["world_size"] == 2 and "DISTRIBUTED" in r["parallel_mode"]
        assert r["global_step"] == 3  # 16 clips / (2 processes x 4) = 2 steps per epoch
        assert r["lrs"]["backbone"] == pytest.approx(0.1 * r["lrs"]["head"])
    name = "action_head.fc1.weight"
    assert not torch.equal(ranks[0]["init"][name], ranks[1]["init"][name]), "ranks should start different"
    for key, value in ranks[0]["state"].items():
        assert torch.equal(value, ranks[1]["state"][key]), f"{key} differs between the ranks"
    assert not torch.equal(ranks[0]["state"][name], ranks[0]["init"][name]), "training did not change the head"
