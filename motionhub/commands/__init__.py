# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Subcommands of the ``motionhub`` CLI (one module each, discovered by :mod:`motionhub.cli`)."""
