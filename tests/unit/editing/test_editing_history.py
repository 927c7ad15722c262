"""Undo/redo: exact bytes, replay equivalence, the byte budget, events and the edit log."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.editing import Brush, EditLog, EditSession, PaintRules

SPACING_XYZ = (0.8, 0.8, 2.0)


def session_on(shape=(12, 48, 48), budget=10**9, seed=0) -> EditSession:
    rng = np.random.default_rng(seed)
    array = rng.choice(np.array([0, LIVER_PARENCHYMA, PORTAL_VEIN], np.uint8), shape, p=[0.3, 0.6, 0.1])
    return EditSession(LabelMap(array, Geometry.for_array(shape, SPACING_XYZ)), budget_bytes=budget)


def random_stroke(session: EditSession, rng: np.random.Generator) -> None:
    shape = session.labels.array.shape
    brush = Brush(float(rng.uniform(0, 5)), rng.choice(["axial", "coronal", "sagittal"]), bool(rng.random() < 0.3))
    value = int(rng.choice([0, LIVER_PARENCHYMA, TUMOUR, PORTAL_VEIN]))
    rules = PaintRules.paint(value, replaceable=frozenset({LIVER_PARENCHYMA}) if rng.random() < 0.5 else None)
    points = rng.uniform(0, np.array(shape) - 1, (int(rng.integers(1, 5)), 3))
    session.begin_stroke(points[0], brush, rules)
    for point in points[1:]:
        session.continue_stroke(point)
    session.end_stroke()


def test_undo_redo_round_trip_bytes_exactly():
    session = session_on()
    original = session.labels.array.copy()
    rng = np.random.default_rng(1)
    states = [original]
    for _ in range(6):
        random_stroke(session, rng)
        states.append(session.labels.array.copy())
    for expected in reversed(states[:-1]):
        session.undo()
        assert np.array_equal(session.labels.array, expected)
    assert session.undo() == ()
    for expected in states[1:]:
        session.redo()
        assert np.array_equal(session.labels.array, expected)
    assert session.redo() == ()


@pytest.mark.parametrize("seed", range(8))
def test_random_strokes_and_undo_equal_replaying_the_surviving_steps(seed):
    rng = np.random.default_rng(seed)
    session = session_on(seed=seed)
    original = session.labels.array.copy()
    for _ in range(25):
        action = rng.random()
        if action < 0.55:
            random_stroke(session, rng)
        elif action < 0.8:
            session.undo()
        else:
            session.redo()
    replay = original.copy()
    for step in session.history.undo_steps:
        for record in step.records:
            record.apply(replay)
    assert np.array_equal(session.labels.array, replay)


def test_region_tool_undo_restores_the_deleted_lesion_exactly():
    session = session_on(seed=4)
    array = session.labels.array
    array[4:8, 20:28, 20:28] = TUMOUR
    before = array.copy()
    step = session.delete_lesion((5, 22, 22))
    assert step is not None and not (array == TUMOUR).any()
    (applied,) = session.undo()
    assert np.array_equal(array, before) and np.array_equal(applied.new, before[applied.box])


def test_the_byte_budget_drops_the_oldest_steps():
    session = session_on(budget=6000)
    rng = np.random.default_rng(2)
    for _ in range(30):
        random_stroke(session, rng)
        assert session.history.nbytes <= 6000
        assert session.history.nbytes == sum(s.nbytes for s in session.history.undo_steps + session.history.redo_steps)
    assert session.history.dropped > 0
    kept = session.history.undo_steps
    assert kept and kept[-1] is session.history.next_undo  # the newest survive
    session.undo()
    assert session.history.nbytes <= 6000


def test_changed_emits_every_record_as_applied_and_revision_counts():
    session = session_on()
    seen = []
    session.changed.connect(seen.append)
    session.begin_stroke((5, 10, 10), Brush(2.0), PaintRules.paint(TUMOUR))
    session.continue_stroke((5, 10, 30))
    step = session.end_stroke()
    assert len(seen) == 2 and session.has_unsaved_changes
    session.mark_saved()
    assert not session.has_unsaved_changes
    (undone,) = session.undo()
    assert seen[-1] is undone and np.array_equal(undone.old, step.records[0].new)
    assert session.has_unsaved_changes


def test_edit_log_records_each_step_and_survives_json():
    session = session_on()
    session.labels.array[...] = LIVER_PARENCHYMA
    session.begin_stroke((5, 20, 20), Brush(3.0), PaintRules.paint(TUMOUR))
    session.end_stroke()
    session.remove_islands(TUMOUR, min_ml=100.0)
    session.undo()
    log = session.log
    assert [e.operation for e in log.entries] == ["paint", "remove_islands", "undo: remove_islands"]
    painted = {c.key: c for c in log.entries[0].changes}
    voxels = painted["tumour"].gained_voxels
    assert voxels == painted["liver_parenchyma"].lost_voxels > 0
    assert painted["tumour"].net_ml == pytest.approx(voxels * session.labels.geometry.voxel_volume_ml)
    assert log.entries[0].parameters["brush"]["radius_mm"] == 3.0
    again = EditLog.from_json(json.loads(json.dumps(log.to_json())))
    assert again.to_json() == log.to_json()


def test_strokes_given_in_patient_mm_land_on_the_nearest_voxel():
    session = session_on()
    session.labels.array[...] = 0
    target_zyx = (3, 17, 29)
    point_mm = session.labels.geometry.index_to_patient_mm(np.add(target_zyx, (0.2, -0.3, 0.4)))
    session.begin_stroke(session.to_index(point_mm), Brush(0.0), PaintRules.paint(TUMOUR))
    session.end_stroke()
    assert list(zip(*np.nonzero(session.labels.array))) == [target_zyx]
