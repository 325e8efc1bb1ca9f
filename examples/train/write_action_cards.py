# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model cards of motionhub's small ACTION checkpoints (Penn Action classification / one-shot, MSR Action3D).

    python examples/train/write_action_cards.py       # every action checkpoint present under checkpoints/

The numbers come from ``results/*.json``; the evaluate commands that reproduce them are in results/README.md and
results/penn_action.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from transformers import AutoConfig

from huggingface_hub import EvalResult

import motionhub
from motionhub.hub import generate_model_card

motionhub.register()  # the configs (import motionhub is lazy)
from motionhub.io_utils import write_text

REPO = Path(__file__).resolve().parents[2]
LICENSE_NOTE = (
    "Research use only: the encoder was pretrained on Human3.6M (research-only licence) and Bandai-Namco (CC BY-NC "
    "4.0) motion, and finetuned on {data} (research use). The code (motionhub) is Apache-2.0."
)

# checkpoint folder -> (results file, results key or None, metric key, metric name, dataset, task description)
CHECKPOINTS = {
    "dstformer-small-penn-action": ("penn_action.json", "pretrained", "top1", "Penn Action", "classification"),
    "dstformer-small-penn-action-scratch": ("penn_action.json", "scratch", "top1", "Penn Action", "classification"),
    "dstformer-small-penn-action-frozen": ("penn_action.json", "frozen", "top1", "Penn Action", "classification"),
    "dstformer-small-penn-oneshot": ("dstformer-small-penn-oneshot.json", None, "oneshot_accuracy", "Penn Action",
                                     "one-shot"),
    "dstformer-small-penn-oneshot-scratch": ("dstformer-small-penn-oneshot-scratch.json", None, "oneshot_accuracy",
                                             "Penn Action", "one-shot"),
    "dstformer-small-msr-action3d": ("dstformer-small-msr-action3d.json", None, "top1_accuracy", "MSR Action3D",
                                     "classification"),
    "dstformer-small-msr-action3d-scratch": ("dstformer-small-msr-action3d-scratch.json", None, "top1_accuracy",
                                             "MSR Action3D", "classification"),
}


def write_card(name: str) -> Path | None:
    folder = REPO / "checkpoints" / name
    if not (folder / "config.json").exists():
        return None
    results_file, key, metric, dataset, task = CHECKPOINTS[name]
    res = json.loads((REPO / "results" / results_file).read_text())
    run = res["runs"][key] if key else res
    value = run.get(metric, run.get("top1"))
    command = run.get("command") or run.get("training", {}).get("command", "see results/README.md")
    config = AutoConfig.from_pretrained(folder)
    scratch = "scratch" in name
    card = generate_model_card(
        config,
        model_name=name,
        summary=f"Small DSTformer (0.4 M-parameter encoder) for {dataset} action {task}, "
        + ("trained from scratch (baseline)." if scratch else "initialised from `dstformer-small-pretrained` "
           "(motionhub's CPU MotionBERT-style lifting pretraining)."),
        license="other",
        license_name="research-only",
        license_note=LICENSE_NOTE.format(data=dataset),
        datasets=[dataset.lower().replace(" ", "-")],
        base_model=None if scratch else "motionhub/dstformer-small-pretrained",
        results=[EvalResult(task_type="skeleton-action-recognition", dataset_type=dataset.lower().replace(" ", "-"),
                            dataset_name=dataset, dataset_split="test", metric_type="accuracy",
                            metric_name="one-shot accuracy" if task == "one-shot" else "top-1 accuracy",
                            metric_value=round(100 * float(value), 2))],
        training_procedure=f"Exact command: `{command}`. Results file: `results/{results_file}`.",
        evaluation=f"{dataset} test split ({task}); accuracy in %. Reproduce with the `motionhub evaluate` commands in "
        "results/README.md / results/penn_action.md. One seed: differences of a few points are not significant.",
    )
    write_text(folder / "README.md", str(card))
    return folder / "README.md"


def main() -> None:
    for name in CHECKPOINTS:
        path = write_card(name)
        print(("wrote " + str(path)) if path else f"skipped {name} (no checkpoint)")


if __name__ == "__main__":
    main()
