# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Model cards: the template ``motionhub.hub.generate_model_card`` renders, and the cards of the official models.

This folder installs as ``motionhub.model_cards`` (package-dir mapping in pyproject.toml) so that the template
``template.md`` ships as package data. The cards of the converted official checkpoints (``<name>.md``) are rendered
by :mod:`motionhub.model_cards.official` from the records of :mod:`motionhub.official_records`.
"""
