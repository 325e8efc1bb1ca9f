# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""3D pose + action logits + SMPL mesh from ONE encoder pass (``<Encoder>ForMultiTask``).

The motion representation is computed once per person track and shared by three heads that are the single-task
heads of motionhub, under the same attribute names as in the single-task models:

* ``head``: :class:`~motionhub.heads.completion.LinearPoseHead`, the 3D pose of every frame (for DSTformer this is
  ``DSTformerForPoseLifting.head``, same keys);
* ``action_head``: :class:`~motionhub.heads.action.ActionClassificationHead` (pooled over frames and persons);
* ``mesh_head`` + ``smpl``: :class:`~motionhub.heads.mesh.MeshRecoveryHead` and the SMPL body
  (:mod:`motionhub.body`; the SMPL files come from the user and are never saved).

Inputs are ``(B, M, T, J, C)`` multi-person clips or ``(B, T, J, C)`` (one person). Pose and mesh outputs keep the
person axis for 5-D input (``(B, M, T, ...)``) and have ``(B, T, ...)`` otherwise; logits are ``(B, num_labels)``.

The loss is the weighted sum of the terms whose labels are given: ``multitask_pose_weight`` x the pose-lifting loss
(config ``lambda_*``), ``multitask_action_weight`` x cross-entropy and ``multitask_mesh_weight`` x
:class:`~motionhub.heads.mesh.MeshLoss` (in mm; its scale is far larger than the other two: lower its weight, e.g.
0.01, when training all three together). Defaults are 1.0 each. Head settings are those of the single-task models
(``action_hidden_size``, ``action_dropout``, ``num_labels``, ``mesh_hidden_size``, ``mesh_dropout``, ...).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from ..encoders.dstformer.modeling_dstformer import DSTformerModel, DSTformerPreTrainedModel
from ..encoders.mpm.modeling_mpm import MPMModel, MPMPreTrainedModel
from ..encoders.stmo.modeling_stmo import STMOModel, STMOPreTrainedModel
from ..modeling_outputs import MultiTaskOutput
from .action import (
    CLASSIFICATION_DEFAULTS,
    ActionClassificationHead,
    ActionTaskMixin,
    check_labels,
)
from .completion import LinearPoseHead, zero_root, pose_loss_from_config
from .mesh import (
    MESH_DEFAULTS,
    SMPL_PATH_ARGUMENTS,
    flatten_tracks,
    MeshTaskMixin,
    apply_head_fields,
)

__all__ = [
    "MULTITASK_DEFAULTS",
    "MULTITASK_MODELS",
    "DSTformerForMultiTask",
    "MPMForMultiTask",
    "MultiTaskMixin",
    "STMOForMultiTask",
]

MULTITASK_DEFAULTS: dict[str, Any] = {
    "multitask_pose_weight": 1.0,
    "multitask_action_weight": 1.0,
    "multitask_mesh_weight": 1.0,
}


class MultiTaskMixin(MeshTaskMixin, ActionTaskMixin):
    """<Encoder> with pose, action and mesh heads on one shared representation (see :mod:`motionhub.heads.multitask`).

    Args:
        config: the <Encoder> config (``num_labels`` for the action classes; head fields filled with defaults).
        smpl_model_path: SMPL file/folder (else ``config.smpl_model_path`` / ``$MOTIONHUB_SMPL_PATH``); not saved.
        **head_fields: action / mesh / ``multitask_*_weight`` fields (override the config's; saved).

    Example::

        >>> model = AutoModelForMultiTask.from_pretrained(encoder_dir, num_labels=60, smpl_model_path="data/mesh")
        >>> out = model(keypoints=x, action_labels=y, pose_labels=p)   # out.pose_3d, out.logits, out.mesh.vertices
    """

    def mesh_output(self, keypoints: torch.Tensor):
        return self.forward(keypoints=keypoints, return_dict=True).mesh

    def __init__(self, config, **kwargs):
        defaults = {**CLASSIFICATION_DEFAULTS, **MESH_DEFAULTS, **MULTITASK_DEFAULTS}
        smpl_paths = apply_head_fields(config, defaults, kwargs, self.__class__.__name__, SMPL_PATH_ARGUMENTS)
        super().__init__(config)
        self._build_encoder(config)
        self.head = LinearPoseHead.from_config(config)
        self.action_head = ActionClassificationHead(
            config.frame_feature_size, config.num_labels, config.action_hidden_size, config.action_dropout
        )
        self._build_mesh(config, smpl_paths)
        self.post_init()

    def forward(
        self,
        keypoints: torch.Tensor,
        pose_labels: torch.Tensor | None = None,
        action_labels: torch.Tensor | None = None,
        mesh_labels: torch.Tensor | dict[str, torch.Tensor] | None = None,
        return_dict: bool | None = None,
        **kwargs,
    ) -> MultiTaskOutput | tuple:
        """Args:
        keypoints: ``(B, M, T, J, C)`` or ``(B, T, J, C)`` normalised 2D keypoints (``C = config.dim_in``).
        pose_labels: 3D targets shaped like ``pose_3d`` (root-relative, training units).
        action_labels: ``(B,)`` class indices.
        mesh_labels: ``theta`` shaped like ``mesh.theta`` (``(..., T, 82)``) or ``{"theta", "joints_3d" (mm)}``.

        Returns:
            :class:`MultiTaskOutput`: ``loss`` (weighted sum of the labelled tasks), ``pose_3d``, ``logits``,
            ``mesh`` (a :class:`MeshRecoveryOutput` whose ``loss``/``loss_components`` hold the mesh terms) and the
            shared ``representation`` (``(B*M, T, ...)``).
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        tracks, lead = flatten_tracks(keypoints)
        persons = lead[1] if len(lead) == 2 else 1
        enc = self._encode_tracks(tracks, None)
        rep = enc.last_hidden_state
        pose = zero_root(self.head(rep), self.config)
        pose = pose.reshape(*lead, *pose.shape[1:])
        logits, _ = self.action_head(rep, persons)
        mesh = self._mesh_from_representation(rep, lead)

        c = self.config
        loss = None

        def add(term: torch.Tensor, weight: float) -> None:
            nonlocal loss
            loss = weight * term if loss is None else loss + weight * term

        if pose_labels is not None:
            add(pose_loss_from_config(pose, pose_labels, c)[0], c.multitask_pose_weight)
        if action_labels is not None:
            labels = check_labels(action_labels, logits.shape[0], c.num_labels)
            add(F.cross_entropy(logits, labels.to(logits.device)), c.multitask_action_weight)
        if mesh_labels is not None:
            mesh.loss, mesh.loss_components = self._mesh_loss(mesh_labels, mesh)
            add(mesh.loss, c.multitask_mesh_weight)
        out = MultiTaskOutput(loss=loss, pose_3d=pose, logits=logits, mesh=mesh, representation=rep)
        return out if return_dict else out.to_tuple()


# ------------------------------------------------------------------------------------------ classes per family
class DSTformerForMultiTask(MultiTaskMixin, DSTformerPreTrainedModel):
    """DSTformer (MotionBERT) encoder + pose, action and mesh heads on one representation (:class:`MultiTaskMixin`)."""

    encoder_class = DSTformerModel


class STMOForMultiTask(MultiTaskMixin, STMOPreTrainedModel):
    """STMO (P-STMO) encoder + pose, action and mesh heads on one representation (:class:`MultiTaskMixin`)."""

    encoder_class = STMOModel


class MPMForMultiTask(MultiTaskMixin, MPMPreTrainedModel):
    """MPM encoder + pose, action and mesh heads on one representation (:class:`MultiTaskMixin`)."""

    encoder_class = MPMModel


#: ``{family name: <Family>ForMultiTask}``.
MULTITASK_MODELS: dict[str, type] = {
    "DSTformer": DSTformerForMultiTask, "MPM": MPMForMultiTask, "STMO": STMOForMultiTask,
}
