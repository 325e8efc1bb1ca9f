# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Behaviour shared by every motionhub model: backbone/head parameter groups, frozen-backbone finetuning, input checks.

Every encoder family's ``<Family>PreTrainedModel`` derives from :class:`MotionPreTrainedModel`. Task models hold the
encoder under ``base_model_prefix`` (transformers' BertFor... pattern), so "backbone" is exactly that submodule and
"head" is everything else.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import PreTrainedModel

from .io_utils import temporary_folder_beside

__all__ = ["MotionPreTrainedModel", "WeightsMismatchError", "check_finite_weights", "check_motion_input", "flip_augmented",
           "verify_cached_blob"]

logger = logging.getLogger("motionhub")

# Config fields that change what the weights compute without changing any tensor's shape or name (a file saved with 8
# attention heads loads without complaint into a 4-head config and gives wrong poses). save_pretrained records them in
# the safetensors header; from_pretrained refuses a config that disagrees with the weights' own record.
WEIGHT_BOUND_CONFIG_FIELDS = ("num_heads", "qk_scale", "layer_norm_eps", "stride_num", "apply_final_norm")
_METADATA_KEY = "motionhub_weight_config"


class WeightsMismatchError(ValueError):
    """The weights of a checkpoint do not fit the model its config describes (missing, unexpected or mis-shaped
    tensors, or a config edited after the weights were saved)."""


def _weight_bound_config(config) -> dict[str, Any]:
    return {f: getattr(config, f) for f in WEIGHT_BOUND_CONFIG_FIELDS if hasattr(config, f)}


def _local_weight_files(source: str | os.PathLike, kwargs: dict[str, Any]) -> list[Path]:
    """The safetensors file(s) ``from_pretrained(source)`` just read: a local folder's, or the Hub cache's copy."""
    path = Path(source)
    if path.is_dir():
        sub = kwargs.get("subfolder") or ""
        return sorted((path / sub).glob("model*.safetensors"))
    if path.is_file():
        return [path] if path.suffix == ".safetensors" else []
    try:  # a Hub repo id: the files are in the cache now
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(str(source), "model.safetensors", cache_dir=kwargs.get("cache_dir"),
                                       revision=kwargs.get("revision"))  # fmt: skip
    except Exception:  # not a repo id (e.g. a path that does not exist): nothing to check
        return []
    return [Path(found)] if isinstance(found, str) else []


def verify_cached_blob(file: Path) -> None:
    """A Hub cache file is a link to ``blobs/<sha256>`` for LFS files (weights): its content must hash to that name
    (a flipped byte in the cache would otherwise load silently, online and offline). The check is
    :func:`motionhub.hub.verify.check_cached_file` (one place); this raises :class:`WeightsMismatchError` with the
    repair."""
    from .hub.verify import check_cached_file

    mismatch = check_cached_file(file)
    if mismatch is not None:
        raise WeightsMismatchError(
            f"{file}: the cached file is damaged ({mismatch.problem}). Repair it with `motionhub download REPO "
            "--force` or from_pretrained(..., force_download=True)"
        )


def _check_weight_config(model: nn.Module, source: Any, kwargs: dict[str, Any]) -> None:
    from safetensors import safe_open

    for file in _local_weight_files(source, kwargs):
        verify_cached_blob(file)
        with safe_open(str(file), framework="pt") as f:
            meta = (f.metadata() or {}).get(_METADATA_KEY)
        if not meta:  # saved before motionhub recorded it (or by other code): nothing to compare with
            continue
        saved = json.loads(meta)
        now = json.loads(json.dumps(_weight_bound_config(model.config)))
        diff = [f"{k}: weights saved with {saved[k]!r}, config says {now[k]!r}"
                for k in saved if k in now and saved[k] != now[k]]  # fmt: skip
        if diff:
            raise WeightsMismatchError(
                f"{file}: the config does not match the configuration these weights were trained with ("
                + "; ".join(diff) + "). Restore config.json (or drop the override) so that it matches the weights."
            )


def _pickled_weight_files(source: Any, kwargs: dict[str, Any]) -> Any:
    """The pickled weight file(s) (``pytorch_model*.bin``) of a local folder, for an error message."""
    try:
        folder = Path(source) / (kwargs.get("subfolder") or "")
        files = sorted(folder.glob("pytorch_model*.bin")) if folder.is_dir() else []
    except (TypeError, OSError):
        files = []
    if len(files) == 1:
        return files[0]
    return ", ".join(map(str, files)) if files else f"{source} (its pytorch_model.bin)"


def _check_local_folder(cls: type, source: Any, kwargs: dict[str, Any]) -> None:
    """Before transformers reads a local folder: its config.json must be a motionhub model's (a saved BERT is not a
    motion encoder), and its safetensors files must be whole, with a header that describes their data (an edited
    dtype is one line naming the file, not a traceback from the safetensors library)."""
    try:
        path = Path(source)
        is_dir = path.is_dir()
    except (TypeError, OSError):
        return
    if not is_dir:
        return
    folder = path / (kwargs.get("subfolder") or "")
    config_file = folder / "config.json"
    if kwargs.get("config") is None and config_file.is_file():
        try:
            raw = json.loads(config_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raw = None  # transformers' own error names the file
        if isinstance(raw, dict):
            from .auto import check_motionhub_config

            check_motionhub_config(raw, source)
    from .hub.verify import check_safetensors_file

    for file in sorted(folder.glob("*.safetensors")):
        check_safetensors_file(file)


def check_finite_weights(model: nn.Module, files: list) -> None:
    """Raise :class:`WeightsMismatchError` naming the weights file and the tensors when a loaded weight holds NaN or
    infinite values (a diverged training run saved them, or the file was damaged): every output would be NaN, and
    the input would be blamed. ``files`` are the files the weights came from (the first one holding a bad tensor is
    named)."""
    bad = []
    for name, tensor in model.state_dict().items():
        if tensor.is_floating_point() or tensor.is_complex():
            finite = torch.isfinite(tensor)
            if not bool(finite.all()):
                n_nan = int(torch.isnan(tensor).sum())
                n_inf = int((~finite).sum()) - n_nan
                what = " and ".join(part for part in (f"{n_nan} NaN" if n_nan else "",
                                                      f"{n_inf} infinite" if n_inf else "") if part)
                bad.append((name, f"{name} ({what} of {tensor.numel()} values)"))
    if not bad:
        return
    file = _file_holding(files, [name for name, _ in bad], model.base_model_prefix + ".")
    raise WeightsMismatchError(
        f"{file}: the weights hold NaN / infinite values in {len(bad)} tensor(s): "
        + ", ".join(desc for _, desc in bad[:5]) + (f" ... (+{len(bad) - 5})" if len(bad) > 5 else "")
        + "; every output would be NaN. The weights are broken (a training run that diverged, or a damaged file): "
        "restore them from a good copy or retrain"
    )


def _file_holding(files: list, names: list[str], prefix: str) -> Any:
    """The first of ``files`` (safetensors paths or anything else) holding one of the tensors ``names``."""
    from safetensors import safe_open

    for file in files:
        if str(file).endswith(".safetensors") and Path(file).is_file():
            try:
                with safe_open(str(file), framework="pt") as f:
                    keys = set(f.keys())
            except Exception:  # noqa: BLE001, S112 - only used to name the file
                continue
            if any(k in keys or k.removeprefix(prefix) in keys or prefix + k in keys for k in names):
                return file
    return files[0] if files else "the model"


def _dtype_kind(name: str) -> str:
    """Kind of a safetensors dtype name (``F32``, ``BF16``, ``I64``, ``U8``, ``BOOL``, ``C64``, ...)."""
    if name == "BOOL":
        return "bool"
    if name.startswith(("F", "BF")):
        return "floating point"
    return "complex" if name.startswith("C") else "integer"


def _torch_kind(dtype: torch.dtype) -> str:
    if dtype == torch.bool:
        return "bool"
    if dtype.is_floating_point:
        return "floating point"
    return "complex" if dtype.is_complex else "integer"


def _check_weight_dtypes(model: nn.Module, source: Any, kwargs: dict[str, Any]) -> None:
    """A tensor stored as another kind of number than the model's parameter (an ``int64`` weight for a float
    parameter: truncated values from a damaged or hand-edited file) is an error naming the file and the tensor;
    transformers would cast it silently. Float widths (``F16`` / ``BF16`` files in a float32 model) are ordinary."""
    from safetensors import safe_open

    state = model.state_dict()
    prefix = model.base_model_prefix + "."
    for file in _local_weight_files(source, kwargs):
        with safe_open(str(file), framework="pt") as f:
            for key in f.keys():  # noqa: SIM118 (safe_open is not iterable)
                name = next((k for k in (key, prefix + key, key.removeprefix(prefix)) if k in state), None)
                if name is None:  # not a tensor of this model (an unused head): _check_load reported it
                    continue
                stored, wanted = f.get_slice(key).get_dtype(), state[name].dtype
                if _dtype_kind(stored) != _torch_kind(wanted):
                    raise WeightsMismatchError(
                        f"{file}: tensor {key!r} is stored as {stored} ({_dtype_kind(stored)}) but the model's "
                        f"{name} is {str(wanted).removeprefix('torch.')}: it would be cast silently; the file is "
                        "damaged or was edited, restore it"
                    )


def check_motion_input(
    x: torch.Tensor,
    *,
    name: str = "keypoints",
    num_joints: int | None = None,
    channels: int | tuple[int, ...] | None = None,
    max_frames: int | None = None,
    ndim: int = 4,
    layout_hint: str = "(B, T, J, C)",
) -> None:
    """Raise a ``ValueError`` that names the problem when ``x`` is not a valid motion tensor."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor of shape {layout_hint}, got {type(x).__name__}")
    if x.ndim != ndim:
        raise ValueError(f"`{name}` must have shape {layout_hint} ({ndim} dims), got shape {tuple(x.shape)}")
    if num_joints is not None and x.shape[-2] != num_joints:
        raise ValueError(
            f"`{name}` has {x.shape[-2]} joints but the model expects {num_joints}; convert your layout first "
            "(motionhub.skeleton.to_h36m) or use a model configured for this joint count"
        )
    if channels is not None:
        allowed = (channels,) if isinstance(channels, int) else tuple(channels)
        if x.shape[-1] not in allowed:
            raise ValueError(
                f"`{name}` has {x.shape[-1]} channels but the model expects {' or '.join(map(str, allowed))} "
                "(2D input: x, y[, confidence]; 3D input: x, y, z)"
            )
    if max_frames is not None and x.shape[-3] > max_frames:
        raise ValueError(
            f"`{name}` has {x.shape[-3]} frames but the model supports at most {max_frames} (config.maxlen); split "
            "long videos into windows (motionhub.processing.sliding_windows / motionhub.pipelines)"
        )
    if x.shape[-3] < 1:
        raise ValueError(f"`{name}` has no frames (shape {tuple(x.shape)})")
    # a data-dependent check: skipped while torch.export / torch.compile trace the model (the exported graph has no
    # Python raise; exported models are fed by motionhub's processor, which never produces NaN)
    if not torch.compiler.is_compiling() and not torch.isfinite(x).all():
        raise ValueError(
            f"`{name}` contains NaN or infinite values; mark missing joints with confidence 0 and zero coordinates "
            "instead (motionhub.processing handles this for file inputs)"
        )


def flip_augmented(
    predict,
    keypoints: torch.Tensor,
    layout: str = "h36m-17",
    flip_output: bool = True,
    *,
    output_layout: str | None = None,
) -> torch.Tensor:
    """Test-time flip averaging: ``(predict(x) + flip(predict(flip(x)))) / 2`` (the one implementation: the pipelines,
    :mod:`motionhub.runner`, :func:`motionhub.pretrained.lift_keypoints` and STRIDE use it).

    ``flip`` negates x and swaps left/right joints of ``layout`` (:func:`motionhub.skeleton.flip`), as MotionBERT's
    evaluate / infer_wild and P-STMO's test augmentation do. ``predict`` maps ``(..., J, C)`` keypoints to
    ``(..., J, 3)`` poses (joint layout ``output_layout``, default ``layout``); set ``flip_output=False`` for outputs
    that are not joint-indexed (e.g. logits, embeddings).
    """
    from .skeleton import flip

    out = predict(keypoints)
    out_flipped = predict(flip(keypoints, layout))
    if flip_output:
        out_flipped = flip(out_flipped, output_layout or layout)
    return (out + out_flipped) / 2


class MotionPreTrainedModel(PreTrainedModel):
    """Base class of every motionhub model (encoders and ``<Encoder>For<Task>`` heads)."""

    main_input_name = "keypoints"
    input_modalities = "video"
    _supports_sdpa = True
    # Our losses are per-batch means that ignore Trainer's `num_items_in_batch`; declaring this makes Trainer divide
    # the loss by gradient_accumulation_steps itself (forward takes **kwargs, which would make it assume otherwise).
    accepts_loss_kwargs = False

    # ----------------------------------------------------------------- backbone / head split
    @property
    def has_backbone(self) -> bool:
        """True for task models (the encoder sits under ``base_model_prefix``), False for bare encoders."""
        return hasattr(self, self.base_model_prefix) and isinstance(getattr(self, self.base_model_prefix), nn.Module)

    @property
    def backbone(self) -> nn.Module:
        if not self.has_backbone:
            raise AttributeError(f"{type(self).__name__} is a bare encoder; it has no separate backbone")
        return getattr(self, self.base_model_prefix)

    def backbone_named_parameters(self) -> Iterator[tuple[str, nn.Parameter]]:
        prefix = self.base_model_prefix + "."
        return ((n, p) for n, p in self.named_parameters() if n.startswith(prefix))

    def head_named_parameters(self) -> Iterator[tuple[str, nn.Parameter]]:
        prefix = self.base_model_prefix + "."
        return ((n, p) for n, p in self.named_parameters() if not n.startswith(prefix))

    def backbone_parameters(self) -> list[nn.Parameter]:
        return [p for _, p in self.backbone_named_parameters()]

    def head_parameters(self) -> list[nn.Parameter]:
        return [p for _, p in self.head_named_parameters()]

    def parameter_groups(
        self, head_lr: float, backbone_lr_ratio: float = 0.1, weight_decay: float = 0.01
    ) -> list[dict]:
        """Optimizer groups with ``backbone lr = backbone_lr_ratio * head_lr`` (MotionBERT finetuning uses 0.1).

        Frozen parameters (``requires_grad=False``) are left out; empty groups are dropped.
        """
        if not self.has_backbone:
            raise AttributeError(f"{type(self).__name__} is a bare encoder; parameter groups need a task model")
        groups = [
            {"name": "backbone", "params": [p for p in self.backbone_parameters() if p.requires_grad],
             "lr": head_lr * backbone_lr_ratio, "weight_decay": weight_decay},
            {"name": "head", "params": [p for p in self.head_parameters() if p.requires_grad],
             "lr": head_lr, "weight_decay": weight_decay},
        ]
        return [g for g in groups if g["params"]]

    # ----------------------------------------------------------------- partial finetuning
    @property
    def backbone_frozen(self) -> bool:
        return bool(getattr(self, "_backbone_frozen", False))

    def freeze_backbone(self) -> None:
        """Frozen-backbone (partial) finetuning: only head parameters train.

        The backbone also stays in eval mode through ``train()`` calls, so dropout is off and BatchNorm running
        statistics (STMO/MPM) stay bit-identical.
        """
        for p in self.backbone.parameters():
            p.requires_grad_(False)
        self._backbone_frozen = True
        self.backbone.eval()

    def unfreeze_backbone(self) -> None:
        for p in self.backbone.parameters():
            p.requires_grad_(True)
        self._backbone_frozen = False
        self.backbone.train(self.training)

    def train(self, mode: bool = True):
        super().train(mode)
        if self.backbone_frozen:
            self.backbone.eval()
        return self

    # ----------------------------------------------------------------- strict, checked loading and atomic saving
    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, *model_args, strict: bool = True, **kwargs):
        """``PreTrainedModel.from_pretrained`` that refuses weights that do not fit the model.

        An error names the tensors when the file lacks weights the model has (``missing``), holds weights it has not
        (``unexpected``) or holds them in another shape (``mismatched``; ``ignore_mismatched_sizes=True`` re-initialises
        them instead, e.g. a new class count) or as another kind of number (an integer tensor for a float parameter,
        which transformers would cast silently), and when a weight-bound config field (``num_heads``, ...) differs from
        what the weights were saved with. The one expected case passes with a one-line note: a task model initialised
        from a checkpoint of another class (a bare encoder, or another task's model): the encoder's weights all load,
        the new head is initialised, the other head is dropped. ``strict=False`` restores transformers' behaviour
        (a report, no error).
        """
        want_info = kwargs.pop("output_loading_info", False)
        if strict:
            _check_local_folder(cls, pretrained_model_name_or_path, kwargs)
        ignore_mismatched = bool(kwargs.get("ignore_mismatched_sizes", False))
        kwargs["ignore_mismatched_sizes"] = True  # mismatches are reported below with their names, not as a bare table
        hf_logger = logging.getLogger("transformers.modeling_utils")
        if strict:  # its LOAD REPORT table is replaced by the checks below (a filter: its level gates other logic)
            hf_logger.addFilter(_drop_load_report)
        try:
            model, info = super().from_pretrained(pretrained_model_name_or_path, *model_args,
                                                  output_loading_info=True, **kwargs)  # fmt: skip
        except pickle.UnpicklingError as err:  # a pytorch_model.bin the weights-only unpickler refused
            from .conversion._loading import refusal

            raise refusal(_pickled_weight_files(pretrained_model_name_or_path, kwargs), err) from err
        finally:
            hf_logger.removeFilter(_drop_load_report)
        if strict:
            _check_load(model, info, pretrained_model_name_or_path, ignore_mismatched)
            _check_weight_config(model, pretrained_model_name_or_path, kwargs)
            _check_weight_dtypes(model, pretrained_model_name_or_path, kwargs)
            check_finite_weights(model, _local_weight_files(pretrained_model_name_or_path, kwargs)
                                 or [pretrained_model_name_or_path])
        return (model, info) if want_info else model

    def save_pretrained(self, save_directory, *args, **kwargs):
        """``PreTrainedModel.save_pretrained``, atomically: the files are written into a temporary folder next to
        ``save_directory`` and renamed into place one by one, so a killed save never leaves a half-written
        ``model.safetensors`` where a good one was. The weight-bound config fields are recorded in the safetensors
        header (checked by :meth:`from_pretrained`)."""
        if kwargs.get("push_to_hub") or kwargs.get("is_main_process", True) is False:
            return super().save_pretrained(save_directory, *args, **kwargs)
        target = Path(save_directory)
        if target.exists() and not target.is_dir():
            raise NotADirectoryError(f"save_pretrained: {target} exists and is not a folder")
        target.mkdir(parents=True, exist_ok=True)
        tmp = temporary_folder_beside(target)  # .NAME.saving-PID-*: those of killed saves are removed here
        try:
            out = super().save_pretrained(tmp, *args, **kwargs)
            _record_weight_config(tmp, self.config)
            for file in sorted(tmp.iterdir(), key=lambda f: f.suffix == ".json"):  # weights first, config last
                if file.is_file():
                    os.replace(file, target / file.name)
                else:
                    shutil.rmtree(target / file.name, ignore_errors=True)
                    os.replace(file, target / file.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return out


def _drop_load_report(record: logging.LogRecord) -> bool:
    return "LOAD REPORT" not in str(record.msg)


def _record_weight_config(folder: Path, config) -> None:
    from safetensors import safe_open
    from safetensors.torch import save_file

    record = json.dumps(_weight_bound_config(config), sort_keys=True)
    for file in folder.glob("model*.safetensors"):
        with safe_open(str(file), framework="pt") as f:
            meta = dict(f.metadata() or {})
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        meta[_METADATA_KEY] = record
        save_file(tensors, str(file), metadata=meta)
        with open(file, "rb+") as fh:
            os.fsync(fh.fileno())


def _check_load(model: MotionPreTrainedModel, info: dict, source: Any, ignore_mismatched: bool) -> None:
    missing = sorted(info.get("missing_keys") or ())
    unexpected = sorted(info.get("unexpected_keys") or ())
    mismatched = list(info.get("mismatched_keys") or ())
    problems = []
    if mismatched and not ignore_mismatched:
        shown = ", ".join(f"{k} (file {tuple(a)}, model {tuple(b)})" for k, a, b in mismatched[:6])
        problems.append(f"{len(mismatched)} tensor(s) of another shape: {shown}"
                        + (" ..." if len(mismatched) > 6 else ""))  # fmt: skip
    if not missing and not unexpected:
        if problems:
            raise WeightsMismatchError(f"{source}: {problems[0]}. The config does not describe these weights; pass "
                                       "ignore_mismatched_sizes=True only to re-initialise a head on purpose.")  # fmt: skip
        return
    file_arch = list(model.config.architectures or [])
    same_class = type(model).__name__ in file_arch
    prefix = model.base_model_prefix + "."

    def in_backbone(key: str) -> bool:
        # a bare encoder is all backbone; a task model's encoder lives under base_model_prefix
        return not model.has_backbone or key.startswith(prefix)

    backbone_missing = [k for k in missing if in_backbone(k)]
    backbone_unexpected = [k for k in unexpected if in_backbone(k) and model.has_backbone]
    if backbone_missing:
        problems.append(f"{len(backbone_missing)} encoder tensor(s) missing from the file: {_short(backbone_missing)}")
    if backbone_unexpected:
        problems.append(f"{len(backbone_unexpected)} encoder tensor(s) in the file that the model does not have: "
                        f"{_short(backbone_unexpected)}")  # fmt: skip
    if same_class and (missing or unexpected) and not backbone_missing and not backbone_unexpected:
        # the file says it holds exactly this model, yet its head does not fit: damaged or edited
        if missing:
            problems.append(f"{len(missing)} tensor(s) missing from a {type(model).__name__} file: {_short(missing)}")
        if unexpected:
            problems.append(f"{len(unexpected)} unexpected tensor(s): {_short(unexpected)}")
    if problems:
        raise WeightsMismatchError(
            f"{source}: the weights do not fit the model {type(model).__name__} that its config describes: "
            + "; ".join(problems) + ". The file is damaged or config.json was edited; restore them (or pass "
            "strict=False to load what fits, with random weights for the rest)."
        )
    # the one expected case: a task model initialised from a checkpoint of another class
    note = f"{type(model).__name__} from {source} ({', '.join(file_arch) or 'no class recorded'}): encoder loaded"
    if missing:
        note += f"; new, randomly initialised: {_short(sorted({k.split('.')[0] for k in missing}))}"
    if unexpected:
        note += f"; not used: {_short(sorted({k.split('.')[0] for k in unexpected}))}"
    logger.warning(note)


def _short(keys: list[str], n: int = 5) -> str:
    return ", ".join(keys[:n]) + (f" ... (+{len(keys) - n})" if len(keys) > n else "")
