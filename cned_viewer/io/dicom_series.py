"""DICOM series: check the slice geometry of a series found by :mod:`.dicom_scan`, load it.

Slices are ordered by their position along the slice normal (ImagePositionPatient .
normal), never by file name. Geometry problems (missing positions, colour images, several
scans under one UID, mixed sizes, pixel spacings or orientations, gantry tilt, duplicated or
missing slices, irregular spacing, truncated files) are errors with a message saying what
to do; a one-slice series loads with a warning about its assumed thickness.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.errors import InvalidDicomError

from cned_viewer.core.cancel import cancelled, raise_if_cancelled
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_scan import (  # noqa: F401 - re-exported: the scan's names were defined here first
    IMAGE_MODALITIES, METADATA_TAGS, SEG_SOP_CLASS, DamagedFile, DicomScan, SeriesInfo, SliceHeader, looks_like_dicom, quiet_pydicom, read_header,
    scan_dicom_folder, slice_steps_mm,
)
from cned_viewer.io.sitk_bridge import array_and_geometry

#: Relative slice-spacing deviation below which a series counts as regular.
SPACING_TOLERANCE = 0.005
#: Relative deviation above which the series is refused (a warning below it).
SPACING_ERROR = 0.05
#: Relative difference of pixel spacing between slices above which the series is refused.
PIXEL_SPACING_TOLERANCE = 1e-3


@dataclass(frozen=True)
class SliceStack:
    """Validated slices in position order and the grid they form."""

    files: list[Path]
    geometry: Geometry
    warnings: list[str]


def check_slice_geometry(series: SeriesInfo) -> SliceStack:
    """Order the slices of a single-frame series and check they form a regular grid.

    Raises :class:`UserError` for what would give a wrong volume; returns warnings for what
    still gives the right one.
    """
    slices = series.slices
    where = f"series {series.description or series.uid}"
    _check_uniform(where, series)
    first = slices[0]
    row_dir, col_dir = np.asarray(first.orientation[:3]), np.asarray(first.orientation[3:])
    normal = np.cross(row_dir, col_dir)
    positions = np.array([s.position_mm for s in slices])
    along = positions @ normal
    order = np.argsort(along, kind="stable")
    along, positions = along[order], positions[order]
    ordered = [slices[i] for i in order]
    row_mm, col_mm = first.pixel_spacing_mm
    warnings: list[str] = []
    if len(ordered) == 1:
        z_mm = _single_slice_thickness(series, warnings)
    else:
        _check_one_scan(where, series.uid, positions, along, normal, min(row_mm, col_mm))
        steps = np.diff(along)
        duplicates = int(np.sum(steps < 1e-3))
        if duplicates:
            at = along[1:][steps < 1e-3][0]
            raise UserError(f"{where}: {duplicates} duplicated slice position(s) (e.g. at {at:.2f} mm); the folder holds a slice twice or several acquisitions, remove the duplicates or export one acquisition")
        z_mm = float(np.median(steps))
        _check_tilt(where, positions, normal)
        _check_spacing(where, steps, along, z_mm, warnings)
    direction = np.column_stack([row_dir, col_dir, normal]).ravel()
    geometry = Geometry((first.columns, first.rows, len(ordered)), (col_mm, row_mm, z_mm), tuple(positions[0]), tuple(direction))
    return SliceStack([s.path for s in ordered], geometry, warnings)


def _check_uniform(where: str, series: SeriesInfo) -> None:
    """Every slice placed, greyscale, of one scan, one size, one pixel spacing and one orientation."""
    slices = series.slices
    missing = [s.path.name for s in slices if s.position_mm is None or s.orientation is None or s.pixel_spacing_mm is None]
    if missing:
        raise UserError(f"{where}: {len(missing)} slice(s) lack position, orientation or pixel spacing (e.g. {missing[0]}); the slices cannot be placed, re-export the series from the PACS")
    colour = [s for s in slices if s.samples_per_pixel != 1]
    if colour:
        raise UserError(f"{where} is a colour (RGB) series ({colour[0].samples_per_pixel} values per pixel, e.g. {colour[0].path.name}), "
                        "likely a screenshot or secondary capture; open the greyscale CT/MR series")
    scans = {s.scan_key for s in slices if any(s.scan_key)}
    if len(scans) > 1:
        raise UserError(f"{where}: its slices come from {len(scans)} different scans (study or frame of reference differ) that share "
                        f"SeriesInstanceUID {series.uid}; export each scan as its own series, or move one scan's files to another folder")
    if len({(s.rows, s.columns) for s in slices}) > 1:
        sizes = ", ".join(sorted({f"{s.columns}x{s.rows}" for s in slices}))
        raise UserError(f"{where}: slices have different sizes ({sizes}); it mixes images of several series, re-export it")
    spacings = np.array([s.pixel_spacing_mm for s in slices])
    if np.any(spacings <= 0):
        raise UserError(f"{where}: pixel spacing {spacings.min():g} mm is not positive (e.g. {slices[int(np.argmin(spacings.min(axis=1)))].path.name}); the header is wrong, re-export the series")
    if np.abs(spacings / spacings[0] - 1).max() > PIXEL_SPACING_TOLERANCE:
        odd = slices[int(np.argmax(np.abs(spacings / spacings[0] - 1).max(axis=1)))]
        raise UserError(f"{where}: pixel spacing varies between slices ({spacings.min():g} to {spacings.max():g} mm, e.g. {odd.path.name}); "
                        "the slices do not form one grid, re-export the series or resample it")
    orientations = np.array([s.orientation for s in slices])
    if np.abs(orientations - orientations[0]).max() > 1e-4:
        groups = len({tuple(np.round(o, 3)) for o in orientations})
        raise UserError(f"{where}: slices have {groups} different orientations (e.g. a localizer mixed in); pick or export a single axial series")


def _check_one_scan(where: str, uid: str, positions: np.ndarray, along: np.ndarray, normal: np.ndarray, pixel_mm: float) -> None:
    """Refuse slices whose sideways offsets no gantry tilt explains (several scans under one UID)."""
    across = positions - np.outer(along, normal)
    design = np.column_stack([along, np.ones_like(along)])
    fitted = design @ np.linalg.lstsq(design, across, rcond=None)[0]
    if np.abs(across - fitted).max() > max(0.1, 0.25 * pixel_mm):
        groups = len({tuple(np.round(a, 1)) for a in across})
        raise UserError(f"{where}: slices lie at {groups} different in-plane positions that no gantry tilt explains; several scans share "
                        f"SeriesInstanceUID {uid}, export each scan as its own series or move one scan's files to another folder")


def _single_slice_thickness(series: SeriesInfo, warnings: list[str]) -> float:
    ds = read_header(series.slices[0].path)
    for tag in ("SpacingBetweenSlices", "SliceThickness"):
        with quiet_pydicom():
            value = _positive(getattr(ds, tag, None))
        if value is not None:
            warnings.append(f"the series has a single slice; its thickness {float(value):g} mm ({tag}) is used as slice spacing, and volumes cover that one slab only")
            return float(value)
    raise UserError("the series has a single slice and no slice thickness; a volume cannot be measured from it, open the full series")


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) and number > 0 else None


def _check_tilt(where: str, positions: np.ndarray, normal: np.ndarray) -> None:
    offset = positions[-1] - positions[0]
    along = float(offset @ normal)
    across = float(np.linalg.norm(offset - along * normal))
    if abs(along) > 0 and across / abs(along) > 1e-3:
        angle = float(np.degrees(np.arctan2(across, abs(along))))
        raise UserError(f"{where}: gantry tilt of {angle:.1f} degrees (slices are shifted sideways); the volume would be sheared, resample it to an untilted grid (e.g. with the scanner or 3D Slicer) before measuring")


def _check_spacing(where: str, steps: np.ndarray, along: np.ndarray, z_mm: float, warnings: list[str]) -> None:
    deviation = np.abs(steps - z_mm) / z_mm
    worst = int(np.argmax(deviation))
    if deviation[worst] <= SPACING_TOLERANCE:
        return
    if deviation[worst] > SPACING_ERROR:
        ratio = steps[worst] / z_mm
        if ratio > 1.5:
            raise UserError(f"{where}: slice missing between {along[worst]:.2f} and {along[worst + 1]:.2f} mm (gap {steps[worst]:.2f} mm, expected {z_mm:.2f} mm); the series is incomplete, re-export it")
        raise UserError(f"{where}: irregular slice spacing ({steps.min():.3f} to {steps.max():.3f} mm); volumes would be wrong, resample the series to a regular grid")
    warnings.append(f"slice spacing varies by up to {100 * deviation[worst]:.1f} % around {z_mm:.3f} mm; volumes may be off by as much")


def truncated_files(series: SeriesInfo) -> list[Path]:
    """Files of ``series`` shorter than their uncompressed pixel data (cut off while copying)."""
    return [s.path for s in series.slices if s.expected_pixel_bytes and s.path.stat().st_size < s.expected_pixel_bytes]


def truncation_message(where: str, short: list[Path]) -> str:
    return f"{where}: {len(short)} file(s) are truncated (e.g. {short[0].name}); copy the series again from the PACS or CD"


def damage_message(where: str, damaged: list[DamagedFile]) -> str:
    """One line naming the damaged files of a series and what to do."""
    hint = ("ask for read access, or copy the files to a folder you can read" if any("permission" in d.reason for d in damaged)
            else "copy the series again from the PACS or CD")
    return f"{where}: {len(damaged)} file(s) are damaged or unreadable (e.g. {damaged[0].describe()}); {hint}"


def load_dicom_series(series: SeriesInfo) -> tuple[Volume, list[str]]:
    """Read a series into a :class:`Volume` with validated geometry; returns warnings too."""
    where = f"series {series.description or series.uid}"
    if series.is_segmentation:
        raise UserError(f"{where} is a DICOM segmentation; open it as labels, not as the image")
    if len(series.slices) == 1 and series.slices[0].frames > 1:
        return _load_multiframe(series)
    stack = check_slice_geometry(series)
    short = truncated_files(series)
    if short:
        raise UserError(truncation_message(where, short))
    reader = sitk.ImageSeriesReader()
    reader.SetImageIO("GDCMImageIO")  # also files without preamble, which the IO factory does not recognise
    reader.SetFileNames([str(p) for p in stack.files])
    reader.AddCommand(sitk.sitkProgressEvent, lambda: reader.Abort() if cancelled() else None)  # slice by slice
    try:
        image = reader.Execute()
    except RuntimeError:
        raise_if_cancelled("loading the series")
        bad = [(p.name, problem) for p in stack.files if (problem := _damage(p))]
        example = f"{bad[0][0]}: {bad[0][1]}" if bad else "unknown file"
        raise UserError(f"{where}: {len(bad) or 'some'} file(s) are damaged (e.g. {example}); copy the series again from the PACS or CD") from None
    array = sitk.GetArrayFromImage(image)
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise UserError(f"{where} decoded as a colour image ({image.GetNumberOfComponentsPerPixel()} values per pixel); open the greyscale CT/MR series")
    if array.shape != stack.geometry.shape_zyx:
        raise UserError(f"{where}: decoded {array.shape} voxels, expected {stack.geometry.shape_zyx}; the series mixes image sizes")
    return Volume(array, stack.geometry), stack.warnings


def _damage(path: Path) -> str | None:
    """Why GDCM cannot decode ``path`` (truncated pixel data, or undecodable), or None."""
    try:
        sitk.ReadImage(str(path), imageIO="GDCMImageIO")
        return None
    except RuntimeError:
        pass
    try:
        with quiet_pydicom():
            ds = pydicom.dcmread(path, force=True)
        expected = ds.Rows * ds.Columns * int(getattr(ds, "NumberOfFrames", 1) or 1) * ds.BitsAllocated // 8
        if ds.file_meta.TransferSyntaxUID.is_compressed or len(ds.PixelData) >= expected:
            return "pixel data cannot be decoded (unsupported compression or corrupt)"
    except (InvalidDicomError, OSError, EOFError, ValueError, AttributeError, KeyError):
        pass
    return "truncated"


def _load_multiframe(series: SeriesInfo) -> tuple[Volume, list[str]]:
    path = series.slices[0].path
    try:
        image = sitk.ReadImage(str(path), imageIO="GDCMImageIO")
    except RuntimeError:
        raise UserError(f"{path.name}: the multi-frame DICOM file cannot be decoded; it is damaged or uses an unsupported compression") from None
    array, geometry = array_and_geometry(image, path.name)
    return Volume(array, geometry), ["multi-frame DICOM: slice geometry taken from the file's per-frame positions as read by GDCM"]
