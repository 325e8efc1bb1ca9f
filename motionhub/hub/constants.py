# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Names shared by the Hub modules: the library name, what is downloaded, what a push replaces, the version."""

from __future__ import annotations

__all__ = ["DEFAULT_ALLOW_PATTERNS", "LIBRARY_NAME", "REPLACED_PATTERNS", "motionhub_version"]

LIBRARY_NAME = "motionhub"

#: What :func:`motionhub.hub.download` fetches: configs (the processor's ``preprocessor_config.json`` included),
#: safetensors weights (single or sharded), the card and remote code. Pickled weights (``*.bin``, ``*.pth``) never.
DEFAULT_ALLOW_PATTERNS: tuple[str, ...] = ("*.json", "*.safetensors", "*.py", "README.md")

#: Remote files replaced by every push (so a re-push with different sharding leaves no stale weights behind).
REPLACED_PATTERNS: list[str] = ["*.safetensors", "model.safetensors.index.json", "*.py"]


def motionhub_version() -> str:
    """The installed motionhub version (``"unknown"`` while the package is still initialising)."""
    try:
        from .. import __version__

        return __version__
    except ImportError:  # pragma: no cover - partially initialised package
        return "unknown"
