# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub lift INPUT``: 2D keypoints of a video -> root-relative 3D poses (npz / json) and a 3D skeleton plot."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import (
    add_input_args,
    add_model_args,
    add_runtime_args,
    info,
    model_spec,
    quiet_loading,
    read_sequence,
)

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "lift",
        help="lift 2D keypoints (any length, any supported layout) to 3D poses; optional animated 3D plot",
        description="Reads 2D keypoints (motionhub generic .npz, AlphaPose/COCO .json, mmpose .json, ... see "
        "motionhub.formats), converts them to H36M-17, normalises them as the model was trained, runs the model on "
        "batched overlapping windows (flip-averaged) and writes root-relative 3D poses. Output units are written in "
        "the file ('units'): metres for motionhub's own lifting models (the embedded default), normalised units "
        "(plus 'pose_3d_pixels') for MotionBERT-style models.",
        epilog="example: motionhub lift motionhub/demo/cmu_walk_2d.npz -o pose3d.npz --plot pose3d.gif",
    )
    p.add_argument("input", type=Path, help="2D keypoints file")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="output .npz or .json (default: <input name>_pose3d.npz in the current folder unless only "
                   "--plot is given)")
    p.add_argument("--plot", type=Path, default=None,
                   help="write a 3D skeleton next to the 2D input: .gif animation or .png still")
    add_model_args(p, required=False, what="pose-lifting model")
    add_runtime_args(p, flip_default=True)
    g = p.add_argument_group("windows and normalisation")
    g.add_argument("--window", type=int, default=None, help="frames per window (default: the model's maxlen)")
    g.add_argument("--stride", type=int, default=None, help="frames between window starts (default: window // 2)")
    g.add_argument("--normalization", choices=("crop_scale", "screen", "pixel_center", "none"), default=None,
                   help="2D normalisation (default: the model's config.input_normalization)")
    g.add_argument("--fill-missing", choices=("zero", "interpolate"), default="zero",
                   help="missing (NaN) joints: zero with confidence 0 (default) or interpolate in time")
    g.add_argument("--units", default=None,
                   help="units of the model's output when its config does not say (normalized, m, mm)")
    add_input_args(p)
    pl = p.add_argument_group("plot")
    pl.add_argument("--plot-step", type=int, default=None, help="plot every N-th frame (default: automatic)")
    pl.add_argument("--plot-max-frames", type=int, default=300, help="at most this many GIF frames (default 300)")
    pl.add_argument("--plot-frame", type=int, default=None, help="frame of a .png plot (default: the middle one)")
    p.set_defaults(func=run)


def _check_output(path: Path | None, allowed: tuple[str, ...], flag: str) -> None:
    if path is not None and path.suffix.lower() not in allowed:
        raise ValueError(f"{flag} {path}: the file name must end in {' or '.join(allowed)}")


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    from ..pipelines import PoseLiftingPipeline

    _check_output(args.output, (".npz", ".json"), "-o")
    _check_output(args.plot, (".gif", ".png"), "--plot")
    output = args.output
    if output is None and args.plot is None:
        output = Path(args.input.stem + "_pose3d.npz")
    seq = read_sequence(args.input, args.layout, args.input_format, args.index, args.person)
    pipe = PoseLiftingPipeline(
        model_spec(args.model), device=args.device, batch_size=args.batch_size, flip=args.flip, window=args.window,
        stride=args.stride, normalization=args.normalization, fill_missing=args.fill_missing,
        image_size=args.image_size, output_units=args.units, progress=not args.quiet,
    )
    result = pipe(seq, layout=args.layout)
    m = result.meta
    windows = "one window per frame" if m["many_to_one"] else f"window {m['window']}, stride {m['stride']}"
    print(
        f"lifted {result.num_frames} frames ({m['input_layout']} -> {result.layout}, {m['normalization']} "
        f"normalisation, {windows}, flip {'on' if m['flip'] else 'off'}) with {m['model']}; pose_3d is "
        f"root-relative in {result.units!r} units"
    )
    if output is not None:
        result.save(output)
        print(f"wrote {output}")
    if args.plot is not None:
        from ..visualization import plot_pose_3d

        pose = result.pose_3d[0] if result.pose_3d.ndim == 4 else result.pose_3d
        kp2d = result.keypoints_2d_pixels if result.keypoints_2d_pixels is not None else result.keypoints_2d
        kp2d = kp2d[0] if kp2d.ndim == 4 else kp2d
        if result.meta.get("model_input_layout", result.layout) != result.layout:
            kp2d = None
        info(f"rendering {args.plot} ...", args.quiet)
        plot_pose_3d(
            pose, kp2d, args.plot, fps=result.fps, layout=result.layout, step=args.plot_step,
            max_frames=args.plot_max_frames, frame=args.plot_frame, title=f"{args.input.name}: {Path(str(m['model'])).name or m['model']}",
        )
        print(f"wrote {args.plot}")
    return 0
