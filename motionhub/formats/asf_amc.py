# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Acclaim ASF (skeleton) + AMC (motion) reader with forward kinematics, CMU mocap conventions.

ASF: ``:units`` (``mass``, ``length``, ``angle deg|rad``), ``:root`` (``order TX TY TZ RX RY RZ``, ``axis XYZ``,
``position``, ``orientation``), ``:bonedata`` (per bone ``id``, ``name``, unit ``direction`` in world axes at rest,
``length``, ``axis a b c XYZ``, optional ``dof rx ry rz`` subset and ``limits``) and ``:hierarchy``. AMC: header
lines (``:FULLY-SPECIFIED``, ``:DEGREES``/``:RADIANS``), then per frame its number and one line ``bone v1 v2 ...``
per bone with dofs, values in the bone's ``dof`` order (root: the ``order`` of ``:root``).

Forward kinematics (Acclaim convention): a bone's axis rotation is ``C = compose(axis angles, axis order)`` and its
motion rotation ``M = compose(dof values, dof order)``, where ``compose`` applies the first listed rotation first about
the fixed axes (``XYZ`` -> ``Rz @ Ry @ Rx``). The world rotation of a bone is ``W = W_parent @ C @ M @ C^T`` (root:
``C_root @ M_root @ C_root^T``), and the bone's end point is ``end_parent + length * W @ direction``. The root sits
at ``position + (TX, TY, TZ)``.

Units: CMU data declares ``:units length 0.45``: lengths and root translations are inches multiplied by 0.45 (CMU
FAQ: multiply by ``(1/0.45) * 2.54 / 100`` for metres). We return millimetres:
``mm = value * 25.4 / length`` (= 56.444 mm per unit for CMU), Y-up world axes as in the file.

Joints (``"cmu-31"``): index 0 = root (pelvis centre), then the 30 CMU bones in ASF ``id`` order, each located at
the END of the bone (``lfemur`` = left knee, ``ltibia`` = left ankle, ``lhipjoint`` = left hip joint centre,
``head`` = top of the head).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._rotations import euler_matrix
from .base import MotionSequence
from .registry import MotionFormat, register_format

__all__ = [
    "CMU31_JOINT_NAMES",
    "CMU_FPS",
    "AMCMotion",
    "ASFBone",
    "ASFSkeleton",
    "amc_forward_kinematics",
    "load_asf_amc",
    "parse_amc",
    "parse_asf",
]

CMU_FPS = 120.0
"""Frame rate of the CMU mocap AMC files (the format itself carries none)."""

CMU31_JOINT_NAMES = [
    "root",
    "lhipjoint", "lfemur", "ltibia", "lfoot", "ltoes",
    "rhipjoint", "rfemur", "rtibia", "rfoot", "rtoes",
    "lowerback", "upperback", "thorax", "lowerneck", "upperneck", "head",
    "lclavicle", "lhumerus", "lradius", "lwrist", "lhand", "lfingers", "lthumb",
    "rclavicle", "rhumerus", "rradius", "rwrist", "rhand", "rfingers", "rthumb",
]  # fmt: skip
"""The ``"cmu-31"`` joint order: root + the 30 CMU bones (ASF ids 1..30), each at the bone's end point."""


@dataclass
class ASFBone:
    """One ASF bone (``:bonedata`` block)."""

    id: int
    name: str
    direction: np.ndarray
    length: float
    axis: np.ndarray
    axis_order: str
    dof: list[str] = field(default_factory=list)
    limits: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class ASFSkeleton:
    """Parsed ASF skeleton.

    Attributes:
        name: ``:name``.
        length_unit: ``:units length`` (0.45 for CMU), angle_unit ``"deg"`` or ``"rad"``.
        root_order: root channel order, e.g. ``["TX","TY","TZ","RX","RY","RZ"]``.
        root_axis: order string of the root orientation (``"XYZ"``).
        root_position / root_orientation: rest position (file units) / orientation (angle_unit).
        bones: name -> :class:`ASFBone`.
        children: name (incl. ``"root"``) -> child bone names, from ``:hierarchy``.
    """

    name: str
    length_unit: float
    angle_unit: str
    mass_unit: float
    root_order: list[str]
    root_axis: str
    root_position: np.ndarray
    root_orientation: np.ndarray
    bones: dict[str, ASFBone]
    children: dict[str, list[str]]

    @property
    def mm_per_unit(self) -> float:
        """Millimetres per file length unit: ``25.4 / length_unit`` (inches scaled by ``length``)."""
        return 25.4 / self.length_unit

    def bone_order(self) -> list[str]:
        """Bone names sorted by ASF id."""
        return [b.name for b in sorted(self.bones.values(), key=lambda b: b.id)]

    def parent_of(self) -> dict[str, str]:
        """Bone name -> parent name (``"root"`` for bones attached to the root)."""
        out = {}
        for parent, kids in self.children.items():
            for kid in kids:
                out[kid] = parent
        return out


def _angle_scale(unit: str) -> float:
    return np.pi / 180.0 if unit.lower().startswith("deg") else 1.0


def parse_asf(path_or_text: str | Path) -> ASFSkeleton:
    """Parse an ASF file (path) or its text.

    Raises:
        ValueError: on a malformed section, naming it.
    """
    if isinstance(path_or_text, Path) or "\n" not in str(path_or_text):
        text = Path(path_or_text).read_text(encoding="utf-8", errors="replace")
    else:
        text = str(path_or_text)
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(":"):
            head, _, rest = line[1:].partition(" ")
            current = head.lower()
            sections.setdefault(current, [])
            if rest.strip():
                sections[current].append(rest.strip())
            continue
        if current is not None:
            sections[current].append(line)
    for required in ("root", "bonedata", "hierarchy"):
        if required not in sections:
            raise ValueError(f"ASF: missing ':{required}' section; is this an Acclaim .asf skeleton file?")
    units = {"mass": 1.0, "length": 1.0, "angle": "deg"}
    for line in sections.get("units", []):
        parts = line.split()
        if len(parts) >= 2:
            units[parts[0].lower()] = parts[1] if parts[0].lower() == "angle" else float(parts[1])
    root = {
        "order": ["TX", "TY", "TZ", "RX", "RY", "RZ"],
        "axis": "XYZ",
        "position": [0, 0, 0],
        "orientation": [0, 0, 0],
    }
    for line in sections["root"]:
        parts = line.split()
        key = parts[0].lower()
        if key == "order":
            root["order"] = [p.upper() for p in parts[1:]]
        elif key == "axis":
            root["axis"] = parts[1].upper()
        elif key in ("position", "orientation"):
            root[key] = [float(v) for v in parts[1:4]]
    bones: dict[str, ASFBone] = {}
    block: dict | None = None
    in_limits = False
    for line in sections["bonedata"]:
        parts = line.split()
        key = parts[0].lower()
        if key == "begin":
            block = {"dof": [], "limits": [], "axis": [0.0, 0.0, 0.0], "axis_order": "XYZ"}
            in_limits = False
            continue
        if block is None:
            raise ValueError(f"ASF :bonedata: {line!r} outside of a begin/end block")
        if key == "end":
            try:
                bone = ASFBone(
                    id=int(block["id"]),
                    name=block["name"],
                    direction=np.asarray(block["direction"], dtype=np.float64),
                    length=float(block["length"]),
                    axis=np.asarray(block["axis"], dtype=np.float64),
                    axis_order=block["axis_order"],
                    dof=block["dof"],
                    limits=block["limits"],
                )
            except KeyError as exc:
                raise ValueError(f"ASF :bonedata block without {exc.args[0]!r}: {block}") from exc
            bones[bone.name] = bone
            block = None
            continue
        if key == "id":
            block["id"] = parts[1]
        elif key == "name":
            block["name"] = parts[1]
        elif key == "direction":
            block["direction"] = [float(v) for v in parts[1:4]]
        elif key == "length":
            block["length"] = parts[1]
        elif key == "axis":
            block["axis"] = [float(v) for v in parts[1:4]]
            block["axis_order"] = parts[4].upper() if len(parts) > 4 else "XYZ"
        elif key == "dof":
            block["dof"] = [p.lower() for p in parts[1:]]
            in_limits = False
        elif key == "limits" or in_limits or line.startswith("("):
            nums = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf", line.replace("limits", ""))
            for a, b in zip(nums[::2], nums[1::2]):
                block["limits"].append((float(a), float(b)))
            in_limits = True
    children: dict[str, list[str]] = {}
    for line in sections["hierarchy"]:
        parts = line.split()
        if parts[0].lower() in ("begin", "end"):
            continue
        children.setdefault(parts[0], []).extend(parts[1:])
    for parent, kids in children.items():
        for name in [parent, *kids]:
            if name != "root" and name not in bones:
                raise ValueError(f"ASF :hierarchy references unknown bone {name!r}")
    return ASFSkeleton(
        name=(sections.get("name") or ["asf"])[0],
        length_unit=float(units["length"]),
        angle_unit=str(units["angle"]).lower(),
        mass_unit=float(units["mass"]),
        root_order=root["order"],
        root_axis=root["axis"],
        root_position=np.asarray(root["position"], dtype=np.float64),
        root_orientation=np.asarray(root["orientation"], dtype=np.float64),
        bones=bones,
        children=children,
    )


@dataclass
class AMCMotion:
    """Parsed AMC file: per bone a ``(T, n_dof)`` array of raw values (angles in ``angle_unit``)."""

    values: dict[str, np.ndarray]
    num_frames: int
    angle_unit: str
    frame_numbers: np.ndarray


def parse_amc(path_or_text: str | Path, max_frames: int | None = None) -> AMCMotion:
    """Parse an AMC motion file (path) or its text.

    Args:
        path_or_text: file path or text.
        max_frames: stop after this many frames (None = all).
    """
    if isinstance(path_or_text, Path) or "\n" not in str(path_or_text):
        lines = Path(path_or_text).read_text(encoding="utf-8", errors="replace").splitlines()
    else:
        lines = str(path_or_text).splitlines()
    angle_unit = "deg"
    frames: list[dict[str, list[float]]] = []
    numbers: list[int] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            if line.upper().startswith(":RADIANS"):
                angle_unit = "rad"
            elif line.upper().startswith(":DEGREES"):
                angle_unit = "deg"
            continue
        parts = line.split()
        if len(parts) == 1 and parts[0].isdigit():
            if max_frames is not None and len(frames) >= max_frames:
                break
            frames.append({})
            numbers.append(int(parts[0]))
            continue
        if not frames:
            raise ValueError(f"AMC: bone line before the first frame number: {line[:40]!r}")
        try:
            frames[-1][parts[0]] = [float(v) for v in parts[1:]]
        except ValueError:
            raise ValueError(f"AMC line {lineno} (frame {numbers[-1]}, bone {parts[0]!r}): a value is not a number: "
                             f"{line[:60]!r}") from None
    if not frames:
        raise ValueError("AMC: no frames found")
    if not frames[-1]:
        frames.pop()
        numbers.pop()
    names = list(frames[0])
    values = {}
    for name in names:
        try:
            values[name] = np.asarray([f[name] for f in frames], dtype=np.float64)
        except KeyError as exc:
            raise ValueError(f"AMC: bone {name!r} missing in some frame (file truncated?)") from exc
    return AMCMotion(values, len(frames), angle_unit, np.asarray(numbers))


def amc_forward_kinematics(asf: ASFSkeleton, amc: AMCMotion) -> tuple[np.ndarray, list[str], list[int]]:
    """World positions of the root and every bone end.

    Returns:
        ``(positions (T, 1 + n_bones, 3) in file length units, names ["root", bones by id...], parents)``.
    """
    t = amc.num_frames
    ascale = _angle_scale(asf.angle_unit)
    mscale = _angle_scale(amc.angle_unit)
    names = ["root", *asf.bone_order()]
    parent_of = asf.parent_of()
    index = {n: i for i, n in enumerate(names)}

    root_vals = amc.values.get("root")
    if root_vals is None:
        raise ValueError("AMC has no 'root' line")
    if root_vals.shape[1] != len(asf.root_order):
        raise ValueError(f"AMC root has {root_vals.shape[1]} values, ASF root order {asf.root_order}")
    trans = np.broadcast_to(asf.root_position, (t, 3)).copy()
    rot_order, rot_cols = "", []
    for k, ch in enumerate(asf.root_order):
        if ch.startswith("T"):
            trans[:, "XYZ".index(ch[1])] += root_vals[:, k]
        else:
            rot_order += ch[1]
            rot_cols.append(k)
    c_root = euler_matrix(asf.root_orientation * ascale, asf.root_axis, intrinsic=False)
    m_root = euler_matrix(root_vals[:, rot_cols] * mscale, rot_order, intrinsic=False)
    world_rot = {"root": c_root @ m_root @ c_root.T}
    pos = np.zeros((t, len(names), 3))
    pos[:, 0] = trans
    # visit bones parent-first
    queue = list(asf.children.get("root", []))
    while queue:
        name = queue.pop(0)
        bone = asf.bones[name]
        parent = parent_of[name]
        c = euler_matrix(bone.axis * ascale, bone.axis_order, intrinsic=False)
        if bone.dof:
            vals = amc.values.get(name)
            if vals is None:
                m = np.broadcast_to(np.eye(3), (t, 3, 3))
            else:
                if vals.shape[1] != len(bone.dof):
                    raise ValueError(f"AMC bone {name!r} has {vals.shape[1]} values, ASF dof {bone.dof}")
                m = euler_matrix(vals * mscale, "".join(d[1] for d in bone.dof), intrinsic=False)
            local = c @ m @ c.T
        else:
            local = np.broadcast_to(np.eye(3), (t, 3, 3))
        world_rot[name] = world_rot[parent] @ local
        pos[:, index[name]] = pos[:, index[parent]] + bone.length * (world_rot[name] @ bone.direction)
        queue.extend(asf.children.get(name, []))
    parents = [-1] + [index[parent_of[n]] for n in names[1:]]
    return pos, names, parents


def load_asf_amc(
    asf_path: str | Path,
    amc_path: str | Path,
    max_frames: int | None = None,
    fps: float = CMU_FPS,
) -> MotionSequence:
    """Read an ASF/AMC pair and return joint positions in millimetres.

    Args:
        asf_path: skeleton file (e.g. ``02.asf``).
        amc_path: motion file (e.g. ``02_01.amc``).
        max_frames: read only the first frames.
        fps: frame rate (AMC stores none; CMU is 120 Hz).

    Returns:
        :class:`MotionSequence` with ``keypoints_3d`` ``(T, 31, 3)`` float32, mm, Y-up world frame, layout
        ``"cmu-31"`` when the skeleton has the 30 standard CMU bones (else ``"custom-<J>"``); ``meta`` has
        ``joint_names``, ``parents``, ``mm_per_unit`` and ``subject``/``trial`` parsed from CMU file names.
    """
    asf = parse_asf(Path(asf_path))
    amc = parse_amc(Path(amc_path), max_frames=max_frames)
    pos, names, parents = amc_forward_kinematics(asf, amc)
    if sorted(names) == sorted(CMU31_JOINT_NAMES):
        order = [names.index(n) for n in CMU31_JOINT_NAMES]
        remap = {old: new for new, old in enumerate(order)}
        pos = pos[:, order]
        parents = [remap.get(parents[o], -1) if parents[o] >= 0 else -1 for o in order]
        names = list(CMU31_JOINT_NAMES)
        layout = "cmu-31"
    else:
        layout = f"custom-{len(names)}"
    meta = {
        "format": "asf_amc",
        "source": str(amc_path),
        "skeleton": str(asf_path),
        "joint_names": names,
        "parents": parents,
        "mm_per_unit": asf.mm_per_unit,
        "frame": "world",
        "up_axis": "y",
    }
    match = re.match(r"(\d+)_(\d+)", Path(amc_path).stem)
    if match:
        meta["subject"], meta["trial"] = int(match.group(1)), int(match.group(2))
    return MotionSequence(
        keypoints_3d=(pos * asf.mm_per_unit).astype(np.float32),
        layout=layout,
        units_3d="mm",
        fps=fps,
        meta=meta,
    )


def _load_amc(path: str | Path, asf: str | Path | None = None, **kwargs) -> MotionSequence:
    """``load_motion`` entry: a trial ``.amc`` with its skeleton (``asf=`` or the subject's ``.asf`` beside it)."""
    path = Path(path)
    if path.suffix.lower() == ".asf":
        raise ValueError(f"{path} is a skeleton only; load the motion: load_motion('<trial>.amc', asf='{path}')")
    return load_asf_amc(asf or _find_asf(path), path, **kwargs)


def _find_asf(amc: Path) -> Path:
    subject = amc.stem.split("_")[0]
    cand = amc.with_name(f"{subject}.asf")
    if cand.exists():
        return cand
    asfs = sorted(amc.parent.glob("*.asf"))
    if len(asfs) == 1:
        return asfs[0]
    raise ValueError(f"{amc}: cannot find its skeleton; pass asf='path/to/{subject}.asf'")


register_format(MotionFormat("asf_amc", _load_amc, suffixes=(".amc", ".asf"),
                             description="CMU/Acclaim motion .amc with its .asf skeleton"))
