# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub oneshot --support A B ... --query Q ...``: one-shot action recognition (1-NN on embeddings)."""

from __future__ import annotations

import argparse
from pathlib import Path

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
        "oneshot",
        help="one-shot action recognition: label query clips by their most similar support (exemplar) clip",
        description="Embeds the support clips (one or more per class; the class is the file's 'label', else the "
        "file name without extension) and the query clips with an action embedding model, and gives every query the "
        "label of the support clip with the highest cosine similarity (MotionBERT's one-shot protocol). When the "
        "queries carry labels, the accuracy is printed too.",
        epilog="example: motionhub oneshot --model my-oneshot-model --support wave.npz jump.npz --query q1.npz q2.npz",
    )
    add_model_args(p, required=True, what="action embedding (one-shot) model")
    p.add_argument("--support", type=Path, nargs="+", required=True, help="exemplar clips (labels from the files)")
    p.add_argument("--support-labels", nargs="+", default=None,
                   help="labels of the support clips, in order (override the files' labels / names)")
    p.add_argument("--query", type=Path, nargs="+", required=True, help="clips to recognise")
    p.add_argument("-o", "--output", type=Path, default=None, help="write predictions and similarities (.json/.npz)")
    add_runtime_args(p, flip_default=False)
    add_action_args(p)
    add_input_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    import numpy as np

    from ..io_utils import check_output_path
    from ..metrics import oneshot_predict

    check_output_path(args.output, (".json", ".npz"), what="-o",  # before any work
                      inputs=[*args.support, *args.query, *model_inputs(args.model)])
    support = [read_sequence(f, args.layout, args.input_format, args.index, args.person) for f in args.support]
    queries = [read_sequence(f, args.layout, args.input_format, args.index, args.person) for f in args.query]
    if args.support_labels is not None:
        if len(args.support_labels) != len(support):
            raise ValueError(f"--support-labels has {len(args.support_labels)} labels for {len(support)} support clips")
        labels = list(args.support_labels)
    else:
        labels = [str(s.label) if s.label is not None else f.stem for s, f in zip(support, args.support)]
    pipe = action_pipeline(args, "action-embedding")
    s_emb = pipe(support, layout=args.layout, image_size=args.image_size).embeddings
    q_emb = pipe(queries, layout=args.layout, image_size=args.image_size).embeddings
    pred, sim = oneshot_predict(s_emb, np.array(labels, dtype=object), q_emb)
    truth = [None if q.label is None else str(q.label) for q in queries]
    for j, path in enumerate(args.query):
        best = int(np.argmax(sim[:, j]))
        mark = "" if truth[j] is None else ("  (correct)" if truth[j] == pred[j] else f"  (true: {truth[j]})")
        print(f"{path}: {pred[j]} (similarity {sim[best, j]:.3f} to {args.support[best].name}){mark}")
    known = [j for j, t in enumerate(truth) if t is not None]
    accuracy = None
    if known:
        accuracy = float(np.mean([truth[j] == pred[j] for j in known]))
        print(f"accuracy {100 * accuracy:.1f} % ({len(known)} labelled queries, {len(set(labels))} classes)")
    if args.output is not None:
        write_json_or_npz(args.output, {
            "support": [str(f) for f in args.support], "support_labels": labels,
            "query": [str(f) for f in args.query], "predictions": [str(p) for p in pred],
            "similarity": sim, "accuracy": accuracy,
        })
        print(f"wrote {args.output}")
    return 0
