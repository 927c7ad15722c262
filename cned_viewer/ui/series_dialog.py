"""Choose a DICOM series: every series of the folder with modality, description and slice count."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from cned_viewer.io.dicom_series import DicomScan

COLUMNS = ("#", "Modality", "Description", "Slices", "Size", "Spacing (mm)")


class SeriesDialog(QDialog):
    """Lists the series of a :class:`DicomScan`; the default image series is preselected."""

    def __init__(self, scan: DicomScan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scan = scan
        self.setWindowTitle("Choose a series")
        self.table = QTableWidget(len(scan.series), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, series in enumerate(scan.series):
            summary = series.summary()
            spacing = summary["spacing_mm"]
            cells = (str(row + 1), series.modality + (" (segmentation)" if series.is_segmentation else ""),
                     series.description or "(no description)", str(series.slice_count),
                     " x ".join(str(v) for v in summary["size_xy"]),
                     "" if spacing is None else " x ".join(f"{v:.3g}" for v in spacing))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        images = [s for s in scan.series if s.is_image]
        default = scan.default_series() if images else scan.series[0]
        self.table.selectRow(scan.series.index(default))
        self.table.doubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Series in {scan.folder}:"))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 320)

    def chosen_uid(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.scan.series[rows[0].row() if rows else 0].uid
