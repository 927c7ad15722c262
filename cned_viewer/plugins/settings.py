"""Which plugins the user disabled, persisted as JSON in the user config folder.

The folder is ``platformdirs.user_config_dir("cned-viewer")``, or ``$CNED_CONFIG_DIR``
when set (tests, portable installs). The file is ``plugins.json``:
``{"disabled": ["name", ...]}``. A missing or unreadable file means "all enabled".
"""

from __future__ import annotations

import json
from pathlib import Path

from cned_viewer.io.atomic import atomic_write_text
from cned_viewer.io.user_settings import config_dir

SETTINGS_FILE = "plugins.json"


class PluginSettings:
    """The persisted set of disabled plugin names."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / SETTINGS_FILE
        self.problem: str | None = None
        self._disabled = self._read()

    def _read(self) -> set[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(name) for name in data.get("disabled", [])}
        except FileNotFoundError:
            return set()
        except (OSError, ValueError, AttributeError, TypeError) as error:
            self.problem = f"plugin settings {self.path} unreadable ({error}); all plugins enabled"
            return set()

    def is_enabled(self, name: str) -> bool:
        return name not in self._disabled

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Change and save at once (atomic write)."""
        (self._disabled.discard if enabled else self._disabled.add)(name)
        atomic_write_text(self.path, json.dumps({"disabled": sorted(self._disabled)}, indent=2) + "\n")

