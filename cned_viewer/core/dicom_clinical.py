"""Clinical inputs that the DICOM header already holds (pure): sex, and age at the study date.

Only fields still unknown are filled; a value typed in is never replaced. What was filled is
named in a notice (the case's notices: Case tab and report), so that nobody takes a pre-filled
value for one that was checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.dicom_text import SEX_WORDS, age_on, parse_age_years, parse_date

MAX_AGE_YEARS = 120


def clinical_from_dicom(metadata: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    """Field name -> (value, where it came from) for what the header gives.

    Age: whole years from PatientBirthDate to StudyDate, else PatientAge (``063Y``); a birth
    date on or after the study date (anonymisers often copy the study date) gives no age, nor
    does one over 120 years. Sex: PatientSex ``F`` / ``M`` (``O`` and others are left unknown).
    """
    found: dict[str, tuple[Any, str]] = {}
    birth, study = parse_date(metadata.get("PatientBirthDate")), parse_date(metadata.get("StudyDate"))
    if birth is not None and study is not None and birth < study and age_on(birth, study) <= MAX_AGE_YEARS:
        found["age_years"] = (age_on(birth, study), "birth and study dates")
    elif (age := parse_age_years(metadata.get("PatientAge"))) is not None and 0 < age <= MAX_AGE_YEARS:
        found["age_years"] = (round(age, 1), "PatientAge")
    sex = SEX_WORDS.get(str(metadata.get("PatientSex") or "").strip().upper())
    if sex in ("female", "male"):
        found["sex"] = (sex, "PatientSex")
    return found


def prefill_clinical(clinical: ClinicalData, metadata: Mapping[str, Any]) -> tuple[ClinicalData, str | None]:
    """``clinical`` with its unknown fields that DICOM gives filled in, and a notice naming them (None if none)."""
    filled = {name: found for name, found in clinical_from_dicom(metadata).items() if getattr(clinical, name) is None}
    if not filled:
        return clinical, None
    words = {"age_years": "age {} years", "sex": "sex {}"}
    parts = [f"{words[name].format(value)} ({source})" for name, (value, source) in filled.items()]
    notice = f"Pre-filled from DICOM: {', '.join(parts)}; check them in the clinical form."
    return replace(clinical, **{name: value for name, (value, _) in filled.items()}), notice


def with_dicom_prefill(case: Case) -> Case:
    """``case`` with its clinical form pre-filled from its DICOM metadata (see :func:`prefill_clinical`)."""
    clinical, notice = prefill_clinical(case.clinical, case.metadata)
    if notice is None:
        return case
    return replace(case, clinical=clinical, provenance=list(case.provenance), warnings=[*case.warnings, notice])
