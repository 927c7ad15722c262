"""Resection margins: how much liver lies between a removed lesion and the cut (mm).

Margin convention (R0 needs >= :data:`R0_MARGIN_MM`):

* Only a **removed** lesion (every voxel resected) has a margin; a lesion the cut crosses has
  0 mm, one left in the remnant has none (``None``).
* **Voxels** (any plan): the shortest gap between the lesion's voxels and a remnant voxel, both
  taken as boxes: along the segment joining the two centres, the part outside both voxels. Two
  voxels that touch (by a face, an edge or a corner) have 0 mm; a lesion ending ``k`` voxels before
  a face-parallel cut has ``k`` voxels of liver, ``k x spacing`` mm. The closest pair is searched by
  centre distance (a KD-tree of the remnant's surface voxels), so the result is within one voxel
  of the exact gap.
* **Plane** (a plan that is one cutting plane and nothing else): the exact distance from the
  lesion's voxel boxes to the plane, ``min(centre . n) - offset - half_extent``, clamped at 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

R0_MARGIN_MM = 1.0
_CROSS = ndimage.generate_binary_structure(3, 1)


def plane_margin_mm(min_projection_mm: float, offset_mm: float, half_extent_mm: float) -> float:
    """Distance (mm) from a lesion whose voxel centres project at least ``min_projection_mm`` to the plane."""
    return max(0.0, min_projection_mm - offset_mm - half_extent_mm)


def surface_voxels(zyx: np.ndarray) -> np.ndarray:
    """The voxels of a set (``int[n, 3]``) with a 6-neighbour outside it: the only ones a nearest pair can use."""
    if len(zyx) == 0:
        return zyx
    low = zyx.min(axis=0) - 1
    mask = np.zeros(tuple(zyx.max(axis=0) - low + 2), bool)
    mask[tuple((zyx - low).T)] = True
    return np.argwhere(mask & ~ndimage.binary_erosion(mask, _CROSS)) + low


def voxel_gap_mm(offsets: np.ndarray, spacing_zyx_mm: np.ndarray) -> np.ndarray:
    """Gap between voxel boxes whose centres differ by integer ``offsets`` (``int[n, 3]``): the centre
    distance times ``1 - 1 / max |offset|`` (0 for touching voxels)."""
    steps = np.abs(offsets).max(axis=1)
    distance = np.linalg.norm(offsets * spacing_zyx_mm, axis=1)
    return np.where(steps > 0, distance * (1.0 - 1.0 / np.maximum(steps, 1)), 0.0)


class RemnantDistance:
    """Margins of lesions to one remnant (a mask on a box, module doc: voxels)."""

    def __init__(self, remnant: np.ndarray, origin_zyx: np.ndarray, spacing_zyx_mm: tuple[float, float, float]) -> None:
        self.spacing = np.asarray(spacing_zyx_mm, float)
        surface = np.argwhere(remnant & ~ndimage.binary_erosion(remnant, _CROSS, border_value=0))
        self.points = surface + np.asarray(origin_zyx)
        self.tree = cKDTree(self.points * self.spacing) if len(self.points) else None

    def margin_mm(self, lesion_surface_zyx: np.ndarray) -> float | None:
        """Smallest gap from the lesion (its surface voxels, absolute indices) to the remnant; None without remnant."""
        if self.tree is None or len(lesion_surface_zyx) == 0:
            return None
        _, nearest = self.tree.query(lesion_surface_zyx * self.spacing)
        return float(voxel_gap_mm(self.points[nearest] - lesion_surface_zyx, self.spacing).min())


def margins_to_remnant(remnant: np.ndarray, origin_zyx: np.ndarray, spacing_zyx_mm: tuple[float, float, float],
                       surfaces: Sequence[np.ndarray]) -> list[float | None]:
    """:meth:`RemnantDistance.margin_mm` of each lesion surface (the tree is built only when one is asked)."""
    if not surfaces:
        return []
    distance = RemnantDistance(remnant, origin_zyx, spacing_zyx_mm)
    return [distance.margin_mm(surface) for surface in surfaces]
