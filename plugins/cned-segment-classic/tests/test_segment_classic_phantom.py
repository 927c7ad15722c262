"""The classic segmenters on a synthetic abdomen: liver, a dark lesion in it, a bright vessel."""

from __future__ import annotations

import numpy as np
import pytest

from cned_segment_classic import make_plugin
from cned_viewer.core.labels import LabelMap
from cned_viewer.core.volume import Volume
from cned_viewer.plugins import Cancelled, Seed, SegmentationRequest

SHAPE, SPACING = (40, 80, 80), (1.0, 1.0, 2.0)


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * np.count_nonzero(a & b) / (np.count_nonzero(a) + np.count_nonzero(b))


@pytest.fixture(scope="module")
def phantom():
    z, y, x = np.ogrid[:SHAPE[0], :SHAPE[1], :SHAPE[2]]
    liver = ((z - 20) / 14.0) ** 2 + ((y - 40) / 30.0) ** 2 + ((x - 40) / 30.0) ** 2 <= 1
    lesion = ((z - 20) * 2.0) ** 2 + (y - 35) ** 2 + (x - 50) ** 2 <= 8 ** 2
    vessel = ((y - 45) ** 2 + (x - 28) ** 2 <= 2.5 ** 2) & liver
    rng = np.random.default_rng(0)
    ct = np.where(liver, 110, -80) + np.where(lesion, -50, 0) + np.where(vessel & ~lesion, 80, 0) + rng.normal(0, 8, SHAPE)
    image = Volume.from_array(ct.astype(np.int16), SPACING)
    return image, liver, lesion & liver, vessel & ~lesion


def run(segmenter_id: str, request: SegmentationRequest, **kwargs):
    segmenter = make_plugin().segmenter(segmenter_id)
    return segmenter.run(request, kwargs.get("progress", lambda f, m: None), kwargs.get("cancelled", lambda: False))


def test_liver_from_one_click(phantom):
    image, liver, _, _ = phantom
    result = run("liver", SegmentationRequest(image, (Seed((40, 40, 20), 1, "voxel"),)))
    assert result.labels.geometry is image.geometry and set(result.labels.present_values()) == {1}
    assert dice(result.labels.array == 1, liver) > 0.95
    assert result.protect == (2, 3, 4)


def test_lesion_from_one_click_inside_the_liver(phantom):
    image, liver, lesion, _ = phantom
    labels = LabelMap(liver.astype(np.uint8), image.geometry)
    result = run("metastasis", SegmentationRequest(image, (Seed((50, 35, 20), 2, "voxel"),), labels=labels))
    assert dice(result.labels.array == 2, lesion) > 0.85 and not result.notices


def test_vessel_tree_from_one_click(phantom):
    image, liver, _, vessel = phantom
    labels = LabelMap(liver.astype(np.uint8), image.geometry)
    result = run("vessels", SegmentationRequest(image, (Seed((28, 45, 20), 3, "voxel"),), labels=labels))
    assert set(result.labels.present_values()) == {3}
    assert dice(result.labels.array == 3, vessel) > 0.6


def test_missing_seed_says_what_to_click(phantom):
    with pytest.raises(ValueError, match="click inside the liver"):
        run("liver", SegmentationRequest(phantom[0]))


def test_cancel_stops_the_work(phantom):
    reports = []
    with pytest.raises(Cancelled):
        run("liver", SegmentationRequest(phantom[0], (Seed((40, 40, 20), 1, "voxel"),)),
            progress=lambda f, m: reports.append(f), cancelled=lambda: bool(reports))
    assert len(reports) == 1


def test_options_are_read_from_the_request(phantom):
    image = phantom[0]
    result = run("liver", SegmentationRequest(image, (Seed((40, 40, 20), 1, "voxel"),), options={"closing_mm": "4"}))
    assert result.parameters["closing_mm"] == 4.0
