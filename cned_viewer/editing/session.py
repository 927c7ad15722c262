"""The editing facade the UI drives: tools, strokes, undo/redo, the edit log, one change signal.

Pure (no Qt). The UI turns mouse events into calls; listeners connect to :attr:`EditSession.changed`,
which emits every :class:`~cned_viewer.core.provenance.EditRecord` as applied -- per brush move
while dragging, once per region tool, and for undo/redo. A listener reads ``record.box`` (the
changed voxels' box), ``record.old`` (values before) and ``record.new`` (after); e.g. the
incremental measurer: ``measurer.apply_edit(record.box, record.old)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import cned_viewer
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
from cned_viewer.core.provenance import EditRecord, EditStep, EditTarget, Provenance, label_changes
from cned_viewer.core.volume import Volume
from cned_viewer.editing import tools
from cned_viewer.editing.brush import Brush, Plane
from cned_viewer.editing.history import DEFAULT_BUDGET_BYTES, EditHistory
from cned_viewer.editing.log import EditLog
from cned_viewer.editing.rules import PaintRules
from cned_viewer.editing.stroke import Stroke

SOURCE = "cned-viewer editor"


class EditSession:
    """Edits of one case's label map (and optional Couinaud segments) with undo and a log."""

    def __init__(
        self,
        labels: LabelMap,
        image: Volume | None = None,
        segments: LabelMap | None = None,
        budget_bytes: int = DEFAULT_BUDGET_BYTES,
    ) -> None:
        self.labels, self.image = labels, image
        self.maps: dict[str, LabelMap] = {"labels": labels} | ({"segments": segments} if segments is not None else {})
        self.history = EditHistory(self.maps, budget_bytes)
        self.changed = self.history.changed
        self.log = EditLog()
        self.revision = 0
        self.saved_revision = 0
        self._stroke: Stroke | None = None
        self._stroke_meta: tuple[str, dict[str, Any]] = ("", {})
        self.changed.connect(self._count)

    # -- brush strokes ---------------------------------------------------------------------
    def begin_stroke(
        self, point_zyx: tuple[float, float, float], brush: Brush, rules: PaintRules, operation: str | None = None,
    ) -> EditRecord | None:
        """Mouse press: start a stroke (ending any open one) and dab at ``point_zyx`` (continuous index)."""
        self.end_stroke()
        image = None if self.image is None else self.image.array
        self._stroke = Stroke(self.labels.array, brush, rules, self.labels.geometry.spacing_zyx_mm, image)
        name = operation or ("erase" if rules.value == 0 else "paint")
        self._stroke_meta = (name, {"brush": brush.to_json(), "rules": rules.to_json()})
        return self.continue_stroke(point_zyx)

    def continue_stroke(self, point_zyx: tuple[float, float, float]) -> EditRecord | None:
        """Mouse move: dab along the path to ``point_zyx``; the move's record (also emitted), or None."""
        if self._stroke is None:
            raise RuntimeError("no stroke in progress; call begin_stroke first")
        record = self._stroke.move_to(point_zyx)
        if record is not None:
            self.changed.emit(record)
        return record

    def end_stroke(self) -> EditStep | None:
        """Mouse release: the stroke becomes ONE undo step and one log entry; None if it changed nothing."""
        stroke, self._stroke = self._stroke, None
        if stroke is None or stroke.record is None:
            return None
        name, parameters = self._stroke_meta
        parameters = parameters | {"points": len(stroke.points)}
        return self._remember(name, parameters, (stroke.record,))

    @property
    def stroking(self) -> bool:
        return self._stroke is not None

    def to_index(self, point_xyz_mm: tuple[float, float, float]) -> np.ndarray:
        """Continuous voxel index ``(z, y, x)`` of a patient point (mm), for strokes given in mm."""
        return self.labels.geometry.patient_to_index(point_xyz_mm)

    # -- region tools ----------------------------------------------------------------------
    def delete_lesion(self, seed_zyx: tuple[int, int, int], replacement: int | None = None, connectivity: int = 26) -> EditStep | None:
        """Delete the tumour component at ``seed`` (see :func:`tools.delete_lesion` for what replaces it)."""
        return self.run_tool(
            "delete_lesion", {"seed_zyx": list(seed_zyx), "replacement": replacement, "connectivity": connectivity},
            lambda a: tools.delete_lesion(a, seed_zyx, replacement, connectivity, spacing_zyx_mm=self.labels.geometry.spacing_zyx_mm),
        )

    def relabel_lesion(self, seed_zyx: tuple[int, int, int], new_value: int | None = None, connectivity: int = 26) -> EditStep | None:
        """Swap the component at ``seed`` between tumour and liver parenchyma (or give it ``new_value``)."""
        if new_value is None:
            swap = {TUMOUR: LIVER_PARENCHYMA, LIVER_PARENCHYMA: TUMOUR}
            new_value = swap.get(int(self.labels.array[tuple(seed_zyx)]))
            if new_value is None:
                return None
        return self.run_tool(
            "relabel", {"seed_zyx": list(seed_zyx), "new_value": new_value, "connectivity": connectivity},
            lambda a: tools.relabel_component(a, seed_zyx, new_value, connectivity),
        )

    def fill_holes(self, value: int, plane: Plane | None = None, replaceable: frozenset[int] = frozenset({0})) -> EditStep | None:
        """Fill the holes of ``value`` in 3D (``plane=None``) or slice by slice."""
        return self.run_tool(
            "fill_holes", {"value": value, "plane": plane, "replaceable": sorted(replaceable)},
            lambda a: tools.fill_holes(a, value, plane, replaceable),
        )

    def remove_islands(self, value: int, min_ml: float, replace_with: int = 0, connectivity: int = 26) -> EditStep | None:
        """Remove the components of ``value`` smaller than ``min_ml``."""
        return self.run_tool(
            "remove_islands", {"value": value, "min_ml": min_ml, "replace_with": replace_with, "connectivity": connectivity},
            lambda a: tools.remove_islands(a, value, min_ml, self.labels.geometry.voxel_volume_ml, replace_with, connectivity),
        )

    def run_tool(
        self, operation: str, parameters: dict[str, Any], edit: Callable[[np.ndarray], EditRecord | None], target: EditTarget = "labels",
    ) -> EditStep | None:
        """Run ``edit`` on the ``target`` array in place; its record becomes one emitted, undoable, logged step."""
        self.end_stroke()
        record = edit(self.maps[target].array)
        if record is None:
            return None
        self.changed.emit(record)
        return self._remember(operation, parameters, (record,))

    def apply_step(self, step: EditStep) -> None:
        """Write a step made elsewhere (e.g. a plugin result) into the maps, emit, remember and log it."""
        self.end_stroke()
        step.redo(self.maps)
        for record in step.records:
            self.changed.emit(record)
        self.history.push(step)
        self.log.append(step.provenance)

    # -- undo / redo -----------------------------------------------------------------------
    def undo(self) -> tuple[EditRecord, ...]:
        """Undo the newest step (ending an open stroke first); the records as applied."""
        self.end_stroke()
        return self._logged("undo", self.history.next_undo, self.history.undo())

    def redo(self) -> tuple[EditRecord, ...]:
        return self._logged("redo", self.history.next_redo, self.history.redo())

    # -- saving state ----------------------------------------------------------------------
    @property
    def has_unsaved_changes(self) -> bool:
        """True once anything changed since :meth:`mark_saved` (undo back to it still counts as a change)."""
        return self.revision != self.saved_revision

    def mark_saved(self) -> None:
        """The user saved the labels: nothing is unsaved now."""
        self.saved_revision = self.revision

    # -- internals -------------------------------------------------------------------------
    def _count(self, _record: EditRecord) -> None:
        self.revision += 1

    def _provenance(self, operation: str, parameters: dict[str, Any], records: tuple[EditRecord, ...]) -> Provenance:
        changes = tuple(
            change
            for r in records
            for change in label_changes(r, self.maps[r.target].table, self.maps[r.target].geometry.voxel_volume_ml)
        )
        return Provenance(SOURCE, cned_viewer.__version__, operation, changes=changes, parameters=parameters)

    def _remember(self, operation: str, parameters: dict[str, Any], records: tuple[EditRecord, ...]) -> EditStep:
        step = EditStep(operation, records, self._provenance(operation, parameters, records))
        self.history.push(step)
        self.log.append(step.provenance)
        return step

    def _logged(self, verb: str, step: EditStep | None, applied: tuple[EditRecord, ...]) -> tuple[EditRecord, ...]:
        if step is not None and applied:
            self.log.append(self._provenance(f"{verb}: {step.description}", {}, applied))
        return applied
