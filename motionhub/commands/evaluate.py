# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub evaluate MODEL DATA...``: task metrics of a checkpoint on files with ground truth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import (
    DEFAULT_MODEL,
    QUANTIZE_CHOICES,
    add_input_args,
    add_trust_remote_code_arg,
    model_inputs,
    model_spec,
    quiet_loading,
    read_sequences,
    write_json_or_npz,
)
from .classify import add_action_args

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
        "(motionhub.pipelines.evaluate_lifting_files). Classification models: accuracy on labelled clips.",
        epilog="example: motionhub evaluate default h36m_s8_eval/  (the embedded model on a folder of generic npz files)",
    )
    p.add_argument("model", help=f"model folder, Hub repo id, official checkpoint, or '{DEFAULT_MODEL}' (embedded)")
    p.add_argument("data", type=Path, nargs="+",
                   help="files with ground truth (generic npz with keypoints_2d + keypoints_3d or label), datasets "
                   "or folders of .npz files")
    p.add_argument("-o", "--output", type=Path, default=None, help="write the metrics (.json or .npz)")
    add_trust_remote_code_arg(p)
    p.add_argument("--split", default=None,
                   help="clips of a dataset input: a named split (test, xsub_val) or FIELD=V[,V...] on a per-clip "
                   "field (view=3, subject=2,4)")
    g = p.add_argument_group("pose lifting")
    g.add_argument("--protocol", choices=("auto", "metric", "camera", "scale"), default="auto",
                   help="how predictions are brought into the ground truth's units (default auto)")
    g.add_argument("--focal", type=float, default=None,
                   help="focal length in pixels for --protocol camera and --trajectory (default: the file's camera)")
    g.add_argument("--trajectory", action="store_true",
                   help="also place the poses in the camera (motionhub.world): root_error, camera_mpjpe (pose + "
                   "root), the bone-ratio baseline's, and up_error_deg when the files store the world's up; needs "
                   "absolute camera-space ground truth, the camera's focal length and a metric model")
    g.add_argument("--window", type=int, default=None, help="frames per window (default: the model's maxlen)")
    g.add_argument("--stride", type=int, default=None, help="frames between window starts (default: window)")
    g.add_argument("--merge", choices=("uniform", "triangular"), default="uniform",
                   help="weights of overlapping windows (default uniform)")
    g.add_argument("--pad-short", action=argparse.BooleanOptionalAction, default=True,
                   help="edge-pad clips shorter than the window (default on)")
    g.add_argument("--normalization", choices=("crop_scale", "screen", "pixel_center", "none"), default=None,
                   help="2D normalisation (default: the model's)")
    g.add_argument("--units", default=None, help="units of the model output when its config does not say")
    a = p.add_argument_group("actions")
    a.add_argument("--top-k", type=int, default=5, help="classification: also report top-k accuracy (default 5)")
    a.add_argument("--oneshot-classes", nargs="+", default=None, metavar="CLASS",
                   help="embedding models: one-shot accuracy on these (novel) classes of a dataset (names or "
                   "indices): --shots exemplars per class from --support-split, queries = --split clips of the classes")
    a.add_argument("--support-split", default="train", help="split the exemplars come from (default train)")
    a.add_argument("--rotate", type=float, default=None, metavar="DEG",
                   help="classification models with 3D input (3d / ortho clips): turn every clip by DEG degrees about "
                   "the vertical axis first (the unseen-view protocol; as finetune_action.py --eval-rotation)")
    a.add_argument("--shots", type=int, default=1, help="exemplars per class: the first ones in clip-id order")
    r = p.add_argument_group("runtime")
    r.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    r.add_argument("--batch-size", type=int, default=16, help="windows / clips per forward pass (default 16)")
    r.add_argument("--flip", action=argparse.BooleanOptionalAction, default=False,
                   help="flip test-time augmentation (default off)")
    r.add_argument("--quantize", choices=QUANTIZE_CHOICES, default=None,
                   help="pose lifting: int8 = dynamic int8 matrix products on onnxruntime (CPU; measures the accuracy "
                   "cost of `motionhub lift --quantize int8`)")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    add_action_args(p)
    add_input_args(p, image_size=False)
    p.set_defaults(func=run)


def _paired(seqs: list) -> list:
    """VideoPose3D keeps 2D (data_2d_*.npz) and 3D (data_3d_*.npz) in two files: given both, their sequences are
    paired by subject and action, the 3D moved into each camera's frame (formats.pair_videopose3d)."""
    from ..formats import pair_videopose3d

    only_2d = [s for s in seqs if s.keypoints_3d is None and s.meta.get("format") == "videopose3d_2d"]
    only_3d = [s for s in seqs if s.keypoints_2d is None and s.meta.get("format") == "videopose3d_3d"]
    if not (only_2d and only_3d):
        return seqs
    rest = [s for s in seqs if not any(s is t for t in only_2d + only_3d)]
    paired = pair_videopose3d(only_2d, only_3d, skip_unmatched=True)
    if not paired:
        raise ValueError("the VideoPose3D 2D and 3D files share no subject and action")
    if len(paired) < len(only_2d):
        print(f"note: {len(only_2d) - len(paired)} 2D take(s) without 3D ground truth left out", file=sys.stderr)
    return rest + paired


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    from ..io_utils import check_output_path
    from ..pipelines import (
        ActionPipeline,
        PoseLiftingPipeline,
        evaluate_action,
        evaluate_lifting,
        load_model,
        model_task,
    )

    spec = model_spec(args.model)
    check_output_path(args.output, (".json", ".npz"), what="-o", inputs=[*args.data, *model_inputs(spec)])
    if args.quantize and args.device == "auto":
        args.device = "cpu"  # int8 runs on onnxruntime's CPU provider
    model = load_model(spec, None, device=args.device, trust_remote_code=args.trust_remote_code)
    task = model_task(model)
    if args.quantize and task not in ("pose-lifting", "multi-task"):
        raise ValueError(f"--quantize {args.quantize} applies to pose-lifting models; {args.model} is a {task} model")
    action_kwargs = {
        "device": args.device, "batch_size": args.batch_size, "flip": args.flip, "clip_len": args.clip_len,
        "num_persons": args.num_persons, "confidence": args.confidence, "normalization": args.clip_normalization,
        "progress": not args.quiet,
    }
    if task == "action-embedding":
        res = _oneshot(args, ActionPipeline(model, task="action-embedding", **action_kwargs))
        _write(args, res)
        return 0
    seqs = []
    for path in args.data:
        seqs.extend(read_sequences(path, args.layout, args.input_format, args.split))
    seqs = _paired(seqs)
    if args.index is not None:
        seqs = [seqs[args.index]]
    if args.person is not None:
        seqs = [s.person(args.person) for s in seqs]
    if not seqs:
        raise ValueError("no sequences found in the given data")
    if args.rotate is not None and task != "action-classification":
        raise ValueError(f"--rotate applies to action classification models; {args.model} is a {task} model")
    if task in ("pose-lifting", "multi-task") and all(s.keypoints_3d is not None for s in seqs):
        pipe = PoseLiftingPipeline(
            model, device=args.device, batch_size=args.batch_size, flip=args.flip, window=args.window,
            stride=args.stride, normalization=args.normalization, output_units=args.units, merge=args.merge,
            pad_short=args.pad_short, progress=not args.quiet, quantize=args.quantize,
        )
        if args.stride is None and not pipe.fixed_length:
            pipe.stride = pipe.window  # non-overlapping windows, as results/*.json
        if args.layout is not None:
            seqs = [s.replace(layout=args.layout) for s in seqs]
        res = evaluate_lifting(pipe, seqs, args.protocol, focal=args.focal, progress=not args.quiet,
                               trajectory=args.trajectory)
        u = res["units"]
        print(f"{args.model}: {res['num_sequences']} sequence(s), {res['num_frames']} frames, protocol "
              f"{res['protocol']}, window {res['window']}, stride {res['stride']}, merge {res['merge']}, flip "
              f"{'on' if res['flip'] else 'off'}")
        print(f"  MPJPE      {res['mpjpe']:.2f} {u}")
        print(f"  P-MPJPE    {res['p_mpjpe']:.2f} {u}   (= PA-MPJPE, Procrustes-aligned)")
        print(f"  N-MPJPE    {res['n_mpjpe']:.2f} {u}")
        accel = res["accel_error"]  # None: no sequence has 3 frames (the second difference needs them)
        print(f"  accel err  {'n/a' if accel is None else f'{accel:.2f}'} {u}/frame^2"
              + ("  (needs sequences of at least 3 frames)" if accel is None else ""))
        if args.trajectory:
            print(f"  root error {res['root_error']:.1f} {u}   (bone-ratio baseline {res['root_error_baseline']:.1f})")
            print(f"  camera MPJPE {res['camera_mpjpe']:.1f} {u}   (pose + root; baseline "
                  f"{res['camera_mpjpe_baseline']:.1f})")  # fmt: skip
            if res.get("up_error_deg") is not None:
                print(f"  up error   {res['up_error_deg']:.2f} deg   (fitted floor normal vs the world's up)")
    elif task in ("pose-lifting",):
        raise ValueError(
            "lifting evaluation needs 3D ground truth: every input must have keypoints_3d (generic npz key, with "
            "units_3d 'mm' or 'm')"
        )
    elif task in ("action-classification", "multi-task"):
        pipe = ActionPipeline(model, task="action-classification", **action_kwargs)
        if args.layout is not None:
            seqs = [s.replace(layout=args.layout) for s in seqs]
        if args.rotate is not None:
            seqs = _rotated(seqs, args.rotate, pipe.normalization)
        res = evaluate_action(pipe, seqs, top_k=args.top_k)
        print(f"{args.model}: {res['num_clips']} clip(s)")
        for key, value in res.items():
            if key.startswith("top"):
                print(f"  {key:<6} {100 * value:.2f} %")
        width = max(len(n) for n in res["per_class"])
        for name, row in res["per_class"].items():
            print(f"    {name:<{width}}  {100 * row['top1']:6.2f} %  ({row['clips']} clips)")
    else:
        raise ValueError(f"{args.model} is a {task} model; evaluate supports pose-lifting and action-classification "
                         "models")
    _write(args, res)
    return 0


def _rotated(seqs: list, degrees: float, normalization: str) -> list:
    """``--rotate``: every clip's 3D skeleton turned about the vertical axis (clips of 3D-input models only)."""
    import math

    from ..processor import KINECT_3D, ORTHOGRAPHIC_3D
    from ..processing import yaw_rotate

    if normalization not in (KINECT_3D, ORTHOGRAPHIC_3D):
        raise ValueError(f"--rotate turns 3D skeletons: the model prepares {normalization!r} clips from 2D keypoints; "
                         f"it applies to models with {KINECT_3D!r} or {ORTHOGRAPHIC_3D!r} clips")
    if not math.isfinite(degrees):
        raise ValueError(f"--rotate must be a finite angle in degrees, got {degrees}")
    missing = [i for i, s in enumerate(seqs) if s.keypoints_3d is None]
    if missing:
        raise ValueError(f"--rotate needs keypoints_3d in every clip; clip {missing[0]} has none")
    return [s.replace(keypoints_3d=yaw_rotate(s.keypoints_3d, degrees)) for s in seqs]


def _write(args: argparse.Namespace, res: dict) -> None:
    if args.output is not None:
        write_json_or_npz(args.output, {"model": args.model, "data": [str(d) for d in args.data], **res})
        print(f"wrote {args.output}")


def _clip_key(seq, index: int) -> tuple:
    meta = seq.meta
    return (str(meta.get("video_id", meta.get("frame_dir", meta.get("source", "")))), index)


def _oneshot(args: argparse.Namespace, pipe) -> dict:
    """One-shot protocol on a labelled dataset: ``--shots`` exemplars per class of ``--oneshot-classes`` (the first
    clips of ``--support-split`` in clip-id order), queries = every ``--split`` clip of those classes."""
    from ..formats import MotionDataset
    from ..pipelines import evaluate_oneshot
    from ._common import load_dataset

    if not args.oneshot_classes:
        raise ValueError(
            "an embedding model is evaluated with the one-shot protocol: pass --oneshot-classes (the novel classes "
            "of a labelled dataset), or use `motionhub oneshot --support ... --query ...` on your own files"
        )
    if len(args.data) != 1:
        raise ValueError("one-shot evaluation takes one dataset (a file or folder with train/test splits)")
    data = load_dataset(args.data[0], args.layout, args.input_format)
    if not isinstance(data, MotionDataset):
        raise TypeError(f"{args.data[0]} is not a labelled dataset with splits; one-shot evaluation needs one")
    names = list(data.class_names or [])
    classes = []
    for c in args.oneshot_classes:
        if c in names:
            classes.append(names.index(c))
        elif c.lstrip("-").isdigit():
            classes.append(int(c))
        else:
            raise ValueError(f"unknown class {c!r}; the dataset's classes are {names}")
    query_split = args.split or "test"
    for split in (args.support_split, query_split):
        if split not in data.splits:
            raise ValueError(f"the dataset has no split {split!r}; available: {sorted(data.splits)}")
    support, support_labels = [], []
    for c in classes:
        pool = sorted((_clip_key(data[i], i), i) for i in data.splits[args.support_split] if int(data[i].label) == c)
        if len(pool) < args.shots:
            raise ValueError(f"class {c} has {len(pool)} clip(s) in split {args.support_split!r}, fewer than --shots")
        support += [data[i] for _, i in pool[: args.shots]]
        support_labels += [c] * args.shots
    q_idx = [i for i in data.splits[query_split] if int(data[i].label) in classes]
    res = evaluate_oneshot(pipe, support, support_labels, [data[i] for i in q_idx], [int(data[i].label) for i in q_idx])
    print(f"{args.model}: one-shot on {len(classes)} classes, {res['num_support']} exemplar(s) from "
          f"{args.support_split!r}, {res['num_queries']} queries from {query_split!r}")
    print(f"  one-shot accuracy  {100 * res['oneshot_accuracy']:.2f} %  (chance {100 / len(classes):.1f} %)")
    res["classes"] = [names[c] if c < len(names) else c for c in classes]
    res["exemplars"] = [str(s.meta.get("video_id", s.meta.get("frame_dir", ""))) for s in support]
    return res
