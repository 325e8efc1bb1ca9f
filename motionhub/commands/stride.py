# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub stride INPUT.npz -o OUT.npz``: STRIDE test-time training on one video's noisy per-frame 3D poses.

Input: a generic motionhub npz (:mod:`motionhub.formats.generic`) with ``keypoints_3d`` ``(T, J, 3)`` from any
image-based 3D pose estimator (camera space: x right, y down, z forward; ``units_3d`` mm or m), NaN for missing
joints, and optionally ``visibility`` ``(T,)`` or ``(T, J)`` (1 = observed). Non-H36M layouts are converted to
H36M-17. Output: the same format with the refined, temporally continuous ``keypoints_3d`` ``(T, 17, 3)``
(root-relative, input units; ``--keep-trajectory`` adds back the input's root trajectory, linearly interpolated over
hidden frames) and ``keypoints_3d_input`` (the H36M-17 input).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ..pretrained import DEFAULT_STRIDE_PRIOR_DIR

__all__ = ["DEFAULT_PRIOR", "load_prior", "register", "run"]

#: The motion prior used when ``--model`` is not given: package data of ``motionhub.pretrained`` (installed with
#: motionhub, no repository folder needed; see its README).
DEFAULT_PRIOR = DEFAULT_STRIDE_PRIOR_DIR

_TO_METRES = {"mm": 1e-3, "m": 1.0}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "stride",
        help="refine noisy, partly occluded per-frame 3D poses of one video with STRIDE test-time training",
        description="Copies a 3D motion prior (DSTformer with 3D input), optimises it on this video alone (position, "
        "scale-normalised, velocity and limb-length-variance losses, flip augmentation), then predicts every frame "
        "(overlapping windows for long videos). Input/output: generic motionhub npz (keypoints_3d).",
    )
    p.add_argument("input", type=Path, help="generic npz with keypoints_3d (T, J, 3) [+ visibility (T,) or (T, J)]")
    p.add_argument("-o", "--output", type=Path, required=True, help="output npz")
    p.add_argument("--model", default=None,
                   help="prior: a save_pretrained folder, a Hub repo id, or an official STRIDE/MotionBERT 3D-input "
                        f"checkpoint (.bin/.pth). Default: {DEFAULT_PRIOR.name} (committed with motionhub)")
    p.add_argument("--num-heads", type=int, default=None, help="attention heads of an official checkpoint (default 8)")
    p.add_argument("--epochs", type=int, default=30, help="passes over the video (default 30, as STRIDE)")
    p.add_argument("--max-steps", type=int, default=None, help="cap on optimizer steps")
    p.add_argument("--lr", type=float, default=2e-4, help="AdamW learning rate (default 2e-4)")
    p.add_argument("--lr-decay", type=float, default=0.99, help="lr multiplier after every epoch (default 0.99)")
    p.add_argument("--batch-size", type=int, default=1, help="windows per optimizer step (default 1)")
    p.add_argument("--window-stride", type=int, default=None, help="frames between windows (default: window // 2)")
    p.add_argument("--lambdas", type=float, nargs=4, default=(1.0, 0.5, 20.0, 200.0),
                   metavar=("POS", "SCALE", "VEL", "LIMB_VAR"),
                   help="loss weights (default 1 0.5 20 200, STRIDE's; benchmarks/results/occlusion_h36m.md)")
    p.add_argument("--self-occlusion", action=argparse.BooleanOptionalAction, default=True,
                   help="hide fresh STRIDE occlusions of the prior's input in every epoch (at the input's fps, 25 when "
                        "unknown) so that it keeps in-filling; default on, --no-self-occlusion = STRIDE's TTT")
    p.add_argument("--no-flip", action="store_true", help="disable flip augmentation and flip averaging")
    p.add_argument("--recenter", choices=("root", "stride_midhip", "none"), default="root",
                   help="root: pelvis at the origin (default); stride_midhip: the official evaluate() quirk")
    p.add_argument("--input-scale", type=float, default=None,
                   help="multiply the input by this to get the prior's units (default from units_3d: mm -> 0.001)")
    p.add_argument("--keep-trajectory", action="store_true",
                   help="add the input's root trajectory (interpolated over hidden frames) to the output")
    p.add_argument("--device", default="cpu", help="torch device (default cpu)")
    p.add_argument("--threads", type=int, default=0,
                   help="torch CPU threads (0: torch's default). Small priors run fastest with 1 on a busy machine")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def load_prior(model: str | None, num_heads: int | None = None):
    """The motion prior from a folder / Hub id / official checkpoint file (default: :data:`DEFAULT_PRIOR`); see
    :func:`motionhub.pipelines.stride.load_stride_prior`."""
    from ..pipelines.stride import load_stride_prior

    return load_stride_prior(model, num_heads)


def _read_input(path: Path) -> tuple[np.ndarray, np.ndarray | None, object]:
    from ..formats.generic import load_generic
    from ..skeleton import to_h36m

    seq = load_generic(path)
    if seq.keypoints_3d is None:
        raise ValueError(f"{path} has no 'keypoints_3d'; STRIDE refines per-frame 3D poses (T, J, 3)")
    kp = seq.keypoints_3d
    if kp.ndim != 3:
        raise ValueError(f"{path}: keypoints_3d must be one person (T, J, 3), got {kp.shape}; split persons first")
    visibility = None
    with np.load(path, allow_pickle=False) as data:
        if "visibility" in data.files:
            visibility = np.asarray(data["visibility"]).astype(bool)
    if seq.layout != "h36m-17":
        if visibility is not None and visibility.ndim == 2:
            # a synthesised H36M joint is visible only if all its sources are: propagate NaN through the recipe
            kp = np.where(visibility[..., None], kp, np.nan)
            visibility = visibility.any(axis=1)
        kp = to_h36m(kp, seq.layout)
    return kp.astype(np.float64), visibility, seq


def _interpolate_root(root: np.ndarray, visible: np.ndarray) -> np.ndarray:
    t = np.arange(len(root))
    if not visible.any():
        return np.zeros_like(root)
    return np.stack([np.interp(t, t[visible], root[visible, c]) for c in range(root.shape[1])], axis=1)


def run(args: argparse.Namespace) -> int:
    from ..formats.base import MotionSequence
    from ..formats.generic import save_generic
    from ..io_utils import check_output_path
    from ..pipelines.stride import prepare_stride_input, self_occlusion, test_time_train
    from ._common import model_inputs

    check_output_path(args.output, (".npz",), what="-o", inputs=[args.input, *model_inputs(args.model)])  # first
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    kp, visibility, seq = _read_input(args.input)
    scale = args.input_scale
    if scale is None:
        if seq.units_3d not in _TO_METRES:
            raise ValueError(
                f"units_3d is {seq.units_3d!r}; the prior expects metres: pass --input-scale (factor to metres)"
            )
        scale = _TO_METRES[seq.units_3d]
    prior = load_prior(args.model, args.num_heads)
    x, vis = prepare_stride_input(kp * scale, visibility)
    lp, ls, lv, llv = args.lambdas
    result = test_time_train(
        prior, x, vis, epochs=args.epochs, max_steps=args.max_steps, lr=args.lr, lr_decay=args.lr_decay,
        lambda_position=lp, lambda_scale=ls, lambda_velocity=lv, lambda_limb_var=llv,
        flip_augmentation=not args.no_flip, flip_test=not args.no_flip, recenter=args.recenter,
        window_stride=args.window_stride, batch_size=args.batch_size, device=args.device, seed=args.seed,
        progress=not args.quiet, return_model=False,
        occlusion=self_occlusion(seq.fps) if args.self_occlusion else None,
    )
    refined = result.poses.astype(np.float64) / scale
    if args.keep_trajectory:
        root_visible = vis[:, 0].numpy() if vis is not None else np.ones(len(kp), bool)
        refined = refined + _interpolate_root(np.nan_to_num(kp[:, 0]), root_visible)[:, None, :]
    meta = {"stride": {"model": args.model or str(DEFAULT_PRIOR), "epochs": args.epochs, "steps": result.steps,
                       "lr": args.lr, "lr_decay": args.lr_decay, "lambdas": [lp, ls, lv, llv],
                       "flip": not args.no_flip, "recenter": args.recenter, "root_relative": not args.keep_trajectory,
                       "final_loss": result.history[-1] if result.history else None}}  # fmt: skip
    out = MotionSequence(
        keypoints_3d=refined.astype(np.float32), layout="h36m-17", units_3d=seq.units_3d, fps=seq.fps,
        meta={"source_file": str(args.input), **meta},
    )
    written = save_generic(args.output, out)
    # keep the (H36M-17) input and the visibility next to the result for comparison
    with np.load(written, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["keypoints_3d_input"] = kp.astype(np.float32)
    if vis is not None:
        arrays["visibility"] = vis.numpy()
    from ..io_utils import atomic_path

    with atomic_path(written) as tmp:
        np.savez_compressed(tmp, **arrays)
    print(f"refined {len(kp)} frames with {result.steps} test-time steps -> {written}")
    if result.history:
        print("final loss: " + json.dumps({k: round(v, 5) for k, v in result.history[-1].items()}))
    return 0
