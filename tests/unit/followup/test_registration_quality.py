"""Liver Dice and mean surface distance on boxes whose overlap and offset are known exactly."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from cned_viewer.registration.quality import MAX_MEAN_SURFACE_DISTANCE_MM, liver_quality

SPACING_MM = (1.0, 1.0, 2.0)


def _box(offset_x: int = 0) -> sitk.Image:
    """A 20 x 20 x 10 voxel box (x, y, z) in a 48 x 40 x 20 grid, moved ``offset_x`` voxels along x."""
    array = np.zeros((20, 40, 48), np.uint8)
    array[5:15, 10:30, 10 + offset_x:30 + offset_x] = 1
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(SPACING_MM)
    image.SetOrigin((-20.0, 5.0, 100.0))
    return image


def test_the_exact_transform_gives_a_perfect_overlap():
    shift = 4
    moved = sitk.TranslationTransform(3, (shift * SPACING_MM[0], 0.0, 0.0))
    for _ in range(5):  # the figures come from fresh images each time: the same, finite, every time
        quality = liver_quality(_box(), _box(shift), moved)
        assert quality.liver_dice == 1.0 and quality.mean_surface_distance_mm == 0.0 and quality.warning is None


def test_an_unregistered_shift_gives_the_analytic_dice_and_a_finite_distance():
    shift = 4
    quality = liver_quality(_box(), _box(shift), sitk.Transform())
    assert quality.liver_dice == pytest.approx(2 * (20 - shift) / (2 * 20))  # overlap (20 - s) of 20 voxels along x
    assert 0.0 < quality.mean_surface_distance_mm < shift * SPACING_MM[0] and np.isfinite(quality.mean_surface_distance_mm)


def test_a_large_shift_is_flagged_with_both_figures():
    quality = liver_quality(_box(), _box(16), sitk.Transform())
    assert quality.liver_dice == pytest.approx(2 * 4 / 40)
    assert quality.mean_surface_distance_mm > MAX_MEAN_SURFACE_DISTANCE_MM or quality.liver_dice < 0.8
    assert quality.warning.startswith("poor registration: liver Dice 0.200")
