# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Writing files so that nothing is lost: every file motionhub writes goes to a temporary file in the same folder,
is flushed to disk and renamed over the target (``os.replace``, atomic on POSIX and Windows). A write that fails or is
killed halfway leaves the previous file untouched. A failed write removes its temporary file; a killed one (SIGKILL,
power loss) leaves a hidden ``.<name>.<pid>.<random>.tmp<suffix>`` next to it, which the next successful write of the
same target removes once process ``<pid>`` is gone (see :func:`atomic_path`).

* :func:`atomic_path` - a temporary path with the target's suffix, for writers that take a file name
  (``np.savez``, PIL, PyAV, ``ModelCard.save``);
* :func:`atomic_write` - an open temporary file object (text or binary);
* :func:`write_text` / :func:`write_bytes` - the one-call forms;
* :func:`check_output_path` - validate an output path *before* the work starts (suffix, not a folder, writable
  parent, not one of the command's input files), so a long run never ends with "cannot write" and never replaces
  its own input.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "OutputPathError",
    "atomic_path",
    "atomic_write",
    "check_output_path",
    "temporary_folder_beside",
    "write_bytes",
    "write_text",
]


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


def _temporary_name_pattern(path: Path) -> re.Pattern[str]:
    # .<name>.<pid>.<mkstemp's random part>.tmp<suffix>
    return re.compile(re.escape(f".{path.name}.") + r"(\d+)\.[^.]+" + re.escape(".tmp" + path.suffix))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by another user
        return True
    return True


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporaries of ``path`` left by writers that were killed (their pid no longer exists)."""
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would terminate the process on Windows
        return
    pattern, prefix = _temporary_name_pattern(path), f".{path.name}."
    try:
        with os.scandir(path.parent) as entries:
            names = [e.name for e in entries if e.name.startswith(prefix)]
    except OSError:  # pragma: no cover
        return
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or int(match[1]) == os.getpid() or _pid_alive(int(match[1])):
            continue
        try:
            (path.parent / name).unlink()
        except OSError:  # pragma: no cover - gone already, or not ours to remove
            pass


def temporary_folder_beside(target: Path, purpose: str = "saving") -> Path:
    """A new hidden folder ``.<target name>.<purpose>-<pid>-<random>`` next to ``target`` (for writers that build a
    folder's files before renaming them in). Folders of the same kind left by killed writers (their process id no
    longer exists) are removed first, so a SIGKILL never leaves them accumulating."""
    prefix = f".{target.name}.{purpose}-"
    if os.name == "posix":
        pattern = re.compile(re.escape(prefix) + r"(\d+)-.+")
        try:
            with os.scandir(target.parent) as entries:
                stale = [e.name for e in entries if e.is_dir(follow_symlinks=False) and e.name.startswith(prefix)]
        except OSError:  # pragma: no cover
            stale = []
        for name in stale:
            match = pattern.fullmatch(name)
            if match is not None and int(match[1]) != os.getpid() and not _pid_alive(int(match[1])):
                shutil.rmtree(target.parent / name, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=target.parent))


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same suffix); on success it is fsynced and renamed to ``path``.

    The parent folder is created if needed. On an exception the temporary file is removed and ``path`` keeps its
    previous content; an ``OSError`` (a full disk, ...) names ``path``. Use it for writers that want a file name::

        with atomic_path("pose3d.npz") as tmp:
            np.savez_compressed(tmp, pose_3d=pose)

    The temporary file is ``.<name>.<pid>.<random>.tmp<suffix>`` (hidden, the writer's process id in it). A writer
    killed before it could clean up (SIGKILL, power loss) leaves it behind; the next successful write of the same
    target removes such temporaries of ``path`` whose process no longer exists (checked with ``os.kill(pid, 0)``;
    POSIX only). Temporaries of live processes (a concurrent write) and of other targets are left alone. In a folder
    shared between machines or containers, a temporary of a live writer elsewhere may look stale here: removing it
    makes that write fail with an error, it never loses a finished file.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"{path} is a folder; give a file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    # the real suffix last: np.savez appends ".npz" to names not ending in it; PyAV picks the format by suffix
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp" + path.suffix)
    except OSError as err:  # a read-only or special folder (/proc): name the output, not the temporary
        raise OSError(err.errno, f"{err.strerror} (cannot create files in {path.parent})", str(path)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException as err:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        if isinstance(err, OSError) and err.errno is not None and err.filename is None:
            err.filename = str(path)  # "[Errno 28] No space left on device: 'out.npz'", not an anonymous error
        raise
    _fsync_dir(path.parent)
    _remove_stale_temporaries(path)


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
                      what: str = "output", inputs: Iterable[str | os.PathLike | None] = ()) -> Path | None:
    """Check, before any work, that ``path`` can be written: it is not a folder, its suffix is one of ``suffixes``
    (case-insensitive; ``None`` = any), its parent is a writable folder or can be created (missing parents are
    created at write time, as every motionhub writer does), and it is none of the command's ``inputs``.

    Args:
        inputs: the files (and folders) the command reads. ``path`` must not be one of them: not the same path
            once resolved (symbolic links, ``..``), not the same file under another name (a hard link,
            ``os.path.samefile``) and, for a folder, not an existing file inside it (it may be read as input).
            ``None`` entries and paths that do not exist (Hub repo ids, ``default``) are skipped.

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
    _check_not_an_input(path, inputs, what)
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
    if existing == parent:  # root may "write" everywhere per os.access; a probe file tells (/proc, read-only mounts)
        try:
            fd, probe = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.probe-")
        except OSError as err:
            raise OutputPathError(f"{what} {path}: cannot create files in {parent} ({err.strerror})") from None
        os.close(fd)
        os.unlink(probe)
    return path


def _check_not_an_input(path: Path, inputs: Iterable[str | os.PathLike | None], what: str) -> None:
    """Writing ``path`` must not replace a file the command reads (``motionhub lift x.npz -o x.npz``)."""
    target = path.resolve()
    for item in inputs:
        if item is None:
            continue
        source = Path(item).expanduser()
        try:
            if not source.exists():
                continue
            if source.is_dir():
                if path.exists() and target.is_relative_to(source.resolve()):
                    raise OutputPathError(f"{what} {path} is inside the input folder {source}, whose files are read "
                                          "as input: writing it would replace one of them; write it elsewhere")
                continue
            if target == source.resolve() or (path.exists() and os.path.samefile(path, source)):
                same = "is" if target == source.resolve() else "is the same file (a hard link) as"
                raise OutputPathError(f"{what} {path} {same} the input {source}: writing it would destroy the input; "
                                      "choose another output name")
        except OSError:  # an unreadable input or output: the read / the write reports it
            continue
