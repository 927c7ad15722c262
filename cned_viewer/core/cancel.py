"""Cooperative cancellation without threading a flag through every call.

A worker runs a job inside :func:`cancel_scope` with a check (e.g. "a newer request was made");
long steps deep in the job (reading a DICOM series, meshing one structure after another) call
:func:`cancelled` or :func:`raise_if_cancelled` between their pieces. Outside a scope nothing is
ever cancelled. The check lives in a context variable, so each worker thread sees its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from cned_viewer.errors import UserError


class OperationCancelled(UserError):
    """The user cancelled (or a newer request replaced) the running operation."""


def _never() -> bool:
    return False


_CHECK: ContextVar[Callable[[], bool]] = ContextVar("cned_cancel_check", default=_never)


@contextmanager
def cancel_scope(check: Callable[[], bool]) -> Iterator[None]:
    """Inside the block, :func:`cancelled` asks ``check``."""
    token = _CHECK.set(check)
    try:
        yield
    finally:
        _CHECK.reset(token)


def cancelled() -> bool:
    """Whether the operation running in this thread was cancelled."""
    return bool(_CHECK.get()())


def raise_if_cancelled(what: str) -> None:
    """Raise :class:`OperationCancelled` ("``what`` cancelled") when the operation was cancelled."""
    if cancelled():
        raise OperationCancelled(f"{what} cancelled")
