"""The main window: open a case, three slice views + 3D, lesions, clinical form and scores.

Loading, measuring and meshing run in background workers (newest request wins, Cancel drops
them); the GUI thread only shows results. Menus: File (open DICOM folder / image / labels /
case bundle / demo, recent cases, save case, save labels as), Edit (undo/redo, fill holes,
remove islands, tools; the edit dock), View (window presets, overlay), Help. Editing is wired
in :mod:`cned_viewer.ui.edit_controller` (live measurements, stale lesion results, autosave).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QGridLayout,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QWidget,
)

from cned_viewer import __version__
from cned_viewer.core.case import Case
from cned_viewer.core.case_names import case_folder, suggested_path
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import TUMOUR
from cned_viewer.editing.tool_settings import ToolSettings, voxel_in_lesion
from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.io.case_bundle import bundle_path, is_bundle, load_bundle, save_bundle
from cned_viewer.io.case_loader import load_case, with_labels, with_segments
from cned_viewer.io.dicom_series import DicomScan, scan_dicom_folder
from cned_viewer.io.images import has_image_suffix
from cned_viewer.io.label_mappings import BUILTIN_MAPPINGS
from cned_viewer.io.case_export import export_case
from cned_viewer.io.masks import save_labels
from cned_viewer.io.recovered_case import recovered_case
from cned_viewer.io.recovery import RecoveryInfo, discard, find_recoverable
from cned_viewer.kernels import warm_up
from cned_viewer.kernels.boxes import Box, as_box, union_box
from cned_viewer.measure import MeasureOptions, Measurements
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.mesh.case_meshes import CaseMeshes, build_case_meshes
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.render.report_export import write_case_report
from cned_viewer.scores import build_inputs, evaluate_all
from cned_viewer.scores.inputs import measured_items
from cned_viewer.ui.actions import controls_text, install, main_window_actions
from cned_viewer.ui.case_info import CaseInfo
from cned_viewer.ui.clinical_form import ClinicalForm
from cned_viewer.ui.display_toolbar import DisplayToolbar
from cned_viewer.ui.edit_controller import EditController, copy_labels
from cned_viewer.ui.edit_toolbar import EditDock
from cned_viewer.ui.lesion_table import LesionTable
from cned_viewer.ui.plugin_dialog import PluginDialog
from cned_viewer.ui.recent_cases import RecentCase, RecentCases
from cned_viewer.ui.report_dialog import ReportDialog
from cned_viewer.ui.score_panel import ScorePanel
from cned_viewer.ui.segment_panel import SegmentPanel, import_step
from cned_viewer.ui.series_dialog import SeriesDialog
from cned_viewer.ui.slice_view import SliceView
from cned_viewer.ui.view3d import View3D
from cned_viewer.ui.view_state import capture_view_state, restore_view_state
from cned_viewer.ui.measure_settings import MeasureSettingsDialog, load_measure_options, save_measure_options
from cned_viewer.ui.workers import BackgroundRunner

IMAGE_FILTER = "Images (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd);;All files (*)"
LABEL_FILTER = "Label maps (*.nii *.nii.gz *.nrrd *.mha *.mhd *.dcm);;All files (*)"
STAGES = ("Loading", "Measuring", "Building")
SAVE_LABELS_FILTERS = {"NIfTI (*.nii.gz)": ".nii.gz", "NRRD (*.nrrd)": ".nrrd", "DICOM-SEG (*.dcm)": ".dcm"}


class MainWindow(QMainWindow):
    """Opens a case in the background and shows it; the window never waits on I/O."""

    measurements_ready = Signal(object)
    report_written = Signal(object)  # Path of the exported PDF
    meshes_ready = Signal(object)
    scores_ready = Signal(object)

    def __init__(self, interactive_3d: bool | None = None, warm_up_kernels: bool = True,
                 plugin_manager: PluginManager | None = None) -> None:
        super().__init__()
        self.setWindowTitle(f"CNED Viewer {__version__}")
        self.setAcceptDrops(True)
        self.case: Case | None = None
        self.measurements: Measurements | None = None
        self.meshes: CaseMeshes | None = None
        self.score_results: list = []
        self.bundle_folder: Path | None = None
        self._edit_boxes: list[Box] = []  # of the label edits the 3D model on screen does not show yet, oldest first
        self.recent = RecentCases()
        self._pending_recent: RecentCase | None = None
        self._pending_view_state: dict[str, Any] = {}
        self.loader = self._runner(self._show_case)
        self.measurer = self._runner(self._measurer_built)
        self.mesher = self._runner(self._show_meshes)
        self.scanner = self._runner(self._choose_series)
        self.saver = self._runner(self._saved)
        self.edits = EditController(self)
        self.reporter = self._runner(self._report_done)
        self.importer = self._runner(lambda found: self.apply_plugin_step(*found))
        self.exporter = self._runner(lambda path: self.statusBar().showMessage(f"Exported: {path}", 15000))
        self.plugins = plugin_manager or PluginManager()
        self.measure_options = load_measure_options()
        plugin_problems = self._discover_plugins()
        self.warmer = BackgroundRunner(self)
        if warm_up_kernels:  # load the numba kernels now, not in the middle of the first measurement
            self.warmer.submit(warm_up)
        self.views = {name: SliceView(name) for name in ("axial", "coronal", "sagittal")}
        self.view3d = View3D(interactive=interactive_3d)
        self.lesion_table = LesionTable()
        self.clinical_form = ClinicalForm()
        self.score_panel = ScorePanel()
        self.case_info = CaseInfo()
        self.volumes_table = self.case_info.volumes_table
        self.display_toolbar = DisplayToolbar(self)
        self.edit_dock = EditDock(self)
        self.edit_dock.setEnabled(False)
        self.segment_panel = SegmentPanel(self, self.plugins)
        self.segment_panel.hide()
        self._connect_views()
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self.plugin_notice = QLabel(plugin_problems)  # stays until the plugins are looked at
        self.plugin_notice.setStyleSheet("color: #b00020;")
        self.plugin_notice.setVisible(bool(plugin_problems))
        self.statusBar().addPermanentWidget(self.plugin_notice)
        self._fit_to_screen(1440, 900)

    # layout -------------------------------------------------------------------------
    def _fit_to_screen(self, width: int, height: int) -> None:
        """Open at ``width`` x ``height``, or smaller where the screen is smaller (no window larger than it)."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        self.resize(min(width, area.width()) if area else width, min(height, area.height()) if area else height)

    def _connect_views(self) -> None:
        for view in self.views.values():
            view.point_picked.connect(self.set_point)
            view.cursor_text.connect(lambda text: self.statusBar().showMessage(text))
            view.window_dragged.connect(self.set_window)
            view.stroke_pressed.connect(lambda voxel, v=view: self.edits.press(v.view, voxel))
            view.stroke_moved.connect(self.edits.move)
            view.stroke_released.connect(self.edits.release)
            view.voxel_clicked.connect(self._voxel_clicked)
        self.edit_dock.settings_changed.connect(self._tool_changed)
        self.lesion_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.lesion_table.customContextMenuRequested.connect(self._lesion_menu)
        self.lesion_table.lesion_selected.connect(self.select_lesion)
        self.view3d.lesion_picked.connect(self.select_lesion)
        self.clinical_form.clinical_changed.connect(self._clinical_changed)
        self.score_panel.missing_input_clicked.connect(self.clinical_form.focus_field)
        self.display_toolbar.window_chosen.connect(self.set_window)
        self.display_toolbar.opacity_chosen.connect(lambda opacity: self._set_overlay(opacity=opacity))
        self.display_toolbar.outline_chosen.connect(lambda outline: self._set_overlay(outline=outline))

    def _runner(self, on_result: Callable[[Any], object]) -> BackgroundRunner:
        """A worker whose result goes to ``on_result`` and whose failure is shown as a message."""
        runner = BackgroundRunner(self)
        runner.finished.connect(on_result)
        runner.failed.connect(self._show_error)
        return runner

    def _build_layout(self) -> None:
        grid = QWidget()
        layout = QGridLayout(grid)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.views["axial"], 0, 0)
        layout.addWidget(self.view3d, 0, 1)
        layout.addWidget(self.views["coronal"], 1, 0)
        layout.addWidget(self.views["sagittal"], 1, 1)
        for i in range(2):
            layout.setColumnStretch(i, 1)
            layout.setRowStretch(i, 1)
        tabs = QTabWidget()
        tabs.addTab(self.lesion_table, "Lesions")
        tabs.addTab(self.clinical_form, "Clinical")
        tabs.addTab(self.case_info, "Case")
        self.side_tabs = tabs
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.score_panel)
        side.addWidget(tabs)
        side.setSizes([480, 420])
        splitter = QSplitter()
        splitter.addWidget(grid)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 540])
        self.setCentralWidget(splitter)
        self.addToolBar(self.display_toolbar)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.edit_dock)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.segment_panel)

    def _build_menus(self) -> None:
        self.action_table = main_window_actions()
        self.actions, menus = install(self, self.action_table)
        self.undo_action, self.redo_action = self.actions["undo"], self.actions["redo"]
        self.fill_holes_action, self.remove_islands_action = self.actions["fill-holes"], self.actions["remove-islands"]
        self.open_labels_action, self.save_labels_action = self.actions["open-labels"], self.actions["save-labels-as"]
        self.edit_menu = menus["Edit"]
        self.import_menu, self.export_menu, self.recent_menu = menus["import"], menus["export"], menus["recent"]
        self.import_menu.aboutToShow.connect(self._fill_import_menu)
        self.export_menu.aboutToShow.connect(self._fill_export_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.segment_menu = menus["segment"]
        self.segment_menu.aboutToShow.connect(self._fill_segment_menu)
        self._fill_segment_menu()
        menus["View"].addAction(self.edit_dock.toggleViewAction())
        self.edit_menu.aboutToShow.connect(self._update_edit_actions)
        self._update_edit_actions()

    def _update_edit_actions(self) -> None:
        """Undo/Redo name the step they act on; editing needs a measured case."""
        session = self.edits.session if self.edits.ready else None
        undo = session.history.next_undo if session else None
        redo = session.history.next_redo if session else None
        self.undo_action.setText(f"&Undo {undo.description}" if undo else "&Undo")
        self.redo_action.setText(f"&Redo {redo.description}" if redo else "&Redo")
        self.undo_action.setEnabled(undo is not None)
        self.redo_action.setEnabled(redo is not None)
        for action in (self.fill_holes_action, self.remove_islands_action):
            action.setEnabled(session is not None)

    def _build_status_bar(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, len(STAGES))
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_loading)
        self.stale_label = QLabel("")
        self.stale_label.setStyleSheet("color: #b26a00; font-weight: bold;")
        self.stale_label.hide()
        self.statusBar().addPermanentWidget(self.stale_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

    # progress -----------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return any(runner.busy for runner in (self.scanner, self.loader, self.measurer, self.mesher)) or self.edits.updating

    def _stage(self, step: int, what: str) -> None:
        self.progress.setValue(step)
        self.progress.setFormat(f"{STAGES[step]}... ({step + 1}/{len(STAGES)})")
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage(f"{STAGES[step]} {what}...")

    def _stage_done(self, message: str) -> None:
        if not self.busy:
            self.progress.hide()
            self.cancel_button.hide()
        self.statusBar().showMessage(message, 10000)

    # opening ------------------------------------------------------------------------
    def load_in_background(self, description: str, job: Callable[[], Case], recent: RecentCase | None = None) -> None:
        """Run ``job`` (returning a Case) in a worker; measuring and meshing follow in workers too."""
        if not self.confirm_edits_closed():
            return
        self._pending_recent = recent
        self._pending_view_state = {}
        self.measurer.cancel()
        self.mesher.cancel()
        self._stage(0, description)
        self.loader.submit(job)

    def open_demo(self) -> None:
        self.load_in_background("the demo case", make_demo_case)

    def open_path(self, image: str, labels: str | None = None, label_map: str | None = None, series: str | None = None,
                  segments: str | None = None) -> None:
        if is_bundle(image):
            self.open_bundle(image, segments)
            return
        recent = RecentCase(str(Path(image).resolve()), labels and str(Path(labels).resolve()), label_map, series)
        self.load_in_background(Path(image).name, lambda: load_case(image, labels, label_map, series, segments), recent)

    def open_bundle(self, folder: str, segments: str | None = None) -> None:
        def job() -> Case:
            bundle = load_bundle(folder)
            bundle.case.metadata["view_state"] = bundle.view_state
            return bundle.case if segments is None else with_segments(bundle.case, segments)

        self.load_in_background(Path(folder).name, job, RecentCase(str(Path(folder).resolve()), bundle=True))

    def open_dicom_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open DICOM folder", self.start_folder())
        if folder:
            self.open_dicom(folder)

    def open_dicom(self, folder: str) -> None:
        """Open a DICOM folder: list its series in a worker; when there are several the user picks one."""
        self._stage(0, f"{Path(folder).name} (reading the folder)")
        self.scanner.submit(lambda: scan_dicom_folder(folder))

    def _choose_series(self, scan: DicomScan) -> None:
        """Load the series the user picks (or the only one) from the scan already made."""
        series = None
        if len(scan.series) > 1:
            dialog = SeriesDialog(scan, self)
            if not dialog.exec():
                self._stage_done("Cancelled.")
                return
            series = dialog.chosen_uid()
        recent = RecentCase(str(scan.folder.resolve()), None, None, series)
        self.load_in_background(scan.folder.name, lambda: load_case(scan, series=series), recent)

    def open_image_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", self.start_folder(), IMAGE_FILTER)
        if path:
            self.open_path(path)

    def open_bundle_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open case bundle (.cned folder)", self.start_folder())
        if folder:
            self.open_bundle(folder)

    def open_labels(self) -> None:
        self._open_onto_case("Open labels", "labels are", self.open_labels_file)

    def _open_onto_case(self, title: str, what: str, open_file: Callable[[str], None]) -> None:
        """A file dialog for a map placed on the open case's grid (refused without a case)."""
        if self.case is None:
            self._show_error(f"open an image first; {what} placed on its grid")
            return
        path, _ = QFileDialog.getOpenFileName(self, title, self.start_folder(), LABEL_FILTER)
        if path:
            open_file(path)

    def open_labels_file(self, path: str, mapping: str | None = None) -> None:
        """Put the labels of ``path`` on the open case (asks for the value mapping when not given)."""
        if self.case is None:
            self._show_error("open an image first; labels are placed on its grid")
            return
        if mapping is None:
            names = list(BUILTIN_MAPPINGS)
            descriptions = [f"{name}: {BUILTIN_MAPPINGS[name].description}" for name in names] + ["a mapping file (JSON)..."]
            choice, ok = QInputDialog.getItem(self, "Label values", "How do the file's values map to the app's labels?", descriptions, 0, False)
            if not ok:
                return
            mapping = names[descriptions.index(choice)] if choice in descriptions[:-1] else QFileDialog.getOpenFileName(self, "Mapping file", "", "JSON (*.json)")[0]
            if not mapping:
                return
        case = self.case
        source = case.metadata.get("source")
        recent = RecentCase(source, str(Path(path).resolve()), mapping, case.metadata.get("SeriesInstanceUID")) if source else None
        self.load_in_background(Path(path).name, lambda: with_labels(case, path, mapping), recent)

    def open_segments(self) -> None:
        self._open_onto_case("Open Couinaud segment map (values 1-8)", "the segment map is", self.open_segments_file)

    def open_segments_file(self, path: str) -> None:
        """Put the Couinaud segment map of ``path`` on the open case: lesions list their segments, bilobar is measured."""
        if self.case is None:
            self._show_error("open an image first; the segment map is placed on its grid")
            return
        if self.edits.has_unsaved_changes:  # the case is reopened with the map: keep the edits safe first
            self._show_error("the labels have unsaved edits: save them (File > Save case) before opening a segment map")
            return
        case = self.case
        self.load_in_background(Path(path).name, lambda: with_segments(case, path))

    def open_dropped(self, paths: list[str]) -> None:
        """Open what was dropped: a bundle; a DICOM folder; image + labels (in that order, or told apart by
        name) with an optional Couinaud map (named ``couinaud`` / ``segments``); or one map on the open case."""
        if not paths:
            return
        first = paths[0]
        if is_bundle(first):
            self.open_bundle(first)
            return
        if Path(first).is_dir():
            self.open_dicom(first)
            return
        segments = next((path for path in paths if _looks_like_segments(path)), None)
        rest = [path for path in paths if path != segments]
        if len(rest) >= 2:
            image, labels = sorted(rest[:2], key=_looks_like_labels)  # stable: a labels-like name goes second
            self.open_path(image, labels, segments=segments)
        elif rest and self.case is not None and _looks_like_labels(rest[0]):
            self.open_labels_file(rest[0])
        elif rest:
            self.open_path(rest[0], segments=segments)
        elif self.case is not None:
            self.open_segments_file(segments)  # type: ignore[arg-type]
        else:
            self._show_error("open an image first; a segment map is placed on its grid")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        self.open_dropped([url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()])
        event.acceptProposedAction()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        entries = self.recent.entries()
        for entry in entries:
            action = self.recent_menu.addAction(entry.title())
            action.setToolTip(entry.image)
            action.triggered.connect(lambda _=False, e=entry: self.open_recent(e))
        if not entries:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self.recent.clear)

    def open_recent(self, entry: RecentCase) -> None:
        if entry.bundle:
            self.open_bundle(entry.image)
        else:
            self.open_path(entry.image, entry.labels, entry.label_map, entry.series)

    def cancel_loading(self) -> None:
        for runner in (self.scanner, self.loader, self.measurer, self.mesher):
            runner.cancel()
        self._stage_done("Cancelled.")

    # saving ---------------------------------------------------------------------------
    def save_case(self) -> None:
        if self.bundle_folder is None:
            self.save_case_as()
        else:
            self.save_to(self.bundle_folder)

    def save_case_as(self) -> None:
        if self.case is None:
            self._show_error("no case to save")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save case bundle", self.suggested_path(".cned"), "Case bundle (*.cned)")
        if path:
            self.save_to(bundle_path(path))

    def save_to(self, folder: Path) -> None:
        """Write the case (with a copy of the current labels), clinical data and view state as a bundle (in a worker)."""
        if self.case is None:
            return
        case, state = self._case_snapshot(), self.view_state()
        revision = self.edits.session.revision if self.edits.session else 0
        self.bundle_folder = Path(folder)
        self.statusBar().showMessage(f"Saving {folder}...")
        self.saver.submit(lambda: (save_bundle(case, folder, state), revision))

    def _case_snapshot(self) -> Case:
        """The open case with its labels copied (saving in a worker while the user edits on)."""
        case = self.case
        assert case is not None
        labels = self.edits.labels_snapshot()
        return Case(case.image, labels, case.segments, case.clinical, dict(case.metadata), list(case.warnings), list(case.provenance))

    def _saved(self, result: tuple) -> None:
        """``(path, revision)`` or ``(path, revision, warnings)`` of a finished save."""
        path, revision, *rest = result
        self.edits.saved(revision)
        warnings = rest[0] if rest else []
        self._stage_done(f"Saved {path}." + "".join(f" Note: {w}" for w in warnings))

    def save_labels_as(self) -> None:
        """Save the labels as NIfTI or NRRD, or as DICOM-SEG when the image came from a DICOM folder."""
        if self.case is None or self.case.labels is None:
            self._show_error("no labels to save")
            return
        filters = [f for f in SAVE_LABELS_FILTERS if f != "DICOM-SEG (*.dcm)" or self.dicom_source() is not None]
        path, chosen = QFileDialog.getSaveFileName(self, "Save labels", self.suggested_path("-labels.nii.gz"), ";;".join(filters))
        if path:
            suffix = SAVE_LABELS_FILTERS.get(chosen, "")
            if suffix and not path.lower().endswith(suffix):
                path += suffix
            self.save_labels_to(path)

    def start_folder(self) -> str:
        """Where an open dialog starts: beside the open case, else the newest recent case, else home."""
        if self.case is not None:
            return str(Path(self.suggested_path("")).parent)
        entries = self.recent.entries()
        return str(case_folder({"source": entries[0].image}, Path.home()) if entries else Path.home())

    def suggested_path(self, suffix: str) -> str:
        """Where a save dialog starts: the case's folder, with a name from the case and ``suffix``."""
        metadata = dict(self.case.metadata) if self.case is not None else {}
        if self.bundle_folder is not None:
            metadata["bundle"] = str(self.bundle_folder)
        return suggested_path(metadata, suffix, Path.home())

    def dicom_source(self) -> str | None:
        """The DICOM folder the image was read from, or None."""
        source = self.case.metadata.get("source") if self.case is not None else None
        return source if source and Path(source).is_dir() else None

    def save_labels_to(self, path: str, wait: bool = False) -> None:
        """Write the current labels to ``path`` (``.dcm``: DICOM-SEG, MANUAL when hand-edited); in a worker unless ``wait``."""
        if self.case is None or self.case.labels is None:
            return
        revision = self.edits.session.revision if self.edits.session else 0
        case = self._case_snapshot()  # labels and edit log as of now
        labels = case.labels

        def job() -> tuple[Path, int, list[str]]:
            if path.lower().endswith(".dcm"):
                result = export_case(case, "dicom-seg", path)
                return result.files[0], revision, list(result.warnings)
            return save_labels(labels, path), revision, []

        if wait:
            self._saved(job())
        else:
            self.statusBar().showMessage(f"Saving {path}...")
            self.saver.submit(job)

    def export_report_dialog(self) -> None:
        """File > Export report: path, page size and de-identification, then the PDF in a worker."""
        if self.case is None or self.case.labels is None:
            self._show_error("open a case with labels first")
            return
        dialog = ReportDialog(self.suggested_path("-cned-report.pdf"), self)
        if dialog.exec():
            path, page_size, deidentify = dialog.choices()
            if path:
                self.export_report(path, page_size, deidentify)

    def export_report(self, path: str, page_size: str = "a4", deidentify: bool = False) -> None:
        """Write the report of the case as it is now (labels, clinical data and overrides, edit log) in a worker."""
        if self.case is None or self.case.labels is None:
            return
        case = self._case_snapshot()
        self.statusBar().showMessage(f"Writing the report {path}...")
        options = self.measure_options
        numbering = self.edits.measurer.numbering.snapshot() if self.edits.measurer is not None else None  # as the viewer numbers them
        self.reporter.submit(lambda: write_case_report(case, path, page_size, deidentify, plugins=self.plugins, options=options,
                                                       numbering=numbering))

    def _report_done(self, path: Path) -> None:
        self.statusBar().showMessage(f"Report written: {path}", 15000)
        self.report_written.emit(path)

    def ask_unsaved_edits(self) -> str:
        """``save``, ``discard`` or ``cancel`` (a dialog; tests replace it)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, "Unsaved label edits", "The labels have edits that are not saved. Save them?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save,
        )
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def confirm_edits_closed(self) -> bool:
        """Before the labels go away (close, another case): ask about unsaved edits; False = stay."""
        if not self.edits.has_unsaved_changes:
            return True
        choice = self.ask_unsaved_edits()
        if choice == "cancel":
            return False
        if choice == "save":
            if self.bundle_folder is not None:
                save_bundle(self._case_snapshot(), self.bundle_folder, self.view_state())
                self.edits.saved(self.edits.session.revision)  # type: ignore[union-attr]
            else:
                path, _ = QFileDialog.getSaveFileName(self, "Save labels", self.suggested_path("-labels.nii.gz"), "NIfTI (*.nii.gz);;NRRD (*.nrrd)")
                if not path:
                    return False
                self.save_labels_to(path, wait=True)
        self.edits.stop()
        return True

    def view_state(self) -> dict[str, Any]:
        """What the user is looking at (saved in the bundle)."""
        return capture_view_state(self.views, self.view3d, self.lesion_table.selected_lesion())

    # showing results ------------------------------------------------------------------
    def _show_case(self, case: Case) -> None:
        self.case = case
        self.measurements = None
        self.meshes = None
        self._edit_boxes = []
        name = Path(str(case.metadata.get("bundle") or case.metadata.get("source") or "")).name or "demo case"
        self.setWindowTitle(f"{name} - CNED Viewer {__version__}")
        self.bundle_folder = Path(case.metadata["bundle"]) if "bundle" in case.metadata else None
        self._pending_view_state = case.metadata.pop("view_state", {}) if isinstance(case.metadata.get("view_state"), dict) else {}
        case.metadata.pop("recovered", None)
        recovery_folder = case.metadata.pop("recovery_folder", None)
        for view in self.views.values():
            view.set_case(case)
        self.edits.start(case, recovery_folder)
        self.edits.set_measurer(None)
        self.edit_dock.setEnabled(False)
        self.show_stale(False)
        if case.labels is not None:
            self.edit_dock.set_table(case.labels.table)
        self.view3d.set_meshes(None)
        self.lesion_table.set_lesions(())
        self.clinical_form.set_clinical(case.clinical)
        self.clinical_form.set_measured({})
        self.case_info.show_case(case)
        if self._pending_recent is not None:
            self.recent.add(self._pending_recent)
        self._update_scores()
        if case.labels is None:
            self._stage_done("Case loaded without labels (File > Open labels).")
            return
        self._stage(1, "the tumour burden")
        options = self.measure_options
        self.measurer.submit(lambda: (IncrementalMeasurer(case, options), EditController.recovery_source(case, recovery_folder)))

    def refresh_labels(self) -> None:
        """The open case's label array changed (an editor, a plugin): redraw, re-measure, re-mesh.

        Slices redraw at once; measurements, scores and the 3D model follow from the workers
        (a newer request drops the results of an older one).
        """
        case = self.case
        if case is None or case.labels is None:
            return
        for view in self.views.values():
            view.refresh()
        self._stage(1, "the tumour burden")
        self.mesher.cancel()
        numbering = self.edits.measurer.numbering.snapshot() if self.edits.measurer is not None else None  # lesions keep their numbers
        self.edits.set_measurer(None)
        self.edit_dock.setEnabled(False)
        options = self.measure_options
        self.measurer.submit(lambda: (IncrementalMeasurer(case, options, numbering=numbering), None))

    def _measurer_built(self, built: tuple[IncrementalMeasurer, Any]) -> None:
        measurer, source = built
        if self.case is None or self.case.labels is None or measurer._labels is not self.case.labels.array:  # noqa: SLF001
            return  # built for a case that is gone
        self.edits.set_measurer(measurer, source)
        self.edit_dock.setEnabled(True)
        self._update_edit_actions()
        self._show_measurements(measurer.measurements())

    # live editing ---------------------------------------------------------------------
    def show_live(self, measurements: Measurements) -> None:
        """During an edit: volumes, TLVR and scores from the incremental burden (lesions stay as they were)."""
        case = self.case
        if case is None or case.labels is None:
            return
        self.measurements = measurements
        self.case_info.show_volumes(measurements.volumes_ml, {lab.key: lab.name for lab in case.labels.table.labels})
        self.clinical_form.set_measured(measured_items(measurements.to_json()))
        self._update_scores()

    def show_stale(self, stale: bool) -> None:
        """Lesion table, vessel contacts and 3D are behind the labels: say so, never show them as current."""
        self.lesion_table.setEnabled(not stale)
        self.side_tabs.setTabText(0, "Lesions (updating...)" if stale else "Lesions")
        self.stale_label.setText("Lesions, contacts and 3D: updating..." if stale else "")
        self.stale_label.setVisible(stale)

    def show_refreshed(self, measurements: Measurements) -> None:
        """The debounced refresh after an edit is back: every panel is current; the 3D model follows."""
        self.lesion_table.setEnabled(True)
        self.side_tabs.setTabText(0, "Lesions")
        self.stale_label.setText("3D: updating...")
        self._show_measurements(measurements)

    def edit_step_done(self, message: str | None = None) -> None:
        self._update_edit_actions()
        if message:
            self.statusBar().showMessage(message, 8000)
        elif self.edits.session is not None and self.edits.session.history.next_undo is not None:
            self.statusBar().showMessage(f"Done: {self.edits.session.history.next_undo.description} (Ctrl+Z undoes it)", 5000)

    def show_error(self, message: str) -> None:
        self._show_error(message)

    def _tool_changed(self, settings: ToolSettings) -> None:
        self.edits.settings = settings
        mode = "brush" if settings.brushes else "click" if settings.tool in ("delete_lesion", "relabel_lesion") else "navigate"
        for view in self.views.values():
            view.set_mode(mode)
            view.set_brush_radius(settings.radius_mm)

    def _voxel_clicked(self, voxel: tuple[int, int, int]) -> None:
        if self.segment_panel.isVisible() and self.segment_panel.segmenter is not None:
            self.segment_panel.add_seed(voxel)
        else:
            self.edits.click(voxel)

    def set_view_mode(self, mode: str | None) -> None:
        """Force a slice-view mode (``click`` for plugin seeds); None: back to the edit tool's mode."""
        if mode is None:
            self._tool_changed(self.edit_dock.settings)
            return
        for view in self.views.values():
            view.set_mode(mode)

    # plugins ---------------------------------------------------------------------------
    def _discover_plugins(self) -> str:
        """Load the enabled plugins; a non-blocking notice naming those that failed ('' if none)."""
        try:
            records = self.plugins.discover()
        except Exception as error:  # noqa: BLE001 - plugins must never stop the app
            return f"Plugins could not be listed: {error}"
        failed = [r.name for r in records if r.state == "failed"]
        return f"{len(failed)} plugin(s) failed to load: {', '.join(failed)} (Tools > Plugins... says why)" if failed else ""

    def show_plugins(self) -> None:
        PluginDialog(self.plugins, self).exec()
        self.plugin_notice.hide()
        self._fill_segment_menu()

    def show_measure_settings(self) -> None:
        dialog = MeasureSettingsDialog(self.measure_options, self)
        if dialog.exec():
            self.set_measure_options(dialog.options())

    def set_measure_options(self, options: MeasureOptions) -> None:
        """Use (and remember) other lesion / contact definitions; the open case is measured again."""
        if options == self.measure_options:
            return
        self.measure_options = options
        save_measure_options(options)
        self.meshes = None  # lesion ids follow the connectivity: the whole model is rebuilt
        self.refresh_labels()

    def _fill_segment_menu(self) -> None:
        _fill_contribution_menu(self.segment_menu, self.plugins.segmenters(), self.start_segmenter,
                                "(no segmenter plugin enabled: Tools > Plugins...)")

    def start_segmenter(self, plugin_name: str, segmenter) -> None:
        if self.case is None:
            self._show_error("open a case first")
            return
        self.segment_panel.open_for(plugin_name, segmenter)

    def _fill_import_menu(self) -> None:
        _fill_contribution_menu(self.import_menu, self.plugins.importers(), self._import_dialog, "(no importer plugin enabled)")

    def _import_dialog(self, plugin_name: str, importer) -> None:
        if self.case is None:
            self._show_error("open an image first; imported labels are placed on its grid")
            return
        path, _ = QFileDialog.getOpenFileName(self, f"Import: {importer.name}", "", "All files (*)")
        if not path:
            path = QFileDialog.getExistingDirectory(self, f"Import: {importer.name} (a folder of masks)")
        if path:
            self.import_with(plugin_name, importer, path)

    def import_with(self, plugin_name: str, importer, path: str) -> None:
        """Read ``path`` with a plugin importer in a worker; the result becomes one undoable step."""
        if self.case is None:
            return
        self.statusBar().showMessage(f"Importing {Path(path).name} with {importer.name}...")
        self.importer.submit(import_step(self.plugins, plugin_name, importer, path, self.case))

    def _fill_export_menu(self) -> None:
        _fill_contribution_menu(self.export_menu, self.plugins.exporters(), self._export_dialog, "(no exporter plugin enabled)")

    def _export_dialog(self, plugin_name: str, exporter) -> None:
        if self.case is None:
            self._show_error("open a case first")
            return
        patterns = " ".join(f"*{suffix}" for suffix in exporter.suffixes)
        path, _ = QFileDialog.getSaveFileName(self, f"Export: {exporter.name}", self.suggested_path(exporter.suffixes[0]), f"{exporter.name} ({patterns})")
        if path:
            self.export_with(plugin_name, exporter, path)

    def export_with(self, plugin_name: str, exporter, path: str) -> None:
        """Write the case (labels as they are now, copied) with a plugin exporter, in a worker."""
        if self.case is None:
            return
        case = self._case_snapshot()
        self.statusBar().showMessage(f"Exporting with {exporter.name}...")
        self.exporter.submit(lambda: self.plugins.run_exporter(plugin_name, exporter.id, case, path))

    def apply_plugin_step(self, step, notices=()) -> None:
        """Apply a plugin's step through the edit session: one undo step, logged in the case's provenance."""
        case = self.case
        if case is None:
            return
        if case.labels is None:
            self._show_error("this case has no label map yet: open labels first (File > Open labels)")
            return
        if not self.edits.ready:
            self._show_error("the case is still being measured; try again when it is ready")
            return
        if not step.records:
            self.statusBar().showMessage(f"{step.description}: nothing changed.", 8000)
            return
        session = self.edits.session
        if any(r.target == "segments" for r in step.records) and "segments" not in session.maps:  # type: ignore[union-attr]
            from cned_viewer.core.labels import SEGMENT_LABEL_TABLE, LabelMap

            case.segments = LabelMap.empty_like(case.image.geometry, SEGMENT_LABEL_TABLE)
            session.maps["segments"] = case.segments  # type: ignore[union-attr]
        session.apply_step(step)  # type: ignore[union-attr]
        extra = f" ({'; '.join(notices)})" if notices else ""
        self.edit_step_done(f"Applied {step.description} as one step (Ctrl+Z undoes it){extra}.")

    def undo(self) -> None:
        if self.edits.ready:
            self.edits.session.undo()  # type: ignore[union-attr]
            self.edit_step_done()

    def redo(self) -> None:
        if self.edits.ready:
            self.edits.session.redo()  # type: ignore[union-attr]
            self.edit_step_done()

    def fill_holes(self) -> None:
        if self.edits.ready:
            step = self.edits.session.fill_holes(self.edits.settings.label)  # type: ignore[union-attr]
            self.edit_step_done(None if step else "No holes to fill.")

    def remove_islands_dialog(self) -> None:
        if not self.edits.ready:
            return
        value, ok = QInputDialog.getDouble(self, "Remove islands", "Remove parts of the active label smaller than (mL):", 0.1, 0.0, 10000.0, 3)
        if ok:
            self.remove_islands(value)

    def remove_islands(self, min_ml: float) -> None:
        if self.edits.ready:
            step = self.edits.session.remove_islands(self.edits.settings.label, min_ml)  # type: ignore[union-attr]
            self.edit_step_done(None if step else f"No island smaller than {min_ml:g} mL.")

    def lesion_voxel(self, lesion_id: int) -> tuple[int, int, int] | None:
        lesion = next((l for l in (self.measurements.lesions if self.measurements else ()) if l.id == lesion_id), None)
        if lesion is None or self.case is None or self.case.labels is None:
            return None
        centre = self.case.image.geometry.patient_to_index(lesion.centroid_mm)
        return voxel_in_lesion(self.case.labels.array, lesion.bbox, tuple(centre), TUMOUR)

    def delete_lesion(self, lesion_id: int, relabel: bool = False) -> None:
        """Delete (or relabel as parenchyma) lesion ``lesion_id`` as one undoable step."""
        voxel = self.lesion_voxel(lesion_id)
        if voxel is None or not self.edits.ready:
            return
        session = self.edits.session
        step = session.relabel_lesion(voxel) if relabel else session.delete_lesion(voxel)  # type: ignore[union-attr]
        self.edit_step_done(None if step else "Nothing changed.")

    def _lesion_menu(self, position: QPoint) -> None:
        item = self.lesion_table.itemAt(position)
        if item is None or not self.edits.ready:
            return
        lesion_id = int(self.lesion_table.item(item.row(), 0).text())
        menu = QMenu(self)
        menu.addAction(f"Delete lesion {lesion_id}", lambda: self.delete_lesion(lesion_id))
        menu.addAction(f"Relabel lesion {lesion_id} as liver parenchyma", lambda: self.delete_lesion(lesion_id, relabel=True))
        menu.exec(self.lesion_table.viewport().mapToGlobal(position))

    def _show_measurements(self, measurements: Measurements) -> None:
        case = self.case
        if case is None or case.labels is None:
            return
        self.measurements = measurements
        self.lesion_table.set_lesions(measurements.lesions)
        self.case_info.show_volumes(measurements.volumes_ml, {lab.key: lab.name for lab in case.labels.table.labels})
        self.clinical_form.set_measured(measured_items(measurements.to_json()))
        self._update_scores()
        self.measurements_ready.emit(measurements)
        self._stage(2, "the 3D model")
        lesions = measurements.lesions
        labels = case.labels
        shown = self.meshes if self.meshes is not None and self.meshes.labels is not None and self.meshes.labels.shape == labels.array.shape else None
        connectivity = self.measure_options.connectivity
        edited = len(self._edit_boxes)
        within = None
        if shown is not None and edited:  # every change since the model on screen lies in these boxes
            within = reduce(union_box, self._edit_boxes)
        self.mesher.submit(lambda: (build_case_meshes(copy_labels(labels), lesions, connectivity=connectivity, previous=shown,
                                                      within=within), edited))

    def labels_changed_in(self, box: tuple[slice, slice, slice]) -> None:
        """An edit changed the labels inside ``box`` (the next 3D update compares only such boxes)."""
        if self.case is not None and self.case.labels is not None:
            self._edit_boxes.append(as_box(box, self.case.labels.array.shape))

    def _show_meshes(self, built: tuple[CaseMeshes, int]) -> None:
        meshes, shown_edits = built
        del self._edit_boxes[:shown_edits]  # the model now shows them (only the newest mesh job's result arrives)
        self.meshes = meshes
        self.view3d.set_meshes(meshes)
        if not self.edits.updating:
            self.show_stale(False)
        restore_view_state(self._pending_view_state, self.views, self.view3d, self.display_toolbar)
        self.display_toolbar.show_window(*self.views["axial"].window)
        selected = self._pending_view_state.get("selected_lesion")
        self._pending_view_state = {}
        if selected:
            self.select_lesion(int(selected))
        self._stage_done("Case ready." + (f" {len(self.case.warnings)} notice(s): see the Case tab." if self.case and self.case.warnings else ""))
        self.meshes_ready.emit(meshes)

    def _clinical_changed(self, clinical: ClinicalData) -> None:
        if self.case is not None:
            self.case.clinical = clinical
            self.edits.clinical_changed()
        self._update_scores()

    def _update_scores(self) -> None:
        """Re-evaluate every score from the clinical form and the measurements (fast, pure)."""
        clinical = self.case.clinical if self.case is not None else None
        measured = None if self.measurements is None else self.measurements.to_json()
        self.score_results = evaluate_all(build_inputs(clinical, measured))
        self.score_panel.show_results(self.score_results, self.measurements)
        self.scores_ready.emit(self.score_results)

    def _show_error(self, message: str) -> None:
        self._stage_done("Could not finish: see the message.")
        QMessageBox.warning(self, "CNED Viewer", message)

    # navigation -----------------------------------------------------------------------
    def set_point(self, index_zyx: tuple[int, int, int]) -> None:
        """Move every slice view to the voxel ``index_zyx`` and put the crosshair on it."""
        for view in self.views.values():
            view.set_point(index_zyx)

    def select_lesion(self, lesion_id: int) -> None:
        """Select a lesion everywhere: table row, 3D highlight, slice views at its centre."""
        lesion = next((l for l in (self.measurements.lesions if self.measurements else ()) if l.id == lesion_id), None)
        if lesion is None or self.case is None:
            return
        if self.lesion_table.selected_lesion() != lesion_id:
            self.lesion_table.select_lesion(lesion_id)  # comes back here once through the signal
            return
        if self.view3d.scene.selected_lesion != lesion_id:
            self.view3d.highlight_lesion(lesion_id)
        index = np.rint(self.case.image.geometry.patient_to_index(lesion.centroid_mm)).astype(int)
        self.set_point(tuple(int(np.clip(v, 0, n - 1)) for v, n in zip(index, self.case.image.array.shape)))  # type: ignore[arg-type]
        self.statusBar().showMessage(f"Lesion {lesion_id}: {lesion.volume_ml:.2f} mL, axial {lesion.axial_diameter_mm:.1f} mm", 8000)

    # view settings ------------------------------------------------------------------
    def set_window(self, width: float, level: float) -> None:
        """Every slice view at this window; the toolbar names it (a preset, or custom after a right drag)."""
        for view in self.views.values():
            if view.window != (width, level):
                view.set_window(width, level)
        self.display_toolbar.show_window(width, level)

    def _set_overlay(self, opacity: float | None = None, outline: bool | None = None) -> None:
        for view in self.views.values():
            view.set_overlay(opacity, outline)

    def toggle_outline(self) -> None:
        self.display_toolbar.outline_box.toggle()

    def show_controls(self) -> None:
        QMessageBox.information(self, "Mouse and keys", controls_text(self.action_table))

    def about(self) -> None:
        from cned_viewer.core.licences import bundled_licences, licence_summary

        QMessageBox.about(
            self, "About CNED Viewer",
            f"CNED Viewer {__version__}\nTumour burden and the C-NED conversion score for colorectal liver metastases.\n"
            "The score supports, and does not replace, the judgement of the multidisciplinary team.\n\n"
            f"Bundled libraries and their licences: {licence_summary(bundled_licences(), sep='; ')}",
        )

    # crash recovery ---------------------------------------------------------------------
    def offer_recovery(self, found: list[RecoveryInfo] | None = None, prefer: str | None = None) -> bool:
        """At start: offer the unsaved edits a crashed session left (recover / discard / later).

        The save of the case being opened (``prefer``: its path) is offered first, else the newest.
        True when the edits are being recovered (the caller then opens nothing else)."""
        found = find_recoverable() if found is None else found
        if not found:
            return False
        info = next((i for i in found if prefer and _same_path(prefer, i.source.bundle or i.source.image)), found[0])
        choice = self.ask_recovery(info)
        if choice == "recover":
            self.recover_case(info)
            return True
        if choice == "discard":
            discard(info)
        return False

    def ask_recovery(self, info: RecoveryInfo) -> str:
        """``recover``, ``discard`` or ``later`` (a dialog; tests replace it)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved edits",
                          f"A previous session ended with unsaved label edits:\n{info.describe()}\n\nRecover them?", parent=self)
        recover_button = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(recover_button)
        discard_button = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return "recover" if box.clickedButton() is recover_button else "discard" if box.clickedButton() is discard_button else "later"

    def recover_case(self, info: RecoveryInfo) -> None:
        """Reopen the case the save belongs to with the recovered labels, clinical inputs and edit log."""
        self.load_in_background(f"the unsaved edits of {info.describe()}", lambda: recovered_case(info))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self.confirm_edits_closed():
            event.ignore()
            return
        self.edits.stop()
        self.cancel_loading()
        self.view3d.close_plotter()
        super().closeEvent(event)


def _same_path(a: str, b: str) -> bool:
    """Whether two paths name the same file or folder (False when either is missing)."""
    try:
        return bool(b) and Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _looks_like_labels(path: str) -> bool:
    name = Path(path).name.lower()
    return has_image_suffix(Path(path)) and any(word in name for word in ("label", "seg", "mask"))


def _looks_like_segments(path: str) -> bool:
    """A Couinaud map, by its name (checked before :func:`_looks_like_labels`: ``segments`` contains ``seg``)."""
    name = Path(path).name.lower()
    return has_image_suffix(Path(path)) and any(word in name for word in ("couinaud", "segments", "liver_segment"))


def _fill_contribution_menu(menu, entries, on_trigger: Callable[[str, object], None], empty_text: str) -> None:
    """One action per (plugin name, contribution); a disabled hint when there is none."""
    menu.clear()
    for plugin_name, contribution in entries:
        action = menu.addAction(f"{contribution.name} ({plugin_name})...")
        action.setToolTip(getattr(contribution, "description", "") or ", ".join(getattr(contribution, "suffixes", ())))
        action.triggered.connect(lambda _=False, p=plugin_name, c=contribution: on_trigger(p, c))
    if not entries:
        menu.addAction(empty_text).setEnabled(False)
