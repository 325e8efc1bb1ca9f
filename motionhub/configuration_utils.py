# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The encoder contract: what every motionhub encoder config provides, read as attributes.

Pipelines, heads, export and the processor rely on exactly these (never ``getattr(config, name, default)``): a new
family subclasses :class:`MotionEncoderConfig`, keeps or overrides the declared fields and implements the three
properties. The fields have the meaning below in every family; their defaults are a family's to choose.
"""

from __future__ import annotations

from huggingface_hub.dataclasses import strict
from transformers import PreTrainedConfig

__all__ = ["MotionEncoderConfig"]


@strict(accept_kwargs=True)
class MotionEncoderConfig(PreTrainedConfig):
    r"""Base of every motionhub encoder config (DSTformer, STMO, MPM, ...).

    Fields (serialised in ``config.json`` when they differ from the family's default):
        dim_in: input channels per joint (2 = x, y; 3 = x, y, confidence, or x, y, z for 3D-input models).
        dim_out: output channels per joint of the pose heads (3 = x, y, z).
        num_joints: joints per frame of the input (17 = H36M-17).
        joint_layout: name of the input joint layout (:mod:`motionhub.skeleton`).
        input_normalization: how inputs were normalised in training (:mod:`motionhub.processor`).
        output_units: units of the pose output (``"m"``, ``"mm"``, ``"normalized"``); ``None`` = not recorded (the
            processor then applies the family's convention).
        root_relative: the pose head puts joint 0 at the origin.
        initializer_range: std of the truncated-normal initialisation of new head weights.

    Properties every family implements:
        maxlen: the longest clip (frames) the model takes (for fixed-length models: the only one).
        fixed_length: True when the model takes exactly ``maxlen`` frames (many-to-one STMO / MPM).
        frame_feature_size: size of one frame's representation (what per-frame heads consume).
        representation_size: size of one joint's (or frame's, for single-vector families) representation.
    """

    dim_in: int = 3
    dim_out: int = 3
    num_joints: int = 17
    joint_layout: str = "h36m-17"
    input_normalization: str = "crop_scale"
    output_units: str | None = None
    root_relative: bool = True
    initializer_range: int | float = 0.02

    @property
    def fixed_length(self) -> bool:
        """Variable-length by default (any clip up to :attr:`maxlen` frames)."""
        return False

    @property
    def frame_feature_size(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define frame_feature_size (the encoder contract)")

    @property
    def representation_size(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define representation_size (the encoder contract)")
