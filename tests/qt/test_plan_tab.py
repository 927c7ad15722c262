"""Resection planning in the window, through the user's inputs: the Plan tab's buttons, the plan brush dragged
on a slice view, the Plan menu's keys, Ctrl+Z, and the 3D plane widget.

Figures are compared with :class:`PlanEvaluator` run on the same case here (itself checked against
analytic phantoms and numpy counts in tests/unit/planning); what the tab shows is compared with them.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from test_editing import activate
from test_editing_by_mouse import find_start, stroke

from cned_viewer.core.labels import LIVER_PARENCHYMA, array_digest
from cned_viewer.planning import RESECT, PlanEvaluator
from cned_viewer.ui.slice_view import RESECTION_RGB

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def planning_window(qtbot, demo_window, demo_segments, wait_ready):
    """The demo window with its Couinaud map (segment 2 on the low-x half, 7 on the other), the Plan tab shown by its key."""
    window = demo_window
    window.session.open_segments(str(demo_segments))
    wait_ready(window)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL | SHIFT)
    assert window.side_tabs.currentWidget() is window.plan_panel and window.session.plans.planning
    qtbot.mouseClick(window.plan_panel.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Plan 1" in window.session.plans.figures, timeout=30_000)
    return window


def figures(window):
    return window.session.plans.figures[window.session.plans.active]


def expected(window):
    case = window.session.case
    return PlanEvaluator.for_case(case, window.session.options).evaluate(window.session.plans.active_plan, case.clinical)


def shown_value(window, label: str) -> str:
    for row in window.plan_panel.figures.text().split("<tr>"):
        if row.startswith(f"<td>{label}</td>"):
            return row.split("<b>")[1].split("</b>")[0]
    raise AssertionError(f"{label} not in the Plan tab")


def resection_pixels(widget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * image.height()).reshape(image.height(), -1)
    rgb = raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    return int(np.all(rgb == RESECTION_RGB, axis=2).sum())


def test_segment_buttons_give_the_evaluators_figures_and_draw_the_plan(qtbot, planning_window) -> None:
    window, panel = planning_window, planning_window.plan_panel
    assert all(button.isEnabled() for button in panel.segment_buttons.values())
    qtbot.mouseClick(panel.segment_buttons[7], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: figures(window).resected_ml > 0, timeout=30_000)
    assert window.session.plans.active_plan.segments == {7}
    assert figures(window) == expected(window)
    assert shown_value(window, "Resected") == f"{figures(window).resected_ml:.1f} mL"
    assert panel.verdict.text() == figures(window).verdict.text
    assert ("#b3261e" in panel.verdict.styleSheet()) == (not figures(window).verdict.ned)
    assert panel.lesions.rowCount() == len(figures(window).lesions)
    view = window.views["axial"]
    qtbot.waitUntil(lambda: view.resection is not None and window.view3d.plan.shown, timeout=60_000)
    box, mask = window.session.plans.resected_region()
    view.set_index(box[0].start + int(np.argmax(mask.sum(axis=(1, 2)))))  # the axial slice cutting most resected liver
    assert resection_pixels(view) > 50  # the resected part outlined
    kinds = {s.status for s in figures(window).lesions}
    assert len(window.view3d.plan.actors) == 2 + len(kinds)  # remnant, resected, one colour per lesion status
    assert window.view3d.scene.covered == {"liver", "tumour"}


def test_plan_brush_dragged_on_a_slice_resects_and_ctrl_z_undoes_it(qtbot, planning_window) -> None:
    window, panel = planning_window, planning_window.plan_panel
    labels = array_digest(window.session.case.labels.array)
    qtbot.mouseClick(panel.brush_buttons["resect"], Qt.MouseButton.LeftButton, pos=QPoint(6, panel.brush_buttons["resect"].height() // 2))
    assert window.session.plans.brush.mode == "resect" and window.views["axial"].mode == "brush"
    view = window.views["axial"]
    start = find_start(view, window.session.case.labels.array, LIVER_PARENCHYMA, int(panel.radius_box.value()) + 1)
    stroke(qtbot, view, start)
    qtbot.waitUntil(lambda: figures(window).resected_ml > 0, timeout=30_000)
    painted = window.session.plans.active_plan.overrides
    assert painted is not None and (painted == RESECT).sum() > 20 and array_digest(window.session.case.labels.array) == labels
    assert figures(window) == expected(window)
    assert window.undo_action.text().replace("&", "") == "Undo plan: paint resection"

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert window.session.plans.active_plan.overrides is None
    qtbot.waitUntil(lambda: figures(window).resected_ml == 0, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert np.array_equal(window.session.plans.active_plan.overrides, painted)
    assert array_digest(window.session.case.labels.array) == labels  # the diagnostic labels never changed


def test_plane_keys_move_the_plane_one_step_undone_by_ctrl_z(qtbot, planning_window) -> None:
    window = planning_window
    plans = window.session.plans
    window.panels.set_point(tuple(n // 2 for n in window.session.case.image.array.shape))
    window.plan_panel.axis_box.setCurrentText("Sagittal")
    window.actions["plan-add-plane"].trigger()
    qtbot.waitUntil(lambda: figures(window).resected_ml > 0, timeout=30_000)
    plane, before = plans.active_plan.planes[0], figures(window).resected_ml
    activate(qtbot, window)
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_BracketRight, CTRL)
    assert plans.active_plan.planes[0].offset_mm == pytest.approx(plane.offset_mm + 3.0)
    qtbot.waitUntil(lambda: figures(window).resected_ml < before, timeout=30_000)
    assert figures(window) == expected(window)
    assert "offset" in window.plan_panel.plane_list.item(0).text()
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # the three moves were one step
    assert plans.active_plan.planes[0] == plane
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # then the plane's addition
    assert plans.active_plan.planes == ()


def test_leaving_the_plan_tab_shows_the_case_again_and_undo_acts_on_the_labels(qtbot, planning_window) -> None:
    window = planning_window
    qtbot.mouseClick(window.plan_panel.segment_buttons[2], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view3d.plan.shown and window.views["axial"].resection is not None, timeout=60_000)
    window.side_tabs.setCurrentWidget(window.lesion_table)
    assert not window.session.plans.planning and not window.view3d.plan.shown and not window.view3d.scene.covered
    assert all(view.resection is None for view in window.views.values())
    window.session.delete_lesion(window.session.measurements.lesions[0].id)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert window.session.plans.active_plan.segments == {2}  # the plan kept; the labels' step undone
    assert window.session.edit_session.history.next_undo is None


def test_the_3d_plane_widget_moves_the_plan_plane(qtbot, gui_window, wait_ready) -> None:
    from vtkmodules.vtkCommonCore import vtkCommand

    window = gui_window
    window.session.open_demo()
    wait_ready(window)
    window.side_tabs.setCurrentWidget(window.plan_panel)
    window.plan_panel.new_plan()
    window.plan_panel.add_plane()
    plans = window.session.plans
    qtbot.waitUntil(lambda: bool(window.view3d.plotter.widgets.plane_widgets), timeout=60_000)
    widget = window.view3d.plotter.widgets.plane_widgets[0]
    plane = plans.active_plan.planes[0]
    origin = np.asarray(plane.point_xyz_mm) + 5.0 * np.asarray(plane.normal_xyz)
    widget.SetOrigin(*origin)
    widget.InvokeEvent(vtkCommand.EndInteractionEvent)
    moved = plans.active_plan.planes[0]
    assert moved.offset_mm == pytest.approx(plane.offset_mm + 5.0, abs=1e-6)
    assert np.allclose(moved.normal_xyz, plane.normal_xyz)


def test_a_click_on_the_liver_in_3d_toggles_its_segment(qtbot, gui_window, demo_segments, wait_ready) -> None:
    from PySide6.QtCore import QPoint

    window = gui_window
    window.session.open_demo()
    wait_ready(window)
    window.session.open_segments(str(demo_segments))
    wait_ready(window)
    window.side_tabs.setCurrentWidget(window.plan_panel)
    window.plan_panel.new_plan()
    qtbot.waitUntil(lambda: window.view3d.plan.shown, timeout=60_000)
    case, renderer = window.session.case, window.view3d.plotter.renderer
    target = np.argwhere((case.segments.array == 7) & (case.labels.array == LIVER_PARENCHYMA))
    point = case.image.geometry.index_to_patient_mm(target[len(target) // 2])
    renderer.SetWorldPoint(*point, 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    canvas = window.view3d.canvas
    ratio = canvas.devicePixelRatioF()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(round(x / ratio)), int(round(canvas.height() - 1 - y / ratio))))
    qtbot.waitUntil(lambda: window.session.plans.active_plan.segments != frozenset(), timeout=10_000)
    assert window.session.plans.active_plan.segments == {7}  # seen from the front: the map splits left from right
    assert window.plan_panel.segment_buttons[7].isChecked() and "Segment VII added to Plan 1" in window.statusBar().currentMessage()
