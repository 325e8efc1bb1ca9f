# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""motionhub's generic ``.npz`` motion format: the one file layout every CLI command accepts.

Keys (numpy ``.npz``, no pickled objects, so ``np.load(path)`` works without ``allow_pickle``):

============== ==================================== ===========================================================
key            shape / type                          meaning
============== ==================================== ===========================================================
keypoints_2d   float (T,J,2|3) or (M,T,J,2|3)        x, y pixels (origin top-left) [+ confidence]; optional*
keypoints_3d   float (T,J,3) or (M,T,J,3)            3D joints in ``units_3d``; optional*
layout         str                                   joint layout name, e.g. ``"h36m-17"``, ``"coco-17"`` (required)
fps            float                                 frame rate in Hz (required; use 0 if unknown -> ``None``)
image_size     int (2,)                              (width, height) of the 2D pixel space; optional
units_3d       str                                   ``"mm"`` | ``"m"`` | ``"px"`` | ``"normalized"``; optional, default mm
label          int or str                            class of the clip; optional (``labels`` accepted as alias)
label_name     str                                   class name of an integer ``label``; optional
split          str                                   named split of the clip (``"train"``, ``"test"``, ...); optional
subject        int or str                            performer id (cross-subject splits); optional
view           int or str                            camera / view id (cross-view splits); optional
clip_id        str                                   name of the clip (default: the file name); optional
normalized     bool                                  2D already normalised to [-1, 1] (not pixels); optional
joint_names    str (J,)                              names of a custom layout; optional
meta_json      str                                   JSON of extra metadata; optional
============== ==================================== ===========================================================

\\* at least one of ``keypoints_2d`` / ``keypoints_3d``. Missing keypoints are ``NaN``.

The layout is always named in the file, never guessed from the joint count (17 joints may be COCO-17 or H36M-17):
a file without ``layout`` or whose joint count contradicts it is an error naming both.

**Labelled datasets** (action finetuning, ``motionhub evaluate``; :func:`load_generic_dataset`) are either a folder
of such files (one clip each, with ``label``) or ONE file holding many clips:

============== ==================================== ===========================================================
key            shape / type                          meaning
============== ==================================== ===========================================================
offsets        int (N+1,)                            clip ``i`` = frames ``offsets[i]:offsets[i+1]`` (required)
keypoints_2d   float (sum_T,J,C) or (M,sum_T,J,C)    the N clips' frames concatenated along time
keypoints_3d   float (sum_T,J,3) or (M,sum_T,J,3)    same, 3D in ``units_3d``
label          int or str (N,)                       class of every clip (required)
label_name     str (N,)                              class name of every clip; optional
class_names    str (K,)                              name of every integer label 0..K-1; optional
split          str (N,)                              named split of every clip; optional
subject / view int or str (N,)                       performer / camera of every clip; optional
clip_id        str (N,)                              clip names; optional (default ``clip_00000``, ...)
image_size     int (2,) or (N, 2)                    shared or per-clip image size; optional
layout, fps, units_3d, normalized, joint_names       shared by every clip, as above
============== ==================================== ===========================================================

Integer labels are the class ids (names from ``class_names`` / ``label_name``, else none); string labels become ids
in sorted name order (or in ``class_names`` order when given). In labelled clips a frame whose joints are all
exactly zero is a tracking failure (Kinect / OpenNI write them): it becomes missing (NaN) and, in 3D, is linearly
interpolated from its neighbours (mask in ``meta["missing"]``, count in ``meta["zero_frames"]``); a clip with no
valid frame at all is left out of a dataset (named in ``dataset.meta["dropped"]``).

Example::

    np.savez("clip.npz", keypoints_2d=kp, layout="coco-17", fps=30.0, image_size=[1920, 1080])
    seq = load_generic("clip.npz")
    np.savez("set.npz", keypoints_3d=frames, offsets=offsets, label=labels, class_names=names, view=views,
             layout="kinect-20", fps=30.0, units_3d="m")
    ds = load_generic_dataset("set.npz")          # MotionDataset: sequences, class_names, splits
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import MotionDataset, MotionSequence, fill_missing
from .registry import MotionFormat, register_format

__all__ = [
    "CLIP_FIELDS",
    "GENERIC_KEYS",
    "is_generic_npz",
    "load_array",
    "load_generic",
    "load_generic_dataset",
    "save_generic",
    "save_generic_dataset",
]

GENERIC_KEYS = (
    "keypoints_2d",
    "keypoints_3d",
    "layout",
    "fps",
    "image_size",
    "units_3d",
    "label",
    "labels",
    "normalized",
    "joint_names",
    "meta_json",
    "label_name",
    "split",
    "subject",
    "view",
    "clip_id",
    "offsets",
    "class_names",
)

CLIP_FIELDS = ("label_name", "split", "subject", "view", "clip_id")
"""Per-clip fields of labelled files, kept in ``MotionSequence.meta`` under the same names."""


def is_generic_npz(keys: set[str] | list[str]) -> bool:
    """True if an npz key set looks like the generic format (has ``layout`` and a keypoint array)."""
    keys = set(keys)
    return "layout" in keys and bool(keys & {"keypoints_2d", "keypoints_3d"})


def _scalar_str(value: np.ndarray) -> str:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"expected a single string, got an array of shape {arr.shape}")
    return str(arr.reshape(-1)[0])


def _item(value: np.ndarray) -> int | float | str | bool:
    """A numpy scalar as a plain Python value (numpy str_ -> str), for labels and per-clip fields."""
    value = np.asarray(value).reshape(-1)[0].item()
    return str(value) if isinstance(value, (bytes, np.str_)) else value


def _check_layout(path: Path, layout: str, arrays: list[tuple[str, np.ndarray | None]]) -> None:
    """The joint count of every keypoint array must be the layout's: the layout is named, never guessed."""
    from .base import layout_num_joints

    expected = layout_num_joints(layout)
    for name, arr in arrays:
        if arr is None:
            continue
        if arr.ndim not in (3, 4):
            raise ValueError(f"{path}: '{name}' must be (T, J, C) or (M, T, J, C), got shape {arr.shape}")
        if expected is not None and arr.shape[-2] != expected:
            raise ValueError(
                f"{path}: '{name}' has {arr.shape[-2]} joints but the file's layout {layout!r} has {expected} joints; "
                "write the layout of these joints in 'layout' (e.g. 'kinect-20', 'openni-15', 'coco-17', "
                "'h36m-17'; see motionhub.skeleton.list_layouts())"
            )


def _zero_frames_missing(kp: np.ndarray | None, interpolate: bool) -> tuple[np.ndarray | None, np.ndarray | None, int]:
    """Frames whose joints are all exactly 0 (tracking failures) -> NaN, interpolated in time when ``interpolate``.

    Returns the array, the ``(T, J)`` / ``(M, T, J)`` mask of missing joints (``None`` when nothing was missing) and
    the number of zero frames.
    """
    if kp is None:
        return None, None, 0
    kp = np.array(kp, dtype=np.float32, copy=True)
    coords = kp[..., :2] if kp.shape[-1] == 3 and not interpolate else kp  # 2D: the confidence channel is no coordinate
    zero = np.all(coords == 0, axis=(-1, -2))  # (.., T); NaN frames (already missing, absent persons) never match
    count = int(zero.sum())
    if count:
        kp[zero] = np.nan
    miss = np.isnan(kp).any(axis=-1)
    if not miss.any():
        return kp, None, count
    if interpolate and not miss.all():
        kp = np.stack([fill_missing(p, "interpolate") for p in kp]) if kp.ndim == 4 else fill_missing(kp, "interpolate")
    return kp, miss, count


def load_generic(path: str | Path) -> MotionSequence | MotionDataset:
    """Read a generic motionhub ``.npz`` (see module docstring for the keys).

    Args:
        path: file path.

    Returns:
        A :class:`MotionSequence` (arrays as stored; 2D in pixels unless ``meta["normalized"]``; the per-clip fields
        ``label_name`` / ``split`` / ``subject`` / ``view`` / ``clip_id`` in ``meta``), or a
        :class:`~motionhub.formats.base.MotionDataset` for a many-clip file (``offsets`` key).

    Raises:
        ValueError: naming the missing / malformed key(s) and what to put there.
    """
    path = Path(path)
    try:
        data = np.load(path, allow_pickle=False)
    except ValueError as exc:  # object arrays: pickled content, refused on purpose
        raise ValueError(f"{path}: holds pickled objects ({exc}); a generic npz holds numeric and string arrays "
                         "only (np.savez with plain arrays)") from None
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc})") from None
    with data:
        keys = set(data.files)
        problems = []
        if not keys & {"keypoints_2d", "keypoints_3d"}:
            problems.append("'keypoints_2d' (T,J,2|3) pixels and/or 'keypoints_3d' (T,J,3)")
        if "layout" not in keys:
            problems.append("'layout' (joint layout name, e.g. 'h36m-17' or 'coco-17'; it is never guessed from the "
                            "joint count)")
        if "fps" not in keys:
            problems.append("'fps' (frame rate in Hz; 0 if unknown)")
        if problems:
            raise ValueError(
                f"{path} is not a motionhub generic npz: missing key(s) {'; '.join(problems)}. Found keys "
                f"{sorted(keys)}. Write one with motionhub.formats.save_generic or np.savez(..., "
                "keypoints_2d=..., layout='coco-17', fps=30.0)."
            )
        try:
            arrays = {k: np.array(data[k]) for k in keys}
        except ValueError as exc:
            raise ValueError(f"{path}: holds pickled objects ({exc}); a generic npz holds numeric and string arrays "
                             "only") from None
    kp2, kp3 = arrays.get("keypoints_2d"), arrays.get("keypoints_3d")
    layout = _scalar_str(arrays["layout"])
    _check_layout(path, layout, [("keypoints_2d", kp2), ("keypoints_3d", kp3)])
    fps_arr = np.asarray(arrays["fps"]).reshape(-1)
    if fps_arr.size != 1 or not (np.issubdtype(fps_arr.dtype, np.number) and not np.issubdtype(fps_arr.dtype, np.bool_)):
        raise ValueError(f"{path}: 'fps' must be one number (frame rate in Hz; 0 if unknown), got "
                         f"{fps_arr.size} value(s) of dtype {fps_arr.dtype}")
    fps_val = float(fps_arr[0])
    if not np.isfinite(fps_val) or fps_val < 0:
        # 0 means unknown; a negative or NaN rate is no frame rate and would be written back as 0 (unknown)
        raise ValueError(f"{path}: 'fps' is {fps_val:g}: a frame rate is a positive number of frames per second "
                         "(0 if unknown)")
    fps = fps_val if fps_val > 0 else None
    units = _scalar_str(arrays["units_3d"]) if "units_3d" in keys else "mm"
    meta: dict = {}
    if "meta_json" in keys:
        meta.update(json.loads(_scalar_str(arrays["meta_json"])))
    if "normalized" in keys:
        meta["normalized"] = bool(np.asarray(arrays["normalized"]).reshape(-1)[0])
    if "joint_names" in keys:
        meta["joint_names"] = [str(n) for n in np.asarray(arrays["joint_names"]).reshape(-1)]
    meta["source"] = str(path)
    meta.setdefault("format", "generic")
    if "offsets" in keys:
        return _dataset_from_arrays(path, arrays, kp2, kp3, layout, fps, units, meta)
    image_size = None
    if "image_size" in keys:
        size = np.asarray(arrays["image_size"]).reshape(-1)
        if size.size != 2:
            raise ValueError(f"{path}: 'image_size' must be (width, height), got shape {size.shape}")
        if not (np.issubdtype(size.dtype, np.number) and np.isfinite(size.astype(np.float64)).all()):
            raise ValueError(f"{path}: 'image_size' must be two finite numbers (width, height) in pixels, got "
                             f"{size.tolist()}")
        image_size = (int(size[0]), int(size[1]))
    label = None
    for key in ("label", "labels"):
        if key in keys:
            arr = np.asarray(arrays[key]).reshape(-1)
            if arr.size != 1:
                raise ValueError(
                    f"{path}: '{key}' must hold one label for the clip, got {arr.size} values; a file of many clips "
                    "needs 'offsets' (N+1,) too (see motionhub.formats.generic)"
                )
            label = _item(arr)
            break
    for key in CLIP_FIELDS:
        if key in keys:
            arr = np.asarray(arrays[key]).reshape(-1)
            if arr.size != 1:
                raise ValueError(f"{path}: '{key}' must hold one value for the clip, got {arr.size}")
            meta[key] = _item(arr)
    if label is not None:  # a labelled action clip: Kinect-style all-zero frames are tracking failures
        kp2, miss2, zeros2 = _zero_frames_missing(kp2, interpolate=False)
        kp3, miss3, zeros3 = _zero_frames_missing(kp3, interpolate=True)
        miss = miss3 if miss3 is not None else miss2
        if miss is not None:
            meta["missing"] = miss
        if zeros2 or zeros3:
            meta["zero_frames"] = max(zeros2, zeros3)
    return MotionSequence(
        keypoints_2d=kp2,
        keypoints_3d=kp3,
        layout=layout,
        units_3d=units,
        fps=fps,
        image_size=image_size,
        label=label,
        meta=meta,
    )


def _per_clip(path: Path, arrays: dict, key: str, n: int) -> list | None:
    if key not in arrays:
        return None
    arr = np.asarray(arrays[key]).reshape(-1)
    if arr.size != n:
        raise ValueError(f"{path}: '{key}' must hold one value per clip ({n} clips by 'offsets'), got {arr.size}")
    return [_item(v) for v in arr]


def _dataset_from_arrays(path, arrays, kp2, kp3, layout, fps, units, meta) -> MotionDataset:
    offsets = np.asarray(arrays["offsets"]).reshape(-1)
    total = (kp2 if kp2 is not None else kp3).shape[-3]
    if (offsets.size < 2 or not np.issubdtype(offsets.dtype, np.integer) or offsets[0] != 0
            or offsets[-1] != total or np.any(np.diff(offsets) < 0)):
        raise ValueError(
            f"{path}: 'offsets' must be N+1 non-decreasing integers from 0 to the number of frames ({total}); got "
            f"{offsets[:5].tolist()}{' ...' if offsets.size > 5 else ''} (size {offsets.size})"
        )
    n = offsets.size - 1
    label_key = "label" if "label" in arrays else "labels" if "labels" in arrays else None
    if label_key is None and "label_name" not in arrays:
        raise ValueError(f"{path}: a many-clip generic npz is a labelled dataset: it needs 'label' (N,) (int class "
                         "ids or class names) and/or 'label_name' (N,)")
    labels = _per_clip(path, arrays, label_key, n) if label_key else None
    fields = {k: _per_clip(path, arrays, k, n) for k in CLIP_FIELDS}
    sizes = None
    if "image_size" in arrays:
        size = np.asarray(arrays["image_size"])
        if size.shape == (2,):
            sizes = [tuple(int(v) for v in size)] * n
        elif size.shape == (n, 2):
            sizes = [tuple(int(v) for v in row) for row in size]
        else:
            raise ValueError(f"{path}: 'image_size' must be (2,) or (N, 2) = ({n}, 2), got {size.shape}")
    class_names = ([str(c) for c in np.asarray(arrays["class_names"]).reshape(-1)]
                   if "class_names" in arrays else None)
    seqs = []
    for i in range(n):
        sl = (Ellipsis, slice(int(offsets[i]), int(offsets[i + 1])), slice(None), slice(None))
        clip_meta = {**{k: v for k, v in meta.items() if k != "source"}, "source": str(path), "index": i}
        for key, values in fields.items():
            if values is not None:
                clip_meta[key] = values[i]
        clip_meta.setdefault("clip_id", f"clip_{i:05d}")
        label = labels[i] if labels is not None else clip_meta.get("label_name")
        seqs.append(dict(
            keypoints_2d=None if kp2 is None else kp2[sl], keypoints_3d=None if kp3 is None else kp3[sl],
            layout=layout, units_3d=units, fps=fps, image_size=sizes[i] if sizes else None, label=label,
            meta=clip_meta,
        ))
    return _labelled_dataset(seqs, class_names, path)


def _labelled_dataset(items: list[dict], class_names: list[str] | None, source: Path) -> MotionDataset:
    """Clips (``MotionSequence`` keyword dicts) -> a :class:`MotionDataset` with integer labels, class names and the
    ``split`` field's splits; clips without any valid frame are dropped (named in ``meta["dropped"]``)."""
    for item in items:
        if item["label"] is None:
            raise ValueError(f"{item['meta'].get('source', source)}: clip {item['meta'].get('clip_id')} has no "
                             "'label' (class id or name); every clip of a labelled dataset needs one")
    kinds = {isinstance(it["label"], str) for it in items}
    if kinds == {True, False}:
        raise ValueError(f"{source}: labels mix class names and integer ids; use one kind")
    if kinds == {True}:  # class names -> ids (class_names order, else sorted)
        names = sorted({it["label"] for it in items}) if class_names is None else list(class_names)
        unknown = sorted({it["label"] for it in items} - set(names))
        if unknown:
            raise ValueError(f"{source}: labels {unknown} are not in class_names {names}")
        for it in items:
            it["meta"]["label_name"] = it["label"]
            it["label"] = names.index(it["label"])
        class_names = names
    else:
        ids = [int(it["label"]) for it in items]
        if min(ids) < 0:
            raise ValueError(f"{source}: labels must be 0-based class ids >= 0, got {min(ids)}")
        if class_names is not None and max(ids) >= len(class_names):
            raise ValueError(f"{source}: label {max(ids)} but class_names names only {len(class_names)} classes")
        by_id: dict[int, str] = {}
        for it, i in zip(items, ids):
            it["label"] = i
            name = it["meta"].get("label_name")
            if name is None:
                continue
            if by_id.setdefault(i, str(name)) != str(name):
                raise ValueError(f"{source}: label {i} is named both {by_id[i]!r} and {name!r} (label_name)")
        if class_names is None and by_id:
            class_names = [by_id.get(i, f"class_{i}") for i in range(max(ids) + 1)]
        if class_names is not None:
            for it in items:
                it["meta"]["label_name"] = class_names[it["label"]]
    seqs, dropped, zero_frames = [], [], 0
    for it in items:
        kp2, miss2, z2 = _zero_frames_missing(it["keypoints_2d"], interpolate=False)
        kp3, miss3, z3 = _zero_frames_missing(it["keypoints_3d"], interpolate=True)
        ref_miss = miss3 if kp3 is not None else miss2
        if ref_miss is not None and ref_miss.all():
            dropped.append(str(it["meta"].get("clip_id")))
            continue
        it.update(keypoints_2d=kp2, keypoints_3d=kp3)
        if ref_miss is not None:
            it["meta"]["missing"] = ref_miss
        if z2 or z3:
            it["meta"]["zero_frames"] = max(z2, z3)
            zero_frames += max(z2, z3)
        seqs.append(MotionSequence(**it))
    if not seqs:
        raise ValueError(f"{source}: no clip with a valid frame (all {len(items)} are empty / all-zero)")
    splits: dict[str, list[int]] = {}
    for i, seq in enumerate(seqs):
        if seq.meta.get("split") is not None:
            splits.setdefault(str(seq.meta["split"]), []).append(i)
    meta = {"source": str(source), "format": "generic", "dropped": dropped, "zero_frames": zero_frames}
    return MotionDataset(seqs, splits, class_names, meta)


def load_generic_dataset(path: str | Path) -> MotionDataset:
    """A labelled dataset in the generic format: one many-clip ``.npz`` (``offsets``) or a folder of ``.npz`` files
    (each one clip with ``label``, or a many-clip file; merged in file-name order).

    Returns:
        :class:`~motionhub.formats.base.MotionDataset`: integer ``label`` (class id), ``class_names`` (from
        ``class_names`` / ``label_name`` / string labels), ``splits`` from the ``split`` field; ``subject``,
        ``view``, ``split``, ``clip_id``, ``label_name`` of every clip in its ``meta``. Filter by any field with
        :meth:`MotionDataset.where`.

    Raises:
        ValueError: a file that is not a generic npz, a clip without label, labels that contradict their names.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"dataset not found: {path}")
    if path.is_file():
        data = load_generic(path)
        if isinstance(data, MotionDataset):
            return data
        files = [path]
    else:
        files = sorted(path.glob("*.npz"))
        if not files:
            raise ValueError(f"{path}: a folder without .npz files; a labelled generic dataset is a folder of "
                             "generic .npz clips (or one .npz with 'offsets')")
    items, class_names, dropped = [], None, []
    for f in files:
        data = load_generic(f)
        if isinstance(data, MotionDataset):
            if data.class_names is not None:
                if class_names is not None and class_names != data.class_names:
                    raise ValueError(f"{f}: class_names {data.class_names} differ from another file's {class_names}")
                class_names = data.class_names
            dropped += data.meta.get("dropped", [])
            subs = list(data.sequences)
        else:
            data.meta.setdefault("clip_id", f.stem)
            subs = [data]
        for seq in subs:
            label = seq.meta.get("label_name") if seq.label is None else seq.label
            items.append(dict(keypoints_2d=seq.keypoints_2d, keypoints_3d=seq.keypoints_3d, layout=seq.layout,
                              units_3d=seq.units_3d, fps=seq.fps, image_size=seq.image_size, label=label,
                              meta=dict(seq.meta)))
    if not items:
        raise ValueError(f"{path}: no clip in the dataset")
    for it in items:  # named labels of merged many-clip files are ids already; map them back to their names
        if class_names is not None and isinstance(it["label"], int) and "label_name" in it["meta"]:
            it["label"] = it["meta"]["label_name"]
    layouts = sorted({it["layout"] for it in items})
    if len(layouts) > 1:
        raise ValueError(f"{path}: clips in different layouts {layouts}; convert them to one layout first")
    ds = _labelled_dataset(items, class_names, path)
    ds.meta["dropped"] = dropped + ds.meta["dropped"]
    return ds


def _jsonable(meta: dict) -> dict:
    out = {}
    for k, v in meta.items():
        if k in ("joint_names", "normalized", "source", "missing"):
            continue
        if isinstance(v, np.ndarray):
            if v.size > 64:
                continue  # large per-frame arrays are not metadata
            v = v.tolist()
        elif isinstance(v, np.generic):
            v = v.item()
        try:
            json.dumps(v)
        except TypeError:
            continue
        out[k] = v
    return out


def save_generic(path: str | Path, seq: MotionSequence, compress: bool = True) -> Path:
    """Write ``seq`` as a generic motionhub ``.npz``.

    JSON-serialisable entries of ``seq.meta`` go to ``meta_json`` (large arrays and the missing mask are dropped);
    ``meta["joint_names"]`` and ``meta["normalized"]`` get their own keys.

    Args:
        path: output path (``.npz`` is appended by numpy if absent).
        seq: the sequence.
        compress: use ``np.savez_compressed``.

    Returns:
        The written path.
    """
    if not isinstance(seq, MotionSequence):
        raise TypeError(f"save_generic expects a MotionSequence, got {type(seq).__name__}")
    arrays: dict[str, np.ndarray] = {
        "layout": np.array(seq.layout),
        "fps": np.array(0.0 if seq.fps is None else seq.fps, dtype=np.float64),
        "units_3d": np.array(seq.units_3d),
    }
    if seq.keypoints_2d is not None:
        arrays["keypoints_2d"] = seq.keypoints_2d
    if seq.keypoints_3d is not None:
        arrays["keypoints_3d"] = seq.keypoints_3d
    if seq.image_size is not None:
        arrays["image_size"] = np.asarray(seq.image_size, dtype=np.int64)
    if seq.label is not None:
        arrays["label"] = np.array(seq.label)
    if "normalized" in seq.meta:
        arrays["normalized"] = np.array(bool(seq.meta["normalized"]))
    if seq.meta.get("joint_names") is not None:
        arrays["joint_names"] = np.array([str(n) for n in seq.meta["joint_names"]])
    extra = _jsonable(seq.meta)
    if extra:
        arrays["meta_json"] = np.array(json.dumps(extra))
    from ..io_utils import atomic_path

    path = Path(path)
    path = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")  # as np.savez names it
    with atomic_path(path) as tmp:
        (np.savez_compressed if compress else np.savez)(tmp, **arrays)
    return path


def save_generic_dataset(
    path: str | Path,
    data: MotionDataset | list[MotionSequence],
    class_names: list[str] | None = None,
    compress: bool = True,
) -> Path:
    """Write labelled clips as ONE many-clip generic ``.npz`` (the labelled-dataset layout in the module docstring).

    The way to bring any dataset a reader returns (Kinect sets, PYSKL, Penn, your own arrays) into the one
    documented file: ``save_generic_dataset("set.npz", load_kinect_actions(...))``. Clips must share layout, person
    count, which keypoints they have (2D / 3D), units and fps. Per-clip ``split`` / ``subject`` / ``view`` /
    ``label_name`` / ``clip_id`` are written when every clip has them (``meta``); ``image_size`` per clip.

    Args:
        path: output file (``.npz`` appended if absent).
        data: a :class:`MotionDataset` (its ``class_names`` kept) or a list of labelled sequences.
        class_names: names of the integer labels (default: the dataset's).
        compress: use ``np.savez_compressed``.

    Raises:
        ValueError: no clips, a clip without a label, or clips that cannot share one file (the message names the
            first clip that differs and how).
    """
    seqs = list(data.sequences if isinstance(data, MotionDataset) else data)
    if class_names is None and isinstance(data, MotionDataset):
        class_names = data.class_names
    if not seqs:
        raise ValueError("save_generic_dataset: no clips to write")
    first = seqs[0]
    for i, seq in enumerate(seqs):
        if not isinstance(seq, MotionSequence):
            raise TypeError(f"clip {i} is a {type(seq).__name__}, not a MotionSequence")
        if seq.label is None:
            raise ValueError(f"clip {i} has no label; a labelled dataset needs one per clip")
        for what, a, b in (("layout", seq.layout, first.layout), ("persons", seq.num_persons, first.num_persons),
                           ("2D keypoints", seq.keypoints_2d is None, first.keypoints_2d is None),
                           ("3D keypoints", seq.keypoints_3d is None, first.keypoints_3d is None),
                           ("units_3d", seq.units_3d, first.units_3d)):
            if a != b:
                raise ValueError(f"clip {i} differs from clip 0 in {what} ({a!r} vs {b!r}); one file holds clips "
                                 "that share layout, persons, keypoint kinds and units")
    arrays: dict[str, np.ndarray] = {
        "layout": np.array(first.layout),
        "fps": np.array(0.0 if first.fps is None else first.fps, dtype=np.float64),
        "units_3d": np.array(first.units_3d),
    }
    def frames(seq: MotionSequence, key: str) -> np.ndarray:
        kp = np.array(getattr(seq, key), dtype=np.float32)
        miss = seq.meta.get("missing")  # joints a reader interpolated are written as missing again (NaN)
        if isinstance(miss, np.ndarray) and miss.shape == kp.shape[:-1]:
            kp[miss.astype(bool)] = np.nan
        return kp

    for key in ("keypoints_2d", "keypoints_3d"):
        if getattr(first, key) is not None:
            arrays[key] = np.concatenate([frames(s, key) for s in seqs], axis=-3)
    lengths = [s.num_frames for s in seqs]
    arrays["offsets"] = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    labels = [s.label for s in seqs]
    arrays["label"] = np.array([str(v) for v in labels]) if any(isinstance(v, str) for v in labels) else np.array(
        labels, dtype=np.int64)
    if class_names is not None:
        arrays["class_names"] = np.array([str(c) for c in class_names])
    for key in CLIP_FIELDS:
        values = [s.meta.get(key) for s in seqs]
        if all(v is not None for v in values):
            ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)
            arrays[key] = np.array(values, dtype=np.int64) if ints else np.array([str(v) for v in values])
    if all(s.image_size is not None for s in seqs):
        arrays["image_size"] = np.array([list(s.image_size) for s in seqs], dtype=np.int64)
    if "normalized" in first.meta:
        arrays["normalized"] = np.array(bool(first.meta["normalized"]))
    from ..io_utils import atomic_path

    path = Path(path)
    path = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
    with atomic_path(path) as tmp:
        (np.savez_compressed if compress else np.savez)(tmp, **arrays)
    return path


def load_array(
    path: str | Path,
    layout: str,
    fps: float | None = None,
    image_size: tuple[int, int] | None = None,
    kind: str | None = None,
    units_3d: str = "mm",
) -> MotionSequence:
    """Wrap a bare ``.npy`` keypoint array ``(T, J, C)`` / ``(M, T, J, C)`` (no metadata in the file).

    Args:
        path: ``.npy`` file (numeric; pickled object arrays are refused).
        layout: joint layout name (required: a bare array cannot tell COCO-17 from H36M-17).
        fps / image_size: if known.
        kind: ``"2d"`` or ``"3d"``; default: ``C = 2`` -> 2D, ``C = 3`` -> 2D with confidence if the last channel lies
            in [0, 1] everywhere, else 3D.
        units_3d: units when 3D.
    """
    arr = np.load(path, allow_pickle=False)
    if arr.ndim not in (3, 4):
        raise ValueError(f"{path}: expected (T, J, C) or (M, T, J, C), got shape {arr.shape}")
    if kind is None:
        last = arr[..., -1]
        kind = "2d" if arr.shape[-1] == 2 or (np.nanmin(last) >= 0 and np.nanmax(last) <= 1) else "3d"
    if kind not in ("2d", "3d"):
        raise ValueError(f"kind must be '2d' or '3d', got {kind!r}")
    meta = {"format": "npy", "source": str(path)}
    if kind == "2d":
        return MotionSequence(keypoints_2d=arr, layout=layout, fps=fps, image_size=image_size, meta=meta)
    return MotionSequence(keypoints_3d=arr, layout=layout, units_3d=units_3d, fps=fps, meta=meta)


def _load_generic_folder(path: Path) -> MotionDataset | list[MotionSequence]:
    """A folder of generic npz files: a labelled :class:`MotionDataset` when every clip has a label, else the list
    of sequences in file-name order (e.g. lifting ground truth)."""
    files = sorted(path.glob("*.npz"))
    first = load_generic(files[0])
    if isinstance(first, MotionDataset) or first.label is not None:
        return load_generic_dataset(path)
    seqs = [first] + [load_generic(f) for f in files[1:]]
    for f, seq in zip(files, seqs):
        if isinstance(seq, MotionDataset):
            raise ValueError(f"{f} is a many-clip dataset file but {files[0].name} is an unlabelled clip; keep "
                             "datasets and unlabelled clips in separate folders")
    return seqs


def _load_generic_path(path: str | Path, **kwargs) -> MotionSequence | MotionDataset | list[MotionSequence]:
    path = Path(path)
    if kwargs:
        raise TypeError(f"the generic npz reader takes no options, got {sorted(kwargs)}")
    return _load_generic_folder(path) if path.is_dir() else load_generic(path)


def _is_generic_folder(path: Path, names: set[str]) -> bool:
    """Only npz files (no JSON), the first of them a generic npz: a labelled dataset or lifting ground truth."""
    npzs = sorted(n for n in names if n.endswith(".npz"))
    if not npzs or any(n.endswith(".json") for n in names):
        return False
    try:
        with np.load(path / npzs[0], allow_pickle=False) as z:
            return is_generic_npz(z.files)
    except Exception:  # noqa: BLE001 - an unreadable first file: not this layout (its reader will name the damage)
        return False


def _load_npy(path: str | Path, layout: str | None = None, **kwargs) -> MotionSequence:
    if layout is None:
        raise ValueError(f"{path}: a bare .npy array needs layout= (e.g. load_motion(path, layout='coco-17'))")
    return load_array(path, layout, **kwargs)


register_format(MotionFormat(
    "generic", _load_generic_path, suffixes=(".npz",), priority=0,
    recognizes=lambda content, path: is_generic_npz(content), recognizes_folder=_is_generic_folder,
    description="motionhub's own npz (layout, fps, keypoints_2d / keypoints_3d), one clip or a labelled set",
))
register_format(MotionFormat("npy", _load_npy, suffixes=(".npy",),
                             description="a bare numpy keypoint array (needs layout=)"))
