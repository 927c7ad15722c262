"""A metastasis from one click inside it: region growing relative to local statistics.

Colorectal metastases are hypo-attenuating against enhanced parenchyma. Around the click
(a box of ``search_mm``) the image is smoothed (curvature flow); the lesion's median ``t``
is taken near the click, the parenchyma's ``p`` from the liver label when there is one
(else ``t + 40`` HU). Voxels from ``t - below`` up to ``t + fraction * (p - t)`` are grown
from the click inside the allowed region: the liver (labels != 0, axially closed and
filled) plus a ball of ``reach_mm`` around the click, so a lesion bulging out of a liver
contour drawn around it is still caught while neighbouring organs are not. An opening
cuts thin bridges; the component holding the click is kept and its holes filled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from scipy import ndimage as ndi

from cned_segment_classic.regions import (
    box_around, check, component_at, fill_holes_per_slice, radius_in_voxels, seed_statistics, to_image, xyz,
)
from cned_viewer.core.labels import LIVER_PARENCHYMA
from cned_viewer.core.volume import Volume
from cned_viewer.plugins import CancelCheck, Progress

BLOCKED_HU = 10_000.0


@dataclass(frozen=True)
class TumourOptions:
    search_mm: float = 60.0
    reach_mm: float = 35.0
    fraction: float = 0.6
    below_hu: float = 80.0
    opening_mm: float = 1.2
    liver_closing_mm: float = 10.0


def segment_tumour(volume: Volume, seed_zyx: tuple[int, int, int], liver_labels: np.ndarray | None,
                   progress: Progress, is_cancelled: CancelCheck, options: TumourOptions = TumourOptions()) -> np.ndarray:
    """Boolean lesion mask on the image grid for one click (``liver_labels``: the case's labels or None)."""
    box = box_around([seed_zyx], options.search_mm, volume)
    seed = tuple(int(c - b.start) for c, b in zip(seed_zyx, box))
    spacing = volume.spacing_zyx_mm
    smoothed = sitk.CurvatureFlow(to_image(volume.array[box].astype(np.float32), spacing), timeStep=0.0625, numberOfIterations=5)
    array = sitk.GetArrayFromImage(smoothed)
    progress(0.3, "lesion: smoothed")
    check(is_cancelled)

    lesion_hu, _ = seed_statistics(array, seed, tuple(max(1, int(round(4.0 / s))) for s in spacing))
    allowed = _ball(array.shape, seed, options.reach_mm, spacing)
    parenchyma_hu = lesion_hu + 40.0
    if liver_labels is not None and np.any(liver_labels[box]):
        local = liver_labels[box]
        allowed |= _liver_hull(local != 0, options.liver_closing_mm, spacing)
        if np.any(local == LIVER_PARENCHYMA):
            parenchyma_hu = float(np.median(array[local == LIVER_PARENCHYMA]))
    upper = lesion_hu + options.fraction * max(parenchyma_hu - lesion_hu, 10.0)
    blocked = to_image(np.where(allowed, array, BLOCKED_HU).astype(np.float32), spacing)
    grown = sitk.ConnectedThreshold(blocked, seedList=[xyz(seed)], lower=lesion_hu - options.below_hu, upper=upper)
    progress(0.7, "lesion: region grown")
    check(is_cancelled)

    opened = sitk.BinaryMorphologicalOpening(grown, radius_in_voxels(options.opening_mm, spacing, 1))
    kept = component_at(opened, [seed])
    if not np.any(sitk.GetArrayViewFromImage(kept)):
        kept = grown
    mask = np.zeros(volume.array.shape, dtype=bool)
    mask[box] = fill_holes_per_slice(sitk.GetArrayFromImage(kept).astype(bool)) & allowed
    progress(0.95, "lesion: done")
    return mask


def _ball(shape: tuple[int, ...], centre: tuple[int, ...], radius_mm: float, spacing_zyx: tuple[float, ...]) -> np.ndarray:
    grids = np.ogrid[tuple(slice(0, n) for n in shape)]
    distance2 = sum(((g - c) * s) ** 2 for g, c, s in zip(grids, centre, spacing_zyx))
    return distance2 <= radius_mm ** 2


def _liver_hull(liver: np.ndarray, closing_mm: float, spacing_zyx: tuple[float, ...]) -> np.ndarray:
    """The liver with its concavities up to ``closing_mm`` closed, slice by slice, and holes filled."""
    radius = radius_in_voxels(closing_mm, spacing_zyx, 1)
    radius[2] = 0  # axial closing only: never bridge slices
    image = sitk.GetImageFromArray(liver.astype(np.uint8))
    closed = sitk.GetArrayFromImage(sitk.BinaryMorphologicalClosing(image, radius)).astype(bool)
    return ndi.binary_fill_holes(fill_holes_per_slice(closed))
