# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Input corruption for motion pretraining and robustness benchmarks: masks, detector-like noise, occlusions.

Everything here is random and therefore takes an explicit generator (``torch.Generator``, ``numpy.random.Generator``
or an ``int`` seed): the same generator state gives the same corruption, bit for bit, on CPU.

Layout: tensors are ``(B, T, J, C)`` (batch, frames, joints, channels); numpy helpers for single sequences use
``(T, J, C)``. Visibility masks are boolean, ``True`` = observed, with the layout ``(B, T, J)`` / ``(T, J)``.

What is provided:

* :class:`MotionBERTNoise`: MotionBERT's 2D detector-noise model (``Augmenter2D.add_noise``). For every sample,
  joint and each of ``num_keyframes`` (27) key frames a 2D displacement is drawn, Gaussian with the per-joint
  ``mean``/``std`` of the noise file with probability ``weight[j]``, uniform in ``±uniform_range/2`` (±0.03)
  otherwise; it is interpolated linearly in time to the clip length (the official trilinear interpolation with
  ``align_corners=True``), ``frame_noise_std`` (0.002) Gaussian noise is added per frame (shared by the batch, as the
  official code does) and the confidence of each joint becomes ``a / (d + a) + b·d + N(m, s)`` clipped to [0, 1],
  where ``d`` is the displacement length. Units: normalised screen units ([-1, 1]).
* :func:`random_masks`: joint-level (``joint_ratio``, per sample/frame/joint) and frame-level (``frame_ratio``)
  Bernoulli masks (MotionBERT ``add_mask``: 0.05 and 0.1).
* :func:`corrupt_2d`: MotionBERT pretraining input: noise (+ confidence) then masks that zero all 3 channels.
* :func:`corrupt_3d`: STRIDE-style masked, noisy 3D input (smooth key-frame noise + per-frame jitter + masks,
  optionally :class:`OcclusionSimulator` occlusions); masked joints are zeroed in all 3 channels.
* :class:`OcclusionSimulator`: STRIDE-style occlusions of a video: the person is fully hidden for up to
  ``max_hidden_seconds`` (1.6 s) inside every ``window_seconds`` (3.2 s) window, plus partial joint dropouts
  (single joints and whole limbs for a while).
* :func:`simulate_estimator`: what a per-frame (image-based) 3D pose estimator outputs: per-frame noise with larger
  depth error, slowly drifting bias, and occasional jitter spikes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "MotionBERTNoise",
    "OcclusionSimulator",
    "corrupt_2d",
    "corrupt_3d",
    "keyframe_noise",
    "make_generator",
    "random_masks",
    "simulate_estimator",
]

GeneratorLike = torch.Generator | np.random.Generator | int | None

#: Limb groups of H36M-17 used for partial (limb-level) dropouts: right leg, left leg, left arm, right arm, head.
H36M_LIMB_GROUPS: tuple[tuple[int, ...], ...] = ((2, 3), (5, 6), (12, 13), (15, 16), (9, 10))


# ------------------------------------------------------------------------------------------------------ generators
def make_generator(generator: GeneratorLike = None, device: str | torch.device = "cpu") -> torch.Generator:
    """A ``torch.Generator`` from a generator, a numpy generator (one draw seeds it) or an int seed.

    ``None`` gives a generator seeded from torch's global RNG (so ``torch.manual_seed`` still controls it).
    """
    if isinstance(generator, torch.Generator):
        return generator
    if isinstance(generator, np.random.Generator):
        seed = int(generator.integers(0, 2**63 - 1))
    elif generator is None:
        seed = int(torch.randint(0, 2**62, (1,)).item())
    elif isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        seed = int(generator)
    else:
        raise TypeError(
            f"generator must be a torch.Generator, numpy.random.Generator, int seed or None, got {type(generator).__name__}"
        )
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    return g


def _np_rng(generator: GeneratorLike) -> np.random.Generator:
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, torch.Generator):
        return np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=generator).item()))
    if generator is None or (isinstance(generator, (int, np.integer)) and not isinstance(generator, bool)):
        return np.random.default_rng(generator)
    raise TypeError(
        f"generator must be a numpy.random.Generator, torch.Generator, int seed or None, got {type(generator).__name__}"
    )


def _as_tensor(x: Any, name: str, channels: tuple[int, ...]) -> tuple[torch.Tensor, bool]:
    """``(B, T, J, C)`` float tensor (numpy input allowed; returns whether the input was numpy)."""
    was_numpy = isinstance(x, np.ndarray)
    if was_numpy:
        x = torch.from_numpy(np.ascontiguousarray(x))
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor or numpy array (B, T, J, C), got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"`{name}` must have shape (B, T, J, C) (4 dims), got {tuple(x.shape)}; add a batch axis")
    if x.shape[-1] not in channels:
        raise ValueError(f"`{name}` must have {' or '.join(map(str, channels))} channels, got {x.shape[-1]}")
    if x.shape[1] < 1 or x.shape[2] < 1:
        raise ValueError(f"`{name}` has no frames or joints: shape {tuple(x.shape)}")
    if not x.is_floating_point():
        x = x.float()
    if not torch.isfinite(x).all():
        raise ValueError(f"`{name}` contains NaN/inf; fill missing joints (e.g. zeros + a visibility mask) first")
    return x, was_numpy


def _ratio(value: float, name: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


# ----------------------------------------------------------------------------------------------------------- masks
def random_masks(
    batch_size: int,
    num_frames: int,
    num_joints: int,
    *,
    joint_ratio: float = 0.05,
    frame_ratio: float = 0.1,
    shared_frame_mask: bool = False,
    generator: GeneratorLike = None,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """Random joint-level and frame-level visibility masks (MotionBERT ``Augmenter2D.add_mask``).

    Every (sample, frame, joint) is hidden with probability ``joint_ratio``; every (sample, frame) with probability
    ``frame_ratio`` (all its joints). The official code draws one frame mask for the whole batch; pass
    ``shared_frame_mask=True`` for that behaviour (default: one per sample).

    Args:
        batch_size, num_frames, num_joints: mask shape ``(B, T, J)``.
        joint_ratio: probability of hiding a joint in a frame (0.05 in MotionBERT).
        frame_ratio: probability of hiding a whole frame (0.1 in MotionBERT).
        shared_frame_mask: one frame mask for all samples (official) instead of one per sample.
        generator: ``torch.Generator`` / numpy generator / int seed.
        device: device of the returned mask.

    Returns:
        Boolean ``(B, T, J)`` tensor, ``True`` = visible.
    """
    for name, v in (("batch_size", batch_size), ("num_frames", num_frames), ("num_joints", num_joints)):
        if int(v) < 1:
            raise ValueError(f"random_masks: {name} must be >= 1, got {v}")
    joint_ratio = _ratio(joint_ratio, "joint_ratio")
    frame_ratio = _ratio(frame_ratio, "frame_ratio")
    g = make_generator(generator)
    keep_joint = torch.rand(batch_size, num_frames, num_joints, generator=g) >= joint_ratio
    frames_b = 1 if shared_frame_mask else batch_size
    keep_frame = torch.rand(frames_b, num_frames, 1, generator=g) >= frame_ratio
    return (keep_joint & keep_frame).to(device)


# ---------------------------------------------------------------------------------------------- MotionBERT 2D noise
def keyframe_noise(
    batch_size: int,
    num_frames: int,
    num_joints: int,
    channels: int,
    *,
    std: float | torch.Tensor,
    mean: float | torch.Tensor = 0.0,
    num_keyframes: int = 27,
    generator: GeneratorLike = None,
) -> torch.Tensor:
    """Smooth noise: Gaussian values at ``num_keyframes`` evenly spaced key frames, linearly interpolated in time.

    The key frames sit at ``t = k·(T−1)/(K−1)`` (``align_corners=True``), so the first and last frames get key values.

    Args:
        batch_size, num_frames, num_joints, channels: output shape ``(B, T, J, C)``.
        std / mean: scalars or tensors broadcastable to ``(J, C)``.
        num_keyframes: ``K >= 1`` (1 gives a constant offset per clip).
        generator: random generator / seed.

    Returns:
        ``(B, T, J, C)`` float32 tensor.
    """
    if num_keyframes < 1:
        raise ValueError(f"num_keyframes must be >= 1, got {num_keyframes}")
    g = make_generator(generator)
    keys = torch.randn(batch_size, num_keyframes, num_joints, channels, generator=g) * std + mean
    return _interpolate_keys(keys.float(), num_frames)


def _interpolate_keys(keys: torch.Tensor, num_frames: int) -> torch.Tensor:
    """(B, K, J, C) key values -> (B, T, J, C), linear in time with align_corners=True (= official trilinear)."""
    b, k, j, c = keys.shape
    if k == 1 or num_frames == 1:
        idx = torch.zeros(num_frames, dtype=torch.long) if k == 1 else torch.zeros(1, dtype=torch.long)
        return keys[:, idx]
    flat = keys.permute(0, 2, 3, 1).reshape(b, j * c, k)
    out = F.interpolate(flat, size=num_frames, mode="linear", align_corners=True)
    return out.reshape(b, j, c, num_frames).permute(0, 3, 1, 2).contiguous()


@dataclass
class MotionBERTNoise:
    """MotionBERT's synthetic 2D-detector noise model (``params/synthetic_noise.pth`` + ``params/d2c_params.pkl``).

    Load the released parameters with :meth:`from_path` (a folder holding ``synthetic_noise.npz`` — keys ``mean``
    (J, 2), ``std`` (J, 2), ``weight`` (J,) — and ``d2c_params.json`` — keys ``a``, ``b``, ``m``, ``s``).

    Attributes:
        mean, std: ``(J, 2)`` per-joint Gaussian displacement parameters (normalised screen units).
        weight: ``(J,)`` probability of the Gaussian branch (else uniform).
        a, b, m, s: distance-to-confidence fit ``conf = a/(d+a) + b·d + N(m, s)``; the defaults are MotionBERT's
            ``d2c_params`` (0.028, 1.1, −0.004586, 0.14311).
        num_keyframes: key frames per clip (27).
        uniform_range: width of the uniform branch (0.06 → ±0.03).
        frame_noise_std: per-frame Gaussian jitter added after interpolation (0.002).
        shared_frame_noise: the per-frame jitter is one ``(T, J, 2)`` draw shared by the batch (official).
    """

    mean: np.ndarray
    std: np.ndarray
    weight: np.ndarray
    a: float = 0.028
    b: float = 1.1
    m: float = -0.004585696384310722
    s: float = 0.14310568571090698
    num_keyframes: int = 27
    uniform_range: float = 0.06
    frame_noise_std: float = 0.002
    shared_frame_noise: bool = True

    def __post_init__(self) -> None:
        self.mean = np.asarray(self.mean, dtype=np.float64)
        self.std = np.asarray(self.std, dtype=np.float64)
        self.weight = np.asarray(self.weight, dtype=np.float64).reshape(-1)
        if self.mean.ndim != 2 or self.mean.shape[1] != 2 or self.std.shape != self.mean.shape:
            raise ValueError(f"mean and std must both be (J, 2), got {self.mean.shape} and {self.std.shape}")
        if self.weight.shape != (self.mean.shape[0],):
            raise ValueError(f"weight must be (J,) = ({self.mean.shape[0]},), got {self.weight.shape}")
        if np.any(self.std < 0) or np.any((self.weight < 0) | (self.weight > 1)):
            raise ValueError("std must be >= 0 and weight in [0, 1]")
        if self.num_keyframes < 1:
            raise ValueError(f"num_keyframes must be >= 1, got {self.num_keyframes}")
        if self.uniform_range < 0 or self.frame_noise_std < 0:
            raise ValueError("uniform_range and frame_noise_std must be >= 0")

    @property
    def num_joints(self) -> int:
        return int(self.mean.shape[0])

    @classmethod
    def from_path(cls, path: str | Path, **overrides) -> MotionBERTNoise:
        """Load the noise model from a folder (``synthetic_noise.npz`` + ``d2c_params.json``) or the npz file.

        The json is looked up next to the npz; when absent, the documented MotionBERT defaults of ``a, b, m, s`` are
        used. ``overrides`` replace any attribute (e.g. ``num_keyframes=9``).
        """
        path = Path(path)
        npz = path / "synthetic_noise.npz" if path.is_dir() else path
        if not npz.exists():
            raise FileNotFoundError(
                f"noise model not found: {npz}. Expected MotionBERT's synthetic_noise.npz (keys mean, std, weight) "
                "converted from params/synthetic_noise.pth"
            )
        with np.load(npz, allow_pickle=False) as data:
            missing = {"mean", "std", "weight"} - set(data.files)
            if missing:
                raise ValueError(f"{npz} lacks key(s) {sorted(missing)}; expected mean (J,2), std (J,2), weight (J,)")
            kwargs: dict[str, Any] = {k: np.array(data[k]) for k in ("mean", "std", "weight")}
            if "uniform_range" in data.files:
                kwargs["uniform_range"] = float(data["uniform_range"])
        d2c = npz.parent / "d2c_params.json"
        if d2c.exists():
            params = json.loads(d2c.read_text())
            kwargs.update({k: float(params[k]) for k in ("a", "b", "m", "s") if k in params})
        kwargs.update(overrides)
        return cls(**kwargs)

    # -------------------------------------------------------------------------------------------------- sampling
    def sample_displacement(
        self, batch_size: int, num_frames: int, generator: GeneratorLike = None
    ) -> torch.Tensor:
        """The 2D displacement ``(B, T, J, 2)`` (key-frame noise interpolated to ``T`` + per-frame jitter)."""
        g = make_generator(generator)
        j, k = self.num_joints, self.num_keyframes
        mean = torch.as_tensor(self.mean, dtype=torch.float32)
        std = torch.as_tensor(self.std, dtype=torch.float32)
        weight = torch.as_tensor(self.weight, dtype=torch.float32)[:, None]
        select = torch.rand(batch_size, k, j, 1, generator=g)
        gaussian = torch.randn(batch_size, k, j, 2, generator=g) * std + mean
        uniform = (torch.rand(batch_size, k, j, 2, generator=g) - 0.5) * self.uniform_range
        keys = torch.where(select < weight, gaussian, uniform)
        jitter_b = 1 if self.shared_frame_noise else batch_size
        jitter = torch.randn(jitter_b, num_frames, j, 2, generator=g) * self.frame_noise_std
        return _interpolate_keys(keys, num_frames) + jitter

    def distance_to_confidence(self, distance: torch.Tensor, generator: GeneratorLike = None) -> torch.Tensor:
        """``clip(a/(d+a) + b·d + N(m, s), 0, 1)`` for displacement lengths ``d`` (any shape)."""
        g = make_generator(generator)
        shift = torch.randn(distance.shape, generator=g) * self.s + self.m
        return (self.a / (distance + self.a) + self.b * distance + shift.to(distance)).clamp(0.0, 1.0)

    def __call__(self, keypoints_2d: Any, generator: GeneratorLike = None) -> Any:
        """Add noise to ``(B, T, J, 2|3)`` 2D keypoints; returns ``(B, T, J, 3)`` = noisy (x, y) + confidence.

        The input confidence (if any) is replaced by the model's confidence, as in the official code.
        """
        x, was_numpy = _as_tensor(keypoints_2d, "keypoints_2d", (2, 3))
        if x.shape[2] != self.num_joints:
            raise ValueError(f"noise model has {self.num_joints} joints, keypoints have {x.shape[2]}")
        g = make_generator(generator)
        delta = self.sample_displacement(x.shape[0], x.shape[1], g).to(x)
        conf = self.distance_to_confidence(torch.linalg.vector_norm(delta, dim=-1), g)
        out = torch.cat([x[..., :2] + delta, conf[..., None]], dim=-1)
        return out.numpy() if was_numpy else out


# ---------------------------------------------------------------------------------------------------- corruptions
def corrupt_2d(
    keypoints_2d: Any,
    noise: MotionBERTNoise | None = None,
    *,
    joint_mask_ratio: float = 0.05,
    frame_mask_ratio: float = 0.1,
    shared_frame_mask: bool = False,
    generator: GeneratorLike = None,
) -> tuple[Any, Any]:
    """MotionBERT pretraining input corruption (``Augmenter2D.augment2D(noise=True, mask=True)``).

    Args:
        keypoints_2d: ``(B, T, J, 2|3)`` normalised 2D (x, y[, confidence]); without a confidence channel the
            confidence is 1 (MotionBERT's synthetic 2D from 3D).
        noise: the detector-noise model; ``None`` = masks only (2D-only data, whose noise is real).
        joint_mask_ratio, frame_mask_ratio: see :func:`random_masks` (0.05 / 0.1).
        shared_frame_mask: one frame mask per batch (official) instead of per sample.
        generator: random generator / seed.

    Returns:
        ``(corrupted, visible)``: ``(B, T, J, 3)`` with hidden joints zeroed in all 3 channels, and the boolean
        ``(B, T, J)`` visibility mask. Numpy in -> numpy out.
    """
    x, was_numpy = _as_tensor(keypoints_2d, "keypoints_2d", (2, 3))
    g = make_generator(generator)
    if noise is not None:
        x = noise(x, g)
    elif x.shape[-1] == 2:
        x = torch.cat([x, torch.ones_like(x[..., :1])], dim=-1)
    visible = random_masks(
        x.shape[0], x.shape[1], x.shape[2], joint_ratio=joint_mask_ratio, frame_ratio=frame_mask_ratio,
        shared_frame_mask=shared_frame_mask, generator=g, device=x.device,
    )
    x = x * visible[..., None].to(x.dtype)
    return (x.numpy(), visible.numpy()) if was_numpy else (x, visible)


def corrupt_3d(
    poses: Any,
    *,
    joint_mask_ratio: float = 0.05,
    frame_mask_ratio: float = 0.1,
    keyframe_std: float = 0.02,
    num_keyframes: int = 27,
    frame_noise_std: float = 0.01,
    depth_noise_scale: float = 2.0,
    occlusion: OcclusionSimulator | None = None,
    visible: Any | None = None,
    generator: GeneratorLike = None,
) -> tuple[Any, Any]:
    """STRIDE-style corrupted 3D input for masked 3D pretraining: smooth noise + jitter + masks (zeroed joints).

    Defaults are in **metres** (2 cm smooth error, 1 cm per-frame jitter, depth errors ``depth_noise_scale``
    times larger, as monocular estimators are worst along the camera axis); scale them for other units.

    Args:
        poses: ``(B, T, J, 3)`` clean 3D poses (camera space: x right, y down, z forward).
        joint_mask_ratio, frame_mask_ratio: random masks (:func:`random_masks`).
        keyframe_std: std of the smooth key-frame noise (:func:`keyframe_noise`).
        num_keyframes: key frames per clip.
        frame_noise_std: std of the per-frame Gaussian jitter.
        depth_noise_scale: multiplier of both noise stds for the z channel.
        occlusion: optional :class:`OcclusionSimulator` applied per sample on top of the random masks.
        visible: optional given ``(B, T, J)`` visibility combined (AND) with the sampled masks.
        generator: random generator / seed.

    Returns:
        ``(corrupted, visible)``: ``(B, T, J, 3)`` noisy poses with hidden joints zeroed, and the ``(B, T, J)`` mask.
    """
    x, was_numpy = _as_tensor(poses, "poses", (3,))
    b, t, j, _ = x.shape
    if keyframe_std < 0 or frame_noise_std < 0 or depth_noise_scale < 0:
        raise ValueError("keyframe_std, frame_noise_std and depth_noise_scale must be >= 0")
    g = make_generator(generator)
    axis_scale = torch.tensor([1.0, 1.0, depth_noise_scale])
    noise = keyframe_noise(b, t, j, 3, std=keyframe_std * axis_scale, num_keyframes=num_keyframes, generator=g)
    noise = noise + torch.randn(b, t, j, 3, generator=g) * (frame_noise_std * axis_scale)
    mask = random_masks(b, t, j, joint_ratio=joint_mask_ratio, frame_ratio=frame_mask_ratio, generator=g)
    if occlusion is not None:
        rng = _np_rng(g)
        occ = np.stack([occlusion.sample(t, j, rng) for _ in range(b)])
        mask &= torch.from_numpy(occ)
    if visible is not None:
        given = torch.as_tensor(np.asarray(visible) if not isinstance(visible, torch.Tensor) else visible).bool()
        if given.shape != (b, t, j):
            raise ValueError(f"visible must be (B, T, J) = {(b, t, j)}, got {tuple(given.shape)}")
        mask &= given.cpu()
    mask = mask.to(x.device)
    out = (x + noise.to(x)) * mask[..., None].to(x.dtype)
    return (out.numpy(), mask.numpy()) if was_numpy else (out, mask)


# ------------------------------------------------------------------------------------------------------ occlusions
@dataclass
class OcclusionSimulator:
    """STRIDE-style occlusions of one video (boolean visibility per frame and joint).

    The video is cut into consecutive windows of ``window_seconds`` (3.2 s). In each window, with probability
    ``full_occlusion_prob``, the person is fully hidden for a contiguous span of ``U(min_hidden_seconds,
    max_hidden_seconds)`` (up to 1.6 s) at a random position inside the window. Partial occlusions on top: in each
    window, with probability ``limb_occlusion_prob``, one limb group (an arm's elbow+wrist, a leg's knee+ankle, or
    neck+head) is hidden for ``U(0.1 s, max_hidden_seconds)``; and every remaining joint of every frame drops out
    independently with probability ``joint_dropout_prob``.

    Attributes:
        fps: frame rate of the video (Hz).
        window_seconds, max_hidden_seconds, min_hidden_seconds: full-occlusion geometry.
        full_occlusion_prob: probability that a window contains a full occlusion.
        limb_occlusion_prob: probability that a window contains a limb occlusion.
        joint_dropout_prob: independent per-(frame, joint) dropout.
        limb_groups: joint index groups for limb occlusions (default: H36M-17 limbs).
        spare_first_frames: keep the first frames visible (so a sequence never starts hidden), in frames.
    """

    fps: float = 30.0
    window_seconds: float = 3.2
    max_hidden_seconds: float = 1.6
    min_hidden_seconds: float = 0.2
    full_occlusion_prob: float = 0.7
    limb_occlusion_prob: float = 0.5
    joint_dropout_prob: float = 0.03
    limb_groups: tuple[tuple[int, ...], ...] = field(default=H36M_LIMB_GROUPS)
    spare_first_frames: int = 0

    def __post_init__(self) -> None:
        if self.fps <= 0 or self.window_seconds <= 0:
            raise ValueError("fps and window_seconds must be > 0")
        if not 0 <= self.min_hidden_seconds <= self.max_hidden_seconds <= self.window_seconds:
            raise ValueError("need 0 <= min_hidden_seconds <= max_hidden_seconds <= window_seconds")
        for name in ("full_occlusion_prob", "limb_occlusion_prob", "joint_dropout_prob"):
            _ratio(getattr(self, name), name)

    def sample(self, num_frames: int, num_joints: int = 17, generator: GeneratorLike = None) -> np.ndarray:
        """Visibility ``(T, J)`` bool (``True`` = visible) for a video of ``num_frames`` frames."""
        if num_frames < 1 or num_joints < 1:
            raise ValueError(f"num_frames and num_joints must be >= 1, got {num_frames}, {num_joints}")
        rng = _np_rng(generator)
        vis = np.ones((num_frames, num_joints), dtype=bool)
        win = max(1, round(self.window_seconds * self.fps))
        lo = max(1, round(self.min_hidden_seconds * self.fps))
        hi = max(lo, round(self.max_hidden_seconds * self.fps))
        groups = [g for g in self.limb_groups if max(g) < num_joints]
        for start in range(0, num_frames, win):
            end = min(num_frames, start + win)
            length = end - start
            if rng.random() < self.full_occlusion_prob:
                span = min(int(rng.integers(lo, hi + 1)), length)
                s = start + int(rng.integers(0, length - span + 1))
                vis[s : s + span] = False
            if groups and rng.random() < self.limb_occlusion_prob:
                grp = groups[int(rng.integers(len(groups)))]
                span = min(int(rng.integers(max(1, int(0.1 * self.fps)), hi + 1)), length)
                s = start + int(rng.integers(0, length - span + 1))
                vis[s : s + span, list(grp)] = False
        if self.joint_dropout_prob > 0:
            vis &= rng.random((num_frames, num_joints)) >= self.joint_dropout_prob
        if self.spare_first_frames > 0:
            vis[: self.spare_first_frames] = True
        return vis

    def hidden_frames(self, visibility: np.ndarray) -> np.ndarray:
        """``(T,)`` bool: frames where every joint is hidden (full occlusions)."""
        return ~np.asarray(visibility, dtype=bool).any(axis=-1)


# ------------------------------------------------------------------------------------------ per-frame estimator noise
def simulate_estimator(
    poses: np.ndarray,
    *,
    noise_std: float = 0.02,
    depth_scale: float = 2.5,
    drift_std: float = 0.03,
    drift_seconds: float = 1.0,
    jitter_prob: float = 0.03,
    jitter_std: float = 0.08,
    fps: float = 30.0,
    generator: GeneratorLike = None,
) -> np.ndarray:
    """Simulate an image-based (per-frame) 3D pose estimator's output from clean 3D poses.

    Defaults are in **metres**: 2 cm per-frame Gaussian error per joint and axis, ``depth_scale`` × larger along z
    (camera axis); a slowly drifting per-joint bias (Gaussian key values of std ``drift_std`` every
    ``drift_seconds``, linearly interpolated; also larger in depth); and jitter spikes (each frame, with probability
    ``jitter_prob``, gets an extra ``N(0, jitter_std)`` error on every joint, the frame-to-frame flicker of
    detectors).

    Args:
        poses: ``(T, J, 3)`` clean camera-space poses.
        noise_std, depth_scale, drift_std, drift_seconds, jitter_prob, jitter_std, fps: see above.
        generator: random generator / seed.

    Returns:
        ``(T, J, 3)`` noisy poses (same dtype as ``poses``; float64 for integer input).
    """
    x = np.asarray(poses)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"poses must be (T, J, 3), got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("poses contain NaN/inf")
    if min(noise_std, depth_scale, drift_std, jitter_std) < 0 or drift_seconds <= 0 or fps <= 0:
        raise ValueError("noise parameters must be >= 0 and drift_seconds, fps > 0")
    _ratio(jitter_prob, "jitter_prob")
    rng = _np_rng(generator)
    t, j, _ = x.shape
    axis = np.array([1.0, 1.0, depth_scale])
    out = x.astype(np.float64) + rng.normal(size=(t, j, 3)) * noise_std * axis
    n_keys = max(2, math.ceil(t / (drift_seconds * fps)) + 1)
    keys = rng.normal(size=(n_keys, j, 3)) * drift_std * axis
    pos = np.linspace(0, n_keys - 1, t)
    left = np.minimum(np.floor(pos).astype(int), n_keys - 2)
    frac = (pos - left)[:, None, None]
    out += keys[left] * (1 - frac) + keys[left + 1] * frac
    spikes = rng.random(t) < jitter_prob
    out[spikes] += rng.normal(size=(int(spikes.sum()), j, 3)) * jitter_std * axis
    return out.astype(x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64)
