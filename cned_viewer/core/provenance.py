"""Undoable label edits and where they came from (pure numpy).

An :class:`EditRecord` stores only the changed box of one label map (old and new
values), so undo/redo costs O(box), not O(volume). An :class:`EditStep` groups the
records of one user action (e.g. one plugin run that changed ``labels`` and
``segments``) with its :class:`Provenance`, so that it is undone as one step and can be
listed in the report. The editing history (brush, threshold paint) reuses both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np

from cned_viewer.core.labels import LabelMap, LabelTable

#: Which label map of a :class:`~cned_viewer.core.case.Case` an edit changes.
EditTarget = Literal["labels", "segments"]


@dataclass(frozen=True)
class EditRecord:
    """The changed box ``[start_zyx, stop_zyx)`` of one label map: values before and after."""

    target: EditTarget
    start_zyx: tuple[int, int, int]
    stop_zyx: tuple[int, int, int]
    old: np.ndarray
    new: np.ndarray

    @classmethod
    def between(cls, target: EditTarget, before: np.ndarray, after: np.ndarray) -> EditRecord | None:
        """The record turning ``before`` into ``after`` (same shape), or None if they are equal."""
        if before.shape != after.shape:
            raise ValueError(f"cannot diff label arrays of shapes {before.shape} and {after.shape}")
        changed = before != after
        if not changed.any():
            return None
        start, stop = [], []
        for axis in range(3):
            other = tuple(a for a in range(3) if a != axis)
            hits = np.flatnonzero(changed.any(axis=other))
            start.append(int(hits[0]))
            stop.append(int(hits[-1]) + 1)
        box = tuple(slice(a, b) for a, b in zip(start, stop))
        return cls(target, tuple(start), tuple(stop), before[box].copy(), after[box].copy())

    @property
    def box(self) -> tuple[slice, slice, slice]:
        return tuple(slice(a, b) for a, b in zip(self.start_zyx, self.stop_zyx))  # type: ignore[return-value]

    def apply(self, array: np.ndarray) -> None:
        """Write the new values into ``array`` (in place)."""
        array[self.box] = self.new

    def revert(self, array: np.ndarray) -> None:
        """Write the old values back into ``array`` (in place)."""
        array[self.box] = self.old

    def voxel_changes(self) -> dict[int, tuple[int, int]]:
        """Per label value: (voxels gained, voxels lost); background included as 0."""
        differ = self.old != self.new
        gained = np.bincount(self.new[differ].ravel(), minlength=256)
        lost = np.bincount(self.old[differ].ravel(), minlength=256)
        return {int(v): (int(gained[v]), int(lost[v])) for v in np.flatnonzero(gained + lost)}

    @property
    def nbytes(self) -> int:
        return int(self.old.nbytes + self.new.nbytes)


@dataclass(frozen=True)
class LabelChange:
    """What one edit did to one label: voxels gained and lost, and the net volume change."""

    key: str
    gained_voxels: int
    lost_voxels: int
    net_ml: float

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "gained_voxels": self.gained_voxels, "lost_voxels": self.lost_voxels,
                "net_ml": round(self.net_ml, 4)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabelChange:
        return cls(data["key"], int(data["gained_voxels"]), int(data["lost_voxels"]), float(data["net_ml"]))


def label_changes(record: EditRecord, table: LabelTable, voxel_volume_ml: float) -> tuple[LabelChange, ...]:
    """The record's changes by label key of ``table`` (unknown values keep ``value_N``)."""
    changes = []
    for value, (gained, lost) in sorted(record.voxel_changes().items()):
        if value == 0:
            continue
        key = table.by_value(value).key if value in table.values else f"value_{value}"
        changes.append(LabelChange(key, gained, lost, (gained - lost) * voxel_volume_ml))
    return tuple(changes)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Provenance:
    """Who changed the labels, with what, when, and by how much (shown in the report)."""

    source: str
    source_version: str
    operation: str
    timestamp: str = field(default_factory=utc_now)
    changes: tuple[LabelChange, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "source_version": self.source_version, "operation": self.operation,
            "timestamp": self.timestamp, "changes": [c.to_json() for c in self.changes],
            "parameters": dict(self.parameters),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Provenance:
        """The inverse of :meth:`to_json`."""
        return cls(
            source=data["source"], source_version=data["source_version"], operation=data["operation"],
            timestamp=data["timestamp"], changes=tuple(LabelChange.from_json(c) for c in data.get("changes", ())),
            parameters=dict(data.get("parameters", {})),
        )


@dataclass(frozen=True)
class EditStep:
    """One undoable action: its records (at most one per target map) and its provenance."""

    description: str
    records: tuple[EditRecord, ...]
    provenance: Provenance

    def redo(self, maps: dict[str, LabelMap]) -> None:
        for record in self.records:
            record.apply(maps[record.target].array)

    def undo(self, maps: dict[str, LabelMap]) -> None:
        for record in reversed(self.records):
            record.revert(maps[record.target].array)

    @property
    def nbytes(self) -> int:
        return sum(r.nbytes for r in self.records)
