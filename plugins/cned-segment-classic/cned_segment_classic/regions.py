"""Shared helpers: boxes around seeds, resampling, connected components, hole filling."""

from __future__ import annotations

import numpy as np
import SimpleITK as sitk
from scipy import ndimage as ndi

from cned_viewer.core.volume import Volume
from cned_viewer.plugins import Cancelled, CancelCheck

Box = tuple[slice, slice, slice]


def box_around(centres_zyx: list[tuple[int, int, int]], radius_mm: float, volume: Volume) -> Box:
    """The array box reaching ``radius_mm`` beyond every centre, clipped to the image."""
    reach = np.ceil(radius_mm / np.asarray(volume.spacing_zyx_mm)).astype(int)
    points = np.asarray(centres_zyx)
    low = np.maximum(points.min(axis=0) - reach, 0)
    high = np.minimum(points.max(axis=0) + reach + 1, volume.array.shape)
    return tuple(slice(int(a), int(b)) for a, b in zip(low, high))  # type: ignore[return-value]


def to_image(array: np.ndarray, spacing_zyx_mm: tuple[float, float, float]) -> sitk.Image:
    image = sitk.GetImageFromArray(np.ascontiguousarray(array))
    image.SetSpacing(tuple(float(s) for s in spacing_zyx_mm[::-1]))
    return image


def xyz(index_zyx: tuple[int, int, int] | np.ndarray) -> tuple[int, int, int]:
    """A ``(z, y, x)`` index as the ``(x, y, z)`` tuple SimpleITK wants."""
    return tuple(int(v) for v in index_zyx[::-1])  # type: ignore[return-value]


def component_at(mask: sitk.Image, seeds_zyx: list[tuple[int, int, int]]) -> sitk.Image:
    """The union of the connected components of ``mask`` that contain a seed (empty if none)."""
    components = sitk.ConnectedComponent(mask)
    labels = {components[xyz(s)] for s in seeds_zyx} - {0}
    keep = sitk.Image(mask.GetSize(), sitk.sitkUInt8)
    keep.CopyInformation(mask)
    for label in labels:
        keep = keep | (components == label)
    return keep


def fill_holes_per_slice(mask: np.ndarray) -> np.ndarray:
    """3D hole filling, then axial slice by slice (closes vessels/lesions open at the top/bottom)."""
    filled = ndi.binary_fill_holes(mask)
    return np.stack([ndi.binary_fill_holes(plane) for plane in filled])


def check(is_cancelled: CancelCheck) -> None:
    if is_cancelled():
        raise Cancelled("segmentation cancelled")


def seed_statistics(array: np.ndarray, seed_zyx: tuple[int, int, int], radius_vox: tuple[int, int, int]) -> tuple[float, float]:
    """Median and standard deviation of ``array`` in a box around the seed."""
    box = tuple(slice(max(c - r, 0), c + r + 1) for c, r in zip(seed_zyx, radius_vox))
    patch = array[box]
    return float(np.median(patch)), float(patch.std())


def radius_in_voxels(radius_mm: float, spacing_zyx_mm: tuple[float, ...], minimum: int = 0) -> list[int]:
    """A per-axis radius (x, y, z order, for SimpleITK filters) of about ``radius_mm``."""
    return [max(minimum, int(round(radius_mm / s))) for s in spacing_zyx_mm[::-1]]
