"""Label editing in the main window: strokes and tools -> EditSession; live measurements; autosave.

Per :attr:`EditSession.changed` record (every brush move, tool, undo, redo, plugin step) the
:class:`IncrementalMeasurer` is updated on the GUI thread (O(brush)), only the slice views
through the record's box are redrawn, and volumes, TLVR and the scores are shown at once.
Lesion-level results and the 3D model are marked stale ("updating...") and refreshed in a
worker, debounced, when the stroke ends; a result computed before a newer edit is dropped
(by revision) and the refresh runs again. While a refresh runs, new records are queued and
applied together when it is back (their union box, with the old values rebuilt by reverting
the queued records on a copy), so the measurer is never touched by two threads at once.
Recovery saves: an :class:`Autosaver` per case, ticked by a timer, written in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer

from cned_viewer.core.case import Case, case_title
from cned_viewer.core.provenance import EditRecord
from cned_viewer.editing.log import EditLog
from cned_viewer.editing.session import EditSession
from cned_viewer.editing.tool_settings import ToolSettings
from cned_viewer.io.recovery import Autosaver, RecoverySource, recovery_info
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from cned_viewer.ui.main_window import MainWindow

REFRESH_DELAY_MS = 200
AUTOSAVE_TICK_MS = 1000


class EditController(QObject):
    """Owns the edit session, the live measurer and the autosaver of the open case."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session: EditSession | None = None
        self.measurer: IncrementalMeasurer | None = None
        self.autosaver: Autosaver | None = None
        self.settings = ToolSettings()
        self.clinical_dirty = False
        self.recovery_folder: str | None = None
        self._queued: list[EditRecord] = []
        self._refreshing = False
        self._refresh_revision = -1
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.refresh_timer.timeout.connect(self._start_refresh)
        self.refresher = BackgroundRunner(self)
        self.refresher.finished.connect(self._refreshed)
        self.refresher.failed.connect(self._refresh_failed)
        self.autosave_writer = BackgroundRunner(self)
        self.autosave_writer.failed.connect(lambda _m: self.autosaver and self.autosaver.write_failed())
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_TICK_MS)
        self.autosave_timer.timeout.connect(self.autosave_tick)
        self.autosave_timer.start()

    # -- the case ----------------------------------------------------------------------------
    def start(self, case: Case, recovery_folder: str | None = None) -> None:
        """A case was shown: a new session (its log IS ``case.provenance``) and autosaver.

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
        self._queued.clear()
        self._refreshing = False
        self.refresher.cancel()
        self.refresh_timer.stop()

    def set_measurer(self, measurer: IncrementalMeasurer | None, source: RecoverySource | None = None) -> None:
        """The live measurer was (re)built in a worker; editing is possible from now on.

        ``source`` (computed in that worker) starts the recovery saves of this session.
        """
        self.measurer = measurer
        if source is not None and self.session is not None and self.autosaver is None:
            folder = self.recovery_folder
            self.autosaver = Autosaver(self.session, source, clinical=self._clinical_json, folder=folder)
            if folder:
                self.autosaver.mark_pending()  # the recovered save is rewritten under this session
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

    def _clinical_json(self) -> dict:
        case = self.window.case
        return case.clinical.to_dict() if case is not None else {}

    @property
    def updating(self) -> bool:
        """Lesion-level results are behind the labels (an edit since the last refresh)."""
        return bool(self._queued or self._refreshing or self.refresh_timer.isActive()
                    or (self.measurer is not None and self.measurer.lesions_stale))

    # -- strokes and tools -------------------------------------------------------------------
    def press(self, plane: str, voxel: tuple[int, int, int]) -> None:
        if self.ready and self.settings.brushes:
            self.refresh_timer.stop()
            settings = self.settings
            self.session.begin_stroke(voxel, settings.brush(plane), settings.rules(), operation=settings.tool)  # type: ignore[union-attr]

    def move(self, voxel: tuple[int, int, int]) -> None:
        if self.session is not None and self.session.stroking:
            self.session.continue_stroke(voxel)

    def release(self) -> None:
        if self.session is not None and self.session.stroking:
            self.session.end_stroke()
            self.window.edit_step_done()
            self.schedule_refresh()

    def click(self, voxel: tuple[int, int, int]) -> None:
        """A click with a lesion tool."""
        if not self.ready:
            return
        session = self.session
        assert session is not None
        if self.settings.tool == "delete_lesion":
            step = session.delete_lesion(voxel)
        elif self.settings.tool == "relabel_lesion":
            step = session.relabel_lesion(voxel)
        else:
            return
        self.window.edit_step_done(None if step is not None else "Nothing there to change: click inside a lesion.")

    # -- live updates ------------------------------------------------------------------------
    def _on_changed(self, record: EditRecord) -> None:
        if self.measurer is None or self._refreshing:
            self._queued.append(record)
        elif record.target == "labels":
            self.measurer.apply_edit(record.box, record.old)
        else:
            self._segments_changed()
        if record.target == "labels":
            self.window.labels_changed_in(record.box)
        for view in self.window.views.values():
            view.update_region(record.box)
        if self.measurer is not None:
            self.window.show_live(self.measurer.measurements())
        self.window.show_stale(True)
        self.schedule_refresh()  # restarted by every record; a timeout during a stroke waits for its release

    def schedule_refresh(self) -> None:
        self.refresh_timer.start()

    def _start_refresh(self) -> None:
        if self.measurer is None or self.session is None:
            return
        if self._refreshing:
            return  # the running refresh comes back, applies the queue and starts again
        if self.session.stroking:
            return  # the stroke's release schedules it
        measurer = self.measurer
        self._refreshing = True
        self._refresh_revision = self.session.revision
        self.refresher.submit(measurer.refresh)

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
                self.window.show_live(self.measurer.measurements())
            if not session.stroking:
                self.schedule_refresh()
            return  # computed before a newer edit: dropped
        self.window.show_stale(False)
        self.window.show_refreshed(measurements)

    def _refresh_failed(self, message: str) -> None:
        self._refreshing = False
        self._apply_queued()
        self.window.show_error(message)

    # -- autosave ----------------------------------------------------------------------------
    def autosave_tick(self) -> None:
        saver = self.autosaver
        if saver is not None and self.session is not None and not self.session.stroking and saver.due():
            shot = saver.snapshot()
            self.autosave_writer.submit(shot.write)

    def saved(self, revision: int) -> None:
        """The labels as of ``revision`` were saved by the user: mark them and drop the recovery save."""
        if self.session is None:
            return
        self.session.saved_revision = revision
        self.clinical_dirty = False
        if self.autosaver is not None:
            self.autosaver.discard()

    def labels_snapshot(self):
        """A copy of the labels (for a save in a worker while the user goes on editing)."""
        case = self.window.case
        return None if case is None else copy_labels(case.labels)


def copy_labels(labels):
    """A copy of a label map's array with the same geometry and table (None stays None)."""
    if labels is None:
        return None
    return type(labels)(np.array(labels.array, copy=True), labels.geometry, labels.table, labels.source, list(labels.notices))
