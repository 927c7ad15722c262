"""One-voxel (6-connected) erosion and dilation of a label inside a box, coded in one uint8 array.

Codes: 3 = kept by the erosion, 2 = label voxel removed by the erosion, 1 = voxel added by the
dilation (only voxels whose value is in ``grow_into`` may be added), 0 = neither. So the eroded
mask is ``== 3``, the label itself ``>= 2`` and the dilated mask ``>= 1``. Voxels outside the
array count as not-label (an object touching the array edge erodes there).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import SERIAL_BELOW_VOXELS, kernel
from cned_viewer.kernels.boxes import Box
from cned_viewer.kernels.surface import _row_span

ERODED, KEPT, GROWN = 3, 2, 1


@kernel()
def _span_table(labels, z0, z1, y0, y1, x0, x1, value):
    """``[z - z0 + 1, y - y0 + 1]`` -> the span of ``value`` in row ``(z, y)`` within ``[x0 - 1, x1 + 1)``, for the
    rows of the box and the rows around it (one read of each row; rows outside the array are empty)."""
    nz, ny, nx = labels.shape
    a, b = max(x0 - 1, 0), min(x1 + 1, nx)
    table = np.empty((z1 - z0 + 2, y1 - y0 + 2, 2), np.int64)
    for i in range(z1 - z0 + 2):
        for j in range(y1 - y0 + 2):
            z, y = z0 - 1 + i, y0 - 1 + j
            if 0 <= z < nz and 0 <= y < ny:
                table[i, j, 0], table[i, j, 1] = _row_span(labels, z, y, a, b, value)
            else:
                table[i, j, 0], table[i, j, 1] = b, a
    return table


@kernel()
def _erode_dilate_slice(labels, z, dz, y0, y1, x0, x1, value, grow_lut, spans, out):
    """Codes of slice ``z``. A voxel can have a nonzero code only within one voxel of ``value`` in its row or at the
    same x in a 6-neighbour row, so only that span of the row is computed (rows of a tumour's box hold little or
    none of it); the rest is zeroed."""
    nz, ny, nx = labels.shape
    for y in range(y0, y1):
        j = y - y0 + 1
        lo = min(spans[dz + 1, j, 0], spans[dz, j, 0], spans[dz + 2, j, 0], spans[dz + 1, j - 1, 0], spans[dz + 1, j + 1, 0])
        hi = max(spans[dz + 1, j, 1], spans[dz, j, 1], spans[dz + 2, j, 1], spans[dz + 1, j - 1, 1], spans[dz + 1, j + 1, 1])
        out[dz, y - y0, :] = 0
        for x in range(max(lo - 1, x0), min(hi + 1, x1)):
            v = labels[z, y, x]
            n_same = 0
            if z > 0 and labels[z - 1, y, x] == value:
                n_same += 1
            if z < nz - 1 and labels[z + 1, y, x] == value:
                n_same += 1
            if y > 0 and labels[z, y - 1, x] == value:
                n_same += 1
            if y < ny - 1 and labels[z, y + 1, x] == value:
                n_same += 1
            if x > 0 and labels[z, y, x - 1] == value:
                n_same += 1
            if x < nx - 1 and labels[z, y, x + 1] == value:
                n_same += 1
            code = 0
            if v == value:
                code = 3 if n_same == 6 else 2
            elif n_same > 0 and grow_lut[v]:
                code = 1
            out[dz, y - y0, x - x0] = code


@kernel(parallel=True)
def _erode_dilate(labels, z0, z1, y0, y1, x0, x1, value, grow_lut, out):
    spans = _span_table(labels, z0, z1, y0, y1, x0, x1, value)
    for dz in prange(z1 - z0):
        _erode_dilate_slice(labels, z0 + dz, dz, y0, y1, x0, x1, value, grow_lut, spans, out)


@kernel()
def _erode_dilate_serial(labels, z0, z1, y0, y1, x0, x1, value, grow_lut, out):
    spans = _span_table(labels, z0, z1, y0, y1, x0, x1, value)
    for dz in range(z1 - z0):
        _erode_dilate_slice(labels, z0 + dz, dz, y0, y1, x0, x1, value, grow_lut, spans, out)


def erode_dilate(labels: np.ndarray, box: Box, value: int, grow_into: tuple[int, ...], out: np.ndarray | None = None) -> np.ndarray:
    """The code array (see module doc) over ``box``; give a box one voxel wider than the label's own."""
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    shape = (z1 - z0, y1 - y0, x1 - x0)
    if out is None or out.shape != shape:
        out = np.empty(shape, np.uint8)
    lut = np.zeros(256, np.bool_)
    lut[list(grow_into)] = True
    lut[value] = False
    if out.size >= SERIAL_BELOW_VOXELS and shape[0] > 1:
        _erode_dilate(labels, z0, z1, y0, y1, x0, x1, value, lut, out)
    elif out.size:
        _erode_dilate_serial(labels, z0, z1, y0, y1, x0, x1, value, lut, out)
    return out
