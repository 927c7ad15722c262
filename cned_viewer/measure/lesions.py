"""Lesions: connected components of the tumour label, their shape, vessel contact and segments.

Sensitivity to a one-voxel boundary error (6-connected erosion / dilation of the tumour mask):

* ``tlvr_low`` / ``tlvr_high``: TTV of the eroded / dilated tumour over the same total liver
  volume. The dilation grows only into liver parenchyma, so the organ envelope is unchanged.
* ``lesion_count_low`` / ``lesion_count_high``: the smallest / largest lesion count among the
  eroded mask, the mask as drawn and the dilated mask, each counted with the same connectivity
  and minimum volume (dilation merges close lesions, erosion splits necks and drops thin ones).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.kernels.boxes import Box, grow_box
from cned_viewer.kernels.components import component_stats, connect_runs
from cned_viewer.kernels.morphology import ERODED, GROWN, erode_dilate
from cned_viewer.kernels.pointsets import CellGrid, cell_grid, count_within_sq, min_distance_mm
from cned_viewer.kernels.runs import Runs, extract_runs
from cned_viewer.kernels.shape import component_mask, object_shape, values_under_runs
from cned_viewer.kernels.surface import surface_voxels
from cned_viewer.measure.burden import LabelScan
from cned_viewer.measure.options import THRESHOLD_SLACK, MeasureOptions
from cned_viewer.measure.results import Lesion, LesionSet, TinyLesion

VESSEL_LABELS = {"portal_vein": PORTAL_VEIN, "hepatic_vein": HEPATIC_VEINS}
LEFT_SEGMENTS, RIGHT_SEGMENTS = (2, 3, 4), (5, 6, 7, 8)


@dataclass
class _VesselSearch:
    """Surface voxels of one vessel near the tumours, and (built on demand) of the whole vessel."""

    labels: np.ndarray
    value: int
    whole_box: Box
    near: CellGrid
    spacing: np.ndarray
    _whole: CellGrid | None = None

    def whole(self) -> CellGrid:
        if self._whole is None:
            self._whole = cell_grid(surface_voxels(self.labels, self.whole_box, self.value), self.spacing)
        return self._whole


def _counted_components(runs: Runs, connectivity: int, min_voxels: float) -> int:
    run_labels, n = connect_runs(runs, connectivity)
    if n == 0:
        return 0
    stats = component_stats(runs, run_labels, n)
    return int(np.count_nonzero(stats.voxels >= min_voxels))


def _vessel_metrics(surface: CellGrid, vessel: _VesselSearch | None, band_mm: float, threshold_mm: float):
    if vessel is None:
        return None, False, 0.0
    distance = min_distance_mm(surface, vessel.near)
    if distance is None or distance > band_mm:
        distance = min_distance_mm(surface, vessel.whole())
    limit_sq = threshold_mm * threshold_mm * (1.0 + THRESHOLD_SLACK)
    near = vessel.near if distance is not None and distance <= band_mm else vessel.whole()
    fraction = count_within_sq(surface, near, limit_sq) / surface.size if surface.size else 0.0
    contact = distance is not None and distance * distance <= limit_sq
    return distance, contact, fraction


def _bbox_inclusive(box: np.ndarray) -> tuple[int, int, int, int, int, int]:
    return (int(box[0]), int(box[2]), int(box[4]), int(box[1]) - 1, int(box[3]) - 1, int(box[5]) - 1)


def measure_lesions(
    labels: np.ndarray,
    segments: np.ndarray | None,
    geometry: Geometry,
    scan: LabelScan,
    total_liver_ml: float,
    options: MeasureOptions,
    timings_ms: dict[str, float],
) -> LesionSet:
    """Lesions, tiny lesions, bilobar flag and sensitivity range (see the module doc)."""
    clock = time.perf_counter()
    spacing = np.asarray(geometry.spacing_zyx_mm, np.float64)
    voxel_ml = geometry.voxel_volume_ml
    min_voxels = options.min_lesion_volume_ml / voxel_ml
    tumour_box = scan.box_of(TUMOUR)
    if tumour_box is None:
        timings_ms["components"] = (time.perf_counter() - clock) * 1e3
        empty = LesionSet((), (), None if segments is None else False, None, None, 0, 0)
        return empty.over_total(total_liver_ml)

    runs = extract_runs(labels, tumour_box, TUMOUR)
    run_labels, n = connect_runs(runs, options.connectivity)
    stats = component_stats(runs, run_labels, n)
    raster_first = np.ravel_multi_index(tuple(stats.first_zyx.T), labels.shape)
    order = np.lexsort((raster_first, -stats.voxels))
    runs_by_component = np.argsort(run_labels, kind="stable")
    run_starts = np.searchsorted(run_labels[runs_by_component], np.arange(1, n + 2))
    clock = _lap(timings_ms, "components", clock)

    codes = erode_dilate(labels, grow_box(tumour_box, (1, 1, 1), labels.shape), TUMOUR, (LIVER_PARENCHYMA,))
    code_box = (0, codes.shape[0], 0, codes.shape[1], 0, codes.shape[2])
    eroded, dilated = extract_runs(codes, code_box, ERODED), extract_runs(codes, code_box, GROWN, ERODED)
    counted_now = int(np.count_nonzero(stats.voxels >= min_voxels))
    counts = [counted_now] + [_counted_components(r, options.connectivity, min_voxels) for r in (eroded, dilated)]
    ttv_low_ml, ttv_high_ml = eroded.voxel_count() * voxel_ml, dilated.voxel_count() * voxel_ml
    clock = _lap(timings_ms, "sensitivity", clock)

    band = options.vessel_search_band_mm
    threshold = options.contact_threshold_for(geometry)
    search_box = grow_box(tumour_box, tuple(int(math.ceil(band / s)) for s in spacing), labels.shape)
    vessels = {}
    for name, value in VESSEL_LABELS.items():
        if scan.counts[value] > 0:
            near = cell_grid(surface_voxels(labels, search_box, value), spacing)
            vessels[name] = _VesselSearch(labels, value, scan.box_of(value), near, spacing)
    clock = _lap(timings_ms, "vessel_surfaces", clock)

    lesions: list[Lesion] = []
    tiny: list[TinyLesion] = []
    shape_ms = vessel_ms = 0.0
    for k in order:
        members = runs_by_component[run_starts[k]:run_starts[k + 1]]
        centroid = tuple(float(v) for v in geometry.index_to_patient_mm(stats.centroid_zyx[k]))
        bbox = _bbox_inclusive(stats.box[k])
        volume_ml = float(stats.voxels[k]) * voxel_ml
        if stats.voxels[k] < min_voxels:
            tiny.append(TinyLesion(volume_ml, centroid, bbox))
            continue
        t0 = time.perf_counter()
        mask, origin = component_mask(runs, members, stats.box[k])
        surface_zyx, feret, axial = object_shape(mask, np.array(origin, np.int64), spacing)
        surface = cell_grid(surface_zyx, spacing)
        t1 = time.perf_counter()
        metrics = {name: _vessel_metrics(surface, vessels.get(name), band, threshold) for name in VESSEL_LABELS}
        shape_ms += (t1 - t0) * 1e3
        vessel_ms += (time.perf_counter() - t1) * 1e3
        touched = None
        if segments is not None:
            seen = values_under_runs(segments, runs.row, runs.x0, runs.x1, members, runs.box[0], runs.box[2], runs.shape_zy[1])
            touched = tuple(int(v) for v in np.flatnonzero(seen[1:9]) + 1)
        lesions.append(
            Lesion(
                id=len(lesions) + 1,
                volume_ml=volume_ml,
                centroid_mm=centroid,
                bbox=bbox,
                feret_diameter_mm=float(feret),
                axial_diameter_mm=float(axial),
                portal_vein_distance_mm=metrics["portal_vein"][0],
                hepatic_vein_distance_mm=metrics["hepatic_vein"][0],
                portal_vein_contact=bool(metrics["portal_vein"][1]),
                hepatic_vein_contact=bool(metrics["hepatic_vein"][1]),
                portal_vein_contact_fraction=float(metrics["portal_vein"][2]),
                hepatic_vein_contact_fraction=float(metrics["hepatic_vein"][2]),
                segments=touched,
            )
        )
    timings_ms["shape"] = shape_ms
    timings_ms["vessel_contact"] = vessel_ms
    bilobar = None
    if segments is not None:
        touched_all = {s for lesion in lesions for s in (lesion.segments or ())}
        bilobar = bool(touched_all & set(LEFT_SEGMENTS)) and bool(touched_all & set(RIGHT_SEGMENTS))
    result = LesionSet(tuple(lesions), tuple(tiny), bilobar, None, None, min(counts), max(counts), ttv_low_ml, ttv_high_ml)
    return result.over_total(total_liver_ml)


def _lap(timings_ms: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    timings_ms[name] = (now - since) * 1e3
    return now
