# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub evaluate MODEL DATA...``: task metrics of a checkpoint on files with ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import (
    DEFAULT_MODEL,
    add_input_args,
    model_spec,
    quiet_loading,
    read_sequences,
    write_json_or_npz,
)

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="metrics of a model on files with ground truth (lifting: MPJPE / P-MPJPE / N-MPJPE / accel error; "
        "action classification: top-1 / top-k accuracy)",
        description="Pose-lifting models: every file's 2D keypoints are lifted whole and compared with its "
        "keypoints_3d ground truth (generic npz, units_3d mm or m), root-relative (pelvis), frames pooled over all "
        "files. The prediction is brought to the ground truth's units by --protocol: 'metric' (models predicting "
        "metres/mm, e.g. motionhub's own checkpoints: unit conversion only), 'camera' (normalised MotionBERT-style "
        "output: pixels x ground-truth pelvis depth / focal length), 'scale' (one least-squares scale per sequence "
        "fitted on the ground truth); 'auto' picks the first that applies. Defaults (non-overlapping windows, no "
        "flip, uniform merge, short clips edge-padded) are the procedure behind the committed results/*.json "
        "(motionhub.pretrained.evaluate_lifting_files). Classification models: accuracy on labelled clips.",
        epilog="example: motionhub evaluate default h36m_s8_eval/  (the embedded model on a folder of generic npz files)",
    )
    p.add_argument("model", help=f"model folder, Hub repo id, official checkpoint, or '{DEFAULT_MODEL}' (embedded)")
    p.add_argument("data", type=Path, nargs="+",
                   help="files with ground truth (generic npz with keypoints_2d + keypoints_3d or label), datasets "
                   "or folders of .npz files")
    p.add_argument("-o", "--output", type=Path, default=None, help="write the metrics (.json or .npz)")
    p.add_argument("--split", default=None, help="split of a dataset input (e.g. test, xsub_val)")
    g = p.add_argument_group("pose lifting")
    g.add_argument("--protocol", choices=("auto", "metric", "camera", "scale"), default="auto",
                   help="how predictions are brought into the ground truth's units (default auto)")
    g.add_argument("--focal", type=float, default=None, help="focal length in pixels for --protocol camera")
    g.add_argument("--window", type=int, default=None, help="frames per window (default: the model's maxlen)")
    g.add_argument("--stride", type=int, default=None, help="frames between window starts (default: window)")
    g.add_argument("--merge", choices=("uniform", "triangular"), default="uniform",
                   help="weights of overlapping windows (default uniform)")
    g.add_argument("--pad-short", action=argparse.BooleanOptionalAction, default=True,
                   help="edge-pad clips shorter than the window (default on)")
    g.add_argument("--normalization", choices=("crop_scale", "screen", "pixel_center", "none"), default=None,
                   help="2D normalisation (default: the model's)")
    g.add_argument("--units", default=None, help="units of the model output when its config does not say")
    a = p.add_argument_group("action classification")
    a.add_argument("--top-k", type=int, default=5, help="also report top-k accuracy (default 5)")
    r = p.add_argument_group("runtime")
    r.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    r.add_argument("--batch-size", type=int, default=16, help="windows / clips per forward pass (default 16)")
    r.add_argument("--flip", action=argparse.BooleanOptionalAction, default=False,
                   help="flip test-time augmentation (default off)")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    add_input_args(p, image_size=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    from ..pipelines import (
        ActionPipeline,
        PoseLiftingPipeline,
        evaluate_action,
        evaluate_lifting,
        load_model,
        model_task,
    )

    spec = model_spec(args.model)
    seqs = []
    for path in args.data:
        seqs.extend(read_sequences(path, args.layout, args.input_format, args.split))
    if args.index is not None:
        seqs = [seqs[args.index]]
    if args.person is not None:
        seqs = [s.person(args.person) for s in seqs]
    if not seqs:
        raise ValueError("no sequences found in the given data")
    model = load_model(spec, None, device=args.device)
    task = model_task(model)
    if task in ("pose-lifting", "multi-task") and all(s.keypoints_3d is not None for s in seqs):
        pipe = PoseLiftingPipeline(
            model, device=args.device, batch_size=args.batch_size, flip=args.flip, window=args.window,
            stride=args.stride, normalization=args.normalization, output_units=args.units, merge=args.merge,
            pad_short=args.pad_short, progress=not args.quiet,
        )
        if args.stride is None and not pipe.fixed_length:
            pipe.stride = pipe.window  # non-overlapping windows, as results/*.json
        if args.layout is not None:
            seqs = [s.replace(layout=args.layout) for s in seqs]
        res = evaluate_lifting(pipe, seqs, args.protocol, focal=args.focal, progress=not args.quiet)
        u = res["units"]
        print(f"{args.model}: {res['num_sequences']} sequence(s), {res['num_frames']} frames, protocol "
              f"{res['protocol']}, window {res['window']}, stride {res['stride']}, merge {res['merge']}, flip "
              f"{'on' if res['flip'] else 'off'}")
        print(f"  MPJPE      {res['mpjpe']:.2f} {u}")
        print(f"  P-MPJPE    {res['p_mpjpe']:.2f} {u}   (= PA-MPJPE, Procrustes-aligned)")
        print(f"  N-MPJPE    {res['n_mpjpe']:.2f} {u}")
        print(f"  accel err  {res['accel_error']:.2f} {u}/frame^2")
    elif task in ("pose-lifting",):
        raise ValueError(
            "lifting evaluation needs 3D ground truth: every input must have keypoints_3d (generic npz key, with "
            "units_3d 'mm' or 'm')"
        )
    elif task in ("action-classification", "multi-task"):
        pipe = ActionPipeline(model, device=args.device, batch_size=args.batch_size, flip=args.flip,
                              task="action-classification", progress=not args.quiet)
        if args.layout is not None:
            seqs = [s.replace(layout=args.layout) for s in seqs]
        res = evaluate_action(pipe, seqs, top_k=args.top_k)
        print(f"{args.model}: {res['num_clips']} clip(s)")
        for key, value in res.items():
            if key.startswith("top"):
                print(f"  {key:<6} {100 * value:.2f} %")
    elif task == "action-embedding":
        raise ValueError("embedding models are evaluated with the one-shot protocol: motionhub oneshot --support ... "
                         "--query ...")
    else:
        raise ValueError(f"{args.model} is a {task} model; evaluate supports pose-lifting and action-classification "
                         "models")
    if args.output is not None:
        write_json_or_npz(args.output, {"model": args.model, "data": [str(d) for d in args.data], **res})
        print(f"wrote {args.output}")
    return 0
