# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""What counts as a user error (bad input, a damaged file, an unusable model, the network) and its one-line text:
shared by the ``motionhub`` command's top-level handler and the per-file loop of batch commands. No heavy import."""

from __future__ import annotations

import sys

__all__ = ["describe_error", "is_user_error", "remote_code_refused", "user_error_types"]


def user_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "the input, a file, the model or the network is not usable" (not a bug).

    Looked up lazily: the libraries are only imported when a command already used them.
    """
    import pickle
    import zipfile

    from .video.decode import (
        MissingExtraError,  # an optional extra is not installed (the message says which)
    )

    types: list[type[BaseException]] = [ValueError, TypeError, KeyError, OSError, EOFError, pickle.UnpicklingError,
                                        zipfile.BadZipFile, UnicodeError, MissingExtraError]
    if "safetensors" in sys.modules:
        from safetensors import SafetensorError

        types.append(SafetensorError)
    for transport in ("httpx2", "httpx"):  # huggingface_hub's HTTP client: a server that dies mid-push / download
        if transport in sys.modules:
            types.append(sys.modules[transport].HTTPError)
    if "torch" in sys.modules:
        import torch

        types.append(torch.serialization.pickle.UnpicklingError)
    return tuple(types)


def describe_error(err: BaseException) -> str:
    """One line for a user error: motionhub's own sentence, or the library's text with the exception type."""
    text = str(err).strip()
    if isinstance(err, KeyError) and text.startswith(("'", '"')):
        text = f"missing key {text}"
    if isinstance(err, OSError) and err.errno is not None and err.strerror and getattr(err, "filename", None):
        # "[Errno 28] No space left on device: 'out.npz' (OSError)" -> "out.npz: no space left on device (...)"
        import errno

        full = err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))
        return (f"{err.filename}: {err.strerror[:1].lower()}{err.strerror[1:]}"
                + (": nothing was written, a previous file there is unchanged; free space or write elsewhere"
                   if full else ""))
    if isinstance(err, OSError) and getattr(err, "filename", None) and str(err.filename) not in text:
        text = f"{err.filename}: {text}"
    first = text.splitlines()[0] if text else ""
    if not first:
        return type(err).__name__
    # motionhub's own errors are ValueError / FileNotFoundError with a full sentence; others get their type
    return first if type(err) in (ValueError, FileNotFoundError) else f"{first} ({type(err).__name__})"


def is_user_error(err: BaseException) -> bool:
    """True when ``err`` is the user's to fix (exit 1, one line), False for a bug (exit 3)."""
    return isinstance(err, user_error_types()) and not isinstance(err, (NotImplementedError, RecursionError))


def remote_code_refused(err: BaseException, source: Any) -> ValueError | None:
    """transformers' refusal to run a model's own code (``trust_remote_code=False`` and a ``config.json``
    ``auto_map`` naming Python files) as one line naming the option that allows it; ``None`` for any other error."""
    if "trust_remote_code=True" not in str(err):  # transformers: "Please pass the argument `trust_remote_code=True`"
        return None
    return ValueError(
        f"{source}: its config.json (auto_map) asks to run Python code shipped with the model; motionhub does not "
        "run a model's own code unless you pass --trust-remote-code (Python: trust_remote_code=True)"
    )
