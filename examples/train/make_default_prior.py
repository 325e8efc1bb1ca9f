#!/usr/bin/env python
# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Make a finished STRIDE prior run motionhub's embedded default prior (``motionhub/pretrained/stride-prior``).

Copies the run's ``final/`` model (config, safetensors weights, ``preprocessor_config.json``: the prior's input
convention) into the package and writes its card from the run, the prior sweep and the occlusion benchmark
(``write_cards.write_prior_card``)::

    python examples/train/make_default_prior.py --run runs/stride-prior-pretrain-d64-interp
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FILES = ("config.json", "model.safetensors", "preprocessor_config.json")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, required=True, help="finished campaign_lifting.py --data masked3d run folder")
    p.add_argument("--out", type=Path, default=REPO / "motionhub" / "pretrained" / "stride-prior")
    args = p.parse_args(argv)
    final = args.run / "final"
    missing = [f for f in FILES if not (final / f).exists()]
    if missing:
        raise SystemExit(f"error: {final} lacks {', '.join(missing)}: is the run finished?")
    from motionhub.pipelines.stride import load_stride_prior

    load_stride_prior(str(final))  # a 3D-input H36M-17 prior, else a clear error before anything is copied
    args.out.mkdir(parents=True, exist_ok=True)
    for f in FILES:
        shutil.copy2(final / f, args.out / f)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from write_cards import write_prior_card

    print("wrote", write_prior_card(args.out, args.run.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
