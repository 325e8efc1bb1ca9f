# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``MotionTrainer``: transformers' ``Trainer`` with MotionBERT's finetuning optimiser.

What it adds to :class:`transformers.Trainer` (everything else -- device placement, DDP/FSDP through Accelerate,
gradient accumulation, checkpoint/resume, logging, progress bars -- is the stock Trainer):

* **Backbone / head learning rates**: AdamW groups from ``model.parameter_groups(head_lr=args.learning_rate,
  backbone_lr_ratio=...)`` (MotionBERT action/mesh finetuning: backbone 1e-4 = 0.1 x head 1e-3, weight decay 0.01).
  Parameters frozen with ``model.freeze_backbone()`` are left out of the optimiser, so they never change (and AdamW's
  weight decay cannot touch them). Bare encoders (no head) fall back to the Trainer's default optimiser.
* **Per-epoch exponential decay** (``lr_decay_per_epoch``, MotionBERT's ``StepLR(step_size=1, gamma=0.99)``): the LR of
  every group is multiplied by ``gamma`` after each epoch (implemented per optimiser step as ``gamma ** (step //
  steps_per_epoch)``, so resuming from a checkpoint restores it exactly). ``None`` keeps ``args.lr_scheduler_type``.
* **Per-group learning rates in the logs** (``lr_backbone``, ``lr_head``).
* **Custom evaluation** (``evaluate_fn``), e.g. the one-shot protocol, which is not a per-batch metric.
* **Custom training sampler** (``train_sampler``), e.g. :class:`motionhub.tasks.action.MPerClassSampler` for SupCon.
* ``dataloader_drop_last`` applies to training only (BatchNorm heads need > 1 clip per batch); evaluation sees
  every clip.
* Evaluation drops output fields named in ``model.keys_to_ignore_at_inference`` (pooled features, hidden states)
  instead of accumulating them over the whole eval set.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import Sampler
from transformers import Trainer, TrainerCallback

__all__ = ["MotionTrainer", "TimeBudgetCallback", "checkpoint_problem", "epoch_decay_schedule", "latest_checkpoint", "resolve_resume"]

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def checkpoint_problem(folder: str | os.PathLike) -> str | None:
    """Why the Trainer checkpoint ``folder`` cannot be resumed from (``None``: it is complete).

    Complete = ``trainer_state.json`` parses (with ``global_step``), the model weights (``model.safetensors`` or the
    shards of ``model.safetensors.index.json``) are whole safetensors files, and ``optimizer.pt`` / ``scheduler.pt``
    are whole torch archives (every member's CRC checked, nothing unpickled). A save killed half-way fails one of
    these.
    """
    import json
    import zipfile

    from motionhub.hub.verify import DamagedFileError, check_safetensors_file

    folder = Path(folder)
    try:
        state = json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))
        if not isinstance(state, dict) or "global_step" not in state:
            return "trainer_state.json has no global_step"
    except FileNotFoundError:
        return "no trainer_state.json"
    except (OSError, ValueError) as err:
        return f"trainer_state.json is unreadable ({err})"
    if (folder / "model.safetensors").is_file():
        weights = [folder / "model.safetensors"]
    elif (folder / "model.safetensors.index.json").is_file():
        try:
            index = json.loads((folder / "model.safetensors.index.json").read_text(encoding="utf-8"))
            weights = [folder / name for name in sorted(set(index["weight_map"].values()))]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            return f"model.safetensors.index.json is unreadable ({err})"
    else:
        return "no model weights (model.safetensors)"
    for path in weights:
        try:
            check_safetensors_file(path)
        except FileNotFoundError:
            return f"{path.name} is missing"
        except DamagedFileError:
            return f"{path.name} is damaged or truncated"
    for name in ("optimizer.pt", "scheduler.pt"):
        try:
            with zipfile.ZipFile(folder / name) as archive:
                bad = archive.testzip()
            if bad is not None:
                return f"{name} is damaged ({bad})"
        except FileNotFoundError:
            return f"no {name}"
        except (OSError, zipfile.BadZipFile, EOFError) as err:
            return f"{name} is damaged or truncated ({err})"
    return None


def latest_checkpoint(output_dir: str | os.PathLike, *, report: Callable[[str], None] | None = print) -> Path | None:
    """The newest *complete* ``checkpoint-N`` in ``output_dir`` (see :func:`checkpoint_problem`), or ``None``.

    Newer checkpoints that are incomplete (a save killed half-way) are skipped, each with a one-line message through
    ``report`` naming it and what is wrong (``None``: silent).
    """
    root = Path(output_dir)
    found = []
    if root.is_dir():
        for d in root.iterdir():
            match = _CHECKPOINT.match(d.name)
            if match and d.is_dir():
                found.append((int(match.group(1)), d))
    for _, folder in sorted(found, reverse=True):
        problem = checkpoint_problem(folder)
        if problem is None:
            return folder
        if report is not None:
            report(f"skipping incomplete checkpoint {folder}: {problem}")
    return None


def resolve_resume(resume: str | os.PathLike | bool | None, output_dir: str | os.PathLike) -> str | None:
    """``resume_from_checkpoint`` as a folder: ``True`` = :func:`latest_checkpoint` of ``output_dir`` (says which, or
    raises ``FileNotFoundError`` when there is none; newer incomplete checkpoints are renamed
    ``incomplete-checkpoint-N`` so that the Trainer's checkpoint rotation ignores them); a path must be a complete checkpoint (``ValueError`` naming the
    problem otherwise); ``None`` / ``False`` = start fresh."""
    if resume is None or resume is False:
        return None
    if resume is True:
        found = latest_checkpoint(output_dir)
        if found is None:
            raise FileNotFoundError(f"--resume: no complete checkpoint-N folder in {output_dir} to resume from; "
                                    "start without --resume (or point --output-dir at the run to continue)")
        step = int(_CHECKPOINT.match(found.name).group(1))
        for newer in sorted(Path(output_dir).iterdir()):
            match = _CHECKPOINT.match(newer.name)
            if match and newer.is_dir() and int(match.group(1)) > step:
                # out of the Trainer's way (its checkpoint rotation would count it as the newest), but not deleted
                aside = newer.with_name(f"incomplete-{newer.name}")
                shutil.rmtree(aside, ignore_errors=True)
                os.replace(newer, aside)
                print(f"moved the incomplete {newer.name} aside to {aside}", flush=True)
        print(f"resuming from {found} (newest complete checkpoint)", flush=True)
        return str(found)
    problem = checkpoint_problem(resume)
    if problem is not None:
        raise ValueError(f"cannot resume from {resume}: {problem}; pass another checkpoint, or --resume alone for "
                         "the newest complete one")
    print(f"resuming from {resume}", flush=True)
    return str(resume)


def epoch_decay_schedule(optimizer: torch.optim.Optimizer, gamma: float, steps_per_epoch: int):
    """``LambdaLR`` with factor ``gamma ** (step // steps_per_epoch)`` (StepLR over epochs, stepped per batch)."""
    if not 0.0 < gamma <= 1.0:
        raise ValueError(f"lr_decay_per_epoch must be in (0, 1], got {gamma}")
    if steps_per_epoch < 1:
        raise ValueError(f"steps_per_epoch must be >= 1, got {steps_per_epoch}")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: gamma ** (step // steps_per_epoch))


class TimeBudgetCallback(TrainerCallback):
    """Stop training once ``minutes`` of wall-clock time have passed (``--max-minutes``), saving a checkpoint first.

    The Trainer only knows step and epoch budgets; a CPU user thinks in minutes. The clock starts when training
    begins (data loading and model building are not counted); the check runs after every optimiser step, so the run
    ends at most one step late. The stop is recorded in ``state.log_history`` (``time_budget_stop`` = the step) and
    the final evaluation and save still happen, so a budget-limited run yields a usable model.
    """

    def __init__(self, minutes: float) -> None:
        if not minutes > 0:
            raise ValueError(f"the time budget must be > 0 minutes, got {minutes!r}")
        self.seconds = float(minutes) * 60.0
        self.start: float | None = None
        self.stopped_at: int | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        import time

        self.start = time.monotonic()

    def on_step_end(self, args, state, control, **kwargs):
        import time

        if self.start is not None and time.monotonic() - self.start >= self.seconds and self.stopped_at is None:
            self.stopped_at = int(state.global_step)
            state.log_history.append({"time_budget_stop": self.stopped_at, "step": self.stopped_at})
            control.should_training_stop = True
            control.should_save = True
        return control


class _GroupLearningRates(TrainerCallback):
    """Records the LR every parameter group used for the optimiser step just taken (before the scheduler steps)."""

    def __init__(self) -> None:
        self.lrs: dict[str, float] = {}

    def on_optimizer_step(self, args, state, control, optimizer=None, **kwargs):
        if optimizer is not None:
            self.lrs = {str(g.get("name", i)): float(g["lr"]) for i, g in enumerate(optimizer.param_groups)}


class MotionTrainer(Trainer):
    """``transformers.Trainer`` with backbone/head learning-rate groups (see the module docstring).

    Args:
        model: a motionhub task model (``<Encoder>For<Task>``) or any model with ``parameter_groups``.
        args: ``TrainingArguments``; ``learning_rate`` is the **head** LR, ``weight_decay`` applies to both groups.
        backbone_lr_ratio: backbone LR = ``backbone_lr_ratio * learning_rate`` (MotionBERT: 0.1; 1.0 = one LR,
            MotionBERT's from-scratch setting).
        lr_decay_per_epoch: multiply the LRs by this after every epoch (MotionBERT: 0.99); ``None`` = use
            ``args.lr_scheduler_type``.
        evaluate_fn: ``model -> {name: value}`` replacing the per-batch evaluation loop (metrics are logged with the
            ``eval_`` prefix and can drive ``metric_for_best_model``).
        train_sampler: sampler of the training set (default: the Trainer's random sampler).
        **kwargs: everything ``transformers.Trainer`` accepts (``train_dataset``, ``eval_dataset``,
            ``compute_metrics``, ``callbacks``, ...).
    """

    def __init__(
        self,
        model=None,
        args=None,
        *,
        backbone_lr_ratio: float = 0.1,
        lr_decay_per_epoch: float | None = None,
        evaluate_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None,
        train_sampler: Sampler | None = None,
        **kwargs,
    ) -> None:
        if backbone_lr_ratio < 0:
            raise ValueError(f"backbone_lr_ratio must be >= 0, got {backbone_lr_ratio}")
        if lr_decay_per_epoch is not None and not 0.0 < lr_decay_per_epoch <= 1.0:
            raise ValueError(f"lr_decay_per_epoch must be in (0, 1], got {lr_decay_per_epoch}")
        self.backbone_lr_ratio = float(backbone_lr_ratio)
        self.lr_decay_per_epoch = lr_decay_per_epoch
        self.evaluate_fn = evaluate_fn
        self.train_sampler = train_sampler
        self._update_steps_per_epoch: int | None = None
        self._group_lrs = _GroupLearningRates()
        super().__init__(model=model, args=args, **kwargs)
        self.add_callback(self._group_lrs)

    # ------------------------------------------------------------------------------------------ optimiser
    def create_optimizer(self, model=None) -> torch.optim.Optimizer:
        opt_model = self.model if model is None else model
        if self.optimizer is not None or not getattr(opt_model, "has_backbone", False):
            return super().create_optimizer(model)
        groups = opt_model.parameter_groups(
            head_lr=self.args.learning_rate, backbone_lr_ratio=self.backbone_lr_ratio,
            weight_decay=self.args.weight_decay,
        )
        if not groups:
            raise ValueError("no trainable parameters: the backbone is frozen and the head has no parameters")
        if self.optimizer_cls_and_kwargs is not None:
            optimizer_cls, optimizer_kwargs = self.optimizer_cls_and_kwargs
        else:
            optimizer_cls, optimizer_kwargs = self.get_optimizer_cls_and_kwargs(self.args, opt_model)
        optimizer_kwargs = {k: v for k, v in optimizer_kwargs.items() if k not in ("lr", "params", "model")}
        self.optimizer = optimizer_cls(groups, **optimizer_kwargs)
        return self.optimizer

    def set_initial_training_values(self, args, dataloader):
        values = super().set_initial_training_values(args, dataloader)
        self._update_steps_per_epoch = int(values[1])  # num_update_steps_per_epoch
        return values

    def create_scheduler(self, num_training_steps: int, optimizer: torch.optim.Optimizer | None = None):
        if self.lr_decay_per_epoch is None or self.lr_scheduler is not None:
            return super().create_scheduler(num_training_steps, optimizer)
        steps = self._update_steps_per_epoch or max(num_training_steps, 1)
        self.lr_scheduler = epoch_decay_schedule(optimizer or self.optimizer, self.lr_decay_per_epoch, steps)
        self._created_lr_scheduler = True
        return self.lr_scheduler

    def log(self, logs: dict[str, float], *args, **kwargs) -> None:
        if "learning_rate" in logs:
            for name, lr in self._group_lrs.lrs.items():
                logs[f"lr_{name}"] = lr
        super().log(logs, *args, **kwargs)

    # ------------------------------------------------------------------------------------------ data / eval
    def _get_train_sampler(self, train_dataset=None):
        if self.train_sampler is not None:
            return self.train_sampler
        return super()._get_train_sampler(train_dataset)

    def _keep_last_batch(self, build):
        drop = self.args.dataloader_drop_last
        self.args.dataloader_drop_last = False
        try:
            return build()
        finally:
            self.args.dataloader_drop_last = drop

    def get_eval_dataloader(self, eval_dataset=None):
        """Evaluation sees every clip even with ``dataloader_drop_last`` (which exists for BatchNorm in training)."""
        return self._keep_last_batch(lambda: super(MotionTrainer, self).get_eval_dataloader(eval_dataset))

    def get_test_dataloader(self, test_dataset):
        return self._keep_last_batch(lambda: super(MotionTrainer, self).get_test_dataloader(test_dataset))

    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        if ignore_keys is None:
            ignore_keys = list(getattr(self.accelerator.unwrap_model(model), "keys_to_ignore_at_inference", []) or [])
        return super().prediction_step(model, inputs, prediction_loss_only, ignore_keys=ignore_keys)

    def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix: str = "eval") -> dict[str, Any]:
        if self.evaluate_fn is None:
            return super().evaluate(eval_dataset, ignore_keys=ignore_keys, metric_key_prefix=metric_key_prefix)
        model = self.accelerator.unwrap_model(self.model)
        metrics = {
            (k if k.startswith(f"{metric_key_prefix}_") else f"{metric_key_prefix}_{k}"): float(v)
            for k, v in self.evaluate_fn(model).items()
        }
        self.log(metrics)
        self.control = self.callback_handler.on_evaluate(self.args, self.state, self.control, metrics)
        return metrics
