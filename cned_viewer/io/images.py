"""Open an image from a DICOM folder or an image file (NIfTI, NRRD, MHA/MHD)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import SimpleITK as sitk

from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_series import DicomScan, load_dicom_series, scan_dicom_folder
from cned_viewer.io.sitk_bridge import array_and_geometry

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


def read_sitk(path: Path, what: str) -> sitk.Image:
    """Read a file with SimpleITK, turning its errors into one clear line."""
    if not path.exists():
        raise UserError(f"{what} {path} does not exist")
    try:
        return sitk.ReadImage(str(path))
    except RuntimeError as error:
        first = str(error).strip().splitlines()[-1] if str(error).strip() else "unreadable"
        raise UserError(f"cannot read {what} {path.name}: {first[:160]}; check the file is a complete NIfTI, NRRD or MHA image") from None


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
        return LoadedImage(Volume(array, geometry), source)
    scan = scan_dicom_folder(source.parent)
    owner = next((s for s in scan.series if any(sl.path == source for sl in s.slices)), None)
    if owner is None:
        raise UserError(f"{source.name} is neither a NIfTI/NRRD/MHA image nor a DICOM image; open a DICOM folder or an image file")
    return _load_from_scan(scan, series or owner.uid)


def _load_from_scan(scan: DicomScan, series: str | None) -> LoadedImage:
    chosen = scan.pick(series)
    volume, warnings = load_dicom_series(chosen)
    images = [s for s in scan.series if s.is_image]
    if len(images) > 1 and not series:
        warnings.insert(0, f"{len(images)} image series in the folder; using '{chosen.description or chosen.uid}' ({chosen.slice_count} slices), choose another with --series")
    if scan.skipped_files:
        warnings.append(f"{len(scan.skipped_files)} file(s) in the folder are not DICOM images and were ignored")
    return LoadedImage(volume, scan.folder, dict(chosen.metadata), warnings, scan)
