# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Start-up: wall time of ``import motionhub``, ``motionhub --help``, every ``COMMAND --help`` and a whole ``lift`` of
the 143-frame demo, each a fresh process, median of ``--repeats``, against a bare ``import torch`` in the same run.

Usage:  python benchmarks/bench_startup.py [--repeats 5] [--json out.json]
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", default=None)
    args = p.parse_args()
    exe = shutil.which("motionhub") or os.path.join(os.path.dirname(sys.executable), "motionhub")
    out = os.path.join(tempfile.mkdtemp(), "pose3d.npz")
    cases = {
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
        "python -c 'import motionhub'": [sys.executable, "-c", "import motionhub"],
        "motionhub --help": [exe, "--help"],
        **{f"motionhub {c} --help": [exe, c, "--help"] for c in ("lift", "evaluate", "convert", "export")},
        "motionhub lift demo (143 frames)": [exe, "lift", "motionhub/demo/cmu_walk_2d.npz", "-o", out, "-q"],
    }
    rows = {name: timed(cmd, args.repeats) for name, cmd in cases.items()}
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.repeats} fresh processes")
    print("| command | seconds |")
    print("|---|---|")
    for name, s in rows.items():
        print(f"| `{name}` | {s:.2f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seconds": rows, "load_average": os.getloadavg()[0]}, f, indent=1)


if __name__ == "__main__":
    main()
