"""The synthetic pair (followup_phantoms.py): a known rigid motion, every lesion status, volumes, RECIST class."""

from __future__ import annotations

import numpy as np
import pytest
from followup_phantoms import BASELINE_LESIONS, FOLLOWUP_LESIONS, GEOMETRY, MOTION, SPACING_MM, scan
from scipy import ndimage

from cned_viewer.core.labels import TUMOUR
from cned_viewer.followup import DISAPPEARED, MERGED, NEW, PD, PERSISTING, RECIST, SD, SPLIT, PhysicalMap, TimePoint, classify, match_lesions


def _id_at(point: TimePoint, centre_mm, motion: PhysicalMap | None = None) -> int:
    """The lesion whose centroid is nearest a baseline-space point (mapped into the scan by ``motion``)."""
    target = np.asarray(centre_mm) if motion is None else motion.baseline_to_followup(centre_mm)
    return min(point.lesions, key=lambda lesion: np.linalg.norm(np.asarray(lesion.centroid_mm) - target)).id


def _independent_ml(labels: np.ndarray, centre_mm, motion: PhysicalMap | None = None) -> float:
    """Volume of the tumour component at a baseline-space point, counted by scipy on the scan's own grid."""
    target = np.asarray(centre_mm) if motion is None else motion.baseline_to_followup(centre_mm)
    components, _ = ndimage.label(labels == TUMOUR, np.ones((3, 3, 3)))
    index = tuple(np.rint(GEOMETRY.patient_to_index(target)).astype(int))
    return float(np.count_nonzero(components == components[index])) * GEOMETRY.voxel_volume_ml


def test_registration_recovers_the_motion_within_one_voxel(synthetic):
    pair, registration, *_ = synthetic
    points = GEOMETRY.index_to_patient_mm(np.argwhere(pair.followup_labels.array > 0))
    error = np.linalg.norm(registration.transform.followup_to_baseline(points) - MOTION.followup_to_baseline(points), axis=1)
    assert error.max() < SPACING_MM
    assert registration.quality.liver_dice > 0.95 and registration.quality.mean_surface_distance_mm < 1.5
    assert registration.warning is None


def test_the_map_goes_both_ways(synthetic):
    transform = synthetic[1].transform
    point = np.array([12.0, -30.0, 7.5])
    assert transform.baseline_to_followup(transform.followup_to_baseline(point)) == pytest.approx(point, abs=1e-9)


def test_every_status_and_the_numbers(synthetic):
    _, _, baseline, followup, comparison = synthetic
    matches = {m.status: m for m in comparison.followups[0].matches if m.status != PERSISTING}
    persisting = [m for m in comparison.followups[0].matches if m.status == PERSISTING]
    ids = {name: _id_at(baseline, centre) for name, (centre, _) in BASELINE_LESIONS.items()}
    assert sorted(m.baseline_ids for m in persisting) == sorted([(ids["A"],), (ids["E"],)])
    assert matches[DISAPPEARED].baseline_ids == (ids["B"],)
    assert matches[MERGED].baseline_ids == tuple(sorted((ids["C"], ids["D"])))
    assert matches[MERGED].followup_numbers == (min(ids["C"], ids["D"]),)
    new_id = _id_at(followup, FOLLOWUP_LESIONS["N"][0], MOTION)
    assert matches[NEW].followup_ids == (new_id,) and matches[NEW].followup_numbers == (len(baseline.lesions) + 1,)
    assert all(m.followup_numbers == m.baseline_ids for m in persisting)


@pytest.mark.parametrize("name", ["A", "E"])
def test_volume_change_matches_an_independent_count(synthetic, name):
    pair, _, baseline, _, comparison = synthetic
    match = next(m for m in comparison.followups[0].matches if m.baseline_ids == (_id_at(baseline, BASELINE_LESIONS[name][0]),))
    before = _independent_ml(pair.baseline_labels.array, BASELINE_LESIONS[name][0])
    after = _independent_ml(pair.followup_labels.array, FOLLOWUP_LESIONS[name][0], MOTION)
    assert match.volume_change_percent == pytest.approx(100 * (after - before) / before, abs=1.0)
    if name == "A":  # shrunk to half its volume (within the sampling of a 2 mm grid)
        assert match.volume_change_percent == pytest.approx(-50.0, abs=6.0)


def test_recist_and_volumetric_classes(synthetic):
    _, _, baseline, _, comparison = synthetic
    ids = {name: _id_at(baseline, centre) for name, (centre, _) in BASELINE_LESIONS.items()}
    assert comparison.target_ids == tuple(sorted((ids["A"], ids["E"])))  # the two largest measurable
    data = comparison.to_json()
    assert data["recist"]["response"] == PD and data["recist"]["new_lesion"]  # a new lesion means PD
    recist = comparison.followups[0].recist
    assert classify(RECIST, recist.baseline, recist.nadir, recist.current, new_lesion=False) == SD  # -10 %: SD without it
    assert data["volumetric"]["response"] == PD
    assert data["volumetric"]["followup_ttv_ml"] == pytest.approx(comparison.followups[0].point.measurements.burden.ttv_ml)
    assert {"liver_dice", "mean_surface_distance_mm"} <= set(synthetic[1].to_json())


def test_a_split_lesion():
    """One baseline lesion seen as two at follow-up (no motion): ``split``; the larger fragment keeps the number."""
    _, base_labels = scan({"S": ((0.0, 0.0, 0.0), 7.0)}, None)
    _, follow_labels = scan({"L": ((-6.0, 0.0, 0.0), 3.9), "R": ((6.0, 0.0, 0.0), 3.5)}, None)
    baseline, followup = TimePoint.measure("b", base_labels), TimePoint.measure("f", follow_labels)
    (match,) = match_lesions(baseline, followup, PhysicalMap.identity())
    assert match.status == SPLIT and match.baseline_ids == (1,) and sorted(match.followup_ids) == [1, 2]
    assert match.followup_numbers[match.followup_ids.index(1)] == 1 and sorted(match.followup_numbers) == [1, 2]


def test_pairing_by_centroid_when_nothing_overlaps():
    """A lesion moved by 10 mm (no overlap left) is still paired, by distance; 20 mm away it is new and disappeared."""
    _, base_labels = scan({"A": ((0.0, 0.0, 0.0), 4.0)}, None)
    for shift, statuses in ((10.0, [PERSISTING]), (20.0, [DISAPPEARED, NEW])):
        _, follow_labels = scan({"A": ((shift, 0.0, 0.0), 4.0)}, None)
        matches = match_lesions(TimePoint.measure("b", base_labels), TimePoint.measure("f", follow_labels), PhysicalMap.identity())
        assert [m.status for m in matches] == statuses
        assert matches[0].matched_by == ("centroid" if shift < 15 else None)
