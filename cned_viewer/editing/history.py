"""Undo/redo of label edits as box diffs, capped by a memory budget in bytes.

A step (:class:`~cned_viewer.core.provenance.EditStep`) is pushed once it has been written
into the label maps; a whole brush stroke is one step. Undo writes the old values of its box
back, redo the new ones -- byte for byte. When the steps held (undo and redo side together)
exceed ``budget_bytes``, the oldest undo steps are dropped first; a step larger than the whole
budget is therefore not undoable (``dropped`` counts such losses).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from cned_viewer.core.events import Signal
from cned_viewer.core.labels import LabelMap
from cned_viewer.core.provenance import EditRecord, EditStep
from cned_viewer.editing.records import inverted

DEFAULT_BUDGET_BYTES = 256 * 2**20


class EditHistory:
    """Undo and redo stacks of :class:`EditStep` over the label maps ``maps`` (by target name).

    ``changed`` emits each record as applied by undo/redo (for undo, old and new are swapped), so a
    listener sees ``record.box``, the values before (``record.old``) and after (``record.new``).
    """

    def __init__(self, maps: Mapping[str, LabelMap], budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        if budget_bytes < 0:
            raise ValueError("the undo budget must be >= 0 bytes")
        self.maps = maps
        self.budget_bytes = int(budget_bytes)
        self.changed = Signal()
        self._undo: deque[EditStep] = deque()
        self._redo: list[EditStep] = []
        self._nbytes = 0
        self.dropped = 0

    def push(self, step: EditStep) -> None:
        """Remember ``step`` (already written into the maps); clears the redo side."""
        self._nbytes -= sum(s.nbytes for s in self._redo)
        self._redo.clear()
        self._undo.append(step)
        self._nbytes += step.nbytes
        while self._nbytes > self.budget_bytes and self._undo:
            self._nbytes -= self._undo.popleft().nbytes
            self.dropped += 1

    def undo(self) -> tuple[EditRecord, ...]:
        """Revert the newest step; the records as applied (empty when there is nothing to undo)."""
        if not self._undo:
            return ()
        step = self._undo.pop()
        step.undo(dict(self.maps))
        self._redo.append(step)
        return self._emit(tuple(inverted(r) for r in reversed(step.records)))

    def redo(self) -> tuple[EditRecord, ...]:
        """Re-apply the step last undone; the records as applied (empty when there is nothing to redo)."""
        if not self._redo:
            return ()
        step = self._redo.pop()
        step.redo(dict(self.maps))
        self._undo.append(step)
        return self._emit(step.records)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self._nbytes = 0

    def _emit(self, records: tuple[EditRecord, ...]) -> tuple[EditRecord, ...]:
        for record in records:
            self.changed.emit(record)
        return records

    @property
    def next_undo(self) -> EditStep | None:
        """The step :meth:`undo` would revert (for the menu text), or None."""
        return self._undo[-1] if self._undo else None

    @property
    def next_redo(self) -> EditStep | None:
        return self._redo[-1] if self._redo else None

    @property
    def undo_steps(self) -> tuple[EditStep, ...]:
        """Oldest first."""
        return tuple(self._undo)

    @property
    def redo_steps(self) -> tuple[EditStep, ...]:
        """Next to redo last."""
        return tuple(self._redo)

    @property
    def nbytes(self) -> int:
        """Bytes held by all steps (undo and redo side)."""
        return self._nbytes
