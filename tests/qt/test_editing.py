"""Editing in the slice views: fake mouse strokes paint, erase, undo/redo; live and refreshed measurements."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR
from cned_viewer.editing.tool_settings import ToolSettings
from cned_viewer.measure import measure


def drag(qtbot, view, points: list[QPoint]) -> None:
    """Left press at the first point, moves (button held) through the others, release at the last."""
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(point), QPointF(view.mapToGlobal(point)),
                            Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view, event)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=points[-1])


def activate(qtbot, window) -> None:
    """Make the window active (shortcuts need it; Xvfb has no window manager to do it)."""
    window.raise_()
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def disk_offsets(radius_mm: float, spacing_yx: tuple[float, float]) -> int:
    """Voxel centres within ``radius_mm`` of a centre voxel in one axial plane (computed independently)."""
    count = 0
    reach = [int(radius_mm // s) + 1 for s in spacing_yx]
    for dy in range(-reach[0], reach[0] + 1):
        for dx in range(-reach[1], reach[1] + 1):
            if (dy * spacing_yx[0]) ** 2 + (dx * spacing_yx[1]) ** 2 <= radius_mm ** 2 + 1e-9:
                count += 1
    return count


def background_point(view, labels: np.ndarray, margin_vox: int, value: int = 0) -> tuple[QPoint, tuple[int, int, int]]:
    """A widget point whose voxel is surrounded by ``value`` (background by default; ``margin_vox`` in-plane)."""
    rect = view.image_rect()
    for fy in np.linspace(0.08, 0.92, 15):
        for fx in np.linspace(0.08, 0.92, 15):
            point = QPoint(int(rect.left() + fx * rect.width()), int(rect.top() + fy * rect.height()))
            voxel = view.voxel_at(point.x(), point.y())
            z, y, x = voxel
            patch = labels[z, y - margin_vox:y + margin_vox + 1, x - margin_vox:x + margin_vox + 1]
            if patch.size == (2 * margin_vox + 1) ** 2 and (patch == value).all():
                return point, voxel
    raise AssertionError(f"no area of label {value} in the view")


def test_paint_disk_erase_and_undo_redo_round_trip(qtbot, demo_window) -> None:
    window = demo_window
    view = window.views["axial"]
    labels = window.session.case.labels.array
    spacing = window.session.case.labels.geometry.spacing_zyx_mm
    radius = 4.0
    point, voxel = background_point(view, labels, int(radius / min(spacing[1:])) + 2)
    original = labels.copy()
    window.edit_dock.set_settings(ToolSettings("paint", TUMOUR, radius_mm=radius))
    assert view.mode == "brush"
    centre, radius_px = view.brush_circle() or (None, None)  # no mouse yet: no outline
    assert centre is None

    drag(qtbot, view, [point])
    changed = labels != original
    assert changed.sum() == disk_offsets(radius, spacing[1:])
    assert set(np.unique(labels[changed])) == {TUMOUR}
    assert changed[voxel] and changed.any(axis=(1, 2)).sum() == 1
    painted = labels.copy()

    # the outline has the brush's physical size on screen
    qtbot.mouseMove(view, point)
    centre, radius_px = view.brush_circle()
    rect = view.image_rect()
    pixels_per_mm = rect.width() / (view.case.image.array.shape[2] * spacing[2])
    assert radius_px == pytest.approx(radius * pixels_per_mm)

    window.edit_dock.set_tool("erase")
    drag(qtbot, view, [point])
    assert np.array_equal(labels, original)

    activate(qtbot, window)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the erase
    assert np.array_equal(labels, painted)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the paint
    assert labels.tobytes() == original.tobytes()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert labels.tobytes() == painted.tobytes()
    assert window.undo_action.text() == "&Undo paint"
    assert window.redo_action.text() == "&Redo erase"
    assert window.session.edits.has_unsaved_changes


def test_drag_is_one_step_and_panels_catch_up(qtbot, demo_window, wait_ready) -> None:
    window = demo_window
    view = window.views["axial"]
    labels = window.session.case.labels.array
    point, _ = background_point(view, labels, 12, LIVER_PARENCHYMA)  # a new metastasis in the liver (outside it is no lesion)
    window.edit_dock.set_settings(ToolSettings("paint", TUMOUR, radius_mm=3.0))
    lesions_before = window.lesion_table.rowCount()
    drag(qtbot, view, [point, point + QPoint(6, 0), point + QPoint(12, 3), point + QPoint(16, 8)])
    assert window.lesion_table.rowCount() == lesions_before  # not refreshed yet...
    assert not window.lesion_table.isEnabled() and "updating" in window.stale_label.text()  # ...and says so
    assert "Updating after the edit" in window.score_panel.details_text()  # the score card too
    wait_ready(window)
    assert "Updating after the edit" not in window.score_panel.details_text()
    expected = measure(window.session.case)
    assert window.session.measurements.lesion_count == expected.lesion_count == lesions_before + 1
    assert window.lesion_table.rowCount() == expected.lesion_count and window.lesion_table.isEnabled()
    assert window.session.measurements.ttv_ml == pytest.approx(expected.ttv_ml)
    assert not window.stale_label.isVisible()
    assert window.session.case.provenance[-1].operation == "paint"
    window.session.undo()
    assert window.session.edit_session.history.next_undo is None  # the whole drag was one step
    wait_ready(window)
    assert window.lesion_table.rowCount() == lesions_before


def test_lesion_menu_delete_and_fill_holes(qtbot, demo_window, wait_ready) -> None:
    window = demo_window
    lesions = window.session.measurements.lesions
    smallest = min(lesions, key=lambda l: l.volume_ml)
    window.session.delete_lesion(smallest.id)
    wait_ready(window)
    assert window.session.measurements.lesion_count == len(lesions) - 1
    assert window.session.case.provenance[-1].operation == "delete_lesion"
    window.session.undo()
    wait_ready(window)
    assert window.session.measurements.lesion_count == len(lesions)
    labels = window.session.case.labels.array
    z, y, x = window.session.lesion_voxel(smallest.id)
    labels_before = labels.copy()
    window.edit_dock.set_settings(ToolSettings("navigate", LIVER_PARENCHYMA))
    window.session.fill_holes()
    assert np.array_equal(labels, labels_before) or window.session.case.provenance[-1].operation == "fill_holes"


def _without_timings(measurements) -> dict:
    data = measurements.to_json()
    data.pop("timings_ms")
    for lesion in data["lesions"]:  # after edits lesions keep their numbers, not a fresh measurement's 1..n
        lesion.pop("id")
    return data


@pytest.mark.data
def test_ircad_stroke_updates_tlvr_live_and_ends_equal_to_a_full_measure(qtbot, window, shared_data, wait_ready) -> None:
    case_dir = shared_data / "ircadb01_p1"
    window.session.open_path(str(case_dir / "ct_dicom"), str(case_dir / "labels.nrrd"), "app")
    wait_ready(window, 300_000)
    assert window.session.edits.ready
    largest = max(window.session.measurements.lesions, key=lambda l: l.volume_ml)
    window.panels.select_lesion(largest.id)  # the axial view goes through the liver
    view = window.views["axial"]
    labels = window.session.case.labels.array
    rect = view.image_rect()
    start = None
    for fy in np.linspace(0.2, 0.8, 25):
        for fx in np.linspace(0.1, 0.6, 25):
            point = QPoint(int(rect.left() + fx * rect.width()), int(rect.top() + fy * rect.height()))
            z, y, x = view.voxel_at(point.x(), point.y())
            if (labels[z, y - 20:y + 21, x - 20:x + 21] == LIVER_PARENCHYMA).all():
                start = point
                break
        if start is not None:
            break
    assert start is not None, "no parenchyma in the axial view"
    # a brush large enough that each move adds more tumour than the panel's 3 significant digits hide
    window.edit_dock.set_settings(ToolSettings("paint", TUMOUR, radius_mm=8.0, paint_over="everything"))
    tlvrs, texts = [window.session.measurements.tlvr], [window.score_panel.details_text()]
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    tlvrs.append(window.session.measurements.tlvr)
    for step in range(1, 6):
        point = start + QPoint(0, 8 * step)
        event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(point), QPointF(view.mapToGlobal(point)),
                            Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view, event)
        tlvrs.append(window.session.measurements.tlvr)
        texts.append(window.score_panel.details_text())
        assert window.session.measurements.lesions_stale
    assert all(b > a for a, b in zip(tlvrs, tlvrs[1:])), tlvrs  # every move: more tumour, same liver
    assert len(set(texts)) == len(texts), "the score panel did not follow the stroke"
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 40))
    wait_ready(window, 120_000)
    assert not window.session.measurements.lesions_stale
    assert _without_timings(window.session.measurements) == _without_timings(measure(window.session.case))


def test_edit_dock_starts_with_the_default_tool_settings(qtbot):
    """The widgets show, and the dock reports, the defaults (not the spin boxes' minima)."""
    from cned_viewer.editing.tool_settings import ToolSettings
    from cned_viewer.ui.edit_toolbar import EditDock

    dock = EditDock()
    qtbot.addWidget(dock)
    defaults = ToolSettings()
    assert dock.settings.radius_mm == defaults.radius_mm == dock.radius_spin.value()
    assert dock.settings.intensity_hu == defaults.intensity_hu
