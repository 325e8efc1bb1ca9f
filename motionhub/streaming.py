# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Online (streaming) lifting: 2D keypoints frame by frame in, 3D poses out with a fixed latency.

:class:`OnlineLifter` keeps the last ``window`` frames (bounded memory: one ring buffer of ``window`` 2D frames, no
growth with the stream's length). When frame ``t`` arrives it lifts the window ``t - window + 1 ... t`` and returns
the pose of frame ``t - latency``, which thus sees ``latency`` future and ``window - 1 - latency`` past frames. The
latency is at most half a window (default: ``window // 2``, the centre, as the offline lifter's windows); 0 gives
the newest frame at once with past context only. Before ``window`` frames have arrived the window is padded with the
first frame. A frame pushed as ``None`` (nobody detected) gives a NaN pose for it, never an invented one; its
neighbours are lifted with it interpolated inside the window.

Example (webcam or any stream of detections)::

    >>> from motionhub.streaming import OnlineLifter
    >>> lifter = OnlineLifter(image_size=(1280, 720))          # embedded default model
    >>> for kp in detections:                                   # (J, 3) pixels in lifter.layout, or None
    ...     out = lifter.push(kp)                              # None until `latency` frames have come
    ...     if out is not None: frame_index, pose = out          # pose (17, 3) root-relative, lifter.units
    >>> rest = lifter.flush()                                   # the last `latency` frames at the end
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["OnlineLifter"]


class OnlineLifter:
    """Frame-by-frame 2D -> 3D lifting with a stated latency (module docstring).

    Args:
        model: anything :class:`~motionhub.pipelines.PoseLiftingPipeline` takes (``None`` = the embedded default).
        layout: joint layout of the pushed keypoints (converted to the model's layout).
        image_size: ``(width, height)`` of the frames (needed by models with screen normalisation).
        window: frames of context per step (default: the model's window).
        latency: frames between a frame's arrival and its pose (default ``window // 2``; at most ``window // 2``).
        fps: frame rate, only to state the latency in seconds (:attr:`latency_seconds`).
        flip: flip test-time augmentation (doubles the work per frame).
        device: torch device.

    Attributes:
        window, latency, layout, units: as resolved.
    """

    def __init__(
        self,
        model: Any = None,
        *,
        layout: str = "h36m-17",
        image_size: Sequence[int] | None = None,
        window: int | None = None,
        latency: int | None = None,
        fps: float | None = None,
        flip: bool = False,
        device: str | None = None,
    ) -> None:
        from .pipelines import PoseLiftingPipeline

        self._pipe = PoseLiftingPipeline(model, device=device, flip=flip, window=window, fill_missing="interpolate",
                                         progress=False)  # fmt: skip
        self.window = int(self._pipe.window)
        if latency is None:
            latency = self.window // 2
        if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= self.window // 2:
            raise ValueError(f"latency must be an integer in [0, window // 2] = [0, {self.window // 2}], got {latency!r}")
        self.latency = latency
        self.layout = layout
        self.image_size = None if image_size is None else tuple(int(v) for v in image_size)
        self.fps = fps
        self.units = self._pipe.output_units
        self._buf: deque[np.ndarray] = deque(maxlen=self.window)
        self._num_joints: int | None = None
        self._count = 0  # frames pushed
        self._emitted = 0  # poses returned

    @property
    def latency_seconds(self) -> float | None:
        """The latency in seconds (``None`` without ``fps``)."""
        return None if not self.fps else self.latency / float(self.fps)

    @property
    def buffered(self) -> int:
        """Frames held in memory (never more than :attr:`window`)."""
        return len(self._buf)

    def _frame(self, keypoints: Any) -> np.ndarray:
        if keypoints is None:
            if self._num_joints is None:
                from .skeleton import get_layout

                self._num_joints = get_layout(self.layout).num_joints
            return np.full((self._num_joints, 3), np.nan)
        kp = np.asarray(keypoints, dtype=np.float64)
        if kp.ndim != 2 or kp.shape[1] not in (2, 3):
            raise ValueError(f"push() takes one frame of keypoints (J, 2|3) (x px, y px[, confidence]), got {kp.shape}")
        if kp.shape[1] == 2:
            kp = np.concatenate([kp, np.ones((len(kp), 1))], axis=1)
        if self._num_joints is None:
            self._num_joints = kp.shape[0]
        elif kp.shape[0] != self._num_joints:
            raise ValueError(f"push(): {kp.shape[0]} joints, earlier frames had {self._num_joints}")
        if np.isinf(kp).any():
            raise ValueError("push(): infinite keypoint values; mark missing joints with NaN")
        return kp

    def _lift_window(self, frames: list[np.ndarray]) -> np.ndarray:
        x = np.stack(frames)
        if len(x) < self.window:  # stream start: pad with the first frame
            x = np.concatenate([np.repeat(x[:1], self.window - len(x), axis=0), x])
        if np.isnan(x[..., 0]).all():
            return np.full((self.window, 17, 3), np.nan)
        res = self._pipe(x, layout=self.layout, image_size=self.image_size)
        return res.pose_3d

    def _emit(self, frames: list[np.ndarray], offset_from_end: int) -> tuple[int, np.ndarray]:
        """Pose of the frame ``offset_from_end`` frames before the newest one in ``frames``."""
        index = self._emitted
        target = frames[len(frames) - 1 - offset_from_end]
        if np.isnan(target[:, 0]).all():
            pose = np.full((17, 3), np.nan, dtype=np.float32)
        else:
            pose = self._lift_window(frames)[self.window - 1 - offset_from_end].astype(np.float32)
        self._emitted += 1
        return index, pose

    def push(self, keypoints: Any) -> tuple[int, np.ndarray] | None:
        """Add the next frame's 2D keypoints ``(J, 2|3)`` (pixels in :attr:`layout`, NaN = missing joint; ``None`` =
        nobody detected).

        Returns:
            ``(frame_index, pose (17, 3))`` of the frame :attr:`latency` frames back (root-relative, :attr:`units`;
            NaN when that frame had no detection), or ``None`` while fewer than ``latency + 1`` frames have come.
        """
        self._buf.append(self._frame(keypoints))
        self._count += 1
        if self._count <= self.latency:
            return None
        return self._emit(list(self._buf), self.latency)

    def flush(self) -> list[tuple[int, np.ndarray]]:
        """End of the stream: the poses of the last :attr:`latency` frames (with less future context)."""
        out = []
        frames = list(self._buf)
        while self._emitted < self._count:
            out.append(self._emit(frames, self._count - 1 - self._emitted))
        return out
