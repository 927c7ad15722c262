"""The region-limited refresh: after random edits (merges, splits, far edits, vessel edits,
several edits between refreshes) it equals a full recompute exactly, and it keeps what it may."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.core import Case, Geometry, LabelMap, Volume
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions, measure

from comparison import comparable

SHAPE = (16, 36, 40)
SPACING_XYZ = (0.8, 0.9, 1.5)


def lesions_phantom() -> np.ndarray:
    """Liver with six lesions: a pair one voxel apart (a stroke merges them), a dumbbell (an erase splits it),
    one next to the portal vein, one next to a hepatic vein, a small one far away."""
    labels = np.zeros(SHAPE, np.uint8)
    labels[1:15, 2:34, 2:38] = 1
    labels[3:7, 4:9, 4:9] = 2
    labels[3:7, 4:9, 10:14] = 2  # one voxel gap in x from the first
    labels[8:11, 4:7, 20:24] = 2
    labels[8:11, 4:7, 28:32] = 2
    labels[9, 5, 24:28] = 2  # the dumbbell's neck
    labels[:, 18, 8:30] = 3  # portal vein
    labels[4:8, 15:18, 12:16] = 2  # touches the portal vein
    labels[2:14, 26:28, 30:32] = 4  # hepatic vein
    labels[6:9, 24:26, 28:32] = 2  # one voxel from the hepatic vein
    labels[12:14, 30:32, 4:6] = 2  # small, far
    return labels


def random_edit(rng, labels: np.ndarray):
    """A brush or eraser stroke of random size somewhere, sometimes right on a lesion's neck or gap."""
    kind = rng.integers(0, 6)
    if kind == 0:  # close the gap between the pair (merge) or reopen it
        box = (3, 7, 4, 9, 9, 10)
    elif kind == 1:  # cut the dumbbell's neck (split) or restore it
        box = (9, 10, 5, 6, 25, 27)
    else:
        size = rng.integers(1, (5, 7, 7))
        z0, y0, x0 = (rng.integers(0, n - s + 1) for n, s in zip(SHAPE, size))
        box = (z0, z0 + size[0], y0, y0 + size[1], x0, x0 + size[2])
    value = int(rng.choice([0, 1, 2, 2, 3, 4]))
    region = labels[box[0]:box[1], box[2]:box[3], box[4]:box[5]]
    old = region.copy()
    brush = rng.random(region.shape) < 0.8
    region[brush] = value
    return box, old, value, brush


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("connectivity", [26, 6])
def test_region_refresh_equals_full_recompute(seed, connectivity):
    rng = np.random.default_rng(100 + seed)
    options = MeasureOptions(connectivity=connectivity, min_lesion_volume_ml=0.02)
    geometry = Geometry.for_array(SHAPE, SPACING_XYZ)
    labels = LabelMap(lesions_phantom(), geometry)
    segments = np.zeros(SHAPE, np.uint8)
    segments[:, :, :20], segments[:, :, 20:] = 3, 6
    case = Case(Volume(np.zeros(SHAPE, np.int16), geometry), labels, LabelMap(segments, geometry))
    engine = IncrementalMeasurer(case, options)
    for step in range(10):
        for _ in range(int(rng.integers(1, 4))):  # several strokes before a refresh
            box, old, value, brush = random_edit(rng, labels.array)
            if rng.random() < 0.5:
                engine.apply_edit(box, old, value, brush)
            else:
                engine.apply_edit(tuple(slice(box[2 * k], box[2 * k + 1]) for k in range(3)), old)
        assert comparable(engine.refresh()) == comparable(measure(case, options)), f"step {step}"


def test_merge_and_split_are_followed():
    geometry = Geometry.for_array(SHAPE, SPACING_XYZ)
    labels = LabelMap(lesions_phantom(), geometry)
    options = MeasureOptions(min_lesion_volume_ml=0.02)
    engine = IncrementalMeasurer(labels, options)
    before = engine.measurements().lesion_count
    gap = (slice(3, 7), slice(4, 9), slice(9, 10))
    old = labels.array[gap].copy()
    labels.array[gap] = 2
    engine.apply_edit(gap, old, 2, np.ones(old.shape, bool))
    merged = engine.refresh()
    assert merged.lesion_count == before - 1
    assert comparable(merged) == comparable(measure(labels, options))
    neck = (slice(9, 10), slice(5, 6), slice(25, 27))
    old = labels.array[neck].copy()
    labels.array[neck] = 1
    engine.apply_edit(neck, old, 1, np.ones(old.shape, bool))
    split = engine.refresh()
    assert split.lesion_count == before
    assert comparable(split) == comparable(measure(labels, options))


def test_far_edit_keeps_other_lesions_cached():
    geometry = Geometry.for_array(SHAPE, SPACING_XYZ)
    labels = LabelMap(lesions_phantom(), geometry)
    options = MeasureOptions(min_lesion_volume_ml=0.02)
    engine = IncrementalMeasurer(labels, options)
    cached = {id(c) for c in engine._engine.tumour.components}
    box = (slice(12, 14), slice(30, 32), slice(4, 6))  # erase the small far lesion
    old = labels.array[box].copy()
    labels.array[box] = 1
    engine.apply_edit(box, old, 1, np.ones(old.shape, bool))
    assert engine.lesions_stale
    m = engine.refresh()
    assert comparable(m) == comparable(measure(labels, options))
    kept = {id(c) for c in engine._engine.tumour.components}
    assert len(kept) == len(cached) - 1 and kept < cached  # the others were not measured again
    # a tumour stroke far from every lesion and vessel adds one lesion, keeps the rest
    stroke = (slice(12, 14), slice(8, 11), slice(33, 36))
    old = labels.array[stroke].copy()
    labels.array[stroke] = 2
    engine.apply_edit(stroke, old, 2, np.ones(old.shape, bool))
    m = engine.refresh()
    assert comparable(m) == comparable(measure(labels, options))
    assert kept < {id(c) for c in engine._engine.tumour.components}


def test_vessel_edit_updates_only_nearby_lesion_contacts():
    geometry = Geometry.for_array(SHAPE, SPACING_XYZ)
    labels = LabelMap(lesions_phantom(), geometry)
    engine = IncrementalMeasurer(labels, MeasureOptions(min_lesion_volume_ml=0.02))
    box = (slice(6, 9), slice(26, 28), slice(30, 32))  # erase the hepatic vein next to a lesion
    old = labels.array[box].copy()
    labels.array[box] = 1
    engine.apply_edit(box, old)
    m = engine.refresh()
    assert comparable(m) == comparable(measure(labels, MeasureOptions(min_lesion_volume_ml=0.02)))


@pytest.mark.parametrize("seed", range(6))
def test_kept_vessel_surfaces_follow_vessel_edits(seed):
    """Vessel strokes (paint and erase, next to lesions and far from them) then lesion strokes: the whole-vessel
    surfaces kept across edits equal those found from scratch, and every refresh equals a full recompute."""
    from cned_viewer.kernels import reference as ref

    rng = np.random.default_rng(500 + seed)
    geometry = Geometry.for_array(SHAPE, SPACING_XYZ)
    array = lesions_phantom()
    array[3:13, 19:24, 16:27] = 3  # thick vessels: voxels inside them become surface when a stroke opens them
    array[1:15, 25:30, 30:36] = 4
    labels = LabelMap(array, geometry)
    options = MeasureOptions(min_lesion_volume_ml=0.02)
    engine = IncrementalMeasurer(labels, options)
    vessels = engine._engine.vessels
    for value in (3, 4):
        vessels.points(value, (0, SHAPE[0], 0, SHAPE[1], 0, SHAPE[2]))  # found before the edits, then kept up to date
    for step in range(8):
        for _ in range(int(rng.integers(1, 3))):
            box, old, _, brush = random_edit(rng, labels.array)
            region = labels.array[box[0]:box[1], box[2]:box[3], box[4]:box[5]]
            value = int(rng.choice([1, 3, 4, 0]))  # vessel strokes and erasures of whatever lies there
            region[...] = np.where(brush, np.uint8(value), old)
            engine.apply_edit(box, old, value, brush)
        assert comparable(engine.refresh()) == comparable(measure(labels, options)), f"vessel step {step}"
        for value in (3, 4):
            kept = vessels._points.get(value)
            if kept is not None:
                fresh = ref.surface_voxels_reference(labels.array, (0, SHAPE[0], 0, SHAPE[1], 0, SHAPE[2]), value)
                assert sorted(map(tuple, kept.tolist())) == sorted(map(tuple, fresh.tolist())), f"vessel {value} step {step}"
        box, old, _, brush = random_edit(rng, labels.array)  # then a tumour stroke
        region = labels.array[box[0]:box[1], box[2]:box[3], box[4]:box[5]]
        region[...] = np.where(brush, np.uint8(2), old)
        engine.apply_edit(box, old, 2, brush)
        assert comparable(engine.refresh()) == comparable(measure(labels, options)), f"lesion step {step}"
