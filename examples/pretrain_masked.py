#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Pretrain an STMO (P-STMO masked 2D pose modeling) or MPM (masked 2D / 3D / lifting) encoder on 3D mocap, then
load it into the lifting model for finetuning.

Data: Bandai-Namco (BVH forward kinematics, Y up) and/or Human3.6M world 3D of the training subjects (Z up, taken
every 2nd frame = P-STMO's ``tds=2``), seen by a random virtual camera per clip
(:class:`motionhub.tasks.pretrain_lifting.LiftingPretrainDataset`, crop-scale normalised). Optimiser: Adam with
AMSGrad, lr ``--lr`` (papers: 1e-4), lr × 0.97 per epoch.

Examples::

    python examples/pretrain_masked.py --objective pstmo --out runs/pstmo-pre --max-steps 2000
    python examples/pretrain_masked.py --objective mpm --schedule alternate --out runs/mpm-pre --frames 81
    python examples/pretrain_masked.py --objective pstmo --preset pstmo_s --frames 243 ...   # the paper's model

The saved folder loads with ``STMOForPoseLifting.from_pretrained(out)`` / ``MPMForPoseLifting.from_pretrained(out)``
(only the lifting head is new); the script prints that load report at the end.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DATA_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--objective", choices=["pstmo", "mpm"], required=True)
    p.add_argument("--out", type=Path, required=True, help="output folder (save_pretrained)")
    p.add_argument("--data-root", type=Path, default=DATA_ROOT, help="folder with bandai_namco/ and h36m_train/")
    p.add_argument("--bandai", type=int, default=-1, help="number of Bandai sequences (-1 = all, 0 = none)")
    p.add_argument("--h36m-subjects", default="S1,S5,S6,S7", help="comma-separated ('' = none; keep S8 held out)")
    p.add_argument("--frames", type=int, default=27, help="clip length (9, 27, 81, 243 use the official strides)")
    p.add_argument("--preset", default=None, help="config classmethod: pstmo_s, pstmo (STMO) or mpm_pretrain (MPM)")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--channel", type=int, default=64)
    p.add_argument("--d-hid", type=int, default=128)
    p.add_argument("--strategy", default="spatio-temporal", choices=["spatial", "temporal", "spatio-temporal"])
    p.add_argument("--temporal-mask-ratio", type=float, default=None, help="default: the config's")
    p.add_argument("--spatial-mask-num", type=int, default=None, help="default: the config's")
    p.add_argument("--schedule", default="sum", choices=["sum", "alternate"], help="MPM pretext iteration")
    p.add_argument("--max-steps", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=0)
    return p


def load_motion(args) -> tuple[list, list[str]]:
    from motionhub.formats import load_bandai, load_h36m_3pb
    from motionhub.skeleton import to_h36m

    motion, axes = [], []
    if args.bandai != 0:
        seqs = load_bandai(args.data_root / "bandai_namco").sequences
        for s in seqs if args.bandai < 0 else seqs[: args.bandai]:
            motion.append(to_h36m(s.keypoints_3d, "bandai-22"))
            axes.append("y")
    subjects = [s for s in args.h36m_subjects.split(",") if s]
    if "S8" in subjects:
        raise SystemExit("S8 is the held-out evaluation subject; do not pretrain on it")
    if subjects:
        for s in load_h36m_3pb(args.data_root / "h36m_train", subjects=subjects, frame="world"):
            motion.append(s.keypoints_3d[::2])
            axes.append("z")
    if not motion:
        raise SystemExit("no motion selected: use --bandai and/or --h36m-subjects")
    return motion, axes


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from motionhub.runtime import use_passive_openmp_wait

    use_passive_openmp_wait()  # before torch: passive OpenMP waiting, see motionhub/runtime.py

    # isort: split
    import torch
    import transformers
    from motionhub.tasks.pretrain_lifting import LiftingPretrainDataset
    from motionhub.tasks.pretrain_masked import (
        MaskedPose2DCollator,
        MaskSampler,
        MPMForMaskedPretraining,
        MPMPretrainCollator,
        STMOForMaskedPretraining,
        build_mpm_pretrainer,
        build_pstmo_pretrainer,
    )
    from transformers import TrainingArguments

    from motionhub import MPMConfig, MPMForPoseLifting, STMOConfig, STMOForPoseLifting

    torch.manual_seed(args.seed)
    config_cls = STMOConfig if args.objective == "pstmo" else MPMConfig
    fields = dict(frames=args.frames, input_normalization="crop_scale", joint_layout="h36m-17")
    if args.temporal_mask_ratio is not None:
        fields["temporal_mask_ratio"] = args.temporal_mask_ratio
    if args.spatial_mask_num is not None:
        fields["spatial_mask_num"] = args.spatial_mask_num
    if args.preset:
        config = getattr(config_cls, args.preset)(**fields)
    else:
        config = config_cls(**fields, layers=args.layers, channel=args.channel, d_hid=args.d_hid)

    motion, axes = load_motion(args)
    dataset = LiftingPretrainDataset(motion, axes, clip_len=args.frames, clip_stride=max(args.frames // 2, 1),
                                     seed=args.seed)  # fmt: skip
    print(f"{len(motion)} sequences -> {len(dataset)} clips of {args.frames} frames", flush=True)
    masks = MaskSampler.from_config(config, args.strategy, seed=args.seed)
    targs = TrainingArguments(
        output_dir=str(args.out / "_trainer"), max_steps=args.max_steps, per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr, logging_steps=max(args.max_steps // 50, 1), save_strategy="no", report_to="none",
        remove_unused_columns=False, dataloader_num_workers=0, seed=args.seed, disable_tqdm=True,
    )
    if args.objective == "pstmo":
        model = STMOForMaskedPretraining(config)
        trainer = build_pstmo_pretrainer(model, dataset, targs, collator=MaskedPose2DCollator(masks))
        finetune_cls = STMOForPoseLifting
    else:
        model = MPMForMaskedPretraining(config)
        trainer = build_mpm_pretrainer(model, dataset, targs, collator=MPMPretrainCollator(masks, args.schedule))
        finetune_cls = MPMForPoseLifting
    print(f"{type(model).__name__}: {sum(p.numel() for p in model.parameters()):,} parameters; masks {masks}")
    trainer.train()
    model.save_pretrained(args.out)
    from motionhub import MotionProcessor

    MotionProcessor.from_model_config(model.config).save_pretrained(args.out)  # crop_scale 2D in, as trained
    transformers.utils.logging.set_verbosity_error()  # the load report lists every new key; summarised below
    _, info = finetune_cls.from_pretrained(args.out, output_loading_info=True)
    new = sorted({k.split(".")[0] for k in info["missing_keys"]})
    print(f"saved {args.out}; {finetune_cls.__name__}.from_pretrained initialises only: {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
