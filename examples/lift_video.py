# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Lift the 2D keypoints of a video to 3D and render the result (the Python version of ``motionhub lift``).

Input: any 2D keypoint file motionhub reads: AlphaPose / COCO results JSON (Halpe-26 or COCO-17), mmpose
predictions, the generic ``.npz`` (``keypoints_2d`` pixels + ``layout`` + ``fps`` [+ ``image_size``]), ...
Multi-person files are lifted person by person.

    python examples/lift_video.py motionhub/demo/cmu_walk_2d.npz --out demo_3d
    python examples/lift_video.py alphapose-results.json --image-size 1920 1080 --out video_3d \\
        --model path/or/org-name --fps 30

Writes ``<out>/pose3d.npz`` (root-relative H36M-17 3D; units in the file), ``<out>/pose3d.json`` and one
``<out>/pose3d_person<k>.gif`` per person (3D skeleton next to the 2D input).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from motionhub.formats import MotionSequence, load_motion
from motionhub.pipelines import PoseLiftingPipeline
from motionhub.visualization import plot_pose_3d

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("keypoints", type=Path, help="2D keypoints file")
    p.add_argument("--out", type=Path, default=Path("lifted"), help="output folder")
    p.add_argument("--model", default=None, help="lifting model (default: the embedded default model)")
    p.add_argument("--image-size", type=int, nargs=2, default=None, metavar=("W", "H"),
                   help="video frame size, when the file does not store it (AlphaPose JSON does not)")
    p.add_argument("--fps", type=float, default=None, help="video frame rate, when the file does not store it")
    p.add_argument("--device", default="auto")
    p.add_argument("--no-flip", action="store_true", help="no flip test-time augmentation")
    p.add_argument("--max-gif-frames", type=int, default=300)
    args = p.parse_args(argv)

    seq = load_motion(args.keypoints)
    if isinstance(seq, list):  # several videos in one file: take the first
        seq = seq[0]
    if not isinstance(seq, MotionSequence):
        raise SystemExit(f"{args.keypoints} is a dataset of {len(seq)} clips; export one clip first")
    if args.fps is not None:
        seq = seq.replace(fps=args.fps)

    lifter = PoseLiftingPipeline(args.model, device=args.device, flip=not args.no_flip, image_size=args.image_size)
    result = lifter(seq)
    print(f"{result.num_frames} frames lifted; pose_3d {result.pose_3d.shape} in {result.units!r} "
          f"({result.meta['normalization']} normalisation, window {result.meta['window']})")

    args.out.mkdir(parents=True, exist_ok=True)
    result.save(args.out / "pose3d.npz")
    result.save(args.out / "pose3d.json")
    poses = result.pose_3d if result.pose_3d.ndim == 4 else result.pose_3d[None]
    kp2d = result.keypoints_2d_pixels if result.keypoints_2d_pixels is not None else result.keypoints_2d
    kp2d = kp2d if kp2d.ndim == 4 else kp2d[None]
    for k, (pose, kp) in enumerate(zip(poses, kp2d)):
        gif = plot_pose_3d(pose, kp, args.out / f"pose3d_person{k}.gif", fps=result.fps,
                           max_frames=args.max_gif_frames, title=f"{args.keypoints.name}, person {k}")
        print(f"wrote {gif}")
    print(f"wrote {args.out / 'pose3d.npz'} and {args.out / 'pose3d.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
