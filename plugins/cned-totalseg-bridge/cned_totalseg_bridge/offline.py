"""Keep TotalSegmentator on the workstation: usage statistics off, weights present, no download.

TotalSegmentator (``totalsegmentator/config.py``) reads ``config.json`` in its home folder
(``$TOTALSEG_HOME_DIR``, else ``~/.totalsegmentator``, or ``/tmp/.totalsegmentator`` when
the home is ``/``). It creates that file with ``"send_usage_stats": true`` and then posts
every run (task, options, platform, version) to backend.totalsegmentator.com. There is no
command-line flag or environment variable against it (``--statistics`` is something else:
volumes written to statistics.json); only ``"send_usage_stats": false`` in that file stops it.
The bridge writes it before every run and passes the same home folder to the command.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cned_totalseg_bridge.tasks import Task
from cned_viewer.errors import UserError

HOME_ENV = "TOTALSEG_HOME_DIR"
WEIGHTS_ENV = "TOTALSEG_WEIGHTS_PATH"


def home_dir(environ: Mapping[str, str] | None = None, override: str | Path | None = None) -> Path:
    """TotalSegmentator's home folder as the command will find it (``override`` first)."""
    environ = os.environ if environ is None else environ
    if override:
        return Path(override).expanduser()
    if environ.get(HOME_ENV):
        return Path(environ[HOME_ENV]).expanduser()
    home = Path.home()
    return (Path("/tmp") if str(home) == "/" else home) / ".totalsegmentator"


def weights_dir(home: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where TotalSegmentator looks for its nnU-Net weights (``$TOTALSEG_WEIGHTS_PATH`` wins)."""
    environ = os.environ if environ is None else environ
    return Path(environ[WEIGHTS_ENV]) if environ.get(WEIGHTS_ENV) else home / "nnunet" / "results"


def disable_usage_stats(home: Path) -> dict[str, Any]:
    """Set ``send_usage_stats`` false in ``home/config.json`` (other keys kept) and check it; returns the config.

    Raises UserError when the file cannot be written or read back as false: the run must
    not start then.
    """
    path = home / "config.json"
    config: dict[str, Any] = {}
    try:
        if path.is_file():
            loaded = json.loads(path.read_text(encoding="utf-8") or "{}")
            config = loaded if isinstance(loaded, dict) else {}
        config.setdefault("totalseg_id", "totalseg_cnedview")  # TotalSegmentator reads these keys
        config.setdefault("prediction_counter", 0)
        config.update(send_usage_stats=False, statistics_disclaimer_shown=True)
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=home, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            json.dump(config, handle, indent=4)
        os.replace(handle.name, path)
        if json.loads(path.read_text(encoding="utf-8")).get("send_usage_stats") is not False:
            raise OSError("the setting did not stick")
    except (OSError, ValueError) as error:
        raise UserError(f"cannot turn TotalSegmentator's usage statistics off in {path} ({error}); "
                        f"not running it. Make that folder writable or set {HOME_ENV} to one that is") from error
    return config


def missing_weights(task: Task, fast: bool, weights: Path) -> list[int]:
    """The nnU-Net datasets ``task`` needs that are not under ``weights`` (TotalSegmentator would download them)."""
    present = {p.name.split("_", 1)[0] for p in weights.glob("Dataset*_*") if p.is_dir()} if weights.is_dir() else set()
    return [d for d in task.needed_datasets(fast) if f"Dataset{d:03d}" not in present]


def require_weights(task: Task, fast: bool, weights: Path) -> None:
    """UserError naming the missing datasets and how to place them offline."""
    missing = missing_weights(task, fast, weights)
    if missing:
        names = ", ".join(f"Dataset{d:03d}_*" for d in missing)
        raise UserError(f"TotalSegmentator's weights for {task.name} are not in {weights} (missing {names}); it would "
                        f"download them. Copy them from a machine with internet (see the bridge's README: {HOME_ENV}), "
                        f"or allow the download with the option allow_download=1")


def command_environment(home: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the command: ours, with its home folder pinned to ``home``."""
    env = dict(os.environ if environ is None else environ)
    env[HOME_ENV] = str(home)
    env.setdefault("PYTHONUNBUFFERED", "1")  # progress lines as they are printed
    return env
