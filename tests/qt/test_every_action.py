"""Every menu action, reached the way a user reaches it: its shortcut key on the shown window, and its menu entry.

Each action has a visible effect checked here (a tool chosen, a window preset, a camera, a
dialog opened); the table of actions is the one the menus are built from, so an action added
without a check here fails :func:`test_every_action_has_a_check`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from cned_viewer.render.slice_compositor import WINDOW_PRESETS
from cned_viewer.ui.actions import Action, check_shortcuts, controls_text, main_window_actions


@pytest.fixture
def dialogs(monkeypatch) -> list[str]:
    """Every dialog an action opens is recorded (and answered "cancel") instead of blocking the test."""
    from cned_viewer.ui.measure_settings import MeasureSettingsDialog
    from cned_viewer.ui.plugin_dialog import PluginDialog
    from cned_viewer.ui.report_dialog import ReportDialog

    opened: list[str] = []

    def record(name: str, answer: object) -> Callable[..., object]:
        return lambda *a, **k: opened.append(name) or answer

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", record("folder", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", record("open file", ("", "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", record("save file", ("", "")))
    monkeypatch.setattr(QInputDialog, "getDouble", record("number", (0.0, False)))
    monkeypatch.setattr(QMessageBox, "information", record("information", None))
    monkeypatch.setattr(QMessageBox, "about", record("about", None))
    for dialog in (ReportDialog, PluginDialog, MeasureSettingsDialog):
        monkeypatch.setattr(dialog, "exec", record(dialog.__name__, 0))
    return opened


@pytest.fixture
def ready_window(qtbot, demo_window, dialogs):
    """The demo window, active (shortcuts only reach the active window)."""
    window = demo_window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window


def _press(qtbot, window, shortcut: str) -> None:
    """Press ``shortcut`` as a user does: the key with its modifiers, on the shown window."""
    combination = QKeySequence(shortcut)[0]
    qtbot.keyClick(window, combination.key(), combination.keyboardModifiers())


def _dialog_opened(name: str) -> Callable:
    def check(window, dialogs: list[str], run: Callable[[], None]) -> None:
        dialogs.clear()
        run()
        assert dialogs == [name]

    return check


def _tool(tool: str) -> Callable:
    def check(window, dialogs, run) -> None:
        window.edit_dock.set_tool("navigate" if tool != "navigate" else "paint")
        run()
        assert window.edit_dock.tool_buttons[tool].isChecked() and window.edit_dock.settings.tool == tool

    return check


def _window_preset(name: str) -> Callable:
    def check(window, dialogs, run) -> None:
        other = next(n for n in WINDOW_PRESETS if n != name)
        window.display_toolbar.preset_box.setCurrentText(other)
        run()
        assert window.display_toolbar.preset_box.currentText() == name
        assert all(view.window == WINDOW_PRESETS[name] for view in window.views.values())

    return check


def _camera(preset: str) -> Callable:
    def check(window, dialogs, run) -> None:
        other = "superior" if preset != "superior" else "anterior"
        window.view3d.set_camera(other)
        run()
        assert window.view3d.scene.camera_preset == preset and window.view3d.camera_box.currentText() == preset

    return check


def _brush(step: int) -> Callable:
    def check(window, dialogs, run) -> None:
        before = window.edit_dock.settings.radius_mm
        run()
        assert np.sign(window.edit_dock.settings.radius_mm - before) == step

    return check


def _outline(window, dialogs, run) -> None:
    before = window.display_toolbar.outline_box.isChecked()
    run()
    assert window.display_toolbar.outline_box.isChecked() != before


def _reset_zoom(window, dialogs, run) -> None:
    for view in window.views.values():
        view.zoom = 3.0
    run()
    assert all(view.zoom == 1.0 for view in window.views.values())


def _undo_redo(window, dialogs, run_undo, run_redo) -> None:
    window.side_tabs.setCurrentWidget(window.lesion_table)  # not planning: Undo acts on the labels
    lesion = window.session.measurements.lesions[0]
    before = window.session.case.labels.array.copy()
    window.session.delete_lesion(lesion.id)
    edited = window.session.case.labels.array.copy()
    assert not np.array_equal(before, edited)
    run_undo()
    assert np.array_equal(window.session.case.labels.array, before)
    run_redo()
    assert np.array_equal(window.session.case.labels.array, edited)


def _fill_holes(window, dialogs, run) -> None:
    window.statusBar().clearMessage()
    steps = len(window.session.edit_session.log)
    run()
    assert len(window.session.edit_session.log) > steps or "No holes" in window.statusBar().currentMessage()


def _shown_dialog(name: str) -> Callable:
    """A dialog opened without blocking (``open()``): exactly one of that name is shown; it is closed again."""

    def check(window, dialogs, run) -> None:
        run()
        shown = [d for d in window.findChildren(QDialog, name) if d.isVisible()]
        assert len(shown) == 1
        shown[0].reject()

    return check


def _new_demo(window, dialogs, run) -> None:
    old = window.session.case
    run()
    assert window.session.loader.busy or window.session.case is not old


def _plan_ready(window, plane: bool = False):
    """The window with an active resection plan (and, with ``plane``, a cutting plane chosen in the Plan tab)."""
    plans = window.session.plans
    if plans.active is None:
        window.plan_panel.new_plan()
    if plane and not plans.active_plan.planes:
        window.plan_panel.add_plane()
    return plans


def _plan_tab(window, dialogs, run) -> None:
    window.side_tabs.setCurrentIndex(0)
    run()
    assert window.side_tabs.currentWidget() is window.plan_panel and window.session.plans.planning


def _plan_new(window, dialogs, run) -> None:
    count = len(window.session.plans.names)
    run()
    assert len(window.session.plans.names) == count + 1 and window.side_tabs.currentWidget() is window.plan_panel


def _plan_add_plane(window, dialogs, run) -> None:
    plans = _plan_ready(window)
    count = len(plans.active_plan.planes)
    run()
    assert len(plans.active_plan.planes) == count + 1 and window.plan_panel.plane_list.count() == count + 1


def _plan_move(step_mm: float) -> Callable:
    def check(window, dialogs, run) -> None:
        plans = _plan_ready(window, plane=True)
        index = window.plan_panel.selected_plane() or 0
        offset = plans.active_plan.planes[index].offset_mm
        run()
        assert plans.active_plan.planes[index].offset_mm == pytest.approx(offset + step_mm)

    return check


def _plan_flip(window, dialogs, run) -> None:
    plans = _plan_ready(window, plane=True)
    index = window.plan_panel.selected_plane() or 0
    normal = plans.active_plan.planes[index].normal_xyz
    run()
    assert plans.active_plan.planes[index].normal_xyz == tuple(-v for v in normal)


def _plan_brush(mode: str) -> Callable:
    def check(window, dialogs, run) -> None:
        plans = _plan_ready(window)
        plans.brush.set_mode("keep" if mode != "keep" else None)
        run()
        assert plans.brush.mode == (None if mode == "off" else mode) and window.plan_panel.brush_buttons[plans.brush.mode].isChecked()
        assert all((view.mode == "brush") == (mode != "off" or window.edit_dock.settings.brushes) for view in window.views.values())

    return check


CHECKS: dict[str, Callable] = {
    "open-followup": _dialog_opened("open file"),
    "open-followup-dicom": _dialog_opened("folder"),
    "plan-tab": _plan_tab,
    "plan-new": _plan_new,
    "plan-add-plane": _plan_add_plane,
    "plan-plane-back": _plan_move(-1.0),
    "plan-plane-forward": _plan_move(1.0),
    "plan-flip": _plan_flip,
    **{f"plan-brush-{mode}": _plan_brush(mode) for mode in ("off", "resect", "keep", "follow")},
    "open-dicom": _dialog_opened("folder"),
    "open-image": _dialog_opened("open file"),
    "open-labels": _dialog_opened("open file"),
    "open-segments": _dialog_opened("open file"),
    "open-bundle": _dialog_opened("folder"),
    "open-cohort": _dialog_opened("open file"),
    "open-pacs": _shown_dialog("PacsQueryDialog"),
    "send-pacs": _shown_dialog("PacsSendDialog"),
    "save-case": _dialog_opened("save file"),
    "save-case-as": _dialog_opened("save file"),
    "save-labels-as": _dialog_opened("save file"),
    "export-report": _dialog_opened("ReportDialog"),
    "remove-islands": _dialog_opened("number"),
    "fill-holes": _fill_holes,
    "plugins": _dialog_opened("PluginDialog"),
    "measure-settings": _dialog_opened("MeasureSettingsDialog"),
    "pacs-settings": _shown_dialog("PacsSettingsDialog"),
    "outline": _outline,
    "reset-zoom": _reset_zoom,
    "help-keys": _dialog_opened("information"),
    "about": _dialog_opened("about"),
    "brush-smaller": _brush(-1),
    "brush-larger": _brush(1),
    **{f"tool-{tool}": _tool(tool) for tool in ("navigate", "paint", "erase", "delete_lesion", "relabel_lesion")},
    **{f"window-{name}": _window_preset(name) for name in WINDOW_PRESETS},
    **{f"camera-{p}": _camera(p) for p in ("anterior", "posterior", "left", "right", "superior")},
}
SPECIAL = {"undo", "redo", "quit", "open-demo", "help-demo"}  # checked by their own tests below
ACTIONS = [entry for entry in main_window_actions() if isinstance(entry, Action)]


def test_every_action_has_a_check() -> None:
    assert {a.id for a in ACTIONS} == set(CHECKS) | SPECIAL


def test_shortcuts_are_unique_and_a_duplicate_is_refused(qapp) -> None:
    check_shortcuts(main_window_actions())
    with pytest.raises(ValueError, match="bound twice"):
        check_shortcuts([*main_window_actions(), Action("dup", "View", "Duplicate", lambda w: None, "Ctrl+O")])


def test_every_shortcut_key_works_on_the_shown_window(qtbot, ready_window, dialogs) -> None:
    window = ready_window
    for action in ACTIONS:
        if action.shortcut and action.id in CHECKS:
            CHECKS[action.id](window, dialogs, lambda: _press(qtbot, window, action.shortcut))
    _undo_redo(window, dialogs, lambda: _press(qtbot, window, "Ctrl+Z"), lambda: _press(qtbot, window, "Ctrl+Shift+Z"))


def test_every_menu_entry_works(ready_window, dialogs) -> None:
    window = ready_window
    for action in ACTIONS:
        if action.id in CHECKS:
            CHECKS[action.id](window, dialogs, window.actions[action.id].trigger)
    _undo_redo(window, dialogs, window.actions["undo"].trigger, window.actions["redo"].trigger)


def test_menus_show_the_shortcuts_and_help_lists_exactly_them(window) -> None:
    for action in ACTIONS:
        qaction = window.actions[action.id]
        assert qaction.text() == action.title or action.id in ("undo", "redo")
        assert (qaction.shortcut().toString() or None) == (QKeySequence(action.shortcut).toString() if action.shortcut else None)
    text = controls_text(window.action_table)
    listed = [line.split(": ")[0] for line in text.split("Keys:\n")[1].splitlines()]
    shown = [window.actions[a.id].shortcut().toString(QKeySequence.SequenceFormat.NativeText) for a in ACTIONS if a.shortcut]
    assert listed == shown and "Ctrl+O" in listed and "B" in listed


def test_demo_key_opens_the_demo_case(qtbot, window, wait_ready) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    _press(qtbot, window, "Ctrl+D")
    wait_ready(window)
    assert window.session.case is not None and window.session.measurements is not None


def test_quit_key_closes_the_window(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    _press(qtbot, window, "Ctrl+Q")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_b_key_lets_a_drag_paint(qtbot, ready_window) -> None:
    """The defect a user met first: B left the tool on Navigate (``triggered(bool)`` ate the argument)."""
    window = ready_window
    _press(qtbot, window, "B")
    assert window.edit_dock.settings.tool == "paint"
    assert all(view.mode == "brush" for view in window.views.values())
    _press(qtbot, window, "N")
    assert all(view.mode == "navigate" for view in window.views.values())


def test_save_dialogs_start_beside_the_case(qtbot, window, demo_files, wait_ready, dialogs, monkeypatch) -> None:
    image, labels = demo_files
    window.session.open_path(str(image), str(labels))
    wait_ready(window)
    starts: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, start, *a, **k: starts.append(start) or ("", ""))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    _press(qtbot, window, "Ctrl+S")
    _press(qtbot, window, "Ctrl+Alt+S")
    assert starts == [str(image.parent / "demo_ct.cned"), str(image.parent / "demo_ct-labels.nii.gz")]


def test_a_click_on_the_score_headline_opens_the_missing_field(qtbot, ready_window) -> None:
    window = ready_window
    assert "differentiation of the primary missing" in window.score_panel.cned_total.text()
    qtbot.mouseClick(window.score_panel.cned_total, Qt.MouseButton.LeftButton)
    field = window.clinical_form.field_widget("differentiation")
    tabs = window.side_tabs
    assert tabs.tabBar().currentIndex() == tabs.indexOf(window.clinical_form) and tabs.currentWidget() is window.clinical_form
    assert window.clinical_form.scroll.horizontalScrollBar().value() == 0  # the field's name is in view
    qtbot.waitUntil(field.hasFocus, timeout=3000)


def test_a_right_drag_shows_a_custom_window_in_the_toolbar(qtbot, ready_window) -> None:
    window = ready_window
    view = window.views["axial"]
    centre = view.rect().center()
    qtbot.mousePress(view, Qt.MouseButton.RightButton, pos=centre)
    qtbot.mouseMove(view, centre + QPoint(40, 25))
    qtbot.mouseRelease(view, Qt.MouseButton.RightButton, pos=centre + QPoint(40, 25))
    width, level = view.window
    assert (width, level) != WINDOW_PRESETS["abdomen"]
    assert window.display_toolbar.preset_box.currentText().startswith("custom (W ")
    assert all(v.window == (width, level) for v in window.views.values())
    _press(qtbot, window, "Ctrl+2")
    assert window.display_toolbar.preset_box.currentText() == list(WINDOW_PRESETS)[1]


def test_no_action_anywhere_in_the_window_shares_a_key(window) -> None:
    """Every QAction the window holds (menus, submenus, toolbars, docks), not only the table's: one action per key,
    and every key is in the table, so Help lists it."""
    from PySide6.QtGui import QAction

    keys: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in keys, f"{key} is bound to {keys[key]!r} and {action.text()!r}"
            keys[key] = action.text()
    assert set(keys) == {QKeySequence(a.shortcut).toString() for a in ACTIONS if a.shortcut}


def test_save_labels_as_dicom_seg_records_the_hand_edit(qtbot, window, dicom_series, tmp_path, wait_ready, dialogs, monkeypatch) -> None:
    """Ctrl+Alt+S on a DICOM case: a DICOM-SEG referencing the series, MANUAL after an edit made in the viewer."""
    import pydicom

    from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
    from cned_viewer.io.images import load_image
    from cned_viewer.io.masks import save_labels

    folder = dicom_series([5.0 * k for k in range(8)], pixel_spacing_mm=(5.0, 5.0))
    array = np.zeros(load_image(folder).volume.array.shape, np.uint8)
    array[1:7, 1:5, 1:7] = LIVER_PARENCHYMA
    array[2:4, 2:4, 2:4] = TUMOUR
    labels = save_labels(LabelMap(array, load_image(folder).volume.geometry), tmp_path / "labels.nii.gz")
    window.session.open_path(str(folder), str(labels))
    wait_ready(window)
    window.session.delete_lesion(window.session.measurements.lesions[0].id)
    target = tmp_path / "seg.dcm"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "DICOM-SEG (*.dcm)"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    _press(qtbot, window, "Ctrl+Alt+S")
    qtbot.waitUntil(target.exists, timeout=30_000)
    seg = pydicom.dcmread(target)
    assert {s.SegmentAlgorithmType for s in seg.SegmentSequence} == {"MANUAL"}
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == window.session.case.metadata["SeriesInstanceUID"]


def test_open_dialogs_start_beside_the_open_case(qtbot, window, demo_files, wait_ready, monkeypatch) -> None:
    image, labels = demo_files
    window.session.open_path(str(image), str(labels))
    wait_ready(window)
    starts: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda parent, title, start="", *a, **k: starts.append(start) or "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda parent, title, start="", *a, **k: starts.append(start) or ("", ""))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    for key in ("Ctrl+O", "Ctrl+I", "Ctrl+L", "Ctrl+B"):
        _press(qtbot, window, key)
    assert starts == [str(image.parent)] * 4


def test_about_names_the_version_and_the_bundled_licences(window, monkeypatch) -> None:
    from cned_viewer import __version__

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.actions["about"].trigger()
    assert f"CNED Viewer {__version__}" in shown[0] and "numpy " in shown[0] and "VTK" in shown[0].upper()


def test_actions_follow_the_session(qtbot, window, wait_ready, dialogs) -> None:
    """An action is enabled when its ``when`` holds on the session: without a case Ctrl+S does nothing; Undo names its step."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    needs_case = ("save-case", "save-case-as", "save-labels-as", "export-report", "open-labels", "undo", "redo", "fill-holes")
    assert not any(window.actions[key].isEnabled() for key in needs_case)
    _press(qtbot, window, "Ctrl+S")
    assert dialogs == []
    window.actions["open-demo"].trigger()
    wait_ready(window)
    assert all(window.actions[key].isEnabled() for key in ("save-case", "save-labels-as", "export-report", "fill-holes"))
    assert not window.actions["undo"].isEnabled() and window.actions["undo"].text() == "&Undo"
    window.session.delete_lesion(window.session.measurements.lesions[0].id)
    step = window.session.edit_session.history.next_undo
    assert window.actions["undo"].isEnabled() and window.actions["undo"].text() == f"&Undo {step.description}"
    _press(qtbot, window, "Ctrl+Z")
    assert not window.actions["undo"].isEnabled() and window.actions["redo"].text() == f"&Redo {step.description}"
