# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""COCO-style keypoint JSON: detector results (AlphaPose, COCO results) and dataset annotation files.

**Results list** (AlphaPose ``alphapose-results.json``, COCO detection results): a list of detections
``{"image_id": "0.jpg" | 12, "category_id": 1, "keypoints": [x0, y0, s0, x1, y1, s1, ...], "score": float,
"box": [x, y, w, h], "idx": ...}``. AlphaPose writes ``"idx"`` as an int track id when it tracked (``--pose_track``)
and as the list of merged box indices otherwise (``[[0.0], [0.0]]``: no track id); ``"track_id"`` is read too. The
joint count follows from the list length: 17 -> ``coco-17``, 26 -> ``halpe-26``, 136 -> ``halpe-136`` (AlphaPose
full body), 133 -> ``coco-wholebody-133`` (other counts -> ``custom-<J>``). Detections are grouped per frame (frame
number = the integer in ``image_id``, or the order of first appearance when ``image_id`` has no digits); every
person is kept (one track per person; untracked files go through the IoU tracker of
:mod:`motionhub.formats.tracking`) and frames where a person is absent are filled according to ``missing``.
AlphaPose's ``--format open`` / ``--format cmu`` outputs are OpenPose-style and read by
:func:`motionhub.formats.openpose.load_openpose`.

**Annotation file** (COCO dataset format, e.g. PoseTrack18, JHMDB, mmpose's ``h36m_coco.json``): a dict with
``images`` (``id``, ``file_name``, optional ``frame_id``/``vid_id``/``width``/``height``), ``annotations``
(``image_id``, ``keypoints`` flat (x, y, v), optional ``track_id``) and ``categories`` (``keypoints`` = joint names,
used to name the layout: COCO names -> ``coco-17``, PoseTrack -> ``posetrack-17``, H36M -> ``h36m-17``, JHMDB ->
``jhmdb-15``). Unlabelled keypoints (``v = 0`` and x = y = 0) become NaN.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .base import MotionSequence, fill_missing
from .registry import MotionFormat, register_format

__all__ = [
    "TRACK_CHOICES",
    "flat_keypoints",
    "frame_number",
    "has_track_ids",
    "layout_for_num_joints",
    "load_coco_annotations",
    "load_coco_results",
    "tracks_to_sequence",
]

_COUNT_LAYOUT = {17: "coco-17", 26: "halpe-26", 133: "coco-wholebody-133", 136: "halpe-136"}
_POSETRACK_NAMES = ("nose", "head_bottom", "head_top")
_JHMDB_NAMES = ("neck", "belly", "head")


def layout_for_num_joints(num_joints: int) -> str:
    """17 -> ``"coco-17"``, 26 -> ``"halpe-26"``, 133 -> ``"coco-wholebody-133"``, 136 -> ``"halpe-136"``, other
    -> ``"custom-<J>"``."""
    return _COUNT_LAYOUT.get(int(num_joints), f"custom-{int(num_joints)}")


def frame_number(image_id: Any) -> int | None:
    """Frame index encoded in an ``image_id``: ints as is; strings -> the last digit group of the file stem."""
    if isinstance(image_id, (int, np.integer)):
        return int(image_id)
    stem = Path(str(image_id)).stem
    digits = re.findall(r"\d+", stem)
    return int(digits[-1]) if digits else None


def _track_of(det: dict) -> Any:
    """The track id of an AlphaPose / COCO detection, ``None`` when it has none.

    AlphaPose writes a track id in ``"idx"`` when it tracked (``--pose_track`` / PoseFlow); untracked runs write the
    box ids of the merged detections, all 0: nested (``"idx": [[0.0], [0.0]]``, no track id) or flat (``[0.0]``, read
    as 0, and then repeated within a frame, which :func:`has_track_ids` rejects).
    """
    for key in ("track_id", "idx"):
        if key in det and det[key] is not None:
            val = det[key]
            if isinstance(val, (list, tuple)):
                if len(val) != 1 or not isinstance(val[0], (int, float)):
                    return None
                val = val[0]
            if isinstance(val, float) and val.is_integer():
                val = int(val)
            return val
    return None


def flat_keypoints(values: Any, where: str, num_joints: int | None) -> tuple[np.ndarray, int]:
    """A flat ``[x0, y0, c0, x1, ...]`` list -> ``((J, 3) float64, J)``; ``num_joints`` = the count of earlier
    entries (``None`` for the first), which ``J`` must match."""
    try:
        flat = np.asarray(values, dtype=np.float64).reshape(-1)
    except (ValueError, TypeError):
        sample = values[:6] if isinstance(values, list) else values
        raise ValueError(f"{where}: keypoints are not numbers ({str(sample)[:60]}): expected [x0, y0, score0, x1, ...] "
                         "in pixels") from None
    if flat.size % 3:
        raise ValueError(f"{where}: keypoints length {flat.size} is not a multiple of 3 (x, y, score)")
    j = flat.size // 3
    if num_joints is not None and j != num_joints:
        raise ValueError(f"{where} has {j} joints, earlier ones {num_joints}; mixed keypoint sets / pose models")
    return flat.reshape(j, 3).copy(), j


def has_track_ids(frames: dict[int, list[tuple[Any, np.ndarray, float]]]) -> bool:
    """True when the detections carry usable track ids: every detection has one and no frame repeats one (a
    repeated id is a per-frame detection index or a constant, not a track)."""
    if any(trk is None for dets in frames.values() for trk, _, _ in dets):
        return False
    return all(len({trk for trk, _, _ in dets}) == len(dets) for dets in frames.values())


TRACK_CHOICES = "None (every person), 'best' (the most persistent track), 'all' (always multi-person) or a track id"


def tracks_to_sequence(
    frames: dict[int, list[tuple[Any, np.ndarray, float]]],
    track_id: Any = None,
    missing: str = "interpolate",
    num_frames: int | None = None,
    first_frame: int | None = None,
    *,
    similarity: str = "iou",
    min_frames: int = 3,
    tracker: dict[str, Any] | None = None,
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Assemble per-frame detections into track arrays.

    Args:
        frames: frame index -> list of ``(track, keypoints (J, C), score)``; ``track`` is None when the file has no
            track ids: the detections are then linked by :func:`motionhub.formats.tracking.track_poses` (so a track
            never jumps between people) and tracks seen in fewer than ``min_frames`` frames are dropped (the longest
            track is always kept). The last channel of the keypoints is a confidence.
        track_id: ``None`` / ``"all"`` = every track, most persistent first (most frames, then highest mean score);
            ``"best"`` = only the most persistent track; a specific id = that track.
        missing: ``"nan"``, ``"zero"`` or ``"interpolate"`` for frames where a track is absent.
        num_frames / first_frame: frame range (default: min..max of ``frames``).
        similarity: the tracker's similarity (``"iou"`` or ``"oks"``).
        min_frames: shortest kept track of the tracker (file track ids are all kept).
        tracker: further keyword arguments of :func:`~motionhub.formats.tracking.track_poses` (``max_gap``,
            ``relink_distance``, ``threshold``).

    Returns:
        ``(keypoints (M, T, J, C), track ids, missing mask (M, T, J))``; filled entries get confidence 0.
    """
    if not frames:
        raise ValueError("no detections to assemble")
    first = min(frames) if first_frame is None else first_frame
    t = (max(frames) - first + 1) if num_frames is None else num_frames
    sample = next(d for dets in frames.values() for d in dets)[1]
    j, c = sample.shape
    has_ids = has_track_ids(frames)
    if not has_ids:
        from .tracking import track_poses

        ids = track_poses({f: [kp for _, kp, _ in dets] for f, dets in frames.items()}, similarity=similarity,
                          **(tracker or {}))  # fmt: skip
        frames = {f: [(k, kp, s) for k, (_, kp, s) in zip(ids[f], dets)] for f, dets in frames.items()}
    per_track: dict[Any, dict[int, tuple]] = defaultdict(dict)
    for f, dets in frames.items():
        for det in dets:
            old = per_track[det[0]].get(f)
            if old is None or det[2] > old[2]:
                per_track[det[0]][f] = det
    ranked = sorted(
        per_track,
        key=lambda k: (-len(per_track[k]), -float(np.mean([d[2] for d in per_track[k].values()]))),
    )
    if not has_ids:
        ranked = [k for i, k in enumerate(ranked) if i == 0 or len(per_track[k]) >= min_frames]
    if track_id in (None, "all"):
        chosen = ranked
    elif track_id == "best":
        chosen = ranked[:1]
    else:
        match = [k for k in per_track if k == track_id or str(k) == str(track_id)]
        if not match:
            raise ValueError(f"track_id {track_id!r} not found; available tracks: {ranked[:20]} (or {TRACK_CHOICES})")
        chosen = match[:1]
    out = np.full((len(chosen), t, j, c), np.nan, dtype=np.float64)
    for m, trk in enumerate(chosen):
        for f, (_, kp, _) in per_track[trk].items():
            if 0 <= f - first < t:
                out[m, f - first] = kp
    miss = np.isnan(out[..., 0]) | np.isnan(out[..., 1])
    if missing != "nan":
        for m in range(out.shape[0]):
            out[m, ..., :-1] = fill_missing(out[m, ..., :-1], missing)
        out[..., -1] = np.where(miss, 0.0, out[..., -1])
    return out, chosen, miss


def _finish(
    kp: np.ndarray,
    miss: np.ndarray,
    tracks: list,
    track_id: Any,
    layout: str,
    meta: dict,
    fps: float | None,
    image_size: tuple[int, int] | None,
) -> MotionSequence:
    """One person ``(T, J, C)`` for ``'best'`` / an id / a single track with ``None``; else ``(M, T, J, C)``."""
    if track_id != "all" and (track_id is not None or len(tracks) == 1):
        kp, miss = kp[0], miss[0]
        meta["track_id"] = tracks[0]
    else:
        meta["track_ids"] = tracks
    meta["missing"] = miss
    return MotionSequence(keypoints_2d=kp.astype(np.float32), layout=layout, fps=fps, image_size=image_size, meta=meta)


def load_coco_results(
    path_or_data: str | Path | list,
    track_id: Any = None,
    missing: str = "interpolate",
    layout: str | None = None,
    fps: float | None = None,
    image_size: tuple[int, int] | None = None,
    min_score: float = 0.0,
    ignore_track_ids: bool = False,
) -> MotionSequence:
    """Read a COCO/AlphaPose results list as one track (or all tracks) over the video.

    Args:
        path_or_data: JSON file or the already-parsed list.
        track_id: ``None`` (default: every person, ``(M, T, J, 3)`` when there are several, tracks sorted by
            number of frames), ``"best"`` (the most persistent track), ``"all"`` (always ``(M, T, J, 3)``) or a track
            id. Files without track ids (AlphaPose without ``--pose_track``: ``idx`` is a list such as
            ``[[0.0], [0.0]]``) are tracked by :func:`motionhub.formats.tracking.track_poses` (box IoU), so no person
            jumps to another between frames; ``meta["tracking"]`` says which (``"file"`` / ``"iou"``).
        missing: frames where the track is absent: ``"interpolate"`` (default; linear per joint, ends held, and
            confidence 0), ``"nan"`` or ``"zero"``. The mask of absent frames is ``meta["missing"]``.
        layout: override the layout inferred from the joint count.
        fps / image_size: not stored in these files; pass them if known.
        min_score: drop detections whose ``score`` is below this.
        ignore_track_ids: ignore the file's ``idx``/``track_id`` and track with the IoU tracker (for files whose
            ``idx`` is not a track id although it is an int).

    Returns:
        :class:`MotionSequence` with ``keypoints_2d`` ``(T, J, 3)`` = (x px, y px, score), T spanning the first to
        the last frame with a detection; ``meta["frame_numbers"]`` are the frame indices.
    """
    data = json.loads(Path(path_or_data).read_text()) if isinstance(path_or_data, (str, Path)) else path_or_data
    if isinstance(data, dict):
        raise ValueError(  # noqa: TRY004 - wrong kind of file, not a wrong argument type
            "this JSON is a dict; COCO/AlphaPose *results* are a list of detections. For a dataset annotation file "
            "use load_coco_annotations, for mmpose predictions load_mmpose_predictions"
        )
    if not isinstance(data, list) or not data:
        raise ValueError("expected a non-empty list of detections {'image_id', 'keypoints', 'score', ...}")
    order: dict[Any, int] = {}
    frames: dict[int, list] = defaultdict(list)
    num_j = None
    numbered = all(frame_number(d.get("image_id")) is not None for d in data)
    for i, det in enumerate(data):
        if "keypoints" not in det or "image_id" not in det:
            raise ValueError(f"detection {i} lacks 'keypoints' or 'image_id': keys {sorted(det)}")
        kp, num_j = flat_keypoints(det["keypoints"], f"detection {i}", num_j)
        flat = kp.reshape(-1)
        j = num_j
        score = float(det.get("score", np.nanmean(flat[2::3])))
        if score < min_score:
            continue
        img = det["image_id"]
        f = frame_number(img) if numbered else order.setdefault(str(img), len(order))
        frames[f].append((None if ignore_track_ids else _track_of(det), flat.reshape(j, 3), score))
    if not frames:
        raise ValueError(f"no detection has score >= {min_score}")
    kp, tracks, miss = tracks_to_sequence(frames, track_id, missing)
    first = min(frames)
    meta = {
        "format": "coco_results",
        "frame_numbers": np.arange(first, first + kp.shape[1]),
        "tracking": "file" if has_track_ids(frames) else "iou",
    }
    if isinstance(path_or_data, (str, Path)):
        meta["source"] = str(path_or_data)
    return _finish(kp, miss, tracks, track_id, layout or layout_for_num_joints(num_j), meta, fps, image_size)


def _layout_from_names(names: Sequence[str]) -> str:
    names = [str(n).lower() for n in names]
    j = len(names)
    if j == 17 and tuple(names[:3]) == _POSETRACK_NAMES:
        return "posetrack-17"
    if j == 17 and names[0] == "nose" and names[1] == "left_eye":
        return "coco-17"
    if j == 17 and names[0].startswith("root"):
        return "h36m-17"  # mmpose H36M (the file's left/right names are swapped, the data is H36M-17 order)
    if j == 15 and tuple(names[:3]) == _JHMDB_NAMES:
        return "jhmdb-15"
    if j == 26 and "left_big_toe" in names:
        return "halpe-26"
    return f"custom-{j}"


def load_coco_annotations(
    path: str | Path,
    track_id: Any = None,
    missing: str = "nan",
    video: Any = None,
    fps: float | None = None,
) -> MotionSequence | list[MotionSequence]:
    """Read a COCO-format keypoint *annotation* file as per-video tracks.

    Args:
        path: JSON with ``images``, ``annotations``, ``categories``.
        track_id: as in :func:`load_coco_results` (``annotations[].track_id``).
        missing: for unlabelled joints / frames without the track: ``"nan"`` (default), ``"zero"``,
            ``"interpolate"``.
        video: keep only this ``vid_id`` (default: every video).
        fps: frame rate if known.

    Returns:
        One :class:`MotionSequence` per video (a list when the file holds several videos): ``keypoints_2d``
        ``(T, J, 3)`` = (x px, y px, visibility flag), frames ordered by ``frame_id`` (else image ``id``), T spanning
        the labelled frames; ``image_size`` from the images; ``meta["joint_names"]`` from the category.
    """
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or not {"images", "annotations"} <= set(data):
        raise ValueError(f"{path}: a COCO annotation file needs 'images' and 'annotations' keys")
    cats = data.get("categories") or [{}]
    names = cats[0].get("keypoints")
    images = {img["id"]: img for img in data["images"]}
    by_video: dict[Any, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    sizes: dict[Any, tuple[int, int]] = {}
    num_j = None
    for i, ann in enumerate(data["annotations"]):
        if "keypoints" not in ann:
            continue
        img = images.get(ann["image_id"])
        if img is None:
            raise ValueError(f"{path}: annotation {i} refers to unknown image_id {ann['image_id']}")
        vid = img.get("vid_id", "0")
        if video is not None and str(vid) != str(video):
            continue
        flat = np.asarray(ann["keypoints"], dtype=np.float64)
        j = flat.size // 3
        num_j = num_j or j
        kp = flat.reshape(j, 3)
        unlabelled = (kp[:, 2] <= 0) & (kp[:, 0] == 0) & (kp[:, 1] == 0)
        kp[unlabelled, :2] = np.nan
        f = int(img.get("frame_id", img["id"]))
        by_video[vid][f].append((ann.get("track_id"), kp, float(ann.get("score", 1.0))))
        if "width" in img and "height" in img:
            sizes[vid] = (int(img["width"]), int(img["height"]))
    if not by_video:
        raise ValueError(f"{path}: no keypoint annotation" + (f" for video {video!r}" if video is not None else ""))
    layout = _layout_from_names(names) if names and len(names) == num_j else layout_for_num_joints(num_j)
    out = []
    for vid, frames in by_video.items():
        # frame ids may be global (PoseTrack: 10094730000 + n); compress to consecutive labelled frames when the
        # ids are not contiguous integers within the video
        keys = sorted(frames)
        remap = {k: i for i, k in enumerate(keys)}
        kp, tracks, miss = tracks_to_sequence({remap[k]: frames[k] for k in keys}, track_id, "nan")
        if missing != "nan":
            for m in range(kp.shape[0]):
                kp[m, ..., :2] = fill_missing(kp[m, ..., :2], missing)
            kp[..., 2] = np.where(miss, 0.0, kp[..., 2])
        meta = {"format": "coco_annotations", "source": str(path), "video": vid, "frame_ids": np.asarray(keys)}
        if names and len(names) == num_j:
            # custom layouts are described by the file's names; registered ones keep the registry's names
            meta["joint_names" if layout.startswith(("custom", "jhmdb")) else "file_joint_names"] = list(names)
        out.append(_finish(kp, miss, tracks, track_id, layout, meta, fps, sizes.get(vid)))
    return out[0] if len(out) == 1 else out


register_format(MotionFormat(
    "coco_results", load_coco_results, suffixes=(".json",), priority=20,
    recognizes=lambda obj, path: isinstance(obj, list) and bool(obj) and isinstance(obj[0], dict)
    and "image_id" in obj[0],
    description="COCO keypoint results / AlphaPose JSON (a list of {image_id, keypoints, score})",
))
register_format(MotionFormat(
    "coco_annotations", load_coco_annotations, suffixes=(".json",), priority=35,
    recognizes=lambda obj, path: isinstance(obj, dict) and {"images", "annotations"} <= set(obj),
    description="COCO annotation dict (images + annotations)",
))
