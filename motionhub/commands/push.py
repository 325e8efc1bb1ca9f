# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub push DIR REPO_ID``: publish a saved model folder (weights, config, card, remote code) in one commit."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "push",
        help="upload a save_pretrained / `motionhub convert` folder to the Hugging Face Hub",
        description="Uploads config.json, the safetensors weights, a model card (generated when the folder has no "
        "README.md or when card options are given) and the remote code that lets plain transformers load the model "
        "with trust_remote_code=True, in one commit. The folder itself is not modified.",
    )
    p.add_argument("dir", type=Path, help="folder written by save_pretrained or `motionhub convert`")
    p.add_argument("repo_id", help="target repository, org/name (created if missing)")
    p.add_argument("--revision", default=None, help="branch to commit to (created from main if missing)")
    p.add_argument("--private", action="store_true", help="create the repository as private")
    p.add_argument("--message", default=None, help="commit message")
    p.add_argument("--token", default=None, help="Hub token (default: HF_TOKEN or the cached login)")
    p.add_argument("--no-remote-code", action="store_true",
                   help="do not bundle remote code / auto_map (by default it is added when the model can be bundled)")
    card = p.add_argument_group("model card (generated when any is given or README.md is missing)")
    card.add_argument("--card", type=Path, default=None, help="use this README.md instead of generating one")
    card.add_argument("--license", default=None, help="license of the weights (Hub id, e.g. apache-2.0, mit)")
    card.add_argument("--base-model", default=None, help="Hub id of the model this one was finetuned from")
    card.add_argument("--dataset", action="append", default=None, help="Hub dataset id (repeatable)")
    card.add_argument("--tag", action="append", default=None, help="extra tag (repeatable)")
    card.add_argument("--training-data", default=None, help="one paragraph on the training data")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _drop_retry_notes(record: logging.LogRecord) -> bool:
    """huggingface_hub's notes while it retries a failed request ("'...' thrown while requesting PUT ...", "Retrying
    in 1s [Retry 1/5]."): the push either succeeds or ends in one error line."""
    message = str(record.msg)
    return "thrown while requesting" not in message and not message.startswith("Retrying in")


def run(args: argparse.Namespace) -> int:
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    from ..hub import HubConnectionError, RemoteCodeError, push_folder

    card_kwargs = {
        key: value
        for key, value in dict(license=args.license, base_model=args.base_model, datasets=args.dataset,
                               tags=args.tag, training_data=args.training_data).items()
        if value is not None
    }
    (disable_progress_bars if args.quiet else enable_progress_bars)()
    if not args.quiet:
        print(f"pushing {args.dir} -> {args.repo_id} ...", file=sys.stderr)
    http_logger = logging.getLogger("huggingface_hub.utils._http")
    http_logger.addFilter(_drop_retry_notes)  # a broken connection is the one error line below, not 10 retry notes
    try:
        info = push_folder(
            args.dir, args.repo_id, revision=args.revision, private=args.private or None, token=args.token,
            commit_message=args.message, remote_code=False if args.no_remote_code else None, card=args.card,
            **card_kwargs,
        )
    except (HfHubHTTPError, RemoteCodeError, HubConnectionError) as err:
        print(f"motionhub push: error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        http_logger.removeFilter(_drop_retry_notes)
    revision = args.revision or "main"
    print(f"pushed {args.dir} to {args.repo_id} (revision {revision}, commit {info.oid}): {info.commit_url}")
    return 0
