# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""NTU RGB+D readers and writers: PYSKL annotation pickles and the raw Kinect v2 ``.skeleton`` text files.

**PYSKL pkl** (``ntu60_hrnet.pkl``, ``ntu120_hrnet.pkl``, ``ntu60_3danno.pkl`` ...): a dict
``{"split": {"xsub_train": [frame_dir, ...], "xsub_val": [...], "xview_train": [...], "xview_val": [...]},
"annotations": [{"frame_dir": "S001C001P001R001A001", "label": int, "img_shape": (h, w), "original_shape": (h, w),
"total_frames": T, "keypoint": (M, T, J, C) float32, "keypoint_score": (M, T, J) float32}, ...]}``. HRNet 2D files have
COCO-17 keypoints in pixels (``C = 2`` + scores); the 3D files have Kinect v2 ``(M, T, 25, 3)`` metres and no scores.
Pickles are loaded with a restricted unpickler (plain containers and numpy arrays only).

**Raw ``.skeleton``** (one file per video, name ``SsssCcccPpppRrrrAaaa``): first line = frame count; per frame the
number of bodies, then per body one line of 10 values (body id, clipped edges, hand left/right confidence and state,
restricted flag, lean x/y, tracking state), the joint count (25), and one line per joint of 12 values: camera-space
``x y z`` (metres, Y up), ``depthX depthY`` (512x424 depth image px), ``colorX colorY`` (1920x1080 colour image px),
orientation ``w x y z`` and the joint tracking state (0 not tracked, 1 inferred, 2 tracked).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import MotionDataset, MotionSequence, fill_missing, safe_pickle_load
from .registry import MotionFormat, register_format

__all__ = [
    "NTU_COLOR_SIZE",
    "NTU_DEPTH_SIZE",
    "NTU_FPS",
    "load_ntu_skeleton",
    "load_pyskl",
    "parse_ntu_name",
    "read_ntu_skeleton",
    "read_pyskl_pkl",
    "write_ntu_skeleton",
    "write_pyskl_pkl",
]

NTU_FPS = 30.0
NTU_COLOR_SIZE = (1920, 1080)
NTU_DEPTH_SIZE = (512, 424)
_TRACKING_CONF = {0: 0.0, 1: 0.5, 2: 1.0}
# Nominal Kinect v2 pinhole intrinsics, only used by write_ntu_skeleton when no 2D is given.
_COLOR_K = (1081.37, 1081.37, 959.5, 539.5)
_DEPTH_K = (365.5, 365.5, 255.5, 211.5)


def parse_ntu_name(name: str) -> dict[str, int]:
    """``"S001C002P003R002A013"`` -> ``{"setup": 1, "camera": 2, "performer": 3, "replication": 2, "action": 13}``.

    Returns an empty dict if ``name`` does not follow the NTU pattern. ``action`` is 1-based as in the file name.
    """
    m = re.search(r"S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})", str(name))
    if not m:
        return {}
    keys = ("setup", "camera", "performer", "replication", "action")
    return {k: int(v) for k, v in zip(keys, m.groups())}


# ------------------------------------------------------------------------------------------------------ PYSKL pkl
def read_pyskl_pkl(path: str | Path | dict | list) -> dict:
    """Load a PYSKL annotation pickle safely and check its top-level schema.

    Args:
        path: the pickle, or its already-unpickled content.

    Returns:
        ``{"split": {name: [frame_dir, ...]}, "annotations": [dict, ...]}``.
    """
    data = path if isinstance(path, (dict, list)) else safe_pickle_load(path)
    path = "<data>" if isinstance(path, (dict, list)) else path
    if isinstance(data, list):  # some PYSKL files are a bare annotation list
        data = {"split": {}, "annotations": data}
    if not isinstance(data, dict) or "annotations" not in data:
        raise ValueError(f"{path}: not a PYSKL pkl; expected a dict with 'split' and 'annotations'")
    for i, ann in enumerate(data["annotations"][:1]):
        missing = [k for k in ("frame_dir", "keypoint") if k not in ann]
        if missing:
            raise ValueError(f"{path}: annotation {i} lacks {missing}; PYSKL annotations need frame_dir, keypoint")
    data.setdefault("split", {})
    return data


_PYSKL_LAYOUTS = {17: "coco-17", 25: "ntu-25", 26: "halpe-26"}
"""PYSKL's own joint conventions (HRNet COCO-17 2D, NTU Kinect-25, Halpe-26); other counts must be named."""


def _annotation_to_sequence(ann: dict, layout: str | None = None) -> MotionSequence:
    kp = np.asarray(ann["keypoint"], dtype=np.float32)
    if kp.ndim == 3:  # (T, J, C) single person
        kp = kp[None]
    if kp.ndim != 4:
        raise ValueError(f"{ann.get('frame_dir')}: keypoint must be (M, T, J, C), got {kp.shape}")
    m, t, j, c = kp.shape
    if layout is not None:
        from ..skeleton import get_layout

        n = len(get_layout(layout).joint_names)
        if n != j:
            raise ValueError(f"{ann.get('frame_dir')}: layout {layout!r} has {n} joints but the clip has {j}")
    meta = {
        "format": "pyskl",
        "frame_dir": str(ann["frame_dir"]),
        "total_frames": int(ann.get("total_frames", t)),
        **parse_ntu_name(str(ann["frame_dir"])),
    }
    if "original_shape" in ann:
        meta["original_shape"] = tuple(int(v) for v in ann["original_shape"])
    image_size = None
    if "img_shape" in ann:
        h, w = (int(v) for v in ann["img_shape"])
        image_size = (w, h)
    label = ann.get("label")
    label = None if label is None else int(label)
    if c == 3 and "keypoint_score" not in ann:  # 3D skeleton annotations (ntu*_3danno.pkl), metres
        layout = layout or ("ntu-25" if j == 25 else f"custom-{j}")
        return MotionSequence(keypoints_3d=kp, layout=layout, units_3d="m", fps=NTU_FPS, label=label,
                              meta=dict(meta, frame="camera"))  # fmt: skip
    if c != 2:
        raise ValueError(f"{ann['frame_dir']}: 2D keypoint must have C=2, got {kp.shape}")
    score = ann.get("keypoint_score")
    score = np.ones((m, t, j), np.float32) if score is None else np.asarray(score, np.float32).reshape(m, t, j)
    layout = layout or _PYSKL_LAYOUTS.get(j, f"custom-{j}")
    return MotionSequence(
        keypoints_2d=np.concatenate([kp, score[..., None]], axis=-1),
        layout=layout,
        fps=NTU_FPS,
        image_size=image_size,
        label=label,
        meta=meta,
    )


def load_pyskl(
    path: str | Path | dict,
    split: str | None = None,
    class_names: Sequence[str] | None = None,
    layout: str | None = None,
) -> MotionDataset:
    """Read a PYSKL pkl into a :class:`MotionDataset`.

    Args:
        path: ``ntu60_hrnet.pkl`` or alike (or its unpickled content).
        split: if given, keep only the clips of this split (e.g. ``"xsub_val"``).
        class_names: optional names for the integer labels.
        layout: joint layout of the keypoints (checked against the joint count). Default: PYSKL's conventions by
            joint count (17 = ``coco-17``, 25 = ``ntu-25``, 26 = ``halpe-26``); other counts are ``custom-J`` and
            need a layout to be converted.

    Returns:
        Dataset whose sequences have ``keypoints_2d`` ``(M, T, 17, 3)`` = (x px, y px, score), layout ``coco-17``,
        ``image_size`` = (w, h) of ``img_shape``, fps 30, integer ``label``; ``meta`` carries ``frame_dir`` and the
        NTU setup/camera/performer/replication/action ids. 3D annotation files give ``keypoints_3d``
        ``(M, T, 25, 3)`` metres (``ntu-25``). ``splits`` maps split names to indices of ``sequences``.
    """
    data = read_pyskl_pkl(path)
    anns = data["annotations"]
    splits_dirs: dict[str, list[str]] = {k: [str(x) for x in v] for k, v in data["split"].items()}
    if split is not None:
        if split not in splits_dirs:
            raise KeyError(f"{path}: unknown split {split!r}; available: {sorted(splits_dirs)}")
        keep = set(splits_dirs[split])
        anns = [a for a in anns if str(a["frame_dir"]) in keep]
    seqs = [_annotation_to_sequence(a, layout) for a in anns]
    index = {s.meta["frame_dir"]: i for i, s in enumerate(seqs)}
    splits = {name: [index[d] for d in dirs if d in index] for name, dirs in splits_dirs.items()}
    if split is not None:
        splits = {split: splits[split]}
    source = "<data>" if isinstance(path, (dict, list)) else str(path)
    return MotionDataset(seqs, splits, list(class_names) if class_names else None, {"source": source})


def write_pyskl_pkl(
    path: str | Path,
    sequences: Sequence[MotionSequence | dict],
    split: dict[str, Sequence[str]] | None = None,
) -> Path:
    """Write clips as a PYSKL annotation pickle (readable by PYSKL / MotionBERT and by :func:`load_pyskl`).

    Args:
        path: output ``.pkl``.
        sequences: :class:`MotionSequence` with 2D ``(M, T, J, 3)``/``(T, J, 3)`` keypoints (x, y, score; pixels) and
            an integer ``label`` (``meta["frame_dir"]`` is used as the clip name if present, else ``"clip%05d"``), or
            ready PYSKL annotation dicts.
        split: split name -> list of ``frame_dir`` (default: one split ``"train"`` with every clip).

    Returns:
        The path written.
    """
    anns = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, dict):
            anns.append(dict(seq))
            continue
        if seq.keypoints_2d is None:
            raise ValueError("write_pyskl_pkl needs keypoints_2d (x, y[, score]) pixels in every sequence")
        kp = seq.keypoints_2d if seq.is_multi_person else seq.keypoints_2d[None]
        m, t, j, c = kp.shape
        if seq.label is None or not isinstance(seq.label, (int, np.integer)):
            raise ValueError(f"sequence {i}: PYSKL needs an integer label, got {seq.label!r}")
        score = kp[..., 2] if c == 3 else np.ones((m, t, j), np.float32)
        if seq.image_size is not None:
            w, h = seq.image_size
        else:  # bound the keypoints
            w = int(np.ceil(np.nanmax(kp[..., 0]))) + 1
            h = int(np.ceil(np.nanmax(kp[..., 1]))) + 1
        anns.append(
            {
                "frame_dir": str(seq.meta.get("frame_dir", f"clip{i:05d}")),
                "label": int(seq.label),
                "img_shape": (int(h), int(w)),
                "original_shape": (int(h), int(w)),
                "total_frames": int(t),
                "keypoint": np.ascontiguousarray(np.nan_to_num(kp[..., :2]), dtype=np.float32),
                "keypoint_score": np.ascontiguousarray(np.nan_to_num(score), dtype=np.float32),
            }
        )
    names = [a["frame_dir"] for a in anns]
    if len(set(names)) != len(names):
        raise ValueError("frame_dir names must be unique")
    split = {"train": names} if split is None else {k: [str(x) for x in v] for k, v in split.items()}
    for k, dirs in split.items():
        unknown = sorted(set(dirs) - set(names))
        if unknown:
            raise ValueError(f"split {k!r} names unknown clips {unknown[:5]}")
    from ..io_utils import atomic_write

    with atomic_write(path, "wb") as fh:
        pickle.dump({"split": split, "annotations": anns}, fh, protocol=4)
    return Path(path)


# ------------------------------------------------------------------------------------------------ raw .skeleton
def read_ntu_skeleton(path: str | Path) -> dict:
    """Parse a raw NTU ``.skeleton`` file.

    Returns:
        ``{"num_frames": T, "bodies": {body_id: {"frames": (n,) int, "joints": (n, 25, 12) float64,
        "info": (n, 10) float64}}}`` with bodies in order of first appearance.

    Raises:
        ValueError: naming the line where the file stops following the format.
    """
    tokens_lines = Path(path).read_text().split("\n")
    lines = [ln.strip() for ln in tokens_lines if ln.strip()]
    pos = 0

    def take(what: str) -> str:
        nonlocal pos
        if pos >= len(lines):
            raise ValueError(f"{path}: file ends early while reading {what} (line {pos + 1})")
        pos += 1
        return lines[pos - 1]

    num_frames = int(take("the frame count"))
    bodies: dict[str, dict[str, list]] = {}
    for t in range(num_frames):
        n_bodies = int(take(f"the body count of frame {t}"))
        for _ in range(n_bodies):
            info = take(f"a body line of frame {t}").split()
            if len(info) != 10:
                raise ValueError(f"{path}: body info line of frame {t} has {len(info)} values, expected 10")
            n_joints = int(take("a joint count"))
            joints = np.array([take("a joint line").split() for _ in range(n_joints)], dtype=np.float64)
            if joints.shape != (n_joints, 12):
                raise ValueError(f"{path}: joint lines of frame {t} must have 12 values, got {joints.shape}")
            body = bodies.setdefault(info[0], {"frames": [], "joints": [], "info": []})
            body["frames"].append(t)
            body["joints"].append(joints)
            body["info"].append(np.array(info[1:], dtype=np.float64))
    return {
        "num_frames": num_frames,
        "bodies": {
            bid: {"frames": np.asarray(b["frames"]), "joints": np.stack(b["joints"]), "info": np.stack(b["info"])}
            for bid, b in bodies.items()
        },
    }


def load_ntu_skeleton(
    path: str | Path,
    max_bodies: int | None = 2,
    missing: str = "nan",
) -> MotionSequence:
    """Read a raw NTU ``.skeleton`` file into a multi-person sequence.

    Bodies are identified by their Kinect body id. With ``max_bodies`` only the bodies with the largest motion
    (sum over joints of the positional variance across the frames where they are tracked, weighted by the number of
    frames) are kept, in decreasing order of that energy; this drops the short spurious bodies Kinect sometimes
    reports.

    Args:
        path: ``.skeleton`` file.
        max_bodies: keep at most this many bodies (None = all). The person axis always exists (``M >= 1``).
        missing: frames where a kept body is absent: ``"nan"`` (default), ``"zero"`` or ``"interpolate"``.

    Returns:
        :class:`MotionSequence` with ``keypoints_3d`` ``(M, T, 25, 3)`` camera-space metres (Y up),
        ``keypoints_2d`` ``(M, T, 25, 3)`` = colour-image pixels + confidence (tracking state 2 -> 1.0, inferred 1 ->
        0.5, 0 -> 0.0), ``image_size`` 1920x1080, layout ``ntu-25``, fps 30, ``label`` = action - 1 when the file
        name follows the NTU pattern. ``meta``: NTU ids, ``body_ids``, ``depth_2d`` ``(M, T, 25, 2)`` (512x424
        depth-image px), ``missing`` ``(M, T, 25)``.
    """
    raw = read_ntu_skeleton(path)
    t = raw["num_frames"]
    bodies = raw["bodies"]
    if not bodies:
        raise ValueError(f"{path}: no body is tracked in any frame")

    def energy(b: dict) -> float:
        xyz = b["joints"][:, :, :3]
        return float(xyz.var(axis=0).sum() * len(b["frames"])) if len(b["frames"]) > 1 else 0.0

    order = sorted(bodies, key=lambda bid: -energy(bodies[bid]))
    if max_bodies is not None:
        order = order[:max_bodies]
    m = len(order)
    full = np.full((m, t, 25, 12), np.nan)
    for i, bid in enumerate(order):
        b = bodies[bid]
        if b["joints"].shape[1] != 25:
            raise ValueError(f"{path}: body {bid} has {b['joints'].shape[1]} joints, expected 25 (Kinect v2)")
        full[i, b["frames"]] = b["joints"]
    miss = np.isnan(full[..., 0])
    xyz = full[..., 0:3]
    color = full[..., 5:7]
    depth = full[..., 3:5]
    state = full[..., 11]
    lut = np.array([_TRACKING_CONF[k] for k in range(3)])
    conf = np.where(miss, 0.0, lut[np.clip(np.nan_to_num(state), 0, 2).astype(int)])
    if missing != "nan":
        xyz = np.stack([fill_missing(x, missing) for x in xyz])
        color = np.stack([fill_missing(x, missing) for x in color])
        depth = np.stack([fill_missing(x, missing) for x in depth])
    ids = parse_ntu_name(Path(path).name)
    return MotionSequence(
        keypoints_2d=np.concatenate([color, conf[..., None]], axis=-1).astype(np.float32),
        keypoints_3d=xyz.astype(np.float32),
        layout="ntu-25",
        units_3d="m",
        fps=NTU_FPS,
        image_size=NTU_COLOR_SIZE,
        label=ids["action"] - 1 if "action" in ids else None,
        meta={
            "format": "ntu_skeleton",
            "source": str(path),
            "frame_dir": Path(path).stem,
            **ids,
            "body_ids": order,
            "depth_2d": depth.astype(np.float32),
            "missing": miss,
            "frame": "camera",
        },
    )


def _pinhole(xyz: np.ndarray, k: tuple[float, float, float, float]) -> np.ndarray:
    fx, fy, cx, cy = k
    z = np.where(np.abs(xyz[..., 2]) < 1e-6, 1e-6, xyz[..., 2])
    return np.stack([cx + fx * xyz[..., 0] / z, cy - fy * xyz[..., 1] / z], axis=-1)


def write_ntu_skeleton(
    path: str | Path,
    keypoints_3d: np.ndarray,
    color_2d: np.ndarray | None = None,
    depth_2d: np.ndarray | None = None,
    body_ids: Sequence[int | str] | None = None,
    tracking_state: np.ndarray | None = None,
) -> Path:
    """Write a raw NTU ``.skeleton`` text file (e.g. to build test data).

    Args:
        path: output file; name it ``SsssCcccPpppRrrrAaaa.skeleton`` so readers find the label.
        keypoints_3d: ``(T, 25, 3)`` or ``(M, T, 25, 3)`` camera-space metres (Y up); a body whose frame is all-NaN
            is absent from that frame.
        color_2d / depth_2d: ``(M, T, 25, 2)`` image coordinates; default: a nominal Kinect v2 pinhole projection
            (colour f=1081.37, c=(959.5, 539.5); depth f=365.5, c=(255.5, 211.5)).
        body_ids: one id per body (default 72057594037927936 + m, Kinect-like).
        tracking_state: ``(M, T, 25)`` ints in {0, 1, 2} (default 2 = tracked).

    Returns:
        The path written.
    """
    xyz = np.asarray(keypoints_3d, dtype=np.float64)
    if xyz.ndim == 3:
        xyz = xyz[None]
    if xyz.ndim != 4 or xyz.shape[2:] != (25, 3):
        raise ValueError(f"write_ntu_skeleton expects (T, 25, 3) or (M, T, 25, 3), got {np.shape(keypoints_3d)}")
    m, t = xyz.shape[:2]

    def per_body(a: np.ndarray | None, default: np.ndarray) -> np.ndarray:
        if a is None:
            return default
        a = np.asarray(a, dtype=np.float64)
        return a[None] if a.ndim == default.ndim - 1 else a

    color = per_body(color_2d, _pinhole(xyz, _COLOR_K))
    depth = per_body(depth_2d, _pinhole(xyz, _DEPTH_K))
    state = per_body(tracking_state, np.full((m, t, 25), 2))
    ids = [str(b) for b in body_ids] if body_ids is not None else [str(72057594037927936 + i) for i in range(m)]
    if len(ids) != m:
        raise ValueError(f"{len(ids)} body ids for {m} bodies")
    out = [str(t)]
    for f in range(t):
        present = [i for i in range(m) if not np.isnan(xyz[i, f]).all()]
        out.append(str(len(present)))
        for i in present:
            out.append(f"{ids[i]} 0 1 1 1 1 0 0 0 2")
            out.append("25")
            for j in range(25):
                x, y, z = xyz[i, f, j]
                out.append(
                    f"{x:.7g} {y:.7g} {z:.7g} {depth[i, f, j, 0]:.7g} {depth[i, f, j, 1]:.7g} "
                    f"{color[i, f, j, 0]:.7g} {color[i, f, j, 1]:.7g} 1 0 0 0 {int(state[i, f, j])}"
                )
    from ..io_utils import write_text

    write_text(path, "\n".join(out) + "\n")
    return Path(path)


def _pyskl_content(data, path: Path) -> bool:
    return isinstance(data, list) or (isinstance(data, dict) and "annotations" in data)


register_format(MotionFormat("ntu_skeleton", load_ntu_skeleton, suffixes=(".skeleton",),
                             description="NTU RGB+D raw .skeleton"))
register_format(MotionFormat(
    "pyskl", load_pyskl, suffixes=(".pkl", ".pickle"), priority=10, recognizes=_pyskl_content,
    load_content=lambda data, path, **kw: load_pyskl(data, **kw),
    description="PYSKL / MotionBERT NTU annotation pickle",
))
