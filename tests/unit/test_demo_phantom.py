"""The synthetic demo case: deterministic, fast, and its ground truth is exact."""

from __future__ import annotations

import time

import numpy as np
import pytest

from cned_viewer.core.labels import HEPATIC_VEINS, PORTAL_VEIN, TUMOUR
from cned_viewer.demo import phantom
from cned_viewer.demo.phantom import demo_truth, liver_envelope_mask, make_demo_case
from cned_viewer.measure import measure


def test_built_in_under_two_seconds():
    start = time.perf_counter()
    make_demo_case()
    assert time.perf_counter() - start < 2.0


def test_deterministic(demo_case):
    again = make_demo_case()
    assert np.array_equal(again.image.array, demo_case.image.array)
    assert np.array_equal(again.labels.array, demo_case.labels.array)


def test_liver_envelope_and_ttv_agree_with_analytic_values(demo_case):
    truth = demo_truth()
    geometry = demo_case.image.geometry
    envelope_ml = np.count_nonzero(liver_envelope_mask(geometry)) * geometry.voxel_volume_ml
    assert envelope_ml == pytest.approx(truth.liver_envelope_ml, rel=0.01)
    assert 1400 < truth.liver_envelope_ml < 1600
    ttv_ml = demo_case.labels.volumes_ml()["tumour"]
    assert ttv_ml == pytest.approx(truth.ttv_ml, rel=0.01)
    assert abs(truth.tlvr - 0.23) < 0.015


def test_anisotropic_spacing(demo_case):
    x, y, z = demo_case.image.geometry.spacing_xyz_mm
    assert x == y < z


def test_lesions_match_the_engine(demo_case):
    """Every planned lesion is one counted component of the right volume and place."""
    truth = demo_truth()
    result = measure(demo_case)
    assert result.lesion_count == len(truth.lesions) > 8
    matched = set()
    for measured in result.lesions:
        lesion = min(truth.lesions, key=lambda l: np.linalg.norm(np.asarray(measured.centroid_mm) - l.centre_mm))
        matched.add(lesion)
        assert measured.volume_ml == pytest.approx(lesion.volume_ml, rel=0.05 if lesion.radius_mm > 8 else 0.15)
        assert np.linalg.norm(np.asarray(measured.centroid_mm) - lesion.centre_mm) < 1.5
        assert 5.0 <= 2 * lesion.radius_mm <= 60.0
    assert len(matched) == len(truth.lesions)


def test_vessel_contacts_are_as_planned(demo_case):
    result = measure(demo_case)
    by_centre = {tuple(np.round(l.centre_mm)): l for l in demo_truth().lesions}
    touching = {"portal_vein": 0, "hepatic_veins": 0}
    for measured in result.lesions:
        lesion = min(by_centre.values(), key=lambda l: np.linalg.norm(np.asarray(measured.centroid_mm) - l.centre_mm))
        assert measured.portal_vein_contact == (lesion.touches == "portal_vein")
        assert measured.hepatic_vein_contact == (lesion.touches == "hepatic_veins")
        if lesion.touches:
            touching[lesion.touches] += 1
    assert touching == {"portal_vein": 1, "hepatic_veins": 1}


def test_ct_intensities_are_plausible(demo_case):
    hu, labels = demo_case.image.array, demo_case.labels.array
    liver = np.median(hu[labels == 1])
    assert 50 <= liver <= 70
    assert np.median(hu[labels == TUMOUR]) < liver - 10  # hypodense metastases
    assert np.median(hu[(labels == PORTAL_VEIN) | (labels == HEPATIC_VEINS)]) > 150  # contrast-filled veins
    assert hu.min() <= -900  # air around the body


def test_lesions_are_inside_the_liver_and_apart():
    lesions = phantom.LESIONS
    for i, a in enumerate(lesions):
        for b in lesions[i + 1:]:
            gap = np.linalg.norm(np.subtract(a.centre_mm, b.centre_mm)) - a.radius_mm - b.radius_mm
            assert gap >= 4.0
