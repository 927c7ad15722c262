"""Fixtures of the follow-up tests: the synthetic pair, registered and compared once per module."""

from __future__ import annotations

import pytest
from followup_phantoms import synthetic_pair

from cned_viewer.followup import TimePoint, compare
from cned_viewer.registration import register_followup


@pytest.fixture(scope="module")
def synthetic():
    """(pair, registration, baseline TimePoint, follow-up TimePoint, comparison)."""
    pair = synthetic_pair()
    registration = register_followup(pair.baseline_image, pair.baseline_labels, pair.followup_image, pair.followup_labels)
    baseline, followup = TimePoint.measure("baseline", pair.baseline_labels), TimePoint.measure("followup", pair.followup_labels)
    return pair, registration, baseline, followup, compare(baseline, [(followup, registration.transform)])
