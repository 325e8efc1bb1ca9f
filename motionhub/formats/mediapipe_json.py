# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""MediaPipe Pose landmarks saved as JSON (BlazePose, 33 landmarks, layout ``blazepose-33``).

MediaPipe writes no file itself; this reads the shapes its results take when dumped to JSON, one entry per frame:

* the legacy ``mp.solutions.pose`` result through ``MessageToDict(results.pose_landmarks)``:
  ``{"landmark": [{"x": .., "y": .., "z": .., "visibility": ..}, ...]}``;
* the Tasks API ``PoseLandmarkerResult`` through ``dataclasses.asdict``: ``{"pose_landmarks": [[{x, y, z,
  visibility, presence}, ...], ...]}`` (one list per person);
* a bare list of 33 landmark dicts (or ``[x, y, z, visibility]`` lists);
* ``null`` / ``[]`` / ``{}`` for a frame without a detection.

The file is a list of such frames, or ``{"frames": [...], "image_width": W, "image_height": H, "fps": f}`` (``width``
/ ``height`` also accepted); a frame dict may carry ``"frame"`` (its index). Landmark x, y are normalised to the image
([0, 1], MediaPipe's ``NormalizedLandmark``) and are turned into pixels with the image size, which the file or
``image_size=`` must give; values outside [-0.5, 1.5] mean the file already holds pixels. The confidence channel is
``visibility`` (else ``presence``, else 1); MediaPipe's relative depth ``z`` is not used. motionhub's own video
front-end saves its detections as a generic ``.npz`` instead (``motionhub lift video.mp4 --save-2d``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from .base import MotionSequence
from .coco_json import _finish, has_track_ids, tracks_to_sequence
from .registry import MotionFormat, register_format

__all__ = ["BLAZEPOSE_NUM_LANDMARKS", "is_mediapipe_json", "load_mediapipe_landmarks"]

BLAZEPOSE_NUM_LANDMARKS = 33


def _is_landmark(obj: Any) -> bool:
    return (isinstance(obj, dict) and "x" in obj and "y" in obj) or (
        isinstance(obj, (list, tuple)) and 2 <= len(obj) <= 5 and all(isinstance(v, (int, float)) for v in obj)
    )


def _is_person(obj: Any) -> bool:
    if isinstance(obj, dict) and "landmark" in obj:
        obj = obj["landmark"]
    return isinstance(obj, list) and len(obj) == BLAZEPOSE_NUM_LANDMARKS and all(_is_landmark(v) for v in obj)


def _persons(frame: Any, where: str) -> list[list]:
    """The landmark lists of the people in one frame entry."""
    if frame is None or frame == [] or frame == {}:
        return []
    if isinstance(frame, dict) and "pose_landmarks" in frame:
        frame = frame["pose_landmarks"]
        if frame is None:
            return []
    elif isinstance(frame, dict) and "landmarks" in frame:
        frame = frame["landmarks"]
    if _is_person(frame):
        return [frame["landmark"] if isinstance(frame, dict) else frame]
    if isinstance(frame, list) and all(_is_person(p) for p in frame):
        return [p["landmark"] if isinstance(p, dict) else p for p in frame]
    raise ValueError(f"{where}: not MediaPipe pose landmarks (expected {BLAZEPOSE_NUM_LANDMARKS} landmarks with x, y)")


def _frames_of(obj: Any) -> tuple[list, dict]:
    if isinstance(obj, dict) and isinstance(obj.get("frames"), list):
        return obj["frames"], obj
    if isinstance(obj, list):
        return obj, {}
    raise ValueError("MediaPipe landmarks JSON must be a list of frames or a dict with 'frames'")


def is_mediapipe_json(obj: Any) -> bool:
    """True when ``obj`` looks like a MediaPipe landmarks file (module docstring)."""
    try:
        frames, _ = _frames_of(obj)
    except ValueError:
        return False
    entries = [f for f in frames if f not in (None, [], {})]
    if not entries:
        return False
    try:
        return bool(_persons(entries[0], "frame"))
    except ValueError:
        return False


def _landmark_array(person: list, where: str) -> np.ndarray:
    out = np.empty((len(person), 3), dtype=np.float64)
    for i, lm in enumerate(person):
        if isinstance(lm, dict):
            conf = lm.get("visibility", lm.get("presence", 1.0))
            out[i] = (lm["x"], lm["y"], 1.0 if conf is None else conf)
        else:
            out[i] = (lm[0], lm[1], lm[3] if len(lm) > 3 else 1.0)
    if not np.isfinite(out).all():
        raise ValueError(f"{where}: non-finite landmark values")
    return out


def load_mediapipe_landmarks(
    path_or_data: str | Path | list | dict,
    track_id: Any = None,
    missing: str = "interpolate",
    fps: float | None = None,
    image_size: tuple[int, int] | None = None,
) -> MotionSequence:
    """Read MediaPipe Pose landmarks (module docstring) as ``blazepose-33`` pixels.

    Args:
        path_or_data: JSON file or the parsed object.
        track_id: ``None`` (every person), ``"best"``, ``"all"`` or a track index (several people per frame come
            only from the Tasks API with ``num_poses > 1``; they are linked over frames by the IoU tracker).
        missing: frames without a detection: ``"interpolate"`` (default; confidence 0, marked in ``meta["missing"]``),
            ``"nan"`` or ``"zero"``.
        fps: frame rate (default: the file's ``fps``).
        image_size: ``(width, height)`` in pixels (default: the file's); needed for normalised landmarks.

    Returns:
        :class:`MotionSequence` ``blazepose-33`` with ``keypoints_2d`` ``(T, 33, 3)`` = (x px, y px, visibility),
        T = number of frame entries.
    """
    src = None
    if isinstance(path_or_data, (str, Path)):
        src = Path(path_or_data)
        obj = json.loads(src.read_text())
    else:
        obj = path_or_data
    frames_list, header = _frames_of(obj)
    if not frames_list:
        raise ValueError(f"{src or 'landmarks'}: no frames")
    w = header.get("image_width", header.get("width"))
    h = header.get("image_height", header.get("height"))
    size = tuple(image_size) if image_size is not None else ((int(w), int(h)) if w and h else None)
    fps = fps if fps is not None else header.get("fps")
    frames: dict[int, list] = defaultdict(list)
    numbers = []
    for i, fr in enumerate(frames_list):
        f = int(fr["frame"]) if isinstance(fr, dict) and "frame" in fr else i
        numbers.append(f)
        for person in _persons(fr, f"{src or 'landmarks'} frame {f}"):
            kp = _landmark_array(person, f"{src or 'landmarks'} frame {f}")
            frames[f].append((None, kp, float(kp[:, 2].mean())))
    if not frames:
        raise ValueError(f"{src or 'landmarks'}: no pose detected in any of the {len(frames_list)} frames")
    xy = np.concatenate([kp[:, :2] for dets in frames.values() for _, kp, _ in dets])
    normalized = bool(np.all((xy > -0.5) & (xy < 1.5)))
    if normalized:
        if size is None:
            raise ValueError(
                f"{src or 'landmarks'}: the landmarks are normalised to the image ([0, 1]) and the file has no image "
                "size; pass image_size=(width, height) (CLI: --image-size W H)"
            )
        scale = np.array([size[0], size[1], 1.0])
        frames = {f: [(t, kp * scale, s) for t, kp, s in dets] for f, dets in frames.items()}
    first, last = min(numbers), max(numbers)
    kp, tracks, miss = tracks_to_sequence(frames, track_id, missing, num_frames=last - first + 1, first_frame=first)
    meta = {
        "format": "mediapipe_landmarks",
        "frame_numbers": np.arange(first, last + 1),
        "tracking": "file" if has_track_ids(frames) else "iou",
        "landmarks_normalized": normalized,
    }
    if src is not None:
        meta["source"] = str(src)
    return _finish(kp, miss, tracks, track_id, "blazepose-33", meta, fps, size)


register_format(MotionFormat(
    "mediapipe_landmarks", load_mediapipe_landmarks, suffixes=(".json",), priority=15,
    recognizes=lambda obj, path: is_mediapipe_json(obj), description="MediaPipe pose landmarks JSON",
))
