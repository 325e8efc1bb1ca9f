# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Probe behind the "On a shared machine" notes: official vs motionhub (no-grad, T=243, batch 4) at several
inference chunk sizes, interleaved, optionally with busy background processes; the OpenMP settings are whatever
this process's environment gives (set OMP_WAIT_POLICY / GOMP_SPINCOUNT on the command line; torch is imported before
motionhub here, so motionhub does not choose for you).

Usage:  [OMP_WAIT_POLICY=PASSIVE] python benchmarks/probe_wait_policy.py /path/to/MotionBERT lite 3 2 4096,1000000000
        (repo, preset, repeats, background processes, comma-separated chunk sizes in tokens)
"""

from __future__ import annotations

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_dstformer as bench  # the one place that builds and times the variants


def main() -> None:
    from motionhub.encoders.dstformer.modeling_dstformer import (
        DSTformerAttention,
        DSTformerMLP,
    )

    repo, preset, repeats, load = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    chunks = [int(c) for c in sys.argv[5].split(",")]
    fns = {"official": bench.prepare(preset, "official", repo)[1]}
    model, ours = bench.prepare(preset, "sdpa", repo)

    def at_chunk(n: int):
        def fn(x):
            for module in model.modules():
                if isinstance(module, (DSTformerAttention, DSTformerMLP)):
                    module.inference_chunk_tokens = n
            return ours(x)
        return fn

    fns |= {f"chunk {c}": at_chunk(c) for c in chunks}
    with bench.background_load(load):
        times, _ = bench.interleave(fns, {}, list(fns), repeats, bench.clip())
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    print(json.dumps({"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY"),
                      "GOMP_SPINCOUNT": os.environ.get("GOMP_SPINCOUNT"), "threads": torch.get_num_threads(),
                      "background_processes": load, "preset": preset,
                      "median_s": {k: round(v, 2) for k, v in med.items()},
                      "speed_vs_official": {k: round(med["official"] / v, 2) for k, v in med.items()}}))


if __name__ == "__main__":
    main()
