"""Plugins in the window: seeds, Run with progress and Cancel, the result as ONE undoable step.

Segment > (a segmenter) opens this dock: the user clicks seeds in a slice view (each with the
chosen seed label, drawn as dots), then Run starts the segmenter in the background
(:meth:`PluginManager.start_segmenter`). Its progress callbacks come from the worker thread and
reach the GUI through a queued Qt signal; a timer polls the job. The result becomes one
:class:`EditStep` (``edit_for``) applied through ``EditSession.apply_step`` (undo, provenance);
a :class:`PluginError` is shown in a message box, a cancel is a quiet status message.
Importers (File > Import) run in a worker and are applied the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDockWidget, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from cned_viewer.core.labels import LabelMap
from cned_viewer.core.provenance import EditStep
from cned_viewer.errors import UserError
from cned_viewer.plugins import Cancelled, PluginError, Seed, SegmentationRequest
from cned_viewer.plugins.contracts import Importer, SegmentationResult, Segmenter
from cned_viewer.plugins.results import plan_edit
from cned_viewer.ui.edit_controller import copy_labels

if TYPE_CHECKING:
    from cned_viewer.plugins.manager import PluginManager
    from cned_viewer.ui.main_window import MainWindow

POLL_MS = 50


class _Progress(QObject):
    """Emitted from the plugin's thread; delivered (queued) on the GUI thread."""

    reported = Signal(float, str)


class SegmentPanel(QDockWidget):
    """Seeds, Run, Cancel and progress for one segmenter; applies its result as one step."""

    finished = Signal(str)  # "applied", "cancelled", "failed"

    def __init__(self, window: MainWindow, manager: PluginManager) -> None:
        super().__init__("Segment", window)
        self.setObjectName("segment_dock")
        self.window, self.manager = window, manager
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
        table = self.window.case.labels.table if self.window.case is not None and self.window.case.labels is not None else None
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
        self.window.set_view_mode("click")

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
        table = self.window.case.labels.table if self.window.case is not None and self.window.case.labels is not None else None
        colours = {l.value: QColor(*l.colour_rgb) for l in table.labels} if table else {}
        dots = [((int(s.point_xyz[2]), int(s.point_xyz[1]), int(s.point_xyz[0])), colours.get(s.label, QColor(255, 255, 255))) for s in self.seeds]
        for view in self.window.views.values():
            view.seeds = dots
            view.update()

    # -- running ---------------------------------------------------------------------------
    def run(self) -> None:
        case = self.window.case
        if self.segmenter is None or case is None or self.running:
            return
        if self.segmenter.seed_labels and not self.seeds:
            self.window.statusBar().showMessage("Click at least one seed in a slice view first.", 8000)
            return
        request = SegmentationRequest(case.image, tuple(self.seeds), labels=copy_labels(case.labels))
        self.progress.setValue(0)
        self._set_running(True)
        self.window.statusBar().showMessage(f"Running {self.segmenter.name}...")
        self.job = self.manager.start_segmenter(self.plugin_name, self.segmenter.id, request, on_progress=self._progress.reported.emit)
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
            self.window.statusBar().showMessage(f"{self.segmenter.name if self.segmenter else 'Segmentation'} cancelled.", 8000)
            self.finished.emit("cancelled")
            return
        except Exception as error:  # noqa: BLE001 - PluginError and anything else: shown, the app goes on
            self.window.show_error(str(error) if isinstance(error, UserError) else f"{self.plugin_name}: {type(error).__name__}: {error}")
            self.finished.emit("failed")
            return
        case = self.window.case
        if case is None or self.segmenter is None:
            return
        try:
            step = self.manager.edit_for(case, self.plugin_name, self.segmenter.id, result)
        except PluginError as error:
            self.window.show_error(str(error))
            self.finished.emit("failed")
            return
        self.progress.setValue(1000)
        self.window.apply_plugin_step(step, result.notices)
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
        self.window.set_view_mode(None)


def import_step(manager: PluginManager, plugin_name: str, importer: Importer, path: str, case) -> Callable[[], tuple[EditStep, tuple[str, ...]]]:
    """A job (for a worker) that reads ``path`` with ``importer`` and returns the step applying it, and its notices."""
    geometry = case.image.geometry

    def job() -> tuple[EditStep, tuple[str, ...]]:
        imported = manager.guarded(plugin_name, f"importer {importer.id}", lambda: importer.load(path, geometry))
        result = SegmentationResult(imported.labels, imported.segments, notices=tuple(imported.notices), parameters={"path": str(path)})
        version = manager.record(plugin_name).version
        return plan_edit(case, result, plugin_name, version, f"import {importer.id}"), tuple(imported.notices)

    return job


def empty_labels_for(case) -> LabelMap:
    return LabelMap.empty_like(case.image.geometry)
