"""File-menu dialogs: they ask for a path (starting beside the case) and hand it to the session."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QWidget

from cned_viewer.io.case_bundle import bundle_path
from cned_viewer.session import CaseSession
from cned_viewer.ui.recent_cases import RecentCases
from cned_viewer.ui.report_dialog import ReportDialog

IMAGE_FILTER = "Images (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd);;All files (*)"
LABEL_FILTER = "Label maps (*.nii *.nii.gz *.nrrd *.mha *.mhd *.dcm);;All files (*)"
SAVE_LABELS_FILTERS = {"NIfTI (*.nii.gz)": ".nii.gz", "NRRD (*.nrrd)": ".nrrd", "DICOM-SEG (*.dcm)": ".dcm"}


class FileDialogs:
    """Open, save and export through dialogs over ``parent``; the work is the session's."""

    def __init__(self, parent: QWidget, session: CaseSession, recent: RecentCases) -> None:
        self.parent, self.session, self.recent = parent, session, recent
        self.files = session.files

    def start_folder(self) -> str:
        """Beside the open case, else the newest recent case, else home."""
        entries = self.recent.entries()
        return self.files.start_folder(entries[0].image if entries else None)

    # -- opening ---------------------------------------------------------------------------------------
    def open_dicom_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.parent, "Open DICOM folder", self.start_folder())
        if folder:
            self.session.open_dicom(folder)

    def open_image_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open image", self.start_folder(), IMAGE_FILTER)
        if path:
            self.session.open_path(path)

    def open_bundle(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.parent, "Open case bundle (.cned folder)", self.start_folder())
        if folder:
            self.session.open_bundle(folder)

    def open_labels(self) -> None:
        self._open_onto_case("Open labels", "labels are", self.session.open_labels)

    def open_segments(self) -> None:
        self._open_onto_case("Open Couinaud segment map (values 1-8)", "the segment map is", self.session.open_segments)

    def _open_onto_case(self, title: str, what: str, open_file: Callable[[str], object]) -> None:
        """A file dialog for a map placed on the open case's grid (refused without a case)."""
        if self.session.case is None:
            self.session.fail(f"open an image first; {what} placed on its grid")
            return
        path, _ = QFileDialog.getOpenFileName(self.parent, title, self.start_folder(), LABEL_FILTER)
        if path:
            open_file(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        entries = self.recent.entries()
        for entry in entries:
            action = menu.addAction(entry.title())
            action.setToolTip(entry.image)
            action.triggered.connect(lambda _=False, e=entry: self.session.open_source(e))
        if not entries:
            menu.addAction("(none)").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear list", self.recent.clear)

    # -- saving ----------------------------------------------------------------------------------------
    def save_case(self) -> None:
        if self.files.bundle_folder is None:
            self.save_case_as()
        else:
            self.files.save_to(self.files.bundle_folder)

    def save_case_as(self) -> None:
        if self.session.case is None:
            self.session.fail("no case to save")
            return
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save case bundle", self.files.suggested_path(".cned"), "Case bundle (*.cned)")
        if path:
            self.files.save_to(bundle_path(path))

    def save_labels_as(self) -> None:
        """NIfTI or NRRD, or DICOM-SEG when the image came from a DICOM folder."""
        if self.session.case is None or self.session.case.labels is None:
            self.session.fail("no labels to save")
            return
        filters = [f for f in SAVE_LABELS_FILTERS if f != "DICOM-SEG (*.dcm)" or self.files.dicom_source() is not None]
        path, chosen = QFileDialog.getSaveFileName(self.parent, "Save labels", self.files.suggested_path("-labels.nii.gz"), ";;".join(filters))
        if path:
            suffix = SAVE_LABELS_FILTERS.get(chosen, "")
            if suffix and not path.lower().endswith(suffix):
                path += suffix
            self.files.save_labels_to(path)

    def export_report(self) -> None:
        """Path, page size and de-identification, then the PDF (in a worker)."""
        if self.session.case is None or self.session.case.labels is None:
            self.session.fail("open a case with labels first")
            return
        dialog = ReportDialog(self.files.suggested_path("-cned-report.pdf"), self.parent)
        if dialog.exec():
            path, page_size, deidentify = dialog.choices()
            if path:
                self.files.export_report(path, page_size, deidentify)

    def remove_islands(self) -> None:
        if not self.session.editable:
            return
        value, ok = QInputDialog.getDouble(self.parent, "Remove islands", "Remove parts of the active label smaller than (mL):", 0.1, 0.0, 10000.0, 3)
        if ok:
            self.session.remove_islands(value)
