# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Evaluation metrics for 3D pose, mesh and action models, plus the official Human3.6M protocols.

Conventions:

* Inputs are numpy arrays or torch tensors (converted with ``.detach().cpu().numpy()``); every computation runs in
  float64 and results are float64 numpy arrays or Python floats.
* Pose arrays have the joints and channels last: ``(..., J, 3)``; the leading axes are "frames" (e.g. ``(N, J, 3)``
  or ``(B, T, J, 3)``). Per-frame metrics return an array of the leading shape (one value per pose).
* Distances are returned **in the units of the inputs**. The published H36M numbers are millimetres: feed mm (e.g.
  metres × 1000) to get mm. PCK/AUC thresholds are in the input units as well (default 150 = 150 mm).
* Rates (PCK, AUC, accuracies) are fractions in [0, 1]; multiply by 100 for the percentages of papers.

Protocols:

* :class:`H36MEvaluator` / :func:`evaluate_h36m_motionbert`: MotionBERT's ``train.py::evaluate`` on its
  ``h36m_sh_conf_cam_source_final.pkl`` test split (clips, denormalisation, 2.5D factor, block list, per-frame
  averaging over covering clips, per-action then mean over actions) = "Protocol #1 / #2".
* :func:`pstmo_action_errors`: P-STMO / MPM ``test_calculation`` + ``print_error`` action-wise P1/P2, including
  the official P2 batch-mean quirk as an opt-in flag.
* :func:`mesh_metrics`: MotionBERT ``evaluate_mesh`` (MPVE, MPJPE and PA-MPJPE on 14 joints, plus 17-joint variants).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "H36M_ACTIONS",
    "H36M_EVAL_JOINTS_14",
    "MOTIONBERT_H36M_BLOCK_LIST",
    "H36MEvaluationResult",
    "H36MEvaluator",
    "PSTMOActionErrors",
    "acceleration",
    "acceleration_error",
    "action_wise_errors",
    "auc",
    "canonical_action",
    "evaluate_h36m_motionbert",
    "mesh_metrics",
    "mpjpe",
    "motionbert_split_clips",
    "mpve",
    "n_mpjpe",
    "oneshot_accuracy",
    "oneshot_predict",
    "p_mpjpe",
    "pa_mpjpe",
    "pck",
    "pck_thresholds",
    "pstmo_action_errors",
    "rigid_align",
    "topk_accuracy",
    "velocity_error",
]

#: The 15 Human3.6M actions in the conventional (VideoPose3D / P-STMO) order.
H36M_ACTIONS: tuple[str, ...] = (
    "Directions", "Discussion", "Eating", "Greeting", "Phoning",
    "Photo", "Posing", "Purchases", "Sitting", "SittingDown",
    "Smoking", "Waiting", "WalkDog", "Walking", "WalkTogether",
)  # fmt: skip

#: Alternative spellings found in H36M-derived files, mapped to :data:`H36M_ACTIONS` names.
_ACTION_ALIASES = {"TakingPhoto": "Photo", "WalkingDog": "WalkDog", "WalkingTogether": "WalkTogether"}

#: H36M-17 indices of the 14 joints used by MotionBERT ``evaluate_mesh`` (pelvis, spine and nose dropped).
H36M_EVAL_JOINTS_14: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 16)

#: Test sequences that MotionBERT's evaluate() skips (compared with the source id minus its ``_ca_XX`` suffix).
MOTIONBERT_H36M_BLOCK_LIST: tuple[str, ...] = (
    "s_09_act_05_subact_02",
    "s_09_act_10_subact_02",
    "s_09_act_13_subact_01",
)

#: Image resolution (width, height) of the four H36M cameras, used for (de)normalisation.
_H36M_CAMERA_RES: dict[str, tuple[int, int]] = {
    "54138969": (1000, 1002),
    "60457274": (1000, 1002),
    "55011271": (1000, 1000),
    "58860488": (1000, 1000),
}


# ------------------------------------------------------------------------------------------------------ conversion
def _to_numpy(x: Any, name: str) -> np.ndarray:
    """Convert a numpy array / torch tensor / nested sequence to a float64 numpy array."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch.Tensor without importing torch
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like (numpy array or torch tensor), got {type(x).__name__}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


def _pose_pair(pred: Any, gt: Any, *, min_ndim: int = 2, channels: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    p = _to_numpy(pred, "pred")
    g = _to_numpy(gt, "gt")
    if p.shape != g.shape:
        raise ValueError(f"pred and gt must have the same shape, got {p.shape} and {g.shape}")
    if p.ndim < min_ndim:
        raise ValueError(f"expected arrays of shape (..., J, C) with at least {min_ndim} axes, got shape {p.shape}")
    if channels is not None and p.shape[-1] != channels:
        raise ValueError(f"expected {channels} channels in the last axis, got shape {p.shape}")
    if p.size == 0:
        raise ValueError(f"empty input of shape {p.shape}")
    return p, g


# ------------------------------------------------------------------------------------------------ per-frame errors
def mpjpe(pred: Any, gt: Any) -> np.ndarray:
    """Mean per-joint position error of every pose (Protocol #1 per frame).

    Args:
        pred: ``(..., J, C)`` predicted joints.
        gt: ``(..., J, C)`` ground truth, same units.

    Returns:
        ``(...)`` float64 array: mean Euclidean distance over joints, in input units.
    """
    p, g = _pose_pair(pred, gt)
    return np.linalg.norm(p - g, axis=-1).mean(axis=-1)


def _similarity_transform(p: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Align every pose of ``p`` (N, J, 3) to ``g`` with the least-squares similarity transform (reflection-free)."""
    mu_p = p.mean(axis=1, keepdims=True)
    mu_g = g.mean(axis=1, keepdims=True)
    p0 = p - mu_p
    g0 = g - mu_g
    cov = np.matmul(p0.transpose(0, 2, 1), g0)  # (N, 3, 3) = Σ_j p_j g_jᵀ
    u, s, vt = np.linalg.svd(cov)
    v = vt.transpose(0, 2, 1)
    # Proper rotation: flip the axis of the smallest singular value when V Uᵀ is a reflection.
    d = np.sign(np.linalg.det(np.matmul(v, u.transpose(0, 2, 1))))
    d[d == 0] = 1.0
    v[:, :, -1] *= d[:, None]
    s[:, -1] *= d
    rot = np.matmul(v, u.transpose(0, 2, 1))  # maps centred pred onto centred gt: g0 ≈ c · rot @ p0
    var_p = np.sum(p0 * p0, axis=(1, 2))
    scale = np.divide(s.sum(axis=1), var_p, out=np.zeros_like(var_p), where=var_p > 0)
    return scale[:, None, None] * np.matmul(p0, rot.transpose(0, 2, 1)) + mu_g


def rigid_align(pred: Any, gt: Any) -> np.ndarray:
    """Align ``pred`` to ``gt`` with the optimal similarity transform (Umeyama: rotation, uniform scale, translation).

    Reflections are excluded (the sign of the smallest singular value is flipped when needed). This is the alignment
    behind PA-MPJPE / Protocol #2.

    Args:
        pred: ``(..., J, 3)`` poses to align.
        gt: ``(..., J, 3)`` reference poses.

    Returns:
        ``(..., J, 3)`` aligned copy of ``pred`` (float64, input units).
    """
    p, g = _pose_pair(pred, gt, channels=3)
    j = p.shape[-2]
    return _similarity_transform(p.reshape(-1, j, 3), g.reshape(-1, j, 3)).reshape(p.shape)


def p_mpjpe(pred: Any, gt: Any) -> np.ndarray:
    """Procrustes-aligned MPJPE of every pose (Protocol #2 per frame; rotation + scale + translation, no reflection).

    Args:
        pred: ``(..., J, 3)`` predicted joints.
        gt: ``(..., J, 3)`` ground truth, same units.

    Returns:
        ``(...)`` float64 array in input units.
    """
    p, g = _pose_pair(pred, gt, channels=3)
    return mpjpe(rigid_align(p, g), g)


def pa_mpjpe(pred: Any, gt: Any) -> np.ndarray:
    """PA-MPJPE of every pose: MPJPE after :func:`rigid_align` (the mesh-recovery name of :func:`p_mpjpe`).

    Args:
        pred: ``(..., J, 3)`` predicted joints.
        gt: ``(..., J, 3)`` ground truth.

    Returns:
        ``(...)`` float64 array in input units.
    """
    return p_mpjpe(pred, gt)


def n_mpjpe(pred: Any, gt: Any) -> np.ndarray:
    """Scale-normalised MPJPE of every pose (N-MPJPE): ``pred`` is rescaled by its least-squares scale
    ``s = Σ pred·gt / Σ pred²`` (over the joints and channels of that pose) before the MPJPE.

    Args:
        pred: ``(..., J, C)`` predicted joints.
        gt: ``(..., J, C)`` ground truth.

    Returns:
        ``(...)`` float64 array in input units.
    """
    p, g = _pose_pair(pred, gt)
    num = np.sum(p * g, axis=(-2, -1), keepdims=True)
    den = np.sum(p * p, axis=(-2, -1), keepdims=True)
    scale = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return mpjpe(scale * p, g)


def mpve(pred_verts: Any, gt_verts: Any) -> np.ndarray:
    """Mean per-vertex error of every mesh (align the meshes first, e.g. subtract the pelvis).

    Args:
        pred_verts: ``(..., V, 3)`` predicted vertices.
        gt_verts: ``(..., V, 3)`` ground-truth vertices.

    Returns:
        ``(...)`` float64 array in input units.
    """
    return mpjpe(pred_verts, gt_verts)


def velocity_error(pred: Any, gt: Any) -> np.ndarray:
    """Mean per-joint velocity error (MPJVE): MPJPE of the first temporal differences.

    Args:
        pred: ``(..., T, J, C)`` sequence(s) of poses, time on axis -3, ``T ≥ 2``.
        gt: Same shape.

    Returns:
        ``(..., T-1)`` float64 array in input units per frame.
    """
    p, g = _pose_pair(pred, gt, min_ndim=3)
    if p.shape[-3] < 2:
        raise ValueError(f"velocity_error needs at least 2 frames on axis -3, got shape {p.shape}")
    return mpjpe(np.diff(p, axis=-3), np.diff(g, axis=-3))


def acceleration(joints: Any) -> np.ndarray:
    """Mean per-joint acceleration magnitude (second finite difference) of a sequence, per frame.

    Args:
        joints: ``(..., T, J, C)`` poses, ``T ≥ 3``.

    Returns:
        ``(..., T-2)`` float64 array in input units per frame².
    """
    x = _to_numpy(joints, "joints")
    if x.ndim < 3 or x.shape[-3] < 3:
        raise ValueError(f"acceleration needs (..., T, J, C) with T >= 3, got shape {x.shape}")
    acc = x[..., :-2, :, :] - 2.0 * x[..., 1:-1, :, :] + x[..., 2:, :, :]
    return np.linalg.norm(acc, axis=-1).mean(axis=-1)


def acceleration_error(pred: Any, gt: Any, visible: Any | None = None) -> np.ndarray:
    """Acceleration error (HMR / VIBE / STRIDE ``compute_error_accel``), per frame.

    ``accel = x[t] − 2·x[t+1] + x[t+2]``; the error is the mean over joints of ``‖accel_pred − accel_gt‖``.

    Args:
        pred: ``(..., T, J, C)`` predicted sequence, ``T ≥ 3``.
        gt: Same shape.
        visible: Optional ``(T,)`` boolean frame visibility (only for a single ``(T, J, C)`` sequence); an
            acceleration is kept only when its 3 frames are all visible (same convention as the official code).

    Returns:
        ``(..., T-2)`` float64 array (fewer entries when ``visible`` removes frames), input units per frame².
    """
    p, g = _pose_pair(pred, gt, min_ndim=3)
    if p.shape[-3] < 3:
        raise ValueError(f"acceleration_error needs at least 3 frames on axis -3, got shape {p.shape}")
    acc_p = p[..., :-2, :, :] - 2.0 * p[..., 1:-1, :, :] + p[..., 2:, :, :]
    acc_g = g[..., :-2, :, :] - 2.0 * g[..., 1:-1, :, :] + g[..., 2:, :, :]
    err = np.linalg.norm(acc_p - acc_g, axis=-1).mean(axis=-1)
    if visible is None:
        return err
    if p.ndim != 3:
        raise ValueError("visible is only supported for a single (T, J, C) sequence")
    vis = np.asarray(_to_numpy(visible, "visible")).astype(bool).reshape(-1)
    if vis.shape[0] != p.shape[0]:
        raise ValueError(f"visible must have one entry per frame ({p.shape[0]}), got {vis.shape[0]}")
    keep = vis[:-2] & vis[1:-1] & vis[2:]
    return err[keep]


# ------------------------------------------------------------------------------------------------------ PCK / AUC
def pck_thresholds(max_threshold: float = 150.0, steps: int = 31) -> np.ndarray:
    """The MPI-INF-3DHP AUC thresholds: ``linspace(0, max_threshold, steps)`` (0, 5, …, 150 mm by default)."""
    return np.linspace(0.0, float(max_threshold), int(steps))


def _joint_errors(pred: Any, gt: Any, joints: Sequence[int] | None) -> np.ndarray:
    p, g = _pose_pair(pred, gt)
    err = np.linalg.norm(p - g, axis=-1)
    if joints is not None:
        idx = list(joints)
        if not idx or min(idx) < -err.shape[-1] or max(idx) >= err.shape[-1]:
            raise ValueError(f"joints {idx} out of range for {err.shape[-1]} joints")
        err = err[..., idx]
    return err


def pck(pred: Any, gt: Any, threshold: float = 150.0, *, joints: Sequence[int] | None = None) -> float:
    """3D PCK: fraction of joints whose error is strictly below ``threshold`` (3DHP convention, 150 mm).

    Args:
        pred: ``(..., J, 3)`` predictions (root-relative, mm for the standard threshold).
        gt: ``(..., J, 3)`` ground truth.
        threshold: Distance threshold in input units.
        joints: Optional joint subset (e.g. the 14 or 16 joints of a benchmark).

    Returns:
        Fraction in [0, 1] over all poses and joints.
    """
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold}")
    return float(np.mean(_joint_errors(pred, gt, joints) < threshold))


def auc(pred: Any, gt: Any, thresholds: Iterable[float] | None = None, *, joints: Sequence[int] | None = None) -> float:
    """Area under the PCK curve: mean PCK over ``thresholds`` (default 0..150 in 31 steps, as MPI-INF-3DHP).

    Args:
        pred: ``(..., J, 3)`` predictions.
        gt: ``(..., J, 3)`` ground truth.
        thresholds: Thresholds in input units; default :func:`pck_thresholds`.
        joints: Optional joint subset.

    Returns:
        Fraction in [0, 1].
    """
    th = pck_thresholds() if thresholds is None else np.asarray(list(thresholds), dtype=np.float64)
    if th.ndim != 1 or th.size == 0 or not np.all(np.isfinite(th)):
        raise ValueError("thresholds must be a non-empty 1-D sequence of finite numbers")
    err = _joint_errors(pred, gt, joints)
    return float(np.mean([(err < t).mean() for t in th]))


# ------------------------------------------------------------------------------------------------------------ mesh
def mesh_metrics(
    pred_joints: Any,
    gt_joints: Any,
    pred_verts: Any | None = None,
    gt_verts: Any | None = None,
    *,
    eval_joints: Sequence[int] = H36M_EVAL_JOINTS_14,
) -> dict[str, float]:
    """Mesh-recovery metrics as MotionBERT ``evaluate_mesh`` (means over all frames, input units, usually mm).

    * ``mpve``: vertices made relative to the pelvis (joint 0 of the regressed H36M-17 joints of the *same* mesh),
      then mean per-vertex error.
    * ``mpjpe`` / ``pa_mpjpe``: on ``eval_joints`` (default the 14 joints ``(1,2,3,4,5,6,8,10,11,12,13,14,15,16)``)
      of the pelvis-relative H36M-17 joints; PA uses :func:`rigid_align` on those joints.
    * ``mpjpe_17j`` / ``pa_mpjpe_17j``: the same on all 17 joints.

    Args:
        pred_joints: ``(..., 17, 3)`` predicted H36M-17 joints (e.g. ``J_regressor_h36m @ verts``), not necessarily
            root-relative.
        gt_joints: ``(..., 17, 3)`` ground-truth joints.
        pred_verts: Optional ``(..., V, 3)`` predicted vertices (same leading axes as the joints).
        gt_verts: Optional ``(..., V, 3)`` ground-truth vertices.
        eval_joints: Joint subset of the headline MPJPE / PA-MPJPE.

    Returns:
        Dict with ``mpjpe``, ``pa_mpjpe``, ``mpjpe_17j``, ``pa_mpjpe_17j`` and, when vertices are given, ``mpve``.
    """
    pj, gj = _pose_pair(pred_joints, gt_joints, channels=3)
    if pj.shape[-2] != 17:
        raise ValueError(f"mesh_metrics expects H36M-17 joints, got {pj.shape[-2]} joints")
    pj = pj.reshape(-1, 17, 3)
    gj = gj.reshape(-1, 17, 3)
    pj_rel = pj - pj[:, :1]
    gj_rel = gj - gj[:, :1]
    idx = list(eval_joints)
    out: dict[str, float] = {}
    if (pred_verts is None) != (gt_verts is None):
        raise ValueError("give both pred_verts and gt_verts, or neither")
    if pred_verts is not None:
        pv, gv = _pose_pair(pred_verts, gt_verts, channels=3)
        pv = pv.reshape(-1, pv.shape[-2], 3)
        gv = gv.reshape(-1, gv.shape[-2], 3)
        if pv.shape[0] != pj.shape[0]:
            raise ValueError(
                f"vertices describe {pv.shape[0]} frames but joints describe {pj.shape[0]}; they must match"
            )
        out["mpve"] = float(mpve(pv - pj[:, :1], gv - gj[:, :1]).mean())
    out["mpjpe"] = float(mpjpe(pj_rel[:, idx], gj_rel[:, idx]).mean())
    out["pa_mpjpe"] = float(pa_mpjpe(pj_rel[:, idx], gj_rel[:, idx]).mean())
    out["mpjpe_17j"] = float(mpjpe(pj_rel, gj_rel).mean())
    out["pa_mpjpe_17j"] = float(pa_mpjpe(pj_rel, gj_rel).mean())
    return out


# ---------------------------------------------------------------------------------------------------------- action
def topk_accuracy(logits: Any, labels: Any, k: int | Sequence[int] = (1, 5)) -> float | dict[int, float]:
    """Top-k classification accuracy.

    Args:
        logits: ``(N, num_classes)`` scores.
        labels: ``(N,)`` integer class ids.
        k: One ``k`` or a sequence of them.

    Returns:
        A fraction in [0, 1] for an int ``k``, else ``{k: fraction}``.
    """
    scores = _to_numpy(logits, "logits")
    y = _to_numpy(labels, "labels")
    if scores.ndim != 2:
        raise ValueError(f"logits must have shape (N, num_classes), got {scores.shape}")
    if y.shape != (scores.shape[0],):
        raise ValueError(f"labels must have shape ({scores.shape[0]},), got {y.shape}")
    if scores.shape[0] == 0:
        raise ValueError("cannot compute accuracy of an empty batch")
    y = y.astype(np.int64)
    if y.min() < 0 or y.max() >= scores.shape[1]:
        raise ValueError(f"labels must lie in [0, {scores.shape[1] - 1}], got range [{y.min()}, {y.max()}]")
    ks = [k] if isinstance(k, int) else list(k)
    for kk in ks:
        if not isinstance(kk, (int, np.integer)) or kk < 1:
            raise ValueError(f"k must be positive integers, got {k}")
    order = np.argsort(-scores, axis=1, kind="stable")
    # Rank of the true class = number of classes scored strictly higher (ties resolved in index order).
    rank = np.argmax(order == y[:, None], axis=1)
    res = {int(kk): float(np.mean(rank < kk)) for kk in ks}
    return res[int(k)] if isinstance(k, int) else res


def oneshot_predict(support_emb: Any, support_labels: Any, query_emb: Any) -> tuple[np.ndarray, np.ndarray]:
    """Cosine-similarity 1-nearest-neighbour labels (MotionBERT one-shot ``validate``).

    Args:
        support_emb: ``(S, D)`` exemplar embeddings (one or more per class).
        support_labels: ``(S,)`` exemplar labels.
        query_emb: ``(Q, D)`` query embeddings.

    Returns:
        ``(pred_labels (Q,), similarity (S, Q))`` with ``similarity[i, j] = cos(support_i, query_j)``.
    """
    s = _to_numpy(support_emb, "support_emb")
    q = _to_numpy(query_emb, "query_emb")
    lab = np.asarray(support_labels.detach().cpu().numpy() if hasattr(support_labels, "detach") else support_labels)
    if s.ndim != 2 or q.ndim != 2 or s.shape[1] != q.shape[1]:
        raise ValueError(f"support_emb (S, D) and query_emb (Q, D) must share D, got {s.shape} and {q.shape}")
    if lab.shape != (s.shape[0],):
        raise ValueError(f"support_labels must have shape ({s.shape[0]},), got {lab.shape}")
    if s.shape[0] == 0:
        raise ValueError("support set is empty")
    eps = 1e-8
    s_n = s / np.maximum(np.linalg.norm(s, axis=1, keepdims=True), eps)
    q_n = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), eps)
    sim = s_n @ q_n.T
    return lab[np.argmax(sim, axis=0)], sim


def oneshot_accuracy(support_emb: Any, support_labels: Any, query_emb: Any, query_labels: Any) -> float:
    """One-shot accuracy: fraction of queries whose cosine 1-NN exemplar has the right label.

    Args:
        support_emb: ``(S, D)`` exemplar embeddings.
        support_labels: ``(S,)`` exemplar labels.
        query_emb: ``(Q, D)`` query embeddings.
        query_labels: ``(Q,)`` query labels.

    Returns:
        Fraction in [0, 1].
    """
    pred, _ = oneshot_predict(support_emb, support_labels, query_emb)
    y = np.asarray(query_labels.detach().cpu().numpy() if hasattr(query_labels, "detach") else query_labels)
    if y.shape != pred.shape:
        raise ValueError(f"query_labels must have shape {pred.shape}, got {y.shape}")
    if y.size == 0:
        raise ValueError("query set is empty")
    return float(np.mean(pred == y))


# ---------------------------------------------------------------------------------------------- action-wise errors
def canonical_action(name: str) -> str:
    """H36M action name without the take suffix (``"Directions 1"`` -> ``"Directions"``) and with aliases unified."""
    base = str(name).split(" ", 1)[0]
    return _ACTION_ALIASES.get(base, base)


def _ordered_actions(names: Iterable[str]) -> list[str]:
    present = set(names)
    known = [a for a in H36M_ACTIONS if a in present]
    return known + sorted(present - set(known))


def action_wise_errors(errors_per_sample: Any, actions: Sequence[str]) -> dict[str, float]:
    """Mean error per H36M action.

    Args:
        errors_per_sample: ``(N,)`` errors (one per frame / sample).
        actions: ``N`` action names; take suffixes (``"Eating 2"``) and aliases are merged by :func:`canonical_action`.

    Returns:
        ``{action: mean error}`` for the actions present, in :data:`H36M_ACTIONS` order (unknown names last,
        sorted). The action-wise average of a paper is ``np.mean(list(result.values()))``.
    """
    err = _to_numpy(errors_per_sample, "errors_per_sample").reshape(-1)
    names = [canonical_action(a) for a in actions]
    if len(names) != err.shape[0]:
        raise ValueError(f"got {err.shape[0]} errors but {len(names)} action names")
    arr = np.asarray(names)
    return {a: float(err[arr == a].mean()) for a in _ordered_actions(names)}


@dataclass
class PSTMOActionErrors:
    """Action-wise errors in the P-STMO / MPM reporting format (see :func:`pstmo_action_errors`).

    Attributes:
        p1: ``{action: MPJPE}`` (scaled units, mm by default).
        p2: ``{action: P-MPJPE}``.
        p1_mean: Mean of ``p1`` over the averaged actions (Protocol #1 as printed).
        p2_mean: Mean of ``p2`` (Protocol #2 as printed).
    """

    p1: dict[str, float]
    p2: dict[str, float]
    p1_mean: float
    p2_mean: float

    def table(self) -> str:
        """The result formatted like P-STMO's ``print_error`` (two decimals)."""
        lines = ["{:=^12} {:=^10} {:=^8}".format("Action", "p#1 mm", "p#2 mm")]
        for action in self.p1:
            lines.append(f"{action:<12} {self.p1[action]:>6.2f} {self.p2[action]:>10.2f}")
        lines.append(f"{'Average':<12} {self.p1_mean:>6.2f} {self.p2_mean:>10.2f}")
        return "\n".join(lines)


def pstmo_action_errors(
    pred: Any,
    gt: Any,
    actions: Sequence[str],
    *,
    batch_size: int | None = None,
    p2_batch_mean: bool = False,
    average_over_all_actions: bool = False,
    scale: float = 1000.0,
) -> PSTMOActionErrors:
    """P-STMO / MPM action-wise Protocol #1/#2 (``test_calculation`` + ``print_error``).

    Each sample's P1 is the MPJPE averaged over its frames and joints, P2 the P-MPJPE averaged the same way; both are
    accumulated per action (name up to the first space), averaged, multiplied by ``scale`` (metres -> mm) and
    finally averaged over actions.

    Args:
        pred: ``(N, [T,] J, 3)`` predictions, root at 0, in metres (P-STMO convention) — ``scale`` converts.
        gt: Same shape.
        actions: ``N`` action names as stored by the loader (``"Directions 1"`` etc.).
        batch_size: Size of the consecutive evaluation batches; only matters with ``p2_batch_mean``. ``None`` means a
            single batch holding every sample.
        p2_batch_mean: Reproduce the official quirk: in a batch whose raw action strings are not all identical, every
            sample is credited with the batch-mean P2 instead of its own.
        average_over_all_actions: Reproduce the official average over all 15 :data:`H36M_ACTIONS`, counting actions
            without samples as 0 (they are then listed with 0). Default: average over the actions present.
        scale: Multiplier applied to the errors (1000 = metres -> millimetres).

    Returns:
        :class:`PSTMOActionErrors`.
    """
    p, g = _pose_pair(pred, gt, channels=3)
    n = p.shape[0]
    if len(actions) != n:
        raise ValueError(f"got {n} samples but {len(actions)} action names")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be >= 1 or None, got {batch_size}")
    p1 = mpjpe(p, g).reshape(n, -1).mean(axis=1)
    p2 = p_mpjpe(p, g).reshape(n, -1).mean(axis=1)
    raw = [str(a) for a in actions]
    if p2_batch_mean:
        step = n if batch_size is None else batch_size
        for start in range(0, n, step):
            stop = min(start + step, n)
            if len(set(raw[start:stop])) > 1:
                p2[start:stop] = p2[start:stop].mean()
    res1 = {a: v * scale for a, v in action_wise_errors(p1, raw).items()}
    res2 = {a: v * scale for a, v in action_wise_errors(p2, raw).items()}
    if average_over_all_actions:
        extra = [a for a in res1 if a not in H36M_ACTIONS]
        res1 = {a: res1.get(a, 0.0) for a in (*H36M_ACTIONS, *extra)}
        res2 = {a: res2.get(a, 0.0) for a in (*H36M_ACTIONS, *extra)}
    return PSTMOActionErrors(
        p1=res1, p2=res2, p1_mean=float(np.mean(list(res1.values()))), p2_mean=float(np.mean(list(res2.values())))
    )


# -------------------------------------------------------------------------------------- MotionBERT H36M protocol
@dataclass
class H36MEvaluationResult:
    """Result of :class:`H36MEvaluator` (millimetres).

    Attributes:
        protocol1: Mean over actions of the per-action MPJPE ("Protocol #1").
        protocol2: Mean over actions of the per-action P-MPJPE ("Protocol #2").
        per_action_p1: ``{action: MPJPE}`` in sorted action order (as the official table).
        per_action_p2: ``{action: P-MPJPE}``.
        frame_p1: ``(N_frames,)`` per-frame MPJPE averaged over the clips covering the frame; NaN for frames never
            evaluated (tail frames, blocked sequences).
        frame_p2: Same for P-MPJPE.
    """

    protocol1: float
    protocol2: float
    per_action_p1: dict[str, float]
    per_action_p2: dict[str, float]
    frame_p1: np.ndarray = field(repr=False)
    frame_p2: np.ndarray = field(repr=False)

    def table(self) -> str:
        """Per-action table followed by the two protocol lines."""
        names = list(self.per_action_p1)
        width = max([9, *(len(a) for a in names)])
        head = "test_name".ljust(width) + " | " + " | ".join(a.rjust(width) for a in names)
        row1 = "P1".ljust(width) + " | " + " | ".join(f"{self.per_action_p1[a]:{width}.4f}" for a in names)
        row2 = "P2".ljust(width) + " | " + " | ".join(f"{self.per_action_p2[a]:{width}.4f}" for a in names)
        return "\n".join(
            [
                head,
                row1,
                row2,
                f"Protocol #1 Error (MPJPE): {self.protocol1} mm",
                f"Protocol #2 Error (P-MPJPE): {self.protocol2} mm",
            ]
        )


def motionbert_split_clips(
    sources: Sequence[str], clip_len: int, stride: int, *, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Frame indices of the clips MotionBERT's data reader cuts from a concatenation of videos.

    Videos are the runs of equal ``sources`` entries. Clips of ``clip_len`` consecutive frames start every ``stride``
    frames inside a video; frames after the last full clip are dropped. A video shorter than ``clip_len`` becomes
    one clip resampled to ``clip_len`` frames (deterministic ``linspace`` when ``rng`` is None; with a generator the
    official random floor/ceil jitter), except the very last video of the list, which the official loop skips when
    it is too short, and a short run whose id already produced a clip earlier in the list.

    Args:
        sources: ``N`` video ids, one per frame.
        clip_len: Frames per clip.
        stride: Start-to-start distance of consecutive clips.
        rng: Optional generator for the official random resampling of short videos.

    Returns:
        ``(n_clips, clip_len)`` int64 frame indices.
    """
    from .processing import split_clips

    return split_clips(np.asarray(list(sources)), clip_len, stride, randomness=rng is not None, rng=rng)


class H36MEvaluator:
    """MotionBERT's Human3.6M pose3d evaluation (``train.py::evaluate``) on its H36M test-split arrays.

    The test split is the ``'test'`` dict of ``h36m_sh_conf_cam_source_final.pkl`` (or any dict with the same keys):
    ``source`` (N,) video ids ``s_SS_act_AA_subact_BB_ca_CC``, ``action`` (N,), ``camera_name`` (N,),
    ``2.5d_factor`` (N,), ``joints_2.5d_image`` (N, 17, 3) (GT in mm-like 2.5D units), and for
    :meth:`input_clips` / :meth:`label_clips` also ``joint_2d`` (N, 17, 2), ``confidence`` (N, 17) and
    ``joint3d_image`` (N, 17, 3).

    Protocol:

    1. Clips of ``clip_len`` frames with stride ``clip_len`` per video (:func:`motionbert_split_clips`); tail frames
       not covered by a full clip are never evaluated, short videos are resampled.
    2. The caller runs the model on :meth:`input_clips` (flip-TTA averaging, root joint set to 0 and the ``gt_2d``
       option are the caller's business, as in the official loop) and passes the normalised predictions.
    3. Predictions are de-normalised to pixels with the resolution of the clip's first frame camera
       (``xy = (xy + [1, h/w])·w/2``, ``z = z·w/2``), multiplied by the per-frame ``2.5d_factor`` and made
       root-relative; GT = ``joints_2.5d_image`` made root-relative.
    4. Per-frame MPJPE and P-MPJPE are summed over the clips covering a frame and divided by the count; clips of the
       3 sequences in :data:`MOTIONBERT_H36M_BLOCK_LIST` are skipped.
    5. Frames are averaged per action (sorted names), then actions are averaged -> Protocol #1 / #2 (mm).

    Difference from the official code: a frame whose summed MPJPE is exactly 0 (perfect prediction) is evaluated
    here, while the official ``e1_all > 0`` test would silently drop it.

    Args:
        test_set: The test-split mapping (or the whole pkl dict with a ``'test'`` entry).
        clip_len: Clip length of the model (243 for the released models).
        split_ids: Optional ``(n_clips, clip_len)`` frame indices overriding the clip computation (e.g. the indices
            an official run used).
        block_list: Sequence ids (without ``_ca_XX``) to skip.
        rng: Optional generator reproducing the official random resampling of short videos.
    """

    def __init__(
        self,
        test_set: Mapping[str, Any],
        *,
        clip_len: int = 243,
        split_ids: Any | None = None,
        block_list: Sequence[str] = MOTIONBERT_H36M_BLOCK_LIST,
        rng: np.random.Generator | None = None,
    ) -> None:
        if not isinstance(test_set, Mapping):
            raise TypeError(f"test_set must be a mapping of arrays, got {type(test_set).__name__}")
        if "source" not in test_set and "test" in test_set:
            test_set = test_set["test"]
        required = ("source", "action", "camera_name", "2.5d_factor", "joints_2.5d_image")
        missing = [k for k in required if k not in test_set]
        if missing:
            raise ValueError(
                f"test_set lacks keys {missing}; pass the 'test' split of MotionBERT's "
                "h36m_sh_conf_cam_source_final.pkl (or a dict with the same keys)"
            )
        self.test_set = test_set
        self.sources = np.asarray(test_set["source"]).astype(str)
        self.actions = np.asarray(test_set["action"]).astype(str)
        self.cameras = np.asarray(test_set["camera_name"]).astype(str)
        self.factors = _to_numpy(test_set["2.5d_factor"], "2.5d_factor").reshape(-1)
        self.gt = _to_numpy(test_set["joints_2.5d_image"], "joints_2.5d_image")
        n = self.sources.shape[0]
        for name, arr in (("action", self.actions), ("camera_name", self.cameras), ("2.5d_factor", self.factors)):
            if arr.shape[0] != n:
                raise ValueError(f"test_set['{name}'] has {arr.shape[0]} entries but 'source' has {n}")
        if self.gt.shape != (n, 17, 3):
            raise ValueError(f"test_set['joints_2.5d_image'] must have shape ({n}, 17, 3), got {self.gt.shape}")
        unknown = sorted(set(self.cameras) - set(_H36M_CAMERA_RES))
        if unknown:
            raise ValueError(f"unknown H36M camera names {unknown}; expected one of {sorted(_H36M_CAMERA_RES)}")
        if clip_len < 1:
            raise ValueError(f"clip_len must be >= 1, got {clip_len}")
        self.clip_len = int(clip_len)
        self.block_list = tuple(block_list)
        if split_ids is None:
            self.split_ids = motionbert_split_clips(self.sources, self.clip_len, self.clip_len, rng=rng)
        else:
            ids = np.asarray(split_ids)
            if ids.ndim != 2 or ids.shape[1] != self.clip_len or not np.issubdtype(ids.dtype, np.integer):
                raise ValueError(
                    f"split_ids must be an integer array of shape (n_clips, {self.clip_len}), got {ids.shape}"
                )
            if ids.size and (ids.min() < 0 or ids.max() >= n):
                raise ValueError(f"split_ids index frames outside [0, {n})")
            self.split_ids = ids.astype(np.int64)
        self.resolution = np.array([_H36M_CAMERA_RES[c] for c in self.cameras], dtype=np.float64)  # (N, 2) = (w, h)

    @property
    def num_clips(self) -> int:
        """Number of evaluation clips (rows of :attr:`split_ids`)."""
        return int(self.split_ids.shape[0])

    def _clip_resolution(self) -> np.ndarray:
        return self.resolution[self.split_ids[:, 0]]  # (n_clips, 2)

    def input_clips(self, *, with_confidence: bool = True) -> np.ndarray:
        """Model inputs per clip: 2D detections normalised to ``xy/w·2 − [1, h/w]`` (+ confidence channel).

        Returns:
            ``(n_clips, clip_len, 17, 3)`` (or ``2`` channels without confidence) float32 array.
        """
        for key in ("joint_2d", "confidence") if with_confidence else ("joint_2d",):
            if key not in self.test_set:
                raise ValueError(f"test_set lacks '{key}', needed for input_clips()")
        xy = np.asarray(self.test_set["joint_2d"], dtype=np.float32)[..., :2]
        w = self.resolution[:, :1, None]
        h = self.resolution[:, 1:, None]
        xy = (xy / w * 2 - np.concatenate([np.ones_like(h), h / w], axis=-1)).astype(np.float32)
        if with_confidence:
            conf = np.asarray(self.test_set["confidence"], dtype=np.float32)
            if conf.ndim == 2:
                conf = conf[..., None]
            xy = np.concatenate([xy, conf], axis=-1)
        return xy[self.split_ids]

    def label_clips(self) -> np.ndarray:
        """Normalised 3D labels per clip (``joint3d_image``: ``xy/w·2 − [1, h/w]``, ``z/w·2``), float32."""
        if "joint3d_image" not in self.test_set:
            raise ValueError("test_set lacks 'joint3d_image', needed for label_clips()")
        xyz = np.asarray(self.test_set["joint3d_image"], dtype=np.float32)
        w = self.resolution[:, :1, None]
        h = self.resolution[:, 1:, None]
        out = np.empty_like(xyz)
        out[..., :2] = xyz[..., :2] / w * 2 - np.concatenate([np.ones_like(h), h / w], axis=-1)
        out[..., 2:] = xyz[..., 2:] / w * 2
        return out[self.split_ids]

    def denormalize(self, clips: Any) -> np.ndarray:
        """Normalised clip predictions -> pixels (``xy = (xy + [1, h/w])·w/2``, ``z = z·w/2``), float64.

        Args:
            clips: ``(n_clips, clip_len, 17, 3)`` predictions in the normalised screen frame.
        """
        x = self._check_predictions(clips)
        res = self._clip_resolution()
        w = res[:, 0][:, None, None, None]
        ratio = (res[:, 1] / res[:, 0])[:, None, None]
        out = np.empty_like(x)
        out[..., 0] = (x[..., 0] + 1.0) * w[..., 0] / 2
        out[..., 1] = (x[..., 1] + ratio) * w[..., 0] / 2
        out[..., 2] = x[..., 2] * w[..., 0] / 2
        return out

    def _check_predictions(self, predictions: Any) -> np.ndarray:
        x = _to_numpy(predictions, "predictions")
        expected = (self.num_clips, self.clip_len, 17, 3)
        if x.shape != expected:
            raise ValueError(
                f"predictions must have shape (n_clips, clip_len, 17, 3) = {expected} (one row per clip of "
                f"split_ids, in order), got {x.shape}"
            )
        return x

    def evaluate(self, predictions: Any, *, normalized: bool = True) -> H36MEvaluationResult:
        """Run the protocol.

        Args:
            predictions: ``(n_clips, clip_len, 17, 3)`` model outputs for :meth:`input_clips`, in order.
            normalized: ``True`` when the predictions are in the normalised screen frame (model output);
                ``False`` when they are already de-normalised to pixels.

        Returns:
            :class:`H36MEvaluationResult` in millimetres.
        """
        pix = self.denormalize(predictions) if normalized else self._check_predictions(predictions)
        n = self.sources.shape[0]
        sum1 = np.zeros(n)
        sum2 = np.zeros(n)
        count = np.zeros(n)
        blocked = set(self.block_list)
        for clip, frames in enumerate(self.split_ids):
            if self.sources[frames[0]][:-6] in blocked:
                continue
            pred = pix[clip] * self.factors[frames][:, None, None]
            pred = pred - pred[:, :1]
            gt = self.gt[frames] - self.gt[frames][:, :1]
            # Fancy-index accumulation: a frame repeated inside one (resampled) clip counts once, as officially.
            sum1[frames] += mpjpe(pred, gt)
            sum2[frames] += p_mpjpe(pred, gt)
            count[frames] += 1
        seen = count > 0
        if not seen.any():
            raise ValueError("no frame was evaluated: every clip is blocked or there are no clips")
        frame1 = np.full(n, np.nan)
        frame2 = np.full(n, np.nan)
        frame1[seen] = sum1[seen] / count[seen]
        frame2[seen] = sum2[seen] / count[seen]
        per1: dict[str, float] = {}
        per2: dict[str, float] = {}
        for action in sorted(set(self.actions[seen])):
            sel = seen & (self.actions == action)
            per1[str(action)] = float(frame1[sel].mean())
            per2[str(action)] = float(frame2[sel].mean())
        return H36MEvaluationResult(
            protocol1=float(np.mean(list(per1.values()))),
            protocol2=float(np.mean(list(per2.values()))),
            per_action_p1=per1,
            per_action_p2=per2,
            frame_p1=frame1,
            frame_p2=frame2,
        )


def evaluate_h36m_motionbert(
    predictions: Any,
    test_set: Mapping[str, Any],
    *,
    clip_len: int = 243,
    split_ids: Any | None = None,
    normalized: bool = True,
    block_list: Sequence[str] = MOTIONBERT_H36M_BLOCK_LIST,
) -> H36MEvaluationResult:
    """Functional form of :class:`H36MEvaluator` (see there for the protocol).

    Args:
        predictions: ``(n_clips, clip_len, 17, 3)`` predictions for the evaluator's clips, in order.
        test_set: The ``'test'`` split of MotionBERT's H36M pkl (or the whole pkl dict).
        clip_len: Clip length.
        split_ids: Optional clip frame indices overriding the computed ones.
        normalized: Whether the predictions are in the normalised screen frame (else pixels).
        block_list: Sequences to skip.

    Returns:
        :class:`H36MEvaluationResult` (mm).
    """
    evaluator = H36MEvaluator(test_set, clip_len=clip_len, split_ids=split_ids, block_list=block_list)
    return evaluator.evaluate(predictions, normalized=normalized)
