# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub lift INPUT``: a video or the 2D keypoints of a video -> root-relative 3D poses (npz / json / BVH) and a
plot (GIF / PNG / MP4 with the video)."""

from __future__ import annotations

import argparse
import functools
import os
from pathlib import Path

from ._batch import add_batch_args, batch_inputs, is_batch, parse_shard, run_batch
from ._common import (
    QUANTIZE_CHOICES,
    add_input_args,
    add_model_args,
    add_runtime_args,
    info,
    model_inputs,
    model_spec,
    quiet_loading,
    read_sequence,
)

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "lift",
        help="lift 2D keypoints (any length, any supported layout) to 3D poses; optional animated 3D plot",
        description="Reads a video (decoded with PyAV, 2D keypoints detected with MediaPipe Pose; needs the video "
        "extra: pip install -e '.[video]') or 2D keypoints (OpenPose, AlphaPose, mmpose/RTMPose, MediaPipe JSON, VideoPose3D npz, "
        "motionhub generic .npz, ... see motionhub.formats), converts them to H36M-17, normalises them as the model "
        "was trained, runs the model on batched overlapping windows (flip-averaged) and writes root-relative 3D "
        "poses of every person (one track per person). Output units are written in the file ('units'): metres for "
        "motionhub's own lifting models (the embedded default), normalised units (plus 'pose_3d_pixels') for "
        "MotionBERT-style models.",
        epilog="examples: motionhub lift motionhub/demo/cmu_walk_2d.npz -o pose3d.npz --plot pose3d.gif | "
        "motionhub lift clip.mp4 -o motion.bvh --plot clip_3d.mp4 --save-2d clip_2d.npz",
    )
    p.add_argument("input", type=Path, nargs="+",
                   help="video (.mp4, .mov, .avi, .mkv, .webm, ...) or 2D keypoints file / folder; several inputs (or "
                   "a folder of files, or a shell glob) with -o OUT_DIR/ lift them all with one model load")
    p.add_argument("-o", "--output", type=_output_arg, default=None,
                   help="output .npz / .json (3D poses) or .bvh (animation; one file per person, motion_person<i>.bvh "
                   "when there are several) (default: <input name>_pose3d.npz in the current folder unless only "
                   "--plot is given); with several inputs a folder (OUT_DIR/<input name>_pose3d.npz each)")
    p.add_argument("--plot", type=Path, default=None,
                   help="write a 3D skeleton next to the 2D input: .gif animation, .png still, or .mp4 (every frame, "
                   "the 2D skeleton over the video; frames without a detection are marked, not drawn)")
    p.add_argument("--save-2d", type=Path, default=None, metavar="NPZ",
                   help="also save the 2D keypoints that were lifted (for a video: the detections, NaN where nobody "
                   "was found) as a motionhub generic .npz")
    p.add_argument("--max-frames", type=int, default=None, help="video input: only the first N frames")
    p.add_argument("--detector", choices=("multi", "single"), default="multi",
                   help="video input: 'multi' (default) finds every person (MediaPipe Pose searched repeatedly, each person "
                   "found hidden before the next search; --person N picks one), 'single' MediaPipe's one tracked person (smoother, "
                   "faster)")
    p.add_argument("--fps", type=_frame_rate, default=None, help="frame rate when the input file does not store it")
    add_model_args(p, required=False, what="pose-lifting model")
    add_runtime_args(p, flip_default=True)
    p.add_argument("--backend", choices=("torch", "onnx"), default=None,
                   help="model runtime: torch (default) or onnx (the model's ONNX export on onnxruntime, CPU; "
                   "exported once per weights and cached; needs the [export] extra)")
    p.add_argument("--quantize", choices=QUANTIZE_CHOICES, default=None,
                   help="int8: dynamic int8 matrix products on onnxruntime (implies --backend onnx, CPU; faster, at "
                   "the accuracy cost stated on the model card; needs the [export] extra)")
    g = p.add_argument_group("windows and normalisation")
    g.add_argument("--window", type=int, default=None, help="frames per window (default: the model's maxlen)")
    g.add_argument("--stride", type=int, default=None, help="frames between window starts (default: window // 2)")
    g.add_argument("--normalization", choices=("crop_scale", "screen", "pixel_center", "none"), default=None,
                   help="2D normalisation (default: the model's config.input_normalization)")
    g.add_argument("--fill-missing", choices=("zero", "interpolate"), default=None,
                   help="missing (NaN) joints: zero with confidence 0 (default for keypoint files) or interpolate in "
                   "time (default for videos)")
    g.add_argument("--units", default=None,
                   help="units of the model's output when its config does not say (normalized, m, mm)")
    r = p.add_argument_group(
        "refinement",
        "STRIDE test-time training (motionhub.pipelines.stride): a 3D motion prior trained on this video's lifted "
        "poses, then predicting every frame (fills occlusions, removes jitter); metric models; the time it adds is "
        "printed (per 1,000 frames); accuracy: benchmarks/bench_occlusion.py",
    )
    r.add_argument("--refine", choices=("stride",), default=None, help="refine the lifted poses: stride")
    r.add_argument("--refine-prior", default=None, metavar="PRIOR",
                   help="motion prior: a folder, Hub repo id or official STRIDE checkpoint (default: motionhub's "
                   "stride-prior)")
    r.add_argument("--refine-epochs", type=int, default=30, help="test-time training passes over the video (30)")
    r.add_argument("--refine-lambdas", type=float, nargs=4, default=None, metavar=("POS", "SCALE", "VEL", "LIMB_VAR"),
                   help="loss weights (default STRIDE's 1 0.5 20 200)")
    r.add_argument("--refine-self-occlusion", action=argparse.BooleanOptionalAction, default=True,
                   help="hide fresh STRIDE occlusions of the prior's input in every test-time epoch so that it keeps "
                   "in-filling (default on; --no-refine-self-occlusion = STRIDE's TTT)")
    w = p.add_argument_group(
        "world motion",
        "metric models (the embedded default): the root trajectory in camera space, a world frame with y up and the "
        "floor at the feet, foot contacts and foot-skate removal (motionhub.world); written to .npz / .json "
        "(root_camera, root_world, pose_world, foot_contacts), moves the BVH root, drawn on the plot's floor",
    )
    w.add_argument("--focal", type=_positive("--focal"), default=None, metavar="PX",
                   help="camera focal length in pixels (default: the file's camera, else an assumed 53-degree "
                   "diagonal field of view, f = sqrt(W^2 + H^2)); depth and distances scale with it")
    w.add_argument("--fov", type=_positive("--fov"), default=None, metavar="DEG",
                   help="horizontal field of view in degrees instead of --focal")
    w.add_argument("--up", choices=("body", "camera"), default="body",
                   help="prior of the up direction that the floor fit refines: the median torso direction (body, "
                   "default) or a level camera (camera)")
    w.add_argument("--no-world", dest="world", action="store_false",
                   help="root-relative poses only (no trajectory, the BVH root stays at the origin)")
    add_input_args(p)
    add_batch_args(p, workers=True)
    pl = p.add_argument_group("plot")
    pl.add_argument("--plot-step", type=int, default=None, help="plot every N-th frame (default: automatic)")
    pl.add_argument("--plot-max-frames", type=int, default=300, help="at most this many GIF frames (default 300)")
    pl.add_argument("--plot-frame", type=int, default=None, help="frame of a .png plot (default: the middle one)")
    p.set_defaults(func=run)


class _OutputPath(type(Path())):
    """``-o`` as given: ``OUT/`` (a trailing separator) asks for a folder even before it exists."""

    as_folder = False


def _frame_rate(value: str) -> float:
    """``--fps``: a positive number of frames per second, at most MotionSequence's limit (checked before any work)."""
    from ..formats.base import MAX_FPS

    try:
        fps = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--fps must be a number of frames per second, got {value!r}") from None
    if not 0 < fps <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"--fps must be in (0, {MAX_FPS:g}] frames per second, got {value}")
    return fps


def _positive(flag: str):
    def parse(value: str) -> float:
        try:
            v = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be a number, got {value!r}") from None
        if not (v > 0 and v < float("inf")):
            raise argparse.ArgumentTypeError(f"{flag} must be positive, got {value}")
        return v

    return parse


def _add_world(result, args: argparse.Namespace, where: str = "") -> None:
    """The world motion of a metric result (``--no-world``: none); a model without metric output is told once."""
    if not args.world:
        return
    asked = args.focal is not None or args.fov is not None
    if result.units not in ("m", "mm") or result.layout != "h36m-17":
        if asked:
            raise ValueError(f"--focal / --fov place a metric H36M-17 pose in the world; this model outputs "
                             f"{result.units!r} units in {result.layout!r} (use a metric model or drop the flags)")
        return
    try:
        result.add_world(focal=args.focal, fov=args.fov, up=args.up)
    except ValueError as exc:  # e.g. no frame rate: the root-relative poses are still the result asked for
        if asked:
            raise
        info(f"no world motion{where}: {exc}", args.quiet)


def _refine(result, args: argparse.Namespace, announce: bool = True) -> None:
    """``--refine stride``: STRIDE test-time training of the motion prior on the lifted poses (every person)."""
    if args.refine_epochs < 0:
        raise ValueError(f"--refine-epochs must be >= 0, got {args.refine_epochs}")
    lambdas = None
    if args.refine_lambdas is not None:
        keys = ("lambda_position", "lambda_scale", "lambda_velocity", "lambda_limb_var")
        lambdas = dict(zip(keys, args.refine_lambdas))
    quiet = args.quiet or not announce
    info("refining with STRIDE test-time training ...", quiet)
    result.refine_stride(args.refine_prior, epochs=args.refine_epochs, lambdas=lambdas,
                         self_occlusion=args.refine_self_occlusion, progress=not quiet)
    if not announce:
        return
    r = result.meta["refine"]
    print(f"refined with STRIDE: {r['steps']} test-time steps in {r['seconds']:.1f} s ({r['seconds_per_1000_frames']:.1f} "
          "s per 1,000 frames); the lifted poses are kept as pose_3d_unrefined")


def _world_summary(result) -> str:
    import numpy as np

    worlds = result.worlds
    if not worlds:
        return ""
    intr = worlds[0].meta["intrinsics"]
    src = {"file": "the file's camera", "focal": "--focal", "fov": "--fov",
           "assumed": "assumed 53-degree diagonal field of view; set --focal / --fov"}[intr["source"]]  # fmt: skip
    parts = []
    for i, w in enumerate(worlds):
        path = np.linalg.norm(np.diff(w.root_world[:, [0, 2]], axis=0), axis=-1).sum()
        who = f"person {i}: " if len(worlds) > 1 else ""
        parts.append(f"{who}path {path:.2f} m, feet on the ground {100 * w.contacts.mean(0)[0]:.0f} % (left) / "
                     f"{100 * w.contacts.mean(0)[1]:.0f} % (right)")  # fmt: skip
    return (f"world motion (focal {intr['fx']:.0f} px from {src}): " + "; ".join(parts))


def _output_arg(value: str) -> Path:
    path = _OutputPath(value)
    path.as_folder = value.endswith(("/", os.sep))
    return path


def _check_output(path: Path | None, allowed: tuple[str, ...], flag: str, args: argparse.Namespace) -> None:
    from ..io_utils import check_output_path

    check_output_path(path, allowed, what=flag, inputs=[args.input, *model_inputs(args.model)])


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    if is_batch(args.input, args.output) or args.shard is not None:
        return _run_batch(args)
    if args.workers:
        raise ValueError("--workers reads many inputs ahead of the model: give a folder, a glob or several files "
                         "with -o OUT_DIR/ (one input is read in this process)")
    args.input = args.input[0]
    return _run_one(args)


def _make_pipeline(args: argparse.Namespace, fill: str):
    from ..pipelines import PoseLiftingPipeline

    onnx = args.backend == "onnx" or args.quantize is not None
    device = "cpu" if onnx and args.device == "auto" else args.device  # onnxruntime: CPU
    return PoseLiftingPipeline(
        model_spec(args.model), device=device, batch_size=args.batch_size, flip=args.flip, window=args.window,
        stride=args.stride, normalization=args.normalization, fill_missing=fill,
        image_size=args.image_size, output_units=args.units, progress=not args.quiet, backend=args.backend,
        quantize=args.quantize, trust_remote_code=args.trust_remote_code,
    )


def _run_batch(args: argparse.Namespace) -> int:
    """Every input with one model load: OUT_DIR/<name>_pose3d.npz each, done ones skipped, failures listed."""
    from ..io_utils import check_output_path
    from ..video.decode import is_video

    for flag, value in (("--plot", args.plot), ("--save-2d", args.save_2d), ("--index", args.index)):
        if value is not None:
            raise ValueError(f"{flag} names one output or clip; with several inputs only -o OUT_DIR/ is written")
    if args.output is None:
        raise ValueError("several inputs need an output folder: -o OUT_DIR/")
    if args.output.exists() and not args.output.is_dir():
        raise ValueError(f"-o {args.output}: with several inputs the output is a folder, and this is a file")
    files, root = batch_inputs(args.input, parse_shard(args.shard))
    args.output.mkdir(parents=True, exist_ok=True)
    check_output_path(args.output / "probe_pose3d.npz", (".npz",), what="-o")  # writable, before the model loads
    inputs = {p.resolve() for p in args.input}
    if args.output.resolve() in inputs or any(args.output.resolve() == p.parent for p in files):
        raise ValueError(f"-o {args.output} is an input folder: write the results to another folder")
    pipe = None
    fills = {}
    read = functools.partial(_read_input, layout=args.layout, input_format=args.input_format, person=args.person,
                             max_frames=args.max_frames, detector=args.detector, fps=args.fps)

    def lift_one(path, target, seq):
        nonlocal pipe
        check_output_path(target, (".npz",), what="output", inputs=[path])
        fill = args.fill_missing or ("interpolate" if is_video(path) else "zero")
        if pipe is None:
            pipe = _make_pipeline(args, fill)
            pipe.progress = False  # the progress bar counts files
        if fill not in fills:  # videos interpolate gaps, keypoint files zero them: one processor each, one model
            fills[fill] = pipe.processor.replace(fill_missing=fill)
        pipe.processor = fills[fill]
        result = pipe(seq, layout=args.layout)
        if args.refine == "stride":
            _refine(result, args, announce=False)  # one progress bar over the files
        _add_world(result, args)
        result.save(target)

    summary = run_batch(files, root, args.output, "_pose3d.npz", read, lift_one, workers=args.workers,
                        overwrite=args.overwrite, quiet=args.quiet, what="lifting")
    return 1 if summary.failed else 0


def _read_input(path: Path, *, layout: str | None, input_format: str | None, person: int | None,
                max_frames: int | None, detector: str, fps: float | None):
    """One input of a folder run as a MotionSequence with 2D keypoints: a video decoded and detected, a keypoint file
    read. Module level (picklable): ``--workers`` runs it in worker processes."""
    from ..video.decode import is_video
    from . import _lift_io

    if is_video(path):
        seq = _lift_io.read_video_input(path, max_frames, True, detector)
    else:
        seq = read_sequence(path, layout, input_format, None, person)
        if seq.keypoints_2d is None:
            raise ValueError(f"no 2D keypoints in {path}: use a 3D model or `motionhub stride`")
    if fps is not None:
        seq.fps = float(fps)
    return seq


def _run_one(args: argparse.Namespace) -> int:
    from ..video.decode import is_video
    from . import _lift_io

    _check_output(args.output, (".npz", ".json", ".bvh"), "-o", args)
    _check_output(args.plot, (".gif", ".png", ".mp4"), "--plot", args)
    _check_output(args.save_2d, (".npz",), "--save-2d", args)
    output = args.output
    if output is None and args.plot is None:
        output = Path(args.input.stem + "_pose3d.npz")
        _check_output(output, (".npz",), "default output", args)
    video = args.input if is_video(args.input) else None
    if video is not None:
        if not video.is_file():
            raise FileNotFoundError(f"input video not found: {video}")
        who = "every person" if args.detector == "multi" else "one person"
        info(f"detecting 2D keypoints of {who} in {video} (MediaPipe Pose) ...", args.quiet)
        seq = _lift_io.read_video_input(video, args.max_frames, args.quiet, args.detector)
        if args.person is not None:
            if not 0 <= args.person < seq.num_persons:
                raise ValueError(f"--person {args.person} out of range: {video} has {seq.num_persons} person(s)")
            seq = seq.person(args.person)
    else:
        extra = {"image_size": tuple(args.image_size)} if args.image_size and _takes_image_size(args) else None
        seq = read_sequence(args.input, args.layout, args.input_format, args.index, args.person, reader_kwargs=extra)
        if seq.keypoints_2d is None:
            raise ValueError(f"no 2D keypoints in {args.input}: use a 3D model or `motionhub stride`")
    if args.fps is not None:
        seq.fps = float(args.fps)
    if args.save_2d is not None:
        from ..formats import save_generic

        save_generic(args.save_2d, seq)
        print(f"wrote {args.save_2d} (2D keypoints, {seq.layout}, pixels; NaN = not detected)")
    detected = _lift_io.detected_mask(seq)
    fill = args.fill_missing or ("interpolate" if video is not None else "zero")
    pipe = _make_pipeline(args, fill)
    result = pipe(seq, layout=args.layout)
    m = result.meta
    windows = "one window per frame" if m["many_to_one"] else f"window {m['window']}, stride {m['stride']}"
    persons = f"{seq.num_persons} persons, " if seq.num_persons > 1 else ""
    print(
        f"lifted {result.num_frames} frames ({persons}{m['input_layout']} -> {result.layout}, {m['normalization']} "
        f"normalisation, {windows}, flip {'on' if m['flip'] else 'off'}"
        f"{', ' + m['quantize'] + ' on onnxruntime' if m.get('quantize') else ''}) with {m['model']}; pose_3d is "
        f"root-relative in {result.units!r} units"
    )
    if args.refine == "stride":
        _refine(result, args)
    _add_world(result, args)
    if result.world is not None:
        print(_world_summary(result))
    undetected = int((~detected).sum())
    if undetected:
        print(f"{undetected} person-frame(s) had no detection: their 3D poses come from filled-in input, not from "
              "observations (the .mp4 plot marks them)")
    if output is not None and output.suffix.lower() == ".bvh":
        for target, exp in _lift_io.write_bvh_outputs(output, result, detected):
            root = "the root follows the world trajectory" if result.world is not None else "root at the origin"
            print(f"wrote {target} (BVH, H36M-17 rig, cm, y up, {root}, {result.num_frames} frames at {result.fps:g} fps; with the "
                  f"median bone lengths its joints are {exp.mean_error:.3g} {result.units} from the lifted ones on "
                  f"average, {exp.max_error:.3g} at most)")
    elif output is not None:
        result.save(output)
        print(f"wrote {output}")
    if args.plot is not None and args.plot.suffix.lower() == ".mp4":
        info(f"rendering {args.plot} ...", args.quiet)
        _lift_io.write_mp4_plot(args.plot, result, seq, video, detected, args.quiet,
                                title=f"{args.input.name}: {Path(str(m['model'])).name or m['model']}")
        print(f"wrote {args.plot}")
    elif args.plot is not None:
        from ..visualization import plot_pose_3d

        pose = result.pose_3d[0] if result.pose_3d.ndim == 4 else result.pose_3d
        kp2d = result.keypoints_2d_pixels if result.keypoints_2d_pixels is not None else result.keypoints_2d
        kp2d = kp2d[0] if kp2d.ndim == 4 else kp2d
        if result.meta.get("model_input_layout", result.layout) != result.layout:
            kp2d = None
        if result.pose_3d.ndim == 4:
            info(f"--plot {args.plot.suffix}: drawing person 0 of {result.pose_3d.shape[0]} (choose with --person)",
                 args.quiet)  # fmt: skip
        world = result.worlds[0] if result.worlds else None  # y-up world: the floor and the path are drawn
        info(f"rendering {args.plot} ...", args.quiet)
        plot_pose_3d(
            world.pose_world if world is not None else pose, kp2d, args.plot, fps=result.fps, layout=result.layout,
            step=args.plot_step, max_frames=args.plot_max_frames, frame=args.plot_frame,
            title=f"{args.input.name}: {Path(str(m['model'])).name or m['model']}", camera_frame=world is None,
            ground=world is not None,
        )
        print(f"wrote {args.plot}")
    return 0


def _takes_image_size(args: argparse.Namespace) -> bool:
    """MediaPipe landmark JSON stores normalised landmarks: its reader needs the image size to make pixels."""
    from ..formats import detect_format

    return (args.input_format or detect_format(args.input)) == "mediapipe_landmarks"
