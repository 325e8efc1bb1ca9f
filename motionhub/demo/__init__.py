# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Shipped demo input: ``cmu_walk_2d.npz`` (CMU mocap walk, H36M-17, virtual camera; see :mod:`.make_demo`).

``DEMO_PATH`` points at the file; load it with ``motionhub.formats.load_generic(DEMO_PATH)``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_PATH"]

DEMO_PATH = Path(__file__).with_name("cmu_walk_2d.npz")
