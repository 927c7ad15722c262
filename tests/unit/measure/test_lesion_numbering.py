"""Stable lesion numbers: a lesion keeps its number while it exists, through edits, merges, splits and undo."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions
from cned_viewer.measure.lesion_numbering import LesionNumbering, assign_numbers, overlap_counts, voxel_keys
from cned_viewer.measure.results import Lesion, LesionSet

SHAPE = (6, 10, 40)


@dataclass
class Comp:
    """A component from a boolean mask, as the engine keeps it (runs along x)."""

    box: tuple[int, ...]
    voxels: int
    z: np.ndarray
    y: np.ndarray
    x0: np.ndarray
    x1: np.ndarray

    @classmethod
    def of(cls, mask: np.ndarray) -> Comp:
        zs, ys, xs = np.nonzero(mask)
        z, y, x0, x1 = [], [], [], []
        for zz, yy in sorted(set(zip(zs.tolist(), ys.tolist()))):
            row = np.flatnonzero(mask[zz, yy])
            breaks = np.flatnonzero(np.diff(row) > 1)
            for a, b in zip(np.r_[0, breaks + 1], np.r_[breaks, len(row) - 1]):
                z.append(zz), y.append(yy), x0.append(row[a]), x1.append(row[b] + 1)
        box = (zs.min(), zs.max() + 1, ys.min(), ys.max() + 1, xs.min(), xs.max() + 1)
        return cls(tuple(int(v) for v in box), int(mask.sum()), np.array(z), np.array(y), np.array(x0), np.array(x1))


def block(x0: int, x1: int, y0: int = 2, y1: int = 5) -> np.ndarray:
    mask = np.zeros(SHAPE, bool)
    mask[1:4, y0:y1, x0:x1] = True
    return mask


def fresh(comps: list[Comp]) -> LesionSet:
    """What the engine reports: ids 1..n by volume."""
    ranked = sorted(comps, key=lambda c: -c.voxels)
    lesions = tuple(
        Lesion(k + 1, float(c.voxels), (0.0, 0.0, 0.0), (c.box[0], c.box[2], c.box[4], c.box[1] - 1, c.box[3] - 1, c.box[5] - 1),
               1.0, 1.0, None, None, False, False, 0.0, 0.0, None)
        for k, c in enumerate(ranked)
    )
    return LesionSet(lesions, (), None, None, None, len(lesions), len(lesions))


def numbers(numbering: LesionNumbering, masks: list[np.ndarray]) -> dict[int, int]:
    """Number by the lesion's first x, for readable expectations."""
    comps = [Comp.of(m) for m in masks]
    result = numbering.number(fresh(comps), comps)
    return {lesion.bbox[2]: lesion.id for lesion in result.lesions}


def test_voxel_keys_and_overlaps():
    a, b = block(0, 4), block(2, 8)
    keys_a, keys_b = voxel_keys(Comp.of(a), SHAPE), voxel_keys(Comp.of(b), SHAPE)
    assert np.array_equal(keys_a, np.flatnonzero(a.ravel()))
    assert overlap_counts([keys_a], [keys_b, keys_a]).tolist() == [[(a & b).sum(), a.sum()]]


def test_assign_numbers_merge_lowest_survives_split_largest_keeps():
    assert assign_numbers([2, 1], np.array([[5], [3]])) == [1]  # merge of 1 and 2: 1 survives
    assert assign_numbers([4], np.array([[3, 9, 0]])) == [None, 4, None]  # split: the largest part keeps 4
    assert assign_numbers([1, 2], np.array([[9, 1], [5, 0]])) == [1, None]


def test_first_numbering_is_the_fresh_one():
    numbering = LesionNumbering(SHAPE)
    assert numbers(numbering, [block(0, 3), block(10, 18), block(25, 30)]) == {10: 1, 25: 2, 0: 3}


def test_numbers_survive_growth_deletion_and_new_lesions():
    numbering = LesionNumbering(SHAPE)
    assert numbers(numbering, [block(0, 3), block(10, 18), block(25, 30)]) == {10: 1, 25: 2, 0: 3}
    # lesion 3 grows to be the largest: the fresh order would call it 1
    assert numbers(numbering, [block(0, 9), block(10, 18), block(25, 30)]) == {0: 3, 10: 1, 25: 2}
    # lesion 1 deleted, a new one drawn: 1 is not reused
    assert numbers(numbering, [block(0, 9), block(25, 30), block(34, 38)]) == {0: 3, 25: 2, 34: 4}
    # undo of the deletion: lesion 1 comes back as 1
    assert numbers(numbering, [block(0, 9), block(10, 18), block(25, 30), block(34, 38)]) == {0: 3, 10: 1, 25: 2, 34: 4}


def test_split_and_merge():
    numbering = LesionNumbering(SHAPE)
    assert numbers(numbering, [block(0, 20), block(25, 30)]) == {0: 1, 25: 2}
    # split of lesion 1: the larger part keeps 1, the other is new
    assert numbers(numbering, [block(0, 5), block(7, 20), block(25, 30)]) == {7: 1, 0: 3, 25: 2}
    # 1 and 2 merge: 1 survives
    assert numbers(numbering, [block(0, 5), block(7, 30)]) == {7: 1, 0: 3}


def test_incremental_measurer_keeps_numbers_across_edits():
    labels = np.zeros((8, 12, 40), np.uint8)
    labels[1:7, 1:11, 1:39] = 1
    labels[2:5, 3:7, 3:6] = 2  # small (3)
    labels[2:6, 3:8, 12:20] = 2  # large (1)
    labels[2:5, 3:7, 26:31] = 2  # middle (2)
    label_map = LabelMap(labels, Geometry.for_array(labels.shape, (1.0, 1.0, 1.0)))
    engine = IncrementalMeasurer(label_map, MeasureOptions(min_lesion_volume_ml=0.001))
    first = {lesion.bbox[2]: lesion.id for lesion in engine.measurements().lesions}
    assert first == {12: 1, 26: 2, 3: 3}
    box = (slice(1, 7), slice(2, 10), slice(2, 10))
    old = labels[box].copy()
    labels[box] = np.where(old == 1, 2, old)  # the small lesion becomes the largest
    engine.apply_edit(box, old)
    after = {lesion.bbox[2]: lesion.id for lesion in engine.refresh().lesions}
    assert after == {2: 3, 12: 1, 26: 2}
