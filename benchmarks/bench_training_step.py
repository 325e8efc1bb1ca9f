# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Training-step throughput of the zoo's DSTformer config: motionhub vs the real official ``DSTformer.py``.

One step = forward + MSE loss against a fixed target + backward + AdamW step, on the config every small motionhub
checkpoint uses (dim_feat 64, dim_rep 128, depth 3, 4 heads, mlp_ratio 2, T = 27, batch 64; 0.41 M parameters),
both models holding the same weights (the official one built from ``--official-repo``, converted for motionhub).
Variants are interleaved step by step and repeated; the table gives frames per second (batch x T / step time,
median and spread) and the gradient agreement of the first step (largest relative difference of the global
gradient norm and of the loss).

Usage:  python benchmarks/bench_training_step.py --official-repo /path/to/MotionBERT [--steps 30] [--compile]
        [--profile] [--background-load N] [--official-own-process] [--json out.json]

OpenMP: as in bench_dstformer.py, passive waiting is chosen before torch is imported, so every in-process variant
runs with the passive waiting of motionhub's training entry points (``motionhub.runtime.use_passive_openmp_wait``).
``--official-own-process`` times the official step in its own process with the setting its users have (libgomp's
default unless OMP_WAIT_POLICY is set), interleaved one step at a time; ``--background-load N`` adds N busy-looping
processes (a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# first: it records the user's OpenMP wait policy, then chooses passive waiting before torch (see its docstring)
import bench_dstformer as bench  # noqa: E402

# isort: split
import torch  # noqa: E402

SMALL = dict(dim_feat=64, dim_rep=128, depth=3, num_heads=4, mlp_ratio=2, maxlen=27)
BATCH, FRAMES, J = 64, 27, 17


def build(variant: str, repo: str):
    from motionhub.conversion.motionbert import convert_motionbert

    official = bench.official_model("lite", repo, **SMALL).train()
    if variant == "official":
        return official, official
    model = convert_motionbert(official.state_dict(), num_heads=SMALL["num_heads"]).train()
    fn = model
    if variant == "compiled":
        fn = torch.compile(model, dynamic=False)
    return model, fn


def step_fn(variant: str, repo: str):
    """One training step ``step((x, y)) -> (loss, global gradient norm)`` of a fresh ``variant`` model."""
    module, fn = build(variant, repo)
    opt = torch.optim.AdamW(module.parameters(), lr=1e-4, weight_decay=0.01)

    def step(batch):
        x, y = batch
        opt.zero_grad(set_to_none=True)
        out = fn(x) if variant == "official" else fn(keypoints=x).pose_3d
        loss = torch.nn.functional.mse_loss(out, y)
        loss.backward()
        norm = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in module.parameters() if p.grad is not None))
        opt.step()
        return float(loss.detach()), float(norm)

    return step


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)  # the same in every process
    return torch.rand(BATCH, FRAMES, J, 3, generator=g), torch.randn(BATCH, FRAMES, J, 3, generator=g) * 0.1


def timing_worker(variant: str, repo: str) -> None:
    """Run in a subprocess (--official-own-process): one step per 'run' line on stdin, timed here; prints the
    seconds and the step's loss and gradient norm."""
    step, xy = step_fn(variant, repo), batch()
    for _ in sys.stdin:
        t0 = time.perf_counter()
        loss, norm = step(xy)
        print(time.perf_counter() - t0, f"{loss!r},{norm!r}", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--official-repo", required=True, metavar="PATH", help="a MotionBERT checkout (lib/model/)")
    p.add_argument("--steps", type=int, default=30, help="timed steps per variant (default 30)")
    p.add_argument("--compile", action="store_true", help="also time torch.compile(motionhub model)")
    p.add_argument("--profile", action="store_true",
                   help="also break one step of each variant down by kind of operation (torch.profiler)")
    p.add_argument("--background-load", type=int, default=0, metavar="N",
                   help="run N busy-looping processes while the variants are timed (a shared machine)")
    p.add_argument("--official-own-process", action="store_true",
                   help="time the official step in its own process with its users' OpenMP settings (libgomp's "
                   "default unless OMP_WAIT_POLICY is set), interleaved all the same")
    p.add_argument("--json", default=None)
    p.add_argument("--timing-worker", nargs=1, metavar="VARIANT", help=argparse.SUPPRESS)
    args = p.parse_args()
    import transformers

    transformers.utils.logging.set_verbosity_error()
    if args.timing_worker:
        timing_worker(args.timing_worker[0], args.official_repo)
        return
    variants = ["official", "motionhub"] + (["compiled"] if args.compile else [])
    xy = batch()
    own = ("official",) if args.official_own_process else ()
    steps = {v: step_fn(v, args.official_repo) for v in variants if v not in own}
    workers = {v: bench.OwnProcess([sys.executable, __file__, "--official-repo", args.official_repo,
                                    "--timing-worker", v], bench.official_env(),
                                   decode=lambda s: tuple(float(t) for t in s.split(",")))
               for v in own}
    try:
        with bench.background_load(args.background_load):
            # warm-up = the first step (and compilation): identical weights, so its loss and gradient agree
            times, first = bench.interleave(steps, workers, variants, args.steps, xy, grad=True)
            load = os.getloadavg()[0]  # while the variants ran
    finally:
        for w in workers.values():
            w.close()
    rows = []
    base = sorted(times["official"])[len(times["official"]) // 2]
    for v in variants:
        ts = sorted(times[v])
        med = ts[len(ts) // 2]
        rows.append({"variant": v, "seconds_median": med, "seconds_min": ts[0], "seconds_max": ts[-1],
                     "frames_per_s": BATCH * FRAMES / med, "speedup_vs_official": base / med,
                     "loss_rel_diff": abs(first[v][0] - first["official"][0]) / abs(first["official"][0]),
                     "grad_norm_rel_diff": abs(first[v][1] - first["official"][1]) / abs(first["official"][1])})
    policy = os.environ.get("OMP_WAIT_POLICY", "libgomp default")
    official_policy = bench.official_env().get("OMP_WAIT_POLICY", "libgomp default") if own else policy
    extra = f"; {args.background_load} busy background processes" if args.background_load else ""
    extra += f"; OMP_WAIT_POLICY {policy}" + (f", official in its own process with {official_policy}" if own else "")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, load average {load:.1f}{extra}; "
          f"zoo config {SMALL}, batch {BATCH}, {args.steps} interleaved steps; official = {args.official_repo}")
    print("| variant | frames/s | s per step [min-max] | speed vs official | loss / grad-norm rel. diff (step 1) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['variant']} | {r['frames_per_s']:.0f} | {r['seconds_median']:.3f} [{r['seconds_min']:.3f}-"
              f"{r['seconds_max']:.3f}] | {r['speedup_vs_official']:.2f}x | {r['loss_rel_diff']:.1e} / "
              f"{r['grad_norm_rel_diff']:.1e} |")
    profile = None
    if args.profile:  # in this process for every variant (the kinds of work do not depend on the wait policy)
        profile = {v: profile_step(steps.get(v) or step_fn(v, args.official_repo), xy) for v in variants}
        kinds = list(OP_KINDS) + ["other"]
        print("\nOne step by kind of operation, ms of self CPU time (torch.profiler; the profiler adds overhead):")
        print("| kind | " + " | ".join(variants) + " |")
        print("|---|" + "---|" * len(variants))
        for kind in kinds + ["total"]:
            print(f"| {kind} | " + " | ".join(f"{profile[v].get(kind, 0.0):.0f}" for v in variants) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"config": SMALL, "batch": BATCH, "rows": rows, "load_average": load,
                       "background_load": args.background_load, "omp_wait_policy": policy,
                       "official_omp_wait_policy": official_policy, "profile_ms": profile}, f, indent=1)


# How the profile is grouped: aten operator name prefixes per kind of work.
OP_KINDS = {
    "matrix products (mm, addmm, bmm)": ("aten::mm", "aten::addmm", "aten::bmm"),
    "attention kernels (SDPA)": ("aten::_scaled_dot_product",),
    "softmax (+ backward)": ("aten::_softmax",),
    "layout copies (copy_, cat, clone)": ("aten::copy_", "aten::cat", "aten::clone"),
    "GELU / LayerNorm (+ backward)": ("aten::gelu", "aten::native_layer_norm"),
}


def profile_step(step, xy) -> dict[str, float]:
    """Self CPU milliseconds of one step (after a warm-up step) per :data:`OP_KINDS` kind (+ "other", "total")."""
    from torch.profiler import ProfilerActivity, profile

    step(xy)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step(xy)
    out: dict[str, float] = {}
    for event in prof.key_averages():
        ms = event.self_cpu_time_total / 1e3
        kind = next((k for k, prefixes in OP_KINDS.items() if event.key.startswith(prefixes)), "other")
        out[kind] = out.get(kind, 0.0) + ms
        out["total"] = out.get("total", 0.0) + ms
    return out


if __name__ == "__main__":
    main()
