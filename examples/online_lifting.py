# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Online lifting of a webcam or a video played as a stream: MediaPipe Pose per frame -> OnlineLifter -> 3D poses
with a fixed latency (needs the video extra: pip install -e ".[video]").

    python examples/online_lifting.py tests/fixtures/video/juggle_2s.mp4 --out stream_3d.npz
    python examples/online_lifting.py --webcam 0 --seconds 10 --image-size 640 480

Each pose comes ``latency`` frames after its frame arrived (default: half the model's window); memory stays one window
of 2D frames. Writes ``frame_index`` and ``pose_3d`` (T, 17, 3) root-relative metres (NaN: nobody detected).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from motionhub.streaming import OnlineLifter
from motionhub.video import MediaPipePoseDetector, iter_frames, probe_video

__all__ = ["main"]


def _webcam(index: int, seconds: float):
    import cv2  # installed with mediapipe

    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        raise SystemExit(f"cannot open webcam {index}")
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            ok, bgr = cap.read()
            if not ok:
                return
            yield bgr[:, :, ::-1].copy()
    finally:
        cap.release()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("video", type=Path, nargs="?", help="video file played as a stream")
    p.add_argument("--webcam", type=int, default=None, help="webcam index instead of a file")
    p.add_argument("--seconds", type=float, default=10.0, help="webcam: how long to run")
    p.add_argument("--image-size", type=int, nargs=2, default=None, metavar=("W", "H"), help="webcam frame size")
    p.add_argument("--fps", type=float, default=30.0, help="webcam frame rate (for the stated latency)")
    p.add_argument("--latency", type=int, default=None, help="frames of delay (default: half a window)")
    p.add_argument("--model", default=None, help="lifting model (default: the embedded default model)")
    p.add_argument("--out", type=Path, default=Path("stream_3d.npz"))
    args = p.parse_args(argv)
    if (args.video is None) == (args.webcam is None):
        raise SystemExit("give a video file or --webcam N")
    if args.video is not None:
        info = probe_video(args.video)
        size, fps, frames = (info.width, info.height), info.fps, iter_frames(args.video)
    else:
        if args.image_size is None:
            raise SystemExit("--webcam needs --image-size W H")
        size, fps, frames = tuple(args.image_size), args.fps, _webcam(args.webcam, args.seconds)
    detector = MediaPipePoseDetector()
    lifter = OnlineLifter(args.model, layout=detector.layout, image_size=size, fps=fps, latency=args.latency)
    print(f"window {lifter.window} frames, latency {lifter.latency} frames = {lifter.latency_seconds:.3f} s at {fps:g} fps")
    indices, poses, step_ms = [], [], []
    for frame in frames:
        people = detector(frame)
        t0 = time.perf_counter()
        out = lifter.push(people[0] if people else None)
        step_ms.append((time.perf_counter() - t0) * 1000)
        if out is not None:
            indices.append(out[0])
            poses.append(out[1])
    for index, pose in lifter.flush():
        indices.append(index)
        poses.append(pose)
    detector.close()
    if not poses:
        raise SystemExit("no frame")
    np.savez_compressed(args.out, frame_index=np.asarray(indices), pose_3d=np.stack(poses), units=lifter.units,
                        latency_frames=lifter.latency, fps=fps)  # fmt: skip
    print(f"{len(poses)} poses ({int(np.isnan(np.stack(poses)[:, 0, 0]).sum())} without detection); lifting "
          f"{np.median(step_ms):.1f} ms per frame (median); wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
