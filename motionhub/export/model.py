# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model export: ONNX (``torch.onnx.export(dynamo=True)``) and ``torch.export`` programs (``.pt2``).

Every motionhub encoder and task model exports with one input, ``keypoints``:

* per-frame models (encoders, lifting, mesh, completion, multi-task): ``(batch, frames, J, C)``;
* action models (classification, embedding): ``(batch, persons, frames, J, C)`` with ``persons`` fixed to the
  model's processor (``num_persons``).

``batch`` is dynamic; ``frames`` is dynamic up to ``config.maxlen`` (DSTformer's temporal position embedding has
``maxlen`` rows) except for fixed-length models (STMO, MPM: exactly ``config.maxlen`` frames, the strided
transformer's receptive field). The outputs are the model's ``ModelOutput`` tensor fields in declaration order
(``pose_3d``, ``logits``, ``embeddings``, ``vertices``, ...; nested outputs of multi-task models as
``mesh_vertices``); losses and hidden states are not exported.

What the model needs to be used travels with the file: the ONNX ``metadata_props`` (``torch.export``: the archive's
extra files) hold ``config.json``, ``preprocessor_config.json``, the task and the output names, so a runtime without
motionhub can still prepare inputs and name classes (:func:`read_onnx_metadata`).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = [
    "EXPORT_FORMATS",
    "QUANTIZATIONS",
    "ExportResult",
    "OnnxModel",
    "cached_onnx_model",
    "export_model",
    "export_spec",
    "quantize_onnx",
    "read_onnx_metadata",
]

EXPORT_FORMATS = ("onnx", "pt2")
QUANTIZATIONS = ("int8",)
"""Quantized ONNX variants (:func:`quantize_onnx`; ``quantize=`` of the lifting pipeline, ``--quantize`` of the CLI):
``"int8"`` = dynamic int8 matrix products on onnxruntime, CPU only (speed and accuracy cost: ``benchmarks/results``)."""
_SKIPPED = ("loss", "loss_components", "hidden_states")
_ACTION_TASKS = ("action-classification", "action-embedding")


@dataclass
class ExportSpec:
    """Input layout of an export: shape of the example input and which axes are dynamic."""

    task: str
    shape: tuple[int, ...]
    dynamic_frames: bool
    max_frames: int
    axes: tuple[str, ...]


@dataclass
class ExportResult:
    """What :func:`export_model` wrote.

    Attributes:
        path: the file.
        format: ``"onnx"`` or ``"pt2"``.
        input_shape: symbolic input shape, e.g. ``("batch", "frames", 17, 3)``.
        output_names: names of the outputs, in order.
        max_abs_diff: largest difference to the eager model per output on a check input of another shape
            (``None`` when the check did not run).
        seconds: export time.
    """

    path: Path
    format: str
    input_shape: tuple
    output_names: list[str]
    max_abs_diff: dict[str, float] | None
    seconds: float


def export_spec(model: nn.Module, frames: int | None = None, batch: int = 2) -> ExportSpec:
    """The input layout :func:`export_model` uses for ``model`` (see the module docstring)."""
    from ..pipelines.loading import model_task

    config = model.config
    task = model_task(model)
    joints = int(config.num_joints)
    channels = int(config.dim_in)
    maxlen = int(config.maxlen)
    fixed = bool(config.fixed_length)
    if fixed:
        if frames is not None and frames != maxlen:
            raise ValueError(f"{config.model_type} is fixed-length: it takes exactly config.maxlen = {maxlen} frames, "
                             f"not {frames}")
        frames = maxlen
    elif frames is None:
        frames = min(maxlen, 27)
    if not 1 <= frames <= maxlen:
        raise ValueError(f"frames must be in [1, {maxlen}] (config.maxlen), got {frames}")
    if task in _ACTION_TASKS:
        from ..processor import processor_for_model

        persons = int(processor_for_model(model, task).num_persons or 1)
        return ExportSpec(task, (batch, persons, frames, joints, channels), not fixed, maxlen,
                          ("batch", str(persons), "frames" if not fixed else str(frames), str(joints), str(channels)))
    return ExportSpec(task, (batch, frames, joints, channels), not fixed, maxlen,
                      ("batch", "frames" if not fixed else str(frames), str(joints), str(channels)))


def _flatten(out: Any, prefix: str = "") -> list[tuple[str, torch.Tensor]]:
    items = []
    for f in dataclasses.fields(out) if dataclasses.is_dataclass(out) else []:
        if f.name in _SKIPPED:
            continue
        value = getattr(out, f.name)
        if isinstance(value, torch.Tensor):
            items.append((prefix + f.name, value))
        elif dataclasses.is_dataclass(value):
            items.extend(_flatten(value, prefix + f.name + "_"))
    return items


class _Exported(nn.Module):
    """``keypoints -> tuple of output tensors`` (export needs plain tensors out)."""

    def __init__(self, model: nn.Module, names: list[str]) -> None:
        super().__init__()
        self.model, self.names = model, names

    def forward(self, keypoints: torch.Tensor) -> tuple[torch.Tensor, ...]:
        found = dict(_flatten(self.model(keypoints=keypoints, return_dict=True)))
        return tuple(found[n] for n in self.names)


def _example(spec: ExportSpec, batch: int, frames: int, seed: int) -> torch.Tensor:
    shape = list(spec.shape)
    shape[0] = batch
    shape[-3] = frames
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(shape, generator=g) * 2 - 1
    if shape[-1] == 3 and spec.task not in ("encoder",):  # a confidence-like third channel for 2D models
        x[..., 2] = torch.rand(shape[:-1], generator=g)
    return x


def _metadata(model: nn.Module, spec: ExportSpec, names: list[str]) -> dict[str, str]:
    from ..processor import processor_for_model

    processor = processor_for_model(model, spec.task if spec.task != "encoder" else None)
    return {
        "motionhub_task": spec.task,
        "motionhub_input": json.dumps({"name": "keypoints", "shape": list(spec.axes)}),
        "motionhub_outputs": json.dumps(names),
        "config.json": model.config.to_json_string(use_diff=False),
        "preprocessor_config.json": processor.to_json_string(),
    }


def export_model(
    model: nn.Module,
    path: str | os.PathLike,
    *,
    format: str | None = None,
    frames: int | None = None,
    opset: int | None = None,
    check: bool = True,
    atol: float = 1e-4,
) -> ExportResult:
    """Export ``model`` to ONNX or a ``torch.export`` program.

    Args:
        model: a motionhub encoder or task model (eval mode is set).
        path: output file; ``.onnx`` or ``.pt2`` (the format is taken from the suffix unless ``format`` is given).
        format: ``"onnx"`` or ``"pt2"``.
        frames: frames of the example input (default: ``config.maxlen`` for fixed-length models, else
            ``min(maxlen, 27)``); the exported frame axis stays dynamic up to ``maxlen`` where the model allows.
        opset: ONNX opset (default: torch's).
        check: run the export (onnxruntime for ONNX, the exported program for ``.pt2``) on an input of another
            batch size and length and compare with the eager model.
        atol: largest accepted difference of the check (relative to the output's magnitude when it exceeds 1, e.g.
            millimetre vertices); above it the export is deleted and ``ValueError`` raised.

    Returns:
        :class:`ExportResult`.
    """
    import time

    path = Path(path)
    fmt = format or path.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (from {path.name!r}); use one of {EXPORT_FORMATS} "
                         "(file suffix .onnx or .pt2, or format=)")
    if not hasattr(model, "config"):
        raise TypeError(f"expected a motionhub model with a .config, got {type(model).__name__}")
    model = model.eval()
    spec = export_spec(model, frames)
    x = _example(spec, spec.shape[0], spec.shape[-3], seed=0)
    with torch.no_grad():
        names = [n for n, _ in _flatten(model(keypoints=x, return_dict=True))]
    if not names:
        raise ValueError(f"{type(model).__name__} returned no tensor output to export")
    wrapper = _Exported(model, names).eval()
    dims: dict[int, Any] = {0: torch.export.Dim("batch", min=1, max=4096)}
    if spec.dynamic_frames:
        dims[len(spec.shape) - 3] = torch.export.Dim("frames", min=2, max=spec.max_frames)
    dynamic_shapes = {"keypoints": dims}
    meta = _metadata(model, spec, names)
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if fmt == "onnx":
        _check_onnx_installed()
        kwargs = {"opset_version": opset} if opset else {}
        program = torch.onnx.export(wrapper, (x,), dynamo=True, dynamic_shapes=dynamic_shapes,
                                    input_names=["keypoints"], output_names=names, optimize=True, verbose=False,
                                    **kwargs)
        proto = program.model_proto
        for key, value in meta.items():
            entry = proto.metadata_props.add()
            entry.key, entry.value = key, value
        import onnx

        from ..io_utils import atomic_path

        with atomic_path(path) as tmp:
            onnx.save(proto, str(tmp))
    else:
        program = torch.export.export(wrapper, (x,), dynamic_shapes=dynamic_shapes, strict=False)
        from ..io_utils import atomic_path

        with atomic_path(path) as tmp:
            torch.export.save(program, str(tmp), extra_files=meta)
    seconds = time.perf_counter() - t0
    diffs = None
    if check:
        other_b = 3
        other_t = spec.shape[-3] if not spec.dynamic_frames else max(2, min(spec.max_frames, spec.shape[-3] - 5))
        xc = _example(spec, other_b, other_t, seed=1)
        with torch.no_grad():
            ref = dict(_flatten(model(keypoints=xc, return_dict=True)))
        if fmt == "onnx":
            got = OnnxModel(path).run(xc.numpy())
        else:
            prog = torch.export.load(str(path))
            with torch.no_grad():
                got = dict(zip(names, (t.numpy() for t in prog.module()(xc))))
        diffs = {n: float(np.max(np.abs(got[n] - ref[n].numpy()))) if ref[n].numel() else 0.0 for n in names}
        # outputs in millimetres (mesh vertices, ~1e3) are held to atol relative to their magnitude: float32 itself
        # cannot resolve 1e-4 there
        scale = {n: max(1.0, float(ref[n].abs().max())) if ref[n].numel() else 1.0 for n in names}
        worst = max(diffs[n] / scale[n] for n in names)
        if not worst <= atol:
            path.unlink(missing_ok=True)
            raise ValueError(f"the exported {fmt} model differs from the eager model by {worst:.3g} (> {atol:g}) on "
                             f"an input of shape {tuple(xc.shape)}: {diffs}; nothing was written")
    return ExportResult(path, fmt, spec.axes, names, diffs, seconds)


def _check_onnx_installed() -> None:
    import importlib.util

    missing = [m for m in ("onnx", "onnxscript") if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(f"ONNX export needs {' and '.join(missing)}: pip install 'motionhub[export]' "
                          "(onnx, onnxscript, onnxruntime)")


def read_onnx_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The motionhub metadata of an exported ONNX file: ``task``, ``input``, ``outputs``, ``config``, ``processor``."""
    import onnx

    proto = onnx.load(str(path), load_external_data=False)
    props = {p.key: p.value for p in proto.metadata_props}
    if "motionhub_task" not in props:
        raise ValueError(f"{path} was not exported by motionhub (no motionhub metadata)")
    return {"task": props["motionhub_task"], "input": json.loads(props["motionhub_input"]),
            "outputs": json.loads(props["motionhub_outputs"]), "config": json.loads(props["config.json"]),
            "processor": json.loads(props["preprocessor_config.json"])}


class OnnxModel:
    """An exported ONNX model on onnxruntime's CPU provider: ``run(keypoints) -> {output name: array}``.

    Args:
        path: the ``.onnx`` file.
        threads: intra-op threads (default: onnxruntime's choice, all cores).
    """

    def __init__(self, path: str | os.PathLike, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ImportError("running ONNX models needs onnxruntime: pip install 'motionhub[export]'") from exc
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = int(threads)
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.input_shape = self.session.get_inputs()[0].shape

    def run(self, keypoints: np.ndarray | torch.Tensor) -> dict[str, np.ndarray]:
        if isinstance(keypoints, torch.Tensor):
            keypoints = keypoints.detach().cpu().numpy()
        x = np.ascontiguousarray(keypoints, dtype=np.float32)
        if x.ndim != len(self.input_shape):
            raise ValueError(f"this ONNX model takes keypoints of shape {self.input_shape}, got {x.shape}")
        return dict(zip(self.output_names, self.session.run(self.output_names, {"keypoints": x})))


def _model_digest(model: nn.Module) -> str:
    """sha256 of a model's class, config and every parameter / buffer: the ONNX cache key."""
    import hashlib

    h = hashlib.sha256(type(model).__name__.encode())
    h.update(model.config.to_json_string(use_diff=False).encode())
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:24]


def quantize_onnx(
    source: str | os.PathLike,
    path: str | os.PathLike,
    method: str = "int8",
    *,
    per_channel: bool = True,
) -> Path:
    """Dynamic int8 quantization of an exported ONNX model (``onnxruntime.quantization.quantize_dynamic``).

    Every matrix product with a constant weight (the linear layers: attention q/k/v/projections, MLPs, heads) gets
    int8 weights (symmetric, one scale per output channel when ``per_channel``) and quantizes its input activations
    to uint8 from their range at run time, so no calibration data is needed; attention score products, softmax,
    LayerNorm and the rest stay float32. Measured speed (whole model, not only the products) and accuracy cost:
    ``benchmarks/results/README.md``. The motionhub metadata of ``source`` is kept and
    ``motionhub_quantization`` added.

    Args:
        source: an ONNX file written by :func:`export_model`.
        path: where to write the quantized model (atomically).
        method: one of :data:`QUANTIZATIONS`.
        per_channel: per-output-channel weight scales (smaller error for the same speed).

    Returns:
        ``path``.
    """
    if method not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {method!r}; available: {', '.join(QUANTIZATIONS)}")
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ImportError("int8 quantization runs on onnxruntime: pip install 'motionhub[export]'") from exc
    import logging

    from ..io_utils import atomic_path

    source, path = Path(source), Path(path)
    props = {p.key: p.value for p in onnx.load(str(source), load_external_data=False).metadata_props}
    quant_logger = logging.getLogger()  # onnxruntime's quantizer advises pre-processing through the root logger
    level = quant_logger.level
    quant_logger.setLevel(max(level, logging.ERROR))
    try:
        with atomic_path(path) as tmp:
            # reduce_range: 7-bit weights. On x86 CPUs without VNNI (AVX2 / AVX-512F only) onnxruntime's uint8 x int8
            # kernels sum pairs of products in saturating 16-bit lanes; full 8-bit weights overflowed them here (an
            # AVX2 machine: int8 error 18 % of the output range on a small lifter vs < 10 % with 7 bits)
            quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=per_channel,
                             op_types_to_quantize=["MatMul", "Gemm"], reduce_range=True)
            proto = onnx.load(str(tmp))
            del proto.metadata_props[:]
            for key, value in {**props, "motionhub_quantization": method}.items():
                entry = proto.metadata_props.add()
                entry.key, entry.value = key, value
            onnx.save(proto, str(tmp))
    finally:
        quant_logger.setLevel(level)
    return path


def cached_onnx_model(model: nn.Module, cache_dir: str | os.PathLike | None = None,
                      threads: int | None = None, quantize: str | None = None) -> OnnxModel:
    """An :class:`OnnxModel` of ``model``, exported (and checked) once and kept in the cache.

    The file is ``<cache_dir>/<sha256 of config + weights>.onnx``; ``cache_dir`` defaults to
    ``$MOTIONHUB_ONNX_CACHE`` or ``<HF_HOME>/motionhub/onnx``. A changed weight or config is a new file, so a cached
    export never answers for another model. ``quantize="int8"``: the :func:`quantize_onnx` variant of that export
    (``<digest>-int8-w7.onnx``, made once from the float32 file).
    """
    if quantize is not None and quantize not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantize!r}; available: {', '.join(QUANTIZATIONS)}")
    if cache_dir is None:
        cache_dir = os.environ.get("MOTIONHUB_ONNX_CACHE")
    if cache_dir is None:
        from huggingface_hub.constants import HF_HOME

        cache_dir = os.path.join(HF_HOME, "motionhub", "onnx")
    path = Path(cache_dir) / f"{type(model).__name__}-{_model_digest(model)}.onnx"
    if not path.is_file():
        export_model(model, path)
    if quantize is not None:
        # "-w7": 7-bit weights (quantize_onnx); a cached 8-bit file of an older motionhub is not reused
        quantized = path.with_name(f"{path.stem}-{quantize}-w7.onnx")
        if not quantized.is_file():
            quantize_onnx(path, quantized, quantize)
        path = quantized
    return OnnxModel(path, threads=threads)
