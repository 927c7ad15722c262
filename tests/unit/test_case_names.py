"""Save dialogs start beside the case with a name from the case, not ``case.cned`` in the working folder."""

from __future__ import annotations

from pathlib import Path

from cned_viewer.core.case_names import case_stem, suggested_path


def test_a_file_case_is_saved_beside_its_image(tmp_path) -> None:
    image = tmp_path / "patient 7" / "ct_portal.nii.gz"
    image.parent.mkdir()
    image.touch()
    assert suggested_path({"source": str(image)}, ".cned", Path("/home/x")) == str(image.parent / "ct_portal.cned")


def test_a_dicom_folder_case_goes_beside_the_folder_and_a_bundle_beside_itself(tmp_path) -> None:
    dicom = tmp_path / "study" / "ct_dicom"
    dicom.mkdir(parents=True)
    assert suggested_path({"source": str(dicom)}, "-labels.nii.gz", Path("/h")) == str(tmp_path / "study" / "ct_dicom-labels.nii.gz")
    bundle = tmp_path / "liver 01.cned"
    bundle.mkdir()
    metadata = {"bundle": str(bundle), "source": str(dicom)}
    assert suggested_path(metadata, "-cned-report.pdf", Path("/h")) == str(tmp_path / "liver_01-cned-report.pdf")


def test_without_files_the_patient_id_or_demo_in_the_home_folder() -> None:
    assert suggested_path({"PatientID": "AB/12 3"}, ".cned", Path("/home/u")) == "/home/u/AB_12_3.cned"
    assert case_stem({}) == "demo-case"
