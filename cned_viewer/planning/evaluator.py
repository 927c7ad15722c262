"""``PlanEvaluator``: built once per case, it gives any plan's figures (the general path) and plane sweeps.

It holds the liver of the TLVR (:mod:`cned_viewer.planning.region`) and the lesions numbered as the
viewer numbers them: the components of an :class:`~cned_viewer.measure.IncrementalMeasurer`, the
session's own when it has one. A plan is evaluated with numpy over the liver's box (segments,
planes and overrides in any mix); :meth:`PlanEvaluator.sweep` gives the O(log N) path for one
plane moved along its normal (:mod:`cned_viewer.planning.sweep`).
"""

from __future__ import annotations

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import LabelMap
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions
from cned_viewer.planning.figures import CROSSING, PLANE_MARGINS, REMNANT, REMOVED, VOXEL_MARGINS, LesionStatus, PlanFigures, plan_figures
from cned_viewer.planning.lesions import LesionVoxels, lesion_voxels, status_of
from cned_viewer.planning.margins import margins_to_remnant
from cned_viewer.planning.plan import CutPlane, ResectionPlan
from cned_viewer.planning.region import (
    LiverRegion,
    check_overrides,
    half_extent_mm,
    liver_region,
    resected_by_rule,
    resected_mask,
)
from cned_viewer.planning.sweep import PlaneSweep, plane_statuses, projection_ranges


class PlanEvaluator:
    """The figures of any plan on one case (module doc)."""

    def __init__(self, region: LiverRegion, lesions: list[LesionVoxels], warnings: tuple[str, ...] = ()) -> None:
        self.region = region
        self.lesions = lesions
        self.warnings = warnings
        self.functional_voxels = int(np.count_nonzero(region.functional))

    @classmethod
    def from_measurer(cls, measurer: IncrementalMeasurer, labels: LabelMap, segments: LabelMap | None = None) -> PlanEvaluator:
        """From the measurer of ``labels``, refreshed first if an edit made its lesions stale (so in the app, build it
        where the measurer may be refreshed: the session's refresher channel)."""
        if not measurer.measures(labels.array):
            raise ValueError("the measurer follows another label array")
        measured = measurer.refresh()
        region = liver_region(labels, segments, measurer.outside_components())
        lesions = lesion_voxels(measurer.lesion_components(), labels.array.shape)
        tiny = len(measured.lesion_set.tiny_lesions)
        warnings = (f"{tiny} tiny tumour component{'s' if tiny > 1 else ''} (below the minimum lesion volume) "
                    "not checked against the plan",) if tiny else ()
        return cls(region, lesions, warnings + measured.lesion_set.warnings())

    @classmethod
    def for_case(cls, case: Case, options: MeasureOptions | None = None) -> PlanEvaluator:
        """From a new measurer of ``case`` (lesions numbered as a fresh measurement numbers them)."""
        if case.labels is None:
            raise ValueError("the case has no label map to plan on")
        return cls.from_measurer(IncrementalMeasurer(case, options), case.labels, case.segments)

    @property
    def has_segments(self) -> bool:
        return self.region.segments is not None

    def resected_mask(self, plan: ResectionPlan) -> np.ndarray:
        """The liver voxels the plan resects, on ``region.box``."""
        return resected_mask(plan, self.region)

    def lesion_resected(self, plan: ResectionPlan, lesion: LesionVoxels) -> np.ndarray:
        """Which voxels of ``lesion`` the plan resects."""
        z, y, x = lesion.columns()
        origin = self.region.origin
        segments = None if self.region.segments is None else self.region.segments[z - origin[0], y - origin[1], x - origin[2]]
        overrides = None if plan.overrides is None else plan.overrides[z, y, x]
        return resected_by_rule(plan, self.region.geometry, (z, y, x), segments, overrides)

    def evaluate(self, plan: ResectionPlan, clinical: ClinicalData | None = None) -> PlanFigures:
        """The figures of ``plan`` (general path: any mix of segments, planes and overrides)."""
        check_overrides(plan, self.region.geometry)
        resected = self.resected_mask(plan)
        resected_voxels = int(np.count_nonzero(resected & self.region.functional))
        if plan.single_plane:
            statuses, method = self._plane_statuses(plan.planes[0]), PLANE_MARGINS
        else:
            statuses, method = self._voxel_statuses(plan, resected), VOXEL_MARGINS
        return plan_figures(self.functional_voxels, resected_voxels, self.region.geometry.voxel_volume_ml, statuses,
                            clinical or ClinicalData(), method, self.warnings)

    def _plane_statuses(self, plane: CutPlane) -> list[LesionStatus]:
        geometry = self.region.geometry
        ranges = projection_ranges(geometry, plane.normal_xyz, self.lesions)
        return plane_statuses(ranges, [lesion.id for lesion in self.lesions], plane.offset_mm,
                              half_extent_mm(geometry, plane.normal_xyz))

    def _voxel_statuses(self, plan: ResectionPlan, resected: np.ndarray) -> list[LesionStatus]:
        kinds = [status_of(self.lesion_resected(plan, lesion)) for lesion in self.lesions]
        removed = [lesion for lesion, kind in zip(self.lesions, kinds) if kind == REMOVED]
        remnant = self.region.functional & ~resected
        spacing = self.region.geometry.spacing_zyx_mm
        margins = dict(zip((les.id for les in removed),
                           margins_to_remnant(remnant, self.region.origin, spacing, [les.surface for les in removed])))
        margin_of = {CROSSING: lambda _: 0.0, REMNANT: lambda _: None, REMOVED: margins.get}
        return [LesionStatus(lesion.id, kind, margin_of[kind](lesion.id)) for lesion, kind in zip(self.lesions, kinds)]

    def sweep(self, normal_xyz: tuple[float, float, float]) -> PlaneSweep:
        """The fast path for single-plane plans with this normal (precomputed once; see :class:`PlaneSweep`)."""
        return PlaneSweep(self.region, self.lesions, normal_xyz, self.warnings)
