# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Regenerate ``cmu_walk_2d.npz``, motionhub's shipped demo input, from the CMU mocap sample.

Recipe (deterministic, no randomness):

1. Read CMU subject 02 trial 01 ("walk", 120 fps, 343 frames) from the shared tarball
   (``../shared/data/cmu_mocap/cmu_subjects_01-03_asfamc.tar.xz``, members ``asfamc/subjects/02/02.asf`` and
   ``02_01.amc``) and run the ASF/AMC forward kinematics (:func:`motionhub.formats.load_asf_amc`; mm, Y up).
2. Convert the 31 CMU joints to Human3.6M-17 with :func:`motionhub.skeleton.to_h36m` (``"cmu-31"`` recipe).
3. Resample 120 -> 50 fps (Human3.6M's rate) by linear interpolation in time.
4. Film it with a virtual pinhole camera: 1000x1000 image, f = 1145 px (Human3.6M-like), principal point at the image
   centre, no distortion; optical centre 1.5 m above the floor, looking at the middle of the walk from 30 degrees off
   the perpendicular of the walking direction, pulled back until every joint is inside [40, 960] px.
5. Save the generic motionhub npz: ``keypoints_2d`` (T, 17, 3) pixels + confidence 1, ``keypoints_3d`` (T, 17, 3)
   camera-space ground truth in mm (x right, y down, z forward), ``layout`` "h36m-17", ``fps`` 50,
   ``image_size`` (1000, 1000), and the camera in ``meta_json``.

Run: ``python -m motionhub.demo.make_demo [--tarball PATH] [--out PATH]``.

The CMU data is free for all uses (not for resale). The data used in this project was obtained from
mocap.cs.cmu.edu. The database was created with funding from NSF EIA-0196217.
"""

from __future__ import annotations

import argparse
import tarfile
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["DEFAULT_TARBALL", "build_demo", "main"]

DEFAULT_TARBALL = Path(__file__).resolve().parents[2].parent / "shared/data/cmu_mocap/cmu_subjects_01-03_asfamc.tar.xz"
IMAGE_SIZE = (1000, 1000)
FOCAL = 1145.0
FPS_OUT = 50.0
CAMERA_HEIGHT_MM = 1500.0
AZIMUTH_DEG = 30.0
MARGIN_PX = 40.0


def _resample(x: np.ndarray, fps_in: float, fps_out: float) -> np.ndarray:
    """Linear resampling along axis 0 of ``(T, ...)``."""
    t_in = np.arange(x.shape[0]) / fps_in
    t_out = np.arange(0.0, t_in[-1] + 1e-9, 1.0 / fps_out)
    flat = x.reshape(x.shape[0], -1)
    out = np.stack([np.interp(t_out, t_in, flat[:, k]) for k in range(flat.shape[1])], axis=1)
    return out.reshape((len(t_out),) + x.shape[1:])


def _look_at(center: np.ndarray, target: np.ndarray, up: np.ndarray) -> np.ndarray:
    """World->camera rotation (rows = camera x right, y down, z forward) for a camera at ``center``."""
    z = target - center
    z /= np.linalg.norm(z)
    y = -up - np.dot(-up, z) * z
    y /= np.linalg.norm(y)
    x = np.cross(y, z)
    return np.stack([x, y, z])


def build_demo(tarball: str | Path = DEFAULT_TARBALL) -> dict[str, np.ndarray | dict]:
    """Run steps 1-4; returns the arrays and camera of the demo clip."""
    from motionhub.formats import load_asf_amc
    from motionhub.skeleton import to_h36m

    tarball = Path(tarball)
    if not tarball.exists():
        raise FileNotFoundError(f"CMU tarball not found: {tarball} (pass --tarball)")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as tar:
        for member in ("asfamc/subjects/02/02.asf", "asfamc/subjects/02/02_01.amc"):
            src = tar.extractfile(member)
            if src is None:
                raise ValueError(f"{tarball} has no {member}")
            (Path(tmp) / Path(member).name).write_bytes(src.read())
        seq = load_asf_amc(Path(tmp) / "02.asf", Path(tmp) / "02_01.amc")
    world = to_h36m(seq.keypoints_3d.astype(np.float64), "cmu-31")  # (T, 17, 3) mm, Y up
    world = _resample(world, seq.fps, FPS_OUT)

    pelvis = world[:, 0]
    target = pelvis.mean(0)
    walk = pelvis[-1] - pelvis[0]
    walk[1] = 0.0
    walk /= np.linalg.norm(walk)
    up = np.array([0.0, 1.0, 0.0])
    side = np.cross(up, walk)  # horizontal, perpendicular to the walk
    az = np.deg2rad(AZIMUTH_DEG)
    view = np.cos(az) * side + np.sin(az) * walk  # from the target towards the camera
    w, h = IMAGE_SIZE
    principal = np.array([w / 2.0, h / 2.0])
    for dist in np.arange(3000.0, 20000.0, 100.0):
        center = target + dist * view
        center[1] = CAMERA_HEIGHT_MM
        rot = _look_at(center, target, up)
        cam = (world - center) @ rot.T
        uv = FOCAL * cam[..., :2] / cam[..., 2:3] + principal
        if uv.min() >= MARGIN_PX and uv[..., 0].max() <= w - MARGIN_PX and uv[..., 1].max() <= h - MARGIN_PX:
            break
    else:  # pragma: no cover - the CMU walk always fits
        raise RuntimeError("could not fit the motion into the image")
    camera = {
        "R_world_to_camera": rot.tolist(),
        "center_world_mm": center.tolist(),
        "focal_px": [FOCAL, FOCAL],
        "principal_px": principal.tolist(),
        "distortion": None,
        "world_up": "y",
    }
    return {"keypoints_3d": cam, "uv": uv, "camera": camera, "frames_120fps": seq.num_frames}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", default=str(DEFAULT_TARBALL), help="CMU subjects 01-03 ASF/AMC tar.xz")
    parser.add_argument("--out", default=str(Path(__file__).with_name("cmu_walk_2d.npz")), help="output npz")
    args = parser.parse_args(argv)

    from motionhub.formats import MotionSequence, save_generic

    demo = build_demo(args.tarball)
    uv = demo["uv"]
    kp2 = np.concatenate([uv, np.ones(uv.shape[:-1] + (1,))], axis=-1).astype(np.float32)
    seq = MotionSequence(
        keypoints_2d=kp2,
        keypoints_3d=demo["keypoints_3d"].astype(np.float32),
        layout="h36m-17",
        units_3d="mm",
        fps=FPS_OUT,
        image_size=IMAGE_SIZE,
        meta={
            "provenance": "CMU mocap subject 02 trial 01 (walk), mocap.cs.cmu.edu; regenerate with "
            "python -m motionhub.demo.make_demo",
            "license": "CMU mocap: free for all uses, no resale; database funded by NSF EIA-0196217",
            "keypoints_3d_frame": "camera (x right, y down, z forward), mm",
            "camera": demo["camera"],
            "resampled_from_fps": 120.0,
            "source_frames": demo["frames_120fps"],
        },
    )
    out = save_generic(args.out, seq)
    print(f"wrote {out} ({out.stat().st_size / 1024:.1f} KB): {seq}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
