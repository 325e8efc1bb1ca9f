# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Probe behind the int8 note "fused attention export": DSTformer's attention exported as onnxruntime's fused
``com.microsoft::MultiHeadAttention`` (through ``torch.onnx.ops.symbolic``) against motionhub's export (attention as
MatMul / Softmax / Transpose), float32 and int8 (``quantize_onnx``), one (1, 243, 17, 3) clip, interleaved repeats.

Usage:  python benchmarks/probe_fused_attention.py [lite|full] [threads] [repeats]
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
import time

import numpy as np
import onnx
import torch

from motionhub import DSTformerConfig, DSTformerForPoseLifting
from motionhub.encoders.dstformer import modeling_dstformer as md
from motionhub.export.model import OnnxModel, export_model, quantize_onnx


def fused_attend(self, x: torch.Tensor) -> torch.Tensor:
    """The attention block with one fused ONNX node per attention (export only: eager returns placeholders)."""
    b, t, j, c = x.shape
    qkv = self.qkv(x)
    # spatial: one sequence of J tokens per (batch, frame); temporal: one of T tokens per (batch, joint)
    qkv = qkv.reshape(b * t, j, 3 * c) if self.mode == "spatial" else qkv.transpose(1, 2).reshape(b * j, t, 3 * c)
    q, k, v = qkv.split(c, dim=-1)
    out = torch.onnx.ops.symbolic("com.microsoft::MultiHeadAttention", (q, k, v),
                                  {"num_heads": self.num_heads, "scale": float(self.scale)},
                                  dtype=x.dtype, shape=q.shape, version=1)
    out = out.reshape(b, t, j, c) if self.mode == "spatial" else out.reshape(b, j, t, c).transpose(1, 2)
    return self.proj(out)


def main() -> None:
    preset = sys.argv[1] if len(sys.argv) > 1 else "lite"
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    torch.set_num_threads(threads)
    config = DSTformerConfig.motionbert_lite() if preset == "lite" else DSTformerConfig.motionbert()
    torch.manual_seed(0)
    model = DSTformerForPoseLifting(config).eval()
    x = torch.randn(1, 243, 17, 3)
    with torch.no_grad():
        ref = model(keypoints=x).pose_3d.numpy()
    folder = tempfile.mkdtemp()
    paths = {"plain": os.path.join(folder, "plain.onnx"), "fused": os.path.join(folder, "fused.onnx")}
    export_model(model, paths["plain"], frames=243, check=False)
    original = md.DSTformerAttention._attend
    md.DSTformerAttention._attend = lambda self, x: (fused_attend(self, x) if torch.onnx.is_in_onnx_export()
                                                     else original(self, x))
    try:
        export_model(model, paths["fused"], frames=243, check=False)
    finally:
        md.DSTformerAttention._attend = original
    print("fused graph:", collections.Counter(n.op_type for n in onnx.load(paths["fused"]).graph.node).most_common(8))
    for name in list(paths):
        paths[f"{name}-int8"] = str(quantize_onnx(paths[name], paths[name].replace(".onnx", "-int8.onnx")))
    sessions = {name: OnnxModel(path, threads=threads) for name, path in paths.items()}
    xn = x.numpy()
    for name, session in sessions.items():
        print(f"{name}: max difference vs eager {float(np.abs(session.run(xn)['pose_3d'] - ref).max()):.2e}")
    times = collections.defaultdict(list)
    for _ in range(repeats):
        for name, session in sessions.items():
            t0 = time.perf_counter()
            session.run(xn)
            times[name].append(time.perf_counter() - t0)
    for name, values in times.items():
        print(f"{name}: median {np.median(values):.3f} s  {[round(v, 3) for v in values]}")


if __name__ == "__main__":
    main()
