"""Connected components of a run-encoded mask (6-, 18- or 26-connectivity) and their statistics.

Components are numbered 1..n in the raster order of their first voxel, as ``scipy.ndimage.label``
numbers them, so both label arrays agree voxel for voxel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.kernels._jit import kernel
from cned_viewer.kernels.runs import Runs

# Rows scanned before the current one: (dz, dy, how far x may reach past a run end).
_BACKWARD_ROWS = {
    6: np.array([[0, -1, 0], [-1, 0, 0]], np.int64),
    18: np.array([[0, -1, 1], [-1, 0, 1], [-1, -1, 0], [-1, 1, 0]], np.int64),
    26: np.array([[0, -1, 1], [-1, -1, 1], [-1, 0, 1], [-1, 1, 1]], np.int64),
}


@kernel()
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@kernel()
def _connect(row_ptr, x0, x1, nz, ny, backward):
    n = len(x0)
    parent = np.arange(n).astype(np.int32)
    for z in range(nz):
        for y in range(ny):
            r = z * ny + y
            a_lo, a_hi = row_ptr[r], row_ptr[r + 1]
            if a_lo == a_hi:
                continue
            for k in range(backward.shape[0]):
                zz, yy, ext = z + backward[k, 0], y + backward[k, 1], backward[k, 2]
                if zz < 0 or yy < 0 or yy >= ny:
                    continue
                s = zz * ny + yy
                i, j = a_lo, row_ptr[s]
                j_hi = row_ptr[s + 1]
                while i < a_hi and j < j_hi:
                    if x0[i] < x1[j] + ext and x0[j] < x1[i] + ext:
                        ri, rj = _find(parent, i), _find(parent, j)
                        if ri < rj:
                            parent[rj] = ri
                        elif rj < ri:
                            parent[ri] = rj
                    if x1[i] < x1[j]:
                        i += 1
                    else:
                        j += 1
    labels = np.zeros(n, np.int32)
    count = 0
    for i in range(n):
        root = _find(parent, i)
        if root == i:
            count += 1
            labels[i] = count
        else:
            labels[i] = labels[root]
    return labels, count


def connect_runs(runs: Runs, connectivity: int = 26) -> tuple[np.ndarray, int]:
    """Component number (1-based) of every run, and the number of components."""
    if connectivity not in _BACKWARD_ROWS:
        raise ValueError(f"connectivity must be 6, 18 or 26, got {connectivity}")
    nz, ny = runs.shape_zy
    if runs.count == 0:
        return np.zeros(0, np.int32), 0
    labels, count = _connect(runs.row_ptr, runs.x0, runs.x1, nz, ny, _BACKWARD_ROWS[connectivity])
    return labels, int(count)


@dataclass(frozen=True)
class ComponentStats:
    """Per component (index ``k`` = component ``k + 1``): voxel count, index sums, box, first voxel."""

    voxels: np.ndarray  # int64[n]
    index_sum_zyx: np.ndarray  # float64[n, 3]
    box: np.ndarray  # int64[n, 6], half-open z0 z1 y0 y1 x0 x1 (array indices)
    first_zyx: np.ndarray  # int64[n, 3], first voxel in raster order

    @property
    def centroid_zyx(self) -> np.ndarray:
        return self.index_sum_zyx / np.maximum(self.voxels, 1)[:, None]


@kernel()
def _stats(row, x0, x1, labels, n, z0, y0, ny):
    voxels = np.zeros(n, np.int64)
    sums = np.zeros((n, 3), np.float64)
    box = np.empty((n, 6), np.int64)
    first = np.full((n, 3), -1, np.int64)
    for k in range(n):
        box[k, 0] = box[k, 2] = box[k, 4] = 1 << 40
        box[k, 1] = box[k, 3] = box[k, 5] = -(1 << 40)
    for i in range(len(x0)):
        k = labels[i] - 1
        z = z0 + row[i] // ny
        y = y0 + row[i] % ny
        a, b = np.int64(x0[i]), np.int64(x1[i])
        m = b - a
        voxels[k] += m
        sums[k, 0] += z * m
        sums[k, 1] += y * m
        sums[k, 2] += (a + b - 1) * m / 2.0
        box[k, 0] = min(box[k, 0], z)
        box[k, 1] = max(box[k, 1], z + 1)
        box[k, 2] = min(box[k, 2], y)
        box[k, 3] = max(box[k, 3], y + 1)
        box[k, 4] = min(box[k, 4], a)
        box[k, 5] = max(box[k, 5], b)
        if first[k, 0] < 0:
            first[k, 0], first[k, 1], first[k, 2] = z, y, a
    return voxels, sums, box, first


def component_stats(runs: Runs, labels: np.ndarray, n: int) -> ComponentStats:
    """Voxel count, index sums, box and first voxel of each component of ``runs``."""
    ny = max(runs.shape_zy[1], 1)
    voxels, sums, box, first = _stats(runs.row, runs.x0, runs.x1, labels, n, runs.box[0], runs.box[2], ny)
    return ComponentStats(voxels, sums, box, first)


@kernel()
def _paint(out, row, x0, x1, labels, z0, y0, ny, oz, oy, ox):
    for i in range(len(x0)):
        z = z0 + row[i] // ny - oz
        y = y0 + row[i] % ny - oy
        for x in range(x0[i], x1[i]):
            out[z, y, x - ox] = labels[i]


def paint_runs(out: np.ndarray, runs: Runs, values: np.ndarray, origin_zyx: tuple[int, int, int] = (0, 0, 0)) -> None:
    """Write ``values[i]`` over run ``i`` into ``out``, whose voxel [0, 0, 0] is array index ``origin_zyx``."""
    ny = max(runs.shape_zy[1], 1)
    values = np.asarray(values).astype(out.dtype)
    _paint(out, runs.row, runs.x0, runs.x1, values, runs.box[0], runs.box[2], ny, *origin_zyx)


def label_components(mask_runs: Runs, shape_zyx: tuple[int, int, int], connectivity: int = 26) -> tuple[np.ndarray, int]:
    """A full ``int32`` component array (as ``scipy.ndimage.label`` returns) from runs; for tests and tools."""
    labels, n = connect_runs(mask_runs, connectivity)
    out = np.zeros(shape_zyx, np.int32)
    paint_runs(out, mask_runs, labels)
    return out, n
