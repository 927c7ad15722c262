"""PACS connection settings (the app's AE title, the PACS's AE title, host, port), kept as JSON in the config folder.

The file is ``pacs.json`` in :func:`cned_viewer.io.user_settings.config_dir` (``$CNED_CONFIG_DIR``
when set). A missing file gives the defaults; a damaged one is a :class:`UserError` naming it.
``retrieve_folder`` is where retrieved series are written (empty: the user cache folder).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write_text
from cned_viewer.io.user_settings import config_dir

SETTINGS_FILE = "pacs.json"
MAX_AE_LENGTH = 16


@dataclass(frozen=True)
class PacsSettings:
    """Where the PACS is and who the app says it is; :meth:`checked` refuses impossible values."""

    calling_ae: str = "CNEDVIEWER"
    called_ae: str = "PACS"
    host: str = "127.0.0.1"
    port: int = 104
    timeout_s: float = 30.0
    retrieve_folder: str = ""

    def checked(self) -> PacsSettings:
        """These settings, or a :class:`UserError` saying which value is wrong and what is allowed."""
        for name, title in (("calling_ae", "the app's AE title"), ("called_ae", "the PACS's AE title")):
            problem = ae_title_problem(getattr(self, name))
            if problem:
                raise UserError(f"{title} {getattr(self, name)!r} {problem}; fix it in the PACS settings")
        if not self.host.strip():
            raise UserError("no PACS host given; set the host name or IP address in the PACS settings")
        if not 1 <= int(self.port) <= 65535:
            raise UserError(f"PACS port {self.port} is not between 1 and 65535; fix it in the PACS settings")
        if not self.timeout_s > 0:
            raise UserError(f"PACS timeout {self.timeout_s} s must be positive")
        return self

    def describe(self) -> str:
        """``PACS@host:port`` as messages name the PACS."""
        return f"{self.called_ae}@{self.host}:{self.port}"

    def destination(self) -> Path:
        """The folder retrieved series go to."""
        if self.retrieve_folder:
            return Path(self.retrieve_folder).expanduser()
        return Path(platformdirs.user_cache_dir("cned-viewer", appauthor=False)) / "pacs"


def ae_title_problem(title: str) -> str | None:
    """Why ``title`` is no valid AE title (1-16 printable ASCII characters, no backslash), or None."""
    stripped = title.strip()
    if not stripped:
        return "is empty"
    if len(stripped) > MAX_AE_LENGTH:
        return f"is longer than {MAX_AE_LENGTH} characters"
    if not all(" " <= c <= "~" for c in stripped) or "\\" in stripped:
        return "may hold only printable ASCII characters without backslash"
    return None


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_pacs_settings(path: str | os.PathLike | None = None) -> PacsSettings:
    """The saved settings; the defaults where the file or a key is missing."""
    path = Path(path) if path is not None else settings_path()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PacsSettings()
    except (OSError, ValueError) as error:
        raise UserError(f"PACS settings {path} unreadable ({error}); fix or delete the file, or save the settings again") from None
    if not isinstance(data, dict):
        raise UserError(f"PACS settings {path} must hold a JSON object; fix or delete the file")
    known = {f.name: f.type for f in fields(PacsSettings)}
    values = {key: value for key, value in data.items() if key in known}
    try:
        return replace(PacsSettings(), **{key: _typed(key, value) for key, value in values.items()})
    except (TypeError, ValueError):
        raise UserError(f"PACS settings {path} hold a value of the wrong type; fix or delete the file") from None


def _typed(key: str, value: Any) -> Any:
    if key == "port":
        return int(value)
    if key == "timeout_s":
        return float(value)
    if not isinstance(value, str):
        raise TypeError(key)
    return value


def save_pacs_settings(settings: PacsSettings, path: str | os.PathLike | None = None) -> Path:
    """Check and write ``settings`` atomically; the file written."""
    settings.checked()
    path = Path(path) if path is not None else settings_path()
    return atomic_write_text(path, json.dumps(asdict(settings), indent=2) + "\n")
