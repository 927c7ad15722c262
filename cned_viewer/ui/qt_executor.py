"""The session's executor in the app: jobs in the thread pool, results and timers on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from cned_viewer.ui.workers import BackgroundRunner


class QtTimer:
    """A :class:`QTimer` with the session's :class:`~cned_viewer.session.executor.Timer` face."""

    def __init__(self, parent: QObject, interval_ms: int, callback: Callable[[], object], repeat: bool) -> None:
        self.qtimer = QTimer(parent)
        self.qtimer.setSingleShot(not repeat)
        self.qtimer.setInterval(interval_ms)
        self.qtimer.timeout.connect(callback)

    @property
    def active(self) -> bool:
        return self.qtimer.isActive()

    def start(self) -> None:
        self.qtimer.start()

    def stop(self) -> None:
        self.qtimer.stop()


class QtExecutor:
    """Channels are :class:`BackgroundRunner` s (newest request wins); timers are :class:`QTimer` s."""

    def __init__(self, parent: QObject) -> None:
        self.parent = parent

    def channel(self, done: Callable[[Any], object], failed: Callable[[str], object]) -> BackgroundRunner:
        runner = BackgroundRunner(self.parent)
        runner.finished.connect(done)
        runner.failed.connect(failed)
        return runner

    def timer(self, interval_ms: int, callback: Callable[[], object], repeat: bool = False) -> QtTimer:
        return QtTimer(self.parent, interval_ms, callback, repeat)
