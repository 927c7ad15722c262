"""Plugins in the window: seeds, Run with progress and Cancel, the result as ONE undoable step.

Segment > (a segmenter) opens this dock: the user clicks seeds in a slice view (each with the
chosen seed label, drawn as dots), then Run starts the segmenter in the background
(:meth:`PluginManager.start_segmenter`). Its progress callbacks come from the worker thread and
reach the GUI through a queued Qt signal; a timer polls the job. The result becomes one
:class:`EditStep` (``edit_for``) applied through ``EditSession.apply_step`` (undo, provenance);
a :class:`PluginError` is shown in a message box, a cancel is a quiet status message.
The panel only shows and steers the job: the request and the step come from the
:class:`~cned_viewer.session.CaseSession` (``segmentation_request``, ``apply_segmentation``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDockWidget, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from cned_viewer.errors import UserError
from cned_viewer.plugins import Cancelled, Seed
from cned_viewer.plugins.contracts import SegmentationResult, Segmenter
from cned_viewer.session import CaseSession
from cned_viewer.ui.slice_view import SliceView

POLL_MS = 50


class _Progress(QObject):
    """Emitted from the plugin's thread; delivered (queued) on the GUI thread."""

    reported = Signal(float, str)


class SegmentPanel(QDockWidget):
    """Seeds, Run, Cancel and progress for one segmenter; applies its result as one step."""

    finished = Signal(str)  # "applied", "cancelled", "failed"
    view_mode = Signal(object)  # "click" while seeds are clicked; None: back to the edit tool's mode

    def __init__(self, session: CaseSession, views: Mapping[str, SliceView], parent: QWidget | None = None) -> None:
        super().__init__("Segment", parent)
        self.setObjectName("segment_dock")
        self.session, self.views = session, views
        self.plugin_name = ""
        self.segmenter: Segmenter | None = None
        self.seeds: list[Seed] = []
        self.job: Any = None
        self._progress = _Progress()
        self._progress.reported.connect(self._show_progress)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._check_job)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        form = QFormLayout()
        self.seed_label_box = QComboBox()
        form.addRow("Seed label", self.seed_label_box)
        self.seed_count = QLabel("no seeds: click in a slice view")
        form.addRow("Seeds", self.seed_count)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.clear_button = QPushButton("Clear seeds")
        self.run_button = QPushButton("Run")
        self.cancel_button = QPushButton("Cancel")
        self.close_button = QPushButton("Done")
        for button in (self.clear_button, self.run_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        self.setWidget(body)
        self.clear_button.clicked.connect(self.clear_seeds)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.finish)
        self._set_running(False)

    @property
    def running(self) -> bool:
        return self.job is not None

    # -- set-up and seeds --------------------------------------------------------------------
    def open_for(self, plugin_name: str, segmenter: Segmenter) -> None:
        """Show the panel for ``segmenter``; the slice views take seed clicks."""
        self.plugin_name, self.segmenter = plugin_name, segmenter
        self.setWindowTitle(f"Segment: {segmenter.name}")
        self.title.setText(f"<b>{segmenter.name}</b> ({plugin_name})<br><small>{segmenter.description}</small>")
        table = self._label_table()
        self.seed_label_box.clear()
        for value in segmenter.seed_labels:
            name = next((l.name for l in table.labels if l.value == value), str(value)) if table else str(value)
            self.seed_label_box.addItem(f"{value}: {name}", value)
        self.seed_label_box.setEnabled(bool(segmenter.seed_labels))
        self.clear_seeds()
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.show()
        self.raise_()
        self.view_mode.emit("click")

    def add_seed(self, voxel: tuple[int, int, int]) -> None:
        """A click in a slice view: a seed (voxel, i j k = x y z) with the chosen seed label."""
        if self.segmenter is None or not self.segmenter.seed_labels:
            return
        label = int(self.seed_label_box.currentData())
        z, y, x = voxel
        self.seeds.append(Seed((float(x), float(y), float(z)), label, space="voxel"))
        self._show_seeds()

    def clear_seeds(self) -> None:
        self.seeds = []
        self._show_seeds()

    def _show_seeds(self) -> None:
        count = len(self.seeds)
        self.seed_count.setText(f"{count} seed(s)" if count else "no seeds: click in a slice view")
        table = self._label_table()
        colours = {l.value: QColor(*l.colour_rgb) for l in table.labels} if table else {}
        dots = [((int(s.point_xyz[2]), int(s.point_xyz[1]), int(s.point_xyz[0])), colours.get(s.label, QColor(255, 255, 255))) for s in self.seeds]
        for view in self.views.values():
            view.seeds = dots
            view.update()

    def _label_table(self):
        case = self.session.case
        return case.labels.table if case is not None and case.labels is not None else None

    # -- running ---------------------------------------------------------------------------
    def run(self) -> None:
        request = self.session.segmentation_request(tuple(self.seeds))
        if self.segmenter is None or request is None or self.running:
            return
        if self.segmenter.seed_labels and not self.seeds:
            self.session.status.emit("Click at least one seed in a slice view first.", 8000)
            return
        self.progress.setValue(0)
        self._set_running(True)
        self.session.status.emit(f"Running {self.segmenter.name}...", 0)
        self.job = self.session.plugins.start_segmenter(self.plugin_name, self.segmenter.id, request, on_progress=self._progress.reported.emit)
        self.poll.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _show_progress(self, fraction: float, message: str) -> None:
        if self.job is not None:
            self.progress.setValue(int(fraction * 1000))
            self.progress.setFormat(f"{message} %p%" if message else "%p%")

    def _check_job(self) -> None:
        job = self.job
        if job is None or not job.done:
            return
        self.poll.stop()
        self.job = None
        self._set_running(False)
        try:
            result: SegmentationResult = job.result()
        except Cancelled:
            self.progress.setValue(0)
            self.session.status.emit(f"{self.segmenter.name if self.segmenter else 'Segmentation'} cancelled.", 8000)
            self.finished.emit("cancelled")
            return
        except Exception as error:  # noqa: BLE001 - PluginError and anything else: shown, the app goes on
            self.session.fail(str(error) if isinstance(error, UserError) else f"{self.plugin_name}: {type(error).__name__}: {error}")
            self.finished.emit("failed")
            return
        if self.segmenter is None or not self.session.apply_segmentation(self.plugin_name, self.segmenter.id, result):
            self.finished.emit("failed")
            return
        self.progress.setValue(1000)
        self.clear_seeds()
        self.finished.emit("applied")

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.clear_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def finish(self) -> None:
        """Done: hide the panel, the views go back to the edit tool."""
        self.cancel()
        self.clear_seeds()
        self.hide()
        self.view_mode.emit(None)

