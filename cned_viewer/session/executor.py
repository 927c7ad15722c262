"""Where the session's long work runs: a thread pool in the app, the calling thread in tests and the CLI.

The session asks its :class:`Executor` for *channels* (one per kind of job: loading, measuring,
saving...) and *timers* (the edit refresh delay, the autosave tick). A channel runs one job at a
time in the newest-wins manner: a newer ``submit`` or ``cancel`` makes the running job's
:func:`~cned_viewer.core.cancel.cancelled` true and drops its result. The app injects a Qt
executor (``cned_viewer.ui.qt_executor``) whose results arrive on the GUI thread;
:class:`SyncExecutor` runs each job at once on the calling thread, the way ndv switches to a
synchronous mode for its tests, so everything the GUI does can be driven headless.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, Protocol

from cned_viewer.errors import UserError

Done = Callable[[Any], object]
Failed = Callable[[str], object]


class Channel(Protocol):
    """Runs one kind of job; only the newest job's result (or failure message) is delivered."""

    @property
    def busy(self) -> bool: ...

    def submit(self, job: Callable[[], Any]) -> None: ...

    def cancel(self) -> None: ...


class Timer(Protocol):
    """Calls back after its interval (once, or every interval when repeating) until stopped."""

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Executor(Protocol):
    def channel(self, done: Done, failed: Failed) -> Channel: ...

    def timer(self, interval_ms: int, callback: Callable[[], object], repeat: bool = False) -> Timer: ...


def failure_message(error: Exception) -> str:
    """What the user is told when a job fails: a :class:`UserError` as it is, anything else as an internal error."""
    if isinstance(error, UserError):
        return str(error)
    traceback.print_exc()
    return f"internal error: {type(error).__name__}: {error}"


class SyncChannel:
    """Runs the job at once on the calling thread and delivers its result before ``submit`` returns.

    ``raise_errors``: a failing job's exception propagates to the caller of ``submit`` (the command
    line handles it as it does everywhere) instead of becoming a ``failed`` message."""

    def __init__(self, done: Done, failed: Failed, raise_errors: bool = False) -> None:
        self.done, self.failed, self.raise_errors = done, failed, raise_errors
        self.busy = False

    def submit(self, job: Callable[[], Any]) -> None:
        self.busy = True
        try:
            result = job()
        except Exception as error:  # noqa: BLE001 - delivered as a message, like the app's workers
            if self.raise_errors:
                raise
            self.failed(failure_message(error))
            return
        finally:
            self.busy = False
        self.done(result)

    def cancel(self) -> None:
        self.busy = False


class SyncTimer:
    """A single-shot timer fires as soon as it is started; a repeating one only when :meth:`fire` is called."""

    def __init__(self, callback: Callable[[], object], repeat: bool) -> None:
        self.callback, self.repeat = callback, repeat
        self.active = False

    def start(self) -> None:
        if self.repeat:
            self.active = True
        else:
            self.callback()

    def stop(self) -> None:
        self.active = False

    def fire(self) -> None:
        self.callback()


class SyncExecutor:
    """Everything on the calling thread: headless tests and the command line (``raise_errors``: see :class:`SyncChannel`)."""

    def __init__(self, raise_errors: bool = False) -> None:
        self.raise_errors = raise_errors
        self.timers: list[SyncTimer] = []

    def channel(self, done: Done, failed: Failed) -> SyncChannel:
        return SyncChannel(done, failed, self.raise_errors)

    def timer(self, interval_ms: int, callback: Callable[[], object], repeat: bool = False) -> SyncTimer:
        timer = SyncTimer(callback, repeat)
        self.timers.append(timer)
        return timer

    def tick(self) -> None:
        """One interval of every running repeating timer (e.g. the autosave check)."""
        for timer in list(self.timers):
            if timer.active:
                timer.fire()
