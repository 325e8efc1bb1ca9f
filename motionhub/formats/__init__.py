# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Readers (and a few writers) of motion file formats -> plain numpy arrays + metadata.

Everything returns :class:`MotionSequence` (one clip) or :class:`MotionDataset` (many labelled clips with splits);
no torch. :func:`load_motion` picks the reader from the file extension and content:

======================================== ================================================ ==========================
input                                    reader                                           returns
======================================== ================================================ ==========================
``.npz`` with ``layout`` + keypoints     :func:`load_generic` (motionhub's own format)    MotionSequence
``.npz`` generic + ``offsets`` / folder  :func:`load_generic_dataset` (labelled clips)    MotionDataset
``.bvh``                                 :func:`load_bvh`                                 MotionSequence
``.amc`` (+ ``asf=`` or sibling .asf)    :func:`load_asf_amc`                             MotionSequence
``.skeleton`` (NTU RGB+D raw)            :func:`load_ntu_skeleton`                        MotionSequence
``.pkl`` PYSKL (``split``/``annotations``) :func:`load_pyskl`                             MotionDataset
``.pkl`` MotionBERT H36M                 :func:`load_motionbert_h36m`                     list[MotionSequence]
``.npz`` VideoPose3D positions_3d / _2d  :func:`load_videopose3d_3d` / ``_2d``            list[MotionSequence]
``.npz`` mmpose body3d (imgname, part)   :func:`load_mmpose_body3d`                       list[MotionSequence]
``.npz`` Penn Action / Kinect sets       :func:`load_penn_action` / :func:`load_kinect_actions` list / MotionDataset
``.npz`` Bandai-Namco positions          :func:`load_bandai`                              MotionDataset
``.npz`` H36M 3D world (3d-pose-baseline) :func:`load_h36m_3pb` (``frame="world"``)     list[MotionSequence]
``.json`` list of detections             :func:`load_coco_results` (AlphaPose / COCO)     MotionSequence
``.json`` / folder OpenPose ``people``     :func:`load_openpose` (+ AlphaPose ``--format open/cmu``) MotionSequence
``.json`` MediaPipe pose landmarks       :func:`load_mediapipe_landmarks`                 MotionSequence
``.npz`` VideoPose3D ``data_2d_custom``  :func:`load_videopose3d_2d` (per-video size/fps)  list[MotionSequence]
``.json`` mmpose predictions             :func:`load_mmpose_predictions`                  MotionSequence
``.json`` COCO annotation dict           :func:`load_coco_annotations`                    MotionSequence | list
``.json`` Panoptic body3DScene           :func:`load_panoptic_body3d`                     MotionSequence
``.npy`` bare array (``layout=`` needed) :func:`load_array`                               MotionSequence
folder: H36M 3pb set, Bandai, Penn, Panoptic frames, OpenPose / mmpose per-frame JSONs
======================================== ================================================ ==========================

Detector files keep every person (``(M, T, J, C)`` when there are several; readers take ``track_id="best"`` for the
most persistent one); files without track ids are tracked by :mod:`motionhub.formats.tracking`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from .asf_amc import CMU31_JOINT_NAMES, amc_forward_kinematics, load_asf_amc, parse_amc, parse_asf
from .bandai import load_bandai
from .base import MotionDataset, MotionSequence, fill_missing, safe_pickle_load
from .bvh import bvh_forward_kinematics, load_bvh, parse_bvh
from .coco_json import load_coco_annotations, load_coco_results
from .generic import (
    is_generic_npz,
    load_array,
    load_generic,
    load_generic_dataset,
    save_generic,
    save_generic_dataset,
)
from .h36m import (
    H36MCamera,
    load_h36m_3pb,
    load_h36m_cameras,
    load_motionbert_h36m,
    load_videopose3d_2d,
    load_videopose3d_3d,
    read_motionbert_h36m_pkl,
    write_videopose3d_2d,
    write_videopose3d_3d,
)
from .kinect import KINECT_SETS, load_kinect_actions
from .mediapipe_json import is_mediapipe_json, load_mediapipe_landmarks
from .mmpose import load_mmpose_body3d, load_mmpose_h36m_cameras, load_mmpose_predictions
from .openpose import is_openpose_json, load_openpose
from .ntu import load_ntu_skeleton, load_pyskl, read_ntu_skeleton, read_pyskl_pkl, write_ntu_skeleton, write_pyskl_pkl
from .panoptic import load_panoptic_body3d
from .penn import load_penn_action, load_penn_action_dataset, penn_action_split

__all__ = [
    "CMU31_JOINT_NAMES",
    "FORMATS",
    "KINECT_SETS",
    "H36MCamera",
    "MotionDataset",
    "MotionSequence",
    "amc_forward_kinematics",
    "bvh_forward_kinematics",
    "detect_format",
    "fill_missing",
    "load_array",
    "load_asf_amc",
    "load_bandai",
    "load_bvh",
    "load_coco_annotations",
    "load_coco_results",
    "load_generic",
    "load_generic_dataset",
    "load_h36m_3pb",
    "load_h36m_cameras",
    "load_kinect_actions",
    "load_mediapipe_landmarks",
    "load_mmpose_body3d",
    "load_mmpose_h36m_cameras",
    "load_mmpose_predictions",
    "load_motion",
    "load_motionbert_h36m",
    "load_ntu_skeleton",
    "load_openpose",
    "load_panoptic_body3d",
    "load_penn_action",
    "load_penn_action_dataset",
    "load_pyskl",
    "load_videopose3d_2d",
    "load_videopose3d_3d",
    "parse_amc",
    "parse_asf",
    "parse_bvh",
    "penn_action_split",
    "read_motionbert_h36m_pkl",
    "read_ntu_skeleton",
    "read_pyskl_pkl",
    "save_generic",
    "save_generic_dataset",
    "write_ntu_skeleton",
    "write_pyskl_pkl",
    "write_videopose3d_2d",
    "write_videopose3d_3d",
]

FORMATS = (
    "generic", "bvh", "asf_amc", "ntu_skeleton", "pyskl", "motionbert_h36m", "videopose3d_3d", "videopose3d_2d",
    "mmpose_body3d", "penn_action", "kinect_actions", "bandai", "h36m_3pb", "coco_results", "mmpose_predictions",
    "coco_annotations", "panoptic", "npy", "openpose", "mediapipe_landmarks",
)  # fmt: skip
"""Format names accepted by :func:`load_motion` (``format=``)."""

_H36M_3PB_FILES = ("h36m_3d_world_17j_50fps_train.npz", "h36m_cameras.npz")


def _detect_npz(path: Path) -> str:
    with np.load(path, allow_pickle=False) as z:
        keys = set(z.files)
    if is_generic_npz(keys):
        return "generic"
    if "positions_3d" in keys:
        return "videopose3d_3d"
    if "positions_2d" in keys:
        return "videopose3d_2d"
    if {"imgname", "part"} <= keys:
        return "mmpose_body3d"
    if {"keypoints", "visibility", "offsets"} <= keys:
        return "penn_action"
    if {"data", "offsets", "label"} <= keys:
        return "kinect_actions"
    if any(k.startswith(("dataset-1_", "dataset-2_")) for k in keys):
        return "bandai"
    if any(re.fullmatch(r"S\d+/[^.]+", k) for k in keys):
        return "h36m_3pb"
    raise ValueError(
        f"{path}: unrecognised npz (keys {sorted(keys)[:10]}). motionhub's generic npz needs 'layout', 'fps' and "
        "'keypoints_2d' and/or 'keypoints_3d' (see motionhub.formats.generic)"
    )


def _detect_json(obj: Any) -> str:
    if is_openpose_json(obj):
        return "openpose"
    if is_mediapipe_json(obj):
        return "mediapipe_landmarks"
    if isinstance(obj, list):
        if not obj:
            raise ValueError("empty JSON list: no detections")
        first = obj[0]
        if isinstance(first, dict) and "image_id" in first:
            return "coco_results"
        if isinstance(first, dict) and ("instances" in first or "keypoints" in first):
            return "mmpose_predictions"
    elif isinstance(obj, dict):
        if "instance_info" in obj:
            return "mmpose_predictions"
        if {"images", "annotations"} <= set(obj):
            return "coco_annotations"
        if "bodies" in obj:
            return "panoptic"
    raise ValueError(
        "unrecognised JSON: expected AlphaPose/COCO results (list of {image_id, keypoints, score}), OpenPose "
        "({people: [{pose_keypoints_2d}]}), mmpose/RTMPose predictions, MediaPipe landmarks, a COCO annotation dict "
        "or a Panoptic body3DScene file"
    )


def detect_format(path: str | Path) -> str:
    """Name of the reader :func:`load_motion` would use for ``path`` (see :data:`FORMATS`)."""
    path = Path(path)
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        if all(f in names for f in _H36M_3PB_FILES):
            return "h36m_3pb"
        if "bandai_positions_mm_int16.npz" in names:
            return "bandai"
        if "penn_action_keypoints.npz" in names:
            return "penn_action"
        if any(n.startswith("body3DScene_") for n in names):
            return "panoptic"
        if any(n.endswith("_keypoints.json") for n in names):
            return "openpose"
        jsons = sorted(n for n in names if n.endswith(".json"))
        npzs = sorted(n for n in names if n.endswith(".npz"))
        if npzs and not jsons:
            try:
                if _detect_npz(path / npzs[0]) == "generic":
                    return "generic"  # a folder of generic npz clips (a labelled dataset, or lifting ground truth)
            except (ValueError, OSError):
                pass
        if jsons:
            try:
                first = json.loads((path / jsons[0]).read_text())
            except json.JSONDecodeError:
                raise ValueError(f"{path / jsons[0]}: not valid JSON") from None
            return "openpose" if is_openpose_json(first) else "mmpose_predictions"
        raise ValueError(f"{path}: folder of an unknown dataset layout")
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileNotFoundError(path)
    if suffix == ".bvh":
        return "bvh"
    if suffix == ".amc":
        return "asf_amc"
    if suffix == ".asf":
        raise ValueError(f"{path} is a skeleton only; load the motion: load_motion('<trial>.amc', asf='{path}')")
    if suffix == ".skeleton":
        return "ntu_skeleton"
    if suffix == ".npy":
        return "npy"
    if suffix == ".npz":
        return _detect_npz(path)
    if suffix in (".pkl", ".pickle"):
        data = safe_pickle_load(path)
        return _detect_pkl(data, path)
    if suffix == ".json":
        obj = json.loads(path.read_text())
        if isinstance(obj, dict) and "sequences" in obj and "joint_names" in obj:
            return "bandai"
        if isinstance(obj, dict) and "classes" in obj and path.with_suffix(".npz").exists():
            return "penn_action" if path.name.startswith("penn") else "kinect_actions"
        return _detect_json(obj)
    raise ValueError(f"{path}: unsupported file extension {suffix!r}")


def _detect_pkl(data: Any, path: Path) -> str:
    if isinstance(data, list) or (isinstance(data, dict) and "annotations" in data):
        return "pyskl"
    if isinstance(data, dict) and any(isinstance(v, dict) and "joint_2d" in v for v in data.values()):
        return "motionbert_h36m"
    raise ValueError(f"{path}: unrecognised pickle (expected a PYSKL annotation file or MotionBERT's H36M pkl)")


def _find_asf(amc: Path) -> Path:
    subject = amc.stem.split("_")[0]
    cand = amc.with_name(f"{subject}.asf")
    if cand.exists():
        return cand
    asfs = sorted(amc.parent.glob("*.asf"))
    if len(asfs) == 1:
        return asfs[0]
    raise ValueError(f"{amc}: cannot find its skeleton; pass asf='path/to/{subject}.asf'")


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


def load_motion(
    path: str | Path, format: str | None = None, **kwargs: Any
) -> MotionSequence | list[MotionSequence] | MotionDataset:
    """Load any supported motion file (see the module table).

    Args:
        path: file or folder.
        format: force a reader (one of :data:`FORMATS`); default: detected from extension and content.
        **kwargs: passed to the reader (e.g. ``track_id=`` for detections, ``asf=`` for AMC, ``layout=`` for
            ``.npy``, ``split=`` for PYSKL/Penn, ``units=`` for BVH).

    Returns:
        A :class:`MotionSequence` for single-clip formats, a list of them for multi-video files, or a
        :class:`MotionDataset` (iterable, indexable, with labels and splits) for labelled action datasets.
    """
    path = Path(path)
    if format is None and path.suffix.lower() in (".pkl", ".pickle") and path.is_file():
        data = safe_pickle_load(path)  # read once, then hand the parsed pickle to the reader
        fmt = _detect_pkl(data, path)
        reader = load_pyskl if fmt == "pyskl" else load_motionbert_h36m
        return reader(data, **kwargs)
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    if fmt == "generic":
        if path.is_dir():
            return _load_generic_folder(path)
        return load_generic(path)
    if fmt == "bvh":
        return load_bvh(path, **kwargs)
    if fmt == "asf_amc":
        asf = kwargs.pop("asf", None) or _find_asf(path)
        return load_asf_amc(asf, path, **kwargs)
    if fmt == "ntu_skeleton":
        return load_ntu_skeleton(path, **kwargs)
    if fmt == "pyskl":
        return load_pyskl(path, **kwargs)
    if fmt == "motionbert_h36m":
        return load_motionbert_h36m(path, **kwargs)
    if fmt == "videopose3d_3d":
        return load_videopose3d_3d(path, **kwargs)
    if fmt == "videopose3d_2d":
        return load_videopose3d_2d(path, **kwargs)
    if fmt == "mmpose_body3d":
        return load_mmpose_body3d(path, **kwargs)
    if fmt == "penn_action":
        return load_penn_action(path.with_suffix(".npz") if path.suffix == ".json" else path, **kwargs)
    if fmt == "kinect_actions":
        return load_kinect_actions(path.with_suffix(".npz") if path.suffix == ".json" else path, **kwargs)
    if fmt == "bandai":
        return load_bandai(path, **kwargs)
    if fmt == "h36m_3pb":
        if path.is_dir():
            return load_h36m_3pb(path, **kwargs)
        kwargs.setdefault("frame", "world")
        return load_h36m_3pb(path.parent, **kwargs)
    if fmt == "coco_results":
        return load_coco_results(path, **kwargs)
    if fmt == "mmpose_predictions":
        return load_mmpose_predictions(path, **kwargs)
    if fmt == "coco_annotations":
        return load_coco_annotations(path, **kwargs)
    if fmt == "panoptic":
        return load_panoptic_body3d(path, **kwargs)
    if fmt == "openpose":
        return load_openpose(path, **kwargs)
    if fmt == "mediapipe_landmarks":
        return load_mediapipe_landmarks(path, **kwargs)
    if "layout" not in kwargs:
        raise ValueError(f"{path}: a bare .npy array needs layout= (e.g. load_motion(path, layout='coco-17'))")
    return load_array(path, **kwargs)
