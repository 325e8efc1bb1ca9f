# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Choose and measure the root trajectory of :mod:`motionhub.world` on Human3.6M evaluation files.

Lifts every file of a folder once (generic npz with 2D detections, absolute camera-space ground truth and the camera
in ``meta_json``, written by ``make_h36m_eval_npz.py``), then places the root with each setting of the grid and
with the bone-ratio baseline, and prints a markdown table: root error, camera-space MPJPE (pose + root), depth
error, up-vector error of the world frame, and the oracle row (the ground-truth root-relative pose placed by the same
solver: what remains when the pose is perfect). The defaults of ``motionhub.world`` (``DEFAULT_SMOOTH_SECONDS``,
``ROBUST_SCALE``) were chosen with this script on a training subject (S1), then measured on S8::

    python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s1_eval540 --max-frames 540 --subjects S1
    python examples/train/evaluate_trajectory.py --model MODEL --data /tmp/h36m_s1_eval540 --grid
    python examples/train/evaluate_trajectory.py --model MODEL --data /tmp/h36m_s8_eval_full -o results/trajectory_s8.json

``motionhub evaluate MODEL DATA --protocol metric --trajectory`` reports the default setting's numbers through the
library's one evaluation path.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def _rows(grid: bool) -> list[tuple[str, dict]]:
    from motionhub.world import DEFAULT_SMOOTH_SECONDS, ROBUST_SCALE

    rows = [("default", {"smooth_seconds": DEFAULT_SMOOTH_SECONDS, "robust_scale": ROBUST_SCALE})]
    if grid:
        for s in (0.0, 0.25, 0.5, 1.0, 2.0):
            for r in (0.01, 0.02, 0.05, 1.0):
                rows.append((f"smooth {s:g} s, robust {r:g}", {"smooth_seconds": s, "robust_scale": r}))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="a metric lifting model (folder, repo id or 'default')")
    p.add_argument("--data", type=Path, required=True, help="folder of evaluation npz files")
    p.add_argument("--grid", action="store_true", help="also the grid of smoothing windows and robust scales")
    p.add_argument("--flip", action=argparse.BooleanOptionalAction, default=False)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("-o", "--output", type=Path, default=None, help="write the table as json")
    args = p.parse_args(argv)

    import torch

    from motionhub.formats import load_motion
    from motionhub.pipelines import PoseLiftingPipeline
    from motionhub.skeleton import get_layout
    from motionhub.world import resolve_intrinsics, root_from_bone_ratio, solve_root, to_world

    if args.threads:
        torch.set_num_threads(args.threads)
    files = sorted(args.data.glob("*.npz"))
    if not files:
        raise SystemExit(f"no .npz files in {args.data}")
    pipe = PoseLiftingPipeline(None if args.model == "default" else args.model, flip=args.flip, progress=False)
    if pipe.output_units not in ("m", "mm"):
        raise SystemExit(f"{args.model} predicts {pipe.output_units!r} units: the trajectory needs a metric model")
    parents = get_layout("h36m-17").parents
    rows = _rows(args.grid) + [("oracle pose (ground-truth root-relative), default", {"oracle": True})]
    sums: dict[str, dict[str, float]] = {name: {} for name, _ in rows + [("bone-ratio baseline", {})]}
    frames = 0
    start = time.perf_counter()
    lift_seconds = 0.0
    for path in files:
        seq = load_motion(path)
        t0 = time.perf_counter()
        res = pipe(seq)
        lift_seconds += time.perf_counter() - t0
        scale = 0.001 if res.units == "mm" else 1.0
        pose = res.pose_3d.astype(np.float64) * scale
        kp = res.keypoints_2d_pixels.astype(np.float64)
        gt = seq.keypoints_3d.astype(np.float64) / 1000.0
        cam = seq.meta["camera"]
        intr = resolve_intrinsics(seq.image_size, cam)
        up = np.asarray(cam["world_up_camera"])
        n = len(gt)
        frames += n

        def add(name: str, root: np.ndarray, pose_rel: np.ndarray, up_deg: float | None) -> None:
            acc = sums[name]
            r = np.where(np.isfinite(root), root, 0.0)
            vals = {
                "root_error_mm": 1000 * np.linalg.norm(r - gt[:, 0], axis=-1).sum(),
                "depth_error_mm": 1000 * np.abs(r[:, 2] - gt[:, 0, 2]).sum(),
                "camera_mpjpe_mm": 1000 * np.linalg.norm(pose_rel + r[:, None] - gt, axis=-1).mean(-1).sum(),
                # jitter of the root: mean acceleration (mm / frame^2) against the ground truth's
                "root_accel_error_mm": 1000 * np.linalg.norm(np.diff(r, 2, axis=0) - np.diff(gt[:, 0], 2, axis=0),
                                                             axis=-1).sum() * n / max(n - 2, 1),  # fmt: skip
            }
            if up_deg is not None:
                vals["up_error_deg"] = up_deg * n
            for k, v in vals.items():
                acc[k] = acc.get(k, 0.0) + float(v)

        for name, kw in rows:
            rel = gt - gt[:, :1] if kw.get("oracle") else pose
            kw = {k: v for k, v in kw.items() if k != "oracle"}
            root = solve_root(rel, kp, intr, fps=seq.fps, **kw)
            normal = to_world(rel, root, seq.fps).world_from_camera[1] if np.isfinite(root).all() else None
            up_deg = None if normal is None else float(np.degrees(np.arccos(np.clip(normal @ up, -1, 1))))
            add(name, root, rel, up_deg)
        add("bone-ratio baseline", root_from_bone_ratio(pose, kp, intr, parents), pose, None)
    table = {name: {k: v / frames for k, v in acc.items()} for name, acc in sums.items()}
    out = {"model": args.model, "data": str(args.data), "files": len(files), "frames": frames, "flip": args.flip,
           "lift_seconds": round(lift_seconds, 1), "total_seconds": round(time.perf_counter() - start, 1),
           "rows": table}  # fmt: skip
    print(f"{len(files)} files, {frames} frames, model {args.model}, flip {'on' if args.flip else 'off'}\n")
    print("| setting | root error (mm) | depth error (mm) | camera MPJPE (mm) | root accel error (mm/frame^2) | up error (deg) |")
    print("|---|---|---|---|---|---|")
    for name, v in table.items():
        up = f"{v['up_error_deg']:.2f}" if "up_error_deg" in v else "-"
        print(f"| {name} | {v['root_error_mm']:.1f} | {v['depth_error_mm']:.1f} | {v['camera_mpjpe_mm']:.1f} | "
              f"{v['root_accel_error_mm']:.2f} | {up} |")
    if args.output:
        args.output.write_text(json.dumps(out, indent=1) + "\n")
        print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
