"""Follow-up in the window, through the user's inputs: File > Open follow-up scan (its two file dialogs), the
Follow-up tab's pairs, response and chart, the side-by-side layout and a click in the follow-up view that
moves the baseline's crosshair through the registration.

The follow-up is the demo case shifted by whole voxels (a known motion): every lesion persists, and a
voxel of the follow-up maps to the baseline voxel shifted back.
"""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog
from scipy import ndimage

from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR

SHIFT_ZYX = (3, 6, -4)


@pytest.fixture(scope="module")
def shifted_demo(tmp_path_factory, demo_files):
    """The demo image and labels moved by SHIFT_ZYX voxels (the origin says where: same anatomy, other voxels)."""
    folder = tmp_path_factory.mktemp("followup")
    written = []
    for path, name in zip(demo_files, ("image.nii.gz", "labels.nii.gz")):
        image = sitk.ReadImage(str(path))
        array = np.roll(sitk.GetArrayFromImage(image), SHIFT_ZYX, axis=(0, 1, 2))
        moved = sitk.GetImageFromArray(array)
        moved.CopyInformation(image)
        spacing = np.asarray(image.GetSpacing())
        moved.SetOrigin(tuple(np.asarray(image.GetOrigin()) - spacing * np.asarray(SHIFT_ZYX[::-1])))
        sitk.WriteImage(moved, str(folder / name))
        written.append(str(folder / name))
    return written


def test_open_followup_shows_pairs_response_chart_and_linked_views(qtbot, demo_window, wait_ready, shifted_demo, monkeypatch,
                                                                   no_message_boxes) -> None:
    window = demo_window
    answers = iter([(shifted_demo[0], ""), (shifted_demo[1], "")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: next(answers))
    window.actions["open-followup"].trigger()
    assert window.side_tabs.currentWidget() is window.followup_panel
    followups = window.session.followups
    qtbot.waitUntil(lambda: followups.comparison is not None, timeout=120_000)
    panel = window.followup_panel
    qtbot.waitUntil(lambda: panel.pairs.rowCount() == len(window.session.measurements.lesions), timeout=10_000)
    statuses = {panel.pairs.item(r, 2).text() for r in range(panel.pairs.rowCount())}
    assert statuses == {"persisting"} and "RECIST 1.1 response" in panel.figures.text() and not panel.warning.text()
    assert "liver Dice" in panel.point_list.item(0).text() and len(panel.chart.curve) == 2
    assert panel.chart.curve[0][1] == pytest.approx(panel.chart.curve[1][1], rel=1e-6)  # same TTV at both time points

    for typed in ("1, x", "99"):  # not numbers; not a baseline lesion: one line each, the targets stay automatic
        panel.targets_edit.setText(typed)
        qtbot.keyClick(panel.targets_edit, Qt.Key.Key_Return)
    assert len(no_message_boxes) == 2 and all("RECIST targets" in text for text in no_message_boxes)
    assert followups.targets is None
    panel.targets_edit.setText("2;1")
    qtbot.keyClick(panel.targets_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.targets_edit.text() == "2, 1", timeout=30_000)  # the choice, as the session holds it
    assert followups.targets == (2, 1) and followups.comparison.target_ids == (1, 2)
    panel.targets_edit.clear()
    qtbot.keyClick(panel.targets_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: followups.targets is None, timeout=30_000)

    fu_axial = window.followup_views.views["axial"]
    assert fu_axial.isVisible() and window.view3d.isVisible() and not window.views["sagittal"].isVisible()
    assert window.panels.grid.getItemPosition(window.panels.grid.indexOf(fu_axial))[:2] == (0, 1)
    colours = window.view3d.scene.lesion_colours
    assert colours == {lesion.id: (245, 160, 40) for lesion in window.session.measurements.lesions}  # all persisting: orange
    rect = fu_axial.image_rect()
    click = QPoint(int(rect.center().x()), int(rect.center().y()))
    voxel = fu_axial.voxel_at(click.x(), click.y())
    qtbot.mouseClick(fu_axial, Qt.MouseButton.LeftButton, pos=click)
    expected = tuple(v - s for v, s in zip(voxel, SHIFT_ZYX))
    assert all(abs(a - b) <= 1 for a, b in zip(window.views["axial"].crosshair, expected))

    base_axial = window.views["axial"]
    base_axial.setFocus()
    qtbot.keyClick(base_axial, Qt.Key.Key_Up)  # the next baseline slice: the follow-up follows through the registration
    assert fu_axial.index == base_axial.index + SHIFT_ZYX[0]
    qtbot.keyClick(fu_axial, Qt.Key.Key_Down)
    assert base_axial.index == fu_axial.index - SHIFT_ZYX[0]

    column = window.lesion_table.columnCount() - 1
    assert window.lesion_table.horizontalHeaderItem(column).text() == "Follow-up: image"  # the scan it shows
    assert {window.lesion_table.item(r, column).text() for r in range(window.lesion_table.rowCount())} == {"persisting, +0 %"}
    window.side_tabs.setCurrentWidget(window.lesion_table)
    assert window.views["sagittal"].isVisible() and not fu_axial.isVisible() and window.view3d.scene.lesion_colours is None
    window.side_tabs.setCurrentWidget(window.followup_panel)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert followups.names == [] and not fu_axial.isVisible() and window.views["sagittal"].isVisible()
    qtbot.waitUntil(lambda: window.lesion_table.horizontalHeaderItem(column).text() == "Follow-up")


def test_a_poor_registration_is_shown_in_red_in_the_tab_and_the_list(qtbot, demo_window, wait_ready, shifted_demo, monkeypatch,
                                                                   no_message_boxes) -> None:
    """A registration whose livers do not line up (forced: Dice 0.62, 9 mm) puts every pair in doubt: the tab says so."""
    from cned_viewer.followup import PhysicalMap
    from cned_viewer.registration import Quality, Registration
    from cned_viewer.session import followups as followups_module

    poor = Registration(PhysicalMap(np.eye(3), np.zeros(3)), "affine", Quality(0.62, 9.0))  # the right map, poor figures
    monkeypatch.setattr(followups_module, "register_followup", lambda *args: poor)
    answers = iter([(shifted_demo[0], ""), (shifted_demo[1], "")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: next(answers))
    window = demo_window
    window.actions["open-followup"].trigger()
    panel = window.followup_panel
    qtbot.waitUntil(lambda: panel.pairs.rowCount() > 0, timeout=120_000)
    assert panel.warning.isVisible() and panel.warning.text() == poor.warning
    assert "liver Dice 0.620 (needs >= 0.8)" in panel.warning.text() and "9.0 mm (needs <= 5 mm)" in panel.warning.text()
    assert "poor registration" in panel.point_list.item(0).text() and no_message_boxes == []


@pytest.fixture(scope="module")
def erased_demo(shifted_demo, tmp_path_factory):
    """The shifted demo with its largest lesion painted over as liver: at this scan one baseline lesion has gone."""
    folder = tmp_path_factory.mktemp("erased")
    labels = sitk.ReadImage(shifted_demo[1])
    array = sitk.GetArrayFromImage(labels)
    components, count = ndimage.label(array == TUMOUR)
    largest = 1 + int(np.argmax(ndimage.sum_labels(np.ones_like(array), components, range(1, count + 1))))
    array[components == largest] = LIVER_PARENCHYMA
    erased = sitk.GetImageFromArray(array)
    erased.CopyInformation(labels)
    sitk.WriteImage(erased, str(folder / "labels.nii.gz"))
    (folder / "erased.nii.gz").symlink_to(shifted_demo[0])
    return [str(folder / "erased.nii.gz"), str(folder / "labels.nii.gz")]


def test_choosing_a_follow_up_in_the_list_shows_its_pairs_table_column_and_3d_colours(qtbot, demo_window, shifted_demo, erased_demo,
                                                                                        monkeypatch, no_message_boxes) -> None:
    window, panel = demo_window, demo_window.followup_panel
    followups = window.session.followups
    answers = iter([(shifted_demo[0], ""), (shifted_demo[1], ""), (erased_demo[0], ""), (erased_demo[1], "")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: next(answers))
    window.actions["open-followup"].trigger()
    qtbot.waitUntil(lambda: followups.comparison is not None, timeout=120_000)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: followups.comparison is not None and len(followups.comparison.followups) == 2, timeout=120_000)
    assert followups.names == ["image", "erased"] and panel.current_name() == "erased"  # the scan just opened is shown

    def shown() -> tuple[list[str], set[str], dict]:
        column = window.lesion_table.columnCount() - 1
        statuses = [panel.pairs.item(r, 2).text() for r in range(panel.pairs.rowCount())]
        table = {window.lesion_table.item(r, column).text().split(",")[0] for r in range(window.lesion_table.rowCount())}
        heading = window.lesion_table.horizontalHeaderItem(column).text()
        assert heading == f"Follow-up: {panel.current_name()}"
        return statuses, table, window.view3d.scene.lesion_colours

    statuses, table, colours = shown()
    gone = [lesion_id for lesion_id, rgb in colours.items() if rgb == (50, 200, 90)]
    assert statuses.count("disappeared") == 1 and table == {"persisting", "disappeared"} and len(gone) == 1
    assert window.followup_views.views["axial"].title == "erased: "
    qtbot.mouseClick(panel.point_list.viewport(), Qt.MouseButton.LeftButton, pos=panel.point_list.visualItemRect(panel.point_list.item(0)).center())
    statuses, table, colours = shown()
    assert set(statuses) == {"persisting"} and table == {"persisting"} and gone[0] in colours and colours[gone[0]] == (245, 160, 40)
    assert window.followup_views.views["axial"].title == "image: " and no_message_boxes == []
