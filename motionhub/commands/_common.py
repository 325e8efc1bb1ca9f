# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Shared argument groups and input helpers of the inference subcommands (``lift``, ``classify``, ``embed``,
``oneshot``, ``mesh``, ``evaluate``, ``info``). Not a subcommand (the leading underscore hides it from discovery)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = [
    "QUANTIZE_CHOICES",
    "DEFAULT_MODEL",
    "add_input_args",
    "add_model_args",
    "add_runtime_args",
    "add_trust_remote_code_arg",
    "load_dataset",
    "model_inputs",
    "model_spec",
    "quiet_loading",
    "read_sequence",
    "read_sequences",
    "write_json_or_npz",
]

DEFAULT_MODEL = "default"
QUANTIZE_CHOICES = ("int8",)  # motionhub.pipelines.lifting.QUANTIZATIONS, without importing torch for --help
"""``--model default`` (or no ``--model`` for ``lift``) = the embedded default lifting model."""


def add_model_args(p: argparse.ArgumentParser, *, required: bool, what: str) -> None:
    p.add_argument(
        "--model", "-m", required=required, default=None, metavar="MODEL",
        help=f"{what}: a save_pretrained folder, a Hugging Face Hub repo id (org/name) or an official checkpoint "
        "file (.bin/.pth, converted on the fly)" + ("" if required else "; default: the embedded default model"),
    )
    add_trust_remote_code_arg(p)


def add_trust_remote_code_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust-remote-code", action="store_true",
                   help="allow the model to run Python code it ships (a config.json 'auto_map' naming .py files). Off "
                   "by default: such a model is refused, never run, and no question is asked")


def model_inputs(spec: str | None) -> list[Path]:
    """The local files a model argument reads: a checkpoint file, or a model folder's ``*.json`` / ``*.safetensors``
    (empty for a Hub repo id and the embedded default). For ``check_output_path(..., inputs=...)``: no output may
    replace them."""
    if spec is None or spec == DEFAULT_MODEL:
        return []
    path = Path(spec).expanduser()
    if path.is_dir():
        return sorted(path.glob("*.json")) + sorted(path.glob("*.safetensors"))
    return [path] if path.is_file() else []


def add_runtime_args(p: argparse.ArgumentParser, *, flip_default: bool, batch_size: int = 8) -> None:
    g = p.add_argument_group("runtime")
    g.add_argument("--device", default="auto", help="cpu, cuda, cuda:N, mps or auto (default: cuda if available)")
    g.add_argument("--batch-size", type=int, default=batch_size,
                   help=f"windows / clips per forward pass (default {batch_size})")
    g.add_argument("--flip", action=argparse.BooleanOptionalAction, default=flip_default,
                   help="flip test-time augmentation: also predict the mirrored input and average "
                   f"(default: {'on' if flip_default else 'off'})")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bars")


def add_input_args(p: argparse.ArgumentParser, *, image_size: bool = True) -> None:
    g = p.add_argument_group("input")
    g.add_argument("--layout", default=None,
                   help="joint layout of the input keypoints when the file does not say (bare .npy arrays) or says "
                   "wrong, e.g. coco-17, halpe-26, h36m-17 (see motionhub.skeleton)")
    g.add_argument("--format", dest="input_format", default=None,
                   help="force the input reader (see motionhub.formats.FORMATS; default: detected)")
    g.add_argument("--index", type=int, default=None,
                   help="which clip of a multi-clip file (several videos / a dataset) to use")
    g.add_argument("--person", type=int, default=None,
                   help="which person of a multi-person file (default: all persons)")
    if image_size:
        g.add_argument("--image-size", type=int, nargs=2, default=None, metavar=("W", "H"),
                       help="image width and height in pixels, when the file does not store them")


def model_spec(value: str | None) -> str | None:
    """CLI model argument -> :func:`motionhub.pipelines.load_model` argument (``default`` -> ``None``)."""
    return None if value in (None, DEFAULT_MODEL) else value


def _load(path: Path, layout: str | None, fmt: str | None, reader_kwargs: dict | None = None) -> Any:
    from ..formats import check_input_path, load_motion

    path = check_input_path(path)
    kwargs = dict(reader_kwargs or {})
    if path.suffix.lower() == ".npy" or fmt == "npy":
        if layout is None:
            raise ValueError(f"{path} is a bare array: pass its joint layout with --layout (e.g. --layout coco-17)")
        import numpy as np

        from ..processor import check_layout as _check_layout

        try:
            shape = np.load(path, mmap_mode="r", allow_pickle=False).shape
        except (ValueError, OSError, EOFError) as exc:
            raise ValueError(f"{path}: not a numeric .npy array ({exc}); save keypoints with np.save(path, "
                             "float_array)") from None
        if len(shape) >= 2:
            _check_layout(shape[-2], layout, f"the keypoints in {path.name}")
        kwargs["layout"] = layout
    return load_motion(path, format=fmt, **kwargs)


def load_dataset(path: str | Path, layout: str | None = None, fmt: str | None = None):
    """``path`` as a labelled :class:`~motionhub.formats.MotionDataset` (with splits), or what the reader returns."""
    from ..formats import MotionDataset, detect_format, load_penn_action_dataset

    path = Path(path)
    data = _load(path, layout, fmt)
    if not isinstance(data, MotionDataset) and (fmt or detect_format(path)) == "penn_action":
        data = load_penn_action_dataset(path.with_suffix(".npz") if path.suffix == ".json" else path)
    return data


def read_sequences(
    path: str | Path, layout: str | None = None, fmt: str | None = None, split: str | None = None,
    reader_kwargs: dict | None = None,
) -> list:
    """Every :class:`~motionhub.formats.MotionSequence` in a file, a dataset (optionally one ``split``) or a folder of
    generic ``.npz`` files."""
    from ..formats import MotionDataset, MotionSequence, detect_format

    path = Path(path)
    if path.is_dir():
        try:
            known = fmt or detect_format(path)
        except ValueError:  # no reader claims the folder: read its files one by one
            known = None
        if known is not None:  # a reader's own error (a damaged frame file, mixed joint counts) reaches the user
            data = load_dataset(path, layout, fmt) if split is not None else _load(path, layout, fmt, reader_kwargs)
        else:
            files = sorted(path.glob("*.npz")) + sorted(path.glob("*.json"))
            if not files:
                raise ValueError(f"{path}: a folder of no known dataset layout and without .npz / .json files") from None
            seqs = []
            for f in files:
                seqs.extend(read_sequences(f, layout, fmt))
            return seqs
    else:
        data = load_dataset(path, layout, fmt) if split is not None else _load(path, layout, fmt, reader_kwargs)
    if isinstance(data, MotionDataset):
        if split is not None:
            data = data.select(split)  # a named split, or FIELD=V[,V...] (e.g. view=3, subject=2,4)
        return list(data.sequences)
    if split is not None:
        raise ValueError(f"{path} has no named splits; drop --split")
    if isinstance(data, MotionSequence):
        data = [data]
    for seq in data:
        seq.meta.setdefault("source", str(path))
    return list(data)


def read_sequence(
    path: str | Path, layout: str | None = None, fmt: str | None = None, index: int | None = None,
    person: int | None = None,
    reader_kwargs: dict | None = None,
):
    """One clip of ``path`` (``index`` picks one of a multi-clip file, ``person`` one person; ``reader_kwargs`` go
    to the format reader)."""
    seqs = read_sequences(path, layout, fmt, reader_kwargs=reader_kwargs)
    if len(seqs) > 1 and index is None:
        raise ValueError(
            f"{path} holds {len(seqs)} clips; pick one with --index N (0 ... {len(seqs) - 1})"
        )
    i = 0 if index is None else index
    if not 0 <= i < len(seqs):
        raise ValueError(f"--index {index} out of range: {path} holds {len(seqs)} clip(s)")
    seq = seqs[i]  # a --layout override is applied by the pipelines (their message lists the matching layouts)
    if person is not None:
        if not 0 <= person < seq.num_persons:
            raise ValueError(f"--person {person} out of range: {path} has {seq.num_persons} person(s)")
        seq = seq.person(person)
    return seq


def write_json_or_npz(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` (numpy arrays / lists / strings) as ``.json`` or ``.npz`` (by extension)."""
    import numpy as np

    from ..io_utils import atomic_path, write_text

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from ..pipelines.results import json_safe

        write_text(path, json.dumps(json_safe(data), indent=1, allow_nan=False))  # NaN is not JSON: write None
    elif suffix == ".npz":
        arrays = {}
        for key, value in data.items():
            if isinstance(value, (dict, list)) and not (isinstance(value, list) and value and
                                                          isinstance(value[0], (int, float, str))):
                from ..pipelines.results import json_safe

                arrays[key + "_json"] = np.array(json.dumps(json_safe(value), allow_nan=False))
            elif value is not None:
                arrays[key] = np.asarray(value)
        with atomic_path(path) as tmp:
            np.savez_compressed(tmp, **arrays)
    else:
        raise ValueError(f"output must end in .json or .npz, got {path.name!r}")
    return path


def quiet_loading(quiet: bool) -> None:
    """No transformers weight-loading bars (noise for small models); with ``quiet`` only errors are logged."""
    import transformers

    transformers.utils.logging.disable_progress_bar()
    if quiet:
        transformers.utils.logging.set_verbosity_error()


def info(msg: str, quiet: bool = False) -> None:
    if not quiet:
        print(msg, file=sys.stderr)
