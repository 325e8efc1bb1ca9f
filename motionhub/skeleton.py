# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Joint layouts (skeleton definitions), conversions to Human3.6M-17 and horizontal flipping.

Every joint array in motionhub has the layout ``(..., J, C)``: any leading dimensions (batch ``B``, persons ``M``,
frames ``T``), then joints ``J``, then channels ``C``. 2D data has ``C = 2`` ``(x, y)`` or ``C = 3``
``(x, y, confidence)``; 3D data has ``C = 3`` ``(x, y, z)`` (or ``C = 4`` ``(x, y, z, confidence)``). The joint order of
the ``J`` axis is named by a *layout* string, resolved with :func:`get_layout`:

================ ==== ==========================================================================================
name             J    what
================ ==== ==========================================================================================
``h36m-17``      17   Human3.6M 17-joint subset (VideoPose3D / MotionBERT order). The lifting models' layout.
``h36m-16``      16   H36M-17 without joint 9 (nose): the P-STMO / MPM 16-joint mode (MPI-INF-3DHP).
``coco-17``      17   MS-COCO keypoints (NTU-HRNet 2D from PYSKL, most 2D detectors).
``halpe-26``     26   AlphaPose Halpe-26 (COCO-17 + head, neck, hip, 6 foot points) used by MotionBERT in-the-wild.
``posetrack-17`` 17   PoseTrack18 (COCO-17 with head_bottom/head_top instead of the eyes).
``mpii-16``      16   MPII human pose (also the Stacked-Hourglass detections of Human3.6M).
``ntu-25``       25   Kinect v2 (NTU RGB+D 3D skeletons).
``kinect-20``    20   Kinect SDK v1 (UTKinect; MSR Action3D after reordering).
``openni-15``    15   OpenNI / NITE 15 joints (Florence3D, SBU; KARD and CAD-60 after reordering).
``penn-13``      13   Penn Action annotations.
``smpl-24``      24   SMPL body joints.
``bandai-22``    22   Bandai-Namco-Research-Motiondataset BVH skeleton.
``cmu-31``       31   CMU mocap ASF skeleton: the root plus the end point of each of the 30 bones.
================ ==== ==========================================================================================

Layouts of 2D detectors and of a few datasets (what the readers of :mod:`motionhub.formats` yield):
``openpose-body25`` (25, OpenPose BODY_25 = COCO-18 + mid hip + 6 foot points), ``openpose-coco18`` (18, OpenPose
COCO-18, also AlphaPose ``--format open``/``cmu``), ``blazepose-33`` (33, MediaPipe Pose landmarks), ``halpe-136``
(136, AlphaPose full body: Halpe-26 + 68 face + 2 x 21 hand points), ``coco-23`` (COCO-17 + 6 foot points),
``coco-wholebody-133`` (mmpose / RTMPose / RTMW whole body: coco-23 + face + hands), ``jhmdb-15`` (JHMDB puppet),
``panoptic-19`` (CMU Panoptic coco19) and ``mpi_inf_3dhp-17`` (MPI-INF-3DHP test-set joints). Face and hand points
hang from the nose / the wrists in the trees; only their body joints take part in the H36M conversion.

Conversions to H36M-17 (:func:`to_h36m`, :func:`coco2h36m`, :func:`halpe2h36m`, :func:`posetrack2h36m`) take any layout
above except ``h36m-16``. When a layout has no joint for an H36M joint, that joint is synthesised as MotionBERT does:
pelvis = mean of the hips, thorax = mean of the shoulders, spine = mean of pelvis and thorax, head = mean of the eyes
(COCO). The mappings of layouts that MotionBERT never converted (MPII, Kinect, OpenNI, Penn, SMPL, Bandai, CMU) are
motionhub's own and are *approximate*: marker and tracker joints do not sit exactly where the H36M joints are. Each
recipe is documented in :func:`to_h36m`. ``h36m-16`` is converted only with the explicit :func:`h36m16_to_h36m17`
(the nose is filled with a constant, never interpolated) and :func:`h36m17_to_h36m16`.

**Confidence.** For every synthesised joint, the channels follow the same arithmetic (``confidence="average"``, the
default and what MotionBERT's ``coco2h36m`` does: a mean of two joints also averages their confidences). With
``confidence="min"`` the last channel is a confidence and a synthesised joint gets the minimum confidence of the joints
it was built from (what MotionBERT's ``posetrack2h36m`` does). ``coco2h36m(..., confidence="coco_order")`` reproduces
MotionBERT's NTU action data (issue #132): x, y are converted but the confidence channel is left in COCO joint order.
The released MotionBERT action checkpoints were trained on that input; use it only to feed those checkpoints.

Horizontal flip (:func:`flip`) negates channel 0 (x) and swaps the left/right joints of the layout; for ``h36m-17`` it
matches MotionBERT's ``flip_data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "H36M_JOINT_NAMES",
    "H36M_LIMBS",
    "H36M_LIMB_ANGLE_PAIRS",
    "MPI_INF_3DHP_TO_H36M16",
    "SkeletonLayout",
    "coco2h36m",
    "flip",
    "get_layout",
    "h36m16_to_h36m17",
    "h36m17_to_h36m16",
    "halpe2h36m",
    "layout_fit",
    "list_layouts",
    "mpi_inf_3dhp_to_h36m16",
    "posetrack2h36m",
    "register_layout",
    "to_h36m",
    "to_h36m_supported",
]


# ----------------------------------------------------------------------------------------------------- layout class


@dataclass(frozen=True)
class SkeletonLayout:
    """A named joint order with its kinematic tree and left/right symmetry.

    Args:
        name: registry name, e.g. ``"h36m-17"``.
        joint_names: one name per joint, in array order (snake_case, ``left_``/``right_`` prefixes).
        parents: parent index of every joint, ``-1`` for a root. Layouts whose annotation has no natural tree
            (COCO, Penn) use a documented spanning tree.
        flip_pairs: ``(left, right)`` index pairs swapped by a horizontal flip. Joints on the midline are in no pair.

    Raises:
        ValueError: when the lengths disagree, an index is out of range, the parents contain a cycle, or a joint is
            in more than one flip pair.
    """

    name: str
    joint_names: tuple[str, ...]
    parents: tuple[int, ...]
    flip_pairs: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "joint_names", tuple(str(n) for n in self.joint_names))
        object.__setattr__(self, "parents", tuple(int(p) for p in self.parents))
        object.__setattr__(self, "flip_pairs", tuple((int(a), int(b)) for a, b in self.flip_pairs))
        num = len(self.joint_names)
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("SkeletonLayout.name must be a non-empty string such as 'h36m-17'")
        if num == 0:
            raise ValueError(f"layout {self.name!r}: joint_names is empty")
        if len(set(self.joint_names)) != num:
            dupes = sorted({n for n in self.joint_names if self.joint_names.count(n) > 1})
            raise ValueError(f"layout {self.name!r}: duplicate joint names {dupes}")
        if len(self.parents) != num:
            raise ValueError(
                f"layout {self.name!r}: {len(self.parents)} parents for {num} joint names; give one parent per joint"
            )
        for j, p in enumerate(self.parents):
            if p < -1 or p >= num or p == j:
                raise ValueError(f"layout {self.name!r}: joint {j} has invalid parent {p} (use -1 for a root)")
        if -1 not in self.parents:
            raise ValueError(f"layout {self.name!r}: no root joint (parent -1)")
        for j in range(num):  # walk up from every joint; a cycle never reaches -1
            seen, k = set(), j
            while k != -1:
                if k in seen:
                    raise ValueError(f"layout {self.name!r}: the parents contain a cycle through joint {k}")
                seen.add(k)
                k = self.parents[k]
        used: set[int] = set()
        for a, b in self.flip_pairs:
            if not (0 <= a < num and 0 <= b < num) or a == b:
                raise ValueError(f"layout {self.name!r}: invalid flip pair ({a}, {b}) for {num} joints")
            if a in used or b in used:
                raise ValueError(f"layout {self.name!r}: joint in more than one flip pair: ({a}, {b})")
            used.update((a, b))

    @property
    def num_joints(self) -> int:
        """Number of joints ``J``."""
        return len(self.joint_names)

    @property
    def limbs(self) -> tuple[tuple[int, int], ...]:
        """``(child, parent)`` index pairs, one per non-root joint, in child order."""
        return tuple((j, p) for j, p in enumerate(self.parents) if p >= 0)

    @property
    def left(self) -> tuple[int, ...]:
        """Left-side joint indices (first element of each flip pair)."""
        return tuple(a for a, _ in self.flip_pairs)

    @property
    def right(self) -> tuple[int, ...]:
        """Right-side joint indices (second element of each flip pair)."""
        return tuple(b for _, b in self.flip_pairs)

    @property
    def flip_permutation(self) -> np.ndarray:
        """Index array ``p`` (int64, shape ``(J,)``) with ``flipped[..., j, :] = x[..., p[j], :]``; an involution."""
        perm = np.arange(self.num_joints, dtype=np.int64)
        for a, b in self.flip_pairs:
            perm[a], perm[b] = b, a
        return perm

    def index(self, name: str) -> int:
        """Index of joint ``name``.

        Raises:
            ValueError: when the layout has no such joint (the message lists the joint names).
        """
        try:
            return self.joint_names.index(name)
        except ValueError:
            raise ValueError(
                f"layout {self.name!r} has no joint {name!r}; its joints are {list(self.joint_names)}"
            ) from None


# --------------------------------------------------------------------------------------------------------- layouts

H36M_JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle",
    "spine", "thorax", "nose", "head",
    "left_shoulder", "left_elbow", "left_wrist", "right_shoulder", "right_elbow", "right_wrist",
)  # fmt: skip
"""H36M-17 joint names. MotionBERT calls them root, rhip, rkne, rank, lhip, lkne, lank, belly, neck, nose, head, lsho,
lelb, lwri, rsho, relb, rwri; joint 9 is the "neck/nose" joint of Human3.6M and joint 10 the head top."""

#: MotionBERT's 16 H36M limbs as (parent, child) indices (lib/model/loss.py); limb vector = ``x[parent] − x[child]``.
H36M_LIMBS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3),
    (0, 4), (4, 5), (5, 6),
    (0, 7), (7, 8), (8, 9), (9, 10),
    (8, 11), (11, 12), (12, 13),
    (8, 14), (14, 15), (15, 16),
)  # fmt: skip

#: MotionBERT's 18 pairs of limbs (indices into :data:`H36M_LIMBS`) whose angles ``loss_angle`` compares.
H36M_LIMB_ANGLE_PAIRS: tuple[tuple[int, int], ...] = (
    (0, 3), (0, 6), (3, 6),
    (0, 1), (1, 2), (3, 4), (4, 5),
    (6, 7), (7, 10), (7, 13), (8, 13), (10, 13),
    (7, 8), (8, 9), (10, 11), (11, 12), (13, 14), (14, 15),
)  # fmt: skip

#: MPM's ``trans`` for MPI-INF-3DHP: H36M-16 joint ``k`` = 3DHP 17-joint (test-set order: head_top, neck, r/l arm,
#: r/l leg, pelvis, spine, head) joint ``MPI_INF_3DHP_TO_H36M16[k]``.
MPI_INF_3DHP_TO_H36M16: tuple[int, ...] = (14, 8, 9, 10, 11, 12, 13, 15, 16, 0, 5, 6, 7, 2, 3, 4)

_COCO_NAMES = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip
# COCO has no tree: nose is the root, eyes/ears hang from the face, shoulders from the nose, hips from the shoulders.
_COCO_PARENTS = (-1, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14)
_COCO_FLIP = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16))

_LAYOUTS: dict[str, SkeletonLayout] = {}


# fmt: off
def _builtin_layouts() -> list[SkeletonLayout]:
    h36m = SkeletonLayout(
        "h36m-17",
        H36M_JOINT_NAMES,
        (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15),
        ((4, 1), (5, 2), (6, 3), (11, 14), (12, 15), (13, 16)),
    )
    h36m16 = SkeletonLayout(
        "h36m-16",
        H36M_JOINT_NAMES[:9] + H36M_JOINT_NAMES[10:],
        (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 8, 10, 11, 8, 13, 14),
        ((4, 1), (5, 2), (6, 3), (10, 13), (11, 14), (12, 15)),
    )
    coco = SkeletonLayout("coco-17", _COCO_NAMES, _COCO_PARENTS, _COCO_FLIP)
    halpe = SkeletonLayout(
        "halpe-26",
        _COCO_NAMES
        + ("head", "neck", "hip", "left_big_toe", "right_big_toe", "left_small_toe", "right_small_toe",
           "left_heel", "right_heel"),
        # rooted at the hip centre (19): neck 18, head 17, face from the neck, heels from the ankles, toes from heels.
        (18, 0, 0, 1, 2, 18, 18, 5, 6, 7, 8, 19, 19, 11, 12, 13, 14, 18, 19, -1, 24, 25, 24, 25, 15, 16),
        _COCO_FLIP + ((20, 21), (22, 23), (24, 25)),
    )
    posetrack = SkeletonLayout(
        "posetrack-17",
        ("nose", "head_bottom", "head_top") + _COCO_NAMES[3:],
        # rooted at head_bottom (the neck); nose, head top and ears hang from it.
        (1, -1, 1, 1, 1, 1, 1, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14),
        _COCO_FLIP[1:],
    )
    mpii = SkeletonLayout(
        "mpii-16",
        ("right_ankle", "right_knee", "right_hip", "left_hip", "left_knee", "left_ankle", "pelvis", "thorax",
         "upper_neck", "head_top", "right_wrist", "right_elbow", "right_shoulder", "left_shoulder", "left_elbow",
         "left_wrist"),
        (1, 2, 6, 6, 3, 4, -1, 6, 7, 8, 11, 12, 7, 7, 13, 14),
        ((3, 2), (4, 1), (5, 0), (13, 12), (14, 11), (15, 10)),
    )
    ntu = SkeletonLayout(
        "ntu-25",
        ("spine_base", "spine_mid", "neck", "head", "left_shoulder", "left_elbow", "left_wrist", "left_hand",
         "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip", "left_knee", "left_ankle",
         "left_foot", "right_hip", "right_knee", "right_ankle", "right_foot", "spine_shoulder", "left_hand_tip",
         "left_thumb", "right_hand_tip", "right_thumb"),
        (-1, 0, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 1, 7, 7, 11, 11),
        ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17), (14, 18), (15, 19), (21, 23), (22, 24)),
    )
    kinect20 = SkeletonLayout(
        "kinect-20",
        ("hip_center", "spine", "shoulder_center", "head", "left_shoulder", "left_elbow", "left_wrist", "left_hand",
         "right_shoulder", "right_elbow", "right_wrist", "right_hand", "left_hip", "left_knee", "left_ankle",
         "left_foot", "right_hip", "right_knee", "right_ankle", "right_foot"),
        (-1, 0, 1, 2, 2, 4, 5, 6, 2, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18),
        ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17), (14, 18), (15, 19)),
    )
    openni = SkeletonLayout(
        "openni-15",
        ("head", "neck", "torso", "left_shoulder", "left_elbow", "left_hand", "right_shoulder", "right_elbow",
         "right_hand", "left_hip", "left_knee", "left_foot", "right_hip", "right_knee", "right_foot"),
        (1, 2, -1, 1, 3, 4, 1, 6, 7, 2, 9, 10, 2, 12, 13),
        ((3, 6), (4, 7), (5, 8), (9, 12), (10, 13), (11, 14)),
    )
    penn = SkeletonLayout(
        "penn-13",
        ("head", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
         "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"),
        # no pelvis/neck: rooted at the head, hips hang from the shoulders.
        (-1, 0, 0, 1, 2, 3, 4, 1, 2, 7, 8, 9, 10),
        ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12)),
    )
    smpl = SkeletonLayout(
        "smpl-24",
        ("pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2", "left_ankle",
         "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar", "right_collar", "head",
         "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand",
         "right_hand"),
        (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21),
        ((1, 2), (4, 5), (7, 8), (10, 11), (13, 14), (16, 17), (18, 19), (20, 21), (22, 23)),
    )
    bandai = SkeletonLayout(
        "bandai-22",
        ("joint_root", "hips", "spine", "chest", "neck", "head", "shoulder_l", "upper_arm_l", "lower_arm_l",
         "hand_l", "shoulder_r", "upper_arm_r", "lower_arm_r", "hand_r", "upper_leg_l", "lower_leg_l", "foot_l",
         "toes_l", "upper_leg_r", "lower_leg_r", "foot_r", "toes_r"),
        (-1, 0, 1, 2, 3, 4, 3, 6, 7, 8, 3, 10, 11, 12, 1, 14, 15, 16, 1, 18, 19, 20),
        ((6, 10), (7, 11), (8, 12), (9, 13), (14, 18), (15, 19), (16, 20), (17, 21)),
    )
    cmu = SkeletonLayout(
        "cmu-31",
        ("root", "lhipjoint", "lfemur", "ltibia", "lfoot", "ltoes", "rhipjoint", "rfemur", "rtibia", "rfoot",
         "rtoes", "lowerback", "upperback", "thorax", "lowerneck", "upperneck", "head", "lclavicle", "lhumerus",
         "lradius", "lwrist", "lhand", "lfingers", "lthumb", "rclavicle", "rhumerus", "rradius", "rwrist", "rhand",
         "rfingers", "rthumb"),
        (-1, 0, 1, 2, 3, 4, 0, 6, 7, 8, 9, 0, 11, 12, 13, 14, 15, 13, 17, 18, 19, 20, 21, 20, 13, 24, 25, 26, 27,
         28, 27),
        ((1, 6), (2, 7), (3, 8), (4, 9), (5, 10), (17, 24), (18, 25), (19, 26), (20, 27), (21, 28), (22, 29),
         (23, 30)),
    )
    return [h36m, h36m16, coco, halpe, posetrack, mpii, ntu, kinect20, openni, penn, smpl, bandai, cmu,
            *_detector_layouts(coco, halpe)]
# fmt: on


# Layouts of the 2D detectors whose files motionhub reads (OpenPose, AlphaPose, mmpose/RTMPose whole-body, MediaPipe)
# and of datasets some readers yield (JHMDB, CMU Panoptic, MPI-INF-3DHP). Trees are spanning trees for drawing and
# BVH export; joints of a face / hand block hang from the nose / the wrist.
_FACE68_FLIP = (
    tuple((i, 16 - i) for i in range(8))                      # jaw line
    + tuple((17 + i, 26 - i) for i in range(5))               # eyebrows
    + ((31, 35), (32, 34))                                    # nostrils
    + ((36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46))  # eyes
    + ((48, 54), (49, 53), (50, 52), (59, 55), (58, 56), (60, 64), (61, 63), (67, 65))  # mouth
)


def _face68(offset: int, root: int) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[int, int], ...]]:
    names = tuple(f"face_{i}" for i in range(68))
    return names, (root,) * 68, tuple((offset + a, offset + b) for a, b in _FACE68_FLIP)


def _hand21(side: str, offset: int, wrist: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """21 hand points (wrist, then 4 per finger from the palm out), the first hanging from the body's ``wrist``."""
    names = tuple(f"{side}_hand_{i}" for i in range(21))
    parents = (wrist,) + tuple(offset if i % 4 == 1 else offset + i - 1 for i in range(1, 21))
    return names, parents


def _whole_body(name: str, body: SkeletonLayout, lwrist: int, rwrist: int) -> SkeletonLayout:
    """``body`` + 68 face points + left and right hands (Halpe-136, COCO-WholeBody-133)."""
    j = body.num_joints
    fn, fp, fflip = _face68(j, body.index("nose"))
    ln, lp = _hand21("left", j + 68, lwrist)
    rn, rp = _hand21("right", j + 89, rwrist)
    hand_flip = tuple((j + 68 + i, j + 89 + i) for i in range(21))
    return SkeletonLayout(name, body.joint_names + fn + ln + rn, body.parents + fp + lp + rp,
                          body.flip_pairs + fflip + hand_flip)


# fmt: off
def _detector_layouts(coco: SkeletonLayout, halpe: SkeletonLayout) -> list[SkeletonLayout]:
    body25 = SkeletonLayout(
        "openpose-body25",
        ("nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow", "left_wrist",
         "mid_hip", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle", "right_eye",
         "left_eye", "right_ear", "left_ear", "left_big_toe", "left_small_toe", "left_heel", "right_big_toe",
         "right_small_toe", "right_heel"),
        (1, 8, 1, 2, 3, 1, 5, 6, -1, 8, 9, 10, 8, 12, 13, 0, 0, 15, 16, 14, 19, 14, 11, 22, 11),
        ((5, 2), (6, 3), (7, 4), (12, 9), (13, 10), (14, 11), (16, 15), (18, 17), (19, 22), (20, 23), (21, 24)),
    )
    coco18 = SkeletonLayout(
        "openpose-coco18",
        ("nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow", "left_wrist",
         "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle", "right_eye", "left_eye",
         "right_ear", "left_ear"),
        (1, -1, 1, 2, 3, 1, 5, 6, 1, 8, 9, 1, 11, 12, 0, 0, 14, 15),
        ((5, 2), (6, 3), (7, 4), (11, 8), (12, 9), (13, 10), (15, 14), (17, 16)),
    )
    blaze = SkeletonLayout(
        "blazepose-33",
        ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
         "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
         "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
         "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
         "left_heel", "right_heel", "left_foot_index", "right_foot_index"),
        # rooted at the nose as COCO: face from the nose, shoulders from the nose, hips from the shoulders.
        (-1, 0, 1, 2, 0, 4, 5, 3, 6, 0, 0, 0, 0, 11, 12, 13, 14, 15, 16, 15, 16, 15, 16, 11, 12, 23, 24, 25, 26, 27,
         28, 27, 28),
        ((1, 4), (2, 5), (3, 6), (7, 8), (9, 10)) + tuple((i, i + 1) for i in range(11, 33, 2)),
    )
    coco_feet = SkeletonLayout(  # COCO-WholeBody body part: COCO-17 + 6 foot points (left then right)
        "coco-23",
        coco.joint_names + ("left_big_toe", "left_small_toe", "left_heel", "right_big_toe", "right_small_toe",
                            "right_heel"),
        coco.parents + (15, 15, 15, 16, 16, 16),
        coco.flip_pairs + ((17, 20), (18, 21), (19, 22)),
    )
    jhmdb = SkeletonLayout(
        "jhmdb-15",
        ("neck", "belly", "head", "right_shoulder", "left_shoulder", "right_hip", "left_hip", "right_elbow",
         "left_elbow", "right_knee", "left_knee", "right_wrist", "left_wrist", "right_ankle", "left_ankle"),
        (1, -1, 0, 0, 0, 1, 1, 3, 4, 5, 6, 7, 8, 9, 10),
        ((4, 3), (6, 5), (8, 7), (10, 9), (12, 11), (14, 13)),
    )
    panoptic = SkeletonLayout(
        "panoptic-19",
        ("neck", "nose", "body_center", "left_shoulder", "left_elbow", "left_wrist", "left_hip", "left_knee",
         "left_ankle", "right_shoulder", "right_elbow", "right_wrist", "right_hip", "right_knee", "right_ankle",
         "left_eye", "left_ear", "right_eye", "right_ear"),
        (2, 0, -1, 0, 3, 4, 2, 6, 7, 0, 9, 10, 2, 12, 13, 1, 15, 1, 17),
        ((3, 9), (4, 10), (5, 11), (6, 12), (7, 13), (8, 14), (15, 17), (16, 18)),
    )
    mpi3dhp = SkeletonLayout(  # MPI-INF-3DHP 17 joints (test-set / mmpose order)
        "mpi_inf_3dhp-17",
        ("head_top", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder", "left_elbow",
         "left_wrist", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle", "pelvis",
         "spine", "head"),
        (16, 15, 1, 2, 3, 1, 5, 6, 14, 8, 9, 14, 11, 12, -1, 14, 1),
        ((5, 2), (6, 3), (7, 4), (11, 8), (12, 9), (13, 10)),
    )
    return [
        body25, coco18, blaze, coco_feet, jhmdb, panoptic, mpi3dhp,
        _whole_body("halpe-136", halpe, 9, 10),
        _whole_body("coco-wholebody-133", coco_feet, 9, 10),
    ]
# fmt: on


def register_layout(
    layout: SkeletonLayout, *, overwrite: bool = False, to_h36m: Sequence[tuple[str, tuple]] | None = None
) -> SkeletonLayout:
    """Add ``layout`` to the registry under ``layout.name`` and return it.

    ``to_h36m``: its recipe for H36M-17 (what every 2D lifter and the H36M-based metrics need), one step per H36M
    joint in :data:`H36M_JOINT_NAMES`, computed in the order given::

        [("pelvis", ("copy", 0)), ("thorax", ("copy", 1)), ("spine", ("mid", "pelvis", "thorax")), ...]

    An operand is a joint index of ``layout`` (int) or an H36M joint computed by an earlier step (str). Operations:
    ``("copy", a)``, ``("mid", a, b)`` (the mean of two joints), ``("lerp", a, b, t)`` (``a + t (b - a)``, ``t``
    may exceed 1 to extrapolate a missing head top). With a recipe the layout works everywhere a built-in one does:
    files, ``--layout``, lifting, :func:`to_h36m`.

    Raises:
        TypeError: when ``layout`` is not a :class:`SkeletonLayout`.
        ValueError: when the name is taken and ``overwrite`` is False, or the recipe is incomplete or invalid (the
            message names the step).
    """
    if not isinstance(layout, SkeletonLayout):
        raise TypeError(f"register_layout expects a SkeletonLayout, got {type(layout).__name__}")
    if layout.name in _LAYOUTS and not overwrite:
        raise ValueError(f"layout {layout.name!r} is already registered; pass overwrite=True to replace it")
    recipe = None if to_h36m is None else _checked_recipe(layout, to_h36m)
    _LAYOUTS[layout.name] = layout
    if recipe is not None:
        _RECIPES[layout.name] = recipe
    elif overwrite:
        _RECIPES.pop(layout.name, None)  # a replaced layout keeps no recipe written for the old joint order
    return layout


def _checked_recipe(layout: SkeletonLayout, steps: Sequence[tuple[str, tuple]]) -> list[tuple[str, _Op]]:
    done: set[str] = set()
    recipe = []
    for k, step in enumerate(steps):
        where = f"layout {layout.name!r} to_h36m step {k}"
        if not (isinstance(step, (tuple, list)) and len(step) == 2 and isinstance(step[1], (tuple, list))):
            raise ValueError(f"{where}: expected (h36m_joint_name, (operation, ...)), got {step!r}")
        target, op = step[0], tuple(step[1])
        if target not in H36M_JOINT_NAMES:
            raise ValueError(f"{where}: {target!r} is no H36M joint; use one of {list(H36M_JOINT_NAMES)}")
        if target in done:
            raise ValueError(f"{where}: {target!r} is computed twice")
        arity = {"copy": 1, "mid": 2, "lerp": 3}.get(op[0] if op else None)
        if arity is None or len(op) != arity + 1:
            raise ValueError(f"{where}: operation {op!r} is not ('copy', a), ('mid', a, b) or ('lerp', a, b, t)")
        refs = op[1:3] if op[0] == "lerp" else op[1:]
        for ref in refs:
            if isinstance(ref, bool) or not isinstance(ref, (int, str)):
                raise TypeError(f"{where}: operand {ref!r} is neither a joint index nor an H36M joint name")
            if isinstance(ref, int) and not 0 <= ref < layout.num_joints:
                raise ValueError(f"{where}: joint index {ref} outside 0..{layout.num_joints - 1}")
            if isinstance(ref, str) and ref not in done:
                raise ValueError(f"{where}: uses H36M joint {ref!r} before a step computes it")
        if op[0] == "lerp" and not isinstance(op[3], (int, float)):
            raise ValueError(f"{where}: the lerp weight must be a number, got {op[3]!r}")
        done.add(target)
        recipe.append((target, op))
    missing = [n for n in H36M_JOINT_NAMES if n not in done]
    if missing:
        raise ValueError(f"layout {layout.name!r} to_h36m: no step computes H36M joint(s) {missing}")
    return recipe


def list_layouts() -> list[str]:
    """Names of all registered layouts, sorted."""
    return sorted(_LAYOUTS)


def get_layout(name: str | SkeletonLayout) -> SkeletonLayout:
    """Registered layout called ``name`` (a :class:`SkeletonLayout` is returned unchanged).

    Raises:
        ValueError: for an unknown name; the message lists the known names.
    """
    if isinstance(name, SkeletonLayout):
        return name
    if not isinstance(name, str):
        raise TypeError(f"layout must be a name (str) or a SkeletonLayout, got {type(name).__name__}")
    try:
        return _LAYOUTS[name]
    except KeyError:
        raise ValueError(f"unknown joint layout {name!r}; known layouts: {', '.join(list_layouts())}") from None


for _layout in _builtin_layouts():
    register_layout(_layout)
del _layout


# ------------------------------------------------------------------------------------------------------------ flip


def flip(x: Any, layout: str | SkeletonLayout = "h36m-17") -> Any:
    """Horizontal flip: negate channel 0 (x) and swap the left/right joints of ``layout``.

    Equals MotionBERT's ``flip_data`` for ``h36m-17``. The flip is an involution (``flip(flip(x)) == x``). Only
    channel 0 is negated, so it works for normalised coordinates centred on 0 (use it *after* normalisation).

    Args:
        x: numpy array or torch tensor ``(..., J, C)``, ``C >= 1``.
        layout: joint layout of ``x``.

    Returns:
        A new array/tensor of the same type, shape and dtype (the input is not modified).

    Raises:
        ValueError: when ``x.shape[-2]`` differs from the layout's joint count.
    """
    lay = get_layout(layout)
    shape = tuple(x.shape)
    if len(shape) < 2 or shape[-2] != lay.num_joints or shape[-1] < 1:
        raise ValueError(
            f"flip expects (..., {lay.num_joints}, C) for layout {lay.name!r}, got shape {shape}; "
            "pass the layout the joints are in"
        )
    perm = lay.flip_permutation
    if isinstance(x, np.ndarray):
        out = x[..., perm, :].copy()
    else:  # torch.Tensor (or anything indexable the same way)
        import torch

        if not isinstance(x, torch.Tensor):
            raise TypeError(f"flip expects a numpy array or torch tensor, got {type(x).__name__}")
        out = x[..., torch.as_tensor(perm, device=x.device), :].clone()
    out[..., 0] = -out[..., 0]
    return out


# ------------------------------------------------------------------------------------------------ H36M conversions
#
# A recipe lists, in evaluation order, how each H36M-17 joint is obtained. A reference ``ref`` is an ``int`` (a joint of
# the source layout) or a ``str`` (an H36M joint computed earlier in the same recipe). Operations:
#   ("copy", ref)          the joint itself
#   ("mid", a, b)          (a + b) * 0.5                       -- MotionBERT's synthetic joints
#   ("lerp", a, b, t)      a + t * (b - a), t may be > 1 (extrapolation, used for missing head tops)
# Confidence of "mid"/"lerp" joints: see the module docstring (average or min); "lerp" uses min whenever the last
# channel is a confidence ("min" mode), and the plain arithmetic otherwise.

_Ref = int | str
_Op = tuple


def _arms_legs(
    rhip: _Ref, rknee: _Ref, rank: _Ref, lhip: _Ref, lknee: _Ref, lank: _Ref,
    lsho: _Ref, lelb: _Ref, lwri: _Ref, rsho: _Ref, relb: _Ref, rwri: _Ref,
) -> list[tuple[str, _Op]]:  # fmt: skip
    return [
        ("right_hip", ("copy", rhip)), ("right_knee", ("copy", rknee)), ("right_ankle", ("copy", rank)),
        ("left_hip", ("copy", lhip)), ("left_knee", ("copy", lknee)), ("left_ankle", ("copy", lank)),
        ("left_shoulder", ("copy", lsho)), ("left_elbow", ("copy", lelb)), ("left_wrist", ("copy", lwri)),
        ("right_shoulder", ("copy", rsho)), ("right_elbow", ("copy", relb)), ("right_wrist", ("copy", rwri)),
    ]  # fmt: skip


_COCO_LIMBS = _arms_legs(12, 14, 16, 11, 13, 15, 5, 7, 9, 6, 8, 10)

# Bandai / SMPL have a neck and a head joint at the base of the skull but no head top. Nose and head are extrapolated
# along neck->head: with Bandai's proportions (neck->head ~65 mm) this puts the nose ~130 mm and the head top ~240 mm
# above the neck, close to Human3.6M's thorax->nose (~120 mm) and thorax->head (~235 mm).
_NOSE_T = 2.0
_HEAD_T = 3.75

_RECIPES: dict[str, list[tuple[str, _Op]]] = {
    # MotionBERT lib/data/dataset_action.py::coco2h36m.
    "coco-17": [
        ("pelvis", ("mid", 11, 12)),
        ("thorax", ("mid", 5, 6)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 0)),
        ("head", ("mid", 1, 2)),
        *_COCO_LIMBS,
    ],
    # MotionBERT lib/data/dataset_wild.py::halpe2h36m.
    "halpe-26": [
        ("pelvis", ("copy", 19)),
        ("spine", ("mid", 18, 19)),
        ("thorax", ("copy", 18)),
        ("nose", ("copy", 0)),
        ("head", ("copy", 17)),
        *_COCO_LIMBS,
    ],
    # MotionBERT lib/data/dataset_motion_2d.py::posetrack2h36m.
    "posetrack-17": [
        ("pelvis", ("mid", 11, 12)),
        ("thorax", ("copy", 1)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 0)),
        ("head", ("copy", 2)),
        *_COCO_LIMBS,
    ],
    # MPII: thorax -> thorax, upper neck -> H36M joint 9, head top -> head; spine synthesised.
    "mpii-16": [
        ("pelvis", ("copy", 6)),
        ("thorax", ("copy", 7)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 8)),
        ("head", ("copy", 9)),
        *_arms_legs(2, 1, 0, 3, 4, 5, 13, 14, 15, 12, 11, 10),
    ],
    # Human3.6M Stacked-Hourglass detections (3d-pose-baseline convention: MPII slots 7/8/9 hold H36M spine/thorax/
    # head); the nose is synthesised as the thorax-head midpoint.
    "mpii-16:h36m_sh": [
        ("pelvis", ("copy", 6)),
        ("spine", ("copy", 7)),
        ("thorax", ("copy", 8)),
        ("head", ("copy", 9)),
        ("nose", ("mid", "thorax", "head")),
        *_arms_legs(2, 1, 0, 3, 4, 5, 13, 14, 15, 12, 11, 10),
    ],
    # Kinect v2: spine_mid -> spine, spine_shoulder -> thorax, neck -> joint 9, head -> head; wrists (not hands).
    "ntu-25": [
        ("pelvis", ("copy", 0)),
        ("spine", ("copy", 1)),
        ("thorax", ("copy", 20)),
        ("nose", ("copy", 2)),
        ("head", ("copy", 3)),
        *_arms_legs(16, 17, 18, 12, 13, 14, 4, 5, 6, 8, 9, 10),
    ],
    # Kinect v1: shoulder_center -> thorax; joint 9 = midpoint shoulder_center-head. Kinect v1's "spine" joint sits
    # just above the hip centre (~7 cm), so the H36M spine is synthesised as mid(pelvis, thorax) instead.
    "kinect-20": [
        ("pelvis", ("copy", 0)),
        ("thorax", ("copy", 2)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("head", ("copy", 3)),
        ("nose", ("mid", 2, 3)),
        *_arms_legs(16, 17, 18, 12, 13, 14, 4, 5, 6, 8, 9, 10),
    ],
    # OpenNI: pelvis = mean hips, torso -> spine, neck -> thorax, joint 9 = midpoint neck-head, hands -> wrists,
    # feet -> ankles. OpenNI places the hips high on the torso, so the legs come out longer than Human3.6M's.
    "openni-15": [
        ("pelvis", ("mid", 9, 12)),
        ("spine", ("copy", 2)),
        ("thorax", ("copy", 1)),
        ("head", ("copy", 0)),
        ("nose", ("mid", 1, 0)),
        *_arms_legs(12, 13, 14, 9, 10, 11, 3, 4, 5, 6, 7, 8),
    ],
    # Penn Action: MotionBERT's synthetic pelvis/thorax/spine; head -> head; joint 9 = midpoint thorax-head.
    "penn-13": [
        ("pelvis", ("mid", 7, 8)),
        ("thorax", ("mid", 1, 2)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("head", ("copy", 0)),
        ("nose", ("mid", "thorax", 0)),
        *_arms_legs(8, 10, 12, 7, 9, 11, 1, 3, 5, 2, 4, 6),
    ],
    # SMPL joints (not the H36M regressor on vertices, which is the accurate route): neck -> thorax, nose/head
    # extrapolated along neck->head, spine synthesised.
    "smpl-24": [
        ("pelvis", ("copy", 0)),
        ("thorax", ("copy", 12)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("lerp", 12, 15, _NOSE_T)),
        ("head", ("lerp", 12, 15, _HEAD_T)),
        *_arms_legs(2, 5, 8, 1, 4, 7, 16, 18, 20, 17, 19, 21),
    ],
    # Bandai BVH: hips -> pelvis, neck -> thorax, upper_leg/lower_leg/foot -> hip/knee/ankle,
    # upper_arm/lower_arm/hand -> shoulder/elbow/wrist; nose/head extrapolated along neck->head.
    "bandai-22": [
        ("pelvis", ("copy", 1)),
        ("thorax", ("copy", 4)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("lerp", 4, 5, _NOSE_T)),
        ("head", ("lerp", 4, 5, _HEAD_T)),
        *_arms_legs(18, 19, 20, 14, 15, 16, 7, 8, 9, 11, 12, 13),
    ],
    # CMU ASF (joint = end point of its bone): root -> pelvis, hipjoint/femur/tibia ends -> hip/knee/ankle,
    # thorax end -> thorax, lowerneck end -> joint 9, head = midpoint of the upperneck and head ends,
    # clavicle/humerus/radius ends -> shoulder/elbow/wrist.
    "cmu-31": [
        ("pelvis", ("copy", 0)),
        ("thorax", ("copy", 13)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 14)),
        ("head", ("mid", 15, 16)),
        *_arms_legs(6, 7, 8, 1, 2, 3, 17, 18, 19, 24, 25, 26),
    ],
    # OpenPose BODY_25: mid_hip -> pelvis, neck -> thorax, spine synthesised, head = mid(eyes) as COCO.
    "openpose-body25": [
        ("pelvis", ("copy", 8)),
        ("thorax", ("copy", 1)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 0)),
        ("head", ("mid", 15, 16)),
        *_arms_legs(9, 10, 11, 12, 13, 14, 5, 6, 7, 2, 3, 4),
    ],
    # OpenPose COCO-18 (also AlphaPose --format open/cmu): pelvis = mid(hips), neck -> thorax, head = mid(eyes).
    "openpose-coco18": [
        ("pelvis", ("mid", 8, 11)),
        ("thorax", ("copy", 1)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 0)),
        ("head", ("mid", 14, 15)),
        *_arms_legs(8, 9, 10, 11, 12, 13, 5, 6, 7, 2, 3, 4),
    ],
    # MediaPipe BlazePose-33: the COCO recipe on the matching points (pelvis/thorax synthesised, head = mid(eyes)).
    "blazepose-33": [
        ("pelvis", ("mid", 23, 24)),
        ("thorax", ("mid", 11, 12)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 0)),
        ("head", ("mid", 2, 5)),
        *_arms_legs(24, 26, 28, 23, 25, 27, 11, 13, 15, 12, 14, 16),
    ],
    # JHMDB puppet (approximate): pelvis = mid(hips), belly -> spine, neck -> thorax, head -> head,
    # joint 9 = mid(neck, head) as Penn Action.
    "jhmdb-15": [
        ("pelvis", ("mid", 5, 6)),
        ("spine", ("copy", 1)),
        ("thorax", ("copy", 0)),
        ("head", ("copy", 2)),
        ("nose", ("mid", 0, 2)),
        *_arms_legs(5, 9, 13, 6, 10, 14, 4, 8, 12, 3, 7, 11),
    ],
    # CMU Panoptic coco19 (approximate): body_center -> pelvis, neck -> thorax, nose -> nose, head = mid(eyes).
    "panoptic-19": [
        ("pelvis", ("copy", 2)),
        ("thorax", ("copy", 0)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("nose", ("copy", 1)),
        ("head", ("mid", 15, 17)),
        *_arms_legs(12, 13, 14, 6, 7, 8, 3, 4, 5, 9, 10, 11),
    ],
    # MPI-INF-3DHP 17 joints, the usual 3DHP -> H36M order [14, 8, 9, 10, 11, 12, 13, 15, 1, 16, 0, 5, 6, 7, 2, 3, 4]
    # (pelvis, spine, neck -> thorax, head -> joint 9, head_top -> head).
    "mpi_inf_3dhp-17": [
        ("pelvis", ("copy", 14)),
        ("spine", ("copy", 15)),
        ("thorax", ("copy", 1)),
        ("nose", ("copy", 16)),
        ("head", ("copy", 0)),
        *_arms_legs(8, 9, 10, 11, 12, 13, 5, 6, 7, 2, 3, 4),
    ],
}
_RECIPES["coco-23"] = _RECIPES["coco-wholebody-133"] = _RECIPES["coco-17"]  # the body part is COCO-17
_RECIPES["halpe-136"] = _RECIPES["halpe-26"]  # the first 26 points are Halpe-26

# HumanEva-I, 15 joints in VideoPose3D's order (data_2d_humaneva15_*.npz / data_3d_humaneva15.npz: parents
# [-1, 0, 1, 2, 3, 1, 5, 6, 0, 8, 9, 0, 11, 12, 1], left 2-4 / 8-10, right 5-7 / 11-13). Registered the way a user
# adds a layout: the joint order plus its H36M-17 recipe (pelvis, thorax, head = head top; spine and joint 9
# synthesised as midpoints, as for the Human3.6M SH detections).
register_layout(
    SkeletonLayout(
        "humaneva-15",
        ("pelvis", "thorax", "left_shoulder", "left_elbow", "left_wrist", "right_shoulder", "right_elbow",
         "right_wrist", "left_hip", "left_knee", "left_ankle", "right_hip", "right_knee", "right_ankle", "head"),
        (-1, 0, 1, 2, 3, 1, 5, 6, 0, 8, 9, 0, 11, 12, 1),
        ((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13)),
    ),
    to_h36m=[
        ("pelvis", ("copy", 0)),
        ("thorax", ("copy", 1)),
        ("spine", ("mid", "pelvis", "thorax")),
        ("head", ("copy", 14)),
        ("nose", ("mid", "thorax", "head")),
        *_arms_legs(11, 12, 13, 8, 9, 10, 2, 3, 4, 5, 6, 7),
    ],
)  # fmt: skip

_CONFIDENCE_MODES = ("average", "min", "coco_order")
_MPII_CONVENTIONS = ("mpii", "h36m_sh")


def to_h36m_supported() -> list[str]:
    """Layout names :func:`to_h36m` converts (``h36m-17`` included as the identity)."""
    return sorted({k.split(":")[0] for k in _RECIPES} | {"h36m-17"})


def _as_float_array(x: Any, name: str) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        try:
            x = np.asarray(x)
        except Exception as exc:
            raise TypeError(f"{name} expects a numpy array (..., J, C), got {type(x).__name__}") from exc
    if x.dtype.kind not in "fiub":
        raise TypeError(f"{name} expects a numeric array, got dtype {x.dtype}")
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    return x


def _check_joints(x: np.ndarray, lay: SkeletonLayout, fn: str) -> None:
    if x.ndim < 2 or x.shape[-2] != lay.num_joints or x.shape[-1] < 1:
        raise ValueError(
            f"{fn} expects an array (..., {lay.num_joints}, C) in layout {lay.name!r}, got shape {tuple(x.shape)}"
        )


def _run_recipe(x: np.ndarray, recipe: list[tuple[str, _Op]], confidence: str) -> np.ndarray:
    out = np.zeros(x.shape[:-2] + (17, x.shape[-1]), dtype=x.dtype)
    index = {n: i for i, n in enumerate(H36M_JOINT_NAMES)}
    done: set[str] = set()

    def get(ref: _Ref) -> np.ndarray:
        if isinstance(ref, str):
            if ref not in done:  # recipe bug guard
                raise RuntimeError(f"recipe uses H36M joint {ref!r} before computing it")
            return out[..., index[ref], :]
        return x[..., ref, :]

    conf_min = confidence == "min"
    for target, op in recipe:
        t = index[target]
        kind = op[0]
        if kind == "copy":
            out[..., t, :] = get(op[1])
        elif kind == "mid":
            a, b = get(op[1]), get(op[2])
            out[..., t, :] = (a + b) * 0.5
            if conf_min:
                out[..., t, -1] = np.minimum(a[..., -1], b[..., -1])
        elif kind == "lerp":
            a, b, w = get(op[1]), get(op[2]), op[3]
            out[..., t, :] = a + w * (b - a)
            if conf_min:
                out[..., t, -1] = np.minimum(a[..., -1], b[..., -1])
        else:  # pragma: no cover - recipe bug guard
            raise RuntimeError(f"unknown recipe operation {kind!r}")
        done.add(target)
    if len(done) != 17:  # pragma: no cover - recipe bug guard
        raise RuntimeError(f"recipe is missing H36M joints {sorted(set(H36M_JOINT_NAMES) - done)}")
    return out


def to_h36m(
    x: Any,
    layout: str | SkeletonLayout,
    *,
    confidence: str = "average",
    mpii_convention: str = "mpii",
) -> np.ndarray:
    """Convert joints of any supported layout to H36M-17.

    Recipes (``mid`` = mean of two joints; "approximate" = motionhub's choice, not an official mapping):

    * ``coco-17``: MotionBERT ``coco2h36m``: pelvis = mid(hips), thorax = mid(shoulders), spine = mid(pelvis, thorax),
      nose = nose, head = mid(eyes); limbs one to one.
    * ``halpe-26``: MotionBERT ``halpe2h36m``: pelvis = hip, spine = mid(neck, hip), thorax = neck, nose = nose,
      head = head; limbs as COCO.
    * ``posetrack-17``: MotionBERT ``posetrack2h36m``: pelvis = mid(hips), thorax = head_bottom,
      spine = mid(pelvis, thorax), nose = nose, head = head_top.
    * ``mpii-16`` (``mpii_convention="mpii"``, approximate): thorax = thorax, spine = mid(pelvis, thorax),
      joint 9 = upper_neck, head = head_top. ``mpii_convention="h36m_sh"`` reads the Human3.6M Stacked-Hourglass
      detections the 3d-pose-baseline way (slots 7/8/9 = H36M spine/thorax/head) with nose = mid(thorax, head).
    * ``ntu-25`` (approximate): spine = spine_mid, thorax = spine_shoulder, joint 9 = neck, head = head,
      wrists = wrists.
    * ``kinect-20`` (approximate): thorax = shoulder_center, spine = mid(pelvis, thorax) (Kinect v1's spine joint sits
      just above the hip centre), joint 9 = mid(shoulder_center, head).
    * ``openni-15`` (approximate): pelvis = mid(hips), spine = torso, thorax = neck, joint 9 = mid(neck, head),
      wrists = hands, ankles = feet.
    * ``penn-13`` (approximate): pelvis = mid(hips), thorax = mid(shoulders), spine = mid(pelvis, thorax),
      head = head, joint 9 = mid(thorax, head).
    * ``smpl-24`` (approximate; use the H36M joint regressor on SMPL vertices when you have them): thorax = neck,
      spine = mid(pelvis, thorax), joint 9 / head = neck + 2.0 / 3.75 x (head − neck).
    * ``bandai-22`` (approximate): pelvis = hips, thorax = neck, spine = mid(pelvis, thorax), joint 9 / head =
      neck + 2.0 / 3.75 x (head − neck) (the BVH has no head top), hip/knee/ankle = upper_leg/lower_leg/foot,
      shoulder/elbow/wrist = upper_arm/lower_arm/hand.
    * ``cmu-31`` (approximate; joint = end of its ASF bone): pelvis = root, thorax = thorax, spine = mid(pelvis,
      thorax), joint 9 = lowerneck, head = mid(upperneck, head), hip/knee/ankle = hipjoint/femur/tibia,
      shoulder/elbow/wrist = clavicle/humerus/radius.
    * ``openpose-body25``: pelvis = mid_hip, thorax = neck, spine = mid(pelvis, thorax), nose = nose,
      head = mid(eyes). ``openpose-coco18``: the same with pelvis = mid(hips).
    * ``blazepose-33``, ``coco-23``, ``coco-wholebody-133``: the ``coco-17`` recipe on their body points;
      ``halpe-136``: the ``halpe-26`` recipe on its first 26 points.
    * ``jhmdb-15`` (approximate): pelvis = mid(hips), spine = belly, thorax = neck, head = head,
      joint 9 = mid(neck, head).
    * ``panoptic-19`` (approximate): pelvis = body_center, thorax = neck, spine = mid(pelvis, thorax), nose = nose,
      head = mid(eyes).
    * ``mpi_inf_3dhp-17``: pelvis, spine, thorax = neck, joint 9 = head, head = head_top (the usual 3DHP -> H36M order).
    * ``humaneva-15`` (VideoPose3D's HumanEva-I order; registered with :func:`register_layout` as users add theirs):
      pelvis, thorax, head = head; spine = mid(pelvis, thorax), joint 9 = mid(thorax, head).
    * ``h36m-17``: a copy. ``h36m-16`` is refused: use :func:`h36m16_to_h36m17`.

    Args:
        x: array ``(..., J, C)`` in ``layout`` (any leading dims, e.g. ``(T, J, C)`` or ``(M, T, J, C)``); 2D
            ``(x, y[, conf])`` or 3D ``(x, y, z[, conf])`` in any units (the conversion is affine).
        layout: source layout name or :class:`SkeletonLayout`.
        confidence: ``"average"`` (every channel follows the same arithmetic, MotionBERT ``coco2h36m``; right for
            3D xyz), ``"min"`` (last channel is a confidence; synthesised joints take the min of their sources,
            MotionBERT ``posetrack2h36m``) or ``"coco_order"`` (``coco-17`` only: MotionBERT's NTU quirk, see
            :func:`coco2h36m`).
        mpii_convention: ``"mpii"`` or ``"h36m_sh"`` (only used for ``mpii-16``).

    Returns:
        Array ``(..., 17, C)`` in H36M-17 order, floating dtype of the input (integers become float64).

    Raises:
        ValueError: unknown/unsupported layout, wrong joint count, bad mode, or a confidence mode without a
            confidence channel.
    """
    lay = get_layout(layout)
    arr = _as_float_array(x, "to_h36m")
    _check_joints(arr, lay, "to_h36m")
    if confidence not in _CONFIDENCE_MODES:
        raise ValueError(f"confidence must be one of {_CONFIDENCE_MODES}, got {confidence!r}")
    if mpii_convention not in _MPII_CONVENTIONS:
        raise ValueError(f"mpii_convention must be one of {_MPII_CONVENTIONS}, got {mpii_convention!r}")
    if confidence in ("min", "coco_order") and arr.shape[-1] < 3:
        raise ValueError(
            f"confidence={confidence!r} needs a confidence channel as the last channel (C >= 3), "
            f"got C = {arr.shape[-1]}; use confidence='average' for (x, y) input"
        )
    if lay.name == "h36m-17":
        return arr.copy()
    if lay.name == "h36m-16":
        raise ValueError(
            "h36m-16 has no nose joint; convert explicitly with h36m16_to_h36m17(x, fill=...) instead of to_h36m"
        )
    key = f"{lay.name}:{mpii_convention}" if (lay.name == "mpii-16" and mpii_convention != "mpii") else lay.name
    if key not in _RECIPES:
        raise ValueError(f"no H36M-17 conversion for layout {lay.name!r}; supported: {', '.join(to_h36m_supported())}")
    if confidence == "coco_order":
        if lay.name != "coco-17":
            raise ValueError("confidence='coco_order' (MotionBERT's NTU quirk) only applies to coco-17 input")
        out = _run_recipe(arr, _RECIPES[key], "average")
        out[..., -1] = arr[..., -1]  # confidence left in COCO joint order (MotionBERT issue #132)
        return out
    return _run_recipe(arr, _RECIPES[key], confidence)


def coco2h36m(x: Any, confidence: str = "average") -> np.ndarray:
    """COCO-17 -> H36M-17, as MotionBERT's ``coco2h36m`` (float64 input gives bit-identical output).

    Args:
        x: ``(..., 17, C)`` COCO keypoints; ``C = 3`` means ``(x, y, confidence)``.
        confidence: ``"average"`` (default, correct: confidence converted with the joints), ``"min"``, or
            ``"coco_order"``: x, y converted but channel ``C-1`` kept in COCO joint order, reproducing the input
            MotionBERT's NTU action checkpoints were trained on (MotionBERT issue #132). Only use it to feed those
            checkpoints.

    Returns:
        ``(..., 17, C)`` in H36M-17 order.
    """
    return to_h36m(x, "coco-17", confidence=confidence)


def halpe2h36m(x: Any, confidence: str = "average") -> np.ndarray:
    """AlphaPose Halpe-26 -> H36M-17, as MotionBERT's ``halpe2h36m`` (``(..., 26, C)`` -> ``(..., 17, C)``)."""
    return to_h36m(x, "halpe-26", confidence=confidence)


def posetrack2h36m(x: Any, confidence: str = "min") -> np.ndarray:
    """PoseTrack18 -> H36M-17, as MotionBERT's ``posetrack2h36m`` (``(..., 17, C)``, ``C >= 3`` for the default).

    The default ``confidence="min"`` gives the synthesised pelvis and spine the minimum confidence of their
    sources, as the official function does.
    """
    return to_h36m(x, "posetrack-17", confidence=confidence)


def h36m17_to_h36m16(x: Any) -> Any:
    """Drop joint 9 (nose): H36M-17 ``(..., 17, C)`` -> the P-STMO/MPM 16-joint layout ``(..., 16, C)``.

    Works for numpy arrays and torch tensors (returns the same type).
    """
    shape = tuple(x.shape)
    if len(shape) < 2 or shape[-2] != 17:
        raise ValueError(f"h36m17_to_h36m16 expects (..., 17, C), got shape {shape}")
    keep = [j for j in range(17) if j != 9]
    if isinstance(x, np.ndarray):
        return x[..., keep, :].copy()
    import torch

    if not isinstance(x, torch.Tensor):
        return h36m17_to_h36m16(np.asarray(x))
    return x[..., keep, :].clone()


def h36m16_to_h36m17(x: Any, fill: float = 0.0) -> Any:
    """Insert joint 9 (nose) filled with the constant ``fill``: ``(..., 16, C)`` -> ``(..., 17, C)``.

    The nose is deliberately *not* interpolated; pass ``fill=float("nan")`` to mark it missing, or ``0.0`` with a
    zero confidence channel as MotionBERT does for undetected joints. Works for numpy arrays and torch tensors.
    """
    shape = tuple(x.shape)
    if len(shape) < 2 or shape[-2] != 16:
        raise ValueError(f"h36m16_to_h36m17 expects (..., 16, C), got shape {shape}")
    if isinstance(x, np.ndarray):
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        nose = np.full(shape[:-2] + (1, shape[-1]), fill, dtype=dtype)
        return np.concatenate([x[..., :9, :].astype(dtype), nose, x[..., 9:, :].astype(dtype)], axis=-2)
    import torch

    if not isinstance(x, torch.Tensor):
        return h36m16_to_h36m17(np.asarray(x), fill)
    nose = torch.full(shape[:-2] + (1, shape[-1]), fill, dtype=x.dtype, device=x.device)
    return torch.cat([x[..., :9, :], nose, x[..., 9:, :]], dim=-2)


def mpi_inf_3dhp_to_h36m16(x: Any) -> np.ndarray:
    """MPI-INF-3DHP 17-joint (test-set order) -> H36M-16 with MPM's index map :data:`MPI_INF_3DHP_TO_H36M16`.

    Args:
        x: ``(..., 17, C)`` in the 3DHP order head_top, neck, right shoulder/elbow/wrist, left shoulder/elbow/wrist,
            right hip/knee/ankle, left hip/knee/ankle, pelvis, spine, head.

    Returns:
        ``(..., 16, C)`` in ``h36m-16`` order.
    """
    arr = _as_float_array(x, "mpi_inf_3dhp_to_h36m16")
    if arr.ndim < 2 or arr.shape[-2] != 17:
        raise ValueError(f"mpi_inf_3dhp_to_h36m16 expects (..., 17, C), got shape {tuple(arr.shape)}")
    return arr[..., list(MPI_INF_3DHP_TO_H36M16), :].copy()


# H36M-17 bone (a, b) -> its length / the pelvis-thorax length in Human3.6M's 3D (S1-S11 mean bone lengths, mm:
# pelvis-thorax 482, thigh 446, shin 448, upper arm 281, forearm 249, shoulder width 333, hip width 264,
# thorax-head top 306). Projected 2D lengths shrink with foreshortening, so the 95th percentile over frames is
# compared (the pose seen closest to side-on).
_FIT_BONES = (
    ((1, 2), 0.93), ((4, 5), 0.93), ((2, 3), 0.93), ((5, 6), 0.93), ((11, 12), 0.58), ((14, 15), 0.58),
    ((12, 13), 0.52), ((15, 16), 0.52), ((11, 14), 0.69), ((1, 4), 0.55), ((8, 10), 0.63),
)


def layout_fit(xy: Any, layout: str | SkeletonLayout, *, max_frames: int = 300) -> float | None:
    """How badly 2D keypoints fit the body proportions of ``layout``: 0 = Human3.6M proportions, 0.7 = lengths off
    by a factor of 2 on average; ``None`` when too little is visible to tell, or when the keypoints jump by more
    than a fifth of the body between frames (the median step: no one body's motion, e.g. independent random points).

    ``xy``: ``(T, J, 2|3)`` or ``(M, T, J, 2|3)`` in any one unit (pixels, normalised), the third channel a
    confidence (<= 0 = missing), NaN = missing. The keypoints are converted to H36M-17 with ``layout``'s recipe
    (:func:`to_h36m`) and the 95th percentile over frames of 11 bone lengths (thighs, shins, upper arms, forearms,
    shoulder and hip width, thorax-head) relative to the pelvis-thorax length is compared with Human3.6M's
    proportions (mean absolute log ratio, each bone capped at 1.5), and the left/right ratios of thighs, shins, upper
    arms and forearms likewise; the score is the worse of the two. Human3.6M detections score 0.06-0.27 in their
    own order and 0.23-0.65 read as COCO-17; random points >= 0.27.
    Used by the processor to refuse a wrong ``--layout``.
    """
    lay = get_layout(layout)
    if lay.name not in to_h36m_supported() and lay.name != "h36m-17":
        return None
    arr = np.asarray(xy, dtype=np.float64)
    arr = arr.reshape(-1, *arr.shape[-2:])  # persons x frames -> frames
    pts = arr[..., :2].copy()
    if arr.shape[-1] == 3:
        pts[~(arr[..., 2] > 0)] = np.nan
    if pts.shape[0] >= 2:  # keypoints that jump by a large part of the body between frames are no one body's motion
        steps = np.linalg.norm(np.diff(pts, axis=0), axis=-1)
        steps = steps[np.isfinite(steps)]
        seen = np.isfinite(pts).all(axis=-1)  # (T, J)
        frames = seen.sum(axis=-1) >= 2
        if not steps.size or not frames.any():
            return None
        hi = np.where(seen[..., None], pts, -np.inf).max(axis=-2)[frames]
        lo = np.where(seen[..., None], pts, np.inf).min(axis=-2)[frames]
        step, size = float(np.median(steps)), float(np.median((hi - lo).max(axis=-1)))
        if not np.isfinite(step) or not size > 0 or step > 0.2 * size:
            return None
    if pts.shape[0] > max_frames:  # proportions from evenly spread frames (consecutive ones only for the steps)
        pts = pts[np.linspace(0, pts.shape[0] - 1, max_frames).round().astype(int)]
    h36m = pts if lay.name == "h36m-17" else to_h36m(pts, lay.name)[..., :2]

    def p95(a: int, b: int) -> float:
        d = np.linalg.norm(h36m[:, a] - h36m[:, b], axis=-1)
        d = d[np.isfinite(d)]
        return float(np.percentile(d, 95)) if d.size >= 3 else float("nan")

    torso = p95(0, 8)
    if not np.isfinite(torso) or torso <= 0:
        return None
    lengths = {bone: p95(*bone) for bone, _ in _FIT_BONES}
    def mean_log_error(pairs: list[tuple[float, float]]) -> float:
        errs = [min(abs(np.log(max(a, 1e-9 * torso) / max(b, 1e-9 * torso))), 1.5) for a, b in pairs]
        errs = [e for e in errs if np.isfinite(e)]  # (each capped: one wild bone, a missed joint, counts 1.5 at most)
        return float(np.mean(errs)) if len(errs) >= len(pairs) // 2 + 1 else float("nan")

    proportions = mean_log_error([(lengths[bone], torso * ref) for bone, ref in _FIT_BONES])
    # left and right limbs of one body match (thigh, shin, upper arm, forearm): a random or scrambled joint order
    # breaks this even where its proportions happen to look right
    symmetry = mean_log_error([(lengths[a], lengths[b]) for a, b in (
        ((1, 2), (4, 5)), ((2, 3), (5, 6)), ((11, 12), (14, 15)), ((12, 13), (15, 16)))])
    score = max(proportions, symmetry)
    return score if np.isfinite(score) else None
