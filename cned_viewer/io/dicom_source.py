"""The source series that exported DICOM objects (SEG, SR, encapsulated PDF) reference.

Anonymised series often lack attributes the derived objects must copy: empty type 2
patient/study attributes are added, a missing Frame of Reference UID is derived from the
SeriesInstanceUID (the same on every export, so SEG, SR and re-exports agree), and an empty
Patient ID is a warning (a PACS may misfile the objects), not an error.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.uid import generate_uid

from cned_viewer.errors import UserError
from cned_viewer.io.dicom_scan import quiet_pydicom
from cned_viewer.io.dicom_series import scan_dicom_folder

#: Type 2 patient/study attributes the derived objects copy; anonymised files often lack them.
TYPE2_ATTRIBUTES = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyID", "StudyDate", "StudyTime",
                    "ReferringPhysicianName", "AccessionNumber")
#: Salt of the derived Frame of Reference UID (changing it changes every derived UID).
FRAME_OF_REFERENCE_SALT = "cned-viewer frame of reference"
EMPTY_PATIENT_ID_WARNING = ("the source series has no Patient ID: a PACS may misfile the exported objects; "
                            "fill the Patient ID in the source images if they go to a PACS")


@dataclass
class SourceSeries:
    """The datasets of one series, completed for derivation, and what the user must be told."""

    datasets: list[pydicom.Dataset]
    warnings: list[str] = field(default_factory=list)

    @property
    def first(self) -> pydicom.Dataset:
        return self.datasets[0]


def stable_frame_of_reference_uid(series_uid: str) -> str:
    """A Frame of Reference UID derived from ``series_uid``: the same on every call."""
    return generate_uid(entropy_srcs=[FRAME_OF_REFERENCE_SALT, str(series_uid)])


def dicom_source_of(metadata: Mapping[str, Any], what: str = "a DICOM export") -> tuple[Path, str | None]:
    """The DICOM folder and series UID a case was read from; a :class:`UserError` for other images."""
    source = Path(str(metadata.get("source") or ""))
    series = metadata.get("SeriesInstanceUID") or None
    if not series or not str(metadata.get("source") or ""):
        raise UserError(f"{what} references the DICOM series the labels were drawn on; give its DICOM folder as IMAGE, not a NIfTI/NRRD file")
    return (source if source.is_dir() else source.parent), str(series)


def read_source_series(
    source: str | os.PathLike | Sequence[pydicom.Dataset], series_uid: str | None = None, pixels: bool = True,
) -> SourceSeries:
    """The series ``series_uid`` (else the default one) of the folder ``source``, or the given datasets, completed."""
    if isinstance(source, (str, os.PathLike)):
        series = scan_dicom_folder(source).pick(series_uid)
        with quiet_pydicom():
            datasets = [pydicom.dcmread(s.path, stop_before_pixels=not pixels) for s in series.slices]
    else:
        datasets = list(source)
    if not datasets:
        raise UserError("no source images to reference; choose the CT series the labels were drawn on")
    warnings = [] if str(datasets[0].get("PatientID", "") or "").strip() else [EMPTY_PATIENT_ID_WARNING]
    return SourceSeries([complete_dataset(ds) for ds in datasets], warnings)


def complete_dataset(ds: pydicom.Dataset) -> pydicom.Dataset:
    """``ds``, or a copy with the empty type 2 attributes, a valid character set and a Frame of Reference UID."""
    missing = [tag for tag in TYPE2_ATTRIBUTES if tag not in ds]
    bad_charset = "SpecificCharacterSet" in ds and not ds.SpecificCharacterSet
    no_frame = not str(ds.get("FrameOfReferenceUID", "") or "")
    if not missing and not bad_charset and not no_frame:
        return ds
    ds = copy.deepcopy(ds)
    for tag in missing:
        setattr(ds, tag, "")
    if bad_charset:
        del ds.SpecificCharacterSet
    if no_frame:
        ds.FrameOfReferenceUID = stable_frame_of_reference_uid(ds.SeriesInstanceUID)
    return ds
