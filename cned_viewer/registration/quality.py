"""How well two livers line up after registration: Dice and symmetric mean surface distance (mm).

Both masks are put on the baseline's own grid (nearest neighbour, over the box holding both livers);
this is only for the quality figures: no measurement is made on a resampled mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

#: Below this liver Dice, or above this mean surface distance, the registration is flagged as poor.
MIN_LIVER_DICE = 0.80
MAX_MEAN_SURFACE_DISTANCE_MM = 5.0


@dataclass(frozen=True)
class Quality:
    liver_dice: float
    mean_surface_distance_mm: float

    @property
    def warning(self) -> str | None:
        """One line when the livers do not line up well enough to trust the lesion pairing; None otherwise."""
        if self.liver_dice >= MIN_LIVER_DICE and self.mean_surface_distance_mm <= MAX_MEAN_SURFACE_DISTANCE_MM:
            return None
        return (f"poor registration: liver Dice {self.liver_dice:.3f} (needs >= {MIN_LIVER_DICE:g}), mean surface distance "
                f"{self.mean_surface_distance_mm:.1f} mm (needs <= {MAX_MEAN_SURFACE_DISTANCE_MM:g} mm); check the lesion pairs "
                "by eye, or the liver masks of both scans")


def _index_box(mask: sitk.Image) -> np.ndarray:
    """``[[lo x, y, z], [hi x, y, z]]`` of the nonzero voxels (the whole image when empty)."""
    stats = sitk.LabelShapeStatisticsImageFilter()
    stats.Execute(mask)
    if not stats.HasLabel(1):
        return np.array([[0, 0, 0], np.asarray(mask.GetSize()) - 1])
    box = stats.GetBoundingBox(1)
    return np.array([box[:3], np.asarray(box[:3]) + np.asarray(box[3:]) - 1])


def _reference(baseline_mask: sitk.Image, followup_mask: sitk.Image, baseline_to_followup: sitk.Transform) -> sitk.Image:
    """A grid with the baseline's spacing and axes over both livers' boxes (the follow-up's mapped into baseline space)."""
    lo, hi = _index_box(followup_mask)
    corners = [followup_mask.TransformIndexToPhysicalPoint([int(v) for v in np.where(bits, hi, lo)])
               for bits in np.array(np.meshgrid([0, 1], [0, 1], [0, 1])).reshape(3, -1).T.astype(bool)]
    inverse = baseline_to_followup.GetInverse()
    mapped = np.array([baseline_mask.TransformPhysicalPointToContinuousIndex(inverse.TransformPoint(c)) for c in corners])
    base_lo, base_hi = _index_box(baseline_mask)
    lo = np.floor(np.minimum(base_lo, mapped.min(axis=0))).astype(int) - 1
    hi = np.ceil(np.maximum(base_hi, mapped.max(axis=0))).astype(int) + 1
    reference = sitk.Image([int(v) for v in hi - lo + 1], sitk.sitkUInt8)
    reference.SetSpacing(baseline_mask.GetSpacing())
    reference.SetDirection(baseline_mask.GetDirection())
    reference.SetOrigin(baseline_mask.TransformContinuousIndexToPhysicalPoint([float(v) for v in lo]))
    return reference


def _surface_distances(a: sitk.Image, b: sitk.Image) -> np.ndarray:
    """Distances (mm) from each surface voxel of ``b`` to the surface of ``a``."""
    distance = sitk.Abs(sitk.SignedMaurerDistanceMap(sitk.LabelContour(a), insideIsPositive=False, squaredDistance=False,
                                                     useImageSpacing=True))
    contour = sitk.LabelContour(b)  # kept alive: an array view does not own the image's memory
    return sitk.GetArrayFromImage(distance)[sitk.GetArrayFromImage(contour) > 0]


def liver_quality(baseline_mask: sitk.Image, followup_mask: sitk.Image, baseline_to_followup: sitk.Transform) -> Quality:
    """Dice and mean surface distance of the two liver masks (0/1 ``uint8``) once the follow-up one is mapped."""
    reference = _reference(baseline_mask, followup_mask, baseline_to_followup)
    a = sitk.Resample(baseline_mask, reference, sitk.Transform(), sitk.sitkNearestNeighbor, 0)
    b = sitk.Resample(followup_mask, reference, baseline_to_followup, sitk.sitkNearestNeighbor, 0)
    va, vb = sitk.GetArrayViewFromImage(a) > 0, sitk.GetArrayViewFromImage(b) > 0
    total = int(va.sum()) + int(vb.sum())
    if total == 0 or not va.any() or not vb.any():
        return Quality(0.0, float("inf"))
    dice = 2.0 * int(np.count_nonzero(va & vb)) / total
    distances = np.concatenate([_surface_distances(a, b), _surface_distances(b, a)])
    return Quality(float(dice), float(distances.mean()))
