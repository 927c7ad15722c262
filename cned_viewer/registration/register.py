"""Register a follow-up scan to its baseline with SimpleITK: rigid (Euler3D), then affine, driven by the livers.

The rigid stage matches the smoothed liver masks (mean squares), started from their centres of mass;
the affine stage refines it on the CT inside the baseline liver (Mattes mutual information, the
metric sampled only in the liver and a margin). Both run on a cropped 2 mm grid
(:mod:`cned_viewer.registration.masks`). The affine result is kept only when it lines the livers up
at least as well as the rigid one (:func:`~cned_viewer.registration.quality.liver_quality`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import SimpleITK as sitk

from cned_viewer.core.labels import LabelMap
from cned_viewer.core.volume import Volume
from cned_viewer.followup.transform import PhysicalMap
from cned_viewer.errors import UserError
from cned_viewer.registration.masks import liver_mask, mask_image, working_images
from cned_viewer.registration.quality import MAX_MEAN_SURFACE_DISTANCE_MM, MIN_LIVER_DICE, Quality, liver_quality

RANDOM_SEED = 20240517  # fixed sampling: the same scans give the same result
SHRINK_FACTORS, SMOOTHING_MM = (4, 2, 1), (4.0, 2.0, 0.0)
#: Dice the affine stage may lose to the rigid one before the rigid result is kept instead.
AFFINE_DICE_TOLERANCE = 0.002


@dataclass(frozen=True, eq=False)
class Registration:
    """The follow-up -> baseline map, the stage it came from and the liver's alignment."""

    transform: PhysicalMap
    stage: str
    quality: Quality

    @property
    def warning(self) -> str | None:
        return self.quality.warning

    def to_json(self) -> dict[str, Any]:
        return {"method": "rigid (Euler3D) then affine, SimpleITK, driven by the liver masks and the CT inside them",
                "stage_kept": self.stage, "liver_dice": self.quality.liver_dice,
                "mean_surface_distance_mm": self.quality.mean_surface_distance_mm,
                "thresholds": {"min_liver_dice": MIN_LIVER_DICE, "max_mean_surface_distance_mm": MAX_MEAN_SURFACE_DISTANCE_MM},
                "warning": self.warning, "transform": self.transform.to_json()}


def _method(iterations: int) -> sitk.ImageRegistrationMethod:
    method = sitk.ImageRegistrationMethod()
    method.SetInterpolator(sitk.sitkLinear)
    method.SetOptimizerAsRegularStepGradientDescent(learningRate=1.0, minStep=1e-3, numberOfIterations=iterations,
                                                    relaxationFactor=0.6, gradientMagnitudeTolerance=1e-6)
    method.SetOptimizerScalesFromPhysicalShift()
    method.SetShrinkFactorsPerLevel(list(SHRINK_FACTORS))
    method.SetSmoothingSigmasPerLevel(list(SMOOTHING_MM))
    method.SmoothingSigmasAreSpecifiedInPhysicalUnitsOn()
    return method


def _rigid(fixed_mask: sitk.Image, moving_mask: sitk.Image) -> sitk.Euler3DTransform:
    initial = sitk.CenteredTransformInitializer(fixed_mask, moving_mask, sitk.Euler3DTransform(),
                                                sitk.CenteredTransformInitializerFilter.MOMENTS)
    method = _method(200)
    method.SetMetricAsMeanSquares()
    method.SetInitialTransform(initial, inPlace=True)
    method.Execute(fixed_mask, moving_mask)
    return sitk.Euler3DTransform(initial)


def _affine(fixed_ct: sitk.Image, moving_ct: sitk.Image, fixed_mask: sitk.Image, rigid: sitk.Euler3DTransform) -> sitk.AffineTransform:
    affine = sitk.AffineTransform(3)
    affine.SetCenter(rigid.GetCenter())
    affine.SetMatrix(rigid.GetMatrix())
    affine.SetTranslation(rigid.GetTranslation())
    method = _method(100)
    method.SetMetricAsMattesMutualInformation(numberOfHistogramBins=32)
    method.SetMetricSamplingStrategy(method.RANDOM)
    method.SetMetricSamplingPercentage(0.25, RANDOM_SEED)
    method.SetMetricFixedMask(sitk.Cast(fixed_mask > 0.05, sitk.sitkUInt8))
    method.SetInitialTransform(affine, inPlace=True)
    method.Execute(fixed_ct, moving_ct)
    return affine


def physical_map(baseline_to_followup: sitk.Transform) -> PhysicalMap:
    """The :class:`PhysicalMap` (follow-up -> baseline) of a SimpleITK rigid or affine transform (baseline -> follow-up)."""
    matrix = np.asarray(baseline_to_followup.GetMatrix(), np.float64).reshape(3, 3)
    center = np.asarray(baseline_to_followup.GetCenter(), np.float64)
    offset = center + np.asarray(baseline_to_followup.GetTranslation(), np.float64) - matrix @ center
    return PhysicalMap(matrix, offset).inverse()


def register_followup(baseline_image: Volume, baseline_labels: LabelMap, followup_image: Volume,
                      followup_labels: LabelMap) -> Registration:
    """The map of follow-up points into baseline space (module doc), with the liver Dice and surface distance."""
    for labels, which in ((baseline_labels, "baseline"), (followup_labels, "follow-up")):
        if not liver_mask(labels).any():
            raise UserError(f"the {which} labels hold no liver (parenchyma or tumour): the registration is driven by the "
                            "liver masks; give labels with the liver drawn (value 1)")
    fixed_mask, fixed_ct = working_images(baseline_image, baseline_labels)
    moving_mask, moving_ct = working_images(followup_image, followup_labels)
    rigid = _rigid(fixed_mask, moving_mask)
    base_liver, follow_liver = mask_image(baseline_labels), mask_image(followup_labels)
    rigid_quality = liver_quality(base_liver, follow_liver, rigid)
    affine = _affine(fixed_ct, moving_ct, fixed_mask, rigid)
    affine_quality = liver_quality(base_liver, follow_liver, affine)
    if affine_quality.liver_dice + AFFINE_DICE_TOLERANCE >= rigid_quality.liver_dice:
        return Registration(physical_map(affine), "affine", affine_quality)
    return Registration(physical_map(rigid), "rigid", rigid_quality)
