"""Label editing of the open case: the edit session, live measurements and recovery saves (no Qt).

Per :attr:`EditSession.changed` record (every brush move, tool, undo, redo, plugin step) the
:class:`IncrementalMeasurer` is updated at once (O(brush)) and :attr:`LiveEdits.live` carries
volumes, TLVR and the scores' inputs. Lesion-level results (and the 3D model the window builds
from them) are then *stale*: they are refreshed through the ``refresh`` channel, debounced by a
timer, when the stroke ends; a result computed before a newer edit is dropped (by revision) and
the refresh runs again. While a refresh runs, new records are queued and applied together when it
is back (their union box, with the old values rebuilt by reverting the queued records on a copy),
so the measurer is never touched by two threads at once. Recovery saves: an :class:`Autosaver`
per case, checked by a repeating timer and written through a channel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from psygnal import Signal

from cned_viewer.core.case import Case, case_title
from cned_viewer.core.provenance import EditRecord
from cned_viewer.editing.log import EditLog
from cned_viewer.editing.session import EditSession
from cned_viewer.io.recovery import Autosaver, RecoverySource, recovery_info
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.session.executor import Executor

REFRESH_DELAY_MS = 200
AUTOSAVE_TICK_MS = 1000


class LiveEdits:
    """Owns the edit session, the live measurer and the autosaver of the open case."""

    live = Signal(object)  # Measurements: volumes and TLVR current, lesions as they were
    refreshed = Signal(object)  # Measurements: everything current again
    stale = Signal(bool)  # lesion-level results are behind the labels
    region_changed = Signal(object)  # the EditRecord of a change (its box, target, old and new values)
    failed = Signal(str)

    def __init__(self, executor: Executor, clinical_json: Callable[[], dict[str, Any]]) -> None:
        self.session: EditSession | None = None
        self.measurer: IncrementalMeasurer | None = None
        self.autosaver: Autosaver | None = None
        self.clinical_dirty = False
        self.recovery_folder: str | None = None
        self._clinical_json = clinical_json
        self.plans_source: Callable[[], list[Any]] | None = None  # the resection plans, saved beside the labels
        self.followups_source: Callable[[], dict[str, Any]] | None = None  # where the follow-up scans are read from
        self._queued: list[EditRecord] = []
        self._refreshing = False
        self._refresh_revision = -1
        self.refresh_timer = executor.timer(REFRESH_DELAY_MS, self._start_refresh)
        self.refresher = executor.channel(self._refreshed, self._refresh_failed)
        self.autosave_writer = executor.channel(lambda _path: None, lambda _m: self.autosaver and self.autosaver.write_failed())
        self.autosave_timer = executor.timer(AUTOSAVE_TICK_MS, self.autosave_tick, repeat=True)
        self.autosave_timer.start()

    # -- the case ----------------------------------------------------------------------------
    def start(self, case: Case, recovery_folder: str | None = None) -> None:
        """A case was opened: a new session (its log IS ``case.provenance``).

        ``recovery_folder``: the case holds edits recovered from that save, which this session continues."""
        self.stop()
        self.recovery_folder = recovery_folder
        if case.labels is None:
            return
        session = EditSession(case.labels, case.image, case.segments)
        session.log = EditLog(case.provenance)  # one list: the report lists the edits
        if recovery_folder:
            session.saved_revision = -1  # recovered edits are not saved anywhere yet
            self.clinical_dirty = True
        self.session = session
        session.changed.connect(self._on_changed)

    @staticmethod
    def recovery_source(case: Case, recovery_folder: str | None = None) -> RecoverySource:
        """What a recovery save refers to (the labels' checksum: call it in a worker, before any edit).

        A recovered case keeps the source of the save it came from."""
        recovered = recovery_info(recovery_folder) if recovery_folder else None
        if recovered is not None:
            return recovered.source
        metadata = case.metadata
        source = metadata.get("source") or ""
        image = source if source and Path(source).exists() else ""  # "" = the demo case
        return RecoverySource.of(case.labels, image, str(metadata.get("SeriesInstanceUID") or ""),
                                 str(metadata.get("bundle") or ""), case_title(metadata))

    def stop(self) -> None:
        """Forget the session (the user chose to discard, or another case comes)."""
        if self.autosaver is not None:
            self.autosaver.discard()
        self.session = self.measurer = self.autosaver = None
        self.clinical_dirty = False
        self._reset_refresh()
        self.refresh_timer.stop()

    def close(self) -> None:
        """The app ends: no more timers."""
        self.stop()
        self.autosave_timer.stop()

    def set_measurer(self, measurer: IncrementalMeasurer | None, source: RecoverySource | None = None) -> None:
        """The live measurer was (re)built in a worker; editing is possible from now on.

        ``source`` (computed in that worker) starts the recovery saves of this session."""
        self.measurer = measurer
        if source is not None and self.session is not None and self.autosaver is None:
            folder = self.recovery_folder
            self.autosaver = Autosaver(self.session, source, clinical=self._clinical_json, folder=folder,
                                       plans=self.plans_source, followups=self.followups_source)
            if folder:
                self.autosaver.mark_pending()  # the recovered save is rewritten under this session
        self._reset_refresh()

    def _reset_refresh(self) -> None:
        self._queued.clear()
        self._refreshing = False
        self.refresher.cancel()

    @property
    def ready(self) -> bool:
        return self.session is not None and self.measurer is not None

    @property
    def has_unsaved_changes(self) -> bool:
        """Label edits or clinical inputs not saved yet."""
        return self.session is not None and (self.session.has_unsaved_changes or self.clinical_dirty)

    def clinical_changed(self) -> None:
        """The clinical inputs were changed by the user: unsaved, and in the next recovery save."""
        if self.session is not None:
            self.clinical_dirty = True
            if self.autosaver is not None:
                self.autosaver.mark_pending()

    @property
    def updating(self) -> bool:
        """Lesion-level results are behind the labels (an edit since the last refresh)."""
        return bool(self._queued or self._refreshing or self.refresh_timer.active
                    or (self.measurer is not None and self.measurer.lesions_stale))

    # -- live updates ------------------------------------------------------------------------
    def _on_changed(self, record: EditRecord) -> None:
        if self.measurer is None or self._refreshing:
            self._queued.append(record)
        elif record.target == "labels":
            self.measurer.apply_edit(record.box, record.old)
        else:
            self._segments_changed()
        self.region_changed.emit(record)
        if self.measurer is not None:
            self.live.emit(self.measurer.measurements())
        self.stale.emit(True)
        self.schedule_refresh()  # restarted by every record; a timeout during a stroke waits for its release

    def schedule_refresh(self) -> None:
        self.refresh_timer.start()

    def _start_refresh(self) -> None:
        if self.measurer is None or self.session is None or self._refreshing:
            return  # a running refresh comes back, applies the queue and starts again
        if self.session.stroking:
            return  # the stroke's release schedules it
        self._refreshing = True
        self._refresh_revision = self.session.revision
        self.refresher.submit(self.measurer.refresh)

    def _segments_changed(self) -> None:
        segments = self.session.maps.get("segments") if self.session is not None else None
        self.measurer.segments_changed(None if segments is None else segments.array)  # type: ignore[union-attr]

    def _apply_queued(self) -> bool:
        """Apply the records that arrived during a refresh (one union box); True if there were any."""
        queued, self._queued = self._queued, []
        if self.measurer is None or self.session is None:
            return False
        if any(r.target == "segments" for r in queued):
            self._segments_changed()
        records = [r for r in queued if r.target == "labels"]
        if not records:
            return len(queued) > 0
        start = tuple(min(r.start_zyx[a] for r in records) for a in range(3))
        stop = tuple(max(r.stop_zyx[a] for r in records) for a in range(3))
        box = tuple(slice(a, b) for a, b in zip(start, stop))
        old = self.session.labels.array[box].copy()
        for record in reversed(records):  # undo them on the copy: the values before the first
            local = tuple(slice(s.start - b.start, s.stop - b.start) for s, b in zip(record.box, box))
            old[local] = record.old
        self.measurer.apply_edit(box, old)
        return True

    def _refreshed(self, measurements) -> None:
        self._refreshing = False
        had_queue = self._apply_queued()
        session = self.session
        if session is None:
            return
        if had_queue or session.revision != self._refresh_revision or session.stroking:
            if self.measurer is not None:
                self.live.emit(self.measurer.measurements())
            if not session.stroking:
                self.schedule_refresh()
            return  # computed before a newer edit: dropped
        self.stale.emit(False)
        self.refreshed.emit(measurements)

    def _refresh_failed(self, message: str) -> None:
        self._refreshing = False
        self._apply_queued()
        self.failed.emit(message)

    # -- autosave ----------------------------------------------------------------------------
    def autosave_tick(self) -> None:
        saver = self.autosaver
        if saver is not None and self.session is not None and not self.session.stroking and saver.due():
            self.autosave_writer.submit(saver.snapshot().write)

    def saved(self, revision: int) -> None:
        """The labels as of ``revision`` were saved by the user: mark them and drop the recovery save."""
        if self.session is None:
            return
        self.session.saved_revision = revision
        self.clinical_dirty = False
        if self.autosaver is not None:
            self.autosaver.discard()
