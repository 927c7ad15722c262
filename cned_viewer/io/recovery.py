"""Crash recovery: unsaved label edits written aside, throttled and atomic, offered at the next start.

An :class:`Autosaver` follows one :class:`~cned_viewer.editing.EditSession`. The UI asks
:meth:`Autosaver.due` from a timer (say every second) and calls :meth:`Autosaver.save_now` when it
is: at most one save per ``interval_s`` (10 s) of editing, none while nothing changed. A save is a
folder per editing session under :func:`recovery_root` holding

* ``labels-<n>.npz``: the whole label array (compressed),
* ``log-<n>.json``: the edit log (what was done, by how much, when),
* ``plans-<n>.json`` and ``plans-<n>.npz``: the resection plans and their painted overrides, when the
  case has plans,
* ``manifest.json``: the source image and labels, the checksum of the labels as loaded and of the
  labels saved, their grid and label table, the clinical inputs, where each follow-up scan is read
  from (its files are not copied: they are not edited) and which ``<n>`` is current.

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
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import Label, LabelMap, LabelTable, array_digest
from cned_viewer.editing.log import EditLog
from cned_viewer.editing.session import EditSession
from cned_viewer.planning.plan import ResectionPlan, plans_from_json, plans_to_json, read_overrides_npz, write_overrides_npz
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
    """What is being edited: where the case came from, the labels' checksum then, and whose case it is.

    ``image`` is the image file or DICOM folder ("" for the demo case), ``series`` its series
    UID, ``bundle`` the case bundle it was opened from ("" if none); ``title`` names the case
    for the user (patient and series).
    """

    image: str
    labels: str
    original_checksum: str
    series: str = ""
    bundle: str = ""
    title: str = ""

    @classmethod
    def of(cls, labels: LabelMap, image: str | os.PathLike = "", series: str = "", bundle: str = "", title: str = "") -> RecoverySource:
        """From the label map as loaded (before any edit): its source file and checksum."""
        return cls(str(image), labels.source, labels.checksum(), series or "", bundle or "", title or "")

    def to_json(self) -> dict[str, str]:
        return {"image": self.image, "labels": self.labels, "original_checksum": self.original_checksum,
                "series": self.series, "bundle": self.bundle, "title": self.title}


@dataclass(frozen=True)
class Snapshot:
    """The state to save, copied on the caller's thread; :meth:`write` may run in a worker."""

    folder: Path
    generation: int
    labels: np.ndarray
    log: dict[str, Any]
    manifest: dict[str, Any]
    plans: list[ResectionPlan] = field(default_factory=list)

    def write(self) -> Path:
        """Write the data files, then the manifest naming them, then drop older generations."""
        atomic_write(self.folder / self.manifest["labels_file"], lambda tmp: _write_npz(tmp, self.labels))
        atomic_write_text(self.folder / self.manifest["log_file"], json.dumps(self.log))
        if self.manifest.get("plans_file"):
            atomic_write_text(self.folder / self.manifest["plans_file"], json.dumps(plans_to_json(self.plans)))
        if self.manifest.get("plan_overrides_file"):
            atomic_write(self.folder / self.manifest["plan_overrides_file"], lambda tmp: write_overrides_npz(tmp, self.plans))
        target = atomic_write_text(self.folder / MANIFEST, json.dumps(self.manifest, indent=1))
        keep = {MANIFEST, self.manifest["labels_file"], self.manifest["log_file"],
                self.manifest.get("plans_file"), self.manifest.get("plan_overrides_file")}
        for old in self.folder.iterdir():
            if old.name not in keep and not old.name.startswith("."):
                old.unlink(missing_ok=True)
        return target


def _copied(plan: ResectionPlan) -> ResectionPlan:
    """``plan`` with its own overrides array (a brush stroke may go on writing the plan's while a worker saves)."""
    return plan if plan.overrides is None else replace(plan, overrides=plan.overrides.copy())


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
        clinical: Callable[[], dict[str, Any]] | None = None,
        folder: str | os.PathLike | None = None,
        plans: Callable[[], list[ResectionPlan]] | None = None,
        followups: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        """``clinical`` returns the clinical inputs to save beside the labels, ``plans`` the resection plans,
        ``followups`` where the follow-up scans are read from (plain JSON, kept in the manifest);
        ``folder`` continues a recovered save (it is kept until this session saves or discards)."""
        self.session, self.source, self.interval_s, self.clock = session, source, float(interval_s), clock
        self.clinical, self.plans, self.followups = clinical, plans, followups
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.folder = Path(folder) if folder else Path(root or recovery_root()) / f"{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.created = _now_iso()
        self._generation = 0
        self._saved_revision = session.revision
        self._last_save = clock()

    @property
    def pending(self) -> bool:
        """Edits not yet in the recovery file."""
        return self.session.revision != self._saved_revision

    def mark_pending(self) -> None:
        """Something outside the labels changed (the clinical inputs): save at the next due tick."""
        self._saved_revision = -1

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
            "source": self.source.to_json(),
            "clinical": self.clinical() if self.clinical is not None else None,
            "followups": self.followups() if self.followups is not None else None,
            "labels_file": f"labels-{n}.npz", "log_file": f"log-{n}.json",
            "labels_sha256": array_digest(labels.array),
            "geometry": _geometry_json(labels.geometry), "table": _table_json(labels.table),
            "edits": len(self.session.log), "revision": self.session.revision,
        }
        plans = [_copied(plan) for plan in self.plans()] if self.plans is not None else []
        if plans:
            manifest["plans_file"] = f"plans-{n}.json"
            if any(plan.overrides is not None for plan in plans):
                manifest["plan_overrides_file"] = f"plans-{n}.npz"
        shot = Snapshot(self.folder, n, labels.array.copy(), self.session.log.to_json(), manifest, plans)
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
        self.mark_pending()

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
        return RecoverySource(s["image"], s["labels"], s["original_checksum"], s.get("series") or "", s.get("bundle") or "", s.get("title") or "")

    @property
    def updated(self) -> str:
        return self.manifest["updated"]

    @property
    def edits(self) -> int:
        return int(self.manifest["edits"])

    def describe(self) -> str:
        """``Patient ..., series ... (file): N edit(s), resection plans, 1 follow-up scan, last saved 2026-11-30 14:05
        (local time)``: what the save holds besides the clinical inputs."""
        source = self.source
        where = Path(source.bundle or source.image).name or ("the demo case" if not source.labels else Path(source.labels).name)
        title = f"{source.title} ({where})" if source.title else where
        held = [f"{self.edits} edit(s)"] + (["resection plans"] if self.manifest.get("plans_file") else [])
        scans = len((self.manifest.get("followups") or {}).get("scans") or [])
        held += [f"{scans} follow-up scan{'s' if scans > 1 else ''}"] if scans else []
        return f"{title}: {', '.join(held)}, last saved {local_time(self.updated)} (local time)"


@dataclass(frozen=True)
class Recovered:
    """The labels and edit log of a recovery save."""

    labels: LabelMap
    log: EditLog
    info: RecoveryInfo
    clinical: dict[str, Any] | None = None
    plans: list[ResectionPlan] | None = None  # None: the save has no plans (keep the case's own)
    followups: dict[str, Any] | None = None  # ``CaseFollowUps.recovery_json()``; None: keep the case's own


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


def recovery_info(folder: str | os.PathLike) -> RecoveryInfo | None:
    """The save in ``folder`` (None when it is gone or unreadable)."""
    manifest = _read_manifest(Path(folder) / MANIFEST)
    return None if manifest is None else RecoveryInfo(Path(folder), manifest)


def recover(info: RecoveryInfo) -> Recovered:
    """The saved labels (checked against their checksum) and edit log."""
    manifest = info.manifest
    try:
        with np.load(info.folder / manifest["labels_file"]) as data:
            array = data["labels"]
        log = EditLog.from_json(json.loads((info.folder / manifest["log_file"]).read_text(encoding="utf-8")))
        plans = _read_plans(info.folder, manifest)
    except (OSError, ValueError, KeyError, UserError) as error:
        raise UserError(f"the recovery save in {info.folder} is damaged ({error}); discard it") from None
    if array_digest(array) != manifest["labels_sha256"]:
        raise UserError(f"the recovery save in {info.folder} does not match its checksum; discard it")
    g = manifest["geometry"]
    geometry = Geometry(tuple(g["size_xyz"]), tuple(g["spacing_xyz_mm"]), tuple(g["origin_xyz_mm"]), tuple(g["direction"]))
    table = LabelTable(tuple(Label(e["value"], e["key"], e["name"], tuple(e["colour_rgb"])) for e in manifest["table"]))
    labels = LabelMap(array, geometry, table, source=info.source.labels, notices=[f"recovered unsaved edits from {info.updated}"])
    clinical, followups = manifest.get("clinical"), manifest.get("followups")
    return Recovered(labels, log, info, clinical if isinstance(clinical, dict) else None, plans,
                     followups if isinstance(followups, dict) else None)


def _read_plans(folder: Path, manifest: dict[str, Any]) -> list[ResectionPlan] | None:
    if not manifest.get("plans_file"):
        return None
    data = json.loads((folder / manifest["plans_file"]).read_text(encoding="utf-8"))
    overrides = read_overrides_npz(folder / manifest["plan_overrides_file"]) if manifest.get("plan_overrides_file") else None
    return plans_from_json(data, overrides)


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


def local_time(iso: str) -> str:
    """An ISO time stamp (UTC) as the user's local ``YYYY-MM-DD HH:MM``; unreadable text as it is."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(iso)


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
