"""Conversions between SimpleITK images and the core model (same geometry conventions)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from cned_viewer.core.geometry import Geometry
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write


def geometry_of(image: sitk.Image) -> Geometry:
    """The :class:`Geometry` of a 3D SimpleITK image."""
    return Geometry(image.GetSize(), image.GetSpacing(), image.GetOrigin(), image.GetDirection())


def array_and_geometry(image: sitk.Image, what: str) -> tuple[np.ndarray, Geometry]:
    """The ``[z, y, x]`` array and geometry of a 3D scalar image; ``what`` names it in errors."""
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise UserError(f"{what} has {image.GetNumberOfComponentsPerPixel()} values per voxel; a scalar 3D image is needed")
    if image.GetDimension() == 2:
        image = sitk.JoinSeries(image)
    if image.GetDimension() != 3:
        raise UserError(f"{what} is {image.GetDimension()}D; a 3D image is needed (split 4D series first)")
    return sitk.GetArrayFromImage(image), geometry_of(image)


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
