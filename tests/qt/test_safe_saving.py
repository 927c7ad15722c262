"""Safe saving in the window: recovery saves while editing, Save labels as, the close question, recovery at start."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.core.labels import TUMOUR
from cned_viewer.editing.brush import Brush
from cned_viewer.editing.rules import PaintRules
from cned_viewer.io.masks import load_labels
from cned_viewer.io.recovery import find_recoverable


@pytest.fixture
def edited(window, wait_ready):
    window.session.open_demo()
    wait_ready(window)
    session = window.session.edit_session
    session.begin_stroke((60, 40, 40), Brush(3.0), PaintRules.paint(TUMOUR))
    session.end_stroke()
    wait_ready(window)
    assert window.session.edits.has_unsaved_changes
    return window


def test_autosave_then_save_labels_discards_the_recovery(qtbot, edited, tmp_path) -> None:
    window = edited
    window.session.edits.autosaver.interval_s = 0
    window.session.edits.autosave_tick()
    qtbot.waitUntil(lambda: (window.session.edits.autosaver.folder / "manifest.json").is_file())
    qtbot.waitUntil(lambda: not window.session.edits.autosave_writer.busy)
    assert len(find_recoverable(include_running=True)) == 1
    target = tmp_path / "edited.nii.gz"
    window.session.files.save_labels_to(str(target))
    qtbot.waitUntil(lambda: not window.session.edits.has_unsaved_changes)
    assert find_recoverable(include_running=True) == []
    saved = load_labels(target, window.session.case.image.geometry, "app")
    assert np.array_equal(saved.array, window.session.case.labels.array)


def test_close_with_unsaved_edits_asks(qtbot, edited, quiet_questions) -> None:
    window = edited
    quiet_questions["answers"]["unsaved"] = "cancel"
    assert not window.close()
    assert window.isVisible() and len(quiet_questions["unsaved"]) == 1
    quiet_questions["answers"]["unsaved"] = "discard"
    assert window.close()


def test_bundle_save_marks_saved(qtbot, edited, tmp_path) -> None:
    window = edited
    window.session.files.save_to(tmp_path / "case.cned")
    qtbot.waitUntil(lambda: not window.session.edits.has_unsaved_changes)
    from cned_viewer.io.case_bundle import load_bundle

    assert np.array_equal(load_bundle(tmp_path / "case.cned").case.labels.array, window.session.case.labels.array)


def test_recovery_is_offered_and_recovered(qtbot, edited, window, wait_ready, quiet_questions) -> None:
    edits = window.session.edits
    edits.autosaver.save_now()
    expected = window.session.case.labels.array.copy()
    found = find_recoverable(include_running=True)
    edits.session.mark_saved()  # as if the app had crashed: the save stays, nothing asks
    edits.autosaver = None
    quiet_questions["answers"]["recovery"] = "recover"
    window.session.offer_recovery(found)
    qtbot.waitUntil(lambda: window.session.case is not None and window.session.edits.recovery_folder == str(found[0].folder), timeout=60_000)
    wait_ready(window)
    assert np.array_equal(window.session.case.labels.array, expected)
    assert window.session.edits.has_unsaved_changes
    assert [p.operation for p in window.session.case.provenance] == ["paint"]
    assert window.session.edit_session.log.entries is window.session.case.provenance
    assert found[0].folder.exists() and window.session.edits.autosaver.folder == found[0].folder  # continued until saved
    window.session.edits.saved(window.session.edit_session.revision)
    assert not found[0].folder.exists()
