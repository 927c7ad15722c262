"""The main window on the demo case (no X needed): lesions, navigation, clinical form, scores, bundles."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.scores import build_inputs, evaluate_all


def _cned(results):
    return next(r for r in results if r.score_id == "cned")


def test_demo_case_fills_every_panel(demo_window) -> None:
    from cned_viewer.measure import measure

    expected = measure(demo_window.session.case)
    assert demo_window.lesion_table.rowCount() == expected.lesion_count
    assert demo_window.case_info.volumes_table.rowCount() == 4
    assert "C-NED" in demo_window.score_panel.cned_total.text()
    from cned_viewer.core.formatting import format_value

    assert f"TLVR: {format_value(expected.tlvr, (0.23,))}" in demo_window.score_panel.details_text()
    assert demo_window.view3d.picture().std() > 5, "3D picture is blank"


def test_selecting_a_row_moves_the_slices_to_the_lesion(qtbot, demo_window) -> None:
    table = demo_window.lesion_table
    table.sortItems(1, Qt.SortOrder.AscendingOrder)  # smallest first: the row order no longer equals the ids
    table.selectRow(0)
    lesion_id = table.selected_lesion()
    lesion = next(l for l in demo_window.session.measurements.lesions if l.id == lesion_id)
    assert lesion.volume_ml == min(l.volume_ml for l in demo_window.session.measurements.lesions)
    index = np.rint(demo_window.session.case.image.geometry.patient_to_index(lesion.centroid_mm)).astype(int)
    assert demo_window.views["axial"].index == index[0]
    assert demo_window.views["coronal"].index == index[1]
    assert demo_window.views["sagittal"].index == index[2]
    assert demo_window.view3d.scene.selected_lesion == lesion_id


def test_typed_differentiation_gives_the_engine_total(qtbot, demo_window) -> None:
    form = demo_window.clinical_form
    for value in ("poor", "well"):
        box = form.inputs["differentiation"]
        with qtbot.waitSignal(demo_window.scores_ready):
            box.setCurrentIndex(box.findData(value))
        expected = _cned(evaluate_all(build_inputs(ClinicalData(differentiation=value), demo_window.session.measurements.to_json())))
        assert expected.total is not None
        assert demo_window.score_panel.cned_total.text().startswith(f"C-NED {expected.total_text()}")
        assert _cned(demo_window.session.scores).total == expected.total
    assert "[typed]" in demo_window.score_panel.details_text()


def test_override_is_used_and_shown(qtbot, demo_window) -> None:
    edit = demo_window.clinical_form.override_edits["lesion_count"]
    edit.setText("3")
    with qtbot.waitSignal(demo_window.scores_ready):
        edit.editingFinished.emit()
    assert demo_window.session.case.clinical.overrides["lesion_count"].value == 3
    assert "OVERRIDE" in demo_window.score_panel.details_text()
    assert "OVERRIDDEN" in demo_window.clinical_form.measured_labels["lesion_count"].text()
    item = next(i for i in _cned(demo_window.session.scores).items if i.key == "lesion_count")
    assert item.points == 0 and item.origin == "override"


def test_invalid_entry_is_kept_and_explained(qtbot, demo_window) -> None:
    edit = demo_window.clinical_form.inputs["cea_ng_ml"]
    edit.setText("12,5")
    edit.editingFinished.emit()
    assert demo_window.session.case.clinical.cea_ng_ml == 12.5
    edit.setText("lots")
    edit.editingFinished.emit()
    assert edit.text() == "lots" and "CEA" in demo_window.clinical_form.message.text()
    assert demo_window.session.case.clinical.cea_ng_ml == 12.5  # the last valid value stays in force


def test_click_sets_the_crosshair_in_every_view(qtbot, demo_window) -> None:
    axial = demo_window.views["axial"]
    rect = axial.image_rect()
    point = QPoint(int(rect.left() + rect.width() * 0.3), int(rect.top() + rect.height() * 0.6))
    qtbot.mouseClick(axial, Qt.MouseButton.LeftButton, pos=point)
    voxel = axial.voxel_at(point.x(), point.y())
    assert demo_window.views["coronal"].index == voxel[1]
    assert demo_window.views["sagittal"].index == voxel[2]
    assert demo_window.views["coronal"].crosshair == voxel


def test_cursor_readout_names_position_hu_and_label(qtbot, demo_window) -> None:
    axial = demo_window.views["axial"]
    lesion = demo_window.session.measurements.lesions[0]
    voxel = tuple(int(v) for v in np.rint(demo_window.session.case.image.geometry.patient_to_index(lesion.centroid_mm)))
    demo_window.panels.set_point(voxel)
    point = axial.widget_point_of(voxel).toPoint()
    with qtbot.waitSignal(axial.cursor_text) as shown:
        qtbot.mouseMove(axial, point)
    assert "HU" in shown.args[0] and "Tumour" in shown.args[0] and " mm" in shown.args[0]


def test_wheel_moves_one_slice_and_right_drag_sets_the_window(qtbot, demo_window) -> None:
    from PySide6.QtGui import QWheelEvent

    axial = demo_window.views["axial"]
    start = axial.index
    centre = QPointF(axial.width() / 2, axial.height() / 2)
    event = QWheelEvent(centre, axial.mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    axial.wheelEvent(event)
    assert axial.index == start + 1
    qtbot.mousePress(axial, Qt.MouseButton.RightButton, pos=centre.toPoint())
    qtbot.mouseMove(axial, centre.toPoint() + QPoint(30, 10))
    qtbot.mouseRelease(axial, Qt.MouseButton.RightButton, pos=centre.toPoint() + QPoint(30, 10))
    width, level = axial.window
    assert width > 400 and level > 50
    assert demo_window.views["coronal"].window == axial.window


def test_bundle_round_trip_through_the_window(qtbot, demo_window, tmp_path, wait_ready) -> None:
    demo_window.clinical_form.inputs["differentiation"].setCurrentIndex(
        demo_window.clinical_form.inputs["differentiation"].findData("poor"))
    demo_window.lesion_table.select_lesion(2)
    demo_window.view3d.set_visible("liver", False)
    with qtbot.waitSignal(demo_window.session.files.saver.finished, timeout=60_000):
        demo_window.session.files.save_to(tmp_path / "demo.cned")
    demo_window.session.open_bundle(str(tmp_path / "demo.cned"))
    wait_ready(demo_window)
    assert demo_window.session.case.clinical.differentiation == "poor"
    assert demo_window.clinical_form.inputs["differentiation"].currentData() == "poor"
    assert demo_window.lesion_table.selected_lesion() == 2
    assert not demo_window.view3d.scene.states["liver"].visible
    assert demo_window.recent.entries()[0].bundle


def test_broken_input_shows_a_message_and_keeps_the_case(qtbot, demo_window, no_message_boxes, tmp_path) -> None:
    case = demo_window.session.case
    broken = tmp_path / "broken.nii.gz"
    broken.write_bytes(b"not an image")
    with qtbot.waitSignal(demo_window.session.loader.failed):
        demo_window.session.open_path(str(broken))
    assert no_message_boxes and "broken.nii.gz" in no_message_boxes[-1]
    assert demo_window.session.case is case and demo_window.lesion_table.rowCount() > 0


def test_drop_image_and_labels_and_recent_list(window, demo_files, wait_ready) -> None:
    image, labels = demo_files
    window.session.open_dropped([str(image), str(labels)])
    wait_ready(window)
    assert window.session.case.labels is not None and window.lesion_table.rowCount() > 0
    entry = window.recent.entries()[0]
    assert entry.image == str(image.resolve()) and entry.labels == str(labels.resolve())


def test_series_dialog_lists_every_series(qtbot, dicom_series, tmp_path) -> None:
    from cned_viewer.io.dicom_series import scan_dicom_folder
    from cned_viewer.ui.series_dialog import SeriesDialog

    folder = tmp_path / "two"
    dicom_series([0, 1, 2], folder=folder, description="short", names=[f"S{k}" for k in range(3)])
    dicom_series([0, 1, 2, 3, 4], folder=folder, description="long", names=[f"L{k}" for k in range(5)])
    scan = scan_dicom_folder(folder)
    dialog = SeriesDialog(scan)
    qtbot.addWidget(dialog)
    texts = {dialog.table.item(r, 2).text(): dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())}
    assert texts == {"short": "3", "long": "5"}
    assert dialog.chosen_uid() == scan.default_series().uid


def test_cancel_drops_the_running_load(qtbot, window) -> None:
    window.session.open_demo()
    assert window.busy and window.status_area.cancel_button.isVisible()
    window.status_area.cancel_button.click()
    assert not window.busy and not window.progress.isVisible()
    with qtbot.assertNotEmitted(window.session.loader.finished, wait=3000):
        pass  # the worker finishes, its result is dropped
    assert window.session.case is None


def test_form_is_generated_from_the_field_table(window) -> None:
    from cned_viewer.core.clinical import CLINICAL_FIELDS, IMAGE_FIELDS

    form = window.clinical_form
    assert set(form.inputs) == {s.name for s in CLINICAL_FIELDS}
    assert set(form.override_edits) == {s.name for s in IMAGE_FIELDS}
    differentiation = form.inputs["differentiation"]
    assert differentiation.itemText(0) == "unknown"
    assert [differentiation.itemData(i) for i in range(1, differentiation.count())] == ["well", "moderate", "poor"]


def test_screenshot_command_renders_the_main_window(qapp, tmp_path) -> None:
    import gc

    from cned_viewer.cli import main

    out = tmp_path / "main.png"
    assert main(["screenshot", "demo", "-o", str(out), "--size", "1100x700"]) == 0
    gc.collect()
    from PySide6.QtGui import QImage

    picture = QImage(str(out))
    assert (picture.width(), picture.height()) == (1100, 700)
    assert gc.isenabled()


def test_label_changes_update_lesions_scores_and_3d(qtbot, demo_window, wait_ready) -> None:
    from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR

    smallest = min(demo_window.session.measurements.lesions, key=lambda l: l.volume_ml)
    count = demo_window.session.measurements.lesion_count
    z0, y0, x0, z1, y1, x1 = smallest.bbox
    box = demo_window.session.case.labels.array[z0:z1 + 1, y0:y1 + 1, x0:x1 + 1]
    box[box == TUMOUR] = LIVER_PARENCHYMA  # erase the smallest lesion, as an editor would
    demo_window.session.refresh_labels()
    wait_ready(demo_window)
    assert demo_window.lesion_table.rowCount() == count - 1
    item = next(i for r in demo_window.session.scores if r.score_id == "cned" for i in r.items if i.key == "lesion_count")
    assert item.inputs[0].value == count - 1
    tumour_cells = demo_window.model.meshes.surfaces["tumour"].GetNumberOfCells()
    assert tumour_cells > 0 and demo_window.view3d.scene.meshes["tumour"].n_cells == tumour_cells


def test_segment_map_lists_segments_per_lesion(qtbot, demo_window, demo_segments, wait_ready, no_message_boxes) -> None:
    """File > Open Couinaud segment map: the lesion table shows the segments each lesion touches."""
    from cned_viewer.measure import measure

    demo_window.session.open_segments(str(demo_segments))
    wait_ready(demo_window)
    assert not no_message_boxes
    assert demo_window.session.case.segments is not None and demo_window.session.case.metadata["segments_source"] == str(demo_segments)
    expected = {lesion.id: ", ".join(map(str, lesion.segments)) for lesion in measure(demo_window.session.case).lesions}
    column = list(demo_window.lesion_table.horizontalHeaderItem(c).text() for c in range(demo_window.lesion_table.columnCount())).index("Segm.")
    shown = {}
    for row in range(demo_window.lesion_table.rowCount()):
        shown[int(demo_window.lesion_table.item(row, 0).text())] = demo_window.lesion_table.item(row, column).text()
    assert shown == expected and {s for text in shown.values() for s in text.split(", ")} == {"2", "7"}


def test_segment_map_waits_for_unsaved_edits(qtbot, demo_window, demo_segments, no_message_boxes) -> None:
    demo_window.session.delete_lesion(11)
    qtbot.waitUntil(lambda: demo_window.session.edits.has_unsaved_changes, timeout=30_000)
    case = demo_window.session.case
    demo_window.session.open_segments(str(demo_segments))
    assert no_message_boxes and "unsaved edits" in no_message_boxes[-1]
    assert demo_window.session.case is case and case.segments is None


def test_measurement_settings_change_the_lesions_and_are_remembered(qtbot, demo_window, wait_ready) -> None:
    from cned_viewer.measure import MeasureOptions, measure
    from cned_viewer.ui.measure_settings import MeasureSettingsDialog, load_measure_options

    window = demo_window
    before = window.session.measurements.lesion_count
    smallest = min(lesion.volume_ml for lesion in window.session.measurements.lesions)
    dialog = MeasureSettingsDialog(window.session.options)
    dialog.min_volume_box.setValue(round(smallest * 1.5, 3))
    dialog.auto_contact_box.setChecked(False)
    dialog.contact_box.setValue(10.0)
    chosen = dialog.options()
    assert chosen == MeasureOptions(min_lesion_volume_ml=round(smallest * 1.5, 3), contact_threshold_mm=10.0)
    window.set_measure_options(chosen)  # what OK in the dialog does
    wait_ready(window)
    expected = measure(window.session.case, chosen)
    assert window.session.measurements.lesion_count == expected.lesion_count == before - 1
    assert window.lesion_table.rowCount() == expected.lesion_count
    assert window.session.measurements.to_json()["options"]["contact_threshold_mm"] == 10.0
    assert load_measure_options() == chosen  # kept for the next session
    dialog.show_options(MeasureOptions())  # Restore defaults
    assert dialog.options() == MeasureOptions() and not dialog.contact_box.isEnabled()


def test_drop_image_labels_and_segment_map_in_any_order(window, demo_files, demo_segments, wait_ready) -> None:
    image, labels = demo_files
    window.session.open_dropped([str(demo_segments), str(labels), str(image)])
    wait_ready(window)
    assert window.session.case.labels is not None and window.session.case.segments is not None
    assert window.session.case.metadata["source"] == str(image) and window.session.measurements.bilobar is True


def test_drop_a_segment_map_on_the_open_case(demo_window, demo_segments, wait_ready) -> None:
    demo_window.session.open_dropped([str(demo_segments)])
    wait_ready(demo_window)
    assert demo_window.session.case.segments is not None and demo_window.session.measurements.segments_involved == (2, 7)
