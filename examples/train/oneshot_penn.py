# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""One-shot action recognition on Penn Action with a small DSTformer (SupCon on auxiliary classes, 1-NN on novel ones).

Protocol (motionhub's own, NTU-120-one-shot style):

* novel (held-out) classes: ``bench_press, golf_swing, pullup, squat, tennis_serve`` (every third of the 15 Penn
  classes, indices 2, 5, 8, 11, 14); never seen in training;
* training: supervised contrastive loss (:class:`motionhub.losses.SupConLoss`, temperature 0.1) of
  ``DSTformerForActionEmbedding`` on the **train** split clips of the 10 auxiliary classes, batches of 8 classes x 2
  clips;
* evaluation: ONE exemplar per novel class (its first train-split video in video-id order); queries = every
  test-split video of the novel classes; 1-NN by cosine similarity (:class:`motionhub.heads.OneShotEvaluator`).

Input: Penn's 13 joints -> H36M-17 (:func:`motionhub.skeleton.to_h36m`), pixels screen-normalised with the video's
size (as the lifting pretraining), visibility as confidence, resampled to 27 frames.

    OMP_NUM_THREADS=1 python examples/train/oneshot_penn.py --init checkpoints/dstformer-small-pretrained \
        --out checkpoints/dstformer-small-penn-oneshot --max-steps 120
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
from motionhub.heads import DSTformerForActionEmbedding, OneShotEvaluator
from pretrain_lifting_small import small_config

from motionhub.formats import load_penn_action_dataset
from motionhub.processing import normalize_screen, resample
from motionhub.processor import MotionProcessor
from motionhub.skeleton import to_h36m

__all__ = ["NOVEL_CLASSES", "main"]

NOVEL_CLASSES = ("bench_press", "golf_swing", "pullup", "squat", "tennis_serve")

PROCESSOR_SETTINGS = {"clip_normalization": "screen", "clip_len": 27, "num_persons": 1}
"""Saved processor settings: the clips of :func:`prepare` (screen-normalised, 27 frames, one person)."""


def prepare(seq, clip_len: int = 27) -> np.ndarray:
    kp = to_h36m(seq.keypoints_2d, seq.layout)
    w, h = seq.image_size
    x = normalize_screen(kp, w, h)
    if x.shape[-1] == 2:
        x = np.concatenate([x, np.ones_like(x[..., :1])], axis=-1)
    x = np.nan_to_num(x)
    return x[resample(len(x), clip_len)].astype(np.float32)


class _ClassBalanced(torch.utils.data.IterableDataset):
    """Endless batches-worth of (clip, label): ``classes_per_batch`` classes x ``per_class`` clips, in order."""

    def __init__(self, x, y, classes_per_batch=8, per_class=2, seed=0):
        self.x, self.y = x, y
        self.by_class = {c: np.flatnonzero(y == c) for c in np.unique(y)}
        self.cpb, self.pc, self.seed = classes_per_batch, per_class, seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        classes = np.array(sorted(self.by_class))
        while True:
            for c in rng.choice(classes, size=min(self.cpb, len(classes)), replace=False):
                for i in rng.choice(self.by_class[c], size=self.pc, replace=False):
                    yield {"keypoints": self.x[i], "labels": int(self.y[i])}


def _collate(features):
    return {"keypoints": torch.from_numpy(np.stack([f["keypoints"] for f in features])),
            "labels": torch.tensor([f["labels"] for f in features])}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--init", type=Path)
    g.add_argument("--scratch", action="store_true")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--data", type=Path, default=DATA_ROOT / "penn_action")
    p.add_argument("--max-steps", type=int, default=120)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--embedding-size", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--results", type=Path, default=None)
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)

    ds = load_penn_action_dataset(args.data)
    names = list(ds.class_names)
    novel = [names.index(c) for c in NOVEL_CLASSES]
    aux = [i for i in range(len(names)) if i not in novel]
    x = np.stack([prepare(s) for s in ds.sequences])
    y = np.array([int(s.label) for s in ds.sequences])
    vid = np.array([str(s.meta["video_id"]) for s in ds.sequences])
    train, test = np.asarray(ds.splits["train"]), np.asarray(ds.splits["test"])
    aux_train = train[np.isin(y[train], aux)]
    relabel = {c: k for k, c in enumerate(aux)}
    exemplars = [train[y[train] == c][np.argsort(vid[train][y[train] == c])[0]] for c in novel]
    queries = test[np.isin(y[test], novel)]

    head = dict(embedding_size=args.embedding_size)
    if args.init is not None:
        model = DSTformerForActionEmbedding.from_pretrained(args.init, **head)
    else:
        model = DSTformerForActionEmbedding(small_config(**head))
    y_aux = np.array([relabel[c] for c in y[aux_train]])
    targs = TrainingArguments(
        output_dir=str(args.out / "_trainer"), max_steps=args.max_steps, per_device_train_batch_size=16,
        learning_rate=args.lr, weight_decay=0.01, warmup_steps=min(20, args.max_steps // 10),
        lr_scheduler_type="cosine", logging_steps=10, save_strategy="no", report_to="none",
        dataloader_num_workers=0, remove_unused_columns=False, use_cpu=True, seed=args.seed, disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=targs, train_dataset=_ClassBalanced(x[aux_train], y_aux, seed=args.seed),
                      data_collator=_collate)
    t0 = time.time()
    trainer.train()
    minutes = (time.time() - t0) / 60
    res = OneShotEvaluator(model, batch_size=64).evaluate(
        x[exemplars], x[queries], support_labels=y[exemplars], query_labels=y[queries])
    acc = float(res.accuracy)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    MotionProcessor.from_model_config(model.config).replace(**PROCESSOR_SETTINGS).save_pretrained(args.out)
    out = {
        "model": args.out.name, "task": "one-shot action recognition",
        "dataset": "Penn Action; SupCon on the train split of 10 auxiliary classes; 1 exemplar per novel class",
        "novel_classes": list(NOVEL_CLASSES), "auxiliary_classes": [names[c] for c in aux],
        "exemplars": [str(vid[i]) for i in exemplars], "num_queries": len(queries),
        "input": "Penn-13 -> H36M-17, screen-normalised pixels + visibility, resampled to 27 frames",
        "init": str(args.init) if args.init else "scratch", "oneshot_accuracy": round(acc, 4),
        "chance": round(1 / len(novel), 4),
        "training": {"command": "python " + " ".join(sys.argv), "steps": trainer.state.global_step, "batch_size": 16,
                     "lr": args.lr, "wall_clock_minutes": round(minutes, 1)},
    }
    (args.out / "training_log.json").write_text(json.dumps({**out, "log_history": trainer.state.log_history}, indent=1))
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(out, indent=1) + "\n")
    print(f"Penn one-shot accuracy {acc:.4f} on {len(queries)} queries ({len(novel)} novel classes), {minutes:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
