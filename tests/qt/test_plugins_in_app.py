"""Plugins in the window (fake plugins): Segment > run -> one undoable step with provenance; errors; cancel."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from cned_viewer.plugins import Plugin
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.plugins.settings import PluginSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from plugin_fakes import BoxSegmenter, FakeEntryPoint  # noqa: E402


@pytest.fixture
def started() -> threading.Event:
    return threading.Event()


@pytest.fixture
def plugin_window(make_window, wait_ready, started):
    plugins = [
        FakeEntryPoint("good", Plugin("good", "1.2.3", "boxes", segmenters=(BoxSegmenter(),))),
        FakeEntryPoint("raising", Plugin("raising", "0.1", "raises", segmenters=(BoxSegmenter(id="boom", name="Boom", behaviour="raise"),))),
        FakeEntryPoint("slow", Plugin("slow", "0.2", "slow", segmenters=(BoxSegmenter(id="slow", name="Slow", behaviour="slow", started=started),))),
        FakeEntryPoint("broken", ImportError("missing dependency xyz")),
    ]
    manager = PluginManager(PluginSettings(), find=lambda: plugins)
    main = make_window(plugin_manager=manager)
    main.session.open_demo()
    wait_ready(main)
    return main


def _segment(window, plugin: str) -> None:
    """Segment > the plugin's segmenter (the menu item's action)."""
    window.plugin_menus.fill_segment_menu()
    action = next(a for a in window.segment_menu.actions() if f"({plugin})" in a.text())
    action.trigger()
    assert window.segment_panel.isVisible()


def _click_seed(qtbot, window) -> tuple[int, int, int]:
    view = window.views["axial"]
    rect = view.image_rect()
    point = QPoint(int(rect.center().x()), int(rect.center().y()))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    return view.voxel_at(point.x(), point.y())


def test_failed_plugin_is_reported_without_blocking(plugin_window) -> None:
    notice = plugin_window.plugin_notice
    assert notice.isVisible() and "broken" in notice.text() and "Tools > Plugins" in notice.text()
    texts = [a.text() for a in plugin_window.segment_menu.actions()]
    assert any("(good)" in t for t in texts) and not any("broken" in t for t in texts)


def test_run_applies_one_undoable_step_with_provenance(qtbot, plugin_window, wait_ready) -> None:
    window = plugin_window
    labels = window.session.case.labels.array
    before = labels.copy()
    _segment(window, "good")
    z, y, x = _click_seed(qtbot, window)
    assert len(window.segment_panel.seeds) == 1 and window.views["axial"].seeds
    with qtbot.waitSignal(window.segment_panel.finished, timeout=30_000) as done:
        qtbot.mouseClick(window.segment_panel.run_button, Qt.MouseButton.LeftButton)
    assert done.args == ["applied"]
    cube = labels[z - 1:z + 2, y - 1:y + 2, x - 1:x + 2]
    assert ((cube == 2) | (before[z - 1:z + 2, y - 1:y + 2, x - 1:x + 2] == 3)).all()
    assert not np.array_equal(labels, before)
    assert window.session.edit_session.history.next_undo.description == "good: box"
    entry = window.session.case.provenance[-1]
    assert (entry.source, entry.source_version, entry.operation) == ("good", "1.2.3", "box")
    wait_ready(window)
    window.session.undo()
    assert np.array_equal(labels, before)
    assert window.session.edit_session.history.next_undo is None
    wait_ready(window)


def test_raising_plugin_shows_the_error_and_the_app_goes_on(qtbot, plugin_window, no_message_boxes) -> None:
    window = plugin_window
    before = window.session.case.labels.array.copy()
    _segment(window, "raising")
    _click_seed(qtbot, window)
    with qtbot.waitSignal(window.segment_panel.finished, timeout=30_000) as done:
        window.segment_panel.run()
    assert done.args == ["failed"]
    assert any("boom" in text for text in no_message_boxes)
    assert np.array_equal(window.session.case.labels.array, before)
    assert window.session.plugins.records["raising"].state == "failed"
    _segment(window, "good")  # the app and the other plugins go on
    _click_seed(qtbot, window)
    with qtbot.waitSignal(window.segment_panel.finished, timeout=30_000) as done:
        window.segment_panel.run()
    assert done.args == ["applied"]


def test_slow_plugin_can_be_cancelled(qtbot, plugin_window, started) -> None:
    window = plugin_window
    before = window.session.case.labels.array.copy()
    _segment(window, "slow")
    _click_seed(qtbot, window)
    window.segment_panel.run()
    qtbot.waitUntil(lambda: window.segment_panel.progress.value() > 0, timeout=10_000)  # progress reached the GUI
    assert started.is_set() and window.segment_panel.cancel_button.isEnabled()
    with qtbot.waitSignal(window.segment_panel.finished, timeout=10_000) as done:
        qtbot.mouseClick(window.segment_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert done.args == ["cancelled"]
    assert "cancelled" in window.statusBar().currentMessage()
    assert np.array_equal(window.session.case.labels.array, before)
    assert window.session.edit_session.history.next_undo is None
