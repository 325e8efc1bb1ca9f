# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub embed INPUT... --model MODEL -o OUT``: unit-norm action embeddings of skeleton clips."""

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
from .classify import action_pipeline, add_action_args

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "embed",
        help="embed skeleton clips with a one-shot (action embedding) model; writes an (N, E) array",
        description="Every input file is one clip. Clips are prepared as for classification and embedded with an "
        "<Encoder>ForActionEmbedding model; the L2-normalised embeddings (cosine similarity = dot product) are "
        "written in input order.",
        epilog="example: motionhub embed a.npz b.npz --model my-oneshot-model -o embeddings.npz",
    )
    p.add_argument("inputs", type=Path, nargs="+", help="clip files")
    add_model_args(p, required=True, what="action embedding (one-shot) model")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="output .npz (embeddings (N, E), inputs, labels) or .json")
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
    from ._batch import read_many

    paths, seqs, failed = read_many(
        args.inputs, lambda f: read_sequence(f, args.layout, args.input_format, args.index, args.person),
        args.shard, args.quiet)
    pipe = action_pipeline(args, "action-embedding")
    result = pipe(seqs, layout=args.layout, image_size=args.image_size)
    labels = ["" if s.label is None else str(s.label) for s in seqs]
    write_json_or_npz(args.output, {
        "embeddings": result.embeddings.astype("float32"),
        "inputs": [str(f) for f in paths],
        "failed": [e if str(f) in e else f"{f}: {e}" for f, e in failed],
        "labels": labels,
        "clip_len": result.meta["clip_len"],
    })
    print(f"embedded {len(seqs)} clip(s) -> {result.embeddings.shape[1]}-d unit vectors; wrote {args.output}")
    return failed_exit_code(paths, failed)
