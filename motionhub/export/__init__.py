# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""Writers of animation files from lifted 3D poses: :func:`write_bvh` (BVH, H36M-17 hierarchy). Numpy only."""

from .bvh import BVH_JOINTS, BVHExport, rigid_positions, write_bvh

__all__ = ["BVH_JOINTS", "BVHExport", "rigid_positions", "write_bvh"]
