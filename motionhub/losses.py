# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Training losses for motion encoders and their heads (PyTorch).

Every loss takes tensors in the project layout ``(B, T, J, C)`` (batch, frames, joints, channels) unless stated
otherwise and returns a 0-d tensor that can be back-propagated. The skeleton-aware terms (limb lengths, limb
angles) assume the H36M-17 joint order (layout name ``"h36m-17"``). Losses are unit-agnostic: they return values
in the units of their inputs (normalised screen units for MotionBERT-style training, metres for P-STMO/MPM).

The formulas follow the MotionBERT pose3d objective (position + scale-normalised position + velocity, optionally
limb-length variance/consistency and limb-angle terms; STRIDE's test-time training adds a heavy limb-variance term),
the supervised-contrastive loss used for one-shot action recognition, and a masked MPJPE for masked pose modeling
(P-STMO / MPM pretraining).

Summary of the terms (``p`` = prediction, ``g`` = target, ``‖·‖`` Euclidean norm over channels):

* ``mpjpe_loss``: mean over all batch/frames/joints of ``‖p − g‖``.
* ``n_mpjpe_loss``: ``mpjpe_loss(s·p, g)`` with a per-(sample, frame) scale
  ``s = mean_J(Σ_c g·p) / mean_J(Σ_c p²)``.
* ``velocity_loss``: ``mpjpe_loss`` of first temporal differences (0 when ``T == 1``).
* ``limb_variance_loss``: unbiased variance over time of the 16 limb lengths, averaged (0 when ``T == 1``).
* ``limb_length_loss``: L1 between predicted and target limb lengths.
* ``angle_loss`` / ``angle_velocity_loss``: L1 between the 18 inter-limb angles (radians) and their temporal
  differences; angles are ``acos(clamp(cos, −1+1e-7, 1−1e-7))``.
* ``weighted_2d_loss``: mean of ``‖(p_xy − g_xy)·w‖`` with per-joint weights ``w`` (2D confidences).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .skeleton import H36M_LIMB_ANGLE_PAIRS, H36M_LIMBS

__all__ = [
    "H36M_LIMBS",
    "H36M_LIMB_ANGLE_PAIRS",
    "SupConLoss",
    "angle_loss",
    "angle_velocity_loss",
    "get_limb_angles",
    "get_limb_lengths",
    "limb_length_loss",
    "limb_variance_loss",
    "masked_mpjpe_loss",
    "mpjpe_loss",
    "n_mpjpe_loss",
    "pose3d_loss",
    "velocity_loss",
    "weighted_2d_loss",
]

# Limb and angle tables are the skeleton's (re-exported here for the losses' users).
_ANGLE_EPS = 1e-7
_LIMB_PARENTS = [a for a, _ in H36M_LIMBS]
_LIMB_CHILDREN = [b for _, b in H36M_LIMBS]
_ANGLE_FIRST = [a for a, _ in H36M_LIMB_ANGLE_PAIRS]
_ANGLE_SECOND = [b for _, b in H36M_LIMB_ANGLE_PAIRS]


# ------------------------------------------------------------------------------------------------ validation helpers
def _check_tensor(x: object, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}; convert with torch.as_tensor(...)")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}; cast with .float()")
    return x


def _check_pair(pred: Tensor, target: Tensor, *, ndim: int | None = 4) -> None:
    _check_tensor(pred, "pred")
    _check_tensor(target, "target")
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {tuple(pred.shape)} and {tuple(target.shape)}")
    if ndim is not None and pred.dim() != ndim:
        raise ValueError(
            f"expected (B, T, J, C) tensors with {ndim} dimensions, got shape {tuple(pred.shape)}; "
            "add missing batch/frame axes with .unsqueeze(0)"
        )
    if ndim is None and pred.dim() < 2:
        raise ValueError(f"expected tensors of shape (..., J, C), got shape {tuple(pred.shape)}")


def _check_h36m(x: Tensor, name: str) -> None:
    if x.dim() != 4:
        raise ValueError(f"{name} must have shape (B, T, 17, C), got {tuple(x.shape)}")
    if x.shape[2] != 17:
        raise ValueError(
            f"{name} must use the H36M-17 joint layout (17 joints), got {x.shape[2]} joints; convert it with "
            "motionhub.skeleton first"
        )


def _zero_like(x: Tensor) -> Tensor:
    # Keeps the autograd graph connected so that a caller can always call .backward().
    return x.sum() * 0.0


# ----------------------------------------------------------------------------------------------------------- losses
def mpjpe_loss(pred: Tensor, target: Tensor) -> Tensor:
    """Mean per-joint position error: mean Euclidean distance over every batch item, frame and joint.

    Args:
        pred: Prediction of shape ``(..., J, C)`` (usually ``(B, T, J, 3)``), any units.
        target: Target of the same shape and units.

    Returns:
        0-d tensor in the input units.
    """
    _check_pair(pred, target, ndim=None)
    return torch.linalg.vector_norm(pred - target, dim=-1).mean()


def n_mpjpe_loss(pred: Tensor, target: Tensor) -> Tensor:
    """Scale-normalised MPJPE: the prediction is rescaled per sample and frame by its least-squares scale.

    ``s = mean_J(Σ_c target·pred) / mean_J(Σ_c pred²)`` is computed independently for every ``(b, t)`` and the loss
    is ``mpjpe_loss(s·pred, target)``.

    Args:
        pred: ``(B, T, J, C)`` prediction.
        target: ``(B, T, J, C)`` target.

    Returns:
        0-d tensor in the input units.
    """
    _check_pair(pred, target)
    pred_sq = (pred * pred).sum(dim=3, keepdim=True).mean(dim=2, keepdim=True)
    cross = (target * pred).sum(dim=3, keepdim=True).mean(dim=2, keepdim=True)
    return mpjpe_loss(pred * (cross / pred_sq), target)


def velocity_loss(pred: Tensor, target: Tensor) -> Tensor:
    """MPJPE between the first temporal differences of prediction and target (0 when ``T == 1``).

    Args:
        pred: ``(B, T, J, C)`` prediction.
        target: ``(B, T, J, C)`` target.

    Returns:
        0-d tensor in input units per frame.
    """
    _check_pair(pred, target)
    if pred.shape[1] <= 1:
        return _zero_like(pred)
    return mpjpe_loss(pred.diff(dim=1), target.diff(dim=1))


def get_limb_lengths(x: Tensor) -> Tensor:
    """Lengths of the 16 H36M-17 limbs (:data:`H36M_LIMBS`).

    Args:
        x: ``(B, T, 17, C)`` poses.

    Returns:
        ``(B, T, 16)`` limb lengths in the input units.
    """
    _check_tensor(x, "x")
    _check_h36m(x, "x")
    return torch.linalg.vector_norm(x[:, :, _LIMB_PARENTS] - x[:, :, _LIMB_CHILDREN], dim=-1)


def get_limb_angles(x: Tensor) -> Tensor:
    """The 18 inter-limb angles of :data:`H36M_LIMB_ANGLE_PAIRS`, in radians.

    Each angle is ``acos(clamp(cos_sim(limb_a, limb_b), −1+1e-7, 1−1e-7))`` with limb vectors ``x[parent] − x[child]``.

    Args:
        x: ``(B, T, 17, C)`` poses.

    Returns:
        ``(B, T, 18)`` angles in ``(0, π)``.
    """
    _check_tensor(x, "x")
    _check_h36m(x, "x")
    limbs = x[:, :, _LIMB_PARENTS] - x[:, :, _LIMB_CHILDREN]
    cos = F.cosine_similarity(limbs[:, :, _ANGLE_FIRST], limbs[:, :, _ANGLE_SECOND], dim=-1)
    return torch.acos(cos.clamp(-1.0 + _ANGLE_EPS, 1.0 - _ANGLE_EPS))


def limb_variance_loss(pred: Tensor) -> Tensor:
    """Temporal variance of the limb lengths (rigid-bone prior), averaged over batch and limbs.

    Uses the unbiased variance over ``T``; returns 0 when ``T == 1``.

    Args:
        pred: ``(B, T, 17, C)`` prediction (H36M-17).

    Returns:
        0-d tensor in squared input units.
    """
    _check_tensor(pred, "pred")
    _check_h36m(pred, "pred")
    if pred.shape[1] <= 1:
        return _zero_like(pred)
    return get_limb_lengths(pred).var(dim=1, unbiased=True).mean()


def limb_length_loss(pred: Tensor, target: Tensor) -> Tensor:
    """L1 distance between predicted and target limb lengths.

    Args:
        pred: ``(B, T, 17, C)`` prediction (H36M-17).
        target: ``(B, T, 17, C)`` target.

    Returns:
        0-d tensor in input units.
    """
    _check_pair(pred, target)
    return F.l1_loss(get_limb_lengths(pred), get_limb_lengths(target))


def angle_loss(pred: Tensor, target: Tensor) -> Tensor:
    """L1 distance between the 18 inter-limb angles (radians) of prediction and target.

    Args:
        pred: ``(B, T, 17, C)`` prediction (H36M-17).
        target: ``(B, T, 17, C)`` target.

    Returns:
        0-d tensor in radians.
    """
    _check_pair(pred, target)
    return F.l1_loss(get_limb_angles(pred), get_limb_angles(target))


def angle_velocity_loss(pred: Tensor, target: Tensor) -> Tensor:
    """L1 distance between the first temporal differences of the inter-limb angles (0 when ``T == 1``).

    Args:
        pred: ``(B, T, 17, C)`` prediction (H36M-17).
        target: ``(B, T, 17, C)`` target.

    Returns:
        0-d tensor in radians per frame.
    """
    _check_pair(pred, target)
    if pred.shape[1] <= 1:
        return _zero_like(pred)
    return F.l1_loss(get_limb_angles(pred).diff(dim=1), get_limb_angles(target).diff(dim=1))


def weighted_2d_loss(pred: Tensor, target: Tensor, confidence: Tensor) -> Tensor:
    """Confidence-weighted 2D error, used for 2D-only training data.

    Only the first two channels (x, y) of ``pred``/``target`` are compared; the per-joint difference vector is
    multiplied by the weight before taking its norm: ``mean ‖(pred_xy − target_xy)·w‖``.

    Args:
        pred: ``(B, T, J, C)`` prediction with ``C ≥ 2``.
        target: ``(B, T, J, C)`` target with ``C ≥ 2``.
        confidence: ``(B, T, J, 1)`` or ``(B, T, J)`` weights, typically the 2D detector confidences in [0, 1].

    Returns:
        0-d tensor in input units.
    """
    _check_pair(pred, target)
    _check_tensor(confidence, "confidence")
    if pred.shape[-1] < 2:
        raise ValueError(f"pred/target need at least 2 channels (x, y), got {pred.shape[-1]}")
    if confidence.dim() == 3:
        confidence = confidence.unsqueeze(-1)
    if confidence.shape != (*pred.shape[:3], 1):
        raise ValueError(
            f"confidence must have shape (B, T, J) or (B, T, J, 1) = {tuple(pred.shape[:3])}(+1), "
            f"got {tuple(confidence.shape)}"
        )
    diff = (pred[..., :2] - target[..., :2]) * confidence
    return torch.linalg.vector_norm(diff, dim=-1).mean()


def masked_mpjpe_loss(pred: Tensor, target: Tensor, mask: Tensor) -> Tensor:
    """MPJPE averaged over the masked positions only (masked pose modeling).

    Args:
        pred: ``(B, T, J, C)`` reconstruction (2D or 3D), any units.
        target: ``(B, T, J, C)`` ground truth.
        mask: Boolean or 0/1 float tensor broadcastable to ``(B, T, J)`` (e.g. ``(B, T, J)``, ``(T, J)`` for a
            spatial mask shared by the batch, ``(B, T, 1)`` or ``(T, 1)`` for frame masks). ``True``/1 marks the
            masked (to-be-reconstructed) positions; float values act as weights.

    Returns:
        0-d tensor: ``Σ mask·‖pred − target‖ / Σ mask``; 0 (graph-connected) when nothing is masked.
    """
    _check_pair(pred, target)
    if not isinstance(mask, Tensor):
        raise TypeError(f"mask must be a torch.Tensor, got {type(mask).__name__}")
    err = torch.linalg.vector_norm(pred - target, dim=-1)
    try:
        weights = torch.broadcast_to(mask.to(device=err.device, dtype=err.dtype), err.shape)
    except RuntimeError as exc:
        raise ValueError(
            f"mask of shape {tuple(mask.shape)} cannot be broadcast to (B, T, J) = {tuple(err.shape)}; "
            "for a per-frame mask use shape (B, T, 1)"
        ) from exc
    total = weights.sum()
    if total.item() == 0:
        return _zero_like(pred)
    return (err * weights).sum() / total


def pose3d_loss(
    pred: Tensor,
    target: Tensor,
    *,
    lambda_position: float = 1.0,
    lambda_scale: float = 0.5,
    lambda_velocity: float = 20.0,
    lambda_limb_var: float = 0.0,
    lambda_limb_gt: float = 0.0,
    lambda_angle: float = 0.0,
    lambda_angle_velocity: float = 0.0,
) -> tuple[Tensor, dict[str, Tensor]]:
    """Weighted pose-lifting objective of MotionBERT (pretraining / pose3d finetuning).

    ``total = λ_position·mpjpe + λ_scale·n_mpjpe + λ_velocity·velocity + λ_limb_var·limb_var + λ_limb_gt·limb_gt
    + λ_angle·angle + λ_angle_velocity·angle_velocity``. The defaults are the released MotionBERT configs; STRIDE
    test-time training uses ``lambda_limb_var=200``. Terms whose weight is 0 are not computed and not returned.

    Args:
        pred: ``(B, T, 17, 3)`` predicted root-relative poses.
        target: ``(B, T, 17, 3)`` targets in the same units.
        lambda_position: Weight of :func:`mpjpe_loss`.
        lambda_scale: Weight of :func:`n_mpjpe_loss`.
        lambda_velocity: Weight of :func:`velocity_loss`.
        lambda_limb_var: Weight of :func:`limb_variance_loss` (on the prediction).
        lambda_limb_gt: Weight of :func:`limb_length_loss`.
        lambda_angle: Weight of :func:`angle_loss`.
        lambda_angle_velocity: Weight of :func:`angle_velocity_loss`.

    Returns:
        ``(total, components)`` where ``components`` maps ``"position"``, ``"scale"``, ``"velocity"``,
        ``"limb_var"``, ``"limb_gt"``, ``"angle"``, ``"angle_velocity"`` (those with non-zero weight) to the
        unweighted 0-d loss tensors.
    """
    _check_pair(pred, target)
    weights = {
        "lambda_position": lambda_position,
        "lambda_scale": lambda_scale,
        "lambda_velocity": lambda_velocity,
        "lambda_limb_var": lambda_limb_var,
        "lambda_limb_gt": lambda_limb_gt,
        "lambda_angle": lambda_angle,
        "lambda_angle_velocity": lambda_angle_velocity,
    }
    for name, value in weights.items():
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
    terms = (
        ("position", lambda_position, lambda: mpjpe_loss(pred, target)),
        ("scale", lambda_scale, lambda: n_mpjpe_loss(pred, target)),
        ("velocity", lambda_velocity, lambda: velocity_loss(pred, target)),
        ("limb_var", lambda_limb_var, lambda: limb_variance_loss(pred)),
        ("limb_gt", lambda_limb_gt, lambda: limb_length_loss(pred, target)),
        ("angle", lambda_angle, lambda: angle_loss(pred, target)),
        ("angle_velocity", lambda_angle_velocity, lambda: angle_velocity_loss(pred, target)),
    )
    components: dict[str, Tensor] = {}
    total: Tensor | None = None
    for name, weight, fn in terms:
        if weight == 0:
            continue
        value = fn()
        components[name] = value
        total = weight * value if total is None else total + weight * value
    if total is None:
        raise ValueError("every lambda_* weight is 0: enable at least one loss term")
    return total, components


# ---------------------------------------------------------------------------------------------------------- SupCon
class SupConLoss(nn.Module):
    """Supervised contrastive loss (Khosla et al., 2020), as used for one-shot action recognition.

    For every anchor ``i`` with positives ``P(i)`` (same label, itself excluded) and all other samples ``A(i)``:
    ``ℓ_i = −(τ/τ_base) · mean_{p∈P(i)} [ z_i·z_p/τ − log Σ_{a∈A(i)} exp(z_i·z_a/τ) ]``; the loss is the mean of
    ``ℓ_i`` over all anchors. With the MotionBERT one-shot settings (``temperature=0.1``, ``base_temperature=0.07``)
    the loss is therefore scaled by ``0.1/0.07``. Anchors without any positive contribute 0 (instead of NaN).
    Logits are shifted by their row maximum before exponentiation (log-sum-exp stabilisation).

    Features are used as given; pass L2-normalised embeddings (as the embedding heads output).

    Args:
        temperature: Softmax temperature ``τ``.
        contrast_mode: ``"all"`` (every view is an anchor) or ``"one"`` (only the first view).
        base_temperature: ``τ_base`` of the loss scale.
    """

    def __init__(self, temperature: float = 0.1, contrast_mode: str = "all", base_temperature: float = 0.07) -> None:
        super().__init__()
        if contrast_mode not in ("all", "one"):
            raise ValueError(f"contrast_mode must be 'all' or 'one', got {contrast_mode!r}")
        if temperature <= 0 or base_temperature <= 0:
            raise ValueError(f"temperature and base_temperature must be > 0, got {temperature} and {base_temperature}")
        self.temperature = float(temperature)
        self.contrast_mode = contrast_mode
        self.base_temperature = float(base_temperature)

    def extra_repr(self) -> str:
        return (
            f"temperature={self.temperature}, contrast_mode={self.contrast_mode!r}, "
            f"base_temperature={self.base_temperature}"
        )

    def forward(self, features: Tensor, labels: Tensor | None = None, mask: Tensor | None = None) -> Tensor:
        """Compute the loss.

        Args:
            features: ``(B, n_views, D)`` embeddings (extra trailing dims are flattened into ``D``).
            labels: ``(B,)`` integer class labels; samples with equal labels are positives.
            mask: ``(B, B)`` 0/1 tensor, ``mask[i, j] = 1`` if ``j`` is a positive of ``i``. Give at most one of
                ``labels``/``mask``; with neither, only the other views of the same sample are positives (SimCLR).

        Returns:
            0-d loss tensor.
        """
        _check_tensor(features, "features")
        if features.dim() < 3:
            raise ValueError(
                f"features must have shape (B, n_views, D), got {tuple(features.shape)}; "
                "for one view per sample use features.unsqueeze(1)"
            )
        batch, n_views = features.shape[:2]
        features = features.reshape(batch, n_views, -1)
        if labels is not None and mask is not None:
            raise ValueError("give either labels or mask, not both")
        if labels is not None:
            if not isinstance(labels, Tensor):
                labels = torch.as_tensor(labels)
            labels = labels.reshape(-1).to(features.device)
            if labels.numel() != batch:
                raise ValueError(f"labels must have {batch} entries (one per sample), got {labels.numel()}")
            pos = (labels[:, None] == labels[None, :]).to(features.dtype)
        elif mask is not None:
            if mask.shape != (batch, batch):
                raise ValueError(f"mask must have shape (B, B) = ({batch}, {batch}), got {tuple(mask.shape)}")
            pos = mask.to(device=features.device, dtype=features.dtype)
        else:
            pos = torch.eye(batch, device=features.device, dtype=features.dtype)
        if batch * n_views < 2:
            raise ValueError("SupConLoss needs at least 2 embeddings in total (B * n_views >= 2)")

        # View-major stacking: rows [view0 of all samples, view1 of all samples, ...].
        contrast = features.transpose(0, 1).reshape(n_views * batch, -1)
        if self.contrast_mode == "one":
            anchors, n_anchor_views = features[:, 0], 1
        else:
            anchors, n_anchor_views = contrast, n_views

        logits = anchors @ contrast.T / self.temperature
        logits = logits - logits.max(dim=1, keepdim=True).values.detach()

        n_anchors = n_anchor_views * batch
        not_self = torch.ones_like(logits)
        idx = torch.arange(n_anchors, device=logits.device)
        not_self[idx, idx] = 0.0
        pos = pos.repeat(n_anchor_views, n_views) * not_self

        log_denominator = torch.logsumexp(logits.masked_fill(not_self == 0, float("-inf")), dim=1, keepdim=True)
        log_prob = logits - log_denominator
        n_pos = pos.sum(dim=1)
        mean_log_prob_pos = (pos * log_prob).sum(dim=1) / n_pos.clamp(min=1.0)
        loss = -(self.temperature / self.base_temperature) * mean_log_prob_pos
        return loss.mean()
