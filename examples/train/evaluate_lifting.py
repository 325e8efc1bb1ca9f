# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Evaluate a motionhub lifting checkpoint on generic-format files (e.g. the H36M S8 files of make_h36m_eval_npz.py).

Uses :func:`motionhub.pipelines.evaluate_lifting_files` (the same code path as ``motionhub evaluate``): pooled
MPJPE / P-MPJPE in mm over every frame of every file, non-overlapping 27-frame windows, no flip.

    python examples/train/evaluate_lifting.py checkpoints/dstformer-small-h36m /tmp/h36m_s8_eval_540 \
        --json results/dstformer-small-h36m.json --name dstformer-small-h36m
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from motionhub import DSTformerForPoseLifting
from motionhub.pipelines import evaluate_lifting_files

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("checkpoint", type=Path)
    p.add_argument("data", type=Path, help="folder of generic .npz files (or one file)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument("--name", default=None)
    p.add_argument("--flip", action="store_true")
    p.add_argument("--extra", default="{}", help="JSON merged into the results file (protocol notes, ...)")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    files = sorted(args.data.glob("*.npz")) if args.data.is_dir() else [args.data]
    model = DSTformerForPoseLifting.from_pretrained(args.checkpoint).eval()
    t0 = time.time()
    res = evaluate_lifting_files(model, files, flip=args.flip)
    print(f"{args.checkpoint}: MPJPE {res['mpjpe_mm']:.1f} mm, P-MPJPE {res['p_mpjpe_mm']:.1f} mm "
          f"({res['num_files']} files, {res['num_frames']} frames, {time.time() - t0:.0f} s)")
    if args.json:
        log_path = args.checkpoint / "training_log.json"
        training = json.loads(log_path.read_text()) if log_path.exists() else {}
        out = {
            "model": args.name or args.checkpoint.name,
            "checkpoint": str(args.checkpoint),
            "task": "3d-pose-lifting",
            "dataset": "Human3.6M (3d-pose-baseline set), held-out subject S8, real Stacked-Hourglass 2D detections",
            "eval_files": f"{res['num_files']} files from examples/train/make_h36m_eval_npz.py",
            "protocol": "pooled over all frames; root-relative (pelvis) camera-space 3D; model output metres x 1000; "
                        "no ground-truth scale; non-overlapping 27-frame windows (last one aligned to the end); "
                        + ("flip averaging" if args.flip else "no flip"),
            "mpjpe_mm": round(res["mpjpe_mm"], 2),
            "p_mpjpe_mm": round(res["p_mpjpe_mm"], 2),
            "num_frames": res["num_frames"],
            "training": {k: v for k, v in training.items() if k != "log_history"},
            "final_train_loss": next((h["loss"] for h in reversed(training.get("log_history", [])) if "loss" in h),
                                     None),
            "evaluate_command": "python " + " ".join(sys.argv),
            **json.loads(args.extra),
            "per_file": res["per_file"],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
