# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Training recipes on ``transformers.Trainer`` (installed as ``motionhub.tasks``).

* :mod:`motionhub.tasks.trainer`: :class:`MotionTrainer` (backbone/head LR groups, per-epoch LR decay, frozen
  backbone, custom evaluation and samplers).
* :mod:`motionhub.tasks.action`: action clip datasets (NTU / Penn Action), ``MPerClassSampler``, top-k metrics and the
  :func:`finetune_action` recipe (classification and one-shot embedding).
* :mod:`motionhub.tasks.stride`: STRIDE test-time training and masked-3D prior pretraining.
* :mod:`motionhub.tasks.pretrain_lifting`: MotionBERT's unified 2D->3D lifting pretraining (virtual-camera clips of 3D
  mocap + 2D-only clips, detector noise and masks, mixed 3D / confidence-weighted 2D loss, 3D-first curriculum).
* :mod:`motionhub.tasks.pretrain_masked`: P-STMO masked 2D pose modeling and MPM masked 2D / 3D / lifting pretraining
  (:class:`MaskSampler`, collators, ``STMOForMaskedPretraining`` / ``MPMForMaskedPretraining``,
  ``build_pstmo_pretrainer`` / ``build_mpm_pretrainer``).

Submodules are imported on demand (``from motionhub.tasks.action import finetune_action``); this package itself only
exposes :class:`MotionTrainer`.
"""

from .trainer import MotionTrainer, epoch_decay_schedule

__all__ = ["MotionTrainer", "epoch_decay_schedule"]
