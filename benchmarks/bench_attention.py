# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Which attention kernel is faster for DSTformer's sequences on this CPU: SDPA (the CPU flash kernel) or the
materialised score matrix (``softmax(q k^T * scale) v``, :func:`eager_attention_forward`)?

The shapes are the ones the models run: spatial attention over the 17 joints of every frame and temporal attention
over the frames of every joint, for the zoo's models (4 heads of 16, 27-frame windows; a lift batch of 8 windows
x 2 for the flip, and a training batch of 64 clips) and for MotionBERT-Lite / full (8 heads of 32 / 64, T = 243,
batch 4). Each case is timed without autograd (inference) and as forward + backward (training), kernels interleaved,
median of ``--repeats``. DSTformerAttention.eager_max_tokens is chosen from this table.

Usage:  python benchmarks/bench_attention.py [--repeats 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

# (label, sequences N, heads H, length L, head size d)
CASES = [
    ("zoo lift, spatial", 16 * 27, 4, 17, 16),
    ("zoo lift, temporal", 16 * 17, 4, 27, 16),
    ("zoo training, spatial", 64 * 27, 4, 17, 16),
    ("zoo training, temporal", 64 * 17, 4, 27, 16),
    ("Lite, spatial", 4 * 243, 8, 17, 32),
    ("Lite, temporal", 4 * 17, 8, 243, 32),
    ("full, spatial", 4 * 243, 8, 17, 64),
    ("full, temporal", 4 * 17, 8, 243, 64),
]


def _materialised(q, k, v, scale):
    return ((q @ k.transpose(-2, -1)) * scale).softmax(dim=-1) @ v


def _sdpa(q, k, v, scale):
    return F.scaled_dot_product_attention(q, k, v, scale=scale)


def _timer(kernel, shape, grad: bool):
    q, k, v = (torch.randn(shape, requires_grad=grad) for _ in range(3))
    scale = shape[-1] ** -0.5

    def run() -> float:
        t0 = time.perf_counter()
        if grad:
            kernel(q, k, v, scale).sum().backward()
        else:
            with torch.no_grad():
                kernel(q, k, v, scale)
        return time.perf_counter() - t0

    return run


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for label, n, h, length, d in CASES:
        for grad in (False, True):
            timers = {name: _timer(fn, (n, h, length, d), grad) for name, fn in
                      (("sdpa", _sdpa), ("materialised", _materialised))}
            for run in timers.values():  # warm-up
                run(), run()
            times = {name: [] for name in timers}
            for _ in range(args.repeats):
                for name, run in timers.items():
                    times[name].append(run())
            med = {name: statistics.median(v) * 1e3 for name, v in times.items()}
            rows.append({"case": label, "shape": [n, h, length, d], "mode": "forward+backward" if grad else "no-grad",
                         "sdpa_ms": med["sdpa"], "materialised_ms": med["materialised"],
                         "materialised_speedup": med["sdpa"] / med["materialised"]})
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"torch {torch.__version__}, {args.threads} threads, median of {args.repeats}, load average {load}")
    print("| case | (N, H, L, d) | mode | SDPA ms | materialised ms | materialised vs SDPA |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {tuple(r['shape'])} | {r['mode']} | {r['sdpa_ms']:.2f} | {r['materialised_ms']:.2f} | "
              f"{r['materialised_speedup']:.2f}x |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": args.threads, "repeats": args.repeats,
                       "load_average": load, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
