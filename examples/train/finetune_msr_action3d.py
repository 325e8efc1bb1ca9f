# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Finetune a small DSTformer for action recognition on MSR Action3D with 3D (Kinect) input.

MSR Action3D (Li et al. 2010): 20 actions, 10 subjects, 567 sequences of 20 Kinect joints, ~15 fps. Standard
cross-subject split: subjects 1, 3, 5, 7, 9 train / 2, 4, 6, 8, 10 test (``load_kinect_actions`` splits).

Input of the encoder: the 20 Kinect joints converted to H36M-17 (:func:`motionhub.skeleton.to_h36m`,
``"kinect-20"`` recipe, approximate), in metres, relative to the pelvis of the first frame, y pointing down (camera
convention of the lifting pretraining), every sequence resampled to the model's 27 frames; the 3 input channels
carry (x, y, z) instead of (x, y, confidence), as STRIDE feeds 3D to DSTformer.

    OMP_NUM_THREADS=1 python examples/train/finetune_msr_action3d.py --init checkpoints/dstformer-small-pretrained \
        --out checkpoints/dstformer-small-msr-action3d --max-steps 150
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import Trainer, TrainingArguments

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lifting_data import DATA_ROOT
from motionhub.heads import DSTformerForActionClassification
from pretrain_lifting_small import small_config

from motionhub.formats import load_kinect_actions
from motionhub.processing import resample
from motionhub.processor import KINECT_3D, MotionProcessor
from motionhub.skeleton import to_h36m

__all__ = ["main", "prepare"]


PROCESSOR_SETTINGS = {"clip_normalization": KINECT_3D, "clip_len": 27, "num_persons": 1}
"""Saved processor settings: 3D Kinect clips (:func:`prepare`), 27 frames, one person."""


def prepare(seq_3d_mm: np.ndarray, layout: str, clip_len: int) -> np.ndarray:
    """``(T, J, 3)`` Kinect mm -> ``(clip_len, 17, 3)`` H36M-17 metres, first-frame pelvis at 0, y down."""
    x = to_h36m(seq_3d_mm, layout)[..., :3] / 1000.0
    x = x - x[:1, :1]
    x[..., 1] *= -1.0
    idx = resample(len(x), clip_len)
    return x[idx].astype(np.float32)


class _Clips(torch.utils.data.Dataset):
    def __init__(self, x, y, augment: bool, seed: int = 0):
        self.x, self.y, self.augment = x, y, augment
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        x = self.x[i]
        if self.augment:  # small random rotation about the vertical axis + scale
            a = self.rng.uniform(-0.3, 0.3)
            c, s = np.cos(a), np.sin(a)
            rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], dtype=np.float32)
            x = (x @ rot.T) * self.rng.uniform(0.9, 1.1)
        return {"keypoints": x.astype(np.float32), "labels": int(self.y[i])}


def _collate(features):
    return {"keypoints": torch.from_numpy(np.stack([f["keypoints"] for f in features])),
            "labels": torch.tensor([f["labels"] for f in features])}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--init", type=Path)
    g.add_argument("--scratch", action="store_true")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--data", type=Path, default=DATA_ROOT / "kinect_actions" / "msr_action3d.npz")
    p.add_argument("--max-steps", type=int, default=150)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--hidden-size", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--results", type=Path, default=None)
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)

    ds = load_kinect_actions(args.data)
    clip_len = 27
    xs = np.stack([prepare(s.keypoints_3d, s.layout, clip_len) for s in ds.sequences])
    ys = np.array([s.label for s in ds.sequences])
    train, test = np.asarray(ds.splits["train"]), np.asarray(ds.splits["test"])
    head = dict(num_labels=len(ds.class_names), action_hidden_size=args.hidden_size,
                id2label=dict(enumerate(ds.class_names)))
    if args.init is not None:
        model = DSTformerForActionClassification.from_pretrained(args.init, **head)
    else:
        model = DSTformerForActionClassification(small_config(**head))
    targs = TrainingArguments(
        output_dir=str(args.out / "_trainer"), max_steps=args.max_steps, per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr, weight_decay=0.01, warmup_steps=min(20, args.max_steps // 10),
        lr_scheduler_type="cosine", logging_steps=10, save_strategy="no", report_to="none",
        dataloader_num_workers=0, remove_unused_columns=False, use_cpu=True, seed=args.seed, data_seed=args.seed,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=targs, train_dataset=_Clips(xs[train], ys[train], True, args.seed),
                      data_collator=_collate)
    t0 = time.time()
    trainer.train()
    minutes = (time.time() - t0) / 60
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(torch.from_numpy(xs[test][i:i + 64])).logits for i in range(0, len(test), 64)])
    acc = float((logits.argmax(-1).numpy() == ys[test]).mean())
    args.out.mkdir(parents=True, exist_ok=True)
    model.config.input_normalization = "kinect_3d_metres_first_frame_pelvis"
    model.save_pretrained(args.out)
    settings = {**PROCESSOR_SETTINGS, "clip_len": clip_len}
    MotionProcessor.from_model_config(model.config).replace(**settings).save_pretrained(args.out)
    res = {
        "model": args.out.name, "task": "action-classification",
        "dataset": "MSR Action3D (20 classes), cross-subject: subjects 1,3,5,7,9 train / 2,4,6,8,10 test",
        "input": "3D Kinect joints -> H36M-17 (approximate), metres, first-frame pelvis origin, y down, 27 frames",
        "init": str(args.init) if args.init else "scratch", "top1_accuracy": round(acc, 4),
        "num_train": len(train), "num_test": len(test),
        "training": {"command": "python " + " ".join(sys.argv), "steps": trainer.state.global_step,
                     "batch_size": args.batch_size, "lr": args.lr, "wall_clock_minutes": round(minutes, 1)},
    }
    (args.out / "training_log.json").write_text(json.dumps({**res, "log_history": trainer.state.log_history}, indent=1))
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(res, indent=1) + "\n")
    print(f"MSR Action3D top-1 {acc:.4f} ({len(test)} test clips), {minutes:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
