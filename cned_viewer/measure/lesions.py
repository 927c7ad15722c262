"""Lesions: connected components of the tumour label, their shape, vessel contact and segments.

Sensitivity to a one-voxel boundary error (6-connected erosion / dilation of the tumour mask):

* ``tlvr_low`` / ``tlvr_high``: TTV of the eroded / dilated tumour over the same total liver
  volume. The dilation grows only into liver parenchyma, so the organ envelope is unchanged.
* ``lesion_count_low`` / ``lesion_count_high``: the smallest / largest lesion count among the
  eroded mask, the mask as drawn and the dilated mask, each counted with the same connectivity
  and minimum volume (dilation merges close lesions, erosion splits necks and drops thin ones).

:class:`LesionEngine` keeps the components of the three masks (tumour, eroded, dilated) with their
runs, and the per-lesion results, so that after an edit only what the edit can reach is redone
(:meth:`LesionEngine.update`):

* A mask changes only inside its dirty box ``D`` (tumour: the edited boxes; eroded / dilated:
  those grown by one voxel). A component with no voxel in ``G = D`` grown by one voxel (the reach
  of 26-connectivity) has none of its voxels nor of their neighbours changed, so it is still a
  component, unchanged: it is kept with its cached results. Every other component is dropped.
* Every new component that has a voxel in ``G`` lies inside ``U = D`` united with the boxes of
  the dropped components (its voxels outside ``D`` are old voxels, joined to ``D`` through old
  components that reach ``G``), so the mask is encoded and labelled again only on ``U``; of the
  components found there, those with a voxel in ``G`` are the new ones (the others are pieces
  of kept components cut by ``U``). Merges and splits fall out of this.
* Shape, segments and vessel metrics are computed for new lesions only. A kept lesion's vessel
  metrics are redone when that vessel changed within ``max(distance, threshold)`` of its box.
* Vessel metrics, in the full measurement and after edits alike, are searched in each lesion's
  neighbourhood among the vessel surface voxels found once per case and patched per edit
  (:mod:`cned_viewer.measure.vessels`); the search widens until it is exact, so both agree.
  The components themselves are followed by :mod:`cned_viewer.measure.tracking`.

Components that touch neither the parenchyma nor the liver envelope are "outside the liver"
(:mod:`cned_viewer.measure.outside`): listed apart and left out of the lesions, the count, the
TTV and the sensitivity range. Their classification is cached per component and redone for
new components and for those on the slices of a parenchyma edit (the envelope is per slice).

The full measurement is the same engine with every component new, so both agree exactly.
"""

from __future__ import annotations

import math
import time
import numpy as np

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.kernels.boxes import Box, grow_box, union_box
from cned_viewer.kernels.morphology import ERODED, GROWN, erode_dilate
from cned_viewer.kernels.pointsets import cell_grid
from cned_viewer.kernels.runs import Runs, extract_runs
from cned_viewer.kernels.shape import component_mask, object_shape, values_under_runs
from cned_viewer.measure.burden import LabelScan
from cned_viewer.measure.options import MeasureOptions
from cned_viewer.measure.outside import OUTSIDE, TOUCHES, where_is
from cned_viewer.measure.results import Lesion, LesionSet, TinyLesion
from cned_viewer.measure.tracking import Component, ComponentTracker, components_of, shift_runs
from cned_viewer.measure.vessels import VesselSurfaces

VESSEL_LABELS = {"portal_vein": PORTAL_VEIN, "hepatic_vein": HEPATIC_VEINS}
LEFT_SEGMENTS, RIGHT_SEGMENTS = (2, 3, 4), (5, 6, 7, 8)


def _box_gap_mm(a: Box, b: Box, spacing: np.ndarray) -> float:
    """Smallest distance between voxel centres of two boxes (mm)."""
    total = 0.0
    for k in range(3):
        gap = max(b[2 * k] - (a[2 * k + 1] - 1), a[2 * k] - (b[2 * k + 1] - 1), 0)
        total += (gap * spacing[k]) ** 2
    return math.sqrt(total)


def _bbox_inclusive(box: Box) -> tuple[int, int, int, int, int, int]:
    return (box[0], box[2], box[4], box[1] - 1, box[3] - 1, box[5] - 1)


class LesionEngine:
    """Components of the tumour, eroded and dilated masks and the lesion results, kept across edits."""

    def __init__(self, labels: np.ndarray, segments: np.ndarray | None, geometry: Geometry, options: MeasureOptions) -> None:
        self.labels, self.segments, self.geometry, self.options = labels, segments, geometry, options
        self.spacing = np.asarray(geometry.spacing_zyx_mm, np.float64)
        self.voxel_ml = geometry.voxel_volume_ml
        self.min_voxels = options.min_lesion_volume_ml / self.voxel_ml
        self.threshold = options.contact_threshold_for(geometry)
        shape = labels.shape
        conn = options.connectivity
        self.tumour = ComponentTracker(conn, shape, lambda box: extract_runs(labels, box, TUMOUR))
        self.eroded = ComponentTracker(conn, shape, lambda box: self._code_runs(box, ERODED, ERODED))
        self.dilated = ComponentTracker(conn, shape, lambda box: self._code_runs(box, GROWN, 255))
        self.vessels = VesselSurfaces(labels, self.spacing, self.threshold, options.vessel_search_band_mm)
        self._scan: LabelScan | None = None
        self._liver_box: Box | None = None

    def _code_runs(self, box: Box, lo: int, hi: int) -> Runs:
        codes = erode_dilate(self.labels, box, TUMOUR, (LIVER_PARENCHYMA,))
        local = (0, codes.shape[0], 0, codes.shape[1], 0, codes.shape[2])
        return shift_runs(extract_runs(codes, local, lo, hi), box)

    # -- vessels (see cned_viewer.measure.vessels) -------------------------------------------
    def _lesion_vessels(self, comp: Component, value: int) -> tuple:
        return self.vessels.metrics(comp.surface, comp.box, value, self._scan.box_of(value))

    # -- per-lesion results ------------------------------------------------------------------
    def _measure_lesion(self, comp: Component, timings: dict[str, float]) -> None:
        t0 = time.perf_counter()
        runs = comp.runs()
        members = np.arange(len(comp.x0))
        mask, origin = component_mask(runs, members, np.array(comp.box, np.int64))
        surface_zyx, feret, axial = object_shape(mask, np.array(origin, np.int64), self.spacing)
        comp.surface, comp.feret, comp.axial = cell_grid(surface_zyx, self.spacing), float(feret), float(axial)
        t1 = time.perf_counter()
        comp.vessels = {name: self._lesion_vessels(comp, value) for name, value in VESSEL_LABELS.items()}
        comp.segments = self._segments_under(runs)
        timings["shape"] = timings.get("shape", 0.0) + (t1 - t0) * 1e3
        timings["vessel_contact"] = timings.get("vessel_contact", 0.0) + (time.perf_counter() - t1) * 1e3

    def _segments_under(self, runs: Runs) -> tuple[int, ...] | None:
        """The Couinaud segments (1-8) under a lesion's runs; None without a segment map."""
        if self.segments is None:
            return None
        members = np.arange(runs.count)
        seen = values_under_runs(self.segments, runs.row, runs.x0, runs.x1, members, runs.box[0], runs.box[2], max(runs.shape_zy[1], 1))
        return tuple(int(v) for v in np.flatnonzero(seen[1:9]) + 1)

    def set_segments(self, segments: np.ndarray | None) -> None:
        """A new or edited Couinaud map: the segments of every counted lesion are read again (no other result changes)."""
        self.segments = segments
        for comp in self._counted(self.tumour.components):
            comp.segments = self._segments_under(comp.runs())

    def _counted(self, comps: list[Component]) -> list[Component]:
        return [c for c in comps if c.voxels >= self.min_voxels and self._inside(c)]

    # -- inside or outside the liver (see cned_viewer.measure.outside) --------------------
    def _inside(self, comp: Component) -> bool:
        if comp.liver is None:
            runs = (comp.z, comp.y, comp.x0, comp.x1)
            comp.liver = where_is(self.labels, runs, comp.box, self.options.connectivity, self._liver_box)
        return comp.liver != OUTSIDE

    def set_liver(self, scan: LabelScan, parenchyma_dirty: Box | None) -> None:
        """Follow the liver's box; forget where the components lie that an edit of its walls may move."""
        liver_box = scan.box_of(LIVER_PARENCHYMA, PORTAL_VEIN, HEPATIC_VEINS) if scan.counts[LIVER_PARENCHYMA] else None
        flipped = (self._liver_box is None) != (liver_box is None)
        self._liver_box = liver_box
        for comp in self.tumour.components:
            if flipped or (parenchyma_dirty is not None and _same_slices(comp.box, parenchyma_dirty)):
                comp.liver = None

    def outside(self) -> list[Component]:
        """The tumour components outside the liver."""
        return [c for c in self.tumour.components if not self._inside(c)]

    def outside_voxels(self) -> int:
        return sum(c.voxels for c in self.outside())

    def liver_flipped(self, scan: LabelScan) -> bool:
        """Whether the map gained its first parenchyma voxel or lost its last one since the last build or update."""
        return (self._liver_box is None) == bool(scan.counts[LIVER_PARENCHYMA])

    def envelope_sensitive(self, box: Box) -> bool:
        """Whether a parenchyma edit in ``box``, away from the tumour, can move a component in or out of the
        liver: one that does not touch the parenchyma lies on the slices of ``box`` (the envelope is per slice)."""
        return any(c.liver != TOUCHES and _same_slices(c.box, box) for c in self.tumour.components)

    # -- full and incremental ----------------------------------------------------------------
    def build(self, scan: LabelScan, timings: dict[str, float]) -> None:
        """Every component and lesion result from scratch."""
        self._scan = scan
        self.vessels.reset()
        clock = time.perf_counter()
        tumour_box = scan.box_of(TUMOUR)
        new = self.tumour.rebuild(tumour_box)
        self.set_liver(scan, None)
        clock = _lap(timings, "components", clock)
        code_box = None if tumour_box is None else grow_box(tumour_box, (1, 1, 1), self.labels.shape)
        if code_box is None:
            self.eroded.components, self.dilated.components = [], []
        else:
            codes = erode_dilate(self.labels, code_box, TUMOUR, (LIVER_PARENCHYMA,))
            local = (0, codes.shape[0], 0, codes.shape[1], 0, codes.shape[2])
            for tracker, lo, hi in ((self.eroded, ERODED, ERODED), (self.dilated, GROWN, 255)):  # codes >= 1: any nonzero
                runs = shift_runs(extract_runs(codes, local, lo, hi), code_box)
                tracker.components = components_of(runs, tracker.connectivity, tracker.shape)
        clock = _lap(timings, "sensitivity", clock)
        lesions = self._counted(new)
        clock = _lap(timings, "outside_liver", clock)
        if lesions:
            for value in VESSEL_LABELS.values():
                self.vessels.points(value, scan.box_of(value))
        clock = _lap(timings, "vessel_surfaces", clock)
        timings["shape"] = timings["vessel_contact"] = 0.0
        for comp in lesions:
            self._measure_lesion(comp, timings)

    def update(
        self, scan: LabelScan, tumour_dirty: Box | None, parenchyma_dirty: Box | None, vessel_dirty: dict[int, Box],
        timings: dict[str, float],
    ) -> None:
        """Redo what edits inside the dirty boxes can reach (tumour, parenchyma and per-vessel changes)."""
        self._scan = scan
        shape = self.labels.shape
        clock = time.perf_counter()
        new: list[Component] = []
        if tumour_dirty is not None:
            new = self.tumour.update(tumour_dirty)
        wall_dirty = None
        for box in (parenchyma_dirty, *vessel_dirty.values()):  # the liver's walls: parenchyma and vessels
            wall_dirty = union_box(wall_dirty, box)
        self.set_liver(scan, wall_dirty)
        clock = _lap(timings, "components", clock)
        grown = None if tumour_dirty is None else grow_box(tumour_dirty, (1, 1, 1), shape)
        if grown is not None:
            self.eroded.update(grown)
        sens_dirty = union_box(grown, None if parenchyma_dirty is None else grow_box(parenchyma_dirty, (0, 0, 0), shape))
        if sens_dirty is not None:
            self.dilated.update(sens_dirty)
        clock = _lap(timings, "sensitivity", clock)
        for value, box in vessel_dirty.items():
            self.vessels.changed(value, box)
        timings["vessel_surfaces"] = (time.perf_counter() - clock) * 1e3
        timings["shape"] = timings["vessel_contact"] = 0.0
        new_ids = {id(c) for c in new}
        for comp in self._counted(self.tumour.components):
            if id(comp) in new_ids or comp.surface is None:  # new, or back in the liver
                self._measure_lesion(comp, timings)
                continue
            t0 = time.perf_counter()
            for name, value in VESSEL_LABELS.items():
                box = vessel_dirty.get(value)
                if box is None:
                    continue
                distance = comp.vessels[name][0]
                reach = max(distance if distance is not None else math.inf, self.threshold) * (1.0 + 1e-9)
                if _box_gap_mm(comp.box, box, self.spacing) <= reach:
                    comp.vessels[name] = self._lesion_vessels(comp, value)
            timings["vessel_contact"] += (time.perf_counter() - t0) * 1e3

    def result(self, total_liver_ml: float) -> LesionSet:
        """The :class:`LesionSet` of the current components (lesions by volume, then raster order)."""
        comps = sorted(self.tumour.components, key=lambda c: (-c.voxels, c.first_raster))
        lesions: list[Lesion] = []
        tiny: list[TinyLesion] = []
        outside: list[TinyLesion] = []
        for comp in comps:
            centroid = tuple(float(v) for v in self.geometry.index_to_patient_mm(comp.index_sum / max(comp.voxels, 1)))
            bbox = _bbox_inclusive(comp.box)
            volume_ml = float(comp.voxels) * self.voxel_ml
            if not self._inside(comp):
                outside.append(TinyLesion(volume_ml, centroid, bbox))
                continue
            if comp.voxels < self.min_voxels:
                tiny.append(TinyLesion(volume_ml, centroid, bbox))
                continue
            pv, hv = comp.vessels["portal_vein"], comp.vessels["hepatic_vein"]
            lesions.append(
                Lesion(
                    id=len(lesions) + 1,
                    volume_ml=volume_ml,
                    centroid_mm=centroid,
                    bbox=bbox,
                    feret_diameter_mm=comp.feret,
                    axial_diameter_mm=comp.axial,
                    portal_vein_distance_mm=pv[0],
                    hepatic_vein_distance_mm=hv[0],
                    portal_vein_contact=bool(pv[1]),
                    hepatic_vein_contact=bool(hv[1]),
                    portal_vein_contact_fraction=float(pv[2]),
                    hepatic_vein_contact_fraction=float(hv[2]),
                    segments=comp.segments,
                )
            )
        bilobar = None
        if self.segments is not None:
            touched_all = {s for lesion in lesions for s in (lesion.segments or ())}
            bilobar = bool(touched_all & set(LEFT_SEGMENTS)) and bool(touched_all & set(RIGHT_SEGMENTS))
        away = self.outside()
        counts = [len(lesions), self.eroded.counted(self.min_voxels, away), self.dilated.counted(self.min_voxels, away)]
        ttv_low_ml, ttv_high_ml = self.eroded.voxels(away) * self.voxel_ml, self.dilated.voxels(away) * self.voxel_ml
        if len(away) == len(comps):
            counts = [0, 0, 0]
        result = LesionSet(tuple(lesions), tuple(tiny), bilobar, None, None, min(counts), max(counts), ttv_low_ml, ttv_high_ml,
                           outside_liver=tuple(outside), has_liver=self._liver_box is not None)
        return result.over_total(total_liver_ml)


def _same_slices(a: Box, b: Box) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _lap(timings_ms: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    timings_ms[name] = (now - since) * 1e3
    return now
