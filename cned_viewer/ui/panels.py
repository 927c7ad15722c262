"""The window's widgets and how the user moves between them: slice views, 3D, lesions, clinical form, scores.

Navigation is view state only (crosshair, window/level, overlay, the selected lesion); every
change to the case goes to the :class:`~cned_viewer.session.CaseSession` (strokes, clicks with a
lesion tool, seeds for a segmenter, the clinical form, lesion deletion).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QGridLayout, QMenu, QSplitter, QStatusBar, QTabWidget, QWidget

from cned_viewer.editing.tool_settings import ToolSettings
from cned_viewer.session import CaseSession
from cned_viewer.session.plan_brush import PlanBrush
from cned_viewer.ui.case_info import CaseInfo
from cned_viewer.ui.clinical_form import ClinicalForm
from cned_viewer.ui.display_toolbar import DisplayToolbar
from cned_viewer.ui.edit_toolbar import EditDock
from cned_viewer.ui.followup_panel import FollowUpPanel, followup_statuses
from cned_viewer.ui.followup_views import FollowUpViews
from cned_viewer.ui.lesion_table import LesionTable
from cned_viewer.ui.plan_display import PlanDisplay
from cned_viewer.ui.plan_panel import PlanPanel
from cned_viewer.ui.score_panel import ScorePanel
from cned_viewer.ui.segment_panel import SegmentPanel
from cned_viewer.ui.slice_view import SliceView
from cned_viewer.ui.view3d import View3D


class Panels:
    """Creates the widgets over ``parent`` and wires the user's inputs to navigation or to the session."""

    def __init__(self, session: CaseSession, parent: QWidget, status_bar: QStatusBar, interactive_3d: bool | None) -> None:
        self.session, self.parent, self.status_bar = session, parent, status_bar
        self.views = {name: SliceView(name) for name in ("axial", "coronal", "sagittal")}
        self.view3d = View3D(interactive=interactive_3d)
        self.lesion_table = LesionTable()
        self.clinical_form = ClinicalForm()
        self.score_panel = ScorePanel()
        self.case_info = CaseInfo()
        self.display_toolbar = DisplayToolbar(parent)
        self.edit_dock = EditDock(parent)
        self.edit_dock.setEnabled(False)
        self.segment_panel = SegmentPanel(session, self.views, parent)
        self.segment_panel.hide()
        self.plan_panel = PlanPanel(session, lambda: self.views["axial"].crosshair)
        self.plan_display = PlanDisplay(session, self.views, self.view3d, self.plan_panel)
        self.followup_panel = FollowUpPanel(session)
        self.followup_views = FollowUpViews(session, self.views, self.followup_panel, self.set_point)
        self.side_tabs = QTabWidget()
        self._connect()

    def _connect(self) -> None:
        session = self.session
        for view in self.views.values():
            view.point_picked.connect(self.set_point)
            view.cursor_text.connect(lambda text: self.status_bar.showMessage(text))
            view.window_dragged.connect(self.set_window)
            view.stroke_pressed.connect(lambda voxel, v=view: self._press(v.view, voxel))
            view.stroke_moved.connect(lambda voxel: self._stroker().move(voxel))
            view.stroke_released.connect(lambda: self._stroker().release())
            view.voxel_clicked.connect(self._voxel_clicked)
        for view in self.followup_views.views.values():
            view.cursor_text.connect(lambda text: self.status_bar.showMessage(text))
            view.window_dragged.connect(self.set_window)
        self.edit_dock.settings_changed.connect(self.tool_changed)
        self.plan_panel.brush_changed.connect(lambda _mode: self.tool_changed(self.edit_dock.settings))
        self.plan_panel.radius_box.valueChanged.connect(lambda _mm: self.tool_changed(self.edit_dock.settings))
        self.side_tabs.currentChanged.connect(lambda _i: self.plan_display.show(self.side_tabs.currentWidget() is self.plan_panel))
        self.side_tabs.currentChanged.connect(lambda _i: self.show_layout())
        self.followup_panel.chosen.connect(lambda _name: self.show_layout())
        session.followups.compared.connect(lambda _comparison: self.show_layout())
        self.segment_panel.view_mode.connect(self.set_view_mode)
        self.lesion_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.lesion_table.customContextMenuRequested.connect(self._lesion_menu)
        self.lesion_table.lesion_selected.connect(self.select_lesion)
        self.view3d.lesion_picked.connect(self.select_lesion)
        self.clinical_form.clinical_changed.connect(session.set_clinical)
        self.score_panel.missing_input_clicked.connect(self.clinical_form.focus_field)
        self.display_toolbar.window_chosen.connect(self.set_window)
        self.display_toolbar.opacity_chosen.connect(lambda opacity: self.set_overlay(opacity=opacity))
        self.display_toolbar.outline_chosen.connect(lambda outline: self.set_overlay(outline=outline))

    def central_widget(self) -> QWidget:
        """Slice views and 3D in a 2x2 grid; beside them the scores over the Lesions / Clinical / Case tabs."""
        grid = QWidget()
        layout = QGridLayout(grid)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        for (row, column), widget in zip(((0, 0), (0, 1), (1, 0), (1, 1)), (self.views["axial"], self.view3d, self.views["coronal"], self.views["sagittal"])):
            layout.addWidget(widget, row, column)
        self.grid = layout
        for i in range(2):
            layout.setColumnStretch(i, 1)
            layout.setRowStretch(i, 1)
        for widget, title in ((self.lesion_table, "Lesions"), (self.clinical_form, "Clinical"), (self.plan_panel, "Plan"), (self.followup_panel, "Follow-up"), (self.case_info, "Case")):
            self.side_tabs.addTab(widget, title)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.score_panel)
        side.addWidget(self.side_tabs)
        side.setSizes([480, 420])
        splitter = QSplitter()
        splitter.addWidget(grid)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 540])
        return splitter

    def show_layout(self) -> None:
        """Baseline axial beside the follow-up's, the 3D model in the sagittal view's place and its lesions coloured by
        status, while the Follow-up tab shows a follow-up; else the three slice views and the 3D model."""
        followup = self.side_tabs.currentWidget() is self.followup_panel and self.followup_views.name is not None
        side = self.followup_views.views["axial"]
        for widget in (side, self.view3d, self.views["sagittal"]):
            self.grid.removeWidget(widget)
        self.grid.addWidget(side if followup else self.view3d, 0, 1)
        self.grid.addWidget(self.view3d if followup else self.views["sagittal"], 1, 1)
        side.setVisible(followup)
        self.views["sagittal"].setVisible(not followup)
        self.view3d.scene.colour_lesions(self.followup_views.status_colours() if followup else None)
        self.view3d.refresh_picture()
        result = self.followup_views.result()
        self.lesion_table.set_followup(followup_statuses(result), None if result is None else result.point.name)

    # -- navigation --------------------------------------------------------------------------------
    def set_point(self, index_zyx: tuple[int, int, int]) -> None:
        """Move every slice view to the voxel ``index_zyx`` and put the crosshair on it."""
        for view in self.views.values():
            view.set_point(index_zyx)

    def select_lesion(self, lesion_id: int) -> None:
        """Select a lesion everywhere: table row, 3D highlight, slice views at its centre."""
        lesion, centre = self.session.lesion(lesion_id), self.session.lesion_centre(lesion_id)
        if lesion is None or centre is None:
            return
        if self.lesion_table.selected_lesion() != lesion_id:
            self.lesion_table.select_lesion(lesion_id)  # comes back here once through the signal
            return
        if self.view3d.scene.selected_lesion != lesion_id:
            self.view3d.highlight_lesion(lesion_id)
        self.set_point(centre)
        self.status_bar.showMessage(f"Lesion {lesion_id}: {lesion.volume_ml:.2f} mL, axial {lesion.axial_diameter_mm:.1f} mm", 8000)

    def set_window(self, width: float, level: float) -> None:
        """Every slice view at this window; the toolbar names it (a preset, or custom after a right drag)."""
        for view in (*self.views.values(), *self.followup_views.views.values()):
            if view.window != (width, level):
                view.set_window(width, level)
        self.display_toolbar.show_window(width, level)

    def set_overlay(self, opacity: float | None = None, outline: bool | None = None) -> None:
        for view in self.views.values():
            view.set_overlay(opacity, outline)

    # -- tools -----------------------------------------------------------------------------------
    def tool_changed(self, settings: ToolSettings) -> None:
        self.session.tool = settings
        mode = "brush" if settings.brushes or self.session.plans.brush.active else "click" if settings.tool in ("delete_lesion", "relabel_lesion") else "navigate"
        for view in self.views.values():
            view.set_mode(mode)
            view.set_brush_radius(self.plan_panel.radius_box.value() if self.session.plans.brush.active else settings.radius_mm)

    def set_view_mode(self, mode: str | None) -> None:
        """Force a slice-view mode (``click`` for plugin seeds, ``brush`` for the plan brush); None: back to the edit tool's mode."""
        if mode is None and self.session.plans.brush.active:
            mode = "brush"
        if mode is None:
            self.tool_changed(self.edit_dock.settings)
            return
        for view in self.views.values():
            view.set_mode(mode)

    def _stroker(self) -> PlanBrush | CaseSession:
        """Where a left drag goes: the plan brush when it is on, else the session's edit tool."""
        return self.session.plans.brush if self.session.plans.brush.active else self.session

    def _press(self, plane: str, voxel: tuple[int, int, int]) -> None:
        """A left drag starts: the plan brush's stroke when it is on, else the edit tool's."""
        if self.session.plans.brush.active:
            self.session.plans.brush.press(plane, voxel, self.plan_panel.radius_box.value())  # type: ignore[arg-type]
        else:
            self.session.press(plane, voxel)

    def _voxel_clicked(self, voxel: tuple[int, int, int]) -> None:
        if self.segment_panel.isVisible() and self.segment_panel.segmenter is not None:
            self.segment_panel.add_seed(voxel)
        else:
            self.session.click(voxel)

    def _lesion_menu(self, position: QPoint) -> None:
        item = self.lesion_table.itemAt(position)
        if item is None or not self.session.editable:
            return
        lesion_id = int(self.lesion_table.item(item.row(), 0).text())
        menu = QMenu(self.parent)
        menu.addAction(f"Delete lesion {lesion_id}", lambda: self.session.delete_lesion(lesion_id))
        menu.addAction(f"Relabel lesion {lesion_id} as liver parenchyma", lambda: self.session.delete_lesion(lesion_id, relabel=True))
        menu.exec(self.lesion_table.viewport().mapToGlobal(position))
