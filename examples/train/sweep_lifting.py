#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Equal-budget sweep of DSTformer lifting configurations: held-out S8 MPJPE per CPU-hour (results/sweep_lifting.*).

Every candidate is trained **from scratch** by the lifting campaign (``campaign_lifting.py``: the real SH detections
of S1/S5/S6/S7, flip augmentation, AdamW + warm-up + cosine, MotionBERT's pose3d loss) for the same budget of CPU time.
The number of optimiser steps of each run is planned from its own measured step time (a short probe of real training
steps at the run's batch and clip length), so that its cosine schedule ends when the budget is spent: every candidate
gets a complete schedule, none is cut mid-way. The held-out curve (S8, first ``--eval-frames`` frames of every
sequence, non-overlapping windows, no flip) is evaluated at thirds of the run; the speed column is the shipped
default's measure (model time to lift 1,000 frames with flip averaging, ``make_default_lifter.measure_lift_time``).

Resumable: a candidate whose run folder has ``final/`` is not trained again; an interrupted one continues from its
newest checkpoint with the step count stored in its ``run.json``. Run folders hold optimiser state and go outside the
repository (``--runs``); the table and each run's ``run.json`` / ``curve.json`` go to ``--results``.

    OMP_WAIT_POLICY=ACTIVE python examples/train/sweep_lifting.py --runs /tmp/sweep_lifting \\
        --results results/sweep_lifting --budget-cpu-minutes 30 --threads 2

(``OMP_WAIT_POLICY=ACTIVE``: with the default passive waiting of motionhub's training scripts, a 2-thread training
process next to low-priority (``nice``) work ran at half speed here: its sleeping OpenMP thread hands the core over.)

Short equal budgets favour small models (they converge sooner); the table is read together with each run's curve,
and the chosen configuration is then trained for long (``campaign_lifting.py``).

``--data masked3d`` sweeps STRIDE motion priors instead (:data:`PRIOR_CANDIDATES`, ``campaign_lifting.py --data
masked3d``): the held-out number is in-filling of S8 under STRIDE occlusions (MPJPE on the fully hidden frames, next
to linear interpolation of the same input), the speed column the time test-time training takes on 1,000 frames
(STRIDE's 30 epochs, the prior's own windows, ``--threads``)::

    OMP_WAIT_POLICY=ACTIVE python examples/train/sweep_lifting.py --data masked3d --runs /tmp/sweep_prior \
        --results results/sweep_stride_prior --budget-cpu-minutes 30 --threads 2 --lr 5e-4
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent

#: name -> (config overrides of ``pretrain_lifting_small.small_config``, clip length, clips per step).
#: The base is the 0.41 M-parameter default (dim_feat 64, dim_rep 128, depth 3, 4 heads of 16, mlp_ratio 2).
CANDIDATES: dict[str, tuple[dict, int, int]] = {
    "d64-L3-T27-B64": ({}, 27, 64),
    "d128-L3-T27-B64": ({"dim_feat": 128, "dim_rep": 256, "num_heads": 8}, 27, 64),
    "d64-L3-T81-B32": ({}, 81, 32),
    "d128-L5-T27-B64": ({"dim_feat": 128, "dim_rep": 256, "num_heads": 8, "depth": 5}, 27, 64),
    "d64-L3-T27-B32": ({}, 27, 32),
    "d128-L3-T81-B32": ({"dim_feat": 128, "dim_rep": 256, "num_heads": 8}, 81, 32),
    "d128h4-L3-T27-B64": ({"dim_feat": 128, "dim_rep": 256, "num_heads": 4}, 27, 64),
}


#: STRIDE motion priors (``--data masked3d``): 81-frame clips at 25 fps (3.2 s, STRIDE's occlusion window).
PRIOR_CANDIDATES: dict[str, tuple[dict, int, int]] = {
    "prior-d32-L2-T81-B32": ({"dim_feat": 32, "dim_rep": 64, "depth": 2}, 81, 32),  # the size of the earlier stride-prior-small
    "prior-d64-L3-T81-B32": ({}, 81, 32),
    "prior-d128-L3-T81-B32": ({"dim_feat": 128, "dim_rep": 256, "num_heads": 8}, 81, 32),
    "prior-d64-L3-T81-B32-interp": ({}, 81, 32),
}
#: the prior's input convention for hidden joints (``campaign_lifting.py --fill-missing``); default ``"zero"`` (STRIDE)
PRIOR_FILL: dict[str, str] = {"prior-d64-L3-T81-B32-interp": "interpolate"}
SWEEPS = {"h36m-sh": CANDIDATES, "masked3d": PRIOR_CANDIDATES}


def ttt_seconds(prior: Path, threads: int, frames: int = 1000) -> float:
    """Seconds of STRIDE test-time training (30 epochs, then the prediction) on ``frames`` frames of smooth motion."""
    import numpy as np
    import torch

    from motionhub import DSTformerForPoseLifting
    from motionhub.tasks.stride import test_time_train

    torch.set_num_threads(threads)
    model = DSTformerForPoseLifting.from_pretrained(prior)
    t = np.arange(frames)[:, None, None] / 25.0
    rng = np.random.default_rng(0)
    base = rng.normal(0, 0.25, (1, 17, 3))
    poses = base + 0.1 * np.sin(2 * np.pi * 0.8 * t + rng.uniform(0, 6, (1, 17, 3))) + np.array([0, 0, 4.0])
    t0 = time.perf_counter()
    test_time_train(model, poses.astype(np.float32), epochs=30, progress=False, return_model=False)
    return time.perf_counter() - t0


def probe_step_seconds(overrides: dict, clip_len: int, batch: int, threads: int, steps: int = 8) -> float:
    """Median seconds of one real training step (forward, loss, backward, AdamW) of a fresh model."""
    import statistics

    import torch

    sys.path.insert(0, str(_HERE))
    from pretrain_lifting_small import small_config

    from motionhub import DSTformerForPoseLifting

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(small_config(maxlen=clip_len, **overrides))
    model.config._attn_implementation = "eager"  # as the campaign trains
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    x, y = torch.randn(batch, clip_len, 17, 3), torch.randn(batch, clip_len, 17, 3) * 0.3
    times = []
    for i in range(steps + 2):
        t0 = time.perf_counter()
        model(keypoints=x, labels=y).loss.backward()
        opt.step()
        opt.zero_grad()
        if i >= 2:  # the first steps allocate
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=Path, required=True, help="run folders (with optimiser state: keep out of git)")
    p.add_argument("--results", type=Path, required=True, help="folder for the table and each run's curve")
    p.add_argument("--budget-cpu-minutes", type=float, default=30.0, help="CPU time per candidate (threads x wall)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default="h36m-sh", choices=sorted(SWEEPS),
                   help="h36m-sh: lifting models (default); masked3d: STRIDE motion priors")
    p.add_argument("--only", nargs="+", default=None, choices=sorted({**CANDIDATES, **PRIOR_CANDIDATES}),
                   help="candidates to run")
    p.add_argument("--eval-frames", type=int, default=540)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--data-root", type=Path, default=None)
    p.add_argument("--mocap-weights", default=None, help="--data masked3d: source weights (campaign_lifting.py's)")
    p.add_argument("--probe", default=None, help=argparse.SUPPRESS)  # child process: one step-time probe
    p.add_argument("--ttt-timing", type=Path, default=None, help=argparse.SUPPRESS)  # child: one prior's TTT time
    args = p.parse_args(argv)
    candidates = SWEEPS[args.data]

    if args.probe:  # the child process of one step-time probe: print it and stop
        overrides, clip_len, batch = candidates[args.probe]
        print(json.dumps({"step_seconds": probe_step_seconds(overrides, clip_len, batch, args.threads)}))
        return 0
    if args.ttt_timing:
        print(json.dumps({"ttt_1000_frames_s": ttt_seconds(args.ttt_timing, args.threads)}))
        return 0
    unknown = sorted(set(args.only or ()) - set(candidates))
    if unknown:
        p.error(f"--only {unknown}: not --data {args.data} candidates ({', '.join(candidates)})")
    prior = args.data == "masked3d"
    # This process never imports torch: its OpenMP threads would compete with the training child for the two cores
    # (spinning ones take a whole core under OMP_WAIT_POLICY=ACTIVE). Probe, training and timing run as children.
    names = args.only or list(candidates)
    args.results.mkdir(parents=True, exist_ok=True)
    table_file = args.results / "sweep.json"
    table = json.loads(table_file.read_text()) if table_file.exists() else {"runs": {}}
    table.update({"budget_cpu_minutes": args.budget_cpu_minutes, "threads": args.threads, "lr": args.lr,
                  "data": args.data,
                  "eval": (f"S8, first {args.eval_frames} frames of every sequence (120 sequences) at 25 fps, "
                           "corrupted once (seeded) with STRIDE occlusions, 3D noise and masks; the prior's "
                           "overlapping windows with flip; root-relative mm" if prior else
                           f"S8, first {args.eval_frames} frames of every sequence (120 sequences), non-overlapping "
                           "windows of the clip length, no flip; mm"),
                  "command": "".join(f"{k}={os.environ[k]} " for k in ("OMP_WAIT_POLICY",) if k in os.environ)
                  + "python examples/train/sweep_lifting.py " + " ".join(argv or sys.argv[1:])})
    wall_budget_s = 60 * args.budget_cpu_minutes / args.threads
    for name in names:
        overrides, clip_len, batch = candidates[name]
        run = args.runs / name
        probe_file = run / "probe.json"  # the measured step time that planned the run's length
        if (run / "run.json").exists():
            max_steps = json.loads((run / "run.json").read_text())["max_steps"]
            step_s = json.loads(probe_file.read_text())["step_seconds"] if probe_file.exists() else None
        else:
            probe = subprocess.run([sys.executable, __file__, "--runs", str(args.runs), "--results", str(args.results),
                                    "--threads", str(args.threads), "--data", args.data, "--probe", name],
                                   check=True, capture_output=True, text=True)
            step_s = json.loads(probe.stdout.strip().splitlines()[-1])["step_seconds"]
            max_steps = max(30, int(wall_budget_s / step_s))
            run.mkdir(parents=True, exist_ok=True)
            probe_file.write_text(json.dumps({"step_seconds": step_s, "max_steps": max_steps}))
        print(f"== {name}: {step_s and round(step_s, 3)} s/step -> {max_steps} steps", flush=True)
        if not (run / "final" / "model.safetensors").is_file():
            save = max(1, -(-max_steps // 3))
            cmd = [sys.executable, str(_HERE / "campaign_lifting.py"), "--run", str(run), "--init", "scratch",
                   "--max-steps", str(max_steps), "--batch-size", str(batch), "--clip-len", str(clip_len),
                   "--lr", str(args.lr), "--warmup-steps", str(max(10, min(200, max_steps // 10))),
                   "--save-steps", str(save), "--eval-frames", str(args.eval_frames),
                   "--threads", str(args.threads), "--config", json.dumps(overrides),
                   *(["--data", "masked3d", "--fill-missing", PRIOR_FILL.get(name, "zero")] if prior else [])]
            if args.data_root is not None:
                cmd += ["--data-root", str(args.data_root)]
            if prior and args.mocap_weights:
                cmd += ["--mocap-weights", args.mocap_weights]
            if (run / "run.json").exists():  # resume: the stored settings are the run's
                cmd = cmd[:4] + ["--threads", str(args.threads)]
            subprocess.run(cmd, check=True)
        curve = json.loads((run / "curve.json").read_text())
        last = curve["points"][-1]
        if prior:
            timing_file = run / "ttt_time.json"
            if not timing_file.exists():
                res = subprocess.run([sys.executable, __file__, "--runs", str(args.runs), "--results",
                                      str(args.results), "--threads", str(args.threads), "--data", args.data,
                                      "--ttt-timing", str(run / "final")], check=True, capture_output=True, text=True)
                timing_file.write_text(res.stdout.strip().splitlines()[-1])
            import numpy as np
            from safetensors import safe_open

            with safe_open(str(run / "final" / "model.safetensors"), "np") as f:
                params = sum(int(np.prod(f.get_slice(k).get_shape())) for k in f.keys())
            table["runs"][name] = {
                "config_overrides": overrides, "clip_len": clip_len, "batch_size": batch, "probe_step_seconds": step_s,
                "fill_missing": PRIOR_FILL.get(name, "zero"),
                "max_steps": max_steps, "params": params, "frames_seen": last["frames_seen"],
                "train_cpu_hours": last["cpu_hours"],
                "train_frames_per_s": round(batch * clip_len / step_s, 1) if step_s else None,
                **{k: last.get(k) for k in ("mpjpe_mm", "mpjpe_hidden_mm", "interp_mpjpe_mm", "interp_mpjpe_hidden_mm")},
                "curve": [{k: q.get(k) for k in ("step", "cpu_hours", "mpjpe_mm", "mpjpe_hidden_mm")}
                          for q in curve["points"]],
                "ttt_1000_frames_s": json.loads(timing_file.read_text())["ttt_1000_frames_s"],
            }
        else:
            timing_file = run / "lift_time.json"
            subprocess.run([sys.executable, str(_HERE / "time_lifters.py"), str(run / "final"), "--threads",
                            str(args.threads), "--json", str(timing_file)], check=True)
            timing = next(iter(json.loads(timing_file.read_text())["models"].values()))
            table["runs"][name] = {
                "config_overrides": overrides, "clip_len": clip_len, "batch_size": batch, "probe_step_seconds": step_s,
                "max_steps": max_steps, "params": timing["params"],
                "frames_seen": last["frames_seen"], "train_cpu_hours": last["cpu_hours"],
                # the rate that planned the budget (probe on a quiet machine); the run's own logged rate may include
                # time lost to other work on the machine
                "train_frames_per_s": round(batch * clip_len / step_s, 1) if step_s else None,
                "run_frames_per_s": round(last["frames_seen"] / max(last["train_seconds"], 1e-9), 1),
                "s8_mpjpe_mm": last.get("mpjpe_mm"), "s8_p_mpjpe_mm": last.get("p_mpjpe_mm"),
                "curve": [{k: q.get(k) for k in ("step", "cpu_hours", "mpjpe_mm", "p_mpjpe_mm")} for q in curve["points"]],
                "lift_1000_frames_flip_s": timing["median_seconds"],
            }
        out = args.results / name
        out.mkdir(parents=True, exist_ok=True)
        for f in ("run.json", "curve.json", "probe.json"):
            if (run / f).exists():
                shutil.copy(run / f, out / f)
        from motionhub.io_utils import write_text

        write_text(table_file, json.dumps(table, indent=1) + "\n")
        write_text(args.results / "README.md", render_prior(table) if prior else render(table))
        print(json.dumps({name: table["runs"][name].get("mpjpe_hidden_mm" if prior else "s8_mpjpe_mm")}), flush=True)
    return 0


def _reproduce(table: dict) -> list[str]:
    return ["", "Reproduce (run folders hold optimiser state: outside the repository):", "", "```bash",
            table["command"], "```", ""]


def render(table: dict) -> str:
    lines = [
        "# Equal-budget sweep of DSTformer lifting configurations",
        "",
        f"Each row: trained from scratch on the SH detections of S1/S5/S6/S7 for **{table['budget_cpu_minutes']:g} "
        f"CPU-minutes** ({table['threads']} threads), a full warm-up + cosine schedule planned from the run's measured "
        f"step time, peak lr {table['lr']:g}. Held-out: {table['eval']}. Speed: model time to lift 1,000 frames with "
        "flip averaging on 2 threads (shipped-default constraint: <= 3 s).",
        "",
        "| candidate | params | clip | batch | steps | frames seen | train frames/s (probe) | S8 MPJPE | S8 P-MPJPE "
        "| curve (MPJPE at thirds) | s / 1,000 frames (flip) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in sorted(table["runs"].items(), key=lambda kv: kv[1]["s8_mpjpe_mm"] or 1e9):
        curve = " / ".join(f"{q['mpjpe_mm']}" for q in r["curve"])
        lines.append(f"| {name} | {r['params']:,} | {r['clip_len']} | {r['batch_size']} | "
                     f"{r.get('fill_missing', 'zero')} | {r['max_steps']} | "
                     f"{r['frames_seen'] / 1e6:.2f} M | {r['train_frames_per_s'] or '-'} | **{r['s8_mpjpe_mm']}** | "
                     f"{r['s8_p_mpjpe_mm']} | {curve} | {r['lift_1000_frames_flip_s']:.2f} |")
    return "\n".join(lines + _reproduce(table))


def render_prior(table: dict) -> str:
    lines = [
        "# Equal-budget sweep of STRIDE motion priors",
        "",
        f"Each row: trained from scratch by `campaign_lifting.py --data masked3d` (Human3.6M S1/S5/S6/S7 world 3D, "
        f"Bandai-Namco, CMU at 25 fps through random virtual cameras; 3D noise, masks, STRIDE occlusions) for "
        f"**{table['budget_cpu_minutes']:g} CPU-minutes** ({table['threads']} threads), a full warm-up + cosine "
        f"schedule planned from the run's measured step time, peak lr {table['lr']:g}. Held-out: {table['eval']}. "
        "Speed: test-time training on 1,000 frames (30 epochs + the prediction). Hidden input: how hidden joints "
        "enter the prior (zeros as in STRIDE, or interpolated from the clip's visible frames).",
        "",
        "| candidate | params | clip | batch | hidden input | steps | frames seen | MPJPE hidden frames "
        "| MPJPE all frames | linear interpolation: hidden / all | curve (hidden, at thirds) | TTT s / 1,000 frames |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in sorted(table["runs"].items(), key=lambda kv: kv[1]["mpjpe_hidden_mm"] or 1e9):
        curve = " / ".join(f"{q['mpjpe_hidden_mm']}" for q in r["curve"])
        lines.append(f"| {name} | {r['params']:,} | {r['clip_len']} | {r['batch_size']} | "
                     f"{r.get('fill_missing', 'zero')} | {r['max_steps']} | "
                     f"{r['frames_seen'] / 1e6:.2f} M | **{r['mpjpe_hidden_mm']}** | {r['mpjpe_mm']} | "
                     f"{r['interp_mpjpe_hidden_mm']} / {r['interp_mpjpe_mm']} | {curve} | "
                     f"{r['ttt_1000_frames_s']:.0f} |")
    return "\n".join(lines + _reproduce(table))


if __name__ == "__main__":
    raise SystemExit(main())
