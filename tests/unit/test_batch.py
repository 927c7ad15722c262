"""``cned-viewer batch``: a cohort table measured and scored, one row per case; a broken case does not stop it."""

from __future__ import annotations

import csv

import pytest

from cned_viewer.cli import main
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.io.case_loader import load_case
from cned_viewer.measure import measure
from cned_viewer.scores import build_inputs, evaluate_all


def _write_cases(path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _read(path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["patient_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture
def cohort(tmp_path, demo_files, demo_segments):
    image, labels = demo_files
    cases = tmp_path / "cases.csv"
    _write_cases(cases, [
        {"patient_id": "A", "image": str(image), "labels": str(labels), "segments": "", "differentiation": "poor", "lesion_count": ""},
        {"patient_id": "B", "image": str(image), "labels": str(labels), "segments": str(demo_segments), "differentiation": "", "lesion_count": "5"},
        {"patient_id": "C", "image": str(image), "labels": "missing.nii.gz", "segments": "", "differentiation": "well", "lesion_count": ""},
    ])
    return cases


def test_batch_measures_scores_and_reports_the_broken_case(cohort, tmp_path, demo_files, demo_segments, capsys):
    out = tmp_path / "results.csv"
    assert main(["batch", str(cohort), "-o", str(out)]) == 1  # one case failed
    rows = _read(out)
    assert list(rows) == ["A", "B", "C"]
    measured = measure(load_case(*demo_files)).to_json()
    a = rows["A"]
    assert a["batch_error"] == "" and a["measured_lesion_count"] == str(measured["lesion_count"]) == "11"
    assert float(a["measured_tlvr"]) == measured["tlvr"] and float(a["measured_volume_tumour_ml"]) == measured["volumes_ml"]["tumour"]
    assert a["measured_bilobar"] == "" and a["measured_portal_vein_contacts"] == "1"
    expected = next(r for r in evaluate_all(build_inputs(ClinicalData(differentiation="poor"), measured)) if r.score_id == "cned")
    assert a["cned_total"] == str(expected.total) and a["cned_complete"] == "1"
    b = rows["B"]
    assert b["measured_bilobar"] == "true" and b["measured_segments_involved"] == "2;7"
    overridden = ClinicalData(overrides={"lesion_count": 5})  # the row's lesion_count overrides the measured 11
    expected_b = next(r for r in evaluate_all(build_inputs(overridden, measured)) if r.score_id == "cned")
    assert b["cned_missing"] == "differentiation" and b["cned_total"] == (str(expected_b.total) if expected_b.total is not None else "")
    c = rows["C"]
    assert "missing.nii.gz" in c["batch_error"] and c["measured_lesion_count"] == "" and c["differentiation"] == "well"
    err = capsys.readouterr().err
    assert "[3/3] C: failed" in err and "measured 2 of 3 case(s)" in err


def test_parallel_jobs_give_the_same_table(cohort, tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["batch", str(cohort), "-o", str(one)]) == 1
    assert main(["batch", str(cohort), "-o", str(two), "--jobs", "2"]) == 1
    assert _read(one) == _read(two)


def test_batch_needs_image_and_labels_columns(tmp_path, capsys):
    cases = tmp_path / "cases.csv"
    _write_cases(cases, [{"patient_id": "A", "ct": "x.nii.gz"}])
    assert main(["batch", str(cases), "-o", str(tmp_path / "out.csv")]) == 2
    assert "no image or labels column" in capsys.readouterr().err


def test_batch_on_the_ircad_case_with_relative_paths(shared_data, tmp_path):
    """A real DICOM series and expert labels, paths relative to the table's folder."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "ircad").symlink_to(shared_data / "ircadb01_p1")
    _write_cases(folder / "cases.csv", [{"patient_id": "ircad1", "image": "ircad/ct_dicom", "labels": "ircad/labels.nrrd"}])
    assert main(["batch", str(folder / "cases.csv"), "-o", str(folder / "out.csv")]) == 0
    row = _read(folder / "out.csv")["ircad1"]
    assert row["batch_error"] == "" and row["measured_lesion_count"] == "7"
    assert 0.07 < float(row["measured_tlvr"]) < 0.08


def test_followup_scan_gives_the_ttv_change(tmp_path, demo_files):
    """Baseline and follow-up: the follow-up has every tumour voxel of the smallest half relabelled as liver."""
    import numpy as np
    import SimpleITK as sitk

    image, labels = demo_files
    source = sitk.ReadImage(str(labels))
    array = sitk.GetArrayFromImage(source)
    array[:, :, : array.shape[2] // 2][array[:, :, : array.shape[2] // 2] == 2] = 1  # the tumours of one half respond fully
    shrunk = sitk.GetImageFromArray(array)
    shrunk.CopyInformation(source)
    sitk.WriteImage(shrunk, str(tmp_path / "followup_labels.nii.gz"))
    cases = tmp_path / "cases.csv"
    _write_cases(cases, [{"patient_id": "A", "image": str(image), "labels": str(labels),
                          "followup_image": str(image), "followup_labels": "followup_labels.nii.gz"},
                         {"patient_id": "B", "image": str(image), "labels": str(labels), "followup_image": str(image), "followup_labels": ""}])
    assert main(["batch", str(cases), "-o", str(tmp_path / "out.csv")]) == 1
    rows = _read(tmp_path / "out.csv")
    baseline = measure(load_case(image, labels)).to_json()["ttv_ml"]
    followup = measure(load_case(image, tmp_path / "followup_labels.nii.gz")).to_json()["ttv_ml"]
    assert followup < baseline and float(rows["A"]["measured_followup_ttv_ml"]) == followup
    assert float(rows["A"]["ttv_change_ml"]) == pytest.approx(followup - baseline, abs=0.01)
    assert float(rows["A"]["ttv_change_percent"]) == pytest.approx(100 * (followup - baseline) / baseline, abs=0.1)
    assert "followup_image and followup_labels" in rows["B"]["batch_error"]
    assert np.isfinite(float(rows["A"]["measured_ttv_ml"]))


def test_batch_refuses_to_write_over_a_file_a_row_names(tmp_path, capsys):
    """``-o`` naming a case's labels (relative in the table, absolute on the command line) is refused before any work."""
    labels = tmp_path / "labels.nii.gz"
    labels.write_bytes(b"the user's labels")
    cases = tmp_path / "cases.csv"
    _write_cases(cases, [{"patient_id": "A", "image": "ct.nii.gz", "labels": "labels.nii.gz"}])
    assert main(["batch", str(cases), "-o", str(labels)]) == 2
    assert "labels.nii.gz" in capsys.readouterr().err and labels.read_bytes() == b"the user's labels"
