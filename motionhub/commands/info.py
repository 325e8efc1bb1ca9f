# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""``motionhub info MODEL``: what a checkpoint is (family, task, config, layout, parameters, card)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._common import DEFAULT_MODEL, add_trust_remote_code_arg, model_spec

__all__ = ["describe_model", "register", "run"]

_CONFIG_KEYS = (
    "num_joints", "dim_in", "dim_out", "maxlen", "fixed_length", "tds", "joint_layout", "output_joint_layout",
    "input_normalization", "output_units", "dim_feat", "dim_rep", "depth", "channel", "layers", "d_hid", "num_heads",
    "representation_size", "frame_feature_size", "num_labels", "embedding_size", "action_clip_len",
)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "info",
        help="describe a checkpoint: family, task, config summary, joint layout, parameter count, model card",
        description="Works on save_pretrained folders, Hub repo ids (the config and card are downloaded), official "
        f"checkpoint files (converted in memory) and '{DEFAULT_MODEL}' (the embedded default lifting model).",
        epilog=f"example: motionhub info {DEFAULT_MODEL}",
    )
    p.add_argument("model", help=f"model folder, Hub repo id, official checkpoint, or '{DEFAULT_MODEL}'")
    p.add_argument("--json", action="store_true", help="print the description as JSON")
    p.add_argument("--card-lines", type=int, default=12, help="lines of the model card to show (default 12)")
    add_trust_remote_code_arg(p)
    p.set_defaults(func=run)


def _safetensors_params(folder: Path) -> int | None:
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return None
    from safetensors import safe_open

    from ..hub.verify import check_safetensors_file

    total = 0
    for f in files:
        check_safetensors_file(f)  # a damaged file is an error naming it
        with safe_open(str(f), framework="pt") as fh:
            for key in fh.keys():  # noqa: SIM118 (safe_open is not iterable)
                shape = fh.get_slice(key).get_shape()
                n = 1
                for d in shape:
                    n *= int(d)
                total += n
    return total


def _card_excerpt(text: str, lines: int) -> str:
    body = text
    if body.startswith("---"):
        end = body.find("\n---", 3)
        body = body[end + 4 :] if end >= 0 else body
    kept = [line for line in body.strip().splitlines()]
    return "\n".join(kept[:lines])


def _resolve_folder(spec: str | None) -> Path | None:
    if spec is None:
        from ..pretrained import DEFAULT_LIFTING_MODEL_DIR

        return Path(DEFAULT_LIFTING_MODEL_DIR)
    from ..official import official_model_path, parse_official_name

    if parse_official_name(spec) is not None:
        return official_model_path(spec)
    path = Path(spec).expanduser()
    if path.is_dir():
        return path
    if path.is_file():
        return path.parent if path.suffix in (".json", ".safetensors") else None
    from ..pipelines.loading import REPO_ID

    if not REPO_ID.match(spec):
        raise FileNotFoundError(f"model {spec!r}: no such file or folder, and not a Hugging Face Hub repo id (org/name)")
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    from ..hub import download
    from ..hub.verify import DamagedFileError

    try:
        return download(spec, allow_patterns=["*.json", "*.safetensors", "README.md"], repair=False)
    except DamagedFileError:
        raise  # names the file and the repair command
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as err:
        raise ValueError(f"cannot fetch {spec!r} from the Hub: {str(err).strip().splitlines()[0]}") from None


def describe_model(spec: str | None, card_lines: int = 12, *, trust_remote_code: bool = False) -> dict:
    """Description of a model (the data ``motionhub info`` prints). A model whose config asks to run its own code
    (``auto_map``) is refused unless ``trust_remote_code``."""
    from ..pipelines import load_model, model_task
    from ..pipelines.loading import remote_code_refused

    folder = _resolve_folder(spec)
    desc: dict = {"model": DEFAULT_MODEL if spec is None else spec}
    from ..official import get_official, parse_official_name

    if spec is not None and parse_official_name(spec) is not None:
        entry = get_official(spec)
        desc["official"] = {k: v for k, v in entry.to_dict().items()
                            if k in ("family", "description", "license", "license_note", "reported", "download_page",
                                     "paper", "citation", "finetuned_from")}
    if folder is None:  # an official checkpoint: convert in memory
        model = load_model(spec, trust_remote_code=trust_remote_code)
        config = model.config
        desc["source"] = "official checkpoint (converted in memory; save it with `motionhub convert`)"
        desc["parameters"] = sum(p.numel() for p in model.parameters())
        arch = type(model).__name__
        card = None
    else:
        from transformers import AutoConfig

        if not (folder / "config.json").is_file():
            if spec is None:
                raise ValueError(f"the embedded default lifting model is not installed ({folder} has no config.json)")
            raise ValueError(f"{folder} has no config.json: not a motionhub / transformers model folder")
        import motionhub

        from ..auto import check_motionhub_config

        motionhub.register()  # the model types (import motionhub is lazy)
        try:
            raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise ValueError(f"{folder / 'config.json'} is not valid JSON ({err}): the file is damaged") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{folder / 'config.json'} is not a JSON object: not a model config")
        check_motionhub_config(raw, folder)
        try:
            config = AutoConfig.from_pretrained(str(folder), trust_remote_code=trust_remote_code)
        except ValueError as err:
            refused = remote_code_refused(err, folder)
            if refused is not None:
                raise refused from None
            raise ValueError(f"{folder}/config.json: {str(err).splitlines()[0]}") from None
        archs = list(getattr(config, "architectures", None) or [])
        arch = archs[0] if archs else type(config).__name__.replace("Config", "Model")
        desc["source"] = str(folder)
        desc["parameters"] = _safetensors_params(folder)
        readme = folder / "README.md"
        card = readme.read_text(errors="replace") if readme.is_file() else None
    if spec is None and getattr(config, "output_units", None) is None:
        from ..pretrained import DEFAULT_OUTPUT_UNITS

        config.output_units = DEFAULT_OUTPUT_UNITS
    desc["family"] = getattr(config, "model_type", "?")
    desc["architecture"] = arch
    desc["task"] = model_task(arch)
    summary = {}
    for key in _CONFIG_KEYS:
        try:
            value = getattr(config, key)
        except AttributeError:
            continue
        if value is not None:
            summary[key] = value
    if desc["task"] not in ("action-classification", "multi-task"):
        summary.pop("num_labels", None)
    if getattr(config, "id2label", None) and desc["task"] in ("action-classification", "multi-task"):
        labels = [config.id2label[k] for k in sorted(config.id2label, key=int)]
        summary["labels"] = labels if len(labels) <= 20 else labels[:20] + [f"... ({len(labels)} classes)"]
    desc["config"] = summary
    desc["processor"] = _processor_summary(folder, model if folder is None else config)
    if card is not None:
        desc["card"] = _card_excerpt(card, card_lines)
    return desc


_PROCESSOR_KEYS = ("normalization", "input_layout", "mpii_convention", "confidence", "clip_normalization", "clip_len",
                   "num_persons", "window_size", "window_stride", "output_units")


def _processor_summary(folder, model_or_config) -> dict:
    """How the model prepares its inputs: its saved preprocessor_config.json, else the processor derived from the
    config (what the pipelines use)."""
    from ..processor import PROCESSOR_CONFIG_NAME, MotionProcessor, processor_for_model

    if folder is not None and (folder / PROCESSOR_CONFIG_NAME).is_file():
        proc, origin = MotionProcessor.from_json_file(folder / PROCESSOR_CONFIG_NAME), PROCESSOR_CONFIG_NAME
    elif folder is not None:
        proc, origin = MotionProcessor.from_model_config(model_or_config), "derived from config.json"
    else:
        proc, origin = processor_for_model(model_or_config), "derived from the converted config"
    settings = {key: getattr(proc, key) for key in _PROCESSOR_KEYS if getattr(proc, key) is not None}
    return {"source": origin, **settings}


def run(args: argparse.Namespace) -> int:
    desc = describe_model(model_spec(args.model), args.card_lines, trust_remote_code=args.trust_remote_code)
    if args.json:
        from ..pipelines.results import json_safe

        print(json.dumps(json_safe(desc), indent=1, allow_nan=False))
        return 0
    params = desc.get("parameters")
    print(f"{desc['model']}")
    rows = [
        ("family", desc["family"]),
        ("architecture", f"{desc['architecture']} (task: {desc['task']})"),
        ("parameters", f"{params:,}" if params is not None else "unknown (no safetensors)"),
        ("source", desc["source"]),
    ]
    cfg = desc["config"]
    layout = cfg.get("joint_layout", "?")
    out = cfg.get("output_joint_layout") or layout
    rows.append(("joint layout", f"{layout} in" + (f", {out} out" if out != layout else "")))
    rows += [(key, value) for key, value in cfg.items() if key not in ("joint_layout", "output_joint_layout")]
    proc = dict(desc["processor"])
    rows.append(("processor", f"{proc.pop('source')}: " + ", ".join(f"{k}={v}" for k, v in proc.items())))
    for key, value in rows:
        print(f"  {key:<20} {value}")
    if "card" in desc:
        print("  model card:")
        for line in desc["card"].splitlines():
            print(f"    {line}")
    return 0
