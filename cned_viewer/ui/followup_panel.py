"""The Follow-up tab: the case's follow-up scans, their registration quality, the lesion pairs and the response.

Every input goes to ``session.followups`` (:class:`~cned_viewer.session.followups.CaseFollowUps`); the
figures and rows are the report's Response section (:func:`~cned_viewer.report.response_section.response_section`),
so the tab and the PDF cannot disagree. A registration warning is shown in red above the figures.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QTableWidget,
    QScrollArea, QVBoxLayout, QWidget,
)

from cned_viewer.errors import UserError
from cned_viewer.followup import FollowupResult
from cned_viewer.followup.matching import DISAPPEARED, MERGED, PERSISTING, SPLIT
from cned_viewer.report.response_section import response_section
from cned_viewer.session import CaseSession
from cned_viewer.session.comparison import parse_targets
from cned_viewer.ui.file_dialogs import IMAGE_FILTER, LABEL_FILTER
from cned_viewer.ui.report_rows import figures_html, fill_table
from cned_viewer.ui.response_chart import ResponseChart

#: Baseline lesion colour in 3D by its status at the follow-up shown (a new lesion is not on the baseline).
STATUS_RGB = {PERSISTING: (245, 160, 40), DISAPPEARED: (50, 200, 90), MERGED: (170, 90, 220), SPLIT: (170, 90, 220)}
STATUS_LEGEND = "3D: baseline lesions persisting orange, disappeared green, merged or split purple."


def followup_statuses(result: FollowupResult | None) -> dict[int, str] | None:
    """Baseline lesion number -> ``status, +12 %`` (volume change) at one follow-up; None without one."""
    if result is None:
        return None
    out = {}
    for match in result.matches:
        change = match.volume_change_percent
        for lesion_id in match.baseline_ids:
            out[lesion_id] = match.status if change is None else f"{match.status}, {change:+.0f} %"
    return out


def point_text(point) -> str:
    """One line of the time-point list: name, date, registration quality, status."""
    date = point.study_date or "date unknown"
    registration = point.registration
    quality = "" if registration is None else (
        f", liver Dice {registration.quality.liver_dice:.3f}, surface distance {registration.quality.mean_surface_distance_mm:.1f} mm")
    return f"{point.name} ({date}{quality}): {point.status}"


class FollowUpPanel(QScrollArea):
    """The Follow-up tab (module doc)."""

    chosen = Signal(object)  # the follow-up shown beside the baseline (its name), None when there is none

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.followups = session, session.followups
        body = QWidget()  # in a scroll area: the tab never widens or heightens the window
        layout = QVBoxLayout(body)
        buttons = QHBoxLayout()
        self.open_button, self.open_dicom_button = QPushButton("Open follow-up scan..."), QPushButton("DICOM folder...")
        self.remove_button = QPushButton("Remove")
        self._listed: list[str] = []  # the names in the list, to show a scan just opened
        self.open_button.clicked.connect(self.open_file)
        self.open_dicom_button.clicked.connect(self.open_dicom)
        self.remove_button.clicked.connect(self.remove)
        for button in (self.open_button, self.open_dicom_button, self.remove_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.point_list = QListWidget()
        self.point_list.setMaximumHeight(70)
        self.point_list.currentRowChanged.connect(lambda _row: (self.show_response(), self.chosen.emit(self.current_name())))
        layout.addWidget(self.point_list)
        targets = QHBoxLayout()
        targets.addWidget(QLabel("RECIST targets (baseline #):"))
        self.targets_edit = QLineEdit()
        self.targets_edit.setPlaceholderText("automatic: the two largest >= 10 mm")
        self.targets_edit.returnPressed.connect(self.apply_targets)
        targets.addWidget(self.targets_edit, 1)
        layout.addLayout(targets)
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b3261e; font-weight: bold;")
        layout.addWidget(self.warning)
        self.figures = QLabel("Open a follow-up scan (with its labels) to compare it with this case.")
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.figures)
        self.chart = ResponseChart()
        layout.addWidget(self.chart)
        self.pairs, self.timepoints = QTableWidget(0, 0), QTableWidget(0, 0)
        for table in (self.pairs, self.timepoints):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
        layout.addWidget(self.pairs, 2)
        layout.addWidget(self.timepoints, 1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.followups.changed.connect(self.show_points)
        self.followups.compared.connect(lambda _comparison: self.show_response())
        session.case_opened.connect(lambda _case: self.show_points())  # it shows the response too
        self.show_points()

    # -- user inputs ----------------------------------------------------------------------------------
    def open_file(self) -> None:
        if self.session.case is None:
            self.session.fail("open the baseline case first, then its follow-up scans")
            return
        image, _ = QFileDialog.getOpenFileName(self, "Open follow-up scan", self.session.files.start_folder(), IMAGE_FILTER)
        if image:
            self._open(image)

    def open_dicom(self) -> None:
        if self.session.case is None:
            self.session.fail("open the baseline case first, then its follow-up scans")
            return
        folder = QFileDialog.getExistingDirectory(self, "Open follow-up DICOM folder", self.session.files.start_folder())
        if folder:
            self._open(folder)

    def _open(self, image: str) -> None:
        labels, _ = QFileDialog.getOpenFileName(self, "Labels of the follow-up scan (Cancel: none)", str(Path(image).parent), LABEL_FILTER)
        self.followups.open(image, labels or None)

    def remove(self) -> None:
        name = self.current_name()
        if name is not None:
            self.followups.remove(name)

    def apply_targets(self) -> None:
        """The typed target numbers (``1,3`` or ``1;3``, as ``compare --targets``); empty: automatic."""
        try:
            ids = parse_targets(self.targets_edit.text(), "RECIST targets")
            self.followups.set_targets(None if ids is None else tuple(ids))
        except UserError as error:  # not numbers, or not measurable baseline lesions: one line, the choice unchanged
            self.session.fail(str(error))

    def current_name(self) -> str | None:
        row = self.point_list.currentRow()
        names = self.followups.names
        return names[row] if 0 <= row < len(names) else None

    # -- model -> view ------------------------------------------------------------------------------------
    def show_points(self) -> None:
        names = self.followups.names
        row = self.point_list.currentRow()
        previous = self._listed[row] if 0 <= row < len(self._listed) else None  # rows may move: a scan sorts by date
        opened = [name for name in names if name not in self._listed]  # a scan just opened is shown
        current = opened[-1] if opened else previous
        self._listed = names
        self.point_list.blockSignals(True)
        self.point_list.clear()
        for point in self.followups.points:
            self.point_list.addItem(point_text(point))
        self.point_list.setCurrentRow(names.index(current) if current in names else len(names) - 1)
        self.point_list.blockSignals(False)
        has_case = self.session.case is not None
        self.open_button.setEnabled(has_case)
        self.open_dicom_button.setEnabled(has_case)
        self.remove_button.setEnabled(bool(names))
        self.show_response()
        self.chosen.emit(self.current_name())

    def show_response(self) -> None:
        targets = self.followups.targets  # as chosen, restored from a bundle or a recovery save, or automatic again
        self.targets_edit.setText("" if targets is None else ", ".join(map(str, targets)))
        data = self.followups.response_json(self.current_name())
        comparison = self.followups.comparison
        if data is None or comparison is None:
            self.warning.setText("")
            labelled = any(point.timepoint is not None for point in self.followups.points)
            self.figures.setText("Comparing..." if labelled else "Open a follow-up scan (with its labels) to compare it with this case.")
            fill_table(self.pairs, (), ())
            fill_table(self.timepoints, (), ())
            self.chart.show_curve([])
            return
        section = response_section(data)
        registration = data["registration"].get("warning")  # in red: it puts every pair in doubt
        self.warning.setText(registration or "")
        notes = "".join(f"<div style='color: #666;'>{w}</div>" for w in section.warnings if w != registration)
        self.figures.setText(f"{figures_html(section.figures)}<div>{STATUS_LEGEND}</div>{notes}")
        fill_table(self.pairs, section.lesion_header, section.lesions)
        fill_table(self.timepoints, section.timepoint_header, section.timepoints)
        self.chart.show_curve(comparison.curve())
