"""Row runs: a binary mask stored as half-open ``[x0, x1)`` intervals per ``(z, y)`` row of a box.

Connected components, volumes, centroids and sensitivity masks all work on runs: a compact
lesion of N voxels has about N^(2/3) runs, so the union-find touches far less than the voxels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import kernel
from cned_viewer.kernels.boxes import Box


@dataclass(frozen=True)
class Runs:
    """Runs of one mask inside ``box``: row ``r = (z - z0) * ny + (y - y0)`` owns ``row_ptr[r]:row_ptr[r+1]``."""

    box: Box
    row_ptr: np.ndarray  # int64[n_rows + 1]
    x0: np.ndarray  # int32[n_runs], array x index of the first voxel
    x1: np.ndarray  # int32[n_runs], one past the last voxel
    row: np.ndarray  # int32[n_runs], row number (see above)

    @property
    def shape_zy(self) -> tuple[int, int]:
        return (self.box[1] - self.box[0], self.box[3] - self.box[2])

    @property
    def count(self) -> int:
        return len(self.x0)

    def voxel_count(self) -> int:
        return int((self.x1.astype(np.int64) - self.x0).sum())

    def z(self) -> np.ndarray:
        return self.row // max(self.shape_zy[1], 1) + self.box[0]

    def y(self) -> np.ndarray:
        return self.row % max(self.shape_zy[1], 1) + self.box[2]


@kernel(parallel=True)
def _count_runs(arr, z0, z1, y0, y1, x0, x1, lo, hi):
    ny = y1 - y0
    n_rows = (z1 - z0) * ny
    counts = np.zeros(n_rows, np.int64)
    for r in prange(n_rows):
        z = z0 + r // ny
        y = y0 + r % ny
        inside = False
        n = 0
        for x in range(x0, x1):
            v = arr[z, y, x]
            hit = v >= lo and v <= hi
            if hit and not inside:
                n += 1
            inside = hit
        counts[r] = n
    return counts


@kernel(parallel=True)
def _fill_runs(arr, z0, z1, y0, y1, x0, x1, lo, hi, row_ptr, rx0, rx1, rrow):
    ny = y1 - y0
    n_rows = (z1 - z0) * ny
    for r in prange(n_rows):
        z = z0 + r // ny
        y = y0 + r % ny
        k = row_ptr[r]
        inside = False
        for x in range(x0, x1):
            v = arr[z, y, x]
            hit = v >= lo and v <= hi
            if hit and not inside:
                rx0[k] = x
                rrow[k] = r
            elif inside and not hit:
                rx1[k] = x
                k += 1
            inside = hit
        if inside:
            rx1[k] = x1


def extract_runs(arr: np.ndarray, box: Box, lo: int, hi: int | None = None) -> Runs:
    """Runs of voxels with ``lo <= arr <= hi`` (``hi`` defaults to ``lo``) inside ``box``."""
    hi = lo if hi is None else hi
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    if z1 <= z0 or y1 <= y0 or x1 <= x0:
        empty = np.zeros(0, np.int32)
        return Runs((z0, max(z1, z0), y0, max(y1, y0), x0, max(x1, x0)), np.zeros(max((z1 - z0) * (y1 - y0), 0) + 1, np.int64), empty, empty, empty)
    counts = _count_runs(arr, z0, z1, y0, y1, x0, x1, lo, hi)
    row_ptr = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=row_ptr[1:])
    n = int(row_ptr[-1])
    rx0, rx1, rrow = np.empty(n, np.int32), np.empty(n, np.int32), np.empty(n, np.int32)
    _fill_runs(arr, z0, z1, y0, y1, x0, x1, lo, hi, row_ptr, rx0, rx1, rrow)
    return Runs((z0, z1, y0, y1, x0, x1), row_ptr, rx0, rx1, rrow)
