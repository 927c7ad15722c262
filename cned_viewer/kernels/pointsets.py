"""Exact distances between two voxel point sets (mm), pruned with a grid of cells.

Points are voxel indices (z, y, x); a distance is ``sqrt(sum((d_index * spacing)^2))`` computed
from integer index differences, so equal voxel offsets give bit-identical distances (a contact
threshold equal to a voxel diagonal flips exactly there). Both sets are sorted into cells of
about ``cell_mm`` (default 6 mm) with tight bounding boxes. Point pairs are
only compared inside cell pairs whose boxes are closer than the best distance so far; the search
starts with the closest pair of cell boxes, so the bound is tight from the start. Results are
exact (no band, no approximation): the pruning only skips pairs that cannot win.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.kernels._jit import kernel

DEFAULT_CELL_MM = 6.0


@dataclass(frozen=True)
class CellGrid:
    """Voxel indices sorted by cell, with their spacing; cell ``c`` holds ``points[start[c]:start[c+1]]`` inside ``lo[c]..hi[c]``."""

    points: np.ndarray  # float64[n, 3], voxel indices (z, y, x)
    spacing_zyx: np.ndarray  # float64[3], mm
    start: np.ndarray  # int64[n_cells + 1]
    lo: np.ndarray  # float64[n_cells, 3]
    hi: np.ndarray  # float64[n_cells, 3]

    @property
    def size(self) -> int:
        return len(self.points)


@kernel()
def _cell_keys(points, cell_voxels):
    """The cell key of every point (cells numbered in raster order of a grid that holds every point)."""
    n = points.shape[0]
    dims = np.empty(3, np.int64)
    for a in range(3):
        dims[a] = np.int64(points[:, a].max() / cell_voxels[a]) + 1
    keys = np.empty(n, np.int64)
    for i in range(n):  # points and cell sizes are non-negative whole numbers: a truncated quotient is the floor
        k = 0
        for a in range(3):
            k = k * dims[a] + np.int64(points[i, a] / cell_voxels[a])
        keys[i] = k
    return keys


@kernel()
def _cells(sorted_points, sorted_keys):
    """Start index and tight bounds of each cell of points sorted by cell key."""
    n = sorted_points.shape[0]
    n_cells = 1
    for i in range(1, n):
        if sorted_keys[i] != sorted_keys[i - 1]:
            n_cells += 1
    start = np.empty(n_cells + 1, np.int64)
    lo = np.empty((n_cells, 3))
    hi = np.empty((n_cells, 3))
    c = -1
    for i in range(n):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            c += 1
            start[c] = i
            for a in range(3):
                lo[c, a] = sorted_points[i, a]
                hi[c, a] = sorted_points[i, a]
        for a in range(3):
            lo[c, a] = min(lo[c, a], sorted_points[i, a])
            hi[c, a] = max(hi[c, a], sorted_points[i, a])
    start[n_cells] = n
    return start, lo, hi


def cell_grid(index_zyx: np.ndarray, spacing_zyx_mm, cell_mm: float = DEFAULT_CELL_MM) -> CellGrid:
    """Sort voxel indices ``index_zyx`` (``[n, 3]``, non-negative) into cells of about ``cell_mm``."""
    points = np.ascontiguousarray(index_zyx, dtype=np.float64).reshape(-1, 3)
    spacing = np.asarray(spacing_zyx_mm, dtype=np.float64)
    if len(points) == 0:
        return CellGrid(points, spacing, np.zeros(1, np.int64), np.zeros((0, 3)), np.zeros((0, 3)))
    cell_voxels = np.maximum(np.round(cell_mm / spacing), 1.0)
    keys = _cell_keys(points, cell_voxels)
    order = np.argsort(keys, kind="stable")  # numpy's radix sort: no sort compiled into the kernels (cold start)
    sorted_points = np.ascontiguousarray(points[order])
    start, lo, hi = _cells(sorted_points, np.ascontiguousarray(keys[order]))
    return CellGrid(sorted_points, spacing, start, lo, hi)


@kernel()
def _points_in_box(points, z0, z1, y0, y1, x0, x1):
    n = 0
    keep = np.empty(points.shape[0], np.bool_)
    for i in range(points.shape[0]):
        z, y, x = points[i, 0], points[i, 1], points[i, 2]
        keep[i] = z >= z0 and z < z1 and y >= y0 and y < y1 and x >= x0 and x < x1
        n += keep[i]
    out = np.empty((n, 3), np.int32)
    k = 0
    for i in range(points.shape[0]):
        if keep[i]:
            out[k, 0] = points[i, 0]
            out[k, 1] = points[i, 1]
            out[k, 2] = points[i, 2]
            k += 1
    return out


def points_in_box(points: np.ndarray, box) -> np.ndarray:
    """The rows of ``points`` (``int32[n, 3]`` voxel indices z, y, x) inside ``box``, in their order."""
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    return _points_in_box(np.ascontiguousarray(points, np.int32), z0, z1, y0, y1, x0, x1)


@kernel()
def _box_gap_sq(lo_a, hi_a, lo_b, hi_b, sp):
    total = 0.0
    for k in range(3):
        gap = max(lo_b[k] - hi_a[k], lo_a[k] - hi_b[k], 0.0) * sp[k]
        total += gap * gap
    return total


@kernel()
def _pair_min_sq(pa, a0, a1, pb, b0, b1, best, sp):
    for i in range(a0, a1):
        for j in range(b0, b1):
            d0 = (pa[i, 0] - pb[j, 0]) * sp[0]
            d1 = (pa[i, 1] - pb[j, 1]) * sp[1]
            d2 = (pa[i, 2] - pb[j, 2]) * sp[2]
            d = d0 * d0 + d1 * d1 + d2 * d2
            if d < best:
                best = d
    return best


@kernel()
def _min_distance_sq(pa, sa, loa, hia, pb, sb, lob, hib, sp):
    na, nb = len(sa) - 1, len(sb) - 1
    gaps = np.empty((na, nb))
    best = np.inf
    first_a, first_b = 0, 0
    for i in range(na):
        for j in range(nb):
            g = _box_gap_sq(loa[i], hia[i], lob[j], hib[j], sp)
            gaps[i, j] = g
            if g < best:
                best, first_a, first_b = g, i, j
    best = _pair_min_sq(pa, sa[first_a], sa[first_a + 1], pb, sb[first_b], sb[first_b + 1], np.inf, sp)
    for i in range(na):
        for j in range(nb):
            if gaps[i, j] < best:
                best = _pair_min_sq(pa, sa[i], sa[i + 1], pb, sb[j], sb[j + 1], best, sp)
    return best


def min_distance_mm(a: CellGrid, b: CellGrid) -> float | None:
    """Smallest distance between a point of ``a`` and one of ``b`` (None when either is empty)."""
    if a.size == 0 or b.size == 0:
        return None
    return float(np.sqrt(_min_distance_sq(a.points, a.start, a.lo, a.hi, b.points, b.start, b.lo, b.hi, a.spacing_zyx)))


@kernel()
def _count_within(pa, sa, loa, hia, pb, sb, lob, hib, limit_sq, sp):
    na, nb = len(sa) - 1, len(sb) - 1
    near = np.empty(nb, np.int64)
    count = 0
    for i in range(na):
        n_near = 0
        for j in range(nb):
            if _box_gap_sq(loa[i], hia[i], lob[j], hib[j], sp) <= limit_sq:
                near[n_near] = j
                n_near += 1
        if n_near == 0:
            continue
        for p in range(sa[i], sa[i + 1]):
            found = False
            for jj in range(n_near):
                j = near[jj]
                for q in range(sb[j], sb[j + 1]):
                    d0 = (pa[p, 0] - pb[q, 0]) * sp[0]
                    d1 = (pa[p, 1] - pb[q, 1]) * sp[1]
                    d2 = (pa[p, 2] - pb[q, 2]) * sp[2]
                    if d0 * d0 + d1 * d1 + d2 * d2 <= limit_sq:
                        found = True
                        break
                if found:
                    break
            if found:
                count += 1
    return count


def count_within_sq(a: CellGrid, b: CellGrid, limit_sq_mm2: float) -> int:
    """How many points of ``a`` have a point of ``b`` whose squared distance is at most ``limit_sq_mm2``."""
    if a.size == 0 or b.size == 0:
        return 0
    return int(_count_within(a.points, a.start, a.lo, a.hi, b.points, b.start, b.lo, b.hi, float(limit_sq_mm2), a.spacing_zyx))
