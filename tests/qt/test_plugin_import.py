"""File > Import and File > Export with plugins: read in a worker and applied as one undoable step; written in a worker."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from cned_viewer.io.masks import load_labels, load_segments
from cned_viewer.plugins import Plugin
from cned_viewer.plugins.contracts import ImportedLabels
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.plugins.settings import PluginSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from plugin_fakes import FakeEntryPoint, TextExporter  # noqa: E402


@dataclass(frozen=True)
class FileImporter:
    """An importer that reads a file with ``read(path, reference) -> ImportedLabels``."""

    id: str
    name: str
    read: Callable[[Path, object], ImportedLabels]
    description: str = "a test importer"

    def can_import(self, path: Path) -> bool:
        return True

    def load(self, path: Path, reference) -> ImportedLabels:
        return self.read(path, reference)


LABELS = FileImporter("labels", "Label file", lambda path, grid: ImportedLabels(load_labels(path, grid), notices=("read by a test importer",)))
SEGMENTS = FileImporter("segments", "Segment map", lambda path, grid: ImportedLabels(None, load_segments(path, grid)))


@pytest.fixture
def import_window(make_window, wait_ready):
    plugin = Plugin("imp", "2.0", "importers", importers=(LABELS, SEGMENTS),
                    exporters=(TextExporter(), TextExporter(id="fussy", name="Fussy", behaviour="user_error")))
    manager = PluginManager(PluginSettings(), find=lambda: [FakeEntryPoint("imp", plugin)])
    main = make_window(plugin_manager=manager)
    main.session.open_demo()
    wait_ready(main)
    return main


def _import(qtbot, window, monkeypatch, importer_name: str, path: Path) -> list[str]:
    """File > Import > the importer, choosing ``path`` in the file dialog; waits until the step is applied.

    Returns the status bar messages shown meanwhile."""
    messages: list[str] = []
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.statusBar().messageChanged.connect(messages.append)
    window.plugin_menus.import_menu.aboutToShow.emit()
    action = next(a for a in window.plugin_menus.import_menu.actions() if a.text().startswith(importer_name) and "(imp)" in a.text())
    steps = len(window.session.case.provenance)
    action.trigger()
    qtbot.waitUntil(lambda: len(window.session.case.provenance) == steps + 1, timeout=30_000)
    return messages


def test_imported_labels_are_one_undoable_step(qtbot, import_window, monkeypatch, tmp_path, wait_ready, no_message_boxes) -> None:
    window = import_window
    labels = window.session.case.labels.array
    before = labels.copy()
    cleared = np.where(before == 2, np.uint8(1), before)  # every tumour read back as parenchyma
    image = sitk.GetImageFromArray(cleared)
    geometry = window.session.case.image.geometry
    image.SetSpacing(geometry.spacing_xyz_mm)
    image.SetOrigin(geometry.origin_xyz_mm)
    image.SetDirection(geometry.direction)
    sitk.WriteImage(image, str(tmp_path / "cleared.nii.gz"))

    messages = _import(qtbot, window, monkeypatch, "Label file", tmp_path / "cleared.nii.gz")
    wait_ready(window)
    assert np.array_equal(labels, cleared)
    assert window.lesion_table.rowCount() == 0
    entry = window.session.case.provenance[-1]
    assert (entry.source, entry.source_version, entry.operation) == ("imp", "2.0", "import labels")
    assert any("Applied imp: import labels as one step" in m and "read by a test importer" in m for m in messages)
    assert not no_message_boxes
    window.session.undo()
    wait_ready(window)
    assert np.array_equal(labels, before) and window.lesion_table.rowCount() == 11


def test_imported_segment_map_gives_lesion_segments(qtbot, import_window, monkeypatch, demo_segments, wait_ready) -> None:
    window = import_window
    assert window.session.case.segments is None
    _import(qtbot, window, monkeypatch, "Segment map", demo_segments)
    wait_ready(window)
    assert window.session.case.segments is not None
    assert set(np.unique(window.session.case.segments.array)) == {2, 7}
    from cned_viewer.measure import measure

    expected = measure(window.session.case)
    assert [lesion.segments for lesion in window.lesion_table.lesions] == [lesion.segments for lesion in expected.lesions]
    assert {s for lesion in expected.lesions for s in lesion.segments} == {2, 7}
    assert window.session.measurements.bilobar is True and not window.stale_label.isVisible()
    window.session.undo()  # the map goes back to empty: no segment is touched any more
    wait_ready(window)
    assert all(lesion.segments == () for lesion in window.lesion_table.lesions) and window.session.measurements.bilobar is False


def _export(window, monkeypatch, exporter_name: str, path: Path) -> None:
    """File > Export > the exporter, choosing ``path`` in the save dialog."""
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.plugin_menus.export_menu.aboutToShow.emit()
    next(a for a in window.plugin_menus.export_menu.actions() if a.text().startswith(exporter_name) and "(imp)" in a.text()).trigger()


def test_export_menu_writes_the_case_and_reports_problems(qtbot, import_window, monkeypatch, tmp_path, no_message_boxes) -> None:
    window = import_window
    tumour = int((window.session.case.labels.array == 2).sum())
    _export(window, monkeypatch, "Tumour count", tmp_path / "count.txt")
    qtbot.waitUntil(lambda: (tmp_path / "count.txt").exists() and "Exported" in window.statusBar().currentMessage(), timeout=30_000)
    assert (tmp_path / "count.txt").read_text() == f"tumour voxels {tumour}\n"
    _export(window, monkeypatch, "Fussy", tmp_path / "fussy.txt")
    qtbot.waitUntil(lambda: bool(no_message_boxes), timeout=30_000)
    assert "no segment map" in no_message_boxes[-1] and window.session.plugins.records["imp"].state == "enabled"
