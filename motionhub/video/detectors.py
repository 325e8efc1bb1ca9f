# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Offline 2D pose detectors behind one interface, and the video -> 2D keypoints step.

A :class:`Detector` turns one RGB frame into the people it sees: a list of ``(J, 3)`` arrays (x px, y px,
confidence) in its ``layout``. :class:`MediaPipePoseDetector` is the built-in one (BlazePose-33, one person, model
shipped inside the mediapipe wheel, no download). Any other offline detector plugs in by subclassing
:class:`Detector`; :func:`detect_video` links several people per frame with the tracker of
:mod:`motionhub.formats.tracking`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np

from ..formats.base import MotionSequence
from .decode import iter_frames, probe_video, require_video_extra

__all__ = ["Detector", "MediaPipePoseDetector", "detect_video"]


class Detector(ABC):
    """One frame in, the detected people out.

    Attributes:
        layout: joint layout of the returned keypoints (a :mod:`motionhub.skeleton` name).
        name: a short description recorded in the output's metadata.
    """

    layout: str = ""
    name: str = ""

    @abstractmethod
    def __call__(self, frame: np.ndarray) -> list[np.ndarray]:
        """``frame`` RGB ``uint8`` ``(H, W, 3)`` -> list of ``(J, 3)`` float arrays (x px, y px, confidence in
        [0, 1]); an empty list when nobody is detected. Frames come in video order (detectors may track)."""

    def close(self) -> None:
        """Release resources (called once after the last frame)."""


class MediaPipePoseDetector(Detector):
    """MediaPipe Pose (BlazePose GHUM 3D, legacy ``mp.solutions.pose``), ``blazepose-33``, at most one person.

    Args:
        model_complexity: only 1 (``pose_landmark_full``, inside the mediapipe wheel). 0 and 2 download their model
            at run time and are refused, so detection works offline.
        min_detection_confidence / min_tracking_confidence: MediaPipe's thresholds.
        static_image_mode: detect every frame from scratch instead of tracking between frames.

    The confidence channel is MediaPipe's landmark ``visibility``.
    """

    layout = "blazepose-33"

    def __init__(
        self,
        model_complexity: int = 1,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        static_image_mode: bool = False,
    ) -> None:
        if model_complexity != 1:
            raise ValueError(
                f"model_complexity={model_complexity}: only 1 runs offline (its model ships in the mediapipe wheel; "
                "0 and 2 download theirs)"
            )
        require_video_extra("mediapipe", "MediaPipe pose detection")
        import mediapipe as mp

        self.name = f"mediapipe {mp.__version__} pose (model_complexity=1)"
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static_image_mode,
            model_complexity=1,
            smooth_landmarks=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def __call__(self, frame: np.ndarray) -> list[np.ndarray]:
        frame = np.ascontiguousarray(frame)
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 frame (H, W, 3), got {frame.dtype} {frame.shape}")
        res = self._pose.process(frame)
        if res.pose_landmarks is None:
            return []
        h, w = frame.shape[:2]
        kp = np.array([(lm.x * w, lm.y * h, lm.visibility) for lm in res.pose_landmarks.landmark], dtype=np.float64)
        return [kp]

    def close(self) -> None:
        self._pose.close()


def detect_video(
    path: str | Path,
    detector: Detector | None = None,
    *,
    max_frames: int | None = None,
    progress: bool = True,
    min_track_frames: int | None = None,
) -> MotionSequence:
    """Decode ``path`` and detect 2D keypoints in every frame.

    Args:
        path: video file (anything FFmpeg reads).
        detector: a :class:`Detector` (default: :class:`MediaPipePoseDetector`).
        max_frames: stop after this many frames.
        progress: tqdm bar over the frames (decoding + detection).
        min_track_frames: drop people seen in fewer frames (default: 5 % of the video, at least 3): a single-person
            detector that jumps to someone else for a moment, or a false detection, makes no extra person. The
            longest track is always kept.

    Returns:
        :class:`~motionhub.formats.MotionSequence` in the detector's layout: ``keypoints_2d`` ``(T, J, 3)`` pixels
        + confidence (``(M, T, J, 3)`` when a multi-person detector saw several tracked people), NaN in frames
        without a detection (never invented: ``meta["missing"]`` ``(T, J)`` marks them, ``meta["detected"]``
        ``(T,)`` per frame); ``fps`` and ``image_size`` from the video; ``meta`` ``source``, ``detector``.
    """
    from tqdm.auto import tqdm

    from ..formats.coco_json import _finish, tracks_to_sequence

    info = probe_video(path)
    det = detector if detector is not None else MediaPipePoseDetector()
    if not isinstance(det, Detector):
        raise TypeError(f"detector must be a motionhub.video.Detector, got {type(det).__name__}")
    total = info.num_frames or None
    if max_frames is not None:
        total = min(total or max_frames, max_frames)
    frames: dict[int, list[tuple[Any, np.ndarray, float]]] = {}
    num_frames = 0
    size = None
    try:
        bar = tqdm(iter_frames(path, max_frames), total=total, desc="decoding + detecting", unit="frame",
                   disable=not progress)  # fmt: skip
        for f, frame in enumerate(bar):
            size = (frame.shape[1], frame.shape[0])
            people = det(frame)
            frames[f] = [(None, np.asarray(p, np.float64), float(np.nanmean(np.asarray(p)[:, 2]))) for p in people]
            num_frames = f + 1
    finally:
        det.close()
    if num_frames == 0:
        raise ValueError(f"{path}: no frame could be decoded")
    found = {f: d for f, d in frames.items() if d}
    meta: dict[str, Any] = {"format": "video", "source": str(path), "detector": det.name or type(det).__name__,
                            "tracking": "iou"}  # fmt: skip
    if not found:
        raise ValueError(f"{path}: {det.name or 'the detector'} found nobody in any of the {num_frames} frames")
    min_frames = min_track_frames if min_track_frames is not None else max(3, int(np.ceil(0.05 * num_frames)))
    kp, tracks, miss = tracks_to_sequence(found, None, "nan", num_frames=num_frames, first_frame=0,
                                          min_frames=min_frames)  # fmt: skip
    seq = _finish(kp, miss, tracks, None, det.layout, meta, info.fps, size)
    seq.meta["detected"] = ~seq.meta["missing"].all(axis=-1)
    return seq
