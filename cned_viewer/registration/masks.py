"""The images a registration works on: the liver mask and the CT around it, cropped and on a coarse isotropic grid."""

from __future__ import annotations

import numpy as np
import SimpleITK as sitk

from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
from cned_viewer.core.volume import Volume
from cned_viewer.io.sitk_bridge import to_sitk

#: Voxel size (mm) of the grid the registration runs on (measurements never use it).
WORK_SPACING_MM = 2.0
#: Margin kept around the liver's box when cropping (mm).
CROP_MARGIN_MM = 20.0
#: Intensity window of the CT inside the registration (HU): soft tissue and contrast, no bone or air extremes.
HU_WINDOW = (-200.0, 400.0)


def liver_mask(labels: LabelMap) -> np.ndarray:
    """The liver the registration is driven by: parenchyma and tumour (``uint8`` 0/1)."""
    return np.isin(labels.array, (LIVER_PARENCHYMA, TUMOUR)).astype(np.uint8)


def mask_image(labels: LabelMap) -> sitk.Image:
    return to_sitk(liver_mask(labels), labels.geometry)


def _crop_box(mask: np.ndarray, spacing_zyx: tuple[float, float, float]) -> tuple[slice, slice, slice]:
    found = np.nonzero(mask.any(axis=(1, 2)))[0], np.nonzero(mask.any(axis=(0, 2)))[0], np.nonzero(mask.any(axis=(0, 1)))[0]
    if any(len(f) == 0 for f in found):
        return (slice(None),) * 3
    slices = []
    for axis, f in enumerate(found):
        margin = int(np.ceil(CROP_MARGIN_MM / spacing_zyx[axis]))
        slices.append(slice(max(int(f[0]) - margin, 0), min(int(f[-1]) + margin + 1, mask.shape[axis])))
    return tuple(slices)  # type: ignore[return-value]


def _coarse(image: sitk.Image, interpolator: int, default: float) -> sitk.Image:
    """``image`` resampled to :data:`WORK_SPACING_MM` isotropic over the same extent."""
    spacing = np.asarray(image.GetSpacing())
    size = np.maximum(np.round(np.asarray(image.GetSize()) * spacing / WORK_SPACING_MM), 1).astype(int)
    return sitk.Resample(image, [int(s) for s in size], sitk.Transform(), interpolator, image.GetOrigin(),
                         (WORK_SPACING_MM,) * 3, image.GetDirection(), default, sitk.sitkFloat32)


def working_images(image: Volume, labels: LabelMap) -> tuple[sitk.Image, sitk.Image]:
    """(smoothed liver mask, windowed CT) cropped to the liver with a margin, float32 at :data:`WORK_SPACING_MM`."""
    mask = liver_mask(labels)
    box = _crop_box(mask, labels.geometry.spacing_zyx_mm)
    mask_sitk = to_sitk(mask, labels.geometry)[box[2], box[1], box[0]]
    ct = np.clip(np.asarray(image.array, np.float32), *HU_WINDOW)
    ct_sitk = to_sitk(ct, image.geometry)[box[2], box[1], box[0]] if image.geometry.matches(labels.geometry) else \
        sitk.Resample(to_sitk(ct, image.geometry), mask_sitk, sitk.Transform(), sitk.sitkLinear, HU_WINDOW[0])
    smooth = sitk.SmoothingRecursiveGaussian(sitk.Cast(mask_sitk, sitk.sitkFloat32), WORK_SPACING_MM)
    return _coarse(smooth, sitk.sitkLinear, 0.0), _coarse(ct_sitk, sitk.sitkLinear, HU_WINDOW[0])
