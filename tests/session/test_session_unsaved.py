"""Unsaved edits before the labels go (another case, close): cancel keeps them, discard drops them, save writes them."""

from __future__ import annotations

import numpy as np

from cned_viewer.io.masks import load_labels
from cned_viewer.io.recovery import find_recoverable
from tests.session.helpers import paint, record


def _painted(session):
    paint(session)
    assert session.has_unsaved_changes
    return session.case, session.case.labels.array.copy()


def test_cancel_keeps_the_case_and_its_edits(demo_session):
    s = demo_session
    case, painted = _painted(s)
    opened = record(s.case_opened)
    assert s.questions.unsaved == "cancel"
    assert s.open_demo() is False and s.close() is False
    assert opened == [] and s.case is case and np.array_equal(s.case.labels.array, painted)
    assert s.has_unsaved_changes and s.editable


def test_discard_opens_the_new_case_and_drops_the_recovery_save(demo_session, demo_case):
    s = demo_session
    s.edits.autosaver.interval_s = 0
    _painted(s)
    s.executor.tick()
    assert len(find_recoverable(include_running=True)) == 1
    s.questions.unsaved = "discard"
    assert s.open_demo() is True
    assert np.array_equal(s.case.labels.array, demo_case.labels.array)
    assert s.case.provenance == [] and not s.has_unsaved_changes
    assert find_recoverable(include_running=True) == []


def test_save_writes_the_labels_where_the_answer_says_then_opens(demo_session, demo_case, tmp_path):
    s = demo_session
    target = tmp_path / "kept-labels.nii.gz"
    _, painted = _painted(s)
    s.questions.unsaved, s.questions.save_labels_to = "save", str(target)
    assert s.open_demo() is True
    assert np.array_equal(load_labels(target, s.case.image.geometry).array, painted)
    assert np.array_equal(s.case.labels.array, demo_case.labels.array)


def test_save_without_a_path_stays(demo_session):
    s = demo_session
    case, _ = _painted(s)
    s.questions.unsaved = "save"  # and the save dialog was cancelled (no path)
    assert s.open_demo() is False and s.case is case and s.has_unsaved_changes


def test_a_failed_save_keeps_the_case_and_says_why(demo_session, tmp_path):
    """"Save" was chosen but the labels cannot be written: the user stays with the edits and is told."""
    s = demo_session
    case, painted = _painted(s)
    (tmp_path / "a-file").touch()
    s.questions.unsaved, s.questions.save_labels_to = "save", str(tmp_path / "a-file" / "labels.nii.gz")
    failed = record(s.failed)
    assert s.open_demo() is False
    assert s.case is case and np.array_equal(s.case.labels.array, painted) and s.has_unsaved_changes
    assert len(failed) == 1 and "cannot write" in failed[0][1][0]


def test_save_goes_into_the_open_bundle(demo_session, make_session, tmp_path):
    s = demo_session
    s.files.save_to(tmp_path / "case.cned")
    _, painted = _painted(s)
    s.questions.unsaved = "save"
    assert s.close() is True
    other = make_session()
    other.open_bundle(str(tmp_path / "case.cned"))
    assert np.array_equal(other.case.labels.array, painted)


def test_close_discarding_ends_the_edits(demo_session):
    s = demo_session
    _painted(s)
    s.questions.unsaved = "discard"
    assert s.close() is True
    assert s.edit_session is None and not s.editable and not s.has_unsaved_changes


def test_segment_map_refused_over_unsaved_edits(demo_session, demo_segments):
    s = demo_session
    case, _ = _painted(s)
    failed = record(s.failed)
    assert s.open_segments(str(demo_segments)) is False
    assert s.case is case and "unsaved edits" in failed[0][1][0]


def test_save_with_unsaved_plans_and_no_bundle_writes_a_bundle_that_keeps_them(demo_session, make_session, tmp_path):
    """A labels file would keep the painted labels but lose the plan: Save asks for a bundle instead."""
    from cned_viewer.planning import CutPlane

    s = demo_session
    _, painted = _painted(s)
    s.plans.add("Right")
    s.plans.add_plane(CutPlane.through_voxel(s.case.image.geometry, (60, 160, 200), 2))
    s.questions.unsaved, s.questions.save_labels_to = "save", str(tmp_path / "never.nii.gz")
    s.questions.save_bundle_to = str(tmp_path / "kept")
    assert s.close() is True and not s.has_unsaved_changes
    assert not (tmp_path / "never.nii.gz").exists()
    other = make_session()
    assert other.open_bundle(str(tmp_path / "kept.cned"))
    assert other.plans.names == ["Right"] and len(other.plans.plan("Right").planes) == 1
    assert np.array_equal(other.case.labels.array, painted)


def test_cancelling_the_bundle_question_keeps_the_case(demo_session):
    s = demo_session
    s.plans.add("Right")
    s.questions.unsaved = "save"  # save_bundle_to stays None: the user cancelled the bundle dialog
    assert s.close() is False and s.case is not None and s.plans.names == ["Right"] and s.has_unsaved_changes
