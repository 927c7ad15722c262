"""measure() on analytic phantoms: volumes, diameters, distances, contact, envelope, JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from cned_viewer.core import Case, Geometry, LabelMap, Volume
from cned_viewer.measure import MeasureOptions, measure

LESION_KEYS = {
    "id", "volume_ml", "centroid_mm", "bbox", "feret_diameter_mm", "axial_diameter_mm", "portal_vein_distance_mm",
    "hepatic_vein_distance_mm", "portal_vein_contact", "hepatic_vein_contact", "portal_vein_contact_fraction",
    "hepatic_vein_contact_fraction", "segments",
}


def label_map(array: np.ndarray, spacing_xyz=(0.8, 0.7, 1.5), origin=(10.0, -20.0, 5.0)) -> LabelMap:
    return LabelMap(array.astype(np.uint8), Geometry.for_array(array.shape, spacing_xyz, origin))


def test_ellipsoid_volume_and_diameters_at_anisotropic_spacing(ellipsoid):
    spacing_zyx = (0.5, 0.3, 0.25)
    shape = (64, 96, 112)
    radii = (14.0, 12.0, 11.0)  # mm along z, y, x
    labels = np.zeros(shape, np.uint8)
    labels[ellipsoid(shape, (32, 48, 56), radii, spacing_zyx)] = 2
    m = measure(label_map(labels, spacing_zyx[::-1]))
    expected_ml = 4 / 3 * math.pi * np.prod(radii) / 1000
    assert m.ttv_ml == pytest.approx(expected_ml, rel=0.01)
    (lesion,) = m.lesions
    diagonal = math.sqrt(sum(s * s for s in spacing_zyx))
    assert abs(lesion.feret_diameter_mm - 2 * radii[0]) <= diagonal
    assert abs(lesion.axial_diameter_mm - 2 * radii[1]) <= diagonal
    assert lesion.centroid_mm == pytest.approx((10.0 + 56 * 0.25, -20.0 + 48 * 0.3, 5.0 + 32 * 0.5), abs=1e-9)
    assert lesion.portal_vein_distance_mm is None and lesion.segments is None


def two_spheres_case(gap_voxels: int):
    """A lesion cube and a portal-vein cube side by side along x, ``gap_voxels`` empty voxels apart."""
    labels = np.ones((12, 16, 40), np.uint8)
    labels[3:9, 4:12, 4:14] = 2
    x0 = 14 + gap_voxels
    labels[4:8, 5:11, x0:x0 + 6] = 3
    return labels


@pytest.mark.parametrize("gap", [0, 1, 3])
def test_vessel_distance_is_exact_voxel_centre_geometry(gap):
    spacing_xyz = (0.8, 0.7, 1.5)
    m = measure(label_map(two_spheres_case(gap), spacing_xyz))
    (lesion,) = m.lesions
    assert lesion.portal_vein_distance_mm == pytest.approx((gap + 1) * 0.8, abs=1e-12)
    assert lesion.hepatic_vein_distance_mm is None and not lesion.hepatic_vein_contact


@pytest.mark.parametrize("gap", [0, 1])
def test_contact_flips_exactly_at_the_threshold(gap):
    labels = two_spheres_case(gap)
    distance = (gap + 1) * 0.8
    at = measure(label_map(labels), MeasureOptions(contact_threshold_mm=distance)).lesions[0]
    below = measure(label_map(labels), MeasureOptions(contact_threshold_mm=np.nextafter(distance, 0) - 1e-9)).lesions[0]
    assert at.portal_vein_contact and not below.portal_vein_contact
    assert at.portal_vein_contact_fraction > 0 and below.portal_vein_contact_fraction == 0


def test_diagonal_neighbour_is_in_contact_by_default():
    labels = np.ones((6, 10, 10), np.uint8)
    labels[2:4, 2:4, 2:4] = 2
    labels[2:4, 4, 4] = 3  # touches the lesion corner (3, 3) diagonally in-plane
    lm = label_map(labels, (0.8, 0.7, 1.5))
    lesion = measure(lm, MeasureOptions(min_lesion_volume_ml=0)).lesions[0]
    assert lesion.portal_vein_distance_mm == pytest.approx(math.hypot(0.8, 0.7))
    assert lesion.portal_vein_contact
    # share of surface voxels within the diagonal: the two corner voxels (3, 3) of 8 surface voxels
    assert lesion.portal_vein_contact_fraction == pytest.approx(2 / 8)


def test_envelope_counts_enclosed_vessels_only():
    labels = np.zeros((5, 30, 30), np.uint8)
    labels[:, 5:25, 5:25] = 1
    labels[:, 10:13, 10:13] = 3  # enclosed portal branch: 9 voxels per slice
    labels[:, 14:17, 3:8] = 4  # hepatic vein reaching the outside: not enclosed
    labels[:, 20:22, 20:22] = 2
    m = measure(label_map(labels))
    voxel_ml = 0.8 * 0.7 * 1.5 / 1000
    n_parenchyma, n_tumour = np.count_nonzero(labels == 1), np.count_nonzero(labels == 2)
    assert m.total_liver_ml == pytest.approx((n_parenchyma + n_tumour + 5 * 9) * voxel_ml)
    assert m.tlvr == pytest.approx(m.ttv_ml / m.total_liver_ml)
    assert m.tlvr_parenchyma == pytest.approx(n_tumour / n_parenchyma)
    assert "parenchyma + tumour" in m.tlvr_denominator


def test_lesions_sorted_tiny_listed_and_sensitivity_range():
    labels = np.ones((12, 40, 40), np.uint8)
    labels[2:10, 2:12, 2:12] = 2  # 800 voxels
    labels[2:10, 2:12, 13:20] = 2  # 560 voxels, one voxel gap: merges when dilated
    labels[5, 30, 30] = 2  # one voxel: tiny
    lm = label_map(labels, (1.0, 1.0, 1.0))
    m = measure(lm, MeasureOptions(min_lesion_volume_ml=0.01))
    assert [lesion.id for lesion in m.lesions] == [1, 2]
    assert [round(lesion.volume_ml * 1000) for lesion in m.lesions] == [800, 560]
    assert len(m.tiny_lesions) == 1 and m.lesion_count == 2
    assert (m.lesion_count_low, m.lesion_count_high) == (1, 2)
    assert m.tlvr_low < m.tlvr < m.tlvr_high
    eroded = 6 * 8 * 8 + 6 * 8 * 5
    assert m.tlvr_low == pytest.approx(eroded / 1000 / m.total_liver_ml)


@pytest.mark.parametrize("connectivity,expected", [(6, 2), (18, 2), (26, 1)])
def test_connectivity_is_configurable(connectivity, expected):
    labels = np.ones((6, 8, 8), np.uint8)
    labels[1:3, 1:3, 1:3] = 2
    labels[3:5, 3:5, 3:5] = 2  # touches the first cube at one corner only
    m = measure(label_map(labels), MeasureOptions(connectivity=connectivity, min_lesion_volume_ml=0))
    assert m.lesion_count == expected


def test_segments_and_bilobar_and_json_shape():
    labels = np.ones((6, 20, 30), np.uint8)
    labels[2:4, 5:10, 5:25] = 2
    segments = np.zeros_like(labels)
    segments[:, :, :15] = 3
    segments[:, :, 15:] = 6
    geometry = Geometry.for_array(labels.shape, (1.0, 1.0, 1.0))
    case = Case(Volume(np.zeros(labels.shape, np.int16), geometry), LabelMap(labels, geometry), LabelMap(segments, geometry))
    m = measure(case, MeasureOptions(min_lesion_volume_ml=0))
    assert m.lesions[0].segments == (3, 6) and m.bilobar is True
    data = m.to_json()
    assert set(data["lesions"][0]) == LESION_KEYS
    assert set(data["volumes_ml"]) == {"liver_parenchyma", "tumour", "portal_vein", "hepatic_veins"}
    assert data["lesion_count"] == 1 and data["lesions"][0]["bbox"] == [2, 5, 5, 3, 9, 24]
    json.dumps(data)


def test_no_tumour_gives_zero_burden():
    labels = np.ones((4, 8, 8), np.uint8)
    m = measure(label_map(labels))
    assert m.ttv_ml == 0 and m.lesion_count == 0 and m.tlvr == 0 and m.tlvr_low == 0
