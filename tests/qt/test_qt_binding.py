"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 lost a reference to True on every
Python ``emit()`` and to None on every ``processEvents()``, so a viewer on Python 3.11 aborted
("deallocating True or False") after some thousands of mouse moves (each emits the cursor text)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal


class _Emitter(QObject):
    moved = Signal(object)


def test_emit_and_process_events_keep_reference_counts(qapp) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.moved.connect(received.append)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        emitter.moved.emit(1)
        QCoreApplication.processEvents()
    assert len(received) == 200
    assert abs(sys.getrefcount(True) - true_before) < 50, "emit() loses references to True: use another PySide6 release"
    assert abs(sys.getrefcount(None) - none_before) < 50, "processEvents() loses references to None: use another PySide6 release"
