# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Video decoding with PyAV (FFmpeg), falling back to OpenCV: RGB ``uint8`` frames ``(H, W, 3)``, frame rate and
resolution from the container. Part of the optional ``video`` extra."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "VIDEO_SUFFIXES",
    "MissingExtraError",
    "VideoInfo",
    "check_video_info",
    "is_video",
    "iter_frames",
    "probe_video",
    "require_video_extra",
]

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv")
"""File extensions ``motionhub lift`` treats as videos."""

EXTRA_HINT = 'pip install -e ".[video]"  (or: pip install "motionhub[video]")'


class MissingExtraError(ImportError):
    """An optional dependency of the ``video`` extra is not installed (the message says how to install it)."""


def require_video_extra(module: str, what: str) -> None:
    """Raise :class:`MissingExtraError` naming the ``video`` extra when ``module`` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingExtraError(
            f"{what} needs the optional video dependencies ({module} is not installed): {EXTRA_HINT}"
        )


def is_video(path: str | Path) -> bool:
    """True for a path with a video extension (:data:`VIDEO_SUFFIXES`)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


@dataclass(frozen=True)
class VideoInfo:
    """Container facts: ``fps`` (Hz), ``width`` / ``height`` (pixels of the decoded frames), ``num_frames`` (the
    container's count, an estimate for some formats; 0 if unknown)."""

    fps: float
    width: int
    height: int
    num_frames: int


def _backend() -> str:
    import importlib.util

    if importlib.util.find_spec("av") is not None:
        return "av"
    if importlib.util.find_spec("cv2") is not None:
        return "cv2"
    raise MissingExtraError(f"decoding a video needs PyAV or OpenCV: {EXTRA_HINT}")


def probe_video(path: str | Path) -> VideoInfo:
    """Frame rate, resolution and frame count of ``path``.

    Raises:
        FileNotFoundError / ValueError: missing file, no video stream, or a stream without a frame rate.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video not found: {path}")
    if _backend() == "av":
        import av

        try:
            with av.open(str(path)) as container:
                if not container.streams.video:
                    raise ValueError(f"{path}: no video stream")
                s = container.streams.video[0]
                rate = s.average_rate or s.guessed_rate or s.base_rate
                if not rate:
                    raise ValueError(f"{path}: the video stream has no frame rate")
                info = VideoInfo(float(rate), int(s.codec_context.width), int(s.codec_context.height), int(s.frames))
        except av.error.FFmpegError as exc:
            raise ValueError(f"{path}: cannot decode the video ({exc})") from None
        return check_video_info(path, info)
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise ValueError(f"{path}: cannot decode the video")
        fps = float(cap.get(cv2.CAP_PROP_FPS))
        if not fps > 0:
            raise ValueError(f"{path}: the video stream has no frame rate")
        info = VideoInfo(fps, int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
                         int(cap.get(cv2.CAP_PROP_FRAME_COUNT)))  # fmt: skip
    finally:
        cap.release()
    return check_video_info(path, info)


# 16K video is 15360 x 8640; a larger claim is a damaged or hostile header (decoding it would try to allocate
# gigabytes per frame).
MAX_VIDEO_SIDE = 16384


def check_video_info(path: Path, info: VideoInfo) -> VideoInfo:
    """``info`` if its size and frame rate can be a real video, else a ``ValueError`` naming ``path``."""
    if not (0 < info.width <= MAX_VIDEO_SIDE and 0 < info.height <= MAX_VIDEO_SIDE):
        raise ValueError(f"{path}: the video header claims {info.width} x {info.height} pixels (at most "
                         f"{MAX_VIDEO_SIDE} per side is a real video): the header is damaged")
    if not (0 < info.fps <= 10000):
        raise ValueError(f"{path}: the video header claims {info.fps:g} frames per second: the header is damaged")
    return info


def _check_complete(path: Path, info: VideoInfo, count: int) -> None:
    """A stream that ends well before the frame count its container declares is cut short (a truncated download or
    copy): lifting the few frames that decode would pass a fragment off as the video. The declared count is an
    estimate for some containers, hence the 5 % slack."""
    if info.num_frames > 0 and count < 0.95 * info.num_frames - 1:
        raise ValueError(
            f"{path}: only {count} of the {info.num_frames} frames its container declares could be decoded: the "
            "file is truncated or damaged (re-download or re-encode it)"
        )


def iter_frames(path: str | Path, max_frames: int | None = None) -> Iterator[np.ndarray]:
    """Decoded frames of ``path`` in order, RGB ``uint8`` ``(H, W, 3)`` (at most ``max_frames``).

    Raises:
        ValueError: (while iterating) the stream breaks off or ends well before the container's frame count.
    """
    path = Path(path)
    info = probe_video(path)
    count = 0
    if _backend() == "av":
        import av

        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            try:
                for frame in container.decode(stream):
                    if max_frames is not None and count >= max_frames:
                        return
                    yield frame.to_ndarray(format="rgb24")
                    count += 1
            except av.error.FFmpegError as exc:
                raise ValueError(f"{path}: the video breaks off after frame {count} ({exc}): the file is "
                                 "truncated or damaged") from None
        _check_complete(path, info, count)
        return
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        while max_frames is None or count < max_frames:
            ok, bgr = cap.read()
            if not ok:
                _check_complete(path, info, count)
                return
            yield bgr[:, :, ::-1].copy()
            count += 1
    finally:
        cap.release()
