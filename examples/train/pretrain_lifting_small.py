# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Pretrain a small DSTformer with the MotionBERT lifting objective on CPU (checkpoint ``dstformer-small-pretrained``).

Objective: noisy, masked 2D (virtual-camera projections of 3D mocap, MotionBERT detector noise + confidence, 5 % joint
and 10 % frame masks) -> clean root-relative camera-space 3D in metres, MotionBERT's pose3d loss (MPJPE + 0.5 N-MPJPE +
20 velocity). Data: Human3.6M S1/S5/S6/S7 world 3D + Bandai-Namco 1+2 + CMU subjects 01-03 (see ``lifting_data``).

Run (the command behind the committed checkpoint is in ``results/README.md``)::

    OMP_NUM_THREADS=1 python examples/train/pretrain_lifting_small.py --out checkpoints/dstformer-small-pretrained \
        --max-steps 900 --batch-size 16 --max-minutes 45   # the committed run stopped after 714 steps;
    # reproduce it without the clock: --max-steps 900 --stop-after-steps 714
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from motionhub.runtime import use_passive_openmp_wait

use_passive_openmp_wait()  # before torch: passive OpenMP waiting, see motionhub/runtime.py

# isort: split
import torch
from transformers import Trainer, TrainerCallback, TrainingArguments

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lifting_data import (
    DATA_ROOT,
    VirtualCameraClips,
    VirtualCameraCollator,
    load_pretraining_motion,
)
from motionhub.tasks.trainer import TimeBudgetCallback

from motionhub import DSTformerConfig, DSTformerForPoseLifting, MotionProcessor
from motionhub.corruption import MotionBERTNoise

__all__ = ["SMALL_CONFIG", "StepLimit", "main", "small_config"]

#: The architecture of every small motionhub lifting checkpoint (0.41 M parameters).
SMALL_CONFIG = dict(dim_feat=64, dim_rep=128, depth=3, num_heads=4, mlp_ratio=2.0, maxlen=27, num_joints=17, dim_in=3)


PROCESSOR_SETTINGS: dict = {}
"""Saved processor (``preprocessor_config.json``) beyond what the config says (screen-normalised H36M-17 pixels, metres
out, 27-frame windows): nothing. The 2D of pretraining are projections of H36M-17 joints, no detector layout."""


def small_config(**overrides) -> DSTformerConfig:
    return DSTformerConfig(**{**SMALL_CONFIG, "input_normalization": "screen", "joint_layout": "h36m-17",
                              "root_relative": True, "output_units": "m", **overrides})


class StepLimit(TrainerCallback):
    """Stop after ``steps`` optimiser steps while keeping the learning-rate schedule of ``--max-steps``.

    Reproduces a run that the wall-clock limit stopped early (e.g. the committed checkpoint: schedule of 900 steps,
    stopped after 714).
    """

    def __init__(self, steps: int):
        self.steps = steps

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step >= self.steps:
            control.should_training_stop = True
        return control


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--data-root", type=Path, default=DATA_ROOT)
    p.add_argument("--max-steps", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip-len", type=int, default=27)
    p.add_argument("--max-minutes", type=float, default=None, help="stop early after this wall-clock time")
    p.add_argument("--stop-after-steps", type=int, default=None,
                   help="stop after N steps but keep the LR schedule of --max-steps (reproduces a time-limited run)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--weights", default="h36m=0.4,bandai=0.3,cmu=0.3", help="source sampling weights")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.weights.split(","))}
    motion = load_pretraining_motion(args.data_root)
    stats = {k: {"sequences": len(v), "frames_50fps": int(sum(len(s) for s in v))} for k, v in motion.items()}
    print("pretraining motion:", json.dumps(stats), flush=True)
    dataset = VirtualCameraClips(motion, args.clip_len, weights, seed=args.seed)
    collator = VirtualCameraCollator(MotionBERTNoise.from_path(args.data_root / "motionbert_noise"), seed=args.seed)
    model = DSTformerForPoseLifting(small_config(maxlen=args.clip_len))
    targs = TrainingArguments(
        output_dir=str(args.out / "_trainer"), max_steps=args.max_steps, per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr, weight_decay=0.01, warmup_steps=min(50, args.max_steps // 10),
        lr_scheduler_type="cosine", logging_steps=25, save_strategy="no", report_to="none",
        dataloader_num_workers=0, remove_unused_columns=False, use_cpu=True, seed=args.seed, disable_tqdm=True,
    )
    callbacks = [TimeBudgetCallback(args.max_minutes)] if args.max_minutes else []
    if args.stop_after_steps:
        callbacks.append(StepLimit(args.stop_after_steps))
    trainer = Trainer(model=model, args=targs, train_dataset=dataset, data_collator=collator, callbacks=callbacks)
    t0 = time.time()
    trainer.train()
    minutes = (time.time() - t0) / 60
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    MotionProcessor.from_model_config(model.config).replace(**PROCESSOR_SETTINGS).save_pretrained(args.out)
    log = {
        "command": "python " + " ".join(sys.argv),
        "steps": trainer.state.global_step, "batch_size": args.batch_size, "lr": args.lr, "clip_len": args.clip_len,
        "source_weights": weights, "data": stats, "wall_clock_minutes": round(minutes, 1),
        "log_history": trainer.state.log_history,
    }
    (args.out / "training_log.json").write_text(json.dumps(log, indent=1))
    print(f"saved {args.out} after {trainer.state.global_step} steps, {minutes:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
