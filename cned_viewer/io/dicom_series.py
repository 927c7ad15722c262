"""DICOM folders: find every series, check its slice geometry, load the chosen one.

Slices are ordered by their position along the slice normal (ImagePositionPatient .
normal), never by file name. Geometry problems (missing positions, mixed orientations,
gantry tilt, duplicated or missing slices, irregular spacing) are errors with a message
saying what to do; a one-slice series loads with a warning about its assumed thickness.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.errors import InvalidDicomError

from cned_viewer.core.cancel import cancelled, raise_if_cancelled
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.io.sitk_bridge import array_and_geometry

IMAGE_MODALITIES = ("CT", "MR")
#: Relative slice-spacing deviation below which a series counts as regular.
SPACING_TOLERANCE = 0.005
#: Relative deviation above which the series is refused (a warning below it).
SPACING_ERROR = 0.05
_HEADER_TAGS = [
    "SOPClassUID", "Modality", "SeriesInstanceUID", "SeriesDescription", "SeriesNumber",
    "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "SliceThickness",
    "SpacingBetweenSlices", "Rows", "Columns", "BitsAllocated", "SamplesPerPixel",
    "NumberOfFrames", "PatientName", "PatientID", "PatientBirthDate", "PatientSex",
    "StudyInstanceUID", "StudyDate", "StudyDescription", "AccessionNumber",
    "InstitutionName", "Manufacturer", "ReferringPhysicianName", "FrameOfReferenceUID",
]
#: Header values copied into a case's metadata (identifying ones are de-identified on request).
METADATA_TAGS = (
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID",
    "StudyDate", "StudyDescription", "AccessionNumber", "InstitutionName", "Manufacturer",
    "ReferringPhysicianName", "SeriesInstanceUID", "SeriesDescription", "Modality",
)
SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"


@dataclass(frozen=True)
class SliceHeader:
    """The few header values of one file that decide where its pixels go."""

    path: Path
    position_mm: tuple[float, float, float] | None
    orientation: tuple[float, ...] | None
    pixel_spacing_mm: tuple[float, float] | None
    rows: int
    columns: int
    frames: int
    expected_pixel_bytes: int | None


@dataclass
class SeriesInfo:
    """One series found in a folder, as listed to the user."""

    uid: str
    modality: str
    description: str
    series_number: int | None
    slices: list[SliceHeader] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    is_segmentation: bool = False

    @property
    def slice_count(self) -> int:
        return sum(s.frames for s in self.slices)

    @property
    def is_image(self) -> bool:
        return self.modality in IMAGE_MODALITIES and not self.is_segmentation

    def spacing_xyz_mm(self) -> tuple[float, float, float] | None:
        """In-plane spacing and the median slice step; None when positions are missing."""
        first = self.slices[0]
        if first.pixel_spacing_mm is None:
            return None
        row_mm, col_mm = first.pixel_spacing_mm
        steps = _slice_steps_mm(self.slices)
        z = float(np.median(steps)) if steps is not None and len(steps) else float("nan")
        return (col_mm, row_mm, z)

    def summary(self) -> dict:
        spacing = self.spacing_xyz_mm()
        return {
            "uid": self.uid,
            "modality": self.modality,
            "description": self.description,
            "series_number": self.series_number,
            "slice_count": self.slice_count,
            "size_xy": [self.slices[0].columns, self.slices[0].rows],
            "spacing_mm": None if spacing is None else [round(v, 6) for v in spacing],
        }


@dataclass
class DicomScan:
    """What a folder holds: its series, and the files that were not readable DICOM."""

    folder: Path
    series: list[SeriesInfo]
    skipped_files: list[Path]

    def default_series(self) -> SeriesInfo:
        """The CT/MR series with the most slices (ties: lowest series number)."""
        images = [s for s in self.series if s.is_image]
        if not images:
            kinds = ", ".join(sorted({s.modality for s in self.series})) or "none"
            raise UserError(f"no CT or MR image series in {self.folder} (found modalities: {kinds}); open the image series folder")
        return max(images, key=lambda s: (s.slice_count, -(s.series_number or 0)))

    def pick(self, choice: str | None) -> SeriesInfo:
        """A series by UID, by its 1-based position in :attr:`series`, or the default."""
        if not choice:
            return self.default_series()
        if choice.isdigit() and 1 <= int(choice) <= len(self.series):
            return self.series[int(choice) - 1]
        for series in self.series:
            if series.uid == choice:
                return series
        raise UserError(f"no series {choice!r} in {self.folder}; run 'cned-viewer info {self.folder}' to list them")


def _read_header(path: Path) -> pydicom.Dataset | None:
    try:
        return pydicom.dcmread(path, stop_before_pixels=True, specific_tags=_HEADER_TAGS)
    except (InvalidDicomError, OSError, EOFError, ValueError, TypeError, AttributeError):
        return None


def _series_key(path: Path, ds: pydicom.Dataset) -> str:
    """SeriesInstanceUID, or for anonymised files without one, a key from what they share."""
    uid = str(getattr(ds, "SeriesInstanceUID", "") or "")
    if uid:
        return uid
    parts = (path.parent.name, getattr(ds, "Modality", ""), getattr(ds, "SeriesDescription", ""), getattr(ds, "FrameOfReferenceUID", ""))
    return "no-uid:" + "|".join(str(p or "") for p in parts)


def _floats(value, count: int) -> tuple[float, ...] | None:
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return values if len(values) == count else None


def _slice_header(path: Path, ds: pydicom.Dataset) -> SliceHeader:
    rows, columns = int(getattr(ds, "Rows", 0) or 0), int(getattr(ds, "Columns", 0) or 0)
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    bits = int(getattr(ds, "BitsAllocated", 16) or 16)
    samples = int(getattr(ds, "SamplesPerPixel", 1) or 1)
    uncompressed = not getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None) or ds.file_meta.TransferSyntaxUID in (
        pydicom.uid.ImplicitVRLittleEndian, pydicom.uid.ExplicitVRLittleEndian, pydicom.uid.ExplicitVRBigEndian,
    )
    return SliceHeader(
        path=path,
        position_mm=_floats(getattr(ds, "ImagePositionPatient", None), 3),
        orientation=_floats(getattr(ds, "ImageOrientationPatient", None), 6),
        pixel_spacing_mm=_floats(getattr(ds, "PixelSpacing", None), 2),
        rows=rows,
        columns=columns,
        frames=frames,
        expected_pixel_bytes=rows * columns * frames * samples * bits // 8 if uncompressed else None,
    )


def scan_dicom_folder(folder: str | os.PathLike) -> DicomScan:
    """List every DICOM series below ``folder`` (recursively)."""
    root = Path(folder)
    if not root.is_dir():
        raise UserError(f"{root} is not a folder")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if not files:
        raise UserError(f"the folder {root} is empty; choose the folder that holds the DICOM files")
    by_uid: dict[str, SeriesInfo] = {}
    skipped: list[Path] = []
    for path in files:
        ds = _read_header(path)
        if ds is None or not getattr(ds, "Rows", None):
            skipped.append(path)
            continue
        uid = _series_key(path, ds)
        if uid not in by_uid:
            number = getattr(ds, "SeriesNumber", None)
            by_uid[uid] = SeriesInfo(
                uid=uid,
                modality=str(getattr(ds, "Modality", "") or "?"),
                description=str(getattr(ds, "SeriesDescription", "") or ""),
                series_number=int(number) if number not in (None, "") else None,
                metadata={tag: str(getattr(ds, tag, "") or "") for tag in METADATA_TAGS},
                is_segmentation=str(getattr(ds, "SOPClassUID", "")) == SEG_SOP_CLASS,
            )
        by_uid[uid].slices.append(_slice_header(path, ds))
    if not by_uid:
        raise UserError(f"no DICOM files in {root} ({len(files)} files checked); choose a folder with a DICOM series, or open a NIfTI/NRRD/MHA file")
    series = sorted(by_uid.values(), key=lambda s: (s.series_number is None, s.series_number or 0, s.uid))
    return DicomScan(root, series, skipped)


def _normal(orientation: tuple[float, ...]) -> np.ndarray:
    row, col = np.asarray(orientation[:3]), np.asarray(orientation[3:])
    return np.cross(row, col)


def _slice_steps_mm(slices: list[SliceHeader]) -> np.ndarray | None:
    if any(s.position_mm is None or s.orientation is None for s in slices):
        return None
    normal = _normal(slices[0].orientation)
    along = np.sort([float(np.dot(s.position_mm, normal)) for s in slices])
    return np.diff(along)


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
    missing = [s.path.name for s in slices if s.position_mm is None or s.orientation is None or s.pixel_spacing_mm is None]
    if missing:
        raise UserError(f"{where}: {len(missing)} slice(s) lack position, orientation or pixel spacing (e.g. {missing[0]}); the slices cannot be placed, re-export the series from the PACS")
    if len({(s.rows, s.columns) for s in slices}) > 1:
        raise UserError(f"{where}: slices have different sizes; it mixes images of several series, re-export it")
    orientations = np.array([s.orientation for s in slices])
    if np.abs(orientations - orientations[0]).max() > 1e-4:
        groups = len({tuple(np.round(o, 3)) for o in orientations})
        raise UserError(f"{where}: slices have {groups} different orientations (e.g. a localizer mixed in); pick or export a single axial series")
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


def _single_slice_thickness(series: SeriesInfo, warnings: list[str]) -> float:
    ds = _read_header(series.slices[0].path)
    for tag in ("SpacingBetweenSlices", "SliceThickness"):
        value = getattr(ds, tag, None)
        if value not in (None, "") and float(value) > 0:
            warnings.append(f"the series has a single slice; its thickness {float(value):g} mm ({tag}) is used as slice spacing, and volumes cover that one slab only")
            return float(value)
    raise UserError("the series has a single slice and no slice thickness; a volume cannot be measured from it, open the full series")


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


def _check_file_sizes(where: str, series: SeriesInfo, files: list[Path]) -> None:
    expected = {s.path: s.expected_pixel_bytes for s in series.slices}
    short = [p for p in files if expected[p] and p.stat().st_size < expected[p]]
    if short:
        raise UserError(f"{where}: {len(short)} file(s) are truncated (e.g. {short[0].name}); copy the series again from the PACS or CD")


def load_dicom_series(series: SeriesInfo) -> tuple[Volume, list[str]]:
    """Read a series into a :class:`Volume` with validated geometry; returns warnings too."""
    where = f"series {series.description or series.uid}"
    if series.is_segmentation:
        raise UserError(f"{where} is a DICOM segmentation; open it as labels, not as the image")
    if len(series.slices) == 1 and series.slices[0].frames > 1:
        return _load_multiframe(series)
    stack = check_slice_geometry(series)
    _check_file_sizes(where, series, stack.files)
    reader = sitk.ImageSeriesReader()
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
    if array.shape != stack.geometry.shape_zyx:
        raise UserError(f"{where}: decoded {array.shape} voxels, expected {stack.geometry.shape_zyx}; the series mixes image sizes")
    return Volume(array, stack.geometry), stack.warnings


def _damage(path: Path) -> str | None:
    """Why GDCM cannot decode ``path`` (truncated pixel data, or undecodable), or None."""
    try:
        sitk.ReadImage(str(path))
        return None
    except RuntimeError:
        pass
    try:
        ds = pydicom.dcmread(path)
        expected = ds.Rows * ds.Columns * int(getattr(ds, "NumberOfFrames", 1) or 1) * ds.BitsAllocated // 8
        if ds.file_meta.TransferSyntaxUID.is_compressed or len(ds.PixelData) >= expected:
            return "pixel data cannot be decoded (unsupported compression or corrupt)"
    except (InvalidDicomError, OSError, EOFError, ValueError, AttributeError, KeyError):
        pass
    return "truncated"


def _load_multiframe(series: SeriesInfo) -> tuple[Volume, list[str]]:
    path = series.slices[0].path
    try:
        image = sitk.ReadImage(str(path))
    except RuntimeError:
        raise UserError(f"{path.name}: the multi-frame DICOM file cannot be decoded; it is damaged or uses an unsupported compression") from None
    array, geometry = array_and_geometry(image, path.name)
    return Volume(array, geometry), ["multi-frame DICOM: slice geometry taken from the file's per-frame positions as read by GDCM"]
