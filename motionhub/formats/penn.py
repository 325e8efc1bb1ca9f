# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Penn Action 2D keypoints (``penn_action_keypoints.npz`` + ``penn_action_meta.json``).

The npz concatenates all frames: ``keypoints`` float32 ``(sum_T, 13, 2)`` pixels, ``visibility`` uint8
``(sum_T, 13)``, ``bbox`` ``(sum_T, 4)`` (x1, y1, x2, y2), ``offsets`` ``(N+1,)``; per video ``video_id``, ``action``,
``label`` (0..14), ``pose_view``, ``train`` (1 train / -1 test: the official split, 1,258 / 1,068 videos), ``height``,
``width``, ``nframes``. 13 joints (``penn-13``): head, left/right shoulder, elbow, wrist, hip, knee, ankle. Videos
are ~30 fps (not stored). Research-only data: not shipped with motionhub.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import MotionDataset, MotionSequence
from .registry import MotionFormat, register_format

__all__ = ["PENN_CLASSES", "PENN_FPS", "load_penn_action", "load_penn_action_dataset", "penn_action_split"]

PENN_FPS = 30.0
PENN_CLASSES = (
    "baseball_pitch", "baseball_swing", "bench_press", "bowl", "clean_and_jerk", "golf_swing", "jump_rope",
    "jumping_jacks", "pullup", "pushup", "situp", "squat", "strum_guitar", "tennis_forehand", "tennis_serve",
)  # fmt: skip
"""The 15 Penn Action classes in label order."""


def _npz(path: str | Path) -> Path:
    path = Path(path)
    return path / "penn_action_keypoints.npz" if path.is_dir() else path


def load_penn_action(
    path: str | Path,
    split: str | None = None,
    invisible: str = "keep",
) -> list[MotionSequence]:
    """Read Penn Action videos.

    Args:
        path: ``penn_action_keypoints.npz`` or its folder.
        split: ``"train"``, ``"test"`` or None (all, in file order).
        invisible: joints annotated as invisible: ``"keep"`` (the annotated position, confidence 0 -- Penn still
            places them) or ``"nan"``.

    Returns:
        One :class:`MotionSequence` per video: ``keypoints_2d`` ``(T, 13, 3)`` = (x px, y px, visibility 0/1),
        layout ``penn-13``, fps 30 (nominal), ``image_size`` (w, h), ``label`` 0..14; ``meta`` ``video_id``,
        ``action``, ``pose_view``, ``split``, ``bbox`` ``(T, 4)``.
    """
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be 'train', 'test' or None, got {split!r}")
    if invisible not in ("keep", "nan"):
        raise ValueError(f"invisible must be 'keep' or 'nan', got {invisible!r}")
    path = _npz(path)
    with np.load(path, allow_pickle=False) as z:
        need = ("keypoints", "visibility", "offsets", "label", "train", "width", "height")
        missing = [k for k in need if k not in z.files]
        if missing:
            raise ValueError(f"{path}: not the Penn Action npz; missing {missing}")
        kp = z["keypoints"]
        vis = z["visibility"]
        bbox = z["bbox"] if "bbox" in z.files else None
        off = z["offsets"]
        per_video = {k: z[k] for k in ("video_id", "action", "label", "pose_view", "train", "height", "width")
                     if k in z.files}  # fmt: skip
    out = []
    for i in range(len(off) - 1):
        is_train = int(per_video["train"][i]) == 1
        if split is not None and (split == "train") != is_train:
            continue
        a, b = int(off[i]), int(off[i + 1])
        xy = kp[a:b].astype(np.float32)
        v = vis[a:b].astype(np.float32)
        if invisible == "nan":
            xy = np.where(v[..., None] > 0, xy, np.nan)
        label = int(per_video["label"][i])
        out.append(
            MotionSequence(
                keypoints_2d=np.concatenate([xy, v[..., None]], axis=-1),
                layout="penn-13",
                fps=PENN_FPS,
                image_size=(int(per_video["width"][i]), int(per_video["height"][i])),
                label=label,
                meta={
                    "format": "penn_action",
                    "video_id": str(per_video["video_id"][i]) if "video_id" in per_video else f"{i + 1:04d}",
                    "action": str(per_video["action"][i]) if "action" in per_video else PENN_CLASSES[label],
                    "pose_view": str(per_video["pose_view"][i]) if "pose_view" in per_video else None,
                    "split": "train" if is_train else "test",
                    "bbox": None if bbox is None else bbox[a:b].astype(np.float32),
                },
            )
        )
    return out


def penn_action_split(path: str | Path) -> dict[str, list[str]]:
    """Official split: ``{"train": [video_id, ...], "test": [...]}``."""
    with np.load(_npz(path), allow_pickle=False) as z:
        ids = [str(v) for v in z["video_id"]]
        train = z["train"]
    return {
        "train": [v for v, t in zip(ids, train) if int(t) == 1],
        "test": [v for v, t in zip(ids, train) if int(t) != 1],
    }


def load_penn_action_dataset(path: str | Path, invisible: str = "keep") -> MotionDataset:
    """All Penn Action videos as a :class:`MotionDataset` with the official ``train``/``test`` splits and the
    15 class names (from ``penn_action_meta.json`` when present)."""
    seqs = load_penn_action(path, invisible=invisible)
    meta_path = _npz(path).with_name("penn_action_meta.json")
    classes = list(PENN_CLASSES)
    if meta_path.exists():
        classes = json.loads(meta_path.read_text()).get("classes", classes)
    splits = {
        "train": [i for i, s in enumerate(seqs) if s.meta["split"] == "train"],
        "test": [i for i, s in enumerate(seqs) if s.meta["split"] == "test"],
    }
    return MotionDataset(seqs, splits, classes, {"source": str(_npz(path))})


def _load_penn(path: str | Path, **kwargs):
    path = Path(path)
    return load_penn_action(path.with_suffix(".npz") if path.suffix.lower() == ".json" else path, **kwargs)


def _is_labelled_set_json(content, path: Path) -> bool:
    return isinstance(content, dict) and "classes" in content and path.with_suffix(".npz").exists()


register_format(MotionFormat(
    "penn_action", _load_penn, suffixes=(".npz", ".json"), priority=40,
    recognizes=lambda content, path: (
        (isinstance(content, set) and {"keypoints", "visibility", "offsets"} <= content)
        or (_is_labelled_set_json(content, path) and path.name.startswith("penn"))),
    recognizes_folder=lambda path, names: "penn_action_keypoints.npz" in names,
    description="Penn Action keypoints (npz + classes json)",
))
