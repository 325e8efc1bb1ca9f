# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STRIDE (Lal et al., WACV 2025): a 3D motion prior refined on one video by test-time training (TTT).

Two parts:

1. **Masked 3D pretraining** of the motion prior: a :class:`~motionhub.DSTformerForPoseLifting` whose input is 3D
   (``dim_in=3`` = x, y, z in camera space, metres) corrupted by smooth noise, per-frame jitter, joint/frame masks and
   STRIDE-style occlusions (:mod:`motionhub.corruption`), trained to output the clean root-relative pose of every frame.
   :class:`Masked3DPretrainDataset` + :class:`Masked3DCollator` + :func:`build_masked3d_trainer`
   (transformers.Trainer with AdamW and MotionBERT's ×``lr_decay`` per epoch). Command line:
   ``python -m motionhub.tasks.stride --bandai DIR --h36m DIR --output-dir OUT`` (see :func:`main`).

2. **Test-time training** (:func:`test_time_train`): given one video's noisy, partly missing per-frame 3D poses (from
   any image-based estimator), a *copy* of the prior is optimised on that video alone, input == target (the noisy
   poses; target made root-relative), with ``λ_pos·MPJPE + λ_scale·N-MPJPE + λ_vel·velocity + λ_lv·limb-length
   variance`` (1 / 0.5 / 20 / 200 by default, STRIDE's ``MB_ft_h36m.yaml``), AdamW (lr 2e-4, weight decay 0.01, lr
   ×0.99 after every epoch), random horizontal flips of input and target; then :func:`stride_predict` predicts every
   frame with flip averaging. Videos longer than the prior's ``maxlen`` are cut into overlapping windows (training
   iterates over them; predictions are merged with triangular weights).

Parity with the official code (``stride/stride_inference.py``; tests against ``reference/stride``):

* :func:`stride_predict` with ``recenter="stride_midhip"`` reproduces ``evaluate()``: flip-averaged prediction, joint
  0 set to 0, then the mean of joints 2 and 3 subtracted. The latter is a J14-style "mid-hip" applied to H36M-17
  indices (which are the right knee and ankle): an official quirk, kept only as this explicit option. The default
  ``recenter="root"`` keeps the H36M convention (pelvis at the origin).
* :func:`stride_train_epoch` is the official ``train_epoch`` (forward in train mode, ``zero_grad``, backward, step;
  one step per window batch). The official ``train_with_config`` multiplies the lr by ``lr_decay`` *after* every
  epoch; the fixture calls ``train_epoch`` three times directly (no decay in between), which
  ``test_time_train(..., lr_decay=1.0)`` reproduces.
* The prior's head output is used as is during training (the official model does not zero the root; convert official
  checkpoints with :func:`motionhub.conversion.convert_checkpoint`, which sets ``root_relative=False``).

Extension (not in the official code): a visibility mask. Hidden joints are zeroed in the input (as in the masked 3D
pretraining) and left out of the position, scale and velocity terms; the limb-length-variance term acts on every frame,
which, with the prior, fills the gaps. A joint counts as visible only when the root of its frame is visible too
(the root-relative target needs it). ``visibility=None`` gives the official behaviour exactly.

Units: whatever the poses are in (the official prior and motionhub's ``stride-prior-small`` expect metres, camera
space: x right, y down, z forward). Layout: H36M-17 (the limb terms need it). Input convention of the prior, read from
``config.input_normalization``: ``"none_3d"`` (official STRIDE: raw camera-space poses) or ``"centered_3d"``
(motionhub's prior: each window translated so that the mean of its visible joints is the origin,
:func:`center_stride_input`); prediction and TTT apply it automatically.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from motionhub.corruption import OcclusionSimulator, corrupt_3d, make_generator
from motionhub.losses import get_limb_lengths, pose3d_loss
from motionhub.modeling_utils import flip_augmented
from motionhub.runner import WindowRunner, plan_windows
from motionhub.skeleton import flip

from .trainer import TimeBudgetCallback

__all__ = [
    "STRIDE_LAMBDAS",
    "Masked3DCollator",
    "Masked3DPretrainDataset",
    "TTTResult",
    "build_masked3d_trainer",
    "center_stride_input",
    "masked_pose3d_loss",
    "prepare_stride_input",
    "stride_predict",
    "stride_train_epoch",
    "test_time_train",
    "to_camera_frame",
]

#: STRIDE's loss weights (``stride/configs/pose3d/MB_ft_h36m.yaml``).
STRIDE_LAMBDAS: dict[str, float] = {
    "lambda_position": 1.0,
    "lambda_scale": 0.5,
    "lambda_velocity": 20.0,
    "lambda_limb_var": 200.0,
}

_RECENTER = ("root", "stride_midhip", "none")


# ------------------------------------------------------------------------------------------------------ inputs
def prepare_stride_input(poses: Any, visibility: Any | None = None) -> tuple[Tensor, Tensor | None]:
    """Validate one video's poses; hidden (or NaN) joints are zeroed in all 3 channels.

    Args:
        poses: ``(T, J, 3)`` per-frame 3D poses (numpy or torch), NaN allowed for missing joints.
        visibility: optional ``(T,)`` (per frame) or ``(T, J)`` (per joint) booleans, ``True`` = observed.

    Returns:
        ``(poses (T, J, 3) float32 tensor, visible (T, J) bool tensor or None)``; ``visible`` is ``None`` only when
        no visibility was given and nothing is NaN (the official, mask-free path).
    """
    x = torch.as_tensor(np.asarray(poses) if not isinstance(poses, Tensor) else poses).detach().float().cpu()
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(
            f"poses must be one video's (T, J, 3) 3D keypoints, got shape {tuple(x.shape)}; for several videos call "
            "test_time_train once per video"
        )
    if x.shape[0] < 2:
        raise ValueError(f"STRIDE needs at least 2 frames (velocity / limb-variance terms), got {x.shape[0]}")
    if torch.isinf(x).any():
        raise ValueError("poses contain infinite values")
    nan = torch.isnan(x).any(-1)
    vis = None
    if visibility is not None:
        v = torch.as_tensor(np.asarray(visibility) if not isinstance(visibility, Tensor) else visibility).cpu()
        v = v.bool()
        if v.shape == (x.shape[0],):
            v = v[:, None].expand(x.shape[0], x.shape[1])
        if v.shape != x.shape[:2]:
            raise ValueError(
                f"visibility must be (T,) = ({x.shape[0]},) or (T, J) = {tuple(x.shape[:2])}, got {tuple(v.shape)}"
            )
        vis = v.clone()
    if nan.any():
        vis = ~nan if vis is None else vis & ~nan
    if vis is not None:
        if not vis.any():
            raise ValueError("every joint of every frame is hidden: nothing to refine")
        x = torch.where(vis[..., None], torch.nan_to_num(x), torch.zeros_like(x))
    return x, vis


def center_stride_input(x: Tensor, visible: Tensor | None = None) -> Tensor:
    """Translate each clip so the mean of its visible joints (over all frames) is the origin; hidden joints stay 0.

    The input convention of priors with ``config.input_normalization == "centered_3d"`` (motionhub's
    ``stride-prior-small``): removing the camera-space offset (people stand metres away) makes the prior far easier
    to learn; the root-relative target is unaffected. The official STRIDE prior takes raw camera-space input
    (``"none_3d"``).

    Args:
        x: ``(N, W, J, 3)`` window clips (hidden joints already zeroed).
        visible: ``(N, W, J)`` booleans (``None``: all visible).

    Returns:
        ``(N, W, J, 3)`` centred clips.
    """
    w = torch.ones(x.shape[:3], dtype=x.dtype, device=x.device) if visible is None else visible.to(x.dtype)
    count = w.sum(dim=(1, 2)).clamp_min(1.0)
    center = (x * w[..., None]).sum(dim=(1, 2)) / count[:, None]
    return (x - center[:, None, None, :]) * w[..., None]


def _centered(model: torch.nn.Module) -> bool:
    from motionhub.processor import processor_for_model

    # the model's processor (preprocessor_config.json, else derived from config.input_normalization)
    return processor_for_model(model).normalization == "centered_3d"


def _target_and_weights(x: Tensor, vis: Tensor | None) -> tuple[Tensor, Tensor | None]:
    """Root-relative target; joints count as visible only if their frame's root is visible."""
    target = x - x[..., :1, :]
    if vis is None:
        return target, None
    w = vis & vis[..., :1]
    return target * w[..., None].to(target.dtype), w


# ------------------------------------------------------------------------------------------------------ loss
def masked_pose3d_loss(
    pred: Tensor,
    target: Tensor,
    visible: Tensor | None = None,
    *,
    lambda_position: float = 1.0,
    lambda_scale: float = 0.5,
    lambda_velocity: float = 20.0,
    lambda_limb_var: float = 200.0,
) -> tuple[Tensor, dict[str, Tensor]]:
    """STRIDE's TTT objective; with ``visible`` the data terms use observed joints only.

    Without ``visible`` this is :func:`motionhub.losses.pose3d_loss` with the four weights (the official loss).
    With ``visible`` ``(B, T, J)``: position = mean over visible joints of ``‖p − g‖``; scale = the same after the
    per-frame least-squares scale over that frame's visible joints; velocity = over joints visible in both frames;
    limb variance on the prediction of every frame (no target needed).

    Args:
        pred / target: ``(B, T, 17, 3)`` (target root-relative).
        visible: optional ``(B, T, 17)`` booleans.
        lambda_*: weights (terms with weight 0 are skipped).

    Returns:
        ``(total, components)`` with the unweighted terms ``position``, ``scale``, ``velocity``, ``limb_var``.
    """
    if visible is None:
        return pose3d_loss(
            pred, target, lambda_position=lambda_position, lambda_scale=lambda_scale,
            lambda_velocity=lambda_velocity, lambda_limb_var=lambda_limb_var,
        )
    w = visible.to(pred.dtype)
    zero = pred.sum() * 0.0

    def wmean(err: Tensor, weights: Tensor) -> Tensor:
        total = weights.sum()
        return (err * weights).sum() / total if total > 0 else zero

    components: dict[str, Tensor] = {}
    total = zero
    if lambda_position:
        components["position"] = wmean(torch.linalg.vector_norm(pred - target, dim=-1), w)
        total = total + lambda_position * components["position"]
    if lambda_scale:
        wp = pred * w[..., None]
        cross = (target * wp).sum(dim=(2, 3), keepdim=True)
        sq = (wp * wp).sum(dim=(2, 3), keepdim=True)
        scale = torch.where(sq > 0, cross / sq.clamp_min(1e-12), torch.ones_like(sq))
        components["scale"] = wmean(torch.linalg.vector_norm(pred * scale - target, dim=-1), w)
        total = total + lambda_scale * components["scale"]
    if lambda_velocity:
        wv = w[:, 1:] * w[:, :-1]
        err = torch.linalg.vector_norm(pred.diff(dim=1) - target.diff(dim=1), dim=-1)
        components["velocity"] = wmean(err, wv)
        total = total + lambda_velocity * components["velocity"]
    if lambda_limb_var:
        components["limb_var"] = get_limb_lengths(pred).var(dim=1, unbiased=True).mean()
        total = total + lambda_limb_var * components["limb_var"]
    return total, components


# ------------------------------------------------------------------------------------------------------ predict
def _model_window(model: torch.nn.Module, window: int | None) -> int:
    maxlen = int(model.config.maxlen)
    if window is None:
        return maxlen
    if not 2 <= int(window) <= maxlen:
        raise ValueError(f"window must be in [2, config.maxlen={maxlen}], got {window}")
    return int(window)


def _check_model(model: Any) -> None:
    config = getattr(model, "config", None)
    if config is None or not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"expected a pose-lifting model with 3D input (e.g. DSTformerForPoseLifting), got {type(model).__name__}"
        )
    if config.dim_in != 3 or config.num_joints != 17:
        raise ValueError(
            f"STRIDE needs a prior with 3D input on H36M-17 (dim_in=3, num_joints=17), got dim_in={config.dim_in}, "
            f"num_joints={config.num_joints}"
        )


def _forward(model: torch.nn.Module, x: Tensor) -> Tensor:
    out = model(keypoints=x, return_dict=True)
    return out.pose_3d


@torch.no_grad()
def stride_predict(
    model: torch.nn.Module,
    poses: Any,
    visibility: Any | None = None,
    *,
    flip_test: bool = True,
    root_zero: bool = True,
    recenter: str = "root",
    window: int | None = None,
    window_stride: int | None = None,
    batch_size: int = 8,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """STRIDE's ``evaluate()``: predict every frame of one video with the (prior or adapted) model.

    Args:
        model: pose-lifting model with 3D input (``DSTformerForPoseLifting`` with ``dim_in=3``).
        poses: ``(T, 17, 3)`` per-frame poses (hidden/NaN joints are zeroed, see :func:`prepare_stride_input`).
        visibility: optional ``(T,)`` / ``(T, J)`` visibility.
        flip_test: average with the prediction of the horizontally flipped input (official default).
        root_zero: set joint 0 to the origin (official ``rootrel``).
        recenter: ``"root"`` (nothing more), ``"stride_midhip"`` (subtract the mean of joints 2 and 3: the official
            quirk, for parity only) or ``"none"``.
        window: frames per model call (default ``config.maxlen``); longer videos use overlapping windows.
        window_stride: step between windows (default ``window // 2``).
        batch_size: windows per forward pass.
        device: where to run (default: the model's device).

    Returns:
        ``(T, 17, 3)`` float32 numpy array in the input units.
    """
    if recenter not in _RECENTER:
        raise ValueError(f"recenter must be one of {_RECENTER}, got {recenter!r}")
    _check_model(model)
    x, vis = prepare_stride_input(poses, visibility)
    win = _model_window(model, window)
    device = torch.device(device) if device is not None else next(model.parameters()).device

    def prepare(batch: Tensor, chunk: Sequence[np.ndarray]) -> Tensor:  # motionhub priors: centre every window
        return center_stride_input(batch, torch.stack([vis[w] for w in chunk]) if vis is not None else None)

    forward = lambda k: _forward(model, k)  # noqa: E731
    predict = (lambda k: flip_augmented(forward, k)) if flip_test else forward
    runner = WindowRunner(predict, batch_size=batch_size, device=device)
    was_training = model.training
    model.eval()
    try:
        stride = window_stride if window_stride is not None else max(1, win // 2)
        merged = runner.seq2seq(x, win, stride, merge="triangular", prepare=prepare if _centered(model) else None)
    finally:
        model.train(was_training)
    merged = np.array(merged, dtype=np.float32)
    if root_zero:
        merged[:, 0, :] = 0
    if recenter == "stride_midhip":
        merged = merged - (merged[:, 2:3, :] + merged[:, 3:4, :]) / 2
    return merged


# ------------------------------------------------------------------------------------------------------ TTT
def stride_train_epoch(
    model: torch.nn.Module,
    inputs: Tensor,
    targets: Tensor,
    optimizer: torch.optim.Optimizer,
    *,
    visible: Tensor | None = None,
    batch_size: int = 1,
    flip_augmentation: bool = False,
    generator: torch.Generator | None = None,
    lambdas: dict[str, float] | None = None,
    progress: Any | None = None,
) -> dict[str, float]:
    """One epoch of the official ``train_epoch`` over window clips (one optimizer step per batch).

    Args:
        model: the model being adapted (put in train mode here).
        inputs / targets: ``(N, W, 17, 3)`` window clips (input raw, target root-relative).
        optimizer: its optimizer (AdamW in STRIDE).
        visible: optional ``(N, W, 17)`` weights of the data terms.
        batch_size: clips per step (STRIDE: 1).
        flip_augmentation: flip input and target of each clip with probability 0.5 (STRIDE's dataset flip).
        generator: source of the flip decisions.
        lambdas: loss weights (default :data:`STRIDE_LAMBDAS`).
        progress: optional tqdm bar advanced once per step.

    Returns:
        Mean (over steps) of ``total`` and each loss component.
    """
    lambdas = dict(STRIDE_LAMBDAS if lambdas is None else lambdas)
    device = next(model.parameters()).device
    model.train()
    sums: dict[str, float] = {}
    steps = 0
    for i in range(0, inputs.shape[0], batch_size):
        x = inputs[i : i + batch_size].to(device)
        y = targets[i : i + batch_size].to(device)
        v = visible[i : i + batch_size].to(device) if visible is not None else None
        if flip_augmentation:
            do_flip = torch.rand(x.shape[0], generator=generator) > 0.5
            if do_flip.any():
                idx = do_flip.nonzero().flatten().to(device)
                x, y = x.clone(), y.clone()
                x[idx], y[idx] = flip(x[idx]), flip(y[idx])
                if v is not None:
                    v = v.clone()
                    v[idx] = v[idx][..., torch.as_tensor(_flip_perm(), device=device)]
        pred = _forward(model, x)
        optimizer.zero_grad()
        loss, components = masked_pose3d_loss(pred, y, v, **lambdas)
        loss.backward()
        optimizer.step()
        steps += 1
        for k, val in {"total": loss, **components}.items():
            sums[k] = sums.get(k, 0.0) + float(val.detach())
        if progress is not None:
            progress.update(1)
            progress.set_postfix(loss=f"{float(loss.detach()):.4f}")
    return {k: s / max(steps, 1) for k, s in sums.items()}


def _flip_perm() -> np.ndarray:
    from motionhub.skeleton import get_layout

    return get_layout("h36m-17").flip_permutation


@dataclass
class TTTResult:
    """Output of :func:`test_time_train`.

    Attributes:
        poses: ``(T, 17, 3)`` refined poses (root-relative, input units; see ``recenter``).
        initial_poses: ``(T, 17, 3)`` prediction of the prior before TTT (when ``predict_before=True``).
        history: per-epoch mean loss components (``total``, ``position``, ``scale``, ``velocity``, ``limb_var``).
        model: the adapted copy of the prior (``None`` when ``return_model=False``).
        steps: optimizer steps taken.
    """

    poses: np.ndarray
    initial_poses: np.ndarray | None = None
    history: list[dict[str, float]] = field(default_factory=list)
    model: torch.nn.Module | None = None
    steps: int = 0


def test_time_train(
    prior_model: torch.nn.Module,
    poses: Any,
    visibility: Any | None = None,
    *,
    epochs: int = 30,
    max_steps: int | None = None,
    lr: float = 2e-4,
    weight_decay: float = 0.01,
    lr_decay: float = 0.99,
    lambda_position: float = 1.0,
    lambda_scale: float = 0.5,
    lambda_velocity: float = 20.0,
    lambda_limb_var: float = 200.0,
    flip_augmentation: bool = True,
    flip_test: bool = True,
    recenter: str = "root",
    window: int | None = None,
    window_stride: int | None = None,
    batch_size: int = 1,
    device: str | torch.device | None = None,
    seed: int | None = 0,
    predict_before: bool = False,
    progress: bool = True,
    return_model: bool = True,
) -> TTTResult:
    """STRIDE test-time training on one video; the prior is **copied** (the caller's model is never modified).

    Args:
        prior_model: the motion prior, a pose-lifting model with 3D input (``DSTformerForPoseLifting``,
            ``dim_in=3``; e.g. ``convert_checkpoint(stride_ckpt, family="stride")`` or motionhub's
            ``stride-prior-small``).
        poses: ``(T, 17, 3)`` noisy per-frame 3D poses (H36M-17, camera space; metres for the released priors).
            NaN marks missing joints.
        visibility: optional ``(T,)`` or ``(T, 17)`` booleans (``True`` = observed).
        epochs: passes over the video's windows (STRIDE: 30).
        max_steps: stop after this many optimizer steps (overrides ``epochs`` when reached first).
        lr, weight_decay: AdamW settings (2e-4, 0.01).
        lr_decay: lr multiplier applied after every epoch (0.99; 1.0 = constant).
        lambda_position, lambda_scale, lambda_velocity, lambda_limb_var: loss weights (1 / 0.5 / 20 / 200).
        flip_augmentation: random horizontal flip of input+target per window and step (p = 0.5).
        flip_test: flip averaging in the final prediction.
        recenter: see :func:`stride_predict` (``"stride_midhip"`` = the official evaluate quirk).
        window: frames per window (default: the prior's ``maxlen``); longer videos are cut into overlapping windows.
        window_stride: step between training/inference windows (default ``window // 2``).
        batch_size: windows per optimizer step (STRIDE: 1).
        device: where to optimise (default: CPU / the prior's device).
        seed: seed of the flip decisions (``None``: from torch's global RNG).
        predict_before: also return the prior's prediction before TTT (:attr:`TTTResult.initial_poses`).
        progress: show a tqdm progress bar over the optimizer steps.
        return_model: keep the adapted model in the result.

    Returns:
        :class:`TTTResult` with the refined ``(T, 17, 3)`` poses.
    """
    _check_model(prior_model)
    if epochs < 0 or (max_steps is not None and max_steps < 0):
        raise ValueError("epochs and max_steps must be >= 0")
    if lr <= 0 or weight_decay < 0 or not 0 < lr_decay <= 1:
        raise ValueError("need lr > 0, weight_decay >= 0 and 0 < lr_decay <= 1")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if recenter not in _RECENTER:
        raise ValueError(f"recenter must be one of {_RECENTER}, got {recenter!r}")
    x, vis = prepare_stride_input(poses, visibility)
    win = _model_window(prior_model, window)
    device = torch.device(device) if device is not None else next(prior_model.parameters()).device
    lambdas = {"lambda_position": lambda_position, "lambda_scale": lambda_scale, "lambda_velocity": lambda_velocity,
               "lambda_limb_var": lambda_limb_var}  # fmt: skip
    predict_kwargs = {"flip_test": flip_test, "recenter": recenter, "window": win, "window_stride": window_stride,
                      "device": device}  # fmt: skip

    model = copy.deepcopy(prior_model).to(device)
    initial = stride_predict(model, x, vis, **predict_kwargs) if predict_before else None

    windows = plan_windows(x.shape[0], win, window_stride if window_stride is not None else max(1, win // 2))
    idx = torch.as_tensor(np.stack(windows))
    target, weights = _target_and_weights(x, vis)
    inputs, targets = x[idx], target[idx]
    if _centered(model):
        inputs = center_stride_input(inputs, vis[idx] if vis is not None else None)
    wins_visible = weights[idx] if weights is not None else None

    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the prior has no trainable parameters (unfreeze them before test-time training)")
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    generator = make_generator(seed)
    steps_per_epoch = math.ceil(len(windows) / batch_size)
    total_steps = epochs * steps_per_epoch if max_steps is None else min(max_steps, epochs * steps_per_epoch)
    history: list[dict[str, float]] = []
    bar = None
    if progress and total_steps > 0:
        from tqdm.auto import tqdm

        bar = tqdm(total=total_steps, desc="STRIDE test-time training", unit="step")
    steps = 0
    try:
        for _ in range(epochs):
            remaining = total_steps - steps
            if remaining <= 0:
                break
            n = min(inputs.shape[0], remaining * batch_size)
            stats = stride_train_epoch(
                model, inputs[:n], targets[:n], optimizer,
                visible=wins_visible[:n] if wins_visible is not None else None, batch_size=batch_size,
                flip_augmentation=flip_augmentation, generator=generator, lambdas=lambdas, progress=bar,
            )
            steps += math.ceil(n / batch_size)
            history.append(stats)
            for group in optimizer.param_groups:
                group["lr"] *= lr_decay
    finally:
        if bar is not None:
            bar.close()
    refined = stride_predict(model, x, vis, **predict_kwargs)
    model.eval()
    return TTTResult(
        poses=refined, initial_poses=initial, history=history, model=model if return_model else None, steps=steps
    )


test_time_train.__test__ = False  # not a pytest test despite the name


# ------------------------------------------------------------------------------------------ masked 3D pretraining
def to_camera_frame(poses: np.ndarray, up_axis: str = "y", yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """World poses -> a virtual camera frame (x right, y down, z forward), rotated by ``yaw`` about the vertical.

    Args:
        poses: ``(T, J, 3)`` world coordinates with ``up_axis`` pointing up (``"y"``: Bandai, BVH; ``"z"``: H36M
            world, Vicon).
        up_axis: ``"y"`` or ``"z"``.
        yaw: rotation about the vertical axis (radians) = the camera's azimuth.
        pitch: camera elevation (radians; positive looks down on the person).

    Returns:
        ``(T, J, 3)`` float64 camera-frame coordinates (same units; not translated).
    """
    p = np.asarray(poses, dtype=np.float64)
    if p.ndim != 3 or p.shape[-1] != 3:
        raise ValueError(f"poses must be (T, J, 3), got {p.shape}")
    if up_axis == "z":
        p = p @ np.array([[1.0, 0, 0], [0, 0, -1.0], [0, 1.0, 0]])  # (x, y, z) z-up -> (x, z, -y) y-up
    elif up_axis != "y":
        raise ValueError(f"up_axis must be 'y' or 'z', got {up_axis!r}")
    c, s = math.cos(yaw), math.sin(yaw)
    rot_yaw = np.array([[c, 0, s], [0, 1.0, 0], [-s, 0, c]])
    to_cam = np.diag([1.0, -1.0, -1.0])  # y up -> y down, looking along -z_world
    cp, sp = math.cos(pitch), math.sin(pitch)
    rot_pitch = np.array([[1.0, 0, 0], [0, cp, -sp], [0, sp, cp]])
    r = rot_pitch @ to_cam @ rot_yaw
    return p @ r.T


class Masked3DPretrainDataset(torch.utils.data.Dataset):
    """Random clips of clean 3D motion placed in front of a virtual camera, for masked 3D pretraining.

    Each item is one clip ``(clip_len, 17, 3)`` in metres, camera frame: a random azimuth (``yaw_range``) and
    elevation (``pitch_range``), the first-frame root placed at a random position (``lateral_range`` metres sideways,
    depth in ``depth_range``), or, with probability ``centered_prob``, at the origin (inputs already root-centred);
    horizontally flipped with probability ``flip_prob``. Clips start every ``clip_stride`` frames of each sequence
    (sequences shorter than ``clip_len`` are skipped).

    Args:
        sequences: list of ``(T, 17, 3)`` world-frame H36M-17 sequences.
        up_axis: one per sequence or a single value (``"y"`` / ``"z"``).
        units_scale: multiply coordinates by this to get metres (``1e-3`` for millimetres).
        clip_len: frames per clip (the prior's ``maxlen`` or less).
        clip_stride: frames between clip starts.
        seed: seed of the augmentation stream (deterministic with ``num_workers=0``).
    """

    def __init__(
        self,
        sequences: Sequence[np.ndarray],
        up_axis: str | Sequence[str] = "y",
        *,
        units_scale: float = 1e-3,
        clip_len: int = 81,
        clip_stride: int = 27,
        yaw_range: tuple[float, float] = (-math.pi, math.pi),
        pitch_range: tuple[float, float] = (-0.1, 0.35),
        depth_range: tuple[float, float] = (3.0, 7.0),
        lateral_range: float = 1.0,
        centered_prob: float = 0.15,
        flip_prob: float = 0.5,
        seed: int = 0,
    ):
        if clip_len < 2 or clip_stride < 1:
            raise ValueError(f"clip_len must be >= 2 and clip_stride >= 1, got {clip_len}, {clip_stride}")
        axes = [up_axis] * len(sequences) if isinstance(up_axis, str) else list(up_axis)
        if len(axes) != len(sequences):
            raise ValueError(f"got {len(axes)} up axes for {len(sequences)} sequences")
        self.sequences = []
        self.up_axes = []
        for seq, ax in zip(sequences, axes, strict=True):
            arr = np.asarray(seq, dtype=np.float32)
            if arr.ndim != 3 or arr.shape[1:] != (17, 3):
                raise ValueError(f"every sequence must be (T, 17, 3) H36M-17, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError("sequences must be finite (fill or drop missing frames first)")
            self.sequences.append(arr * np.float32(units_scale))
            self.up_axes.append(ax)
        self.index = [
            (i, s) for i, seq in enumerate(self.sequences) for s in range(0, len(seq) - clip_len + 1, clip_stride)
        ]
        if not self.index:
            raise ValueError(f"no sequence has the {clip_len} frames a clip needs")
        self.clip_len = clip_len
        self.yaw_range, self.pitch_range = yaw_range, pitch_range
        self.depth_range, self.lateral_range = depth_range, lateral_range
        self.centered_prob, self.flip_prob = centered_prob, flip_prob
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict[str, Tensor]:
        seq_id, start = self.index[i]
        clip = self.sequences[seq_id][start : start + self.clip_len]
        rng = self.rng
        cam = to_camera_frame(clip, self.up_axes[seq_id], yaw=rng.uniform(*self.yaw_range),
                              pitch=rng.uniform(*self.pitch_range))  # fmt: skip
        cam = cam - cam[:1, :1]
        if rng.random() >= self.centered_prob:
            cam = cam + np.array([rng.uniform(-1, 1) * self.lateral_range,
                                  rng.uniform(-0.5, 0.5) * self.lateral_range, rng.uniform(*self.depth_range)])
        if rng.random() < self.flip_prob:
            cam = flip(cam)
        return {"poses": torch.from_numpy(cam.astype(np.float32))}


@dataclass
class Masked3DCollator:
    """Batches clean clips into ``keypoints`` (corrupted 3D input) + ``labels`` (clean, root-relative).

    Corruption: :func:`motionhub.corruption.corrupt_3d` (smooth key-frame noise, per-frame jitter, joint/frame
    masks) and, with probability ``occlusion_prob`` per clip, :class:`~motionhub.corruption.OcclusionSimulator`
    occlusions. Defaults in metres. ``center_input=True`` centres every corrupted clip on its visible joints
    (:func:`center_stride_input`; for priors with ``input_normalization="centered_3d"``).
    """

    joint_mask_ratio: float = 0.05
    frame_mask_ratio: float = 0.1
    keyframe_std: float = 0.03
    num_keyframes: int = 27
    frame_noise_std: float = 0.02
    depth_noise_scale: float = 2.5
    occlusion: OcclusionSimulator | None = field(default_factory=OcclusionSimulator)
    occlusion_prob: float = 0.5
    center_input: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        self._generator = make_generator(self.seed)
        self._rng = np.random.default_rng(self.seed)

    def __call__(self, features: list[dict[str, Tensor]]) -> dict[str, Tensor]:
        clean = torch.stack([f["poses"] for f in features]).float()
        b, t, j, _ = clean.shape
        visible = torch.ones(b, t, j, dtype=torch.bool)
        if self.occlusion is not None and self.occlusion_prob > 0:
            for k in range(b):
                if self._rng.random() < self.occlusion_prob:
                    visible[k] = torch.from_numpy(self.occlusion.sample(t, j, self._rng))
        corrupted, visible = corrupt_3d(
            clean, joint_mask_ratio=self.joint_mask_ratio, frame_mask_ratio=self.frame_mask_ratio,
            keyframe_std=self.keyframe_std, num_keyframes=self.num_keyframes, frame_noise_std=self.frame_noise_std,
            depth_noise_scale=self.depth_noise_scale, visible=visible, generator=self._generator,
        )
        if self.center_input:
            corrupted = center_stride_input(corrupted, visible)
        return {"keypoints": corrupted, "labels": clean - clean[:, :, :1]}


def build_masked3d_trainer(
    model: torch.nn.Module,
    train_dataset: torch.utils.data.Dataset,
    args: Any,
    *,
    collator: Masked3DCollator | None = None,
    eval_dataset: torch.utils.data.Dataset | None = None,
    lr_decay: float = 0.99,
    callbacks: list | None = None,
):
    """A :class:`~motionhub.tasks.trainer.MotionTrainer` for masked 3D pretraining (MotionBERT's optimiser: AdamW over
    all parameters with one lr, ``args.learning_rate`` / ``args.weight_decay``, lr × ``lr_decay`` after every epoch).

    Args:
        model: ``DSTformerForPoseLifting`` with ``dim_in=3`` (its config's ``lambda_*`` weigh the loss).
        train_dataset: e.g. :class:`Masked3DPretrainDataset`.
        args: ``transformers.TrainingArguments`` (set ``remove_unused_columns=False``; ``dataloader_num_workers=0``
            keeps the augmentation stream deterministic).
        collator: :class:`Masked3DCollator` (default settings when ``None``).
        eval_dataset: optional evaluation clips (same collator).
        lr_decay: per-epoch lr multiplier.
        callbacks: extra Trainer callbacks.
    """
    from .trainer import MotionTrainer

    _check_model(model)
    if getattr(args, "remove_unused_columns", False):
        raise ValueError("set TrainingArguments(remove_unused_columns=False): the collator builds the model inputs")
    return MotionTrainer(
        model=model, args=args, backbone_lr_ratio=1.0, lr_decay_per_epoch=lr_decay, train_dataset=train_dataset,
        eval_dataset=eval_dataset, data_collator=collator or Masked3DCollator(), callbacks=callbacks,
    )


# ------------------------------------------------------------------------------------------------------ CLI
BANDAI_HOLDOUT_EVERY = 10


def load_pretraining_sequences(
    bandai: str | None = None, h36m: str | None = None, h36m_subjects: Sequence[str] = ("S1", "S5", "S6", "S7"),
    bandai_split: str = "train", h36m_fps_step: int = 2,
) -> tuple[list[np.ndarray], list[str]]:
    """World-frame H36M-17 sequences (mm) and their up axes from the Bandai-Namco set and H36M training subjects.

    Bandai (30 fps, Y up, 22 joints) is converted with ``to_h36m("bandai-22")``; every
    ``BANDAI_HOLDOUT_EVERY``-th sequence (file order, index % 10 == 0) is held out: ``bandai_split="train"`` skips
    them, ``"test"`` keeps only them, ``"all"`` keeps everything. H36M (50 fps, Z up) is subsampled by
    ``h36m_fps_step`` (2 -> 25 fps, close to Bandai's 30); S8 is left for validation by default.
    """
    if bandai_split not in ("train", "test", "all"):
        raise ValueError(f"bandai_split must be 'train', 'test' or 'all', got {bandai_split!r}")
    seqs: list[np.ndarray] = []
    axes: list[str] = []
    if bandai:
        from motionhub.formats.bandai import load_bandai
        from motionhub.skeleton import to_h36m

        for i, s in enumerate(load_bandai(bandai).sequences):
            held_out = i % BANDAI_HOLDOUT_EVERY == 0
            if (bandai_split == "train" and held_out) or (bandai_split == "test" and not held_out):
                continue
            seqs.append(to_h36m(s.keypoints_3d, "bandai-22").astype(np.float32))
            axes.append("y")
    if h36m:
        from motionhub.formats.h36m import load_h36m_3pb

        for s in load_h36m_3pb(h36m, subjects=list(h36m_subjects), frame="world") if h36m_subjects else []:
            seqs.append(s.keypoints_3d[::h36m_fps_step].astype(np.float32))
            axes.append("z")
    if not seqs:
        raise ValueError("give at least one data source (bandai and/or h36m)")
    return seqs, axes


def main(argv: Sequence[str] | None = None) -> int:
    """Pretrain a small STRIDE motion prior (masked 3D) on Bandai-Namco + H36M training subjects (CPU friendly)."""
    import argparse
    import json

    from transformers import TrainingArguments

    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    p = argparse.ArgumentParser(prog="python -m motionhub.tasks.stride", description=main.__doc__)
    p.add_argument("--bandai", help="folder of bandai_positions_mm_int16.npz + bandai_meta.json")
    p.add_argument("--h36m", help="folder of the 3d-pose-baseline H36M npz set")
    p.add_argument("--h36m-subjects", default="S1,S5,S6,S7", help="comma-separated training subjects")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--clip-len", type=int, default=81)
    p.add_argument("--clip-stride", type=int, default=40)
    p.add_argument("--dim-feat", type=int, default=64)
    p.add_argument("--dim-rep", type=int, default=128)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--num-heads", type=int, default=4)
    p.add_argument("--mlp-ratio", type=float, default=2.0)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--lr-decay", type=float, default=0.99)
    p.add_argument("--lambda-velocity", type=float, default=0.0,
                   help="velocity weight during pretraining (default 0: with STRIDE's 20 a small prior collapses to "
                        "a mean pose early on; the saved config carries the TTT weights 1/0.5/20/200)")
    p.add_argument("--lambda-scale", type=float, default=0.5)
    p.add_argument("--input", choices=("centered", "raw"), default="centered",
                   help="prior input convention: clips centred on their visible joints (default) or raw camera space "
                        "(as the official STRIDE prior)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    p.add_argument("--max-minutes", type=float, default=0.0,
                   help="stop (and save) after this wall-clock time; 0 = no limit (the step reached is logged)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    seqs, axes = load_pretraining_sequences(a.bandai, a.h36m, [s for s in a.h36m_subjects.split(",") if s])
    dataset = Masked3DPretrainDataset(seqs, axes, clip_len=a.clip_len, clip_stride=a.clip_stride, seed=a.seed)
    print(f"{len(seqs)} sequences, {len(dataset)} clips of {a.clip_len} frames", flush=True)
    config = DSTformerConfig.stride(
        dim_feat=a.dim_feat, dim_rep=a.dim_rep, depth=a.depth, num_heads=a.num_heads, mlp_ratio=a.mlp_ratio,
        maxlen=a.clip_len, root_relative=False, lambda_limb_var=0.0, lambda_velocity=a.lambda_velocity,
        lambda_scale=a.lambda_scale,
        input_normalization="centered_3d" if a.input == "centered" else "none_3d",
    )
    model = DSTformerForPoseLifting(config)
    args = TrainingArguments(
        output_dir=a.output_dir, per_device_train_batch_size=a.batch_size, learning_rate=a.lr, weight_decay=0.01,
        num_train_epochs=a.epochs, max_steps=a.max_steps, logging_steps=20, save_strategy="no", report_to=[],
        remove_unused_columns=False, dataloader_num_workers=0, seed=a.seed, use_cpu=True, disable_tqdm=True,
    )
    callbacks = [TimeBudgetCallback(a.max_minutes)] if a.max_minutes > 0 else None
    collator = Masked3DCollator(center_input=a.input == "centered", seed=a.seed)
    trainer = build_masked3d_trainer(model, dataset, args, collator=collator, lr_decay=a.lr_decay, callbacks=callbacks)
    start = time.time()
    result = trainer.train()
    # the saved config carries the weights test-time training uses with this prior (STRIDE's)
    model.config.lambda_velocity = STRIDE_LAMBDAS["lambda_velocity"]
    model.config.lambda_scale = STRIDE_LAMBDAS["lambda_scale"]
    model.config.lambda_limb_var = STRIDE_LAMBDAS["lambda_limb_var"]
    trainer.save_model(a.output_dir)
    from ..processor import MotionProcessor

    # the prior predicts clean root-relative camera-space poses in metres (STRIDE's convention)
    MotionProcessor.from_model_config(model.config).replace(output_units="m").save_pretrained(a.output_dir)
    log = {"train_runtime_s": time.time() - start, "global_step": trainer.state.global_step, "metrics": result.metrics,
           "log_history": trainer.state.log_history, "num_sequences": len(seqs), "num_clips": len(dataset),
           "argv": list(argv) if argv is not None else None}  # fmt: skip
    from motionhub.io_utils import atomic_write

    with atomic_write(f"{a.output_dir}/training_log.json") as f:
        json.dump(log, f, indent=1)
    print(json.dumps(result.metrics), flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
