"""The incremental engine equals a full recompute after random edit sequences."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions, measure

from comparison import comparable

OPTIONS = MeasureOptions(min_lesion_volume_ml=0.002)


def base_labels() -> np.ndarray:
    labels = np.zeros((14, 30, 32), np.uint8)
    labels[2:12, 3:27, 3:29] = 1
    labels[4:9, 6:12, 6:12] = 2
    labels[5:10, 16:20, 18:24] = 2
    labels[:, 14, 10:20] = 3
    labels[3:11, 22:24, 8:10] = 4
    return labels


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_equal_full_recompute(seed):
    rng = np.random.default_rng(seed)
    labels = LabelMap(base_labels(), Geometry.for_array((14, 30, 32), (0.9, 0.8, 1.5)))
    engine = IncrementalMeasurer(labels, OPTIONS)
    outside_before = bool(engine.measurements().outside_liver)
    for step in range(12):
        z0, y0, x0 = rng.integers(0, (12, 26, 28))
        box = (z0, z0 + rng.integers(1, 4), y0, y0 + rng.integers(1, 6), x0, x0 + rng.integers(1, 6))
        region = labels.array[box[0]:box[1], box[2]:box[3], box[4]:box[5]]
        old = region.copy()
        value = int(rng.choice([0, 1, 2, 3, 4]))
        brush = rng.random(region.shape) < 0.7
        region[brush] = value
        if step % 2:
            engine.apply_edit(box, old, value, brush)
        else:
            engine.apply_edit(tuple(slice(box[2 * k], box[2 * k + 1]) for k in range(3)), old)
        full = measure(labels, OPTIONS)
        burden = engine.burden
        assert burden.volumes_ml == full.volumes_ml
        if not full.outside_liver and not outside_before:  # tumour outside the liver is only known after a refresh
            assert (burden.ttv_ml, burden.total_liver_ml, burden.tlvr) == (full.ttv_ml, full.total_liver_ml, full.tlvr)
        if not engine.lesions_stale:
            assert comparable(engine.measurements()) == comparable(full)
        refreshed = engine.refresh()
        assert comparable(refreshed) == comparable(full)
        assert (refreshed.ttv_ml, refreshed.total_liver_ml, refreshed.tlvr) == (full.ttv_ml, full.total_liver_ml, full.tlvr)
        assert not engine.lesions_stale
        outside_before = bool(full.outside_liver)


def test_parenchyma_edit_far_from_tumour_keeps_lesions_fresh():
    labels = LabelMap(base_labels(), Geometry.for_array((14, 30, 32), (0.9, 0.8, 1.5)))
    engine = IncrementalMeasurer(labels, OPTIONS)
    box = (slice(2, 4), slice(24, 27), slice(25, 29))
    old = labels.array[box].copy()
    labels.array[box] = 0
    engine.apply_edit(box, old)
    assert not engine.lesions_stale
    assert comparable(engine.measurements()) == comparable(measure(labels, OPTIONS))
    tumour_box = (slice(6, 7), slice(13, 14), slice(13, 14))
    old = labels.array[tumour_box].copy()
    labels.array[tumour_box] = 2
    engine.apply_edit(tumour_box, old, 2, np.ones((1, 1, 1), bool))
    assert engine.lesions_stale and engine.measurements().lesions_stale


def test_stale_measurements_have_no_tlvr_range_and_still_score():
    """An edit that removes the tumour: TLVR is current at once, the old sensitivity range would not hold it."""
    from cned_viewer.scores import build_inputs, evaluate_all

    labels = LabelMap(base_labels(), Geometry.for_array((14, 30, 32), (0.9, 0.8, 1.5)))
    engine = IncrementalMeasurer(labels, OPTIONS)
    before = engine.measurements().to_json()
    assert before["tlvr_low"] < before["tlvr"] < before["tlvr_high"] and not before["lesions_stale"]
    old = labels.array.copy()
    labels.array[labels.array == 2] = 1
    engine.apply_edit((0, 14, 0, 30, 0, 32), old)
    stale = engine.measurements().to_json()
    assert stale["lesions_stale"] and stale["tlvr"] == 0.0
    assert stale["tlvr_low"] is None and stale["tlvr_high"] is None
    assert stale["lesion_count"] == before["lesion_count"]  # as of the last refresh, and said to be so
    evaluate_all(build_inputs(None, stale))  # no contradiction between the TLVR and a stale range
    fresh = engine.refresh().to_json()
    assert not fresh["lesions_stale"] and fresh["lesion_count"] == 0 and fresh["tlvr_low"] == fresh["tlvr_high"] == 0.0
    assert comparable(engine.refresh()) == comparable(measure(labels, OPTIONS))


def test_segment_map_added_then_edited_equals_full_recompute():
    from cned_viewer.core.case import Case
    from cned_viewer.core.labels import SEGMENT_LABEL_TABLE
    from cned_viewer.core.volume import Volume

    geometry = Geometry.for_array((14, 30, 32), (0.9, 0.8, 1.5))
    labels = LabelMap(base_labels(), geometry)
    segments = LabelMap(np.zeros((14, 30, 32), np.uint8), geometry, SEGMENT_LABEL_TABLE)
    case = Case(Volume(np.zeros((14, 30, 32), np.int16), geometry), labels)
    engine = IncrementalMeasurer(case, OPTIONS)
    assert engine.measurements().bilobar is None
    segments.array[:, :, :16] = 3  # left lobe
    segments.array[:, :, 16:] = 6  # right lobe
    engine.segments_changed(segments.array)
    assert engine.lesions_stale
    with_map = Case(case.image, labels, segments)
    assert comparable(engine.refresh()) == comparable(measure(with_map, OPTIONS))
    assert engine.measurements().bilobar is True
    segments.array[:, :, :16] = 6  # edited in place: one lobe only
    engine.segments_changed(segments.array)
    assert comparable(engine.refresh()) == comparable(measure(with_map, OPTIONS))
    assert engine.measurements().bilobar is False
    engine.segments_changed(None)
    assert comparable(engine.refresh()) == comparable(measure(case, OPTIONS))
