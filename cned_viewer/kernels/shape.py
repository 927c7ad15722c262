"""Per-object shape: surface voxels, largest 3D (Feret) and axial in-plane diameters.

Diameters are exact largest distances between voxel centres. Only convex-hull vertices can end
a largest distance, and a hull vertex is necessarily the end of its run along x, y and z, so
the candidates are the voxels whose two neighbours on every axis are not both in the object
(for the axial diameter: on x and y within the slice). The pair search sorts candidates by
distance from the centroid and stops once two radii cannot beat the best pair (triangle
inequality), which leaves exact results with few pair evaluations.
"""

from __future__ import annotations

import numpy as np

from cned_viewer.kernels._jit import kernel


@kernel()
def _order_descending(values):
    """Indices that sort ``values`` from largest to smallest (a heap sort: plain loops compile fast,
    where ``np.argsort`` would compile numba's quicksort; ties may come in any order)."""
    n = values.shape[0]
    order = np.arange(n)
    for end in range(n - 1, -1, -1):  # a min-heap on values, then extract the smallest to the back
        if end == n - 1:
            for root in range(n // 2 - 1, -1, -1):
                _sift_down(values, order, root, n)
        order[0], order[end] = order[end], order[0]
        _sift_down(values, order, np.int64(0), end)
    return order


@kernel()
def _sift_down(values, order, root, size):
    while True:
        child = 2 * root + 1
        if child >= size:
            return
        if child + 1 < size and values[order[child + 1]] < values[order[child]]:
            child += 1
        if values[order[child]] < values[order[root]]:
            order[root], order[child] = order[child], order[root]
            root = child
        else:
            return


@kernel()
def _largest_distance(points):
    """Exact largest Euclidean distance between rows of ``points`` (mm)."""
    n = points.shape[0]
    if n < 2:
        return 0.0
    centre = np.zeros(3)
    for i in range(n):
        for a in range(3):
            centre[a] += points[i, a] / n
    radius = np.empty(n)
    for i in range(n):
        r_sq = 0.0
        for a in range(3):
            r_sq += (points[i, a] - centre[a]) ** 2
        radius[i] = np.sqrt(r_sq)
    order = _order_descending(radius)
    best_sq = 0.0
    best = 0.0
    for ii in range(n):
        i = order[ii]
        if (radius[i] + radius[order[0]]) * (1.0 + 1e-9) < best:
            break
        for jj in range(ii + 1, n):
            j = order[jj]
            if (radius[i] + radius[j]) * (1.0 + 1e-9) < best:
                break
            d0 = points[i, 0] - points[j, 0]
            d1 = points[i, 1] - points[j, 1]
            d2 = points[i, 2] - points[j, 2]
            d_sq = d0 * d0 + d1 * d1 + d2 * d2
            if d_sq > best_sq:
                best_sq = d_sq
                best = np.sqrt(d_sq)
    return best


@kernel()
def object_shape(mask, origin_zyx, spacing_zyx):
    """Surface voxels (array indices), Feret and axial diameters (mm) of the nonzero voxels of ``mask``.

    ``mask`` must have an empty one-voxel margin on every side; ``origin_zyx`` is the array index
    of ``mask[0, 0, 0]``. Surface voxels are those with a 6-neighbour outside the object.
    """
    nz, ny, nx = mask.shape
    n = 0
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                if mask[z, y, x]:
                    n += 1
    surface = np.empty((n, 3), np.int32)
    hull = np.empty((n, 3), np.float64)
    plane = np.empty((n, 3), np.float64)
    n_surface = 0
    n_hull = 0
    axial = 0.0
    sz, sy, sx = spacing_zyx[0], spacing_zyx[1], spacing_zyx[2]
    for z in range(1, nz - 1):
        n_plane = 0
        for y in range(1, ny - 1):
            for x in range(1, nx - 1):
                if not mask[z, y, x]:
                    continue
                end_x = not (mask[z, y, x - 1] and mask[z, y, x + 1])
                end_y = not (mask[z, y - 1, x] and mask[z, y + 1, x])
                end_z = not (mask[z - 1, y, x] and mask[z + 1, y, x])
                if end_x or end_y or end_z:
                    surface[n_surface, 0] = z + origin_zyx[0]
                    surface[n_surface, 1] = y + origin_zyx[1]
                    surface[n_surface, 2] = x + origin_zyx[2]
                    n_surface += 1
                if end_x and end_y:
                    plane[n_plane, 0] = 0.0
                    plane[n_plane, 1] = y * sy
                    plane[n_plane, 2] = x * sx
                    n_plane += 1
                    if end_z:
                        hull[n_hull, 0] = z * sz
                        hull[n_hull, 1] = y * sy
                        hull[n_hull, 2] = x * sx
                        n_hull += 1
        if n_plane > 1:
            axial = max(axial, _largest_distance(plane[:n_plane]))
    return surface[:n_surface].copy(), _largest_distance(hull[:n_hull]), axial


@kernel()
def _paint_component(mask, row, x0, x1, indices, z0, y0, ny, oz, oy, ox):
    for i in indices:
        z = z0 + row[i] // ny - oz
        y = y0 + row[i] % ny - oy
        for x in range(x0[i], x1[i]):
            mask[z, y, x - ox] = 1


def component_mask(runs, run_indices: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The uint8 mask of the runs ``run_indices`` on their ``box`` plus a one-voxel margin, and its origin."""
    origin = (int(box[0]) - 1, int(box[2]) - 1, int(box[4]) - 1)
    shape = (int(box[1] - box[0]) + 2, int(box[3] - box[2]) + 2, int(box[5] - box[4]) + 2)
    mask = np.zeros(shape, np.uint8)
    ny = max(runs.shape_zy[1], 1)
    _paint_component(mask, runs.row, runs.x0, runs.x1, run_indices, runs.box[0], runs.box[2], ny, *origin)
    return mask, origin


@kernel()
def values_under_runs(values, row, x0, x1, indices, z0, y0, ny):
    """Which values (``bool[256]``) the uint8 array ``values`` holds under the given runs."""
    seen = np.zeros(256, np.bool_)
    for i in indices:
        z = z0 + row[i] // ny
        y = y0 + row[i] % ny
        for x in range(x0[i], x1[i]):
            seen[values[z, y, x]] = True
    return seen
