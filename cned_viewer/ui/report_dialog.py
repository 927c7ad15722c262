"""File > Export report: where to write the PDF, A4 or Letter, and whether to de-identify it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget,
)

from cned_viewer.report.pdf_writer import PAGE_SIZES

PAGE_NAMES = {"a4": "A4", "letter": "Letter"}


class ReportDialog(QDialog):
    """Asks for the report's path, page size and de-identification; read :meth:`choices` after ``exec``."""

    def __init__(self, default_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report")
        self.path_edit = QLineEdit(default_path)
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.page_box = QComboBox()
        for key in sorted(PAGE_SIZES):
            self.page_box.addItem(PAGE_NAMES.get(key, key), key)
        self.page_box.setCurrentIndex(max(self.page_box.findData("a4"), 0))
        self.deidentify_box = QCheckBox("De-identify (name, ID, birth date and other identifying values replaced by a pseudonym)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("PDF", row)
        form.addRow("Page size", self.page_box)
        form.addRow(self.deidentify_box)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Report PDF", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def choices(self) -> tuple[str, str, bool]:
        """(path, page size key, de-identify)."""
        path = self.path_edit.text().strip()
        if path and not path.lower().endswith(".pdf"):
            path += ".pdf"
        return path, str(self.page_box.currentData()), self.deidentify_box.isChecked()
