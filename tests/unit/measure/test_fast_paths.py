"""The fast paths of issue 21 equal the plain ones exactly: neighbour test on runs, row-skipping
erosion/dilation, the neighbourhood vessel search (any first radius) and random brush strokes on
the IRCAD case."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.kernels import reference as ref
from cned_viewer.kernels.boxes import box_slices
from cned_viewer.kernels.diff import label_diff
from cned_viewer.kernels.morphology import _erode_dilate, erode_dilate
from cned_viewer.kernels.neighbours import runs_touch_value
from cned_viewer.kernels.pointsets import cell_grid, count_within_sq, min_distance_mm, points_in_box
from cned_viewer.kernels.runs import extract_runs
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions, measure
from cned_viewer.measure.vessels import VesselSurfaces

from comparison import comparable

SEEDS = range(6)
SPACING_ZYX = (1.6, 0.57, 0.8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("connectivity", [6, 18, 26])
def test_runs_touch_value_matches_dilation(seed, connectivity, random_labels):
    labels = random_labels(np.random.default_rng(seed), shape=(9, 12, 14), density=0.15, values=(1, 2, 2, 3))
    mask = labels == 2
    structure = ndimage.generate_binary_structure(3, {6: 1, 18: 2, 26: 3}[connectivity])
    components, n = ndimage.label(mask, structure)
    for k in range(1, n + 1):
        part = components == k
        zs, ys, xs = np.nonzero(part)
        box = (zs.min(), zs.max() + 1, ys.min(), ys.max() + 1, xs.min(), xs.max() + 1)
        runs = extract_runs(part.astype(np.uint8), (0, 9, 0, 12, 0, 14), 1)
        z, y = runs.z(), runs.y()
        for value in (1, 3):
            expected = ref.touches_value_reference(labels, part[box_slices(box)], box, connectivity, value)
            assert runs_touch_value(labels, z, y, runs.x0, runs.x1, value, connectivity) == expected


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("width", [24, 21])  # 24: the 64-bit word path; 21: bytes after the last whole word
def test_label_diff_matches_numpy(seed, width, random_labels):
    rng = np.random.default_rng(seed)
    before = random_labels(rng, shape=(7, 11, width), density=0.3)
    after = before.copy()
    box, pairs = label_diff(before, after)
    assert box is None and not pairs.any()
    for _ in range(seed + 1):
        z, y, x = rng.integers(0, (7, 11, width))
        after[z, y, x] = rng.integers(0, 5)
    box, pairs = label_diff(before, after)
    ref_box, ref_pairs = ref.label_diff_reference(before, after)
    assert box == ref_box
    np.testing.assert_array_equal(pairs, ref_pairs)


@pytest.mark.parametrize("seed", SEEDS)
def test_heap_order_sorts_descending(seed):
    from cned_viewer.kernels.shape import _order_descending

    values = np.random.default_rng(seed).integers(0, 6 + 40 * seed, 1 + 37 * seed).astype(float)  # ties included
    order = _order_descending(values)
    assert sorted(order.tolist()) == list(range(len(values)))
    np.testing.assert_array_equal(values[order], np.sort(values)[::-1])


@pytest.mark.parametrize("seed", SEEDS)
def test_points_in_box_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 20, (200, 3)).astype(np.int32)
    box = tuple(int(v) for lo in rng.integers(0, 10, 3) for v in (lo, lo + rng.integers(0, 12)))
    np.testing.assert_array_equal(points_in_box(points, box), ref.points_in_box_reference(points, box))


@pytest.mark.parametrize("seed", SEEDS)
def test_erode_dilate_on_sparse_labels_skips_rows_exactly(seed, random_labels):
    labels = random_labels(np.random.default_rng(seed), shape=(10, 16, 19), density=0.04, values=(1, 2, 3))
    labels[3:6, 4:9, 5:12] = 2
    for box in ((0, 10, 0, 16, 0, 19), (2, 8, 3, 12, 4, 15)):
        expected = ref.erode_dilate_reference(labels, box, 2, (1,))
        np.testing.assert_array_equal(erode_dilate(labels, box, 2, (1,)), expected)
        out = np.empty(expected.shape, np.uint8)
        lut = np.zeros(256, np.bool_)
        lut[1] = True
        _erode_dilate(labels, *box, 2, lut, out)
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("first_radius", [0.1, 3.0, 1000.0])
def test_vessel_search_equals_whole_surface(seed, first_radius, random_labels):
    rng = np.random.default_rng(seed)
    labels = random_labels(rng, shape=(14, 30, 32), density=0.03, values=(3, 4))
    labels[2:5, 3:9, 4:10] = 2  # a lesion; the vessels are scattered voxels at any distance
    labels[2:5, 3:9, 4:10][rng.random((3, 6, 6)) < 0.2] = 1
    lesion = labels == 2
    spacing = np.array(SPACING_ZYX)
    surface = cell_grid(ref.object_shape_reference(lesion, SPACING_ZYX)[0], spacing)
    threshold = float(rng.choice([0.0, 0.8, 2.5]))
    search = VesselSurfaces(labels, spacing, threshold, first_radius)
    box = (2, 5, 3, 9, 4, 10)
    for value in (3, 4):
        vessel = np.argwhere(labels == value)
        vessel_box = (*(v for k in range(3) for v in (vessel[:, k].min(), vessel[:, k].max() + 1)),)
        whole = ref.surface_voxels_reference(labels, (0, 14, 0, 30, 0, 32), value)
        distance, contact, fraction = search.metrics(surface, box, value, vessel_box)
        whole_grid = cell_grid(whole, spacing)  # what the search against the whole vessel surface gives
        limit_sq = threshold * threshold * (1 + 1e-12)
        assert distance == min_distance_mm(surface, whole_grid)
        assert distance == pytest.approx(ref.min_distance_reference(surface.points, whole, spacing), abs=1e-12)
        assert fraction == count_within_sq(surface, whole_grid, limit_sq) / surface.size
        assert contact == (distance * distance <= limit_sq)


@pytest.fixture(scope="module")
def ircad_map(shared_data):
    import SimpleITK as sitk

    image = sitk.ReadImage(str(shared_data / "ircadb01_p1" / "labels.nrrd"))
    array = sitk.GetArrayFromImage(image).astype(np.uint8)
    return LabelMap(array, Geometry.for_array(array.shape, image.GetSpacing(), image.GetOrigin(), image.GetDirection()))


@pytest.mark.data
def test_ircad_results_do_not_depend_on_the_first_search_radius(ircad_map):
    results = [comparable(measure(ircad_map, MeasureOptions(vessel_search_band_mm=band))) for band in (0.1, 3.0, 20.0, 1e4)]
    assert all(r == results[0] for r in results[1:])
    distances = [(lesion["portal_vein_distance_mm"], lesion["hepatic_vein_distance_mm"]) for lesion in results[0]["lesions"]]
    assert max(max(d) for d in distances) > 20.0  # one lesion lies beyond the old 20 mm band: widened searches are exercised


@pytest.mark.data
@pytest.mark.parametrize("seed", range(2))
def test_ircad_random_brush_strokes_equal_full_measure(ircad_map, seed):
    rng = np.random.default_rng(seed)
    labels = LabelMap(ircad_map.array.copy(), ircad_map.geometry)
    engine = IncrementalMeasurer(labels, MeasureOptions())
    liver = np.argwhere(labels.array[::3, ::6, ::6] == 1) * (3, 6, 6)
    spacing = np.array(labels.geometry.spacing_zyx_mm)
    for step in range(5):
        centre = liver[rng.integers(len(liver))]
        radius = float(rng.uniform(2.0, 12.0))
        half = np.ceil(radius / spacing).astype(int)
        box = tuple(int(v) for k in range(3) for v in (max(centre[k] - half[k], 0), min(centre[k] + half[k] + 1, labels.array.shape[k])))
        grid = np.ogrid[box_slices(box)]
        ball = sum(((g - c) * s) ** 2 for g, c, s in zip(grid, centre, spacing)) <= radius**2
        value = int(rng.choice([2, 2, 3, 4, 1]))
        old = labels.array[box_slices(box)].copy()
        labels.array[box_slices(box)][ball] = value
        engine.apply_edit(box, old, value, ball)
        assert comparable(engine.refresh()) == comparable(measure(labels)), f"step {step}"


_COUNT_SIGNATURES = """
import importlib, pkgutil, numba
import cned_viewer.kernels as K
from cned_viewer.demo.phantom import make_demo_labels
from cned_viewer.measure import IncrementalMeasurer, measure
labels = make_demo_labels()
measure(labels)
engine = IncrementalMeasurer(labels)
old = labels.array[60:64, 200:204, 200:204].copy()
labels.array[60:64, 200:204, 200:204] = 2
engine.apply_edit((60, 64, 200, 204, 200, 204), old)
engine.refresh()
for mod in pkgutil.iter_modules(K.__path__):
    m = importlib.import_module("cned_viewer.kernels." + mod.name)
    for name, obj in vars(m).items():
        if isinstance(obj, numba.core.registry.CPUDispatcher) and obj.__module__ == m.__name__:
            print(mod.name + "." + name, len(obj.signatures))
"""


def test_one_specialisation_per_kernel_on_a_cold_cache(tmp_path):
    """A first measurement and an edit compile each kernel, inner ones included, for one signature (cold start)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", _COUNT_SIGNATURES], env=env, capture_output=True, text=True, check=True).stdout
    counts = {name: int(n) for name, n in (line.split() for line in out.splitlines())}
    assert counts and max(counts.values()) == 1, {k: v for k, v in counts.items() if v > 1}
