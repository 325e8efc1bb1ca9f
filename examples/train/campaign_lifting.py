# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Resumable CPU training campaign of motionhub's default lifting model (DSTformer, MotionBERT finetuning recipe).

One **run folder** holds everything a run needs to continue on another machine, overwritten as it advances:

* ``run.json``: the settings the run was started with (the schedule is planned over its whole ``max_steps``);
* ``checkpoint-<step>/``: the newest complete Trainer checkpoint (weights, AdamW state, LR scheduler, RNG states,
  trainer state = data position: the sampler permutation is reproduced from the seed and the consumed batches are
  skipped), older ones are deleted;
* ``curve.json``: held-out MPJPE / P-MPJPE against optimiser steps, frames seen and training CPU-hours (the
  learning curve), plus measured frames/s;
* ``final/``: the finished model (``save_pretrained``) once ``max_steps`` are done.

Start (or continue: the same command resumes from the newest complete checkpoint and says which) ::

    python examples/train/campaign_lifting.py --run runs/dstformer-lift-s8heldout \\
        --init checkpoints/dstformer-small-pretrained --max-steps 5000

    python examples/train/campaign_lifting.py --run runs/dstformer-lift-s8heldout    # on a fresh clone: continues

Recipe (MotionBERT's H36M finetuning, on the CPU budget): input = the real Stacked-Hourglass detections of
Human3.6M converted to H36M-17 **the way users' detector files are converted** (``to_h36m(x, "mpii-16")``: thorax =
MPII thorax, spine = mid(pelvis, thorax), joint 9 = upper neck, head = head top), screen-normalised by the camera
image size, confidence 1; target = root-relative camera-space 3D in metres; loss = MotionBERT's pose3d loss of the
config; random horizontal flips (input and target, left/right swapped) with probability 0.5. Clips of ``clip_len``
frames start every ``clip_stride`` frames of every (subject, take, camera) sequence; the Trainer shuffles them.

Throughput (measured here, 2 threads, quiet machine): the 0.41 M-parameter config at batch 64 x 27 frames trains at
~1,700 frames/s with eager attention and ~1,200 with SDPA (short sequences and 16-wide heads favour the plain matmul
path), so the campaign uses eager attention; the measured rate is logged as ``frames_per_s``.

``--data mocap`` is MotionBERT's lifting pretraining instead (every 3D source through random virtual cameras), and
``--data masked3d`` STRIDE's motion prior (the same sources at 25 fps as noisy, masked, occluded 3D input; 3D out; the
curve is held-out in-filling against linear interpolation), e.g. ::

    python examples/train/campaign_lifting.py --run runs/stride-prior-pretrain-d64 --data masked3d --init scratch \
        --clip-len 81 --batch-size 32 --lr 5e-4 --max-steps 3000 --save-steps 250 --eval-frames 0

Human3.6M is research-only: nothing of it is written into the run folder except the trained weights.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from motionhub.runtime import use_passive_openmp_wait

use_passive_openmp_wait()  # before torch (main() imports it): passive OpenMP waiting, see motionhub/runtime.py

__all__ = ["H36MLiftingClips", "build_parser", "load_h36m", "main"]

_HERE = Path(__file__).resolve().parent
# the processor of the campaign's models: screen-normalised H36M-17 pixels (MPII files converted with the "mpii"
# convention, as the SH training input was), metres out; saved with the default model (make_default_lifter.py)
PROCESSOR_SETTINGS = {"normalization": "screen", "mpii_convention": "mpii", "output_units": "m",
                      "joint_layout": "h36m-17"}
DATA_ROOT = _HERE.parents[2] / "shared" / "data"

#: Settings stored in ``run.json``; a resumed run must not change them (the schedule and data order depend on them).
RUN_KEYS = ("init", "train_subjects", "eval_subjects", "max_steps", "batch_size", "lr", "warmup_steps",
            "weight_decay", "clip_len", "clip_stride", "flip_prob", "seed", "save_steps", "eval_frames",
            "mpii_convention", "config_overrides", "family", "data", "mocap_subjects", "mocap_weights",
            "confidence_aug", "fill_missing")

#: training data of a run: ``h36m-sh`` = finetuning on the real SH detections (the default); ``mocap`` = MotionBERT's
#: lifting pretraining: every 3D source (Human3.6M world 3D of ``mocap_subjects``, Bandai-Namco, CMU) filmed by random
#: virtual cameras, MotionBERT's detector noise + confidences, joint and frame masks (``lifting_data.py``);
#: ``masked3d`` = STRIDE's motion-prior pretraining: the same 3D sources at 25 fps in front of random virtual cameras
#: as noisy, masked and occluded 3D input (``motionhub.tasks.stride``), the clean root-relative 3D as target
DATA_MODES = ("h36m-sh", "mocap", "masked3d")
#: --data masked3d: the prior's pretraining loss weights (MPJPE + 0.5 N-MPJPE; STRIDE's velocity / limb-variance terms
#: are test-time-training terms, written into the saved prior's config at the end)
MASKED3D_LOSS = {"lambda_limb_var": 0.0, "lambda_velocity": 0.0, "lambda_scale": 0.5}
#: --data masked3d: the prior's frame rate is STRIDE's (and the occlusion benchmark's): Human3.6M 50 fps / 2
MASKED3D_FPS_STEP = 2

#: the lifting model of each encoder family (DSTformer: sequence to sequence; STMO / MPM: P-STMO's many-to-one with
#: a loss on every frame of the clip and on its centre, ``labels`` (B, T, J, 3) as for DSTformer)
FAMILIES = {"dstformer": "DSTformerForPoseLifting", "stmo": "STMOForPoseLifting", "mpm": "MPMForPoseLifting"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, required=True, help="run folder (created on first start, resumed after)")
    p.add_argument("--init", default=None,
                   help="first start only: pretrained checkpoint folder to finetune ('scratch' = random init)")
    p.add_argument("--data-root", type=Path, default=DATA_ROOT, help="folder with h36m_train/ (not stored)")
    p.add_argument("--train-subjects", nargs="+", default=None, help="default S1 S5 S6 S7")
    p.add_argument("--eval-subjects", nargs="*", default=None, help="held-out subjects for the curve (default S8)")
    p.add_argument("--max-steps", type=int, default=None, help="optimiser steps of the whole run (default 5000)")
    p.add_argument("--batch-size", type=int, default=None, help="clips per step (default 64)")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (default 1e-3, cosine to 0)")
    p.add_argument("--warmup-steps", type=int, default=None, help="default 200")
    p.add_argument("--weight-decay", type=float, default=None, help="default 0.01")
    p.add_argument("--clip-len", type=int, default=None, help="frames per clip (default 27 = the model's maxlen)")
    p.add_argument("--clip-stride", type=int, default=None, help="frames between clip starts (default 3)")
    p.add_argument("--flip-prob", type=float, default=None, help="probability of a horizontal flip (default 0.5)")
    p.add_argument("--seed", type=int, default=None, help="default 0")
    p.add_argument("--save-steps", type=int, default=None, help="checkpoint + held-out evaluation every N steps")
    p.add_argument("--eval-frames", type=int, default=None,
                   help="first N frames of every held-out sequence for the curve (default 540; 0 = all)")
    p.add_argument("--mpii-convention", default=None, choices=("mpii", "h36m_sh"), help="default mpii")
    p.add_argument("--family", default=None, choices=sorted(FAMILIES),
                   help="first start only: encoder family (default dstformer; stmo / mpm: many-to-one, init from "
                        "examples/pretrain_masked.py output or 'scratch')")
    p.add_argument("--data", default=None, choices=DATA_MODES,
                   help="first start only: h36m-sh = finetune on the real SH detections (default); mocap = MotionBERT "
                        "lifting pretraining on every mocap source through virtual cameras (DSTformer); masked3d = "
                        "a STRIDE motion prior (3D in, 3D out) pretrained on the same sources at 25 fps (use "
                        "--clip-len 81; the curve is S8 in-filling under STRIDE occlusions)")
    p.add_argument("--mocap-subjects", nargs="+", default=None,
                   help="--data mocap: Human3.6M subjects whose 3D is pretraining motion (default S1 S5 S6 S7; S8 "
                        "only for final models, never with S8 as the held-out subject)")
    p.add_argument("--mocap-weights", default=None,
                   help="--data mocap: source sampling weights (default h36m=0.4,bandai=0.3,cmu=0.3)")
    p.add_argument("--confidence-aug", type=float, default=None,
                   help="--data h36m-sh: probability that a clip's confidences (1 for SH) are replaced by random "
                        "detector-like ones (a constant in [0.3, 1] or per-joint values), so the model learns not to "
                        "depend on a detector's score scale (default 0)")
    # the choices are motionhub.processor.FILL_MISSING, spelled out: importing motionhub.processor loads torch, which
    # must come after the thread settings of main()
    p.add_argument("--fill-missing", choices=("zero", "interpolate"), default=None,
                   help="--data masked3d: hidden joints of the prior's input enter as zeros (STRIDE; default) or "
                        "linearly interpolated from the clip's visible frames (the prior learns what it adds to "
                        "interpolation); saved in the prior's processor")
    p.add_argument("--config", default=None,
                   help="first start from scratch only: JSON of config overrides (e.g. '{\"depth\": 2}')")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    p.add_argument("--stop-after-minutes", type=float, default=None,
                   help="save and stop after this wall-clock time (the schedule is unchanged; rerun to continue)")
    p.add_argument("--max-sequences", type=int, default=None, help=argparse.SUPPRESS)  # tests: tiny data
    return p


DEFAULTS = dict(init=None, train_subjects=["S1", "S5", "S6", "S7"], eval_subjects=["S8"], max_steps=5000,
                batch_size=64, lr=1e-3, warmup_steps=200, weight_decay=0.01, clip_len=27, clip_stride=3,
                flip_prob=0.5, seed=0, save_steps=250, eval_frames=540, mpii_convention="mpii",
                config_overrides=None, family="dstformer", data="h36m-sh", mocap_subjects=["S1", "S5", "S6", "S7"],
                mocap_weights="h36m=0.4,bandai=0.3,cmu=0.3", confidence_aug=0.0, fill_missing="zero")


def load_h36m(data_root: Path, subjects, mpii_convention: str, max_frames: int | None = None,
              max_sequences: int | None = None) -> list[dict]:
    """Human3.6M (subject, take, camera) sequences: normalised SH input ``(T, 17, 3)`` and camera 3D metres."""
    from motionhub.formats import load_h36m_3pb
    from motionhub.processing import normalize_screen
    from motionhub.skeleton import to_h36m

    seqs = load_h36m_3pb(Path(data_root) / "h36m_train", subjects=list(subjects), keypoints_2d="none")
    out = []
    for seq in seqs[:max_sequences]:
        w, h = seq.image_size
        px = to_h36m(np.asarray(seq.meta["keypoints_2d_sh"], dtype=np.float64), "mpii-16",
                     mpii_convention=mpii_convention)[:max_frames]
        kp = normalize_screen(px, w, h)
        kp = np.concatenate([kp, np.ones_like(kp[..., :1])], axis=-1).astype(np.float32)
        y = (np.asarray(seq.keypoints_3d[:max_frames], dtype=np.float64) / 1000.0).astype(np.float32)
        out.append({"input": kp, "target": y - y[:, :1], "name": f"{seq.meta['subject']}/{seq.meta['action']}."
                    f"{seq.meta['camera']}"})
    return out


class H36MLiftingClips:
    """Map-style dataset: clip ``i`` = ``clip_len`` frames of one sequence starting at a multiple of ``stride``."""

    def __init__(self, sequences: list[dict], clip_len: int, stride: int):
        self.sequences = [s for s in sequences if len(s["input"]) >= clip_len]
        if not self.sequences:
            raise ValueError(f"no training sequence has {clip_len} frames")
        self.clip_len = clip_len
        index = [(k, s) for k, seq in enumerate(self.sequences)
                 for s in range(0, len(seq["input"]) - clip_len + 1, stride)]
        self.index = np.asarray(index, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict[str, np.ndarray]:
        k, s = self.index[i]
        seq = self.sequences[k]
        return {"keypoints": seq["input"][s : s + self.clip_len], "labels": seq["target"][s : s + self.clip_len]}


class FlipCollator:
    """Stacks clips and flips each horizontally with probability ``p``.

    The flips of batch ``n`` come from ``default_rng([seed, n])``, and ``n`` restarts at the resumed step, so a
    resumed run flips exactly as an uninterrupted one (the Trainer skips consumed batches without collating them).
    """

    def __init__(self, p: float, seed: int, start_batch: int = 0, layout: str = "h36m-17", channels: int = 3,
                 confidence_aug: float = 0.0):
        self.p, self.seed, self.batch, self.layout, self.channels = p, seed, start_batch, layout, channels
        self.confidence_aug = confidence_aug

    def __call__(self, features):
        import torch

        from motionhub.skeleton import flip

        x = torch.from_numpy(np.stack([f["keypoints"][..., : self.channels] for f in features]))
        y = torch.from_numpy(np.stack([f["labels"] for f in features]))
        draw = np.random.default_rng([self.seed, self.batch]).random(len(features))
        if self.confidence_aug > 0 and self.channels >= 3:
            x = x.clone()
            x[..., 2] = torch.from_numpy(self.random_confidence(x[..., 2].numpy(), [self.seed, 2, self.batch]))
        self.batch += 1
        if self.p > 0:
            m = torch.from_numpy(draw < self.p)[:, None, None, None]
            x = torch.where(m, flip(x, self.layout), x)
            y = torch.where(m, flip(y, self.layout), y)
        return {"keypoints": x, "labels": y}

    def random_confidence(self, conf: np.ndarray, seed) -> np.ndarray:
        """``(B, T, J)`` confidences with each clip's replaced, with probability ``confidence_aug``, by a detector-like
        draw: half the time one constant in [0.3, 1] (a detector with another score scale), else per joint and frame
        uniform in [lo, 1], lo ~ U(0, 0.8). Masked joints (confidence 0) stay 0. SH detections carry no scores, so
        the draws are unrelated to the error: the model learns that the score scale says nothing about the pose."""
        rng = np.random.default_rng(seed)
        b = conf.shape[0]
        pick = rng.random(b) < self.confidence_aug
        constant = rng.random(b) < 0.5
        const = rng.uniform(0.3, 1.0, b)[:, None, None]
        lo = rng.uniform(0.0, 0.8, b)[:, None, None]
        per = lo + (1.0 - lo) * rng.random(conf.shape)
        new = np.where(constant[:, None, None], np.broadcast_to(const, conf.shape), per).astype(conf.dtype)
        return np.where(pick[:, None, None] & (conf > 0), new, conf)


def _write_json(path: Path, obj) -> None:
    from motionhub.io_utils import write_text

    write_text(path, json.dumps(obj, indent=1))


def _mocap_clips(s: dict, data_root: Path, fps_step: int = 1):
    """The map-style clip index over every mocap source of a pretraining run (every ``fps_step``-th frame of 50 fps),
    item ``i`` drawn from ``(seed, i)`` alone (resumes exactly)."""
    if "S8" in s["mocap_subjects"] and "S8" in (s["eval_subjects"] or []):
        raise SystemExit("error: S8 cannot be both pretraining motion and the held-out subject (--eval-subjects)")
    sys.path.insert(0, str(_HERE))
    from lifting_data import VirtualCameraClipIndex, load_pretraining_motion

    weights = {k: float(v) for k, v in (kv.split("=") for kv in s["mocap_weights"].split(","))}
    motion = load_pretraining_motion(data_root, h36m_subjects=tuple(s["mocap_subjects"]),
                                     allow_held_out="S8" in s["mocap_subjects"],
                                     sources=tuple(k for k, w in weights.items() if w > 0),
                                     min_frames=s["clip_len"] * fps_step)
    if fps_step > 1:
        motion = {k: [np.ascontiguousarray(q[::fps_step]) for q in v] for k, v in motion.items()}
    fps = f"{50 / fps_step:g} fps"
    stats = {k: f"{len(v)} sequences, {sum(len(q) for q in v)} frames at {fps}" for k, v in motion.items()}
    print(f"data: mocap {stats}, weights {weights}", flush=True)
    return VirtualCameraClipIndex(motion, s["clip_len"], weights, length=s["max_steps"] * s["batch_size"],
                                  seed=s["seed"])


def _mocap_data(s: dict, data_root: Path, done_step: int):
    """MotionBERT lifting pretraining data: the map-style virtual-camera clip index and its per-batch-seeded collator
    (both resume exactly at ``done_step``)."""
    if s["family"] != "dstformer":
        raise SystemExit("error: --data mocap pretrains DSTformer (x, y, confidence input); STMO / MPM pretrain with "
                         "examples/pretrain_masked.py")
    dataset = _mocap_clips(s, data_root)
    from lifting_data import VirtualCameraCollator

    from motionhub.corruption import MotionBERTNoise

    collator = VirtualCameraCollator(MotionBERTNoise.from_path(Path(data_root) / "motionbert_noise"), seed=s["seed"],
                                     start_batch=done_step)
    return dataset, collator


def _masked3d_data(s: dict, data_root: Path, done_step: int):
    """STRIDE prior pretraining data: the mocap clip index at 25 fps and its per-batch-seeded collator (cameras,
    mirror flips, noise, masks and STRIDE occlusions; both resume exactly at ``done_step``)."""
    if s["family"] != "dstformer":
        raise SystemExit("error: --data masked3d pretrains a DSTformer motion prior (STRIDE); not " + s["family"])
    dataset = _mocap_clips(s, data_root, MASKED3D_FPS_STEP)
    from lifting_data import VirtualCameraMasked3DCollator
    from motionhub.tasks.stride import Masked3DCollator

    from motionhub.corruption import OcclusionSimulator

    masked = Masked3DCollator(occlusion=OcclusionSimulator(fps=50.0 / MASKED3D_FPS_STEP), center_input=True,
                              fill_missing=s["fill_missing"], seed=s["seed"], start_batch=done_step)
    return dataset, VirtualCameraMasked3DCollator(masked, seed=s["seed"], start_batch=done_step,
                                                  flip_prob=s["flip_prob"])


def masked3d_held_out(held: list[dict], seed: int = 0) -> list[dict]:
    """The prior's held-out curve data: each held-out sequence's clean root-relative 3D at 25 fps, corrupted once
    (seeded by its index) as in pretraining: STRIDE occlusions, smooth noise, jitter, masks; with the linear
    interpolation of the corrupted visible joints (the baseline a prior has to beat on hidden frames)."""
    import torch
    from motionhub.tasks.stride import Masked3DCollator

    from motionhub.corruption import OcclusionSimulator, make_generator
    from motionhub.formats.base import fill_missing

    out = []
    # the pretraining corruption (one place: Masked3DCollator), every held-out sequence occluded
    collator = Masked3DCollator(occlusion=OcclusionSimulator(fps=50.0 / MASKED3D_FPS_STEP), occlusion_prob=1.0)
    for i, q in enumerate(held):
        clean = np.ascontiguousarray(q["target"][::MASKED3D_FPS_STEP])
        rng = np.random.default_rng([seed, 7, i])
        generator = make_generator(int(rng.integers(0, 2**62)))
        noisy, visible = collator.corrupt(torch.from_numpy(clean)[None], rng, generator)
        noisy, visible = noisy[0].numpy(), visible[0].numpy()
        if not visible.any():
            continue
        interp = fill_missing(np.where(visible[..., None], noisy, np.nan), "interpolate")
        interp = np.nan_to_num(interp - interp[:, :1])  # a joint never seen: at the root
        out.append({"noisy": noisy, "visible": visible, "target": clean, "interp": interp})
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Path = args.run
    given = {k: getattr(args, k) for k in RUN_KEYS if k != "config_overrides" and getattr(args, k) is not None}
    if args.config is not None:
        given["config_overrides"] = json.loads(args.config)
    run_file = run / "run.json"
    if run_file.exists():
        settings = json.loads(run_file.read_text())
        changed = {k: (settings.get(k), v) for k, v in given.items() if settings.get(k) != v}
        if changed:
            raise SystemExit(f"error: {run} was started with other settings {changed} (stored, given); "
                             "start a new --run folder to change them")
    else:
        settings = {**DEFAULTS, **given}
        if settings["fill_missing"] != "zero" and settings["data"] != "masked3d":
            raise SystemExit("error: --fill-missing is the input convention of a STRIDE prior (--data masked3d)")
        run.mkdir(parents=True, exist_ok=True)
        settings["command"] = "python examples/train/campaign_lifting.py " + " ".join(argv or sys.argv[1:])
        _write_json(run_file, settings)

    if (run / "final" / "model.safetensors").is_file():
        # a finished run keeps final/ and its curve; its optimiser state was dropped when it finished
        print(f"{run} is finished ({settings['max_steps']} steps): the model is {run / 'final'}", flush=True)
        return 0
    threads = args.threads or os.cpu_count() or 1
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    import torch
    from transformers import Trainer, TrainerCallback, TrainingArguments

    import motionhub
    from motionhub import DSTformerConfig, MotionProcessor
    from motionhub.metrics import mpjpe, p_mpjpe
    from motionhub.pretrained import lift_keypoints
    from motionhub.runner import WindowRunner

    torch.set_num_threads(threads)
    s = {**DEFAULTS, **settings}  # DEFAULTS fill the keys older runs did not store (data, confidence_aug, ...)
    family = s.get("family") or "dstformer"  # runs started before families existed are DSTformer runs
    from motionhub.tasks.trainer import latest_checkpoint  # skips (and names) checkpoints a kill left incomplete

    resume = latest_checkpoint(run)
    done_step = int(resume.name.split("-")[1]) if resume is not None else 0
    t_load = time.time()
    held = load_h36m(args.data_root, s["eval_subjects"], s["mpii_convention"], max_frames=s["eval_frames"] or None,
                     max_sequences=args.max_sequences) if s["eval_subjects"] else []
    if s["data"] == "mocap":
        dataset, collator = _mocap_data(s, args.data_root, done_step)
    elif s["data"] == "masked3d":
        dataset, collator = _masked3d_data(s, args.data_root, done_step)
        held = masked3d_held_out(held, s["seed"])
    else:
        train = load_h36m(args.data_root, s["train_subjects"], s["mpii_convention"],
                          max_sequences=args.max_sequences)
        dataset = H36MLiftingClips(train, s["clip_len"], s["clip_stride"])
        collator = None  # FlipCollator, built once the model says how many input channels it takes
        print(f"data: {len(train)} training sequences ({sum(len(q['input']) for q in train)} frames, "
              f"{len(dataset)} clips)", flush=True)
    print(f"{len(held)} held-out sequences; data loaded in {time.time() - t_load:.0f} s", flush=True)
    model_cls = getattr(motionhub, FAMILIES[family])
    torch.manual_seed(s["seed"])  # the model is built after seeding: from-scratch runs are reproducible
    if resume is not None:
        model = model_cls.from_pretrained(resume)
        print(f"resuming from {resume} (newest complete checkpoint)", flush=True)
    elif s["init"] in (None, "scratch"):
        overrides = s["config_overrides"] or {}
        if s["data"] == "masked3d":
            # STRIDE's prior: 3D in (centred on the visible joints), camera-space 3D out; pretraining loss without
            # the velocity / limb-variance terms (they are test-time-training terms; the saved config gets them)
            config = DSTformerConfig.stride(**{
                "dim_feat": 64, "dim_rep": 128, "depth": 3, "num_heads": 4, "mlp_ratio": 2.0, "maxlen": s["clip_len"],
                "root_relative": False, **MASKED3D_LOSS, "input_normalization": "centered_3d", **overrides})
        elif family == "dstformer":
            sys.path.insert(0, str(_HERE))
            from pretrain_lifting_small import small_config

            config = small_config(maxlen=s["clip_len"], **overrides)
        else:  # P-STMO input: screen-normalised (x, y), the clip's frames consecutive (tds 1)
            config = model_cls.config_class(**{"frames": s["clip_len"], "tds": 1, "dim_in": 2,
                                               "input_normalization": "screen", **overrides})  # fmt: skip
        model = model_cls(config)
    else:
        model = model_cls.from_pretrained(s["init"])
        if s["data"] == "masked3d" and model.config.input_normalization != "centered_3d":
            if model.config.dim_in != 3:
                raise SystemExit(f"error: --data masked3d trains a STRIDE prior on (x, y, z) input; {s['init']} takes "
                                 f"{model.config.dim_in} channels")
            # a 2D lifter (e.g. the foundation encoder) as the prior's start: its layers keep their weights, the input
            # becomes centred 3D (the first layer relearns its third channel: depth instead of confidence)
            model.config.update({"input_normalization": "centered_3d", "root_relative": False})
            print(f"STRIDE prior initialised from the lifting model {s['init']} (input now centred 3D)", flush=True)
        if s["data"] == "masked3d":
            # the prior's pretraining loss, whatever the start carried: a finished prior saves STRIDE's test-time
            # weights (velocity 20, limb variance 200), which would otherwise become the continued run's loss
            model.config.update(MASKED3D_LOSS)
        if isinstance(model.config, DSTformerConfig) and model.config.maxlen < s["clip_len"]:
            print(f"temporal embedding of {s['init']} resampled from {model.config.maxlen} to {s['clip_len']} frames",
                  flush=True)
            model.resize_temporal_embedding(s["clip_len"])
    if family == "dstformer":
        # eager attention: measured faster than SDPA for 17/27-token sequences with 16-wide heads on this CPU
        model.config._attn_implementation = "eager"
    if isinstance(model.config, DSTformerConfig) and model.config.maxlen < s["clip_len"]:
        raise SystemExit(f"error: clip_len {s['clip_len']} > the model's maxlen {model.config.maxlen}")
    if family != "dstformer":
        model.config.input_normalization = "screen"  # what this campaign feeds (masked pretraining saw crop_scale)
        # the campaign's clips are consecutive frames; masked pretraining sampled every 2nd frame (P-STMO's tds 2) and
        # its config says so: without this the saved model would be run at tds 2 on frames it was trained at tds 1
        model.config.tds = 1
    if family != "dstformer" and model.config.frames != s["clip_len"]:
        raise SystemExit(f"error: clip_len {s['clip_len']} != the model's frames {model.config.frames}")
    dim_in = int(model.config.dim_in)  # (x, y) for STMO / MPM, (x, y, confidence) for DSTformer

    curve_file = run / "curve.json"
    curve = json.loads(curve_file.read_text()) if curve_file.exists() else {"points": []}
    curve["points"] = [p for p in curve["points"] if p["step"] <= done_step]
    curve["data"] = s["data"]
    base_seconds = curve["points"][-1]["train_seconds"] if curve["points"] else 0.0
    # CPU time accumulates with the thread count of each session (a resumed run may use another count)
    base_cpu_seconds = curve["points"][-1]["cpu_hours"] * 3600 if curve["points"] else 0.0
    frames_per_step = s["batch_size"] * s["clip_len"]

    def evaluate_held_out() -> dict:
        if not held:
            return {}
        if s["data"] == "masked3d":
            return evaluate_prior()
        model.eval()
        errs, perrs = [], []
        for q in held:
            if family == "dstformer":
                pred = lift_keypoints(model, q["input"], batch_size=256) * 1000.0
            else:  # many-to-one: the centre frame of the window centred on every frame
                runner = WindowRunner(lambda k: model(k).pose_3d, batch_size=256, device="cpu")
                with torch.no_grad():
                    pred = runner.many_to_one(q["input"][..., :dim_in], model.config.frames) * 1000.0
            gt = q["target"] * 1000.0
            pred = pred - pred[:, :1]
            errs.append(mpjpe(pred, gt))
            perrs.append(p_mpjpe(pred, gt))
        model.train()
        return {"mpjpe_mm": round(float(np.concatenate(errs).mean()), 2),
                "p_mpjpe_mm": round(float(np.concatenate(perrs).mean()), 2)}

    def prior_processor() -> MotionProcessor:
        """The prior's processor, as saved with it: its input convention (centred 3D, ``fill_missing``), metres out.
        Given explicitly to the curve's predictions: a prior started from a lifting model still carries that model's
        ``_name_or_path``, whose saved 2D processor is not the prior's."""
        return MotionProcessor.from_model_config(model.config).replace(output_units="m",
                                                                       fill_missing=s["fill_missing"])

    def evaluate_prior() -> dict:
        """In-filling and denoising of the held-out corrupted 3D: MPJPE (mm, root-relative) on all frames and on the
        fully hidden ones, next to linear interpolation of the same input."""
        from motionhub.tasks.stride import stride_predict

        model.eval()
        processor = prior_processor()
        err, hid, base, base_hid = [], [], [], []
        for q in held:
            with torch.no_grad():
                pred = stride_predict(model, q["noisy"], q["visible"], processor=processor)
            gt = q["target"] * 1000.0
            e, b = mpjpe(pred * 1000.0, gt), mpjpe(q["interp"] * 1000.0, gt)
            hidden = ~q["visible"].any(axis=1)
            err.append(e), hid.append(e[hidden]), base.append(b), base_hid.append(b[hidden])
        model.train()

        def mean(parts):
            values = np.concatenate(parts)
            return round(float(values.mean()), 2) if values.size else None  # None: no frame was fully hidden

        return {"mpjpe_mm": mean(err), "mpjpe_hidden_mm": mean(hid), "interp_mpjpe_mm": mean(base),
                "interp_mpjpe_hidden_mm": mean(base_hid)}

    class Campaign(TrainerCallback):
        """Logs frames/s and cumulative training time; evaluates and records the curve at every save."""

        def __init__(self):
            self.t_start = time.time()
            self.deadline = None if args.stop_after_minutes is None else self.t_start + 60 * args.stop_after_minutes
            self.last_t, self.last_step, self.train_seconds = None, done_step, base_seconds
            self.cpu_seconds = base_cpu_seconds

        def on_step_begin(self, targs, state, control, **kw):
            if self.last_t is None:
                self.last_t = time.time()

        def on_step_end(self, targs, state, control, **kw):
            now = time.time()
            self.train_seconds += now - self.last_t
            self.cpu_seconds += (now - self.last_t) * threads
            self.last_t = now
            if self.deadline is not None and now > self.deadline:
                control.should_save = True
                control.should_training_stop = True
            return control

        def on_log(self, targs, state, control, logs=None, **kw):
            if logs is not None and "loss" in logs:
                elapsed = self.train_seconds - getattr(self, "_log_seconds", base_seconds)
                steps = state.global_step - getattr(self, "_log_step", done_step)
                if elapsed > 0 and steps > 0:
                    logs["frames_per_s"] = round(steps * frames_per_step / elapsed, 1)
                logs["train_hours"] = round(self.train_seconds / 3600, 4)
                self._log_seconds, self._log_step = self.train_seconds, state.global_step
                print(json.dumps({"step": state.global_step, **logs}), flush=True)

        def on_save(self, targs, state, control, **kw):
            t0 = time.time()
            point = {"step": state.global_step, "frames_seen": state.global_step * frames_per_step,
                     "train_seconds": round(self.train_seconds, 1),
                     "cpu_hours": round(self.cpu_seconds / 3600, 4),
                     "threads": threads, **evaluate_held_out()}
            losses = [h["loss"] for h in state.log_history if "loss" in h]
            if losses:
                point["train_loss"] = losses[-1]
            point["eval_seconds"] = round(time.time() - t0, 1)
            curve["points"].append(point)
            curve["eval"] = {"subjects": s["eval_subjects"], "frames_per_sequence": s["eval_frames"] or "all",
                             "protocol": "root-relative metres -> mm, no ground-truth scale, non-overlapping "
                                         f"{s['clip_len']}-frame windows, no flip"}
            _write_json(curve_file, curve)
            print(json.dumps({"eval": point}), flush=True)
            self.last_t = time.time()  # evaluation time is not training time

    targs = TrainingArguments(
        output_dir=str(run), max_steps=s["max_steps"], per_device_train_batch_size=s["batch_size"],
        learning_rate=s["lr"], weight_decay=s["weight_decay"], warmup_steps=s["warmup_steps"],
        lr_scheduler_type="cosine", logging_steps=50, save_strategy="steps", save_steps=s["save_steps"],
        save_total_limit=1, report_to="none", dataloader_num_workers=0, remove_unused_columns=False, use_cpu=True,
        seed=s["seed"], data_seed=s["seed"], disable_tqdm=True, save_only_model=False,
    )
    if collator is None:
        collator = FlipCollator(s["flip_prob"], s["seed"], done_step, channels=dim_in,
                                confidence_aug=s["confidence_aug"])
    trainer = Trainer(model=model, args=targs, train_dataset=dataset, data_collator=collator, callbacks=[Campaign()])
    trainer.train(resume_from_checkpoint=str(resume) if resume is not None else None)
    if trainer.state.global_step >= s["max_steps"]:
        final = run / "final"
        tmp = run / "final.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        if family == "dstformer":
            model.config._attn_implementation = "sdpa"
        if s["data"] == "masked3d":
            from motionhub.tasks.stride import STRIDE_LAMBDAS

            # the saved prior carries the weights test-time training uses (STRIDE's); it predicts metres
            for key, value in STRIDE_LAMBDAS.items():
                setattr(model.config, key, value)
            model.save_pretrained(tmp)
            prior_processor().save_pretrained(tmp)
        else:
            model.save_pretrained(tmp)
            # how the campaign prepared the input travels with the model: `motionhub evaluate/lift` need no flags
            MotionProcessor.from_model_config(model.config).replace(**PROCESSOR_SETTINGS).save_pretrained(tmp)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        # optimiser, scheduler and RNG state are only needed to continue: a finished run drops them, so that the
        # repository's history keeps one copy of the weights (final/), not three more of the optimiser moments
        for ckpt in run.glob("checkpoint-*"):
            shutil.rmtree(ckpt)
        print(f"finished {s['max_steps']} steps: {final} (checkpoints with optimiser state removed)", flush=True)
    else:
        print(f"stopped at step {trainer.state.global_step} of {s['max_steps']}; rerun the same command to continue",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
