# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Many inputs in one process (``motionhub lift DIR_OR_FILES... -o OUT_DIR/``): the input list, its deterministic
shard for one machine of many (``--shard I/N``), output names, resume (done outputs are skipped) and the per-file loop
that reports a failed file in one line and goes on. Not a subcommand (leading underscore)."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["BatchSummary", "add_batch_args", "add_shard_arg", "batch_inputs", "failed_exit_code", "is_batch", "output_for", "parse_shard",
           "read_many", "run_batch"]


def add_shard_arg(g: argparse._ActionsContainer) -> None:
    g.add_argument("--shard", default=None, metavar="I/N",
                   help="process only shard I of N (0 <= I < N) of the inputs: files are assigned by a hash of "
                   "their path relative to the input folder, so N machines (a SLURM array: --shard "
                   "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT) cover every file exactly once")


def add_batch_args(p: argparse.ArgumentParser, workers: bool = False) -> None:
    g = p.add_argument_group("many inputs (one process, one model load)")
    add_shard_arg(g)
    g.add_argument("--overwrite", action="store_true",
                   help="redo inputs whose output exists (default: skip them, so a killed run resumes)")
    if workers:
        g.add_argument("--workers", type=_workers, default=0, metavar="N",
                       help="read the inputs (videos: decoding + 2D detection) in N worker processes ahead of the "
                       "model, so detection of the next videos runs while one is lifted (default 0: in this "
                       "process, one after the other)")


def _workers(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of worker processes, got {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = read in this process), got {n}")
    return n


def is_batch(inputs: Sequence[Path], output: Path | None) -> bool:
    """Several inputs, or an output folder: an existing folder, a name given with a trailing separator
    (``getattr(output, "as_folder")``), or a name without suffix for a folder input that no reader claims as one
    recording (a folder of files)."""
    if len(inputs) > 1:
        return True
    if output is None:
        return False
    if output.is_dir() or getattr(output, "as_folder", False):
        return True
    if not output.suffix and inputs[0].is_dir():
        from ..formats import detect_format

        try:
            return detect_format(inputs[0]) == "generic"
        except ValueError:
            return True
    return False


def parse_shard(spec: str | None) -> tuple[int, int] | None:
    """``"I/N"`` -> ``(I, N)``; ``None`` -> ``None``."""
    if spec is None:
        return None
    try:
        i, n = (int(v) for v in spec.split("/"))
    except ValueError:
        raise ValueError(f"--shard must be I/N with integers, e.g. 0/4; got {spec!r}") from None
    if not (n >= 1 and 0 <= i < n):
        raise ValueError(f"--shard {spec}: need N >= 1 and 0 <= I < N")
    return i, n


def _readable_suffixes() -> set[str]:
    from ..formats import get_format, registered_formats
    from ..video.decode import VIDEO_SUFFIXES

    return {s for name in registered_formats() for s in get_format(name).suffixes} | set(VIDEO_SUFFIXES)


def batch_inputs(inputs: Sequence[Path], shard: tuple[int, int] | None = None) -> tuple[list[Path], Path]:
    """The files to process, sorted, and the root their output names are relative to.

    A folder that a reader claims as one recording (an OpenPose frame folder, a generic dataset folder) is one
    input; any other folder contributes its readable files (motion formats and videos; not recursive). ``shard``
    keeps the files whose stable hash of the path relative to the root falls in shard ``I`` of ``N``.
    """
    from ..formats import check_input_path, detect_format

    suffixes = _readable_suffixes()
    files: list[Path] = []
    for path in inputs:
        path = check_input_path(path)
        if path.is_dir():
            try:
                # a frame folder (OpenPose, mmpose, Panoptic) or a dataset is one input; generic npz files are many
                if detect_format(path) != "generic":
                    files.append(path)
                    continue
            except ValueError:
                pass
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                           and not p.name.startswith("."))
            if not found:
                raise ValueError(f"{path}: no readable file in this folder (motion files or videos: "
                                 f"{', '.join(sorted(suffixes))})")
            files.extend(found)
        else:
            files.append(path)
    files = sorted(dict.fromkeys(p.resolve() for p in files))
    root = Path(os.path.commonpath([p.parent for p in files])) if files else Path(".")
    if shard is not None:
        i, n = shard
        files = [p for p in files if _shard_of(p, root, n) == i]
    return files, root


def _shard_of(path: Path, root: Path, n: int) -> int:
    key = path.relative_to(root).as_posix().encode()
    return int.from_bytes(hashlib.sha1(key).digest()[:8], "big") % n


def output_for(path: Path, root: Path, out_dir: Path, suffix: str) -> Path:
    """``out_dir/<path relative to root without suffix><suffix>`` (sub-folders kept, so equal names never clash)."""
    rel = path.relative_to(root)
    return out_dir / rel.parent / f"{rel.stem if path.is_file() else rel.name}{suffix}"


class BatchSummary:
    """Counts of a batch run and the failed files with their one-line reasons."""

    def __init__(self) -> None:
        self.done = self.skipped = 0
        self.failed: list[tuple[Path, str]] = []

    def line(self, total: int, seconds: float) -> str:
        return (f"{total} input(s): {self.done} done, {self.skipped} skipped (output exists; --overwrite redoes "
                f"them), {len(self.failed)} failed, {seconds:.1f} s")


def run_batch(files: Sequence[Path], root: Path, out_dir: Path, suffix: str, read: Callable[[Path], Any],
              work: Callable[[Path, Path, Any], None], *, workers: int = 0, overwrite: bool = False,
              quiet: bool = False, what: str = "input") -> BatchSummary:
    """Call ``work(input, output, read(input))`` for every file whose output does not exist yet (all with
    ``overwrite``); the output is written by ``work`` (atomically). A user error in one file is one line on stderr
    and the loop goes on; a bug or Ctrl-C stops it.

    ``read`` (a picklable function of the input path) runs in this process, or with ``workers`` > 0 in that many
    worker processes (``spawn``), up to two inputs per worker ahead of ``work``, so decoding and detection of the next
    videos overlap the model on the current one; the order of ``work`` calls, the outputs and the error lines are
    the same either way."""
    from tqdm.auto import tqdm

    from ..errors import describe_error, is_user_error

    summary = BatchSummary()
    start = time.perf_counter()
    todo = []
    for path in files:
        target = output_for(path, root, out_dir, suffix)
        if target.exists() and not overwrite:
            summary.skipped += 1  # never read: a resumed run does not decode finished videos again
        else:
            todo.append((path, target))
    bar = tqdm(total=len(files), initial=summary.skipped, unit="file", desc=what, disable=quiet, file=sys.stderr)
    for path, target, item, read_error in _read_ahead(todo, read, workers):
        bar.update(1)
        try:
            if read_error is not None:
                raise read_error
            work(path, target, item)
            summary.done += 1
        except Exception as err:
            if not is_user_error(err):
                raise
            text = describe_error(err)
            summary.failed.append((path, text))
            named = str(path) in text or path.name in text
            tqdm.write(f"failed: {text}" if named else f"failed: {path}: {text}", file=sys.stderr)
    bar.close()
    print(summary.line(len(files), time.perf_counter() - start))
    return summary


def _read_ahead(todo: Sequence[tuple[Path, Path]], read: Callable[[Path], Any], workers: int):
    """``(path, target, item, error)`` for every pair of ``todo`` in order: ``item = read(path)``, or the user error
    reading raised, as one line (re-raised by the caller inside its per-file error handling)."""

    def result(path: Path, target: Path, outcome: tuple[bool, Any]):
        ok, value = outcome
        # the line as a plain ValueError: describe_error prints it unchanged, wherever it was read
        return (path, target, value, None) if ok else (path, target, None, ValueError(value))

    if workers <= 0 or len(todo) < 2:
        for path, target in todo:
            yield result(path, target, _read_in_worker(read, path))
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent holds torch's thread pools (and may hold a model) once the first input is lifted
    pool = ProcessPoolExecutor(min(workers, len(todo)), mp_context=multiprocessing.get_context("spawn"))
    pending: deque = deque()
    upcoming = iter(todo)
    try:
        def submit() -> None:
            nxt = next(upcoming, None)
            if nxt is not None:
                pending.append((*nxt, pool.submit(_read_in_worker, read, nxt[0])))

        for _ in range(2 * workers):
            submit()
        while pending:
            path, target, future = pending.popleft()
            submit()
            yield result(path, target, future.result())  # a bug in a worker re-raises here with its traceback
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C / a bug: queued reads are dropped, running ones end


def _read_in_worker(read: Callable[[Path], Any], path: Path) -> tuple[bool, Any]:
    """``(True, read(path))``, or ``(False, one line)`` for a user error, in this process or a worker: the line
    travels, not the exception (some library exceptions cannot be pickled back). A bug raises (a worker's reaches the
    parent through the pool)."""
    from ..errors import describe_error, is_user_error

    try:
        return True, read(path)
    except Exception as err:
        if not is_user_error(err):
            raise
        return False, describe_error(err)


def read_many(inputs: Sequence[Path], read: Callable[[Path], object], shard: str | None = None,
              quiet: bool = False) -> tuple[list[Path], list, list[tuple[Path, str]]]:
    """Every readable input of files / folders / a shard of them for commands that write one combined output
    (``classify``, ``embed``): ``(paths, read(path) results, failed)``. A file that cannot be read is one line on
    stderr (``failed: FILE: reason``) and the others go on; the caller reports the count and exits 1."""
    from tqdm.auto import tqdm

    from ..errors import describe_error, is_user_error

    chosen, _ = batch_inputs(inputs, parse_shard(shard))
    keep = set(chosen)
    # the inputs' own order (embeddings are written in input order), a folder's files sorted; files named directly
    # are reported as the user wrote them
    files, seen = [], set()
    for given in inputs:
        given = Path(given)
        expanded = batch_inputs([given])[0] if given.is_dir() else [given.resolve()]
        for path in expanded:
            if path in keep and path not in seen:
                seen.add(path)
                files.append(given if not given.is_dir() else path)
    paths, items, failed = [], [], []
    for path in tqdm(files, unit="file", desc="reading", disable=quiet or len(files) < 2, file=sys.stderr):
        try:
            items.append(read(path))
            paths.append(path)
        except Exception as err:
            if not is_user_error(err):
                raise
            text = describe_error(err)
            failed.append((path, text))
            named = str(path) in text or path.name in text
            tqdm.write(f"failed: {text}" if named else f"failed: {path}: {text}", file=sys.stderr)
    if not items:
        raise ValueError(f"none of the {len(files)} input(s) could be read" if files else
                         "no input in this shard: every file hashed to another one (fewer files than shards?)")
    return paths, items, failed


def failed_exit_code(paths: Sequence[Path], failed: Sequence[tuple[Path, str]]) -> int:
    """Exit code of a :func:`read_many` run: 0, or 1 with a summary line when some inputs could not be read."""
    if not failed:
        return 0
    print(f"{len(paths) + len(failed)} input(s): {len(paths)} done, {len(failed)} failed (listed above)")
    return 1
