"""The plugin manager dialog lists plugins and their errors, and enables/disables them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cned_viewer.plugins.manager import PluginManager
from cned_viewer.plugins.settings import PluginSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from plugin_fakes import BoxSegmenter, FakeEntryPoint  # noqa: E402

from cned_viewer.plugins import Plugin  # noqa: E402


@pytest.fixture
def manager(tmp_path, monkeypatch):
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
    good = Plugin(name="good", version="1.2", description="test", segmenters=(BoxSegmenter(),))
    found = [FakeEntryPoint("good", good), FakeEntryPoint("broken", ImportError("missing dependency xyz"))]
    manager = PluginManager(PluginSettings(), find=lambda: found)
    manager.discover()
    return manager


def test_lists_plugins_with_state_and_error(qtbot, manager):
    from cned_viewer.ui.plugin_dialog import PluginDialog

    dialog = PluginDialog(manager)
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 1).text(): r for r in range(dialog.table.rowCount())}
    assert set(rows) == {"good", "broken"}
    assert dialog.table.item(rows["good"], 3).text() == "enabled"
    assert "segmenters" in dialog.table.item(rows["good"], 4).text()
    assert dialog.table.item(rows["broken"], 3).text() == "failed"
    assert "missing dependency xyz" in dialog.table.item(rows["broken"], 5).text()


def test_unticking_disables_and_persists(qtbot, manager):
    from cned_viewer.ui.plugin_dialog import PluginDialog

    dialog = PluginDialog(manager)
    qtbot.addWidget(dialog)
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 1).text() == "good")
    dialog.table.item(row, 0).setCheckState(Qt.CheckState.Unchecked)
    assert manager.record("good").state == "disabled"
    assert not PluginSettings().is_enabled("good")
