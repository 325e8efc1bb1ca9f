# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""2D keypoints of a whole video -> root-relative 3D poses: :class:`PoseLiftingPipeline` (processor + model +
:class:`~motionhub.runner.WindowRunner`) and its :class:`LiftResult`; :class:`KeypointPipeline` is the plumbing it
shares with the mesh pipeline."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..export.model import QUANTIZATIONS
from ..modeling_utils import flip_augmented
from ..processor import (
    NORMALIZATIONS_2D,
    MotionProcessor,
    PreparedKeypoints,
    get_normalization,
    processor_for_model,
)
from ..runner import WindowRunner
from ..skeleton import flip as flip_joints
from ..skeleton import get_layout
from .loading import load_model, model_device, resolve_device
from .results import UNITS_DOC, json_safe, nan_to_none

__all__ = ["BACKENDS", "NORMALIZATIONS", "QUANTIZATIONS", "KeypointPipeline", "LiftResult", "PoseLiftingPipeline"]

WORLD_DOC = (
    "metres. root_camera: pelvis in camera space (x right, y down, z forward); root_world / pose_world: world frame "
    "(y up = floor normal, z towards the camera along the floor, x = y cross z, origin on the floor under the first "
    "pelvis), foot-skate removed; foot_contacts: (T, 2) left, right; p_world = world_from_camera @ (p_camera - "
    "world_origin_camera)"
)

BACKENDS = ("torch", "onnx")
"""Model runtimes of the per-frame pipelines: eager PyTorch, or the model's ONNX export on onnxruntime (exported once
per weights into a cache, :func:`motionhub.export.model.cached_onnx_model`; CPU only)."""

NORMALIZATIONS = NORMALIZATIONS_2D
"""The built-in ``normalization=`` values of the lifting and mesh pipelines (see :mod:`motionhub.processor`); rules
registered with :func:`motionhub.processor.register_normalization` are accepted too."""


def _is_2d_rule(name: str) -> bool:
    try:
        get_normalization(name)
    except ValueError:
        return False
    return True


class KeypointPipeline:
    """Shared plumbing of the per-frame pipelines (lifting, mesh): device, processor, windows.

    The input preparation and the window defaults come from the model's :class:`~motionhub.processor.MotionProcessor`
    (its saved ``preprocessor_config.json``, else derived from the config, :func:`motionhub.processor.processor_for_model`,
    or ``processor=``); the keyword arguments override single settings for this pipeline.
    """

    task = "pose-lifting"

    def __init__(
        self,
        model: Any,
        device: str | torch.device | None = None,
        batch_size: int = 8,
        flip: bool = True,
        window: int | None = None,
        stride: int | None = None,
        normalization: str | None = None,
        *,
        fill_missing: str | None = None,
        scale: float | None = None,
        image_size: Sequence[int] | None = None,
        tds: int | None = None,
        output_units: str | None = None,
        merge: str | None = None,
        pad_short: bool | None = None,
        processor: MotionProcessor | None = None,
        progress: bool = True,
        backend: str | None = None,
        quantize: str | None = None,
        **load_kwargs: Any,
    ) -> None:
        if quantize is not None:
            if quantize not in QUANTIZATIONS:
                raise ValueError(f"quantize must be one of {QUANTIZATIONS} or None, got {quantize!r}")
            if self.task != "pose-lifting":
                # the SMPL layers of a mesh model are matrix products too: int8 would quantize the body model itself
                raise ValueError(f"quantize={quantize!r} applies to pose-lifting models, not {self.task} (its SMPL "
                                 "layers need float32); leave quantize unset")
            if backend not in (None, "onnx"):
                raise ValueError(f"quantize={quantize!r} runs on onnxruntime (backend='onnx'), not backend="
                                 f"{backend!r}")
            backend = "onnx"
        backend = "torch" if backend is None else backend
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if normalization is not None and not _is_2d_rule(normalization):
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
        if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
            raise ValueError(f"window must be a positive integer (frames), got {window!r}")
        if processor is not None and not isinstance(processor, MotionProcessor):
            raise TypeError(f"processor must be a MotionProcessor, got {type(processor).__name__}")
        self.device = resolve_device(device) if device is not None else None
        self.model = load_model(model, self.task, device=self.device, **load_kwargs)
        if self.device is None:
            self.device = model_device(self.model)
        self.config = self.model.config
        base = processor if processor is not None else processor_for_model(self.model, self.task)
        self.processor = base.replace(
            normalization=normalization, fill_missing=fill_missing, crop_scale_ratio=scale, image_size=image_size,
            temporal_stride=tds, output_units=output_units, merge=merge, pad_short=pad_short,
        )
        proc = self.processor
        if not _is_2d_rule(proc.normalization):
            raise ValueError(
                f"{type(self.model).__name__} takes {proc.normalization!r} input (a 3D-input model); this pipeline "
                f"prepares 2D keypoints ({', '.join(NORMALIZATIONS)}): pass normalization= to override"
            )
        self.batch_size = batch_size
        self.flip = bool(flip)
        self.progress = progress
        self.fill_missing = proc.fill_missing
        self.scale = proc.crop_scale_ratio
        self.image_size = proc.image_size
        self.merge = proc.merge
        self.pad_short = proc.pad_short
        self.in_layout = proc.joint_layout
        self.out_layout = proc.out_layout
        self.dim_in = proc.num_channels
        self.maxlen = int(self.config.maxlen)
        self.fixed_length = bool(self.config.fixed_length)
        self.tds = proc.temporal_stride
        self.normalization = proc.normalization
        self.window = self._check_window(window if window is not None else proc.window_size)
        self.stride = self._check_stride(stride if stride is not None else proc.window_stride)
        self.output_units = proc.output_units
        self.backend = backend
        self.quantize = quantize
        self._onnx = None
        if backend == "onnx":
            if torch.device(self.device).type != "cpu":
                what = f"quantize={quantize!r}" if quantize else "backend='onnx'"
                raise ValueError(f"{what} runs on onnxruntime's CPU provider; use device='cpu', not {self.device}")
            from ..export.model import cached_onnx_model

            self._onnx = cached_onnx_model(self.model, threads=torch.get_num_threads(), quantize=quantize)

    def _check_window(self, window: int | None) -> int:
        if window is None:
            return self.maxlen
        if self.fixed_length and window != self.maxlen:
            raise ValueError(
                f"this {self.config.model_type} model takes exactly {self.maxlen} frames (config.maxlen); window "
                "cannot be changed"
            )
        if window > self.maxlen:
            raise ValueError(f"window ({window}) exceeds what the model supports (config.maxlen = {self.maxlen})")
        return window

    def _check_stride(self, stride: int | None) -> int:
        if stride is None:
            return max(1, self.window // 2)
        if isinstance(stride, bool) or not isinstance(stride, int) or not 1 <= stride <= self.window:
            raise ValueError(f"stride must be an integer in [1, window={self.window}], got {stride!r}")
        return stride

    # ------------------------------------------------------------------ preparation
    def prepare(
        self,
        data: Any,
        layout: str | None = None,
        image_size: Sequence[int] | None = None,
        normalization: str | None = None,
    ) -> tuple[list[PreparedKeypoints], Any]:
        """The processor's per-frame preparation of every person of ``data`` (see :meth:`__call__` for the inputs).

        Returns:
            ``(prepared, input)``: one :class:`~motionhub.processor.PreparedKeypoints` per person and the parsed
            :class:`~motionhub.processor.MotionInput`.
        """
        if normalization is not None and not _is_2d_rule(normalization):
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
        proc = self.processor if normalization is None else self.processor.replace(normalization=normalization)
        return proc.prepare_keypoints(data, layout, image_size)

    # ------------------------------------------------------------------ model calls
    def _forward(self, x: torch.Tensor) -> Any:
        if self._onnx is not None and x.shape[-3] >= 2:  # exported with a frame axis of 2 .. maxlen
            from types import SimpleNamespace

            return SimpleNamespace(**{k: torch.from_numpy(v) for k, v in self._onnx.run(x).items()})
        return self.model(keypoints=x, return_dict=True)

    def _flip_in(self, x: torch.Tensor) -> torch.Tensor:
        return flip_joints(x, self.in_layout)


class PoseLiftingPipeline(KeypointPipeline):
    """2D keypoints of a whole video -> root-relative 3D poses (any length, any supported layout, missing joints).

    Args:
        model: anything :func:`load_model` accepts (``None`` = the embedded default lifting model).
        device: ``"cpu"``, ``"cuda"``, ``"auto"`` (default: where the model is / CPU).
        batch_size: windows per forward pass.
        flip: flip test-time augmentation (module docstring).
        window: frames per window of sequence-to-sequence models (default ``config.maxlen``; fixed for STMO/MPM).
        stride: frames between window starts (default ``window // 2``: 50 % overlap, blended).
        normalization: ``"crop_scale"`` | ``"screen"`` | ``"pixel_center"`` | ``"none"`` (default:
            ``config.input_normalization``, ``"crop_scale"`` for DSTformer).
        fill_missing: ``"zero"`` (missing joints -> 0 with confidence 0, MotionBERT) or ``"interpolate"``.
        scale: ``crop_scale`` box enlargement ratio (MotionBERT in the wild: 1.0).
        image_size: default ``(width, height)`` for arrays / files without one (``"screen"``/``"pixel_center"``).
        tds: temporal step of many-to-one windows (default ``config.tds``).
        output_units: units of the model's 3D output (default ``config.output_units``; else ``"m"`` for STMO/MPM and
            the embedded default, ``"normalized"`` for other DSTformers). Only set it when the config does not say.
        merge: weights of overlapping windows, ``"triangular"`` (window centres dominate) or ``"uniform"``.
        pad_short: sequences shorter than the window are edge-padded to the full window (as
            :func:`motionhub.processing.sliding_windows` ``short="pad"``) instead of lifted as one shorter window.
        progress: show tqdm progress bars on multi-batch work.
        backend: ``"torch"`` (default) or ``"onnx"``: the model's ONNX export on onnxruntime (CPU; exported and
            checked once per weights, then cached; ~8 % faster than eager for the full MotionBERT, slower for Lite, see
            ``benchmarks/results``).
        quantize: ``"int8"``: dynamic int8 matrix products on onnxruntime (:data:`QUANTIZATIONS`; implies
            ``backend="onnx"``, CPU only): faster, at the accuracy cost stated on the model card and in
            ``benchmarks/results``.
        **load_kwargs: passed to :func:`load_model`.

    Example::

        >>> lifter = PoseLiftingPipeline(None)                    # embedded default model
        >>> res = lifter(load_motion("video_alphapose.json"))    # Halpe-26 pixels -> H36M-17 3D
        >>> res.pose_3d.shape, res.units                         # (T, 17, 3), "normalized"
        >>> res.save("pose3d.npz")
    """

    task = "pose-lifting"

    def __call__(
        self,
        data: Any,
        layout: str | None = None,
        *,
        image_size: Sequence[int] | None = None,
        normalization: str | None = None,
    ) -> LiftResult:
        """Lift one sequence.

        Args:
            data: a :class:`~motionhub.formats.MotionSequence` with ``keypoints_2d`` (pixels unless
                ``meta["normalized"]``), or an array / tensor ``(T, J, 2|3)`` (or multi-person ``(M, T, J, 2|3)``) of
                pixels ``x, y[, confidence]``; NaN marks missing joints.
            layout: joint layout of ``data`` (default: the sequence's, or the model's layout for arrays).
            image_size: ``(width, height)`` (overrides the file's).
            normalization: override the pipeline's normalisation for this call.

        Returns:
            :class:`LiftResult` (arrays get a leading person axis ``M`` for multi-person input).
        """
        prepared, inp = self.prepare(data, layout, image_size, normalization)
        poses = [self._lift_person(p) for p in prepared]
        units = self.output_units
        pixels = [self.processor.pose_to_pixels(pose, p) for p, pose in zip(prepared, poses)]
        # one person: the arrays themselves (no stacked copies; a long video holds each array once)
        persons = (lambda arrays: np.stack(arrays)) if inp.multi_person else (lambda arrays: arrays[0])
        f32 = lambda a: None if a is None else a.astype(np.float32, copy=False)
        pose_3d = persons(poses)
        pose_px = None if any(p is None for p in pixels) else persons(pixels)
        kp_px = None if any(p.pixels is None for p in prepared) else persons([p.pixels for p in prepared])
        kp_norm = persons([p.normalized for p in prepared])
        missing = persons([p.missing for p in prepared])
        meta = {
            "model": self.config.name_or_path or type(self.model).__name__,
            "model_type": self.config.model_type,
            "input_layout": inp.layout,
            "model_input_layout": self.in_layout,
            "normalization": prepared[0].normalization,
            "pixels_per_unit": [p.pixels_per_unit for p in prepared],
            "crop_transform": [p.transform for p in prepared],
            "image_size": inp.image_size,
            "window": self.window,
            "stride": None if self.fixed_length else self.stride,
            "merge": None if self.fixed_length else self.merge,
            "many_to_one": self.fixed_length,
            "flip": self.flip,
            "backend": self.backend,
            "quantize": self.quantize,
            **inp.meta,
        }
        return LiftResult(
            pose_3d=f32(pose_3d),
            pose_3d_pixels=f32(pose_px),
            keypoints_2d=f32(kp_norm),
            keypoints_2d_pixels=f32(kp_px),
            missing=missing,
            layout=self.out_layout,
            units=units,
            fps=inp.fps,
            meta=meta,
        )

    # ------------------------------------------------------------------ inference
    def _predict(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, L, J, C)`` -> ``(B, L', J_out, 3)`` (flip-averaged when enabled)."""
        forward = lambda k: self._forward(k).pose_3d
        if self.flip:
            return flip_augmented(forward, x, self.in_layout, output_layout=self.out_layout)
        return forward(x)

    def runner(self, desc: str = "lifting") -> WindowRunner:
        """The :class:`~motionhub.runner.WindowRunner` of this pipeline (its model call, batch size, device)."""
        return WindowRunner(self._predict, batch_size=self.batch_size, device=self.device, progress=self.progress,
                            desc=desc)

    @torch.no_grad()
    def _lift_person(self, prep: PreparedKeypoints) -> np.ndarray:
        x = prep.model_input
        if self.fixed_length:
            pose = self.runner().many_to_one(x, self.maxlen, self.tds)
        else:
            pose = self.runner().seq2seq(x, self.window, self.stride, merge=self.merge, pad_short=self.pad_short)
        pose -= pose[:, :1]  # root-relative (joint 0 = pelvis); the merged array is ours: in place
        return pose


@dataclass
class LiftResult:
    """Output of :class:`PoseLiftingPipeline` (single person: no ``M`` axis; multi-person input: leading ``M``).

    Attributes:
        pose_3d: ``(T, J, 3)`` float32 root-relative 3D (joint 0 = pelvis = 0) in :attr:`units`, layout
            :attr:`layout` (H36M-17: x right, y down, z away from the camera).
        pose_3d_pixels: ``(T, J, 3)`` same pose in pixels (x, y image coordinates, z depth relative to the pelvis)
            when the model predicts in normalised units and the input was in pixels, else ``None``.
        keypoints_2d: ``(T, J, 3)`` the normalised 2D input the model saw (x, y, confidence) in the model's input
            layout.
        keypoints_2d_pixels: ``(T, J, 3)`` the 2D input in pixels in that layout (missing joints NaN), or ``None``.
        missing: ``(T, J)`` bool, missing input joints.
        layout: joint layout of ``pose_3d`` (``"h36m-17"``).
        units: units of ``pose_3d``: ``"normalized"`` or a metric unit (``"m"``/``"mm"``), see the module docstring.
        fps: frame rate of the input (``None`` if unknown).
        meta: model, normalisation rule, ``pixels_per_unit``, crop box, window, stride, flip, the file's ``camera``, ...
        world: the motion in the world (:class:`~motionhub.world.WorldMotion`; a list, one per person, for
            multi-person input) once :meth:`add_world` ran, else ``None``.
        pose_3d_unrefined: the lifted poses before :meth:`refine_stride` (``None`` when not refined).
    """

    pose_3d: np.ndarray
    pose_3d_pixels: np.ndarray | None
    keypoints_2d: np.ndarray
    keypoints_2d_pixels: np.ndarray | None
    missing: np.ndarray
    layout: str
    units: str
    fps: float | None = None
    meta: dict = field(default_factory=dict)
    world: Any = None
    pose_3d_unrefined: np.ndarray | None = None

    @property
    def num_frames(self) -> int:
        return self.pose_3d.shape[-3]

    @property
    def num_persons(self) -> int:
        return 1 if self.pose_3d.ndim == 3 else self.pose_3d.shape[0]

    def add_world(
        self,
        *,
        focal: float | None = None,
        fov: float | None = None,
        up: str | np.ndarray = "body",
        smooth_seconds: float | None = None,
        remove_skate: bool = True,
    ) -> LiftResult:
        """Place every person in the world: root trajectory in camera space (metres), a gravity-aligned world frame
        with the floor, foot contacts, foot-skate removal (:mod:`motionhub.world`); sets :attr:`world`.

        The intrinsics come from ``focal`` (pixels) or ``fov`` (horizontal degrees), else the file's camera
        (``meta["camera"]``), else an assumed 53-degree diagonal field of view (:func:`motionhub.world.resolve_intrinsics`;
        ``world.meta["intrinsics"]["source"]`` says which). Several people share one world frame (the floor of the
        person seen standing the most).

        Raises:
            ValueError: the poses are not metric (a model with normalised output has no size: depth needs one), not
                H36M-17, no frame rate, or no 2D pixels to place the root with.
        """
        from ..world import (
            DEFAULT_SMOOTH_SECONDS,
            resolve_intrinsics,
            solve_root,
            to_world,
        )

        if self.units not in ("m", "mm"):
            raise ValueError(
                f"world motion needs metric poses; this model outputs {self.units!r} units (no body size, so no "
                "depth): use a metric lifting model such as the embedded default"
            )
        if self.layout != "h36m-17":
            raise ValueError(f"world motion needs H36M-17 poses, the model outputs {self.layout!r}")
        if self.fps is None:
            raise ValueError("world motion needs the frame rate (contacts are speeds): the input does not store it; "
                             "pass --fps / set result.fps")  # fmt: skip
        if self.keypoints_2d_pixels is None or self.meta.get("model_input_layout", self.layout) != self.layout:
            raise ValueError("world motion needs the 2D input in pixels in the pose's layout (normalised input "
                             "has no camera)")  # fmt: skip
        camera = self.meta.get("camera")  # a dict of intrinsics; other readers store a camera id there
        camera = camera if isinstance(camera, dict) else None
        intr = resolve_intrinsics(self.meta.get("image_size"), camera, focal=focal, fov=fov)
        scale = 0.001 if self.units == "mm" else 1.0
        pose = np.asarray(self.pose_3d, np.float64) * scale
        kp = np.asarray(self.keypoints_2d_pixels, np.float64)
        pose, kp = (pose, kp) if pose.ndim == 4 else (pose[None], kp[None])
        smooth = DEFAULT_SMOOTH_SECONDS if smooth_seconds is None else smooth_seconds
        roots = []
        for i in range(len(pose)):
            root = solve_root(pose[i], kp[i], intr, fps=self.fps, smooth_seconds=smooth)
            if not np.isfinite(root).all():
                raise ValueError(f"person {i}: no frame has two visible joints, the root cannot be placed")
            roots.append(root)
        meta = {"intrinsics": intr.to_dict(), "smooth_seconds": smooth, "units": "m"}
        worlds = [to_world(pose[i], roots[i], self.fps, up=up, remove_skate=remove_skate, meta=meta)
                  for i in range(len(pose))]  # fmt: skip
        if len(worlds) > 1:  # one world for everybody: the frame of the person with the most floor evidence
            ref = max(worlds, key=lambda w: w.meta["floor_points"])
            frame = (ref.world_from_camera, ref.origin_camera)
            worlds = [to_world(pose[i], roots[i], self.fps, frame=frame, remove_skate=remove_skate, meta=meta)
                      for i in range(len(pose))]  # fmt: skip
        self.world = worlds if self.pose_3d.ndim == 4 else worlds[0]
        return self

    def refine_stride(
        self,
        prior: Any = None,
        *,
        epochs: int = 30,
        lambdas: dict[str, float] | None = None,
        self_occlusion: bool = True,
        seed: int = 0,
        progress: bool = False,
    ) -> LiftResult:
        """STRIDE test-time training on this video (:func:`motionhub.pipelines.stride.test_time_train`): a copy of
        the 3D motion prior is trained on the lifted poses of each person (joints without a detection left out, the
        prior fills them), then predicts every frame; ``pose_3d`` is replaced (root-relative, same units) and the
        lifted poses are kept in :attr:`pose_3d_unrefined`; ``meta["refine"]`` records the run and its time. Call it
        before :meth:`add_world`.

        Args:
            prior: the motion prior (a model, a folder / Hub id / official STRIDE checkpoint; default: motionhub's
                ``stride-prior``).
            epochs: passes over the video (STRIDE: 30).
            lambdas: loss weights (keys of :data:`motionhub.pipelines.stride.STRIDE_LAMBDAS`; default STRIDE's).
            self_occlusion: hide fresh STRIDE occlusions of the prior's input in every epoch (``test_time_train(...,
                occlusion=)``, at the video's frame rate, 25 fps when unknown); ``False`` = STRIDE's TTT. Measured in
                ``benchmarks/results/occlusion_h36m.md``.
            seed: seed of the flip augmentation and the self-made occlusions.

        Raises:
            ValueError: the poses are not metric (the priors work in metres) or not H36M-17.
        """
        import time

        from .stride import STRIDE_LAMBDAS, load_stride_prior, self_occlusion as occlusions, test_time_train

        if self.units not in ("m", "mm") or self.layout != "h36m-17":
            raise ValueError(f"STRIDE refines metric H36M-17 poses (its priors work in metres); this model outputs "
                             f"{self.units!r} units in {self.layout!r}")  # fmt: skip
        lam = dict(STRIDE_LAMBDAS)
        for key, value in (lambdas or {}).items():
            if key not in lam:
                raise ValueError(f"unknown STRIDE loss weight {key!r}; known: {sorted(lam)}")
            lam[key] = float(value)
        model = load_stride_prior(prior)
        occlusion = occlusions(self.fps) if self_occlusion else None
        scale = 0.001 if self.units == "mm" else 1.0
        pose = np.asarray(self.pose_3d, np.float64) * scale
        missing = np.asarray(self.missing, bool)
        pose, missing = (pose, missing) if pose.ndim == 4 else (pose[None], missing[None])
        start = time.perf_counter()
        refined, steps = [], 0
        for m in range(len(pose)):
            res = test_time_train(model, pose[m], ~missing[m], epochs=epochs, seed=seed, progress=progress,
                                  return_model=False, occlusion=occlusion, **lam)  # fmt: skip
            refined.append(res.poses / scale)
            steps += res.steps
        seconds = time.perf_counter() - start
        self.pose_3d_unrefined = self.pose_3d
        out = np.stack(refined) if self.pose_3d.ndim == 4 else refined[0]
        self.pose_3d = out.astype(np.float32)
        self.pose_3d_pixels = None  # no longer the refined pose
        self.meta["refine"] = {"method": "stride", "prior": model.config.name_or_path or "default",
                               "epochs": epochs, "steps": steps, "lambdas": lam, "self_occlusion": self_occlusion,
                               "seconds": round(seconds, 2),
                               "seconds_per_1000_frames": round(1000.0 * seconds / max(self.num_frames, 1), 2)}  # fmt: skip
        return self

    @property
    def worlds(self) -> list:
        """:attr:`world` as a list (one :class:`~motionhub.world.WorldMotion` per person; empty before
        :meth:`add_world`)."""
        if self.world is None:
            return []
        return list(self.world) if isinstance(self.world, (list, tuple)) else [self.world]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (lists; NaN -> ``None``)."""
        out = {
            "layout": self.layout,
            "joint_names": list(get_layout(self.layout).joint_names),
            "units": self.units,
            "units_description": UNITS_DOC.get(self.units, self.units),
            "fps": self.fps,
            "num_frames": self.num_frames,
            "pose_3d": nan_to_none(self.pose_3d),
        }
        if self.pose_3d_pixels is not None:
            out["pose_3d_pixels"] = nan_to_none(self.pose_3d_pixels)
            out["pose_3d_pixels_units"] = UNITS_DOC["px"]
        if self.keypoints_2d_pixels is not None:
            out["keypoints_2d_pixels"] = nan_to_none(self.keypoints_2d_pixels)
        out["keypoints_2d_normalized"] = nan_to_none(self.keypoints_2d)
        worlds = self.worlds
        if worlds:
            one = len(worlds) == 1 and self.pose_3d.ndim == 3
            pick = (lambda arrays: arrays[0]) if one else (lambda arrays: arrays)
            out["world"] = {
                "description": WORLD_DOC,
                "root_camera": pick([nan_to_none(w.root_camera) for w in worlds]),
                "root_world": pick([nan_to_none(w.root_world) for w in worlds]),
                "pose_world": pick([nan_to_none(w.pose_world) for w in worlds]),
                "foot_contacts": pick([w.contacts.tolist() for w in worlds]),
                "world_from_camera": nan_to_none(worlds[0].world_from_camera),
                "world_origin_camera": nan_to_none(worlds[0].origin_camera),
                "meta": pick([json_safe(w.meta) for w in worlds]),
            }
        out["meta"] = json_safe(self.meta)
        return out

    def save(self, path: str | os.PathLike) -> Path:
        """Write ``.npz`` or ``.json`` (chosen by the extension).

        The ``.npz`` is also a motionhub generic npz (:func:`motionhub.formats.load_generic` reads it back:
        ``keypoints_3d`` = ``pose_3d`` with ``units_3d``, ``keypoints_2d`` = the pixel 2D input when known). Keys:
        ``pose_3d``, ``pose_3d_pixels`` (if any), ``keypoints_3d``, ``keypoints_2d``, ``keypoints_2d_normalized``,
        ``missing``, ``layout``, ``units`` (+ ``units_description``), ``units_3d``, ``fps``, ``joint_names``,
        ``meta_json``.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        from ..io_utils import atomic_path, write_text

        if suffix == ".json":
            write_text(path, json.dumps(self.to_dict(), allow_nan=False))  # NaN is no JSON (to_dict: None)
            return path
        if suffix != ".npz":
            raise ValueError(f"output must end in .npz or .json, got {path.name!r}")
        arrays: dict[str, np.ndarray] = {
            "pose_3d": self.pose_3d,
            "keypoints_3d": self.pose_3d,
            "units": np.array(self.units),
            "units_3d": np.array(self.units if self.units in ("mm", "m", "px") else "normalized"),
            "units_description": np.array(UNITS_DOC.get(self.units, self.units)),
            "layout": np.array(self.layout),
            "joint_names": np.array(get_layout(self.layout).joint_names),
            "fps": np.array(0.0 if self.fps is None else float(self.fps)),
            "keypoints_2d_normalized": self.keypoints_2d,
            "missing": self.missing,
            "meta_json": np.array(json.dumps(json_safe(self.meta), allow_nan=False)),
        }
        if self.pose_3d_pixels is not None:
            arrays["pose_3d_pixels"] = self.pose_3d_pixels
        if self.pose_3d_unrefined is not None:
            arrays["pose_3d_unrefined"] = self.pose_3d_unrefined
        worlds = self.worlds
        if worlds:
            per = [w.arrays() for w in worlds]
            for key in per[0]:
                arrays[key] = per[0][key] if self.pose_3d.ndim == 3 or key.startswith("world_") else np.stack(
                    [p[key] for p in per])
            arrays["world_description"] = np.array(WORLD_DOC)
            arrays["world_meta_json"] = np.array(json.dumps(json_safe([w.meta for w in worlds]), allow_nan=False))
        if self.keypoints_2d_pixels is not None and self.meta.get("model_input_layout", self.layout) == self.layout:
            arrays["keypoints_2d"] = self.keypoints_2d_pixels
            if self.meta.get("image_size") is not None:
                arrays["image_size"] = np.asarray(self.meta["image_size"], dtype=np.int64)
        with atomic_path(path) as tmp:
            np.savez_compressed(tmp, **arrays)
        return path
