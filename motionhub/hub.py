# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Publishing motionhub models on the Hugging Face Hub and loading them back.

A published motionhub repository holds:

* ``config.json`` and ``model.safetensors`` (``model-0000i-of-0000n.safetensors`` + ``model.safetensors.index.json``
  when larger than ``max_shard_size``), exactly what ``save_pretrained`` writes, so
  ``AutoModel.from_pretrained("org/name")`` works after ``import motionhub``;
* ``README.md``, a model card rendered by :func:`generate_model_card` from the template
  ``model_cards/template.md`` (installed as package data of ``motionhub.model_cards``): YAML metadata
  (``library_name: motionhub``, tags, license, datasets, base_model, pipeline_tag, ``model-index`` results) and
  sections on the architecture, joint layout and input normalisation, training, evaluation, the SMPL license (mesh
  models) and the citation of the seed paper;
* remote code: self-contained copies of the model's motionhub modules (``configuration_<family>.py``,
  ``modeling_<family>.py`` and the helper modules they import, flattened into sibling files with relative imports)
  plus ``auto_map`` in ``config.json``, so ``AutoModel.from_pretrained(repo, trust_remote_code=True)`` works with
  plain transformers where motionhub is not installed. See :func:`bundle_remote_code`.

Everything is uploaded in one commit (:func:`push_to_hub`, :func:`push_folder`); :func:`download` fetches a snapshot
into the Hub cache (or a folder) for offline use.

Example::

    >>> import motionhub
    >>> from motionhub.hub import push_to_hub, download
    >>> push_to_hub(model, "me/dstformer-h36m", license="apache-2.0", results=[...])
    >>> path = download("me/dstformer-h36m")                  # later, offline: download(..., local_files_only=True)
"""

from __future__ import annotations

import ast
import importlib
import importlib.resources
import importlib.util
import inspect
import json
import os
import struct
import sys
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transformers import AutoModel

from .auto import TASKS, Task, task_of_architecture

__all__ = [
    "DEFAULT_ALLOW_PATTERNS",
    "FAMILIES",
    "LIBRARY_NAME",
    "SEED_PAPERS",
    "Family",
    "RemoteCodeError",
    "SeedPaper",
    "bundle_remote_code",
    "card_template_path",
    "download",
    "generate_model_card",
    "push_folder",
    "push_to_hub",
    "save_for_hub",
]

LIBRARY_NAME = "motionhub"

#: What :func:`download` fetches: configs, safetensors weights (single or sharded), the card and remote code.
#: Pickled weights (``*.bin``, ``*.pth``) are never downloaded.
DEFAULT_ALLOW_PATTERNS: tuple[str, ...] = ("*.json", "*.safetensors", "*.py", "README.md")

#: Remote files replaced by every push (so a re-push with different sharding leaves no stale weights behind).
_REPLACED_PATTERNS: list[str] = ["*.safetensors", "model.safetensors.index.json", "*.py"]


# ---------------------------------------------------------------------------------------------------------------------
# Seed papers, families, tasks
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedPaper:
    """A paper a motionhub model family comes from (cited by every card of that family)."""

    key: str
    title: str
    venue: str
    url: str
    code_url: str
    bibtex: str


SEED_PAPERS: dict[str, SeedPaper] = {
    "motionbert": SeedPaper(
        key="motionbert",
        title="MotionBERT: A Unified Perspective on Learning Human Motion Representations",
        venue="ICCV 2023",
        url="https://arxiv.org/abs/2210.06551",
        code_url="https://github.com/Walter0807/MotionBERT",
        bibtex="""@inproceedings{motionbert2022,
  title     = {MotionBERT: A Unified Perspective on Learning Human Motion Representations},
  author    = {Zhu, Wentao and Ma, Xiaoxuan and Liu, Zhaoyang and Liu, Libin and Wu, Wayne and Wang, Yizhou},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision},
  year      = {2023},
}""",
    ),
    "pstmo": SeedPaper(
        key="pstmo",
        title="P-STMO: Pre-Trained Spatial Temporal Many-to-One Model for 3D Human Pose Estimation",
        venue="ECCV 2022",
        url="https://arxiv.org/abs/2203.07628",
        code_url="https://github.com/paTRICK-swk/P-STMO",
        bibtex="""@article{shan2022p,
  title   = {P-STMO: Pre-Trained Spatial Temporal Many-to-One Model for 3D Human Pose Estimation},
  author  = {Shan, Wenkang and Liu, Zhenhua and Zhang, Xinfeng and Wang, Shanshe and Ma, Siwei and Gao, Wen},
  journal = {arXiv preprint arXiv:2203.07628},
  year    = {2022},
}""",
    ),
    "mpm": SeedPaper(
        key="mpm",
        title="MPM: A Unified 2D-3D Human Pose Representation via Masked Pose Modeling",
        venue="arXiv 2023",
        url="https://arxiv.org/abs/2306.17201",
        code_url="https://github.com/vvirgooo2/MPM",
        bibtex="""@article{zhang2023mpm,
  title   = {MPM: A Unified 2D-3D Human Pose Representation via Masked Pose Modeling},
  author  = {Zhang, Zhenyu and Chai, Wenhao and Jiang, Zhongyu and Ye, Tian and Song, Mingli and Hwang, Jenq-Neng and Wang, Gaoang},
  journal = {arXiv preprint arXiv:2306.17201},
  year    = {2023},
}""",
    ),
    "stride": SeedPaper(
        key="stride",
        title="STRIDE: Single-video based Temporally Continuous Occlusion-Robust 3D Pose Estimation",
        venue="WACV 2025",
        url="https://arxiv.org/abs/2312.16221",
        code_url="https://github.com/take2rohit/STRIDE",
        bibtex="""@misc{lal2024stridesinglevideobasedtemporally,
  title         = {STRIDE: Single-video based Temporally Continuous Occlusion-Robust 3D Pose Estimation},
  author        = {Rohit Lal and Saketh Bachu and Yash Garg and Arindam Dutta and Calvin-Khang Ta and Dripta S. Raychaudhuri and Hannah Dela Cruz and M. Salman Asif and Amit K. Roy-Chowdhury},
  year          = {2024},
  eprint        = {2312.16221},
  archivePrefix = {arXiv},
  primaryClass  = {cs.CV},
  url           = {https://arxiv.org/abs/2312.16221},
}""",
    ),
}


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


def _task_of(architecture: str | None) -> Task:
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


def _motion_model_classes() -> dict[str, type]:
    """Every ``PreTrainedModel`` subclass defined in motionhub (after ``import motionhub``), by class name."""
    from transformers import PreTrainedModel

    import motionhub  # noqa: F401  (registers every family and head)

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
    classes = _motion_model_classes()
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
        from .skeleton import get_layout

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
    lines = ["import torch", "import motionhub  # registers motionhub's models with transformers' Auto classes"]
    if task.auto_class_name == "AutoModel":
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
    task = _task_of(arch)
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
        motionhub_version=_version(),
    )
    return card


def _version() -> str:
    try:
        from . import __version__

        return __version__
    except ImportError:  # pragma: no cover - partially initialised package
        return "unknown"


# ---------------------------------------------------------------------------------------------------------------------
# Remote code
# ---------------------------------------------------------------------------------------------------------------------
class RemoteCodeError(RuntimeError):
    """A motionhub module cannot be turned into self-contained remote code (the message says which import)."""


@dataclass
class _Import:
    kind: str  # "attr" (from module import name as bound) or "module" (bind a module object)
    module: str
    name: str | None
    bound: str


def _is_package(module_name: str) -> bool:
    return hasattr(importlib.import_module(module_name), "__path__")


def _package_of(module_name: str) -> str:
    return module_name if _is_package(module_name) else module_name.rpartition(".")[0]


def _resolve_node(node: ast.AST, current: str) -> list[_Import] | None:
    """motionhub imports of one import statement, resolved to defining modules; None for external imports."""
    if isinstance(node, ast.Import):
        out = []
        for alias in node.names:
            if alias.name.split(".")[0] != LIBRARY_NAME:
                continue
            if alias.asname is None:
                raise RemoteCodeError(f"{current}: `import {alias.name}` binds the name 'motionhub'; use "
                                      f"`from {alias.name.rpartition('.')[0]} import {alias.name.rpartition('.')[2]}`")
            if _is_package(alias.name):
                raise RemoteCodeError(f"{current}: `import {alias.name} as {alias.asname}` imports a package; import "
                                      "the names you need from their defining modules")
            out.append(_Import("module", alias.name, None, alias.asname))
        if out and len(out) != len(node.names):
            raise RemoteCodeError(f"{current}: mixes motionhub and other modules in one import statement (line "
                                  f"{node.lineno}); split it")
        return out or None
    if not isinstance(node, ast.ImportFrom):
        return None
    if node.level:
        base = importlib.util.resolve_name("." * node.level + (node.module or ""), _package_of(current))
    else:
        base = node.module or ""
    if base.split(".")[0] != LIBRARY_NAME:
        return None
    base_module = importlib.import_module(base)
    out = []
    for alias in node.names:
        bound = alias.asname or alias.name
        if alias.name == "*":
            raise RemoteCodeError(f"{current}: `from {base} import *` cannot be bundled; import names explicitly")
        sub = f"{base}.{alias.name}"
        if _is_package(base) and importlib.util.find_spec(sub) is not None:
            if _is_package(sub):
                raise RemoteCodeError(f"{current}: imports the package {sub}; import names from its modules instead")
            out.append(_Import("module", sub, None, bound))
            continue
        if not hasattr(base_module, alias.name):
            raise RemoteCodeError(f"{current}: {base} has no attribute {alias.name!r}")
        if not _is_package(base):
            out.append(_Import("attr", base, alias.name, bound))
            continue
        obj = getattr(base_module, alias.name)
        owner = getattr(obj, "__module__", None)
        if owner and owner.split(".")[0] == LIBRARY_NAME and not _is_package(owner):
            owner_module = sys.modules[owner]
            for candidate in (alias.name, getattr(obj, "__name__", None)):
                if candidate and getattr(owner_module, candidate, None) is obj:
                    out.append(_Import("attr", owner, candidate, bound))
                    break
            else:
                owner = None
        else:
            owner = None
        if owner is None:
            raise RemoteCodeError(f"{current}: cannot tell which module defines {base}.{alias.name}; import it from "
                                  "its defining module")
    return out


def _module_source(module_name: str) -> str:
    module = importlib.import_module(module_name)
    path = inspect.getsourcefile(module)
    if path is None:
        raise RemoteCodeError(f"{module_name} has no Python source file to bundle")
    return Path(path).read_text(encoding="utf-8")


@dataclass
class _Unavailable:
    node: ast.stmt
    function: str
    reason: str


def _imports_in(source: str, module_name: str) -> tuple[list[tuple[ast.stmt, list[_Import]]], list[_Unavailable]]:
    """motionhub imports of a module; imports inside functions that cannot be bundled are returned separately."""
    found, unavailable = [], []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                try:
                    resolved = _resolve_node(child, module_name)
                except RemoteCodeError as err:
                    if function is None:
                        raise
                    unavailable.append(_Unavailable(child, function, str(err)))
                    continue
                if resolved:
                    found.append((child, resolved))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, function or child.name)
            else:
                visit(child, function)

    visit(ast.parse(source, filename=module_name), None)
    return found, unavailable


def _import_time_calls(source: str) -> set[str]:
    """Names called while the module executes (module level and class bodies, not function bodies)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for expr in [*child.decorator_list, *child.args.defaults] if not isinstance(child, ast.Lambda) else []:
                    visit(expr)
                continue
            if isinstance(child, ast.Call):
                func = child.func
                if isinstance(func, ast.Name):
                    names.add(func.id)
                elif isinstance(func, ast.Attribute):
                    names.add(func.attr)
            visit(child)

    visit(ast.parse(source))
    return names


def _defined_by_class_statement(cls: type) -> bool:
    """True when ``cls`` is written as a top-level ``class`` statement in the (non-package) module it names."""
    name = cls.__module__
    if name.split(".")[0] != LIBRARY_NAME or _is_package(name):
        return False
    if getattr(sys.modules[name], cls.__name__, None) is not cls:
        return False
    tree = ast.parse(_module_source(name))
    return any(isinstance(node, ast.ClassDef) and node.name == cls.__name__ for node in tree.body)


def _rewrite(
    source: str,
    imports: list[tuple[ast.stmt, list[_Import]]],
    unavailable: list[_Unavailable],
    flat: Mapping[str, str],
    name: str,
) -> str:
    lines = source.splitlines(keepends=True)
    edits: list[tuple[ast.stmt, list[_Import] | _Unavailable]] = [*imports, *((u.node, u) for u in unavailable)]
    for node, resolved in sorted(edits, key=lambda item: item[0].lineno, reverse=True):
        first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
        indent = first[: node.col_offset]
        tail = last.encode("utf-8")[node.end_col_offset:].decode("utf-8").strip()
        if indent.strip() or (tail and not tail.startswith("#")):
            raise RemoteCodeError(f"{name}:{node.lineno}: put the motionhub import on its own line to bundle it")
        if isinstance(resolved, _Unavailable):
            message = f"{resolved.function}() needs the motionhub package (pip install motionhub): {resolved.reason}"
            lines[node.lineno - 1: node.end_lineno] = [f"{indent}raise ImportError({message!r})\n"]
            continue
        new = []
        for imp in resolved:
            target = flat[imp.module]
            if imp.kind == "attr":
                alias = f" as {imp.bound}" if imp.bound != imp.name else ""
                new.append(f"{indent}from .{target} import {imp.name}{alias}\n")
            else:
                # The first line is what transformers' remote-code loader looks for to download {target}.py.
                new.append(f"{indent}from .{target} import __name__ as _bundled_{target}  # noqa: F401\n")
                new.append(f"{indent}from . import {target} as {imp.bound}\n")
        lines[node.lineno - 1: node.end_lineno] = new
    return "".join(lines)


def bundle_remote_code(model_class: type, save_directory: str | os.PathLike | None = None) -> tuple[dict, dict]:
    """Self-contained copies of the modules ``model_class`` (and its config class) need, for ``trust_remote_code``.

    Starting from the modules that define ``model_class`` and ``model_class.config_class``, every motionhub module
    they import (module level, in functions, or under ``TYPE_CHECKING``) is collected. Each one becomes a sibling
    file named after its module (``modeling_dstformer.py``, ``modeling_utils.py``, ...), and its motionhub imports
    (absolute, or relative across packages) are rewritten into ``from .<sibling> import name``, the only form
    transformers' remote-code loader follows. Names imported from a package ``__init__`` are taken from the module
    that defines them, so package ``__init__`` files (which register with the Auto classes) are never bundled. The
    files are the real source files, copied; only their motionhub import lines change. Every ``<Family>For<Task>``
    class is a class statement in its module (:mod:`motionhub.heads`), so the copy defines it as the source does.

    Limits: modules must not read package data files at import time, and imports must be ``from <module> import
    name`` or ``import <module> as alias`` (not star imports, not packages). An import inside a function that breaks
    these rules becomes ``raise ImportError(...)`` in the copy (the function needs motionhub installed); the bundle is
    refused if such a function runs while the modules are imported.

    Args:
        model_class: a motionhub ``PreTrainedModel`` subclass (``type(model)``).
        save_directory: when given, the files are written there.

    Returns:
        ``(files, auto_map)``: ``{filename: source}`` and the ``auto_map`` for ``config.json``
        (``AutoConfig``, ``AutoModel`` -> ``model_class``, and the motionhub task Auto class name when the class is
        registered with one, e.g. ``AutoModelForPoseLifting``).

    Raises:
        RemoteCodeError: an import cannot be expressed as a sibling import (``import motionhub.x`` without alias,
            star imports, package imports, statements sharing a line) or a module has no source.
    """
    config_class = getattr(model_class, "config_class", None)
    if config_class is None:
        raise RemoteCodeError(f"{model_class.__name__} has no config_class; only PreTrainedModel classes are bundled")
    for cls in (config_class, model_class):
        if cls.__module__.split(".")[0] != LIBRARY_NAME:
            raise RemoteCodeError(f"{cls.__name__} is not a motionhub class; only motionhub models get remote code")
    parsed: dict[str, tuple[str, list, list]] = {}
    queue = [config_class.__module__]
    model_module = model_class.__module__
    if not _defined_by_class_statement(model_class):
        raise RemoteCodeError(
            f"{model_class.__name__} is not written as a top-level class statement in {model_module}; only classes "
            "that exist in the source files are bundled (the files are copied, not generated)"
        )
    queue.append(model_module)
    while queue:
        name = queue.pop(0)
        if name in parsed:
            continue
        if _is_package(name):
            raise RemoteCodeError(f"{name} is a package; bundle its modules instead")
        source = _module_source(name)
        parsed[name] = (source, *_imports_in(source, name))
        for _, resolved in parsed[name][1]:
            queue.extend(imp.module for imp in resolved if imp.module not in parsed)
    # A function whose import cannot be bundled raises ImportError when called; it must not run at import time.
    broken = {u.function: (name, u) for name, (_, _, unavailable) in parsed.items() for u in unavailable}
    for name, (source, _, _) in parsed.items():
        for called in sorted(_import_time_calls(source) & set(broken)):
            owner, u = broken[called]
            raise RemoteCodeError(
                f"{name} calls {called}() while it is imported, and {called} (in {owner}) needs an import that "
                f"cannot be bundled: {u.reason}"
            )
    short = [name.rsplit(".", 1)[1] for name in parsed]
    flat = {}
    for name in parsed:
        leaf = name.rsplit(".", 1)[1]
        flat[name] = leaf if short.count(leaf) == 1 else "_".join(name.split(".")[1:])
    files = {}
    for name, (source, imports, unavailable) in parsed.items():
        text = _rewrite(source, imports, unavailable, flat, name)
        header = (f"# Generated by motionhub {_version()} from {name} for trust_remote_code loading without "
                  "motionhub installed. Do not edit: re-push the model instead.\n")
        text = header + text
        tree = ast.parse(text)  # the rewritten file must still be valid and free of motionhub imports
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and not node.level
                    and (node.module or "").split(".")[0] == LIBRARY_NAME) or (
                    isinstance(node, ast.Import) and any(a.name.split(".")[0] == LIBRARY_NAME for a in node.names)):
                raise RemoteCodeError(f"{name}: a motionhub import survived bundling (line {node.lineno})")
        files[f"{flat[name]}.py"] = text
    auto_map = {
        "AutoConfig": f"{flat[config_class.__module__]}.{config_class.__name__}",
        "AutoModel": f"{flat[model_module]}.{model_class.__name__}",
    }
    task = _task_of(model_class.__name__)
    if task.auto_class_name != "AutoModel":
        auto_map[task.auto_class_name] = auto_map["AutoModel"]
    if save_directory is not None:
        out = Path(save_directory)
        out.mkdir(parents=True, exist_ok=True)
        for filename, text in files.items():
            (out / filename).write_text(text, encoding="utf-8")
    return files, auto_map


def _write_auto_map(config_path: Path, auto_map: Mapping[str, str]) -> None:
    data = json.loads(config_path.read_text(encoding="utf-8"))
    data["auto_map"] = dict(auto_map)
    config_path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _add_remote_code(model_class: type | None, folder: Path, remote_code: bool | None, what: str) -> bool:
    """Write the bundle + ``auto_map`` into ``folder``; returns whether remote code was added.

    ``remote_code=None`` (default) adds it when possible and warns otherwise; ``True`` raises instead of warning.
    """
    if remote_code is False:
        return False
    try:
        if model_class is None:
            raise RemoteCodeError(f"{what} is not a motionhub model class")
        _, auto_map = bundle_remote_code(model_class, folder)
    except RemoteCodeError as err:
        if remote_code:
            raise
        warnings.warn(f"publishing without remote code (trust_remote_code loading will not work): {err}",
                      stacklevel=3)
        return False
    _write_auto_map(folder / "config.json", auto_map)
    return True


# ---------------------------------------------------------------------------------------------------------------------
# Saving, pushing, downloading
# ---------------------------------------------------------------------------------------------------------------------
def _card_from(card: Any):
    from huggingface_hub import ModelCard

    if isinstance(card, ModelCard):
        return card
    if isinstance(card, os.PathLike) or (isinstance(card, str) and "\n" not in card):
        if not Path(card).is_file():
            raise FileNotFoundError(f"model card {card} does not exist (pass a README.md path or the card's text)")
        return ModelCard.load(Path(card))
    if isinstance(card, str):
        return ModelCard(card)
    raise TypeError(f"card must be a huggingface_hub.ModelCard, a README path or its text, got {type(card).__name__}")


def save_for_hub(
    model: Any,
    save_directory: str | os.PathLike,
    *,
    card: Any = None,
    max_shard_size: int | str = "5GB",
    remote_code: bool | None = None,
    repo_id: str | None = None,
    processor: Any = None,
    **card_kwargs: Any,
) -> Path:
    """Write what :func:`push_to_hub` uploads into ``save_directory`` (no network).

    Args:
        model: a motionhub ``PreTrainedModel``.
        save_directory: output folder (created).
        card: a ready ``ModelCard`` / README path / README text; default: :func:`generate_model_card` with
            ``card_kwargs``.
        max_shard_size: shard ``model.safetensors`` above this size (``"5GB"``, ``"200MB"``, bytes).
        remote_code: also write the bundled remote code and ``auto_map`` (:func:`bundle_remote_code`): ``None``
            (default) when the model can be bundled (a warning says why not otherwise), ``True`` always (raise
            :class:`RemoteCodeError` if impossible), ``False`` never.
        repo_id: used by the card's usage snippet.
        processor: the model's :class:`~motionhub.processor.MotionProcessor`, written as ``preprocessor_config.json``
            (default: the one saved where the model was loaded from, else derived from its config), so the published
            model prepares its inputs as in training.
        **card_kwargs: forwarded to :func:`generate_model_card` (``license=``, ``results=``, ...).

    Returns:
        The folder path.
    """
    from transformers import PreTrainedModel

    if not isinstance(model, PreTrainedModel):
        raise TypeError(f"expected a motionhub PreTrainedModel, got {type(model).__name__}")
    if card is not None and card_kwargs:
        raise TypeError(f"pass either card= or card keyword arguments ({sorted(card_kwargs)}), not both")
    out = Path(save_directory)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, max_shard_size=max_shard_size)
    from .processor import MotionProcessor, processor_for_model

    if processor is not None and not isinstance(processor, MotionProcessor):
        raise TypeError(f"processor must be a MotionProcessor, got {type(processor).__name__}")
    (processor if processor is not None else processor_for_model(model)).save_pretrained(out)
    has_remote_code = _add_remote_code(type(model), out, remote_code, type(model).__name__)
    readme = _card_from(card) if card is not None else generate_model_card(
        model, repo_id=repo_id, remote_code=has_remote_code, **card_kwargs
    )
    readme.save(out / "README.md")
    return out


def _safetensors_parameter_count(folder: Path) -> int | None:
    total = 0
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return None
    for path in files:
        with path.open("rb") as fh:
            (length,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(length))
        for key, meta in header.items():
            if key != "__metadata__":
                n = 1
                for dim in meta["shape"]:
                    n *= dim
                total += n
    return total


def _check_folder(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a directory; pass a folder written by save_pretrained / "
                                "`motionhub convert`")
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} has no config.json; it is not a save_pretrained folder")
    if not (folder / "model.safetensors").is_file() and not (folder / "model.safetensors.index.json").is_file():
        raise FileNotFoundError(f"{folder} has neither model.safetensors nor model.safetensors.index.json; motionhub "
                                "publishes safetensors weights only (re-save with save_pretrained)")
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


def _upload(folder: Path, repo_id: str, *, revision: str | None, private: bool | None, token: str | None,
            commit_message: str, commit_description: str | None):
    from huggingface_hub import HfApi

    api = HfApi(token=token, library_name=LIBRARY_NAME, library_version=_version())  # endpoint read now
    api.create_repo(repo_id, private=private, exist_ok=True)
    if revision not in (None, "main"):
        api.create_branch(repo_id, branch=revision, exist_ok=True)
    return api.upload_folder(
        repo_id=repo_id,
        folder_path=folder,
        revision=revision,
        commit_message=commit_message,
        commit_description=commit_description,
        delete_patterns=_REPLACED_PATTERNS,
        ignore_patterns=[".cache/**", "*.bin", "*.pth", "*.pt"],
    )


def push_folder(
    folder: str | os.PathLike,
    repo_id: str,
    *,
    revision: str | None = None,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str | None = None,
    commit_description: str | None = None,
    remote_code: bool | None = None,
    card: Any = None,
    **card_kwargs: Any,
):
    """Upload a ``save_pretrained`` folder (e.g. from ``motionhub convert``) to ``repo_id`` in one commit.

    Missing pieces are added in a temporary copy (the folder itself is not modified): a model card when the folder
    has no README.md (or ``card``/``card_kwargs`` are given), and the remote code + ``auto_map`` of
    ``config.architectures[0]`` (``remote_code`` as in :func:`save_for_hub`).

    Returns:
        ``huggingface_hub.CommitInfo`` (``.oid`` is the commit sha, usable as ``revision=``).

    Raises:
        FileNotFoundError: the folder has no config.json or no safetensors weights.
    """
    import shutil

    src = Path(folder)
    config = _check_folder(src)
    arch = (config.get("architectures") or [None])[0]
    with tempfile.TemporaryDirectory(prefix="motionhub-push-") as tmp:
        staged = Path(tmp)
        for path in src.iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, staged / path.name)
        cls = _motion_model_classes().get(arch) if arch and remote_code is not False else None
        has_remote_code = _add_remote_code(cls, staged, remote_code, f"{arch!r} (config.architectures)")
        if card is not None or card_kwargs or not (staged / "README.md").is_file():
            if card is not None:
                if card_kwargs:
                    raise TypeError("pass either card= or card keyword arguments, not both")
                readme = _card_from(card)
            else:
                cfg_obj: Any = config
                try:
                    from transformers import AutoConfig

                    import motionhub  # noqa: F401  (registers the families)

                    cfg_obj = AutoConfig.from_pretrained(staged)
                except (ValueError, KeyError, OSError):  # family not installed: describe the raw config.json
                    cfg_obj = config
                card_kwargs.setdefault("num_parameters", _safetensors_parameter_count(staged))
                readme = generate_model_card(cfg_obj, repo_id=repo_id, remote_code=has_remote_code, **card_kwargs)
            readme.save(staged / "README.md")
        message = commit_message or f"Upload {arch or 'model'} with motionhub {_version()}"
        return _upload(staged, repo_id, revision=revision, private=private, token=token,
                       commit_message=message, commit_description=commit_description)


def push_to_hub(
    model: Any,
    repo_id: str,
    *,
    card: Any = None,
    revision: str | None = None,
    private: bool | None = None,
    token: str | None = None,
    max_shard_size: int | str = "5GB",
    commit_message: str | None = None,
    commit_description: str | None = None,
    remote_code: bool | None = None,
    processor: Any = None,
    **card_kwargs: Any,
):
    """Publish a motionhub model: weights, config, processor, model card and remote code, in one commit.

    The repository is created if needed (``private`` applies then); ``revision`` names a branch, created from
    ``main`` if missing. Weight files and remote code already on the branch are replaced, so re-pushing with a
    different ``max_shard_size`` leaves no stale shards.

    Args:
        model: a motionhub ``PreTrainedModel`` (encoder or task model).
        repo_id: ``"org/name"``.
        card: a ready ``ModelCard`` / README path / text instead of a generated card.
        revision: branch to commit to (default ``main``).
        private: visibility of a newly created repository.
        token: Hub token (default: ``HF_TOKEN`` / the cached login).
        max_shard_size: shard weights above this size.
        commit_message / commit_description: commit text (default ``"Upload <Class> with motionhub <version>"``).
        remote_code: bundle remote code for ``trust_remote_code`` loading without motionhub (``None``: when
            possible, with a warning otherwise; ``True``: required; ``False``: never).
        processor: the :class:`~motionhub.processor.MotionProcessor` to publish (default: see :func:`save_for_hub`).
        **card_kwargs: forwarded to :func:`generate_model_card` (``license=``, ``results=``, ``datasets=``,
            ``base_model=``, ``training_data=``, ...).

    Returns:
        ``huggingface_hub.CommitInfo``; ``.oid`` is the new commit sha (pin it with ``revision=``).
    """
    with tempfile.TemporaryDirectory(prefix="motionhub-push-") as tmp:
        save_for_hub(model, tmp, card=card, max_shard_size=max_shard_size, remote_code=remote_code,
                     repo_id=repo_id, processor=processor, **card_kwargs)
        message = commit_message or f"Upload {type(model).__name__} with motionhub {_version()}"
        return _upload(Path(tmp), repo_id, revision=revision, private=private, token=token,
                       commit_message=message, commit_description=commit_description)


def download(
    repo_id: str,
    revision: str | None = None,
    *,
    local_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    local_files_only: bool = False,
    token: str | None = None,
    allow_patterns: Sequence[str] | None = None,
) -> Path:
    """Download a published motionhub model (config, safetensors weights, card, remote code) and return its folder.

    Without ``local_dir`` the files go to the Hub cache (``HF_HUB_CACHE``), where ``from_pretrained(repo_id)`` and
    offline runs (``HF_HUB_OFFLINE=1`` or ``local_files_only=True``) find them. Pickled weights are never fetched.

    Args:
        repo_id: ``"org/name"``.
        revision: branch, tag or commit sha (default ``main``).
        local_dir: copy the files into this folder instead of returning the cache snapshot.
        cache_dir: a different Hub cache.
        local_files_only: do not touch the network; fail if the snapshot is not cached.
        token: Hub token for private repositories.
        allow_patterns: file patterns to fetch (default :data:`DEFAULT_ALLOW_PATTERNS`).

    Returns:
        The snapshot folder (contains ``config.json``); pass it to ``from_pretrained``.

    Raises:
        huggingface_hub.errors.RepositoryNotFoundError: no such repository (or no access to it).
        huggingface_hub.errors.RevisionNotFoundError: the repository has no such branch, tag or commit.
        huggingface_hub.errors.LocalEntryNotFoundError: offline and the snapshot is not in the cache.
        FileNotFoundError: the snapshot has no ``config.json`` (not a model repository).
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        path = snapshot_download(
            repo_id,
            revision=revision,
            cache_dir=cache_dir,
            local_dir=local_dir,
            local_files_only=local_files_only,
            token=token,
            allow_patterns=list(allow_patterns or DEFAULT_ALLOW_PATTERNS),
            library_name=LIBRARY_NAME,
            library_version=_version(),
        )
    except RevisionNotFoundError as err:
        err.append_to_message(f"\nmotionhub: {repo_id!r} has no revision {revision!r}; use a branch, tag or full "
                              "commit sha (see `HfApi().list_repo_refs(repo_id)`).")
        raise
    except RepositoryNotFoundError as err:
        err.append_to_message(f"\nmotionhub: repository {repo_id!r} does not exist or is private; check the id "
                              "(org/name) and your token.")
        raise
    except LocalEntryNotFoundError as err:
        raise LocalEntryNotFoundError(
            f"motionhub: {repo_id!r} (revision {revision or 'main'}) is not in the local Hub cache and network "
            f"access is disabled (offline mode or local_files_only=True). Download it once while online with "
            f"`motionhub download {repo_id}`. ({err})"
        ) from err
    path = Path(path)
    if not (path / "config.json").is_file():
        found = sorted(p.name for p in path.iterdir())
        raise FileNotFoundError(f"{repo_id!r} (revision {revision or 'main'}) has no config.json: it is not a "
                                f"motionhub / transformers model repository (files: {found})")
    return path
