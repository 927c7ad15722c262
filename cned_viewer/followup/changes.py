"""Relative change between two time points (pure)."""

from __future__ import annotations


def percent_change(before: float, after: float) -> float | None:
    """``100 * (after - before) / before``; None when ``before`` is 0 (no relative change from nothing)."""
    return None if before <= 0 else 100.0 * (after - before) / before
