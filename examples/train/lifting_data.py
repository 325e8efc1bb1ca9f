# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Data pipeline of motionhub's own small lifting checkpoints (pretraining on 3D mocap, finetuning on Human3.6M).

Conventions of every model trained with these scripts (the same as the embedded default, see
``motionhub.pretrained``):

* **input** ``(B, T, 17, 3)`` H36M-17 ``(x, y, confidence)``: pixels normalised with
  :func:`motionhub.processing.normalize_screen` (``x / w * 2 - 1``, ``y / w * 2 - h / w``) of the image the person was
  filmed in, confidence in [0, 1] (1 when the detector gives none);
* **output / labels** ``(B, T, 17, 3)``: root-relative (pelvis = 0) **camera-space 3D in metres** (x right, y down,
  z forward). No ground-truth scale is used anywhere: errors in mm are ``1000 * |pred - gt|``.

Pretraining sources (all converted to H36M-17, millimetres -> metres, Z-up world, 50 fps):

* Human3.6M world 3D of the training subjects S1, S5, S6, S7 (S8 is held out for evaluation everywhere);
* Bandai-Namco Research Motion datasets 1 + 2 (30 fps BVH forward kinematics, Y-up);
* CMU mocap subjects 01-03 (ASF/AMC forward kinematics, 120 fps, Y-up).

Every training clip is filmed by a fresh random **virtual pinhole camera** (any azimuth, elevation -10..+35 deg,
roll +-5 deg, distance 3.5-8 m, lateral/vertical offsets, focal 700-1600 px on a 1000 x 1000 image), the 2D is
screen-normalised, corrupted with MotionBERT's detector-noise model (+ its confidence model; with probability
``conf_one_prob`` the confidence is replaced by 1, as for detectors without scores) and MotionBERT's joint / frame masks.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from motionhub.corruption import MotionBERTNoise, corrupt_2d, make_generator
from motionhub.formats import load_asf_amc, load_bandai, load_h36m_3pb
from motionhub.processing import normalize_screen, resample_fps
from motionhub.skeleton import to_h36m

__all__ = [
    "DATA_ROOT",
    "H36M_EVAL_SUBJECTS",
    "H36M_TRAIN_SUBJECTS",
    "ClipDataset",
    "VirtualCameraClipIndex",
    "VirtualCameraClips",
    "VirtualCameraCollator",
    "VirtualCameraMasked3DCollator",
    "h36m_sequences",
    "lifting_collator",
    "load_h36m_lifting_clips",
    "load_pretraining_motion",
]

DATA_ROOT = Path(__file__).resolve().parents[3] / "shared" / "data"
H36M_TRAIN_SUBJECTS = ("S1", "S5", "S6", "S7")
H36M_EVAL_SUBJECTS = ("S8",)
FPS = 50.0
IMAGE_SIZE = 1000.0

# Y-up world (x, y, z) -> Z-up world (x, -z, y): a proper rotation (det = +1), so no mirroring.
_Y_UP_TO_Z_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])


def _cmu_dir(cmu: str | Path) -> Path:
    """Folder with ``asfamc/subjects/<k>/*.amc``: extracted from the shared tarball into /tmp on first use."""
    cmu = Path(cmu)
    if cmu.is_dir() and any(cmu.rglob("*.amc")):
        return cmu
    tarball = cmu if cmu.suffix == ".xz" else DATA_ROOT / "cmu_mocap" / "cmu_subjects_01-03_asfamc.tar.xz"
    out = Path("/tmp/motionhub_cmu")
    if not any(out.rglob("*.amc")):
        import tarfile

        out.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as tf:
            tf.extractall(out, filter="data")
    return out


def load_pretraining_motion(
    data_root: str | Path = DATA_ROOT,
    h36m_subjects: tuple[str, ...] = H36M_TRAIN_SUBJECTS,
    cache: str | Path | None = "/tmp/motionhub_pretrain_motion{tag}.npz",
    min_frames: int = 27,
    allow_held_out: bool = False,
    sources: tuple[str, ...] = ("h36m", "bandai", "cmu"),
) -> dict[str, list[np.ndarray]]:
    """All pretraining 3D motion as ``{source: [(T, 17, 3) float32 metres, Z-up world, 50 fps]}``.

    Args:
        data_root: the shared data folder (``h36m_train/``, ``bandai_namco/``, ``cmu_mocap/``).
        h36m_subjects: Human3.6M subjects to use (never S8: it is the held-out evaluation subject).
        cache: npz cache path (rebuilt when missing); ``{tag}`` is replaced by a digest of the data folder, subjects
            and sources ("" for the default ones, the file earlier versions wrote); ``None`` disables caching.
        min_frames: drop shorter sequences.
        allow_held_out: allow S8 (final models only: development runs hold it out for evaluation).
        sources: which of ``h36m``, ``bandai``, ``cmu`` to load.
    """
    if "S8" in h36m_subjects and not allow_held_out:
        raise ValueError("S8 is the held-out evaluation subject; do not pretrain on it")
    unknown = set(sources) - {"h36m", "bandai", "cmu"}
    if unknown:
        raise ValueError(f"unknown motion source(s) {sorted(unknown)}; known: h36m, bandai, cmu")
    if cache is not None:
        key = (str(Path(data_root).resolve()), tuple(h36m_subjects), tuple(sources), min_frames)
        default = (str(DATA_ROOT.resolve()), H36M_TRAIN_SUBJECTS, ("h36m", "bandai", "cmu"), 27)
        import hashlib

        tag = "" if key == default else "_" + hashlib.sha256(repr(key).encode()).hexdigest()[:12]
        cache = str(cache).format(tag=tag, subjects=tag)
    if cache is not None and Path(cache).exists():
        with np.load(cache) as d:
            out: dict[str, list[np.ndarray]] = {}
            for key in d.files:
                src = key.split("/", 1)[0]
                out.setdefault(src, []).append(d[key])
            return out
    root = Path(data_root)
    out = {src: [] for src in sources}
    if "h36m" in sources:
        for seq in load_h36m_3pb(root / "h36m_train", subjects=list(h36m_subjects), frame="world"):
            out["h36m"].append((seq.keypoints_3d / 1000.0).astype(np.float32))
    if "bandai" in sources:
        for seq in load_bandai(root / "bandai_namco").sequences:
            x = to_h36m(seq.keypoints_3d, "bandai-22") @ _Y_UP_TO_Z_UP.T
            out["bandai"].append((resample_fps(x, seq.fps, FPS) / 1000.0).astype(np.float32))
    if "cmu" in sources:
        cmu_root = _cmu_dir(root / "cmu_mocap")
        for amc in sorted(cmu_root.rglob("*.amc")):
            asf = amc.parent / f"{amc.parent.name}.asf"
            seq = load_asf_amc(asf, amc)
            x = to_h36m(seq.keypoints_3d, seq.layout) @ _Y_UP_TO_Z_UP.T
            out["cmu"].append((resample_fps(x, seq.fps, FPS) / 1000.0).astype(np.float32))
    out = {k: [s for s in v if len(s) >= min_frames and np.isfinite(s).all()] for k, v in out.items()}
    if cache is not None:
        np.savez(cache, **{f"{k}/{i:05d}": s for k, v in out.items() for i, s in enumerate(v)})
    return out


class VirtualCameraClips(torch.utils.data.IterableDataset):
    """Endless random world-space clips ``(T, 17, 3)`` (metres, Z up) drawn from several sources.

    A source is picked with probability ``weights[source]``, then a sequence proportionally to its length, then a
    random start frame. Each worker/process has its own seeded stream.
    """

    def __init__(self, motion: dict[str, list[np.ndarray]], clip_len: int, weights: dict[str, float], seed: int = 0):
        super().__init__()
        self.clip_len = clip_len
        self.sources = [s for s in weights if motion.get(s)]
        if not self.sources:
            raise ValueError("no usable motion source")
        p = np.array([weights[s] for s in self.sources], dtype=np.float64)
        self.source_p = p / p.sum()
        self.motion = {s: [m for m in motion[s] if len(m) >= clip_len] for s in self.sources}
        self.seq_p = {}
        for s in self.sources:
            lengths = np.array([len(m) - clip_len + 1 for m in self.motion[s]], dtype=np.float64)
            self.seq_p[s] = lengths / lengths.sum()
        self.seed = seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng(self.seed + (info.id if info is not None else 0))
        while True:
            src = self.sources[rng.choice(len(self.sources), p=self.source_p)]
            seqs = self.motion[src]
            seq = seqs[rng.choice(len(seqs), p=self.seq_p[src])]
            start = rng.integers(0, len(seq) - self.clip_len + 1)
            yield {"world": seq[start : start + self.clip_len]}


class VirtualCameraClipIndex(torch.utils.data.Dataset):
    """Map-style twin of :class:`VirtualCameraClips` for resumable runs: item ``i`` is drawn by
    ``default_rng([seed, i])`` alone (source by ``weights``, sequence by length, start frame), so a Trainer that
    resumes at step ``k`` and skips the consumed sampler indices sees exactly the clips of an uninterrupted run.

    ``length`` is the number of distinct clips the run may draw (e.g. ``max_steps * batch_size``).
    """

    def __init__(self, motion: dict[str, list[np.ndarray]], clip_len: int, weights: dict[str, float], length: int,
                 seed: int = 0):
        super().__init__()
        self.clips = VirtualCameraClips(motion, clip_len, weights, seed)
        self.length, self.seed = int(length), seed

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> dict[str, np.ndarray]:
        c = self.clips
        rng = np.random.default_rng([self.seed, int(i)])
        src = c.sources[rng.choice(len(c.sources), p=c.source_p)]
        seq = c.motion[src][rng.choice(len(c.motion[src]), p=c.seq_p[src])]
        start = rng.integers(0, len(seq) - c.clip_len + 1)
        return {"world": seq[start : start + c.clip_len]}


def _rotation_xyz(yaw: np.ndarray, pitch: np.ndarray, roll: np.ndarray) -> np.ndarray:
    """Batch of world->camera rotations ``(B, 3, 3)`` (rows = camera right, down, forward) in a Z-up world.

    The camera looks along azimuth ``yaw``, tilted down by ``pitch`` and rolled by ``roll`` (radians).
    """
    fwd = np.stack([np.cos(yaw) * np.cos(pitch), np.sin(yaw) * np.cos(pitch), -np.sin(pitch)], -1)
    up = np.array([0.0, 0.0, 1.0])
    right = np.cross(fwd, up)
    right /= np.linalg.norm(right, axis=-1, keepdims=True)
    down = np.cross(fwd, right)
    c, s = np.cos(roll)[:, None], np.sin(roll)[:, None]
    right, down = c * right + s * down, -s * right + c * down
    return np.stack([right, down, fwd], axis=1)


class VirtualCameraCollator:
    """Films world clips with random virtual cameras and builds the corrupted lifting input.

    Returns ``{"keypoints": (B, T, 17, 3) noisy normalised 2D + confidence, "labels": (B, T, 17, 3) root-relative
    camera-space metres}``.
    """

    def __init__(self, noise: MotionBERTNoise | None, seed: int = 0, conf_one_prob: float = 0.3,
                 joint_mask_ratio: float = 0.05, frame_mask_ratio: float = 0.1, start_batch: int | None = None):
        """``start_batch``: ``None`` = one random stream for the whole run (``pretrain_lifting_small.py``); an int =
        batch ``n`` draws its cameras, noise and masks from ``(seed, n)`` alone, counting from ``start_batch`` (a
        resumed run passes the step it resumes at and films exactly as an uninterrupted one)."""
        self.noise = noise
        self.seed, self.batch = seed, start_batch
        self.rng = np.random.default_rng(seed)
        self.gen = make_generator(seed + 1)
        self.conf_one_prob = conf_one_prob
        self.joint_mask_ratio = joint_mask_ratio
        self.frame_mask_ratio = frame_mask_ratio

    def film(self, world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(B, T, 17, 3)`` world metres -> (2D normalised ``(B, T, 17, 2)``, camera-space 3D metres)."""
        b = world.shape[0]
        rng = self.rng
        yaw = rng.uniform(0, 2 * math.pi, b)
        pitch = np.deg2rad(rng.uniform(-10, 35, b))
        roll = np.deg2rad(rng.uniform(-5, 5, b))
        rot = _rotation_xyz(yaw, pitch, roll)  # (B, 3, 3)
        dist = rng.uniform(3.5, 8.0, b)
        center = world[:, :, 0].mean(axis=1)  # (B, 3) mean root position
        # camera position: back along the optical axis, plus offsets along its right/down axes (person off-centre)
        offset = rng.uniform(-0.35, 0.35, (b, 2)) * dist[:, None] * 0.3
        cam_pos = center - rot[:, 2] * dist[:, None] - rot[:, 0] * offset[:, :1] - rot[:, 1] * offset[:, 1:]
        xc = np.einsum("bij,btkj->btki", rot, world - cam_pos[:, None, None])
        focal = rng.uniform(700, 1600, b)[:, None, None, None]
        z = np.maximum(xc[..., 2:3], 0.5)
        uv = focal * xc[..., :2] / z + IMAGE_SIZE / 2
        kp2d = normalize_screen(uv, IMAGE_SIZE, IMAGE_SIZE)
        return kp2d.astype(np.float32), xc.astype(np.float32)

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        if self.batch is not None:
            self.rng = np.random.default_rng([self.seed, 1, self.batch])
            self.gen = make_generator(int(self.rng.integers(0, 2**62)))
            self.batch += 1
        world = np.stack([f["world"] for f in features]).astype(np.float64)
        kp2d, xc = self.film(world)
        x = torch.from_numpy(kp2d)
        corrupted, _ = corrupt_2d(
            x, self.noise, joint_mask_ratio=self.joint_mask_ratio, frame_mask_ratio=self.frame_mask_ratio,
            generator=self.gen,
        )
        if self.conf_one_prob > 0:
            ones = torch.from_numpy(self.rng.random(len(features)) < self.conf_one_prob)[:, None, None]
            seen = (corrupted != 0).any(-1)  # masked joints stay all-zero
            conf = torch.where(ones & seen, torch.ones_like(corrupted[..., 2]), corrupted[..., 2])
            corrupted = torch.cat([corrupted[..., :2], conf[..., None]], dim=-1)
        labels = torch.from_numpy(xc - xc[:, :, :1])
        return {"keypoints": corrupted.float(), "labels": labels.float()}


class VirtualCameraMasked3DCollator:
    """STRIDE motion-prior pretraining batches: world clips placed in front of random virtual cameras (the cameras of
    :class:`VirtualCameraCollator`: camera-space 3D in metres, x right, y down, z forward), mirrored with probability
    ``flip_prob``, then corrupted (noise, masks, STRIDE occlusions) by a :class:`motionhub.tasks.stride.Masked3DCollator`.

    Returns ``{"keypoints": (B, T, 17, 3) corrupted 3D (centred on the visible joints when the masked collator says
    so), "labels": (B, T, 17, 3) clean root-relative camera-space metres}``. Batch ``n`` draws its cameras and flips
    from ``(seed, n)`` alone, counting from ``start_batch`` (give the masked collator the same ``start_batch``).
    """

    def __init__(self, masked, seed: int = 0, start_batch: int = 0, flip_prob: float = 0.5):
        self.camera = VirtualCameraCollator(None, seed=seed)
        self.masked, self.seed, self.batch, self.flip_prob = masked, seed, int(start_batch), float(flip_prob)

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        from motionhub.skeleton import flip

        self.camera.rng = rng = np.random.default_rng([self.seed, 3, self.batch])
        self.batch += 1
        world = np.stack([f["world"] for f in features]).astype(np.float64)
        _, cam = self.camera.film(world)
        mirror = rng.random(len(cam)) < self.flip_prob
        cam = np.where(mirror[:, None, None, None], flip(cam, "h36m-17"), cam)
        return self.masked([{"poses": torch.from_numpy(np.ascontiguousarray(c))} for c in cam])


def h36m_sequences(
    data_root: str | Path = DATA_ROOT, subjects: tuple[str, ...] = H36M_TRAIN_SUBJECTS, max_frames: int | None = None
) -> list[dict]:
    """Human3.6M (subject, action, camera) sequences with the real SH detections.

    Returns dicts with ``keypoints_2d`` ``(T, 17, 3)`` (SH detections converted to H36M-17, screen-normalised,
    confidence 1), ``keypoints_2d_px`` (pixels), ``keypoints_3d`` ``(T, 17, 3)`` camera-space **metres** (absolute),
    ``image_size``, ``subject``, ``action``, ``camera``.
    """
    out = []
    for seq in load_h36m_3pb(Path(data_root) / "h36m_train", subjects=list(subjects), keypoints_2d="sh"):
        w, h = seq.image_size
        px = seq.keypoints_2d[:max_frames]
        kp = normalize_screen(px, w, h)
        kp = np.concatenate([kp, np.ones_like(kp[..., :1])], axis=-1).astype(np.float32)
        out.append(dict(
            keypoints_2d=kp, keypoints_2d_px=px.astype(np.float32),
            keypoints_3d=(seq.keypoints_3d[:max_frames] / 1000.0).astype(np.float32), image_size=(w, h),
            subject=seq.meta["subject"], action=seq.meta["action"], camera=seq.meta["camera"],
        ))
    return out


def load_h36m_lifting_clips(
    data_root: str | Path = DATA_ROOT, subjects: tuple[str, ...] = H36M_TRAIN_SUBJECTS, clip_len: int = 27,
    stride: int = 9, cache: str | Path | None = "/tmp/motionhub_h36m_clips_{clip_len}_{stride}.npz",
) -> tuple[np.ndarray, np.ndarray]:
    """Training clips ``(N, clip_len, 17, 3)`` of SH-detection input and root-relative camera metres labels."""
    if "S8" in subjects:
        raise ValueError("S8 is the held-out evaluation subject; do not train on it")
    if cache is not None:
        cache = Path(str(cache).format(clip_len=clip_len, stride=stride))
        if cache.exists():
            with np.load(cache) as d:
                return d["inputs"], d["labels"]
    xs, ys = [], []
    for seq in h36m_sequences(data_root, subjects):
        t = len(seq["keypoints_2d"])
        for s in range(0, t - clip_len + 1, stride):
            xs.append(seq["keypoints_2d"][s : s + clip_len])
            y = seq["keypoints_3d"][s : s + clip_len]
            ys.append(y - y[:, :1])
    inputs, labels = np.stack(xs).astype(np.float32), np.stack(ys).astype(np.float32)
    if cache is not None:
        np.savez(cache, inputs=inputs, labels=labels)
    return inputs, labels


class ClipDataset(torch.utils.data.Dataset):
    """Fixed clips (``inputs`` / ``labels`` arrays) for the Trainer."""

    def __init__(self, inputs: np.ndarray, labels: np.ndarray):
        self.inputs, self.labels = inputs, labels

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, i: int) -> dict[str, np.ndarray]:
        return {"keypoints": self.inputs[i], "labels": self.labels[i]}


def lifting_collator(features: list[dict]) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(np.stack([f[k] for f in features])) for k in ("keypoints", "labels")}
