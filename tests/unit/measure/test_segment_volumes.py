"""Couinaud segment volumetry: the joint-histogram kernel against its numpy twin, and an analytic phantom."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import SEGMENT_LABEL_TABLE, LabelMap
from cned_viewer.kernels import reference as ref
from cned_viewer.kernels.joint_histogram import joint_histogram
from cned_viewer.measure.segment_volumes import segment_volumetry

SPACING_ZYX = (2.0, 0.8, 0.8)
SHAPE = (40, 90, 110)
VOXEL_ML = 2.0 * 0.8 * 0.8 / 1000.0
ROMAN = "I II III IV V VI VII VIII".split()


# -- the kernel ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_joint_histogram_equals_bincount(seed, random_labels):
    rng = np.random.default_rng(seed)
    shape = (7 + seed, 11, 13 + 2 * seed)
    labels = random_labels(rng, shape=shape, density=0.2 + 0.15 * seed)
    segments = rng.integers(0, 9, shape).astype(np.uint8)
    segments[rng.random(shape) < 0.1] = 255  # values far from 1-8 are counted too
    labels[1, 2, :] = 1  # a whole row of one pair: the run path
    segments[1, 2, :] = 5
    ours = joint_histogram(labels, segments, None)
    assert ours.dtype == np.int64 and ours.shape == (256, 256)
    np.testing.assert_array_equal(ours, ref.joint_histogram_reference(labels, segments, None))
    assert ours.sum() == labels.size
    lo = [int(rng.integers(0, n // 2)) for n in shape]
    box = tuple(v for axis in range(3) for v in (lo[axis], int(rng.integers(lo[axis] + 1, shape[axis] + 1))))
    inside = joint_histogram(labels, segments, box)
    np.testing.assert_array_equal(inside, ref.joint_histogram_reference(labels, segments, box))
    assert inside.sum() == (box[1] - box[0]) * (box[3] - box[2]) * (box[5] - box[4])


def test_joint_histogram_single_voxel_and_empty_boxes():
    labels = np.zeros((3, 4, 5), np.uint8)
    segments = np.zeros_like(labels)
    labels[1, 2, 3], segments[1, 2, 3] = 2, 7
    one = joint_histogram(labels, segments, (1, 2, 2, 3, 3, 4))
    assert one[2, 7] == 1 and one.sum() == 1
    assert joint_histogram(labels, segments, (1, 1, 0, 4, 0, 5)).sum() == 0
    # a non-contiguous view is read correctly too
    view_l, view_s = labels[:, ::-1, 1:], segments[:, ::-1, 1:]
    np.testing.assert_array_equal(joint_histogram(view_l, view_s), ref.joint_histogram_reference(view_l, view_s))


@pytest.mark.parametrize(
    ("labels", "segments", "message"),
    [
        (np.zeros((2, 3, 4), np.int32), np.zeros((2, 3, 4), np.uint8), "labels must be uint8"),
        (np.zeros((2, 3, 4), np.uint8), np.zeros((2, 3), np.uint8), "segments must be 3D"),
        (np.zeros((2, 3, 4), np.uint8), np.zeros((2, 3, 5), np.uint8), "differ in shape"),
        ([[[0]]], np.zeros((1, 1, 1), np.uint8), "labels must be a numpy array"),
    ],
)
def test_joint_histogram_rejects_bad_input(labels, segments, message):
    with pytest.raises(ValueError, match=message):
        joint_histogram(labels, segments, None)


# -- the measurement on an analytic phantom --------------------------------------------------


def geometry(spacing_zyx=SPACING_ZYX, shape=SHAPE) -> Geometry:
    return Geometry.for_array(shape, tuple(reversed(spacing_zyx)))


@pytest.fixture
def phantom(ellipsoid):
    """An ellipsoid liver, a tumour ball across the 2|7 plane, vessels inside; segments 2 | 7 and a slab of 1."""
    labels = np.zeros(SHAPE, np.uint8)
    liver = ellipsoid(SHAPE, (20, 45, 55), (34.0, 32.0, 40.0), SPACING_ZYX)
    labels[liver] = 1
    labels[ellipsoid(SHAPE, (20, 45, 55), (8.0, 8.0, 8.0), SPACING_ZYX)] = 2  # straddles x = 55
    labels[18:22, 20:23, 30:80] = 3  # a portal branch: never liver volume
    segments = np.zeros(SHAPE, np.uint8)
    segments[:, :, :55] = 2
    segments[:, :, 55:] = 7
    segments[:, 60:, :] = 1  # a slab: the caudate
    segments[labels == 0] = 0
    return labels, segments


def test_phantom_volumes_equal_numpy_counts(phantom):
    labels, segments = phantom
    g = geometry()
    result = segment_volumetry(LabelMap(labels, g), LabelMap(segments, g, SEGMENT_LABEL_TABLE))
    liver = (labels == 1) | (labels == 2)
    tumour = labels == 2
    assert np.count_nonzero(tumour & (segments == 2)) > 0 and np.count_nonzero(tumour & (segments == 7)) > 0
    assert [row.name for row in result.rows] == [f"Segment {r}" for r in ROMAN] + [
        "Caudate (1)", "Left liver (2-4)", "Right liver (5-8)"]
    whole = np.count_nonzero(liver)
    for row in result.rows:
        in_row = np.isin(segments, row.segments)
        n_liver, n_tumour = np.count_nonzero(liver & in_row), np.count_nonzero(tumour & in_row)
        assert row.liver_ml == pytest.approx(n_liver * VOXEL_ML, rel=1e-12)
        assert row.tumour_ml == pytest.approx(n_tumour * VOXEL_ML, rel=1e-12)
        assert row.tumour_share == (pytest.approx(n_tumour / n_liver) if n_liver else None)
        assert row.share_of_liver == pytest.approx(n_liver / whole)
    segment_rows = result.rows[:8]
    assert sum(r.liver_ml for r in segment_rows) == pytest.approx(whole * VOXEL_ML)
    assert sum(r.share_of_liver for r in segment_rows) == pytest.approx(1.0)
    groups = result.rows[8:]
    assert sum(r.liver_ml for r in groups) == pytest.approx(whole * VOXEL_ML)
    assert sum(r.share_of_liver for r in groups) == pytest.approx(1.0)
    assert sum(r.tumour_ml for r in groups) == pytest.approx(np.count_nonzero(tumour) * VOXEL_ML)
    assert result.row("Segment III").liver_ml == 0.0 and result.row("Segment III").tumour_share is None
    assert result.unassigned_liver_ml == 0.0
    assert result.parenchyma_tumour_ml == pytest.approx(whole * VOXEL_ML)
    # near the analytic volume of the ellipsoid (4/3 pi abc = 182.3 mL; the vessel takes < 1 mL of it)
    assert result.parenchyma_tumour_ml == pytest.approx(4 / 3 * np.pi * 34 * 32 * 40 / 1000, rel=0.03)
    encoded = json.loads(json.dumps(result.to_json()))
    assert encoded["rows"][1]["segments"] == [2] and encoded["parenchyma_tumour_ml"] == result.parenchyma_tumour_ml


def test_liver_outside_every_segment_is_reported(phantom):
    labels, segments = phantom
    segments[:, :30, :40] = 0  # the map misses a corner of the liver
    g = geometry()
    result = segment_volumetry(LabelMap(labels, g), LabelMap(segments, g, SEGMENT_LABEL_TABLE))
    liver = (labels == 1) | (labels == 2)
    missed = np.count_nonzero(liver & (segments == 0))
    assert missed > 100
    assert result.unassigned_liver_ml == pytest.approx(missed * VOXEL_ML)
    assigned = sum(r.liver_ml for r in result.rows[:8])
    assert assigned == pytest.approx((np.count_nonzero(liver) - missed) * VOXEL_ML)
    assert result.parenchyma_tumour_ml == pytest.approx(assigned + result.unassigned_liver_ml)
    assert sum(r.share_of_liver for r in result.rows[:8]) == pytest.approx(1.0)  # shares of the segmented liver


def test_no_liver_gives_zero_volumes_and_no_shares():
    g = geometry(shape=(4, 5, 6))
    labels = np.zeros((4, 5, 6), np.uint8)
    labels[0, 0, 0] = 3
    result = segment_volumetry(LabelMap(labels, g), LabelMap(np.full_like(labels, 4), g, SEGMENT_LABEL_TABLE))
    assert all(r.liver_ml == 0.0 and r.tumour_share is None and r.share_of_liver is None for r in result.rows)
    assert result.parenchyma_tumour_ml == 0.0 and result.unassigned_liver_ml == 0.0


def test_mismatched_geometry_raises(phantom):
    labels, segments = phantom
    with pytest.raises(ValueError, match="different grids"):
        segment_volumetry(LabelMap(labels, geometry()), LabelMap(segments, geometry((2.0, 0.8, 0.9)), SEGMENT_LABEL_TABLE))


def test_segment_values_above_eight_in_the_liver_raise(phantom):
    labels, segments = phantom
    segments[20, 45, 55] = 9
    g = geometry()
    with pytest.raises(ValueError, match=r"values \[9\]"):
        segment_volumetry(LabelMap(labels, g), LabelMap(segments, g))
