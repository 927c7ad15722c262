"""The edit log: one :class:`~cned_viewer.core.provenance.Provenance` entry per applied step.

Undo and redo are logged too (operation ``undo: <op>`` / ``redo: <op>``, with the changes they
made), so the log is the full story of how the saved labels came to be, for the report and for
crash recovery. Pure: ``to_json``/``from_json`` only; files are written by the io layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cned_viewer.core.provenance import Provenance

FORMAT_NAME = "cned-edit-log"
FORMAT_VERSION = 1


@dataclass
class EditLog:
    """Provenance entries, oldest first."""

    entries: list[Provenance] = field(default_factory=list)

    def append(self, entry: Provenance) -> None:
        self.entries.append(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "entries": [e.to_json() for e in self.entries]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EditLog:
        if data.get("format") != FORMAT_NAME:
            raise ValueError(f"not an edit log (format {data.get('format')!r})")
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise ValueError(f"edit log version {data['version']} is newer than this app reads ({FORMAT_VERSION})")
        return cls([Provenance.from_json(e) for e in data["entries"]])

