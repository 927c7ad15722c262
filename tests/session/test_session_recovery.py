"""Crash recovery headless: a session killed after an autosave leaves edits that a new session recovers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from cned_viewer.core.labels import array_digest
from cned_viewer.io.recovery import find_recoverable
from tests.session.helpers import killed_after_saving, paint

CHILD = """
import dataclasses, os, time
from cned_viewer.core.labels import array_digest
from cned_viewer.session import Answers, CaseSession, SyncExecutor
from cned_viewer.planning import CutPlane
from tests.session.helpers import paint

session = CaseSession(SyncExecutor(), questions=Answers())
session.open_demo()
session.edits.autosaver.interval_s = 0
paint(session)
session.delete_lesion(11)
session.set_clinical(dataclasses.replace(session.case.clinical, differentiation="poor", cea_ng_ml=12.5))
session.plans.add("Left lobe")
session.plans.add_plane(CutPlane.through_voxel(session.case.image.geometry, (60, 160, 200), 2))
session.plans.brush.set_mode("resect")
session.plans.brush.press("axial", (77, 141, 241), 6.0)
session.plans.brush.move((77, 141, 249))
session.plans.brush.release()
manifest = session.edits.autosaver.folder / "manifest.json"
for _ in range(100):
    session.executor.tick()
    if manifest.is_file():
        break
print(array_digest(session.case.labels.array), len(session.case.provenance), session.plans.figures["Left lobe"].resected_ml, flush=True)
print("saved", flush=True)
time.sleep(600)
"""


def _killed_child(recovery: Path) -> tuple[str, int, float]:
    """The child's (labels checksum, edit count, plan's resected mL), printed before it was killed."""
    checksum, edits, resected_ml = killed_after_saving(CHILD, recovery)[-1].split()
    return checksum, int(edits), float(resected_ml)


def test_killed_session_is_recovered_then_saved(make_session, tmp_path):
    checksum, edits, resected_ml = _killed_child(tmp_path / "recovery")
    found = find_recoverable()
    assert len(found) == 1 and found[0].edits == edits == 2 and ": 2 edit(s), resection plans, last saved" in found[0].describe()

    s = make_session(recover="recover")
    assert s.offer_recovery() is True
    assert array_digest(s.case.labels.array) == checksum
    assert [e.operation for e in s.case.provenance] == ["paint", "delete_lesion"]
    assert s.case.clinical.differentiation == "poor" and s.case.clinical.cea_ng_ml == 12.5
    assert s.scores[0].total == 3 and s.measurements.to_json()["lesion_count"] == 11  # +1 painted, -1 deleted
    assert s.has_unsaved_changes and s.editable  # recovered edits are saved nowhere yet
    plan = s.plans.plan("Left lobe")  # the resection plan came back too: its plane and its painted region
    assert len(plan.planes) == 1 and plan.overrides is not None and (plan.overrides == 1).sum() > 20
    assert s.plans.figures["Left lobe"].resected_ml == resected_ml

    paint(s, tool="erase")  # the recovered session goes on editing, into the same recovery save
    s.edits.autosaver.interval_s = 0
    s.executor.tick()
    assert [i.folder for i in find_recoverable(include_running=True)] == [found[0].folder]

    assert s.files.save_to(tmp_path / "case.cned")
    assert not s.has_unsaved_changes
    assert s.offer_recovery() is False and find_recoverable(include_running=True) == []


def _left_behind(session) -> list:
    """An autosave of ``session``'s edits, as this (running) process leaves it."""
    session.edits.autosaver.interval_s = 0
    paint(session)
    session.executor.tick()
    return find_recoverable(include_running=True)


def test_later_keeps_the_save_and_discard_deletes_it(demo_session, make_session):
    found = _left_behind(demo_session)
    assert len(found) == 1 and find_recoverable() == []  # a running session's save is not offered
    later = make_session(recover="later")
    assert later.offer_recovery(found) is False and later.case is None
    assert found[0].folder.is_dir()
    discard = make_session(recover="discard")
    assert discard.offer_recovery(found) is False and discard.case is None
    assert not found[0].folder.exists()


def test_clinical_change_alone_is_autosaved(demo_session, make_session):
    s = demo_session
    s.edits.autosaver.interval_s = 0
    s.executor.tick()
    assert find_recoverable(include_running=True) == []  # nothing changed: nothing saved
    s.set_clinical(dataclasses.replace(s.case.clinical, node_positive=True))
    s.executor.tick()
    found = find_recoverable(include_running=True)
    assert len(found) == 1 and found[0].manifest["clinical"]["node_positive"] is True
    other = make_session(recover="recover")
    assert other.offer_recovery(found)
    assert other.case.clinical.node_positive is True
    assert np.array_equal(other.case.labels.array, s.case.labels.array) and other.case.provenance == []
