"""Distance and contact of a lesion to a vessel, searched in the lesion's neighbourhood only.

Each vessel's surface voxels are found once per case (lazily, over the vessel's own box) and kept
across edits: an edit of the vessel in box ``B`` can change whether a voxel is a surface voxel only
in ``B`` grown by one voxel (a surface voxel has a 6-neighbour of another value), so the kept
points there are replaced by those found there again (:meth:`VesselSurfaces.changed`).

For one lesion the search starts with the vessel surface points inside the lesion's box grown by
``radius`` (at least the contact threshold) on each side. Every vessel voxel within ``radius`` mm of
a lesion voxel lies in that box (its offset along axis ``k`` is at most ``radius / spacing[k]``
voxels), so a nearest distance ``d <= radius`` found there is the exact one, and every vessel
point within the contact threshold of the lesion is there too (the contact fraction is exact).
Otherwise the search is repeated once with ``radius = d`` (exact by the same argument), or, when
the box held no vessel point, with a radius four times larger, until the box holds the whole
vessel. Results equal a search against the whole vessel surface.
"""

from __future__ import annotations

import math

import numpy as np

from cned_viewer.kernels.boxes import Box, grow_box
from cned_viewer.kernels.pointsets import CellGrid, cell_grid, count_within_sq, min_distance_mm, points_in_box
from cned_viewer.kernels.surface import surface_voxels
from cned_viewer.measure.options import THRESHOLD_SLACK

#: Widening of a box radius so that rounding never leaves out a voxel at exactly that distance.
_RADIUS_SLACK = 1e-9


class VesselSurfaces:
    """Surface voxels of the vessels of one label map, found once and patched per edit."""

    def __init__(self, labels: np.ndarray, spacing_zyx: np.ndarray, threshold_mm: float, first_radius_mm: float) -> None:
        self.labels = labels
        self.spacing = np.asarray(spacing_zyx, np.float64)
        self.threshold = float(threshold_mm)
        self.first_radius = max(float(first_radius_mm), self.threshold)
        self._points: dict[int, np.ndarray] = {}  # value -> int32[n, 3] surface voxels (any order)

    def reset(self) -> None:
        self._points = {}

    def points(self, value: int, vessel_box: Box | None) -> np.ndarray:
        """Every surface voxel of ``value`` (``vessel_box``: the box of its voxels, None when there are none)."""
        if value not in self._points:
            self._points[value] = np.zeros((0, 3), np.int32) if vessel_box is None else surface_voxels(self.labels, vessel_box, value)
        return self._points[value]

    def changed(self, value: int, box: Box) -> None:
        """Follow an edit of ``value`` inside ``box`` in the kept surface (see the module doc)."""
        points = self._points.get(value)
        if points is None:
            return
        grown = grow_box(box, (1, 1, 1), self.labels.shape)
        z0, z1, y0, y1, x0, x1 = grown
        inside = (
            (points[:, 0] >= z0) & (points[:, 0] < z1) & (points[:, 1] >= y0) & (points[:, 1] < y1)
            & (points[:, 2] >= x0) & (points[:, 2] < x1)
        )
        found = surface_voxels(self.labels, grown, value)
        if inside.any() or len(found):
            self._points[value] = np.concatenate([points[~inside], found])

    def _margin(self, radius_mm: float) -> tuple[int, int, int]:
        return tuple(int(math.ceil(radius_mm * (1.0 + _RADIUS_SLACK) / s)) for s in self.spacing)  # type: ignore[return-value]

    def metrics(self, surface: CellGrid, box: Box, value: int, vessel_box: Box | None) -> tuple[float | None, bool, float]:
        """Distance (mm, None without vessel), contact flag and contact fraction of the lesion whose surface
        grid is ``surface`` and whose box is ``box`` to the vessel ``value``."""
        points = self.points(value, vessel_box)
        if vessel_box is None or len(points) == 0 or surface.size == 0:
            return None, False, 0.0
        limit_sq = self.threshold * self.threshold * (1.0 + THRESHOLD_SLACK)
        radius = self.first_radius
        while True:
            search = grow_box(box, self._margin(radius), self.labels.shape)
            whole = all(search[2 * k] <= vessel_box[2 * k] and search[2 * k + 1] >= vessel_box[2 * k + 1] for k in range(3))
            grid = cell_grid(points if whole else points_in_box(points, search), self.spacing)
            distance = min_distance_mm(surface, grid)
            if whole or (distance is not None and distance <= radius):
                break
            radius = distance if distance is not None else 4.0 * radius
        fraction = count_within_sq(surface, grid, limit_sq) / surface.size
        return distance, distance is not None and distance * distance <= limit_sq, fraction
