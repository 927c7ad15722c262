"""Recently opened cases, kept in QSettings (newest first, at most :data:`MAX_RECENT`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import QSettings

from cned_viewer.session.opening import CaseSource

MAX_RECENT = 8
SETTINGS_KEY = "recent_cases"


class RecentCases:
    """Read and update the list; entries whose files are gone are dropped when listed."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()

    def entries(self) -> list[CaseSource]:
        try:
            raw = json.loads(str(self.settings.value(SETTINGS_KEY, "[]")))
            found = [CaseSource(**item) for item in raw]
        except (TypeError, ValueError):
            return []
        return [entry for entry in found if Path(entry.image).exists()]

    def add(self, entry: CaseSource) -> None:
        entries = [entry] + [e for e in self.entries() if e != entry]
        self.settings.setValue(SETTINGS_KEY, json.dumps([asdict(e) for e in entries[:MAX_RECENT]]))

    def clear(self) -> None:
        self.settings.setValue(SETTINGS_KEY, "[]")
