"""The clinical form pre-filled from the DICOM header: sex, and age at the study date."""

from __future__ import annotations

import pydicom
import pytest

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.dicom_clinical import clinical_from_dicom, prefill_clinical


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"PatientBirthDate": "19500601", "StudyDate": "20090531", "PatientSex": "F"}, {"age_years": 58, "sex": "female"}),
    ({"PatientBirthDate": "19500601", "StudyDate": "20090601", "PatientSex": "m"}, {"age_years": 59, "sex": "male"}),
    ({"PatientAge": "063Y", "PatientSex": "O"}, {"age_years": 63.0}),
    ({"PatientBirthDate": "19500601", "PatientAge": "058Y"}, {"age_years": 58.0}),  # no study date: the stated age
    ({"PatientBirthDate": "20090527", "StudyDate": "20090527", "PatientSex": "M"}, {"sex": "male"}),  # anonymised birth date
    ({"PatientBirthDate": "18500101", "StudyDate": "20090527"}, {}),
    ({"PatientBirthDate": "1950", "StudyDate": "20090527", "PatientSex": ""}, {}),
    ({}, {}),
])
def test_values_from_the_header(metadata, expected):
    assert {name: value for name, (value, _) in clinical_from_dicom(metadata).items()} == expected


def test_only_unknown_fields_are_filled_and_named():
    metadata = {"PatientBirthDate": "19500601", "StudyDate": "20090531", "PatientSex": "F"}
    clinical, notice = prefill_clinical(ClinicalData(differentiation="poor"), metadata)
    assert (clinical.age_years, clinical.sex, clinical.differentiation) == (58, "female", "poor")
    assert notice == "Pre-filled from DICOM: age 58 years (birth and study dates), sex female (PatientSex); check them in the clinical form."
    typed = ClinicalData(age_years=61, sex="male")
    assert prefill_clinical(typed, metadata) == (typed, None)  # typed values win
    clinical, notice = prefill_clinical(ClinicalData(sex="male"), metadata)
    assert clinical.age_years == 58 and clinical.sex == "male" and "sex" not in notice


def test_a_loaded_dicom_series_has_its_form_pre_filled(dicom_series):
    from cned_viewer.io.case_loader import load_case

    folder = dicom_series([0.0, 1.0, 2.0])
    for path in folder.iterdir():
        ds = pydicom.dcmread(path)
        ds.PatientBirthDate, ds.StudyDate, ds.PatientSex = "19600101", "20240315", "F"
        ds.save_as(path, enforce_file_format=True)
    case = load_case(folder)
    assert (case.clinical.age_years, case.clinical.sex) == (64, "female")
    assert any(w.startswith("Pre-filled from DICOM: age 64 years") for w in case.warnings)
