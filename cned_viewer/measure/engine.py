"""``measure(case)``: the whole tumour-burden measurement of one case, from its label map."""

from __future__ import annotations

import time

from cned_viewer.core.case import Case
from cned_viewer.core.labels import LabelMap
from cned_viewer.measure.burden import ORGAN_VALUES, burden_from_counts, enclosed_per_slice, scan_labels
from cned_viewer.measure.lesions import LesionEngine
from cned_viewer.measure.options import MeasureOptions
from cned_viewer.measure.results import Measurements


def _label_map(case: Case | LabelMap) -> tuple[LabelMap, object]:
    if isinstance(case, LabelMap):
        return case, None
    if case.labels is None:
        raise ValueError("the case has no label map to measure; load or draw one first")
    return case.labels, case.segments


def measure(case: Case | LabelMap, options: MeasureOptions | None = None) -> Measurements:
    """Volumes, TTV, total liver volume, TLVR (+ sensitivity), lesions and vessel contact.

    Pure: reads ``case.labels`` (and ``case.segments`` when present), changes nothing. A bare
    :class:`LabelMap` is accepted too. ``timings_ms`` holds the time of each step.
    """
    options = options or MeasureOptions()
    label_map, segment_map = _label_map(case)
    labels, geometry = label_map.array, label_map.geometry
    segments = None if segment_map is None else segment_map.array
    timings: dict[str, float] = {}
    start = clock = time.perf_counter()
    scan = scan_labels(labels)
    timings["label_counts"] = (time.perf_counter() - clock) * 1e3
    clock = time.perf_counter()
    enclosed = enclosed_per_slice(labels, scan.box_of(*ORGAN_VALUES)).sum(axis=0)
    timings["envelope"] = (time.perf_counter() - clock) * 1e3
    engine = LesionEngine(labels, segments, geometry, options)
    engine.build(scan, timings)
    burden = burden_from_counts(scan.counts, enclosed, geometry, label_map.table, engine.outside_voxels())
    lesion_set = engine.result(burden.total_liver_ml)
    timings["total"] = (time.perf_counter() - start) * 1e3
    return Measurements(burden, lesion_set, timings, options=options.used(geometry))
