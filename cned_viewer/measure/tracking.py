"""Connected components of a mask kept across edits, as row runs with their statistics.

:class:`ComponentTracker` redoes, after an edit inside a dirty box, only the components the edit can
reach (see :mod:`cned_viewer.measure.lesions` for the argument); the lesion engine keeps three of
them (tumour, eroded and dilated masks) and the 3D model one (the tumour, meshed per component).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cned_viewer.kernels.boxes import Box, box_is_empty, boxes_intersect, grow_box, union_box
from cned_viewer.kernels.components import component_stats, connect_runs
from cned_viewer.kernels.pointsets import CellGrid
from cned_viewer.kernels.runs import Runs


@dataclass
class Component:
    """One component of a mask: its runs (absolute z, y, x0, x1) and statistics; lesion results when counted."""

    box: Box
    voxels: int
    index_sum: np.ndarray  # float64[3]
    first_raster: int
    z: np.ndarray
    y: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    feret: float = 0.0
    axial: float = 0.0
    surface: CellGrid | None = None
    vessels: dict = field(default_factory=dict)  # name -> (distance, contact, fraction)
    segments: tuple[int, ...] | None = None
    liver: str | None = None  # where it lies: outside.TOUCHES, ENCLOSED or OUTSIDE (None: not decided yet)

    def first_voxel(self, shape_zyx: tuple[int, int, int]) -> Box:
        """The one-voxel box of the component's first voxel in raster order."""
        z, y, x = (int(v) for v in np.unravel_index(self.first_raster, shape_zyx))
        return (z, z + 1, y, y + 1, x, x + 1)

    def touches(self, g: Box) -> bool:
        """Whether a voxel of the component lies in box ``g``."""
        if not boxes_intersect(self.box, g):
            return False
        hit = (self.z >= g[0]) & (self.z < g[1]) & (self.y >= g[2]) & (self.y < g[3]) & (self.x0 < g[5]) & (self.x1 > g[4])
        return bool(hit.any())

    def runs(self) -> Runs:
        """The component as :class:`Runs` on its own box (for the shape and segment kernels)."""
        z0, z1, y0, y1 = self.box[:4]
        ny = y1 - y0
        row = ((self.z - z0) * ny + (self.y - y0)).astype(np.int32)
        return Runs(self.box, np.zeros(1, np.int64), self.x0, self.x1, row)


def components_of(runs: Runs, connectivity: int, shape_zyx: tuple[int, int, int], only_touching: Box | None = None) -> list[Component]:
    """The components of ``runs``; with ``only_touching``, only those with a voxel in that box."""
    run_labels, n = connect_runs(runs, connectivity)
    if n == 0:
        return []
    stats = component_stats(runs, run_labels, n)
    ny = max(runs.shape_zy[1], 1)
    z_all = (runs.row // ny + runs.box[0]).astype(np.int32)
    y_all = (runs.row % ny + runs.box[2]).astype(np.int32)
    order = np.argsort(run_labels, kind="stable")
    starts = np.searchsorted(run_labels[order], np.arange(1, n + 2))
    raster = np.ravel_multi_index(tuple(stats.first_zyx.T), shape_zyx)
    out = []
    for k in range(n):
        if only_touching is not None and not boxes_intersect(tuple(int(v) for v in stats.box[k]), only_touching):
            continue
        members = order[starts[k]:starts[k + 1]]
        comp = Component(
            tuple(int(v) for v in stats.box[k]), int(stats.voxels[k]), stats.index_sum_zyx[k].copy(), int(raster[k]),
            z_all[members], y_all[members], runs.x0[members], runs.x1[members],
        )
        if only_touching is None or comp.touches(only_touching):
            out.append(comp)
    return out


def shift_runs(runs: Runs, box: Box) -> Runs:
    """Runs found in an array cut out at ``box`` as runs of the whole array."""
    return Runs(box, runs.row_ptr, runs.x0 + np.int32(box[4]), runs.x1 + np.int32(box[4]), runs.row)


class ComponentTracker:
    """The components of one mask, updated in a region (see the module doc)."""

    def __init__(self, connectivity: int, shape_zyx: tuple[int, int, int], extract) -> None:
        self.connectivity = connectivity
        self.shape = shape_zyx
        self.extract = extract  # box -> Runs of the mask in that box (absolute coordinates)
        self.components: list[Component] = []

    def rebuild(self, box: Box | None) -> list[Component]:
        self.components = [] if box is None or box_is_empty(box) else components_of(self.extract(box), self.connectivity, self.shape)
        return self.components

    def update(self, dirty: Box) -> list[Component]:
        """Redo the components the mask change inside ``dirty`` can reach; returns the new ones."""
        reach = grow_box(dirty, (1, 1, 1), self.shape)
        kept, region = [], dirty
        for comp in self.components:
            if comp.touches(reach):
                region = union_box(region, comp.box)
            else:
                kept.append(comp)
        new = components_of(self.extract(region), self.connectivity, self.shape, only_touching=reach)
        self.components = kept + new
        return new

    def within(self, outside: list[Component]) -> list[Component]:
        """This mask's components, less those lying in a tumour component outside the liver."""
        if not outside:
            return self.components
        return [c for c in self.components if not any(o.touches(c.first_voxel(self.shape)) for o in outside)]

    def counted(self, min_voxels: float, outside: list[Component]) -> int:
        return sum(1 for c in self.within(outside) if c.voxels >= min_voxels)

    def voxels(self, outside: list[Component]) -> int:
        return sum(c.voxels for c in self.within(outside))
