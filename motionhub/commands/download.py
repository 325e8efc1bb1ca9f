# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub download REPO_ID``: fetch a published model into the Hub cache (or a folder) for offline use."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "download",
        help="download a motionhub model from the Hugging Face Hub (config, safetensors weights, card, remote code)",
        description="Downloads a model repository snapshot into the Hub cache, where from_pretrained(repo_id) and "
        "offline runs (HF_HUB_OFFLINE=1) find it, or into --local-dir. Prints the folder. Pickled weights "
        "(*.bin, *.pth) are never downloaded.",
    )
    p.add_argument("repo_id", help="repository id, org/name")
    p.add_argument("--revision", default=None, help="branch, tag or commit sha (default: main)")
    p.add_argument("--local-dir", type=Path, default=None, help="copy the files here instead of the cache")
    p.add_argument("--cache-dir", type=Path, default=None, help="Hub cache to use (default: HF_HUB_CACHE)")
    p.add_argument("--offline", action="store_true", help="only look in the cache (local_files_only)")
    p.add_argument("--include", action="append", default=None, metavar="PATTERN",
                   help="file pattern to fetch (repeatable; default: *.json *.safetensors *.py README.md)")
    p.add_argument("--force", action="store_true",
                   help="download every file again even if it is cached (damaged cached files are re-downloaded "
                   "without it too: every file is checked against the sha256 / size the Hub publishes)")
    p.add_argument("--token", default=None, help="Hub token for private repositories")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    from ..hub import download

    (disable_progress_bars if args.quiet else enable_progress_bars)()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = download(
                args.repo_id, args.revision, local_dir=args.local_dir, cache_dir=args.cache_dir,
                local_files_only=args.offline, token=args.token, allow_patterns=args.include,
                force_download=args.force,
            )
        for w in caught:
            if str(w.message).startswith("motionhub:"):
                print(str(w.message), file=sys.stderr)
    except HfHubHTTPError as err:
        lines = [line for line in str(err).splitlines() if line.strip()]
        hint = next((line for line in lines if line.startswith("motionhub:")), lines[0] if lines else repr(err))
        print(f"motionhub download: error: {hint.removeprefix('motionhub: ')}", file=sys.stderr)
        return 1
    print(path)
    return 0
