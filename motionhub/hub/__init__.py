# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Publishing motionhub models on the Hugging Face Hub and loading them back.

A published motionhub repository holds:

* ``config.json`` and ``model.safetensors`` (``model-0000i-of-0000n.safetensors`` + ``model.safetensors.index.json``
  when larger than ``max_shard_size``), exactly what ``save_pretrained`` writes, so
  ``AutoModel.from_pretrained("org/name")`` works once motionhub is imported (in either order with transformers);
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
into the Hub cache (or a folder) for offline use, and checks every file against the sha256 / size the Hub publishes
(:mod:`motionhub.hub.verify`), repairing damaged cached files.

Example::

    >>> import motionhub
    >>> from motionhub.hub import push_to_hub, download
    >>> push_to_hub(model, "me/dstformer-h36m", license="apache-2.0", results=[...])
    >>> path = download("me/dstformer-h36m")                  # later, offline: download(..., local_files_only=True)
"""

from __future__ import annotations

from .cards import (
    FAMILIES,
    SEED_PAPERS,
    Family,
    SeedPaper,
    card_template_path,
    generate_model_card,
)
from .constants import DEFAULT_ALLOW_PATTERNS, LIBRARY_NAME
from .remote_code import RemoteCodeError, bundle_remote_code
from .transfer import HubConnectionError, download, push_folder, push_to_hub, save_for_hub
from .verify import DamagedFileError, check_safetensors_file

__all__ = [
    "DEFAULT_ALLOW_PATTERNS",
    "FAMILIES",
    "LIBRARY_NAME",
    "SEED_PAPERS",
    "DamagedFileError",
    "Family",
    "HubConnectionError",
    "RemoteCodeError",
    "SeedPaper",
    "bundle_remote_code",
    "card_template_path",
    "check_safetensors_file",
    "download",
    "generate_model_card",
    "push_folder",
    "push_to_hub",
    "save_for_hub",
]
