"""Surface voxels of one label value inside a box (voxels with a 6-neighbour of another value).

The nearest voxel of a set to any point outside it is always such a surface voxel (a step along
the axis of the largest offset would get closer), so distances between labelled objects need
only these.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import SERIAL_BELOW_VOXELS, kernel
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


@kernel()
def _row_has(labels, z, y, x0, x1, value):
    """Whether row ``(z, y)`` holds ``value`` in ``[x0, x1)``: a branch-free count the compiler vectorises."""
    row = labels[z, y, x0:x1]
    n = 0
    for x in range(x1 - x0):
        n += row[x] == value
    return n > 0


@kernel()
def _row_span(labels, z, y, x0, x1, value):
    """``[first, last + 1)`` of ``value`` in row ``(z, y)`` within ``[x0, x1)``; ``(x1, x0)`` when absent."""
    if not _row_has(labels, z, y, x0, x1, value):
        return x1, x0
    first = x0
    while labels[z, y, first] != value:
        first += 1
    end = x1
    while labels[z, y, end - 1] != value:
        end -= 1
    return first, end


@kernel()
def _slice_surface(labels, z, y0, y1, x0, x1, value, out, k):
    """Count (``out`` empty) or write from ``k`` the surface voxels of slice ``z``; returns the new count/index."""
    for y in range(y0, y1):
        if not _row_has(labels, z, y, x0, x1, value):
            continue
        for x in range(x0, x1):
            if labels[z, y, x] == value and _is_surface(labels, z, y, x, value):
                if out.shape[0] > 0:
                    out[k, 0] = z
                    out[k, 1] = y
                    out[k, 2] = x
                k += 1
    return k


@kernel(parallel=True)
def _surface_parallel(labels, z0, z1, y0, y1, x0, x1, value):
    counts = np.zeros(z1 - z0, np.int64)
    none = np.zeros((0, 3), np.int32)
    for dz in prange(z1 - z0):
        counts[dz] = _slice_surface(labels, z0 + dz, y0, y1, x0, x1, value, none, 0)
    start = np.zeros(z1 - z0 + 1, np.int64)
    for dz in range(z1 - z0):
        start[dz + 1] = start[dz] + counts[dz]
    out = np.empty((start[z1 - z0], 3), np.int32)
    if out.shape[0] > 0:
        for dz in prange(z1 - z0):
            _slice_surface(labels, z0 + dz, y0, y1, x0, x1, value, out, start[dz])
    return out


@kernel()
def _surface_serial(labels, z0, z1, y0, y1, x0, x1, value):
    """One pass in raster order (the output grows by doubling); rows without the value are skipped."""
    out = np.empty((1024, 3), np.int32)
    k = 0
    for z in range(z0, z1):
        for y in range(y0, y1):
            first, end = _row_span(labels, z, y, x0, x1, value)
            if first >= end:
                continue
            if k + (end - first) > out.shape[0]:
                bigger = np.empty((2 * out.shape[0] + (end - first), 3), np.int32)
                for i in range(k):
                    for a in range(3):
                        bigger[i, a] = out[i, a]
                out = bigger
            for x in range(first, end):
                if labels[z, y, x] == value and _is_surface(labels, z, y, x, value):
                    out[k, 0] = z
                    out[k, 1] = y
                    out[k, 2] = x
                    k += 1
    return out[:k].copy()


def surface_voxels(labels: np.ndarray, box: Box, value: int) -> np.ndarray:
    """``int32[n, 3]`` array indices (z, y, x) of the surface voxels of ``value`` inside ``box`` (raster order).

    Rows without the value are skipped after a vectorised test; below ``SERIAL_BELOW_VOXELS`` one
    serial pass, above it a count and a fill pass over slices in parallel.
    """
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    if z1 <= z0 or y1 <= y0 or x1 <= x0:
        return np.zeros((0, 3), np.int32)
    if (z1 - z0) * (y1 - y0) * (x1 - x0) >= SERIAL_BELOW_VOXELS and z1 - z0 > 1:
        return _surface_parallel(labels, z0, z1, y0, y1, x0, x1, int(value))
    return _surface_serial(labels, z0, z1, y0, y1, x0, x1, int(value))
