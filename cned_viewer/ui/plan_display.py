"""The active resection plan on the views while the Plan tab is shown: 2D outlines, 3D parts and planes.

Plan changes come fast (a plane dragged, a brush stroke), so the views follow after a short pause
(``PAUSE_MS``): the slice views get the resected region (tinted and outlined in white) and the 3D
surfaces are meshed in a newest-wins worker (the report's :func:`plan_surfaces`). The 3D plane widget
sits on the plane chosen in the Plan tab and moves it. When the tab is hidden the views show the case alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer

from cned_viewer.planning import CutPlane
from cned_viewer.render.plan_picture import plan_surfaces
from cned_viewer.session import CaseSession
from cned_viewer.ui.plan_panel import PlanPanel
from cned_viewer.ui.slice_view import SliceView
from cned_viewer.ui.view3d import View3D

PAUSE_MS = 120


class PlanDisplay(QObject):
    """Shows ``session.plans``' active plan on ``views`` and ``view3d`` while :attr:`shown` (module doc)."""

    def __init__(self, session: CaseSession, views: Mapping[str, SliceView], view3d: View3D, panel: PlanPanel) -> None:
        super().__init__(panel)
        self.session, self.plans, self.views, self.view3d, self.panel = session, session.plans, views, view3d, panel
        self.shown = False
        self.plane_index: int | None = None
        self._meshed_for: Any = None  # the plan whose surfaces are on screen
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.refresh)
        self.mesher = session.executor.channel(self._meshed, session.fail)
        self.plans.figures_changed.connect(lambda *_: self.schedule())
        self.plans.plans_changed.connect(self.schedule)
        session.case_opened.connect(lambda _case: self.clear())
        panel.plane_selected.connect(self._plane_selected)
        view3d.plan_point_picked.connect(panel.toggle_segment_at)

    def show(self, shown: bool) -> None:
        """The Plan tab was shown (True) or hidden: plans drive Undo and the views while shown."""
        self.shown = self.plans.planning = shown
        if shown:
            self.refresh()
        else:
            if self.plans.brush.active:
                self.panel.set_brush(None)  # strokes go back to the labels' tools
            self.clear()

    def schedule(self) -> None:
        if self.shown:
            self.timer.start()

    def clear(self) -> None:
        self.timer.stop()
        self.mesher.cancel()
        self._meshed_for = None
        for view in self.views.values():
            if view.resection is not None:
                view.set_resection(None)
        self.view3d.edit_plane(None)
        self.view3d.show_plan(None)

    def refresh(self) -> None:
        """Show the active plan as it is now (its figures must be current: else the next figures bring it)."""
        plan, evaluator = self.plans.active_plan, self.plans.evaluator
        region = self.plans.resected_region() if self.shown else None
        if plan is None or region is None or evaluator is None:
            if plan is None or not self.shown:
                self.clear()
            return
        for view in self.views.values():
            view.set_resection(region)
        figures = self.plans.figures[plan.name]
        if plan is not self._meshed_for:
            self.mesher.submit(lambda: (plan, plan_surfaces(evaluator, plan, figures)))

    def _meshed(self, result: tuple[Any, list]) -> None:
        plan, surfaces = result
        if not self.shown or plan is not self.plans.active_plan:
            return
        self._meshed_for = plan
        self.view3d.show_plan(surfaces, plan.planes)
        self._plane_selected(self.panel.selected_plane())

    def _plane_selected(self, index: int | None) -> None:
        plan = self.plans.active_plan
        self.plane_index = index
        plane = plan.planes[index] if plan is not None and index is not None and index < len(plan.planes) else None
        self.view3d.edit_plane(plane if self.shown else None, self._plane_dragged)

    def _plane_dragged(self, plane: CutPlane) -> None:
        if self.plane_index is not None:
            self.panel.act(lambda: self.plans.set_plane(self.plane_index, plane))
