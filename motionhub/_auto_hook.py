# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Makes transformers' Auto classes know motionhub's models without ``import motionhub`` importing transformers.

``import motionhub`` must stay quick (no torch, no transformers), yet ``transformers.AutoModel.from_pretrained`` /
``AutoConfig.for_model`` / ``AutoConfig.from_pretrained`` must find a motionhub model type in either import order.
Every one of those lookups reads ``CONFIG_MAPPING`` of ``transformers.models.auto.configuration_auto`` (model type
-> config class; ``AutoModel.from_pretrained`` resolves the config through ``AutoConfig.from_pretrained`` before it
looks up the model class), and a model type registered from outside transformers lives in that mapping's
``_extra_content`` dict, which the lookup reads after the built-in names (``key in _mapping or key in
_extra_content``; ``register`` writes into it). So:

1. :func:`install` (run by ``import motionhub``, imports only the standard library): if that module is loaded
   already, :func:`_arm` at once; otherwise put :class:`_Finder` first on ``sys.meta_path``. When that module is
   imported, the finder takes itself off ``sys.meta_path`` and hands out the module's usual spec with its loader
   wrapped (:class:`_ArmAfterExec`): the real loader executes the module, then the wrapper puts the real loader back
   on the module and calls :func:`_arm`.
2. :func:`_arm` swaps ``CONFIG_MAPPING._extra_content`` for a :class:`_RegisterOnFirstRead` copy: the first read of
   a model type transformers does not ship (``"dstformer"``), or any listing of the registered types, calls
   ``motionhub.register()`` first and then puts a plain dict back. Model types of transformers' own
   (``AutoConfig.from_pretrained("bert-base-uncased")``) do not: registering imports torch's and transformers' model
   code, seconds that a program reading a BERT config should not pay.

Why not register as soon as the module has executed: ``transformers.AutoModel`` imports it from half-way through
``auto_factory`` (modeling_auto -> auto_factory -> configuration_auto), and registering imports ``auto_factory``'s
classes, which do not exist yet then (ImportError). At a lookup every import has finished.

Each step runs once (idempotent), never lets motionhub break transformers (a failure warns; transformers then works
as without motionhub, and ``motionhub.register()`` shows the error), and leaves nothing behind once done.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable

#: transformers' module that defines CONFIG_MAPPING
TARGET = "transformers.models.auto.configuration_auto"

_register: Callable[[], None] | None = None  # motionhub.register, given to install()
_lock = threading.RLock()  # one registration, also when two threads look up at once
_armed_mapping: Any = None  # CONFIG_MAPPING while its _extra_content is a _RegisterOnFirstRead
_fired = False


def install(register: Callable[[], None]) -> None:
    """Have ``register`` run before transformers first looks up a model type it does not ship (idempotent)."""
    global _register
    with _lock:
        if _register is not None:
            return
        _register = register
        module = sys.modules.get(TARGET)
        if module is not None:
            _arm(module)
        elif not any(isinstance(finder, _Finder) for finder in sys.meta_path):
            sys.meta_path.insert(0, _Finder())


def _warn(what: str, exc: BaseException) -> None:
    import warnings

    warnings.warn(f"motionhub could not {what} ({type(exc).__name__}: {exc}); transformers' Auto classes will not "
                  f"know motionhub's models until motionhub.register() is called", RuntimeWarning, stacklevel=3)


class _Finder:
    """``sys.meta_path`` finder that only answers for :data:`TARGET`, with the usual spec and a wrapped loader."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != TARGET:
            return None
        try:
            sys.meta_path.remove(self)  # one-shot: later imports of anything never see this finder
        except ValueError:
            pass
        # The spec the import gets without this finder, from the others in their order (their errors go up as they
        # would). Always returned once found: importlib walks sys.meta_path while this finder removes itself from it,
        # so answering None here would make it skip the finder after this one.
        spec = None
        for finder in list(sys.meta_path):
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(fullname, path, target) if find_spec is not None else None
            if spec is not None:
                break
        if spec is None:
            return None  # no finder has it: importlib's own walk comes to the same answer
        try:
            if not hasattr(spec.loader, "exec_module"):
                raise TypeError(f"unexpected loader {spec.loader!r}")
            spec.loader = _ArmAfterExec(spec.loader)
        except Exception as exc:  # never stand in the way of transformers' import: it goes on without the hook
            _warn("hook into transformers' import", exc)
        return spec

    def invalidate_caches(self) -> None:
        pass


class _ArmAfterExec:
    """The real loader of :data:`TARGET`, then :func:`_arm` (other attributes: the real loader's)."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, is_package, get_resource_reader ...
        if name == "_loader":  # not set yet (copy, pickle): no endless recursion
            raise AttributeError(name)
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)  # transformers' own errors go up unchanged
        module.__loader__ = self._loader  # no trace of the wrapper on the module
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self._loader
        _arm(module)


class _RegisterOnFirstRead(dict):
    """``CONFIG_MAPPING._extra_content`` until motionhub is registered: reading a model type transformers does not
    ship, or listing the registered ones, registers motionhub first (writes, i.e. ``register``, are plain)."""

    __slots__ = ()

    def _before(self, key: Any) -> None:
        if _armed_mapping is not None and key not in _armed_mapping._mapping:
            _fire()

    def __contains__(self, key: Any) -> bool:
        self._before(key)
        return dict.__contains__(self, key)

    def __getitem__(self, key: Any) -> Any:
        self._before(key)
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._before(key)
        return dict.get(self, key, default)

    def _listing(self) -> None:
        _fire()

    def __iter__(self):
        self._listing()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._listing()
        return dict.__len__(self)

    def keys(self):
        self._listing()
        return dict.keys(self)

    def values(self):
        self._listing()
        return dict.values(self)

    def items(self):
        self._listing()
        return dict.items(self)


def _arm(module: Any) -> None:
    global _armed_mapping
    try:
        with _lock:
            if _fired or _armed_mapping is not None:
                return
            mapping = module.CONFIG_MAPPING
            if type(mapping._extra_content) is not dict or not hasattr(mapping, "_mapping"):
                raise TypeError(f"unexpected CONFIG_MAPPING layout in transformers {_transformers_version()}")
            mapping._extra_content = _RegisterOnFirstRead(mapping._extra_content)
            _armed_mapping = mapping
    except Exception as exc:
        _warn("hook into transformers' CONFIG_MAPPING", exc)


def _fire() -> None:
    """Register motionhub (once; reads during the registration, and by other threads after it, see a plain dict)
    and put a plain dict back into CONFIG_MAPPING."""
    global _fired, _armed_mapping
    with _lock:
        if _fired:
            return
        _fired = True
        try:
            _register()
        except Exception as exc:
            _warn("register its models with transformers", exc)
        finally:
            mapping, _armed_mapping = _armed_mapping, None
            if mapping is not None and isinstance(mapping._extra_content, _RegisterOnFirstRead):
                mapping._extra_content = dict.copy(mapping._extra_content)  # a plain dict, same contents


def _transformers_version() -> str:
    return getattr(sys.modules.get("transformers"), "__version__", "?")
