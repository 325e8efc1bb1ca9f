# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Biovision Hierarchy (``.bvh``) reader with forward kinematics.

A BVH file has a ``HIERARCHY`` section (``ROOT``/``JOINT`` blocks with an ``OFFSET`` from the parent, a ``CHANNELS``
list and optional ``End Site`` blocks) and a ``MOTION`` section (``Frames:``, ``Frame Time:`` and one line of channel
values per frame, in hierarchy order).

Forward kinematics (the usual BVH convention): for every joint the local transform is a translation by
``OFFSET`` (+ the position channels if the joint has any) followed by the rotation channels composed in the order they
are listed (``CHANNELS 3 Zrotation Xrotation Yrotation`` -> ``R = Rz @ Rx @ Ry``, angles in degrees); the global
transform is ``parent_global @ local``. Joint positions are the translations of the global transforms. Any
rotation order is supported, and position channels on non-root joints too.

BVH has no unit field: pass ``units`` (``"cm"`` by default, the usual mocap export; ``"mm"``, ``"m"``, ``"inch"``)
and the positions are returned in millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._rotations import euler_matrix
from .base import MotionSequence
from .registry import MotionFormat, register_format

__all__ = ["UNIT_TO_MM", "BVHMotion", "BVHSkeleton", "bvh_forward_kinematics", "load_bvh", "parse_bvh"]

UNIT_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "inch": 25.4, "in": 25.4}
"""Length unit name -> millimetres."""

_BANDAI_NAMES = [
    "joint_Root", "Hips", "Spine", "Chest", "Neck", "Head", "Shoulder_L", "UpperArm_L", "LowerArm_L", "Hand_L",
    "Shoulder_R", "UpperArm_R", "LowerArm_R", "Hand_R", "UpperLeg_L", "LowerLeg_L", "Foot_L", "Toes_L",
    "UpperLeg_R", "LowerLeg_R", "Foot_R", "Toes_R",
]  # fmt: skip


@dataclass
class BVHSkeleton:
    """Joint hierarchy of a BVH file.

    Attributes:
        names: joint names in file order (end sites named ``<parent>_end`` and flagged in ``is_end_site``).
        parents: parent index per joint (-1 for roots).
        offsets: ``(J, 3)`` offsets from the parent, file units.
        channels: per joint the list of channel names (``"Xposition"``, ``"Zrotation"``, ...); empty for end sites.
        is_end_site: per joint, True for ``End Site`` entries.
    """

    names: list[str]
    parents: list[int]
    offsets: np.ndarray
    channels: list[list[str]]
    is_end_site: list[bool] = field(default_factory=list)

    @property
    def num_channels(self) -> int:
        """Total number of motion channels per frame."""
        return sum(len(c) for c in self.channels)


@dataclass
class BVHMotion:
    """Parsed BVH file: skeleton + raw channel values.

    Attributes:
        skeleton: the hierarchy.
        motion: ``(T, num_channels)`` channel values (degrees for rotations, file units for positions).
        frame_time: seconds per frame.
    """

    skeleton: BVHSkeleton
    motion: np.ndarray
    frame_time: float

    @property
    def fps(self) -> float:
        """``1 / frame_time``."""
        return 1.0 / self.frame_time if self.frame_time > 0 else float("nan")


def parse_bvh(text_or_path: str | Path) -> BVHMotion:
    """Parse a BVH file (path) or BVH text.

    Raises:
        ValueError: naming the line/token that breaks the grammar.
    """
    if isinstance(text_or_path, Path) or (isinstance(text_or_path, str) and "\n" not in text_or_path):
        text = Path(text_or_path).read_text(encoding="utf-8", errors="replace")
    else:
        text = text_or_path
    upper = text.upper()
    m_idx = upper.find("MOTION")
    if not upper.lstrip().startswith("HIERARCHY") or m_idx < 0:
        raise ValueError("not a BVH file: expected a 'HIERARCHY' section followed by a 'MOTION' section")
    tokens = text[:m_idx].split()[1:]  # drop "HIERARCHY"
    names: list[str] = []
    parents: list[int] = []
    offsets: list[list[float]] = []
    channels: list[list[str]] = []
    end_site: list[bool] = []
    stack: list[int] = []
    pending: int | None = None  # joint whose '{' is expected next
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        key = tok.upper()
        if key in ("ROOT", "JOINT"):
            j = i + 1
            name_parts = []
            while j < len(tokens) and tokens[j] != "{":
                name_parts.append(tokens[j])
                j += 1
            if not name_parts:
                raise ValueError(f"BVH {tok} without a name")
            if key == "JOINT" and not stack:
                raise ValueError(f"BVH JOINT {' '.join(name_parts)} outside of a ROOT block")
            names.append(" ".join(name_parts))
            parents.append(stack[-1] if (stack and key == "JOINT") else -1)
            offsets.append([0.0, 0.0, 0.0])
            channels.append([])
            end_site.append(False)
            pending = len(names) - 1
            i = j
        elif key == "END":
            if not stack:
                raise ValueError("BVH 'End Site' outside of a joint block")
            names.append(f"{names[stack[-1]]}_end")
            parents.append(stack[-1])
            offsets.append([0.0, 0.0, 0.0])
            channels.append([])
            end_site.append(True)
            pending = len(names) - 1
            i += 2 if i + 1 < len(tokens) and tokens[i + 1].upper() == "SITE" else 1
        elif tok == "{":
            if pending is None:
                raise ValueError("BVH: unexpected '{' (no ROOT/JOINT/End Site before it)")
            stack.append(pending)
            pending = None
            i += 1
        elif tok == "}":
            if not stack:
                raise ValueError("BVH: unbalanced '}'")
            stack.pop()
            i += 1
        elif key == "OFFSET":
            if not stack:
                raise ValueError("BVH: OFFSET outside of a joint block")
            try:
                offsets[stack[-1]] = [float(v) for v in tokens[i + 1 : i + 4]]
            except ValueError as exc:
                raise ValueError(f"BVH: bad OFFSET of joint {names[stack[-1]]!r}: {tokens[i + 1 : i + 4]}") from exc
            i += 4
        elif key == "CHANNELS":
            if not stack:
                raise ValueError("BVH: CHANNELS outside of a joint block")
            n = int(tokens[i + 1])
            chans = tokens[i + 2 : i + 2 + n]
            for c in chans:
                if c.lower()[1:] not in ("position", "rotation") or c.lower()[0] not in "xyz":
                    raise ValueError(f"BVH: unknown channel {c!r} of joint {names[stack[-1]]!r}")
            channels[stack[-1]] = chans
            i += 2 + n
        else:
            raise ValueError(f"BVH: unexpected token {tok!r} in HIERARCHY")
    if stack:
        raise ValueError("BVH: HIERARCHY has unclosed '{' blocks")
    if not names:
        raise ValueError("BVH: no ROOT joint found")
    skeleton = BVHSkeleton(names, parents, np.asarray(offsets, dtype=np.float64), channels, end_site)

    lines = text[m_idx:].splitlines()[1:]
    n_frames = None
    frame_time = None
    k = 0
    while k < len(lines) and (n_frames is None or frame_time is None):
        line = lines[k].strip()
        k += 1
        if not line:
            continue
        low = line.lower()
        if low.startswith("frames:"):
            n_frames = int(line.split(":", 1)[1])
        elif low.startswith("frame time:"):
            frame_time = float(line.split(":", 1)[1])
        else:
            raise ValueError(f"BVH MOTION: expected 'Frames:' and 'Frame Time:', got {line[:40]!r}")
    if n_frames is None or frame_time is None:
        raise ValueError("BVH MOTION: missing 'Frames:' or 'Frame Time:'")
    values = np.array(" ".join(lines[k:]).split(), dtype=np.float64)
    nc = skeleton.num_channels
    if nc == 0:
        motion = np.zeros((n_frames, 0))
    else:
        if values.size < n_frames * nc:
            raise ValueError(f"BVH MOTION: {values.size} values for {n_frames} frames x {nc} channels; file truncated?")
        motion = values[: n_frames * nc].reshape(n_frames, nc)
    return BVHMotion(skeleton, motion, frame_time)


def bvh_forward_kinematics(bvh: BVHMotion) -> np.ndarray:
    """Global joint positions of every frame.

    Args:
        bvh: parsed file.

    Returns:
        ``(T, J, 3)`` float64 positions in the file's units, joints in ``bvh.skeleton.names`` order (incl. end sites).
    """
    sk = bvh.skeleton
    t = bvh.motion.shape[0]
    num = len(sk.names)
    rot_g = np.zeros((num, t, 3, 3))
    pos_g = np.zeros((num, t, 3))
    col = 0
    for j in range(num):
        chans = sk.channels[j]
        vals = bvh.motion[:, col : col + len(chans)]
        col += len(chans)
        trans = np.broadcast_to(sk.offsets[j], (t, 3)).copy()
        rot_order = ""
        rot_cols = []
        for c_idx, c in enumerate(chans):
            axis = "xyz".index(c[0].lower())
            if c.lower().endswith("position"):
                trans[:, axis] += vals[:, c_idx]
            else:
                rot_order += c[0].upper()
                rot_cols.append(c_idx)
        local_r = (
            euler_matrix(np.deg2rad(vals[:, rot_cols]), rot_order, intrinsic=True)
            if rot_order
            else np.broadcast_to(np.eye(3), (t, 3, 3))
        )
        p = sk.parents[j]
        if p < 0:
            rot_g[j] = local_r
            pos_g[j] = trans
        else:
            rot_g[j] = rot_g[p] @ local_r
            pos_g[j] = pos_g[p] + np.einsum("tij,tj->ti", rot_g[p], trans)
    return pos_g.transpose(1, 0, 2)


def load_bvh(
    path: str | Path,
    units: str = "cm",
    include_end_sites: bool = False,
    layout: str | None = None,
) -> MotionSequence:
    """Read a BVH file and return its joint positions.

    Args:
        path: ``.bvh`` file.
        units: length unit of the file (``"cm"``, ``"mm"``, ``"m"``, ``"inch"``); output is millimetres.
        include_end_sites: also return the ``End Site`` points (named ``<parent>_end``).
        layout: layout name to attach; default: ``"bandai-22"`` when the joints are the Bandai-Namco rig, else
            ``"custom-<J>"``.

    Returns:
        :class:`MotionSequence` with ``keypoints_3d`` ``(T, J, 3)`` float32 in mm (file's world axes, usually Y-up),
        ``fps = 1 / Frame Time`` and ``meta`` ``joint_names``, ``parents``, ``offsets_mm``, ``frame`` = "world".
    """
    if units not in UNIT_TO_MM:
        raise ValueError(f"units must be one of {sorted(UNIT_TO_MM)}, got {units!r}")
    bvh = parse_bvh(Path(path))
    pos = bvh_forward_kinematics(bvh) * UNIT_TO_MM[units]
    sk = bvh.skeleton
    keep = [j for j in range(len(sk.names)) if include_end_sites or not sk.is_end_site[j]]
    remap = {old: new for new, old in enumerate(keep)}
    names = [sk.names[j] for j in keep]
    parents = [remap.get(sk.parents[j], -1) for j in keep]
    if layout is None:
        layout = "bandai-22" if names == _BANDAI_NAMES else f"custom-{len(names)}"
    return MotionSequence(
        keypoints_3d=pos[:, keep].astype(np.float32),
        layout=layout,
        units_3d="mm",
        fps=bvh.fps if np.isfinite(bvh.fps) else None,
        meta={
            "format": "bvh",
            "source": str(path),
            "joint_names": names,
            "parents": parents,
            "offsets_mm": (sk.offsets[keep] * UNIT_TO_MM[units]).astype(np.float32),
            "frame": "world",
        },
    )


register_format(MotionFormat("bvh", load_bvh, suffixes=(".bvh",), description="Biovision hierarchy motion capture"))
