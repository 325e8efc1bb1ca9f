# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""THE restricted unpickler: pickles are read with an allow-list of globals, never with ``pickle.load``.

Data files (PYSKL, MotionBERT's H36M pkl, object arrays inside npz) may hold plain containers, numbers, strings and
numpy arrays (:data:`DATA_GLOBALS`); SMPL model files also scipy sparse matrices and chumpy arrays (as stubs that keep
their stored value; :mod:`motionhub.body` passes those). Anything else is refused by a
``pickle.UnpicklingError`` naming the file and the global: motionhub never executes pickled code.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

__all__ = ["DATA_GLOBALS", "RestrictedUnpickler", "data_globals", "restricted_load"]


def data_globals() -> dict[tuple[str, str], Any]:
    """``(module, name) -> object`` allowed in data pickles: numpy arrays / dtypes / scalars and plain containers,
    under both numpy 1 (``numpy.core``) and numpy 2 (``numpy._core``) names."""
    import _codecs
    import collections
    import copyreg

    core = np._core if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else np.core
    allowed: dict[tuple[str, str], Any] = {
        ("copyreg", "_reconstructor"): copyreg._reconstructor,
        ("builtins", "object"): object,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "slice"): slice,
        ("builtins", "complex"): complex,
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "defaultdict"): collections.defaultdict,
        ("_codecs", "encode"): _codecs.encode,  # numpy byte payloads in protocol-2 pickles written by Python 3
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("numpy", "float64"): np.float64,
        ("numpy", "float32"): np.float32,
        ("numpy", "int64"): np.int64,
        ("numpy", "int32"): np.int32,
    }
    for mod in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(mod, "_reconstruct")] = core.multiarray._reconstruct
        allowed[(mod, "scalar")] = core.multiarray.scalar
    for mod in ("numpy.core.numeric", "numpy._core.numeric"):
        if hasattr(core.numeric, "_frombuffer"):
            allowed[(mod, "_frombuffer")] = core.numeric._frombuffer
    for name in dir(getattr(np, "dtypes", object)):
        if name.endswith("DType"):
            allowed[("numpy.dtypes", name)] = getattr(np.dtypes, name)
    return allowed


DATA_GLOBALS = "dicts, lists, strings, numbers and numpy arrays"
"""What :func:`data_globals` allows, in words (for error messages)."""


class RestrictedUnpickler(pickle.Unpickler):
    """A ``pickle.Unpickler`` whose globals come only from ``allowed`` (``(module, name) -> object``); ``resolve``
    may map a global first (e.g. every ``chumpy.*`` class to a stub), returning ``None`` to fall back to ``allowed``.
    """

    def __init__(self, file: BinaryIO, *, source: str | None = None, allowed: Mapping[tuple[str, str], Any] | None = None,
                 resolve: Callable[[str, str], Any] | None = None, what: str = DATA_GLOBALS) -> None:
        super().__init__(file, encoding="latin1")
        self._source = source
        self._allowed = data_globals() if allowed is None else allowed
        self._resolve = resolve
        self._what = what

    def find_class(self, module: str, name: str) -> Any:
        found = self._resolve(module, name) if self._resolve is not None else None
        if found is None:
            found = self._allowed.get((module, name))
        if found is None:
            where = f"{self._source}: " if self._source else ""
            raise pickle.UnpicklingError(
                f"{where}refusing to unpickle `{module}.{name}`: only {self._what} are allowed (motionhub never "
                "executes pickled code; convert the file to plain containers if you trust it)"
            )
        return found


def restricted_load(file: str | Path | BinaryIO | bytes, **kwargs: Any) -> Any:
    """Unpickle ``file`` (a path, bytes or a binary file object) with :class:`RestrictedUnpickler` (``kwargs``: its
    options; ``source`` defaults to the path)."""
    if isinstance(file, bytes):
        return RestrictedUnpickler(io.BytesIO(file), **kwargs).load()
    if isinstance(file, (str, Path)):
        kwargs.setdefault("source", str(file))
        with open(file, "rb") as fh:
            return RestrictedUnpickler(fh, **kwargs).load()
    return RestrictedUnpickler(file, **kwargs).load()
