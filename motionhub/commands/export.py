# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub export MODEL OUT.onnx|OUT.pt2``: a model as ONNX or as a ``torch.export`` program."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import (
    DEFAULT_MODEL,
    QUANTIZE_CHOICES,
    add_trust_remote_code_arg,
    model_inputs,
    model_spec,
    quiet_loading,
)

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export a model to ONNX (.onnx, onnxruntime and other runtimes) or a torch.export program (.pt2)",
        description="One input, 'keypoints': (batch, frames, J, C) for encoders and per-frame task models, (batch, "
        "persons, frames, J, C) for action models. Batch is dynamic; frames are dynamic up to config.maxlen except "
        "for fixed-length models (STMO, MPM: exactly maxlen). Outputs are the model's output fields (pose_3d, "
        "logits, embeddings, vertices, ...). The model's config and processor (input preparation) are stored in "
        "the file. The export is checked against the eager model on an input of another batch and length "
        "(onnxruntime for ONNX) and refused above --atol.",
        epilog="example: motionhub export default lifter.onnx   (the embedded lifting model)",
    )
    p.add_argument("model", help=f"model folder, Hub repo id, official checkpoint, or '{DEFAULT_MODEL}' (embedded)")
    p.add_argument("output", type=Path, help="output file: .onnx or .pt2")
    p.add_argument("--frames", type=int, default=None,
                   help="frames of the example input (default: maxlen for fixed-length models, else min(maxlen, 27))")
    p.add_argument("--opset", type=int, default=None, help="ONNX opset (default: torch's)")
    p.add_argument("--atol", type=float, default=1e-4,
                   help="largest accepted difference to the eager model (default 1e-4)")
    p.add_argument("--no-check", action="store_true", help="skip the comparison with the eager model")
    p.add_argument("--quantize", choices=QUANTIZE_CHOICES, default=None,
                   help="ONNX only: int8 = also quantize the export's matrix products to int8 (dynamic, "
                   "onnxruntime.quantization); the file written is the quantized model, its difference to the "
                   "eager model is printed")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    add_trust_remote_code_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    quiet_loading(args.quiet)
    from ..io_utils import check_output_path

    check_output_path(args.output, (".onnx", ".pt2"), what="the output",  # before loading anything
                      inputs=model_inputs(model_spec(args.model)))
    if args.frames is not None and args.frames < 1:
        raise ValueError(f"--frames must be >= 1, got {args.frames}")
    if args.quantize and args.output.suffix.lower() != ".onnx":
        raise ValueError(f"--quantize {args.quantize} writes ONNX models (onnxruntime's quantizer); give an .onnx "
                         f"output, not {args.output.name}")
    from ..export.model import export_model
    from ..pipelines import load_model

    model = load_model(model_spec(args.model), None, device="cpu", trust_remote_code=args.trust_remote_code)
    if args.quantize:
        return _export_quantized(args, model)
    res = export_model(model, args.output, frames=args.frames, opset=args.opset, check=not args.no_check,
                       atol=args.atol)
    shape = "(" + ", ".join(res.input_shape) + ")"
    print(f"wrote {res.path} ({res.format}, {res.path.stat().st_size / 1e6:.1f} MB, {res.seconds:.1f} s): "
          f"keypoints {shape} -> {', '.join(res.output_names)}")
    if res.max_abs_diff is not None:
        worst = max(res.max_abs_diff.values())
        print(f"  check: largest difference to the eager model {worst:.2g} (<= {args.atol:g})")
    return 0


def _export_quantized(args: argparse.Namespace, model) -> int:
    """float32 export into a temporary folder (checked as usual), then its int8 variant at ``args.output``."""
    import tempfile

    import numpy as np
    import torch

    from ..export.model import OnnxModel, export_model, export_spec, quantize_onnx
    from ..pipelines import model_task

    if model_task(model) in ("mesh-recovery", "multi-task"):
        raise ValueError(f"--quantize {args.quantize}: {args.model} contains SMPL layers, which need float32; "
                         "export it without --quantize")
    with tempfile.TemporaryDirectory(dir=args.output.parent if args.output.parent.is_dir() else None) as tmp:
        fp32 = Path(tmp) / "float32.onnx"
        res = export_model(model, fp32, frames=args.frames, opset=args.opset, check=not args.no_check,
                           atol=args.atol)
        quantize_onnx(fp32, args.output, args.quantize)
    spec = export_spec(model, args.frames)
    x = torch.randn(*spec.shape, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ref = model(keypoints=x, return_dict=True)
    got = OnnxModel(args.output).run(x)
    diffs = {n: float(np.max(np.abs(got[n] - ref[n].numpy()))) for n in got if n in ref}  # ModelOutput: a dict
    shape = "(" + ", ".join(res.input_shape) + ")"
    print(f"wrote {args.output} (onnx, {args.quantize}, {args.output.stat().st_size / 1e6:.1f} MB): keypoints "
          f"{shape} -> {', '.join(res.output_names)}")
    print(f"  {args.quantize} vs the eager float32 model on a random input: largest difference "
          f"{max(diffs.values()):.2g} (accuracy cost on real data: the model card / benchmarks/results)")
    return 0
