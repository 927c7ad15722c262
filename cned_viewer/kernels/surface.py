"""Surface voxels of one label value inside a box (voxels with a 6-neighbour of another value).

The nearest voxel of a set to any point outside it is always such a surface voxel (a step along
the axis of the largest offset would get closer), so distances between labelled objects need
only these.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import kernel
from cned_viewer.kernels.boxes import Box


@kernel()
def _is_surface(labels, z, y, x, value):
    nz, ny, nx = labels.shape
    return (
        z == 0 or z == nz - 1 or y == 0 or y == ny - 1 or x == 0 or x == nx - 1
        or labels[z - 1, y, x] != value or labels[z + 1, y, x] != value
        or labels[z, y - 1, x] != value or labels[z, y + 1, x] != value
        or labels[z, y, x - 1] != value or labels[z, y, x + 1] != value
    )


@kernel(parallel=True)
def _count(labels, z0, z1, y0, y1, x0, x1, value):
    counts = np.zeros(z1 - z0, np.int64)
    for dz in prange(z1 - z0):
        z = z0 + dz
        n = 0
        for y in range(y0, y1):
            for x in range(x0, x1):
                if labels[z, y, x] == value and _is_surface(labels, z, y, x, value):
                    n += 1
        counts[dz] = n
    return counts


@kernel(parallel=True)
def _fill(labels, z0, z1, y0, y1, x0, x1, value, start, out):
    for dz in prange(z1 - z0):
        z = z0 + dz
        k = start[dz]
        for y in range(y0, y1):
            for x in range(x0, x1):
                if labels[z, y, x] == value and _is_surface(labels, z, y, x, value):
                    out[k, 0] = z
                    out[k, 1] = y
                    out[k, 2] = x
                    k += 1


def surface_voxels(labels: np.ndarray, box: Box, value: int) -> np.ndarray:
    """``int32[n, 3]`` array indices (z, y, x) of the surface voxels of ``value`` inside ``box``."""
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    if z1 <= z0 or y1 <= y0 or x1 <= x0:
        return np.zeros((0, 3), np.int32)
    counts = _count(labels, z0, z1, y0, y1, x0, x1, value)
    start = np.zeros(len(counts), np.int64)
    np.cumsum(counts[:-1], out=start[1:])
    out = np.empty((int(counts.sum()), 3), np.int32)
    _fill(labels, z0, z1, y0, y1, x0, x1, value, start, out)
    return out
