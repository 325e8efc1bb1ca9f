# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Writing files so that nothing is lost: every file motionhub writes goes to a temporary file in the same folder,
is flushed to disk and renamed over the target (``os.replace``, atomic on POSIX and Windows). A write that fails or is
killed halfway leaves the previous file untouched (at worst a hidden ``.<name>.*.tmp<suffix>`` file next to it).

* :func:`atomic_path` - a temporary path with the target's suffix, for writers that take a file name
  (``np.savez``, PIL, PyAV, ``ModelCard.save``);
* :func:`atomic_write` - an open temporary file object (text or binary);
* :func:`write_text` / :func:`write_bytes` - the one-call forms;
* :func:`check_output_path` - validate an output path *before* the work starts (suffix, not a folder, writable
  parent), so a long run never ends with "cannot write".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["OutputPathError", "atomic_path", "atomic_write", "check_output_path", "write_bytes", "write_text"]


class OutputPathError(ValueError):
    """An output path that cannot be written (a folder, an unwritable or non-folder parent, a wrong suffix)."""


def _umask_mode() -> int:
    # mkstemp creates 0600 files; give the result the permissions a plain open() would have.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be opened on Windows
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same suffix); on success it is fsynced and renamed to ``path``.

    The parent folder is created if needed. On an exception the temporary file is removed and ``path`` keeps its
    previous content. Use it for writers that want a file name::

        with atomic_path("pose3d.npz") as tmp:
            np.savez_compressed(tmp, pose_3d=pose)
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"{path} is a folder; give a file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    # the real suffix last: np.savez appends ".npz" to names not ending in it; PyAV picks the format by suffix
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp" + path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path`` for writing (``mode`` ``"w"`` or ``"wb"``); on a clean exit it is
    flushed, fsynced and renamed to ``path``, on an exception it is removed and ``path`` is left as it was."""
    if mode not in ("w", "wb", "wt"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', got {mode!r}")
    with atomic_path(path) as tmp:
        if "b" in mode:
            fh = open(tmp, "wb")  # noqa: SIM115
        else:
            fh = open(tmp, "w", encoding=encoding, newline=newline)  # noqa: SIM115
        with fh:
            yield fh
            fh.flush()


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """``Path.write_text``, atomically."""
    with atomic_write(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """``Path.write_bytes``, atomically."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def check_output_path(path: str | os.PathLike | None, suffixes: Iterable[str] | None = None, *,
                      what: str = "output") -> Path | None:
    """Check, before any work, that ``path`` can be written: it is not a folder, its suffix is one of ``suffixes``
    (case-insensitive; ``None`` = any), and its parent is a writable folder or can be created (missing parents are
    created at write time, as every motionhub writer does).

    Returns:
        ``path`` as a :class:`~pathlib.Path` (``None`` passes through).

    Raises:
        OutputPathError: the message names the path and the problem.
    """
    if path is None:
        return None
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"{what} {path} is a folder; give a file name")
    if suffixes is not None:
        allowed = tuple(s.lower() for s in suffixes)
        if path.suffix.lower() not in allowed:
            raise OutputPathError(f"{what} {path}: unknown file type {path.suffix or '(no suffix)'!r}; the name must "
                                  f"end in {' or '.join(allowed)}")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputPathError(f"{what} {path} exists and is not writable")
    parent = path.parent if str(path.parent) else Path(".")
    existing = parent
    while not existing.exists():
        if existing.is_symlink():  # dangling link
            raise OutputPathError(f"{what} {path}: {existing} is a broken symbolic link")
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPathError(f"{what} {path}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputPathError(f"{what} {path}: folder {existing} is not writable")
    return path
