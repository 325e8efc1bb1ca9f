# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Metrics of the pipelines on data with ground truth (``motionhub evaluate``): lifting (MPJPE family, one procedure
for every protocol), action classification (top-k) and one-shot recognition."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..formats.base import MotionSequence
from ..processor import UNITS_TO_MM, convert_layout
from .action import ActionPipeline
from ..world import DEFAULT_SMOOTH_SECONDS
from .lifting import PoseLiftingPipeline

__all__ = ["LIFTING_PROTOCOLS", "evaluate_action", "evaluate_lifting", "evaluate_lifting_files", "evaluate_oneshot"]


LIFTING_PROTOCOLS = ("auto", "metric", "scale", "camera")
"""How :func:`evaluate_lifting` brings the prediction into the ground truth's units:

* ``"metric"``: the model predicts metric units (``config.output_units`` ``"m"``/``"mm"``: motionhub's own lifting
  checkpoints and the embedded default predict metres, P-STMO/MPM too); the prediction is only converted to the
  ground truth's unit (m -> mm: x 1000). No ground-truth information is used.
* ``"camera"``: normalised predictions (MotionBERT-style DSTformers) -> pixels (x pixels-per-unit of the input
  normalisation) -> the ground truth's unit with the pinhole rule ``mm = px * Z_root / f`` (``Z_root`` = ground-truth
  pelvis depth of the frame, absolute camera-frame ground truth needed; ``f`` = focal length in pixels from the file's
  ``meta_json`` ``camera.focal_px`` or ``focal=``). This is MotionBERT's "2.5D factor" idea with a pinhole camera.
* ``"scale"``: one least-squares scale per sequence, ``s = Σ<P, G> / Σ<P, P>`` over all frames and joints of the
  root-relative prediction ``P`` and ground truth ``G`` (fitted on the ground truth; use when nothing else applies).
* ``"auto"``: ``metric`` when the model predicts metric units, else ``camera`` when a focal length and an absolute
  root depth are available, else ``scale``.
"""



def _gt_focal(seq: MotionSequence, focal: float | None) -> float | None:
    if focal is not None:
        return float(focal)
    cam = seq.meta.get("camera")
    if isinstance(cam, dict):
        f = cam.get("focal_px", cam.get("focal", cam.get("f")))
        if f is not None:
            return float(np.mean(np.asarray(f, dtype=np.float64)))
    return None


def _lifting_errors(pred: np.ndarray, gt: np.ndarray) -> dict[str, np.ndarray]:
    from ..metrics import acceleration_error, mpjpe, n_mpjpe, p_mpjpe

    errs = {"mpjpe": mpjpe(pred, gt), "p_mpjpe": p_mpjpe(pred, gt), "n_mpjpe": n_mpjpe(pred, gt)}
    errs["accel_error"] = acceleration_error(pred, gt) if len(pred) >= 3 else np.zeros(0)
    return errs


def evaluate_lifting(
    pipeline: PoseLiftingPipeline,
    sequences: Sequence[MotionSequence],
    protocol: str = "auto",
    *,
    focal: float | None = None,
    progress: bool = True,
    trajectory: bool = False,
) -> dict[str, Any]:
    """3D pose metrics of a lifting pipeline on sequences with 2D input and 3D ground truth (``motionhub evaluate``).

    Every sequence is lifted whole by ``pipeline`` (its windows, stride, flip and normalisation), the ground truth is
    converted to the output layout and made root-relative (joint 0), frames whose ground truth has a NaN are skipped,
    and the prediction is brought into the ground truth's units by ``protocol`` (:data:`LIFTING_PROTOCOLS`).

    Args:
        pipeline: a :class:`PoseLiftingPipeline`.
        sequences: :class:`~motionhub.formats.MotionSequence` objects with ``keypoints_2d`` and ``keypoints_3d``
            (``units_3d`` mm or m; multi-person sequences count every person).
        protocol: ``"auto"``, ``"metric"``, ``"camera"`` or ``"scale"``.
        focal: focal length in pixels for ``"camera"`` and ``trajectory`` (default: the file's camera metadata).
        progress: progress bar over sequences.
        trajectory: also place the prediction in the camera (:mod:`motionhub.world`, the intrinsics of the file's
            ``meta_json`` ``camera`` or ``focal``) and report ``root_error`` (pelvis position), ``camera_mpjpe``
            (pose + root against the absolute camera-space ground truth), the same two for the bone-ratio baseline
            (``*_baseline``) and, when the file's camera has ``world_up_camera``, ``up_error_deg`` (angle between
            the fitted floor normal and the true up). Needs absolute camera-space ground truth and a metric model.

    Returns:
        ``{"mpjpe", "p_mpjpe", "pa_mpjpe", "n_mpjpe", "accel_error"}`` frame-weighted means over all sequences, in
        ``units`` (the ground truth's: ``"mm"`` or ``"m"``; acceleration error per frame²), plus ``protocol`` (the rule
        used), ``num_sequences``, ``num_frames`` and ``per_sequence`` (source, frames, metrics, rule, scale). A
        metric that no frame defines (the acceleration error of sequences shorter than 3 frames) is ``None``, with
        an explanation in ``notes``.
        ``pa_mpjpe`` equals ``p_mpjpe`` (both are the Procrustes-aligned error, "Protocol #2").
    """
    from tqdm.auto import tqdm

    if protocol not in LIFTING_PROTOCOLS:
        raise ValueError(f"protocol must be one of {LIFTING_PROTOCOLS}, got {protocol!r}")
    sequences = list(sequences)
    if not sequences:
        raise ValueError("no sequences to evaluate")
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    per_seq, gt_units, used = [], None, set()
    for seq in tqdm(sequences, desc="evaluating", disable=not progress or len(sequences) < 2, leave=False):
        source = seq.meta.get("source", "")
        if seq.keypoints_3d is None or seq.keypoints_2d is None:
            raise ValueError(
                f"{source or 'a sequence'}: evaluation needs 2D input and 3D ground truth in the same file (generic npz "
                "keys keypoints_2d and keypoints_3d, with units_3d 'mm' or 'm')"
            )
        if seq.units_3d not in UNITS_TO_MM:
            raise ValueError(
                f"{source or 'a sequence'}: ground truth in units {seq.units_3d!r}; evaluation needs metric ground "
                "truth (units_3d 'mm' or 'm')"
            )
        if gt_units is None:
            gt_units = seq.units_3d
        result = pipeline(seq)
        preds = result.pose_3d if seq.is_multi_person else result.pose_3d[None]
        gts = seq.keypoints_3d if seq.is_multi_person else seq.keypoints_3d[None]
        ppus = result.meta.get("pixels_per_unit") or [None]
        for m, (pred, gt_abs) in enumerate(zip(preds, gts)):
            gt_abs = convert_layout(np.asarray(gt_abs, dtype=np.float64), seq.layout, pipeline.out_layout)
            gt_abs = gt_abs * (UNITS_TO_MM[seq.units_3d] / UNITS_TO_MM[gt_units])  # all sequences in the first one's unit
            valid = np.isfinite(gt_abs).all(axis=(-1, -2))
            if not valid.any():
                continue
            gt = gt_abs - gt_abs[:, :1]
            pred = np.asarray(pred, dtype=np.float64)
            rule = protocol
            f = _gt_focal(seq, focal)
            ppu = ppus[m] if m < len(ppus) else ppus[0]
            root_z = gt_abs[:, 0, 2]
            if rule == "auto":
                if result.units in UNITS_TO_MM:
                    rule = "metric"
                elif result.units == "normalized" and f and ppu and np.all(root_z[valid] > 0):
                    rule = "camera"
                else:
                    rule = "scale"
            scale: float | None = None
            if rule == "metric":
                if result.units not in UNITS_TO_MM:
                    raise ValueError(
                        f"protocol 'metric' needs a model that predicts metric units; this one predicts "
                        f"{result.units!r} (use --protocol camera or scale)"
                    )
                scale = UNITS_TO_MM[result.units] / UNITS_TO_MM[gt_units]
                pred_gt = pred * scale
            elif rule == "camera":
                if result.units != "normalized" or not ppu:
                    raise ValueError("protocol 'camera' needs a normalised-unit model and pixel 2D input")
                if not f:
                    raise ValueError(
                        f"{source or 'a sequence'}: protocol 'camera' needs the focal length in pixels: store "
                        "meta_json {'camera': {'focal_px': [fx, fy]}} in the file or pass --focal"
                    )
                if not np.all(root_z[valid] > 0):
                    raise ValueError(
                        f"{source or 'a sequence'}: protocol 'camera' needs absolute camera-frame ground truth (pelvis "
                        "depth z > 0); this ground truth is root-relative or not in the camera frame (use --protocol "
                        "scale)"
                    )
                pred_gt = pred * ppu * (root_z[:, None, None] / f)
            else:  # scale
                num = float(np.sum(pred[valid] * gt[valid]))
                den = float(np.sum(pred[valid] * pred[valid]))
                scale = num / den if den > 0 else 0.0
                pred_gt = pred * scale
            used.add(rule)
            errs = _lifting_errors(pred_gt[valid], gt[valid])
            if trajectory:
                errs.update(_trajectory_errors(result, m, seq, pred_gt, gt_abs, valid, gt_units, focal, source))
            entry = {"source": source, "person": m, "frames": int(valid.sum()), "protocol": rule, "scale": scale}
            for key, values in errs.items():
                entry[key] = float(values.mean()) if values.size else None
                totals[key] = totals.get(key, 0.0) + float(values.sum())
                counts[key] = counts.get(key, 0) + int(values.size)
            per_seq.append(entry)
    if not per_seq:
        raise ValueError("no frame with complete (finite) ground truth in the given sequences")
    summary = {key: totals[key] / counts[key] if counts[key] else None for key in totals}
    summary["pa_mpjpe"] = summary["p_mpjpe"]
    if trajectory:
        summary["trajectory"] = ("motionhub.world.solve_root (robust perspective least squares, depth smoothed "
                                 f"{DEFAULT_SMOOTH_SECONDS} s); baseline: root_from_bone_ratio")  # fmt: skip
    notes = []
    if summary.get("accel_error") is None:
        notes.append("accel_error is undefined (None): it needs sequences of at least 3 frames with ground truth")
    return {
        **summary,
        **({"notes": notes} if notes else {}),
        "units": gt_units,
        "protocol": "+".join(sorted(used)),
        "num_sequences": len(per_seq),
        "num_frames": int(sum(e["frames"] for e in per_seq)),
        "flip": pipeline.flip,
        "quantize": pipeline.quantize,
        "window": pipeline.window,
        "stride": None if pipeline.fixed_length else pipeline.stride,
        "merge": pipeline.merge,
        "pad_short": pipeline.pad_short,
        "normalization": pipeline.normalization,
        "per_sequence": per_seq,
    }


def _trajectory_errors(result: Any, m: int, seq: MotionSequence, pred_gt: np.ndarray, gt_abs: np.ndarray,
                       valid: np.ndarray, gt_units: str, focal: float | None, source: str) -> dict[str, np.ndarray]:
    """Root and camera-space errors of :mod:`motionhub.world`'s trajectory and of the bone-ratio baseline (in the
    ground truth's units, per valid frame), and the up-vector error (degrees, one value per frame)."""
    from ..skeleton import get_layout
    from ..world import resolve_intrinsics, root_from_bone_ratio, solve_root, to_world

    what = source or "a sequence"
    if not np.all(gt_abs[valid][:, 0, 2] > 0):
        raise ValueError(f"{what}: trajectory metrics need absolute camera-frame ground truth (pelvis depth z > 0)")
    kp = result.keypoints_2d_pixels
    if kp is None or result.meta.get("model_input_layout", result.layout) != result.layout:
        raise ValueError(f"{what}: trajectory metrics need the pixel 2D input in the output layout")
    kp = np.asarray(kp if kp.ndim == 3 else kp[m], dtype=np.float64)
    camera = seq.meta.get("camera")
    camera = camera if isinstance(camera, dict) else None
    if focal is None and not (camera and any(k in camera for k in ("focal_px", "focal", "f"))):
        raise ValueError(f"{what}: trajectory metrics need the camera's focal length: store meta_json "
                         "{'camera': {'focal_px': [fx, fy], 'principal_px': [cx, cy]}} or pass --focal")  # fmt: skip
    intr = resolve_intrinsics(result.meta.get("image_size") or seq.image_size, camera, focal=focal)
    to_m = UNITS_TO_MM[gt_units] / 1000.0
    pose_m = pred_gt * to_m
    root = solve_root(pose_m, kp, intr, fps=seq.fps) / to_m
    base = root_from_bone_ratio(pose_m, kp, intr, get_layout(result.layout).parents) / to_m
    out = {}
    for name, r in (("", root), ("_baseline", base)):
        r = np.where(np.isfinite(r), r, 0.0)  # a frame without a root estimate counts at the camera centre
        out["root_error" + name] = np.linalg.norm(r - gt_abs[:, 0], axis=-1)[valid]
        out["camera_mpjpe" + name] = np.linalg.norm(pred_gt + r[:, None] - gt_abs, axis=-1).mean(-1)[valid]
    up = (camera or {}).get("world_up_camera")
    if up is not None and seq.fps and np.isfinite(root).all():
        normal = to_world(pose_m, root * to_m, seq.fps).world_from_camera[1]
        cos = float(np.clip(normal @ np.asarray(up, np.float64) / np.linalg.norm(up), -1.0, 1.0))
        out["up_error_deg"] = np.full(int(valid.sum()), np.degrees(np.arccos(cos)))
    return out


def evaluate_action(pipeline: ActionPipeline, sequences: Sequence[MotionSequence], top_k: int = 5) -> dict[str, Any]:
    """Top-1 / top-k accuracy of an :class:`ActionPipeline` (classification model) on labelled sequences.

    Labels are integers, or class names found in ``config.id2label``.
    """
    from ..metrics import topk_accuracy

    if pipeline.task != "action-classification":
        raise ValueError("accuracy needs a classification model; evaluate embedding models with `motionhub oneshot`")
    sequences = list(sequences)
    label2id = {v: k for k, v in pipeline.id2label.items()}
    labels = []
    for seq in sequences:
        if seq.label is None:
            raise ValueError(f"{seq.meta.get('source', 'a sequence')} has no label (generic npz key 'label')")
        lab = seq.label
        if isinstance(lab, str) and not lab.lstrip("-").isdigit():
            if lab not in label2id:
                raise ValueError(f"label {lab!r} is not a class of this model (config.id2label: {pipeline.id2label})")
            lab = label2id[lab]
        labels.append(int(lab))
    result = pipeline(sequences)
    k = max(1, min(int(top_k), result.logits.shape[1]))
    labels_arr = np.asarray(labels)
    acc = topk_accuracy(result.logits, labels_arr, k=(1, k))
    pred = np.asarray(result.logits).argmax(-1)
    per_class = {}
    for c in sorted(set(labels)):  # the model's class names, so a reader sees which actions fail
        hit = labels_arr == c
        per_class[str(pipeline.id2label.get(c, c))] = {"top1": float((pred[hit] == c).mean()), "clips": int(hit.sum())}
    return {"top1": float(acc[1]), f"top{k}": float(acc[k]), "num_clips": len(labels), "per_class": per_class}


def evaluate_oneshot(
    pipeline: ActionPipeline,
    support: Sequence[Any],
    support_labels: Sequence[Any],
    queries: Sequence[Any],
    query_labels: Sequence[Any],
) -> dict[str, Any]:
    """One-shot accuracy of an embedding :class:`ActionPipeline`: every query gets the label of the support clip with
    the highest cosine similarity (1-NN, MotionBERT's one-shot protocol, :func:`motionhub.metrics.oneshot_predict`).

    Returns:
        ``{"oneshot_accuracy", "num_support", "num_queries", "num_classes", "predictions"}``.
    """
    from ..metrics import oneshot_predict

    if pipeline.task != "action-embedding":
        raise ValueError("one-shot evaluation needs an action embedding model (<Encoder>ForActionEmbedding)")
    if len(support) != len(support_labels) or len(queries) != len(query_labels):
        raise ValueError("one label per support clip and per query clip is needed")
    if not len(support) or not len(queries):
        raise ValueError(f"one-shot evaluation needs support and query clips, got {len(support)} and {len(queries)}")
    s_emb = pipeline(list(support)).embeddings
    q_emb = pipeline(list(queries)).embeddings
    pred, _ = oneshot_predict(s_emb, np.asarray(list(support_labels), dtype=object), q_emb)
    truth = np.asarray(list(query_labels), dtype=object)
    return {
        "oneshot_accuracy": float(np.mean(pred == truth)),
        "num_support": len(support),
        "num_queries": len(queries),
        "num_classes": len(set(support_labels)),
        "predictions": [str(p) for p in pred],
    }


def evaluate_lifting_files(
    model,
    paths: Sequence[str | Path],
    *,
    output_units: str | None = None,
    stride: int | None = None,
    flip: bool = False,
    batch_size: int = 64,
    progress: bool = False,
) -> dict[str, Any]:
    """MPJPE / P-MPJPE (mm) of a lifting model on generic-format files with 2D input and 3D ground truth.

    For every file: 2D pixels -> screen normalisation (the file's ``image_size``, as :func:`motionhub.pretrained.normalize_lifting_input`)
    -> windows of ``config.maxlen`` frames every ``stride`` (as :func:`motionhub.pretrained.lift_keypoints`) -> mm (``output_units``); the
    ground truth ``keypoints_3d`` (``units_3d`` mm or m) is made root-relative (joint 0). Errors are pooled over **all
    frames of all files** (frame-weighted), P-MPJPE with a per-frame similarity alignment. This is
    :func:`evaluate_lifting` (``motionhub evaluate``) with the ``"metric"`` protocol: one
    evaluation path.

    Args:
        model: the lifting model.
        paths: generic ``.npz`` files (``keypoints_2d`` pixels, ``keypoints_3d``, ``image_size``, layout h36m-17).
        output_units: units of the model output (``"mm"`` or ``"m"``); default: ``model.config.output_units``
            (``"m"`` in motionhub's small lifting checkpoints), else :data:`DEFAULT_OUTPUT_UNITS`.
        stride / flip / batch_size: see :func:`motionhub.pretrained.lift_keypoints`.
        progress: show a tqdm bar.

    Returns:
        ``{"mpjpe_mm", "p_mpjpe_mm", "num_files", "num_frames", "per_file": {name: {mpjpe_mm, p_mpjpe_mm, frames}}}``.
    """
    from ..formats.generic import load_generic
    from ..pretrained import DEFAULT_INPUT_NORMALIZATION, DEFAULT_OUTPUT_UNITS

    if output_units is None:
        output_units = model.config.output_units or DEFAULT_OUTPUT_UNITS
    if output_units not in UNITS_TO_MM:
        raise ValueError(f"output_units must be one of {sorted(UNITS_TO_MM)}, got {output_units!r}")
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no evaluation files given")
    sequences = []
    for path in paths:
        seq = load_generic(path)
        if seq.keypoints_2d is None or seq.keypoints_3d is None:
            raise ValueError(f"{path}: evaluation needs both keypoints_2d (input) and keypoints_3d (ground truth)")
        if seq.layout != "h36m-17":
            raise ValueError(f"{path}: layout {seq.layout!r}; convert to h36m-17 first (motionhub.skeleton.to_h36m)")
        if seq.image_size is None:
            raise ValueError(f"{path}: image_size (width, height) is needed to normalise the 2D pixels")
        if seq.units_3d not in UNITS_TO_MM:
            raise ValueError(f"{path}: units_3d must be 'mm' or 'm' for metric evaluation, got {seq.units_3d!r}")
        sequences.append(seq.replace(meta={**seq.meta, "source": path.stem}))
    # the results procedure: screen-normalised pixels, non-overlapping windows (the last aligned to the end), short
    # clips edge-padded, overlaps averaged, metric output; the same evaluation as `motionhub evaluate`
    pipe = PoseLiftingPipeline(model, batch_size=batch_size, flip=flip, normalization=DEFAULT_INPUT_NORMALIZATION,
                               output_units=output_units, merge="uniform", pad_short=True,
                               stride=stride if stride is not None else int(model.config.maxlen), progress=False)
    res = evaluate_lifting(pipe, sequences, "metric", progress=progress)
    to_mm = UNITS_TO_MM[res["units"]]
    per_file = {e["source"]: {"mpjpe_mm": e["mpjpe"] * to_mm, "p_mpjpe_mm": e["p_mpjpe"] * to_mm,
                              "frames": e["frames"]} for e in res["per_sequence"]}
    return {
        "mpjpe_mm": res["mpjpe"] * to_mm,
        "p_mpjpe_mm": res["p_mpjpe"] * to_mm,
        "num_files": len(paths),
        "num_frames": res["num_frames"],
        "output_units": output_units,
        "per_file": per_file,
    }
