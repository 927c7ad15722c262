"""Find the DICOM series below a folder: read each file's header, group the files by series.

Every file is one of: a slice of a series, not DICOM (ignored, counted), or damaged (a DICOM
file whose header is truncated, holds an invalid value, or cannot be read for lack of
permission). Damaged files are named, never silently dropped: a series they belong to
refuses to load with their name, and ``info`` lists them. Files without the 128-byte
preamble and ``DICM`` marker are read as GDCM and dcm2niix read them.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydicom
from pydicom.errors import InvalidDicomError

from cned_viewer.errors import UserError

IMAGE_MODALITIES = ("CT", "MR")
SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"
#: CT, enhanced CT, MR, enhanced MR, PET, secondary capture: a header of these without Rows is damaged.
IMAGE_SOP_CLASSES = {f"1.2.840.10008.5.1.4.1.1.{k}" for k in ("2", "2.1", "4", "4.1", "128", "7")}
_HEADER_TAGS = [
    "SOPClassUID", "Modality", "SeriesInstanceUID", "SeriesDescription", "SeriesNumber",
    "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "SliceThickness",
    "SpacingBetweenSlices", "Rows", "Columns", "BitsAllocated", "SamplesPerPixel", "PhotometricInterpretation",
    "NumberOfFrames", "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge",
    "StudyInstanceUID", "StudyDate", "StudyDescription", "AccessionNumber",
    "InstitutionName", "Manufacturer", "ReferringPhysicianName", "FrameOfReferenceUID",
]
#: Header values copied into a case's metadata (identifying ones are de-identified on request).
METADATA_TAGS = (
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge", "StudyInstanceUID",
    "StudyDate", "StudyDescription", "AccessionNumber", "InstitutionName", "Manufacturer",
    "ReferringPhysicianName", "SeriesInstanceUID", "SeriesDescription", "Modality",
)


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
    samples_per_pixel: int = 1
    scan_key: tuple[str, str] = ("", "")  # (StudyInstanceUID, FrameOfReferenceUID)


@dataclass(frozen=True)
class DamagedFile:
    """A DICOM file that cannot be used: why, and its series when the header got that far."""

    path: Path
    reason: str
    series_uid: str | None = None

    def describe(self) -> str:
        return f"{self.path.name}: {self.reason}"


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
        steps = slice_steps_mm(self.slices)
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
    """What a folder holds: its series, the files that were not DICOM, and the damaged ones."""

    folder: Path
    series: list[SeriesInfo]
    skipped_files: list[Path]
    damaged_files: list[DamagedFile] = field(default_factory=list)

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

    def damaged_in(self, series: SeriesInfo) -> list[DamagedFile]:
        """Damaged files of ``series``, or whose series is unknown (they may be its missing slices)."""
        return [d for d in self.damaged_files if d.series_uid in (None, series.uid)]


@contextlib.contextmanager
def quiet_pydicom() -> Iterator[None]:
    """pydicom warns about invalid values when they are read; the callers name them in their messages."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def permission_hint(path: Path) -> str:
    return f"permission denied reading {path}; ask for read access, or copy the files to a folder you can read"


def read_header(path: Path) -> pydicom.Dataset | None:
    """The header of a DICOM file (with or without preamble), or None when it is not DICOM.

    Raises PermissionError, and :class:`HeaderError` for a file marked ``DICM`` whose header cannot
    be parsed; a header cut short may also come back partial (see :func:`_incomplete`).
    """
    with quiet_pydicom():
        try:
            return pydicom.dcmread(path, stop_before_pixels=True, specific_tags=_HEADER_TAGS)
        except PermissionError:
            raise
        except InvalidDicomError:
            return _read_without_preamble(path)
        except Exception as error:  # noqa: BLE001 - untrusted bytes make pydicom fail in many ways
            if _has_dicm_marker(path):
                raise HeaderError(f"the header cannot be read ({type(error).__name__}: {str(error)[:80]})") from None
            return None


def looks_like_dicom(path: Path) -> bool:
    """Whether ``path`` is a DICOM file, readable or damaged (PermissionError when it cannot be opened)."""
    try:
        return read_header(path) is not None
    except HeaderError:
        return True


class HeaderError(ValueError):
    """A DICOM file (it has the ``DICM`` marker) whose header cannot be parsed."""


def _has_dicm_marker(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            handle.seek(128)
            return handle.read(4) == b"DICM"
    except OSError:
        return False


def _read_without_preamble(path: Path) -> pydicom.Dataset | None:
    """A bare dataset (no preamble, no ``DICM``), accepted only if it looks like an image header."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=_HEADER_TAGS, force=True)
        looks_dicom = all(isinstance(getattr(ds, tag, None), int) for tag in ("Rows", "Columns"))
        return ds if looks_dicom and (getattr(ds, "SOPClassUID", None) or getattr(ds, "Modality", None)) else None
    except Exception:  # noqa: BLE001 - a forced parse of a non-DICOM file fails in many ways
        return None


def _floats(value, count: int) -> tuple[float, ...] | None:
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return values if len(values) == count and all(np.isfinite(values)) else None


def _int(ds: pydicom.Dataset, tag: str, default: int) -> int:
    """An integer header value; ValueError naming the tag and value when it is not one."""
    value = getattr(ds, tag, None)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"invalid {tag} {str(value)!r}") from None


def slice_header(path: Path, ds: pydicom.Dataset) -> SliceHeader:
    """The :class:`SliceHeader` of ``ds``; ValueError for a header value that is not valid."""
    rows, columns = _int(ds, "Rows", 0), _int(ds, "Columns", 0)
    frames, bits, samples = _int(ds, "NumberOfFrames", 1), _int(ds, "BitsAllocated", 16), _int(ds, "SamplesPerPixel", 1)
    if rows <= 0 or columns <= 0 or frames <= 0 or bits not in (1, 8, 16, 32, 64) or samples <= 0:
        raise ValueError(f"invalid image size (Rows {rows}, Columns {columns}, NumberOfFrames {frames}, BitsAllocated {bits})")
    syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    uncompressed = not syntax or syntax in (pydicom.uid.ImplicitVRLittleEndian, pydicom.uid.ExplicitVRLittleEndian, pydicom.uid.ExplicitVRBigEndian)
    return SliceHeader(
        path=path,
        position_mm=_floats(getattr(ds, "ImagePositionPatient", None), 3),
        orientation=_floats(getattr(ds, "ImageOrientationPatient", None), 6),
        pixel_spacing_mm=_floats(getattr(ds, "PixelSpacing", None), 2),
        rows=rows, columns=columns, frames=frames,
        expected_pixel_bytes=rows * columns * frames * samples * bits // 8 if uncompressed else None,
        samples_per_pixel=samples,
        scan_key=(str(getattr(ds, "StudyInstanceUID", "") or ""), str(getattr(ds, "FrameOfReferenceUID", "") or "")),
    )


def _series_key(path: Path, ds: pydicom.Dataset) -> str:
    """SeriesInstanceUID, or for anonymised files without one, a key from what they share."""
    uid = str(getattr(ds, "SeriesInstanceUID", "") or "")
    if uid:
        return uid
    parts = (path.parent.name, getattr(ds, "Modality", ""), getattr(ds, "SeriesDescription", ""), getattr(ds, "FrameOfReferenceUID", ""))
    return "no-uid:" + "|".join(str(p or "") for p in parts)


def _incomplete(ds: pydicom.Dataset) -> str | None:
    """Why a DICOM header without an image size is damaged (an image's header cut short), or None."""
    meta_class = str(getattr(getattr(ds, "file_meta", None), "MediaStorageSOPClassUID", "") or "")
    sop_class = str(getattr(ds, "SOPClassUID", "") or "") or meta_class
    if not sop_class and getattr(ds, "file_meta", None) is not None:
        return "the header is truncated (no SOP class, no image size)"
    if sop_class in IMAGE_SOP_CLASSES:
        return "the header is truncated or incomplete (an image without Rows/Columns)"
    return None


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """Every file below ``root``, and the sub-folders that could not be opened."""
    denied: list[Path] = []
    files: list[Path] = []
    for folder, _, names in os.walk(root, onerror=lambda error: denied.append(Path(error.filename))):
        files.extend(Path(folder) / name for name in names)
    return sorted(p for p in files if p.is_file()), denied


def scan_dicom_folder(folder: str | os.PathLike) -> DicomScan:
    """List every DICOM series below ``folder`` (recursively)."""
    root = Path(folder)
    if not root.exists():
        raise UserError(f"{root} does not exist; check the path")
    if not root.is_dir():
        raise UserError(f"{root} is not a folder")
    if not os.access(root, os.R_OK | os.X_OK):
        raise UserError(f"cannot open the folder: {permission_hint(root)}")
    files, denied = _walk(root)
    damaged = [DamagedFile(path, "permission denied (sub-folder)") for path in denied]
    if not files and not damaged:
        raise UserError(f"the folder {root} is empty; choose the folder that holds the DICOM files")
    by_uid: dict[str, SeriesInfo] = {}
    skipped: list[Path] = []
    with quiet_pydicom():
        for path in files:
            _add_file(path, by_uid, skipped, damaged)
    if not by_uid:
        if damaged:
            raise UserError(f"no usable DICOM image in {root}: {len(damaged)} damaged or unreadable file(s) (e.g. {damaged[0].describe()}); copy the series again")
        raise UserError(f"no DICOM files in {root} ({len(files)} files checked); choose a folder with a DICOM series, or open a NIfTI/NRRD/MHA file")
    series = sorted(by_uid.values(), key=lambda s: (s.series_number is None, s.series_number or 0, s.uid))
    return DicomScan(root, series, skipped, damaged)


def _add_file(path: Path, by_uid: dict[str, SeriesInfo], skipped: list[Path], damaged: list[DamagedFile]) -> None:
    """File ``path`` as a slice of its series, as skipped (not DICOM) or as damaged (named, with why)."""
    uid = None
    try:
        ds = read_header(path)
        if ds is None:
            skipped.append(path)
            return
        uid = _series_key(path, ds) if getattr(ds, "SeriesInstanceUID", None) else None
        if not getattr(ds, "Rows", None):
            reason = _incomplete(ds)
            (damaged.append(DamagedFile(path, reason, uid)) if reason else skipped.append(path))
            return
        header = slice_header(path, ds)
        uid = _series_key(path, ds)
        if uid not in by_uid:
            by_uid[uid] = _new_series(uid, ds)
    except PermissionError:
        damaged.append(DamagedFile(path, "permission denied"))
        return
    except ValueError as error:  # one bad file must not stop the scan: it is named instead
        damaged.append(DamagedFile(path, f"{error}", uid))
        return
    except Exception as error:  # noqa: BLE001 - values of a damaged header fail lazily, in many ways
        damaged.append(DamagedFile(path, f"the header cannot be read ({type(error).__name__})", uid))
        return
    by_uid[uid].slices.append(header)


def _new_series(uid: str, ds: pydicom.Dataset) -> SeriesInfo:
    number = getattr(ds, "SeriesNumber", None)
    return SeriesInfo(
        uid=uid,
        modality=str(getattr(ds, "Modality", "") or "?"),
        description=str(getattr(ds, "SeriesDescription", "") or ""),
        series_number=_int(ds, "SeriesNumber", 0) if number not in (None, "") else None,
        metadata={tag: str(getattr(ds, tag, "") or "") for tag in METADATA_TAGS},
        is_segmentation=str(getattr(ds, "SOPClassUID", "")) == SEG_SOP_CLASS,
    )


def slice_steps_mm(slices: list[SliceHeader]) -> np.ndarray | None:
    """Sorted steps between slice positions along the first slice's normal; None without positions."""
    if any(s.position_mm is None or s.orientation is None for s in slices):
        return None
    row, col = np.asarray(slices[0].orientation[:3]), np.asarray(slices[0].orientation[3:])
    normal = np.cross(row, col)
    along = np.sort([float(np.dot(s.position_mm, normal)) for s in slices])
    return np.diff(along)
