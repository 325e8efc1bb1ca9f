# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Learning curve of a training campaign: held-out MPJPE against CPU-hours and frames seen (PNG + markdown table).

Reads the ``curve.json`` a run of ``examples/train/campaign_lifting.py`` writes and fits
``MPJPE(h) = a + b * h^(-c)`` (h = CPU-hours) to the points for an extrapolation. The points come from one run with
a cosine schedule planned over its whole length, so the early points are *not* what a run stopped there would
reach (its learning rate was still high): the fit is a rough guide, stated as such in the table.

    python examples/train/plot_learning_curve.py runs/dstformer-lift-s8heldout \\
        --png results/learning_curve_dstformer.png --md results/learning_curve_dstformer.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

__all__ = ["fit_power_law", "main"]


def fit_power_law(hours: np.ndarray, err: np.ndarray) -> tuple[float, float, float] | None:
    """Least-squares ``a + b * h^-c`` (grid over c, linear in a, b); ``None`` with fewer than 4 points."""
    hours, err = np.asarray(hours, float), np.asarray(err, float)
    if len(hours) < 4:
        return None
    best = None
    for c in np.linspace(0.05, 2.0, 196):
        design = np.stack([np.ones_like(hours), hours ** -c], axis=1)
        (a, b), *_ = np.linalg.lstsq(design, err, rcond=None)
        if b <= 0:
            continue
        res = float(((design @ [a, b] - err) ** 2).sum())
        if best is None or res < best[0]:
            best = (res, float(a), float(b), float(c))
    return None if best is None else best[1:]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run", type=Path, help="campaign run folder (with curve.json and run.json)")
    p.add_argument("--png", type=Path, required=True)
    p.add_argument("--md", type=Path, required=True)
    p.add_argument("--skip-first", type=int, default=1, help="points left out of the fit (warm-up)")
    args = p.parse_args(argv)

    curve = json.loads((args.run / "curve.json").read_text())
    run = json.loads((args.run / "run.json").read_text())
    pts = [q for q in curve["points"] if "mpjpe_mm" in q]
    if not pts:
        raise SystemExit(f"error: {args.run / 'curve.json'} has no evaluated points yet")
    hours = np.array([q["cpu_hours"] for q in pts])
    mpjpe = np.array([q["mpjpe_mm"] for q in pts])
    pmpjpe = np.array([q["p_mpjpe_mm"] for q in pts])
    frames = np.array([q["frames_seen"] for q in pts])
    fit = fit_power_law(hours[args.skip_first:], mpjpe[args.skip_first:])

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ax.plot(hours, mpjpe, "o-", label="MPJPE")
    ax.plot(hours, pmpjpe, "s-", label="P-MPJPE")
    if fit is not None:
        h = np.linspace(hours[args.skip_first], hours[-1] * 4, 200)
        ax.plot(h, fit[0] + fit[1] * h ** -fit[2], "--", color="gray",
                label=f"fit {fit[0]:.1f} + {fit[1]:.1f}·h^-{fit[2]:.2f} (extrapolated)")
    ax.axhline(62.9, color="red", lw=0.8, ls=":", label="Martinez et al. 2017 (62.9, S9/S11, finetuned SH)")
    ax.set_xlabel("training CPU-hours (threads x wall-clock)")
    ax.set_ylabel("held-out error (mm)")
    ax.set_title(f"{args.run.name}: {', '.join(curve['eval']['subjects'])} "
                 f"(first {curve['eval']['frames_per_sequence']} frames per sequence)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    top = ax.secondary_xaxis("top", functions=(lambda x: x / hours[-1] * frames[-1] / 1e6,
                                               lambda m: m * 1e6 / frames[-1] * hours[-1]))
    top.set_xlabel("frames seen (millions)")
    fig.tight_layout()
    args.png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.png)

    lines = [
        f"# Learning curve: `{args.run}`", "",
        f"Run settings: `{run.get('command', '')}` (schedule: {run['max_steps']} steps, batch {run['batch_size']} x "
        f"{run['clip_len']} frames, peak lr {run['lr']}, cosine). Held-out: {curve['eval']['protocol']}, subjects "
        f"{', '.join(curve['eval']['subjects'])}, first {curve['eval']['frames_per_sequence']} frames of every "
        "sequence. CPU-hours = threads x training wall-clock (evaluation excluded).", "",
        "| step | frames seen | CPU-hours | MPJPE (mm) | P-MPJPE (mm) | train loss |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for q in pts:
        loss = f"{q['train_loss']:.4f}" if "train_loss" in q else ""
        lines.append(f"| {q['step']} | {q['frames_seen']:,} | {q['cpu_hours']:.2f} | {q['mpjpe_mm']:.1f} | "
                     f"{q['p_mpjpe_mm']:.1f} | {loss} |")
    lines.append("")
    if fit is not None:
        a, b, c = fit
        pred = {k: a + b * (hours[-1] * k) ** -c for k in (2, 4, 10)}
        lines += [
            f"Fit (points {args.skip_first + 1}..{len(pts)}): MPJPE ≈ {a:.1f} + {b:.1f} · h^-{c:.2f} mm. "
            f"Extrapolated MPJPE at 2x / 4x / 10x this run's {hours[-1]:.2f} CPU-hours: "
            f"{pred[2]:.1f} / {pred[4]:.1f} / {pred[10]:.1f} mm (asymptote {a:.1f} mm).",
            "",
            "Caveat: the points are from one cosine schedule, so the early ones carry a high learning rate and "
            "overstate the error a run *planned* for that budget would reach; the extrapolation assumes the same "
            "recipe, model size and data, and ignores that a longer run also needs a longer schedule.",
        ]
    args.md.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.png} and {args.md} ({len(pts)} points)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
