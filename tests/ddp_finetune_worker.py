# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Worker of tests/test_finetune_trainer.py::test_two_process_cpu_ddp (launched by torchrun, not collected by pytest).

Trains a tiny DSTformerForActionClassification with MotionTrainer for a few steps under DDP (gloo, CPU) and saves
every rank's final parameters plus what the Trainer saw (world size, steps) to ``<out>/rank<r>.pt``.
"""

from __future__ import annotations

import sys

import torch
from transformers import TrainingArguments

import motionhub  # noqa: F401
from motionhub import DSTformerConfig
from motionhub.heads import DSTformerForActionClassification
from motionhub.tasks import MotionTrainer


class Clips(torch.utils.data.Dataset):
    def __init__(self, n: int = 16):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(n, 2, 6, 17, 3, generator=g)
        self.y = torch.arange(n) % 3

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"keypoints": self.x[i], "labels": self.y[i]}


def main(out: str) -> None:
    torch.manual_seed(1234 + int(__import__("os").environ.get("RANK", "0")))  # different init per rank on purpose
    config = DSTformerConfig(dim_feat=16, dim_rep=8, depth=1, num_heads=2, maxlen=8, num_labels=3,
                             action_hidden_size=16)
    model = DSTformerForActionClassification(config)
    args = TrainingArguments(
        output_dir=out, max_steps=3, per_device_train_batch_size=4, learning_rate=1e-2, report_to="none",
        save_strategy="no", disable_tqdm=True, use_cpu=True, dataloader_drop_last=True, logging_steps=1,
    )
    trainer = MotionTrainer(model=model, args=args, train_dataset=Clips(), backbone_lr_ratio=0.1,
                            lr_decay_per_epoch=0.99)
    init = {k: v.detach().clone() for k, v in model.named_parameters()}
    trainer.train()
    rank = trainer.args.process_index
    # parameters only: DDP broadcasts buffers (BatchNorm running statistics) from rank 0 before each forward, so after
    # the last step they hold each rank's own update (standard DDP behaviour; rank 0 saves the model)
    unwrapped = trainer.accelerator.unwrap_model(trainer.model)
    state = {k: v.detach().cpu().clone() for k, v in unwrapped.named_parameters()}
    torch.save({
        "state": state,
        "init": init,
        "world_size": trainer.args.world_size,
        "parallel_mode": str(trainer.args.parallel_mode),
        "global_step": trainer.state.global_step,
        "lrs": {g["name"]: g["lr"] for g in trainer.optimizer.param_groups},
    }, f"{out}/rank{rank}.pt")


if __name__ == "__main__":
    main(sys.argv[1])
