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

__all__ = ["main", "write_card", "write_default_card", "write_foundation_cards", "write_prior_card"]

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
    """The accuracy cost of ``--quantize int8`` for the default lifter: the default's float32 evaluation
    (``results/dstformer-lift-default.json``) and the same ``motionhub evaluate`` with ``--quantize int8``
    (``benchmarks/results/int8_accuracy_default_int8.json``): same files, same protocol."""
    paths = [REPO / "results" / "dstformer-lift-default.json",
             REPO / "benchmarks" / "results" / "int8_accuracy_default_int8.json"]
    if not all(p.exists() for p in paths):
        return ""
    fp32, int8 = (json.loads(p.read_text()) for p in paths)
    row = lambda name, r: (f"| {name} | {r['mpjpe']:.2f} | {r['p_mpjpe']:.2f} | {r['accel_error']:.2f} |")
    return (
        "`motionhub lift --quantize int8` (and `PoseLiftingPipeline(quantize=\"int8\")`) runs this model's ONNX "
        "export with dynamic int8 matrix products on onnxruntime (CPU). Its cost on Human3.6M S8 (every frame, the "
        "protocol above, no flip):\n\n| weights | MPJPE (mm) | P-MPJPE (mm) | acceleration error (mm/frame²) |\n"
        "|---|---|---|---|\n" + row("float32", fp32) + "\n" + row("int8 (7-bit weights)", int8) + "\n\n"
        "The poses barely move, but int8 adds frame-to-frame jitter (the acceleration error of the output rises): "
        "keep float32 where smooth motion matters (animation, BVH export). Speed: `benchmarks/results/README.md`. "
        "Reproduce: `motionhub evaluate motionhub/pretrained/dstformer-lift-default /tmp/h36m_s8_eval_full --protocol "
        "metric -o results/dstformer-lift-default.json` (float32) and the same with `--quantize int8 -o "
        "benchmarks/results/int8_accuracy_default_int8.json`."
    )


def _speed_section(timing: dict) -> str:
    """The default's measured time to lift 1,000 frames (``results/dstformer-lift-default-speed.json``)."""
    if not timing:
        return ""
    return (
        f"Lifting **1,000 frames with flip averaging takes {timing['median_seconds']:.2f} s** of model time "
        f"({timing['ms_per_frame']:.2f} ms per frame; median of {timing['repeats']}, range "
        f"{timing['min_seconds']:.2f}-{timing['max_seconds']:.2f} s) on {timing['threads']} threads of a 2-core "
        f"{timing['machine']} CPU, torch {timing['torch']}: `PoseLiftingPipeline(flip=True)` on a (1000, 17, 3) "
        f"array after one warm-up call (start-up and file reading excluded). Command: `{timing['command']}` "
        "(`results/dstformer-lift-default-speed.json`)."
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


def _save_default_card(folder: Path, config, *, summary: str, base_model: str, held: dict, training_data: str,
                       procedure: str, evaluation: str, timing: dict) -> Path:
    """Write the embedded default's card: what differs between recipes is given, the rest (sections, tags, licence,
    speed, int8 cost) is the same for every default."""
    extra = {"Input and output (motionhub's small lifting checkpoints)": IO_SECTION}
    if timing:
        extra["Speed"] = _speed_section(timing)
    int8 = _int8_section()
    if int8:
        extra["int8 inference (`--quantize int8`)"] = int8
    card = generate_model_card(
        config, repo_id="motionhub/dstformer-lift-default", model_name="dstformer-lift-default", summary=summary,
        license="cc-by-nc-4.0", license_note=LICENSE_NOTE, datasets=DATASETS, base_model=base_model,
        tags=["pose-lifting", "3d-human-pose-estimation", "motionhub-trained", "research-only"],
        results=_metric_rows(held, "Human3.6M S8, SH detections (same recipe with S8 held out)") or None,
        training_data=training_data, training_procedure=procedure, evaluation=evaluation,
        input_normalization="screen", extra_sections=extra,
    )
    path = folder / "README.md"
    write_text(path, str(card))
    return path


def write_default_card(folder: Path) -> Path:
    """The card of the embedded default: the final model of the training campaign (runs/dstformer-lift-final)."""
    speed = (_results("dstformer-lift-default-speed") or {})
    if speed.get("from_run") in DEV_RUNS and speed["from_run"] != "runs/dstformer-lift-final":
        return _write_foundation_default_card(folder, speed)  # the default follows the run it was made from
    config = DSTformerConfig.from_pretrained(folder)
    final = _results("dstformer-lift-default") or {}
    held = _results("dstformer-lift-s8heldout-step5000") or {}
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
    return _save_default_card(folder, config, summary=summary, base_model="motionhub/dstformer-small-pretrained",
                              held=held, training_data=CAMPAIGN_DATA, procedure=procedure, evaluation=evaluation,
                              timing=timing)


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


# ------------------------------------------------------------------ the foundation-encoder campaign (issue 24)
FOUNDATION_PRETRAIN = "runs/dstformer-pretrain-d128"
FOUNDATION_DEV = ("runs/dstformer-lift-d128-s8heldout", "dstformer-lift-d128-s8heldout")
#: final run of the default -> (its development run with S8 held out, that run's every-frame results file)
DEV_RUNS = {"runs/dstformer-lift-final": ("runs/dstformer-lift-s8heldout", "dstformer-lift-s8heldout-step5000"),
            "runs/dstformer-lift-d128-final": FOUNDATION_DEV}


def _size(config) -> str:
    from motionhub import DSTformerForPoseLifting

    params = sum(p.numel() for p in DSTformerForPoseLifting(config).parameters())
    return (f"dim_feat {config.dim_feat}, dim_rep {config.dim_rep}, depth {config.depth}, {config.num_heads} heads, "
            f"mlp_ratio {config.mlp_ratio:g}, {config.maxlen}-frame clips, {params / 1e6:.2f} M parameters")


def _run_procedure(run: Path) -> str:
    """Optimiser, schedule, budget and exact command of a campaign run, from its run.json / curve.json."""
    s = json.loads((run / "run.json").read_text())
    points = json.loads((run / "curve.json").read_text()).get("points", []) if (run / "curve.json").exists() else []
    end = points[-1] if points else {}
    budget = (f"; {end.get('step')} steps, {(end.get('frames_seen') or 0) / 1e6:.2f} M frames seen, "
              f"{end.get('cpu_hours')} CPU-hours" if end else "")
    return (f"AdamW (wd {s['weight_decay']}), peak lr {s['lr']:g} with {s['warmup_steps']} warm-up steps + cosine to "
            f"0 over {s['max_steps']} steps, batch {s['batch_size']} clips x {s['clip_len']} frames, transformers "
            f"Trainer, 2 CPU threads{budget}. Exact command (resumes from the newest checkpoint on any machine): "
            f"`{s['command']}`; run settings and learning curve: `{run.relative_to(REPO)}/`.")


def _foundation_pretrain_data(run: Path) -> str:
    s = json.loads((run / "run.json").read_text())
    weights = s.get("mocap_weights", "")
    return (f"3D mocap converted to H36M-17 at 50 fps: Human3.6M **{', '.join(s['mocap_subjects'])}** world 3D "
            "(S8 held out for the curve; S9/S11 never used), Bandai-Namco Research Motion datasets 1 + 2, CMU mocap "
            f"subjects 01-03; source sampling weights {weights}.")


FOUNDATION_OBJECTIVE = (
    "MotionBERT's unified 2D-to-3D lifting pretraining: every clip is filmed by a new random virtual pinhole camera "
    "(any azimuth, elevation -10..35 deg, roll +-5 deg, 3.5-8 m away, off-centre, focal 700-1600 px on a 1000 x 1000 "
    "image), screen-normalised, corrupted with MotionBERT's detector-noise model (`motionhub.corruption."
    "MotionBERTNoise`) and its distance-to-confidence model (30 % of clips get confidence 1), 5 % joint and 10 % "
    "frame masks; target = the clean root-relative camera-space 3D in metres; loss = MotionBERT pose3d (MPJPE + 0.5 "
    "N-MPJPE + 20 velocity)."
)


def write_foundation_cards() -> list[Path]:
    """Cards of the foundation encoder (``runs/dstformer-pretrain-d128/final``) and of its development finetune
    (``runs/dstformer-lift-d128-s8heldout/final``), from their run / curve / results files."""
    written = []
    run = REPO / FOUNDATION_PRETRAIN
    if (run / "final" / "config.json").exists():
        config = DSTformerConfig.from_pretrained(run / "final")
        end = json.loads((run / "curve.json").read_text())["points"][-1]
        dev = _results(FOUNDATION_DEV[1]) or {}
        old = _results("dstformer-lift-s8heldout-step5000") or {}
        kinect = _results("kinect_foundation_front") or {}
        uses = []
        if dev and old:
            uses.append(f"finetuned on Human3.6M SH detections of S1/S5/S6/S7 (`{FOUNDATION_DEV[0]}`): **"
                        f"{dev['mpjpe']:.1f} mm MPJPE / {dev['p_mpjpe']:.1f} mm P-MPJPE on every frame of held-out "
                        f"S8** (`results/{FOUNDATION_DEV[1]}.json`), against {_mm(old, 'mpjpe'):.1f} / "
                        f"{_mm(old, 'p_mpjpe'):.1f} for the 0.41 M recipe "
                        "(`results/dstformer-lift-s8heldout-step5000.json`)")
        rows = []
        for name, entry in (kinect.get("sets") or {}).items():
            runs = entry.get("runs") or {}
            if not (runs.get("pretrained-ortho") and runs.get("scratch-ortho")):
                continue
            # the best of the scikit-learn baselines on the same prepared clips (1-NN, logistic; 3D or 2D input)
            base = max((k for k in runs if k.split("-")[0] in ("knn", "logreg")), key=lambda k: runs[k]["top1"],
                       default=None)
            rows.append(f"{name} {100 * runs['pretrained-ortho']['top1']:.1f} / "
                        f"{100 * runs['scratch-ortho']['top1']:.1f}"
                        + (f" / {100 * runs[base]['top1']:.1f} ({base})" if base else ""))
        if rows:
            uses.append("Kinect action sets, cross-subject, clips facing the camera, top-1 % finetuned from this "
                        "encoder / from scratch / best scikit-learn baseline: " + "; ".join(rows)
                        + " (`results/kinect_foundation_front.md`)")
        summary = (
            f"motionhub's **foundation encoder**: a DSTformer ({_size(config)}) **pretrained by motionhub on CPU** "
            "with MotionBERT's unified 2D-to-3D lifting objective on every 3D source here, seen through random "
            "virtual cameras with detector noise, confidences and masks. It is what motionhub's lifter and action "
            "recipes start from (`--init` / `--model`); used directly it is a zero-shot 2D-to-3D lifter."
        )
        evaluation = (
            "Zero-shot on real detections it has never seen: Human3.6M **S8** (held out), Stacked-Hourglass 2D, first "
            "540 frames of every take x camera (64,800 frames), no ground-truth scale, non-overlapping 27-frame "
            f"windows: **MPJPE {end['mpjpe_mm']:.1f} mm, P-MPJPE {end['p_mpjpe_mm']:.1f} mm** at the last step "
            f"(curve: `{FOUNDATION_PRETRAIN}/curve.json`; P-MPJPE flattens at 68-70 mm after ~2,000 steps; MPJPE "
            "stays high because the scale and depth of real detections are what finetuning adds). Reproduce: "
            "`python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval540 --max-frames 540`, then "
            f"`motionhub evaluate {FOUNDATION_PRETRAIN}/final /tmp/h36m_s8_eval540 --protocol metric -o "
            "results/dstformer-pretrain-d128-zeroshot-s8.json` (the same numbers as the curve's last point).\n\n"
            + ("What it is worth downstream:\n\n" + "".join(f"* {u}.\n" for u in uses) if uses else "")
        )
        card = generate_model_card(
            config, repo_id="motionhub/dstformer-pretrain-d128", model_name="dstformer-pretrain-d128",
            summary=summary, license="cc-by-nc-4.0", license_note=LICENSE_NOTE, datasets=DATASETS,
            tags=["pose-lifting", "motion-encoder", "pretrained", "motionhub-trained", "research-only"],
            results=[{"task_type": "pose-lifting", "dataset_type": "human3.6m",
                      "dataset_name": "Human3.6M S8 (held out), SH detections, zero-shot", "dataset_split": "S8",
                      "metric_type": kind, "metric_name": f"{name} (mm)", "metric_value": round(end[key], 2),
                      "notes": "first 540 frames of every sequence, no GT scale"}
                     for kind, name, key in (("mpjpe", "MPJPE", "mpjpe_mm"), ("p-mpjpe", "P-MPJPE", "p_mpjpe_mm"))],
            training_data=_foundation_pretrain_data(run),
            training_procedure=FOUNDATION_OBJECTIVE + " " + _run_procedure(run),
            evaluation=evaluation, input_normalization="screen",
            extra_sections={"Input and output (motionhub's small lifting checkpoints)": IO_SECTION},
        )
        written.append(run / "final" / "README.md")
        write_text(written[-1], str(card))
    dev_run = REPO / FOUNDATION_DEV[0]
    res = _results(FOUNDATION_DEV[1])
    if (dev_run / "final" / "config.json").exists() and res:
        config = DSTformerConfig.from_pretrained(dev_run / "final")
        s = json.loads((dev_run / "run.json").read_text())
        seen = _results(FOUNDATION_DEV[1] + "-on-s1") or {}
        conf = {k: _results(f"confidence_s8_dev_{k}") for k in ("c1", "c06", "uniform")}
        summary = (
            f"The **development run** of motionhub's lifting recipe on the foundation encoder: a DSTformer "
            f"({_size(config)}) initialised from `dstformer-pretrain-d128` and finetuned on Human3.6M "
            f"{'/'.join(s['train_subjects'])} with the real Stacked-Hourglass detections, **S8 held out**, so that "
            "its S8 numbers measure subjects the model has never seen. The shipped default is the same recipe "
            "trained on S1-S8."
        )
        rows = (f"| every frame of S8 (258,712 frames) | {res['mpjpe']:.1f} | {res['p_mpjpe']:.1f} | "
                f"{res['n_mpjpe']:.1f} | `results/{FOUNDATION_DEV[1]}.json` |\n")
        if seen:
            rows += (f"| first 540 frames per take of S1 (a training subject) | {seen['mpjpe']:.1f} | "
                     f"{seen['p_mpjpe']:.1f} | {seen['n_mpjpe']:.1f} | `results/{FOUNDATION_DEV[1]}-on-s1.json` |\n")
        conf_text = ""
        if all(conf.values()):
            conf_text = (
                "\n\nDetector confidences do not move it (first 540 frames per take of S8, the same 2D with scores "
                f"1 / 0.6 / uniform in [0.3, 1]): MPJPE {conf['c1']['mpjpe']:.2f} / {conf['c06']['mpjpe']:.2f} / "
                f"{conf['uniform']['mpjpe']:.2f} mm (`results/confidence_s8_dev_*.json`; files from "
                "`make_h36m_eval_npz.py --confidence 0.6 | uniform:0.3:1`).")
        evaluation = (
            "Human3.6M, real SH detections as input, metres out x 1000, **no ground-truth scale**, non-overlapping "
            "27-frame windows, no flip; MPJPE after making both root-relative, P-MPJPE after a per-frame similarity "
            "alignment, N-MPJPE after a per-frame scale.\n\n| frames | MPJPE (mm) | P-MPJPE (mm) | N-MPJPE (mm) | "
            "results file |\n|---|---|---|---|---|\n" + rows + "\n"
            f"Camera-space trajectory (`--trajectory`, every S8 frame): root error {res['root_error']:.1f} mm "
            f"(bone-ratio baseline {res['root_error_baseline']:.1f}), up direction {res['up_error_deg']:.1f} deg."
            + conf_text + "\n\nReproduce: `python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval_full`, "
            f"then `motionhub evaluate {FOUNDATION_DEV[0]}/final /tmp/h36m_s8_eval_full --protocol metric "
            "--trajectory`. Martinez et al. (2017, S9/S11, SH fine-tuned on H36M) report 62.9 mm; not strictly "
            "comparable (other subjects, off-the-shelf SH detections here)."
        )
        procedure = (
            "MotionBERT pose3d loss (MPJPE + 0.5 N-MPJPE + 20 velocity), flip augmentation (p = 0.5), "
            f"`--confidence-aug {s['confidence_aug']:g}` (that share of clips gets random detector-like confidences, "
            "so a detector's score scale does not move the result). " + _run_procedure(dev_run)
        )
        card = generate_model_card(
            config, repo_id="motionhub/dstformer-lift-d128-s8heldout", model_name="dstformer-lift-d128-s8heldout",
            summary=summary, license="cc-by-nc-4.0", license_note=LICENSE_NOTE, datasets=DATASETS,
            base_model="motionhub/dstformer-pretrain-d128",
            tags=["pose-lifting", "3d-human-pose-estimation", "motionhub-trained", "research-only"],
            results=_metric_rows(res, "Human3.6M S8 (held out), SH detections") or None,
            training_data=(f"Human3.6M subjects **{', '.join(s['train_subjects'])}** (S8 held out, S9/S11 never "
                           "used), all four cameras, every frame at 50 fps, real SH detections converted with "
                           "`to_h36m(x, 'mpii-16')`, screen-normalised, 27-frame clips every 3 frames. Pretraining: "
                           + _foundation_pretrain_data(REPO / FOUNDATION_PRETRAIN)),
            training_procedure=procedure, evaluation=evaluation, input_normalization="screen",
            extra_sections={"Input and output (motionhub's small lifting checkpoints)": IO_SECTION},
        )
        written.append(dev_run / "final" / "README.md")
        write_text(written[-1], str(card))
    return written


def _mm(res: dict, key: str) -> float:
    """``motionhub evaluate -o`` writes ``mpjpe``; evaluate_lifting.py wrote ``mpjpe_mm`` (both mm)."""
    return float(res[key + "_mm"] if key + "_mm" in res else res[key])


def _write_foundation_default_card(folder: Path, speed: dict) -> Path:
    """The default's card when it is the foundation-encoder recipe trained on S1-S8 (``runs/dstformer-lift-d128-final``)."""
    config = DSTformerConfig.from_pretrained(folder)
    run = REPO / speed["from_run"]
    s = json.loads((run / "run.json").read_text())
    dev_run, dev_name = DEV_RUNS[speed["from_run"]]
    held, final, old = _results(dev_name) or {}, _results("dstformer-lift-default") or {}, _results(
        "dstformer-lift-s8heldout-step5000") or {}
    conf = {k: _results(f"confidence_s8_dev_{k}") for k in ("c1", "c06", "uniform")}
    shipped_conf = {k: _results(f"confidence_s8_default_{k}") for k in ("c1", "c06", "uniform")}
    timing = speed.get("lift_1000_frames", {})
    summary = (
        f"motionhub's **embedded default lifting model** (shipped in the package, used by `motionhub lift` without any "
        f"download): a DSTformer ({_size(config)}) **trained by motionhub on CPU** with the MotionBERT recipe: "
        "`dstformer-pretrain-d128` (unified lifting pretraining on every 3D source here through random virtual cameras) "
        f"finetuned on Human3.6M {'/'.join(s['train_subjects'])} with real Stacked-Hourglass detections and "
        "detector-like confidences."
    )
    procedure = (
        "MotionBERT pose3d loss (MPJPE + 0.5 N-MPJPE + 20 velocity), flip augmentation (p = 0.5), "
        f"`--confidence-aug {s['confidence_aug']:g}` (that share of clips gets random detector-like confidences). "
        + _run_procedure(run) + " Pretraining: " + FOUNDATION_OBJECTIVE + " " + _run_procedure(REPO / FOUNDATION_PRETRAIN)
    )
    rows = []
    if held:
        rows.append(f"| same recipe, S8 held out (`{dev_run}`) | **no** | **{_mm(held, 'mpjpe'):.1f}** | "
                    f"**{_mm(held, 'p_mpjpe'):.1f}** | `results/{dev_name}.json` |")
    if final:
        rows.append(f"| this model ({'/'.join(s['train_subjects'])}) | yes (training subject) | {_mm(final, 'mpjpe'):.1f} | "
                    f"{_mm(final, 'p_mpjpe'):.1f} | `results/dstformer-lift-default.json` |")
    if old:
        rows.append(f"| the previous default's recipe (0.41 M, S8 held out, `runs/dstformer-lift-s8heldout`) | no | "
                    f"{_mm(old, 'mpjpe'):.1f} | {_mm(old, 'p_mpjpe'):.1f} | `results/dstformer-lift-s8heldout-step5000.json` |")
    conf_text = ""
    if all(conf.values()):
        conf_text = (
            "\n\n**Detector confidences** do not move the recipe (development model, first 540 frames per take of "
            "S8, the same 2D with scores 1 / 0.6 / uniform in [0.3, 1]): MPJPE "
            f"{conf['c1']['mpjpe']:.2f} / {conf['c06']['mpjpe']:.2f} / {conf['uniform']['mpjpe']:.2f} mm "
            "(`results/confidence_s8_dev_*.json`): a detector's score scale needs no setting.")
    if all(shipped_conf.values()):
        conf_text += (
            " This model, on the same files (S8 is one of its training subjects): MPJPE "
            f"{shipped_conf['c1']['mpjpe']:.2f} / {shipped_conf['c06']['mpjpe']:.2f} / "
            f"{shipped_conf['uniform']['mpjpe']:.2f} mm (`results/confidence_s8_default_*.json`; `motionhub evaluate "
            "motionhub/pretrained/dstformer-lift-default /tmp/h36m_s8_eval540[_c06|_cu] --protocol metric`, files from "
            "`make_h36m_eval_npz.py --max-frames 540 [--confidence 0.6 | --confidence uniform:0.3:1]`).")
    evaluation = (
        "Human3.6M **S8**, every frame of all 30 takes x 4 cameras (120 files, 258,712 frames), real SH detections as "
        "input, metres out x 1000, **no ground-truth scale**, non-overlapping 27-frame windows, no flip. S9/S11 are "
        "not available here, so this model has **no held-out Human3.6M number of its own**: the held-out figure is "
        "that of the same recipe trained without S8 (the development run); the shipped model's S8 number is a "
        "training-subject fit.\n\n| model | S8 seen in training | MPJPE (mm) | P-MPJPE (mm) | results file |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + conf_text + "\n\n"
        "Reproduce: `python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval_full` (Human3.6M is "
        "research-only: the files are regenerated locally, never shipped), then `motionhub evaluate "
        f"motionhub/pretrained/dstformer-lift-default /tmp/h36m_s8_eval_full --protocol metric` and `motionhub "
        f"evaluate {dev_run}/final /tmp/h36m_s8_eval_full --protocol metric`. For reference, Martinez et al. "
        "(2017, single frame, S9/S11, SH detections fine-tuned on H36M) report 62.9 mm; not strictly comparable "
        "(other subjects, off-the-shelf SH detections)."
    )
    data = (f"Human3.6M subjects **{', '.join(s['train_subjects'])}** (S9/S11 never used), all four cameras, every "
            "frame at 50 fps, real SH detections converted with `to_h36m(x, 'mpii-16')`, screen-normalised, 27-frame "
            "clips every 3 frames. Pretraining: " + _foundation_pretrain_data(REPO / FOUNDATION_PRETRAIN))
    return _save_default_card(folder, config, summary=summary, base_model="motionhub/dstformer-pretrain-d128",
                              held=held, training_data=data, procedure=procedure, evaluation=evaluation, timing=timing)


# ------------------------------------------------------------------ the default STRIDE motion prior (issue 25)
PRIOR_RUN = "runs/stride-prior-pretrain-d64-interp"
PRIOR_SWEEP = "results/sweep_stride_prior"
OCCLUSION_BENCH = "benchmarks/results/occlusion_h36m"


def _occlusion_section() -> str:
    """The occlusion benchmark's table (``benchmarks/results/occlusion_h36m.json``) and its command."""
    path = REPO / f"{OCCLUSION_BENCH}.json"
    if not path.exists():
        return ""
    rep = json.loads(path.read_text())
    info = rep["info"]
    fmt = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    rows = [f"| {m} | {fmt(s['all']['mpjpe'])} | {fmt(s['occluded']['mpjpe'])} | {fmt(s['occluded']['pa_mpjpe'])} | "
            f"{fmt(s['all']['accel'])} | {rep['ms_per_1000_frames'][m] / 1000:.1f} |"
            for m, s in rep["summary"].items()]  # fmt: skip
    return (
        "Occluded-Human3.6M-style protocol (STRIDE's: in every 3.2 s a span of up to 1.6 s where the whole person is "
        "missing, plus limb occlusions and joint dropouts; seeded) applied to the **real Stacked-Hourglass "
        f"detections** of Human3.6M **S8** (never seen by this prior), {info['files']} files x up to "
        f"{info['frames'] // max(info['files'], 1)} frames at {info['fps']:g} fps ({info['frames']:,} frames); "
        "backbone: motionhub's default lifter (`motionhub lift`); root-relative mm; occluded = frames with any hidden "
        "joint; seconds per 1,000 frames on 2 CPU threads (the backbone's lifting included).\n\n"
        "| method | MPJPE all | MPJPE occluded | PA-MPJPE occluded | accel all | s / 1,000 frames |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Exact command (`{OCCLUSION_BENCH}.md` / `.json`): `{rep['command']}` (the S8 / S1 files come from "
        "`python examples/train/make_h36m_eval_npz.py --out /tmp/h36m_s8_eval_full` and `... --subjects S1 "
        "--max-frames 540 --out /tmp/h36m_s1_eval540`; Human3.6M is research-only: regenerated locally, never shipped). "
        "For scale, the paper (STRIDE, supplementary Table 2, Occluded Human3.6M, its own backbone and occluders): "
        "STRIDE 80.7 MPJPE / 59.0 PA-MPJPE vs linear interpolation 83.3 / 64.1.\n\n"
        f"**Read with care**: {_ttt_vs_smoothing(rep)} Test-time training costs about 100 s per 1,000 frames on 2 "
        "threads, 30 times the lifting itself."
    )


def _ttt_vs_smoothing(rep: dict) -> str:
    """How clearly test-time training (ours) beats interpolation + smoothing on the occluded frames, per file."""
    sg = "backbone + interpolation + Savitzky-Golay"
    ours = next((m for m in rep["summary"] if m.startswith("STRIDE TTT (ours")), None)
    if ours is None or sg not in rep["summary"]:
        return ""
    a, b = rep["summary"][ours]["occluded"], rep["summary"][sg]["occluded"]
    wins = [sum(f["metrics"][ours]["occluded"][k] < f["metrics"][sg]["occluded"][k] for f in rep["files"])
            for k in ("mpjpe", "pa_mpjpe")]  # fmt: skip
    return (f"on the occluded frames test-time training with self-occlusion is ahead of interpolation + smoothing by "
            f"{b['mpjpe'] - a['mpjpe']:.1f} mm MPJPE and {b['pa_mpjpe'] - a['pa_mpjpe']:.1f} mm PA-MPJPE, pooled over "
            f"{len(rep['files'])} files of one seed; per file it wins {wins[0]} / {len(rep['files'])} (MPJPE) and "
            f"{wins[1]} / {len(rep['files'])} (PA-MPJPE): a thin margin, not the paper's 2.6 mm.")


def write_prior_card(folder: Path, run: Path | None = None) -> Path:
    """The card of the embedded default STRIDE motion prior, from its run (``PRIOR_RUN``), the equal-budget sweep
    that chose it (``PRIOR_SWEEP``) and the occlusion benchmark (``OCCLUSION_BENCH``)."""
    run = run or REPO / PRIOR_RUN
    config = DSTformerConfig.from_pretrained(folder)
    settings = json.loads((run / "run.json").read_text())
    points = json.loads((run / "curve.json").read_text())["points"]
    end = points[-1] if points else {}
    sweep = json.loads((REPO / PRIOR_SWEEP / "sweep.json").read_text())["runs"]
    first = sweep.get("prior-d64-L3-T81-B32-interp", {})
    stage1_file = REPO / PRIOR_SWEEP / "prior-d64-L3-T81-B32-interp" / "run.json"
    stage1 = json.loads(stage1_file.read_text()) if stage1_file.exists() else {}
    zero = sweep.get("prior-d64-L3-T81-B32", {})
    cpu_hours = (first.get("train_cpu_hours") or 0.0) + (end.get("cpu_hours") or 0.0)
    summary = (
        "motionhub's **default STRIDE motion prior** (`motionhub lift ... --refine stride`, `motionhub stride`, "
        "`benchmarks/bench_occlusion.py`): STRIDE's recipe, a DSTformer whose input is noisy, partly hidden 3D poses "
        "and whose output is the clean root-relative pose of every frame, **trained by motionhub on CPU** on every 3D "
        "source available to the project. Test-time training (`motionhub.tasks.stride.test_time_train`) adapts it to "
        "one video's lifted poses to fill occlusions and remove jitter."
    )
    data = (
        "3D mocap converted to H36M-17 at **25 fps** (STRIDE's rate; the occlusion window of 3.2 s = 81 frames): "
        "Human3.6M **S1, S5, S6, S7** world 3D (S8 held out everywhere, S9/S11 not used), Bandai-Namco Research Motion "
        "datasets 1 + 2, CMU mocap subjects 01-03; sources sampled 0.4 / 0.3 / 0.3 (`campaign_lifting.py --data "
        "masked3d`). Every 81-frame clip is seen by a random virtual camera (camera space: x right, y down, z forward, "
        "metres), mirrored with probability 0.5, and corrupted (`motionhub.tasks.stride.Masked3DCollator`): smooth "
        "key-frame noise (3 cm, 2.5x in depth), per-frame jitter (2 cm), 5 % joint and 10 % frame masks, and in half "
        "the clips STRIDE occlusions (`motionhub.corruption.OcclusionSimulator`). Target: the clean root-relative pose."
    )
    procedure = (
        "Loss: MPJPE + 0.5 N-MPJPE (`campaign_lifting.MASKED3D_LOSS`; STRIDE's velocity and limb-variance weights are "
        "written into the saved config for test-time training). AdamW (wd "
        f"{settings['weight_decay']}), batch {settings['batch_size']} x {settings['clip_len']} frames, transformers "
        "Trainer, 2 CPU threads. Two stages, one schedule each: the equal-budget sweep's winner "
        f"(`{PRIOR_SWEEP}/`: {first.get('max_steps')} steps from scratch, lr 5e-4, 30 CPU-minutes; exact command "
        f"`{stage1.get('command')}`), continued by `{run.relative_to(REPO)}` ({settings['max_steps']} steps, lr "
        f"{settings['lr']} with {settings['warmup_steps']} warm-up steps + cosine; exact command "
        f"`{settings['command']}`). In all "
        f"{(first.get('max_steps') or 0) + (end.get('step') or 0)} steps, "
        f"{((first.get('frames_seen') or 0) + (end.get('frames_seen') or 0)) / 1e6:.2f} M frames, {cpu_hours:.2f} "
        "CPU-hours.\n\n"
        "**Hidden joints enter linearly interpolated** (`fill_missing: interpolate` in `preprocessor_config.json`), "
        "not zeroed as in STRIDE: the prior then only learns what it adds to interpolation. Measured at equal budget "
        f"(30 CPU-minutes, S8 in-filling): interpolated input **{first.get('mpjpe_hidden_mm')} mm** on fully hidden "
        f"frames vs zeroed input {zero.get('mpjpe_hidden_mm')} mm (linear interpolation of the same input: "
        f"{first.get('interp_mpjpe_hidden_mm')} mm); the sweep table is `{PRIOR_SWEEP}/README.md`."
    )
    evaluation = (
        "**In-filling, S8 (held out)**: the first 540 frames of all 120 S8 sequences at 25 fps, corrupted once "
        "(seeded) like the training clips with every clip occluded; the prior's overlapping windows with flip. "
        f"At the end of training: MPJPE **{end.get('mpjpe_hidden_mm')} mm** on fully hidden frames and "
        f"{end.get('mpjpe_mm')} mm on all frames, against linear interpolation of the same input "
        f"{end.get('interp_mpjpe_hidden_mm')} / {end.get('interp_mpjpe_mm')} mm (curve: "
        f"`{run.relative_to(REPO)}/curve.json`)."
    )
    occlusion = _occlusion_section()
    extra = {"Input convention": (
        "`keypoints` `(B, T <= 81, 17, 3)`: H36M-17 3D joints in **metres**, camera space (x right, y down, z "
        "forward), hidden joints linearly interpolated in time from the window's visible frames, each window "
        "translated so that the mean of its visible joints is 0. `stride_predict` / `test_time_train` do all of this "
        "from a `(T, 17, 3)` array with NaN (or a visibility mask) for hidden joints. Output `pose_3d`: root-relative "
        "metres.\n\n```python\nfrom motionhub.pipelines.stride import load_stride_prior, test_time_train\n\n"
        "prior = load_stride_prior()  # this model (package data)\n"
        "result = test_time_train(prior, poses_m, visibility)  # (T, 17, 3) lifted poses in, refined poses out\n"
        "```\n\nor `motionhub lift video.mp4 --refine stride -o out.npz`.")}
    if occlusion:
        extra["Occlusion benchmark (real detections)"] = occlusion
    card = generate_model_card(
        config, repo_id="motionhub/stride-prior", model_name="stride-prior", summary=summary,
        license="cc-by-nc-4.0", license_note=LICENSE_NOTE, datasets=DATASETS,
        tags=["stride", "motion-prior", "test-time-training", "occlusion", "motionhub-trained", "research-only"],
        training_data=data, training_procedure=procedure, evaluation=evaluation, input_normalization="centered_3d",
        extra_sections=extra,
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
    for path in write_foundation_cards():
        print("wrote", path)
    prior = REPO / "motionhub" / "pretrained" / "stride-prior"
    if (prior / "config.json").exists() and (REPO / PRIOR_RUN / "curve.json").exists():
        print("wrote", write_prior_card(prior))
    for family in ("stmo", "mpm"):
        run = REPO / "runs" / f"{family}-lift-s8heldout"
        if (run / "final" / "config.json").exists():
            print("wrote", write_family_card(run / "final", family, run, f"{family}-lift-s8heldout"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
