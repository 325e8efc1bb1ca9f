# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""DSTformer speed / memory benchmark: motionhub (SDPA) vs an eager path written like the official attention.

Measures, in ONE run so that the ratios compare like with like on the same (possibly busy) machine:

* throughput (clips/s) of a no-grad forward at T=243, batch 4, for MotionBERT-Lite and MotionBERT (full);
* achieved GFLOP/s (analytic FLOP count of the forward / time) and its fraction of this machine's measured fp32
  GEMM rate (torch.mm 2048x2048);
* peak activation memory (peak RSS during the forward minus RSS after building the model), each variant in its
  own subprocess so that peaks do not mask each other.

Variants:
  official  the real official DSTformer (--official-repo).
  emulated  (without --official-repo) attention as in MotionBERT's DSTformer.py: activations as (B*T, J, C), q/k/v permuted, the full
            (B*T, H, J, J) and (B*J, H, T, T) score matrices materialised, softmax, matmul, permuted back.
  sdpa      motionhub's DSTformer (activations kept as (B, T, J, C); torch scaled_dot_product_attention, which
            never materialises the score matrices; at no-grad inference the attention blocks run on groups of
            frames (spatial) / joints (temporal) and the MLP on token chunks, so the largest intermediates exist
            for one group at a time).
  compiled  sdpa + torch.compile (inductor), when --compile is given (compile time excluded).
  onnx      sdpa exported to ONNX (motionhub export) on onnxruntime's CPU provider, when --onnx is given.
  int8      that ONNX export with dynamic int8 matrix products (motionhub.export.model.quantize_onnx, onnxruntime's
            quantizer: what `motionhub lift --quantize int8` runs), when --int8 is given. Its "max diff" is the
            output change int8 causes; the lifting accuracy cost on real data is `motionhub evaluate --quantize int8`
            (benchmarks/results/README.md).

Peak memory: each variant runs in a subprocess with a fixed glibc mmap threshold (freed tensors are unmapped at
once), and a thread samples RSS during one forward after a warm-up; the table reports peak minus the RSS before it.

Usage:  python benchmarks/bench_dstformer.py --official-repo /path/to/MotionBERT [--repeats 5] [--compile] [--onnx] [--int8]
        [--background-load N] [--official-own-process] [--json out.json]

OpenMP: like the motionhub command and training scripts, this script chooses passive waiting for torch's threads
before it imports torch (``motionhub.runtime.use_passive_openmp_wait``), and every in-process variant runs with that.
``--official-own-process`` times the official code in its own process with the setting its users have (libgomp's
default unless OMP_WAIT_POLICY is set), still interleaved one forward at a time.

With ``--official-repo`` (a MotionBERT checkout, e.g. a snapshot fetched for the purpose at dccfe7b; nothing of it
is copied here) the ``official`` variant is the real ``lib/model/DSTformer.py`` and motionhub's model holds the same
weights (converted), so the table also reports the largest output difference.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time

# What the user set, before this process chooses passive OpenMP waiting (first, as the motionhub command does);
# --official-own-process gives the official code back the setting it would run with.
USER_WAIT_POLICY = os.environ.get("OMP_WAIT_POLICY")
# A timing worker (this file's or bench_training_step.py's) runs the official code as its users do, so it must not
# choose motionhub's policy: torch is loaded first, by the official model's imports alone.
if "--timing-worker" not in sys.argv:
    from motionhub.runtime import use_passive_openmp_wait

    use_passive_openmp_wait()  # before torch: see motionhub/runtime.py

# isort: split
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


def official_model(preset: str, repo: str, **overrides):
    """The real official ``DSTformer`` (``<repo>/lib/model/DSTformer.py``, imported from the given checkout, never
    copied), built as MotionBERT's configs build it (LayerNorm eps 1e-6), seeded random weights; ``overrides``
    change constructor arguments (e.g. the zoo's small config)."""
    from functools import partial

    from torch import nn

    if not os.path.isfile(os.path.join(repo, "lib", "model", "DSTformer.py")):
        raise SystemExit(f"--official-repo {repo}: no lib/model/DSTformer.py there (a MotionBERT checkout)")
    sys.path.insert(0, os.path.abspath(repo))
    from lib.model.DSTformer import DSTformer

    dim_feat, mlp_ratio = (512, 2) if preset == "full" else (256, 4)
    torch.manual_seed(0)
    kwargs = dict(dim_in=3, dim_out=3, dim_feat=dim_feat, dim_rep=512, depth=5, num_heads=8, mlp_ratio=mlp_ratio,
                  norm_layer=partial(nn.LayerNorm, eps=1e-6), maxlen=T, num_joints=J)
    return DSTformer(**{**kwargs, **overrides}).eval()


def prepare(preset: str, variant: str, repo: str | None = None):
    """``(motionhub model, callable x -> (B, T, J, 3))`` of one variant. With ``repo`` the motionhub model holds the
    official model's weights (converted), so outputs are comparable."""
    from motionhub.encoders.dstformer.modeling_dstformer import DSTformerAttention, DSTformerMLP

    if repo is not None:
        from motionhub.conversion.motionbert import convert_motionbert

        official = official_model(preset, repo)
        if variant == "official":
            return official, official
        model = convert_motionbert(official.state_dict(), num_heads=8).eval()
    else:
        model = _model(preset)
    if variant == "emulated":
        for module in model.modules():
            if isinstance(module, DSTformerAttention):
                module.forward = official_attention_forward.__get__(module)  # whole tensor, scores materialised
            if isinstance(module, DSTformerMLP):
                module.inference_chunk_tokens = 1 << 62  # the official MLP runs on all tokens at once

    def fn(x, m=model):
        return m(keypoints=x).pose_3d

    if variant == "compiled":
        compiled = torch.compile(model, dynamic=False)

        def fn(x, m=compiled):  # noqa: F811
            return m(keypoints=x).pose_3d
    if variant in ("onnx", "int8"):
        from motionhub.export.model import OnnxModel, export_model, quantize_onnx

        path = os.path.join(tempfile.mkdtemp(), f"dstformer-{preset}.onnx")
        export_model(model, path, frames=T, check=False)
        if variant == "int8":
            path = str(quantize_onnx(path, path.replace(".onnx", "-int8.onnx")))
        session = OnnxModel(path, threads=torch.get_num_threads())

        def fn(x, s=session):  # noqa: F811
            return torch.from_numpy(s.run(x)["pose_3d"])
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


def memory_child(preset: str, variant: str, repo: str | None) -> None:
    """Run in a subprocess: print the peak activation memory (MB) of one forward.

    The parent starts this process with a fixed glibc mmap threshold, so every large tensor is its own mapping that
    goes back to the OS when freed; RSS then tracks live memory and a sampling thread sees the forward's peak.
    """
    import gc
    import threading

    model, fn = prepare(preset, variant, repo)
    x = clip()
    with torch.no_grad():
        fn(x if variant in ("compiled", "onnx", "int8") else x[:1, :8])  # lazy init / compilation: not measured
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


def measure_memory(preset: str, variant: str, repo: str | None) -> float:
    cmd = [sys.executable, __file__, "--memory-child", preset, variant, repo or ""]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0"}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])["activation_peak_mb"]


def clip() -> torch.Tensor:
    return torch.rand(BATCH, T, J, 3, generator=torch.Generator().manual_seed(0))  # the same in every process


def timing_worker(preset: str, variant: str, repo: str | None) -> None:
    """Run in a subprocess (--official-own-process): one forward per 'run' line on stdin, each timed here; prints
    the seconds and the file holding the output."""
    fn = prepare(preset, variant, repo)[1]
    x, path = clip(), os.path.join(tempfile.mkdtemp(), "out.pt")
    with torch.no_grad():
        for _ in sys.stdin:
            t0 = time.perf_counter()
            out = fn(x)
            seconds = time.perf_counter() - t0
            torch.save(out, path)
            print(seconds, path, flush=True)


class OwnProcess:
    """A variant timed in its own process with its own environment, driven one call at a time so that it
    interleaves with the in-process variants. ``cmd`` starts a worker that, per "run" line on stdin, does one timed
    call and prints ``seconds payload``; ``decode(payload)`` is what the call returns (here: the output, saved to a
    file by :func:`timing_worker`)."""

    def __init__(self, cmd: list[str], env: dict, decode=torch.load):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.decode = decode

    def __call__(self):
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"timing worker exited with code {self.proc.wait()}")
        seconds, payload = line.split(maxsplit=1)
        return float(seconds), self.decode(payload.strip())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def official_env() -> dict:
    """The environment a user of the official code runs in: this one, with the user's own OpenMP wait policy (or
    none: libgomp's default) instead of the one motionhub chose."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    return env if USER_WAIT_POLICY is None else {**env, "OMP_WAIT_POLICY": USER_WAIT_POLICY}


def measure_throughput(presets: list[str], variants: list[str], repeats: int, repo: str | None,
                       own_process: tuple[str, ...] = ()) -> dict:
    """Interleaved timing (variant A, B, A, B, ...) so that background load hits every variant alike; median and
    spread (min, max) of the repeats, and each variant's largest output difference to the first variant. Variants
    in ``own_process`` run in a subprocess with :func:`official_env`."""
    x = clip()
    results = {}
    for preset in presets:
        fns = {v: prepare(preset, v, repo)[1] for v in variants if v not in own_process}
        workers = {v: OwnProcess([sys.executable, __file__, "--timing-worker", preset, v, repo or ""], official_env())
                   for v in variants if v in own_process}
        try:
            times, outs = interleave(fns, workers, variants, repeats, x)
        finally:
            for w in workers.values():
                w.close()
        config = prepare(preset, "sdpa")[0].config
        flops = forward_flops(config)
        ref = outs[variants[0]]
        for v in variants:
            ts = sorted(times[v])
            t = ts[len(ts) // 2]  # median
            results[(preset, v)] = {"seconds": t, "min_s": ts[0], "max_s": ts[-1], "clips_per_s": BATCH / t,
                                    "gflops": flops / t / 1e9,
                                    "max_abs_diff": float((outs[v] - ref).abs().max())}
    return results


@contextlib.contextmanager
def background_load(n: int):
    """``n`` busy-looping processes for the duration of the block (a shared machine, alike for every variant)."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()


def interleave(fns: dict, workers: dict, variants: list[str], repeats: int, x, grad: bool = False):
    """({variant: [seconds]}, {variant: output of the first call}) of one warm-up and ``repeats`` rounds over the
    variants: ``fns`` are called here with ``x`` (under no_grad unless ``grad``), ``workers`` (:class:`OwnProcess`)
    time themselves."""

    def run(v):
        if v in workers:
            return workers[v]()
        t0 = time.perf_counter()
        out = fns[v](x)
        return time.perf_counter() - t0, out

    times = {v: [] for v in variants}
    with torch.set_grad_enabled(grad):
        outs = {v: run(v)[1] for v in variants}  # warm-up (and compilation / export)
        for _ in range(repeats):
            for v in variants:
                times[v].append(run(v)[0])
    return times, outs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--presets", nargs="+", default=["lite", "full"], choices=["lite", "full"])
    parser.add_argument("--official-repo", default=None, metavar="PATH",
                        help="a MotionBERT checkout (its lib/model/DSTformer.py is the 'official' variant, with the "
                        "same weights converted for motionhub); without it 'official' is the emulation below")
    parser.add_argument("--compile", action="store_true", help="also benchmark torch.compile(sdpa model)")
    parser.add_argument("--onnx", action="store_true", help="also benchmark the ONNX export on onnxruntime")
    parser.add_argument("--int8", action="store_true",
                        help="also benchmark the int8-quantized ONNX export on onnxruntime (--quantize int8)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--background-load", type=int, default=0, metavar="N",
                        help="run N busy-looping processes while the variants are timed (robustness to a shared "
                        "machine: every variant competes with them alike)")
    parser.add_argument("--official-own-process", action="store_true",
                        help="time the official variant in its own process, with the OpenMP settings its users have "
                        "(libgomp's default unless OMP_WAIT_POLICY is set), not the passive waiting this script "
                        "chooses for its own process (interleaved all the same)")
    parser.add_argument("--json", default=None, help="write the results here")
    parser.add_argument("--memory-child", nargs=3, metavar=("PRESET", "VARIANT", "REPO"), help=argparse.SUPPRESS)
    parser.add_argument("--timing-worker", nargs=3, metavar=("PRESET", "VARIANT", "REPO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        preset, variant, repo = args.memory_child
        memory_child(preset, variant, repo or None)
        return
    if args.timing_worker:
        preset, variant, repo = args.timing_worker
        timing_worker(preset, variant, repo or None)
        return
    if args.official_own_process and not args.official_repo:
        parser.error("--official-own-process needs --official-repo")
    import transformers

    transformers.utils.logging.set_verbosity_error()
    repo = args.official_repo
    base_variant = "official" if repo else "emulated"
    variants = ([base_variant, "sdpa"] + (["compiled"] if args.compile else []) + (["onnx"] if args.onnx else [])
                + (["int8"] if args.int8 else []))
    gemm = gemm_gflops()
    with background_load(args.background_load):
        own = ("official",) if args.official_own_process else ()
        speed = measure_throughput(args.presets, variants, args.repeats, repo, own)
        load = os.getloadavg()[0]  # while the variants ran
    gemm = max(gemm, gemm_gflops())  # best of before/after: background load only ever lowers the reference rate
    rows = []
    for preset in args.presets:
        mem = {v: (None if args.no_memory else measure_memory(preset, v, repo)) for v in variants}
        base = speed[(preset, base_variant)]
        for v in variants:
            s = speed[(preset, v)]
            rows.append({
                "preset": preset, "variant": v, "clips_per_s": round(s["clips_per_s"], 3),
                "seconds_median": round(s["seconds"], 3), "seconds_min": round(s["min_s"], 3),
                "seconds_max": round(s["max_s"], 3),
                "gflops": round(s["gflops"], 1), "fraction_of_gemm": round(s["gflops"] / gemm, 3),
                "activation_peak_mb": None if mem[v] is None else round(mem[v], 1),
                "speedup_vs_official": round(s["clips_per_s"] / base["clips_per_s"], 2),
                "memory_vs_official": (round(mem[v] / mem[base_variant], 2)
                                       if mem[v] is not None and mem[base_variant] else None),
                "max_abs_diff_vs_official": s["max_abs_diff"],
            })
    extra = f" with {args.background_load} busy background processes" if args.background_load else ""
    policy = os.environ.get("OMP_WAIT_POLICY", "libgomp default")
    official_policy = official_env().get("OMP_WAIT_POLICY", "libgomp default")
    extra += (f"; OMP_WAIT_POLICY {policy}" + (f", official in its own process with {official_policy}"
                                               if args.official_own_process else ""))
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, fp32 GEMM rate {gemm:.0f} GFLOP/s; "
          f"T={T}, batch={BATCH}, no-grad forward, median [min-max] of {args.repeats} interleaved repeats; "
          f"'official' = {'MotionBERT lib/model/DSTformer.py from ' + repo if repo else 'an emulation'}; "
          f"load average {load:.1f}{extra}")
    print("| model | variant | clips/s | s per batch [min-max] | of GEMM | act. peak MB | speed vs official | "
          "memory vs official | max diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mem = "-" if r["activation_peak_mb"] is None else r["activation_peak_mb"]
        rel = "-" if r["memory_vs_official"] is None else f"{r['memory_vs_official']}x"
        print(f"| {r['preset']} | {r['variant']} | {r['clips_per_s']} | {r['seconds_median']} "
              f"[{r['seconds_min']}-{r['seconds_max']}] | {r['fraction_of_gemm']:.0%} | {mem} | "
              f"{r['speedup_vs_official']}x | {rel} | {r['max_abs_diff_vs_official']:.1e} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gemm_gflops": gemm, "T": T, "batch": BATCH, "official_repo": repo, "load_average": load,
                       "background_load": args.background_load, "omp_wait_policy": policy,
                       "official_omp_wait_policy": official_policy if args.official_own_process else policy,
                       "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
