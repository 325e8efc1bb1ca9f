# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Long videos: does ``motionhub lift`` scale linearly in time with bounded memory?

For each length (default 1,000 / 10,000 / 100,000 frames) a child process writes a generic ``.npz`` of one person's
2D keypoints (a smooth random walk of a COCO-17 skeleton in a 1920x1080 image, pixels, with confidence) and runs the
``motionhub lift FILE -o out.npz`` command in-process on the embedded default model (flip on, as users run it).
Reported per length: wall time of the command (start-up excluded: the child imports motionhub first), ms per
frame, peak resident memory of the child (``ru_maxrss``) and how much of it is not the input and output arrays
(which grow with the length by necessity: ``(T, 17, 3)`` in, ``(T, 17, 3)`` out).

Usage:  python benchmarks/bench_long_video.py [--frames 1000 10000 100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def child(frames: int, folder: str) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    base = np.array([[0, -80], [-8, -88], [8, -88], [-16, -84], [16, -84], [-30, -50], [30, -50], [-40, -10],
                     [40, -10], [-45, 25], [45, 25], [-18, 30], [18, 30], [-20, 90], [20, 90], [-22, 150],
                     [22, 150]], float) * 2.5  # a standing COCO-17 skeleton, ~600 px tall
    centre = np.cumsum(rng.normal(0, 1.5, (frames, 2)), axis=0) + [960, 540]
    sway = 10 * np.sin(np.arange(frames) / 15.0)[:, None, None]
    xy = base[None] + centre[:, None] + sway + rng.normal(0, 2, (frames, 17, 2))
    kp = np.concatenate([xy, rng.uniform(0.6, 1.0, (frames, 17, 1))], -1).astype(np.float32)
    path = os.path.join(folder, f"walk_{frames}.npz")
    np.savez(path, keypoints_2d=kp, layout="coco-17", fps=30.0, image_size=[1920, 1080])
    from motionhub.cli import main

    main(["info", "default"])  # imports and model loading outside the timed command
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    code = main(["lift", path, "-o", os.path.join(folder, f"out_{frames}.npz"), "-q"])
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    arrays_mb = 2 * kp.nbytes / 2**20 * (8 / 4)  # one (T, 17, 3) input and one output array, counted as float64
    print(json.dumps({"frames": frames, "exit": code, "seconds": seconds, "ms_per_frame": 1000 * seconds / frames,
                      "peak_rss_mb": peak, "rss_before_mb": before, "arrays_mb": arrays_mb}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--frames", type=int, nargs="+", default=[1000, 10000, 100000])
    p.add_argument("--json", default=None, help="write the results here")
    p.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.folder)
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.frames:
            out = subprocess.run([sys.executable, __file__, "--child", str(n), "--folder", folder],
                                 capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)
    first = rows[0]
    print(f"load average {os.getloadavg()[0]:.1f}; `motionhub lift` of the default model, flip on, one person")
    print("| frames | seconds | ms / frame | time vs linear from the first | peak RSS MB | above start MB | "
          "one input + one output array (float64) MB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        linear = first["seconds"] * r["frames"] / first["frames"]
        print(f"| {r['frames']:,} | {r['seconds']:.1f} | {r['ms_per_frame']:.2f} | {r['seconds'] / linear:.2f}x | "
              f"{r['peak_rss_mb']:.0f} | {r['peak_rss_mb'] - r['rss_before_mb']:.0f} | {r['arrays_mb']:.0f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "load_average": os.getloadavg()[0]}, f, indent=1)


if __name__ == "__main__":
    main()
