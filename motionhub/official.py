# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The released official checkpoints of the seed systems, one name away.

>>> from motionhub.official import from_official, list_official
>>> [c.name for c in list_official()][:3]
['motionbert-3dpw-mesh', 'motionbert-h36m', 'motionbert-h36m-scratch']
>>> model = from_official("motionbert-lite-h36m")     # Hub download (cached, resumable) -> converted once -> model

On the command line every ``--model`` accepts ``official:NAME`` (``motionhub info official:motionbert-h36m``).

The facts about each checkpoint (file, size / sha256, config facts, license, paper, reported numbers, model-card text)
are one :class:`OfficialCheckpoint` record in :mod:`motionhub.official_records`; this module loads them by name.

Where the authors publish a file on the Hugging Face Hub (MotionBERT: ``walterzhu/MotionBERT``), it is fetched with
``huggingface_hub.hf_hub_download`` into the Hub cache, checked against the size / sha256 of its record when known,
converted with :func:`motionhub.conversion.convert_checkpoint` using the config facts the file does not store
(``num_heads``, strides) and cached as a ``save_pretrained`` folder (``config.json`` + ``model.safetensors``) under
``<HF_HOME>/motionhub/official/<name>/<blob sha>``, so later loads read safetensors only. Where no Hub copy exists
(P-STMO, MPM and STRIDE are on Google Drive), :class:`OfficialDownloadUnavailable` names the download page and the
``motionhub convert`` line for the downloaded file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from .official_records import (
    OFFICIAL_CHECKPOINTS,
    OfficialCard,
    OfficialCheckpoint,
    ReportedResult,
)

__all__ = [
    "OFFICIAL_CHECKPOINTS",
    "OFFICIAL_PREFIX",
    "OfficialCard",
    "OfficialCheckpoint",
    "OfficialDownloadUnavailable",
    "ReportedResult",
    "from_official",
    "get_official",
    "list_official",
    "official_model_path",
    "parse_official_name",
]

#: ``--model official:NAME`` on the command line.
OFFICIAL_PREFIX = "official:"


class OfficialDownloadUnavailable(FileNotFoundError):
    """The official file is not on the Hub: the message names the download page and the conversion command."""


def list_official() -> list[OfficialCheckpoint]:
    """Every official checkpoint, sorted by name."""
    return sorted(OFFICIAL_CHECKPOINTS.values(), key=lambda c: c.name)


def parse_official_name(spec: str | os.PathLike) -> str | None:
    """``"official:NAME"`` -> ``"NAME"``; anything else -> ``None``."""
    s = str(spec)
    return s[len(OFFICIAL_PREFIX):] if s.startswith(OFFICIAL_PREFIX) else None


def get_official(name: str) -> OfficialCheckpoint:
    """The registry entry ``name`` (``official:`` prefix allowed); unknown names list the known ones."""
    name = parse_official_name(name) or str(name)
    if name not in OFFICIAL_CHECKPOINTS:
        raise ValueError(f"unknown official checkpoint {name!r}; known: {', '.join(sorted(OFFICIAL_CHECKPOINTS))}")
    return OFFICIAL_CHECKPOINTS[name]


def _converted_root(cache_dir: str | os.PathLike | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    from huggingface_hub import constants

    return Path(constants.HF_HOME) / "motionhub" / "official"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def official_model_path(
    name: str,
    *,
    revision: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    converted_dir: str | os.PathLike | None = None,
    local_files_only: bool = False,
    token: str | None = None,
) -> Path:
    """Download (once) and convert (once) an official checkpoint; returns its ``save_pretrained`` folder.

    Args:
        name: registry name (see :func:`list_official`), with or without ``official:``.
        revision: Hub revision of the authors' repository (default ``main``).
        cache_dir: Hub cache for the official file (default: huggingface_hub's).
        converted_dir: where converted folders are cached (default ``<HF_HOME>/motionhub/official``).
        local_files_only: no network: use the cached official file / converted folder only.
        token: Hub token.

    Raises:
        OfficialDownloadUnavailable: the checkpoint is not on the Hub (the message says where to get it and how to
            convert it).
        ValueError: unknown name, or the downloaded file's size / sha256 differs from the registry (the damaged
            cache entry is removed; run again to re-download).
    """
    entry = get_official(name)
    if not entry.on_hub:
        raise OfficialDownloadUnavailable(
            f"official checkpoint {entry.name!r} ({entry.family}) is not published on the Hugging Face Hub; download "
            f"{entry.file_name} from {entry.download_page}, then convert it once with:\n"
            f"  {entry.convert_command()}\nand use the folder as --model {entry.name} "
            f"(Python: from_pretrained({entry.name!r}))"
        )
    from huggingface_hub import hf_hub_download

    from . import __version__

    path = Path(hf_hub_download(
        entry.hub_repo, entry.hub_filename, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only,
        token=token, library_name="motionhub", library_version=__version__,
    ))
    blob = path.resolve()
    # The blob's file name in the Hub cache is the sha256 the Hub reported for an LFS file (or a git hash).
    out = _converted_root(converted_dir) / entry.name / blob.name
    if (out / "config.json").is_file() and (out / "model.safetensors").is_file():
        return out
    size = blob.stat().st_size
    if entry.size is not None and size != entry.size:
        _discard(blob, path)
        raise ValueError(f"{entry.hub_repo}/{entry.hub_filename}: {size} bytes, the official file has "
                         f"{entry.size}; the damaged download was removed, run again to download it anew")
    if entry.sha256 is not None and _sha256(blob) != entry.sha256:
        _discard(blob, path)
        raise ValueError(f"{entry.hub_repo}/{entry.hub_filename}: sha256 differs from the official file "
                         f"({entry.sha256}); the damaged download was removed, run again to download it anew")
    if entry.sha256 is None:  # no registry hash: the Hub's (the cache blob is named after the sha256 it served)
        from .hub.verify import check_cached_file

        mismatch = check_cached_file(path, entry.hub_filename)
        if mismatch is not None:
            _discard(blob, path)
            raise ValueError(f"{entry.hub_repo}/{entry.hub_filename}: {mismatch.problem}; the damaged download was "
                             "removed, run again to download it anew")
    from .conversion import convert_checkpoint

    model = convert_checkpoint(path, family=entry.converter, **entry.config)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    (tmp / "official.json").write_text(json.dumps({**entry.to_dict(), "source_blob": blob.name}, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, out)
    return out


def _discard(blob: Path, link: Path) -> None:
    for p in (link, blob):
        try:
            p.unlink()
        except OSError:
            pass


def from_official(name: str, **kwargs):
    """The official checkpoint ``name`` as a motionhub model (eval mode); ``kwargs`` go to
    :func:`official_model_path`."""
    from transformers import AutoConfig

    import motionhub

    folder = official_model_path(name, **kwargs)
    config = AutoConfig.from_pretrained(folder, trust_remote_code=False)  # motionhub's own conversion: no code
    arch = (config.architectures or [get_official(name).architecture])[0]
    cls = getattr(motionhub, arch, None)
    if cls is None:
        import motionhub.heads

        cls = getattr(motionhub.heads, arch)
    return cls.from_pretrained(folder, trust_remote_code=False).eval()
