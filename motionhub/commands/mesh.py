# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub mesh INPUT --model MODEL --smpl PATH -o OUT``: SMPL mesh recovery from 2D keypoints."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ._common import (
    add_input_args,
    add_model_args,
    add_runtime_args,
    model_inputs,
    quiet_loading,
    read_sequence,
)

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "mesh",
        help="recover SMPL meshes (pose, shape, vertices in mm) from 2D keypoints; needs the SMPL body model",
        description="Runs an <Encoder>ForMeshRecovery model on the whole video (overlapping windows, flip "
        "averaging) and writes SMPL theta (T, 82), vertices (T, 6890, 3) and H36M-17 joints (T, 17, 3) in "
        "millimetres. SMPL is not shipped (licence): register at https://smpl.is.tue.mpg.de and pass the model "
        "file or folder with --smpl or $MOTIONHUB_SMPL_PATH.",
        epilog="example: motionhub mesh video.json --model my-mesh-model --smpl data/mesh -o mesh.npz",
    )
    p.add_argument("input", type=Path, help="2D keypoints file")
    add_model_args(p, required=True, what="mesh recovery model")
    p.add_argument("--smpl", type=Path, default=None,
                   help="SMPL model file or folder (default: $MOTIONHUB_SMPL_PATH); the folder may also hold the H36M "
                   "joint regressor J_regressor_h36m_correct.npy")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .npz or .json")
    p.add_argument("--plot", type=Path, default=None,
                   help="also plot the regressed H36M-17 joints next to the 2D input (.gif / .png)")
    add_runtime_args(p, flip_default=True, batch_size=4)
    g = p.add_argument_group("windows and normalisation")
    g.add_argument("--window", type=int, default=None, help="frames per window (default: the model's maxlen)")
    g.add_argument("--stride", type=int, default=None, help="frames between window starts (default: window // 2)")
    g.add_argument("--normalization", choices=("crop_scale", "screen", "pixel_center", "none"), default=None,
                   help="2D normalisation (default: the model's config.input_normalization)")
    add_input_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    from ..body import SMPL_ENV_VAR, SMPLNotFoundError, resolve_smpl_paths
    from ..io_utils import check_output_path
    from ..pipelines import MeshPipeline

    inputs = [args.input, *model_inputs(args.model)]
    check_output_path(args.output, (".npz", ".json"), what="-o", inputs=inputs)
    check_output_path(args.plot, (".gif", ".png"), what="--plot", inputs=inputs)
    try:  # fail before loading anything when SMPL is missing or the path is wrong
        if args.smpl is None and not os.environ.get(SMPL_ENV_VAR):
            resolve_smpl_paths(None)
        smpl = resolve_smpl_paths(args.smpl)
    except SMPLNotFoundError as err:
        raise SMPLNotFoundError(
            f"motionhub mesh needs the SMPL body model: pass --smpl PATH (SMPL .pkl file or a folder with it and "
            f"J_regressor_h36m_correct.npy) or set {SMPL_ENV_VAR}. Details: {err}"
        ) from None
    smpl_files = [smpl.model, smpl.j_regressor_h36m, smpl.j_regressor_extra, smpl.mean_params]
    for path, flag in ((args.output, "-o"), (args.plot, "--plot")):  # an .npz SMPL model must not be overwritten
        check_output_path(path, what=flag, inputs=smpl_files)
    seq = read_sequence(args.input, args.layout, args.input_format, args.index, args.person)
    pipe = MeshPipeline(args.model, device=args.device, batch_size=args.batch_size, flip=args.flip,
                        window=args.window, stride=args.stride, normalization=args.normalization,
                        smpl_model_path=args.smpl, image_size=args.image_size, progress=not args.quiet,
                        trust_remote_code=args.trust_remote_code)
    result = pipe(seq, layout=args.layout)
    result.save(args.output)
    print(f"recovered {result.theta.shape[-2]} frames of SMPL meshes ({result.vertices.shape[-2]} vertices, mm); "
          f"wrote {args.output}")
    if args.plot is not None:
        from ..visualization import plot_pose_3d

        joints = result.joints_3d[0] if result.joints_3d.ndim == 4 else result.joints_3d
        kp2d, _ = pipe.prepare(seq, args.layout, args.image_size)
        k = kp2d[0].pixels if kp2d[0].pixels is not None else kp2d[0].normalized
        plot_pose_3d(joints, k, args.plot, fps=seq.fps, layout="h36m-17", title=f"{args.input.name}: SMPL joints")
        print(f"wrote {args.plot}")
    return 0
