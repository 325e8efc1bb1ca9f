# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""A folder of short clips: one ``motionhub lift DIR -o OUT/`` call against one ``motionhub lift FILE`` call per clip.

The clips are cut from the CMU demo (``motionhub/demo/cmu_walk_2d.npz``, 143 frames, H36M-17 pixels): lengths
30-143 frames, each shifted by a random image offset and a little noise so that no two files are equal, written as
generic ``.npz`` files (the usual case: a dataset of action clips or a folder of detector outputs). Both ways run the
embedded default model with the command's default flags (flip on) and write one ``.npz`` per clip; the wall time of
each includes everything a user waits for (process start, imports, model load, reading, lifting, writing). The
per-call time is the median of the separate calls; with ``--separate-calls K`` smaller than ``--clips`` only K clips
are lifted one call at a time and the total for every clip is that median x ``--clips`` (stated in the output).

Usage:  python benchmarks/bench_batch_lift.py [--clips 1000] [--separate-calls 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_clips(folder: str, n: int, seed: int = 0) -> list[str]:
    """``n`` generic .npz clips in ``folder`` (see the module docstring)."""
    from motionhub.formats import MotionSequence
    from motionhub.formats.generic import load_generic, save_generic

    demo = load_generic(os.path.join(ROOT, "motionhub", "demo", "cmu_walk_2d.npz"))
    kp = demo.keypoints_2d
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        length = int(rng.integers(30, kp.shape[0] + 1))
        start = int(rng.integers(0, kp.shape[0] - length + 1))
        clip = kp[start:start + length].copy()
        clip[..., :2] += rng.uniform(-50, 50, 2) + rng.normal(0, 1.0, clip[..., :2].shape)
        path = os.path.join(folder, f"clip_{i:05d}.npz")
        save_generic(path, MotionSequence(keypoints_2d=clip, layout=demo.layout, fps=demo.fps,
                                          image_size=demo.image_size))
        paths.append(path)
    return paths


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clips", type=int, default=1000)
    p.add_argument("--separate-calls", type=int, default=None,
                   help="clips lifted one process each (default: all of them)")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    separate = args.clips if args.separate_calls is None else min(args.separate_calls, args.clips)
    exe = shutil.which("motionhub") or os.path.join(os.path.dirname(sys.executable), "motionhub")
    work = tempfile.mkdtemp(prefix="bench_batch_")
    try:
        src = os.path.join(work, "clips")
        os.makedirs(src)
        paths = write_clips(src, args.clips)
        frames = sum(int(np.load(q)["keypoints_2d"].shape[0]) for q in paths)
        out = os.path.join(work, "out_batch")
        t0 = time.perf_counter()
        subprocess.run([exe, "lift", src, "-o", out, "-q"], check=True, capture_output=True, cwd=ROOT)
        batch_s = time.perf_counter() - t0
        written = len([f for f in os.listdir(out) if f.endswith("_pose3d.npz")])  # the folder mode's names
        if written != args.clips:
            raise SystemExit(f"the folder call wrote {written} of {args.clips} outputs")
        single_dir = os.path.join(work, "out_single")
        os.makedirs(single_dir)
        times = []
        for q in paths[:separate]:
            t0 = time.perf_counter()
            subprocess.run([exe, "lift", q, "-o", os.path.join(single_dir, os.path.basename(q)), "-q"], check=True,
                           capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
        per_call = float(np.median(times))
        single_total = float(np.sum(times)) if separate == args.clips else per_call * args.clips
        # the same numbers both ways (one model, default flags)
        a = np.load(os.path.join(out, os.path.basename(paths[0])[:-4] + "_pose3d.npz"))["pose_3d"]
        b = np.load(os.path.join(single_dir, os.path.basename(paths[0])))["pose_3d"]
        diff = float(np.abs(a - b).max())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    res = {
        "clips": args.clips, "frames": frames, "separate_calls_measured": separate,
        "one_call_seconds": round(batch_s, 2), "per_clip_in_one_call_seconds": round(batch_s / args.clips, 4),
        "separate_call_median_seconds": round(per_call, 3),
        # the spread of the measured calls: what an extrapolated total (median x clips) rests on
        "separate_call_min_max_seconds": [round(float(np.min(times)), 3), round(float(np.max(times)), 3)],
        "separate_call_p10_p90_seconds": [round(float(np.percentile(times, 10)), 3),
                                          round(float(np.percentile(times, 90)), 3)],
        "separate_calls_measured_seconds": round(float(np.sum(times)), 1),
        "separate_calls_total_seconds": round(single_total, 1),
        "separate_total_is_extrapolated": separate != args.clips,
        "speedup": round(single_total / batch_s, 1), "max_abs_diff_first_clip": diff,
        "load_average": round(load, 2), "threads": os.cpu_count(),
    }
    how = (f"{separate} separate calls measured, median x {args.clips}" if separate != args.clips
           else f"{args.clips} separate calls")
    print(f"{args.clips} clips ({frames} frames): one `motionhub lift DIR -o OUT/` call {batch_s:.1f} s "
          f"({batch_s / args.clips * 1000:.0f} ms per clip); one call per clip {single_total:.0f} s ({how}; median "
          f"{per_call:.2f} s per call, 10-90 % {res['separate_call_p10_p90_seconds']}): {res['speedup']}x; same output (max diff {diff:.1e}); load average {load:.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
