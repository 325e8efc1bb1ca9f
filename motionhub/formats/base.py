# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Common containers and helpers of the format readers.

Every reader in :mod:`motionhub.formats` returns plain numpy arrays wrapped in a :class:`MotionSequence` (one clip,
one or several persons) or a :class:`MotionDataset` (many clips + labels + named splits). Nothing here imports torch.

Conventions (all readers follow them):

* ``keypoints_2d``: ``(T, J, C)`` or multi-person ``(M, T, J, C)`` with ``C = 2`` (x, y) or ``C = 3``
  (x, y, confidence). Pixels (origin top-left, x right, y down) unless ``meta["normalized"]`` is true.
* ``keypoints_3d``: ``(T, J, 3)`` or ``(M, T, J, 3)`` in ``units_3d`` (``"mm"``, ``"m"``, ``"px"`` = MotionBERT's
  pixel-scaled depth, or ``"normalized"``). The coordinate frame is stated by ``meta["frame"]`` where a reader knows
  it (``"world"``, ``"camera"`` ...).
* Missing values are ``NaN`` (never a silent zero); infinities are rejected. Readers that can fill gaps take a
  ``missing=`` option (``"nan"``, ``"interpolate"``, ``"zero"``) and record the boolean mask of originally missing
  entries in ``meta["missing"]`` (shape ``(T, J)`` or ``(M, T, J)``).
* ``layout`` is a joint-layout name of :mod:`motionhub.skeleton` (``"h36m-17"``, ``"coco-17"``, ...). Layouts that the
  registry does not define (dataset-specific orders such as ``"jhmdb-15"``, ``"panoptic-19"``, or an arbitrary BVH
  rig ``"custom-23"``) are allowed; their joint names are then in ``meta["joint_names"]``. A layout name ending in
  ``-<N>`` must have exactly N joints.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..safe_pickle import restricted_load

__all__ = [
    "UNITS_3D",
    "MotionDataset",
    "MotionSequence",
    "fill_missing",
    "layout_num_joints",
    "safe_pickle_load",
]

UNITS_3D = ("mm", "m", "px", "normalized")
"""Accepted values of :attr:`MotionSequence.units_3d`."""

MAX_FPS = 10000.0
"""The highest frame rate a :class:`MotionSequence` accepts (high-speed cameras record ~1,000 Hz)."""

_LAYOUT_SUFFIX = re.compile(r"-(\d+)$")


def layout_num_joints(layout: str) -> int | None:
    """Number of joints implied by a layout name (``"h36m-17"`` -> 17), or ``None`` if the name has no ``-N`` suffix.

    When :mod:`motionhub.skeleton` knows the layout, its joint count wins.
    """
    try:  # the registry is optional at import time: formats must not depend on it to load files
        from motionhub.skeleton import get_layout

        lay = get_layout(layout)
    except Exception:  # noqa: BLE001 - unknown layout or registry not available
        lay = None
    if lay is not None:
        for attr in ("num_joints", "joint_names", "names"):
            val = getattr(lay, attr, None)
            if isinstance(val, int):
                return val
            if isinstance(val, (list, tuple)):
                return len(val)
    match = _LAYOUT_SUFFIX.search(layout)
    return int(match.group(1)) if match else None


def _as_float_array(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype == object:
        raise TypeError(f"{name} must be a numeric array, got an object array; stack the frames first")
    if arr.dtype == bool:
        # True/False are no coordinates: a mask (visibility, missing) stored under the keypoint key
        raise ValueError(f"{name} is a boolean array (a mask?): keypoints are numbers (pixels, metres, ...)")
    if not np.issubdtype(arr.dtype, np.floating):
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
        arr = arr.astype(np.float32)
    return arr


@dataclass
class MotionSequence:
    """One motion clip (single or multi-person) as numpy arrays plus metadata.

    Attributes:
        keypoints_2d: ``(T, J, 2|3)`` or multi-person ``(M, T, J, 2|3)``; x, y in pixels (unless
            ``meta["normalized"]``), optional third channel = confidence in [0, 1]. ``NaN`` marks missing values.
        keypoints_3d: ``(T, J, 3)`` or ``(M, T, J, 3)`` in :attr:`units_3d`.
        layout: joint layout name (see module docstring).
        units_3d: ``"mm"``, ``"m"``, ``"px"`` or ``"normalized"`` (meaningful only with ``keypoints_3d``).
        fps: frame rate in Hz, ``None`` if unknown.
        image_size: ``(width, height)`` in pixels of the image the 2D keypoints live in, ``None`` if unknown.
        label: class index or name, ``None`` if unlabelled.
        meta: free-form metadata (source file, subject, camera, ``joint_names``, ``missing`` mask, ...).

    Raises:
        ValueError / TypeError: on inconsistent shapes, a joint count that contradicts ``layout``, an unknown unit,
            infinities, or when both keypoint arrays are ``None``.
    """

    keypoints_2d: np.ndarray | None = None
    keypoints_3d: np.ndarray | None = None
    layout: str = ""
    units_3d: str = "mm"
    fps: float | None = None
    image_size: tuple[int, int] | None = None
    label: int | str | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.keypoints_2d is None and self.keypoints_3d is None:
            raise ValueError("MotionSequence needs keypoints_2d and/or keypoints_3d; both are None")
        if not isinstance(self.layout, str) or not self.layout:
            raise ValueError(
                f"layout must be a non-empty joint-layout name such as 'h36m-17' or 'coco-17', got {self.layout!r}"
            )
        shapes: list[tuple[str, np.ndarray]] = []
        if self.keypoints_2d is not None:
            kp = _as_float_array("keypoints_2d", self.keypoints_2d)
            if kp.ndim not in (3, 4) or kp.shape[-1] not in (2, 3):
                raise ValueError(
                    f"keypoints_2d must have shape (T, J, 2|3) or (M, T, J, 2|3), got {kp.shape}; "
                    "the last axis holds x, y[, confidence]"
                )
            self.keypoints_2d = kp
            shapes.append(("keypoints_2d", kp))
        if self.keypoints_3d is not None:
            kp = _as_float_array("keypoints_3d", self.keypoints_3d)
            if kp.ndim not in (3, 4) or kp.shape[-1] != 3:
                raise ValueError(f"keypoints_3d must have shape (T, J, 3) or (M, T, J, 3), got {kp.shape}")
            self.keypoints_3d = kp
            shapes.append(("keypoints_3d", kp))
            if self.units_3d not in UNITS_3D:
                raise ValueError(f"units_3d must be one of {UNITS_3D}, got {self.units_3d!r}")
        for name, kp in shapes:
            if np.isinf(kp).any():
                raise ValueError(f"{name} contains infinite values; use NaN to mark missing keypoints")
        if len(shapes) == 2:
            (_, a), (_, b) = shapes
            if a.ndim != b.ndim or a.shape[:-1] != b.shape[:-1]:
                raise ValueError(
                    f"keypoints_2d {a.shape} and keypoints_3d {b.shape} disagree on persons/frames/joints "
                    "(all axes but the last must match)"
                )
        num_joints = shapes[0][1].shape[-2]
        expected = layout_num_joints(self.layout)
        if expected is not None and expected != num_joints:
            raise ValueError(
                f"layout {self.layout!r} has {expected} joints but the keypoints have {num_joints}; "
                "convert the joints (motionhub.skeleton) or pass the right layout name"
            )
        names = self.meta.get("joint_names")
        if names is not None and len(names) != num_joints:
            raise ValueError(f"meta['joint_names'] has {len(names)} names for {num_joints} joints")
        if self.fps is not None:
            self.fps = float(self.fps)
            if not np.isfinite(self.fps) or self.fps <= 0:
                raise ValueError(f"fps must be a positive number or None, got {self.fps}")
            if self.fps > MAX_FPS:  # a high-speed camera records ~1,000 Hz; more is a wrong unit or a damaged field
                raise ValueError(f"fps {self.fps:g} is not a frame rate (at most {MAX_FPS:g} Hz): frames per second, "
                                 "not per minute or a timestamp")
        if self.image_size is not None:
            size = tuple(int(v) for v in np.asarray(self.image_size).reshape(-1))
            if len(size) != 2 or min(size) <= 0:
                raise ValueError(f"image_size must be (width, height) in pixels, got {self.image_size!r}")
            self.image_size = size  # type: ignore[assignment]
        if isinstance(self.label, np.generic):
            self.label = self.label.item()

    # ------------------------------------------------------------------ properties
    @property
    def _ref(self) -> np.ndarray:
        return self.keypoints_2d if self.keypoints_2d is not None else self.keypoints_3d  # type: ignore[return-value]

    @property
    def is_multi_person(self) -> bool:
        """True when the arrays carry a leading person axis ``M``."""
        return self._ref.ndim == 4

    @property
    def num_persons(self) -> int:
        """``M`` (1 for single-person arrays)."""
        return self._ref.shape[0] if self.is_multi_person else 1

    @property
    def num_frames(self) -> int:
        """``T``."""
        return self._ref.shape[-3]

    @property
    def num_joints(self) -> int:
        """``J``."""
        return self._ref.shape[-2]

    @property
    def joint_names(self) -> list[str] | None:
        """Joint names from ``meta["joint_names"]`` or, failing that, the skeleton registry (``None`` if unknown)."""
        names = self.meta.get("joint_names")
        if names is not None:
            return list(names)
        try:
            from motionhub.skeleton import get_layout

            lay = get_layout(self.layout)
        except Exception:  # noqa: BLE001
            return None
        for attr in ("joint_names", "names"):
            val = getattr(lay, attr, None)
            if val is not None:
                return list(val)
        return None

    # ------------------------------------------------------------------ helpers
    def replace(self, **changes: Any) -> MotionSequence:
        """A copy with some fields replaced (validated again); ``meta`` is shallow-copied."""
        changes.setdefault("meta", dict(self.meta))
        return dataclasses.replace(self, **changes)

    def person(self, index: int) -> MotionSequence:
        """Single-person view ``(T, J, C)`` of person ``index`` of a multi-person sequence."""
        if not self.is_multi_person:
            if index != 0:
                raise IndexError(f"single-person sequence has no person {index}")
            return self
        meta = dict(self.meta)
        if isinstance(meta.get("missing"), np.ndarray) and meta["missing"].ndim == 3:
            meta["missing"] = meta["missing"][index]
        return self.replace(
            keypoints_2d=None if self.keypoints_2d is None else self.keypoints_2d[index],
            keypoints_3d=None if self.keypoints_3d is None else self.keypoints_3d[index],
            meta=meta,
        )

    def slice_frames(self, start: int, stop: int | None = None, step: int = 1) -> MotionSequence:
        """Frames ``start:stop:step`` (the fps is divided by ``step``); per-frame meta arrays are not sliced."""
        sl = (slice(None),) * (1 if self.is_multi_person else 0) + (slice(start, stop, step),)
        return self.replace(
            keypoints_2d=None if self.keypoints_2d is None else self.keypoints_2d[sl],
            keypoints_3d=None if self.keypoints_3d is None else self.keypoints_3d[sl],
            fps=None if self.fps is None else self.fps / step,
        )

    def __repr__(self) -> str:
        parts = [f"layout={self.layout!r}"]
        if self.keypoints_2d is not None:
            parts.append(f"keypoints_2d={tuple(self.keypoints_2d.shape)}")
        if self.keypoints_3d is not None:
            parts.append(f"keypoints_3d={tuple(self.keypoints_3d.shape)} {self.units_3d}")
        parts += [f"fps={self.fps}", f"image_size={self.image_size}", f"label={self.label!r}"]
        return f"MotionSequence({', '.join(parts)})"


@dataclass
class MotionDataset:
    """Many :class:`MotionSequence` clips with labels, class names and named splits.

    Attributes:
        sequences: the clips.
        splits: split name -> indices into ``sequences`` (e.g. ``{"xsub_train": [...], "xsub_val": [...]}``).
        class_names: label index -> name, if known.
        meta: dataset-level metadata (source path, license note, ...).
    """

    sequences: list[MotionSequence]
    splits: dict[str, list[int]] = field(default_factory=dict)
    class_names: list[str] | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sequences = list(self.sequences)
        n = len(self.sequences)
        for name, idx in self.splits.items():
            idx = [int(i) for i in idx]
            if idx and (min(idx) < 0 or max(idx) >= n):
                raise ValueError(f"split {name!r} has indices outside [0, {n})")
            self.splits[name] = idx

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, index: int) -> MotionSequence:
        return self.sequences[index]

    def __iter__(self) -> Iterator[MotionSequence]:
        return iter(self.sequences)

    @property
    def labels(self) -> list[int | str | None]:
        """Label of every sequence, in order."""
        return [s.label for s in self.sequences]

    @property
    def num_classes(self) -> int | None:
        """``len(class_names)`` if known, else ``None``."""
        return None if self.class_names is None else len(self.class_names)

    def split(self, name: str) -> MotionDataset:
        """Subset for one split name (raises ``KeyError`` naming the available splits)."""
        if name not in self.splits:
            raise KeyError(f"unknown split {name!r}; available: {sorted(self.splits)}")
        idx = self.splits[name]
        return MotionDataset([self.sequences[i] for i in idx], {}, self.class_names, dict(self.meta, split=name))

    def field_values(self, name: str) -> list:
        """Distinct values of a per-clip field (``meta[name]``, or ``label``), sorted as strings."""
        values = {s.label if name == "label" else s.meta.get(name) for s in self.sequences}
        return sorted((v for v in values if v is not None), key=str)

    def where(self, name: str, values: Sequence[Any]) -> MotionDataset:
        """Subset of the clips whose field ``name`` (``meta[name]``: ``split``, ``subject``, ``view``, ... or
        ``label``) is one of ``values``; values compare as strings, so ``"3"`` selects view ``3``.

        Raises:
            ValueError: no clip carries the field, or a value matches no clip (the message lists the values found).
        """
        have = self.field_values(name)
        if not have:
            fields = sorted({k for s in self.sequences for k, v in s.meta.items() if isinstance(v, (int, str))})
            raise ValueError(f"no clip has a {name!r} field; per-clip fields found: {fields}")
        wanted = {str(v) for v in values}
        unknown = sorted(wanted - {str(v) for v in have})
        if unknown:
            raise ValueError(f"{name} value(s) {unknown} match no clip; the data has {name} {[str(v) for v in have]}")
        keep = [s for s in self.sequences if str(s.label if name == "label" else s.meta.get(name)) in wanted]
        return MotionDataset(keep, {}, self.class_names, dict(self.meta, split=f"{name}={','.join(sorted(wanted))}"))

    def select(self, name: str, values: Sequence[Any] | None = None) -> MotionDataset:
        """Clips of a split or of field values: the one selection rule of finetuning and ``evaluate --split``.

        * ``select("test")``: the named split (``splits`` of a reader, or the clips whose ``split`` field is
          ``"test"``);
        * ``select("view", ["1", "2"])`` or ``select("view=1,2")``: :meth:`where` on a per-clip field
          (``split`` / ``subject`` / ``view`` / ``label`` / any field a reader keeps in ``meta``).

        Raises:
            ValueError: unknown split or field, or a value that matches no clip (the message lists what exists).
        """
        if values is None and "=" in name:
            name, _, rhs = name.partition("=")
            values = [v.strip() for v in rhs.split(",") if v.strip()]
            if not name.strip() or not values:
                raise ValueError(f"a selection is FIELD=V[,V...] (e.g. view=1,2), got {name}={rhs!r}")
            name = name.strip()
        if values is None:
            if name in self.splits:
                return self.split(name)
            if self.field_values("split"):
                return self.where("split", [name])
            fields = sorted({k for s in self.sequences for k, v in s.meta.items() if isinstance(v, (int, str))})
            raise ValueError(
                f"unknown split {name!r}: the data has {'splits ' + str(sorted(self.splits)) if self.splits else 'no named splits'}"
                f"; select by a per-clip field instead, FIELD=V[,V...] (fields: {fields})"
            )
        if name == "split" and all(str(v) in self.splits for v in values) and not self.field_values("split"):
            idx = sorted({i for v in values for i in self.splits[str(v)]})
            return MotionDataset([self.sequences[i] for i in idx], {}, self.class_names,
                                 dict(self.meta, split=",".join(str(v) for v in values)))
        return self.where(name, values)

    def __repr__(self) -> str:
        splits = {k: len(v) for k, v in self.splits.items()}
        return f"MotionDataset({len(self)} sequences, classes={self.num_classes}, splits={splits})"


# ---------------------------------------------------------------------------------------------- missing values
def fill_missing(x: np.ndarray, mode: str = "interpolate", axis: int = 0) -> np.ndarray:
    """Fill ``NaN`` entries of ``x`` along the time ``axis``.

    Args:
        x: array with time on ``axis`` (e.g. ``(T, J, C)``); a joint counts as missing where any channel is NaN.
        mode: ``"nan"`` (leave as is), ``"zero"`` (set to 0) or ``"interpolate"`` (linear in time per joint and
            channel; before the first / after the last valid frame the nearest valid value is held; a joint never
            observed stays NaN).
        axis: time axis.

    Returns:
        A new array of the same shape and dtype.
    """
    if mode not in ("nan", "zero", "interpolate"):
        raise ValueError(f"missing mode must be 'nan', 'zero' or 'interpolate', got {mode!r}")
    out = np.array(x, copy=True)
    if mode == "nan":
        return out
    if mode == "zero":
        out[np.isnan(out)] = 0
        return out
    moved = np.moveaxis(out, axis, 0)
    t = moved.shape[0]
    flat = moved.reshape(t, -1)
    frames = np.arange(t)
    for col in range(flat.shape[1]):
        v = flat[:, col]
        bad = np.isnan(v)
        if bad.any() and not bad.all():
            v[bad] = np.interp(frames[bad], frames[~bad], v[~bad])
    return np.moveaxis(flat.reshape(moved.shape), 0, axis)


# ---------------------------------------------------------------------------------------------- safe pickles
def safe_pickle_load(file: str | Path | BinaryIO) -> Any:
    """Load a pickle that may only contain builtin containers/scalars and numpy arrays
    (:func:`motionhub.safe_pickle.restricted_load`).

    Args:
        file: path or binary file object.

    Raises:
        pickle.UnpicklingError: if the pickle references any other class or function (the message names the file
            and the global).
    """
    return restricted_load(file)


def npz_object_safe_load(path: str | Path, key: str) -> Any:
    """Read one object-dtype array of an ``.npz`` without ``allow_pickle`` (restricted unpickler).

    numpy stores object arrays as a ``.npy`` header followed by a pickle of the array; we parse the header with
    :mod:`numpy.lib.format` and unpickle the payload with :func:`safe_pickle_load`.
    """
    import zipfile

    with zipfile.ZipFile(path) as zf:
        member = key if key.endswith(".npy") else key + ".npy"
        if member not in zf.namelist():
            raise KeyError(f"{path} has no array {key!r}; arrays: {[n[:-4] for n in zf.namelist()]}")
        with zf.open(member) as fh:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            if dtype != object:
                return np.frombuffer(fh.read(), dtype=dtype).reshape(shape)
            return safe_pickle_load(io.BytesIO(fh.read()))


def to_python(obj: Any) -> Any:
    """0-d object arrays (``np.savez`` of a dict) -> the object itself."""
    if isinstance(obj, np.ndarray) and obj.dtype == object and obj.shape == ():
        return obj.item()
    return obj
