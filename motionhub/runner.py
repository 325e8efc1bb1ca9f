# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The one windowed inference loop: batched overlapping windows, flip averaging, seq2seq and many-to-one.

Every caller that runs a model over a sequence longer than (or different from) its clip length goes through
:class:`WindowRunner`: the lifting and mesh pipelines, :func:`motionhub.pretrained.lift_keypoints`, evaluation
(:func:`motionhub.pipelines.evaluate_lifting`) and STRIDE (:func:`motionhub.tasks.stride.stride_predict`); the action
pipeline uses its batching (:meth:`WindowRunner.predict_batches`). Flip test-time augmentation wraps ``predict`` with
:func:`motionhub.modeling_utils.flip_augmented`.

Layouts: the input sequence is ``(T, J, C)`` (numpy or torch); ``predict`` maps a batch of windows ``(B, L, J, C)`` to
``(B, L', ...)`` (a tensor, or a dict of tensors, e.g. SMPL ``theta`` / ``vertices`` / ``joints_3d``).

* **sequence-to-sequence** (DSTformer: ``L`` frames in, ``L`` out), :meth:`WindowRunner.seq2seq`: windows of
  :func:`plan_windows` (every ``stride`` frames, the last aligned to the end; a sequence no longer than the window is
  one window, edge-padded to the full window with ``pad_short``), predicted in batches and merged per frame as the
  batches come (:class:`motionhub.processing.WindowMerger`, so memory does not grow with the number of windows) by
  a rule of :data:`MERGE_RULES` (``"triangular"``: window centres dominate; ``"uniform"``; ``"centre"``: the value of
  the window whose centre is nearest, for quantities that must not be averaged such as rotations);
* **many-to-one** (STMO / MPM: exactly ``frames`` frames in, the centre frame out), :meth:`WindowRunner.many_to_one`:
  one window per output frame (frames every ``temporal_stride``, edges padded by repeating the first / last frame).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch

from .processing import (
    MERGE_RULES,
    WindowMerger,
    centered_window_indices,
    sliding_windows,
)

__all__ = ["MERGE_RULES", "WindowRunner", "plan_windows"]

Output = Any  # torch.Tensor or Mapping[str, torch.Tensor]


def plan_windows(num_frames: int, window: int, stride: int | None = None, *, pad_short: bool = False) -> list[np.ndarray]:
    """Frame indices of the windows covering ``num_frames`` frames.

    A sequence of at most ``window`` frames is one window ``0..T-1`` (the model takes any ``T <= window``), or with
    ``pad_short`` one full window edge-padded by repeating the last frame; longer sequences get the windows of
    :func:`motionhub.processing.sliding_windows` (start every ``stride`` frames, default ``window``; the last one
    aligned to the end).
    """
    if num_frames <= window and not pad_short:
        return [np.arange(num_frames, dtype=np.int64)]
    return sliding_windows(num_frames, window, stride, short="pad")


def _check_rule(rule: str) -> str:
    if rule not in MERGE_RULES:
        raise ValueError(f"merge must be one of {MERGE_RULES}, got {rule!r}")
    return rule


def _progress(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="batch", disable=(not enabled) or total < 2, leave=False)


class WindowRunner:
    """Runs ``predict`` over windows of a sequence, in batches, and merges the outputs.

    Args:
        predict: ``(B, L, J, C)`` float32 tensor -> tensor ``(B, L', ...)`` or a dict of them; wrap it with
            :func:`motionhub.modeling_utils.flip_augmented` for flip test-time augmentation. Called under ``torch.no_grad()``.
        batch_size: windows per call.
        device: where the batches go (default: stay on the CPU).
        progress: tqdm bar over batches.
        desc: the bar's label.
    """

    def __init__(
        self,
        predict: Callable[[torch.Tensor], Output],
        *,
        batch_size: int = 8,
        device: str | torch.device | None = None,
        progress: bool = False,
        desc: str = "windows",
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.predict = predict
        self.batch_size = batch_size
        self.device = torch.device(device) if device is not None else None
        self.progress = progress
        self.desc = desc

    # ------------------------------------------------------------------ batching
    def _call(self, batch: torch.Tensor) -> dict[str, np.ndarray] | np.ndarray:
        if self.device is not None:
            batch = batch.to(self.device)
        out = self.predict(batch)
        if isinstance(out, Mapping):
            return {k: v.float().cpu().numpy() for k, v in out.items()}
        return out.float().cpu().numpy()

    @staticmethod
    def _concat(parts: list) -> dict[str, np.ndarray] | np.ndarray:
        if isinstance(parts[0], dict):
            return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        return np.concatenate(parts)

    @torch.no_grad()
    def predict_batches(self, x: np.ndarray | torch.Tensor) -> dict[str, np.ndarray] | np.ndarray:
        """``predict`` over ``x`` ``(N, ...)`` in batches of ``batch_size`` along axis 0 (e.g. action clips)."""
        n = len(x)
        parts = []
        with _progress(-(-n // self.batch_size), self.desc, self.progress) as bar:
            for i in range(0, n, self.batch_size):
                batch = x[i : i + self.batch_size]
                parts.append(self._call(torch.as_tensor(batch) if isinstance(batch, np.ndarray) else batch))
                bar.update()
        return self._concat(parts)

    @torch.no_grad()
    def run(
        self,
        x: np.ndarray | torch.Tensor,
        windows: Sequence[np.ndarray],
        *,
        prepare: Callable[[torch.Tensor, Sequence[np.ndarray]], torch.Tensor] | None = None,
    ) -> dict[str, np.ndarray] | np.ndarray:
        """One output per window: ``(N, L', ...)`` float32 (a dict of such arrays for dict outputs).

        Args:
            x: ``(T, J, C)`` sequence.
            windows: frame-index arrays (:func:`plan_windows`).
            prepare: ``(batch, windows of the batch) -> batch`` applied before ``predict`` (e.g. STRIDE's per-window
                centring).
        """
        return self._concat([out for _, out in self._window_batches(x, windows, prepare)])

    def _window_batches(
        self,
        x: np.ndarray | torch.Tensor,
        windows: Sequence[np.ndarray],
        prepare: Callable[[torch.Tensor, Sequence[np.ndarray]], torch.Tensor] | None,
    ) -> Iterator[tuple[Sequence[np.ndarray], dict[str, np.ndarray] | np.ndarray]]:
        """Yields ``(windows of the batch, outputs)`` batch by batch (outputs as :meth:`_call` returns them)."""
        with _progress(-(-len(windows) // self.batch_size), self.desc, self.progress) as bar:
            for i in range(0, len(windows), self.batch_size):
                chunk = windows[i : i + self.batch_size]
                if isinstance(x, torch.Tensor):
                    batch = torch.stack([x[w] for w in chunk])
                else:
                    batch = torch.from_numpy(np.ascontiguousarray(np.stack([x[w] for w in chunk])))
                if prepare is not None:
                    batch = prepare(batch, chunk)
                yield chunk, self._call(batch)
                bar.update()

    # ------------------------------------------------------------------ sequence-to-sequence / many-to-one
    @torch.no_grad()
    def seq2seq(
        self,
        x: np.ndarray | torch.Tensor,
        window: int,
        stride: int | None = None,
        *,
        merge: str | Mapping[str, str] = "triangular",
        pad_short: bool = False,
        prepare: Callable[[torch.Tensor, Sequence[np.ndarray]], torch.Tensor] | None = None,
    ) -> dict[str, np.ndarray] | np.ndarray:
        """Predict every frame of ``x`` ``(T, J, C)`` with a sequence-to-sequence model -> ``(T, ...)``.

        Args:
            window / stride / pad_short: see :func:`plan_windows`.
            merge: a rule of :data:`MERGE_RULES`, or one per output key for dict outputs.

        Raises:
            ValueError: the model returned another number of frames than it was given.
        """
        t = len(x)
        windows = plan_windows(t, window, stride, pad_short=pad_short)
        length = len(windows[0])
        # merged batch by batch (WindowMerger): memory is one (T, ...) accumulator per output, whatever the length;
        # a tensor output is handled as the one key "pose"
        mergers: dict[str, WindowMerger] = {}
        single = False
        for chunk, out in self._window_batches(x, windows, prepare):
            single = not isinstance(out, dict)
            outs = {"pose": out} if single else out
            if not mergers:
                rules = merge if isinstance(merge, Mapping) else dict.fromkeys(outs, merge)
                mergers = {key: WindowMerger(t, _check_rule(rules[key])) for key in outs}
            for key, value in outs.items():
                self._check_frames(value, length, key)
                mergers[key].add(value, chunk)
        merged = {key: merger.result() for key, merger in mergers.items()}
        return merged["pose"] if single else merged

    @staticmethod
    def _check_frames(outputs: np.ndarray, length: int, what: str) -> None:
        if outputs.ndim < 2 or outputs.shape[1] != length:
            raise ValueError(
                f"the model returned {what} for {outputs.shape[1] if outputs.ndim > 1 else 0} frames from {length} "
                "input frames; expected a sequence-to-sequence model"
            )

    @torch.no_grad()
    def many_to_one(self, x: np.ndarray, frames: int, temporal_stride: int = 1) -> np.ndarray:
        """Predict every frame of ``x`` ``(T, J, C)`` with a many-to-one model (``frames`` in, the centre out).

        Returns:
            ``(T, ...)``: the centre-frame prediction of the window centred on each frame. A model that returns all
            ``frames`` frames of its window contributes its centre frame.
        """
        if frames % 2 == 0:
            raise ValueError(f"many-to-one models need an odd clip length, config.maxlen = {frames}")
        index = centered_window_indices(len(x), frames, temporal_stride)
        outs = []
        with _progress(-(-len(x) // self.batch_size), self.desc, self.progress) as bar:
            for i in range(0, len(x), self.batch_size):
                batch = torch.from_numpy(np.ascontiguousarray(x[index[i : i + self.batch_size]]))
                if self.device is not None:
                    batch = batch.to(self.device)
                pose = self.predict(batch)
                if pose.shape[1] == frames and frames > 1:  # a fixed-length seq2seq model: keep the centre frame
                    pose = pose[:, frames // 2 : frames // 2 + 1]
                outs.append(pose[:, 0].float().cpu().numpy())
                bar.update()
        return np.concatenate(outs)
