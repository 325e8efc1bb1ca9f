# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""2D keypoints of a whole video -> SMPL meshes: :class:`MeshPipeline` and its :class:`MeshResult`."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..processor import PreparedKeypoints
from ..runner import WindowRunner
from .lifting import KeypointPipeline
from .results import json_safe, nan_to_none

__all__ = ["MeshPipeline", "MeshResult"]


@dataclass
class MeshResult:
    """Output of :class:`MeshPipeline` (single person; a leading ``M`` axis for multi-person input).

    Attributes:
        theta: ``(T, 82)`` SMPL axis-angle pose (72) + betas (10).
        vertices: ``(T, 6890, 3)`` mesh vertices in millimetres (SMPL frame, not root-relative).
        joints_3d: ``(T, 17, 3)`` H36M-17 joints regressed from the mesh, millimetres.
        faces: ``(F, 3)`` triangle vertex indices of the SMPL mesh.
        meta: model, normalisation, windows, flip.
    """

    theta: np.ndarray
    vertices: np.ndarray
    joints_3d: np.ndarray
    faces: np.ndarray | None
    meta: dict = field(default_factory=dict)

    units = "mm"

    def save(self, path: str | os.PathLike) -> Path:
        """Write ``.npz`` (``theta``, ``vertices``, ``joints_3d``, ``faces``, ``units="mm"``, ``layout``) or ``.json``."""
        from ..io_utils import atomic_path, write_text

        path = Path(path)
        if path.suffix.lower() == ".json":
            data = {"units": "mm", "layout": "h36m-17", "theta": nan_to_none(self.theta),
                    "joints_3d": nan_to_none(self.joints_3d), "vertices": nan_to_none(self.vertices),
                    "faces": None if self.faces is None else self.faces.tolist(), "meta": json_safe(self.meta)}
            write_text(path, json.dumps(data, allow_nan=False))  # NaN is no JSON (nan_to_none: None)
            return path
        if path.suffix.lower() != ".npz":
            raise ValueError(f"output must end in .npz or .json, got {path.name!r}")
        arrays = {"theta": self.theta, "vertices": self.vertices, "joints_3d": self.joints_3d,
                  "units": np.array("mm"), "layout": np.array("h36m-17"),
                  "meta_json": np.array(json.dumps(json_safe(self.meta), allow_nan=False))}
        if self.faces is not None:
            arrays["faces"] = self.faces
        with atomic_path(path) as tmp:
            np.savez_compressed(tmp, **arrays)
        return path


class MeshPipeline(KeypointPipeline):
    """2D keypoints of a whole video -> SMPL meshes (``<Encoder>ForMeshRecovery`` models; SMPL files needed).

    Same arguments and input preparation as :class:`PoseLiftingPipeline`, plus ``smpl_model_path`` (SMPL file or
    folder; default ``$MOTIONHUB_SMPL_PATH``, see :mod:`motionhub.body`). Windows overlap as for lifting; vertices and
    joints of overlapping windows are blended with triangular weights, the SMPL parameters of each frame are taken
    from the window whose centre is nearest (rotations are not averaged across windows). ``flip=True`` uses the
    model's ``predict_with_flip`` (MotionBERT's mesh test-time augmentation).
    """

    task = "mesh-recovery"

    def __init__(self, model: Any, device=None, batch_size: int = 4, flip: bool = True, window=None, stride=None,
                 normalization=None, *, smpl_model_path: str | os.PathLike | None = None, **kwargs: Any) -> None:
        if smpl_model_path is not None and not isinstance(model, nn.Module):
            kwargs["smpl_model_path"] = str(smpl_model_path)
        super().__init__(model, device, batch_size, flip, window, stride, normalization, **kwargs)
        if self.fixed_length:
            raise ValueError("MeshPipeline supports sequence-to-sequence encoders (DSTformer) only")

    @torch.no_grad()
    def __call__(self, data: Any, layout: str | None = None, *, image_size=None, normalization=None) -> MeshResult:
        """Recover the mesh of every frame (inputs as :meth:`PoseLiftingPipeline.__call__`)."""
        prepared, inp = self.prepare(data, layout, image_size, normalization)
        results = [self._mesh_person(p) for p in prepared]
        faces = getattr(getattr(self.model, "smpl", None), "faces", None)
        if isinstance(faces, torch.Tensor):
            faces = faces.cpu().numpy()
        stack = (lambda k: np.stack([r[k] for r in results])) if inp.multi_person else (lambda k: results[0][k])
        meta = {"model": self.config.name_or_path, "normalization": prepared[0].normalization,
                "window": self.window, "stride": self.stride, "flip": self.flip, **inp.meta}
        return MeshResult(theta=stack("theta"), vertices=stack("vertices"), joints_3d=stack("joints_3d"),
                          faces=None if faces is None else np.asarray(faces), meta=meta)

    def _predict(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        # multi-task models hold the same mesh head (predict_with_flip / mesh_output of MeshTaskMixin)
        model = self.model
        out = model.predict_with_flip(x, layout=self.in_layout) if self.flip else model.mesh_output(x)
        return {"theta": out.theta, "vertices": out.vertices, "joints_3d": out.joints_3d}

    # vertices and joints of overlapping windows are blended; SMPL rotations are taken from the nearest window centre
    _MERGE = {"theta": "centre", "vertices": "triangular", "joints_3d": "triangular"}

    def _mesh_person(self, prep: PreparedKeypoints) -> dict[str, np.ndarray]:
        runner = WindowRunner(self._predict, batch_size=self.batch_size, device=self.device, progress=self.progress,
                              desc="mesh")
        out = runner.seq2seq(prep.model_input, self.window, self.stride, merge=self._MERGE)
        return {key: value.astype(np.float32) for key, value in out.items()}
