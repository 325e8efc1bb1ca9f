# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Occluded-Human3.6M-style benchmark on real detections: STRIDE test-time training against interpolation and
smoothing of the same backbone.

Protocol (STRIDE, WACV 2025, supplementary Table 2, "Occluded Human3.6M"): in every 3.2 s of a video, a span of up to
1.6 s where *every* keypoint of the person is missing, plus partial occlusions of limbs and single-joint dropouts
(:class:`motionhub.corruption.OcclusionSimulator`, seeded per file). The occlusion is applied to the **2D detections**
of each file (hidden keypoints become NaN, as a detector that sees nothing), then:

* ``backbone``: the lifter (default: the embedded default model) on the occluded 2D, as ``motionhub lift`` runs it
  (flip on; hidden joints zero with confidence 0); its output on hidden joints is whatever it infers;
* ``backbone + linear interpolation``: the backbone's 3D on visible (frame, joint) entries only, hidden entries
  linearly interpolated in time (the paper's baseline);
* ``backbone + interpolation + Savitzky-Golay``: that, smoothed (scipy ``savgol_filter``, order 2; the window is
  ``--savgol-window`` frames, chosen with ``--choose-window-on DIR`` on files of training subjects);
* ``STRIDE TTT (paper λ)``: :func:`motionhub.tasks.stride.test_time_train` of the motion prior on the video's visible
  backbone 3D (position 1, scale 0.5, velocity 20, limb-length variance 200), then its prediction of every frame;
* ``STRIDE TTT (ours ...)``: the same with ``--ours-lambda-velocity`` / ``--ours-lambda-limb-var`` and, unless
  ``--no-ours-self-occlusion``, fresh STRIDE occlusions of the prior's input in every TTT epoch (``test_time_train(...,
  occlusion=)``: the observed joints it hides stay in the loss, so TTT keeps practising in-filling).

Metrics against the file's ground truth (root-relative, mm): MPJPE, PA-MPJPE (per frame) and acceleration error (per
frame triple), on all frames and on occluded frames (any hidden joint); runtime of each method per 1,000 frames
(lifting included for the backbone rows, the extra step for the others).

Input: a folder of generic npz files with ``keypoints_2d`` (pixels, H36M-17 or any layout the lifter reads) and
``keypoints_3d`` (ground truth, ``units_3d`` mm or m), e.g. the S8 files of
``examples/train/make_h36m_eval_npz.py``::

    python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval_full
    python benchmarks/bench_occlusion.py --data /tmp/h36m_s8_eval_full --fps-step 2 --out benchmarks/results/occlusion_h36m

``--fps-step 2`` takes every second frame (50 -> 25 fps, STRIDE's Human3.6M rate); ``--max-files`` / ``--max-frames``
bound the cost.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_PRIOR = Path(__file__).resolve().parents[1] / "motionhub" / "pretrained" / "stride-prior"
PAPER_LAMBDAS = {"lambda_position": 1.0, "lambda_scale": 0.5, "lambda_velocity": 20.0, "lambda_limb_var": 200.0}


def interpolate(poses: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Every joint linearly interpolated in time over its hidden frames (nearest value beyond the ends; a joint never
    visible stays at the pelvis)."""
    t = np.arange(len(poses))
    out = np.array(poses, dtype=np.float64, copy=True)
    for j in range(poses.shape[1]):
        v = vis[:, j]
        if v.all():
            continue
        for c in range(poses.shape[2]):
            out[:, j, c] = np.interp(t, t[v], poses[v, j, c]) if v.any() else 0.0
    return out


def savgol(poses: np.ndarray, window: int) -> np.ndarray:
    from scipy.signal import savgol_filter

    w = min(window | 1, len(poses) if len(poses) % 2 else len(poses) - 1)
    return savgol_filter(poses, w, 2, axis=0, mode="interp") if w >= 5 else poses


def metrics(pred: np.ndarray, gt: np.ndarray, occluded: np.ndarray) -> dict[str, dict]:
    """MPJPE / PA-MPJPE / accel (mm) on all and occluded frames; sums and counts so files pool frame-weighted."""
    from motionhub.metrics import acceleration_error, mpjpe, p_mpjpe

    p = pred - pred[:, :1]
    g = gt - gt[:, :1]
    err, pa = mpjpe(p, g), p_mpjpe(p, g)
    acc = acceleration_error(p, g) if len(p) >= 3 else np.zeros(0)
    occ_acc = occluded[:-2] | occluded[1:-1] | occluded[2:] if len(p) >= 3 else np.zeros(0, bool)
    out = {}
    for name, fm, am in (("all", np.ones_like(occluded), np.ones(len(acc), bool)), ("occluded", occluded, occ_acc)):
        out[name] = {"mpjpe": float(err[fm].sum()), "pa_mpjpe": float(pa[fm].sum()), "frames": int(fm.sum()),
                     "accel": float(acc[am].sum()), "accel_frames": int(am.sum())}  # fmt: skip
    return out


def _pool(rows: list[dict]) -> dict:
    out: dict = {}
    for r in rows:
        for method, subsets in r["metrics"].items():
            for subset, v in subsets.items():
                acc = out.setdefault(method, {}).setdefault(subset, dict.fromkeys(v, 0))
                for k, x in v.items():
                    acc[k] += x
    for subsets in out.values():
        for name, v in list(subsets.items()):
            f, fa = v["frames"], v["accel_frames"]
            subsets[name] = {"mpjpe": v["mpjpe"] / f if f else None, "pa_mpjpe": v["pa_mpjpe"] / f if f else None,
                             "accel": v["accel"] / fa if fa else None, "frames": f}  # fmt: skip
    return out


def _files(folder: Path, max_files: int | None) -> list[Path]:
    files = sorted(Path(folder).glob("*.npz"))
    if not files:
        raise SystemExit(f"no .npz files in {folder}")
    if max_files and len(files) > max_files:  # spread over the folder (every take / camera), deterministic
        files = [files[i] for i in np.linspace(0, len(files) - 1, max_files).round().astype(int)]
    return files


def _load(path: Path, fps_step: int, max_frames: int | None):
    from motionhub.formats import load_motion
    from motionhub.processor import UNITS_TO_MM

    seq = load_motion(path)
    if seq.keypoints_2d is None or seq.keypoints_3d is None:
        raise SystemExit(f"{path}: the benchmark needs keypoints_2d and keypoints_3d (ground truth)")
    sl = slice(0, max_frames * fps_step if max_frames else None, fps_step)
    kp = np.asarray(seq.keypoints_2d, np.float64)[sl]
    gt = np.asarray(seq.keypoints_3d, np.float64)[sl] * UNITS_TO_MM[seq.units_3d]  # mm
    return seq, kp, gt, (seq.fps or 50.0) / fps_step


def choose_window(lifter, folder: Path, args) -> tuple[int, dict]:
    """The Savitzky-Golay window with the lowest MPJPE on ``folder`` (training subjects) under the same protocol."""
    from motionhub.corruption import OcclusionSimulator

    candidates = [5, 9, 15, 21, 31, 45]
    err = dict.fromkeys(candidates, 0.0)
    n = 0
    for k, path in enumerate(_files(folder, args.max_files)):
        seq, kp, gt, fps = _load(path, args.fps_step, args.max_frames)
        vis = OcclusionSimulator(fps=fps, spare_first_frames=2).sample(len(kp), kp.shape[1], args.seed + 1000 + k)
        interp = interpolate(_backbone(lifter, seq, kp, vis, fps), _vis_3d(vis, kp.shape[1]))
        for w in candidates:
            e = np.linalg.norm((savgol(interp, w) - savgol(interp, w)[:, :1]) - (gt - gt[:, :1]), axis=-1)
            err[w] += float(e.mean(-1).sum())
        n += len(kp)
    best = min(err, key=err.get)
    return best, {str(w): e / n for w, e in err.items()}


def _vis_3d(vis2d: np.ndarray, joints_2d: int) -> np.ndarray:
    """(T, J2) 2D visibility -> (T, 17): a 3D joint is observed when its 2D joint is (H36M-17 input), else per frame."""
    return vis2d if joints_2d == 17 else np.repeat(vis2d.all(-1, keepdims=True), 17, -1)


def _backbone(lifter, seq, kp: np.ndarray, vis: np.ndarray, fps: float) -> np.ndarray:
    occluded_2d = np.where(vis[..., None], kp, np.nan)
    res = lifter(seq.replace(keypoints_2d=occluded_2d.astype(np.float32), fps=fps, keypoints_3d=None))
    return np.asarray(res.pose_3d, np.float64) * (1000.0 if res.units == "m" else 1.0)  # mm


def run(args: argparse.Namespace) -> dict:
    import torch

    from motionhub.commands.stride import load_prior
    from motionhub.corruption import OcclusionSimulator
    from motionhub.pipelines import PoseLiftingPipeline
    from motionhub.pipelines.stride import self_occlusion, stride_predict, test_time_train

    from scipy.signal import savgol_filter  # noqa: F401  imported before any timing (a cold import is seconds)

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    lifter = PoseLiftingPipeline(None if args.lifter == "default" else args.lifter, progress=False)
    if lifter.output_units not in ("m", "mm"):
        raise SystemExit(f"{args.lifter}: the backbone must predict metric units, not {lifter.output_units!r}")
    prior = load_prior(args.prior).eval()
    window, window_table = args.savgol_window, None
    if args.choose_window_on is not None:
        window, window_table = choose_window(lifter, args.choose_window_on, args)
        print(f"Savitzky-Golay window chosen on {args.choose_window_on}: {window} frames {window_table}", flush=True)
    ours = {**PAPER_LAMBDAS, "lambda_velocity": args.ours_lambda_velocity, "lambda_limb_var": args.ours_lambda_limb_var}
    ours_name = ("STRIDE TTT (ours: " + ("paper λ" if ours == PAPER_LAMBDAS else "λ")
                 + (" + self-occlusion)" if args.ours_self_occlusion else ")"))  # fmt: skip
    rows, seconds = [], {}
    for k, path in enumerate(_files(args.data, args.max_files)):
        seq, kp, gt, fps = _load(path, args.fps_step, args.max_frames)
        vis2d = OcclusionSimulator(fps=fps, spare_first_frames=2).sample(len(kp), kp.shape[1], args.seed + k)
        vis = _vis_3d(vis2d, kp.shape[1])
        occluded = ~vis.all(-1)
        t0 = time.perf_counter()
        backbone = _backbone(lifter, seq, kp, vis2d, fps)
        timing = {"backbone": time.perf_counter() - t0}
        preds = {"backbone": backbone}
        t0 = time.perf_counter()
        preds["backbone + linear interpolation"] = interpolate(backbone, vis)
        timing["backbone + linear interpolation"] = timing["backbone"] + time.perf_counter() - t0
        t0 = time.perf_counter()
        preds["backbone + interpolation + Savitzky-Golay"] = savgol(preds["backbone + linear interpolation"], window)
        timing["backbone + interpolation + Savitzky-Golay"] = timing["backbone + linear interpolation"] + (
            time.perf_counter() - t0)
        observed = np.where(vis[..., None], backbone / 1000.0, np.nan)  # the prior works in metres
        t0 = time.perf_counter()
        preds["STRIDE prior, no TTT"] = stride_predict(prior, observed) * 1000.0
        timing["STRIDE prior, no TTT"] = timing["backbone"] + time.perf_counter() - t0
        occluder = self_occlusion(fps) if args.ours_self_occlusion else None
        for name, lam, occ in (("STRIDE TTT (paper λ)", PAPER_LAMBDAS, None), (ours_name, ours, occluder)):
            t0 = time.perf_counter()
            res = test_time_train(prior, observed, epochs=args.epochs, lr=args.lr, seed=args.seed, progress=False,
                                  return_model=False, occlusion=occ, **lam)  # fmt: skip
            preds[name] = np.asarray(res.poses, np.float64) * 1000.0
            timing[name] = timing["backbone"] + time.perf_counter() - t0
        rows.append({"file": path.name, "frames": len(kp), "fps": fps, "occluded_frames": int(occluded.sum()),
                     "hidden_frames": int((~vis2d.any(-1)).sum()),
                     "metrics": {m: metrics(p, gt, occluded) for m, p in preds.items()},
                     "seconds": timing})  # fmt: skip
        for m, s in timing.items():
            seconds[m] = seconds.get(m, 0.0) + s
        b = rows[-1]["metrics"]
        print(f"[{k + 1}] {path.name}: {len(kp)} frames, {occluded.mean():.0%} occluded | MPJPE occluded: "
              + ", ".join(f"{m} {v['occluded']['mpjpe'] / max(v['occluded']['frames'], 1):.1f}" for m, v in b.items()),
              flush=True)  # fmt: skip
    frames = sum(r["frames"] for r in rows)
    return {
        "files": rows,
        "summary": _pool(rows),
        "ms_per_1000_frames": {m: 1e6 * s / frames for m, s in seconds.items()},
        "savgol_window": window,
        "savgol_window_table": window_table,
        "lambdas": {"paper": PAPER_LAMBDAS, "ours": ours},
    }


def to_markdown(report: dict) -> str:
    fmt = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    info = report["info"]
    lines = ["# Occluded Human3.6M-style benchmark on real detections (STRIDE)", "", "Command:", "",
             f"    {report['command']}", "",
             (f"{info['files']} files, {info['frames']} frames at {info['fps']} fps; backbone `{info['lifter']}`, "
              f"prior `{info['prior']}`, TTT {info['epochs']} epochs lr {info['lr']}; Savitzky-Golay window "
              f"{report['savgol_window']} frames; {info['machine']}; {info['runtime_s'] / 60:.1f} min."), "",
             ("| method | MPJPE all | MPJPE occluded | PA-MPJPE all | PA-MPJPE occluded | accel all | accel occluded | "
              "ms / 1,000 frames |"), "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for m, s in report["summary"].items():
        a, o = s["all"], s["occluded"]
        lines.append(f"| {m} | {fmt(a['mpjpe'])} | {fmt(o['mpjpe'])} | {fmt(a['pa_mpjpe'])} | {fmt(o['pa_mpjpe'])} | "
                     f"{fmt(a['accel'])} | {fmt(o['accel'])} | {report['ms_per_1000_frames'][m]:.0f} |")  # fmt: skip
    lines += ["", "mm; accel in mm / frame^2; occluded = frames with any hidden joint. "
              f"λ paper {json.dumps(report['lambdas']['paper'])}, ours {json.dumps(report['lambdas']['ours'])}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="folder of generic npz files (2D detections + 3D truth)")
    p.add_argument("--out", default="benchmarks/results/occlusion_h36m", help="output prefix (.json and .md)")
    p.add_argument("--lifter", default="default", help="the backbone lifting model (default: the embedded one)")
    p.add_argument("--prior", default=str(DEFAULT_PRIOR), help="the STRIDE motion prior (folder / Hub id / .bin)")
    p.add_argument("--epochs", type=int, default=30, help="TTT epochs over each video (STRIDE: 30)")
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--ours-lambda-velocity", type=float, default=20.0)
    p.add_argument("--ours-lambda-limb-var", type=float, default=200.0)
    p.add_argument("--no-ours-self-occlusion", dest="ours_self_occlusion", action="store_false",
                   help="ours without fresh simulated occlusions of the input during TTT (test_time_train occlusion=)")
    p.add_argument("--savgol-window", type=int, default=15, help="smoothing window in frames (odd)")
    p.add_argument("--choose-window-on", type=Path, default=None,
                   help="choose the smoothing window on this folder (training subjects) instead")
    p.add_argument("--fps-step", type=int, default=1, help="take every N-th frame (2: H36M 50 -> 25 fps)")
    p.add_argument("--max-files", type=int, default=None)
    p.add_argument("--max-frames", type=int, default=None, help="frames per file after --fps-step")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.fps_step < 1 or args.savgol_window < 1 or args.epochs < 0:
        raise SystemExit("--fps-step, --savgol-window must be >= 1 and --epochs >= 0")
    import torch

    start = time.time()
    report = run(args)
    frames = sum(r["frames"] for r in report["files"])
    report["info"] = {
        "lifter": args.lifter, "prior": Path(args.prior).name if Path(args.prior).exists() else args.prior,
        "epochs": args.epochs, "lr": args.lr, "files": len(report["files"]), "frames": frames,
        "fps": report["files"][0]["fps"], "seed": args.seed, "runtime_s": time.time() - start,
        "machine": f"{platform.machine()} CPU, torch {torch.__version__}, {torch.get_num_threads()} thread(s)",
    }  # fmt: skip
    report["command"] = "python benchmarks/bench_occlusion.py " + " ".join(sys.argv[1:] if argv is None else argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=1))
    out.with_suffix(".md").write_text(to_markdown(report))
    print(to_markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
