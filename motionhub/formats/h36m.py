# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Human3.6M readers: 3d-pose-baseline npz set, MotionBERT's ``h36m_sh_conf_cam_source_final.pkl``, VideoPose3D npz.

Human3.6M is research-only: these readers take a path, nothing of the data ships with motionhub.

**(a) 3d-pose-baseline files** (as in ``../shared/data/h36m_train``):

* ``h36m_3d_world_17j_50fps_train.npz``: key ``"S<k>/<Action[ n]>"`` -> float32 ``(T, 17, 3)`` world mm, 50 fps,
  ``h36m-17`` order.
* ``h36m_sh_detections_2d_16j_train.npz``: key ``"S<k>/<Action[_n]>.<camera id>"`` -> ``(T, 16, 2)`` Stacked-Hourglass
  detections in pixels, MPII slot order (``mpii-16``), same frame count as the 3D.
* ``h36m_cameras.npz``: keys ``"subject<k>/camera<c>/{R,T,f,c,k,p,name}"``.

Camera model (3d-pose-baseline convention): the stored ``R`` is transposed, ``R_wc = R.T``; camera coordinates
``X_c = R_wc @ (X_w - T)`` (mm; x right, y down, z forward); normalised ``x = X_c[:2] / X_c[2]``, ``r2 = |x|^2``,
``x_d = x * (1 + k0 r2 + k1 r2^2 + k2 r2^3 + p0 x_1 + p1 x_0) + [p1, p0] * r2``; pixels ``u = f * x_d + c``.
Images are 1000x1000 pixels except cameras 54138969 and 60457274 (1000x1002).

**(b) MotionBERT pkl**: ``{"train": {...}, "test": {...}}`` of per-frame arrays ``joint_2d`` (N,17,2) px,
``confidence`` (N,17), ``joint3d_image`` (N,17,3) (x, y px; z depth in pixel units), ``camera_name``, ``source``
(``"s_09_act_02_subact_01_ca_01"``), and in the test split ``action``, ``2.5d_factor`` (N,) and
``joints_2.5d_image`` (N,17,3) (= ``joint3d_image * 2.5d_factor``, mm scale, the metric's ground truth).

**(c) VideoPose3D npz**: ``data_3d_h36m.npz`` with ``positions_3d`` = ``{subject: {action: (T, 32|17, 3)}}`` (world,
metres) and ``data_2d_h36m_<det>.npz`` with ``positions_2d`` = ``{subject: {action: [cam0..cam3 (T, 17, 2) px]}}`` and
``metadata`` (``layout_name``, ``num_joints``, ``keypoints_symmetry``). Object arrays are read with a restricted
unpickler (no arbitrary code).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .base import MotionSequence, npz_object_safe_load, safe_pickle_load, to_python
from .registry import MotionFormat, register_format

__all__ = [
    "H36M_32_TO_17",
    "H36M_CAMERA_IDS",
    "H36M_FPS",
    "HUMANEVA_CAMERA_IDS",
    "HUMANEVA_FPS",
    "HUMANEVA_IMAGE_SIZE",
    "H36MCamera",
    "h36m_image_size",
    "humaneva_world_to_camera",
    "load_h36m_3pb",
    "load_h36m_cameras",
    "load_motionbert_h36m",
    "load_videopose3d_2d",
    "load_videopose3d_3d",
    "pair_videopose3d",
    "read_motionbert_h36m_pkl",
    "write_videopose3d_2d",
    "write_videopose3d_3d",
]

H36M_CAMERA_IDS = ("54138969", "55011271", "58860488", "60457274")
"""Camera ids in the standard order camera1..camera4."""
H36M_FPS = 50.0
H36M_32_TO_17 = (0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27)
"""Indices of the 17 kept joints in the full 32-joint Human3.6M skeleton (VideoPose3D / MotionBERT order)."""


def h36m_image_size(camera_id: str | int) -> tuple[int, int]:
    """``(width, height)`` of a Human3.6M camera: 1000x1002 for 54138969 and 60457274, else 1000x1000.

    ``camera_id`` may be the id string or the 0-based index into :data:`H36M_CAMERA_IDS`.
    """
    if isinstance(camera_id, (int, np.integer)):
        camera_id = H36M_CAMERA_IDS[int(camera_id)]
    return (1000, 1002) if str(camera_id) in ("54138969", "60457274") else (1000, 1000)


@dataclass
class H36MCamera:
    """Calibrated Human3.6M camera.

    Attributes:
        id: camera id string (``"54138969"``).
        R: ``(3, 3)`` world -> camera rotation (already transposed from the stored matrix).
        T: ``(3,)`` camera centre in world coordinates, mm.
        f: ``(2,)`` focal lengths (px); c: ``(2,)`` principal point (px).
        k: ``(3,)`` radial and p: ``(2,)`` tangential distortion coefficients.
        image_size: ``(width, height)``.
    """

    id: str
    R: np.ndarray
    T: np.ndarray
    f: np.ndarray
    c: np.ndarray
    k: np.ndarray
    p: np.ndarray
    image_size: tuple[int, int]

    def world_to_camera(self, x_world: np.ndarray) -> np.ndarray:
        """``(..., 3)`` world mm -> camera mm (x right, y down, z forward)."""
        x_world = np.asarray(x_world, dtype=np.float64)
        return (x_world - self.T) @ self.R.T

    def camera_to_world(self, x_cam: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`world_to_camera`."""
        return np.asarray(x_cam, dtype=np.float64) @ self.R + self.T

    def project(self, x_cam: np.ndarray, distort: bool = True) -> np.ndarray:
        """Camera coordinates ``(..., 3)`` -> pixels ``(..., 2)`` (with radial/tangential distortion by default)."""
        x_cam = np.asarray(x_cam, dtype=np.float64)
        x = x_cam[..., :2] / x_cam[..., 2:3]
        if distort:
            r2 = (x**2).sum(-1, keepdims=True)
            k, p = self.k, self.p
            radial = 1 + k[0] * r2 + k[1] * r2**2 + k[2] * r2**3
            tan = p[0] * x[..., 1:2] + p[1] * x[..., 0:1]
            x = x * (radial + tan) + np.array([p[1], p[0]]) * r2
        return x * self.f + self.c


def load_h36m_cameras(path: str | Path) -> dict[tuple[str, str], H36MCamera]:
    """Read ``h36m_cameras.npz`` (3d-pose-baseline ``cameras.h5`` converted to npz).

    Returns:
        ``{("S1", "54138969"): H36MCamera, ...}`` for every subject/camera in the file.
    """
    cams: dict[tuple[str, str], H36MCamera] = {}
    with np.load(path, allow_pickle=False) as data:
        groups = sorted({k.rsplit("/", 1)[0] for k in data.files})
        for g in groups:
            m = re.fullmatch(r"subject(\d+)/camera(\d+)", g)
            if not m:
                continue
            try:
                name = str(data[f"{g}/name"]) if f"{g}/name" in data.files else H36M_CAMERA_IDS[int(m.group(2)) - 1]
                cam = H36MCamera(
                    id=name,
                    R=np.asarray(data[f"{g}/R"], dtype=np.float64).T,
                    T=np.asarray(data[f"{g}/T"], dtype=np.float64).reshape(3),
                    f=np.asarray(data[f"{g}/f"], dtype=np.float64).reshape(2),
                    c=np.asarray(data[f"{g}/c"], dtype=np.float64).reshape(2),
                    k=np.asarray(data[f"{g}/k"], dtype=np.float64).reshape(3),
                    p=np.asarray(data[f"{g}/p"], dtype=np.float64).reshape(2),
                    image_size=h36m_image_size(name),
                )
            except KeyError as exc:
                raise ValueError(f"{path}: camera group {g} lacks {exc}; expected R, T, f, c, k, p") from exc
            cams[(f"S{m.group(1)}", name)] = cam
    if not cams:
        raise ValueError(f"{path}: no 'subject<k>/camera<c>/...' keys; not an H36M cameras npz")
    return cams


def _action_base(action: str) -> str:
    """``"Directions 1"`` / ``"Directions_1"`` -> ``"Directions"``."""
    return re.sub(r"[ _]\d+$", "", action)


def load_h36m_3pb(
    root: str | Path,
    subjects: Sequence[str] | None = None,
    actions: Sequence[str] | None = None,
    cameras: Sequence[str] | None = None,
    frame: str = "camera",
    keypoints_2d: str = "sh",
    sh_convention: str = "h36m_sh",
) -> list[MotionSequence]:
    """Read the 3d-pose-baseline Human3.6M set and pair 3D with each camera.

    Args:
        root: folder with ``h36m_3d_world_17j_50fps_train.npz``, ``h36m_sh_detections_2d_16j_train.npz`` and
            ``h36m_cameras.npz``.
        subjects: e.g. ``["S1", "S5"]`` (default: all in the file).
        actions: keep only these actions; matches the full name (``"Walking 1"``) or the base name (``"Walking"``).
        cameras: camera ids to use (default: all four).
        frame: ``"camera"``: one sequence per (subject, action, camera) with camera-space 3D in mm and 2D;
            ``"world"``: one sequence per (subject, action) with the world 3D only.
        keypoints_2d: (``frame="camera"``) what goes into ``keypoints_2d``: ``"sh"`` (the real Stacked-Hourglass
            detections converted to ``h36m-17`` with :func:`motionhub.skeleton.to_h36m`), ``"gt"`` (the 3D projected
            with the calibrated camera, distortion included) or ``"none"``. Both are always in
            ``meta["keypoints_2d_sh"]`` / ``meta["keypoints_2d_gt"]`` (the SH ones raw, ``mpii-16`` ``(T, 16, 2)``).
        sh_convention: ``mpii_convention`` passed to ``to_h36m`` for the SH detections (``"h36m_sh"`` or ``"mpii"``).

    Returns:
        List of :class:`MotionSequence` (layout ``h36m-17``, fps 50, ``units_3d`` mm, ``image_size`` per camera);
        ``meta`` has ``subject``, ``action`` (as in the 3D file), ``action_base``, ``camera``, ``frame``.
    """
    root = Path(root)
    files = {
        "3d": root / "h36m_3d_world_17j_50fps_train.npz",
        "sh": root / "h36m_sh_detections_2d_16j_train.npz",
        "cam": root / "h36m_cameras.npz",
    }
    if frame not in ("camera", "world"):
        raise ValueError(f"frame must be 'camera' or 'world', got {frame!r}")
    if keypoints_2d not in ("sh", "gt", "none"):
        raise ValueError(f"keypoints_2d must be 'sh', 'gt' or 'none', got {keypoints_2d!r}")
    for name, f in files.items():
        if not f.exists() and (name == "3d" or frame == "camera"):
            raise FileNotFoundError(f"missing {f}; expected the 3d-pose-baseline H36M npz set in {root}")
    out: list[MotionSequence] = []
    cams = load_h36m_cameras(files["cam"]) if frame == "camera" else {}
    cam_ids = list(cameras) if cameras is not None else list(H36M_CAMERA_IDS)
    with contextlib.ExitStack() as stack:
        d3 = stack.enter_context(np.load(files["3d"]))
        dsh = stack.enter_context(np.load(files["sh"])) if frame == "camera" else None
        for key in d3.files:
            subject, action = key.split("/", 1)
            if subjects is not None and subject not in subjects:
                continue
            if actions is not None and action not in actions and _action_base(action) not in actions:
                continue
            world = np.asarray(d3[key], dtype=np.float64)
            meta = {"format": "h36m_3pb", "subject": subject, "action": action, "action_base": _action_base(action)}
            if frame == "world":
                out.append(
                    MotionSequence(
                        keypoints_3d=world.astype(np.float32),
                        layout="h36m-17",
                        units_3d="mm",
                        fps=H36M_FPS,
                        meta=dict(meta, frame="world"),
                    )
                )
                continue
            for cam_id in cam_ids:
                cam = cams.get((subject, cam_id))
                if cam is None:
                    raise ValueError(f"no calibration for {subject} camera {cam_id} in {files['cam']}")
                xc = cam.world_to_camera(world)
                gt2d = cam.project(xc)
                sh_key = f"{subject}/{action.replace(' ', '_')}.{cam_id}"
                sh = np.asarray(dsh[sh_key], dtype=np.float32) if sh_key in dsh.files else None
                if sh is not None and sh.shape[0] != world.shape[0]:
                    raise ValueError(f"{sh_key}: {sh.shape[0]} SH frames vs {world.shape[0]} 3D frames")
                if keypoints_2d == "sh":
                    if sh is None:
                        raise ValueError(f"no SH detections {sh_key!r}; use keypoints_2d='gt'")
                    from motionhub.skeleton import to_h36m

                    kp2 = to_h36m(sh, "mpii-16", mpii_convention=sh_convention).astype(np.float32)
                elif keypoints_2d == "gt":
                    kp2 = gt2d.astype(np.float32)
                else:
                    kp2 = None
                out.append(
                    MotionSequence(
                        keypoints_2d=kp2,
                        keypoints_3d=xc.astype(np.float32),
                        layout="h36m-17",
                        units_3d="mm",
                        fps=H36M_FPS,
                        image_size=cam.image_size,
                        meta=dict(
                            meta,
                            camera=cam_id,
                            frame="camera",
                            keypoints_2d_source=keypoints_2d,
                            keypoints_2d_sh=sh,
                            keypoints_2d_gt=gt2d.astype(np.float32),
                            sh_convention=sh_convention,
                        ),
                    )
                )
    return out


# ---------------------------------------------------------------------------------------------- MotionBERT pkl
_MB_REQUIRED = ("joint_2d", "confidence", "joint3d_image", "camera_name", "source")


def read_motionbert_h36m_pkl(path: str | Path | dict) -> dict[str, dict[str, np.ndarray]]:
    """Load MotionBERT's ``h36m_sh_conf_cam_source_final.pkl`` safely (numpy arrays and containers only).

    ``path`` may also be the already-unpickled dict (it is then only validated).

    Returns:
        ``{"train": {...}, "test": {...}}`` of per-frame arrays (see module docstring).

    Raises:
        ValueError: if a split lacks one of ``joint_2d``, ``confidence``, ``joint3d_image``, ``camera_name``,
            ``source``.
    """
    data = path if isinstance(path, dict) else safe_pickle_load(path)
    if isinstance(path, dict):
        path = "<data>"
    if not isinstance(data, dict) or not ({"train", "test"} & set(data)):
        raise ValueError(f"{path}: expected a dict with 'train'/'test' splits (MotionBERT H36M pkl)")
    for split, arrays in data.items():
        missing = [k for k in _MB_REQUIRED if k not in arrays]
        if missing:
            raise ValueError(f"{path}: split {split!r} lacks {missing}")
    return data


def _runs(labels: np.ndarray) -> list[tuple[str, int, int]]:
    """Contiguous runs ``(value, start, stop)`` of a 1-D label array."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return []
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.r_[0, change]
    stops = np.r_[change, labels.size]
    return [(str(labels[a]), int(a), int(b)) for a, b in zip(starts, stops)]


def load_motionbert_h36m(path: str | Path | dict, split: str = "test") -> list[MotionSequence]:
    """MotionBERT H36M pkl -> one :class:`MotionSequence` per video (contiguous run of equal ``source``).

    Args:
        path: the pkl.
        split: ``"train"`` or ``"test"``.

    Returns:
        Sequences with ``keypoints_2d`` ``(T, 17, 3)`` = (SH x px, y px, confidence), ``keypoints_3d`` =
        ``joint3d_image`` ``(T, 17, 3)`` in pixel units (``units_3d="px"``: x, y pixels, z depth scaled like pixels),
        layout ``h36m-17``, fps 50, ``image_size`` from the camera. ``meta``: ``source``, ``camera``, ``subject``,
        ``action`` (if stored), ``frame_index`` (rows of the split), and when present ``factor_2_5d`` ``(T,)`` and
        ``joints_2_5d_image`` ``(T, 17, 3)`` (mm-scale metric ground truth).
    """
    data = read_motionbert_h36m_pkl(path)
    if isinstance(path, dict):
        path = "<data>"
    if split not in data:
        raise ValueError(f"{path}: no split {split!r}; available {sorted(data)}")
    arr = data[split]
    out = []
    for source, a, b in _runs(arr["source"]):
        cam = str(arr["camera_name"][a])
        kp2 = np.concatenate(
            [np.asarray(arr["joint_2d"][a:b], np.float32), np.asarray(arr["confidence"][a:b], np.float32)[..., None]],
            axis=-1,
        )
        meta = {"format": "motionbert_h36m", "source": source, "camera": cam, "split": split,
                "frame_index": np.arange(a, b)}  # fmt: skip
        m = re.match(r"s_(\d+)_act_(\d+)_subact_(\d+)_ca_(\d+)", source)
        if m:
            meta.update(subject=f"S{int(m.group(1))}", action_id=int(m.group(2)), subaction=int(m.group(3)))
        if "action" in arr:
            meta["action"] = str(arr["action"][a])
        if "2.5d_factor" in arr:
            meta["factor_2_5d"] = np.asarray(arr["2.5d_factor"][a:b], np.float32)
        if "joints_2.5d_image" in arr:
            meta["joints_2_5d_image"] = np.asarray(arr["joints_2.5d_image"][a:b], np.float32)
        out.append(
            MotionSequence(
                keypoints_2d=kp2,
                keypoints_3d=np.asarray(arr["joint3d_image"][a:b], np.float32),
                layout="h36m-17",
                units_3d="px",
                fps=H36M_FPS,
                image_size=h36m_image_size(cam) if cam in H36M_CAMERA_IDS else None,
                meta=meta,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- VideoPose3D npz
# VideoPose3D's HumanEva-I files (data/prepare_data_humaneva.py): 15 joints (layout humaneva-15), 60 Hz, cameras
# C1-C3 at 640 x 480, subjects "Train/S1", "Validate/S2", "Unlabeled/Train/S3", ...; a camera a detection file
# lacks is None.
HUMANEVA_FPS = 60.0
HUMANEVA_CAMERA_IDS = ("C1", "C2", "C3")
HUMANEVA_IMAGE_SIZE = (640, 480)


def _vp3d_layout(num_joints: int, layout_name: str | None) -> str:
    name = (layout_name or "").lower()
    if num_joints == 17 and name in ("", "h36m"):
        return "h36m-17"
    if num_joints == 17 and name == "coco":
        return "coco-17"
    if num_joints == 15 and name in ("", "humaneva15"):
        return "humaneva-15"
    return f"{name or 'custom'}-{num_joints}"


def _is_humaneva(layout_name: str | None, num_joints: int) -> bool:
    name = (layout_name or "").lower()
    return name.startswith("humaneva") or (not name and num_joints == 15)


def _filter(items: Iterable[str], wanted: Sequence[str] | None) -> list[str]:
    return [i for i in items if wanted is None or i in wanted]


def load_videopose3d_3d(path: str | Path, subjects: Sequence[str] | None = None) -> list[MotionSequence]:
    """Read a VideoPose3D ``data_3d_h36m.npz``.

    32-joint arrays are reduced to H36M-17 with :data:`H36M_32_TO_17`.

    Returns:
        One sequence per (subject, action): ``keypoints_3d`` ``(T, 17, 3)`` world metres (``units_3d="m"``),
        layout ``h36m-17``, fps 50, ``meta`` ``subject``, ``action``, ``frame="world"``.
    """
    positions = to_python(npz_object_safe_load(path, "positions_3d"))
    if not isinstance(positions, dict):
        raise ValueError(f"{path}: 'positions_3d' must be a dict {{subject: {{action: (T, J, 3)}}}}")  # noqa: TRY004
    out = []
    for subject in _filter(positions, subjects):
        for action, pos in positions[subject].items():
            pos = np.asarray(pos, dtype=np.float32)
            if pos.ndim != 3 or pos.shape[-1] != 3:
                raise ValueError(f"{path}: {subject}/{action} has shape {pos.shape}, expected (T, J, 3)")
            if pos.shape[1] == 32:
                pos = pos[:, list(H36M_32_TO_17)]
            humaneva = _is_humaneva(None, pos.shape[1])
            out.append(
                MotionSequence(
                    keypoints_3d=pos,
                    layout=_vp3d_layout(pos.shape[1], "humaneva15" if humaneva else "h36m"),
                    units_3d="m",
                    fps=HUMANEVA_FPS if humaneva else H36M_FPS,
                    meta={
                        "format": "videopose3d_3d",
                        "subject": subject,
                        "action": action,
                        "frame": "world",
                        "action_base": _action_base(action),
                    },
                )
            )
    return out


def load_videopose3d_2d(
    path: str | Path,
    subjects: Sequence[str] | None = None,
    cameras: Sequence[int] | None = None,
) -> list[MotionSequence]:
    """Read a VideoPose3D ``data_2d_h36m_<detector>.npz`` or a custom ``data_2d_custom_<name>.npz``.

    Custom files (VideoPose3D's ``prepare_data_2d_custom.py``) hold ``positions_2d = {video: {"custom": [(T, 17, 2)
    px]}}`` and ``metadata = {"layout_name": "coco", "num_joints": 17, "keypoints_symmetry": ..., "video_metadata":
    {video: {"w": W, "h": H}}}``: each video gets its own ``image_size`` (and ``fps`` when its entry has an ``"fps"``;
    VideoPose3D's script stores none, so it is then ``None``, never H36M's 50).

    Args:
        path: file.
        subjects: keep these subjects (custom files: these videos).
        cameras: 0-based camera indices to keep (VideoPose3D stores the four H36M cameras in the order of
            :data:`H36M_CAMERA_IDS`).

    Returns:
        One sequence per (subject, action, camera): ``keypoints_2d`` ``(T, J, 2|3)`` pixels, layout from
        ``metadata["layout_name"]``/``num_joints`` (``h36m-17`` or ``coco-17``); H36M files: fps 50, ``image_size``
        of the H36M camera; ``meta`` ``subject``, ``action``, ``camera_index``, ``camera``, ``keypoints_symmetry``
        (custom files: ``meta["video"]``, ``camera`` None).
    """
    positions = to_python(npz_object_safe_load(path, "positions_2d"))
    try:
        metadata = to_python(npz_object_safe_load(path, "metadata"))
    except KeyError:
        metadata = {}
    if not isinstance(positions, dict):
        raise ValueError(  # noqa: TRY004 - bad file content, not a bad argument type
            f"{path}: 'positions_2d' must be a dict {{subject: {{action: [per-camera (T, J, 2)]}}}}"
        )
    videos = (metadata or {}).get("video_metadata")
    if videos is not None:
        return _custom_2d(path, positions, metadata, videos, subjects)
    out = []
    layout_name = metadata.get("layout_name") if metadata else None
    for subject in _filter(positions, subjects):
        for action, per_cam in positions[subject].items():
            for ci, kp in enumerate(per_cam):
                if (cameras is not None and ci not in cameras) or kp is None:  # None: no detections for that camera
                    continue
                kp = np.asarray(kp, dtype=np.float32)
                layout = _vp3d_layout(kp.shape[1], layout_name)
                if _is_humaneva(layout_name, kp.shape[1]):
                    cam_id = HUMANEVA_CAMERA_IDS[ci] if ci < len(HUMANEVA_CAMERA_IDS) else str(ci)
                    fps, size = HUMANEVA_FPS, HUMANEVA_IMAGE_SIZE
                else:
                    cam_id = H36M_CAMERA_IDS[ci] if ci < len(H36M_CAMERA_IDS) else str(ci)
                    fps, size = H36M_FPS, h36m_image_size(cam_id) if cam_id in H36M_CAMERA_IDS else None
                out.append(
                    MotionSequence(
                        keypoints_2d=kp,
                        layout=layout,
                        fps=fps,
                        image_size=size,
                        meta={
                            "format": "videopose3d_2d",
                            "subject": subject,
                            "action": action,
                            "action_base": _action_base(action),
                            "camera_index": ci,
                            "camera": cam_id,
                            "keypoints_symmetry": (metadata or {}).get("keypoints_symmetry"),
                        },
                    )
                )
    return out


def _custom_2d(
    path: str | Path, positions: dict, metadata: dict, videos: Any, subjects: Sequence[str] | None
) -> list[MotionSequence]:
    if not isinstance(videos, dict):
        raise ValueError(f"{path}: metadata['video_metadata'] must be a dict {{video: {{'w': W, 'h': H}}}}")  # noqa: TRY004
    out = []
    for video in _filter(positions, subjects):
        info = videos.get(video)
        if not isinstance(info, dict) or "w" not in info or "h" not in info:
            raise ValueError(f"{path}: video {video!r} has no resolution in metadata['video_metadata'] ('w', 'h')")
        fps = info.get("fps")
        for action, per_cam in positions[video].items():
            for ci, kp in enumerate(per_cam):
                kp = np.asarray(kp, dtype=np.float32)
                out.append(
                    MotionSequence(
                        keypoints_2d=kp,
                        layout=_vp3d_layout(kp.shape[1], metadata.get("layout_name")),
                        fps=None if fps is None else float(fps),
                        image_size=(int(info["w"]), int(info["h"])),
                        meta={
                            "format": "videopose3d_2d",
                            "source": str(path),
                            "video": video,
                            "subject": video,
                            "action": action,
                            "camera_index": ci,
                            "camera": None,
                            "keypoints_symmetry": metadata.get("keypoints_symmetry"),
                        },
                    )
                )
    return out


def write_videopose3d_3d(path: str | Path, positions: dict[str, dict[str, np.ndarray]]) -> Path:
    """Write ``{subject: {action: (T, J, 3) world metres}}`` as a VideoPose3D ``data_3d_*.npz``."""
    clean = {s: {a: np.asarray(v, dtype=np.float32) for a, v in acts.items()} for s, acts in positions.items()}
    from ..io_utils import atomic_path

    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, positions_3d=np.array(clean, dtype=object))
    return Path(path)


def write_videopose3d_2d(
    path: str | Path,
    positions_2d: dict[str, dict[str, Sequence[np.ndarray]]],
    metadata: dict | None = None,
) -> Path:
    """Write ``{subject: {action: [per-camera (T, J, 2) px]}}`` as a VideoPose3D ``data_2d_*.npz``.

    ``metadata`` defaults to H36M-17 (``layout_name="h36m"``, ``num_joints=17`` and its left/right symmetry).
    """
    clean = {
        s: {a: [np.asarray(c, dtype=np.float32) for c in cams] for a, cams in acts.items()}
        for s, acts in positions_2d.items()
    }
    if metadata is None:
        metadata = {"layout_name": "h36m", "num_joints": 17,
                    "keypoints_symmetry": [[4, 5, 6, 11, 12, 13], [1, 2, 3, 14, 15, 16]]}  # fmt: skip
    from ..io_utils import atomic_path

    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, positions_2d=np.array(clean, dtype=object),
                            metadata=np.array(metadata, dtype=object))
    return Path(path)


_H36M_3PB_FILES = ("h36m_3d_world_17j_50fps_train.npz", "h36m_cameras.npz")


def _load_h36m_3pb_path(path: str | Path, **kwargs) -> list[MotionSequence]:
    """``load_motion`` entry: the 3pb folder (camera frame by default), or its world-3D npz (world frame)."""
    path = Path(path)
    if path.is_dir():
        return load_h36m_3pb(path, **kwargs)
    kwargs.setdefault("frame", "world")
    return load_h36m_3pb(path.parent, **kwargs)


register_format(MotionFormat(
    "motionbert_h36m", load_motionbert_h36m, suffixes=(".pkl", ".pickle"), priority=20,
    recognizes=lambda data, path: isinstance(data, dict) and any(
        isinstance(v, dict) and "joint_2d" in v for v in data.values()),
    load_content=lambda data, path, **kw: load_motionbert_h36m(data, **kw),
    description="MotionBERT's Human3.6M pickle (h36m_sh_conf_cam_source_final.pkl)",
))
register_format(MotionFormat(
    "videopose3d_3d", load_videopose3d_3d, suffixes=(".npz",), priority=20,
    recognizes=lambda keys, path: "positions_3d" in keys, description="VideoPose3D data_3d_*.npz",
))
register_format(MotionFormat(
    "videopose3d_2d", load_videopose3d_2d, suffixes=(".npz",), priority=21,
    recognizes=lambda keys, path: "positions_2d" in keys, description="VideoPose3D data_2d_*.npz",
))
register_format(MotionFormat(
    "h36m_3pb", _load_h36m_3pb_path, suffixes=(".npz",), priority=70,
    recognizes=lambda keys, path: any(re.fullmatch(r"S\d+/[^.]+", k) for k in keys),
    recognizes_folder=lambda path, names: all(f in names for f in _H36M_3PB_FILES),
    description="3d-pose-baseline Human3.6M set (folder, or its world-3D npz)",
))


# HumanEva-I camera extrinsics as VideoPose3D's common/humaneva_dataset.py states them: per subject and camera
# (C1, C2, C3) the orientation quaternion (w, x, y, z) and the camera centre in world millimetres; world -> camera is
# X_cam = R(q)^-1 (X_world - centre). S4 has no calibration there.
_HUMANEVA_EXTRINSICS: dict[str, tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]] = {
    "S1": (((0.424207, -0.4983646, -0.5802981, 0.4847012), (4062.227, 663.2477, 1528.397)),
           ((0.6503354, -0.7481602, -0.0919284, 0.0941766), (844.8131, -3805.2092, 1504.9929)),
           ((0.0664734, -0.0690535, 0.7416416, -0.6639132), (-797.67377, 3916.3174, 1433.6602))),
    "S2": (((0.4214752, -0.4961493, -0.5838273, 0.4851187), (4112.9121, 626.4929, 1545.2988)),
           ((0.6501393, -0.7476588, -0.0954617, 0.0959808), (923.5740, -3877.9243, 1504.5518)),
           ((0.0699353, -0.0712403, 0.7421637, -0.662742), (-781.4915, 3838.8853, 1444.9929))),
    "S3": (((0.424207, -0.4983646, -0.5802981, 0.4847012), (4062.2271, 663.2477, 1528.3970)),
           ((0.6503354, -0.7481602, -0.0919284, 0.0941766), (844.8131, -3805.2092, 1504.9929)),
           ((0.0664734, -0.0690535, 0.7416416, -0.6639132), (-797.6738, 3916.3174, 1433.6602))),
}  # fmt: skip


def humaneva_world_to_camera(x_world_m: np.ndarray, subject: str, camera_index: int) -> np.ndarray:
    """HumanEva-I world metres ``(..., 3)`` -> camera ``camera_index`` (0-2 = C1-C3) of ``subject`` (``"S1"`` or a
    VideoPose3D key such as ``"Validate/S1"``), metres."""
    from scipy.spatial.transform import Rotation

    name = subject.split("/")[-1]
    if name not in _HUMANEVA_EXTRINSICS:
        raise ValueError(f"no HumanEva-I camera calibration for subject {subject!r} (known: S1, S2, S3)")
    (w, x, y, z), centre = _HUMANEVA_EXTRINSICS[name][camera_index]
    rot = Rotation.from_quat([x, y, z, w])  # scipy wants (x, y, z, w)
    return rot.inv().apply(np.asarray(x_world_m, dtype=np.float64).reshape(-1, 3) - np.asarray(centre) / 1000.0
                           ).reshape(np.shape(x_world_m))


def pair_videopose3d(
    seqs_2d: Sequence[MotionSequence], seqs_3d: Sequence[MotionSequence], *, skip_unmatched: bool = False
) -> list[MotionSequence]:
    """VideoPose3D 2D sequences (:func:`load_videopose3d_2d`) with the 3D of the same subject and action
    (:func:`load_videopose3d_3d`, world metres) in each 2D sequence's camera frame: one evaluable sequence per
    (subject, action, camera), ``units_3d="m"``. HumanEva-I uses the calibration above; a sequence whose camera is
    unknown keeps world-frame 3D (``meta["frame"] = "world"``: only Procrustes-aligned errors are meaningful).

    ``skip_unmatched``: leave out 2D sequences without 3D (a detection file's ``Unlabeled/...`` takes) instead of
    raising.

    Raises:
        ValueError: a 2D sequence without 3D of its subject and action, or frame counts that disagree.
    """
    by_key = {(s.meta.get("subject"), s.meta.get("action")): s for s in seqs_3d}
    out = []
    for seq in seqs_2d:
        key = (seq.meta.get("subject"), seq.meta.get("action"))
        gt = by_key.get(key)
        if gt is None and skip_unmatched:
            continue
        if gt is None:
            raise ValueError(f"no 3D ground truth for subject {key[0]!r}, action {key[1]!r} in the 3D file")
        if gt.num_frames != seq.num_frames:
            raise ValueError(f"{key[0]}/{key[1]}: {seq.num_frames} frames of 2D but {gt.num_frames} of 3D")
        world = gt.keypoints_3d if gt.units_3d == "m" else gt.keypoints_3d / 1000.0
        frame = "world"
        if seq.layout == "humaneva-15" and str(key[0]).split("/")[-1] in _HUMANEVA_EXTRINSICS:
            world = humaneva_world_to_camera(world, str(key[0]), int(seq.meta["camera_index"]))
            frame = "camera"
        out.append(seq.replace(keypoints_3d=world.astype(np.float32), units_3d="m",
                               meta=dict(seq.meta, frame=frame)))
    return out
