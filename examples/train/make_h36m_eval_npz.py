# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Write the Human3.6M held-out-subject evaluation files (generic motionhub npz) behind ``results/dstformer-small-*.json``.

One file per (subject, action take, camera): ``<subject>_<action>_<camera>.npz`` with

* ``keypoints_2d`` ``(T, 17, 3)`` float32: the **real Stacked-Hourglass detections** in pixels (16 MPII joints ->
  H36M-17 with :func:`motionhub.skeleton.to_h36m`, by default ``mpii_convention="mpii"``: the conversion any MPII
  detector file gets, used by the campaign's default model; ``--mpii-convention h36m_sh`` reproduces the files of
  the first small checkpoints) + confidence 1;
* ``keypoints_3d`` ``(T, 17, 3)`` float32: ground truth in **camera space, millimetres** (``units_3d = "mm"``,
  absolute; evaluation makes it root-relative);
* ``image_size`` (1000, 1000) or (1000, 1002), ``fps`` 50, ``layout`` "h36m-17", ``meta_json`` (subject, action,
  camera ``{"id", "focal_px", "principal_px", "world_up_camera"}``, provenance).

Human3.6M is research-only and may not be redistributed: the files are written to a path you choose, never commit
them. Regenerate from the shared data (3d-pose-baseline npz set)::

    python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval --max-frames 540

``--max-frames`` keeps the first frames of every sequence (the committed results use 540 = 10.8 s per sequence, all
30 takes x 4 cameras, to fit the CPU budget; omit it for full sequences).

``--confidence`` sets the third channel of ``keypoints_2d`` (issue 24's confidence row: the same held-out 2D with
the scores a detector would report): ``1`` (default), a constant (``0.6``), or ``uniform:LO:HI`` (every joint of every
frame drawn uniformly in [LO, HI], seeded by the file name, so the files are the same on every machine)::

    python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval540_c06 --max-frames 540 --confidence 0.6
    python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval540_cu --max-frames 540 --confidence uniform:0.3:1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lifting_data import DATA_ROOT, H36M_EVAL_SUBJECTS

from motionhub.formats import (
    MotionSequence,
    load_h36m_3pb,
    load_h36m_cameras,
    save_generic,
)

__all__ = ["main", "write_eval_files"]


def _camera_meta(cam) -> dict:
    """The calibrated camera as ``meta_json["camera"]``: id, pinhole intrinsics (px; the lens distortion is not
    modelled by the trajectory) and the world's up (H36M world z) in camera axes, for ``motionhub evaluate
    --trajectory``."""
    return {"id": cam.id, "focal_px": cam.f.tolist(), "principal_px": cam.c.tolist(),
            "world_up_camera": (cam.R @ np.array([0.0, 0.0, 1.0])).tolist()}


def parse_confidence(spec: str) -> tuple[float, float]:
    """``--confidence`` as the (low, high) of a uniform draw: ``"1"`` / ``"0.6"`` -> (c, c), ``"uniform:LO:HI"``."""
    try:
        if spec.startswith("uniform:"):
            _, lo, hi = spec.split(":")
            low, high = float(lo), float(hi)
        else:
            low = high = float(spec)
    except ValueError:
        raise ValueError(f"--confidence must be a number or uniform:LO:HI, got {spec!r}") from None
    if not (0.0 < low <= high <= 1.0):
        raise ValueError(f"--confidence needs 0 < LO <= HI <= 1, got {spec!r}")
    return low, high


def write_eval_files(out: Path, data_root: Path = DATA_ROOT, subjects=H36M_EVAL_SUBJECTS,
                     max_frames: int | None = None, mpii_convention: str = "mpii",
                     confidence: str = "1") -> list[Path]:
    """Write one generic npz per (subject, take, camera) into ``out``; returns the written paths."""
    low, high = parse_confidence(confidence)
    out.mkdir(parents=True, exist_ok=True)
    cams = load_h36m_cameras(Path(data_root) / "h36m_train" / "h36m_cameras.npz")
    written = []
    for seq in load_h36m_3pb(Path(data_root) / "h36m_train", subjects=list(subjects), keypoints_2d="sh",
                             sh_convention=mpii_convention):
        kp2 = seq.keypoints_2d[:max_frames]
        m = seq.meta
        name = f"{m['subject']}_{m['action'].replace(' ', '-')}_{m['camera']}"
        rng = np.random.default_rng(list(name.encode()))  # the same scores on every machine
        score = rng.uniform(low, high, kp2.shape[:-1] + (1,)) if high > low else np.full_like(kp2[..., :1], low)
        kp2 = np.concatenate([kp2, score], axis=-1).astype(np.float32)
        eval_seq = MotionSequence(
            keypoints_2d=kp2, keypoints_3d=seq.keypoints_3d[:max_frames].astype(np.float32), layout="h36m-17",
            units_3d="mm", fps=seq.fps, image_size=seq.image_size,
            meta={"subject": m["subject"], "action": m["action"], "camera": _camera_meta(cams[m["subject"], m["camera"]]),
                  "frame": "camera",
                  "keypoints_2d_source": f"Stacked-Hourglass detections (3d-pose-baseline), to_h36m(mpii-16, {mpii_convention})",
                  "confidence": confidence,
                  "license": "Human3.6M: research-only, no redistribution"},
        )
        written.append(save_generic(out / f"{name}.npz", eval_seq))
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="output folder (not inside the repository)")
    p.add_argument("--data-root", type=Path, default=DATA_ROOT)
    p.add_argument("--subjects", nargs="+", default=list(H36M_EVAL_SUBJECTS))
    p.add_argument("--max-frames", type=int, default=None)
    p.add_argument("--mpii-convention", default="mpii", choices=("mpii", "h36m_sh"),
                   help="how the 16 MPII joints become H36M-17 (default mpii, as for any MPII detector)")
    p.add_argument("--confidence", default="1",
                   help="the 2D scores: 1 (default), a constant such as 0.6, or uniform:LO:HI per joint and frame")
    args = p.parse_args(argv)
    try:
        parse_confidence(args.confidence)
    except ValueError as e:
        p.error(str(e))
    paths = write_eval_files(args.out, args.data_root, tuple(args.subjects), args.max_frames, args.mpii_convention,
                             args.confidence)
    frames = sum(len(np.load(p)["keypoints_3d"]) for p in paths)
    print(f"wrote {len(paths)} files ({frames} frames) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
