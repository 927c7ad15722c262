"""The user's own settings (e.g. the name written as ContentCreatorName in exported DICOM).

Stored as JSON in ``settings.json`` of the user config folder: ``$CNED_CONFIG_DIR`` when set,
else ``platformdirs.user_config_dir("cned-viewer")`` (the folder of the plugin settings). A
missing or unreadable file means the defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from cned_viewer.io.atomic import atomic_write_text

CONFIG_DIR_ENV = "CNED_CONFIG_DIR"
SETTINGS_FILE = "settings.json"
CONTENT_CREATOR = "content_creator_name"


def config_dir() -> Path:
    """The user config folder (settings, plugins, PACS): ``$CNED_CONFIG_DIR`` or the platform's."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir("cned-viewer", appauthor=False))


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_user_settings() -> dict[str, Any]:
    """All settings; ``{}`` when the file is missing or unreadable."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def set_user_setting(key: str, value: Any) -> None:
    """Change one setting and save at once (atomic write)."""
    data = load_user_settings()
    data[key] = value
    atomic_write_text(settings_path(), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def content_creator_name() -> str | None:
    """The person named as creator of exported DICOM objects (DICOM PN, e.g. ``Doe^Jane``), or None."""
    name = load_user_settings().get(CONTENT_CREATOR)
    return str(name).strip() or None if name else None
