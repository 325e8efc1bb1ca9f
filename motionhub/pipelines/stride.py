# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""STRIDE (Lal et al., WACV 2025) at inference: a 3D motion prior refined on one video by test-time training (TTT).

The prior's masked-3D pretraining recipe is :mod:`motionhub.tasks.stride`; this module is what ``motionhub stride``
and the benchmarks run on a video.

**Test-time training** (:func:`test_time_train`): given one video's noisy, partly missing per-frame 3D poses (from
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
(the root-relative target needs it). ``visibility=None`` gives the official behaviour exactly. Second extension:
``test_time_train(..., occlusion=OcclusionSimulator(fps))`` hides fresh STRIDE occlusions of the prior's input in
every epoch while the loss keeps those observed joints (``None``, the default of the function, is STRIDE's TTT; the
commands turn it on: ``benchmarks/results/occlusion_h36m.md``).

Units: whatever the poses are in (the official prior and motionhub's ``stride-prior`` expect metres, camera
space: x right, y down, z forward). Layout: H36M-17 (the limb terms need it). Input convention of the prior, read from
its processor (``preprocessor_config.json``, else ``config.input_normalization``; or given as ``processor=``):
``normalization`` ``"none_3d"`` (official STRIDE: raw camera-space poses) or ``"centered_3d"`` (motionhub's priors:
each window translated so that the mean of its visible joints is the origin, :func:`center_stride_input`), and
``fill_missing``: hidden joints enter as ``"zero"`` (STRIDE, the masked-pretraining convention) or ``"interpolate"``
(linearly interpolated in time from the window's visible frames, so that a prior only has to learn what it adds to
interpolation; :func:`prior_input`). Prediction and TTT apply both automatically; the loss never uses hidden joints.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from ..corruption import OcclusionSimulator, make_generator
from ..losses import get_limb_lengths, pose3d_loss
from ..modeling_utils import flip_augmented
from ..runner import WindowRunner, plan_windows
from ..skeleton import flip

__all__ = [
    "STRIDE_LAMBDAS",
    "TTTResult",
    "center_stride_input",
    "check_stride_prior",
    "interpolate_hidden",
    "load_stride_prior",
    "masked_pose3d_loss",
    "prepare_stride_input",
    "prior_input",
    "stride_predict",
    "stride_train_epoch",
    "test_time_train",
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


def center_stride_input(x: Tensor, visible: Tensor | None = None, *, zero_hidden: bool = True) -> Tensor:
    """Translate each clip so the mean of its visible joints (over all frames) is the origin.

    The input convention of priors with ``config.input_normalization == "centered_3d"`` (motionhub's
    ``stride-prior``): removing the camera-space offset (people stand metres away) makes the prior far easier
    to learn; the root-relative target is unaffected. The official STRIDE prior takes raw camera-space input
    (``"none_3d"``).

    Args:
        x: ``(N, W, J, 3)`` window clips.
        visible: ``(N, W, J)`` booleans (``None``: all visible); only visible joints define the centre.
        zero_hidden: set hidden joints to 0 after centring (``fill_missing="zero"`` priors); ``False`` moves them with
            the clip (filled joints of ``fill_missing="interpolate"`` priors).

    Returns:
        ``(N, W, J, 3)`` centred clips.
    """
    w = torch.ones(x.shape[:3], dtype=x.dtype, device=x.device) if visible is None else visible.to(x.dtype)
    count = w.sum(dim=(1, 2)).clamp_min(1.0)
    center = (x * w[..., None]).sum(dim=(1, 2)) / count[:, None]
    out = x - center[:, None, None, :]
    return out * w[..., None] if zero_hidden and visible is not None else out


def interpolate_hidden(x: Tensor, visible: Tensor) -> Tensor:
    """Hidden joints of ``(N, W, J, 3)`` clips replaced by the linear interpolation in time of the same joint's visible
    frames of the clip (the nearest visible value beyond the ends; a joint never visible in the clip becomes 0).

    Args:
        x: ``(N, W, J, 3)`` clips (values of hidden joints are ignored).
        visible: ``(N, W, J)`` booleans.
    """
    from ..formats.base import fill_missing

    vis = visible.detach().cpu().numpy()
    if vis.all():
        return x
    arr = np.where(vis[..., None], x.detach().cpu().numpy(), np.nan)
    filled = np.nan_to_num(fill_missing(arr, "interpolate", axis=-3), nan=0.0)
    return torch.from_numpy(filled.astype(np.float32, copy=False)).to(device=x.device, dtype=x.dtype)


def prior_input(x: Tensor, visible: Tensor | None, *, centered: bool, fill_missing: str = "zero") -> Tensor:
    """The prior's input from ``(N, W, J, 3)`` window clips whose hidden joints are zeroed: hidden joints filled
    (:func:`interpolate_hidden` when ``fill_missing == "interpolate"``), then each clip centred on its visible joints
    when ``centered`` (:func:`center_stride_input`). One place for pretraining, prediction and test-time training.
    """
    from ..processor import FILL_MISSING  # the processor's own list of conventions

    if fill_missing not in FILL_MISSING:
        raise ValueError(f"fill_missing must be one of {FILL_MISSING}, got {fill_missing!r}")
    interpolate = fill_missing == "interpolate" and visible is not None
    if interpolate:
        x = interpolate_hidden(x, visible)
    if centered:
        x = center_stride_input(x, visible, zero_hidden=not interpolate)
    return x


def _input_convention(model: torch.nn.Module, processor: Any | None) -> tuple[bool, str]:
    """``(centred, fill_missing)`` of the prior's input: from ``processor`` when given, else the model's own (its
    saved ``preprocessor_config.json``, else derived from ``config.input_normalization``)."""
    if processor is None:
        from motionhub.processor import processor_for_model

        processor = processor_for_model(model)
    return processor.normalization == "centered_3d", processor.fill_missing


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


def check_stride_prior(model: Any) -> None:
    """A STRIDE prior: a pose-lifting model with 3D input (``dim_in`` 3) on H36M-17, else a clear error."""
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
    processor: Any | None = None,
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
        processor: the prior's input convention (``normalization``, ``fill_missing``; default: the model's own).

    Returns:
        ``(T, 17, 3)`` float32 numpy array in the input units.
    """
    if recenter not in _RECENTER:
        raise ValueError(f"recenter must be one of {_RECENTER}, got {recenter!r}")
    check_stride_prior(model)
    x, vis = prepare_stride_input(poses, visibility)
    win = _model_window(model, window)
    device = torch.device(device) if device is not None else next(model.parameters()).device

    centered, fill = _input_convention(model, processor)

    def prepare(batch: Tensor, chunk: Sequence[np.ndarray]) -> Tensor:  # motionhub priors: fill + centre every window
        return prior_input(batch, torch.stack([vis[w] for w in chunk]) if vis is not None else None,
                           centered=centered, fill_missing=fill)

    forward = lambda k: _forward(model, k)
    predict = (lambda k: flip_augmented(forward, k)) if flip_test else forward
    runner = WindowRunner(predict, batch_size=batch_size, device=device)
    was_training = model.training
    model.eval()
    try:
        stride = window_stride if window_stride is not None else max(1, win // 2)
        official = not centered and (fill == "zero" or vis is None)  # raw input: nothing to prepare
        merged = runner.seq2seq(x, win, stride, merge="triangular", prepare=None if official else prepare)
    finally:
        model.train(was_training)
    merged = np.array(merged, dtype=np.float32)
    if root_zero:
        merged[:, 0, :] = 0
    if recenter == "stride_midhip":
        merged = merged - (merged[:, 2:3, :] + merged[:, 3:4, :]) / 2
    return merged


# ------------------------------------------------------------------------------------------------------ TTT
def self_occlusion(fps: float | None) -> OcclusionSimulator:
    """The self-made occlusions of ``test_time_train(..., occlusion=)`` for a video at ``fps`` (STRIDE's 25 fps, the
    rate motionhub's priors were trained at, when the video's is unknown)."""
    return OcclusionSimulator(fps=fps or 25.0)


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
    processor: Any | None = None,
    occlusion: OcclusionSimulator | None = None,
) -> TTTResult:
    """STRIDE test-time training on one video; the prior is **copied** (the caller's model is never modified).

    Args:
        prior_model: the motion prior, a pose-lifting model with 3D input (``DSTformerForPoseLifting``,
            ``dim_in=3``; e.g. ``convert_checkpoint(stride_ckpt, family="stride")`` or motionhub's
            ``stride-prior``).
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
        processor: the prior's input convention (``normalization``, ``fill_missing``; default: the prior's own).
        occlusion: extension, not in STRIDE: an :class:`~motionhub.corruption.OcclusionSimulator` (at the video's
            frame rate) that hides fresh spans of every window's **input** once per epoch (seeded by ``seed``) while
            the loss keeps those observed joints. STRIDE's TTT only ever asks the prior to reproduce what it sees, so
            it drifts towards copying its input and forgets the in-filling it was pretrained for; with these
            self-made occlusions it keeps practising in-filling, on this person's own motion. ``None`` = STRIDE.

    Returns:
        :class:`TTTResult` with the refined ``(T, 17, 3)`` poses.
    """
    check_stride_prior(prior_model)
    if epochs < 0 or (max_steps is not None and max_steps < 0):
        raise ValueError("epochs and max_steps must be >= 0")
    if lr <= 0 or weight_decay < 0 or not 0 < lr_decay <= 1:
        raise ValueError("need lr > 0, weight_decay >= 0 and 0 < lr_decay <= 1")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if recenter not in _RECENTER:
        raise ValueError(f"recenter must be one of {_RECENTER}, got {recenter!r}")
    if occlusion is not None and not isinstance(occlusion, OcclusionSimulator):
        raise TypeError(f"occlusion must be a motionhub.corruption.OcclusionSimulator, got {type(occlusion).__name__}")
    x, vis = prepare_stride_input(poses, visibility)
    win = _model_window(prior_model, window)
    device = torch.device(device) if device is not None else next(prior_model.parameters()).device
    lambdas = {"lambda_position": lambda_position, "lambda_scale": lambda_scale, "lambda_velocity": lambda_velocity,
               "lambda_limb_var": lambda_limb_var}  # fmt: skip
    predict_kwargs = {"flip_test": flip_test, "recenter": recenter, "window": win, "window_stride": window_stride,
                      "device": device, "processor": processor}  # fmt: skip

    model = copy.deepcopy(prior_model).to(device)
    initial = stride_predict(model, x, vis, **predict_kwargs) if predict_before else None

    windows = plan_windows(x.shape[0], win, window_stride if window_stride is not None else max(1, win // 2))
    idx = torch.as_tensor(np.stack(windows))
    target, weights = _target_and_weights(x, vis)
    raw, targets = x[idx], target[idx]
    centered, fill = _input_convention(model, processor)
    raw_visible = vis[idx] if vis is not None else None
    inputs = prior_input(raw, raw_visible, centered=centered, fill_missing=fill)
    wins_visible = weights[idx] if weights is not None else None
    mask_rng = np.random.default_rng([0 if seed is None else seed, 11])

    def occluded_inputs() -> Tensor:  # this epoch's input: the observed joints minus fresh simulated occlusions
        seen = raw_visible if raw_visible is not None else torch.ones(raw.shape[:3], dtype=torch.bool)
        extra = torch.from_numpy(np.stack([occlusion.sample(raw.shape[1], raw.shape[2], mask_rng)
                                           for _ in range(raw.shape[0])]))  # fmt: skip
        shown = seen & extra
        empty = ~shown.flatten(1).any(-1)  # a window left with nothing visible keeps its real input
        shown[empty] = seen[empty]
        return prior_input(raw * shown[..., None], shown, centered=centered, fill_missing=fill)

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
            epoch_inputs = occluded_inputs() if occlusion is not None else inputs
            stats = stride_train_epoch(
                model, epoch_inputs[:n], targets[:n], optimizer,
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


def load_stride_prior(prior: Any = None, num_heads: int | None = None) -> torch.nn.Module:
    """A STRIDE motion prior ready for :func:`test_time_train`: a model object as is, else a save_pretrained folder,
    a Hub repo id or an official STRIDE / MotionBERT 3D-input checkpoint file (``num_heads`` overrides the converter's
    default of 8); ``None`` = motionhub's ``stride-prior`` (package data)."""
    if isinstance(prior, torch.nn.Module):
        check_stride_prior(prior)
        return prior
    from pathlib import Path

    from ..encoders.dstformer import DSTformerForPoseLifting
    from ..pretrained import DEFAULT_STRIDE_PRIOR_DIR

    if prior is None:
        if not DEFAULT_STRIDE_PRIOR_DIR.exists():
            raise FileNotFoundError(
                f"the default prior {DEFAULT_STRIDE_PRIOR_DIR} is not available in this installation; pass a prior "
                "(a save_pretrained folder, Hub repo id or official STRIDE checkpoint)"
            )
        prior = str(DEFAULT_STRIDE_PRIOR_DIR)
    if Path(prior).is_file():
        from ..conversion import convert_checkpoint

        overrides = {} if num_heads is None else {"num_heads": num_heads}
        model = convert_checkpoint(Path(prior), family="stride", **overrides)
    else:
        model = DSTformerForPoseLifting.from_pretrained(str(prior), trust_remote_code=False)  # a concrete class
    check_stride_prior(model)
    return model.eval()
