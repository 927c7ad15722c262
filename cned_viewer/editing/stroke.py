"""A brush stroke: dabs along the mouse path, one record per move and one for the whole drag.

The UI calls :meth:`Stroke.move_to` on every mouse event (press included). Between two
successive points the stroke dabs at most half a radius apart, and never more than one voxel
per axis apart, so a fast move leaves no gap. Each move returns its own small record (feed it to
the views and the incremental measurer); :attr:`Stroke.record` is the whole stroke as ONE record
(union box, values before the stroke), the unit of undo.
"""

from __future__ import annotations

import math

import numpy as np

from cned_viewer.core.provenance import EditRecord, EditTarget
from cned_viewer.editing.brush import Brush, nearest_voxel
from cned_viewer.editing.paint import dab
from cned_viewer.editing.records import chain_records
from cned_viewer.editing.rules import PaintRules


class Stroke:
    """Dabs of one ``brush`` under ``rules`` into ``labels`` (in place), from press to release."""

    def __init__(
        self,
        labels: np.ndarray,
        brush: Brush,
        rules: PaintRules,
        spacing_zyx_mm: tuple[float, float, float],
        image: np.ndarray | None = None,
        target: EditTarget = "labels",
    ) -> None:
        self.labels, self.brush, self.rules, self.image, self.target = labels, brush, rules, image, target
        self.spacing_zyx_mm = tuple(float(s) for s in spacing_zyx_mm)
        self.points: list[tuple[float, float, float]] = []
        self._last_voxel: tuple[int, int, int] | None = None
        self._record: EditRecord | None = None

    def move_to(self, point_zyx: tuple[float, float, float] | np.ndarray) -> EditRecord | None:
        """Dab from the previous point to ``point_zyx`` (continuous index); the record of this move."""
        point = tuple(float(v) for v in point_zyx)
        previous = self.points[-1] if self.points else None
        self.points.append(point)  # type: ignore[arg-type]
        records = []
        for centre in self._path(previous, point):
            voxel = nearest_voxel(centre)
            if voxel == self._last_voxel:
                continue
            self._last_voxel = voxel
            records.append(dab(self.labels, voxel, self.brush, self.rules, self.spacing_zyx_mm, self.image, self.target))
        move = chain_records([r for r in records if r is not None], self.labels)
        if move is not None:
            self._record = chain_records([r for r in (self._record, move) if r is not None], self.labels)
        return move

    @property
    def record(self) -> EditRecord | None:
        """Everything the stroke changed so far, as one record (None if nothing changed)."""
        return self._record

    def _path(self, start: tuple[float, ...] | None, end: tuple[float, ...]) -> list[np.ndarray]:
        end_a = np.asarray(end)
        if start is None:
            return [end_a]
        start_a = np.asarray(start)
        delta = end_a - start_a
        length_mm = float(np.linalg.norm(delta * np.asarray(self.spacing_zyx_mm)))
        step_mm = self.brush.radius_mm / 2.0
        steps = max(int(np.ceil(np.abs(delta).max())), math.ceil(length_mm / step_mm) if step_mm > 0 else 0, 1)
        return [start_a + delta * (k / steps) for k in range(1, steps + 1)]
