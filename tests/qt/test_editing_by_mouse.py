"""Editing the demo case with real mouse and key events and the default dock settings.

The tool is chosen by clicking the dock's radio button; strokes are real press / move /
release events on the axial slice view; undo and redo are Ctrl+Z / Ctrl+Shift+Z on the window.
Each test checks the label array and what the score panel says (TTV and total liver).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from test_editing import activate

from cned_viewer.core.labels import BACKGROUND, LIVER_PARENCHYMA, TUMOUR

STEP_PX = 4
STEPS = 3
TTV_AND_LIVER = re.compile(r"TTV ([\d.]+) mL / total liver ([\d.]+) mL")


def choose_tool(qtbot, window, tool: str) -> None:
    """Click the tool's radio button in the edit dock."""
    button = window.edit_dock.tool_buttons[tool]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert window.edit_dock.settings.tool == tool


def burden(window) -> tuple[float, float]:
    """TTV and total liver (mL) as the score panel shows them."""
    found = TTV_AND_LIVER.search(window.score_panel.details_text())
    assert found is not None, window.score_panel.details_text()
    return float(found.group(1)), float(found.group(2))


def path_from(start: QPoint) -> list[QPoint]:
    return [start + QPoint(STEP_PX * k, 0) for k in range(STEPS + 1)]


def find_start(view, labels: np.ndarray, value: int, margin_vox: int) -> QPoint:
    """A widget point from which the stroke's path, widened by ``margin_vox``, covers only ``value``."""
    rect = view.image_rect()
    for fy in np.linspace(0.1, 0.9, 41):
        for fx in np.linspace(0.1, 0.8, 41):
            start = QPoint(int(rect.left() + fx * rect.width()), int(rect.top() + fy * rect.height()))
            voxels = [view.voxel_at(p.x(), p.y()) for p in path_from(start)]
            if any(v is None for v in voxels):
                continue
            z, ys, xs = voxels[0][0], [v[1] for v in voxels], [v[2] for v in voxels]
            patch = labels[z, min(ys) - margin_vox:max(ys) + margin_vox + 1, min(xs) - margin_vox:max(xs) + margin_vox + 1]
            if patch.size and (patch == value).all():
                return start
    raise AssertionError(f"no area of label {value} in the axial view")


def stroke(qtbot, view, start: QPoint) -> None:
    """A left drag: press, moves with the button held, release."""
    points = path_from(start)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(view, point)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=points[-1])


def brush_margin(window) -> int:
    spacing = window.session.case.labels.geometry.spacing_zyx_mm
    return int(np.ceil(window.edit_dock.settings.radius_mm / min(spacing[1:]))) + 1


def paint_in_parenchyma(qtbot, window) -> tuple[np.ndarray, np.ndarray]:
    """Paint tumour by mouse inside the liver; the labels before and the changed voxels."""
    view = window.views["axial"]
    labels = window.session.case.labels.array
    start = find_start(view, labels, LIVER_PARENCHYMA, brush_margin(window))
    before = labels.copy()
    choose_tool(qtbot, window, "paint")
    stroke(qtbot, view, start)
    return before, labels != before


def test_default_paint_over_replaces_parenchyma_by_mouse_and_keys_undo_redo(qtbot, demo_window) -> None:
    window = demo_window
    assert window.edit_dock.paint_over_box.currentText() == "Liver parenchyma and background"
    labels = window.session.case.labels.array
    ttv, liver = burden(window)
    before, changed = paint_in_parenchyma(qtbot, window)
    assert changed.sum() > 50 and (labels[changed] == TUMOUR).all() and (before[changed] == LIVER_PARENCHYMA).all()
    assert window.session.case.provenance[-1].parameters["points"] == STEPS + 1  # press and every move reached the view
    painted = labels.copy()
    ttv_painted, liver_painted = burden(window)
    assert ttv_painted > ttv and liver_painted == pytest.approx(liver, abs=0.05)  # tumour in the liver: same liver

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(labels, before) and burden(window)[0] == pytest.approx(ttv)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert np.array_equal(labels, painted) and burden(window)[0] == pytest.approx(ttv_painted)


def test_erasing_tumour_in_the_liver_restores_parenchyma_by_mouse(qtbot, demo_window) -> None:
    window = demo_window
    view = window.views["axial"]
    labels = window.session.case.labels.array
    view.set_index(int(np.argmax((labels == TUMOUR).sum(axis=(1, 2)))))  # the slice with the most tumour
    start = find_start(view, labels, TUMOUR, brush_margin(window))
    before = labels.copy()
    ttv, liver = burden(window)
    choose_tool(qtbot, window, "erase")
    stroke(qtbot, view, start)
    changed = labels != before
    assert changed.sum() > 50 and (before[changed] == TUMOUR).all()
    assert (labels[changed] == LIVER_PARENCHYMA).all()  # no background hole in the liver
    assert np.count_nonzero(labels == BACKGROUND) == np.count_nonzero(before == BACKGROUND)
    ttv_erased, liver_erased = burden(window)
    assert ttv_erased < ttv and liver_erased == pytest.approx(liver, abs=0.05)
    assert window.session.case.provenance[-1].operation == "erase"  # logged as what the user did, though it wrote parenchyma

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(labels, before) and burden(window)[0] == pytest.approx(ttv)


def test_a_lesion_painted_by_mouse_is_deleted_by_a_click(qtbot, demo_window, wait_ready) -> None:
    window = demo_window
    view = window.views["axial"]
    labels = window.session.case.labels.array
    lesions = window.session.measurements.lesion_count
    ttv, _ = burden(window)
    before, changed = paint_in_parenchyma(qtbot, window)
    wait_ready(window)
    assert window.session.measurements.lesion_count == lesions + 1  # a new lesion inside the liver
    choose_tool(qtbot, window, "delete_lesion")
    z, y, x = np.argwhere(changed)[len(np.argwhere(changed)) // 2]
    assert view.index == z
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.widget_point_of((z, y, x)).toPoint())
    assert np.array_equal(labels, before)  # the painted lesion went back to parenchyma
    assert burden(window)[0] == pytest.approx(ttv)
    wait_ready(window)
    assert window.session.measurements.lesion_count == lesions


def test_paint_over_background_only_from_the_dock_leaves_parenchyma(qtbot, demo_window) -> None:
    window = demo_window
    box = window.edit_dock.paint_over_box
    box.setCurrentIndex(box.findText("Background only"))
    assert window.edit_dock.settings.paint_over == "background"
    before, changed = paint_in_parenchyma(qtbot, window)
    assert not changed.any()
    box.setCurrentIndex(box.findText("Everything"))
    assert window.session.tool.paint_over == "everything"


def test_the_3d_model_after_strokes_and_undo_equals_a_fresh_one(qtbot, demo_window, wait_ready) -> None:
    """The viewer meshes only what its strokes' boxes hold: after a stroke, an undo and a stroke (no waiting in between),
    the model shows the labels as they are, part for part the same as a model built from scratch."""
    from cned_viewer.core.labels import LabelMap
    from cned_viewer.mesh.case_meshes import build_case_meshes

    window = demo_window
    paint_in_parenchyma(qtbot, window)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    paint_in_parenchyma(qtbot, window)
    wait_ready(window)
    labels = window.session.case.labels
    assert np.array_equal(window.model.meshes.labels, labels.array)
    fresh = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry, labels.table), window.session.measurements.lesions)
    for key, surface in fresh.surfaces.items():
        shown = window.model.meshes.surfaces[key]
        assert (shown.GetNumberOfPoints(), shown.GetNumberOfCells()) == (surface.GetNumberOfPoints(), surface.GetNumberOfCells()), key
    assert set(window.model.meshes.surfaces) == set(fresh.surfaces)
