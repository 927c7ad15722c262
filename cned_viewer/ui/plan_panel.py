"""The Plan tab: named resection plans, what each removes (segments, cutting planes, the plan brush) and its live figures.

Every input goes to ``session.plans`` (:class:`~cned_viewer.session.plans.CasePlans`); the tab only
shows the plans and the active plan's figures, formatted as the report formats them
(:func:`~cned_viewer.report.plan_section.plan_section`, so the tab and the PDF cannot disagree). The
verdict line is green when the plan would reach NED, red when not, grey while it is computed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QInputDialog,
    QLabel, QListWidget, QMessageBox, QPushButton, QRadioButton, QScrollArea, QTableWidget, QToolButton, QVBoxLayout,
    QWidget,
)

from cned_viewer.errors import UserError
from cned_viewer.planning import CutPlane, PlanFigures
from cned_viewer.planning.plan import COUINAUD_SEGMENTS
from cned_viewer.planning.region import segment_at
from cned_viewer.report.plan_section import plan_section
from cned_viewer.session import CaseSession
from cned_viewer.ui.report_rows import figures_html, fill_table

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
AXES = {"Axial": 0, "Coronal": 1, "Sagittal": 2}
BRUSH_MODES = (("Off", None), ("Resect", "resect"), ("Keep", "keep"), ("Clear", "follow"))
STEP_MM = 1.0
LESION_HEADER = ("Lesion", "Status", "Margin (mm)")
VERDICT_STYLE = {True: "color: #1b7f3a;", False: "color: #b3261e;", None: "color: #777;"}


def plane_text(index: int, plane: CutPlane) -> str:
    n = plane.normal_xyz
    return f"Plane {index + 1}: normal ({n[0]:+.2f}, {n[1]:+.2f}, {n[2]:+.2f}), offset {plane.offset_mm:.1f} mm"


class PlanPanel(QScrollArea):
    """The Plan tab (module doc); ``crosshair()`` gives the voxel a new plane goes through."""

    plane_selected = Signal(object)  # the chosen plane's index in the active plan, or None
    brush_changed = Signal(object)  # the plan brush's mode, None when off

    def __init__(self, session: CaseSession, crosshair: Callable[[], tuple[int, int, int] | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.plans, self.crosshair = session, session.plans, crosshair
        body = QWidget()  # in a scroll area: the tab never widens or heightens the window
        layout = QVBoxLayout(body)
        layout.addLayout(self._plan_row())
        self.verdict = QLabel("No resection plan: press New to start one.")  # first: seen without scrolling
        self.verdict.setWordWrap(True)
        self.verdict.setObjectName("plan_verdict")
        layout.addWidget(self.verdict)
        layout.addWidget(self._segments_box())
        layout.addWidget(self._planes_box())
        layout.addWidget(self._brush_box())
        self.figures = QLabel("")
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.figures)
        self.lesions = QTableWidget(0, 3)
        self.lesions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lesions.verticalHeader().setVisible(False)
        layout.addWidget(self.lesions, 1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.plans.plans_changed.connect(self.show_plans)
        self.plans.figures_changed.connect(self._figures_changed)
        session.case_opened.connect(lambda _case: self.show_plans())
        self.show_plans()

    # -- building ---------------------------------------------------------------------------------------
    def _plan_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.plan_box = QComboBox()
        self.plan_box.setToolTip("The plan that the segments, planes and brush below change")
        self.plan_box.activated.connect(lambda _i: self.act(lambda: self.plans.choose(self.plan_box.currentText())))
        row.addWidget(self.plan_box, 1)
        self.new_button, self.rename_button, self.delete_button = QPushButton("New"), QPushButton("Rename"), QPushButton("Delete")
        self.new_button.clicked.connect(self.new_plan)
        self.rename_button.clicked.connect(self.rename_plan)
        self.delete_button.clicked.connect(self.delete_plan)
        for button in (self.new_button, self.rename_button, self.delete_button):
            row.addWidget(button)
        return row

    def _segments_box(self) -> QGroupBox:
        box = QGroupBox("Couinaud segments to resect")
        grid = QGridLayout(box)
        self.segment_buttons: dict[int, QToolButton] = {}
        for i, segment in enumerate(COUINAUD_SEGMENTS):
            button = QToolButton()
            button.setText(ROMAN[i])
            button.setCheckable(True)
            button.setObjectName(f"segment_{segment}")
            button.clicked.connect(lambda _checked=False: self.act(lambda: self.plans.set_segments(self.checked_segments())))
            grid.addWidget(button, 0, i)
            self.segment_buttons[segment] = button
        return box

    def _planes_box(self) -> QGroupBox:
        box = QGroupBox("Cutting planes")
        layout = QVBoxLayout(box)
        self.plane_list = QListWidget()
        self.plane_list.setMaximumHeight(70)
        self.plane_list.currentRowChanged.connect(lambda _row: self.plane_chosen())
        layout.addWidget(self.plane_list)
        row = QHBoxLayout()
        self.axis_box = QComboBox()
        self.axis_box.addItems(list(AXES))
        self.axis_box.setToolTip("A new plane is this image plane through the crosshair")
        self.add_plane_button = QPushButton("Add at crosshair")
        self.add_plane_button.clicked.connect(self.add_plane)
        self.flip_button, self.remove_plane_button = QPushButton("Flip side"), QPushButton("Remove")
        self.flip_button.clicked.connect(self.flip_plane)
        self.remove_plane_button.clicked.connect(lambda: self._with_plane(self.plans.remove_plane))
        self.back_button, self.forward_button = QPushButton(f"-{STEP_MM:g} mm"), QPushButton(f"+{STEP_MM:g} mm")
        self.back_button.clicked.connect(lambda: self.move_plane(-STEP_MM))
        self.forward_button.clicked.connect(lambda: self.move_plane(STEP_MM))
        moves = QHBoxLayout()  # two rows: the tab stays narrow enough for the side panel
        for widget in (self.axis_box, self.add_plane_button):
            row.addWidget(widget)
        for widget in (self.flip_button, self.remove_plane_button, self.back_button, self.forward_button):
            moves.addWidget(widget)
        layout.addLayout(row)
        layout.addLayout(moves)
        return box

    def _brush_box(self) -> QGroupBox:
        box = QGroupBox("Plan brush (left drag in a slice view)")
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.brush_group = QButtonGroup(self)
        self.brush_buttons: dict[str | None, QRadioButton] = {}
        for i, (title, mode) in enumerate(BRUSH_MODES):
            button = QRadioButton(title)
            self.brush_group.addButton(button, i)
            self.brush_buttons[mode] = button
            row.addWidget(button)
        self.brush_buttons[None].setChecked(True)
        self.brush_group.idClicked.connect(lambda i: self.set_brush(BRUSH_MODES[i][1]))
        form.addRow(row)
        self.radius_box = QDoubleSpinBox()
        self.radius_box.setRange(1.0, 50.0)
        self.radius_box.setValue(8.0)
        self.radius_box.setSuffix(" mm")
        form.addRow("Radius", self.radius_box)
        return box

    # -- user inputs ----------------------------------------------------------------------------------
    def act(self, change: Callable[[], object]) -> bool:
        """Run a plan change; a :class:`UserError` becomes the session's failure message."""
        try:
            change()
        except UserError as error:
            self.session.fail(str(error))
            self.show_plans()
            return False
        return True

    def new_plan(self, name: str | None = None) -> None:
        if self.session.case is None:
            self.session.fail("open a case first, then plan its resection")
            return
        taken, number = set(self.plans.names), 1
        while f"Plan {number}" in taken:
            number += 1
        self.act(lambda: self.plans.add(name or f"Plan {number}"))

    def rename_plan(self) -> None:
        old = self.plans.active
        if old is None:
            return
        new, ok = QInputDialog.getText(self, "Rename resection plan", "Name:", text=old)
        if ok and new.strip():
            self.act(lambda: self.plans.rename(old, new.strip()))

    def delete_plan(self) -> None:
        name = self.plans.active
        if name is None:
            return
        answer = QMessageBox.question(self, "Delete resection plan", f"Delete the plan {name!r}? The diagnostic labels are not changed.")
        if answer == QMessageBox.StandardButton.Yes:
            self.act(lambda: self.plans.remove(name))

    def toggle_segment_at(self, point_xyz_mm: tuple[float, float, float]) -> None:
        """A click on the plan in 3D: the Couinaud segment there joins the plan, or leaves it."""
        case, plan = self.session.case, self.plans.active_plan
        if case is None or plan is None:
            return
        if case.segments is None:
            self.session.status.emit("No Couinaud segment map: File > Open Couinaud segment map... to pick segments in 3D.", 8000)
            return
        segment = segment_at(case.segments.array, case.image.geometry.patient_to_index(point_xyz_mm))
        if segment is None:
            self.session.status.emit("No Couinaud segment there: click on the liver.", 6000)
            return
        chosen = set(plan.segments) ^ {segment}
        if self.act(lambda: self.plans.set_segments(chosen)):
            verb = "added to" if segment in chosen else "removed from"
            self.session.status.emit(f"Segment {ROMAN[segment - 1]} {verb} {plan.name}.", 6000)

    def checked_segments(self) -> set[int]:
        return {segment for segment, button in self.segment_buttons.items() if button.isChecked()}

    def add_plane(self) -> None:
        case = self.session.case
        if case is None or self.plans.active is None:
            self.session.fail("add a resection plan first (New)")
            return
        voxel = self.crosshair() or tuple(n // 2 for n in case.image.array.shape)
        plane = CutPlane.through_voxel(case.image.geometry, voxel, AXES[self.axis_box.currentText()])
        if self.act(lambda: self.plans.add_plane(plane)):
            self.plane_list.setCurrentRow(self.plane_list.count() - 1)

    def selected_plane(self) -> int | None:
        plan = self.plans.active_plan
        row = self.plane_list.currentRow()
        return row if plan is not None and 0 <= row < len(plan.planes) else None

    def _with_plane(self, change: Callable[[int], object]) -> None:
        index = self.selected_plane()
        if index is None and self.plans.active_plan is not None and len(self.plans.active_plan.planes) == 1:
            index = 0
        if index is None:
            self.session.status.emit("Choose a cutting plane in the list first.", 6000)
            return
        self.act(lambda: change(index))

    def move_plane(self, distance_mm: float) -> None:
        """Shift the chosen plane along its normal (positive: into the removed side)."""
        self._with_plane(lambda i: self.plans.move_plane(i, distance_mm))

    def flip_plane(self) -> None:
        self._with_plane(lambda i: self.plans.set_plane(i, self.plans.active_plan.planes[i].flipped()))

    def set_brush(self, mode: str | None) -> None:
        """Plan brush on (``resect``, ``keep``, ``follow``) or off (None); the window routes strokes to it."""
        self.plans.brush.set_mode(mode)
        if not self.brush_buttons[mode].isChecked():
            self.brush_buttons[mode].setChecked(True)
        self.session.status.emit("Plan brush: left drag in a slice view." if mode else "Plan brush off.", 6000)
        self.brush_changed.emit(mode)

    def plane_chosen(self) -> None:
        self.plane_selected.emit(self.selected_plane())

    # -- model -> view ------------------------------------------------------------------------------------
    def show_plans(self) -> None:
        """The plan list, the active plan's segments and planes, and its figures (or what is missing)."""
        names, active = self.plans.names, self.plans.active
        self.plan_box.blockSignals(True)
        self.plan_box.clear()
        self.plan_box.addItems(names)
        if active is not None:
            self.plan_box.setCurrentText(active)
        self.plan_box.blockSignals(False)
        case = self.session.case
        plan = self.plans.active_plan
        has_segments = case is not None and case.segments is not None
        for segment, button in self.segment_buttons.items():
            button.setEnabled(plan is not None and has_segments)
            button.setChecked(plan is not None and segment in plan.segments)
            button.setToolTip(f"Segment {ROMAN[segment - 1]}" if has_segments else
                              "No Couinaud segment map: File > Open Couinaud segment map..., or cut with planes and the brush")
        for widget in (self.rename_button, self.delete_button, self.add_plane_button, self.flip_button, self.remove_plane_button,
                       self.back_button, self.forward_button):
            widget.setEnabled(plan is not None)
        self.new_button.setEnabled(case is not None)
        row = self.plane_list.currentRow()
        self.plane_list.blockSignals(True)
        self.plane_list.clear()
        for i, plane in enumerate(plan.planes if plan else ()):
            self.plane_list.addItem(plane_text(i, plane))
        self.plane_list.setCurrentRow(min(row, self.plane_list.count() - 1) if row >= 0 else self.plane_list.count() - 1)
        self.plane_list.blockSignals(False)
        self.show_figures(self.plans.figures.get(active) if active else None)
        self.plane_chosen()

    def _figures_changed(self, name: str, figures: PlanFigures) -> None:
        plan = self.plans.active_plan
        if name != self.plans.active or plan is None or self.plane_list.count() != len(plan.planes):
            return  # plans_changed brings a listing change; figures of a moved plane come alone
        for i, plane in enumerate(plan.planes):
            self.plane_list.item(i).setText(plane_text(i, plane))
        self.show_figures(figures)

    def show_figures(self, figures: PlanFigures | None) -> None:
        plan = self.plans.active_plan
        if plan is None:
            self.verdict.setText("No resection plan: press New to start one." if self.session.case else "Open a case to plan a resection.")
            ned, rows, lesions = None, "", ()
        elif figures is None:
            self.verdict.setText("Computing the plan's figures...")
            ned, rows, lesions = None, "", ()
        else:
            section = plan_section(plan, figures)
            self.verdict.setText(section.verdict)
            ned, lesions = section.ned, section.lesions
            extra = [section.remnant_lesions, section.margin_method, *section.warnings]
            rows = figures_html(section.figures) + "".join(f"<div>{line}</div>" for line in extra)
        self.verdict.setStyleSheet(f"font-weight: bold; {VERDICT_STYLE[ned]}")
        self.figures.setText(rows)
        fill_table(self.lesions, LESION_HEADER, lesions)
