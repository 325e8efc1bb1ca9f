# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Write the ``preprocessor_config.json`` of every committed checkpoint (models trained before processors existed).

Each processor is the one its training script saves today (``PROCESSOR_SETTINGS`` of the script, or what
``motionhub.tasks.action.finetune_action`` / ``motionhub.tasks.stride`` write), applied to the checkpoint's config, so
that ``motionhub evaluate CHECKPOINT DATA`` reproduces the card's number with no preparation flags.

    python examples/train/write_processors.py            # rewrite them all
    python examples/train/write_processors.py --check    # exit 1 if a committed file differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign_lifting import PROCESSOR_SETTINGS as CAMPAIGN
from finetune_h36m_lifting import PROCESSOR_SETTINGS as H36M_LIFTING
from finetune_msr_action3d import PROCESSOR_SETTINGS as MSR_ACTION3D
from oneshot_penn import PROCESSOR_SETTINGS as PENN_ONESHOT
from pretrain_lifting_small import PROCESSOR_SETTINGS as LIFTING_PRETRAINING
from transformers import AutoConfig

from motionhub import MotionProcessor

ROOT = Path(__file__).resolve().parents[2]

# examples/finetune_action.py (results/penn_action.md): --num-persons 1 --clip-len 16, MotionBERT's crop_scale clips
PENN_CLASSIFICATION = {"clip_normalization": "crop_scale", "clip_len": 16, "num_persons": 1, "confidence": "average"}

CHECKPOINTS = {
    "checkpoints/dstformer-small-pretrained": LIFTING_PRETRAINING,
    "checkpoints/dstformer-small-h36m": H36M_LIFTING,
    "checkpoints/dstformer-small-h36m-scratch": H36M_LIFTING,
    "motionhub/pretrained/dstformer-lift-default": CAMPAIGN,  # the final model of runs/dstformer-lift-final
    "runs/dstformer-lift-s8heldout/final": CAMPAIGN,  # the campaign's S8-held-out models of every family
    "runs/stmo-lift-s8heldout/final": CAMPAIGN,
    "runs/mpm-lift-s8heldout/final": CAMPAIGN,
    "checkpoints/dstformer-small-msr-action3d": MSR_ACTION3D,
    "checkpoints/dstformer-small-msr-action3d-scratch": MSR_ACTION3D,
    "checkpoints/dstformer-small-penn-action": PENN_CLASSIFICATION,
    "checkpoints/dstformer-small-penn-action-scratch": PENN_CLASSIFICATION,
    "checkpoints/dstformer-small-penn-action-frozen": PENN_CLASSIFICATION,
    "checkpoints/dstformer-small-penn-oneshot": PENN_ONESHOT,
    "checkpoints/dstformer-small-penn-oneshot-scratch": PENN_ONESHOT,
    # motionhub.tasks.stride: clean root-relative camera-space poses in metres
    "motionhub/pretrained/stride-prior": {"output_units": "m", "fill_missing": "interpolate"},
}


def processor_for(folder: Path) -> MotionProcessor:
    config = AutoConfig.from_pretrained(folder)
    return MotionProcessor.from_model_config(config).replace(**CHECKPOINTS[str(folder.relative_to(ROOT))])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = p.parse_args(argv)
    stale = []
    for rel in CHECKPOINTS:
        folder = ROOT / rel
        proc = processor_for(folder)
        file = folder / "preprocessor_config.json"
        if args.check:
            if not file.is_file() or MotionProcessor.from_json_file(file) != proc:
                stale.append(rel)
            continue
        proc.save_pretrained(folder)
        print(f"wrote {file.relative_to(ROOT)}")
    if stale:
        print("stale or missing processors: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
