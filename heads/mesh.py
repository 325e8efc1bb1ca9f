# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""SMPL mesh recovery on top of every encoder family (MotionBERT's ``MeshRegressor`` / ``SMPLRegressor``).

Pipeline for a clip ``(B, T, J, C)`` of normalised 2D keypoints (``C = config.dim_in``):

1. the encoder gives the motion representation, flattened per frame to ``(B, T, F)`` (``F =
   config.frame_feature_size``: ``J * dim_rep`` for DSTformer, the channel width for STMO/MPM);
2. :class:`MeshRecoveryHead`: a **per-frame pose MLP** (``dropout -> fc1 -> BatchNorm -> ReLU -> head_pose``) adds
   24 x 6D rotations to the mean pose ``init_pose``, and a **clip-level shape MLP** on the time-averaged feature
   (``dropout -> fc2 -> BatchNorm -> ReLU -> head_shape``) adds 10 betas to the mean shape ``init_shape`` (one body
   shape per clip, broadcast to every frame);
3. 6D -> rotation matrices (:func:`motionhub.rotations.rot6d_to_rotmat`), the SMPL body (:class:`motionhub.body.SMPLBody`,
   ``smplx`` linear blend skinning) gives the vertices (x1000 -> millimetres) and ``J_regressor_h36m`` the H36M-17
   joints (mm); the axis-angle pose (72) and the betas (10) form MotionBERT's ``theta`` (82).

The SMPL model is read from the user's files (``config.smpl_model_path``, the ``smpl_model_path=`` argument or
``$MOTIONHUB_SMPL_PATH``; see :mod:`motionhub.body`) and is **never stored in checkpoints**. ``init_pose`` /
``init_shape`` are ordinary (saved) buffers: a new head takes them from SPIN's ``smpl_mean_params.npz`` when it is
found (``config.smpl_mean_params_path``, ``$MOTIONHUB_SMPL_MEAN_PARAMS`` or next to the SMPL model) and otherwise
starts from the identity rotation for every joint and zero betas.

Head hyper-parameters live in the encoder config (filled with these defaults when absent, saved in ``config.json``):

================================ ======= =========================================================================
config field                     default meaning
================================ ======= =========================================================================
``mesh_hidden_size``             1024    width of both MLPs (released mesh configs; the official class default 2048)
``mesh_dropout``                 0.1     dropout on the features (released mesh configs)
``mesh_lambda_3d``               0.5     MPJPE of the root-relative H36M joints (mm)
``mesh_lambda_scale``            0.0     N-MPJPE
``mesh_lambda_velocity``         10.0    velocity error of the joints (MotionBERT ``lambda_3dv``)
``mesh_lambda_limb_var`` / ``mesh_lambda_limb_gt`` / ``mesh_lambda_angle`` / ``mesh_lambda_angle_velocity``: 0
``mesh_lambda_pose``             1000.0  L1 between predicted and target rotation matrices
``mesh_lambda_shape``            1.0     L1 between betas
``mesh_lambda_norm``             20.0    mean L2 norm of the predicted theta (82)
``mesh_loss_type``               "L1"    regression criterion of the pose/shape terms ("L1" or "MSE")
================================ ======= =========================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from transformers import initialization as init

from ..body import SMPLBody, load_smpl_mean_params
from ..encoders.dstformer.modeling_dstformer import DSTformerModel, DSTformerPreTrainedModel
from ..encoders.mpm.modeling_mpm import MPMModel, MPMPreTrainedModel
from ..encoders.stmo.modeling_stmo import STMOModel, STMOPreTrainedModel
from ..configuration_utils import MotionEncoderConfig
from ..modeling_outputs import MeshRecoveryOutput
from ..rotations import (
    axis_angle_to_rotmat,
    flip_thetas,
    identity_rot6d,
    rot6d_to_rotmat,
    rotmat_to_axis_angle,
)

__all__ = [
    "MESH_DEFAULTS",
    "MESH_MODELS",
    "DSTformerForMeshRecovery",
    "MPMForMeshRecovery",
    "STMOForMeshRecovery",
    "SMPL_PATH_ARGUMENTS",
    "MeshLoss",
    "MeshRecoveryHead",
    "MeshRecoveryMixin",
    "apply_head_fields",
]

MESH_DEFAULTS: dict[str, Any] = {
    "mesh_hidden_size": 1024,
    "mesh_dropout": 0.1,
    "mesh_lambda_3d": 0.5,
    "mesh_lambda_scale": 0.0,
    "mesh_lambda_velocity": 10.0,
    "mesh_lambda_limb_var": 0.0,
    "mesh_lambda_limb_gt": 0.0,
    "mesh_lambda_angle": 0.0,
    "mesh_lambda_angle_velocity": 0.0,
    "mesh_lambda_pose": 1000.0,
    "mesh_lambda_shape": 1.0,
    "mesh_lambda_norm": 20.0,
    "mesh_loss_type": "L1",
}

NUM_SMPL_JOINTS = 24
NUM_BETAS = 10


#: body-model file arguments a mesh model accepts (``from_pretrained(..., smpl_model_path=...)``); used to find the
#: files, never written to the config.
SMPL_PATH_ARGUMENTS = ("smpl_model_path", "smpl_j_regressor_h36m_path", "smpl_j_regressor_extra_path",
                       "smpl_mean_params_path")


def apply_head_fields(config, defaults: dict[str, Any], overrides: dict[str, Any], cls_name: str,
                      passthrough: tuple[str, ...] = ()) -> dict[str, Any]:
    """Head fields: explicit ``overrides`` (``from_pretrained(..., mesh_hidden_size=...)``) > config > defaults.

    Returns the ``passthrough`` arguments found in ``overrides`` (e.g. SMPL paths, not stored in the config).

    Raises:
        TypeError: an override is neither a head field nor a passthrough argument.
    """
    unknown = sorted(set(overrides) - set(defaults) - set(passthrough))
    if unknown:
        raise TypeError(
            f"{cls_name} got unexpected arguments {unknown}; head fields are {sorted(defaults)}"
            + (f", other arguments {sorted(passthrough)}" if passthrough else "")
        )
    saved = config.to_dict()
    for key, value in defaults.items():
        if key in overrides:
            setattr(config, key, overrides[key])
        elif saved.get(key) is None:  # a head field the saved config lacks (older files): its default
            setattr(config, key, value)
    return {k: v for k, v in overrides.items() if k in passthrough}


# ------------------------------------------------------------------------------------------------------------ head
class MeshRecoveryHead(nn.Module):
    """Regresses SMPL parameters from per-frame features (MotionBERT ``SMPLRegressor`` without the body model).

    Module and buffer names follow the official head (``fc1, bn1, head_pose, fc2, bn2, head_shape, init_pose,
    init_shape``), so official weights load by prefix.

    Args:
        in_features: ``F``, size of one frame's flattened representation.
        hidden_size: width of the pose and shape MLPs.
        dropout: dropout probability on the features.
        num_joints: SMPL joints (24) -> ``6 * num_joints`` pose outputs.
        num_betas: shape coefficients (10).
    """

    def __init__(
        self, in_features: int, hidden_size: int = 1024, dropout: float = 0.1,
        num_joints: int = NUM_SMPL_JOINTS, num_betas: int = NUM_BETAS,
    ) -> None:
        super().__init__()
        if min(in_features, hidden_size, num_joints, num_betas) < 1:
            raise ValueError(
                f"MeshRecoveryHead needs positive sizes, got in_features={in_features}, hidden_size={hidden_size}, "
                f"num_joints={num_joints}, num_betas={num_betas}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"mesh dropout must be in [0, 1), got {dropout}")
        self.num_joints = num_joints
        self.num_betas = num_betas
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(in_features, hidden_size)
        self.bn1 = nn.BatchNorm1d(hidden_size, momentum=0.1)
        self.head_pose = nn.Linear(hidden_size, 6 * num_joints)
        self.fc2 = nn.Linear(in_features, hidden_size)
        self.bn2 = nn.BatchNorm1d(hidden_size, momentum=0.1)
        self.head_shape = nn.Linear(hidden_size, num_betas)
        self.register_buffer("init_pose", identity_rot6d(num_joints)[None].clone())
        self.register_buffer("init_shape", torch.zeros(1, num_betas))

    @torch.no_grad()
    def set_mean_params(self, pose6d: Any, betas: Any) -> None:
        """Set the mean pose ``(6 * num_joints,)`` (6D, :mod:`motionhub.rotations` layout) and mean betas."""
        pose = torch.as_tensor(np.asarray(pose6d, dtype=np.float32)).reshape(1, -1)
        shape = torch.as_tensor(np.asarray(betas, dtype=np.float32)).reshape(1, -1)[:, : self.num_betas]
        if pose.shape != self.init_pose.shape or shape.shape != self.init_shape.shape:
            raise ValueError(
                f"mean params must be ({self.init_pose.shape[1]},) 6D pose and >= {self.num_betas} betas, got "
                f"{tuple(pose.shape)} / {tuple(shape.shape)}"
            )
        self.init_pose.copy_(pose.to(self.init_pose))
        self.init_shape.copy_(shape.to(self.init_shape))

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(N, T, F)`` features -> ``(pose6d (N, T, 6 * num_joints), betas (N, num_betas))``."""
        if features.ndim != 3:
            raise ValueError(f"features must be (N, T, F), got shape {tuple(features.shape)}")
        n, t, f = features.shape
        pose_feat = self.dropout(features.reshape(n * t, f))
        pose_feat = F.relu(self.bn1(self.fc1(pose_feat)))
        shape_feat = self.dropout(features.mean(dim=1))
        shape_feat = F.relu(self.bn2(self.fc2(shape_feat)))
        pose6d = self.head_pose(pose_feat) + self.init_pose
        betas = self.head_shape(shape_feat) + self.init_shape
        return pose6d.reshape(n, t, -1), betas


# ------------------------------------------------------------------------------------------------------------ loss
class MeshLoss(nn.Module):
    """MotionBERT's mesh objective (``MeshLoss`` + the weighting of ``train_mesh.py``).

    ``total = λ_3d·MPJPE + λ_scale·N-MPJPE + λ_velocity·velocity (+ limb / angle terms) + λ_pose·L(R(θ̂), R(θ))
    + λ_shape·L(β̂, β) + λ_norm·mean‖θ̂‖``, where the joint terms use the **root-relative** H36M-17 joints in mm,
    ``R(·)`` turns each axis-angle of the 72-d pose into a rotation matrix, ``L`` is the mean absolute ("L1") or
    squared ("MSE") error, and ``θ̂`` is the whole 82-d predicted theta (pose + betas).

    Defaults are the released mesh configs (λ_3d 0.5, λ_velocity 10, λ_pose 1000, λ_shape 1, λ_norm 20, L1).
    """

    def __init__(
        self, *, lambda_3d: float = 0.5, lambda_scale: float = 0.0, lambda_velocity: float = 10.0,
        lambda_limb_var: float = 0.0, lambda_limb_gt: float = 0.0, lambda_angle: float = 0.0,
        lambda_angle_velocity: float = 0.0, lambda_pose: float = 1000.0, lambda_shape: float = 1.0,
        lambda_norm: float = 20.0, loss_type: str = "L1",
    ) -> None:
        super().__init__()
        if loss_type not in ("L1", "MSE"):
            raise ValueError(f"loss_type must be 'L1' or 'MSE', got {loss_type!r}")
        self.joint_weights = {
            "lambda_position": lambda_3d, "lambda_scale": lambda_scale, "lambda_velocity": lambda_velocity,
            "lambda_limb_var": lambda_limb_var, "lambda_limb_gt": lambda_limb_gt, "lambda_angle": lambda_angle,
            "lambda_angle_velocity": lambda_angle_velocity,
        }
        self.lambda_pose, self.lambda_shape, self.lambda_norm = lambda_pose, lambda_shape, lambda_norm
        self.loss_type = loss_type

    @classmethod
    def from_config(cls, config) -> MeshLoss:
        saved = config.to_dict()  # mesh loss settings a saved config lacks (older files) take their defaults
        c = {k: saved[k] if saved.get(k) is not None else v for k, v in MESH_DEFAULTS.items()}
        return cls(
            lambda_3d=c["mesh_lambda_3d"], lambda_scale=c["mesh_lambda_scale"],
            lambda_velocity=c["mesh_lambda_velocity"], lambda_limb_var=c["mesh_lambda_limb_var"],
            lambda_limb_gt=c["mesh_lambda_limb_gt"], lambda_angle=c["mesh_lambda_angle"],
            lambda_angle_velocity=c["mesh_lambda_angle_velocity"], lambda_pose=c["mesh_lambda_pose"],
            lambda_shape=c["mesh_lambda_shape"], lambda_norm=c["mesh_lambda_norm"], loss_type=c["mesh_loss_type"],
        )

    def _regression(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return F.l1_loss(a, b) if self.loss_type == "L1" else F.mse_loss(a, b)

    def forward(
        self, pred_theta: torch.Tensor, pred_joints: torch.Tensor, target_theta: torch.Tensor,
        target_joints: torch.Tensor,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Args:
            pred_theta / target_theta: ``(B, T, 82)`` axis-angle pose (72) + betas (10).
            pred_joints / target_joints: ``(B, T, 17, 3)`` H36M-17 joints in mm (need not be root-relative).

        Returns:
            ``(total, components)``; components (unweighted, detached) are the non-zero joint terms of
            :func:`motionhub.losses.pose3d_loss` plus ``"pose"``, ``"shape"``, ``"norm"``.
        """
        from ..losses import pose3d_loss

        if pred_theta.shape != target_theta.shape or pred_theta.shape[-1] != 72 + NUM_BETAS:
            raise ValueError(
                f"theta must be (B, T, 82) for prediction and target, got {tuple(pred_theta.shape)} and "
                f"{tuple(target_theta.shape)}"
            )
        if pred_joints.shape != target_joints.shape:
            raise ValueError(
                f"joint targets must have shape {tuple(pred_joints.shape)} (B, T, 17, 3) mm, got "
                f"{tuple(target_joints.shape)}"
            )
        pred_local = pred_joints - pred_joints[..., :1, :]
        target_local = target_joints - target_joints[..., :1, :]
        total, components = pose3d_loss(pred_local, target_local, **self.joint_weights)
        pred_rot = axis_angle_to_rotmat(pred_theta[..., :72].reshape(-1, 3))
        target_rot = axis_angle_to_rotmat(target_theta[..., :72].reshape(-1, 3))
        terms = {
            "pose": self._regression(pred_rot, target_rot),
            "shape": self._regression(pred_theta[..., 72:], target_theta[..., 72:]),
            "norm": torch.linalg.vector_norm(pred_theta, dim=-1).mean(),
        }
        weights = {"pose": self.lambda_pose, "shape": self.lambda_shape, "norm": self.lambda_norm}
        for name, value in terms.items():
            total = total + weights[name] * value
        components = {**{k: v.detach() for k, v in components.items()}, **{k: v.detach() for k, v in terms.items()}}
        return total, components


# ---------------------------------------------------------------------------------------------------- task mixins
def flatten_tracks(keypoints: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
    """``(B, T, J, C)`` or ``(B, M, T, J, C)`` -> ``((N, T, J, C), lead)`` with ``lead`` = ``(B,)`` or ``(B, M)``."""
    if not isinstance(keypoints, torch.Tensor):
        raise TypeError(f"`keypoints` must be a torch.Tensor (B, T, J, C), got {keypoints.__class__.__name__}")
    if keypoints.ndim == 4:
        return keypoints, tuple(keypoints.shape[:1])
    if keypoints.ndim == 5:
        return keypoints.reshape(-1, *keypoints.shape[2:]), tuple(keypoints.shape[:2])
    raise ValueError(
        f"`keypoints` must have shape (B, T, J, C) (or (B, M, T, J, C) for several persons), got "
        f"{tuple(keypoints.shape)}"
    )


def _features_per_frame(representation: torch.Tensor, expected: int) -> torch.Tensor:
    """``(N, T, J, D)`` / ``(N, T, D)`` -> ``(N, T, F)``."""
    feats = representation.reshape(*representation.shape[:2], -1)
    if feats.shape[-1] != expected:
        raise ValueError(
            f"the encoder gives {feats.shape[-1]} features per frame but config.frame_feature_size is {expected}"
        )
    return feats


class MeshTaskMixin:
    """Shared plumbing of the models with a mesh head: SMPL body, head, targets, weight init."""

    encoder_class: type  # the family's bare encoder, set by each <Family>For<Task> class

    def _build_mesh(self, config, smpl_paths: dict[str, Any]) -> None:
        """SMPL body (``smpl_paths``: the :data:`SMPL_PATH_ARGUMENTS` given explicitly), head and loss."""
        if not isinstance(config, MotionEncoderConfig):  # the encoder contract gives frame_feature_size
            raise TypeError(f"{config.__class__.__name__} is not a motionhub encoder config (MotionEncoderConfig); "
                            "the mesh head needs its frame_feature_size")
        # the body model is created first so that a missing SMPL fails fast with the how-to message
        self.smpl = SMPLBody(
            smpl_paths.get("smpl_model_path"), config=config, require_h36m_regressor=True,
            j_regressor_h36m_path=smpl_paths.get("smpl_j_regressor_h36m_path"),
            j_regressor_extra_path=smpl_paths.get("smpl_j_regressor_extra_path"),
            mean_params_path=smpl_paths.get("smpl_mean_params_path"),
        )
        self.mesh_head = MeshRecoveryHead(
            config.frame_feature_size, int(config.mesh_hidden_size), float(config.mesh_dropout),
            self.smpl.num_body_joints, self.smpl.num_betas,
        )
        self.mesh_loss = MeshLoss.from_config(config)

    def _mean_params(self) -> tuple[np.ndarray, np.ndarray] | None:
        path = self.smpl.paths.mean_params
        return load_smpl_mean_params(path, self.smpl.num_body_joints) if path is not None else None

    @torch.no_grad()
    def _init_weights(self, module: nn.Module) -> None:
        # transformers sends the encoder's modules to the encoder's own _init_weights: what arrives here belongs to
        # the heads. Leaves are initialised directly (containers without tensors of their own may be skipped when
        # loading); init.* leave tensors loaded from a checkpoint untouched.
        head = getattr(self, "mesh_head", None)
        if isinstance(module, SMPLBody):
            module.reload_()
        elif head is not None and (module is head.head_pose or module is head.head_shape):
            init.xavier_uniform_(module.weight, gain=0.01)  # small outputs: training starts at the mean pose
            init.zeros_(module.bias)
        elif isinstance(module, nn.Linear):
            init.trunc_normal_(module.weight, std=self.config.initializer_range)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            init.ones_(module.weight)
            init.zeros_(module.bias)
            init.zeros_(module.running_mean)
            init.ones_(module.running_var)
            init.zeros_(module.num_batches_tracked)
        elif isinstance(module, MeshRecoveryHead):
            mean = self._mean_params()
            if mean is not None:
                pose, betas = (torch.from_numpy(np.asarray(a, dtype=np.float32)) for a in mean)
                init.copy_(module.init_pose, pose.reshape(1, -1).to(module.init_pose))
                init.copy_(module.init_shape, betas[: module.num_betas].reshape(1, -1).to(module.init_shape))
            else:
                init.copy_(module.init_pose, identity_rot6d(module.num_joints)[None].to(module.init_pose))
                init.zeros_(module.init_shape)
        else:
            super()._init_weights(module)

    def _encode_tracks(self, tracks: torch.Tensor, output_hidden_states: bool | None):
        grad = torch.is_grad_enabled() and not self.backbone_frozen
        with torch.set_grad_enabled(grad):
            return self.backbone(tracks, output_hidden_states=output_hidden_states, return_dict=True)

    def _mesh_from_representation(self, representation: torch.Tensor, lead: tuple[int, ...]) -> MeshRecoveryOutput:
        """Encoder output ``(N, T, ...)`` -> mesh output with leading axes ``lead + (T,)``."""
        feats = _features_per_frame(representation, self.config.frame_feature_size)
        n, t = feats.shape[:2]
        pose6d, betas = self.mesh_head(feats)
        rotmat = rot6d_to_rotmat(pose6d.reshape(n, t, -1, 6))  # (N, T, 24, 3, 3)
        betas_t = betas[:, None].expand(n, t, betas.shape[-1])
        body = self.smpl(betas_t, rotmat)
        vertices = body.vertices * 1000.0
        joints = self.smpl.h36m_joints(vertices)
        theta = torch.cat([rotmat_to_axis_angle(rotmat).reshape(n, t, -1), betas_t], dim=-1)

        def shaped(x: torch.Tensor) -> torch.Tensor:
            return x.reshape(*lead, *x.shape[1:])

        return MeshRecoveryOutput(
            theta=shaped(theta), rotmat=shaped(rotmat), betas=shaped(betas_t), vertices=shaped(vertices),
            joints_3d=shaped(joints),
        )

    @torch.no_grad()
    def mesh_from_theta(self, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Ground-truth style mesh of SMPL parameters: ``(..., 82)`` theta -> ``(vertices (..., V, 3) mm, H36M
        joints (..., 17, 3) mm)`` (how MotionBERT builds its joint targets)."""
        if theta.shape[-1] != 72 + self.smpl.num_betas:
            raise ValueError(f"theta must be (..., {72 + self.smpl.num_betas}) = axis-angle 72 + betas, got "
                             f"{tuple(theta.shape)}")
        body = self.smpl(theta[..., 72:], theta[..., :72])
        vertices = body.vertices * 1000.0
        return vertices, self.smpl.h36m_joints(vertices)

    def _mesh_targets(self, labels: Any, pred: MeshRecoveryOutput) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(labels, dict):
            if "theta" not in labels:
                raise ValueError("mesh labels need `theta` (..., T, 82); optional `joints_3d` (..., T, 17, 3) in mm")
            theta, joints = labels["theta"], labels.get("joints_3d")
        elif isinstance(labels, torch.Tensor):
            theta, joints = labels, None
        else:
            raise TypeError(
                "mesh labels must be a theta tensor (B, T, 82) or a dict {'theta': ..., 'joints_3d': ... (mm)}, got "
                f"{labels.__class__.__name__}"
            )
        theta = theta.to(pred.theta)
        if theta.shape != pred.theta.shape:
            raise ValueError(f"theta labels must have shape {tuple(pred.theta.shape)}, got {tuple(theta.shape)}")
        if joints is None:
            _, joints = self.mesh_from_theta(theta)
        joints = joints.to(pred.joints_3d)
        return theta, joints

    def _mesh_loss(self, labels: Any, pred: MeshRecoveryOutput) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        theta, joints = self._mesh_targets(labels, pred)
        t = pred.theta.shape[-2]
        return self.mesh_loss(
            pred.theta.reshape(-1, t, pred.theta.shape[-1]), pred.joints_3d.reshape(-1, t, *pred.joints_3d.shape[-2:]),
            theta.reshape(-1, t, theta.shape[-1]), joints.reshape(-1, t, *joints.shape[-2:]),
        )

    def mesh_output(self, keypoints: torch.Tensor) -> MeshRecoveryOutput:
        """The mesh prediction of ``keypoints`` (the model's mesh head output, :class:`MeshRecoveryOutput`)."""
        raise NotImplementedError(f"{self.__class__.__name__} must say where its mesh output is")

    @torch.no_grad()
    def predict_with_flip(self, keypoints: torch.Tensor, layout: str | None = None) -> MeshRecoveryOutput:
        """Flip test-time augmentation of MotionBERT's mesh inference.

        The clip and its mirror image (:func:`motionhub.skeleton.flip`: x negated, left/right joints swapped) are
        both predicted; the mirrored prediction's theta is flipped back (:func:`motionhub.rotations.flip_thetas`)
        and re-posed with SMPL; theta, vertices and joints of the two are averaged (rotation matrices and betas
        follow the averaged theta).

        Args:
            keypoints: ``(B, T, J, C)`` (or ``(B, M, T, J, C)``).
            layout: joint layout of the input (default ``config.joint_layout``, "h36m-17").
        """
        from ..skeleton import flip

        layout = layout or self.config.joint_layout
        out = self.mesh_output(keypoints)
        mirrored = self.mesh_output(flip(keypoints, layout))
        theta_back = torch.cat([flip_thetas(mirrored.theta[..., :72]), mirrored.theta[..., 72:]], dim=-1)
        verts_back, joints_back = self.mesh_from_theta(theta_back)
        theta = (out.theta + theta_back) / 2
        k = self.smpl.num_body_joints
        return MeshRecoveryOutput(
            theta=theta,
            rotmat=axis_angle_to_rotmat(theta[..., :72].reshape(*theta.shape[:-1], k, 3)),
            betas=theta[..., 72:],
            vertices=(out.vertices + verts_back) / 2,
            joints_3d=(out.joints_3d + joints_back) / 2,
        )


class MeshRecoveryMixin(MeshTaskMixin):
    """<Encoder> + SMPL mesh head (MotionBERT ``MeshRegressor``): 2D keypoint clips -> SMPL pose, shape and mesh.

    ``(B, T, J, C)`` keypoints (or ``(B, M, T, J, C)``: every person separately) -> :class:`MeshRecoveryOutput` with
    ``theta (B, T, 82)``, ``rotmat (B, T, 24, 3, 3)``, ``betas (B, T, 10)``, ``vertices (B, T, 6890, 3)`` mm and
    ``joints_3d (B, T, 17, 3)`` mm (H36M-17 regressed from the mesh, not root-relative). See :mod:`motionhub.heads.mesh`
    for the head and loss settings and :mod:`motionhub.body` for where the SMPL files come from.

    Args:
        config: the <Encoder> config (mesh fields filled with defaults).
        smpl_model_path: SMPL file/folder; overrides ``config.smpl_model_path`` and ``$MOTIONHUB_SMPL_PATH`` and is
            not saved with the model. ``from_pretrained(..., smpl_model_path=...)`` passes it through, as
            ``smpl_j_regressor_h36m_path`` / ``smpl_j_regressor_extra_path`` / ``smpl_mean_params_path``.
        **head_fields: mesh fields of the table in :mod:`motionhub.heads.mesh` (override the config's; saved).

    Example::

        >>> model = AutoModelForMeshRecovery.from_pretrained(encoder_dir, smpl_model_path="data/mesh")
        >>> out = model(keypoints=x, labels={"theta": theta})       # out.loss, out.vertices (mm)
    """

    def mesh_output(self, keypoints: torch.Tensor) -> MeshRecoveryOutput:
        return self.forward(keypoints, return_dict=True)

    def __init__(self, config, **kwargs):
        smpl_paths = apply_head_fields(config, MESH_DEFAULTS, kwargs, self.__class__.__name__, SMPL_PATH_ARGUMENTS)
        super().__init__(config)
        setattr(self, self.base_model_prefix, self.encoder_class(config))
        self._build_mesh(config, smpl_paths)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        labels: torch.Tensor | dict[str, torch.Tensor] | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MeshRecoveryOutput | tuple:
        """Args:
        keypoints: ``(B, T, J, C)`` (or ``(B, M, T, J, C)``) normalised 2D keypoints, ``C = config.dim_in``.
        labels: target ``theta (B, T, 82)`` (axis-angle pose + betas) or a dict ``{"theta": ..., "joints_3d":
            (B, T, 17, 3) mm}``; without ``joints_3d`` the targets are computed from ``theta`` with the SMPL body.
            Gives :class:`MeshLoss` (config weights) in ``loss`` and its terms in ``loss_components``.
        output_hidden_states: also return the encoder's per-layer features.
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        tracks, lead = flatten_tracks(keypoints)
        enc = self._encode_tracks(tracks, output_hidden_states)
        out = self._mesh_from_representation(enc.last_hidden_state, lead)
        out.hidden_states = enc.hidden_states
        if labels is not None:
            out.loss, out.loss_components = self._mesh_loss(labels, out)
        return out if return_dict else out.to_tuple()


# ------------------------------------------------------------------------------------------ classes per family
class DSTformerForMeshRecovery(MeshRecoveryMixin, DSTformerPreTrainedModel):
    """DSTformer (MotionBERT) encoder + SMPL mesh head (:class:`MeshRecoveryMixin`)."""

    encoder_class = DSTformerModel


class STMOForMeshRecovery(MeshRecoveryMixin, STMOPreTrainedModel):
    """STMO (P-STMO) encoder + SMPL mesh head (:class:`MeshRecoveryMixin`)."""

    encoder_class = STMOModel


class MPMForMeshRecovery(MeshRecoveryMixin, MPMPreTrainedModel):
    """MPM encoder + SMPL mesh head (:class:`MeshRecoveryMixin`)."""

    encoder_class = MPMModel


#: ``{family name: <Family>ForMeshRecovery}``, e.g. ``MESH_MODELS["DSTformer"]``.
MESH_MODELS: dict[str, type] = {
    "DSTformer": DSTformerForMeshRecovery, "MPM": MPMForMeshRecovery, "STMO": STMOForMeshRecovery,
}
