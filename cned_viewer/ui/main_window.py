"""The main window: open cases, three slice views, the volumes table and the loader's notices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cned_viewer import __version__
from cned_viewer.core.case import Case
from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.dicom_series import scan_dicom_folder
from cned_viewer.io.label_mappings import BUILTIN_MAPPINGS
from cned_viewer.io.masks import load_labels
from cned_viewer.render.slice_compositor import WINDOW_PRESETS
from cned_viewer.ui.slice_view import SliceView
from cned_viewer.ui.workers import BackgroundRunner

IMAGE_FILTER = "Images (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd);;All files (*)"
LABEL_FILTER = "Label maps (*.nii *.nii.gz *.nrrd *.mha *.mhd *.dcm);;All files (*)"


class MainWindow(QMainWindow):
    """Opens a case in the background and shows it; the window never waits on I/O."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(f"CNED Viewer {__version__}")
        self.case: Case | None = None
        self.loader = BackgroundRunner(self)
        self.loader.finished.connect(self._show_case)
        self.loader.failed.connect(self._show_error)
        self.views = {name: SliceView(name) for name in ("axial", "coronal", "sagittal")}
        self.volumes_table = QTableWidget(0, 2)
        self.volumes_table.setHorizontalHeaderLabels(["Structure", "Volume (mL)"])
        self.volumes_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.volumes_table.verticalHeader().setVisible(False)
        self.notices = QListWidget()
        self.notices.setWordWrap(True)
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self.resize(1280, 860)

    # layout -------------------------------------------------------------------------
    def _build_layout(self) -> None:
        grid = QWidget()
        layout = QGridLayout(grid)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.views["axial"], 0, 0)
        layout.addWidget(self.views["coronal"], 0, 1)
        layout.addWidget(self.views["sagittal"], 1, 0)
        self.case_label = QLabel("No case open. File > Open demo case, or open a DICOM folder or image.")
        self.case_label.setWordWrap(True)
        self.case_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.case_label, 1, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("<b>Volumes</b> (voxel count x voxel volume)"))
        side_layout.addWidget(self.volumes_table)
        side_layout.addWidget(QLabel("<b>Notices</b>"))
        side_layout.addWidget(self.notices)
        splitter = QSplitter()
        splitter.addWidget(grid)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "Open &DICOM folder...", self.open_dicom_folder, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open &image file...", self.open_image_file)
        self.open_labels_action = self._action(file_menu, "Open &labels...", self.open_labels)
        self._action(file_menu, "Open d&emo case", self.open_demo)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu("&View")
        for name, (width, level) in WINDOW_PRESETS.items():
            self._action(view_menu, f"Window: {name} (W {width:g} / L {level:g})", lambda w=width, lv=level: self.set_window(w, lv))
        self._action(view_menu, "Toggle label outlines", self.toggle_outline)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "Open d&emo case", self.open_demo)
        self._action(help_menu, "&About", self.about)

    def _action(self, menu, text: str, slot: Callable[[], object], shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_loading)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

    # opening ------------------------------------------------------------------------
    def load_in_background(self, description: str, job: Callable[[], Case]) -> None:
        """Run ``job`` (returning a Case) in a worker; the window stays responsive."""
        self.statusBar().showMessage(f"Loading {description}...")
        self.progress.show()
        self.cancel_button.show()
        self.loader.submit(job)

    def open_demo(self) -> None:
        self.load_in_background("the demo case", make_demo_case)

    def open_path(self, image: str, labels: str | None = None, label_map: str | None = None, series: str | None = None) -> None:
        self.load_in_background(Path(image).name, lambda: load_case(image, labels, label_map, series))

    def open_dicom_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open DICOM folder")
        if not folder:
            return
        series = self._pick_series(folder)
        if series is not False:
            self.open_path(folder, series=series)

    def _pick_series(self, folder: str) -> str | None | bool:
        """The chosen series UID (None: the default one), or False when the user cancels."""
        try:
            scan = scan_dicom_folder(folder)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self._show_error(str(error))
            return False
        if len(scan.series) <= 1:
            return None
        default = scan.default_series() if any(s.is_image for s in scan.series) else scan.series[0]
        items = [f"{s.modality} | {s.slice_count} slices | {s.description or '(no description)'} | {s.uid}" for s in scan.series]
        choice, ok = QInputDialog.getItem(self, "Choose a series", "Series in this folder:", items, scan.series.index(default), False)
        return scan.series[items.index(choice)].uid if ok else False

    def open_image_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", "", IMAGE_FILTER)
        if path:
            self.open_path(path)

    def open_labels(self) -> None:
        if self.case is None:
            self._show_error("open an image first; labels are placed on its grid")
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open labels", "", LABEL_FILTER)
        if not path:
            return
        names = list(BUILTIN_MAPPINGS)
        descriptions = [f"{name}: {BUILTIN_MAPPINGS[name].description}" for name in names] + ["a mapping file (JSON)..."]
        choice, ok = QInputDialog.getItem(self, "Label values", "How do the file's values map to the app's labels?", descriptions, 0, False)
        if not ok:
            return
        mapping: str | None = names[descriptions.index(choice)] if choice in descriptions[:-1] else QFileDialog.getOpenFileName(self, "Mapping file", "", "JSON (*.json)")[0]
        if not mapping:
            return
        case = self.case
        self.load_in_background(Path(path).name, lambda: _with_labels(case, path, mapping))

    def cancel_loading(self) -> None:
        self.loader.cancel()
        self._loading_done("Loading cancelled.")

    def _loading_done(self, message: str) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.statusBar().showMessage(message, 10000)

    def _show_case(self, case: Case) -> None:
        self.case = case
        for view in self.views.values():
            view.set_case(case)
        self._fill_volumes()
        self.notices.clear()
        self.notices.addItems(case.warnings or ["(none)"])
        meta = case.metadata
        shape = " x ".join(str(v) for v in case.image.geometry.size_xyz)
        spacing = " x ".join(f"{v:.3g}" for v in case.image.geometry.spacing_xyz_mm)
        self.case_label.setText(
            f"<b>{meta.get('PatientName') or meta.get('source', '')}</b><br>{meta.get('StudyDescription', '')}<br>"
            f"{shape} voxels, {spacing} mm<br>Labels: {case.labels.source if case.labels is not None else 'none (File > Open labels)'}"
        )
        self._loading_done("Case loaded." + (f" {len(case.warnings)} notice(s), see the list." if case.warnings else ""))

    def _fill_volumes(self) -> None:
        volumes = self.case.labels.volumes_ml() if self.case is not None and self.case.labels is not None else {}
        table = self.case.labels.table if volumes else None
        self.volumes_table.setRowCount(len(volumes))
        for row, (key, value) in enumerate(volumes.items()):
            self.volumes_table.setItem(row, 0, QTableWidgetItem(table.by_key(key).name))
            item = QTableWidgetItem(f"{value:.1f}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.volumes_table.setItem(row, 1, item)

    def _show_error(self, message: str) -> None:
        self._loading_done("Could not open.")
        QMessageBox.warning(self, "CNED Viewer", message)

    # view settings ------------------------------------------------------------------
    def set_window(self, width: float, level: float) -> None:
        for view in self.views.values():
            view.set_window(width, level)

    def toggle_outline(self) -> None:
        for view in self.views.values():
            view.outline = not view.outline
            view.refresh()

    def about(self) -> None:
        QMessageBox.about(
            self, "About CNED Viewer",
            f"CNED Viewer {__version__}\nTumour burden and the C-NED conversion score for colorectal liver metastases.\n"
            "The score supports, and does not replace, the judgement of the multidisciplinary team.",
        )


def _with_labels(case: Case, path: str, mapping: str) -> Case:
    """A copy of ``case`` with labels read from ``path`` (mapped, on the image grid)."""
    labels = load_labels(path, case.image.geometry, mapping)
    return Case(case.image, labels, case.segments, case.clinical, dict(case.metadata, labels_source=path), case.warnings + labels.notices)
