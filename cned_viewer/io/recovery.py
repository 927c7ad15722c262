"""Crash recovery: unsaved label edits written aside, throttled and atomic, offered at the next start.

An :class:`Autosaver` follows one :class:`~cned_viewer.editing.EditSession`. The UI asks
:meth:`Autosaver.due` from a timer (say every second) and calls :meth:`Autosaver.save_now` when it
is: at most one save per ``interval_s`` (10 s) of editing, none while nothing changed. A save is a
folder per editing session under :func:`recovery_root` holding

* ``labels-<n>.npz``: the whole label array (compressed),
* ``log-<n>.json``: the edit log (what was done, by how much, when),
* ``manifest.json``: the source image and labels, the checksum of the labels as loaded and of the
  labels saved, their grid and label table, and which ``<n>`` is current.

The data files are written first, each atomically, then the manifest (atomically) names them, then
older generations are removed: a crash at any moment leaves the previous complete save readable.
At start the app calls :func:`find_recoverable` and offers each result; :func:`recover` returns the
labels and log, :func:`discard` deletes a save. After the user saves or closes cleanly the UI calls
:meth:`Autosaver.discard`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import Label, LabelMap, LabelTable, array_digest
from cned_viewer.editing.log import EditLog
from cned_viewer.editing.session import EditSession
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write, atomic_write_text

RECOVERY_ENV = "CNED_RECOVERY_DIR"
DEFAULT_INTERVAL_S = 10.0
FORMAT_NAME = "cned-recovery"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def recovery_root() -> Path:
    """``$CNED_RECOVERY_DIR``, else ``<user data dir>/cned-viewer/recovery``."""
    override = os.environ.get(RECOVERY_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("cned-viewer", appauthor=False)) / "recovery"


@dataclass(frozen=True)
class RecoverySource:
    """What is being edited: the image and label files (as the user opened them) and the labels' checksum then."""

    image: str
    labels: str
    original_checksum: str

    @classmethod
    def of(cls, labels: LabelMap, image: str | os.PathLike = "") -> RecoverySource:
        """From the label map as loaded (before any edit): its source file and checksum."""
        return cls(str(image), labels.source, labels.checksum())


@dataclass(frozen=True)
class Snapshot:
    """The state to save, copied on the caller's thread; :meth:`write` may run in a worker."""

    folder: Path
    generation: int
    labels: np.ndarray
    log: dict[str, Any]
    manifest: dict[str, Any]

    def write(self) -> Path:
        """Write the data files, then the manifest naming them, then drop older generations."""
        atomic_write(self.folder / self.manifest["labels_file"], lambda tmp: _write_npz(tmp, self.labels))
        atomic_write_text(self.folder / self.manifest["log_file"], json.dumps(self.log))
        target = atomic_write_text(self.folder / MANIFEST, json.dumps(self.manifest, indent=1))
        keep = {MANIFEST, self.manifest["labels_file"], self.manifest["log_file"]}
        for old in self.folder.iterdir():
            if old.name not in keep and not old.name.startswith("."):
                old.unlink(missing_ok=True)
        return target


def _write_npz(path: Path, labels: np.ndarray) -> None:
    with open(path, "wb") as handle:
        np.savez_compressed(handle, labels=labels)


class Autosaver:
    """Throttled, atomic recovery saves of one editing session (see the module docstring)."""

    def __init__(
        self,
        session: EditSession,
        source: RecoverySource,
        interval_s: float = DEFAULT_INTERVAL_S,
        root: str | os.PathLike | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session, self.source, self.interval_s, self.clock = session, source, float(interval_s), clock
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.folder = Path(root or recovery_root()) / f"{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.created = _now_iso()
        self._generation = 0
        self._saved_revision = session.revision
        self._last_save = clock()

    @property
    def pending(self) -> bool:
        """Edits not yet in the recovery file."""
        return self.session.revision != self._saved_revision

    def due(self, now: float | None = None) -> bool:
        """True when there are pending edits and the last save is at least ``interval_s`` old."""
        now = self.clock() if now is None else now
        return self.pending and now - self._last_save >= self.interval_s

    def snapshot(self) -> Snapshot:
        """Copy the labels and log now (fast); counts as saved. Write it with :meth:`Snapshot.write`."""
        self._generation += 1
        labels = self.session.labels
        n = self._generation
        manifest = {
            "format": FORMAT_NAME, "version": FORMAT_VERSION,
            "pid": os.getpid(), "host": socket.gethostname(),
            "created": self.created, "updated": _now_iso(), "generation": n,
            "source": {"image": self.source.image, "labels": self.source.labels, "original_checksum": self.source.original_checksum},
            "labels_file": f"labels-{n}.npz", "log_file": f"log-{n}.json",
            "labels_sha256": array_digest(labels.array),
            "geometry": _geometry_json(labels.geometry), "table": _table_json(labels.table),
            "edits": len(self.session.log), "revision": self.session.revision,
        }
        shot = Snapshot(self.folder, n, labels.array.copy(), self.session.log.to_json(), manifest)
        self._saved_revision = self.session.revision
        self._last_save = self.clock()
        return shot

    def save_now(self) -> Path:
        """Snapshot and write on this thread; the manifest's path. A failed write leaves the edits pending."""
        shot = self.snapshot()
        try:
            return shot.write()
        except BaseException:
            self.write_failed()
            raise

    def write_failed(self) -> None:
        """A snapshot's write failed (e.g. in a worker): keep the edits pending so the next tick retries."""
        self._saved_revision = -1

    def tick(self, now: float | None = None) -> bool:
        """For a timer: save when :meth:`due`; True if it saved."""
        if not self.due(now):
            return False
        self.save_now()
        return True

    def discard(self) -> None:
        """Delete this session's recovery save (the labels were saved, or the user discarded the edits)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._saved_revision = self.session.revision


@dataclass(frozen=True)
class RecoveryInfo:
    """One recoverable save, as :func:`find_recoverable` lists it."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def source(self) -> RecoverySource:
        s = self.manifest["source"]
        return RecoverySource(s["image"], s["labels"], s["original_checksum"])

    @property
    def updated(self) -> str:
        return self.manifest["updated"]

    @property
    def edits(self) -> int:
        return int(self.manifest["edits"])

    def describe(self) -> str:
        name = Path(self.source.image).name or Path(self.source.labels).name or "unnamed case"
        return f"{name}: {self.edits} edit(s), last saved {self.updated}"


@dataclass(frozen=True)
class Recovered:
    """The labels and edit log of a recovery save."""

    labels: LabelMap
    log: EditLog
    info: RecoveryInfo


def find_recoverable(root: str | os.PathLike | None = None, include_running: bool = False) -> list[RecoveryInfo]:
    """Recovery saves left by sessions that ended without saving, newest first.

    Saves of a process still running on this host (another open window) are left out unless
    ``include_running``.
    """
    folder = Path(root or recovery_root())
    found = []
    for candidate in sorted(folder.iterdir()) if folder.is_dir() else []:
        manifest = _read_manifest(candidate / MANIFEST)
        if manifest is None:
            continue
        if not include_running and manifest.get("host") == socket.gethostname() and _alive(int(manifest.get("pid", -1))):
            continue
        found.append(RecoveryInfo(candidate, manifest))
    return sorted(found, key=lambda info: info.updated, reverse=True)


def recover(info: RecoveryInfo) -> Recovered:
    """The saved labels (checked against their checksum) and edit log."""
    manifest = info.manifest
    try:
        with np.load(info.folder / manifest["labels_file"]) as data:
            array = data["labels"]
        log = EditLog.from_json(json.loads((info.folder / manifest["log_file"]).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as error:
        raise UserError(f"the recovery save in {info.folder} is damaged ({error}); discard it") from None
    if array_digest(array) != manifest["labels_sha256"]:
        raise UserError(f"the recovery save in {info.folder} does not match its checksum; discard it")
    g = manifest["geometry"]
    geometry = Geometry(tuple(g["size_xyz"]), tuple(g["spacing_xyz_mm"]), tuple(g["origin_xyz_mm"]), tuple(g["direction"]))
    table = LabelTable(tuple(Label(e["value"], e["key"], e["name"], tuple(e["colour_rgb"])) for e in manifest["table"]))
    labels = LabelMap(array, geometry, table, source=info.source.labels, notices=[f"recovered unsaved edits from {info.updated}"])
    return Recovered(labels, log, info)


def discard(info: RecoveryInfo) -> None:
    """Delete a recovery save."""
    shutil.rmtree(info.folder, ignore_errors=True)


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME or manifest.get("version", 0) > FORMAT_VERSION:
        return None
    return manifest


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _geometry_json(geometry: Geometry) -> dict[str, Any]:
    """Exact values (JSON floats round-trip), unlike the rounded :meth:`Geometry.to_json`."""
    return {
        "size_xyz": list(geometry.size_xyz), "spacing_xyz_mm": list(geometry.spacing_xyz_mm),
        "origin_xyz_mm": list(geometry.origin_xyz_mm), "direction": list(geometry.direction),
    }


def _table_json(table: LabelTable) -> list[dict[str, Any]]:
    return [{"value": lab.value, "key": lab.key, "name": lab.name, "colour_rgb": list(lab.colour_rgb)} for lab in table.labels]


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
