"""Liver vessel trees from one click on each: multi-scale Hessian vesselness inside the liver.

1. Work in the box of the liver (labels != 0, or ``search_mm`` around the clicks), shrunk
   to about ``working_mm``.
2. Vesselness = the largest sitk.ObjectnessMeasure (bright tubes) over Gaussian scales
   ``sigmas_mm``. Candidates are brighter than the parenchyma median by ``contrast_share``
   of the click's contrast (at least ``min_contrast_hu``) and either tubular (vesselness
   above ``threshold`` x its maximum) or as bright as the clicked vessel's core.
3. Each tree is the candidates connected to its clicks; a voxel claimed by two trees goes
   to the nearer click. Only voxels inside the (slightly dilated) liver are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from scipy import ndimage as ndi

from cned_segment_classic.regions import box_around, check, component_at, to_image
from cned_viewer.core.volume import Volume
from cned_viewer.plugins import CancelCheck, Progress


@dataclass(frozen=True)
class VesselOptions:
    working_mm: float = 1.0
    sigmas_mm: tuple[float, ...] = (1.0, 2.0, 3.5)
    threshold: float = 0.03
    min_contrast_hu: float = 15.0
    contrast_share: float = 0.4
    core_hu: float = 25.0
    search_mm: float = 80.0
    liver_margin_mm: float = 4.0


def segment_vessels(volume: Volume, seeds: dict[int, list[tuple[int, int, int]]], liver_labels: np.ndarray | None,
                    progress: Progress, is_cancelled: CancelCheck, options: VesselOptions = VesselOptions()) -> np.ndarray:
    """Label array (0 or a key of ``seeds``) on the image grid: one tree per label's clicks."""
    clicks = [s for points in seeds.values() for s in points]
    liver = liver_labels != 0 if liver_labels is not None and np.any(liver_labels) else None
    box = _liver_box(liver) if liver is not None else box_around(clicks, options.search_mm, volume)
    factors = [max(1, int(round(options.working_mm / s))) for s in volume.spacing_zyx_mm]
    step = tuple(slice(b.start, b.stop, f) for b, f in zip(box, factors))
    spacing = tuple(s * f for s, f in zip(volume.spacing_zyx_mm, factors))
    image = to_image(volume.array[step].astype(np.float32), spacing)
    inside = np.ones(image.GetSize()[::-1], bool) if liver is None else _dilate(liver[step], options.liver_margin_mm, spacing)

    vesselness = np.zeros(inside.shape, np.float32)
    for k, sigma in enumerate(options.sigmas_mm):
        check(is_cancelled)
        smoothed = sitk.SmoothingRecursiveGaussian(image, sigma)
        measure = sitk.ObjectnessMeasure(smoothed, objectDimension=1, brightObject=True, scaleObjectnessMeasure=True)
        vesselness = np.maximum(vesselness, sitk.GetArrayFromImage(measure) * sigma ** 2)
        progress(0.1 + 0.6 * (k + 1) / len(options.sigmas_mm), f"vessels: scale {sigma} mm")
    array = sitk.GetArrayFromImage(sitk.SmoothingRecursiveGaussian(image, options.sigmas_mm[0]))
    parenchyma = float(np.median(array[inside])) if liver is not None else float(np.median(array))
    local = {label: [_local(c, box, factors, inside.shape) for c in points] for label, points in seeds.items()}
    seed_hu = float(np.median([array[p] for points in local.values() for p in points]))
    cut = max(parenchyma + options.min_contrast_hu, parenchyma + options.contrast_share * (seed_hu - parenchyma))
    peak = float(vesselness[inside].max()) if inside.any() else 0.0
    tubular = vesselness > options.threshold * peak
    core = array > seed_hu - options.core_hu
    candidates = inside & (array > cut) & (tubular | core)
    check(is_cancelled)

    trees = _trees(candidates, local)
    progress(0.9, "vessels: trees")
    out = np.zeros(volume.array.shape, np.uint8)
    full = out[box]
    upsampled = trees.repeat(factors[0], 0).repeat(factors[1], 1).repeat(factors[2], 2)
    full[...] = upsampled[tuple(slice(0, n) for n in full.shape)]
    if liver is not None:
        out[~_dilate(liver, options.liver_margin_mm, volume.spacing_zyx_mm)] = 0
    return out


def _liver_box(liver: np.ndarray) -> tuple[slice, ...]:
    return ndi.find_objects(liver.astype(np.uint8))[0]


def _dilate(mask: np.ndarray, margin_mm: float, spacing_zyx: tuple[float, ...]) -> np.ndarray:
    iterations = max(1, int(round(margin_mm / min(spacing_zyx))))
    structure = ndi.generate_binary_structure(3, 1)
    return ndi.binary_dilation(mask, structure, iterations=min(iterations, 4))


def _local(click: tuple[int, int, int], box: tuple[slice, ...], factors: list[int], shape: tuple[int, ...]) -> tuple[int, int, int]:
    return tuple(int(min(max((c - b.start) // f, 0), n - 1)) for c, b, f, n in zip(click, box, factors, shape))  # type: ignore[return-value]


def _trees(candidates: np.ndarray, seeds: dict[int, list[tuple[int, int, int]]]) -> np.ndarray:
    """Candidates connected to each label's seeds; shared voxels go to the nearest seed."""
    mask = sitk.GetImageFromArray(candidates.astype(np.uint8))
    labels = np.zeros(candidates.shape, np.uint8)
    nearest = np.zeros(candidates.shape, np.uint8)
    if len(seeds) > 1:
        marker = np.zeros(candidates.shape, np.uint8)
        for label, points in seeds.items():
            for p in points:
                marker[p] = label
        _, where = ndi.distance_transform_edt(marker == 0, return_indices=True)
        nearest = marker[tuple(where)]
    for label, points in seeds.items():
        tree = sitk.GetArrayFromImage(component_at(mask, points)).astype(bool)
        claimed = tree & (labels != 0)
        labels[tree & (labels == 0)] = label
        labels[claimed] = nearest[claimed]
    return labels
