# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Loading a task model from whatever the user has (folder, Hub repo id, official checkpoint, the embedded default)
and the task checks of the pipelines (:data:`motionhub.auto.TASKS`)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..errors import remote_code_refused

__all__ = ["CHECKPOINT_SUFFIXES", "REPO_ID", "load_model", "model_device", "model_task", "remote_code_refused",
           "resolve_device"]

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
"""A Hugging Face Hub repository id ``org/name``."""

CHECKPOINT_SUFFIXES = (".bin", ".pth", ".pt", ".gz", ".ckpt", ".tar")
"""File endings of official (non-safetensors) checkpoints."""


def resolve_device(device: str | torch.device | None = None) -> torch.device:
    """``None``/``"auto"`` -> CUDA when available, else CPU; anything else is passed to :class:`torch.device`."""
    if device is None or (isinstance(device, str) and device == "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"invalid device {device!r} ({err}); use 'cpu', 'cuda', 'cuda:1', 'mps' or 'auto'") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available; use --device cpu")
    return dev


def model_task(model_or_name: Any) -> str:
    """Task of a model instance, class or class name: ``"pose-lifting"``, ``"action-classification"``,
    ``"action-embedding"``, ``"mesh-recovery"``, ``"multi-task"``, ``"pose-completion"``, ``"masked-pose-modeling"``
    or ``"encoder"`` (a bare ``<Family>Model``): the task the class (or its nearest motionhub base class) was
    registered for in :data:`motionhub.auto.TASKS`; classes motionhub does not know count as encoders."""
    from ..auto import task_of_architecture, task_of_model

    task = task_of_architecture(model_or_name) if isinstance(model_or_name, str) else task_of_model(model_or_name)
    return task or "encoder"


def _check_task(found: str, task: str | None, what: str) -> None:
    from ..auto import TASKS

    if task is None or found in (TASKS[task].served_by if task in TASKS else (task,)):
        return
    hint = {
        "encoder": "it is a bare encoder (no task head): finetune a head first (see examples/) or pick a model "
        "trained for this task",
    }.get(found, f"it was trained for {found}")
    raise ValueError(f"{what} is not a model for {task}: {hint}")


def load_model(
    model: str | os.PathLike | nn.Module | None,
    task: str | None = None,
    *,
    device: str | torch.device | None = None,
    **from_pretrained_kwargs: Any,
) -> nn.Module:
    """Load a motionhub task model from whatever the user has.

    Args:
        model: one of

            * ``None``: the embedded default lifting model shipped inside the package (``task="pose-lifting"``
              only; :func:`motionhub.pretrained.load_default_lifting_model`, no download);
            * a ``save_pretrained`` directory (``config.json`` + ``model.safetensors``);
            * a Hugging Face Hub repository id ``"org/name"`` (downloaded into the Hub cache);
            * an official checkpoint file (``.bin``/``.pth``, MotionBERT, STRIDE, P-STMO, MPM), converted on the fly
              with :func:`motionhub.conversion.convert_checkpoint`;
            * an ``nn.Module``, returned as is (after the task check).
        task: expected task (``"pose-lifting"``, ``"action-classification"``, ``"action-embedding"``,
            ``"mesh-recovery"``); ``None`` accepts any. Multi-task models are accepted for lifting, classification and
            mesh recovery.
        device: where to put the model (``None`` = leave it where it is / CPU).
        **from_pretrained_kwargs: passed to ``from_pretrained`` (e.g. ``smpl_model_path=``). ``trust_remote_code``
            is ``False`` unless given: a model whose ``config.json`` ``auto_map`` names its own Python code is refused
            (:func:`remote_code_refused`), never run, and transformers' interactive question is never asked.

    Returns:
        The model in eval mode.

    Raises:
        FileNotFoundError: ``model`` is neither an existing path nor a Hub repo id.
        ValueError: the checkpoint cannot be read, or is a model for another task (the message says which).
    """
    if isinstance(model, nn.Module):
        _check_task(model_task(model), task, type(model).__name__)
        loaded = model
    elif model is None:
        if task not in (None, "pose-lifting"):
            raise ValueError(
                f"{task} needs a model: pass --model / model= (a model folder, a Hub repo id or an official checkpoint)"
            )
        try:
            from ..pretrained import load_default_lifting_model
        except ImportError:
            raise ValueError(
                "this motionhub installation has no embedded default lifting model (motionhub/pretrained/ is "
                "missing); pass a model with --model / model= (a folder, a Hub repo id or an official MotionBERT / "
                "P-STMO / MPM checkpoint)"
            ) from None
        loaded = load_default_lifting_model()
        if loaded.config.output_units is None:  # the shipped model's contract (metres)
            from ..pretrained import DEFAULT_OUTPUT_UNITS

            loaded.config.output_units = DEFAULT_OUTPUT_UNITS
    else:
        loaded = _load_from_spec(model, task, from_pretrained_kwargs)
    loaded.eval()
    if device is not None:
        loaded.to(resolve_device(device))
    return loaded


def _load_from_spec(spec: str | os.PathLike, task: str | None, kwargs: dict[str, Any]) -> nn.Module:
    from transformers import AutoConfig

    from ..auto import TASK_AUTO_CLASSES, register_all

    register_all()  # AutoConfig must know every family (import motionhub is lazy)
    from ..official import official_model_path, parse_official_name

    official = parse_official_name(spec)
    if official is not None:  # official:NAME -> downloaded + converted once, then a save_pretrained folder
        spec = official_model_path(official)
    path = Path(spec).expanduser()
    if path.is_file():
        if path.name == "config.json":
            return _load_from_spec(path.parent, task, kwargs)
        if path.suffix == ".safetensors":
            return _load_from_spec(path.parent, task, kwargs)
        from ..conversion import convert_checkpoint

        try:
            converted = convert_checkpoint(path)
        except ValueError as err:
            if str(path) in str(err):  # names the file already (a refused pickle, a model folder's file)
                raise
            raise ValueError(f"{path} is not a usable official checkpoint: {err}") from None
        except (KeyError, RuntimeError, OSError) as err:
            raise ValueError(
                f"{path} could not be read as an official checkpoint ({type(err).__name__}: {err}); pass a "
                "MotionBERT / STRIDE / P-STMO / MPM .bin/.pth file, a save_pretrained folder or a Hub repo id"
            ) from None
        _check_task(model_task(converted), task, f"{path} ({type(converted).__name__})")
        return converted
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ValueError(
                f"{path} is a folder without config.json: not a save_pretrained model folder. Convert an official "
                "checkpoint first (motionhub convert CKPT OUT_DIR) or point to the folder holding config.json"
            )
        source = str(path)
    elif isinstance(spec, str) and REPO_ID.match(spec) and not str(spec).endswith(CHECKPOINT_SUFFIXES):
        source = str(_verified_snapshot(spec, kwargs))
    else:
        raise FileNotFoundError(
            f"model {str(spec)!r}: no such file or folder, and not a Hugging Face Hub repo id (org/name)"
        )
    _check_weight_files(Path(source), spec)
    trust = bool(kwargs.pop("trust_remote_code", False))  # explicit: None would make transformers ask on stdin
    _check_motionhub_folder(Path(source), spec)
    try:
        config = AutoConfig.from_pretrained(source, trust_remote_code=trust)
    except (OSError, ValueError) as err:
        refused = remote_code_refused(err, source)
        if refused is not None:
            raise refused from None
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"cannot load a model config from {source!r}: {first}") from None
    archs = list(config.architectures or [])
    found = model_task(archs[0]) if archs else "encoder"
    what = f"{source} ({archs[0] if archs else type(config).__name__})"
    _check_task(found, task, what)
    if found == "encoder":
        from transformers import AutoModel

        auto_cls = AutoModel
    else:
        if found not in TASK_AUTO_CLASSES:
            raise ValueError(f"{what}: no Auto class for task {found!r}")
        auto_cls = TASK_AUTO_CLASSES[found]
    if found not in ("mesh-recovery", "multi-task") or kwargs.get("smpl_model_path") is None:
        kwargs = {k: v for k, v in kwargs.items() if k != "smpl_model_path"}
    try:
        return auto_cls.from_pretrained(source, trust_remote_code=trust, **kwargs)
    except (OSError, ValueError) as err:
        refused = remote_code_refused(err, source)
        if refused is not None:
            raise refused from None
        if not isinstance(err, OSError):
            raise
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"cannot load the model weights from {source!r}: {first}") from None


def _check_motionhub_folder(folder: Path, spec: Any) -> None:
    """A folder of another library's model (a saved BERT) is an error saying so, not "a bare encoder"."""
    import json

    from ..auto import check_motionhub_config

    try:
        raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return  # unreadable: AutoConfig's error (wrapped below) names it
    if isinstance(raw, dict):
        check_motionhub_config(raw, spec if Path(str(spec)).expanduser().exists() else f"{spec} ({folder})")


def _check_weight_files(folder: Path, spec: Any) -> None:
    """A truncated or corrupted ``*.safetensors`` file is a :class:`~motionhub.hub.verify.DamagedFileError` naming it
    (not a traceback from deep inside the loader)."""
    from ..hub.verify import check_safetensors_file

    for weights in sorted(folder.glob("*.safetensors")):
        check_safetensors_file(weights)


def _verified_snapshot(repo_id: str, kwargs: dict[str, Any]) -> Path:
    """Download (or find in the cache) ``repo_id`` and check every file against the Hub's sha256 / size; a damaged
    cached file is an error saying how to repair it (:func:`motionhub.hub.download`). The Hub keyword arguments are
    consumed from ``kwargs``: the model is then loaded from the verified snapshot folder."""
    from ..hub import download

    return download(
        repo_id, kwargs.pop("revision", None), cache_dir=kwargs.pop("cache_dir", None),
        local_files_only=bool(kwargs.pop("local_files_only", False)), token=kwargs.pop("token", None),
        force_download=bool(kwargs.pop("force_download", False)), repair=False,
    )


def model_device(model: nn.Module) -> torch.device:
    """Device of the model's first parameter (CPU for a model without parameters)."""
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")
