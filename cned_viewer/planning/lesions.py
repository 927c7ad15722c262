"""The lesions a plan is checked against: the viewer's numbered lesions as voxel lists, and their status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cned_viewer.measure.lesion_numbering import Component, voxel_keys
from cned_viewer.planning.figures import CROSSING, REMNANT, REMOVED
from cned_viewer.planning.margins import surface_voxels


@dataclass(frozen=True, eq=False)
class LesionVoxels:
    """One lesion: its number, its voxels and surface voxels (``int64[n, 3]``, absolute ``z, y, x``)."""

    id: int
    zyx: np.ndarray
    surface: np.ndarray

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.zyx[:, 0], self.zyx[:, 1], self.zyx[:, 2]


def lesion_voxels(components: Mapping[int, Component], shape_zyx: tuple[int, int, int]) -> list[LesionVoxels]:
    """The lesions, by number, from their components (``IncrementalMeasurer.lesion_components``)."""
    out = []
    for number, comp in sorted(components.items()):
        zyx = np.stack(np.unravel_index(voxel_keys(comp, shape_zyx), shape_zyx), axis=1).astype(np.int64)
        out.append(LesionVoxels(int(number), zyx, surface_voxels(zyx)))
    return out


def status_of(resected: np.ndarray) -> str:
    """:data:`REMOVED` when every voxel is resected, :data:`REMNANT` when none is, else :data:`CROSSING`."""
    return REMOVED if resected.all() else CROSSING if resected.any() else REMNANT
