"""The session's questions, asked with dialogs (tests replace these methods)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from cned_viewer.io.dicom_series import DicomScan
from cned_viewer.io.label_mappings import BUILTIN_MAPPINGS
from cned_viewer.io.recovery import RecoveryInfo
from cned_viewer.session.case_files import CaseFiles
from cned_viewer.session.questions import RecoveryChoice, UnsavedChoice
from cned_viewer.ui.series_dialog import SeriesDialog


class DialogQuestions:
    """:class:`~cned_viewer.session.questions.Questions` answered by the user in modal dialogs over ``parent``."""

    def __init__(self, parent: QWidget, files: CaseFiles | None = None) -> None:
        self.parent = parent
        self.files = files  # where save dialogs start

    def unsaved_edits(self) -> UnsavedChoice:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.parent, "Unsaved changes", "The case has changes that are not saved (label edits, clinical inputs, "
            "resection plans or follow-up scans). Save them?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save,
        )
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")  # type: ignore[return-value]

    def labels_path(self) -> str | None:
        start = self.files.suggested_path("-labels.nii.gz") if self.files is not None else ""
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save labels", start, "NIfTI (*.nii.gz);;NRRD (*.nrrd)")
        return path or None

    def bundle_path(self) -> str | None:
        start = self.files.suggested_path(".cned") if self.files is not None else ""
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save case bundle (keeps the plans and follow-ups)", start, "Case bundle (*.cned)")
        return path or None

    def series(self, scan: DicomScan) -> str | None:
        dialog = SeriesDialog(scan, self.parent)
        return dialog.chosen_uid() if dialog.exec() else None

    def label_mapping(self) -> str | None:
        names = list(BUILTIN_MAPPINGS)
        descriptions = [f"{name}: {BUILTIN_MAPPINGS[name].description}" for name in names] + ["a mapping file (JSON)..."]
        choice, ok = QInputDialog.getItem(self.parent, "Label values", "How do the file's values map to the app's labels?", descriptions, 0, False)
        if not ok:
            return None
        if choice in descriptions[:-1]:
            return names[descriptions.index(choice)]
        return QFileDialog.getOpenFileName(self.parent, "Mapping file", "", "JSON (*.json)")[0] or None

    def recovery(self, info: RecoveryInfo) -> RecoveryChoice:
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                          f"A previous session ended with unsaved work:\n{info.describe()}\n\nRecover it?", parent=self.parent)
        recover_button = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(recover_button)
        discard_button = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return "recover" if box.clickedButton() is recover_button else "discard" if box.clickedButton() is discard_button else "later"
