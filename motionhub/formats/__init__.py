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

import os
import zipfile
from pathlib import Path
from typing import Any

from .asf_amc import (
    CMU31_JOINT_NAMES,
    amc_forward_kinematics,
    load_asf_amc,
    parse_amc,
    parse_asf,
)
from .bandai import load_bandai
from .base import MotionDataset, MotionSequence, fill_missing
from .bvh import bvh_forward_kinematics, load_bvh, parse_bvh
from .coco_json import load_coco_annotations, load_coco_results
from .generic import (
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
    pair_videopose3d,
    read_motionbert_h36m_pkl,
    write_videopose3d_2d,
    write_videopose3d_3d,
)
from .kinect import KINECT_SETS, load_kinect_actions
from .mediapipe_json import load_mediapipe_landmarks
from .mmpose import (
    load_mmpose_body3d,
    load_mmpose_h36m_cameras,
    load_mmpose_predictions,
)
from .ntu import (
    load_ntu_skeleton,
    load_pyskl,
    read_ntu_skeleton,
    read_pyskl_pkl,
    write_ntu_skeleton,
    write_pyskl_pkl,
)
from .openpose import load_openpose
from .panoptic import load_panoptic_body3d
from .penn import load_penn_action, load_penn_action_dataset, penn_action_split
from .registry import (
    MotionFormat,
    detect_registered,
    get_format,
    register_format,
    registered_formats,
)

__all__ = [
    "CMU31_JOINT_NAMES",
    "FORMATS",
    "KINECT_SETS",
    "H36MCamera",
    "MotionDataset",
    "MotionFormat",
    "MotionSequence",
    "amc_forward_kinematics",
    "bvh_forward_kinematics",
    "check_input_path",
    "detect_format",
    "fill_missing",
    "get_format",
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
    "pair_videopose3d",
    "parse_amc",
    "parse_asf",
    "parse_bvh",
    "penn_action_split",
    "read_motionbert_h36m_pkl",
    "read_ntu_skeleton",
    "read_pyskl_pkl",
    "register_format",
    "registered_formats",
    "save_generic",
    "save_generic_dataset",
    "write_ntu_skeleton",
    "write_pyskl_pkl",
    "write_videopose3d_2d",
    "write_videopose3d_3d",
]

FORMATS = registered_formats()
"""Format names accepted by :func:`load_motion` (``format=``) at import; formats users add with
:func:`register_format` join :func:`registered_formats`."""


def check_input_path(path: str | Path) -> Path:
    """``path`` as a :class:`~pathlib.Path` that exists; a dangling or looping symbolic link is named as such (not
    "file not found")."""
    path = Path(path)
    if path.exists():
        return path
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        raise FileNotFoundError(f"{path}: a symbolic link that leads nowhere (-> {target}: a loop of links or a "
                                "missing target)")
    raise FileNotFoundError(f"{path}: not found (no such file or folder)")


def detect_format(path: str | Path) -> str:
    """Name of the reader :func:`load_motion` would use for ``path`` (see :func:`registered_formats`)."""
    return detect_registered(check_input_path(path))[0].name


# What a reader raises on a malformed file, named after the file when the reader's text does not name it.
_READ_ERRORS = (ValueError, TypeError, KeyError, IndexError, EOFError, OverflowError, zipfile.BadZipFile)


def _naming_file(path: Path, exc: BaseException) -> BaseException:
    msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, KeyError):
        msg = f"missing entry {msg!r}"
    if str(path) in msg or path.name in msg:
        return exc
    cls = TypeError if isinstance(exc, TypeError) else ValueError
    return cls(f"{path}: {msg or type(exc).__name__}")


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
    path = check_input_path(path)
    if format is None:
        fmt, content = detect_registered(path)
    else:
        fmt, content = get_format(format), None
    try:
        if content is not None and fmt.load_content is not None:
            return fmt.load_content(content, path, **kwargs)
        return fmt.load(path, **kwargs)
    except _READ_ERRORS as exc:
        named = _naming_file(path, exc)
        if named is exc:
            raise
        raise named from exc
