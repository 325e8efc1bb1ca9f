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

from .errors import describe_error, is_user_error

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose ``description`` may be a callable, evaluated only when help is printed (a command whose
    help lists, say, the registered converters would otherwise import torch for every ``motionhub --help``)."""

    def format_help(self) -> str:
        if callable(self.description):
            self.description = self.description()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The ``motionhub`` parser. Building it imports no heavy library (torch, transformers): commands import what they
    need when they run, so ``--help`` is quick."""
    from . import commands

    parser = _Parser(
        prog="motionhub",
        description="Pretrained human-motion encoders and task heads: lift 2D keypoints to 3D, classify actions, "
        "recover SMPL meshes, convert official checkpoints, publish to the Hugging Face Hub.",
        epilog="--debug (any position) or MOTIONHUB_DEBUG=1 prints tracebacks. Exit codes: 0 success, 1 user error "
        "(bad input, damaged or missing file, unusable model, network), 2 usage error, 3 internal error (a bug), "
        "130 interrupted.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


#: Exit codes of every ``motionhub`` command (README "Errors and safety").
EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: list[str] | None = None) -> int:
    """Run one command; user errors print one line (``--debug`` / ``MOTIONHUB_DEBUG=1``: the traceback too).

    Returns the exit code: 0 success, 1 user error (bad input, damaged or missing file, unusable model, network),
    2 usage error (unknown option, missing argument), 3 internal error (a bug: please report it with ``--debug``
    output), 130 interrupted.
    """
    import os

    from .runtime import use_passive_openmp_wait

    use_passive_openmp_wait()  # first, before any command imports torch (motionhub/runtime.py)
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = os.environ.get("MOTIONHUB_DEBUG", "") not in ("", "0")
    if "--debug" in argv:
        debug = True
        argv.remove("--debug")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"motionhub {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `motionhub ... | head`
        return EXIT_OK
    except Exception as err:  # noqa: BLE001 - the one top-level handler: no traceback unless asked
        if debug:
            import traceback

            traceback.print_exc()
        if is_user_error(err):
            print(f"motionhub {args.command}: error: {describe_error(err)}", file=sys.stderr)
            return EXIT_USER_ERROR
        print(f"motionhub {args.command}: internal error: {describe_error(err)}; this is a bug in motionhub, please "
              "report it with the output of the same command run with --debug", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
