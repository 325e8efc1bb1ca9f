# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub convert SRC OUT_DIR``: official checkpoint -> save_pretrained directory."""

from __future__ import annotations

import argparse
from pathlib import Path


def _description() -> str:
    from ..conversion import list_converters  # imports torch: only when `motionhub convert --help` is printed

    families = "; ".join(f"{c.name}: {c.description}" for c in list_converters())
    return ("Reads the official container safely (no pickled code is executed), infers the config from the tensor "
            "shapes and writes config.json + model.safetensors. Families: " + families)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "convert",
        help="convert an official MotionBERT/STRIDE/P-STMO/MPM checkpoint to a motionhub model directory",
        description=_description,  # a callable: evaluated when the help is printed (motionhub.cli._Parser)
    )
    p.add_argument("src", type=Path, help="official checkpoint (.bin/.pth, optionally gzipped)")
    p.add_argument("out_dir", type=Path, help="output directory (save_pretrained layout)")
    p.add_argument("--family", default=None, help="checkpoint family (detected from the keys when omitted)")
    p.add_argument("--num-heads", type=int, default=None,
                   help="attention heads (not stored in official checkpoints; released models use 8)")
    p.add_argument("--official-config", type=Path, default=None,
                   help="the official training yaml (e.g. configs/pose3d/MB_ft_h36m.yaml): num_heads is read from it")
    p.add_argument("--max-shard-size", default="5GB", help="shard weights larger than this (default 5GB)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..conversion import convert_checkpoint
    from ..io_utils import check_output_path

    if args.out_dir.exists() and not args.out_dir.is_dir():
        raise NotADirectoryError(f"output folder {args.out_dir} is a file; give a folder (created if missing)")
    for name in ("config.json", "model.safetensors", "model.safetensors.index.json"):  # what save_pretrained writes
        check_output_path(args.out_dir / name, what="output folder", inputs=[args.src, args.official_config])
    overrides = {}
    if args.num_heads is not None:
        overrides["num_heads"] = args.num_heads
    if args.official_config is not None:
        overrides["official_config"] = args.official_config
    model = convert_checkpoint(args.src, family=args.family, **overrides)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    # config.json + weights only (as from_pretrained / the parity tests expect): the processor of a converted model is
    # derived from its config (MotionProcessor.from_pretrained / AutoProcessor do that); push_folder publishes it
    model.save_pretrained(args.out_dir, max_shard_size=args.max_shard_size)
    n_params = sum(p.numel() for p in model.parameters())
    heads = getattr(model.config, "num_heads", None)
    if heads is not None and args.num_heads is None and args.official_config is None:
        print(f"note: attention heads are not stored in official checkpoints; assumed num_heads={heads} (all released "
              "models). Pass --num-heads or --official-config if yours differs.")
    print(f"converted {args.src} -> {args.out_dir} ({type(model).__name__}, {n_params:,} parameters)")
    return 0
