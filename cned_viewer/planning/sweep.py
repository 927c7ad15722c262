"""The fast path: one cutting plane moved along its normal, figures in O(log N) per move.

For a plan that is one plane and nothing else, the voxels removed at offset ``t`` are those whose
centre projects beyond ``t`` on the normal. Once per normal, the projections of the functional
liver's voxels are sorted and each lesion's smallest and largest projection kept; a move is then a
``searchsorted`` (the resected count) and a comparison per lesion (status and plane margin). The
projections come from :func:`~cned_viewer.planning.region.projection_mm`, the formula the general
path uses, so both give the same figures to the bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.geometry import Geometry
from cned_viewer.planning.figures import CROSSING, PLANE_MARGINS, REMNANT, REMOVED, LesionStatus, PlanFigures, plan_figures
from cned_viewer.planning.lesions import LesionVoxels
from cned_viewer.planning.margins import plane_margin_mm
from cned_viewer.planning.plan import CutPlane
from cned_viewer.planning.region import LiverRegion, half_extent_mm, projection_mm


def projection_ranges(geometry: Geometry, normal_xyz: tuple[float, float, float],
                      lesions: Sequence[LesionVoxels]) -> np.ndarray:
    """``float[n, 2]``: each lesion's smallest and largest voxel-centre projection on ``normal``."""
    projections = [projection_mm(geometry, normal_xyz, *lesion.columns()) for lesion in lesions]
    return np.array([(p.min(), p.max()) for p in projections], float).reshape(-1, 2)


def plane_statuses(ranges: np.ndarray, ids: Sequence[int], offset_mm: float, half_extent: float) -> list[LesionStatus]:
    """Each lesion's status and plane margin from its ``[min, max]`` projection (``ranges``: float[n, 2])."""
    out = []
    for number, (low, high) in zip(ids, ranges):
        if low > offset_mm:
            out.append(LesionStatus(number, REMOVED, plane_margin_mm(float(low), offset_mm, half_extent)))
        elif high > offset_mm:
            out.append(LesionStatus(number, CROSSING, 0.0))
        else:
            out.append(LesionStatus(number, REMNANT, None))
    return out


class PlaneSweep:
    """Figures of single-plane plans with one normal, at any offset (module doc)."""

    def __init__(self, region: LiverRegion, lesions: Sequence[LesionVoxels], normal_xyz: tuple[float, float, float],
                 warnings: Sequence[str] = ()) -> None:
        self.geometry = region.geometry
        self.normal_xyz = CutPlane((0.0, 0.0, 0.0), normal_xyz).normal_xyz
        z, y, x = np.nonzero(region.functional)
        origin = region.origin
        self.projections = np.sort(projection_mm(self.geometry, self.normal_xyz, z + origin[0], y + origin[1], x + origin[2]))
        self.ids = [lesion.id for lesion in lesions]
        self.ranges = projection_ranges(self.geometry, self.normal_xyz, lesions)
        self.half_extent = half_extent_mm(self.geometry, self.normal_xyz)
        self.warnings = tuple(warnings)

    def plane_at(self, offset_mm: float) -> CutPlane:
        """The plane of this normal whose offset is ``offset_mm`` (through ``offset x normal``)."""
        return CutPlane(tuple(offset_mm * n for n in self.normal_xyz), self.normal_xyz)

    def figures(self, plane: CutPlane, clinical: ClinicalData | None = None) -> PlanFigures:
        """The figures of the plan made of ``plane`` alone (its normal must be this sweep's)."""
        if plane.normal_xyz != self.normal_xyz:  # a moved plane keeps its normal bit for bit (CutPlane.moved)
            raise ValueError(f"this sweep follows normal {self.normal_xyz}, not {plane.normal_xyz}")
        offset = plane.offset_mm
        functional = len(self.projections)
        resected = functional - int(np.searchsorted(self.projections, offset, side="right"))
        statuses = plane_statuses(self.ranges, self.ids, offset, self.half_extent)
        return plan_figures(functional, resected, self.geometry.voxel_volume_ml, statuses, clinical or ClinicalData(),
                            PLANE_MARGINS, self.warnings)
