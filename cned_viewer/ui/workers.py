"""Run slow work (loading, measuring) off the GUI thread; newest request wins, and older ones are told to stop."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from cned_viewer.core.cancel import cancel_scope
from cned_viewer.errors import UserError


#: Nice increment of worker threads: the GUI thread wins the CPU when both want it (Linux, per thread).
WORKER_NICENESS = 10


def _lower_thread_priority() -> None:
    """Make the calling worker thread (and the threads it starts) yield to the GUI thread."""
    if not hasattr(os, "setpriority") or not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        if current < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)
    except OSError:
        pass  # not allowed here: run at normal priority


class _Signals(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)


class _Task(QRunnable):
    def __init__(self, generation: int, job: Callable[[], Any], signals: _Signals, current: Callable[[], int]) -> None:
        super().__init__()
        self.generation, self.job, self.signals, self.current = generation, job, signals, current

    def run(self) -> None:
        _lower_thread_priority()
        try:
            with cancel_scope(lambda: self.current() != self.generation):  # a newer submit or cancel() stops the job
                result = self.job()
        except UserError as error:
            self._emit(self.signals.failed, str(error))
        except Exception as error:  # noqa: BLE001 - reported to the user, never crashes the app
            traceback.print_exc()
            self._emit(self.signals.failed, f"internal error: {type(error).__name__}: {error}")
        else:
            self._emit(self.signals.finished, result)

    def _emit(self, signal: Any, value: object) -> None:
        try:
            signal.emit(self.generation, value)
        except RuntimeError:  # the window that asked was closed meanwhile: nobody is left to tell
            pass


class BackgroundRunner(QObject):
    """Runs one kind of job in the thread pool; results of superseded jobs are dropped."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._signals = _Signals()
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self.busy = False

    def submit(self, job: Callable[[], Any]) -> None:
        self._generation += 1
        self.busy = True
        QThreadPool.globalInstance().start(_Task(self._generation, job, self._signals, lambda: self._generation))

    def cancel(self) -> None:
        """Stop the running job: its steps that check :func:`cned_viewer.core.cancel.cancelled` (reading a DICOM
        series, meshing) give up at the next check, and whatever it returns is dropped."""
        self._generation += 1
        self.busy = False

    def _on_finished(self, generation: int, result: object) -> None:
        if generation == self._generation:
            self.busy = False
            self.finished.emit(result)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.busy = False
            self.failed.emit(message)
