"""Saving through ``session.files``: a bundle reopens as it was saved; labels files round-trip."""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from cned_viewer.editing.log import EditLog
from cned_viewer.io.masks import load_labels
from tests.session.helpers import paint, record


def _edit(session) -> None:
    paint(session)
    session.delete_lesion(11)
    session.set_clinical(dataclasses.replace(session.case.clinical, differentiation="poor", cea_ng_ml=35))


def test_bundle_reopens_with_the_labels_clinical_data_and_edit_log(demo_session, make_session, tmp_path):
    s = demo_session
    _edit(s)
    assert s.has_unsaved_changes
    saved = record(s.files.saved)
    assert s.files.save_to(tmp_path / "case.cned")
    folder = tmp_path / "case.cned"
    assert saved == [("saved", (folder,))] and s.files.bundle_folder == folder
    assert not s.has_unsaved_changes
    log = EditLog(list(s.case.provenance)).to_json()
    assert json.loads((folder / "edits.json").read_text()) == log
    assert [e["operation"] for e in log["entries"]] == ["paint", "delete_lesion"]

    other = make_session()
    assert other.open_bundle(str(folder))
    assert np.array_equal(other.case.labels.array, s.case.labels.array)
    assert other.case.clinical == s.case.clinical and other.case.clinical.cea_ng_ml == 35
    assert EditLog(list(other.case.provenance)).to_json() == log
    assert other.files.bundle_folder == folder and not other.has_unsaved_changes
    assert other.measurements.to_json()["lesion_count"] == s.measurements.to_json()["lesion_count"] == 11  # +1 painted, -1 deleted
    assert other.scores[0].total == s.scores[0].total == 3


def test_labels_file_round_trips(demo_session, tmp_path):
    s = demo_session
    paint(s)
    for name in ("labels.nii.gz", "labels.nrrd"):
        path = tmp_path / name
        assert s.files.save_labels_to(str(path))
        assert np.array_equal(load_labels(path, s.case.image.geometry).array, s.case.labels.array)
    assert not s.has_unsaved_changes


class DeferredChannel:
    """A channel whose job runs when the test says (a save still running in a worker)."""

    def __init__(self, done, failed) -> None:
        self.done, self.job, self.busy = done, None, False

    def submit(self, job) -> None:
        self.job, self.busy = job, True

    def cancel(self) -> None:
        self.job, self.busy = None, False

    def finish(self) -> None:
        job, self.job, self.busy = self.job, None, False
        self.done(job())


def test_an_edit_while_the_save_runs_stays_unsaved(demo_session, tmp_path):
    """The save writes a snapshot and marks saved only the revision it had: a later stroke stays unsaved."""
    s = demo_session
    s.files.saver = DeferredChannel(s.files._saved, s.fail)
    paint(s)
    saved = s.case.labels.array.copy()
    assert s.files.save_labels_to(str(tmp_path / "l.nii.gz"))
    paint(s, tool="erase")  # while the save runs
    s.files.saver.finish()
    assert np.array_equal(load_labels(tmp_path / "l.nii.gz", s.case.image.geometry).array, saved)
    assert not np.array_equal(s.case.labels.array, saved)
    assert s.has_unsaved_changes


def test_nothing_to_save_without_a_case(make_session, tmp_path):
    s = make_session()
    failed = record(s.failed)
    assert not s.files.save_to(tmp_path / "x") and not s.files.save_labels_to(str(tmp_path / "x.nii.gz"))
    assert [args[0] for _, args in failed] == ["no case to save", "no labels to save"]
    assert not (tmp_path / "x.cned").exists()
