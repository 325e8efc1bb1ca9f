# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Video front-end (optional ``video`` extra): decode (PyAV / OpenCV), detect 2D keypoints with an offline detector
(MediaPipe Pose), render 2D + 3D side by side. Sits beside :mod:`motionhub.formats`: video -> numpy keypoints."""

from .decode import (
    VIDEO_SUFFIXES,
    MissingExtraError,
    VideoInfo,
    check_video_info,
    is_video,
    iter_frames,
    probe_video,
    require_video_extra,
)
from .detectors import DETECTORS, Detector, MediaPipePoseDetector, MultiPersonPoseDetector, detect_video
from .render import render_video

__all__ = [
    "DETECTORS",
    "VIDEO_SUFFIXES",
    "Detector",
    "MediaPipePoseDetector",
    "MissingExtraError",
    "MultiPersonPoseDetector",
    "VideoInfo",
    "check_video_info",
    "detect_video",
    "is_video",
    "iter_frames",
    "probe_video",
    "render_video",
    "require_video_extra",
]
