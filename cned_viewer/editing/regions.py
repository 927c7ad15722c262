"""Connected regions of a label array, on run-length kernels: components, bounding boxes, holes.

Holes of a mask are the voxels outside it that no path of outside voxels links to the border
of the array: 6-connected in 3D, 4-connected within one slice (the definition of
``scipy.ndimage.binary_fill_holes``).
"""

from __future__ import annotations

import numpy as np

from cned_viewer.editing.brush import PLANE_AXIS, Plane
from cned_viewer.kernels.boxes import Box
from cned_viewer.kernels.components import component_stats, connect_runs, paint_runs
from cned_viewer.kernels.runs import Runs, extract_runs


def value_runs(labels: np.ndarray, value: int, box: Box | None = None) -> Runs:
    """Runs of ``labels == value`` inside ``box`` (default: the whole array)."""
    nz, ny, nx = labels.shape
    return extract_runs(labels, box or (0, nz, 0, ny, 0, nx), int(value))


def runs_box(runs: Runs) -> Box | None:
    """The bounding box of the runs (None when there are none)."""
    if runs.count == 0:
        return None
    z, y = runs.z(), runs.y()
    return (int(z.min()), int(z.max()) + 1, int(y.min()), int(y.max()) + 1, int(runs.x0.min()), int(runs.x1.max()))


def select_runs(runs: Runs, keep: np.ndarray) -> Runs:
    """The runs where ``keep`` (bool per run) is True."""
    return Runs(runs.box, runs.row_ptr, runs.x0[keep], runs.x1[keep], runs.row[keep])


def fill_runs(out: np.ndarray, runs: Runs, value: int, origin_zyx: tuple[int, int, int] = (0, 0, 0)) -> None:
    """Write ``value`` over ``runs`` into ``out``, whose voxel [0, 0, 0] is array index ``origin_zyx``."""
    paint_runs(out, runs, np.full(runs.count, value, out.dtype), origin_zyx)


def component_at(labels: np.ndarray, seed_zyx: tuple[int, int, int], connectivity: int = 26) -> Runs | None:
    """The runs of the connected component of ``labels[seed]``'s value holding ``seed`` (None on background)."""
    z, y, x = seed_zyx
    value = int(labels[z, y, x])
    if value == 0:
        return None
    runs = value_runs(labels, value)
    numbers, _ = connect_runs(runs, connectivity)
    row = z * labels.shape[1] + y
    lo, hi = runs.row_ptr[row], runs.row_ptr[row + 1]
    hit = lo + int(np.flatnonzero((runs.x0[lo:hi] <= x) & (x < runs.x1[lo:hi]))[0])
    return select_runs(runs, numbers == numbers[hit])


def small_components(labels: np.ndarray, value: int, max_voxels: int, connectivity: int = 26) -> Runs:
    """The runs of the components of ``value`` with at most ``max_voxels`` voxels."""
    runs = value_runs(labels, value)
    numbers, count = connect_runs(runs, connectivity)
    if count == 0:
        return runs
    small = component_stats(runs, numbers, count).voxels <= max_voxels
    return select_runs(runs, small[numbers - 1])


def holes(mask: np.ndarray, plane: Plane | None = None) -> np.ndarray:
    """``bool`` like ``mask``: the holes of ``mask`` in 3D (``plane=None``) or slice by slice in ``plane``."""
    axis = 0 if plane is None else PLANE_AXIS[plane]
    moved = np.moveaxis(mask, axis, 0)
    nz, ny, nx = moved.shape
    if plane is None:  # pad every side: the border shell is one outside region
        gaps = np.ones((nz + 2, ny + 2, nx + 2), np.uint8)
        gaps[1:-1, 1:-1, 1:-1] = ~moved
    else:  # pad in-plane only; a separator slice (no gaps) between slices keeps them apart
        gaps = np.zeros((2 * nz - 1, ny + 2, nx + 2), np.uint8)
        gaps[::2] = 1
        gaps[::2, 1:-1, 1:-1] = ~moved
    runs = extract_runs(gaps, (0, gaps.shape[0], 0, gaps.shape[1], 0, gaps.shape[2]), 1)
    numbers, count = connect_runs(runs, 6)
    found = np.zeros(gaps.shape, np.uint8)
    if count:
        enclosed = component_stats(runs, numbers, count).box[:, 2] > 0  # the border region holds row y = 0
        fill_runs(found, select_runs(runs, enclosed[numbers - 1]), 1)
    inner = found[1:-1, 1:-1, 1:-1] if plane is None else found[::2, 1:-1, 1:-1]
    return np.moveaxis(inner.astype(bool), 0, axis)
