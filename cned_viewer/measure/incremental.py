"""Live measurements while a label map is edited.

``apply_edit`` keeps label volumes, TTV, the total liver volume and TLVR exact in O(box): the
label counts change by the count change of each value over the edited box (one pass over the
box), and because the liver envelope is defined slice by slice (see
:mod:`cned_viewer.measure.burden`), only the slices the box spans are filled again (over the
organ's box widened by the edit), and only when a changed voxel was or became non-organ: an edit
between parenchyma and tumour leaves the organ mask, hence the envelope, as it was. Filling a
slice again cannot be confined to the box itself: closing a gap in the organ's outline encloses
voxels far from the edit. The result is identical to a full :func:`~cned_viewer.measure.measure`,
not an approximation.

Lesion-level results (components, diameters, vessel contact, segments, sensitivity range) are
flagged ``lesions_stale`` by an edit that changes tumour or vessel voxels, or parenchyma next
to the tumour (the dilation of the sensitivity range grows into it), and brought up to date by
:meth:`IncrementalMeasurer.refresh` (the UI calls it from a worker, debounced, at stroke end).
The refresh is region-limited (:class:`~cned_viewer.measure.lesions.LesionEngine`): only the
components the dirty boxes can reach are labelled again, only new lesions are measured again,
and a kept lesion's vessel metrics are redone only when that vessel changed near it.
Other edits keep the lesion results; their TLVR range is re-divided by the new total.
Per-label boxes are kept as supersets (grown by each edit), so nothing rescans the whole array.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
from cned_viewer.kernels.boxes import Box, as_box, box_is_empty, box_slices, boxes_intersect, grow_box, union_box
from cned_viewer.kernels.envelope import enclosed_counts_per_slice, organ_lookup
from cned_viewer.kernels.histogram import edit_delta
from cned_viewer.measure.burden import (
    ORGAN_VALUES,
    VESSEL_VALUES,
    LabelScan,
    burden_from_counts,
    enclosed_per_slice,
    scan_labels,
)
from cned_viewer.measure.engine import _label_map
from cned_viewer.measure.lesion_numbering import LesionNumbering
from cned_viewer.measure.lesions import LesionEngine
from cned_viewer.measure.options import MeasureOptions
from cned_viewer.measure.results import Burden, Measurements
from cned_viewer.measure.tracking import Component

_ORGAN_LUT = organ_lookup(ORGAN_VALUES)


class IncrementalMeasurer:
    """Measurements of one label map that follow its edits.

    The label array is shared, not copied: the editor writes into it, then calls
    :meth:`apply_edit` with what it recorded for undo.
    """

    def __init__(self, case: Case | LabelMap, options: MeasureOptions | None = None, numbering: LesionNumbering | None = None) -> None:
        self.options = options or MeasureOptions()
        self._label_map, segment_map = _label_map(case)
        self._segments = None if segment_map is None else segment_map.array
        self._labels = self._label_map.array
        self._scan: LabelScan = scan_labels(self._labels)
        self._enclosed = enclosed_per_slice(self._labels, self._scan.box_of(*ORGAN_VALUES))
        self._enclosed_total = self._enclosed.sum(axis=0)
        self._timings: dict[str, float] = {}
        self.lesions_stale = False
        self.dirty_box: Box | None = None
        self._tumour_dirty: Box | None = None
        self._parenchyma_dirty: Box | None = None
        self._vessel_dirty: dict[int, Box] = {}
        self._segments_dirty = False
        self._engine = LesionEngine(self._labels, self._segments, self._label_map.geometry, self.options)
        start = time.perf_counter()
        self._engine.build(self._scan, self._timings)
        self._timings["lesions_total"] = (time.perf_counter() - start) * 1e3
        self._burden = self._compute_burden()  # after the lesions: tumour outside the liver is left out
        self.numbering = LesionNumbering.carried(numbering, self._labels.shape)  # lesion numbers stay across edits
        self._lesion_set = self.numbering.number(self._engine.result(self._burden.total_liver_ml), self._engine.tumour.components)

    # -- edits -------------------------------------------------------------------------------
    def measures(self, labels: np.ndarray) -> bool:
        """Whether this measurer follows ``labels`` (the very array, not a copy)."""
        return self._labels is labels

    def apply_edit(
        self,
        box: Box | tuple[slice, slice, slice],
        old_values: np.ndarray,
        new_label: int | None = None,
        mask: np.ndarray | None = None,
    ) -> Burden:
        """Account for one edit already written into the label array; returns the updated burden.

        ``box``: the edited region, three slices or ``(z0, z1, y0, y1, x0, x1)``.
        ``old_values``: the box's label values before the edit (what an undo diff stores).
        ``new_label`` + ``mask``: the brush wrote ``new_label`` where ``mask`` is True (a napari
        style paint record); the new values are derived from them. Without a mask the new values
        are read from the label array, which serves any edit (undo/redo, fills, plugins).
        """
        box = as_box(box, self._labels.shape)
        if box_is_empty(box):
            return self._burden
        old_values = np.asarray(old_values, np.uint8)
        if new_label is not None and mask is not None:
            new_values = np.where(mask, np.uint8(new_label), old_values)
        else:
            new_values = self._labels[box_slices(box)]
        delta, changed, envelope = edit_delta(old_values, new_values, _ORGAN_LUT)
        if not changed.any():
            return self._burden
        self._scan.counts += delta
        for v in np.flatnonzero(delta[1:] > 0) + 1:  # values that gained voxels: their box grows
            old_box = tuple(int(b) for b in self._scan.boxes[v]) if self._scan.counts[v] > delta[v] else None
            self._scan.boxes[v] = union_box(old_box, box)
        if envelope:
            self._refill_envelope(box)
        self._burden = self._compute_burden()
        if self._touches_lesions(box, changed):
            self.lesions_stale = True
            self.dirty_box = union_box(self.dirty_box, box)
            if changed[TUMOUR]:
                self._tumour_dirty = union_box(self._tumour_dirty, box)
            if changed[LIVER_PARENCHYMA]:
                self._parenchyma_dirty = union_box(self._parenchyma_dirty, box)
            for v in VESSEL_VALUES:
                if changed[v]:
                    self._vessel_dirty[v] = union_box(self._vessel_dirty.get(v), box)
        else:
            self._lesion_set = self._lesion_set.over_total(self._burden.total_liver_ml)
        return self._burden

    def segments_changed(self, segments: np.ndarray | None) -> None:
        """The Couinaud map was replaced (``segments``, on the label grid, or None) or edited in place:
        the lesions' segments and ``bilobar`` are stale until :meth:`refresh` (nothing else depends on it)."""
        self._segments = segments
        self._segments_dirty = True
        self.lesions_stale = True

    def _touches_lesions(self, box: Box, changed: np.ndarray) -> bool:
        if changed[[TUMOUR, *VESSEL_VALUES]].any():
            return True
        tumour_box = self._scan.box_of(TUMOUR)
        near_tumour = tumour_box is not None and boxes_intersect(grow_box(box, (1, 1, 1), self._labels.shape), tumour_box)
        liver_moved = self._engine.liver_flipped(self._scan) or self._engine.envelope_sensitive(box)  # tumour in or out of it
        return bool(changed[LIVER_PARENCHYMA] and (near_tumour or liver_moved))

    def _refill_envelope(self, box: Box) -> None:
        organ_box = self._scan.box_of(*ORGAN_VALUES)
        z0, z1 = box[0], box[1]
        old = self._enclosed[z0:z1].sum(axis=0)
        if organ_box is None:
            self._enclosed[z0:z1] = 0
        else:
            slab = (z0, z1, *union_box(organ_box, box)[2:])
            self._enclosed[z0:z1] = enclosed_counts_per_slice(self._labels, slab, ORGAN_VALUES)
        self._enclosed_total += self._enclosed[z0:z1].sum(axis=0) - old

    # -- results -----------------------------------------------------------------------------
    def _compute_burden(self) -> Burden:
        geometry, table = self._label_map.geometry, self._label_map.table
        return burden_from_counts(self._scan.counts, self._enclosed_total, geometry, table, self._engine.outside_voxels())

    @property
    def burden(self) -> Burden:
        return self._burden

    def refresh(self) -> Measurements:
        """Bring the lesion-level results up to date if an edit made them stale; returns fresh measurements."""
        if self.lesions_stale:
            timings: dict[str, float] = {}
            start = time.perf_counter()
            if self._segments_dirty:
                self._segments_dirty = False
                self._engine.set_segments(self._segments)
            self._engine.update(self._scan, self._tumour_dirty, self._parenchyma_dirty, self._vessel_dirty, timings)
            self._burden = self._compute_burden()
            self._lesion_set = self.numbering.number(self._engine.result(self._burden.total_liver_ml), self._engine.tumour.components)
            timings["lesions_total"] = (time.perf_counter() - start) * 1e3
            self._timings = timings
            self.lesions_stale = False
            self.dirty_box = self._tumour_dirty = self._parenchyma_dirty = None
            self._vessel_dirty = {}
        return self.measurements()

    def lesion_components(self) -> dict[int, Component]:
        """The tumour component (runs) of each counted lesion by its number, as of the last :meth:`refresh`."""
        return self.numbering.components()

    def outside_components(self) -> list[Component]:
        """The tumour components outside the liver (not lesions, not in TTV), as of the last :meth:`refresh`."""
        return self._engine.outside()

    def measurements(self) -> Measurements:
        """Current results. While ``lesions_stale`` (an edit since the last refresh) volumes, TTV and TLVR
        are current, the lesion fields are those of the last refresh, and the TLVR range is None: it is
        not known until the refresh (the old one may not even hold the new TLVR)."""
        lesion_set = replace(self._lesion_set, tlvr_low=None, tlvr_high=None) if self.lesions_stale else self._lesion_set
        return Measurements(self._burden, lesion_set, dict(self._timings), self.lesions_stale, self.options.used(self._label_map.geometry))
