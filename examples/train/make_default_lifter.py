#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Make a finished campaign run the embedded default lifting model (``motionhub/pretrained/dstformer-lift-default``).

Writes the model (``save_pretrained``: safetensors with its weight-bound config record), its processor (the
campaign's input convention: H36M-17, MPII files converted with the ``mpii`` convention, screen normalisation, metres
out) and ``results/dstformer-lift-default-speed.json``: the measured time to lift 1,000 frames with flip averaging
on this machine (model time: the pipeline call on an array, after one warm-up call; median of ``--repeats``).

    python examples/train/make_default_lifter.py --run runs/dstformer-lift-final --threads 2

The card is written by ``examples/train/write_cards.py`` from the results files (S8 numbers: ``motionhub evaluate``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "motionhub" / "pretrained" / "dstformer-lift-default"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign_lifting import PROCESSOR_SETTINGS as CAMPAIGN_PROCESSOR  # noqa: E402 - how the campaign prepared input


def measure_lift_time(model, *, frames: int = 1000, repeats: int = 5, flip: bool = True) -> dict:
    """Median wall-clock seconds of ``PoseLiftingPipeline(model, flip=flip)(x)`` for ``frames`` frames of pixels."""
    import numpy as np

    from motionhub.pipelines import PoseLiftingPipeline

    rng = np.random.default_rng(0)
    kp = np.concatenate([rng.uniform(300, 700, (frames, 17, 2)), np.ones((frames, 17, 1))], axis=-1)
    pipe = PoseLiftingPipeline(model, flip=flip, progress=False)
    pipe(kp, image_size=(1000, 1000))  # warm-up: first-call allocations
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        pipe(kp, image_size=(1000, 1000))
        times.append(time.perf_counter() - t0)
    return {"frames": frames, "flip": flip, "repeats": repeats, "median_seconds": round(statistics.median(times), 4),
            "min_seconds": round(min(times), 4), "max_seconds": round(max(times), 4),
            "ms_per_frame": round(1000 * statistics.median(times) / frames, 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, required=True, help="campaign run folder with a final/ model")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--threads", type=int, default=2, help="torch threads for the timing (default 2)")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    final = args.run / "final"
    if not (final / "model.safetensors").is_file():
        raise SystemExit(f"error: {final} has no model.safetensors: finish the run first "
                         f"(python examples/train/campaign_lifting.py --run {args.run})")  # fmt: skip
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    from motionhub import DSTformerForPoseLifting, MotionProcessor
    from motionhub.io_utils import write_text

    torch.set_num_threads(args.threads)
    model = DSTformerForPoseLifting.from_pretrained(final).eval()
    model.config._attn_implementation = "sdpa"  # the campaign trained with eager (faster backward); both compute the same
    model.save_pretrained(args.out)
    MotionProcessor.from_model_config(model.config).replace(**CAMPAIGN_PROCESSOR).save_pretrained(args.out)
    run = json.loads((args.run / "run.json").read_text())
    curve = json.loads((args.run / "curve.json").read_text()) if (args.run / "curve.json").exists() else {}
    last = (curve.get("points") or [{}])[-1]
    speed = measure_lift_time(DSTformerForPoseLifting.from_pretrained(args.out).eval(), repeats=args.repeats)
    speed.update(threads=args.threads, torch=torch.__version__, machine=platform.machine(),
                 cpu_count=os.cpu_count(), command="python examples/train/make_default_lifter.py "
                 + " ".join(argv if argv is not None else sys.argv[1:]))  # fmt: skip
    record = {"model": "dstformer-lift-default", "from_run": str(args.run), "run_settings": run,
              "training_at_end": {k: last.get(k) for k in ("step", "frames_seen", "cpu_hours", "train_seconds")},
              "lift_1000_frames": speed}  # fmt: skip
    write_text(REPO / "results" / "dstformer-lift-default-speed.json", json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out} (model + processor); lifting 1,000 frames with flip: {speed['median_seconds']} s "
          f"({speed['ms_per_frame']} ms/frame, {args.threads} threads)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
