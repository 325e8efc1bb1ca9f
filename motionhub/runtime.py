# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Process-wide runtime settings that motionhub's entry points choose for themselves (the ``motionhub`` command, the
training scripts, the benchmarks). ``import motionhub`` never changes the process environment: a program that
imports motionhub as a library keeps the settings it has. Imports nothing heavy (only ``os`` and ``sys``).
"""

from __future__ import annotations

import os
import sys

__all__ = ["use_passive_openmp_wait"]


def use_passive_openmp_wait() -> bool:
    """Make torch's OpenMP threads wait passively, for a program that has not imported torch yet; returns whether
    this call set it (``False``: ``OMP_WAIT_POLICY`` was set already, by the user or an earlier call, or torch is
    loaded and it is too late).

    An entry point calls it first thing, before anything imports torch.
    """
    # torch's CPU kernels run on OpenMP (libgomp) threads that, by default, spin after finishing their share of an
    # operation until the slowest one is done. When other work shares the cores, a descheduled thread then leaves
    # the others burning their time slices at every one of the forward's thousands of operations: with two busy
    # processes on 2 cores the DSTformer forward took 2.7x as long as with passive waiting
    # (benchmarks/results/README.md, "On a shared machine"), for ~5 % on a quiet machine. libgomp reads the policy
    # once, when torch loads it, so this only takes effect before torch is imported (the motionhub command always
    # calls it first); a value you set is kept, and once torch is loaded the environment is left alone (setting the
    # variable then would only claim what is not in effect).
    if "OMP_WAIT_POLICY" in os.environ or "torch" in sys.modules:
        return False
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True
