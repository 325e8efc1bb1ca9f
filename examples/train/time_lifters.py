#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model time to lift 1,000 frames (flip on) for each lifting model folder given: the speed column of the results
table (results/README.md), measured in one run so that the models are compared on the same machine state.

    python examples/train/time_lifters.py motionhub/pretrained/dstformer-lift-default runs/stmo-lift-s8heldout/final \\
        runs/mpm-lift-s8heldout/final --threads 2 --json results/lifter-speed.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_default_lifter import measure_lift_time  # noqa: E402 - the one timing procedure of the default's card


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+", type=Path, help="lifting model folders (save_pretrained)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", type=Path, default=None, help="write the timings here")
    args = p.parse_args(argv)
    import torch

    from motionhub import AutoModelForPoseLifting

    torch.set_num_threads(args.threads)
    out = {"threads": args.threads, "models": {}}
    for folder in args.models:
        model = AutoModelForPoseLifting.from_pretrained(folder).eval()
        timing = measure_lift_time(model, repeats=args.repeats)
        timing["params"] = sum(t.numel() for t in model.parameters())
        out["models"][str(folder)] = timing
        print(f"{folder}: {timing['median_seconds']:.3f} s / 1,000 frames (flip), {timing['params']:,} params",
              flush=True)
    if args.json is not None:
        from motionhub.io_utils import write_text

        write_text(args.json, json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
