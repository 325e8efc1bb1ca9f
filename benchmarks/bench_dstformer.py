# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""DSTformer speed / memory benchmark: motionhub (SDPA) vs an eager path written like the official attention.

Measures, in ONE run so that the ratios compare like with like on the same (possibly busy) machine:

* throughput (clips/s) of a no-grad forward at T=243, batch 4, for MotionBERT-Lite and MotionBERT (full);
* achieved GFLOP/s (analytic FLOP count of the forward / time) and its fraction of this machine's measured fp32
  GEMM rate (torch.mm 2048x2048);
* peak activation memory (peak RSS during the forward minus RSS after building the model), each variant in its
  own subprocess so that peaks do not mask each other.

Variants:
  official  attention as in MotionBERT's DSTformer.py: activations as (B*T, J, C), q/k/v permuted, the full
            (B*T, H, J, J) and (B*J, H, T, T) score matrices materialised, softmax, matmul, permuted back.
  sdpa      motionhub's DSTformer (activations kept as (B, T, J, C); torch scaled_dot_product_attention, which
            never materialises the score matrices; at no-grad inference the attention blocks run on groups of
            frames (spatial) / joints (temporal) and the MLP on token chunks, so the largest intermediates exist
            for one group at a time).
  compiled  sdpa + torch.compile (inductor), when --compile is given (compile time excluded).

Peak memory: each variant runs in a subprocess with a fixed glibc mmap threshold (freed tensors are unmapped at
once), and a thread samples RSS during one forward after a warm-up; the table reports peak minus the RSS before it.

Usage:  python benchmarks/bench_dstformer.py [--repeats 5] [--compile] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import torch

T, BATCH, J = 243, 4, 17


def _model(preset: str):
    from motionhub import DSTformerConfig, DSTformerForPoseLifting

    config = DSTformerConfig.motionbert() if preset == "full" else DSTformerConfig.motionbert_lite()
    torch.manual_seed(0)
    return DSTformerForPoseLifting(config).eval()


def official_attention_forward(self, x: torch.Tensor) -> torch.Tensor:
    """Replacement forward for DSTformerAttention reproducing the official memory layout and matmuls."""
    b, t, j, c = x.shape
    h = self.num_heads
    x = x.reshape(b * t, j, c)  # the official blocks run on (B*F, J, C)
    qkv = self.qkv(x).reshape(b * t, j, 3, h, c // h).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]  # (B*F, H, J, c)
    if self.mode == "spatial":
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b * t, j, c)
    else:
        qt = q.reshape(-1, t, h, j, c // h).permute(0, 2, 3, 1, 4)  # (B, H, J, F, c)
        kt = k.reshape(-1, t, h, j, c // h).permute(0, 2, 3, 1, 4)
        vt = v.reshape(-1, t, h, j, c // h).permute(0, 2, 3, 1, 4)
        attn = (qt @ kt.transpose(-2, -1)) * self.scale  # (B, H, J, F, F)
        attn = attn.softmax(dim=-1)
        out = (attn @ vt).permute(0, 3, 2, 1, 4).reshape(b * t, j, c)
    return self.proj(out).reshape(b, t, j, c)


def prepare(preset: str, variant: str):
    from motionhub.encoders.dstformer.modeling_dstformer import DSTformerAttention, DSTformerMLP

    model = _model(preset)
    if variant == "official":
        for module in model.modules():
            if isinstance(module, DSTformerAttention):
                module.forward = official_attention_forward.__get__(module)  # whole tensor, scores materialised
            if isinstance(module, DSTformerMLP):
                module.inference_chunk_tokens = 1 << 62  # the official MLP runs on all tokens at once
    fn = model
    if variant == "compiled":
        fn = torch.compile(model, dynamic=False)
    return model, fn


def forward_flops(config) -> float:
    """Analytic FLOPs (2 x multiply-adds) of one DSTformerForPoseLifting forward on a (BATCH, T, J) clip."""
    c, hid, n = config.dim_feat, config.mlp_hidden_size, BATCH * T * J
    per_stream_stage = 2 * n * (c * 3 * c + c * c + 2 * c * hid)  # qkv, proj, MLP fc1+fc2 of one (S or T) stage
    spatial_attn = 2 * 2 * (BATCH * T) * J * J * c  # QK^T and AV over joints
    temporal_attn = 2 * 2 * (BATCH * J) * T * T * c  # over frames
    per_layer = 2 * (2 * per_stream_stage + spatial_attn + temporal_attn) + 2 * n * 2 * c * 2  # 2 streams + fusion
    return config.depth * per_layer + 2 * n * (config.dim_in * c + c * config.dim_rep + config.dim_rep * 3)


def gemm_gflops(size: int = 2048, repeats: int = 5) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * size**3 / best / 1e9


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_child(preset: str, variant: str) -> None:
    """Run in a subprocess: print the peak activation memory (MB) of one forward.

    The parent starts this process with a fixed glibc mmap threshold, so every large tensor is its own mapping that
    goes back to the OS when freed; RSS then tracks live memory and a sampling thread sees the forward's peak.
    """
    import gc
    import threading

    model, fn = prepare(preset, variant)
    x = torch.rand(BATCH, T, J, 3)
    with torch.no_grad():
        fn(x if variant == "compiled" else x[:1, :8])  # lazy init / compilation outside the measurement
        gc.collect()
        base = _rss_mb()
        peak = [base]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], _rss_mb())
                time.sleep(0.0005)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        fn(x)
        done.set()
        thread.join()
    print(json.dumps({"activation_peak_mb": max(peak[0] - base, 0.0)}))


def measure_memory(preset: str, variant: str) -> float:
    cmd = [sys.executable, __file__, "--memory-child", preset, variant]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0"}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])["activation_peak_mb"]


def measure_throughput(presets: list[str], variants: list[str], repeats: int) -> dict:
    """Interleaved timing (variant A, B, A, B, ...) so that background load hits every variant alike."""
    x = torch.rand(BATCH, T, J, 3)
    results = {}
    for preset in presets:
        fns = {v: prepare(preset, v)[1] for v in variants}
        times = {v: [] for v in variants}
        with torch.no_grad():
            for v in variants:  # warm-up (and compilation)
                fns[v](x)
            for _ in range(repeats):
                for v in variants:
                    t0 = time.perf_counter()
                    fns[v](x)
                    times[v].append(time.perf_counter() - t0)
        config = prepare(preset, "sdpa")[0].config
        flops = forward_flops(config)
        for v in variants:
            t = sorted(times[v])[len(times[v]) // 2]  # median
            results[(preset, v)] = {"seconds": t, "clips_per_s": BATCH / t, "gflops": flops / t / 1e9}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--presets", nargs="+", default=["lite", "full"], choices=["lite", "full"])
    parser.add_argument("--compile", action="store_true", help="also benchmark torch.compile(sdpa model)")
    parser.add_argument("--json", default=None, help="write the results here")
    parser.add_argument("--memory-child", nargs=2, metavar=("PRESET", "VARIANT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    import transformers

    transformers.utils.logging.set_verbosity_error()
    variants = ["official", "sdpa"] + (["compiled"] if args.compile else [])
    gemm = gemm_gflops()
    speed = measure_throughput(args.presets, variants, args.repeats)
    gemm = max(gemm, gemm_gflops())  # best of before/after: background load only ever lowers the reference rate
    rows = []
    for preset in args.presets:
        mem = {v: measure_memory(preset, v) for v in variants}
        base = speed[(preset, "official")]
        for v in variants:
            s = speed[(preset, v)]
            rows.append({
                "preset": preset, "variant": v, "clips_per_s": round(s["clips_per_s"], 3),
                "gflops": round(s["gflops"], 1), "fraction_of_gemm": round(s["gflops"] / gemm, 3),
                "activation_peak_mb": round(mem[v], 1),
                "speedup_vs_official": round(s["clips_per_s"] / base["clips_per_s"], 2),
                "memory_vs_official": round(mem[v] / mem["official"], 2) if mem["official"] else None,
            })
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, fp32 GEMM rate {gemm:.0f} GFLOP/s; "
          f"T={T}, batch={BATCH}, no-grad forward, median of {args.repeats}")
    print("| model | variant | clips/s | GFLOP/s | of GEMM | act. peak MB | speed vs official | memory vs official |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['preset']} | {r['variant']} | {r['clips_per_s']} | {r['gflops']} | {r['fraction_of_gemm']:.0%} "
              f"| {r['activation_peak_mb']} | {r['speedup_vs_official']}x | {r['memory_vs_official']}x |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gemm_gflops": gemm, "T": T, "batch": BATCH, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
