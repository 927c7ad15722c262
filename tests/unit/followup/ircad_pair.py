"""IRCAD patient 1 against a copy of itself moved by a rotation and a translation, then edited.

The copy is resampled with the test's own SimpleITK calls (CT linear, labels nearest neighbour) onto
the same grid; then, on the copy's own grid, one lesion is erased (painted as parenchyma), one eroded
and one sphere of tumour added deep in the parenchyma.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk
from scipy import ndimage

from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
from cned_viewer.core.volume import Volume
from cned_viewer.followup import PhysicalMap
from cned_viewer.io.sitk_bridge import array_and_geometry

ROTATION_DEG = (2.0, -1.5, 6.0)  # about x, y, z
TRANSLATION_MM = (8.0, -6.0, 3.0)
NEW_LESION_RADIUS_MM = 7.0


@dataclass(frozen=True)
class IrcadPair:
    baseline_image: Volume
    baseline_labels: LabelMap
    followup_image: Volume
    followup_labels: LabelMap
    motion: PhysicalMap  # follow-up point -> the baseline point it shows
    ct_path: Path
    labels_path: Path


def _motion(image: sitk.Image) -> sitk.Euler3DTransform:
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2 for n in image.GetSize()])
    transform = sitk.Euler3DTransform(centre, *np.radians(ROTATION_DEG))
    transform.SetTranslation(TRANSLATION_MM)
    return transform


def _physical_map(transform: sitk.Euler3DTransform) -> PhysicalMap:
    matrix = np.asarray(transform.GetMatrix()).reshape(3, 3)
    centre = np.asarray(transform.GetCenter())
    return PhysicalMap(matrix, centre + np.asarray(transform.GetTranslation()) - matrix @ centre)


def _lesion_mask(labels: np.ndarray, point_index: np.ndarray) -> np.ndarray:
    components, _ = ndimage.label(labels == TUMOUR, np.ones((3, 3, 3)))
    return components == components[tuple(point_index)]


def _deep_parenchyma(labels: np.ndarray, spacing_zyx: tuple[float, float, float]) -> np.ndarray:
    """The parenchyma voxel farthest from anything else (its index)."""
    depth = ndimage.distance_transform_edt(labels == LIVER_PARENCHYMA, sampling=spacing_zyx)
    return np.array(np.unravel_index(int(np.argmax(depth)), labels.shape))


def ircad_pair(folder: Path, erase_at_mm: tuple[float, ...], erode_at_mm: tuple[float, ...]) -> IrcadPair:
    """The pair of the module doc; the lesions to erase and erode are named by a baseline point inside them (mm)."""
    ct_path, labels_path = folder / "ct.nii.gz", folder / "labels.nrrd"
    ct, labels = sitk.ReadImage(str(ct_path)), sitk.ReadImage(str(labels_path))
    motion = _motion(ct)
    moved_ct = sitk.Resample(ct, ct, motion, sitk.sitkLinear, -1000.0)
    moved_labels = sitk.Resample(labels, labels, motion, sitk.sitkNearestNeighbor, 0)
    base_ct, geometry = array_and_geometry(ct, "ct")
    base_labels, _ = array_and_geometry(labels, "labels")
    follow_ct, _ = array_and_geometry(moved_ct, "moved ct")
    follow = array_and_geometry(moved_labels, "moved labels")[0].astype(np.uint8).copy()
    inverse = _physical_map(motion).inverse()
    for at, edit in ((erase_at_mm, "erase"), (erode_at_mm, "erode")):
        index = np.rint(geometry.patient_to_index(inverse.followup_to_baseline(np.asarray(at)))).astype(int)
        lesion = _lesion_mask(follow, index)
        kept = ndimage.binary_erosion(lesion, np.ones((3, 3, 3)), iterations=2) if edit == "erode" else np.zeros_like(lesion)
        follow[lesion & ~kept] = LIVER_PARENCHYMA
    centre = _deep_parenchyma(follow, geometry.spacing_zyx_mm)
    grid = np.indices(follow.shape, dtype=np.float32)
    distance = np.sqrt(sum(((grid[k] - centre[k]) * geometry.spacing_zyx_mm[k]) ** 2 for k in range(3)))
    follow[(distance <= NEW_LESION_RADIUS_MM) & (follow == LIVER_PARENCHYMA)] = TUMOUR
    return IrcadPair(Volume(base_ct, geometry), LabelMap(base_labels.astype(np.uint8), geometry), Volume(follow_ct, geometry),
                     LabelMap(follow, geometry), _physical_map(motion), ct_path, labels_path)
