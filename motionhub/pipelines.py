# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""High-level inference over whole videos: 2D keypoints in, 3D poses / action labels / embeddings / SMPL meshes out.

The pipelines glue the layers together (file -> :mod:`motionhub.formats` -> numpy -> :mod:`motionhub.processing` ->
tensors -> model -> numpy) for inputs of **any length**, any supported joint layout and with missing joints:

=================================== ================================================================================
pipeline                            what it does
=================================== ================================================================================
:class:`PoseLiftingPipeline`        ``(T, J, 2|3)`` 2D keypoints -> :class:`LiftResult` ``pose_3d (T, 17, 3)``
:class:`ActionPipeline`             ``(T, J, C)`` / ``(M, T, J, C)`` clip(s) -> :class:`ActionResult` logits / top-k
                                    labels (classification models) or unit-norm embeddings (one-shot models)
:class:`MeshPipeline`               ``(T, J, 2|3)`` -> :class:`MeshResult` SMPL theta, vertices and joints (mm)
:func:`load_model`                  a model directory, Hub repo id, official checkpoint file or ``None`` (the
                                    embedded default lifting model) -> the task model
=================================== ================================================================================

**Pipeline = processor + model + runner.** The input preparation (layout conversion, confidence and missing joints,
normalisation and its inverse, action clips) and the window defaults are the model's
:class:`~motionhub.processor.MotionProcessor`, saved beside it as ``preprocessor_config.json`` (models saved without
one get the processor derived from their config, :func:`motionhub.processor.processor_for_model`). Pipeline arguments
(``normalization=``, ``window=``, ``clip_len=``, ...) override single settings.

**Long videos.** Sequence-to-sequence models (DSTformer: ``T <= config.maxlen`` frames in, ``T`` poses out) run on
overlapping windows (:func:`motionhub.processing.sliding_windows`, default ``window = config.maxlen``,
``stride = window // 2``) in batches; overlapping predictions are blended with triangular weights
(:func:`motionhub.processing.merge_windows`). Many-to-one models (STMO/MPM: exactly ``config.maxlen`` frames in, the
centre frame's pose out) get one window per output frame (:func:`motionhub.encoders.stmo.stmo_windows`, frames every
``config.tds``, edges padded by repeating the first/last frame), batched. Shorter sequences than the window work
(one window of ``T`` frames for DSTformer; edge padding for fixed-length models).

**Flip averaging** (``flip=True``, MotionBERT / P-STMO test-time augmentation): the prediction for the mirrored input
(:func:`motionhub.skeleton.flip`) is mirrored back and averaged with the direct one.

**Units of the output.** ``LiftResult.pose_3d`` is root-relative (joint 0 = pelvis at the origin) in
``LiftResult.units``: ``"normalized"`` for DSTformer models (the units of the normalised input: multiply by the
pixels-per-unit factor above to get pixels) or the model's metric unit (``config.output_units``; P-STMO/MPM
official checkpoints predict metres). For normalised models ``pose_3d_pixels`` is the same pose in pixels: x, y in
the input image (the pose is placed so that its x, y match the visible 2D joints in the least-squares sense) and z the
depth relative to the pelvis, in pixels.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .formats.base import MotionSequence
from .processor import (
    CLIP_NORMALIZATIONS,
    KINECT_3D,
    NORMALIZATIONS_2D,
    MotionProcessor,
    PreparedKeypoints,
    convert_layout,
    processor_for_model,
)
from .modeling_utils import flip_augmented
from .runner import WindowRunner
from .skeleton import flip as flip_joints
from .skeleton import get_layout

__all__ = [
    "ACTION_NORMALIZATIONS",
    "KINECT_3D",
    "LIFTING_PROTOCOLS",
    "NORMALIZATIONS",
    "ActionPipeline",
    "ActionResult",
    "LiftResult",
    "MeshPipeline",
    "MeshResult",
    "PoseLiftingPipeline",
    "PreparedKeypoints",
    "evaluate_action",
    "evaluate_lifting",
    "evaluate_oneshot",
    "load_model",
    "model_task",
    "resolve_device",
]

NORMALIZATIONS = NORMALIZATIONS_2D
"""Accepted ``normalization=`` values of the lifting and mesh pipelines (see :mod:`motionhub.processor`)."""

ACTION_NORMALIZATIONS = CLIP_NORMALIZATIONS
"""Clip preparations of :class:`ActionPipeline` (``normalization=``)."""

_UNIT_MM = {"mm": 1.0, "m": 1000.0}

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_CHECKPOINT_SUFFIXES = (".bin", ".pth", ".pt", ".gz", ".ckpt", ".tar")


# ---------------------------------------------------------------------------------------------------- model loading
def resolve_device(device: str | torch.device | None = None) -> torch.device:
    """``None``/``"auto"`` -> CUDA when available, else CPU; anything else is passed to :class:`torch.device`."""
    if device is None or (isinstance(device, str) and device == "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"invalid device {device!r} ({err}); use 'cpu', 'cuda', 'cuda:1', 'mps' or 'auto'") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available; use --device cpu")
    return dev


def model_task(model_or_name: Any) -> str:
    """Task of a model instance, class or class name: ``"pose-lifting"``, ``"action-classification"``,
    ``"action-embedding"``, ``"mesh-recovery"``, ``"multi-task"``, ``"pose-completion"``, ``"masked-pose-modeling"``
    or ``"encoder"`` (a bare ``<Family>Model``): the task the class (or its nearest motionhub base class) was
    registered for in :data:`motionhub.auto.TASKS`; classes motionhub does not know count as encoders."""
    from .auto import task_of_architecture, task_of_model

    task = task_of_architecture(model_or_name) if isinstance(model_or_name, str) else task_of_model(model_or_name)
    return task or "encoder"


def _check_task(found: str, task: str | None, what: str) -> None:
    from .auto import TASKS

    if task is None or found in (TASKS[task].served_by if task in TASKS else (task,)):
        return
    hint = {
        "encoder": "it is a bare encoder (no task head): finetune a head first (see examples/) or pick a model "
        "trained for this task",
    }.get(found, f"it was trained for {found}")
    raise ValueError(f"{what} is not a model for {task}: {hint}")


def load_model(
    model: str | os.PathLike | nn.Module | None,
    task: str | None = None,
    *,
    device: str | torch.device | None = None,
    **from_pretrained_kwargs: Any,
) -> nn.Module:
    """Load a motionhub task model from whatever the user has.

    Args:
        model: one of

            * ``None``: the embedded default lifting model shipped inside the package (``task="pose-lifting"``
              only; :func:`motionhub.pretrained.load_default_lifting_model`, no download);
            * a ``save_pretrained`` directory (``config.json`` + ``model.safetensors``);
            * a Hugging Face Hub repository id ``"org/name"`` (downloaded into the Hub cache);
            * an official checkpoint file (``.bin``/``.pth``, MotionBERT, STRIDE, P-STMO, MPM), converted on the fly
              with :func:`motionhub.conversion.convert_checkpoint`;
            * an ``nn.Module``, returned as is (after the task check).
        task: expected task (``"pose-lifting"``, ``"action-classification"``, ``"action-embedding"``,
            ``"mesh-recovery"``); ``None`` accepts any. Multi-task models are accepted for lifting, classification and
            mesh recovery.
        device: where to put the model (``None`` = leave it where it is / CPU).
        **from_pretrained_kwargs: passed to ``from_pretrained`` (e.g. ``smpl_model_path=``).

    Returns:
        The model in eval mode.

    Raises:
        FileNotFoundError: ``model`` is neither an existing path nor a Hub repo id.
        ValueError: the checkpoint cannot be read, or is a model for another task (the message says which).
    """
    if isinstance(model, nn.Module):
        _check_task(model_task(model), task, type(model).__name__)
        loaded = model
    elif model is None:
        if task not in (None, "pose-lifting"):
            raise ValueError(
                f"{task} needs a model: pass --model / model= (a model folder, a Hub repo id or an official checkpoint)"
            )
        try:
            from .pretrained import load_default_lifting_model
        except ImportError:
            raise ValueError(
                "this motionhub installation has no embedded default lifting model (motionhub/pretrained/ is "
                "missing); pass a model with --model / model= (a folder, a Hub repo id or an official MotionBERT / "
                "P-STMO / MPM checkpoint)"
            ) from None
        loaded = load_default_lifting_model()
        if getattr(loaded.config, "output_units", None) is None:  # the shipped model's contract (metres)
            from .pretrained import DEFAULT_OUTPUT_UNITS

            loaded.config.output_units = DEFAULT_OUTPUT_UNITS
    else:
        loaded = _load_from_spec(model, task, from_pretrained_kwargs)
    loaded.eval()
    if device is not None:
        loaded.to(resolve_device(device))
    return loaded


def _load_from_spec(spec: str | os.PathLike, task: str | None, kwargs: dict[str, Any]) -> nn.Module:
    from transformers import AutoConfig

    from .auto import TASK_AUTO_CLASSES

    path = Path(spec).expanduser()
    if path.is_file():
        if path.name == "config.json":
            return _load_from_spec(path.parent, task, kwargs)
        if path.suffix == ".safetensors":
            return _load_from_spec(path.parent, task, kwargs)
        from .conversion import convert_checkpoint

        try:
            converted = convert_checkpoint(path)
        except ValueError as err:
            raise ValueError(f"{path} is not a usable official checkpoint: {err}") from None
        except (KeyError, RuntimeError, OSError) as err:
            raise ValueError(
                f"{path} could not be read as an official checkpoint ({type(err).__name__}: {err}); pass a "
                "MotionBERT / STRIDE / P-STMO / MPM .bin/.pth file, a save_pretrained folder or a Hub repo id"
            ) from None
        _check_task(model_task(converted), task, f"{path} ({type(converted).__name__})")
        return converted
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ValueError(
                f"{path} is a folder without config.json: not a save_pretrained model folder. Convert an official "
                "checkpoint first (motionhub convert CKPT OUT_DIR) or point to the folder holding config.json"
            )
        source = str(path)
    elif isinstance(spec, str) and _REPO_ID.match(spec) and not str(spec).endswith(_CHECKPOINT_SUFFIXES):
        source = spec
    else:
        raise FileNotFoundError(
            f"model {str(spec)!r}: no such file or folder, and not a Hugging Face Hub repo id (org/name)"
        )
    try:
        config = AutoConfig.from_pretrained(source)
    except (OSError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"cannot load a model config from {source!r}: {first}") from None
    archs = list(getattr(config, "architectures", None) or [])
    found = model_task(archs[0]) if archs else "encoder"
    what = f"{source} ({archs[0] if archs else type(config).__name__})"
    _check_task(found, task, what)
    if found == "encoder":
        from transformers import AutoModel

        auto_cls = AutoModel
    else:
        if found not in TASK_AUTO_CLASSES:
            raise ValueError(f"{what}: no Auto class for task {found!r}")
        auto_cls = TASK_AUTO_CLASSES[found]
    if found not in ("mesh-recovery", "multi-task") or kwargs.get("smpl_model_path") is None:
        kwargs = {k: v for k, v in kwargs.items() if k != "smpl_model_path"}
    try:
        return auto_cls.from_pretrained(source, **kwargs)
    except OSError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"cannot load the model weights from {source!r}: {first}") from None


def _model_device(model: nn.Module) -> torch.device:
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")


class _KeypointPipeline:
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
        **load_kwargs: Any,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if normalization is not None and normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
        if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
            raise ValueError(f"window must be a positive integer (frames), got {window!r}")
        if processor is not None and not isinstance(processor, MotionProcessor):
            raise TypeError(f"processor must be a MotionProcessor, got {type(processor).__name__}")
        self.device = resolve_device(device) if device is not None else None
        self.model = load_model(model, self.task, device=self.device, **load_kwargs)
        if self.device is None:
            self.device = _model_device(self.model)
        self.config = self.model.config
        base = processor if processor is not None else processor_for_model(self.model, self.task)
        self.processor = base.replace(
            normalization=normalization, fill_missing=fill_missing, crop_scale_ratio=scale, image_size=image_size,
            temporal_stride=tds, output_units=output_units, merge=merge, pad_short=pad_short,
        )
        proc = self.processor
        if proc.normalization not in NORMALIZATIONS:
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
        self.maxlen = int(getattr(self.config, "maxlen", 243))
        self.fixed_length = bool(getattr(self.config, "fixed_length", False))
        self.tds = proc.temporal_stride
        self.normalization = proc.normalization
        self.window = self._check_window(window if window is not None else proc.window_size)
        self.stride = self._check_stride(stride if stride is not None else proc.window_stride)
        self.output_units = proc.output_units

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
        if normalization is not None and normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
        proc = self.processor if normalization is None else self.processor.replace(normalization=normalization)
        return proc.prepare_keypoints(data, layout, image_size)

    # ------------------------------------------------------------------ model calls
    def _forward(self, x: torch.Tensor) -> Any:
        return self.model(keypoints=x, return_dict=True)

    def _flip_in(self, x: torch.Tensor) -> torch.Tensor:
        return flip_joints(x, self.in_layout)


class PoseLiftingPipeline(_KeypointPipeline):
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
        pose_3d = np.stack(poses)
        pose_px = None if any(p is None for p in pixels) else np.stack(pixels)
        kp_px = None if any(p.pixels is None for p in prepared) else np.stack([p.pixels for p in prepared])
        kp_norm = np.stack([p.normalized for p in prepared]).astype(np.float32)
        missing = np.stack([p.missing for p in prepared])
        squeeze = (lambda a: a) if inp.multi_person else (lambda a: None if a is None else a[0])
        meta = {
            "model": getattr(self.config, "_name_or_path", "") or type(self.model).__name__,
            "model_type": getattr(self.config, "model_type", ""),
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
            **inp.meta,
        }
        return LiftResult(
            pose_3d=squeeze(pose_3d).astype(np.float32),
            pose_3d_pixels=None if pose_px is None else squeeze(pose_px).astype(np.float32),
            keypoints_2d=squeeze(kp_norm),
            keypoints_2d_pixels=None if kp_px is None else squeeze(kp_px).astype(np.float32),
            missing=squeeze(missing),
            layout=self.out_layout,
            units=units,
            fps=inp.fps,
            meta=meta,
        )

    # ------------------------------------------------------------------ inference
    def _predict(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, L, J, C)`` -> ``(B, L', J_out, 3)`` (flip-averaged when enabled)."""
        forward = lambda k: self._forward(k).pose_3d  # noqa: E731
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
        return pose - pose[:, :1]  # root-relative (joint 0 = pelvis)


# ----------------------------------------------------------------------------------------------------------- results
def _json_safe(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _nan_to_none(a: np.ndarray) -> Any:
    arr = np.asarray(a, dtype=np.float64)
    if not np.isnan(arr).any():
        return np.round(arr, 6).tolist()
    obj = np.round(arr, 6).astype(object)
    obj[np.isnan(arr)] = None
    return obj.tolist()


UNITS_DOC = {
    "normalized": "root-relative, normalised units of the 2D input (see 'normalization' and 'pixels_per_unit': "
    "pixels = value * pixels_per_unit)",
    "m": "root-relative metres (camera frame: x right, y down, z forward)",
    "mm": "root-relative millimetres (camera frame: x right, y down, z forward)",
    "px": "x, y image pixels; z depth relative to the pelvis in pixels",
}


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
        meta: model, normalisation rule, ``pixels_per_unit``, crop box, window, stride, flip, ...
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

    @property
    def num_frames(self) -> int:
        return self.pose_3d.shape[-3]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (lists; NaN -> ``None``)."""
        out = {
            "layout": self.layout,
            "joint_names": list(get_layout(self.layout).joint_names),
            "units": self.units,
            "units_description": UNITS_DOC.get(self.units, self.units),
            "fps": self.fps,
            "num_frames": self.num_frames,
            "pose_3d": _nan_to_none(self.pose_3d),
        }
        if self.pose_3d_pixels is not None:
            out["pose_3d_pixels"] = _nan_to_none(self.pose_3d_pixels)
            out["pose_3d_pixels_units"] = UNITS_DOC["px"]
        if self.keypoints_2d_pixels is not None:
            out["keypoints_2d_pixels"] = _nan_to_none(self.keypoints_2d_pixels)
        out["keypoints_2d_normalized"] = _nan_to_none(self.keypoints_2d)
        out["meta"] = _json_safe(self.meta)
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
        if suffix == ".json":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.to_dict()))
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
            "meta_json": np.array(json.dumps(_json_safe(self.meta))),
        }
        if self.pose_3d_pixels is not None:
            arrays["pose_3d_pixels"] = self.pose_3d_pixels
        if self.keypoints_2d_pixels is not None and self.meta.get("model_input_layout", self.layout) == self.layout:
            arrays["keypoints_2d"] = self.keypoints_2d_pixels
            if self.meta.get("image_size") is not None:
                arrays["image_size"] = np.asarray(self.meta["image_size"], dtype=np.int64)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **arrays)
        return path


# ---------------------------------------------------------------------------------------------------------- actions
@dataclass
class ActionResult:
    """Output of :class:`ActionPipeline` for ``N`` clips.

    Attributes:
        logits: ``(N, K)`` class scores (classification models) or ``None``.
        probabilities: ``(N, K)`` softmax of the logits or ``None``.
        embeddings: ``(N, E)`` unit-norm embeddings (embedding models) or ``None``.
        id2label: class index -> name (from ``config.id2label``).
        meta: clip length, persons, flip, model.
    """

    logits: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    embeddings: np.ndarray | None = None
    id2label: dict[int, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def top_k(self, k: int = 5) -> list[list[tuple[int, str, float]]]:
        """Per clip, the ``k`` best ``(class index, label, probability)``, best first."""
        if self.probabilities is None:
            raise ValueError("top_k needs a classification model (this result holds embeddings)")
        k = max(1, min(int(k), self.probabilities.shape[1]))
        out = []
        for probs in self.probabilities:
            order = np.argsort(-probs)[:k]
            out.append([(int(i), self.id2label.get(int(i), str(int(i))), float(probs[i])) for i in order])
        return out


class ActionPipeline:
    """Skeleton action classification / embedding of whole clips.

    Long and short clips alike are resampled (evenly spaced frames) to ``clip_len`` frames and classified at once,
    as MotionBERT does. Two clip preparations (``normalization=``):

    * ``"crop_scale"`` (MotionBERT's NTU models and ``examples/finetune_action.py``): as
      :class:`motionhub.tasks.action.ActionClipDataset` in evaluation mode: missing joints -> 0 with confidence 0,
      ``make_cam`` (when the image size is known), two-person tracking, layout -> H36M-17, resampling, persons
      padded (all-zero) / cut to ``num_persons`` (default 2), ``crop_scale((2, 2))``, first ``config.dim_in``
      channels;
    * ``"screen"`` (motionhub's own small action models, ``examples/train/``): per person layout -> H36M-17,
      ``normalize_screen`` with the image size (needed), missing joints 0 / confidence 0, resampling, persons
      padded / cut to ``num_persons`` (default 1).
    * :data:`KINECT_3D` (3D-input models, e.g. motionhub's MSR Action3D classifier): ``keypoints_3d`` -> H36M-17
      metres, first-frame pelvis at the origin, y negated, resampling (1 person by default).

    The preparation, clip length, persons and confidence rule come from the model's
    :class:`~motionhub.processor.MotionProcessor` (its ``preprocessor_config.json``; for models saved without one,
    derived from the config: ``config.action_normalization`` if stored, else :data:`KINECT_3D` for models whose
    ``config.input_normalization`` is that, else ``"crop_scale"``); the arguments below override single settings.

    Args:
        model: a ``<Encoder>ForActionClassification`` / ``ForActionEmbedding`` (or multi-task) model, or anything
            :func:`load_model` accepts.
        device: where to run.
        batch_size: clips per forward pass.
        flip: also classify the mirrored clip and average (logits, or embeddings re-normalised). Off by default
            (MotionBERT's action evaluation does not flip).
        clip_len: frames per clip (default: the processor's; derived: ``config.action_clip_len`` if the model
            stores it, else ``config.maxlen`` for fixed-length encoders and ``min(config.maxlen, 243)`` otherwise).
        num_persons: persons per clip (default: the processor's; derived: ``config.action_num_persons``, else 2
            (MotionBERT's NTU setting) for ``crop_scale`` and 1 otherwise; changing ``normalization`` without it
            takes that rule's default). The
            pooled feature averages over persons, zero-padded ones included: use the value the model was trained
            with (e.g. 1 for Penn Action models trained with ``--num-persons 1``).
        confidence: H36M conversion confidence rule (default ``config.action_confidence`` /
            ``config.keypoint_confidence`` (``"coco_order"`` in converted MotionBERT NTU checkpoints) or
            ``"average"``).
        normalization: ``"crop_scale"``, ``"screen"`` or :data:`KINECT_3D` clip preparation (see above).
        task: ``"action-classification"`` or ``"action-embedding"`` (default: from the model).
        processor: use this :class:`~motionhub.processor.MotionProcessor` instead of the model's.
        progress: tqdm progress bar over batches.
    """

    def __init__(
        self,
        model: Any,
        device: str | torch.device | None = None,
        batch_size: int = 8,
        flip: bool = False,
        *,
        clip_len: int | None = None,
        num_persons: int | None = None,
        confidence: str | None = None,
        normalization: str | None = None,
        task: str | None = None,
        processor: MotionProcessor | None = None,
        progress: bool = True,
        **load_kwargs: Any,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if normalization is not None and normalization not in ACTION_NORMALIZATIONS:
            raise ValueError(f"action clip normalization must be one of {ACTION_NORMALIZATIONS}, got {normalization!r}")
        if processor is not None and not isinstance(processor, MotionProcessor):
            raise TypeError(f"processor must be a MotionProcessor, got {type(processor).__name__}")
        self.device = resolve_device(device) if device is not None else None
        if task is None and isinstance(model, nn.Module):
            task = model_task(model)
        if task == "multi-task":
            task = "action-classification"
        self.model = load_model(model, task, device=self.device, **load_kwargs)
        if task is None:
            task = model_task(self.model)
            if task == "multi-task":
                task = "action-classification"
        if task not in ("action-classification", "action-embedding"):
            raise ValueError(
                f"{type(self.model).__name__} is not an action model (task {task}); use a model trained for action "
                "classification or one-shot embedding"
            )
        self.task = task
        if self.device is None:
            self.device = _model_device(self.model)
        config = self.model.config
        self.config = config
        self.batch_size = batch_size
        self.flip = bool(flip)
        self.progress = progress
        base = processor if processor is not None else processor_for_model(self.model, task)
        if None in (base.clip_normalization, base.clip_len, base.num_persons):
            # a processor without (all) action clip settings, e.g. saved for another task: the config's defaults
            derived = MotionProcessor.from_model_config(config, task)
            base = derived.replace(**{k: getattr(base, k) for k in ("clip_normalization", "clip_len", "num_persons")})
        if normalization is not None and num_persons is None and normalization != base.clip_normalization:
            num_persons = 2 if normalization == "crop_scale" else 1  # the person default follows the preparation
        self.processor = base.replace(clip_normalization=normalization, clip_len=clip_len, num_persons=num_persons,
                                      confidence=confidence)
        maxlen = int(getattr(config, "maxlen", 243))
        self.clip_len = self.processor.clip_len
        if getattr(config, "fixed_length", False) and self.clip_len != maxlen:
            raise ValueError(f"this model takes exactly {maxlen} frames; clip_len must be {maxlen}")
        if self.clip_len > maxlen:
            raise ValueError(f"clip_len ({self.clip_len}) exceeds config.maxlen ({maxlen})")
        self.normalization = self.processor.clip_normalization
        self.num_persons = self.processor.num_persons
        self.confidence = self.processor.confidence
        self.dim_in = self.processor.num_channels
        self.layout = self.processor.joint_layout
        id2label = getattr(config, "id2label", None) or {}
        self.id2label = {int(k): str(v) for k, v in id2label.items()}

    def clips(self, data: Any, layout: str | None = None, image_size: Sequence[int] | None = None) -> np.ndarray:
        """Prepared model input ``(N, num_persons, clip_len, J, dim_in)`` float32 for one or several clips
        (:meth:`motionhub.processor.MotionProcessor.prepare_clips`)."""
        return self.processor.prepare_clips(data, layout, image_size)

    @torch.no_grad()
    def __call__(
        self, data: Any, layout: str | None = None, *, image_size: Sequence[int] | None = None
    ) -> ActionResult:
        """Classify / embed clip(s).

        Args:
            data: a :class:`~motionhub.formats.MotionSequence`, an array ``(T, J, 2|3)`` / ``(M, T, J, 2|3)`` of pixels,
                or a list of those (one result row per clip).
            layout: joint layout of array input (default: the sequence's layout / the model's).
            image_size: ``(width, height)`` of array input (optional: only changes the clipping of missing joints).
        """
        x = self.clips(data, layout, image_size)
        was_training = self.model.training
        self.model.eval()
        try:
            values = WindowRunner(self._predict, batch_size=self.batch_size, device=self.device,
                                  progress=self.progress, desc="classifying").predict_batches(x)
        finally:
            self.model.train(was_training)
        meta = {"clip_len": self.clip_len, "num_persons": self.num_persons, "flip": self.flip,
                "normalization": self.normalization,
                "model": getattr(self.config, "_name_or_path", "") or type(self.model).__name__}
        if self.task == "action-embedding":
            return ActionResult(embeddings=values, id2label=self.id2label, meta=meta)
        shifted = values - values.max(axis=1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        return ActionResult(logits=values, probabilities=probs, id2label=self.id2label, meta=meta)

    def _predict(self, x: torch.Tensor) -> torch.Tensor:
        key = "embeddings" if self.task == "action-embedding" else "logits"
        forward = lambda k: getattr(self.model(keypoints=k, return_dict=True), key)  # noqa: E731
        if not self.flip:
            return forward(x)
        out = flip_augmented(forward, x, self.layout, flip_output=False)  # logits / embeddings are not joint-indexed
        return torch.nn.functional.normalize(out, dim=-1) if key == "embeddings" else out


# ------------------------------------------------------------------------------------------------------------- mesh
@dataclass
class MeshResult:
    """Output of :class:`MeshPipeline` (single person; a leading ``M`` axis for multi-person input).

    Attributes:
        theta: ``(T, 82)`` SMPL axis-angle pose (72) + betas (10).
        vertices: ``(T, 6890, 3)`` mesh vertices in millimetres (SMPL frame, not root-relative).
        joints_3d: ``(T, 17, 3)`` H36M-17 joints regressed from the mesh, millimetres.
        faces: ``(F, 3)`` triangle vertex indices of the SMPL mesh.
        meta: model, normalisation, windows, flip.
    """

    theta: np.ndarray
    vertices: np.ndarray
    joints_3d: np.ndarray
    faces: np.ndarray | None
    meta: dict = field(default_factory=dict)

    units = "mm"

    def save(self, path: str | os.PathLike) -> Path:
        """Write ``.npz`` (``theta``, ``vertices``, ``joints_3d``, ``faces``, ``units="mm"``, ``layout``) or ``.json``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".json":
            data = {"units": "mm", "layout": "h36m-17", "theta": _nan_to_none(self.theta),
                    "joints_3d": _nan_to_none(self.joints_3d), "vertices": _nan_to_none(self.vertices),
                    "faces": None if self.faces is None else self.faces.tolist(), "meta": _json_safe(self.meta)}
            path.write_text(json.dumps(data))
            return path
        if path.suffix.lower() != ".npz":
            raise ValueError(f"output must end in .npz or .json, got {path.name!r}")
        arrays = {"theta": self.theta, "vertices": self.vertices, "joints_3d": self.joints_3d,
                  "units": np.array("mm"), "layout": np.array("h36m-17"),
                  "meta_json": np.array(json.dumps(_json_safe(self.meta)))}
        if self.faces is not None:
            arrays["faces"] = self.faces
        np.savez_compressed(path, **arrays)
        return path


class MeshPipeline(_KeypointPipeline):
    """2D keypoints of a whole video -> SMPL meshes (``<Encoder>ForMeshRecovery`` models; SMPL files needed).

    Same arguments and input preparation as :class:`PoseLiftingPipeline`, plus ``smpl_model_path`` (SMPL file or
    folder; default ``$MOTIONHUB_SMPL_PATH``, see :mod:`motionhub.body`). Windows overlap as for lifting; vertices and
    joints of overlapping windows are blended with triangular weights, the SMPL parameters of each frame are taken
    from the window whose centre is nearest (rotations are not averaged across windows). ``flip=True`` uses the
    model's ``predict_with_flip`` (MotionBERT's mesh test-time augmentation).
    """

    task = "mesh-recovery"

    def __init__(self, model: Any, device=None, batch_size: int = 4, flip: bool = True, window=None, stride=None,
                 normalization=None, *, smpl_model_path: str | os.PathLike | None = None, **kwargs: Any) -> None:
        if smpl_model_path is not None and not isinstance(model, nn.Module):
            kwargs["smpl_model_path"] = str(smpl_model_path)
        super().__init__(model, device, batch_size, flip, window, stride, normalization, **kwargs)
        if self.fixed_length:
            raise ValueError("MeshPipeline supports sequence-to-sequence encoders (DSTformer) only")

    @torch.no_grad()
    def __call__(self, data: Any, layout: str | None = None, *, image_size=None, normalization=None) -> MeshResult:
        """Recover the mesh of every frame (inputs as :meth:`PoseLiftingPipeline.__call__`)."""
        prepared, inp = self.prepare(data, layout, image_size, normalization)
        results = [self._mesh_person(p) for p in prepared]
        faces = getattr(getattr(self.model, "smpl", None), "faces", None)
        if isinstance(faces, torch.Tensor):
            faces = faces.cpu().numpy()
        stack = (lambda k: np.stack([r[k] for r in results])) if inp.multi_person else (lambda k: results[0][k])
        meta = {"model": getattr(self.config, "_name_or_path", ""), "normalization": prepared[0].normalization,
                "window": self.window, "stride": self.stride, "flip": self.flip, **inp.meta}
        return MeshResult(theta=stack("theta"), vertices=stack("vertices"), joints_3d=stack("joints_3d"),
                          faces=None if faces is None else np.asarray(faces), meta=meta)

    def _predict(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        model = self.model
        if model_task(model) == "multi-task":
            out = model(keypoints=x, return_dict=True).mesh
            if self.flip:
                mirrored = model(keypoints=self._flip_in(x), return_dict=True).mesh
                from .rotations import flip_thetas

                theta_m = torch.cat([flip_thetas(mirrored.theta[..., :72]), mirrored.theta[..., 72:]], dim=-1)
                verts_m, joints_m = model.mesh_from_theta(theta_m)
                out.theta = (out.theta + theta_m) / 2
                out.vertices = (out.vertices + verts_m) / 2
                out.joints_3d = (out.joints_3d + joints_m) / 2
        elif self.flip:
            out = model.predict_with_flip(x, layout=self.in_layout)
        else:
            out = model(keypoints=x, return_dict=True)
        return {"theta": out.theta, "vertices": out.vertices, "joints_3d": out.joints_3d}

    # vertices and joints of overlapping windows are blended; SMPL rotations are taken from the nearest window centre
    _MERGE = {"theta": "centre", "vertices": "triangular", "joints_3d": "triangular"}

    def _mesh_person(self, prep: PreparedKeypoints) -> dict[str, np.ndarray]:
        runner = WindowRunner(self._predict, batch_size=self.batch_size, device=self.device, progress=self.progress,
                              desc="mesh")
        out = runner.seq2seq(prep.model_input, self.window, self.stride, merge=self._MERGE)
        return {key: value.astype(np.float32) for key, value in out.items()}


# ------------------------------------------------------------------------------------------------------- evaluation
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
    from .metrics import acceleration_error, mpjpe, n_mpjpe, p_mpjpe

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
        focal: focal length in pixels for ``"camera"`` (default: the file's camera metadata).
        progress: progress bar over sequences.

    Returns:
        ``{"mpjpe", "p_mpjpe", "pa_mpjpe", "n_mpjpe", "accel_error"}`` frame-weighted means over all sequences, in
        ``units`` (the ground truth's: ``"mm"`` or ``"m"``; acceleration error per frame²), plus ``protocol`` (the rule
        used), ``num_sequences``, ``num_frames`` and ``per_sequence`` (source, frames, metrics, rule, scale).
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
        if seq.units_3d not in _UNIT_MM:
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
            gt_abs = gt_abs * (_UNIT_MM[seq.units_3d] / _UNIT_MM[gt_units])  # all sequences in the first one's unit
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
                if result.units in _UNIT_MM:
                    rule = "metric"
                elif result.units == "normalized" and f and ppu and np.all(root_z[valid] > 0):
                    rule = "camera"
                else:
                    rule = "scale"
            scale: float | None = None
            if rule == "metric":
                if result.units not in _UNIT_MM:
                    raise ValueError(
                        f"protocol 'metric' needs a model that predicts metric units; this one predicts "
                        f"{result.units!r} (use --protocol camera or scale)"
                    )
                scale = _UNIT_MM[result.units] / _UNIT_MM[gt_units]
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
            entry = {"source": source, "person": m, "frames": int(valid.sum()), "protocol": rule, "scale": scale}
            for key, values in errs.items():
                entry[key] = float(values.mean()) if values.size else float("nan")
                totals[key] = totals.get(key, 0.0) + float(values.sum())
                counts[key] = counts.get(key, 0) + int(values.size)
            per_seq.append(entry)
    if not per_seq:
        raise ValueError("no frame with complete (finite) ground truth in the given sequences")
    summary = {key: totals[key] / counts[key] if counts[key] else float("nan") for key in totals}
    summary["pa_mpjpe"] = summary["p_mpjpe"]
    return {
        **summary,
        "units": gt_units,
        "protocol": "+".join(sorted(used)),
        "num_sequences": len(per_seq),
        "num_frames": int(sum(e["frames"] for e in per_seq)),
        "flip": pipeline.flip,
        "window": pipeline.window,
        "stride": None if pipeline.fixed_length else pipeline.stride,
        "merge": pipeline.merge,
        "pad_short": pipeline.pad_short,
        "normalization": pipeline.normalization,
        "per_sequence": per_seq,
    }


def evaluate_action(pipeline: ActionPipeline, sequences: Sequence[MotionSequence], top_k: int = 5) -> dict[str, Any]:
    """Top-1 / top-k accuracy of an :class:`ActionPipeline` (classification model) on labelled sequences.

    Labels are integers, or class names found in ``config.id2label``.
    """
    from .metrics import topk_accuracy

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
    acc = topk_accuracy(result.logits, np.asarray(labels), k=(1, k))
    return {"top1": float(acc[1]), f"top{k}": float(acc[k]), "num_clips": len(labels)}


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
    from .metrics import oneshot_predict

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
