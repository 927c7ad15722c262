"""Checking a segmenter's result and turning it into one undoable, attributed edit step."""

from __future__ import annotations

from typing import Any

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, SEGMENT_LABEL_TABLE, LabelMap, LabelTable
from cned_viewer.core.provenance import EditRecord, EditStep, EditTarget, Provenance, label_changes
from cned_viewer.plugins.contracts import SegmentationResult

TABLES: dict[EditTarget, LabelTable] = {"labels": DEFAULT_LABEL_TABLE, "segments": SEGMENT_LABEL_TABLE}


def result_problems(result: SegmentationResult, image: Geometry) -> list[str]:
    """Why ``result`` cannot be applied to an image on ``image`` (empty when it can)."""
    if not isinstance(result, SegmentationResult):
        return [f"returned {type(result).__name__}, not a SegmentationResult"]
    maps = {target: getattr(result, target) for target in TABLES}
    if all(m is None for m in maps.values()):
        return ["returned neither labels nor segments"]
    problems = []
    for target, labels in maps.items():
        if labels is None:
            continue
        if not isinstance(labels, LabelMap):
            problems.append(f"{target} is a {type(labels).__name__}, not a LabelMap")
            continue
        if not labels.geometry.matches(image):
            problems.append(f"{target} are not on the image grid ({labels.geometry.size_xyz} vs {image.size_xyz})")
            continue
        allowed = set(TABLES[target].values)
        unknown = sorted(set(labels.present_values()) - allowed)
        if unknown:
            problems.append(f"{target} hold values {unknown} outside the label table {sorted(allowed)}")
    return problems


def merged(current: np.ndarray, result: SegmentationResult, proposed: np.ndarray) -> np.ndarray:
    """The label array after applying ``proposed`` over ``current`` by the result's rules."""
    if result.replace:
        return proposed.copy()
    write = proposed != 0
    if result.protect:
        write &= ~np.isin(current, result.protect)
    return np.where(write, proposed, current)


def case_maps(case: Case, create: bool = True) -> dict[str, LabelMap]:
    """The case's label maps by target; with ``create``, empty ones are added where missing."""
    maps = {}
    for target, table in TABLES.items():
        current = getattr(case, target)
        if current is None and create:
            current = LabelMap.empty_like(case.image.geometry, table)
            setattr(case, target, current)
        if current is not None:
            maps[target] = current
    return maps


def plan_edit(
    case: Case, result: SegmentationResult, source: str, source_version: str, operation: str,
    parameters: dict[str, Any] | None = None,
) -> EditStep:
    """The edit step applying ``result`` to ``case`` (not applied yet) with its provenance."""
    records: list[EditRecord] = []
    changes = []
    voxel_ml = case.image.geometry.voxel_volume_ml
    for target, table in TABLES.items():
        proposed: LabelMap | None = getattr(result, target)
        if proposed is None:
            continue
        existing: LabelMap | None = getattr(case, target)
        current = existing.array if existing is not None else np.zeros_like(proposed.array)
        record = EditRecord.between(target, current, merged(current, result, proposed.array))
        if record is not None:
            records.append(record)
            changes.extend(label_changes(record, table, voxel_ml))
    provenance = Provenance(source, source_version, operation, changes=tuple(changes),
                            parameters={**result.parameters, **(parameters or {})})
    return EditStep(f"{source}: {operation}", tuple(records), provenance)


def apply_step(case: Case, step: EditStep) -> None:
    """Apply ``step`` to ``case`` (creating empty maps as needed); undo with ``undo_step``."""
    step.redo(case_maps(case, create=True))


def undo_step(case: Case, step: EditStep) -> None:
    step.undo(case_maps(case, create=True))
