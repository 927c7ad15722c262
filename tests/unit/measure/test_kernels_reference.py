"""Every kernel equals its numpy/scipy twin on seeded random inputs."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.kernels import reference as ref
from cned_viewer.kernels.components import label_components
from cned_viewer.kernels.envelope import enclosed_counts_per_slice
from cned_viewer.kernels.histogram import label_histogram
from cned_viewer.kernels.morphology import erode_dilate
from cned_viewer.kernels.pointsets import cell_grid, count_within_sq, min_distance_mm
from cned_viewer.kernels.runs import extract_runs
from cned_viewer.kernels.shape import object_shape
from cned_viewer.kernels.surface import surface_voxels

SEEDS = range(6)
SPACING = (1.6, 0.57, 0.8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("width", [24, 21])  # 24: the 64-bit word path; 21: the byte path
def test_histogram_matches_bincount(seed, width, random_labels):
    labels = random_labels(np.random.default_rng(seed), shape=(9, 13, width), density=0.1 + 0.15 * seed)
    labels[2, 3, 8:16] = 4  # one word of eight equal labels
    counts, boxes = label_histogram(labels)
    ref_counts, ref_boxes = ref.label_histogram_reference(labels)
    np.testing.assert_array_equal(counts, ref_counts)
    np.testing.assert_array_equal(boxes, ref_boxes)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("connectivity", [6, 18, 26])
def test_components_match_scipy_label(seed, connectivity):
    mask = np.random.default_rng(seed).random((10, 14, 17)) < 0.15 + 0.03 * seed
    labels = mask.astype(np.uint8)
    runs = extract_runs(labels, (0, 10, 0, 14, 0, 17), 1)
    ours, n = label_components(runs, mask.shape, connectivity)
    theirs, n_ref = ref.label_components_reference(mask, connectivity)
    assert n == n_ref and n > 1
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("width", [33, 48])  # 48: the 64-bit word path
def test_envelope_matches_fill_holes(seed, width, random_labels):
    rng = np.random.default_rng(seed)
    labels = random_labels(rng, shape=(6, 30, width), density=0.9, values=(0, 1, 1, 1, 2, 3, 4))
    labels[:, 8:20, 8:20] = 1
    labels[:, 12:15, 12:15] = 3  # a vessel enclosed by liver
    labels[1, 20:26, 16:40] = 1  # long organ runs: whole words of parenchyma
    labels[2, 20:26, 16:40] = 0  # and of background
    box = (0, 6, 1, 29, 2, width - 2)  # holds every organ voxel only if we clear the outside
    outside = np.ones(labels.shape, bool)
    outside[:, 1:29, 2:width - 2] = False
    labels[outside & np.isin(labels, (1, 2))] = 0
    ours = enclosed_counts_per_slice(labels, box, (1, 2))
    theirs = ref.enclosed_counts_reference(labels, box, (1, 2))
    assert theirs[:, 3].sum() >= 9 * 6
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_erode_dilate_matches_scipy(seed, random_labels):
    labels = random_labels(np.random.default_rng(seed), shape=(8, 12, 15), density=0.8, values=(1, 2, 2, 2, 3))
    box = (0, 8, 0, 12, 0, 15)
    np.testing.assert_array_equal(erode_dilate(labels, box, 2, (1,)), ref.erode_dilate_reference(labels, box, 2, (1,)))


@pytest.mark.parametrize("seed", SEEDS)
def test_surface_voxels_match_scipy(seed, random_labels):
    labels = random_labels(np.random.default_rng(seed), shape=(8, 12, 15), density=0.9, values=(3, 3, 3, 1))
    box = (1, 7, 2, 11, 0, 13)
    ours = surface_voxels(labels, box, 3)
    theirs = ref.surface_voxels_reference(labels, box, 3)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_object_shape_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    mask = np.zeros((9, 14, 16), np.uint8)
    mask[1:-1, 1:-1, 1:-1] = rng.random((7, 12, 14)) < 0.5
    surface, feret, axial = object_shape(mask, np.zeros(3, np.int64), np.array(SPACING))
    ref_surface, ref_feret, ref_axial = ref.object_shape_reference(mask, SPACING)
    np.testing.assert_array_equal(surface, ref_surface)
    assert feret == pytest.approx(ref_feret, abs=1e-6)
    assert axial == pytest.approx(ref_axial, abs=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_point_distances_match_kdtree(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 40, size=(300, 3))
    b = rng.integers(0, 40, size=(200 + 50 * seed, 3)) + [0, 30, 25]
    grid_a, grid_b = cell_grid(a, SPACING, cell_mm=4.0), cell_grid(b, SPACING, cell_mm=4.0)
    assert min_distance_mm(grid_a, grid_b) == pytest.approx(ref.min_distance_reference(a, b, SPACING), abs=1e-6)
    for limit in (2.0, 5.0, 11.0):
        assert count_within_sq(grid_a, grid_b, limit * limit) == ref.count_within_reference(a, b, SPACING, limit)
    assert min_distance_mm(cell_grid(a[:0], SPACING), grid_b) is None


@pytest.mark.parametrize("seed", range(3))
def test_histogram_parallel_chunks_and_unaligned_rows(seed, random_labels):
    from cned_viewer.kernels.histogram import _histogram_parallel

    labels = random_labels(np.random.default_rng(seed), shape=(11, 9, 37), density=0.3)
    labels[4, 2, 3:30] = 1  # long run crossing whole words
    offset = np.zeros(labels.size + 3, np.uint8)[3:].reshape(labels.shape)  # rows not 8-byte aligned
    offset[...] = labels
    for arr in (labels, offset):
        np.testing.assert_array_equal(label_histogram(arr)[0], ref.label_histogram_reference(labels)[0])
        np.testing.assert_array_equal(label_histogram(arr)[1], ref.label_histogram_reference(labels)[1])
    flat = labels.reshape(-1)
    acc = _histogram_parallel(flat, flat[: flat.size // 8 * 8].view(np.uint64), *labels.shape, 4)
    np.testing.assert_array_equal(acc[:, :, 0].sum(axis=0)[1:], ref.label_histogram_reference(labels)[0][1:])


@pytest.mark.parametrize("seed", range(3))
def test_parallel_variants_equal_serial(seed, random_labels):
    """Large boxes take the prange kernels; they must give what the serial ones give."""
    from cned_viewer.kernels.envelope import _enclosed_parallel, _enclosed_serial, organ_lookup
    from cned_viewer.kernels.morphology import _erode_dilate
    from cned_viewer.kernels.surface import _surface_parallel

    labels = random_labels(np.random.default_rng(seed), shape=(8, 12, 16), density=0.9, values=(3, 3, 3, 1, 2))
    np.testing.assert_array_equal(_surface_parallel(labels, 1, 7, 2, 11, 0, 13, 3), ref.surface_voxels_reference(labels, (1, 7, 2, 11, 0, 13), 3))
    out = np.empty((8, 12, 16), np.uint8)
    lut = np.zeros(256, np.bool_)
    lut[1] = True
    _erode_dilate(labels, 0, 8, 0, 12, 0, 16, 2, lut, out)
    np.testing.assert_array_equal(out, ref.erode_dilate_reference(labels, (0, 8, 0, 12, 0, 16), 2, (1,)))
    flat, no_words = labels.reshape(-1), np.zeros(0, np.uint64)
    args = (flat, no_words, 12, 16, 0, 8, 0, 12, 0, 16, organ_lookup((1, 2)), np.uint64(0), np.uint64(0))
    np.testing.assert_array_equal(_enclosed_parallel(*args), _enclosed_serial(*args))
    np.testing.assert_array_equal(_enclosed_serial(*args), ref.enclosed_counts_reference(labels, (0, 8, 0, 12, 0, 16), (1, 2)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(7, 5, 16), (6, 9, 13), (5, 3, 4)])
def test_histogram_runs_across_row_and_slice_ends(seed, shape):
    """Long runs that cross row and slice ends (the pass reads one stream), serial and in chunks."""
    from cned_viewer.kernels.histogram import _histogram_parallel

    rng = np.random.default_rng(seed)
    flat = np.zeros(int(np.prod(shape)), np.uint8)
    pos = 0
    while pos < flat.size:  # runs of 1..3 rows long, some of one voxel
        length = int(rng.integers(1, 3 * shape[2] + 1)) if rng.random() < 0.7 else 1
        flat[pos:pos + length] = rng.choice([0, 1, 2, 5, 200])
        pos += length
    labels = flat.reshape(shape)
    ref_counts, ref_boxes = ref.label_histogram_reference(labels)
    for parallel in (False, True):
        counts, boxes = label_histogram(labels, parallel=parallel)
        np.testing.assert_array_equal(counts, ref_counts)
        np.testing.assert_array_equal(boxes, ref_boxes)
    words = flat[: flat.size // 8 * 8].view(np.uint64)
    for n_chunks in (1, 3, 16):
        acc = _histogram_parallel(flat, words, *shape, n_chunks)
        best = acc.max(axis=0)
        np.testing.assert_array_equal(acc[:, :, 0].sum(axis=0)[1:], ref_counts[1:])
        present = np.flatnonzero(ref_counts[1:]) + 1
        np.testing.assert_array_equal(-best[present, 1], ref_boxes[present, 0])
        np.testing.assert_array_equal(best[present, 6] + 1, ref_boxes[present, 5])
        np.testing.assert_array_equal(-best[present, 3], ref_boxes[present, 2])


@pytest.mark.parametrize("seed", range(3))
def test_cell_grid_sorts_stably_by_cell(seed):
    """The counting sort (dense cells) and the merge sort (sparse ones) give the same stable order."""
    from cned_viewer.kernels.pointsets import DEFAULT_CELL_MM

    rng = np.random.default_rng(seed)
    for points in (rng.integers(0, 40, (500, 3)), rng.integers(0, 4000, (50, 3))):
        grid = cell_grid(points, SPACING)
        cell_voxels = np.maximum(np.round(DEFAULT_CELL_MM / np.asarray(SPACING)), 1.0)
        cells = (points // cell_voxels).astype(np.int64)
        keys = np.ravel_multi_index(tuple(cells.T), tuple(cells.max(axis=0) + 1))
        np.testing.assert_array_equal(grid.points, points[np.argsort(keys, kind="stable")])
        assert grid.start[-1] == len(points) and len(grid.start) == len(np.unique(keys)) + 1
