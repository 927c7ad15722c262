"""A picture of the report (PNG bytes) and its caption."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportImage:
    """A picture for the report (PNG bytes) and its caption."""

    caption: str
    png: bytes
