"""Open an image from a DICOM folder or an image file (NIfTI, NRRD, MHA/MHD)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_series import DicomScan, damage_message, load_dicom_series, looks_like_dicom, scan_dicom_folder
from cned_viewer.io.itk_messages import captured_stderr, itk_failure
from cned_viewer.io.nifti_header import check_nifti, is_nifti, nonfinite_mask
from cned_viewer.io.sitk_bridge import array_and_geometry, nonfinite_warning

IMAGE_SUFFIXES = (".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd")


@dataclass
class LoadedImage:
    """An image with what the user should know about how it was read."""

    volume: Volume
    source: Path
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    scan: DicomScan | None = None


def has_image_suffix(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in IMAGE_SUFFIXES)


def check_readable(path: Path, what: str) -> None:
    """Refuse a path that is missing, a folder, or unreadable, naming the real cause."""
    if not path.exists():
        raise UserError(f"{what} {path} does not exist; check the path")
    if path.is_dir():
        raise UserError(f"{what} {path} is a folder; give a NIfTI, NRRD or MHA file")
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        raise UserError(f"cannot read {what} {path}: permission denied; ask for read access, or copy it to a folder you can read") from None
    except OSError as error:
        raise UserError(f"cannot read {what} {path}: {error.strerror}; check the file") from None


def read_sitk(path: Path, what: str) -> sitk.Image:
    """Read a file with SimpleITK after checking it (:func:`check_image_file`), errors as one clear line."""
    check_image_file(path, what)
    with captured_stderr() as noise:
        try:
            image = sitk.ReadImage(str(path))
        except RuntimeError as error:
            raise UserError(itk_failure(path, what, f"{error}\n{noise.text()}")) from None
    return image


def check_image_file(path: Path, what: str) -> None:
    """Readable, and for NIfTI a header that agrees with itself and the file's size."""
    check_readable(path, what)
    if is_nifti(path):
        check_nifti(path, what)


def nifti_nonfinite(path: Path) -> np.ndarray | None:
    """Where a floating-point NIfTI file holds NaN/infinite voxels, which ITK reads as 0 (flat, file order); else None."""
    return nonfinite_mask(path, check_nifti(path)) if is_nifti(path) else None


def read_image_information(path: Path, what: str = "image") -> sitk.ImageFileReader:
    """A reader that has read only the header of ``path`` (size, spacing, pixel type): no voxels."""
    check_image_file(path, what)
    reader = sitk.ImageFileReader()
    reader.SetFileName(str(path))
    with captured_stderr() as noise:
        try:
            reader.ReadImageInformation()
        except RuntimeError as error:
            raise UserError(itk_failure(path, what, f"{error}\n{noise.text()}")) from None
    return reader


def load_image(path: str | os.PathLike | DicomScan, series: str | None = None) -> LoadedImage:
    """Open ``path``: a DICOM folder (``series`` picks one by UID or list number) or a scan of
    one already made, a DICOM file (its series), or an image file."""
    if isinstance(path, DicomScan):
        return _load_from_scan(path, series)
    source = Path(path)
    if source.is_dir():
        return _load_from_scan(scan_dicom_folder(source), series)
    if not source.exists():
        raise UserError(f"{source} does not exist; give a DICOM folder or a NIfTI/NRRD/MHA file")
    if has_image_suffix(source):
        array, geometry = array_and_geometry(read_sitk(source, "image"), f"image {source.name}")
        mask = nifti_nonfinite(source)
        if mask is not None and mask.size == array.size:
            array = array.astype(np.float32 if array.dtype.itemsize <= 4 else np.float64)
            array.reshape(-1)[mask] = np.nan  # as in the file: ITK read them as 0, a segmenter must not see numbers there
        warning = nonfinite_warning(array, f"image {source.name}")
        return LoadedImage(Volume(array, geometry), source, warnings=[warning] if warning else [])
    check_readable(source, "file")
    if not looks_like_dicom(source):
        raise UserError(f"{source.name} is neither a NIfTI/NRRD/MHA image nor a DICOM image; open a DICOM folder or an image file")
    scan = scan_dicom_folder(source.parent)
    owner = next((s for s in scan.series if any(sl.path == source for sl in s.slices)), None)
    if owner is None:
        damaged = [d for d in scan.damaged_files if d.path == source]
        raise UserError(damage_message(source.name, damaged) if damaged else f"{source.name} is a DICOM file without an image; open a DICOM image series")
    return _load_from_scan(scan, series or owner.uid)


def _load_from_scan(scan: DicomScan, series: str | None) -> LoadedImage:
    chosen = scan.pick(series)
    damaged = scan.damaged_in(chosen)
    if damaged:
        raise UserError(damage_message(f"series {chosen.description or chosen.uid}", damaged))
    volume, warnings = load_dicom_series(chosen)
    other_damaged = [d for d in scan.damaged_files if d not in damaged]
    if other_damaged:
        warnings.append(f"{len(other_damaged)} damaged file(s) of other series were ignored (e.g. {other_damaged[0].describe()})")
    nonfinite = nonfinite_warning(volume.array, f"series {chosen.description or chosen.uid}")
    if nonfinite:
        warnings.append(nonfinite)
    images = [s for s in scan.series if s.is_image]
    if len(images) > 1 and not series:
        warnings.insert(0, f"{len(images)} image series in the folder; using '{chosen.description or chosen.uid}' ({chosen.slice_count} slices), choose another with --series")
    if scan.skipped_files:
        warnings.append(f"{len(scan.skipped_files)} file(s) in the folder are not DICOM images and were ignored")
    return LoadedImage(volume, scan.folder, dict(chosen.metadata), warnings, scan)
