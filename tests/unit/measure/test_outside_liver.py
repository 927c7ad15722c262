"""Tumour outside the liver, tumour-only and empty maps (issue 13.6, 13.7), against a scipy twin."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions, measure

from comparison import comparable

SPACING = (2.0, 1.0, 1.0)
VOXEL_ML = 2.0 / 1000


def ball(shape, centre, radius):
    grids = np.ogrid[tuple(slice(0, n) for n in shape)]
    return sum(((g - c) * s) ** 2 for g, c, s in zip(grids, centre, SPACING)) <= radius ** 2


def phantom(outside_centre_x: float) -> np.ndarray:
    """A liver ball (radius 20 mm) with one metastasis inside, and a tumour ball (radius 6 mm) at x."""
    shape = (30, 60, 100)
    labels = np.zeros(shape, np.uint8)
    labels[ball(shape, (15, 30, 30), 20)] = LIVER_PARENCHYMA
    labels[ball(shape, (15, 30, 30), 6)] = TUMOUR
    labels[ball(shape, (15, 30, outside_centre_x), 6)] = TUMOUR
    return labels


def twin(labels: np.ndarray) -> dict:
    """Independent reading of the rule: 26-components of tumour; outside = no parenchyma 26-neighbour and
    no voxel in a per-slice hole of parenchyma + vessels."""
    components, n = ndimage.label(labels == TUMOUR, np.ones((3, 3, 3)))
    parenchyma = labels == LIVER_PARENCHYMA
    near = ndimage.binary_dilation(parenchyma, np.ones((3, 3, 3)))
    wall = np.isin(labels, (1, 3, 4))
    holes = np.stack([ndimage.binary_fill_holes(s) & ~s for s in wall])
    inside = [k for k in range(1, n + 1) if (near & (components == k)).any() or (holes & (components == k)).any()]
    ttv = sum(int((components == k).sum()) for k in inside) * VOXEL_ML
    total = (int(parenchyma.sum()) * VOXEL_ML) + ttv
    return {"count": len(inside), "ttv": ttv, "tlvr": ttv / total, "outside": n - len(inside)}


def measured(labels):
    return measure(LabelMap(labels, Geometry.for_array(labels.shape, SPACING)), MeasureOptions())


def test_a_ball_outside_the_liver_is_listed_apart():
    labels = phantom(80)
    m, expected = measured(labels), twin(labels)
    assert expected == {**expected, "count": 1, "outside": 1}
    assert m.lesion_count == 1 and m.ttv_ml == pytest.approx(expected["ttv"], abs=1e-12)
    assert m.tlvr == pytest.approx(expected["tlvr"], abs=1e-12)
    outside_ml = int(ball(labels.shape, (15, 30, 80), 6).sum()) * VOXEL_ML
    data = m.to_json()
    assert [t["volume_ml"] for t in data["tumour_outside_liver"]] == [pytest.approx(outside_ml)]
    assert data["volumes_ml"]["tumour"] == pytest.approx(expected["ttv"] + outside_ml)  # the label's own volume
    assert len(data["warnings"]) == 1 and "outside the liver" in data["warnings"][0]
    assert f"{outside_ml:.2f} mL" in data["warnings"][0] and "left out of the lesion count, TTV and TLVR" in data["warnings"][0]
    assert data["lesion_count_low"] == data["lesion_count_high"] == 1


@pytest.mark.parametrize("x", [56, 54, 50])  # touching the capsule (26-neighbour), half in, mostly in
def test_an_exophytic_ball_touching_the_liver_counts(x):
    labels = phantom(x)
    m, expected = measured(labels), twin(labels)
    assert expected["outside"] == 0 and m.lesion_count == expected["count"] == 2
    assert m.ttv_ml == pytest.approx(expected["ttv"], abs=1e-12) and m.to_json()["tumour_outside_liver"] == []
    assert m.warnings == ()


def test_a_ball_one_voxel_from_the_capsule_is_outside():
    labels = phantom(57)
    gap = ndimage.binary_dilation(labels == TUMOUR, np.ones((3, 3, 3))) & (labels == LIVER_PARENCHYMA)
    if gap.any():  # the 26-neighbourhood still reaches the capsule: move one more voxel
        labels = phantom(58)
    assert twin(labels)["outside"] == 1 and measured(labels).lesion_count == 1


def test_a_tumour_in_an_unlabelled_rim_inside_the_liver_counts():
    labels = phantom(80)
    rim = ball(labels.shape, (15, 30, 30), 8) & ~ball(labels.shape, (15, 30, 30), 6)
    labels[rim] = 0  # background ring between the metastasis and the parenchyma
    m, expected = measured(labels), twin(labels)
    assert expected["count"] == m.lesion_count == 1 and m.ttv_ml == pytest.approx(expected["ttv"], abs=1e-12)


def test_tumour_only_map_has_no_tlvr_and_says_why():
    labels = phantom(80)
    labels[labels == LIVER_PARENCHYMA] = 0
    m = measured(labels)
    assert m.tlvr is None and m.tlvr_low is None and m.tlvr_high is None and m.tlvr_parenchyma is None
    assert m.lesion_count == 2  # nothing to judge "outside" by: every component counts
    assert any("no liver parenchyma labelled: TLVR is not computable" in w for w in m.warnings)


def test_empty_map_is_a_warning():
    m = measured(np.zeros((5, 6, 7), np.uint8))
    assert m.lesion_count == 0 and m.ttv_ml == 0 and m.tlvr is None
    assert any("the label map is empty" in w for w in m.to_json()["warnings"])


@pytest.mark.parametrize("seed", range(6))
def test_incremental_equals_full_with_tumour_moving_in_and_out_of_the_liver(seed):
    rng = np.random.default_rng(seed)
    labels = LabelMap(phantom(80), Geometry.for_array((30, 60, 100), SPACING))
    engine = IncrementalMeasurer(labels, MeasureOptions())
    for _ in range(10):
        kind = rng.integers(0, 3)
        if kind == 0:  # a parenchyma bridge from the liver towards the outside ball (joins it, or not quite)
            z, y = rng.integers(12, 18), rng.integers(27, 33)
            box = (z, z + 1, y, y + 2, 48, int(rng.integers(70, 76)))
            value = LIVER_PARENCHYMA
        elif kind == 1:  # erase a bridge or part of the ball
            z, y, x = rng.integers(10, 20), rng.integers(24, 36), rng.integers(50, 80)
            box, value = (z, z + 2, y, y + 4, x, x + 6), 0
        else:  # paint tumour somewhere
            z, y, x = rng.integers(0, 27), rng.integers(0, 55), rng.integers(0, 95)
            box, value = (z, z + 3, y, y + 4, x, x + 4), TUMOUR
        region = labels.array[box[0]:box[1], box[2]:box[3], box[4]:box[5]]
        old = region.copy()
        region[...] = value
        engine.apply_edit(box, old)
        fresh = engine.refresh()
        full = measure(labels, MeasureOptions())
        assert comparable(fresh) == comparable(full)
        assert engine.burden.ttv_ml == full.ttv_ml and engine.burden.tlvr == full.tlvr


def test_closing_a_ring_far_away_on_the_same_slices_is_followed():
    """A ball in a C-shaped liver is outside; closing the C far from the ball encloses it (per-slice envelope)."""
    shape = (6, 40, 40)
    labels = np.zeros(shape, np.uint8)
    labels[1:5, 5:35, 5:35] = LIVER_PARENCHYMA
    labels[1:5, 10:30, 10:30] = 0
    labels[1:5, 17:23, 30:35] = 0  # the opening of the C
    labels[2:4, 18:22, 18:22] = TUMOUR  # in the middle, far from every wall
    label_map = LabelMap(labels, Geometry.for_array(shape, SPACING))
    engine = IncrementalMeasurer(label_map, MeasureOptions(min_lesion_volume_ml=0.001))
    assert engine.refresh().lesion_count == 0
    box = (1, 5, 17, 23, 30, 35)
    old = labels[1:5, 17:23, 30:35].copy()
    labels[1:5, 17:23, 30:35] = LIVER_PARENCHYMA
    engine.apply_edit(box, old)
    assert engine.lesions_stale
    assert engine.refresh().lesion_count == 1 == measure(label_map, MeasureOptions(min_lesion_volume_ml=0.001)).lesion_count
