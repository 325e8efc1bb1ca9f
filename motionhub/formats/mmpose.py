# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""mmpose formats: inference results (2D/3D predictions JSON) and the body3d ``.npz`` / camera ``.pkl`` annotations.

**Predictions JSON** -- all the shapes mmpose writes:

* demo scripts (``--save-predictions``): ``{"meta_info": {dataset_name, num_keypoints, keypoint_id2name, ...},
  "instance_info": [{"frame_id": i, "instances": [instance, ...]}, ...]}`` (for a single image ``instance_info`` is
  directly the list of instances);
* ``MMPoseInferencer(pred_out_dir=...)``: per image a list of instances, per video a list of
  ``{"frame_id", "instances"}``; a *directory* of such per-frame files is read in file-name frame order;

where an instance is ``{"keypoints": [[x, y], ...] (or [[x, y, z], ...] for 3D), "keypoint_scores": [...],
"bbox": [[x1, y1, x2, y2]], "bbox_score": s, "track_id": k (optional)}``.

**Body3d npz** (mmpose ``h36m`` / ``mpi_inf_3dhp`` annotation files, e.g. ``test_h36m_body3d.npz``): per frame
``imgname``, ``center`` (2,), ``scale``, ``part`` (J, 3) = (x px, y px, visibility) and ``S`` (J, 4) = camera-space
(x, y, z metres, visibility). Frames are grouped into videos by the image-name prefix before the frame number.

**Camera pkl** (mmpose ``cameras.pkl`` of H36M): ``{(subject, camera_id): {R, T (3,1) metres, f, c, k, p, w, h,
name, id}}``; ``R`` is the same matrix as 3d-pose-baseline's (its transpose maps world to camera coordinates) and
``T`` the camera centre in world metres.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from .base import MotionSequence, safe_pickle_load
from .coco_json import (
    _finish,
    frame_number,
    has_track_ids,
    layout_for_num_joints,
    tracks_to_sequence,
)
from .h36m import H36MCamera, h36m_image_size
from .registry import MotionFormat, register_format

__all__ = [
    "load_mmpose_body3d",
    "load_mmpose_h36m_cameras",
    "load_mmpose_predictions",
]

_DATASET_LAYOUT = {
    "coco": "coco-17",
    "coco_wholebody": "coco-wholebody-133",
    "halpe": "halpe-136",
    "halpe26": "halpe-26",
    "h36m": "h36m-17",
    "posetrack18": "posetrack-17",
    "mpii": "mpii-16",
}


def _read_instances(obj: Any) -> list[dict]:
    if isinstance(obj, dict) and "instances" in obj:
        return list(obj["instances"])
    if isinstance(obj, list):
        return obj
    raise ValueError(f"unrecognised mmpose frame entry of type {type(obj).__name__}")


def _collect(path: Path) -> tuple[list[tuple[int, list[dict]]], dict]:
    """Frames ``[(frame_id, instances)]`` and ``meta_info`` from a file or a directory of per-frame files."""
    if path.is_dir():
        files = sorted(path.glob("*.json"), key=lambda p: (frame_number(p.name) is None, frame_number(p.name), p.name))
        if not files:
            raise ValueError(f"{path}: directory has no .json prediction files")
        frames = []
        for i, f in enumerate(files):
            obj = json.loads(f.read_text())
            num = frame_number(f.name)
            frames.append((i if num is None else num, _read_instances(obj)))
        return frames, {}
    obj = json.loads(path.read_text())
    meta_info: dict = {}
    if isinstance(obj, dict) and "instance_info" in obj:
        meta_info = obj.get("meta_info") or {}
        obj = obj["instance_info"]
    if not isinstance(obj, list):
        raise ValueError(f"{path}: expected a list of frames/instances or a dict with 'instance_info'")  # noqa: TRY004
    if obj and isinstance(obj[0], dict) and "instances" in obj[0]:
        return [(int(fr.get("frame_id", i)), _read_instances(fr)) for i, fr in enumerate(obj)], meta_info
    if obj and isinstance(obj[0], dict) and "keypoints" in obj[0] and "image_id" not in obj[0]:
        return [(0, obj)], meta_info  # single image: a list of instances
    raise ValueError(f"{path}: not an mmpose predictions file (for COCO/AlphaPose results lists use load_coco_results)")


def load_mmpose_predictions(
    path: str | Path,
    track_id: Any = None,
    missing: str = "interpolate",
    layout: str | None = None,
    fps: float | None = None,
    image_size: tuple[int, int] | None = None,
    units_3d: str = "m",
) -> MotionSequence:
    """Read mmpose 2D (or 3D) predictions as one track over the video.

    Args:
        path: predictions JSON or a directory of per-frame JSON files.
        track_id: ``None`` (default: every person; ``(M, T, J, C)`` when there are several), ``"best"`` (the most
            persistent track), ``"all"`` (always multi-person) or a ``track_id``. Instances without ``track_id`` (the
            usual mmpose / RTMPose output) are linked over frames by the IoU tracker of
            :mod:`motionhub.formats.tracking`.
        missing: frames without the track: ``"interpolate"`` (default; confidence set to 0), ``"nan"``, ``"zero"``.
        layout: override; default from ``meta_info["dataset_name"]`` or the joint count (17 -> coco-17, 26 ->
            halpe-26).
        fps / image_size: if known (mmpose does not store them).
        units_3d: units of 3D predictions (mmpose's lifters output metres).

    Returns:
        :class:`MotionSequence`: 2D predictions -> ``keypoints_2d`` ``(T, J, 3)`` (x px, y px, score); 3D predictions
        -> ``keypoints_3d`` ``(T, J, 3)`` (scores in ``meta["keypoint_scores"]``). ``meta["missing"]``,
        ``meta["frame_numbers"]``.
    """
    path = Path(path)
    frames_list, meta_info = _collect(path)
    per_frame: dict[int, list] = defaultdict(list)
    dim = None
    for f, insts in frames_list:
        for inst in insts:
            if "keypoints" not in inst:
                raise ValueError(f"{path}: instance without 'keypoints' in frame {f}")
            kp = np.asarray(inst["keypoints"], dtype=np.float64)
            if kp.ndim == 3:  # some writers keep a leading instance axis of 1
                kp = kp[0]
            dim = dim or kp.shape[-1]
            scores = np.asarray(inst.get("keypoint_scores", np.ones(kp.shape[0])), dtype=np.float64).reshape(-1)
            if scores.size != kp.shape[0]:
                raise ValueError(f"{path}: frame {f}: {kp.shape[0]} keypoints but {scores.size} keypoint_scores")
            score = float(np.mean(scores))
            # carry all coordinates + score in one array; the last channel is the score
            per_frame[f].append((inst.get("track_id"), np.concatenate([kp, scores[:, None]], axis=1), score))
    if not per_frame:
        raise ValueError(f"{path}: no instance in any frame")
    kp_all, tracks, miss = tracks_to_sequence(per_frame, track_id, missing)  # (x, y[, z], score)
    first = min(per_frame)
    num_j = kp_all.shape[-2]
    if layout is None:
        name = str(meta_info.get("dataset_name", "")).lower()
        layout = _DATASET_LAYOUT.get(name) if _DATASET_LAYOUT.get(name, "").endswith(f"-{num_j}") else None
        layout = layout or layout_for_num_joints(num_j)
    meta: dict = {"format": "mmpose_predictions", "source": str(path), "frame_numbers": np.arange(
        first, first + kp_all.shape[1]), "tracking": "file" if has_track_ids(per_frame) else "iou"}  # fmt: skip
    if meta_info.get("keypoint_id2name"):
        id2name = meta_info["keypoint_id2name"]
        meta["file_joint_names"] = [id2name.get(str(i), id2name.get(i)) for i in range(num_j)]
    if dim == 3:
        seq = _finish(kp_all[..., [0, 1, 3]], miss, tracks, track_id, layout, meta, fps, None)
        xyz = kp_all[..., :3] if seq.is_multi_person else kp_all[0, ..., :3]
        meta["keypoint_scores"] = seq.keypoints_2d[..., 2].copy()
        return MotionSequence(keypoints_3d=xyz.astype(np.float32), layout=layout, units_3d=units_3d, fps=fps,
                              meta=meta)  # fmt: skip
    return _finish(kp_all, miss, tracks, track_id, layout, meta, fps, image_size)


# ----------------------------------------------------------------------------------------------- body3d npz
_VIDEO_FRAME = re.compile(r"^(?P<video>.*?)[_.](?P<frame>\d+)\.(?:jpg|jpeg|png)$", re.IGNORECASE)


def _body3d_layout(num_joints: int, names: list[str]) -> str:
    if num_joints == 17 and any(re.match(r"^S\d+_.*\.\d{8}_\d+", Path(n).name) for n in names):
        return "h36m-17"
    if num_joints == 17 and any(re.match(r"^(TS\d+|S\d+_Seq\d+)", Path(n).name) for n in names):
        return "mpi_inf_3dhp-17"
    return f"custom-{num_joints}"


def load_mmpose_body3d(path: str | Path, layout: str | None = None, fps: float | None = None) -> list[MotionSequence]:
    """Read an mmpose body3d annotation ``.npz`` into one sequence per video.

    Args:
        path: npz with ``imgname``, ``part`` (N, J, 3) and ``S`` (N, J, 4) (``center``/``scale`` kept in meta).
        layout: override; default ``h36m-17`` for H36M image names (``S1_Directions_1.54138969_000001.jpg``),
            ``mpi_inf_3dhp-17`` for 3DHP ones (``S4_Seq2_Cam0_001033.jpg``, ``TS1_002001.jpg``), else ``custom-<J>``.
        fps: frame rate if known.

    Returns:
        Sequences with ``keypoints_2d`` ``(T, J, 3)`` (x px, y px, visibility), ``keypoints_3d`` ``(T, J, 3)``
        camera-space metres (``S[..., :3]``), frames sorted by frame number; ``meta`` ``video``,
        ``frame_numbers``, ``imgname``, ``center``, ``scale``, ``visibility_3d``; H36M videos get the camera's
        ``image_size``.
    """
    with np.load(path, allow_pickle=False) as data:
        missing = [k for k in ("imgname", "part") if k not in data.files]
        if missing:
            raise ValueError(f"{path}: mmpose body3d npz needs 'imgname' and 'part'; missing {missing}")
        names = [str(n) for n in data["imgname"]]
        part = np.asarray(data["part"], dtype=np.float32)
        s3d = np.asarray(data["S"], dtype=np.float32) if "S" in data.files else None
        center = np.asarray(data["center"], dtype=np.float32) if "center" in data.files else None
        scale = np.asarray(data["scale"], dtype=np.float32) if "scale" in data.files else None
    layout = layout or _body3d_layout(part.shape[1], names)
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, n in enumerate(names):
        m = _VIDEO_FRAME.match(Path(n).name)
        video, frame = (m.group("video"), int(m.group("frame"))) if m else (Path(n).stem, 0)
        groups[video].append((frame, i))
    out = []
    for video, items in groups.items():
        items.sort()
        idx = [i for _, i in items]
        cam = re.search(r"\.(\d{8})$", video)
        meta = {
            "format": "mmpose_body3d",
            "source": str(path),
            "video": video,
            "frame_numbers": np.asarray([f for f, _ in items]),
            "imgname": [names[i] for i in idx],
            "frame": "camera",
        }
        if center is not None:
            meta["center"] = center[idx]
        if scale is not None:
            meta["scale"] = scale[idx]
        if s3d is not None:
            meta["visibility_3d"] = s3d[idx, :, 3]
        out.append(
            MotionSequence(
                keypoints_2d=part[idx],
                keypoints_3d=None if s3d is None else s3d[idx, :, :3],
                layout=layout,
                units_3d="m",
                fps=fps,
                image_size=h36m_image_size(cam.group(1)) if cam else None,
                meta=meta,
            )
        )
    return out


def load_mmpose_h36m_cameras(path: str | Path) -> dict[tuple[str, str], H36MCamera]:
    """Read mmpose's Human3.6M ``cameras.pkl`` into :class:`~motionhub.formats.h36m.H36MCamera` objects.

    ``R`` is transposed and ``T`` converted from metres to mm, so the cameras are interchangeable with
    :func:`~motionhub.formats.h36m.load_h36m_cameras` (verified: identical matrices and projections).
    """
    data = safe_pickle_load(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a dict {{(subject, camera_id): params}}")  # noqa: TRY004
    out = {}
    for key, p in data.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"{path}: camera keys must be (subject, camera_id) tuples, got {key!r}")
        missing = [k for k in ("R", "T", "f", "c") if k not in p]
        if missing:
            raise ValueError(f"{path}: camera {key} lacks {missing}")
        cam_id = str(key[1])
        out[(str(key[0]), cam_id)] = H36MCamera(
            id=cam_id,
            R=np.asarray(p["R"], np.float64).reshape(3, 3).T,
            T=np.asarray(p["T"], np.float64).reshape(3) * 1000.0,
            f=np.asarray(p["f"], np.float64).reshape(2),
            c=np.asarray(p["c"], np.float64).reshape(2),
            k=np.asarray(p.get("k", np.zeros(3)), np.float64).reshape(3),
            p=np.asarray(p.get("p", np.zeros(2)), np.float64).reshape(2),
            image_size=(int(p["w"]), int(p["h"])) if "w" in p and "h" in p else h36m_image_size(cam_id),
        )
    return out


def _is_mmpose_predictions(obj: Any, path: Path) -> bool:
    if isinstance(obj, list):
        first = obj[0] if obj else None
        return isinstance(first, dict) and ("instances" in first or "keypoints" in first) and "image_id" not in first
    return isinstance(obj, dict) and "instance_info" in obj


def _is_prediction_folder(path: Path, names: set[str]) -> bool:
    """A folder of per-frame mmpose prediction JSONs: the first JSON file (by name) is one."""
    jsons = sorted(n for n in names if n.endswith(".json"))
    if not jsons:
        return False
    try:
        first = json.loads((path / jsons[0]).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{path / jsons[0]}: not valid JSON") from None
    return _is_mmpose_predictions(first, path / jsons[0])


register_format(MotionFormat(
    "mmpose_body3d", load_mmpose_body3d, suffixes=(".npz",), priority=30,
    recognizes=lambda keys, path: {"imgname", "part"} <= keys, description="mmpose body3d annotation npz",
))
register_format(MotionFormat(
    "mmpose_predictions", load_mmpose_predictions, suffixes=(".json",), priority=30,
    recognizes=_is_mmpose_predictions, recognizes_folder=_is_prediction_folder,
    description="mmpose / RTMPose prediction JSON (one file, or a folder of per-frame files)",
))
