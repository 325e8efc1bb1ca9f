#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Finetune a pretrained motion encoder for skeleton action recognition (MotionBERT's action recipe).

Your own labelled data (the documented way in): a generic npz holding many clips (``offsets`` + per-clip ``label``
/ ``label_name`` and optional ``split`` / ``subject`` / ``view``), or a folder of one-clip generic npz files, 2D
(pixels + ``image_size``) or 3D (``keypoints_3d``, ``units_3d`` mm or m), in any layout the library knows (named in
the file); see ``motionhub.formats.generic``. The Kinect action sets and PYSKL pickles of other datasets read the
same way. Split by a field (``--split-by view --train 1 2 --test 3``, ``--split-by subject ...``) or by the
``train`` / ``test`` splits; the classes (``num_labels``, ``id2label``) come from the data, and the clip preparation
is saved with the model (``preprocessor_config.json``), so ``motionhub evaluate final/ DATA --split view=3`` and
``motionhub classify`` reproduce the training-time numbers with no extra flags.

Benchmarks:
  * NTU RGB+D 60/120 from a PYSKL pickle (``ntu60_hrnet.pkl``: COCO-17 HRNet 2D, splits ``xsub``/``xview``) or from a
    folder of raw Kinect ``.skeleton`` files (split by the NTU ids in the file names);
  * NTU-120 one-shot (``--oneshot``): SupCon training of an embedding head on the 100 auxiliary classes, 1-NN
    evaluation of the 20 novel classes against one exemplar each;
  * Penn Action (``--dataset penn``): 2D, 15 classes, official train/test split, 13 joints mapped to H36M-17.

Optimiser: AdamW, backbone LR = ``--backbone-lr-ratio`` x ``--head-lr`` (MotionBERT: 1e-4 / 1e-3), weight decay
0.01, LR x ``--lr-decay`` every epoch; ``--freeze-backbone`` trains only the head. Runs on transformers' Trainer, so
the same command works on CPU, one GPU, or many under ``torchrun`` / ``accelerate launch``.

Examples::

    python examples/finetune_action.py --model checkpoints/dstformer-small-pretrained --data my_set.npz \
        --split-by view --train 1 2 --test 3 --max-minutes 10 --output-dir runs/my-actions
    python examples/finetune_action.py --model motionbert-converted/ --data ntu60_hrnet.pkl --split xsub
    python examples/finetune_action.py --model motionbert-converted/ --data ntu120_hrnet.pkl --oneshot \\
        --oneshot-data ntu120_hrnet_oneshot.pkl --clip-len 100
    python examples/finetune_action.py --from-scratch --config dstformer:motionbert_lite --dataset penn \\
        --data /path/penn_action --clip-len 64 --epochs 30
    ACCELERATE_USE_CPU=1 torchrun --nproc_per_node 2 examples/finetune_action.py ...   # data-parallel
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from motionhub.runtime import use_passive_openmp_wait

use_passive_openmp_wait()  # before torch (main() imports it): passive OpenMP waiting, see motionhub/runtime.py

PRESET_HELP = (
    "from-scratch model config: a config.json (or its folder), a model_type ('dstformer', 'stmo', 'mpm': the family "
    "defaults) or model_type:preset naming a config classmethod (dstformer:motionbert, dstformer:motionbert_lite, "
    "stmo:pstmo_s, stmo:pstmo, mpm:mpm)"
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("Examples::")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    g = p.add_argument_group("model")
    src = g.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="pretrained motionhub model: a local folder (save_pretrained) or a Hub repo id; "
                                     "bare encoders get a new head, action models keep theirs when the classes match")
    src.add_argument("--from-scratch", action="store_true", help="random initialisation from --config")
    g.add_argument("--config", help=PRESET_HELP)
    g.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config field (JSON value), e.g. --set dim_feat=64 --set depth=2; repeatable")
    g.add_argument("--hidden-size", type=int, default=None,
                   help="classifier hidden width (config.action_hidden_size; default 2048 as MotionBERT)")
    g.add_argument("--embedding-size", type=int, default=None,
                   help="one-shot embedding size (config.embedding_size; default 2048)")
    g.add_argument("--dropout", type=float, default=None,
                   help="head dropout (default: 0.5 classification, 0.1 one-shot embedding)")

    g = p.add_argument_group("data")
    g.add_argument("--dataset", choices=("auto", "generic", "ntu", "penn"), default="auto",
                   help="auto (default): NTU for PYSKL .pkl / .skeleton folders, Penn for penn_action, else a "
                        "labelled dataset (generic npz, folder of labelled clips, Kinect action sets)")
    g.add_argument("--data", required=True,
                   help="a labelled generic npz or folder of them; NTU: PYSKL .pkl or a folder of .skeleton files; "
                        "Penn: the penn_action folder or its npz")
    g.add_argument("--eval-data", default=None, metavar="TEST",
                   help="labelled data in two places (train/ and test/ folders or files): --data trains, every clip "
                        "of --eval-data evaluates (instead of --split / --split-by)")
    g.add_argument("--split", default=None,
                   help="NTU protocol xsub / xview / xsub120 / xset (default xsub); labelled datasets: the named "
                        "split to evaluate on (default test; the 'train' split trains)")
    g.add_argument("--split-by", default=None, metavar="FIELD",
                   help="labelled datasets: split by a per-clip field (view, subject, split, ...)")
    g.add_argument("--train", dest="train_values", nargs="+", default=None, metavar="V",
                   help="values of --split-by whose clips train")
    g.add_argument("--test", dest="test_values", nargs="+", default=None, metavar="V",
                   help="values of --split-by whose clips evaluate (default: every other value)")
    g.add_argument("--input", choices=("auto", "2d", "3d", "ortho"), default="auto",
                   help="clip input: 2d (pixels + image size, MotionBERT's make_cam + crop_scale), 3d "
                        "(keypoints_3d in metres, first-frame pelvis origin, channels x, y, z) or ortho (3D "
                        "skeletons seen as 2D: orthographic x, y with confidence 1, then the 2D pipeline; what a "
                        "2D-pretrained encoder knows; no camera intrinsics needed); auto: the model's saved "
                        "processor, else 2d when every clip has 2D keypoints, else 3d")
    g.add_argument("--view-rotation", type=float, default=None, metavar="DEG",
                   help="3d / ortho input: turn each training clip about the vertical axis by a random angle in "
                        "+-DEG degrees (view invariance; default 17 for 3d, 0 for ortho); the time direction is kept")
    g.add_argument("--eval-rotation", type=float, default=0.0, metavar="DEG",
                   help="3d / ortho input: turn every evaluation clip by DEG degrees about the vertical axis (the "
                        "unseen-view protocol: an angle outside the training range)")
    g.add_argument("--face-front", action="store_true",
                   help="3d / ortho input: turn every clip to face the camera first (the first person's hips in its "
                        "first tracked frame; NTU-style view normalisation, saved in the processor so that evaluation "
                        "and inference do the same); --view-rotation then turns around the faced clip")
    g.add_argument("--layout", default=None,
                   help="joint layout of PYSKL keypoints with a non-standard joint count (other formats name it)")
    g.add_argument("--oneshot", action="store_true",
                   help="one-shot: SupCon embedding, 1-NN against exemplars. NTU-120: the 100 auxiliary classes "
                        "train, the 20 novel ones (A1, A7, ..., A115) evaluate; labelled datasets: --novel-classes")
    g.add_argument("--novel-classes", nargs="+", default=None, metavar="CLASS",
                   help="one-shot on a labelled dataset: the novel classes (names or ids); the embedding trains on "
                        "the others, --shots first training clips per novel class are the exemplars, the test "
                        "clips of the novel classes the queries")
    g.add_argument("--shots", type=int, default=1, help="one-shot exemplars per novel class (default 1)")
    g.add_argument("--oneshot-data", help="ntu120_hrnet_oneshot.pkl with the exemplar (oneshot_train) and query "
                                          "(oneshot_val) splits; default: first clip per novel class is the exemplar")
    g.add_argument("--clip-len", type=int, default=None,
                   help="frames per clip (default: config.maxlen for fixed-length encoders, else min(maxlen, 243); "
                        "MotionBERT uses 243 for NTU-60 and 100 for one-shot)")
    g.add_argument("--num-persons", type=int, default=None,
                   help="persons per clip, zero-padded (default: 2 for NTU/Penn as MotionBERT, else the most "
                        "persons any clip of the data has)")
    g.add_argument("--confidence", choices=("auto", "average", "coco_order"), default="auto",
                   help="confidence channel of the COCO->H36M conversion; auto = the model's "
                        "config.keypoint_confidence (coco_order for converted MotionBERT NTU checkpoints) else average")
    g.add_argument("--max-train-clips", type=int, default=None,
                   help="use a random subset of N training clips (quick runs)")
    g.add_argument("--max-eval-clips", type=int, default=None, help="use a random subset of N evaluation clips")

    g = p.add_argument_group("optimisation")
    g.add_argument("--head-lr", type=float, default=1e-3, help="head learning rate (default: 1e-3)")
    g.add_argument("--backbone-lr-ratio", type=float, default=0.1,
                   help="backbone LR = ratio x head LR (default: 0.1; MotionBERT from scratch: 1e-4 for both)")
    g.add_argument("--weight-decay", type=float, default=0.01, help="AdamW weight decay (default: 0.01)")
    g.add_argument("--lr-decay", type=float, default=0.99, help="LR factor applied after every epoch (default: 0.99)")
    g.add_argument("--freeze-backbone", action="store_true", help="train the head only (frozen-backbone finetuning)")
    g.add_argument("--epochs", type=float, default=30, help="training epochs (default: 30; MotionBERT NTU: 300)")
    g.add_argument("--max-steps", type=int, default=-1, help="stop after N optimiser steps (overrides --epochs)")
    g.add_argument("--max-minutes", type=float, default=None,
                   help="wall-clock training budget: stop (saving, evaluating and writing final/) after N minutes")
    g.add_argument("--batch-size", type=int, default=32, help="clips per device and step (default: 32)")
    g.add_argument("--eval-batch-size", type=int, default=None, help="evaluation batch size (default: --batch-size)")
    g.add_argument("--samples-per-class", type=int, default=2, help="one-shot: clips per class in a batch (default 2)")
    g.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")

    g = p.add_argument_group("run")
    g.add_argument("--output-dir", required=True, help="checkpoints, final model (final/) and results.json")
    g.add_argument("--resume", nargs="?", const="latest", default=None, metavar="CHECKPOINT",
                   help="resume from a checkpoint folder, or, given alone, from the newest complete checkpoint in "
                   "--output-dir (checkpoints a kill left incomplete are skipped and named; prints which one)")
    g.add_argument("--num-workers", type=int, default=0, help="DataLoader worker processes (default: 0)")
    g.add_argument("--logging-steps", type=int, default=10, help="log every N steps (default: 10)")
    g.add_argument("--eval-at-end-only", action="store_true", help="evaluate once after training, not every epoch")
    g.add_argument("--no-progress", action="store_true", help="hide progress bars")
    return p


def _parse_overrides(items: list[str]) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def _subset(clips: list, n: int | None, seed: int) -> list:
    """A seeded random subset of ``n`` clips (files are often sorted by class), in the original order."""
    if not n or n >= len(clips):
        return clips
    import numpy as np

    keep = np.sort(np.random.default_rng(seed).permutation(len(clips))[:n])
    return [clips[i] for i in keep]


def build_config(spec: str, overrides: dict):
    from transformers import AutoConfig
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    path = Path(spec)
    if path.exists():
        config = AutoConfig.from_pretrained(path)
        for key, value in overrides.items():
            setattr(config, key, value)
        return config
    model_type, _, preset = spec.partition(":")
    if model_type not in CONFIG_MAPPING:
        raise SystemExit(f"--config {spec!r}: not a file and not a registered model_type ({PRESET_HELP})")
    config_cls = CONFIG_MAPPING[model_type]
    if not preset:
        return config_cls(**overrides)
    factory = getattr(config_cls, preset, None)
    if not callable(factory):
        presets = sorted(n for klass in config_cls.__mro__ for n, v in vars(klass).items()
                         if isinstance(v, classmethod) and not n.startswith("_") and n.islower() and "from" not in n)
        raise SystemExit(f"--config {spec!r}: {config_cls.__name__} has no preset {preset!r}; try one of {presets}")
    return factory(**overrides)


def _input_kind(choice: str, model, sequences: list) -> str:
    """``"2d"`` or ``"3d"`` clip input (``--input``): the model's saved processor decides first, then the data."""
    from motionhub.processor import KINECT_3D, ORTHOGRAPHIC_3D, processor_for_model

    if choice == "auto":
        saved = processor_for_model(model, "action-classification")
        if saved.clip_normalization == KINECT_3D or getattr(model.config, "input_normalization", None) == KINECT_3D:
            choice = "3d"
        elif saved.clip_normalization == ORTHOGRAPHIC_3D:
            choice = "ortho"
        elif all(s.keypoints_2d is not None for s in sequences):
            choice = "2d"
        elif all(s.keypoints_3d is not None for s in sequences):
            choice = "3d"
        else:
            raise SystemExit("error: the clips have neither 2D keypoints (all of them) nor 3D keypoints (all of them)")
    key = "keypoints_2d" if choice == "2d" else "keypoints_3d"  # ortho is built from 3D
    lacking = [i for i, s in enumerate(sequences) if getattr(s, key) is None]
    if lacking:
        raise SystemExit(f"error: --input {choice} but {len(lacking)} clip(s) have no {key} (first: clip {lacking[0]})")
    if choice == "3d" and int(model.config.dim_in) < 3:
        raise SystemExit(f"error: 3D clips need an encoder with 3 input channels; {model.config.model_type} takes "
                         f"{model.config.dim_in} (use --input 2d with 2D keypoints)")
    return choice


def _normalization_2d(sequences: list) -> str:
    """MotionBERT's make_cam needs pixels and an image size; clips stored normalised skip it."""
    if all(s.image_size is not None for s in sequences):
        return "make_cam"
    if all(bool(s.meta.get("normalized")) for s in sequences):
        return "none"
    n = sum(s.image_size is None for s in sequences)
    raise SystemExit(f"error: {n} clip(s) have 2D pixels but no image_size; store image_size ([width, height]) in "
                     "the data, or use --input 3d for 3D skeletons")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _main(args)
    except (ValueError, KeyError, FileNotFoundError, NotADirectoryError) as exc:
        # bad input (a file, a split, a layout) is one line naming the problem, not a traceback
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        raise SystemExit(f"error: {msg}") from None
    except Exception as exc:
        import pickle
        import zipfile

        if isinstance(exc, (pickle.UnpicklingError, zipfile.BadZipFile, EOFError)):
            raise SystemExit(f"error: {args.data} cannot be read as the {args.dataset} data it was taken for "
                             f"({type(exc).__name__}: {exc}); pass --dataset generic / ntu / penn") from None
        raise


def _main(args: argparse.Namespace) -> int:
    if args.from_scratch and not args.config:
        raise SystemExit("--from-scratch needs --config")
    if (args.train_values or args.test_values) and not args.split_by:
        raise SystemExit("error: --train / --test name values of a field: pass --split-by FIELD too")
    if args.max_minutes is not None and not args.max_minutes > 0:
        raise SystemExit(f"error: --max-minutes must be > 0, got {args.max_minutes}")

    from motionhub.tasks.action import (
        ActionClipDataset,
        finetune_action,
        load_action_data,
        resolve_dataset,
    )
    from motionhub.tasks.trainer import TimeBudgetCallback

    import motionhub  # noqa: F401  (registers every model with the Auto classes)
    from motionhub import AutoModelForActionClassification, AutoModelForActionEmbedding
    from motionhub.processor import KINECT_3D, ORTHOGRAPHIC_3D

    if args.from_scratch:
        build_config(args.config, {})  # fail fast on a bad --config, before reading the data

    dataset = resolve_dataset(args.dataset, args.data)
    data = load_action_data(dataset, args.data, args.split, oneshot=args.oneshot, oneshot_data=args.oneshot_data,
                            split_by=args.split_by, train_values=args.train_values, test_values=args.test_values,
                            layout=args.layout, novel_classes=args.novel_classes, shots=args.shots,
                            eval_data=args.eval_data)
    train_clips = _subset(data.train, args.max_train_clips, args.seed)
    eval_clips = _subset(data.eval, args.max_eval_clips, args.seed)
    print(data.description, flush=True)

    head_kwargs = _parse_overrides(args.overrides)
    if args.oneshot:
        auto = AutoModelForActionEmbedding
        for key, value in (("embedding_size", args.embedding_size), ("embedding_dropout", args.dropout)):
            if value is not None:
                head_kwargs[key] = value
    else:
        auto = AutoModelForActionClassification
        names = data.class_names or [f"class_{i}" for i in range(data.num_labels)]
        head_kwargs.update(num_labels=data.num_labels, id2label=dict(enumerate(names)),
                           label2id={n: i for i, n in enumerate(names)})
        for key, value in (("action_hidden_size", args.hidden_size), ("action_dropout", args.dropout)):
            if value is not None:
                head_kwargs[key] = value
    # Seed before the model is built: its random initialisation (from scratch, or a fresh head on a pretrained
    # encoder) is then reproducible; the Trainer seeds again for shuffling and dropout.
    from transformers import set_seed

    set_seed(args.seed)
    if args.from_scratch:
        model = auto.from_config(build_config(args.config, head_kwargs))
    else:
        model = auto.from_pretrained(args.model, ignore_mismatched_sizes=True, **head_kwargs)
    config = model.config

    fixed = bool(getattr(config, "fixed_length", False))
    clip_len = args.clip_len or (config.maxlen if fixed else min(config.maxlen, 243))
    if fixed and clip_len != config.maxlen:
        raise SystemExit(f"{config.model_type} is fixed-length: --clip-len must be {config.maxlen}")
    if clip_len > config.maxlen:
        raise SystemExit(f"--clip-len {clip_len} exceeds the model's maxlen {config.maxlen}")
    every = list(data.train) + list(data.eval) + list(data.exemplars or [])
    kind = _input_kind(args.input, model, every)
    normalization = {"3d": KINECT_3D, "ortho": ORTHOGRAPHIC_3D}.get(kind) or _normalization_2d(every)
    num_persons = args.num_persons or (2 if dataset in ("ntu", "penn") else max(s.num_persons for s in every))
    confidence = args.confidence if args.confidence != "auto" else getattr(config, "keypoint_confidence", "average")
    channels = 3 if kind == "3d" else min(int(config.dim_in), 3)
    common = dict(clip_len=clip_len, num_persons=num_persons, channels=channels, confidence=confidence,
                  normalization=normalization, seed=args.seed)
    if kind not in ("3d", "ortho") and (args.view_rotation or args.eval_rotation or args.face_front):
        raise SystemExit("error: --view-rotation / --eval-rotation / --face-front turn 3D skeletons: use them with "
                         "--input 3d or --input ortho")
    if args.face_front:
        common["facing"] = "front"
    train_ds = ActionClipDataset(train_clips, train=True, label_map=data.label_map, view_rotation=args.view_rotation,
                                 **common)
    eval_ds = ActionClipDataset(eval_clips, eval_rotation=args.eval_rotation, **common)
    exemplars = ActionClipDataset(data.exemplars, **common) if data.exemplars is not None else None
    n_params = sum(p.numel() for p in model.parameters())
    what = {"3d": "x, y, z (3D, metres)", "ortho": f"{channels} channels (3D seen as 2D, orthographic)"}.get(
        kind, f"{channels} channels (2D)")
    print(f"{type(model).__name__}: {n_params:,} parameters; clips of {clip_len} frames x {num_persons} "
          f"persons x {what}; {len(train_ds)} train / {len(eval_ds)} eval clips", flush=True)

    resume = None
    if args.resume == "latest":
        resume = True
    elif args.resume:
        resume = args.resume
    callbacks = [TimeBudgetCallback(args.max_minutes)] if args.max_minutes else []
    result = finetune_action(
        model, train_ds, eval_ds,
        output_dir=args.output_dir,
        head_lr=args.head_lr,
        backbone_lr_ratio=args.backbone_lr_ratio,
        weight_decay=args.weight_decay,
        lr_decay=args.lr_decay,
        epochs=args.epochs,
        batch_size=args.batch_size,
        eval_batch_size=args.eval_batch_size,
        freeze_backbone=args.freeze_backbone,
        max_steps=args.max_steps,
        resume_from_checkpoint=resume,
        exemplar_dataset=exemplars,
        samples_per_class=args.samples_per_class,
        seed=args.seed,
        num_workers=args.num_workers,
        logging_steps=args.logging_steps,
        disable_tqdm=True if args.no_progress else None,
        evaluate_every_epoch=not args.eval_at_end_only,
        callbacks=callbacks,
    )
    if callbacks and callbacks[0].stopped_at is not None:
        print(f"--max-minutes {args.max_minutes}: stopped after step {callbacks[0].stopped_at}", flush=True)
    print(json.dumps({"eval": result.metrics, "train": result.train_metrics}, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
