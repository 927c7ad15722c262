"""The liver envelope: per axial slice, the holes of the organ mask (liver parenchyma + tumour).

A voxel lies in a hole of a slice when no 4-connected in-plane path of non-organ voxels links it
to the slice border (the definition of ``scipy.ndimage.binary_fill_holes`` on each 2D slice).
Vessel voxels in holes are inside the liver; vessel voxels reaching the organ surface in that
slice (hilum, IVC groove, extrahepatic trunk) are not. The fill is done slice by slice because a
vessel tree always reaches the outside in 3D, which would leave a 3D fill with no holes at all.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import kernel
from cned_viewer.kernels.boxes import Box
from cned_viewer.kernels.components import _find


@kernel()
def _is_organ(v, organ_lut):
    return organ_lut[v]


@kernel(parallel=True)
def _enclosed_per_slice(labels, z0, z1, y0, y1, x0, x1, organ_lut):
    ny, nx = y1 - y0, x1 - x0
    counts = np.zeros((z1 - z0, 256), np.int64)
    max_runs = ny * (nx // 2 + 1) + 1
    for dz in prange(z1 - z0):
        z = z0 + dz
        row_ptr = np.zeros(ny + 1, np.int64)
        rx0 = np.empty(max_runs, np.int32)
        rx1 = np.empty(max_runs, np.int32)
        k = 0
        for y in range(y0, y1):
            inside = False
            for x in range(x0, x1):
                gap = not organ_lut[labels[z, y, x]]
                if gap and not inside:
                    rx0[k] = x
                elif inside and not gap:
                    rx1[k] = x
                    k += 1
                inside = gap
            if inside:
                rx1[k] = x1
                k += 1
            row_ptr[y - y0 + 1] = k
        # run k == n stands for everything outside the box (the slice border)
        n = k
        parent = np.arange(n + 1).astype(np.int32)
        for r in range(ny):
            for i in range(row_ptr[r], row_ptr[r + 1]):
                if r == 0 or r == ny - 1 or rx0[i] == x0 or rx1[i] == x1:
                    a, b = _find(parent, i), _find(parent, n)
                    parent[max(a, b)] = min(a, b)
            if r == 0:
                continue
            i, j = row_ptr[r], row_ptr[r - 1]
            while i < row_ptr[r + 1] and j < row_ptr[r]:
                if rx0[i] < rx1[j] and rx0[j] < rx1[i]:
                    a, b = _find(parent, i), _find(parent, j)
                    parent[max(a, b)] = min(a, b)
                if rx1[i] < rx1[j]:
                    i += 1
                else:
                    j += 1
        border = _find(parent, n)
        for r in range(ny):
            for i in range(row_ptr[r], row_ptr[r + 1]):
                if _find(parent, i) != border:
                    for x in range(rx0[i], rx1[i]):
                        counts[dz, labels[z, y0 + r, x]] += 1
    return counts


def organ_lookup(organ_values: tuple[int, ...]) -> np.ndarray:
    lut = np.zeros(256, np.bool_)
    lut[list(organ_values)] = True
    return lut


def enclosed_counts_per_slice(labels: np.ndarray, box: Box, organ_values: tuple[int, ...]) -> np.ndarray:
    """``int64[z1 - z0, 256]``: per slice of ``box``, voxel counts by label value inside the holes of the organ.

    ``box`` must hold every organ voxel of those slices (the organ's bounding box does); the
    region outside it counts as outside the organ.
    """
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    if z1 <= z0 or y1 <= y0 or x1 <= x0:
        return np.zeros((max(z1 - z0, 0), 256), np.int64)
    return _enclosed_per_slice(labels, z0, z1, y0, y1, x0, x1, organ_lookup(organ_values))
