# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Checking downloaded / cached Hub files against what the Hub published, and safetensors files for damage.

Where the expected digest comes from:

* online: ``HfApi().model_info(repo, revision=<commit>, files_metadata=True)``: every sibling's ``size`` and either
  ``lfs.sha256`` (LFS files: weights) or ``blob_id`` (the git blob sha1 of regular files: config.json, README.md);
* always (online and offline): the name of the blob a snapshot file links to in the Hub cache
  (``blobs/<etag>``): huggingface_hub names it after the ETag the Hub served, which is the sha256 for LFS files and
  the git blob sha1 for regular files. Hashing the content and comparing it with that name catches a blob damaged
  on disk, and a download whose bytes do not match the ETag it was served with;
* ``local_dir`` downloads: the ETag huggingface_hub recorded in ``<local_dir>/.cache/huggingface/download``.

A mismatch is a :class:`DamagedFileError` naming the file, with how to repair it
(``motionhub download REPO --force`` / ``download(repo, force_download=True)``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DamagedFileError",
    "FileDigest",
    "Mismatch",
    "check_cached_file",
    "check_safetensors_file",
    "expected_digests",
    "find_mismatches",
    "repair_hint",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_CHUNK = 1 << 20


class DamagedFileError(OSError):
    """A file whose content is not what it should be: a Hub file whose sha256 / size differs from the Hub's, or a
    truncated / corrupted safetensors file. ``str(err)`` names the file and says how to repair it."""


@dataclass(frozen=True)
class FileDigest:
    """What a file should be: ``sha256`` for LFS files, ``git_sha1`` (git blob hash) for regular files."""

    size: int | None = None
    sha256: str | None = None
    git_sha1: str | None = None


@dataclass(frozen=True)
class Mismatch:
    """One damaged file: its path in the repository, where it is on disk and what is wrong."""

    filename: str
    path: Path
    problem: str


def repair_hint(repo_id: str, revision: str | None = None) -> str:
    rev = f" --revision {revision}" if revision else ""
    rev_py = f", revision={revision!r}" if revision else ""
    return (f"repair it with `motionhub download {repo_id}{rev} --force` (Python: "
            f"motionhub.hub.download({repo_id!r}{rev_py}, force_download=True))")


def expected_digests(repo_id: str, revision: str, *, token: str | None = None,
                     repo_type: str = "model") -> dict[str, FileDigest]:
    """``{path in repo: FileDigest}`` of ``repo_id`` at ``revision`` as the Hub reports it (one API call)."""
    from huggingface_hub import HfApi

    from .constants import LIBRARY_NAME, motionhub_version

    api = HfApi(token=token, library_name=LIBRARY_NAME, library_version=motionhub_version())
    info = api.repo_info(repo_id, revision=revision, repo_type=repo_type, files_metadata=True)
    out = {}
    for sibling in info.siblings or []:
        lfs = sibling.lfs
        out[sibling.rfilename] = FileDigest(
            size=(lfs.size if lfs is not None else sibling.size),
            sha256=(lfs.sha256 if lfs is not None else None),
            git_sha1=(None if lfs is not None else sibling.blob_id),
        )
    return out


def _hashes(path: Path, *, git: bool) -> tuple[int, str, str | None]:
    """(size, sha256, git blob sha1 or None) of a file, read once."""
    size = path.stat().st_size
    sha256 = hashlib.sha256()
    sha1 = hashlib.sha1(b"blob %d\x00" % size) if git else None
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha256.update(chunk)
            if sha1 is not None:
                sha1.update(chunk)
    return size, sha256.hexdigest(), (sha1.hexdigest() if sha1 is not None else None)


def _digest_from_cache_name(path: Path) -> FileDigest | None:
    """The digest a Hub-cache snapshot file carries in the name of the blob it links to (None: not a cache link)."""
    if not path.is_symlink():
        return None
    name = Path(os.readlink(path)).name
    if _SHA256.match(name):
        return FileDigest(sha256=name)
    if _SHA1.match(name):
        return FileDigest(git_sha1=name)
    return None


def _digest_from_local_dir_metadata(folder: Path, filename: str) -> FileDigest | None:
    """The ETag huggingface_hub recorded for a ``local_dir`` download (its metadata file: commit, etag, time)."""
    meta = folder / ".cache" / "huggingface" / "download" / f"{filename}.metadata"
    try:
        lines = meta.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    etag = lines[1].strip() if len(lines) > 1 else ""
    if _SHA256.match(etag):
        return FileDigest(sha256=etag)
    if _SHA1.match(etag):
        return FileDigest(git_sha1=etag)
    return None


def _compare(filename: str, path: Path, digests: list[tuple[str, FileDigest]]) -> Mismatch | None:
    need_git = any(d.git_sha1 for _, d in digests)
    size, sha256, git_sha1 = _hashes(path, git=need_git)
    for source, d in digests:
        if d.size is not None and size != d.size:
            return Mismatch(filename, path, f"{size} bytes, {source} says {d.size}")
        if d.sha256 is not None and sha256 != d.sha256:
            return Mismatch(filename, path, f"sha256 {sha256[:12]}..., {source} says {d.sha256[:12]}...")
        if d.git_sha1 is not None and git_sha1 != d.git_sha1:
            return Mismatch(filename, path, f"git hash {git_sha1[:12]}..., {source} says {d.git_sha1[:12]}...")
    return None


def find_mismatches(folder: str | os.PathLike, hub: dict[str, FileDigest] | None = None, *,
                    files: list[str] | None = None) -> list[Mismatch]:
    """Hash every file of a downloaded snapshot (or only ``files``) and compare it with ``hub`` (see
    :func:`expected_digests`, ``None`` when offline) and with the digest recorded by the Hub cache (blob name or
    ``local_dir`` metadata). Files no source describes are not checked."""
    folder = Path(folder)
    if files is None:
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                       if (p.is_file() or p.is_symlink()) and ".cache" not in p.relative_to(folder).parts)
    out = []
    for filename in files:
        path = folder / filename
        if not path.exists():
            if path.is_symlink():
                out.append(Mismatch(filename, path, f"its blob {os.readlink(path)} is missing"))
            continue
        digests = []
        if hub is not None and filename in hub:
            digests.append(("the Hub", hub[filename]))
        local = _digest_from_cache_name(path) or _digest_from_local_dir_metadata(folder, filename)
        if local is not None:
            digests.append(("its name in the Hub cache (the Hub's ETag)" if path.is_symlink() else
                            "the download record", local))
        if digests:
            problem = _compare(filename, path, digests)
            if problem is not None:
                out.append(problem)
    return out


def check_cached_file(path: str | os.PathLike, filename: str | None = None) -> Mismatch | None:
    """Compare one file of a Hub-cache snapshot with the hash its blob is named after (``None``: it matches, or it
    is not a cache link and carries no hash)."""
    path = Path(path)
    digest = _digest_from_cache_name(path)
    if digest is None:
        return None
    return _compare(filename or path.name, path, [("its name in the Hub cache (the Hub's ETag)", digest)])


def check_safetensors_file(path: str | os.PathLike) -> None:
    """Raise :class:`DamagedFileError` naming ``path`` when it is not a complete safetensors file: shorter than its
    header, a header that is not JSON, or tensors whose byte ranges do not fit the file (truncated / bit-flipped)."""
    path = Path(path)
    size = path.stat().st_size
    what = f"{path} is not a valid safetensors file"
    fix = "; it is damaged or truncated: re-save, re-convert or re-download it"
    with path.open("rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise DamagedFileError(f"{what} ({size} bytes, shorter than the 8-byte header length){fix}")
        (length,) = struct.unpack("<Q", head)
        if length > size - 8 or length > 100 * 1024 * 1024:
            raise DamagedFileError(f"{what} (header length {length} > file size {size}){fix}")
        raw = fh.read(length)
    try:
        header = json.loads(raw)
        if not isinstance(header, dict):
            raise ValueError("not an object")
        end = 0
        sizes = []
        for key, meta in header.items():
            if key == "__metadata__":
                continue
            start, stop = (int(v) for v in meta["data_offsets"])
            if not 0 <= start <= stop:
                raise ValueError(f"tensor {key!r} has byte range {start}..{stop}")
            end = max(end, stop)
            sizes.append((key, str(meta["dtype"]), [int(d) for d in meta["shape"]], stop - start))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise DamagedFileError(f"{what} (unreadable header: {err}){fix}") from None
    if 8 + length + end != size:
        raise DamagedFileError(f"{what} (its tensors end at byte {8 + length + end}, the file has {size}){fix}")
    for key, dtype, shape, nbytes in sizes:  # the header must describe the bytes it points at
        itemsize = _SAFETENSORS_ITEMSIZE.get(dtype)
        if itemsize is None:
            continue  # a dtype newer than this list: the safetensors library judges it
        declared = itemsize
        for d in shape:
            declared *= d
        if declared != nbytes:
            raise DamagedFileError(
                f"{path}: damaged or edited safetensors header: tensor {key!r} is declared {dtype} of shape "
                f"{shape} ({declared} bytes) but its data holds {nbytes} bytes; restore the file (re-save, re-convert "
                "or re-download it)"
            )


#: bytes per element of the safetensors dtypes (the header's "dtype")
_SAFETENSORS_ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1, "I16": 2, "U16": 2,
                         "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "C64": 8, "I64": 8, "U64": 8, "F64": 8}
