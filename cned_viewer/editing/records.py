"""Building, merging and inverting :class:`~cned_viewer.core.provenance.EditRecord` diffs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cned_viewer.core.provenance import EditRecord, EditTarget


def changed_record(
    target: EditTarget, origin_zyx: tuple[int, int, int], before: np.ndarray, after: np.ndarray
) -> EditRecord | None:
    """The record of ``before -> after``, two equal-shaped boxes whose voxel [0, 0, 0] is ``origin_zyx``.

    The record's box is cropped to the changed voxels; None when nothing changed.
    """
    local = EditRecord.between(target, before, after)
    if local is None:
        return None
    start = tuple(o + s for o, s in zip(origin_zyx, local.start_zyx))
    stop = tuple(o + s for o, s in zip(origin_zyx, local.stop_zyx))
    return EditRecord(target, start, stop, local.old, local.new)  # type: ignore[arg-type]


def chain_records(records: Sequence[EditRecord], array: np.ndarray) -> EditRecord | None:
    """One record equal to applying ``records`` in order; they must already be applied to ``array``.

    The box is the union of theirs; the old values are those before the first record.
    """
    records = [r for r in records if r is not None]
    if not records:
        return None
    if len(records) == 1:
        return records[0]
    start = tuple(min(r.start_zyx[k] for r in records) for k in range(3))
    stop = tuple(max(r.stop_zyx[k] for r in records) for k in range(3))
    union = tuple(slice(a, b) for a, b in zip(start, stop))
    new = array[union].copy()
    old = new.copy()
    for record in reversed(records):
        old[_within(record, start)] = record.old
    return EditRecord(records[0].target, start, stop, old, new)  # type: ignore[arg-type]


def inverted(record: EditRecord) -> EditRecord:
    """The record that undoes ``record`` (old and new swapped)."""
    return EditRecord(record.target, record.start_zyx, record.stop_zyx, record.new, record.old)


def _within(record: EditRecord, origin: tuple[int, ...]) -> tuple[slice, slice, slice]:
    return tuple(slice(a - o, b - o) for a, b, o in zip(record.start_zyx, record.stop_zyx, origin))  # type: ignore[return-value]
