"""A tiny synchronous signal: models emit, views and engines listen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Signal:
    """Call every connected slot, in connection order, with the emitted arguments."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):
            slot(*args)
