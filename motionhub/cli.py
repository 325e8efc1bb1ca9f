# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The ``motionhub`` command.

Subcommands live in :mod:`motionhub.commands`, one module each. A module defines ``register(subparsers)`` which adds
its subparser and sets ``func`` (``callable(args) -> int``). They are discovered here, so adding a command never
touches this file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    from . import commands

    parser = argparse.ArgumentParser(
        prog="motionhub",
        description="Pretrained human-motion encoders and task heads: lift 2D keypoints to 3D, classify actions, "
        "recover SMPL meshes, convert official checkpoints, publish to the Hugging Face Hub.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    from .video.decode import MissingExtraError

    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, TypeError, MissingExtraError) as err:
        # User errors: one clear line, no traceback. Programming errors still raise.
        print(f"motionhub {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
