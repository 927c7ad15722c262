"""Liver from one click: region growing in the liver's intensity window on a coarse grid.

1. Shrink to about ``working_mm`` voxels and median-smooth (speed, noise).
2. Grow from the seeds every voxel within ``[m - below, m + above]`` HU, where ``m`` is the
   median around the seeds (contrast-enhanced parenchyma is narrow in HU).
3. Open (radius ``opening_mm``) to cut thin bridges into heart, stomach, kidney or muscle,
   and keep the components holding a seed.
4. Close (``closing_mm``) and fill holes (3D, then per axial slice) so that vessels and
   lesions inside the liver belong to the organ; go back to the image grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

from cned_segment_classic.regions import (
    check, component_at, fill_holes_per_slice, radius_in_voxels, seed_statistics, to_image, xyz,
)
from cned_viewer.core.volume import Volume
from cned_viewer.plugins import CancelCheck, Progress


@dataclass(frozen=True)
class LiverOptions:
    working_mm: float = 1.7
    below_hu: float = 35.0
    above_hu: float = 40.0
    opening_mm: float = 6.5
    closing_mm: float = 8.0


def segment_liver(volume: Volume, seeds_zyx: list[tuple[int, int, int]], progress: Progress,
                  is_cancelled: CancelCheck, options: LiverOptions = LiverOptions()) -> np.ndarray:
    """Boolean liver mask on the image grid, grown from ``seeds_zyx`` (voxel indices)."""
    factors_zyx = [max(1, int(round(options.working_mm / s))) for s in volume.spacing_zyx_mm]
    full = to_image(volume.array.astype(np.float32), volume.spacing_zyx_mm)
    coarse = sitk.Median(sitk.BinShrink(full, factors_zyx[::-1]), [1, 1, 1])
    spacing_zyx = tuple(s * f for s, f in zip(volume.spacing_zyx_mm, factors_zyx))
    seeds = [tuple(min(c // f, n - 1) for c, f, n in zip(s, factors_zyx, coarse.GetSize()[::-1])) for s in seeds_zyx]
    progress(0.15, "liver: smoothing done")
    check(is_cancelled)

    array = sitk.GetArrayViewFromImage(coarse)
    centre, _ = seed_statistics(array, seeds[0], tuple(max(1, int(round(5.0 / s))) for s in spacing_zyx))
    grown = sitk.ConnectedThreshold(coarse, seedList=[xyz(s) for s in seeds],
                                    lower=centre - options.below_hu, upper=centre + options.above_hu)
    progress(0.4, "liver: region grown")
    check(is_cancelled)

    opened = sitk.BinaryMorphologicalOpening(grown, radius_in_voxels(options.opening_mm, spacing_zyx, 1))
    kept = component_at(opened, seeds)
    if not np.any(sitk.GetArrayViewFromImage(kept)):
        kept = component_at(grown, seeds)  # a seed near the edge: keep the unopened region
    progress(0.6, "liver: leaks cut")
    check(is_cancelled)

    closed = sitk.BinaryMorphologicalClosing(kept, radius_in_voxels(options.closing_mm, spacing_zyx, 1))
    filled = fill_holes_per_slice(sitk.GetArrayFromImage(closed).astype(bool))
    coarse_mask = sitk.GetImageFromArray(filled.astype(np.uint8))
    coarse_mask.CopyInformation(coarse)
    mask = sitk.Resample(coarse_mask, full, sitk.Transform(), sitk.sitkNearestNeighbor, 0, sitk.sitkUInt8)
    progress(0.95, "liver: done")
    return sitk.GetArrayFromImage(mask).astype(bool)
