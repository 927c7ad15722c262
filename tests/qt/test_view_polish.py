"""The user's view, driven by real input events: cursor readout, window combo, orientation, case tab, lesion table."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from cned_viewer.core.geometry import Geometry
from cned_viewer.render.slice_compositor import WINDOW_PRESETS
from cned_viewer.render.slice_geometry import orientation_letters, slice_position_text
from cned_viewer.ui.case_info import CaseInfo
from cned_viewer.ui.display_toolbar import DisplayToolbar
from cned_viewer.ui.slice_view import SliceView


@pytest.fixture
def axial(qtbot, demo_case) -> SliceView:
    view = SliceView("axial")
    qtbot.addWidget(view)
    view.resize(500, 420)
    view.set_case(demo_case)
    view.show()
    qtbot.waitExposed(view)
    return view


def _move(view: SliceView, point: QPointF) -> None:
    QApplication.sendEvent(view, QMouseEvent(QMouseEvent.Type.MouseMove, point, view.mapToGlobal(point), Qt.MouseButton.NoButton,
                                             Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def _wheel(view: SliceView, point: QPointF, notches: int) -> None:
    QApplication.sendEvent(view, QWheelEvent(point, view.mapToGlobal(point), QPoint(0, 0), QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                                             Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))


def _drag(qtbot, view: SliceView, start: QPoint, end: QPoint, button: Qt.MouseButton) -> None:
    qtbot.mousePress(view, button, pos=start)
    QApplication.sendEvent(view, QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(end), view.mapToGlobal(QPointF(end)), Qt.MouseButton.NoButton,
                                             button, Qt.KeyboardModifier.NoModifier))
    qtbot.mouseRelease(view, button, pos=end)


def test_wheel_under_a_still_mouse_updates_the_readout(axial, demo_case):
    shown: list[str] = []
    axial.cursor_text.connect(shown.append)
    point = QPointF(250, 210)
    _move(axial, point)
    voxel = axial.voxel_at(point.x(), point.y())
    assert shown and f"z {demo_case.image.geometry.index_to_patient_mm(voxel)[2]:.1f}" in shown[-1]
    _wheel(axial, point, 3)
    assert axial.index == voxel[0] + 3
    z_mm = demo_case.image.geometry.index_to_patient_mm((voxel[0] + 3, voxel[1], voxel[2]))[2]
    assert f"z {z_mm:.1f} mm" in shown[-1], shown[-1]
    value = demo_case.image.array[voxel[0] + 3, voxel[1], voxel[2]]
    assert f"{float(value):.0f} HU" in shown[-1]


def test_key_slice_change_updates_the_readout_too(qtbot, axial):
    shown: list[str] = []
    axial.cursor_text.connect(shown.append)
    _move(axial, QPointF(250, 210))
    before = shown[-1]
    axial.setFocus()
    qtbot.keyClick(axial, Qt.Key.Key_Down)
    assert shown[-1] != before and shown[-1].split("|")[0] != before.split("|")[0]


def test_right_drag_shows_custom_window_in_the_combo(qtbot, axial):
    toolbar = DisplayToolbar()
    qtbot.addWidget(toolbar)
    chosen: list[tuple[float, float]] = []
    toolbar.window_chosen.connect(lambda w, l: chosen.append((w, l)))
    axial.window_dragged.connect(toolbar.show_window)  # main_window's wiring
    assert toolbar.preset_box.currentText() == "abdomen"
    _drag(qtbot, axial, QPoint(200, 200), QPoint(250, 230), Qt.MouseButton.RightButton)
    width, level = axial.window
    assert (width, level) != WINDOW_PRESETS["abdomen"]
    assert toolbar.preset_box.currentText() == f"custom (W {width:.0f} / L {level:.0f})"
    assert chosen == []  # showing it does not send it back
    toolbar.show_window(*WINDOW_PRESETS["bone"])
    assert toolbar.preset_box.currentText() == "bone" and chosen == []
    toolbar.preset_box.setCurrentIndex(toolbar.preset_box.findText("custom", Qt.MatchFlag.MatchStartsWith))
    assert chosen == [(width, level)]  # the custom window can be chosen again


def test_orientation_letters_follow_the_image_direction():
    geometry = Geometry.for_array((10, 20, 30), (0.7, 0.7, 2.0), (0.0, 0.0, -50.0))
    assert orientation_letters("axial", geometry) == {"left": "R", "right": "L", "top": "A", "bottom": "P"}
    assert orientation_letters("coronal", geometry) == {"left": "R", "right": "L", "top": "S", "bottom": "I"}
    assert orientation_letters("sagittal", geometry) == {"left": "A", "right": "P", "top": "S", "bottom": "I"}
    flipped = Geometry.for_array((10, 20, 30), (0.7, 0.7, 2.0), direction=(-1, 0, 0, 0, -1, 0, 0, 0, 1))
    assert orientation_letters("axial", flipped) == {"left": "L", "right": "R", "top": "P", "bottom": "A"}
    oblique = Geometry.for_array((10, 20, 30), (1, 1, 1), direction=(0.8, -0.6, 0, 0.6, 0.8, 0, 0, 0, 1))
    assert orientation_letters("axial", oblique)["right"] == "LP"
    assert slice_position_text("axial", 3, geometry) == "z -44.0 mm"
    assert slice_position_text("coronal", 10, geometry) == "y 7.0 mm"


def test_views_show_orientation_and_slice_position(qtbot, axial, demo_case):
    assert axial.orientation() == {"left": "R", "right": "L", "top": "A", "bottom": "P"}
    z_mm = demo_case.image.geometry.index_to_patient_mm((axial.index, 0, 0))[2]
    assert axial.slice_position() == f"z {z_mm:.1f} mm"
    _wheel(axial, QPointF(250, 210), 1)
    assert axial.slice_position() == f"z {z_mm + 2.0:.1f} mm"
    coronal = SliceView("coronal")
    qtbot.addWidget(coronal)
    coronal.set_case(demo_case)
    assert coronal.orientation()["top"] == "S" and coronal.slice_position().startswith("y ")


def test_case_tab_shows_dicom_values_readable(qtbot, demo_case):
    info = CaseInfo()
    qtbot.addWidget(info)
    metadata = dict(demo_case.metadata, PatientName="liver_01^patient", StudyDate="20090527", PatientBirthDate="19500601", PatientSex="F")
    info.show_case(replace(demo_case, metadata=metadata))
    text = info.case_label.text()
    assert "Liver_01, Patient" in text and "2009-05-27" in text and "1950-06-01" in text and "female" in text
    assert "20090527" not in text and "^" not in text


def _lesion(lesion_id: int, volume_ml: float, pv: float | None, pv_contact: bool, hv: float | None, hv_contact: bool):
    from cned_viewer.measure.results import Lesion

    return Lesion(lesion_id, volume_ml, (0.0, 0.0, 0.0), (0, 0, 0, 1, 1, 1), 12.0, 10.0, pv, hv, pv_contact, hv_contact, 0.1, 0.0, (7,))


def test_lesion_table_has_units_and_contact_as_yes_no(qtbot):
    from cned_viewer.ui.lesion_table import LesionTable

    table = LesionTable()
    qtbot.addWidget(table)
    table.resize(900, 200)
    table.set_lesions([_lesion(1, 5.0, 0.6, True, 14.2, False), _lesion(2, 2.0, 8.25, False, None, False)])
    table.show()
    qtbot.waitExposed(table)
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for heading in ("Vol. (mL)", "Feret (mm)", "Axial (mm)", "PV dist. (mm)", "HV dist. (mm)"):
        assert heading in headers
    assert headers.index("PV contact") == headers.index("PV dist. (mm)") + 1
    assert headers.index("HV contact") == headers.index("HV dist. (mm)") + 1

    def row_of(lesion_id: int) -> dict[str, str]:
        row = table.row_of(lesion_id)
        return {h: table.item(row, c).text() for c, h in enumerate(headers)}

    assert row_of(1)["PV dist. (mm)"] == "0.6" and row_of(1)["PV contact"] == "yes"
    assert row_of(1)["HV dist. (mm)"] == "14.2" and row_of(1)["HV contact"] == "no"
    assert row_of(2)["HV dist. (mm)"] == "-" and row_of(2)["HV contact"] == "-"
    header = table.horizontalHeader()
    column = headers.index("PV contact")
    point = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)  # sort by contact
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert table.item(0, column).text() == "yes" and int(table.item(0, 0).text()) == 1


def _table_ids(table) -> set[int]:
    return {int(table.item(row, 0).text()) for row in range(table.rowCount())}


def _mesh_ids(window) -> set[int]:
    import numpy as np

    return {int(v) for v in np.unique(window.model.meshes.lesion_ids.ids) if v > 0}


def test_lesion_numbers_stay_through_delete_and_undo(qtbot, window, wait_ready):
    window.session.open_demo()
    wait_ready(window)
    before = _table_ids(window.lesion_table)
    assert before == set(range(1, len(before) + 1)) == _mesh_ids(window)
    largest = max(window.session.measurements.lesions, key=lambda l: l.volume_ml)
    assert largest.id == 1
    window.session.delete_lesion(1)
    wait_ready(window)
    qtbot.waitUntil(lambda: window.lesion_table.rowCount() == len(before) - 1, timeout=60_000)
    assert _table_ids(window.lesion_table) == before - {1}  # the others keep their numbers
    assert _mesh_ids(window) == before - {1}  # and the 3D model names them the same way
    window.session.undo()
    wait_ready(window)
    qtbot.waitUntil(lambda: window.lesion_table.rowCount() == len(before), timeout=60_000)
    assert _table_ids(window.lesion_table) == before and _mesh_ids(window) == before
    assert next(l for l in window.session.measurements.lesions if l.id == 1).volume_ml == largest.volume_ml


def test_3d_view_shows_an_orientation_marker_offscreen(qtbot, demo_case):
    import numpy as np

    from cned_viewer.measure import measure
    from cned_viewer.mesh.case_meshes import build_case_meshes
    from cned_viewer.render.scene import BACKGROUND
    from cned_viewer.ui.view3d import View3D

    view = View3D(interactive=False)
    qtbot.addWidget(view)
    view.resize(480, 420)
    view.show()
    view.set_meshes(build_case_meshes(demo_case.labels, measure(demo_case).lesions))
    background = np.array([int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)])
    corners = {}
    for preset, facing in (("anterior", "A"), ("superior", "S"), ("left", "L")):
        view.camera_box.setCurrentText(preset)
        picture = view.picture()
        height, width, _ = picture.shape
        corner = picture[int(height * 0.82):, : int(width * 0.15)].astype(int)
        assert (np.abs(corner - background).sum(axis=2) > 60).mean() > 0.05, f"no marker in the corner ({preset})"
        assert view.marker.facing_letter() == facing
        corners[preset] = corner
    assert not np.array_equal(corners["anterior"], corners["superior"])  # it turns with the camera
    view.set_meshes(None)  # a case without labels: no model, so no directions that the camera does not follow
    picture = view.picture()
    corner = picture[int(picture.shape[0] * 0.82):, : int(picture.shape[1] * 0.15)].astype(int)
    assert (np.abs(corner - background).sum(axis=2) > 60).mean() < 0.01
    view.close_plotter()
