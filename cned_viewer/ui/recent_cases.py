"""Recently opened cases, kept in QSettings (newest first, at most :data:`MAX_RECENT`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 8
SETTINGS_KEY = "recent_cases"


@dataclass(frozen=True)
class RecentCase:
    """How a case was opened: an image (+ labels, mapping, series) or a bundle folder."""

    image: str
    labels: str | None = None
    label_map: str | None = None
    series: str | None = None
    bundle: bool = False

    def title(self) -> str:
        name = Path(self.image).name
        return f"{name} + {Path(self.labels).name}" if self.labels else name


class RecentCases:
    """Read and update the list; entries whose files are gone are dropped when listed."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()

    def entries(self) -> list[RecentCase]:
        try:
            raw = json.loads(str(self.settings.value(SETTINGS_KEY, "[]")))
            found = [RecentCase(**item) for item in raw]
        except (TypeError, ValueError):
            return []
        return [entry for entry in found if Path(entry.image).exists()]

    def add(self, entry: RecentCase) -> None:
        entries = [entry] + [e for e in self.entries() if e != entry]
        self.settings.setValue(SETTINGS_KEY, json.dumps([asdict(e) for e in entries[:MAX_RECENT]]))

    def clear(self) -> None:
        self.settings.setValue(SETTINGS_KEY, "[]")
