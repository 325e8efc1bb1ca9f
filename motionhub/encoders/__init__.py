# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Encoder families. Each subpackage registers its config/models with the Auto classes on import."""
