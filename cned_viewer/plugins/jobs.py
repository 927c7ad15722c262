"""Run plugin work in a background thread with progress and cooperative cancel (no Qt).

The UI wraps a :class:`BackgroundJob` in its own worker/timer; the CLI and tests wait on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from cned_viewer.plugins.contracts import CancelCheck, Cancelled, Progress

T = TypeVar("T")


class BackgroundJob(Generic[T]):
    """``work(progress, is_cancelled)`` on a daemon thread.

    ``on_progress(fraction, message)`` is called from the worker thread; :meth:`result`
    returns the value, or raises the work's exception (:class:`Cancelled` after a cancel).
    """

    def __init__(self, work: Callable[[Progress, CancelCheck], T], on_progress: Progress | None = None) -> None:
        self._work = work
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._main, name="cned-plugin-job", daemon=True)
        self._value: T | None = None
        self._error: BaseException | None = None
        self.progress: tuple[float, str] = (0.0, "")

    def start(self) -> BackgroundJob[T]:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True when the work finished (or failed, or stopped after a cancel) within ``timeout``."""
        return self._done.wait(timeout)

    def result(self, timeout: float | None = None) -> T:
        if not self.wait(timeout):
            raise TimeoutError("the plugin job is still running")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def _report(self, fraction: float, message: str) -> None:
        self.progress = (min(max(float(fraction), 0.0), 1.0), str(message))
        if self._on_progress is not None:
            self._on_progress(*self.progress)

    def _main(self) -> None:
        try:
            self._value = self._work(self._report, self.is_cancelled)
            if self.is_cancelled():
                raise Cancelled("cancelled")
        except BaseException as error:  # noqa: BLE001 - handed to the caller by result()
            self._error = error
        finally:
            self._done.set()
