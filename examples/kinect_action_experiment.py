#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Kinect action sets: does the pretrained encoder pay? Pretrained vs scratch vs scikit-learn baselines.

For each set (``../shared/data/kinect_actions``, read by path: research-only data, never copied) and protocol below,
this runs ``examples/finetune_action.py`` -- the documented bring-your-own-data command -- once per variant, and fits
two scikit-learn baselines on exactly the clips the networks see at evaluation (the saved processor's preparation,
flattened): 1-nearest-neighbour (Euclidean) and a standardised multinomial logistic regression. Two inputs:

* ``3d``: ``keypoints_3d`` -> H36M-17 metres, first-frame pelvis at the origin, channels (x, y, z);
* ``ortho``: the same skeleton seen as 2D (orthographic x, y, confidence 1; MotionBERT's 2D clip pipeline), the
  input the 2D-pretrained encoder was pretrained on.

Variants: ``knn-<input>``, ``logreg-<input>``, ``scratch-<input>`` (random init, backbone LR = head LR),
``pretrained-<input>`` (MotionBERT's recipe, backbone LR = 0.1 x head LR), ``frozen-<input>`` (head only). Every
network run has the same head (hidden 256), clip length (27 = the encoder's maxlen), schedule (``--epochs``, AdamW,
head LR 1e-3, x0.99 per epoch, batch 32), view augmentation (``--view-rotation``: each training clip turned about the
vertical axis by a random angle in +-45 deg; the time direction is never changed) and seed; accuracy is measured once
after the last epoch (no checkpoint selection on the test clips), on the test clips as recorded and turned by
``--unseen-angle`` (90 deg: a view outside the training range; ``motionhub evaluate --rotate`` of the saved model).
Results go to ``<results>.json`` / ``.md`` with the exact commands.

Example (CPU, 2 threads)::

    python examples/kinect_action_experiment.py --sets msr_action3d florence3d --update
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA_ROOT = ROOT.parent / "shared" / "data" / "kinect_actions"

PROTOCOLS = {
    "msr_action3d": {
        "split": ["--split", "test"],
        "about": "MSR Action3D, 20 classes, cross-subject (subjects 1,3,5,7,9 train / 2,4,6,8,10 test, the standard "
                 "protocol)",
        "epochs": 40,
    },
    "florence3d": {
        "split": ["--split-by", "subject", "--train", "1", "3", "5", "7", "9", "--test", "2", "4", "6", "8", "10"],
        "about": "Florence 3D Actions, 9 classes, cross-subject (odd subjects train / even test)",
        "epochs": 90,
    },
    "utkinect_action3d": {
        "split": ["--split-by", "subject", "--train", "1", "3", "5", "7", "9", "--test", "2", "4", "6", "8", "10"],
        "about": "UTKinect-Action3D, 10 classes, cross-subject (odd subjects train / even test)",
        "epochs": 110,
    },
    "kard": {
        "split": ["--split-by", "subject", "--train", "1", "3", "5", "7", "9", "--test", "2", "4", "6", "8", "10"],
        "about": "KARD, 18 classes, cross-subject (odd subjects train / even test)",
        "epochs": 20,
    },
    "cad60_windows": {
        "split": ["--split-by", "subject", "--train", "1", "3", "--test", "2", "4"],
        "about": "CAD-60 (windows of ~30 frames), 18 classes, cross-subject (persons 1,3 train / 2,4 test)",
        "epochs": 8,
    },
    "sbu_interaction": {
        "split": ["--split-by", "subject", "--train", "s01s03", "s01s07", "s02s01", "s02s03", "s02s06", "s02s07",
                  "s03s02", "s03s05", "s03s06", "s04s02", "s04s03", "s04s06", "s05s03", "s06s02", "s06s03", "s07s01",
                  "s07s03", "--test", "s01s02", "s03s04", "s05s02", "s06s04"],
        "about": "SBU Kinect Interaction, 8 two-person classes, the first fold of SBU's 5-fold subject-pair split "
                 "(s01s02, s03s04, s05s02, s06s04 test / the other 17 pairs train)",
        "epochs": 45,
    },
}
INPUTS = {"3d": "3d", "ortho": "ortho"}

KINDS = ("knn", "logreg", "scratch", "pretrained", "frozen")
DEFAULT_RUNS = "knn-3d,logreg-3d,knn-ortho,logreg-ortho,scratch-ortho,pretrained-ortho"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sets", nargs="+", default=["msr_action3d", "florence3d"], choices=sorted(PROTOCOLS),
                   help="Kinect sets to run (default: msr_action3d florence3d)")
    p.add_argument("--data-root", type=Path, default=DATA_ROOT, help=f"folder of the set files (default {DATA_ROOT})")
    p.add_argument("--pretrained", default="runs/dstformer-pretrain-d128/final",
                   help="pretrained encoder (also the architecture of the scratch runs)")
    p.add_argument("--runs", default=DEFAULT_RUNS, help=f"comma-separated KIND-INPUT variants (default {DEFAULT_RUNS})")
    p.add_argument("--epochs", type=float, default=None, help="epochs of every network run (default: per set)")
    p.add_argument("--clip-len", type=int, default=27, help="frames per clip (default 27)")
    p.add_argument("--hidden-size", type=int, default=256, help="classifier hidden width (default 256)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--view-rotation", type=float, default=45.0, metavar="DEG",
                   help="training clips turned about the vertical axis by a random angle in +-DEG (the recipe's view "
                        "augmentation; the baselines get copies turned by -DEG, -DEG/2, 0, DEG/2, DEG; default 45)")
    p.add_argument("--unseen-angle", type=float, default=90.0, metavar="DEG",
                   help="the unseen-angle protocol: every model is also evaluated on the test clips turned by DEG, "
                        "an angle outside the training range (default 90)")
    p.add_argument("--work-dir", default=None,
                   help="run folders (default runs/kinect-d128, with --face-front runs/kinect-d128-front)")
    p.add_argument("--results", default=None,
                   help="results path without suffix (default results/kinect_foundation, with --face-front "
                        "results/kinect_foundation_front; results/kinect_finetune holds the runs of the first 0.41 M "
                        "encoder without view augmentation)")
    p.add_argument("--face-front", action="store_true",
                   help="every clip (networks and baselines) turned to face the camera first "
                        "(finetune_action.py --face-front): view normalisation instead of augmentation alone")
    p.add_argument("--update", action="store_true", help="keep results of runs this invocation does not redo")
    p.add_argument("--render-only", action="store_true", help="rewrite the .md from the .json")
    return p


def _defaults(args) -> None:
    suffix = "-front" if args.face_front else ""
    if args.work_dir is None:
        args.work_dir = f"runs/kinect-d128{suffix}"
    if args.results is None:
        args.results = f"results/kinect_foundation{suffix.replace('-', '_')}"


def _finetune_args(args, name: str, kind: str, inp: str) -> list[str]:
    proto = PROTOCOLS[name]
    epochs = args.epochs if args.epochs is not None else proto["epochs"]
    variant = {
        "scratch": ["--from-scratch", "--config", args.pretrained, "--backbone-lr-ratio", "1.0"],
        "pretrained": ["--model", args.pretrained, "--backbone-lr-ratio", "0.1"],
        "frozen": ["--model", args.pretrained, "--freeze-backbone"],
    }[kind]
    data = args.data_root / f"{name}.npz"
    try:  # the command as committed: relative to the repository, as a user on another machine runs it
        data = Path(os.path.relpath(data.resolve(), ROOT))
    except ValueError:
        pass
    return [*variant, "--data", str(data), *proto["split"], "--input", INPUTS[inp], "--clip-len",
            str(args.clip_len), "--epochs", f"{epochs:g}", "--hidden-size", str(args.hidden_size), "--seed",
            str(args.seed), "--view-rotation", f"{args.view_rotation:g}", *(["--face-front"] if args.face_front else []),
            "--eval-at-end-only", "--no-progress", "--logging-steps", "20",
            "--output-dir", f"{args.work_dir}/{name}/{kind}-{inp}"]


def _split_kwargs(name: str) -> dict:
    """The protocol's split as :func:`motionhub.tasks.action.load_action_data` keywords."""
    split = PROTOCOLS[name]["split"]
    if split[0] == "--split":
        return {"split": split[1]}
    kw, key = {"split_by": split[1]}, None
    for token in split[2:]:
        if token in ("--train", "--test"):
            key = {"--train": "train_values", "--test": "test_values"}[token]
            kw[key] = []
        else:
            kw[key].append(token)
    return kw


def eval_split(name: str) -> str:
    """The ``motionhub evaluate --split`` value of a protocol's test clips (from its one split definition)."""
    kw = _split_kwargs(name)
    return kw["split"] if "split" in kw else f"{kw['split_by']}={','.join(kw['test_values'])}"


def _baseline(args, name: str, kind: str, inp: str) -> dict:
    """1-NN / logistic regression on the evaluation-mode clips of the same preparation as the networks: the training
    clips at five turns within the recipe's +-view_rotation (the baselines' share of the view augmentation), the test
    clips as recorded and turned by the unseen angle."""
    import numpy as np
    from motionhub.tasks.action import ActionClipDataset, load_action_data
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from motionhub.processor import KINECT_3D, ORTHOGRAPHIC_3D

    data = load_action_data("generic", args.data_root / f"{name}.npz", **_split_kwargs(name))
    persons = max(s.num_persons for s in data.train + data.eval)
    norm = {"3d": KINECT_3D, "ortho": ORTHOGRAPHIC_3D}[inp]
    common = dict(clip_len=args.clip_len, num_persons=persons, channels=3, normalization=norm)
    t0 = time.time()

    def features(clips, angle: float):
        ds = ActionClipDataset(clips, eval_rotation=angle, facing="front" if args.face_front else "recorded", **common)
        return np.stack([ds.clip(i).reshape(-1) for i in range(len(ds))]), ds.labels

    v = args.view_rotation
    turns = [0.0] if not v else [-v, -v / 2, 0.0, v / 2, v]
    parts = [features(data.train, a) for a in turns]
    xtr, ytr = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    if kind == "knn":
        clf = KNeighborsClassifier(n_neighbors=1)
    else:
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000, C=0.1))
    clf.fit(xtr, ytr)
    xte, yte = features(data.eval, 0.0)
    acc = float((clf.predict(xte) == yte).mean())
    xun, yun = features(data.eval, args.unseen_angle)
    unseen = float((clf.predict(xun) == yun).mean())
    return {"top1": acc, "top1_unseen": unseen, "top5": None,
            "wall_clock_minutes": round((time.time() - t0) / 60, 2), "num_train": len(data.train),
            "num_test": len(yte),
            "command": shlex.join(["python", "examples/kinect_action_experiment.py", "--sets", name, "--runs",
                                   f"{kind}-{inp}", *(["--face-front"] if args.face_front else []), "--update"])}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _defaults(args)
    dest = Path(args.results)
    if args.render_only:
        dest.with_suffix(".md").write_text(_markdown(json.loads(dest.with_suffix(".json").read_text())))
        return 0
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    for r in runs:
        kind, _, inp = r.partition("-")
        if kind not in KINDS or inp not in INPUTS:
            raise SystemExit(f"unknown run {r!r}: KIND-INPUT with KIND in {KINDS} and INPUT in {sorted(INPUTS)}")
    results = {"sets": {}}
    if args.update and dest.with_suffix(".json").exists():
        results = json.loads(dest.with_suffix(".json").read_text())
    results["pretrained"] = args.pretrained
    log = Path(args.pretrained) / "training_log.json"
    if log.is_file():
        info = json.loads(log.read_text())
        results["pretrained_provenance"] = {k: info.get(k) for k in ("command", "steps", "wall_clock_minutes")}
    results["settings"] = {"clip_len": args.clip_len, "hidden_size": args.hidden_size, "seed": args.seed,
                           "view_rotation": args.view_rotation, "unseen_angle": args.unseen_angle,
                           "face_front": args.face_front}
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    for name in args.sets:
        entry = results["sets"].setdefault(name, {"about": PROTOCOLS[name]["about"], "runs": {}})
        for r in runs:
            kind, _, inp = r.partition("-")
            if kind in ("knn", "logreg"):
                entry["runs"][r] = _baseline(args, name, kind, inp)
            else:
                fa = _finetune_args(args, name, kind, inp)
                cmd = [sys.executable, str(HERE / "finetune_action.py"), *fa]
                print("$", shlex.join(cmd), flush=True)
                t0 = time.time()
                proc = subprocess.run(cmd, check=False, cwd=ROOT)
                if proc.returncode:
                    raise SystemExit(f"run {name}/{r} failed (exit {proc.returncode})")
                res = json.loads((ROOT / fa[-1] / "results.json").read_text())
                minutes = round((time.time() - t0) / 60, 1)
                evaluate = ["motionhub", "evaluate", f"{fa[-1]}/final", fa[fa.index("--data") + 1], "--split",
                            eval_split(name)]
                unseen = [*evaluate, "--rotate", f"{args.unseen_angle:g}"]
                # the unseen-angle number comes from the saved model through the one evaluation path
                exe = Path(sys.executable).with_name("motionhub")
                out = ROOT / fa[-1] / f"eval_rotate{args.unseen_angle:g}.json"
                proc = subprocess.run([str(exe), *unseen[1:], "-q", "-o", str(out)], check=False, cwd=ROOT)
                if proc.returncode:
                    raise SystemExit(f"evaluation of {name}/{r} at the unseen angle failed (exit {proc.returncode})")
                entry["runs"][r] = {
                    "top1": res["eval"].get("eval_top1"), "top5": res["eval"].get("eval_top5"),
                    "top1_unseen": json.loads(out.read_text())["top1"],
                    "train_loss": res["train"].get("train_loss"), "epochs": res["train"].get("epoch"),
                    "wall_clock_minutes": minutes,
                    "command": shlex.join(["python", "examples/finetune_action.py", *fa]),
                    "evaluate": shlex.join(evaluate),
                    "evaluate_unseen": shlex.join(unseen),
                }
            entry["runs"][r]["git_commit"] = commit.stdout.strip()
            print(json.dumps({f"{name}/{r}": entry["runs"][r]}), flush=True)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")  # after every run
            dest.with_suffix(".md").write_text(_markdown(results))
    print(f"wrote {dest.with_suffix('.json')} and {dest.with_suffix('.md')}")
    return 0


def _markdown(results: dict) -> str:
    s = results["settings"]
    v, unseen = s.get("view_rotation", 0.0), s.get("unseen_angle")
    lines = [
        "# Kinect action sets: pretrained vs scratch vs scikit-learn baselines",
        "",
        ("Command: `examples/finetune_action.py` on the set's npz as the data (the bring-your-own-data path), "
         f"clips of {s['clip_len']} frames, MotionBERT classifier head (hidden {s['hidden_size']}, dropout 0.5), "
         f"AdamW (wd 0.01), head LR 1e-3 x0.99 per epoch, batch 32, seed {s['seed']}; accuracy once after the last "
         "epoch on the test subjects (no checkpoint selection on them). Inputs: `3d` = H36M-17 metres, first-frame "
         "pelvis origin, channels x, y, z; `ortho` = the same skeleton as orthographic 2D (x, y, confidence 1) "
         "through MotionBERT's 2D clip pipeline. Baselines: 1-NN (Euclidean) and standardised logistic regression "
         "(C 0.1) on the same prepared clips, flattened."),
        "",
        (f"View augmentation: every training clip turned about the vertical axis by a random angle in +-{v:g} deg "
         f"(the baselines: copies turned by -{v:g}, -{v / 2:g}, 0, {v / 2:g}, {v:g} deg); the time direction is never "
         "changed (sit down is not stand up). **Unseen angle**: the same models on the test clips turned by "
         f"{unseen:g} deg, a view no training clip was shown from (`motionhub evaluate ... --rotate {unseen:g}`)."
         if unseen is not None else "No view augmentation (runs of an earlier commit)."),
        *(["", ("**Facing the camera** (`--face-front`): every clip, training and test, networks and baselines, is "
                "first turned about the vertical axis so that its first person faces the camera (the hips of the "
                "first tracked frame; `motionhub.processor.face_front`, saved in the model's processor): the view "
                "normalisation of skeleton action recognition, so a clip from any side gives the same input.")]
          if s.get("face_front") else []),
        "",
        f"Pretrained encoder: `{results.get('pretrained')}`",
    ]
    prov = results.get("pretrained_provenance")
    if prov:
        lines.append(f"(2D->3D lifting pretraining, {prov['steps']} steps, {prov['wall_clock_minutes']} min "
                     f"CPU: `{prov['command']}`).")
    col = f"top-1 at {unseen:g} deg (unseen)" if unseen is not None else "unseen angle"
    for name, entry in results["sets"].items():
        lines += ["", f"## {name}", "", entry["about"], "", f"| run | top-1 | {col} | top-5 | epochs | minutes |",
                  "|---|---|---|---|---|---|"]
        for r, v in entry["runs"].items():
            top5 = "-" if v.get("top5") is None else f"{100 * v['top5']:.1f} %"
            un = "-" if v.get("top1_unseen") is None else f"{100 * v['top1_unseen']:.1f} %"
            ep = v.get("epochs")
            lines.append(f"| {r} | {100 * v['top1']:.1f} % | {un} | {top5} | {'-' if ep is None else f'{ep:g}'} | "
                         f"{v['wall_clock_minutes']} |")
        lines += ["", "```bash", *[v["command"] for v in entry["runs"].values()], "```"]
        evals = [c for v in entry["runs"].values() for c in (v.get("evaluate"), v.get("evaluate_unseen")) if c]
        if evals:
            lines += ["", "The saved models reproduce both top-1 columns:", "", "```bash", *evals, "```"]
    lines += ["", ("One seed per run; minutes are wall-clock on a 2-core CPU. Differences of a few points on a few "
                   "hundred test clips are within seed noise until repeated."), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
