"""Resection plans in the session (``session.plans``): named plans, live figures, bundles and unsaved changes."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from cned_viewer.core.labels import LIVER_PARENCHYMA
from cned_viewer.errors import UserError
from cned_viewer.planning import CutPlane, PlanEvaluator, ResectionPlan
from tests.session.helpers import STROKE, paint, record


@pytest.fixture
def planned(demo_session, demo_segments):
    """The demo case with a segment map and two plans: segment 7, and one plane (made active)."""
    s = demo_session
    assert s.open_segments(str(demo_segments))
    s.plans.add("right")
    s.plans.set_segments([7])
    s.plans.add("plane")
    s.plans.add_plane(_plane_through_liver(s))
    return s


def _plane_through_liver(session) -> CutPlane:
    """A plane across the liver's middle, normal along +x: the half beyond it is removed."""
    z, y, x = (np.mean(axis) for axis in np.nonzero(session.case.labels.array == LIVER_PARENCHYMA))
    centre = session.case.image.geometry.index_to_patient_mm((z, y, x))
    return CutPlane(tuple(centre), (1.0, 0.0, 0.0))


def _direct(session, name: str):
    """The figures of plan ``name`` from a PlanEvaluator built directly on the session's case."""
    evaluator = PlanEvaluator.from_measurer(session.edits.measurer, session.case.labels, session.case.segments)
    return evaluator.evaluate(session.plans.plan(name), session.case.clinical)


def test_two_plans_have_the_figures_of_a_direct_evaluator(planned):
    s = planned
    assert s.plans.names == ["right", "plane"] and s.plans.active == "plane"
    assert set(s.plans.figures) == {"right", "plane"}
    for name in s.plans.names:
        assert s.plans.figures[name] == _direct(s, name)
    assert 0 < s.plans.figures["right"].resected_ml < s.plans.figures["right"].functional_liver_ml
    assert s.plans.figures["plane"].margin_method != s.plans.figures["right"].margin_method


def test_names_are_unique_and_rename_remove_choose(planned):
    s = planned
    changed = record(s.plans.plans_changed)
    with pytest.raises(UserError):
        s.plans.add("right")
    with pytest.raises(UserError):
        s.plans.rename("plane", "right")
    s.plans.rename("right", "segment VII")
    assert s.plans.names == ["segment VII", "plane"] and "segment VII" in s.plans.figures
    s.plans.choose("segment VII")
    assert s.plans.active_plan.segments == {7}
    s.plans.remove("segment VII")
    assert s.plans.names == ["plane"] and s.plans.active == "plane" and set(s.plans.figures) == {"plane"}
    assert len(changed) == 3


def test_moving_a_plane_changes_the_figures_once_per_move(planned, monkeypatch):
    s = planned
    before = s.plans.figures["plane"]
    seen = record(s.plans.figures_changed)
    monkeypatch.setattr(s.plans.figurer, "submit", lambda job: pytest.fail("a move goes through the sweep, not a job"))
    for step in range(1, 4):
        s.plans.move_plane(0, -5.0)
        assert len(seen) == step and seen[-1][1][0] == "plane"
    after = s.plans.figures["plane"]
    assert after.resected_ml > before.resected_ml and after == _direct(s, "plane")
    assert s.plans.active_plan.planes[0].normal_xyz == (1.0, 0.0, 0.0)


def test_height_and_weight_give_the_sflr(planned):
    s = planned
    assert s.plans.figures["right"].sflr_percent is None
    seen = record(s.plans.figures_changed)
    s.set_clinical(dataclasses.replace(s.case.clinical, height_cm=175, weight_kg=80))
    assert sorted(name for _, (name, _) in seen) == ["plane", "right"]
    figures = s.plans.figures["right"]
    assert figures.sflr_percent is not None and figures.bsa_m2 == pytest.approx(np.sqrt(175 * 80 / 3600))
    assert figures == _direct(s, "right")


def test_painting_tumour_updates_the_figures_after_the_refresh(planned):
    s = planned
    before = s.plans.figures["right"]
    seen = record(s.plans.figures_changed)
    paint(s)  # a new lesion in the parenchyma; the release refreshes (synchronously here)
    assert seen and not s.edits.updating
    after = s.plans.figures["right"]
    assert len(after.lesions) == len(before.lesions) + 1 and after == _direct(s, "right")


def test_overrides_paint_and_erase(planned):
    s = planned
    s.plans.choose("right")
    before = s.plans.figures["right"].resected_ml
    kept = np.argwhere((s.case.labels.array == LIVER_PARENCHYMA) & (s.case.segments.array == 2))
    z, y, x = kept[len(kept) // 2]  # in the remnant of "right"
    box = (slice(z - 2, z + 3), slice(y - 2, y + 3), slice(x - 2, x + 3))
    s.plans.paint(box)
    painted = s.plans.figures["right"]
    assert s.plans.active_plan.has_overrides and painted.resected_ml > before and painted == _direct(s, "right")
    s.plans.erase(box)
    s.plans.paint(voxels=[(z, y, x)], value=0)
    assert s.plans.figures["right"].resected_ml < painted.resected_ml


def test_bundle_keeps_the_plans_and_their_figures(planned, make_session, tmp_path):
    s = planned
    s.plans.choose("right")
    s.plans.paint(voxels=[STROKE[0]])
    assert s.has_unsaved_changes
    folder = tmp_path / "case.cned"
    assert s.files.save_to(folder)
    assert not s.has_unsaved_changes
    assert (folder / "plans.json").is_file() and (folder / "plans.npz").is_file()

    other = make_session()
    assert other.open_bundle(str(folder))
    assert other.plans.names == s.plans.names and not other.has_unsaved_changes
    for name in s.plans.names:
        saved, read = s.plans.plan(name), other.plans.plan(name)
        assert read.to_json() == saved.to_json()
        assert (read.overrides is None) == (saved.overrides is None)
        assert read.overrides is None or np.array_equal(read.overrides, saved.overrides)
        mine, theirs = s.plans.figures[name], other.plans.figures[name]
        assert theirs == _direct(other, name) and theirs.verdict == mine.verdict
        # the copied image's spacing is read back as float32: volumes and margins agree to 1e-6
        assert [(l.id, l.status) for l in theirs.lesions] == [(l.id, l.status) for l in mine.lesions]
        margins = [(l.margin_mm or 0.0, r.margin_mm or 0.0) for l, r in zip(theirs.lesions, mine.lesions)]
        assert [a for a, _ in margins] == pytest.approx([b for _, b in margins], rel=1e-6)
        assert theirs.resected_ml == pytest.approx(mine.resected_ml, rel=1e-6)


def test_old_bundle_without_plans_opens(demo_session, make_session, tmp_path):
    s = demo_session
    s.plans.add("empty")
    assert s.files.save_to(tmp_path / "case.cned")
    folder = tmp_path / "case.cned"
    manifest = (folder / "manifest.json").read_text()
    (folder / "manifest.json").write_text(manifest.replace('"plans": "plans.json"', '"x": "plans.json"'))
    (folder / "plans.json").unlink()
    other = make_session()
    failed = record(other.failed)
    assert other.open_bundle(str(folder))
    assert failed == [] and other.plans.names == [] and other.measurements is not None


def test_plan_edits_are_unsaved_changes(demo_session, tmp_path):
    s = demo_session
    assert not s.has_unsaved_changes
    s.plans.add("A")
    assert s.has_unsaved_changes and not s.edits.has_unsaved_changes
    assert s.open_demo() is False  # the default answer to the unsaved question is "cancel"
    s.files.save_to(tmp_path / "a.cned")
    assert not s.has_unsaved_changes
    s.plans.add_plane(_plane_through_liver(s))
    assert s.has_unsaved_changes
    s.questions.unsaved = "save"
    assert s.open_demo() is True  # saved into the bundle first
    assert s.plans.names == [] and not s.has_unsaved_changes
    shutil.rmtree(tmp_path / "a.cned")


def test_recovered_edits_of_a_bundle_keep_its_plans(planned, make_session, tmp_path):
    """Plans are not in recovery saves, but the recovered case is planned with the plans its bundle holds."""
    from cned_viewer.io.recovery import find_recoverable

    folder = tmp_path / "case.cned"
    assert planned.files.save_to(folder)
    s = make_session()
    assert s.open_bundle(str(folder))
    s.edits.autosaver.interval_s = 0
    paint(s)
    s.executor.tick()
    found = find_recoverable(include_running=True)
    recovered = make_session()
    assert recovered.recover(found[0])
    assert recovered.plans.names == ["right", "plane"] and recovered.has_unsaved_changes
    assert recovered.plans.figures["right"] == _direct(recovered, "right")
