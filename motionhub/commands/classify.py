# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub classify INPUT... --model MODEL``: skeleton action classification, top-k labels per clip."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._batch import add_shard_arg, failed_exit_code
from ._common import (
    add_input_args,
    add_model_args,
    add_runtime_args,
    model_inputs,
    quiet_loading,
    read_sequence,
    write_json_or_npz,
)

__all__ = ["action_pipeline", "add_action_args", "register", "run"]


def add_action_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("clip preparation")
    g.add_argument("--clip-len", type=int, default=None,
                   help="frames each clip is resampled to (default: config.action_clip_len or config.maxlen)")
    g.add_argument("--num-persons", type=int, default=None,
                   help="persons per clip, padded with empty persons (default: config.action_num_persons or 2)")
    g.add_argument("--confidence", choices=("average", "min", "coco_order"), default=None,
                   help="confidence rule of the H36M conversion (coco_order: MotionBERT's converted NTU checkpoints)")
    g.add_argument("--clip-normalization", choices=("crop_scale", "screen"), default=None,
                   help="clip preparation: crop_scale (MotionBERT NTU pipeline, 2 persons) or screen (motionhub's own "
                   "action models, needs the image size); default from the model config")


def action_pipeline(args: argparse.Namespace, task: str):
    """The ActionPipeline the model/runtime/clip-preparation arguments describe (classify, embed, oneshot)."""
    from ..pipelines import ActionPipeline

    return ActionPipeline(args.model, device=args.device, batch_size=args.batch_size, flip=args.flip,
                          clip_len=args.clip_len, num_persons=args.num_persons, confidence=args.confidence,
                          normalization=args.clip_normalization, task=task, progress=not args.quiet,
                          trust_remote_code=args.trust_remote_code)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "classify",
        help="classify the action of skeleton clips (prints the top-k labels with the model's id2label)",
        description="Every input file is one clip (one or two persons). The clip is prepared as in MotionBERT's "
        "action evaluation (H36M-17, resampled to the clip length, crop-scaled) and classified; the top-k classes "
        "are printed with their names from the model's config.id2label.",
        epilog="example: motionhub classify clip1.npz clip2.json --model my-penn-classifier --top-k 3",
    )
    p.add_argument("inputs", type=Path, nargs="+", help="clip files (generic npz, PYSKL-like, AlphaPose json, ...)")
    add_model_args(p, required=True, what="action classification model")
    p.add_argument("--top-k", type=int, default=5, help="labels printed per clip (default 5)")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="write logits, probabilities and top-k labels (.json or .npz)")
    add_runtime_args(p, flip_default=False)
    add_action_args(p)
    add_input_args(p)
    add_shard_arg(p.add_argument_group("many inputs (folders, globs: one model load; a bad file is one line)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)

    from ..io_utils import check_output_path

    check_output_path(args.output, (".json", ".npz"), what="-o",  # before any work
                      inputs=[*args.inputs, *model_inputs(args.model)])
    if args.top_k < 1:
        raise ValueError(f"--top-k must be >= 1, got {args.top_k}")
    from ._batch import read_many

    paths, seqs, failed = read_many(
        args.inputs, lambda f: read_sequence(f, args.layout, args.input_format, args.index, args.person),
        args.shard, args.quiet)
    pipe = action_pipeline(args, "action-classification")
    result = pipe(seqs, layout=args.layout, image_size=args.image_size)
    tops = result.top_k(args.top_k)
    for path, top in zip(paths, tops):
        print(f"{path}:")
        for rank, (index, label, prob) in enumerate(top, 1):
            print(f"  {rank}. {label} (class {index}, p={prob:.3f})")
    if args.output is not None:
        write_json_or_npz(args.output, {
            "inputs": [str(f) for f in paths],
            "failed": [e if str(f) in e else f"{f}: {e}" for f, e in failed],
            "logits": result.logits,
            "probabilities": result.probabilities,
            "top_k": [[{"index": i, "label": lab, "probability": p} for i, lab, p in top] for top in tops],
            "id2label": {str(k): v for k, v in result.id2label.items()},
            "clip_len": result.meta["clip_len"],
        })
        print(f"wrote {args.output}")
    return failed_exit_code(paths, failed)
