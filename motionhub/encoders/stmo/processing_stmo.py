# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Input windows for the fixed-length STMO / MPM models, with P-STMO's temporal downsampling (TDS).

A P-STMO/MPM model sees ``frames`` (= ``2 * pad + 1``) frames centred on the frame it lifts, taken every ``tds``
frames of the video: frame ``i`` of the output uses video frames ``i + (k - pad) * tds`` for ``k = 0 .. frames - 1``.
Indices outside the video are clamped to the first / last frame (edge replication, as the official
``ChunkedGenerator`` pads; the official code only pads one side when a sequence is shorter than the window, here both
sides are padded).
"""

from __future__ import annotations

import numpy as np
import torch

from ...processing import centered_window_indices

__all__ = ["stmo_window_indices", "stmo_windows"]


def stmo_window_indices(num_frames: int, frames: int, tds: int = 1, centers=None) -> np.ndarray:
    """Video-frame indices of the STMO / MPM windows centred on ``centers``: the shared many-to-one window plan
    (:func:`motionhub.processing.centered_window_indices`) with the model's ``config.frames`` and ``config.tds``.

    Returns:
        ``(len(centers), frames)`` int64 array of indices in ``[0, num_frames - 1]``.
    """
    return centered_window_indices(num_frames, frames, tds, centers)


def stmo_windows(sequence, frames: int, tds: int = 1, centers=None):
    """Cut a ``(N, J, C)`` sequence (numpy or torch) into ``(len(centers), frames, J, C)`` model inputs.

    Example::

        >>> x = stmo_windows(keypoints_2d, frames=model.config.frames, tds=model.config.tds)  # (N, 243, 17, 2)
        >>> pose = model(torch.as_tensor(x, dtype=torch.float32)).pose_3d[:, 0]            # (N, 17, 3)
    """
    if not isinstance(sequence, (np.ndarray, torch.Tensor)):
        raise TypeError(f"sequence must be a numpy array or torch tensor of shape (N, J, C), got {type(sequence)}")
    if sequence.ndim != 3:
        raise ValueError(f"sequence must have shape (N, J, C) (one clip, frames first), got {tuple(sequence.shape)}")
    index = stmo_window_indices(sequence.shape[0], frames, tds, centers)
    if isinstance(sequence, torch.Tensor):
        return sequence[torch.from_numpy(index).to(sequence.device)]
    return sequence[index]
