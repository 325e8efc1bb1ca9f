#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Penn Action: does motion pretraining help action recognition? Scratch vs pretrained vs frozen-pretrained.

Runs ``examples/finetune_action.py`` three times on Penn Action (2D, 15 classes, official split: 1,258 train / 1,068
test videos, 13 joints mapped to H36M-17, one person per clip) with the same architecture, head, data pipeline and
schedule, then writes ``<results>.json`` and ``<results>.md`` with the top-1/top-5 test accuracy of each run and the
exact commands:

* ``scratch``: random initialisation with the pretrained checkpoint's architecture; backbone LR = head LR (no
  pretrained features to protect);
* ``pretrained``: the pretrained encoder, MotionBERT's finetuning recipe (backbone LR = 0.1 x head LR);
* ``frozen``: the pretrained encoder frozen, only the classifier head trains.

Accuracy is measured once, after the last epoch (no checkpoint selection on the test set). Without a pretrained
checkpoint only ``scratch`` runs (with ``--config``).

Example (CPU, ~20 min on two shared cores)::

    OMP_NUM_THREADS=1 python examples/penn_action_experiment.py --data ../shared/data/penn_action \\
        --pretrained checkpoints/dstformer-small-pretrained --epochs 4 --clip-len 16
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="Penn Action folder (penn_action_keypoints.npz + meta json)")
    p.add_argument("--pretrained", default=None,
                   help="pretrained motionhub encoder / pose model folder (save_pretrained); omitted = scratch only")
    p.add_argument("--config", default=None,
                   help="architecture for the scratch run when there is no --pretrained (see finetune_action.py)")
    p.add_argument("--runs", default="scratch,pretrained,frozen", help="comma-separated subset of the three runs")
    p.add_argument("--epochs", type=float, default=4, help="training epochs of every run (default: 4)")
    p.add_argument("--clip-len", type=int, default=16, help="frames per clip (default: 16)")
    p.add_argument("--batch-size", type=int, default=32, help="clips per step (default: 32)")
    p.add_argument("--head-lr", type=float, default=1e-3, help="head learning rate (default: 1e-3)")
    p.add_argument("--hidden-size", type=int, default=256, help="classifier hidden width (default: 256)")
    p.add_argument("--seed", type=int, default=0, help="seed of every run (default: 0)")
    p.add_argument("--max-train-clips", type=int, default=None, help="subset of the training videos (smoke runs)")
    p.add_argument("--max-eval-clips", type=int, default=None, help="subset of the test videos (smoke runs)")
    p.add_argument("--work-dir", default="runs/penn_action", help="run folders (default: runs/penn_action)")
    p.add_argument("--results", default="results/penn_action",
                   help="results path without suffix: writes .json and .md (default: results/penn_action)")
    p.add_argument("--render-only", action="store_true",
                   help="rewrite the .md from the existing .json without training")
    p.add_argument("--update", action="store_true",
                   help="keep the runs already in the results file that this invocation does not redo")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.render_only:
        dest = Path(args.results)
        results = json.loads(dest.with_suffix(".json").read_text())
        dest.with_suffix(".md").write_text(_markdown(results))
        print(f"wrote {dest.with_suffix('.md')}")
        return 0
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    unknown = set(runs) - {"scratch", "pretrained", "frozen"}
    if unknown:
        raise SystemExit(f"unknown runs {sorted(unknown)}")
    if args.pretrained is None:
        if not args.config:
            raise SystemExit("give --pretrained (and/or --config for a scratch-only run)")
        runs = [r for r in runs if r == "scratch"]
    common = ["--dataset", "penn", "--data", args.data, "--num-persons", "1", "--clip-len", str(args.clip_len),
              "--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--head-lr", str(args.head_lr),
              "--hidden-size", str(args.hidden_size), "--seed", str(args.seed), "--eval-at-end-only",
              "--no-progress", "--logging-steps", "10"]
    if args.max_train_clips:
        common += ["--max-train-clips", str(args.max_train_clips)]
    if args.max_eval_clips:
        common += ["--max-eval-clips", str(args.max_eval_clips)]
    variants = {
        "scratch": ["--from-scratch", "--config", args.pretrained or args.config, "--backbone-lr-ratio", "1.0"],
        "pretrained": ["--model", str(args.pretrained), "--backbone-lr-ratio", "0.1"],
        "frozen": ["--model", str(args.pretrained), "--freeze-backbone"],
    }
    work = Path(args.work_dir)
    dest = Path(args.results)
    previous = {}
    if args.update and dest.with_suffix(".json").exists():
        previous = json.loads(dest.with_suffix(".json").read_text())
    results = {"dataset": "Penn Action (official split; 13 joints -> H36M-17 2D + visibility as confidence)",
               "pretrained": args.pretrained or previous.get("pretrained"),
               "runs": {k: v for k, v in previous.get("runs", {}).items() if k not in runs}}
    results["settings"] = {k: getattr(args, k) for k in ("epochs", "clip_len", "batch_size", "head_lr", "hidden_size",
                                                        "seed", "max_train_clips", "max_eval_clips")}
    log = Path(str(results["pretrained"] or "")) / "training_log.json"
    if results["pretrained"] and log.is_file():
        info = json.loads(log.read_text())
        results["pretrained_provenance"] = {k: info.get(k) for k in ("command", "steps", "wall_clock_minutes")}
    try:
        results["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                               text=True, check=False).stdout.strip()
    except OSError:
        pass
    for name in runs:
        out = work / name
        cmd = [sys.executable, str(HERE / "finetune_action.py"), *variants[name], *common, "--output-dir", str(out)]
        print("$", shlex.join(cmd), flush=True)
        t0 = time.time()
        proc = subprocess.run(cmd, check=False)
        minutes = (time.time() - t0) / 60
        if proc.returncode:
            raise SystemExit(f"run {name} failed (exit {proc.returncode})")
        res = json.loads((out / "results.json").read_text())
        results["runs"][name] = {
            "top1": res["eval"].get("eval_top1"), "top5": res["eval"].get("eval_top5"),
            "eval_loss": res["eval"].get("eval_loss"), "train_loss": res["train"].get("train_loss"),
            "epochs": res["train"].get("epoch"), "wall_clock_minutes": round(minutes, 1),
            "command": shlex.join(["python", "examples/finetune_action.py", *variants[name], *common,
                                   "--output-dir", str(out)]),
        }
        print(json.dumps({name: results["runs"][name]}, indent=1), flush=True)
    script_args = argv if argv is not None else sys.argv[1:]
    command = shlex.join(["python", "examples/penn_action_experiment.py", *script_args])
    results["experiment_commands"] = [*previous.get("experiment_commands", []), command] if args.update else [command]
    results["runs"] = {k: results["runs"][k] for k in ("scratch", "pretrained", "frozen") if k in results["runs"]}
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    dest.with_suffix(".md").write_text(_markdown(results))
    print(f"wrote {dest.with_suffix('.json')} and {dest.with_suffix('.md')}")
    return 0


def _markdown(results: dict) -> str:
    s = results["settings"]
    lines = [
        "# Penn Action: scratch vs pretrained vs frozen-pretrained",
        "",
        (f"Data: {results['dataset']}; 15 classes, 1,258 train / 1,068 test videos. Clips of {s['clip_len']} frames "
         "(random offsets for training, evenly spaced for testing), 1 person, crop-scale normalisation, MotionBERT's "
         f"training augmentation (random move, crop scale 1-3). Head: MotionBERT classifier (hidden {s['hidden_size']},"
         f" dropout 0.5, BatchNorm). AdamW (wd 0.01), head LR {s['head_lr']}, LR x0.99 per epoch, batch "
         f"{s['batch_size']}, {s['epochs']:g} epochs, seed {s['seed']}. Accuracy on the official test split after the "
         "last epoch (no checkpoint selection on the test set)."),
        "",
    ]
    if results.get("pretrained"):
        lines.append(f"Pretrained encoder: `{results['pretrained']}`.")
        prov = results.get("pretrained_provenance")
        if prov:
            lines.append(f"It was pretrained for {prov['steps']} steps ({prov['wall_clock_minutes']} min CPU): "
                         f"`{prov['command']}`.")
    else:
        lines.append("No pretrained encoder.")
    lines += [
        "",
        "| run | backbone | top-1 | top-5 | train loss | minutes |",
        "|---|---|---|---|---|---|",
    ]
    what = {"scratch": "random init, backbone LR = head LR", "pretrained": "pretrained, backbone LR = 0.1 x head LR",
            "frozen": "pretrained, frozen (head only)"}
    for name, r in results["runs"].items():
        top1 = "-" if r["top1"] is None else f"{100 * r['top1']:.1f} %"
        top5 = "-" if r["top5"] is None else f"{100 * r['top5']:.1f} %"
        lines.append(f"| {name} | {what[name]} | {top1} | {top5} | {r['train_loss']:.3f} | {r['wall_clock_minutes']} |")
    lines += [
        "",
        ("One seed per run: differences of a few points are not established until the runs are repeated with more "
         "seeds. The scratch run gets the larger backbone LR on purpose (MotionBERT's 0.1 ratio protects pretrained "
         "features; a random backbone has none). Minutes are wall-clock on a shared 2-core CPU (1 thread)."),
        "",
        "Reproduce everything (OMP_NUM_THREADS=1, CPU):", "", "```bash", *results["experiment_commands"], "```", "",
        "Individual runs:", "", "```bash", *[r["command"] for r in results["runs"].values()], "```", "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
