"""The "Case" tab: who and what was opened, label volumes, and the loaders' notices."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QListWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from cned_viewer.core.case import Case

NO_CASE = "No case open. File > Open demo case, or open a DICOM folder or image (or drop it here)."


class CaseInfo(QWidget):
    """Description, volumes table (from the measurement worker) and notices of the open case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_label = QLabel(NO_CASE)
        self.case_label.setWordWrap(True)
        self.volumes_table = QTableWidget(0, 2)
        self.volumes_table.setHorizontalHeaderLabels(["Structure", "Volume (mL)"])
        self.volumes_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.volumes_table.verticalHeader().setVisible(False)
        self.notices = QListWidget()
        self.notices.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.case_label)
        layout.addWidget(QLabel("<b>Volumes</b> (voxel count x voxel volume)"))
        layout.addWidget(self.volumes_table)
        layout.addWidget(QLabel("<b>Notices</b>"))
        layout.addWidget(self.notices)

    def show_case(self, case: Case) -> None:
        meta = case.metadata
        shape = " x ".join(str(v) for v in case.image.geometry.size_xyz)
        spacing = " x ".join(f"{v:.3g}" for v in case.image.geometry.spacing_xyz_mm)
        labels = case.labels.source if case.labels is not None else "none (File > Open labels)"
        self.case_label.setText(
            f"<b>{meta.get('PatientName') or meta.get('source', 'demo case')}</b><br>{meta.get('StudyDescription', '')}<br>"
            f"{shape} voxels, {spacing} mm<br>Labels: {labels or 'built in'}"
        )
        self.notices.clear()
        self.notices.addItems(case.warnings or ["(none)"])
        self.show_volumes({}, {})

    def show_volumes(self, volumes_ml: dict[str, float], names: dict[str, str]) -> None:
        """Label volumes by key, shown under their display ``names``."""
        self.volumes_table.setRowCount(len(volumes_ml))
        for row, (key, value) in enumerate(volumes_ml.items()):
            self.volumes_table.setItem(row, 0, QTableWidgetItem(names.get(key, key)))
            item = QTableWidgetItem(f"{value:.1f}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.volumes_table.setItem(row, 1, item)
