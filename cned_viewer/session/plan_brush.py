"""The plan brush: paint the active plan's resected region, or the liver it must keep, with a mouse stroke.

The same :class:`~cned_viewer.editing.stroke.Stroke` as label painting (same footprint, same gap-free
dabbing), written into a copy of the plan's overrides instead of the labels: ``resect`` writes
:data:`~cned_viewer.planning.RESECT`, ``keep`` writes :data:`~cned_viewer.planning.KEEP`, ``follow``
clears both (back to what segments and planes say). The copy is made once per stroke, so the plan
kept for undo is untouched; each move hands the copy to the plan, so the figures follow the stroke.
A whole stroke is one undo step. The diagnostic labels are never written.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cned_viewer.editing.brush import Brush, Plane
from cned_viewer.editing.rules import PaintRules
from cned_viewer.editing.stroke import Stroke
from cned_viewer.planning import KEEP, RESECT
from cned_viewer.planning.plan import FOLLOW

MODES = {"resect": (RESECT, "paint resection"), "keep": (KEEP, "keep liver"), "follow": (FOLLOW, "clear painting")}


class PlanBrush:
    """Strokes into ``plans``' active plan (module doc); ``mode`` None: the brush is off."""

    def __init__(self, plans: Any) -> None:
        self.plans = plans
        self.mode: str | None = None
        self._stroke: Stroke | None = None

    @property
    def active(self) -> bool:
        return self.mode is not None

    def set_mode(self, mode: str | None) -> None:
        if mode is not None and mode not in MODES:
            raise ValueError(f"plan brush mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.release()
        self.mode = mode

    def press(self, plane: Plane, voxel: tuple[int, int, int], radius_mm: float) -> None:
        """A stroke starts at ``voxel`` in the ``plane`` view (a disk of ``radius_mm`` in that plane)."""
        case, plan = self.plans.session.case, self.plans.active_plan
        if self.mode is None or case is None or plan is None:
            return
        shape = case.image.array.shape
        overrides = np.zeros(shape, np.uint8) if plan.overrides is None else plan.overrides.copy()
        value = MODES[self.mode][0]
        self._stroke = Stroke(overrides, Brush(radius_mm, plane), PaintRules.paint(value), case.image.geometry.spacing_zyx_mm)
        self.move(voxel)

    def move(self, voxel: tuple[int, int, int]) -> None:
        if self._stroke is None or self._stroke.move_to(voxel) is None:
            return
        plan = self.plans.active_plan
        if plan is not None and plan.overrides is self._stroke.labels:  # later moves: no new undo step
            self.plans.continue_overrides(self._stroke.labels)
        else:  # the stroke's first change is the undo step
            self.plans.set_overrides(self._stroke.labels, MODES[self.mode or "resect"][1])

    def release(self) -> None:
        self._stroke = None
