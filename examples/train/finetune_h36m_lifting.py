# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Finetune (or train from scratch) a small DSTformer for 3D pose on Human3.6M with the real SH detections.

Training subjects S1, S5, S6, S7 (S8 held out). Input: the Stacked-Hourglass 2D detections (16 MPII joints converted
to H36M-17 by :func:`motionhub.skeleton.to_h36m`, ``mpii_convention="h36m_sh"``), screen-normalised with the camera's
image size, confidence 1. Target: root-relative camera-space 3D in metres. Loss: MotionBERT pose3d (config lambdas).

``--init DIR`` starts from a pretrained checkpoint; ``--scratch`` from a random init of the same architecture. Both
use exactly the same data order, steps, batch size and learning-rate schedule (equal training budget).

    OMP_NUM_THREADS=1 python examples/train/finetune_h36m_lifting.py --init checkpoints/dstformer-small-pretrained \
        --out checkpoints/dstformer-small-h36m --max-steps 800
    OMP_NUM_THREADS=1 python examples/train/finetune_h36m_lifting.py --scratch \
        --out /tmp/dstformer-small-h36m-scratch --max-steps 800
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
from transformers import Trainer, TrainingArguments

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lifting_data import DATA_ROOT, ClipDataset, lifting_collator, load_h36m_lifting_clips
from pretrain_lifting_small import small_config

from motionhub import DSTformerForPoseLifting, MotionProcessor

__all__ = ["main"]


PROCESSOR_SETTINGS = {"mpii_convention": "h36m_sh"}
"""Saved processor settings beyond the config: the training input was Stacked-Hourglass MPII-16 detections converted
with ``mpii_convention="h36m_sh"``, so raw SH detections given to the model are converted the same way."""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--init", type=Path, help="pretrained checkpoint folder")
    g.add_argument("--scratch", action="store_true", help="random initialisation (same architecture)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--data-root", type=Path, default=DATA_ROOT)
    p.add_argument("--max-steps", type=int, default=800)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip-len", type=int, default=27)
    p.add_argument("--stride", type=int, default=27, help="frame step between training clips")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    inputs, labels = load_h36m_lifting_clips(args.data_root, clip_len=args.clip_len, stride=args.stride)
    print(f"H36M S1/S5/S6/S7 clips: {inputs.shape}", flush=True)
    if args.init is not None:
        model = DSTformerForPoseLifting.from_pretrained(args.init)
    else:
        model = DSTformerForPoseLifting(small_config(maxlen=args.clip_len))
    targs = TrainingArguments(
        output_dir=str(args.out / "_trainer"), max_steps=args.max_steps, per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr, weight_decay=0.01, warmup_steps=min(50, args.max_steps // 10),
        lr_scheduler_type="cosine", logging_steps=25, save_strategy="no", report_to="none",
        dataloader_num_workers=0, remove_unused_columns=False, use_cpu=True, seed=args.seed, data_seed=args.seed,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=targs, train_dataset=ClipDataset(inputs, labels),
                      data_collator=lifting_collator)
    t0 = time.time()
    trainer.train()
    minutes = (time.time() - t0) / 60
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    MotionProcessor.from_model_config(model.config).replace(**PROCESSOR_SETTINGS).save_pretrained(args.out)
    log = {
        "command": "python " + " ".join(sys.argv), "init": str(args.init) if args.init else "scratch",
        "steps": trainer.state.global_step, "batch_size": args.batch_size, "lr": args.lr, "clip_len": args.clip_len,
        "train_clips": len(inputs), "clip_stride": args.stride, "wall_clock_minutes": round(minutes, 1),
        "log_history": trainer.state.log_history,
    }
    (args.out / "training_log.json").write_text(json.dumps(log, indent=1))
    print(f"saved {args.out} after {trainer.state.global_step} steps, {minutes:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
