# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Offline 2D pose detectors behind one interface, and the video -> 2D keypoints step.

A :class:`Detector` turns one RGB frame into the people it sees: a list of ``(J, 3)`` arrays (x px, y px,
confidence) in its ``layout``. :class:`MultiPersonPoseDetector` (every person: MediaPipe Pose searched repeatedly, each
person found hidden before the next search) and :class:`MediaPipePoseDetector` (MediaPipe's one person, tracked) are built in (BlazePose-33, models shipped
inside the mediapipe wheel, no download). Any other offline detector plugs in by subclassing
:class:`Detector`; :func:`detect_video` links several people per frame with the tracker of
:mod:`motionhub.formats.tracking`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np

from ..formats.base import MotionSequence
from ..formats.tracking import box_iou, keypoint_box
from .decode import iter_frames, probe_video, require_video_extra

__all__ = ["DETECTORS", "Detector", "MediaPipePoseDetector", "MultiPersonPoseDetector", "detect_video"]


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
        kp = _pose_keypoints(self._pose, frame)
        return [] if kp is None else [kp]

    def close(self) -> None:
        self._pose.close()


def _pose_keypoints(pose: Any, image: np.ndarray) -> np.ndarray | None:
    """MediaPipe Pose on one RGB image: the 33 BlazePose landmarks as ``(33, 3)`` pixels x, y + visibility (the
    confidence channel), or None when it finds nobody."""
    res = pose.process(np.ascontiguousarray(image))
    if res.pose_landmarks is None:
        return None
    h, w = image.shape[:2]
    return np.array([(lm.x * w, lm.y * h, lm.visibility) for lm in res.pose_landmarks.landmark], dtype=np.float64)


def _box(kp: np.ndarray) -> np.ndarray | None:
    """The box of one detected person's confident keypoints (score >= 0.3, at least 4 joints), or None."""
    return keypoint_box(kp, min_confidence=0.3, min_joints=4)


class MultiPersonPoseDetector(Detector):
    """Every person in the frame, offline, with the models inside the mediapipe wheel (``blazepose-33``).

    MediaPipe's legacy Pose finds the most prominent person of an image (its BlazePose person detector, then the
    landmark model on that person). To find everybody, each frame is searched repeatedly:

    1. **Search and hide**: run Pose on the frame, paint the person found (their keypoint box, enlarged by
       ``mask_margin``) grey, run again, ... until nobody more is found or ``max_people`` are;
    2. **Follow**: a person of the previous frame that step 1 did not find again (turned away, overlapped) is looked
       for in a crop around their previous box (on the frame with the others hidden), MediaPipe's own tracking idea.

    A person whose mean landmark visibility is below ``min_visibility`` is dropped; results whose keypoint boxes
    overlap (IoU above 0.5) are one person. :func:`detect_video` then links the people of consecutive frames into
    tracks. Static-image mode (no temporal smoothing inside MediaPipe): the lifter's windows smooth.

    Args:
        max_people: at most this many people per frame.
        min_visibility: a person's mean landmark visibility must reach this.
        mask_margin: enlargement of a found person's box before it is hidden (fraction of its width / height).
        crop_margin: enlargement of a followed person's previous box before cropping (fraction of its larger side).
    """

    layout = "blazepose-33"

    def __init__(
        self,
        max_people: int = 6,
        min_visibility: float = 0.5,
        mask_margin: float = 0.15,
        crop_margin: float = 0.35,
    ) -> None:
        if isinstance(max_people, bool) or not isinstance(max_people, int) or max_people < 1:
            raise ValueError(f"max_people must be a positive integer, got {max_people!r}")
        for name, v in (("min_visibility", min_visibility), ("mask_margin", mask_margin),
                        ("crop_margin", crop_margin)):  # fmt: skip
            if not 0.0 <= float(v) <= 2.0:
                raise ValueError(f"{name} must be in [0, 2], got {v!r}")
        require_video_extra("mediapipe", "MediaPipe pose detection")
        import mediapipe as mp

        self.max_people = max_people
        self.min_visibility = float(min_visibility)
        self.mask_margin = float(mask_margin)
        self.crop_margin = float(crop_margin)
        self.name = f"mediapipe {mp.__version__} pose, every person (search and hide + follow; model_complexity=1)"
        self._pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, min_detection_confidence=0.5)
        self._previous: list[np.ndarray] = []

    def _landmarks(self, image: np.ndarray) -> np.ndarray | None:
        kp = _pose_keypoints(self._pose, image)
        if kp is None:
            return None
        return kp if float(kp[:, 2].mean()) >= self.min_visibility and _box(kp) is not None else None

    def _hide(self, image: np.ndarray, kp: np.ndarray) -> None:
        b = _box(kp)
        if b is None:
            return
        dx, dy = (b[2] - b[0]) * self.mask_margin, (b[3] - b[1]) * self.mask_margin
        h, w = image.shape[:2]
        x0, y0 = max(0, int(b[0] - dx)), max(0, int(b[1] - dy))
        x1, y1 = min(w, int(np.ceil(b[2] + dx))), min(h, int(np.ceil(b[3] + dy)))
        image[y0:y1, x0:x1] = 128

    def _in_crop(self, image: np.ndarray, box: np.ndarray) -> np.ndarray | None:
        h, w = image.shape[:2]
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        side = max(box[2] - box[0], box[3] - box[1]) * (1.0 + 2.0 * self.crop_margin)
        x0, y0 = round(cx - side / 2), round(cy - side / 2)
        n = max(8, round(side))
        crop = np.full((n, n, 3), 128, np.uint8)  # square, grey outside the frame
        sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x0 + n, w), min(y0 + n, h)
        if sx1 - sx0 < 8 or sy1 - sy0 < 8:
            return None
        crop[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = image[sy0:sy1, sx0:sx1]
        kp = self._landmarks(crop)
        if kp is not None:
            kp[:, :2] += (x0, y0)
        return kp

    def __call__(self, frame: np.ndarray) -> list[np.ndarray]:
        frame = np.ascontiguousarray(frame)
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 frame (H, W, 3), got {frame.dtype} {frame.shape}")
        work = frame.copy()
        people: list[np.ndarray] = []
        while len(people) < self.max_people:  # 1. search and hide
            kp = self._landmarks(work)
            if kp is None or any(box_iou(_box(kp), _box(p)) > 0.5 for p in people):
                break
            people.append(kp)
            self._hide(work, kp)
        for prev in self._previous:  # 2. follow the people of the previous frame that were not found again
            if len(people) >= self.max_people:
                break
            box = _box(prev)
            if box is None or any(box_iou(box, _box(p)) > 0.3 for p in people):
                continue
            kp = self._in_crop(work, box)
            if kp is not None and all(box_iou(_box(kp), _box(p)) <= 0.5 for p in people):
                people.append(kp)
                self._hide(work, kp)
        self._previous = people
        return [p.copy() for p in people]

    def close(self) -> None:
        self._pose.close()


DETECTORS = {"multi": MultiPersonPoseDetector, "single": MediaPipePoseDetector}
"""The built-in detectors by name (``motionhub lift --detector``): every person (default) or MediaPipe's one."""


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
        detector: a :class:`Detector` (default: :class:`MultiPersonPoseDetector`, every person).
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
    det = detector if detector is not None else MultiPersonPoseDetector()
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
    # a person missed for up to 1.5 s who moved meanwhile (no box overlap) continues their track when found again
    # within 1.5 box heights of where they were last seen
    tracker = {"max_gap": max(15, round(1.5 * (info.fps or 25.0))), "relink_distance": 1.5}
    kp, tracks, miss = tracks_to_sequence(found, None, "nan", num_frames=num_frames, first_frame=0,
                                          min_frames=min_frames, tracker=tracker)  # fmt: skip
    seq = _finish(kp, miss, tracks, None, det.layout, meta, info.fps, size)
    seq.meta["detected"] = ~seq.meta["missing"].all(axis=-1)
    return seq
