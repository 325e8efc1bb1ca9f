# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Skeleton action recognition finetuning: datasets, samplers, metrics and the ``finetune_action`` recipe.

Data pipeline of :class:`ActionClipDataset` (MotionBERT ``lib/data/dataset_action.py``, §1.7 of the design notes),
from a :class:`~motionhub.formats.MotionSequence` with pixel 2D keypoints ``(M, T, J, 2|3)`` to a clip
``(num_persons, clip_len, 17, channels)``:

1. missing values (NaN) -> coordinates 0, confidence 0; a missing confidence channel -> 1;
2. ``make_cam``: ``xy / max(h, w) * 2 - 1`` with the clip's ``image_size``;
3. ``human_tracking`` (two persons, identities kept consistent over time; the confidence follows its person);
4. layout -> H36M-17 with :func:`motionhub.skeleton.to_h36m` (``coco-17`` = MotionBERT ``coco2h36m``;
   ``confidence="coco_order"`` reproduces the released checkpoints' quirk, only meaningful for ``coco-17``);
5. resample to ``clip_len`` frames (:func:`motionhub.processing.resample`: random offsets for training --
   redrawn every epoch, where MotionBERT draws them once --, evenly spaced for evaluation);
6. persons padded with all-zero persons (or cut) to ``num_persons`` (MotionBERT: 2);
7. training: :func:`random_move` (smooth random rotation +-10 deg, scale 0.9-1.1, translation +-0.1) then
   ``crop_scale(scale_range=(1, 3))``; evaluation: ``crop_scale((2, 2))``;
8. the first ``channels`` channels (3 = x, y, confidence for DSTformer; 2 for STMO/MPM).

Items are ``{"keypoints": float32 tensor, "labels": int64 tensor}`` -- what ``<Encoder>ForAction*.forward`` and the
Trainer expect.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler

from ..formats.base import MotionSequence
from ..processing import crop_scale, yaw_rotate
from ..processor import (
    CLIP_FACINGS,
    KINECT_3D,
    ORTHOGRAPHIC_3D,
    UNITS_TO_MM,
    MotionProcessor,
    face_front,
    motionbert_clip_persons,
    orthographic_2d,
)
from .trainer import MotionTrainer

__all__ = [
    "NTU60_XSUB_TRAIN_SUBJECTS",
    "NTU120_ONESHOT_NOVEL_CLASSES",
    "NTU120_XSUB_TRAIN_SUBJECTS",
    "ActionClipDataset",
    "ActionData",
    "FinetuneResult",
    "MPerClassSampler",
    "compute_action_metrics",
    "finetune_action",
    "load_action_data",
    "ntu_split_of",
    "random_move",
    "random_rotate_3d",
    "resolve_dataset",
    "yaw_rotate",
]

#: NTU RGB+D 60 cross-subject protocol: performers whose clips form the training set (Shahroudy et al., 2016).
NTU60_XSUB_TRAIN_SUBJECTS: tuple[int, ...] = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38)
#: NTU RGB+D 120 cross-subject protocol training performers (Liu et al., 2019).
NTU120_XSUB_TRAIN_SUBJECTS: tuple[int, ...] = NTU60_XSUB_TRAIN_SUBJECTS + (
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93, 94,
    95, 97, 98, 100, 103,
)
#: NTU-60 cross-view protocol: cameras 2 and 3 train, camera 1 evaluates.
NTU60_XVIEW_TRAIN_CAMERAS: tuple[int, ...] = (2, 3)
#: NTU-120 one-shot protocol: the 20 novel classes (0-based labels A1, A7, ..., A115); the other 100 are auxiliary.
NTU120_ONESHOT_NOVEL_CLASSES: tuple[int, ...] = tuple(range(0, 120, 6))


# ---------------------------------------------------------------------------------------------------- augmentation
def random_move(
    x: np.ndarray,
    rng: np.random.Generator,
    max_angle: float = 10.0,
    scale_range: tuple[float, float] = (0.9, 1.1),
    max_translation: float = 0.1,
) -> np.ndarray:
    """Smooth random 2D similarity transform over time (the ST-GCN / MotionBERT ``random_move`` augmentation).

    A rotation angle (degrees, uniform in ``+-max_angle``), a scale (uniform in ``scale_range``) and an x/y
    translation (uniform in ``+-max_translation``) are drawn for the first and the last frame and linearly
    interpolated in between; every person gets the same transform. Only channels 0-1 change.

    Args:
        x: ``(..., T, J, C)`` normalised coordinates, ``C >= 2``.
        rng: random generator.

    Returns:
        A new float array of the same shape.
    """
    arr = np.asarray(x, dtype=np.float64 if np.asarray(x).dtype == np.float64 else np.float32)
    if arr.ndim < 3 or arr.shape[-1] < 2:
        raise ValueError(f"random_move expects (..., T, J, C>=2), got shape {arr.shape}")
    t = arr.shape[-3]
    w = np.linspace(0.0, 1.0, t)[:, None] if t > 1 else np.zeros((1, 1))
    ends = np.stack([
        rng.uniform(-max_angle, max_angle, 2) * math.pi / 180.0,
        rng.uniform(scale_range[0], scale_range[1], 2),
        rng.uniform(-max_translation, max_translation, 2),
        rng.uniform(-max_translation, max_translation, 2),
    ])  # (4, 2): start / end value of each parameter
    angle, scale, tx, ty = (ends[:, :1].T + w * (ends[:, 1:] - ends[:, :1]).T).T  # each (T,)
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    out = arr.copy()
    px, py = arr[..., 0], arr[..., 1]  # (..., T, J)
    out[..., 0] = cos[:, None] * px - sin[:, None] * py + tx[:, None]
    out[..., 1] = sin[:, None] * px + cos[:, None] * py + ty[:, None]
    return out


def random_rotate_3d(
    x: np.ndarray,
    rng: np.random.Generator,
    max_angle: float = 17.0,
    scale_range: tuple[float, float] = (0.9, 1.1),
) -> np.ndarray:
    """Random rotation about the vertical (y) axis and a random scale of 3D clips (one draw per clip).

    The 3D counterpart of :func:`random_move`: a Kinect skeleton seen from another side stays the same action, so the
    rotation (uniform in ``+-max_angle`` degrees) stands in for unseen camera views; the scale (uniform in
    ``scale_range``) for people of other sizes.

    Args:
        x: ``(..., T, J, 3)`` coordinates (metres, y vertical).
        rng: random generator.
    """
    arr = np.asarray(x)
    if arr.ndim < 3 or arr.shape[-1] != 3:
        raise ValueError(f"random_rotate_3d expects (..., T, J, 3), got shape {arr.shape}")
    a = rng.uniform(-max_angle, max_angle) * math.pi / 180.0
    c, s = math.cos(a), math.sin(a)
    rot = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]) * rng.uniform(*scale_range)
    return (arr @ rot.T.astype(arr.dtype)).astype(arr.dtype)


# ----------------------------------------------------------------------------------------------------------- dataset
def _clip_name(seq: MotionSequence) -> str:
    meta = seq.meta
    return str(meta.get("clip_id") or meta.get("frame_dir") or meta.get("name") or meta.get("source") or "unnamed")


class ActionClipDataset(Dataset):
    """Fixed-length multi-person action clips from :class:`MotionSequence` objects (pipeline in the module docstring).

    With ``normalization=ORTHOGRAPHIC_3D`` 3D skeletons are shown as 2D (:func:`motionhub.processor.orthographic_2d`:
    x, -y, confidence 1) and follow the 2D pipeline above without ``make_cam`` -- the input a 2D-pretrained encoder
    knows. With ``normalization=KINECT_3D`` the clips are 3D skeletons instead (``keypoints_3d`` in mm or m, any layout the
    library converts to H36M-17): :meth:`motionhub.processor.MotionProcessor.prepare_clips` prepares them (metres,
    origin at the first person's first-frame pelvis, y down; the same code inference runs), training adds random
    resampling offsets and :func:`random_rotate_3d`; the channels carry (x, y, z).

    Args:
        sequences: clips with ``keypoints_2d`` ``(M, T, J, 2|3)`` or ``(T, J, 2|3)`` in pixels (``image_size`` set),
            an integer ``label`` and a ``layout`` :func:`motionhub.skeleton.to_h36m` knows (``keypoints_3d`` for
            :data:`~motionhub.processor.KINECT_3D`).
        clip_len: frames per clip (MotionBERT NTU: 243; one-shot: 100). Fixed-length encoders need their
            ``config.maxlen``.
        train: training augmentation (random resampling, random_move, random crop scale).
        num_persons: persons per clip (``M``).
        channels: channels kept (3 = x, y, confidence; 2 = x, y).
        confidence: confidence handling of the H36M conversion (``"average"``, ``"min"``; ``"coco_order"`` for
            models converted from MotionBERT's NTU checkpoints, applied to ``coco-17`` clips only).
        normalization: ``"make_cam"`` (pixels, MotionBERT NTU), ``"none"`` (already normalised coordinates) or
            :data:`~motionhub.processor.KINECT_3D` (3D skeletons).
        train_scale_range / eval_scale_range: ``crop_scale`` ranges (MotionBERT: (1, 3) and (2, 2)).
        use_random_move: apply :func:`random_move` when training.
        label_map: optional ``{original label: training label}`` (e.g. the 100 auxiliary NTU-120 classes -> 0..99);
            clips whose label is not in the map raise.
        seed: base seed of the augmentation (each item draws from ``(seed, epoch, index)``).
        view_rotation: 3D and orthographic clips, training: each clip is turned about the vertical axis by an angle
            uniform in ``+-view_rotation`` degrees (view invariance; ``None``: 17 for 3D clips as before, 0 for
            orthographic ones). The time direction is never changed (sit down must stay unlike stand up).
        eval_rotation: 3D and orthographic clips, evaluation: every clip turned by this fixed angle (degrees), the
            unseen-view protocol (test skeletons seen from an angle no training clip was shown from).
        facing: 3D and orthographic clips: ``"recorded"`` (the camera's view) or ``"front"`` (every clip first turned
            to face the camera, :func:`motionhub.processor.face_front`; saved in the processor, so evaluation and
            inference do the same); view augmentation and the evaluation turn apply around it.
    """

    def __init__(
        self,
        sequences: Sequence[MotionSequence],
        clip_len: int = 243,
        *,
        train: bool = False,
        num_persons: int = 2,
        channels: int = 3,
        confidence: str = "average",
        normalization: str = "make_cam",
        train_scale_range: tuple[float, float] = (1.0, 3.0),
        eval_scale_range: tuple[float, float] = (2.0, 2.0),
        use_random_move: bool = True,
        label_map: dict[int, int] | None = None,
        seed: int = 0,
        view_rotation: float | None = None,
        eval_rotation: float = 0.0,
        facing: str = "recorded",
    ) -> None:
        if clip_len < 1 or num_persons < 1:
            raise ValueError(f"clip_len and num_persons must be >= 1, got {clip_len} and {num_persons}")
        if channels not in (2, 3):
            raise ValueError(f"channels must be 2 (x, y) or 3 (x, y, confidence), got {channels}")
        if normalization not in ("make_cam", "none", KINECT_3D, ORTHOGRAPHIC_3D):
            raise ValueError(f"normalization must be 'make_cam', 'none', {KINECT_3D!r} or {ORTHOGRAPHIC_3D!r}, got "
                             f"{normalization!r}")
        if confidence not in ("average", "min", "coco_order"):
            raise ValueError(f"confidence must be 'average', 'min' or 'coco_order', got {confidence!r}")
        self.sequences = list(sequences)
        three_d = normalization in (KINECT_3D, ORTHOGRAPHIC_3D)
        for i, seq in enumerate(self.sequences):
            if not isinstance(seq, MotionSequence):
                raise ValueError(f"sequence {i} is a {type(seq).__name__}, not a MotionSequence")
            if three_d and seq.keypoints_3d is None:
                raise ValueError(f"sequence {i} ({_clip_name(seq)}) has no keypoints_3d; 3D action clips need them")
            if not three_d and seq.keypoints_2d is None:
                raise ValueError(
                    f"sequence {i} ({_clip_name(seq)}) has no 2D keypoints; 2D action clips are built from "
                    "keypoints_2d (3D skeletons: normalization=KINECT_3D, --input 3d)"
                )
            if seq.label is None:
                raise ValueError(f"sequence {i} ({seq.meta.get('frame_dir', '')}) has no label")
            if three_d and seq.units_3d not in UNITS_TO_MM:
                raise ValueError(f"sequence {i} ({_clip_name(seq)}): 3D action clips must be in mm or m, got "
                                 f"units_3d={seq.units_3d!r}")
            if normalization == "make_cam" and seq.image_size is None:
                raise ValueError(
                    f"sequence {i} has no image_size, needed by normalization='make_cam'; set it or use 'none'"
                )
        if (view_rotation is not None and view_rotation < 0) or not np.isfinite(eval_rotation):
            raise ValueError(f"view_rotation must be >= 0 degrees and eval_rotation finite, got {view_rotation} and "
                             f"{eval_rotation}")
        if not three_d and (view_rotation or eval_rotation):
            raise ValueError("view_rotation / eval_rotation turn 3D skeletons: they need 3D or orthographic clips")
        if facing not in CLIP_FACINGS:
            raise ValueError(f"facing must be one of {CLIP_FACINGS}, got {facing!r}")
        if not three_d and facing != "recorded":
            raise ValueError("facing='front' turns 3D skeletons: it needs 3D or orthographic clips")
        self.facing = facing
        self.clip_normalization = {KINECT_3D: KINECT_3D, ORTHOGRAPHIC_3D: ORTHOGRAPHIC_3D}.get(normalization,
                                                                                               "crop_scale")
        self.view_rotation = float(view_rotation if view_rotation is not None
                                   else (17.0 if normalization == KINECT_3D else 0.0))
        self.eval_rotation = float(eval_rotation)
        self._sequences_3d = None
        self._prefaced = False  # True: self._sequences_3d already face the camera
        if normalization == ORTHOGRAPHIC_3D:  # 3D seen as 2D, then MotionBERT's 2D clip pipeline
            if facing == "front" and (train or not self.eval_rotation):
                # the facing does not depend on the epoch's draw: turn every clip once, not once per item and epoch
                # (an evaluation turn comes before the facing, so evaluation with eval_rotation faces per item)
                self.sequences = [seq.replace(keypoints_3d=face_front(seq.keypoints_3d, seq.layout))
                                  for seq in self.sequences]
                self._prefaced = True
            if self.view_rotation or self.eval_rotation or facing != "recorded":  # turned before the projection
                self._sequences_3d = self.sequences
            self.sequences = [orthographic_2d(seq) for seq in self.sequences]
            normalization = "none"
        self.clip_len = int(clip_len)
        self.train = bool(train)
        self.num_persons = int(num_persons)
        self.channels = int(channels)
        self.confidence = confidence
        self.normalization = normalization
        self.train_scale_range = tuple(train_scale_range)
        self.eval_scale_range = tuple(eval_scale_range)
        self.use_random_move = bool(use_random_move)
        self.label_map = dict(label_map) if label_map is not None else None
        self.seed = int(seed)
        self.epoch = 0
        self.labels = np.array([self._label(s) for s in self.sequences], dtype=np.int64)
        self._processor_3d = MotionProcessor(
            clip_normalization=KINECT_3D, clip_len=self.clip_len, num_persons=self.num_persons,
            num_channels=self.channels, normalization=KINECT_3D, clip_facing=facing,
        ) if self.clip_normalization == KINECT_3D else None

    def processor(self, base: MotionProcessor | None = None) -> MotionProcessor:
        """The inference processor that prepares clips as this dataset does at evaluation (saved with the model)."""
        base = base or MotionProcessor()
        clip_norm = self.clip_normalization
        changes = dict(clip_normalization=clip_norm, clip_len=self.clip_len, num_persons=self.num_persons,
                       confidence=self.confidence, num_channels=self.channels, clip_facing=self.facing)
        if clip_norm == KINECT_3D:
            changes["normalization"] = KINECT_3D
        return base.replace(**changes)

    def _label(self, seq: MotionSequence) -> int:
        label = int(seq.label)
        if self.label_map is None:
            return label
        if label not in self.label_map:
            raise ValueError(f"label {label} of {seq.meta.get('frame_dir', 'a clip')} is not in label_map")
        return int(self.label_map[label])

    def set_epoch(self, epoch: int) -> None:
        """New augmentation draws for every epoch (called by the recipe's callback)."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.sequences)

    def _rng(self, index: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.epoch, index])

    def clip(self, index: int, rng: np.random.Generator | None = None) -> np.ndarray:
        """The processed clip ``(num_persons, clip_len, 17, channels)`` float32."""
        seq = self.sequences[index]
        rng = rng if rng is not None else self._rng(index)
        if self._processor_3d is not None:
            if not self.train and self.eval_rotation:
                # turned before the preparation, exactly as `motionhub evaluate --rotate` turns a saved model's input
                seq = seq.replace(keypoints_3d=yaw_rotate(seq.keypoints_3d, self.eval_rotation))
            kp = self._processor_3d.prepare_clips(seq, rng=rng if self.train else None)[0]
            if self.train:
                kp = random_rotate_3d(kp, rng, max_angle=self.view_rotation)
            return kp.astype(np.float32)
        if self._sequences_3d is not None:
            # the order of `motionhub evaluate --rotate` + the saved processor: evaluation turn, then facing; the
            # training turn (view augmentation) is drawn around the faced clip
            angle = rng.uniform(-self.view_rotation, self.view_rotation) if self.train else self.eval_rotation
            seq3 = self._sequences_3d[index]
            kp3 = seq3.keypoints_3d
            if not self.train and angle:
                kp3 = yaw_rotate(kp3, angle)
            if self.facing == "front" and not self._prefaced:
                kp3 = face_front(kp3, seq3.layout)
            if self.train and angle:
                kp3 = yaw_rotate(kp3, angle)
            if kp3 is not seq3.keypoints_3d:
                seq = orthographic_2d(seq3.replace(keypoints_3d=kp3))
        size = seq.image_size if self.normalization == "make_cam" else None
        kp = motionbert_clip_persons(seq.keypoints_2d, seq.layout, image_size=size, clip_len=self.clip_len,
                                     num_persons=self.num_persons, confidence=self.confidence,
                                     randomness=self.train, rng=rng)
        if self.train:
            if self.use_random_move:
                kp = random_move(kp, rng)
            kp = crop_scale(kp, self.train_scale_range, rng)
        else:
            kp = crop_scale(kp, self.eval_scale_range)
        return kp[..., : self.channels].astype(np.float32)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {"keypoints": torch.from_numpy(self.clip(index)), "labels": torch.tensor(self.labels[index])}


class MPerClassSampler(Sampler[int]):
    """Batches of ``batch_size // m`` distinct classes with ``m`` clips each (positives for the SupCon loss).

    Equivalent in purpose to ``pytorch_metric_learning.samplers.MPerClassSampler`` as MotionBERT's one-shot training
    uses it (``m = 2``, batch 32, ``length_before_new_iter = len(dataset)``). Classes with fewer than ``m`` clips are
    sampled with replacement.

    Args:
        labels: ``(N,)`` label of every clip.
        m: clips per class in a batch.
        batch_size: clips per batch (a multiple of ``m``); the indices come out batch after batch, so use the same
            batch size (and ``drop_last``) in the DataLoader.
        length: indices per epoch (default ``N`` rounded down to whole batches).
        seed: base seed; :meth:`set_epoch` changes the draw.
    """

    def __init__(self, labels: Sequence[int], m: int = 2, batch_size: int = 32, length: int | None = None,
                 seed: int = 0) -> None:
        labels = np.asarray(labels)
        if m < 1 or batch_size < m or batch_size % m:
            raise ValueError(f"batch_size ({batch_size}) must be a positive multiple of m ({m})")
        self.classes = np.unique(labels)
        self.per_batch = batch_size // m
        if self.per_batch > len(self.classes):
            raise ValueError(
                f"batch_size // m = {self.per_batch} classes per batch but only {len(self.classes)} classes exist; "
                "lower batch_size or raise m"
            )
        self.index = {c: np.flatnonzero(labels == c) for c in self.classes}
        self.m, self.batch_size = int(m), int(batch_size)
        n = len(labels) if length is None else int(length)
        self.num_batches = max(n // batch_size, 1)
        self.seed, self.epoch = int(seed), 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.num_batches * self.batch_size

    def __iter__(self):
        rng = np.random.default_rng([self.seed, self.epoch])
        for _ in range(self.num_batches):
            for c in rng.choice(self.classes, size=self.per_batch, replace=False):
                pool = self.index[c]
                yield from rng.choice(pool, size=self.m, replace=len(pool) < self.m).tolist()


# ----------------------------------------------------------------------------------------------------------- metrics
def compute_action_metrics(eval_pred) -> dict[str, float]:
    """``compute_metrics`` for the Trainer: top-1 and top-5 accuracy (fractions) of the classifier logits."""
    from ..metrics import topk_accuracy

    logits = eval_pred.predictions
    if isinstance(logits, (tuple, list)):
        logits = logits[0]
    labels = eval_pred.label_ids
    if isinstance(labels, (tuple, list)):
        labels = labels[0]
    logits = np.asarray(logits)
    k5 = min(5, logits.shape[1])
    acc = topk_accuracy(logits, np.asarray(labels), k=(1, k5))
    return {"top1": acc[1], "top5": acc[k5]}


# ------------------------------------------------------------------------------------------------------------ data
@dataclass
class ActionData:
    """Clips of one action benchmark, ready for :class:`ActionClipDataset`.

    Attributes:
        train / eval: training and evaluation clips.
        class_names: name of every label (``None`` if unknown).
        num_labels: classes the model predicts (100 auxiliary classes for NTU-120 one-shot).
        label_map: original -> training label (one-shot auxiliary classes), else ``None``.
        exemplars: one-shot exemplar clips (one per novel class), else ``None``.
        description: one line for logs and result files.
    """

    train: list[MotionSequence]
    eval: list[MotionSequence]
    class_names: list[str] | None
    num_labels: int
    label_map: dict[int, int] | None = None
    exemplars: list[MotionSequence] | None = None
    description: str = ""


def ntu_split_of(meta: dict, split: str) -> str:
    """``"train"`` or ``"eval"`` for an NTU clip under ``split`` (``xsub``/``xview`` (NTU-60), ``xsub120``/``xset``).

    ``meta`` holds the ids parsed from the clip name (``setup``, ``camera``, ``performer``).
    """
    if not {"setup", "camera", "performer"} <= set(meta):
        raise ValueError(f"clip {meta.get('frame_dir', '?')} has no NTU name (SsssCcccPpppRrrrAaaa) to split by")
    if split == "xsub":
        return "train" if meta["performer"] in NTU60_XSUB_TRAIN_SUBJECTS else "eval"
    if split == "xview":
        return "train" if meta["camera"] in NTU60_XVIEW_TRAIN_CAMERAS else "eval"
    if split == "xsub120":
        return "train" if meta["performer"] in NTU120_XSUB_TRAIN_SUBJECTS else "eval"
    if split == "xset":
        return "train" if meta["setup"] % 2 == 0 else "eval"
    raise ValueError(f"unknown NTU split {split!r}; use xsub, xview, xsub120 or xset")


def _load_ntu_clips(data: str | Path, layout: str | None = None) -> tuple[list[MotionSequence], dict[str, list[int]]]:
    from ..formats.ntu import load_ntu_skeleton, load_pyskl

    path = Path(data)
    if path.is_dir():
        files = sorted(path.rglob("*.skeleton"))
        if not files:
            raise FileNotFoundError(f"{path} holds no .skeleton files")
        return [load_ntu_skeleton(f) for f in files], {}
    if not path.is_file():
        raise FileNotFoundError(f"NTU data not found: {path} (a PYSKL .pkl or a folder of .skeleton files)")
    ds = load_pyskl(path, layout=layout)
    return list(ds.sequences), dict(ds.splits)


def resolve_dataset(dataset: str, data: str | Path) -> str:
    """``dataset="auto"`` -> ``"ntu"`` for PYSKL pickles and ``.skeleton`` folders, ``"penn"`` for Penn Action,
    else ``"generic"`` (any labelled dataset); other values are returned unchanged."""
    if dataset != "auto":
        return dataset
    path = Path(data)
    if path.is_dir() and next(path.rglob("*.skeleton"), None) is not None:
        return "ntu"
    if path.suffix.lower() in (".pkl", ".pickle"):
        return "ntu"
    from ..formats import detect_format

    try:
        fmt = detect_format(path)
    except (ValueError, OSError):
        return "generic"
    return "penn" if fmt == "penn_action" else "generic"


def load_action_data(
    dataset: str,
    data: str | Path,
    split: str | None = None,
    *,
    oneshot: bool = False,
    oneshot_data: str | Path | None = None,
    split_by: str | None = None,
    train_values: Sequence[Any] | None = None,
    test_values: Sequence[Any] | None = None,
    layout: str | None = None,
    novel_classes: Sequence[Any] | None = None,
    shots: int = 1,
    eval_data: str | Path | None = None,
) -> ActionData:
    """Load an action dataset into :class:`ActionData`.

    Args:
        dataset: ``"auto"`` (from the file: PYSKL pickles and ``.skeleton`` folders are NTU, Penn Action folders /
            npz are Penn, everything else is a labelled dataset of :func:`motionhub.formats.load_motion`),
            ``"ntu"`` (NTU RGB+D 60/120: PYSKL ``.pkl`` or a folder of raw ``.skeleton`` files), ``"penn"`` (Penn
            Action folder / npz, official train/test split) or ``"generic"``: any labelled
            :class:`~motionhub.formats.MotionDataset` a reader returns -- the generic npz (many clips in one file,
            or a folder of labelled clips, :mod:`motionhub.formats.generic`), the Kinect action sets, PYSKL files of
            other datasets.
        data: the file or folder.
        split: NTU protocol: ``xsub``/``xview`` (default ``xsub``; the pkl's ``<split>_train``/``<split>_val``
            lists, or the NTU ids for ``.skeleton`` folders), ``xsub120``/``xset`` for NTU-120 (NTU ids). Generic
            data: the named split to evaluate on when ``split_by`` is not given (the other clips train).
        oneshot: NTU-120 one-shot protocol: train on the 100 auxiliary classes (relabelled 0..99), evaluate the 20
            novel classes :data:`NTU120_ONESHOT_NOVEL_CLASSES` by 1-NN against one exemplar per class.
        oneshot_data: MotionBERT's ``ntu120_hrnet_oneshot.pkl`` (splits ``oneshot_train`` = exemplars,
            ``oneshot_val`` = queries). Without it (and without those splits in ``data``) the first clip of each
            novel class in name order is its exemplar and the remaining novel clips are the queries.
        split_by / train_values / test_values: generic data: train on the clips whose field ``split_by``
            (``view``, ``subject``, ``split``, ...) is one of ``train_values`` and evaluate on ``test_values``
            (default: every other value), e.g. ``split_by="view", train_values=[1, 2], test_values=[3]``. Without
            ``split_by`` the dataset's ``train`` / ``test`` splits are used.
        layout: joint layout of PYSKL keypoints whose joint count is not one of PYSKL's conventions.
        novel_classes / shots: one-shot on generic data (``oneshot=True``): the embedding trains on the training
            clips of the other classes (relabelled 0..K-1); the ``shots`` first training clips (in clip-id order)
            of each novel class (names or ids) are the exemplars, the evaluation clips of the novel classes the
            queries.
        eval_data: labelled data kept in a second file or folder (the common ``train/`` + ``test/`` layout):
            every clip of ``data`` trains and every clip of ``eval_data`` evaluates; the class names (or label
            ranges) must agree. Not combined with ``split`` / ``split_by``.

    Raises:
        ValueError: unknown dataset, a split that leaves no training or no evaluation clip, a split field or value
            the data does not have (the message lists what it has), or train and test sharing clips.
    """
    dataset = resolve_dataset(dataset, data)
    if dataset == "penn":
        from ..formats.penn import load_penn_action_dataset

        ds = load_penn_action_dataset(data)
        train, test = ds.split("train"), ds.split("test")
        return ActionData(list(train.sequences), list(test.sequences), ds.class_names, len(ds.class_names),
                          description=f"Penn Action official split: {len(train)} train / {len(test)} test videos")
    if eval_data is not None:
        if dataset != "generic" or resolve_dataset("auto", eval_data) != "generic":
            raise ValueError("eval_data (--eval-data) is for labelled datasets in two folders/files; NTU and Penn "
                             "Action come with their own splits (--split)")
        if split is not None or split_by is not None:
            raise ValueError("eval_data (--eval-data) already says which clips evaluate: drop --split / --split-by")
        generic = _two_part_data(data, eval_data, layout)
        return _generic_oneshot(generic, novel_classes, shots) if oneshot else generic
    if dataset == "generic":
        generic = _generic_data(data, split, split_by, train_values, test_values, layout)
        return _generic_oneshot(generic, novel_classes, shots) if oneshot else generic
    if novel_classes:
        raise ValueError("novel_classes (--novel-classes) is the one-shot protocol of labelled datasets; NTU-120 "
                         "one-shot uses its own 20 novel classes")
    if dataset != "ntu":
        raise ValueError(f"dataset must be 'auto', 'ntu', 'penn' or 'generic', got {dataset!r}")
    split = split or "xsub"
    seqs, splits = _load_ntu_clips(data, layout)
    if oneshot:
        return _oneshot_data(seqs, splits, oneshot_data)
    if f"{split}_train" in splits and f"{split}_val" in splits:
        train = [seqs[i] for i in splits[f"{split}_train"]]
        test = [seqs[i] for i in splits[f"{split}_val"]]
    else:
        parts = [ntu_split_of(s.meta, split) for s in seqs]
        train = [s for s, p in zip(seqs, parts) if p == "train"]
        test = [s for s, p in zip(seqs, parts) if p == "eval"]
    if not train or not test:
        raise ValueError(f"split {split!r} of {data} leaves {len(train)} training and {len(test)} evaluation clips")
    num_labels = max(int(s.label) for s in seqs) + 1
    num_labels = 60 if num_labels <= 60 else 120
    return ActionData(train, test, None, num_labels,
                      description=f"NTU {split}: {len(train)} train / {len(test)} eval clips, {num_labels} classes")


def _labelled_dataset(path: Path, layout: str | None):
    from ..formats import MotionDataset, load_motion

    if not path.exists():
        raise FileNotFoundError(f"action data not found: {path}")
    kwargs = {"layout": layout} if layout and path.suffix.lower() in (".pkl", ".pickle") else {}
    ds = load_motion(path, **kwargs)
    if not isinstance(ds, MotionDataset):
        raise ValueError(
            f"{path} is not a labelled dataset: action finetuning needs clips with a 'label' (a many-clip generic npz "
            "with 'offsets' and 'label', a folder of labelled generic npz clips, or a dataset file; see "
            "motionhub.formats.generic)"
        )
    if not len(ds):
        raise ValueError(f"{path} holds no clips")
    if any(s.label is None for s in ds.sequences):
        raise ValueError(f"{path}: some clips have no label; every clip of a training set needs one")
    return ds


def _two_part_data(data, eval_data, layout) -> ActionData:
    train_path, eval_path = Path(data), Path(eval_data)
    if train_path.resolve() == eval_path.resolve():
        raise ValueError(f"--data and --eval-data are the same ({train_path}): evaluate on clips it did not train on")
    train, test = _labelled_dataset(train_path, layout), _labelled_dataset(eval_path, layout)
    names = list(train.class_names) if train.class_names else None
    eval_names = list(test.class_names) if test.class_names else None
    if names and eval_names and names != eval_names:
        raise ValueError(f"{train_path} and {eval_path} name their classes differently ({names} vs {eval_names}): "
                         "the same label must mean the same class in both")
    names = names or eval_names
    labels = [int(s.label) for s in (*train.sequences, *test.sequences)]
    num_labels = len(names) if names else max(labels) + 1
    if max(labels) >= num_labels:
        raise ValueError(f"label {max(labels)} but only {num_labels} class names")
    unseen = sorted({int(s.label) for s in test.sequences} - {int(s.label) for s in train.sequences})
    note = f"; evaluation classes never trained on: {unseen}" if unseen else ""
    kind = "3D" if all(s.keypoints_3d is not None for s in train.sequences) else "2D"
    return ActionData(list(train.sequences), list(test.sequences), names, num_labels,
                      description=f"{train_path.name} -> {eval_path.name}: {len(train)} train / {len(test)} eval "
                                  f"clips, {num_labels} classes, {kind}{note}")


def _generic_data(data, split, split_by, train_values, test_values, layout) -> ActionData:
    path = Path(data)
    ds = _labelled_dataset(path, layout)
    if split_by is not None:
        if not train_values:
            raise ValueError(f"--split-by {split_by} needs the training values (--train V [V ...])")
        train = ds.select(split_by, list(train_values))
        if test_values:
            test = ds.select(split_by, list(test_values))
        else:  # every other value
            rest = [v for v in ds.field_values(split_by) if str(v) not in {str(t) for t in train_values}]
            if not rest:
                raise ValueError(f"--train {' '.join(map(str, train_values))} covers every {split_by} value; "
                                 f"leave one for --test (values: {[str(v) for v in ds.field_values(split_by)]})")
            test = ds.select(split_by, rest)
        how = f"{split_by} {','.join(map(str, train_values))} -> {test.meta.get('split', '')}"
    else:
        test_name = split or "test"
        names = set(ds.splits) | {str(v) for v in ds.field_values("split")}
        if test_name not in names or "train" not in names:
            fields = sorted({k for s in ds.sequences for k, v in s.meta.items() if isinstance(v, (int, str))
                             and k not in ("name", "clip_id", "source", "format", "frame_dir")})
            raise ValueError(
                f"{path} has no 'train' and {test_name!r} splits (splits: {sorted(names)}); choose the split with "
                f"--split-by FIELD --train V [V ...] [--test V ...] (per-clip fields: {fields}), or keep the "
                "evaluation clips in a second folder: --eval-data TEST_DIR"
            )
        train, test = ds.select("train"), ds.select(test_name)
        how = f"splits train -> {test_name}"
    ids = {id(s) for s in train.sequences}
    if any(id(s) in ids for s in test.sequences):
        raise ValueError(f"the training and evaluation clips overlap ({how}); choose disjoint values")
    if not len(train) or not len(test):
        raise ValueError(f"{how} leaves {len(train)} training and {len(test)} evaluation clips")
    labels = [int(s.label) for s in ds.sequences]
    names = list(ds.class_names) if ds.class_names else None
    num_labels = len(names) if names else max(labels) + 1
    if max(labels) >= num_labels:
        raise ValueError(f"{path}: label {max(labels)} but only {num_labels} class names")
    dropped = ds.meta.get("dropped") or []
    note = f"; {len(dropped)} clip(s) without a tracked frame left out" if dropped else ""
    kind = "3D" if all(s.keypoints_3d is not None for s in ds.sequences) else "2D"
    return ActionData(list(train.sequences), list(test.sequences), names, num_labels,
                      description=f"{path.name}: {len(train)} train / {len(test)} eval clips ({how}), {num_labels} "
                                  f"classes, {kind}{note}")


def _generic_oneshot(data: ActionData, novel_classes: Sequence[Any] | None, shots: int) -> ActionData:
    names = list(data.class_names or [])
    if not novel_classes:
        raise ValueError(f"one-shot on a labelled dataset needs the novel classes (--novel-classes NAME ...); the "
                         f"classes are {names or list(range(data.num_labels))}")
    novel = set()
    for c in novel_classes:
        if str(c) in names:
            novel.add(names.index(str(c)))
        elif str(c).isdigit() and int(c) < data.num_labels:
            novel.add(int(c))
        else:
            raise ValueError(f"unknown class {c!r}; the classes are {names or list(range(data.num_labels))}")
    if len(novel) >= data.num_labels - 1:
        raise ValueError(f"{len(novel)} novel classes of {data.num_labels} leave fewer than 2 classes to train the "
                         "embedding on")
    if shots < 1:
        raise ValueError(f"shots must be >= 1, got {shots}")
    aux = [c for c in range(data.num_labels) if c not in novel]
    label_map = {old: new for new, old in enumerate(aux)}
    train = [s for s in data.train if int(s.label) in label_map]
    exemplars = []
    for c in sorted(novel):
        pool = sorted((s for s in data.train if int(s.label) == c), key=_clip_name)
        if len(pool) < shots:
            raise ValueError(f"novel class {names[c] if names else c} has {len(pool)} training clip(s), fewer than "
                             f"--shots {shots}")
        exemplars += pool[:shots]
    queries = [s for s in data.eval if int(s.label) in novel]
    if not queries:
        raise ValueError("the evaluation clips hold no clip of the novel classes")
    shown = [names[c] if names else str(c) for c in sorted(novel)]
    return ActionData(train, queries, data.class_names, len(aux), label_map=label_map, exemplars=exemplars,
                      description=(f"{data.description}; one-shot: embedding on {len(aux)} classes ({len(train)} "
                                   f"clips), {len(exemplars)} exemplar(s) of {', '.join(shown)}, {len(queries)} "
                                   "queries"))


def _oneshot_data(seqs, splits, oneshot_data) -> ActionData:
    novel = set(NTU120_ONESHOT_NOVEL_CLASSES)
    aux_labels = sorted({int(s.label) for s in seqs if int(s.label) not in novel})
    label_map = {old: new for new, old in enumerate(sorted(set(range(120)) - novel))}
    train = [s for s in seqs if int(s.label) not in novel]
    if oneshot_data is not None:
        one, one_splits = _load_ntu_clips(oneshot_data)
    else:
        one, one_splits = seqs, splits
    if "oneshot_train" in one_splits and "oneshot_val" in one_splits:
        exemplars = [one[i] for i in one_splits["oneshot_train"]]
        queries = [one[i] for i in one_splits["oneshot_val"]]
    else:
        pool = sorted((s for s in one if int(s.label) in novel), key=lambda s: str(s.meta.get("frame_dir", "")))
        exemplars, queries, seen = [], [], set()
        for s in pool:
            (queries if int(s.label) in seen else exemplars).append(s)
            seen.add(int(s.label))
    if not train or not exemplars or not queries:
        raise ValueError(
            f"one-shot data needs auxiliary clips, exemplars and queries; got {len(train)}, {len(exemplars)} and "
            f"{len(queries)} (novel classes are {sorted(novel)})"
        )
    return ActionData(
        train, queries, None, len(label_map), label_map=label_map, exemplars=exemplars,
        description=(f"NTU-120 one-shot: {len(train)} auxiliary clips ({len(aux_labels)} classes), "
                     f"{len(exemplars)} exemplars, {len(queries)} queries"),
    )


# ------------------------------------------------------------------------------------------------------------ recipe
@dataclass
class FinetuneResult:
    """What :func:`finetune_action` returns.

    Attributes:
        metrics: final evaluation metrics (``eval_top1``/``eval_top5`` or ``eval_oneshot_accuracy``, ``eval_loss``).
        train_metrics: the Trainer's training summary (``train_loss``, ``train_runtime``, ...).
        output_dir: where checkpoints, the final model and ``results.json`` are.
        trainer: the :class:`~motionhub.tasks.trainer.MotionTrainer` (model in ``trainer.model``).
    """

    metrics: dict[str, float]
    train_metrics: dict[str, float]
    output_dir: str
    trainer: Any = field(repr=False, default=None)


def _epoch_callback(datasets: Sequence[Any]):
    from transformers import TrainerCallback

    class _SetEpoch(TrainerCallback):
        """Give the datasets/samplers the epoch so that augmentation draws change between epochs."""

        def on_epoch_begin(self, args, state, control, **kwargs):
            for d in datasets:
                if hasattr(d, "set_epoch"):
                    d.set_epoch(int(state.epoch or 0))

    return _SetEpoch()


def finetune_action(
    model,
    train_dataset: Dataset,
    eval_dataset: Dataset | None = None,
    *,
    output_dir: str | os.PathLike,
    head_lr: float = 1e-3,
    backbone_lr_ratio: float = 0.1,
    weight_decay: float = 0.01,
    lr_decay: float | None = 0.99,
    epochs: float = 30,
    batch_size: int = 32,
    eval_batch_size: int | None = None,
    freeze_backbone: bool = False,
    max_steps: int = -1,
    resume_from_checkpoint: str | bool | None = None,
    exemplar_dataset: Dataset | None = None,
    samples_per_class: int = 2,
    seed: int = 0,
    num_workers: int = 0,
    logging_steps: int = 10,
    save_total_limit: int | None = 2,
    disable_tqdm: bool | None = None,
    evaluate_every_epoch: bool = True,
    callbacks: Sequence[Any] | None = None,
    **training_args,
) -> FinetuneResult:
    """Finetune an action model with MotionBERT's recipe on ``transformers.Trainer``.

    AdamW with two groups (backbone ``backbone_lr_ratio * head_lr``, head ``head_lr``; weight decay 0.01), LR x
    ``lr_decay`` after every epoch, CE loss (``<Encoder>ForActionClassification``, top-1/top-5 evaluation) or SupCon
    loss with ``m``-per-class batches (``<Encoder>ForActionEmbedding``, one-shot 1-NN evaluation against
    ``exemplar_dataset``). Checkpoints every epoch in ``output_dir`` (resume with ``resume_from_checkpoint=True``),
    the final model in ``output_dir/final`` and the metrics in ``output_dir/results.json``.

    Args:
        model: a ``<Encoder>ForActionClassification`` / ``ForActionEmbedding`` model.
        train_dataset / eval_dataset: :class:`ActionClipDataset` (train / eval mode) or any dataset of
            ``{"keypoints", "labels"}`` items.
        output_dir: run folder.
        head_lr: head learning rate (MotionBERT finetuning: 1e-3).
        backbone_lr_ratio: backbone LR / head LR (MotionBERT: 0.1; from scratch it uses 1e-4 for both, ratio 1).
        weight_decay: AdamW weight decay.
        lr_decay: per-epoch LR factor (MotionBERT: 0.99); ``None`` = constant LR.
        epochs: training epochs (MotionBERT: 300 for NTU-60, 50 one-shot).
        batch_size: clips per device and step (MotionBERT: 32).
        eval_batch_size: evaluation batch size (default ``batch_size``).
        freeze_backbone: train the head only (``model.freeze_backbone()``).
        max_steps: stop after this many optimiser steps (overrides ``epochs``; -1 = off).
        resume_from_checkpoint: a checkpoint folder, or True for the newest *complete* one in ``output_dir``
            (:func:`motionhub.tasks.trainer.latest_checkpoint`: checkpoints damaged by a kill during saving are
            skipped with a message; which one is used is printed).
        exemplar_dataset: one-shot exemplars (embedding models): evaluation runs the one-shot protocol with
            ``eval_dataset`` as queries.
        samples_per_class: ``m`` of the :class:`MPerClassSampler` (embedding models).
        seed: seed of the Trainer (init, shuffling).
        num_workers: DataLoader workers.
        logging_steps: log every this many steps.
        save_total_limit: checkpoints kept.
        disable_tqdm: hide progress bars (default: the Trainer's choice).
        evaluate_every_epoch: evaluate (and pick the best checkpoint) after every epoch, else only at the end.
        callbacks: extra ``TrainerCallback`` objects.
        **training_args: further ``transformers.TrainingArguments`` fields (``gradient_accumulation_steps``,
            ``bf16``, ``report_to``, ...).

    Returns:
        :class:`FinetuneResult`.
    """
    from transformers import TrainingArguments

    from ..heads import OneShotEvaluator

    embedding = hasattr(model, "embedding_head")
    if embedding and exemplar_dataset is None and eval_dataset is not None:
        raise ValueError("an embedding model is evaluated with the one-shot protocol: pass exemplar_dataset too")
    if freeze_backbone:
        model.freeze_backbone()
    output_dir = str(output_dir)
    has_eval = eval_dataset is not None
    strategy = "epoch" if (has_eval and evaluate_every_epoch) else "no"
    metric = "oneshot_accuracy" if embedding else "top1"
    defaults = dict(
        output_dir=output_dir,
        learning_rate=head_lr,
        weight_decay=weight_decay,
        num_train_epochs=epochs,
        max_steps=max_steps,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=eval_batch_size or batch_size,
        eval_strategy=strategy,
        save_strategy="epoch",
        save_total_limit=save_total_limit,
        load_best_model_at_end=strategy != "no",
        metric_for_best_model=metric if strategy != "no" else None,
        greater_is_better=True,
        logging_steps=logging_steps,
        seed=seed,
        dataloader_drop_last=True,  # BatchNorm in the classifier needs > 1 clip per training batch
        dataloader_num_workers=num_workers,
        dataloader_pin_memory=torch.cuda.is_available(),
        report_to="none",
        disable_tqdm=disable_tqdm,
        lr_scheduler_type="constant",
    )
    if max_steps > 0:  # step-limited runs (smoke tests) save at the end only
        defaults.update(save_strategy="steps", save_steps=max_steps)
        if strategy != "no":
            defaults.update(eval_strategy="steps", eval_steps=max_steps)
    defaults.update(training_args)
    args = TrainingArguments(**{k: v for k, v in defaults.items() if v is not None or k == "disable_tqdm"})

    evaluate_fn = sampler = None
    if embedding:
        labels = getattr(train_dataset, "labels", None)
        if labels is None:
            labels = [int(train_dataset[i]["labels"]) for i in range(len(train_dataset))]
        sampler = MPerClassSampler(labels, m=samples_per_class, batch_size=batch_size, seed=seed)
        if has_eval:
            def evaluate_fn(m):
                result = OneShotEvaluator(m, batch_size=args.per_device_eval_batch_size).evaluate(
                    exemplar_dataset, eval_dataset
                )
                return {"oneshot_accuracy": result.accuracy}
    trainer = MotionTrainer(
        model=model,
        args=args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        compute_metrics=None if embedding else compute_action_metrics,
        backbone_lr_ratio=backbone_lr_ratio,
        lr_decay_per_epoch=lr_decay,
        evaluate_fn=evaluate_fn,
        train_sampler=sampler,
        callbacks=[_epoch_callback([train_dataset, sampler]), *(callbacks or [])],
    )
    if isinstance(train_dataset, ActionClipDataset):
        # How clips were prepared travels with the weights, so inference (ActionPipeline, `motionhub classify` /
        # `evaluate`) prepares them the same way without extra flags.
        config = trainer.model.config if hasattr(trainer.model, "config") else model.config
        config.action_normalization = train_dataset.clip_normalization
        if config.action_normalization == KINECT_3D:
            config.input_normalization = KINECT_3D
        config.action_clip_len = int(train_dataset.clip_len)
        config.action_num_persons = int(train_dataset.num_persons)
    from .trainer import resolve_resume

    train_output = trainer.train(resume_from_checkpoint=resolve_resume(resume_from_checkpoint, output_dir))
    metrics = trainer.evaluate() if has_eval else {}
    trainer.save_model(os.path.join(output_dir, "final"))
    if isinstance(train_dataset, ActionClipDataset) and trainer.is_world_process_zero():
        # the processor beside the weights (preprocessor_config.json) is what inference reads first
        config = trainer.model.config if hasattr(trainer.model, "config") else model.config
        train_dataset.processor(MotionProcessor.from_model_config(config)).save_pretrained(
            os.path.join(output_dir, "final"))
    result = FinetuneResult(dict(metrics), dict(train_output.metrics), output_dir, trainer)
    if trainer.is_world_process_zero():
        from motionhub.io_utils import atomic_write

        with atomic_write(os.path.join(output_dir, "results.json")) as fh:
            json.dump({"eval": result.metrics, "train": result.train_metrics}, fh, indent=2, default=float)
    return result

