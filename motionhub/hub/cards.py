# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model cards: the families motionhub knows, and :func:`generate_model_card` (the template
``model_cards/template.md`` filled from the config, the task table :data:`motionhub.auto.TASKS`, the papers of
:mod:`motionhub.papers` and what the caller knows about training and evaluation)."""

from __future__ import annotations

import importlib
import importlib.resources
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transformers import AutoModel

from ..auto import TASKS, Task, task_of_architecture
from ..papers import SEED_PAPERS, SeedPaper
from .constants import LIBRARY_NAME, motionhub_version

__all__ = [
    "FAMILIES",
    "SEED_PAPERS",
    "Family",
    "SeedPaper",
    "card_template_path",
    "generate_model_card",
    "motion_model_classes",
    "task_for",
]


# ---------------------------------------------------------------------------------------------------------------------
# Families, tasks (the seed papers are in motionhub.papers)
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Family:
    """An encoder family (one ``model_type``): display name, one-line description and default seed papers."""

    model_type: str
    name: str
    description: str
    papers: tuple[str, ...]


FAMILIES: dict[str, Family] = {
    "dstformer": Family(
        "dstformer",
        "DSTformer",
        "the dual-stream spatio-temporal transformer of MotionBERT: every layer runs a spatial-then-temporal and a "
        "temporal-then-spatial attention stream over the (frame, joint) tokens and fuses them with learned weights",
        ("motionbert",),
    ),
    "stmo": Family(
        "stmo",
        "STMO",
        "the spatial-temporal many-to-one model of P-STMO: a per-frame MLP over the joints, a vanilla transformer "
        "over frames and a strided transformer that reduces the sequence to its centre frame",
        ("pstmo",),
    ),
    "mpm": Family(
        "mpm",
        "MPM",
        "the masked-pose-modeling encoder of MPM: separate 2D and 3D input MLPs, a shared spatial MLP and a shared "
        "temporal transformer (the P-STMO design)",
        ("mpm",),
    ),
}


_NORMALIZATIONS = {
    "crop_scale": "MotionBERT's `crop_scale`: one square box around the valid keypoints (confidence > 0) of the "
    "whole clip is mapped to [-1, 1]; x and y share one scale, so the aspect ratio is kept. The third channel is "
    "the detector confidence (use 1.0 when unknown).",
    "screen": "`xy / w * 2 - [1, h / w]` (VideoPose3D / P-STMO `normalize_screen_coordinates`): x spans [-1, 1] "
    "over the image width and y is scaled by the same factor.",
    "pixel_center": "`(xy - [w, h] / 2) / (min(w, h) / 2)` (MotionBERT `infer_wild.py --pixel`): centred on the "
    "image, scaled by half its shorter side.",
    "none_3d": "no 2D normalisation: the input is a 3D pose sequence (x, y, z), e.g. STRIDE's per-frame pose "
    "estimates in metres, and the target is its refined, root-relative version.",
}

_METRICS = {
    "mpjpe": "**MPJPE** (protocol #1): mean Euclidean distance between predicted and ground-truth root-relative "
    "joints, in mm.",
    "p-mpjpe": "**P-MPJPE** (protocol #2): MPJPE after aligning each predicted pose to the ground truth with a "
    "similarity (Procrustes) transform, in mm.",
    "pa-mpjpe": "**PA-MPJPE**: MPJPE after Procrustes alignment, in mm.",
    "n-mpjpe": "**N-MPJPE**: MPJPE after a least-squares scale alignment, in mm.",
    "mpve": "**MPVE**: mean per-vertex Euclidean error of the SMPL mesh after aligning the pelvis, in mm.",
    "accuracy": "**Top-1 accuracy**: fraction of clips whose highest-scoring class is correct, in %.",
    "top5-accuracy": "**Top-5 accuracy**: fraction of clips whose class is among the 5 highest scores, in %.",
    "pck": "**PCK**: percentage of joints within 150 mm of the ground truth.",
    "auc": "**AUC**: area under the PCK curve for thresholds 0-150 mm.",
}

_SMPL_NOTE = (
    "This model predicts SMPL body-model parameters. **The SMPL model files are not included** in this repository "
    "and motionhub never redistributes them: they are licensed by the Max Planck Institute for Intelligent Systems "
    "under their own (non-commercial research) license. Register at https://smpl.is.tue.mpg.de, download the "
    "neutral SMPL model yourself and pass its path to motionhub to obtain vertices and joints. Without it the model "
    "still returns the SMPL pose and shape parameters."
)

_BASE_CONFIG_KEYS: frozenset[str] | None = None


# ---------------------------------------------------------------------------------------------------------------------
# Model card
# ---------------------------------------------------------------------------------------------------------------------
def card_template_path() -> Path:
    """Path of the model-card template (``model_cards/template.md``, package data of ``motionhub.model_cards``)."""
    resource = importlib.resources.files("motionhub.model_cards").joinpath("template.md")
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(f"the motionhub model-card template is missing ({path}); reinstall motionhub")
    return path


def task_for(architecture: str | None) -> Task:
    """The task of a model class name (:data:`motionhub.auto.TASKS`, as registered); unknown classes get a generic
    entry (loaded with ``AutoModel``)."""
    task = task_of_architecture(architecture) if architecture else "encoder"
    if task is not None:
        return TASKS[task]
    return Task(architecture or "model", AutoModel, _split_camel(architecture or "model").lower(), "other", "other",
                (), "see the model class's output type.")


def _split_camel(name: str) -> str:
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out += " "
        out += ch
    return out


def _base_config_keys() -> frozenset[str]:
    global _BASE_CONFIG_KEYS
    if _BASE_CONFIG_KEYS is None:
        from transformers import PreTrainedConfig

        keys = set(PreTrainedConfig().to_dict())
        keys |= {"auto_map", "transformers_version", "torch_dtype", "dtype", "architectures", "model_type",
                 "_name_or_path", "id2label", "label2id", "initializer_range"}
        _BASE_CONFIG_KEYS = frozenset(keys)
    return _BASE_CONFIG_KEYS


def _as_config_dict(config: Any) -> dict[str, Any]:
    if isinstance(config, Mapping):
        return dict(config)
    return config.to_dict()


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, (list, tuple)):
        items = list(value)
        shown = ", ".join(repr(v) for v in items[:8])
        return f"`[{shown}{', ...' if len(items) > 8 else ''}]`"
    if isinstance(value, dict):
        return f"`{len(value)} entries`"
    return f"`{value!r}`"


def motion_model_classes() -> dict[str, type]:
    """Every ``PreTrainedModel`` subclass defined in motionhub (all of them are imported first), by class name."""
    from transformers import PreTrainedModel

    from ..auto import register_all

    register_all()  # every family and head defined (import motionhub is lazy)

    found: dict[str, type] = {}
    stack = list(PreTrainedModel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] == LIBRARY_NAME:
            found.setdefault(cls.__name__, cls)
    return found


def _model_class_for(config: Any) -> type | None:
    """The motionhub class named by ``config.architectures[0]``, else the AutoModel class of its config."""
    archs = getattr(config, "architectures", None) or []
    classes = motion_model_classes()
    if archs and archs[0] in classes:
        return classes[archs[0]]
    try:
        from transformers import AutoModel

        return AutoModel._model_mapping[type(config)]
    except (KeyError, ImportError):
        return None


def _count_parameters(config: Any) -> int | None:
    """Parameter count of the model ``config`` describes, built with empty (meta) weights: no memory, no init."""
    if isinstance(config, Mapping):
        return None
    cls = _model_class_for(config)
    if cls is None:
        return None
    try:
        from accelerate import init_empty_weights

        with init_empty_weights():  # parameters on the meta device, other tensors as usual
            model = cls(config)
        return sum(p.numel() for p in model.parameters())
    except Exception:  # noqa: BLE001 - best effort: the card then says "not computed"
        return None


def _layout_rows(name: str | None) -> tuple[str | None, list[str]]:
    if not name:
        return None, []
    try:
        from ..skeleton import get_layout

        layout = get_layout(name)
        return layout.name, list(layout.joint_names)
    except (ImportError, ValueError, KeyError):
        return name, []


def _first(config: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if config.get(name) is not None:
            return config[name]
    return None


def _eval_results(results: Sequence[Any] | None, task: Task) -> tuple[list, list[dict[str, str]]]:
    from huggingface_hub import EvalResult

    evals, rows = [], []
    for item in results or ():
        notes = ""
        if isinstance(item, Mapping):
            item = dict(item)
            notes = str(item.pop("notes", "") or "")
            item.setdefault("task_type", task.task_type)
            item.setdefault("task_name", task.title)
            try:
                item = EvalResult(**item)
            except TypeError as err:
                raise TypeError(
                    f"a result must be a huggingface_hub.EvalResult or a dict of its fields (dataset_type, "
                    f"dataset_name, metric_type, metric_value, optional dataset_split, metric_name, source_name, "
                    f"source_url) plus an optional 'notes'; got {sorted(item)}: {err}"
                ) from None
        elif not isinstance(item, EvalResult):
            raise TypeError(f"results must be EvalResult objects or dicts, got {type(item).__name__}")
        for previous in evals:
            if previous.unique_identifier == item.unique_identifier and previous.metric_type == item.metric_type:
                raise ValueError(
                    f"two {item.metric_type!r} results on {item.dataset_name!r} would merge in the model-index "
                    "metadata (same task_type, dataset_type, dataset_config, dataset_split); give them different "
                    "dataset_config / dataset_split values, or describe one in the evaluation text"
                )
        evals.append(item)
        source = item.source_name or ""
        if item.source_url:
            source = f"[{source or 'source'}]({item.source_url})"
        rows.append({
            "dataset": item.dataset_name, "split": item.dataset_split or "", "task": item.task_name or item.task_type,
            "metric": item.metric_name or item.metric_type, "value": str(item.metric_value), "source": source,
            "notes": notes,
        })
    return evals, rows


def _get_started(repo_id: str, arch: str | None, task: Task, cfg: Mapping[str, Any], registered: bool) -> str:
    joints = _first(cfg, "num_joints", "n_joints")
    channels = _first(cfg, "dim_in", "in_channels", "input_dim")
    frames = _first(cfg, "frames", "maxlen", "num_frames")
    frames = frames if isinstance(frames, int) else 27
    lines = ["import torch", "import motionhub"]
    if task.auto_class_name == "AutoModel":
        lines[-1] = "import motionhub  # transformers' Auto classes then know motionhub's models"
        lines.append("from transformers import AutoModel")
    else:
        lines.append(f"from motionhub import {task.auto_class_name}")
    lines += ["", f'model = {task.auto_class_name}.from_pretrained("{repo_id}")']
    if isinstance(joints, int) and isinstance(channels, int) and registered:
        lines.append(f"keypoints = torch.zeros(1, {frames}, {joints}, {channels})  # (B, T, J, C), see 'Input'")
        lines += ["with torch.no_grad():", "    outputs = model(keypoints)"]
    return "\n".join(lines)


def generate_model_card(
    model_or_config: Any,
    *,
    repo_id: str | None = None,
    model_name: str | None = None,
    summary: str | None = None,
    license: str | None = None,
    license_name: str | None = None,
    license_link: str | None = None,
    license_note: str | None = None,
    datasets: str | Sequence[str] | None = None,
    base_model: str | Sequence[str] | None = None,
    tags: Iterable[str] = (),
    pipeline_tag: str | None = None,
    results: Sequence[Any] | None = None,
    training_data: str | None = None,
    training_procedure: str | None = None,
    evaluation: str | None = None,
    papers: Sequence[str] | None = None,
    citation: str | None = None,
    original_repo: str | None = None,
    conversion: str | None = None,
    joint_layout: str | None = None,
    input_normalization: str | None = None,
    num_parameters: int | None = None,
    smpl: bool | None = None,
    extra_sections: Mapping[str, str] | None = None,
    remote_code: bool = True,
    template_path: str | os.PathLike | None = None,
):
    """Render a motionhub model card (README.md with YAML metadata) for a model, a config or a ``config.json`` dict.

    Everything the card says about the architecture is read from the config (``model_type``, ``architectures``,
    the family's own fields, ``joint_layout``, ``input_normalization``); what the config cannot know (training data,
    results, license) comes from the keyword arguments. Missing information is stated as missing, never invented.

    Args:
        model_or_config: a motionhub ``PreTrainedModel``, its ``PreTrainedConfig``, or a ``config.json``-like dict
            (for families whose classes are not importable; must contain ``model_type``).
        repo_id: Hub id used in the usage snippets (default ``motionhub/<model_name>``).
        model_name: title and ``model-index`` name (default: last part of ``repo_id`` or ``<model_type>-<task>``).
        summary: first paragraph (default: a sentence built from the family and task).
        license: Hub license id of the **weights** (e.g. ``"apache-2.0"``, ``"mit"``, ``"cc-by-nc-4.0"``,
            ``"other"`` with ``license_name``/``license_link``). ``None`` leaves it out of the metadata and says so.
        license_note: prose for the *License* section (e.g. the original repository's terms, data restrictions).
        datasets: Hub dataset ids for the metadata.
        base_model: Hub id(s) this model was finetuned from.
        tags: extra tags (``motionhub``, the family, the task and the joint layout are always added).
        pipeline_tag: Hub pipeline tag (default from the task: ``keypoint-detection`` for pose lifting,
            ``video-classification`` for actions, ``feature-extraction`` for encoders, else ``other``).
        results: evaluation results: ``huggingface_hub.EvalResult`` objects or dicts of their fields
            (``dataset_type``, ``dataset_name``, ``metric_type``, ``metric_value`` and optionally ``dataset_split``,
            ``metric_name``, ``source_name``, ``source_url``, ``task_type``) plus an optional ``notes`` string for
            the results table. They become the ``model-index`` metadata.
        training_data / training_procedure / evaluation: prose for those sections (the evaluation section also
            defines every metric used in ``results``).
        papers: keys of :data:`SEED_PAPERS` to cite (default: the family's seed paper).
        citation: extra BibTeX appended to the citation section.
        original_repo: URL of the original code / checkpoint.
        conversion: how the weights were obtained (e.g. the ``motionhub convert`` command used).
        joint_layout / input_normalization: override the config's values.
        num_parameters: override the parameter count (computed from the model or, on the meta device, the config).
        smpl: add the SMPL license section (default: True for mesh-recovery architectures).
        extra_sections: ``{title: markdown}`` sections appended before the citation.
        remote_code: mention ``trust_remote_code`` loading without motionhub (true for :func:`push_to_hub` repos).
        template_path: a different Jinja template (default :func:`card_template_path`).

    Returns:
        ``huggingface_hub.ModelCard``; ``str(card)`` is the README text, ``card.save(path)`` writes it.

    Raises:
        TypeError: ``model_or_config`` is neither a model, a config nor a dict, or a result is malformed.
        ValueError: the dict has no ``model_type`` or ``papers`` names an unknown paper.
    """
    from huggingface_hub import ModelCard, ModelCardData

    model = None
    if hasattr(model_or_config, "config") and hasattr(model_or_config, "parameters"):
        model, config = model_or_config, model_or_config.config
    elif isinstance(model_or_config, Mapping) or hasattr(model_or_config, "to_dict"):
        config = model_or_config
    else:
        raise TypeError(
            "generate_model_card expects a motionhub model, its config or a config.json dict, got "
            f"{type(model_or_config).__name__}"
        )
    cfg = _as_config_dict(config)
    model_type = cfg.get("model_type") or getattr(config, "model_type", None)
    if not model_type:
        raise ValueError("the config has no model_type; pass a motionhub config or a config.json dict with one")
    archs = cfg.get("architectures") or ([type(model).__name__] if model is not None else [])
    arch = archs[0] if archs else None
    task = task_for(arch)
    family = FAMILIES.get(model_type, Family(model_type, model_type, f"the `{model_type}` encoder", ()))

    if num_parameters is None:
        num_parameters = (sum(p.numel() for p in model.parameters()) if model is not None
                          else _count_parameters(config))
    registered = not isinstance(config, Mapping) or model is not None
    model_name = model_name or (repo_id.split("/")[-1] if repo_id else f"{model_type}-{task.task_type}")
    repo_id = repo_id or f"motionhub/{model_name}"

    paper_keys = list(papers) if papers is not None else list(family.papers)
    unknown = [k for k in paper_keys if k not in SEED_PAPERS]
    if unknown:
        raise ValueError(f"unknown paper key(s) {unknown}; known: {sorted(SEED_PAPERS)}")
    cited = [SEED_PAPERS[k] for k in paper_keys]

    layout_name, joint_names = _layout_rows(joint_layout or cfg.get("joint_layout"))
    norm = input_normalization or cfg.get("input_normalization")
    norm_text = _NORMALIZATIONS.get(norm, f"`{norm}`") if norm else None
    if smpl is None:
        smpl = task.name == "mesh-recovery" or "mesh" in (arch or "").lower()

    evals, result_rows = _eval_results(results, task)
    metric_keys = []
    for ev in evals:
        key = str(ev.metric_type).lower()
        if key in _METRICS and key not in metric_keys:
            metric_keys.append(key)

    all_tags = [LIBRARY_NAME, "human-motion", "skeleton", model_type, *task.tags]
    if layout_name:
        all_tags.append(layout_name)
    for tag in tags:
        if tag not in all_tags:
            all_tags.append(tag)
    if remote_code:
        all_tags.append("custom_code")
    all_tags = list(dict.fromkeys(all_tags))

    card_data = ModelCardData(
        library_name=LIBRARY_NAME,
        license=license,
        license_name=license_name,
        license_link=license_link,
        datasets=[datasets] if isinstance(datasets, str) else (list(datasets) if datasets else None),
        base_model=base_model if isinstance(base_model, str) or base_model is None else list(base_model),
        pipeline_tag=pipeline_tag or task.pipeline_tag,
        tags=all_tags,
        metrics=metric_keys or None,
        model_name=model_name if evals else None,
        eval_results=evals or None,
    )

    base_keys = _base_config_keys()
    config_rows = [(k, _format_value(v)) for k, v in cfg.items() if k not in base_keys and not k.startswith("_")]
    num_labels = len(cfg.get("id2label") or {})
    if task.auto_class_name in ("AutoModelForActionClassification",) and num_labels:
        config_rows.append(("num_labels", f"`{num_labels}`"))

    if summary is None:
        summary = (f"A {family.name} model for {task.title}, packaged for "
                   f"[motionhub](https://pypi.org/project/motionhub/) and 🤗 transformers.")
    card = ModelCard.from_template(
        card_data,
        template_path=str(template_path or card_template_path()),
        model_name=model_name,
        repo_id=repo_id,
        summary=summary.strip(),
        family_name=family.name,
        family_description=family.description,
        model_type=model_type,
        architecture=arch,
        task_name=task.title,
        task_output=task.output,
        num_parameters=f"{num_parameters:,}" if num_parameters else None,
        config_rows=config_rows,
        config_is_dict=isinstance(config, Mapping) and model is None,
        layout_name=layout_name,
        joint_names=joint_names,
        input_normalization=norm,
        normalization_text=norm_text,
        input_channels=_first(cfg, "dim_in", "in_channels", "input_dim"),
        max_frames=_first(cfg, "maxlen", "frames", "num_frames"),
        get_started=_get_started(repo_id, arch, task, cfg, registered),
        remote_code=remote_code,
        training_data=(training_data or "").strip() or None,
        training_procedure=(training_procedure or "").strip() or None,
        evaluation=(evaluation or "").strip() or None,
        metric_definitions=[_METRICS[k] for k in metric_keys],
        result_rows=result_rows,
        has_notes=any(r["notes"] for r in result_rows),
        smpl=smpl,
        smpl_note=_SMPL_NOTE,
        license_id=license,
        license_note=(license_note or "").strip() or None,
        papers=cited,
        extra_citation=(citation or "").strip() or None,
        original_repo=original_repo or (cited[0].code_url if cited else None),
        conversion=(conversion or "").strip() or None,
        extra_sections=dict(extra_sections or {}),
        motionhub_version=motionhub_version(),
    )
    return card
