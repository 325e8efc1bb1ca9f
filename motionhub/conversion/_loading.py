# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Reading official checkpoint containers without executing pickled code.

The official MotionBERT / STRIDE / P-STMO / MPM files are ``torch.save`` pickles. They hold tensors plus, for
MotionBERT, numpy scalars (``min_loss``/``best_jpe`` are ``np.float64``), which make ``torch.load(weights_only=True)``
fail on torch >= 2.6. We keep the restricted ``weights_only`` unpickler and allow-list exactly the numpy scalar types
those containers use; anything else is refused with an error naming the offending global.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # torch is imported where a checkpoint is read, not when the converters are listed
    import torch

__all__ = ["CheckpointFormatError", "extract_state_dict", "load_official_checkpoint", "strip_prefix"]

# Containers seen in the official code bases: train.py (model_pos), train_action/_mesh (model), generic (state_dict).
_STATE_DICT_KEYS = ("model_pos", "model", "state_dict", "model_state_dict")


class CheckpointFormatError(ValueError):
    """The file is not a checkpoint container motionhub knows how to read."""


def _numpy_safe_globals() -> list:
    # numpy 2 renamed np.core -> np._core; numpy 1.26 (the video extra) also has a partial np._core stub
    core = np._core if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else np.core
    allowed = [core.multiarray.scalar, np.dtype]
    for name in ("Float64DType", "Float32DType", "Int64DType", "Int32DType", "BoolDType"):
        dtype_cls = getattr(getattr(np, "dtypes", None), name, None)
        if dtype_cls is not None:
            allowed.append(dtype_cls)
    allowed.append(core.multiarray._reconstruct)
    allowed.append(np.ndarray)
    if core is np.core:  # numpy 1.x reading a file pickled under numpy 2 (which names the module numpy._core)
        allowed += [(core.multiarray.scalar, "numpy._core.multiarray.scalar"),
                    (core.multiarray._reconstruct, "numpy._core.multiarray._reconstruct")]  # fmt: skip
    return allowed


def _open_bytes(path: str | os.PathLike) -> io.BytesIO:
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip (e.g. a compressed mesh checkpoint)
        data = gzip.decompress(data)
    return io.BytesIO(data)


def load_official_checkpoint(path: str | os.PathLike) -> Mapping:
    """Load a ``torch.save`` container (optionally gzipped) with the restricted (weights-only) unpickler."""
    path = Path(path)
    _check_not_a_model_folder(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    import torch

    buffer = _open_bytes(path)
    try:
        with torch.serialization.safe_globals(_numpy_safe_globals()):
            obj = torch.load(buffer, map_location="cpu", weights_only=True)
    except Exception as err:  # the weights-only unpickler raises UnpicklingError / RuntimeError
        raise refusal(path, err) from err
    if not isinstance(obj, Mapping):
        raise CheckpointFormatError(f"{path} holds a {type(obj).__name__}, expected a dict / state dict")
    return obj


def _check_not_a_model_folder(path: Path) -> None:
    """An official checkpoint is one file: a save_pretrained folder (or its config.json / safetensors) given instead
    is already a motionhub model, usable as it is."""
    folder = path if path.is_dir() else path.parent
    is_model_part = path.is_file() and (path.name == "config.json" or path.suffix == ".safetensors")
    if (path.is_dir() or is_model_part) and (folder / "config.json").is_file():
        raise CheckpointFormatError(
            f"{path} is {'part of ' if is_model_part else ''}a model folder already (config.json + weights), not an "
            f"official checkpoint file: nothing to convert; use it directly (motionhub ... --model {folder}, Python: "
            f"from_pretrained({str(folder)!r}))"
        )
    if path.is_dir():
        raise CheckpointFormatError(
            f"{path} is a folder without config.json, not a checkpoint file: pass the official .bin/.pth file itself"
        )


def refusal(path: Path | str, err: BaseException) -> CheckpointFormatError:
    """The restricted unpickler's refusal as one line that names the file. torch's own message offers to load the file
    with ``weights_only=False``, which would run whatever code the file holds: that is never repeated here."""
    import pickle
    import re

    text = str(err)
    found = re.search(r"(?:GLOBAL|global) ([\w.]+)", text)
    if isinstance(err, pickle.UnpicklingError) or "Weights only load failed" in text or found:
        culprit = f" (it names {found.group(1)}, which unpickling would import and call)" if found else ""
        return CheckpointFormatError(
            f"{path}: refused: the file holds Python code or objects beyond tensors{culprit}. motionhub reads "
            "checkpoints with the restricted unpickler (torch.load weights_only=True) and never runs the code in a "
            "pickle; obtain the weights as safetensors or as a plain tensor checkpoint"
        )
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return CheckpointFormatError(f"{path} could not be read as a checkpoint ({first}); if it is a motionhub / "
                                 "transformers model folder, load it with from_pretrained instead")


def strip_prefix(state_dict: Mapping[str, torch.Tensor], prefix: str = "module.") -> dict[str, torch.Tensor]:
    """Remove a leading ``prefix`` (DataParallel's ``module.``) from every key that has it."""
    return {(k[len(prefix):] if k.startswith(prefix) else k): v for k, v in state_dict.items()}


def extract_state_dict(container: Mapping) -> dict[str, torch.Tensor]:
    """The model weights of a container: ``model_pos`` / ``model`` / ``state_dict`` or a bare state dict.

    The DataParallel ``module.`` prefix is removed.
    """
    import torch

    for key in _STATE_DICT_KEYS:
        if key in container and isinstance(container[key], Mapping):
            container = container[key]
            break
    tensors = {k: v for k, v in container.items() if isinstance(v, torch.Tensor)}
    if not tensors:
        raise CheckpointFormatError(
            f"no tensors found; container keys are {sorted(map(str, container))[:10]} (expected one of "
            f"{_STATE_DICT_KEYS} or a bare state dict)"
        )
    return strip_prefix(tensors)
