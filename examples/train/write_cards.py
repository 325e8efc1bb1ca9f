# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Write the model cards (README.md) of motionhub's own small lifting checkpoints from their ``results/*.json``.

    python examples/train/write_cards.py   # checkpoints/, the embedded default, the STMO / MPM campaign models
"""

from __future__ import annotations

import json
from pathlib import Path

from motionhub import DSTformerConfig
from motionhub.hub import generate_model_card
from motionhub.io_utils import write_text

__all__ = ["main", "write_card", "write_default_card"]

REPO = Path(__file__).resolve().parents[2]

LICENSE_NOTE = (
    "The weights are released under **CC BY-NC 4.0** and are for **non-commercial research use only**: they were "
    "trained on Human3.6M (academic, non-commercial research licence of vision.imar.ro/human3.6m; no redistribution of "
    "the data, and weights trained on it are research-only) and on the Bandai-Namco Research Motion datasets "
    "(CC BY-NC 4.0, Kobayashi et al. 2023, arXiv:2306.08861). CMU mocap data: mocap.cs.cmu.edu, funded by NSF "
    "EIA-0196217. The code (motionhub) is Apache-2.0."
)
DATASETS = ["human3.6m", "bandai-namco-research-motiondataset", "cmu-mocap"]

IO_SECTION = (
    "* **Input** `(B, T <= 27, 17, 3)`: H36M-17 2D keypoints `(x, y, confidence)`; pixels normalised with "
    "`motionhub.processing.normalize_screen(kp, width, height)` (`x / w * 2 - 1`, `y / w * 2 - h / w`) of the image the "
    "person was filmed in; confidence 1 when the detector gives none; missing joints all-zero. "
    "`motionhub.pretrained.normalize_lifting_input(kp_pixels, (w, h))` does exactly this.\n"
    "* **Output** `pose_3d` `(B, T, 17, 3)`: root-relative (pelvis = 0) 3D in **metres**, camera axes (x right, y down, "
    "z forward). The metric scale is predicted by the model (no ground-truth scale is used at test time); "
    "multiply by 1000 for millimetres.\n"
    "* Longer sequences: `motionhub.pretrained.lift_keypoints(model, x)` (27-frame windows, averaged overlaps).\n"
)

PRETRAIN_DATA = (
    "3D mocap converted to H36M-17 and resampled to 50 fps: Human3.6M **S1, S5, S6, S7** world 3D (301k frames; "
    "**S8 is held out everywhere**, S9/S11 are not used), Bandai-Namco Research Motion datasets 1 + 2 (3,076 sequences, "
    "692k frames at 50 fps), CMU mocap subjects 01-03 (28 trials, 32k frames). Sources sampled 0.4 / 0.3 / 0.3."
)
PRETRAIN_PROCEDURE = (
    "MotionBERT's unified lifting objective, on CPU: every 27-frame clip is filmed by a new random virtual pinhole "
    "camera (any azimuth, elevation -10..35 deg, roll +-5 deg, 3.5-8 m away, off-centre, focal 700-1600 px on a "
    "1000 x 1000 image), screen-normalised, corrupted with MotionBERT's detector-noise model "
    "(`motionhub.corruption.MotionBERTNoise`, 27 key frames, + its distance-to-confidence model; 30 % of clips get "
    "confidence 1) and masks (5 % joints, 10 % frames, `motionhub.corruption.corrupt_2d`); target = the clean "
    "root-relative camera-space 3D in metres; loss = MotionBERT pose3d (MPJPE + 0.5 N-MPJPE + 20 velocity). "
    "AdamW (wd 0.01), lr 1e-3, 50 warm-up steps + cosine, batch 16, transformers Trainer, 1 CPU thread."
)
FINETUNE_DATA = (
    "Human3.6M subjects **S1, S5, S6, S7** (3d-pose-baseline file set), all four cameras, with the **real "
    "Stacked-Hourglass 2D detections** (16 MPII joints -> H36M-17 via `motionhub.skeleton.to_h36m(..., 'mpii-16', "
    "mpii_convention='h36m_sh')`), screen-normalised with the camera's image size, confidence 1; non-overlapping "
    "27-frame clips (44,428 clips). Target: root-relative camera-space 3D (mm / 1000)."
)


def _results(name: str) -> dict | None:
    path = REPO / "results" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _int8_section() -> str:
    """The accuracy cost of ``--quantize int8`` for the default lifter: both ``motionhub evaluate`` outputs of
    benchmarks/results (same files, same protocol, float32 and int8 in one sitting)."""
    folder = REPO / "benchmarks" / "results"
    paths = [folder / f"int8_accuracy_default_{kind}.json" for kind in ("fp32", "int8")]
    if not all(p.exists() for p in paths):
        return ""
    fp32, int8 = (json.loads(p.read_text()) for p in paths)
    row = lambda name, r: (f"| {name} | {r['mpjpe']:.2f} | {r['p_mpjpe']:.2f} | {r['accel_error']:.2f} |")
    return (
        "`motionhub lift --quantize int8` (and `PoseLiftingPipeline(quantize=\"int8\")`) runs this model's ONNX "
        "export with dynamic int8 matrix products on onnxruntime (CPU). Its cost on Human3.6M S8 (every frame, the "
        "protocol above, no flip):\n\n| weights | MPJPE (mm) | P-MPJPE (mm) | acceleration error (mm/frame²) |\n"
        "|---|---|---|---|\n" + row("float32", fp32) + "\n" + row("int8", int8) + "\n\n"
        "The poses barely move, but int8 adds frame-to-frame jitter (the acceleration error of the output rises): "
        "keep float32 where smooth motion matters (animation, BVH export). Speed: `benchmarks/results/README.md`. "
        "Reproduce: `motionhub evaluate motionhub/pretrained/dstformer-lift-default /tmp/h36m_s8_eval_full --protocol "
        "metric [--quantize int8] -o benchmarks/results/int8_accuracy_default_{fp32,int8}.json`."
    )


def _metric_rows(res: dict | None, dataset_name: str) -> list[dict]:
    if not res:
        return []
    note = "real SH detections, no GT scale, " + res.get("eval_files", f"{res.get('num_frames')} frames")
    # evaluate_lifting.py writes mpjpe_mm / p_mpjpe_mm; `motionhub evaluate -o` writes mpjpe / p_mpjpe (mm)
    mpjpe, p_mpjpe = (round(float(res.get(k + "_mm", res.get(k))), 2) for k in ("mpjpe", "p_mpjpe"))
    return [
        dict(task_type="pose-lifting", dataset_type="human3.6m", dataset_name=dataset_name, dataset_split="S8",
             metric_type="mpjpe", metric_name="MPJPE (mm)", metric_value=mpjpe, notes=note),
        dict(task_type="pose-lifting", dataset_type="human3.6m", dataset_name=dataset_name, dataset_split="S8",
             metric_type="p-mpjpe", metric_name="P-MPJPE (mm)", metric_value=p_mpjpe, notes=note),
    ]


def _training_line(res: dict | None) -> str:
    if not res or not res.get("training"):
        return ""
    t = res["training"]
    return (f"\n\nThis checkpoint: {t.get('steps')} optimiser steps of batch {t.get('batch_size')} "
            f"({t.get('wall_clock_minutes')} min wall clock on a shared 2-core CPU). Exact command: "
            f"`{t.get('command')}`.")


def write_card(folder: Path, name: str, *, kind: str, results_name: str | None = None) -> Path:
    config = DSTformerConfig.from_pretrained(folder)
    res = _results(results_name or name)
    if res is not None and not res.get("training") and kind == "default":
        res = {**res, "training": (_results("dstformer-small-h36m") or {}).get("training", {})}
    ds_name = "Human3.6M S8 (held-out training subject), SH detections"
    evaluation = (
        "Held-out subject **S8** of the Human3.6M training set (S9/S11 were never used), all 30 takes x 4 cameras, "
        "the **real Stacked-Hourglass detections** as input (not ground-truth 2D). Files: "
        "`python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval_540 --max-frames 540` (first 540 "
        "frames = 10.8 s of each sequence, 64,800 frames; Human3.6M is research-only, so the files are regenerated "
        "locally, never shipped). MPJPE = mean joint error after making prediction and ground truth root-relative "
        "(pelvis), pooled over all frames, in mm (model output x 1000, **no ground-truth scale or 2.5D factor**); "
        "P-MPJPE = the same after a per-frame similarity (Procrustes) alignment. Non-overlapping 27-frame windows "
        "(the last one aligned to the end), no flip. Reproduce: "
        "`motionhub evaluate <checkpoint> /tmp/h36m_s8_eval_540` (or `python examples/train/evaluate_lifting.py`). "
        "These numbers are **not comparable** to published S9/S11 protocol #1 numbers (different subject, subset, "
        "tiny CPU budget)."
    )
    comparison = ""
    pre, ft, sc = _results("dstformer-small-pretrained"), _results("dstformer-small-h36m"), _results(
        "dstformer-small-h36m-scratch")
    if ft and sc:
        comparison = (
            "| model | H36M finetune | MPJPE (mm) | P-MPJPE (mm) |\n|---|---|---|---|\n"
            + (f"| dstformer-small-pretrained (zero-shot, no H36M 2D) | none | {pre['mpjpe_mm']:.1f} | "
               f"{pre['p_mpjpe_mm']:.1f} |\n" if pre else "")
            + f"| dstformer-small-h36m (pretrained init) | {ft['training'].get('steps')} steps | {ft['mpjpe_mm']:.1f} | "
              f"{ft['p_mpjpe_mm']:.1f} |\n"
            + f"| dstformer-small-h36m-scratch (random init) | {sc['training'].get('steps')} steps | "
              f"{sc['mpjpe_mm']:.1f} | {sc['p_mpjpe_mm']:.1f} |\n\n"
            "Pretrained and scratch runs use the same data order, steps, batch size and learning-rate schedule "
            "(equal training budget). See `results/README.md`."
        )
    if kind == "pretrained":
        summary = (
            "A small DSTformer (0.41 M parameters) **trained by motionhub on CPU** with the MotionBERT 2D-to-3D "
            "lifting pretraining objective on real 3D mocap (Human3.6M S1/S5/S6/S7, Bandai-Namco, CMU). Use it as "
            "the encoder to finetune (lifting, action recognition) or directly as a (weak) 2D-to-3D lifter."
        )
        training_data, procedure = PRETRAIN_DATA, PRETRAIN_PROCEDURE + _training_line(res)
        base = None
    else:
        init = "the pretrained `dstformer-small-pretrained`" if kind != "scratch" else "a **random initialisation**"
        summary = (
            "A small DSTformer (0.41 M parameters) **trained by motionhub on CPU** for 2D-to-3D human pose lifting: "
            f"{init}, finetuned on Human3.6M S1/S5/S6/S7 with real Stacked-Hourglass detections."
            + (" This is motionhub's **embedded default lifting model** (shipped in the package, used by "
               "`motionhub lift` without any download)." if kind == "default" else "")
            + (" It is the equal-budget baseline of the pretraining comparison." if kind == "scratch" else "")
        )
        training_data = FINETUNE_DATA + (" Pretraining: " + PRETRAIN_DATA if kind != "scratch" else "")
        procedure = (
            ("Initialised from `dstformer-small-pretrained` (" + PRETRAIN_PROCEDURE + "). " if kind != "scratch"
             else "Random initialisation (same architecture). ")
            + "Finetuning: MotionBERT pose3d loss (MPJPE + 0.5 N-MPJPE + 20 velocity) on metric targets, AdamW "
            "(wd 0.01), lr 1e-3, warm-up + cosine, batch 16, transformers Trainer, 1 CPU thread."
            + _training_line(res)
        )
        base = "motionhub/dstformer-small-pretrained" if kind != "scratch" else None
    extra = {"Input and output (motionhub's small lifting checkpoints)": IO_SECTION}
    if comparison:
        extra["Pretrained vs scratch (Human3.6M S8)"] = comparison
    card = generate_model_card(
        config, repo_id=f"motionhub/{name}", model_name=name, summary=summary, license="cc-by-nc-4.0",
        license_note=LICENSE_NOTE, datasets=DATASETS, base_model=base,
        tags=["pose-lifting", "3d-human-pose-estimation", "motionhub-trained", "research-only"],
        results=_metric_rows(res, ds_name) or None, training_data=training_data, training_procedure=procedure,
        evaluation=evaluation, input_normalization="screen", extra_sections=extra,
    )
    path = folder / "README.md"
    write_text(path, str(card))
    return path


CAMPAIGN_DATA = (
    "Human3.6M subjects **S1, S5, S6, S7, S8** (3d-pose-baseline file set; S9/S11 were never used), all four "
    "cameras, every frame at 50 fps (1.46 M frames), with the **real Stacked-Hourglass 2D detections** converted the "
    "way users' MPII files are (`motionhub.skeleton.to_h36m(x, 'mpii-16')`, `mpii` convention: slot 7 is the thorax, "
    "the spine is synthesised), screen-normalised with the camera's image size, confidence 1; 27-frame clips every 3 "
    "frames; horizontal flip with probability 0.5. Target: root-relative camera-space 3D in metres. Initialisation: "
    "`dstformer-small-pretrained` (" + PRETRAIN_DATA + ")"
)


def write_default_card(folder: Path) -> Path:
    """The card of the embedded default: the final model of the training campaign (runs/dstformer-lift-final)."""
    config = DSTformerConfig.from_pretrained(folder)
    final = _results("dstformer-lift-default") or {}
    held = _results("dstformer-lift-s8heldout-step5000") or {}
    speed = (_results("dstformer-lift-default-speed") or {})
    run = speed.get("run_settings", {})
    end = speed.get("training_at_end", {})
    timing = speed.get("lift_1000_frames", {})
    old = _results("dstformer-small-h36m") or {}
    summary = (
        "A small DSTformer (0.41 M parameters) **trained by motionhub on CPU** for 2D-to-3D human pose lifting with the "
        "MotionBERT recipe: lifting pretraining on mocap seen by virtual cameras (with detector noise and masks), then "
        "Human3.6M finetuning on real Stacked-Hourglass detections with flip augmentation. This is motionhub's "
        "**embedded default lifting model** (shipped in the package, used by `motionhub lift` without any download)."
    )
    procedure = (
        "Finetuning (`examples/train/campaign_lifting.py`, one resumable run): MotionBERT pose3d loss (MPJPE + 0.5 "
        f"N-MPJPE + 20 velocity), AdamW (wd {run.get('weight_decay')}), lr {run.get('lr')} with "
        f"{run.get('warmup_steps')} warm-up steps + cosine to 0 over {run.get('max_steps')} steps, batch "
        f"{run.get('batch_size')} clips x {run.get('clip_len')} frames, eager attention, transformers Trainer, 2 CPU "
        f"threads (~1,400-1,600 frames/s on a quiet 2-core x86_64 CPU). {end.get('step')} steps, "
        f"{(end.get('frames_seen') or 0) / 1e6:.2f} M frames seen. Exact command: `{run.get('command')}`; run state "
        "and curve: `runs/dstformer-lift-final/`. Pretraining: " + PRETRAIN_PROCEDURE
    )
    rows = []
    if held:
        rows.append(f"| same recipe, S8 held out (`runs/dstformer-lift-s8heldout`, S1/S5/S6/S7 only) | **no** | "
                    f"**{held['mpjpe_mm']:.1f}** | **{held['p_mpjpe_mm']:.1f}** | "
                    "`results/dstformer-lift-s8heldout-step5000.json` |")  # fmt: skip
    if final:
        rows.append(f"| this model (S1/S5/S6/S7/S8) | yes (training subject) | {final['mpjpe_mm']:.1f} | "
                    f"{final['p_mpjpe_mm']:.1f} | `results/dstformer-lift-default.json` |")  # fmt: skip
    if old:
        rows.append(f"| previous default (`dstformer-small-h36m`, 250 steps, 540-frame subset) | no | "
                    f"{old['mpjpe_mm']:.1f} | {old['p_mpjpe_mm']:.1f} | `results/dstformer-small-h36m.json` |")  # fmt: skip
    evaluation = (
        "Human3.6M **S8**, every frame of all 30 takes x 4 cameras (120 files, 258,712 frames), real SH detections as "
        "input, metres out x 1000, **no ground-truth scale**, non-overlapping 27-frame windows, no flip. MPJPE after "
        "making both root-relative (pelvis); P-MPJPE after a per-frame similarity alignment. S9/S11 are not available "
        "here, so this model has **no held-out Human3.6M number of its own**: the held-out figure is that of the same "
        "recipe trained without S8 (the development run); the shipped model's S8 number is a training-subject fit.\n\n"
        "| model | S8 seen in training | MPJPE (mm) | P-MPJPE (mm) | results file |\n|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n\n"
        "Reproduce: `python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval_full` (Human3.6M is "
        "research-only: the files are regenerated locally, never shipped), then `motionhub evaluate "
        "motionhub/pretrained/dstformer-lift-default /tmp/h36m_s8_eval_full --protocol metric` and `motionhub "
        "evaluate runs/dstformer-lift-s8heldout/final /tmp/h36m_s8_eval_full --protocol metric`. For reference, "
        "Martinez et al. (2017, single frame, S9/S11, SH detections fine-tuned on H36M) report 62.9 mm; the numbers "
        "are not strictly comparable (other subjects, off-the-shelf SH detections)."
    )
    speed_text = ""
    if timing:
        speed_text = (
            f"Lifting **1,000 frames with flip averaging takes {timing['median_seconds']:.2f} s** of model time "
            f"({timing['ms_per_frame']:.2f} ms per frame; median of {timing['repeats']}, range "
            f"{timing['min_seconds']:.2f}-{timing['max_seconds']:.2f} s) on {timing['threads']} threads of a 2-core "
            f"{timing['machine']} CPU, torch {timing['torch']}: `PoseLiftingPipeline(flip=True)` on a (1000, 17, 3) "
            f"array after one warm-up call (start-up and file reading excluded). Command: `{timing['command']}` "
            "(`results/dstformer-lift-default-speed.json`)."
        )
    extra = {"Input and output (motionhub's small lifting checkpoints)": IO_SECTION}
    if speed_text:
        extra["Speed"] = speed_text
    int8 = _int8_section()
    if int8:
        extra["int8 inference (`--quantize int8`)"] = int8
    card = generate_model_card(
        config, repo_id="motionhub/dstformer-lift-default", model_name="dstformer-lift-default", summary=summary,
        license="cc-by-nc-4.0", license_note=LICENSE_NOTE, datasets=DATASETS,
        base_model="motionhub/dstformer-small-pretrained",
        tags=["pose-lifting", "3d-human-pose-estimation", "motionhub-trained", "research-only"],
        results=_metric_rows(held, "Human3.6M S8, SH detections (same recipe with S8 held out)") or None,
        training_data=CAMPAIGN_DATA, training_procedure=procedure, evaluation=evaluation,
        input_normalization="screen", extra_sections=extra,
    )
    path = folder / "README.md"
    write_text(path, str(card))
    return path


FAMILY_SUMMARY = {
    "stmo": "a small **STMO** (P-STMO: MLP spatial encoder, transformer temporal encoder, strided-transformer "
            "many-to-one aggregator) that lifts the centre frame of a 27-frame window",
    "mpm": "a small **MPM** (shared spatial MLP + temporal transformer, 2D encoder / 3D decoder) that lifts the centre "
           "frame of a 27-frame window",
}
PRETRAIN_MASKED = {
    "stmo": "P-STMO masked 2D pose modeling",
    "mpm": "MPM's three pretext tasks (masked 2D, masked 3D, masked 2D-to-3D lifting)",
}


def write_family_card(folder: Path, family: str, run: Path, results_name: str) -> Path:
    """The card of a campaign model of another family (STMO / MPM, S8 held out), from its run and results JSON."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(folder)
    res = _results(results_name) or {}
    settings = json.loads((run / "run.json").read_text())
    points = json.loads((run / "curve.json").read_text())["points"]
    end = points[-1] if points else {}
    speed = ((_results("lifter-speed") or {}).get("models") or {}).get(str(folder.relative_to(REPO)), {})
    summary = (
        f"{FAMILY_SUMMARY[family][0].upper()}{FAMILY_SUMMARY[family][1:]}, **trained by motionhub on CPU** for 2D-to-3D "
        "human pose lifting in the same campaign as motionhub's default DSTformer (same data, clips and protocol, "
        "**Human3.6M S8 held out**), so that the results table compares the families by accuracy and speed."
    )
    data = (
        "Human3.6M subjects **S1, S5, S6, S7** (S8 held out, S9/S11 never used), all four cameras, real "
        "Stacked-Hourglass 2D detections converted with `to_h36m(x, 'mpii-16')` (`mpii` convention), (x, y) "
        "screen-normalised, 27 consecutive frames (tds 1) every 3 frames, flip with probability 0.5. Target: "
        f"root-relative camera-space 3D in metres. Initialisation: `checkpoints/{family}-small-pretrained` "
        f"({PRETRAIN_MASKED[family]}, `examples/pretrain_masked.py`, 27 frames sampled every 2nd frame, 3,000 steps x "
        "64, Bandai-Namco + H36M S1/5/6/7; its `train.log` holds the command)."
    )
    procedure = (
        "P-STMO's lifting loss (MPJPE on every frame of the window + the centre frame), AdamW (wd "
        f"{settings['weight_decay']}), lr {settings['lr']} with {settings['warmup_steps']} warm-up steps + cosine over "
        f"{settings['max_steps']} steps, batch {settings['batch_size']} x {settings['clip_len']} frames, transformers "
        f"Trainer, 2 CPU threads; {end.get('step')} steps, {(end.get('frames_seen') or 0) / 1e6:.2f} M frames, "
        f"{end.get('cpu_hours')} CPU-hours. Exact command: `{settings['command']}` (continues from the newest "
        f"checkpoint on any machine); run state and learning curve: `{run.relative_to(REPO)}/`."
    )
    evaluation = (
        "Human3.6M **S8** (held out), every frame of all 30 takes x 4 cameras (120 files, 258,712 frames), metres out "
        "x 1000, no ground-truth scale, one centred window per frame (edges repeat the first / last frame), no flip: "
        f"**MPJPE {res.get('mpjpe', float('nan')):.1f} mm, P-MPJPE {res.get('p_mpjpe', float('nan')):.1f} mm** "
        f"(`results/{results_name}.json`). Reproduce: `python examples/train/make_h36m_eval_npz.py --out "
        f"/tmp/h36m_s8_eval_full`, then `motionhub evaluate {folder.relative_to(REPO)} /tmp/h36m_s8_eval_full "
        "--protocol metric`. The default DSTformer's recipe reaches 72.1 mm on the same frames."
    )
    extra = {}
    if speed:
        extra["Speed"] = (
            f"Lifting 1,000 frames with flip averaging takes **{speed['median_seconds']:.2f} s** of model time "
            f"({speed['ms_per_frame']:.2f} ms per frame, median of {speed['repeats']}) on 2 threads: "
            "`python examples/train/time_lifters.py` (`results/lifter-speed.json`)."
        )
    card = generate_model_card(
        config, repo_id=f"motionhub/{family}-lift-s8heldout", model_name=f"{family}-lift-s8heldout", summary=summary,
        license="cc-by-nc-4.0", license_note=LICENSE_NOTE, datasets=DATASETS[:2],
        base_model=f"motionhub/{family}-small-pretrained",
        tags=["pose-lifting", "3d-human-pose-estimation", "motionhub-trained", "research-only"],
        results=_metric_rows(res, "Human3.6M S8 (held out), SH detections") or None,
        training_data=data, training_procedure=procedure, evaluation=evaluation,
        input_normalization="screen", extra_sections=extra or None,
    )
    path = folder / "README.md"
    write_text(path, str(card))
    return path


def main() -> int:
    specs = [
        (REPO / "checkpoints" / "dstformer-small-pretrained", "dstformer-small-pretrained", "pretrained", None),
        (REPO / "checkpoints" / "dstformer-small-h36m", "dstformer-small-h36m", "finetuned", None),
        (REPO / "checkpoints" / "dstformer-small-h36m-scratch", "dstformer-small-h36m-scratch", "scratch", None),
    ]
    for folder, name, kind, results_name in specs:
        if (folder / "config.json").exists():
            print("wrote", write_card(folder, name, kind=kind, results_name=results_name))
    print("wrote", write_default_card(REPO / "motionhub" / "pretrained" / "dstformer-lift-default"))
    for family in ("stmo", "mpm"):
        run = REPO / "runs" / f"{family}-lift-s8heldout"
        if (run / "final" / "config.json").exists():
            print("wrote", write_family_card(run / "final", family, run, f"{family}-lift-s8heldout"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
