# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""JSON helpers of the pipeline results and the description of their output units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["UNITS_DOC", "json_safe", "nan_to_none"]


def json_safe(value: Any) -> Any:
    """``value`` with numpy arrays / scalars, tuples and paths turned into JSON types (recursively)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def nan_to_none(a: np.ndarray) -> Any:
    """Nested lists of ``a`` rounded to 6 decimals, NaN -> ``None`` (JSON has no NaN)."""
    arr = np.asarray(a, dtype=np.float64)
    if not np.isnan(arr).any():
        return np.round(arr, 6).tolist()
    obj = np.round(arr, 6).astype(object)
    obj[np.isnan(arr)] = None
    return obj.tolist()


UNITS_DOC = {
    "normalized": "root-relative, normalised units of the 2D input (see 'normalization' and 'pixels_per_unit': "
    "pixels = value * pixels_per_unit)",
    "m": "root-relative metres (camera frame: x right, y down, z forward)",
    "mm": "root-relative millimetres (camera frame: x right, y down, z forward)",
    "px": "x, y image pixels; z depth relative to the pelvis in pixels",
}
