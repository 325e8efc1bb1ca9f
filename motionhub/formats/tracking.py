# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""A small multi-person tracker for detector files that carry no track ids (AlphaPose without ``--pose_track``,
OpenPose without ``--tracking``, mmpose predictions without a tracker, per-frame detections of a video).

Detections are linked frame to frame by the similarity of each detection to the *last seen* pose of every track:
``"iou"`` = intersection over union of the keypoint bounding boxes (joints with confidence > 0), ``"oks"`` = COCO's
object keypoint similarity with the track's box area as scale (COCO-17 sigmas for the first 17 joints when the layout
is COCO-like, 0.08 otherwise). Pairs are matched optimally per frame (Hungarian, :func:`scipy.optimize.linear_sum_assignment`),
a pair is accepted when its similarity is at least ``threshold``; a track that has not been matched for more than
``max_gap`` frames ends, and unmatched detections start new tracks (or, with ``relink_distance``, continue a track
lost for a while whose last box is near). Numpy only; pixels in, integer ids out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["SIMILARITIES", "box_iou", "keypoint_box", "pose_similarity", "track_poses"]

SIMILARITIES = ("iou", "oks")

# COCO keypoint sigmas (nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles).
_COCO_SIGMAS = np.array(
    [0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107, 0.087, 0.087, 0.089,
     0.089]
)  # fmt: skip


def keypoint_box(kp: np.ndarray, min_confidence: float | None = None, min_joints: int = 2) -> np.ndarray | None:
    """``(x1, y1, x2, y2)`` of the joints of ``kp`` ``(J, C)`` whose x, y are finite and, when ``C > 2``, whose last
    channel (confidence) is > 0 (``min_confidence=None``) or >= ``min_confidence``; ``None`` with fewer than
    ``min_joints`` such joints."""
    kp = np.asarray(kp, dtype=np.float64)
    ok = np.isfinite(kp[:, 0]) & np.isfinite(kp[:, 1])
    if kp.shape[1] > 2:  # the last channel is a confidence
        conf = np.nan_to_num(kp[:, -1], nan=0.0)
        ok &= conf > 0 if min_confidence is None else conf >= min_confidence
    if ok.sum() < max(int(min_joints), 1):
        return None
    xy = kp[ok, :2]
    return np.concatenate([xy.min(0), xy.max(0)])


def box_iou(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Intersection over union of two ``(x1, y1, x2, y2)`` boxes (0 when either is ``None`` or they do not meet)."""
    if a is None or b is None:
        return 0.0
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / area) if area > 0 else 0.0


def _oks(a: np.ndarray, b: np.ndarray, box: np.ndarray | None) -> float:
    if box is None:
        return 0.0
    j = a.shape[0]
    sig = _COCO_SIGMAS if j >= 17 else np.full(j, 0.08)
    sig = np.concatenate([sig, np.full(max(0, j - sig.size), 0.08)])[:j]
    ok = np.isfinite(a[:, :2]).all(1) & np.isfinite(b[:, :2]).all(1)
    if a.shape[1] > 2:
        ok &= (np.nan_to_num(a[:, -1]) > 0) & (np.nan_to_num(b[:, -1]) > 0)
    if not ok.any():
        return 0.0
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1.0)
    d2 = ((a[ok, :2] - b[ok, :2]) ** 2).sum(1)
    return float(np.mean(np.exp(-d2 / (2 * area * (2 * sig[ok]) ** 2))))


def pose_similarity(a: np.ndarray, b: np.ndarray, similarity: str = "iou") -> float:
    """Similarity in [0, 1] of two poses ``(J, 2|3)`` (pixels): box IoU or OKS (module docstring)."""
    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be one of {SIMILARITIES}, got {similarity!r}")
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if similarity == "iou":
        return box_iou(keypoint_box(a), keypoint_box(b))
    return _oks(a, b, keypoint_box(a))


def track_poses(
    frames: Mapping[int, Sequence[np.ndarray]],
    similarity: str = "iou",
    threshold: float = 0.2,
    max_gap: int = 15,
    relink_distance: float | None = None,
) -> dict[int, list[int]]:
    """Give every detection of every frame a track id.

    Args:
        frames: frame index -> list of poses ``(J, 2|3)`` (x px, y px[, confidence]); NaN = missing joint.
        similarity: ``"iou"`` or ``"oks"`` (module docstring).
        threshold: minimum similarity of an accepted match.
        max_gap: a track unseen for more than this many frames is not continued.
        relink_distance: re-find lost people: a detection that matched no track may continue a track that was not
            seen in the previous frame (a person missed for a while, who moved meanwhile, so their boxes no longer
            overlap) when the box centres are at most this many of the track's box heights apart (optimal
            assignment, nearest first). ``None``: off (a lost person comes back as a new track).

    Returns:
        frame index -> list of track ids (ints from 0, in order of first appearance), parallel to ``frames[f]``.
    """
    from scipy.optimize import linear_sum_assignment

    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be one of {SIMILARITIES}, got {similarity!r}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    tracks: list[tuple[int, np.ndarray]] = []  # (last frame, last pose) per track id
    out: dict[int, list[int]] = {}
    for f in sorted(frames):
        dets = [np.asarray(d, dtype=np.float64) for d in frames[f]]
        ids = [-1] * len(dets)
        alive = [k for k, (last, _) in enumerate(tracks) if f - last <= max_gap]
        if dets and alive:
            sim = np.array([[pose_similarity(tracks[k][1], d, similarity) for d in dets] for k in alive])
            rows, cols = linear_sum_assignment(-sim)
            for r, c in zip(rows, cols):
                if sim[r, c] >= threshold and sim[r, c] > 0:
                    ids[c] = alive[r]
        lost = [k for k in alive if tracks[k][0] < f - 1 and k not in ids]
        free = [i for i in range(len(dets)) if ids[i] < 0]
        if relink_distance is not None and lost and free:
            dist = np.full((len(lost), len(free)), np.inf)
            for r, k in enumerate(lost):
                a = keypoint_box(tracks[k][1])
                for c, i in enumerate(free):
                    b = keypoint_box(dets[i])
                    if a is not None and b is not None:
                        height = max(a[3] - a[1], 1.0)
                        dist[r, c] = np.hypot(*((a[:2] + a[2:]) / 2 - (b[:2] + b[2:]) / 2)) / height
            rows, cols = linear_sum_assignment(np.where(np.isfinite(dist), dist, 1e9))
            for r, c in zip(rows, cols):
                if dist[r, c] <= relink_distance:
                    ids[free[c]] = lost[r]
        for i, d in enumerate(dets):
            if ids[i] < 0:
                ids[i] = len(tracks)
                tracks.append((f, d))
            else:
                tracks[ids[i]] = (f, d)
        out[f] = ids
    return out
