"""The "Case" tab: who and what was opened, label volumes, and the loaders' notices."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QListWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from cned_viewer.core.case import Case
from cned_viewer.core.dicom_text import format_tag

NO_CASE = "No case open. File > Open demo case, or open a DICOM folder or image (or drop it here)."
#: Metadata shown under the patient's name: (DICOM keyword, label).
DESCRIBED_TAGS = (("PatientID", "ID"), ("PatientBirthDate", "born"), ("PatientSex", "sex"), ("PatientAge", "age"),
                  ("StudyDate", "study"), ("StudyTime", "at"), ("StudyDescription", ""), ("Modality", ""))


def case_description(metadata: dict) -> tuple[str, str]:
    """The case's heading (the patient's name, readable, else its source) and a line of study facts."""
    name = format_tag("PatientName", metadata.get("PatientName")) or str(metadata.get("source") or "demo case")
    facts = []
    for tag, label in DESCRIBED_TAGS:
        value = format_tag(tag, metadata.get(tag))
        if value:
            facts.append(f"{label} {value}".strip())
    return name, ", ".join(facts)


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
        name, facts = case_description(case.metadata)
        shape = " x ".join(str(v) for v in case.image.geometry.size_xyz)
        spacing = " x ".join(f"{v:.3g}" for v in case.image.geometry.spacing_xyz_mm)
        labels = case.labels.source if case.labels is not None else "none (File > Open labels)"
        self.case_label.setText(
            f"<b>{escape(name)}</b><br>{escape(facts)}<br>"
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
