"""Follow-up scans in the session (``session.followups``): opening, comparing, baseline edits, bundles, navigation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cned_viewer.followup import NEW, TimePoint, compare
from cned_viewer.io.recovery import find_recoverable
from cned_viewer.io.sitk_bridge import write_image
from cned_viewer.registration import register_followup
from cned_viewer.session import followups as followups_module
from cned_viewer.session.followups import NO_LABELS
from tests.session.helpers import killed_after_saving, names, record
from tests.unit.followup.followup_phantoms import BASELINE_LESIONS, GEOMETRY, MOTION, synthetic_pair


@pytest.fixture(scope="module")
def pair():
    return synthetic_pair()


@pytest.fixture(scope="module")
def files(pair, tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("pair")
    paths = {}
    for key, volume in (("bl", pair.baseline_image), ("bl_labels", pair.baseline_labels), ("fu", pair.followup_image),
                        ("fu_labels", pair.followup_labels)):
        paths[key] = str(write_image(volume.array, volume.geometry, folder / f"{key}.nii.gz"))
    return paths


@pytest.fixture(scope="module")
def registration(pair):
    return register_followup(pair.baseline_image, pair.baseline_labels, pair.followup_image, pair.followup_labels)


@pytest.fixture
def register_calls(monkeypatch, registration, pair) -> list:
    """Count the session's registrations; each returns the (real) registration of the pair, computed once."""
    calls = []

    def fake(base_image, base_labels, follow_image, follow_labels):
        assert np.array_equal(follow_labels.array, pair.followup_labels.array)
        calls.append(base_labels)
        return registration

    monkeypatch.setattr(followups_module, "register_followup", fake)
    return calls


@pytest.fixture
def baseline(make_session, files):
    s = make_session()
    assert s.open_path(files["bl"], files["bl_labels"]) and s.editable
    return s


@pytest.fixture
def compared(baseline, files, register_calls):
    baseline.followups.open(files["fu"], files["fu_labels"], name="month 3", study_date="2024-03-01")
    assert baseline.followups.comparison is not None and len(register_calls) == 1
    return baseline


def _expected(pair, registration, name: str = "month 3") -> dict:
    """The pure comparison of the pair (TimePoints measured directly, the same registration)."""
    base, follow = TimePoint.measure("baseline", pair.baseline_labels), TimePoint.measure(name, pair.followup_labels)
    return compare(base, [(follow, registration.transform)]).to_json()


def _statuses(session) -> list[str]:
    return sorted(m["status"] for m in session.followups.comparison.to_json()["lesions"])


def test_open_measures_registers_and_compares_as_the_pure_compare(baseline, files, pair, registration):
    s, fu = baseline, baseline.followups
    seen = record(fu.changed, fu.compared)
    failures = record(s.failed)
    fu.open(files["fu"], files["fu_labels"], name="month 3", study_date="20240301")
    assert failures == [] and names(seen) == ["changed", "compared"]
    assert seen[1][1][0] is fu.comparison
    point = fu.points[0]
    assert fu.names == ["month 3"] and point.study_date == "2024-03-01" and point.status == "compared"
    quality = point.registration.quality  # the real registration, run by the session on the files read back
    assert quality.liver_dice == pytest.approx(registration.quality.liver_dice, abs=0.01) and point.registration.warning is None
    assert np.allclose(point.map.matrix, registration.transform.matrix, atol=0.01)
    assert np.allclose(point.map.offset_mm, registration.transform.offset_mm, atol=0.5)
    assert point.case.image.array.shape == pair.followup_image.array.shape
    data = fu.comparison.to_json()
    assert data == _expected(pair, point.registration)
    assert _statuses(s) == ["disappeared", "merged", "new", "persisting", "persisting"]
    assert data["recist"]["response"] == "PD" and data["volumetric"]["response"] == "PD"
    assert fu.baseline_timepoint is fu.comparison.baseline


def test_follow_ups_are_ordered_by_study_date_and_one_without_labels_is_listed(compared, files, register_calls):
    fu = compared.followups
    fu.open(files["fu"], files["fu_labels"], name="month 1", study_date="2024-01-15")
    fu.open(files["fu"], name="no date")
    assert fu.names == ["month 1", "month 3", "no date"]
    assert fu.point("no date").status == NO_LABELS and fu.point("no date").registration is None
    assert len(register_calls) == 2  # the scan without labels is not registered
    assert [f.point.name for f in fu.comparison.followups] == ["month 1", "month 3"]
    assert [t["name"] for t in fu.comparison.to_json()["timepoints"]] == ["baseline", "month 1", "month 3"]
    shown = {name: fu.response_json(name) for name in (None, "month 1", "month 3", "no date")}
    assert [data["followup"]["name"] for data in shown.values()] == ["month 3", "month 1", "month 3", "month 3"]
    assert [t["name"] for t in shown["month 1"]["timepoints"]] == ["baseline", "month 1"]  # as it stood at month 1
    fu.open(files["fu"])
    assert "fu" in fu.names  # named after the file
    messages = record(compared.failed)
    fu.open(files["fu"], files["fu_labels"], name="month 1")
    fu.open(files["fu"], files["fu_labels"], study_date="soon")
    fu.open(files["bl"] + ".missing", files["fu_labels"], name="gone")
    assert len(messages) == 3 and "exists already" in messages[0][1][0] and "YYYY-MM-DD" in messages[1][1][0]
    assert messages[2][1][0].startswith("follow-up gone:") and "gone" not in fu.names


def test_the_dicom_study_date_comes_first(baseline, files, register_calls, monkeypatch):
    real = followups_module.load_case

    def dicom_like(*args):
        case = real(*args)
        case.metadata["StudyDate"] = "20090527"
        return case

    monkeypatch.setattr(followups_module, "load_case", dicom_like)
    baseline.followups.open(files["fu"], files["fu_labels"], study_date="2024-03-01")
    assert baseline.followups.points[0].study_date == "2009-05-27" and baseline.followups._openers == []


def test_editing_the_baseline_recomputes_without_registering(compared, register_calls):
    s, fu = compared, compared.followups
    before = fu.comparison
    seen = record(fu.compared)
    lesion_e = min(s.measurements.lesions, key=lambda l: np.linalg.norm(np.asarray(l.centroid_mm) - BASELINE_LESIONS["E"][0]))
    s.delete_lesion(lesion_e.id)
    assert names(seen) == ["compared"] and fu.comparison is not before and len(register_calls) == 1
    assert _statuses(s) == ["disappeared", "merged", "new", "new", "persisting"]  # E is new at the follow-up now
    assert lesion_e.id not in [l.id for l in fu.baseline_timepoint.lesions]
    kept = [m for m in fu.comparison.to_json()["lesions"] if m["baseline_ids"]]
    assert {i for m in kept for i in m["baseline_ids"]} == {l.id for l in s.measurements.lesions}  # numbered as the viewer shows
    s.undo()
    assert _statuses(s) == ["disappeared", "merged", "new", "persisting", "persisting"] and len(register_calls) == 1


def test_targets_and_unsaved_changes(compared, files, tmp_path):
    s, fu = compared, compared.followups
    assert s.has_unsaved_changes and fu.has_unsaved_changes
    assert s.files.save_to(tmp_path / "case") and not s.has_unsaved_changes
    largest = max(fu.baseline_timepoint.lesions, key=lambda l: l.axial_diameter_mm).id
    fu.set_targets((largest,))
    assert fu.comparison.target_ids == (largest,) and s.has_unsaved_changes
    s.files.save_to(tmp_path / "case")
    assert not s.has_unsaved_changes
    with pytest.raises(Exception, match="not a baseline lesion"):
        fu.set_targets((99,))
    fu.set_targets(None)
    assert len(fu.comparison.target_ids) == 2 and s.has_unsaved_changes
    s.files.save_to(tmp_path / "case")
    fu.remove("month 3")
    assert fu.points == [] and fu.comparison is None and s.has_unsaved_changes


def test_bundle_round_trip_restores_without_registering(compared, make_session, tmp_path, register_calls):
    s = compared
    s.followups.set_targets((min(s.followups.comparison.target_ids),))
    expected = s.followups.comparison.to_json()
    assert s.files.save_to(tmp_path / "case")
    folder = tmp_path / "case.cned"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["followups"] == ["followups/1"]
    entry = json.loads((folder / "followups/1/followup.json").read_text())
    assert entry["name"] == "month 3" and entry["study_date"] == "2024-03-01" and entry["registration"]["stage_kept"]
    reopened = make_session()
    seen = record(reopened.followups.changed, reopened.followups.compared)
    assert reopened.open_bundle(str(folder))
    fu = reopened.followups
    assert len(register_calls) == 1 and fu.names == ["month 3"] and not reopened.has_unsaved_changes
    assert fu.targets == (min(expected["recist"]["target_ids"]),) and manifest["recist_targets"] == list(fu.targets)
    assert fu.comparison.to_json() == expected
    assert "compared" in names(seen)
    assert fu.point("month 3").registration.quality == s.followups.point("month 3").registration.quality
    reopened.files.save_to(folder)  # saved over itself: the image is kept, the entry rewritten
    assert json.loads((folder / "followups/1/followup.json").read_text())["name"] == "month 3"


def test_a_damaged_follow_up_leaves_a_warning_and_the_case_opens(compared, make_session, tmp_path):
    assert compared.files.save_to(tmp_path / "case")
    folder = tmp_path / "case.cned"
    (folder / "followups/1/followup.json").write_text("{ not json")
    reopened = make_session()
    failures = record(reopened.failed)
    assert reopened.open_bundle(str(folder)) and failures == []
    assert reopened.case is not None and reopened.editable and reopened.followups.points == []
    warning = next(w for w in reopened.case.warnings if "follow-up" in w)
    assert "followups/1" in warning and "damaged" in warning and "\n" not in warning


def test_an_old_bundle_without_follow_ups_opens_as_before(baseline, make_session, tmp_path):
    assert baseline.files.save_to(tmp_path / "old")
    assert "followups" not in json.loads((tmp_path / "old.cned/manifest.json").read_text())
    reopened = make_session()
    assert reopened.open_bundle(str(tmp_path / "old.cned")) and reopened.followups.points == []
    assert reopened.followups.comparison is None and not reopened.has_unsaved_changes


def test_linked_navigation_round_trip(compared):
    fu = compared.followups
    for index in [(32, 32, 32), (28, 36, 25), (40, 30, 34)]:
        there = fu.to_followup("month 3", index)
        truth = np.rint(GEOMETRY.patient_to_index(MOTION.baseline_to_followup(GEOMETRY.index_to_patient_mm(index))))
        assert there is not None and np.abs(np.asarray(there) - truth).max() <= 1
        back = fu.to_baseline("month 3", there)
        assert np.abs(np.asarray(back) - index).max() <= 1
    corners = [(z, y, x) for z in (0, 63) for y in (0, 63) for x in (0, 63)]
    outside = [c for c in corners if np.any(np.abs(GEOMETRY.patient_to_index(
        MOTION.baseline_to_followup(GEOMETRY.index_to_patient_mm(c))) - 31.5) > 33.5)]
    assert outside and all(fu.to_followup("month 3", c) is None for c in outside)


def test_the_report_has_the_response_section(compared, tmp_path):
    from pypdf import PdfReader

    assert compared.files.export_report(str(tmp_path / "report.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "Response: baseline against follow-up" in text and "RECIST 1.1 response" in text and "merged" in text
    assert compared.followups.response_json()["recist"] == compared.followups.comparison.to_json()["recist"]
    compared.followups.remove("month 3")
    assert compared.followups.response_json() is None


RECOVERY_CHILD = """
import json, sys, time
from cned_viewer.session import Answers, CaseSession, SyncExecutor

baseline, baseline_labels, followup, followup_labels = sys.argv[1:5]
session = CaseSession(SyncExecutor(), questions=Answers())
assert session.open_path(baseline, baseline_labels)
session.edits.autosaver.interval_s = 0
fu = session.followups
fu.open(followup, followup_labels, name="month 3", study_date="2024-03-01")
fu.open(followup, name="no labels")
fu.set_targets((max(fu.comparison.target_ids),))
manifest = session.edits.autosaver.folder / "manifest.json"
for _ in range(100):
    session.executor.tick()
    if manifest.is_file():
        break
print(json.dumps(fu.comparison.to_json()), flush=True)
print("saved", flush=True)
time.sleep(600)
"""


def test_a_killed_session_gets_its_follow_ups_back_without_registering(make_session, files, tmp_path, register_calls):
    """The child opens two follow-ups (one without labels) and chooses a target, then is SIGKILLed: the recovered
    session has both scans, the target and the same comparison, read from the scans' files with the saved registration."""
    expected = json.loads(killed_after_saving(RECOVERY_CHILD, tmp_path / "recovery", files["bl"], files["bl_labels"],
                                              files["fu"], files["fu_labels"])[-1])
    found = find_recoverable()
    assert len(found) == 1 and found[0].edits == 0 and [s["name"] for s in found[0].manifest["followups"]["scans"]] == \
        ["month 3", "no labels"]
    assert ": 0 edit(s), 2 follow-up scans, last saved" in found[0].describe()  # the question names what comes back
    s = make_session(recover="recover")
    assert s.offer_recovery() is True
    fu = s.followups
    assert fu.names == ["month 3", "no labels"] and fu.point("no labels").status == NO_LABELS
    assert fu.targets == tuple(expected["recist"]["target_ids"]) and len(fu.targets) == 1
    assert fu.comparison.to_json() == expected and register_calls == []
    assert s.has_unsaved_changes and s.files.save_to(tmp_path / "case")  # a bundle now holds them
    assert json.loads((tmp_path / "case.cned/manifest.json").read_text())["followups"] == ["followups/1", "followups/2"]


def test_a_follow_up_whose_file_is_gone_is_named_and_the_rest_recovers(baseline, files, make_session, tmp_path, register_calls):
    scan = tmp_path / "fu.nii.gz"
    scan.write_bytes(Path(files["fu"]).read_bytes())
    baseline.followups.open(str(scan), files["fu_labels"], name="month 3")
    baseline.edits.autosaver.interval_s = 0
    baseline.executor.tick()  # the follow-up alone is a change to save
    found = find_recoverable(include_running=True)
    scan.unlink()
    s = make_session(recover="recover")
    failures = record(s.failed)
    assert s.offer_recovery(found) and failures == []
    assert s.followups.points == [] and np.array_equal(s.case.labels.array, baseline.case.labels.array)
    warning = next(w for w in s.case.warnings if w.startswith("follow-up month 3 was not recovered"))
    assert str(scan) in warning and "is not there any more" in warning and "Open follow-up scan" in warning


def test_a_bundle_case_recovers_its_follow_ups_from_the_bundle_read_once(compared, make_session, tmp_path, monkeypatch):
    from cned_viewer.io import recovered_case

    assert compared.files.save_to(tmp_path / "case")
    opened = make_session()
    assert opened.open_bundle(str(tmp_path / "case.cned"))
    target = min(opened.followups.comparison.target_ids)
    opened.followups.set_targets((target,))  # the only change: it alone makes a recovery save
    opened.edits.autosaver.interval_s = 0
    opened.executor.tick()
    found = find_recoverable(include_running=True)
    reads = []
    monkeypatch.setattr(recovered_case, "load_case", lambda *args: reads.append(args))
    s = make_session(recover="recover")
    assert s.offer_recovery(found) and reads == []  # the bundle's own follow-up was reused, not read again
    assert s.followups.names == ["month 3"] and s.followups.targets == (target,) and s.has_unsaved_changes
    assert s.followups.comparison.to_json() == opened.followups.comparison.to_json()
