"""Brush dabs and strokes: analytic voxel counts, restrictions, one record per stroke."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cned_viewer.core.labels import BACKGROUND, HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.editing import Brush, PaintRules, Stroke, dab

SPACING = (2.5, 0.7, 0.9)  # z, y, x mm


def centres_inside(radius_mm: float, spacing: tuple[float, float, float], axes: tuple[int, ...]) -> int:
    """Voxel centres within ``radius_mm`` of a voxel centre, counted one by one along ``axes``."""
    reach = [int(radius_mm / spacing[a]) + 2 for a in axes]
    count = 0
    for offsets in itertools.product(*(range(-r, r + 1) for r in reach)):
        if sum((o * spacing[a]) ** 2 for o, a in zip(offsets, axes)) <= radius_mm**2:
            count += 1
    return count


@pytest.mark.parametrize("radius", [0.0, 1.0, 3.3, 7.0])
@pytest.mark.parametrize("plane, axes", [("axial", (1, 2)), ("coronal", (0, 2)), ("sagittal", (0, 1))])
def test_disk_covers_the_voxel_centres_inside_it(radius, plane, axes):
    labels = np.zeros((40, 60, 50), np.uint8)
    record = dab(labels, (20, 30, 25), Brush(radius, plane), PaintRules.paint(TUMOUR), SPACING)
    assert np.count_nonzero(labels) == centres_inside(radius, SPACING, axes)
    fixed = ({0, 1, 2} - set(axes)).pop()
    assert set(np.nonzero(labels)[fixed]) == {(20, 30, 25)[fixed]}
    assert record is not None and np.array_equal(record.new != record.old, labels[record.box] != 0)
    assert np.count_nonzero(record.new != record.old) == np.count_nonzero(labels)  # the box is exact
    for axis in range(3):
        assert np.nonzero(labels)[axis].min() == record.start_zyx[axis]
        assert np.nonzero(labels)[axis].max() + 1 == record.stop_zyx[axis]


def test_sphere_and_erase_restores():
    labels = np.full((30, 40, 40), LIVER_PARENCHYMA, np.uint8)
    before = labels.copy()
    brush = Brush(6.0, sphere=True)
    dab(labels, (15, 20, 20), brush, PaintRules.paint(TUMOUR), SPACING)
    assert np.count_nonzero(labels == TUMOUR) == centres_inside(6.0, SPACING, (0, 1, 2))
    dab(labels, (15, 20, 20), brush, PaintRules.erase(TUMOUR, replace_with=LIVER_PARENCHYMA), SPACING)
    assert np.array_equal(labels, before)


def test_dab_at_the_edge_is_clipped_and_outside_is_nothing():
    labels = np.zeros((5, 10, 10), np.uint8)
    record = dab(labels, (0, 0, 0), Brush(2.0), PaintRules.paint(1), (1.0, 1.0, 1.0))
    assert record.start_zyx == (0, 0, 0) and np.count_nonzero(labels) == 6  # a quarter disk of 13
    assert dab(labels, (0, -20, 0), Brush(2.0), PaintRules.paint(1), (1.0, 1.0, 1.0)) is None
    assert dab(labels, (0, 0, 0), Brush(2.0), PaintRules.paint(1), (1.0, 1.0, 1.0)) is None  # nothing new


def test_intensity_region_and_overwrite_rules_hold():
    rng = np.random.default_rng(1)
    image = rng.integers(-100, 300, (10, 50, 50)).astype(np.int16)
    labels = rng.choice(np.array([0, LIVER_PARENCHYMA, PORTAL_VEIN, HEPATIC_VEINS], np.uint8), (10, 50, 50))
    before = labels.copy()
    region = np.zeros(labels.shape, bool)
    region[:, :, :30] = True
    rules = PaintRules.paint(
        TUMOUR, intensity_hu=(20, 200), region_labels=frozenset({BACKGROUND, LIVER_PARENCHYMA, PORTAL_VEIN}),
        region_mask=region, replaceable=frozenset({LIVER_PARENCHYMA}),
    )
    dab(labels, (5, 25, 25), Brush(15.0), rules, (1.0, 1.0, 1.0), image)
    painted = labels == TUMOUR
    assert painted.any()
    assert np.all((image[painted] >= 20) & (image[painted] <= 200))
    assert np.all(np.isin(before[painted], [BACKGROUND, LIVER_PARENCHYMA]))  # vessels never replaced
    assert not painted[:, :, 30:].any()
    disk = np.zeros_like(painted)
    dab(disk.view(np.uint8), (5, 25, 25), Brush(15.0), PaintRules.paint(1), (1.0, 1.0, 1.0))
    allowed = disk & (image >= 20) & (image <= 200) & region & np.isin(before, [0, LIVER_PARENCHYMA])
    assert np.array_equal(painted, allowed)  # and everything allowed was painted
    with pytest.raises(ValueError, match="needs the image"):
        dab(labels, (5, 25, 25), Brush(3.0), rules, (1.0, 1.0, 1.0))


def test_fast_stroke_leaves_no_gap_and_is_one_record():
    labels = np.zeros((3, 80, 80), np.uint8)
    stroke = Stroke(labels, Brush(1.5), PaintRules.paint(TUMOUR), (1.0, 1.0, 1.0))
    moves = [stroke.move_to(p) for p in [(1, 5, 5), (1, 70, 60), (1, 10, 75)]]
    assert all(m is not None for m in moves)
    # every voxel on both segments' centre lines is painted
    for a, b in [((5, 5), (70, 60)), ((70, 60), (10, 75))]:
        for t in np.linspace(0, 1, 400):
            y, x = np.rint(np.add(a, np.multiply(t, np.subtract(b, a)))).astype(int)
            assert labels[1, y, x] == TUMOUR
    whole = stroke.record
    assert np.count_nonzero(whole.old) == 0 and np.array_equal(whole.new, labels[whole.box])
    assert np.count_nonzero(labels) == np.count_nonzero(whole.new)


def test_stroke_record_keeps_the_values_before_the_stroke():
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 5, (6, 40, 40)).astype(np.uint8)
    before = labels.copy()
    stroke = Stroke(labels, Brush(2.0, "coronal"), PaintRules.paint(TUMOUR), (1.0, 1.0, 1.0))
    for point in rng.uniform(0, 39, (12, 3)):
        point[1] = 20
        stroke.move_to(point)
    record = stroke.record
    record.revert(labels)
    assert np.array_equal(labels, before)
    record.apply(labels)
    assert np.count_nonzero(labels != before) == np.count_nonzero(record.old != record.new)
