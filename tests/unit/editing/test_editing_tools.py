"""Lesion delete/relabel, hole filling and island removal, checked against scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

from cned_viewer.core.labels import BACKGROUND, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.editing import delete_lesion, fill_holes, relabel_component, remove_islands
from cned_viewer.editing.regions import holes


def ball(shape, centre, radius):
    zz, yy, xx = np.ogrid[tuple(slice(0, n) for n in shape)]
    return (zz - centre[0]) ** 2 + (yy - centre[1]) ** 2 + (xx - centre[2]) ** 2 <= radius**2


@pytest.fixture
def liver_with_lesions() -> np.ndarray:
    shape = (30, 60, 60)
    labels = np.zeros(shape, np.uint8)
    labels[ball(shape, (15, 30, 30), 14)] = LIVER_PARENCHYMA
    labels[ball(shape, (15, 30, 30), 4)] = TUMOUR  # inside the liver
    labels[ball(shape, (15, 30, 45), 4)] = TUMOUR  # bulging out of the surface (x up to 49 > 44)
    labels[ball(shape, (15, 30, 38), 1)] = PORTAL_VEIN
    return labels


def test_delete_inner_lesion_becomes_liver_and_undo_is_exact(liver_with_lesions):
    labels = liver_with_lesions
    before = labels.copy()
    record = delete_lesion(labels, (15, 30, 30))
    lesion = ball(labels.shape, (15, 30, 30), 4)
    assert np.all(labels[lesion] == LIVER_PARENCHYMA)
    assert np.array_equal(labels[~lesion], before[~lesion])
    record.revert(labels)
    assert np.array_equal(labels, before)


def test_delete_surface_lesion_splits_by_the_nearest_outside_voxel(liver_with_lesions):
    labels = liver_with_lesions
    before = labels.copy()
    spacing = (2.0, 0.8, 0.8)
    delete_lesion(labels, (15, 30, 47), spacing_zyx_mm=spacing)
    lesion = ball(labels.shape, (15, 30, 45), 4)
    assert np.array_equal(labels[~lesion], before[~lesion])
    mm = np.indices(labels.shape).transpose(1, 2, 3, 0) * np.asarray(spacing)
    liver_mm, outside_mm = mm[~lesion & (before != BACKGROUND)], mm[~lesion & (before == BACKGROUND)]
    for point, got in zip(mm[lesion], labels[lesion]):  # brute force: nearest liver vs nearest outside voxel
        to_liver = np.min(np.sum((liver_mm - point) ** 2, axis=1))
        to_outside = np.min(np.sum((outside_mm - point) ** 2, axis=1))
        if not np.isclose(to_liver, to_outside):
            assert got == (LIVER_PARENCHYMA if to_liver < to_outside else BACKGROUND)
    assert (labels[lesion] == BACKGROUND).any() and (labels[lesion] == LIVER_PARENCHYMA).any()
    assert np.count_nonzero(labels == TUMOUR) == np.count_nonzero(ball(labels.shape, (15, 30, 30), 4))


def test_delete_with_explicit_replacement_and_not_on_other_labels(liver_with_lesions):
    labels = liver_with_lesions
    assert delete_lesion(labels, (15, 30, 20)) is None  # parenchyma, not a lesion
    delete_lesion(labels, (15, 30, 47), replacement=BACKGROUND)
    assert not ball(labels.shape, (15, 30, 45), 4)[labels == TUMOUR].any()
    assert np.all(labels[ball(labels.shape, (15, 30, 45), 4)] == BACKGROUND)


def test_connectivity_decides_what_one_lesion_is():
    labels = np.zeros((3, 10, 10), np.uint8)
    labels[1, 2, 2] = labels[1, 3, 3] = TUMOUR  # touching by an edge only
    assert np.count_nonzero(delete_lesion(labels.copy(), (1, 2, 2), connectivity=6).new != TUMOUR) == 1
    out = labels.copy()
    delete_lesion(out, (1, 2, 2), connectivity=26)
    assert not (out == TUMOUR).any()


def test_relabel_swaps_one_component(liver_with_lesions):
    labels = liver_with_lesions
    before = labels.copy()
    relabel_component(labels, (15, 30, 30), LIVER_PARENCHYMA)
    assert np.array_equal(labels == TUMOUR, (before == TUMOUR) & ~ball(labels.shape, (15, 30, 30), 4))
    assert relabel_component(labels, (0, 0, 0), TUMOUR) is None  # background is no component


@pytest.mark.parametrize("plane", [None, "axial", "coronal", "sagittal"])
def test_holes_match_scipy(plane):
    rng = np.random.default_rng(3)
    mask = ndi.binary_opening(rng.random((12, 20, 16)) < 0.7)
    if plane is None:
        expected = ndi.binary_fill_holes(mask) & ~mask
    else:
        axis = {"axial": 0, "coronal": 1, "sagittal": 2}[plane]
        expected = np.moveaxis(np.stack([ndi.binary_fill_holes(s) for s in np.moveaxis(mask, axis, 0)]), 0, axis) & ~mask
    assert np.array_equal(holes(mask, plane), expected)


def test_fill_holes_fills_background_only():
    shape = (20, 30, 30)
    labels = np.zeros(shape, np.uint8)
    labels[ball(shape, (10, 15, 15), 8)] = LIVER_PARENCHYMA
    hole = ball(shape, (10, 15, 15), 2)
    labels[hole] = BACKGROUND
    labels[10, 15, 18] = BACKGROUND
    labels[ball(shape, (10, 15, 10), 1)] = TUMOUR
    before = labels.copy()
    record = fill_holes(labels, LIVER_PARENCHYMA)
    assert np.all(labels[hole] == LIVER_PARENCHYMA) and labels[10, 15, 18] == LIVER_PARENCHYMA
    assert np.array_equal(labels == TUMOUR, before == TUMOUR)
    assert np.count_nonzero(record.old != record.new) == np.count_nonzero(labels != before)
    assert fill_holes(labels, LIVER_PARENCHYMA) is None


def test_axial_fill_closes_a_tube_that_3d_fill_leaves_open():
    labels = np.zeros((6, 12, 12), np.uint8)
    labels[:, 3:9, 3:9] = LIVER_PARENCHYMA
    labels[:, 5:7, 5:7] = BACKGROUND  # a channel through all slices: open in 3D, a hole per slice
    assert fill_holes(labels.copy(), LIVER_PARENCHYMA) is None
    record = fill_holes(labels, LIVER_PARENCHYMA, plane="axial")
    assert np.count_nonzero(record.new != record.old) == 6 * 4


def test_remove_islands_below_the_volume():
    labels = np.zeros((20, 20, 20), np.uint8)
    labels[1:4, 1:4, 1:4] = TUMOUR  # 27 voxels
    labels[10:12, 10:12, 10:12] = TUMOUR  # 8 voxels
    labels[18, 18, 18] = TUMOUR  # 1 voxel
    voxel_ml = 0.002
    before = labels.copy()
    record = remove_islands(labels, TUMOUR, min_ml=8 * voxel_ml, voxel_volume_ml=voxel_ml)  # < 8 voxels
    assert labels[18, 18, 18] == BACKGROUND and np.count_nonzero(labels == TUMOUR) == 35
    record.revert(labels)
    assert np.array_equal(labels, before)
    remove_islands(labels, TUMOUR, min_ml=8.5 * voxel_ml, voxel_volume_ml=voxel_ml, replace_with=LIVER_PARENCHYMA)
    assert np.count_nonzero(labels == TUMOUR) == 27 and np.count_nonzero(labels == LIVER_PARENCHYMA) == 9
    assert remove_islands(labels, TUMOUR, min_ml=0.001, voxel_volume_ml=voxel_ml) is None
