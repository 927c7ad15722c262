"""The edit toolbar's choices give the intended brush and paint rules."""

from __future__ import annotations

import numpy as np

from cned_viewer.core.labels import LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.editing.tool_settings import ToolSettings, voxel_in_lesion


def _writable(rules, current, image=None):
    current = np.asarray(current, np.uint8).reshape(1, 1, -1)
    box = (slice(0, 1), slice(0, 1), slice(0, current.shape[2]))
    return rules.writable(current, box, image).ravel().tolist()


def test_paint_over_everything_or_background_only() -> None:
    assert _writable(ToolSettings("paint", TUMOUR, paint_over="background").rules(), [0, 1, 2, 3]) == [True, False, False, False]
    assert _writable(ToolSettings("paint", TUMOUR, paint_over="everything").rules(), [0, 1, 2, 3]) == [True, True, False, True]


def test_inside_liver_and_intensity_limits() -> None:
    rules = ToolSettings("paint", TUMOUR, inside_liver=True, paint_over="everything").rules()
    assert _writable(rules, [0, LIVER_PARENCHYMA, PORTAL_VEIN]) == [False, True, False]
    image = np.array([-500, 50, 500], float).reshape(1, 1, 3)
    rules = ToolSettings("paint", TUMOUR, limit_intensity=True, intensity_hu=(200, 0)).rules()
    assert _writable(rules, [0, 0, 0], image) == [False, True, False]


def test_erase_removes_the_active_label_only() -> None:
    rules = ToolSettings("erase", TUMOUR).rules()
    assert rules.value == 0 and _writable(rules, [0, 1, 2]) == [False, False, True]
    assert ToolSettings("erase", TUMOUR, inside_liver=True).rules().value == LIVER_PARENCHYMA


def test_brush_and_radius_notches() -> None:
    settings = ToolSettings("paint", radius_mm=4.5, sphere=True)
    assert settings.brushes and not ToolSettings("navigate").brushes
    brush = settings.brush("coronal")
    assert (brush.radius_mm, brush.plane, brush.sphere) == (4.5, "coronal", True)
    assert settings.with_radius_step(1).radius_mm == 5.0
    assert settings.with_radius_step(2).radius_mm == 6.0
    assert ToolSettings(radius_mm=5.0).with_radius_step(-1).radius_mm == 4.5
    assert ToolSettings(radius_mm=0.5).with_radius_step(-3).radius_mm == 0.5


def test_voxel_in_lesion_is_a_lesion_voxel_near_the_centre() -> None:
    labels = np.zeros((5, 9, 9), np.uint8)
    labels[2, 1:8, 1] = TUMOUR  # a bar: the centre of the box is not in it
    labels[2, 4, 1:8] = TUMOUR
    assert voxel_in_lesion(labels, (2, 1, 1, 2, 7, 7), (2, 1, 3)) == (2, 1, 1)
    assert voxel_in_lesion(labels, (2, 1, 1, 2, 7, 7), (2, 4, 6)) == (2, 4, 6)
    assert voxel_in_lesion(labels, (0, 0, 0, 1, 8, 8), (0, 0, 0)) is None
