# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Occlusion benchmark: STRIDE test-time training vs simple baselines on simulated estimator output.

Real mocap (Human3.6M subject S8, held out from the prior's pretraining, at 25 fps; Bandai-Namco sequences of the
held-out split, 30 fps) is placed in front of a virtual camera (random azimuth, 5 m away) and turned into what an
image-based per-frame 3D estimator would output (:func:`motionhub.corruption.simulate_estimator`: per-frame noise,
2.5x larger in depth, drifting bias, jitter spikes) with STRIDE-style occlusions
(:class:`motionhub.corruption.OcclusionSimulator`: the person fully hidden for up to 1.6 s inside every 3.2 s window,
limb occlusions and single-joint dropouts). Hidden joints are NaN in the estimator output.

Methods compared (all root-relative, H36M-17):

* ``noisy input``: the estimator output itself (defined on observed joints only);
* ``linear interpolation``: every joint linearly interpolated in time over its hidden frames (edges: nearest);
* ``interp + smoothing``: the interpolation smoothed by a Gaussian (sigma 2 frames) -- a cheap temporal filter;
* ``prior (no TTT)``: the masked-3D motion prior (``motionhub/pretrained/stride-prior-small``) applied directly;
* ``STRIDE TTT``: :func:`motionhub.tasks.stride.test_time_train` on each sequence with STRIDE's loss weights
  (position 1, scale 0.5, velocity 20, limb-length variance 200);
* ``STRIDE TTT (λ_vel=v)``: the same with the velocity weight set to ``--alt-lambda-velocity`` (default 0). With
  input == target, the velocity term matches the *noisy* frame-to-frame motion of the estimator output.

Metrics (mm): MPJPE and PA-MPJPE per frame, and acceleration error per frame (needs 3 consecutive frames), averaged
over frames, reported on all frames, on fully observed frames and on frames with any hidden joint.

Usage::

    python benchmarks/bench_occlusion.py --out benchmarks/results/occlusion [--model DIR] [--epochs 30] [--lr 2e-4]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from motionhub.tasks.stride import stride_predict, test_time_train, to_camera_frame
from scipy.ndimage import gaussian_filter1d

from motionhub.corruption import OcclusionSimulator, simulate_estimator
from motionhub.metrics import acceleration_error, mpjpe, p_mpjpe

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_PRIOR = Path(__file__).resolve().parents[1] / "motionhub" / "pretrained" / "stride-prior-small"

H36M_ACTIONS = ("Walking", "Discussion", "Eating", "Greeting", "SittingDown", "WalkDog")


def load_sequences(data: Path, long_frames: int, short_frames: int, bandai_count: int) -> list[dict]:
    """Benchmark sequences: clean world 3D in metres + fps + up axis."""
    from motionhub.tasks.stride import load_pretraining_sequences

    from motionhub.formats.h36m import load_h36m_3pb

    out = []
    h36m = {s.meta["action"]: s for s in load_h36m_3pb(data / "h36m_train", subjects=["S8"], frame="world")}
    for i, action in enumerate(H36M_ACTIONS):
        seq = h36m[action].keypoints_3d[::2]  # 50 -> 25 fps
        n = long_frames if i == 0 else short_frames
        out.append({"name": f"H36M S8 {action}", "world": seq[:n] / 1000.0, "fps": 25.0, "up": "z"})
    bandai, _ = load_pretraining_sequences(bandai=str(data / "bandai_namco"), bandai_split="test")
    stride = max(1, len(bandai) // max(bandai_count, 1))
    for k, seq in enumerate(bandai[::stride][:bandai_count]):
        out.append({"name": f"Bandai held-out #{k * stride}", "world": seq[:short_frames] / 1000.0, "fps": 30.0,
                    "up": "y"})  # fmt: skip
    return out


def interpolate(noisy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Linear interpolation of every joint over its hidden frames (nearest value before/after the ends)."""
    t = np.arange(len(noisy))
    out = np.empty_like(noisy)
    for j in range(noisy.shape[1]):
        v = vis[:, j]
        if not v.any():
            out[:, j] = 0.0
            continue
        for c in range(3):
            out[:, j, c] = np.interp(t, t[v], noisy[v, j, c])
    return out


def evaluate(pred: np.ndarray | None, gt: np.ndarray, vis: np.ndarray, observed_only: bool = False) -> dict:
    """MPJPE / PA-MPJPE / accel error in mm on all, observed and occluded frames (root-relative)."""
    gt_rr = gt - gt[:, :1]
    full = vis.all(axis=1)
    res = {}
    if pred is None:
        return res
    p = pred - pred[:, :1]
    err = mpjpe(p * 1000, gt_rr * 1000)
    pa = p_mpjpe(p * 1000, gt_rr * 1000)
    acc = acceleration_error(p * 1000, gt_rr * 1000)  # (T-2,), triple starting at t
    acc_full = full[:-2] & full[1:-1] & full[2:]
    acc_occ = ~acc_full
    subsets = {"observed": (full, acc_full)}
    if not observed_only:
        subsets = {"all": (np.ones_like(full), np.ones_like(acc_full)), **subsets, "occluded": (~full, acc_occ)}
    for name, (fm, am) in subsets.items():
        res[name] = {
            "mpjpe": float(err[fm].mean()) if fm.any() else None,
            "pa_mpjpe": float(pa[fm].mean()) if fm.any() else None,
            "accel": float(acc[am].mean()) if am.any() else None,
            "frames": int(fm.sum()),
        }
    return res


def run(args: argparse.Namespace) -> dict:
    from motionhub.commands.stride import load_prior

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    prior = load_prior(args.model).eval()
    seqs = load_sequences(Path(args.data), args.long_frames, args.short_frames, args.bandai_count)
    rng = np.random.default_rng(args.seed)
    results = []
    for k, s in enumerate(seqs):
        world = s["world"].astype(np.float64)
        cam = to_camera_frame(world, s["up"], yaw=rng.uniform(-math.pi, math.pi), pitch=0.15)
        cam = cam - cam[:1, :1] + np.array([rng.uniform(-0.5, 0.5), 0.3, 5.0])
        noisy = simulate_estimator(cam, noise_std=args.noise_std, depth_scale=args.depth_scale,
                                   drift_std=args.drift_std, jitter_prob=args.jitter_prob, fps=s["fps"], generator=rng)
        vis = OcclusionSimulator(fps=s["fps"], spare_first_frames=2).sample(len(cam), 17, rng)
        observed = np.where(vis[..., None], noisy, np.nan)
        t0 = time.time()
        methods = {
            "noisy input": (np.where(vis[..., None], noisy, 0.0), True),
        }
        interp = interpolate(noisy, vis)
        methods["linear interpolation"] = (interp, False)
        methods["interp + smoothing"] = (gaussian_filter1d(interp, sigma=2.0, axis=0, mode="nearest"), False)
        methods["prior (no TTT)"] = (stride_predict(prior, observed, window_stride=args.window_stride), False)
        print(f"[{k + 1}/{len(seqs)}] {s['name']}: {len(cam)} frames, {(~vis.all(1)).mean():.0%} frames with hidden "
              f"joints, {(~vis.any(1)).mean():.0%} fully hidden", flush=True)  # fmt: skip
        t1 = time.time()
        ttt_kwargs = {"epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size,
                      "window_stride": args.window_stride, "seed": args.seed, "progress": not args.quiet,
                      "return_model": False}  # fmt: skip
        ttt = test_time_train(prior, observed, **ttt_kwargs)
        ttt_seconds = time.time() - t1
        methods["STRIDE TTT"] = (ttt.poses, False)
        alt = test_time_train(prior, observed, lambda_velocity=args.alt_lambda_velocity, **ttt_kwargs)
        methods[f"STRIDE TTT (λ_vel={args.alt_lambda_velocity:g})"] = (alt.poses, False)
        metrics = {}
        for name, (pred, observed_only) in methods.items():
            pred = pred.copy()
            if observed_only:  # the raw input: root-relative with its own (noisy) root, observed frames only
                metrics[name] = evaluate(pred, cam, vis, observed_only=True)
            else:
                metrics[name] = evaluate(pred, cam, vis)
        results.append({
            "name": s["name"], "frames": len(cam), "fps": s["fps"],
            "hidden_frame_fraction": float((~vis.any(1)).mean()), "partial_frame_fraction": float(
                (vis.any(1) & ~vis.all(1)).mean()),
            "ttt_steps": ttt.steps, "ttt_seconds": ttt_seconds, "seconds": time.time() - t0, "metrics": metrics,
        })  # fmt: skip
        m = metrics
        print("   MPJPE all: interp {:.1f}, prior {:.1f}, TTT {:.1f} mm | accel all: interp {:.1f}, TTT {:.1f} | "
              "TTT {} steps in {:.0f} s".format(m["linear interpolation"]["all"]["mpjpe"], m["prior (no TTT)"]["all"]["mpjpe"],
                                                 m["STRIDE TTT"]["all"]["mpjpe"], m["linear interpolation"]["all"]["accel"],
                                                 m["STRIDE TTT"]["all"]["accel"], ttt.steps, ttt_seconds), flush=True)  # fmt: skip
    return {"sequences": results, "summary": summarize(results)}


def summarize(results: list[dict]) -> dict:
    """Frame-weighted means over sequences, per method and subset."""
    out: dict = {}
    for r in results:
        for method, subsets in r["metrics"].items():
            for subset, vals in subsets.items():
                acc = out.setdefault(method, {}).setdefault(subset, {"frames": 0, "mpjpe": 0.0, "pa_mpjpe": 0.0,
                                                                         "accel": 0.0, "_w_acc": 0})  # fmt: skip
                n = vals["frames"]
                if n and vals["mpjpe"] is not None:
                    acc["frames"] += n
                    acc["mpjpe"] += vals["mpjpe"] * n
                    acc["pa_mpjpe"] += vals["pa_mpjpe"] * n
                if vals["accel"] is not None:
                    acc["accel"] += vals["accel"] * max(n, 1)
                    acc["_w_acc"] += max(n, 1)
    for method in out.values():
        for vals in method.values():
            f, wa = vals.pop("frames"), vals.pop("_w_acc")
            vals["mpjpe"] = vals["mpjpe"] / f if f else None
            vals["pa_mpjpe"] = vals["pa_mpjpe"] / f if f else None
            vals["accel"] = vals["accel"] / wa if wa else None
            vals["frames"] = f
    return out


def to_markdown(report: dict, command: str) -> str:
    fmt = lambda v: "–" if v is None else f"{v:.1f}"
    lines = ["# Occlusion benchmark: STRIDE test-time training", "", "Command:", "", f"    {command}", ""]
    info = report["info"]
    lines += [(f"Prior: `{info['model']}`; TTT: {info['epochs']} epochs, lr {info['lr']}, batch {info['batch_size']}, "
               f"window stride {info['window_stride']}; total runtime {info['runtime_s'] / 60:.1f} min on "
               f"{info['machine']}. Simulated estimator: {json.dumps(info['estimator_noise'])}."), ""]  # fmt: skip
    lines += ["## Summary (frame-weighted over all sequences; mm, root-relative)", "",
              ("| method | MPJPE all | MPJPE observed | MPJPE occluded | PA-MPJPE all | PA-MPJPE occluded | "
               "accel all | accel observed | accel occluded |"), "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for method, subsets in report["summary"].items():
        a, o, c = subsets.get("all", {}), subsets.get("observed", {}), subsets.get("occluded", {})
        lines.append(f"| {method} | {fmt(a.get('mpjpe'))} | {fmt(o.get('mpjpe'))} | {fmt(c.get('mpjpe'))} | "
                     f"{fmt(a.get('pa_mpjpe'))} | {fmt(c.get('pa_mpjpe'))} | {fmt(a.get('accel'))} | "
                     f"{fmt(o.get('accel'))} | {fmt(c.get('accel'))} |")  # fmt: skip
    lines += ["", "## Per sequence (MPJPE / PA-MPJPE / accel error on all frames, mm)", "",
              ("| sequence | frames | fully hidden | partly hidden | noisy input (observed) | linear interp | "
               "interp + smoothing | prior (no TTT) | STRIDE TTT | STRIDE TTT (λ_vel alt) | TTT steps / s |"),
              "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in report["sequences"]:
        m = r["metrics"]
        alt = next(k for k in m if k.startswith("STRIDE TTT ("))

        def cell(method, subset="all", m=m):
            v = m[method].get(subset, {})
            return f"{fmt(v.get('mpjpe'))} / {fmt(v.get('pa_mpjpe'))} / {fmt(v.get('accel'))}"

        lines.append(f"| {r['name']} | {r['frames']} | {r['hidden_frame_fraction']:.0%} | "
                     f"{r['partial_frame_fraction']:.0%} | {cell('noisy input', 'observed')} | "
                     f"{cell('linear interpolation')} | {cell('interp + smoothing')} | {cell('prior (no TTT)')} | "
                     f"{cell('STRIDE TTT')} | {cell(alt)} | {r['ttt_steps']} / {r['ttt_seconds']:.0f} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="benchmarks/results/occlusion", help="output prefix (.json and .md are written)")
    p.add_argument("--model", default=str(DEFAULT_PRIOR), help="the motion prior (folder / Hub id / official .bin)")
    p.add_argument("--data", default=str(DATA), help="the shared data folder")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--alt-lambda-velocity", type=float, default=0.0,
                   help="velocity weight of the second TTT variant (default 0)")
    p.add_argument("--window-stride", type=int, default=None)
    p.add_argument("--long-frames", type=int, default=1000, help="length of the long H36M sequence")
    p.add_argument("--short-frames", type=int, default=300, help="length of the other sequences")
    p.add_argument("--bandai-count", type=int, default=5)
    p.add_argument("--noise-std", type=float, default=0.008, help="estimator per-frame noise (m, x/y)")
    p.add_argument("--depth-scale", type=float, default=2.0, help="depth noise multiplier")
    p.add_argument("--drift-std", type=float, default=0.025, help="slowly drifting bias (m)")
    p.add_argument("--jitter-prob", type=float, default=0.03, help="probability of a jitter spike per frame")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    start = time.time()
    report = run(args)
    report["info"] = {
        "model": args.model if args.model != str(DEFAULT_PRIOR) else "motionhub/pretrained/stride-prior-small",
        "epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size,
        "window_stride": args.window_stride or "window // 2", "seed": args.seed, "runtime_s": time.time() - start,
        "estimator_noise": {"noise_std_m": args.noise_std, "depth_scale": args.depth_scale,
                            "drift_std_m": args.drift_std, "jitter_prob": args.jitter_prob, "jitter_std_m": 0.08},
        "machine": f"{platform.machine()} CPU, torch {torch.__version__}, {torch.get_num_threads()} thread(s)",
    }  # fmt: skip
    command = "python benchmarks/bench_occlusion.py " + " ".join(sys.argv[1:] if argv is None else argv)
    report["command"] = command
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1))
    out.with_suffix(".md").write_text(to_markdown(report, command))
    print(to_markdown(report, command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
