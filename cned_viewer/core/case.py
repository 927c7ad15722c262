"""A case: one image, its label maps, clinical data and where it all came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.dicom_text import format_person_name
from cned_viewer.core.labels import LabelMap
from cned_viewer.core.provenance import Provenance
from cned_viewer.core.volume import Volume


@dataclass(eq=False)
class Case:
    """Everything the viewer knows about one patient examination.

    ``labels`` holds the app's label table (liver, tumour, portal vein, hepatic veins) on the
    image grid; ``segments`` an optional Couinaud map (1-8) on the same grid. ``clinical``
    holds the clinical inputs and hand overrides of image-derived items;
    ``metadata`` identifying and descriptive values (patient, study, series, source paths);
    ``warnings`` what the loaders noticed and the user must be told; ``provenance``
    every change made to the labels after loading (manual edits, plugin runs), oldest first.
    """

    image: Volume
    labels: LabelMap | None = None
    segments: LabelMap | None = None
    clinical: ClinicalData = field(default_factory=ClinicalData)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("labels", "segments"):
            mask = getattr(self, name)
            if mask is not None and not mask.geometry.matches(self.image.geometry):
                raise ValueError(f"{name} must lie on the image grid; resample it first (cned_viewer.io.masks)")


def case_title(metadata: dict[str, Any]) -> str:
    """Whose case and which series, for the user: ``Doe, John (ID 123), series CT abdomen`` ("" if unknown)."""
    patient = format_person_name(metadata.get("PatientName") or "").strip()
    patient_id = str(metadata.get("PatientID") or "").strip()
    who = f"{patient} (ID {patient_id})" if patient and patient_id else patient or (f"patient ID {patient_id}" if patient_id else "")
    series = str(metadata.get("SeriesDescription") or "").strip()
    return ", ".join(part for part in (who, f"series {series}" if series else "") if part)
