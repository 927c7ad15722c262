"""Conversions between SimpleITK images and the core model (same geometry conventions)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from cned_viewer.core.geometry import Geometry
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write

#: Voxel sizes outside this range (mm) are a broken header, not a scan.
MIN_SPACING_MM, MAX_SPACING_MM = 1e-3, 1e3

sitk.ProcessObject.SetGlobalWarningDisplay(False)  # ITK's warnings are raw console text; the checks here say it clearly



def geometry_of(image: sitk.Image | sitk.ImageFileReader, what: str = "image") -> Geometry:
    """The :class:`Geometry` of a 3D SimpleITK image (or a reader that read its header); UserError if it lies."""
    spacing, origin, direction = image.GetSpacing(), image.GetOrigin(), image.GetDirection()
    shown = ", ".join(f"{v:g}" for v in spacing)
    if not (np.all(np.isfinite(spacing)) and min(spacing) > 0):
        raise UserError(f"{what}: voxel size {shown} mm is zero, negative or not a number; re-export the image with the right voxel size")
    if not (MIN_SPACING_MM <= min(spacing) and max(spacing) <= MAX_SPACING_MM):
        raise UserError(f"{what}: voxel size {shown} mm is implausible for a scan ({MIN_SPACING_MM:g} to {MAX_SPACING_MM:g} mm); "
                        "the header is wrong, re-export the image with the right voxel size")
    matrix = np.asarray(direction, dtype=float).reshape(3, 3)
    if not (np.all(np.isfinite(origin)) and np.all(np.isfinite(matrix)) and abs(abs(np.linalg.det(matrix)) - 1) < 1e-3):
        raise UserError(f"{what}: its origin or orientation in the header is not valid (not a number, or axes not perpendicular); re-export the image")
    return Geometry(image.GetSize(), spacing, origin, direction)


def nonfinite_warning(array: np.ndarray, what: str) -> str | None:
    """A warning when ``array`` holds NaN or infinite voxels (segmenters refuse such an image), else None."""
    if not np.issubdtype(array.dtype, np.floating):
        return None
    bad = int(array.size - np.count_nonzero(np.isfinite(array)))
    if not bad:
        return None
    return (f"{what} holds {bad} NaN or infinite voxel(s) ({100 * bad / array.size:.2g} %): the image is damaged or badly converted; "
            "volumes come from the labels and stay right, but intensities there are meaningless and segmenters refuse the image")


def array_and_geometry(image: sitk.Image, what: str) -> tuple[np.ndarray, Geometry]:
    """The ``[z, y, x]`` array and geometry of a 3D scalar image; ``what`` names it in errors."""
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise UserError(f"{what} has {image.GetNumberOfComponentsPerPixel()} values per voxel; a scalar 3D image is needed")
    if image.GetDimension() == 2:
        image = sitk.JoinSeries(image)
    if image.GetDimension() != 3:
        raise UserError(f"{what} is {image.GetDimension()}D; a 3D image is needed (split 4D series first)")
    return sitk.GetArrayFromImage(image), geometry_of(image, what)


def write_image(array: np.ndarray, geometry: Geometry, path: str | os.PathLike) -> Path:
    """Write ``array`` on ``geometry`` as a compressed NIfTI/NRRD/MHA file (by suffix), atomically."""
    image = to_sitk(array, geometry)
    return atomic_write(path, lambda tmp: sitk.WriteImage(image, str(tmp), useCompression=True))


def to_sitk(array: np.ndarray, geometry: Geometry) -> sitk.Image:
    """A SimpleITK image with ``array`` (``[z, y, x]``) on ``geometry``."""
    image = sitk.GetImageFromArray(np.ascontiguousarray(array))
    image.SetSpacing(geometry.spacing_xyz_mm)
    image.SetOrigin(geometry.origin_xyz_mm)
    image.SetDirection(geometry.direction)
    return image
