# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model cards of the converted official checkpoints: MotionBERT, MotionBERT-Lite, P-STMO, P-STMO-S, MPM, STRIDE.

Each card is rendered by :func:`motionhub.hub.generate_model_card` from the record of its official checkpoint in
:mod:`motionhub.official_records` (license, paper, reported numbers with their source, config preset, card text) and
committed as ``model_cards/<name>.md``. This module holds no facts: it only turns a record into a card. The numbers
come from the records, which take them only from the original READMEs, checkpoint file names and papers; where the
authors report none, the card says so. The card of a pretrained encoder also lists the numbers of the official
checkpoints finetuned from it, and of its variants, from their own records.

Regenerate the committed cards after changing a record, the template or a config preset::

    python -m motionhub.model_cards.official            # writes model_cards/<name>.md

Publish a converted checkpoint with its card::

    motionhub convert best_epoch.bin out/motionbert
    python -c "from motionhub.model_cards.official import push_official; push_official('motionbert', 'out/motionbert')"
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from motionhub.official_records import (
    OFFICIAL_CHECKPOINTS,
    OfficialCard,
    OfficialCheckpoint,
    results_on_card,
)

__all__ = [
    "OFFICIAL_CARDS", "OfficialCard", "card_results", "main", "official_config", "push_official", "render_official_card",
]

#: Card name (``model_cards/<name>.md``, Hub ``motionhub/<name>``) -> the record of its official checkpoint.
OFFICIAL_CARDS: dict[str, OfficialCheckpoint] = {
    record.card_name: record for record in OFFICIAL_CHECKPOINTS.values() if record.card_name is not None
}


def _record(name: str) -> OfficialCheckpoint:
    if name not in OFFICIAL_CARDS:
        raise ValueError(f"unknown official model {name!r}; known: {', '.join(OFFICIAL_CARDS)}")
    return OFFICIAL_CARDS[name]


def official_config(name: str) -> Any:
    """The released configuration of the card ``name``: its record's config preset (a classmethod of the family's
    config), with ``architectures`` set to the class the conversion gives."""
    import motionhub

    record = _record(name)
    model_class = getattr(motionhub, record.architecture, None)
    if model_class is None:
        import motionhub.heads

        model_class = getattr(motionhub.heads, record.architecture)
    config = getattr(model_class.config_class, record.preset)()
    config.architectures = [record.architecture]
    return config


def card_results(name: str) -> list[dict[str, Any]]:
    """The ``results=`` of the card ``name``: the numbers its record reports, then those of the official checkpoints
    finetuned from it (task and notes name the finetuned checkpoint) and of its variants."""
    from motionhub.hub import cards

    record = _record(name)
    rows = []
    for source, result in results_on_card(record):
        if source is record:
            rows.append(result.eval_result())
            continue
        notes = f"checkpoint `{source.name}`"
        overrides: dict[str, Any] = {}
        if source.finetuned_from == record.name:
            task = cards.task_for(source.architecture)
            notes += f" ({source.official_config})"
            overrides = {"task_name": f"{task.title.split(' (')[0]} (finetuned)", "task_type": task.task_type}
        rows.append(result.eval_result(notes="; ".join(filter(None, (notes, result.notes))), **overrides))
    return rows


def render_official_card(name: str, repo_id: str | None = None):
    """``huggingface_hub.ModelCard`` of the official model ``name`` (a key of :data:`OFFICIAL_CARDS`)."""
    from motionhub.hub import generate_model_card

    record = _record(name)
    text = record.card_text()
    return generate_model_card(
        official_config(name), repo_id=repo_id or f"motionhub/{name}", model_name=name, summary=text["summary"],
        license=record.license, license_name=record.license_name, license_link=record.license_link,
        license_note=record.license_note, tags=text["tags"], papers=record.papers, results=card_results(name),
        training_data=text["training_data"], training_procedure=text["training_procedure"],
        evaluation=text["evaluation"], conversion=text["conversion"], extra_sections=text["extra_sections"],
    )


def push_official(name: str, folder: str | Path, repo_id: str | None = None, **push_kwargs: Any):
    """Publish a converted official checkpoint (``motionhub convert`` output folder) with its card."""
    from motionhub.hub import push_folder

    repo_id = repo_id or f"motionhub/{_record(name).card_name}"
    return push_folder(folder, repo_id, card=render_official_card(name, repo_id), **push_kwargs)


def main(argv: list[str] | None = None) -> int:
    """Write ``model_cards/<name>.md`` for every official model (or the names given)."""
    names = (argv if argv is not None else sys.argv[1:]) or list(OFFICIAL_CARDS)
    folder = Path(__file__).resolve().parent
    for name in names:
        render_official_card(name).save(folder / f"{name}.md")
        print(f"wrote {folder / f'{name}.md'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
