"""Run Python's cyclic garbage collector on the GUI thread only.

Left automatic, the collector runs on whichever thread allocates, often a worker; objects
caught in a cycle (pyvista plotters, actors, Qt wrappers) would then be finalised there, and
Qt and VTK objects must die on the thread that owns them. This is the known Qt recipe: turn
automatic collection off and collect from a timer on the GUI thread instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """While alive, cyclic garbage is collected every :data:`INTERVAL_MS` on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds (fast when little changed)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
