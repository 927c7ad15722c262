"""IRCAD patient 1 against a moved, edited copy of itself (ircad_pair.py): statuses and volume changes."""

from __future__ import annotations

import numpy as np
import pytest
from ircad_pair import ircad_pair
from scipy import ndimage

from cned_viewer.core.labels import TUMOUR
from cned_viewer.followup import DISAPPEARED, NEW, PERSISTING, TimePoint, compare
from cned_viewer.registration import register_followup

ERASE_AT_MM = (141.1, 89.2, 184.5)  # the centroid of baseline lesion 5
ERODE_AT_MM = (101.5, 191.9, 124.2)  # ... of lesion 3


@pytest.fixture(scope="module")
def ircad(shared_data):
    pair = ircad_pair(shared_data / "ircadb01_p1", ERASE_AT_MM, ERODE_AT_MM)
    registration = register_followup(pair.baseline_image, pair.baseline_labels, pair.followup_image, pair.followup_labels)
    baseline, followup = TimePoint.measure("baseline", pair.baseline_labels), TimePoint.measure("followup", pair.followup_labels)
    return pair, registration, baseline, followup, compare(baseline, [(followup, registration.transform)])


def _independent_volumes_ml(labels: np.ndarray, point: TimePoint) -> dict[int, float]:
    """Each lesion's volume counted by scipy on its own grid (the component nearest the lesion's centroid)."""
    components, count = ndimage.label(labels == TUMOUR, np.ones((3, 3, 3)))
    sizes = ndimage.sum_labels(np.ones_like(components), components, np.arange(1, count + 1))
    centres = point.geometry.index_to_patient_mm(np.array(ndimage.center_of_mass(labels == TUMOUR, components, np.arange(1, count + 1))))
    out = {}
    for lesion in point.lesions:
        nearest = int(np.argmin(np.linalg.norm(centres - np.asarray(lesion.centroid_mm), axis=1)))
        out[lesion.id] = float(sizes[nearest]) * point.geometry.voxel_volume_ml
    return out


@pytest.mark.data
def test_registration_of_the_moved_copy(ircad):
    pair, registration, *_ = ircad
    points = pair.followup_image.geometry.index_to_patient_mm(np.argwhere(pair.followup_labels.array == TUMOUR))
    error = np.linalg.norm(registration.transform.followup_to_baseline(points) - pair.motion.followup_to_baseline(points), axis=1)
    assert error.max() < 1.0
    assert registration.quality.liver_dice > 0.98 and registration.warning is None


@pytest.mark.data
def test_statuses_and_volume_changes(ircad):
    pair, _, baseline, followup, comparison = ircad
    matches = comparison.followups[0].matches
    statuses = {m.baseline_ids: m.status for m in matches if m.baseline_ids}
    assert statuses == {(1,): PERSISTING, (2,): PERSISTING, (3,): PERSISTING, (4,): PERSISTING, (5,): DISAPPEARED,
                        (6,): PERSISTING, (7,): PERSISTING}
    assert [m.status for m in matches if not m.baseline_ids] == [NEW]
    before = _independent_volumes_ml(pair.baseline_labels.array, baseline)
    after = _independent_volumes_ml(pair.followup_labels.array, followup)
    for match in matches:
        if match.status != PERSISTING:
            continue
        (b,), (f,) = match.baseline_ids, match.followup_ids
        assert match.volume_change_percent == pytest.approx(100 * (after[f] - before[b]) / before[b], abs=1.0)
        if b == 3:  # the eroded one
            assert match.volume_change_percent < -30
        else:
            assert abs(match.volume_change_percent) < 3  # moved, not changed: nearest-neighbour resampling only
    data = comparison.to_json()
    assert data["recist"]["response"] == "PD" and data["volumetric"]["response"] == "PD"  # the added lesion
