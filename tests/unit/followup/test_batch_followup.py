"""``cned-viewer batch`` with follow-up columns: the same comparison as ``compare``, one row's failure stays its own."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from cned_viewer.cli import main
from cned_viewer.cohort.response_columns import RESPONSE_COLUMNS
from cned_viewer.core.geometry import Geometry
from cned_viewer.followup import compare
from cned_viewer.io.sitk_bridge import write_image


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def batch_rows(pair_files, tmp_path_factory) -> dict[str, dict[str, str]]:
    """The table of every kind of row, run once through ``cned-viewer batch`` (in this process, ``--jobs 1``)."""
    folder = tmp_path_factory.mktemp("batch")
    (folder / "broken.nii.gz").write_text("not an image")
    no_liver = folder / "no_liver.nii.gz"
    write_image(np.zeros((16, 16, 16), np.uint8), Geometry.for_array((16, 16, 16), (2.0,) * 3, (0.0, 0.0, 0.0)), no_liver)
    base = {"image": str(pair_files["bl"]), "labels": str(pair_files["bl_labels"])}
    follow = {"followup": str(pair_files["fu"]), "followup_labels": str(pair_files["fu_labels"])}
    _write(folder / "cases.csv", [
        {"patient_id": "baseline_only", **base, "differentiation": "poor"},
        {"patient_id": "followup", **base, **follow, "differentiation": "poor", "tlvr": "0.5"},
        {"patient_id": "targets", **base, **follow, "targets": "2"},
        {"patient_id": "bad_file", **base, **follow, "followup": "broken.nii.gz"},
        {"patient_id": "no_liver", **base, **follow, "followup_labels": "no_liver.nii.gz"},
        {"patient_id": "bad_targets", **base, **follow, "targets": "two"},
        {"patient_id": "small_target", **base, **follow, "targets": "1,4"},
        {"patient_id": "targets_alone", **base, "targets": "1"},
        {"patient_id": "two_scans", **base, **follow, "followup_image": str(pair_files["bl"])},
    ])
    assert main(["batch", str(folder / "cases.csv"), "-o", str(folder / "out.csv"), "--jobs", "1"]) == 1
    with open(folder / "out.csv", newline="", encoding="utf-8") as handle:
        return {row["patient_id"]: row for row in csv.DictReader(handle)}


def _expected(comparison) -> dict[str, object]:
    data = comparison.to_json()
    return {"recist_target_ids": ";".join(map(str, data["recist"]["target_ids"])), "recist_response": data["recist"]["response"],
            "volumetric_response": data["volumetric"]["response"], "recist_baseline_sum_mm": data["recist"]["baseline_sum_mm"],
            "recist_followup_sum_mm": data["recist"]["followup_sum_mm"], "recist_change_percent": data["recist"]["change_percent"],
            "ttv_change_percent": data["volumetric"]["change_percent"]}


def _check(row: dict[str, str], expected: dict[str, object]) -> None:
    assert row["batch_error"] == ""
    for column, value in expected.items():
        if isinstance(value, float):
            assert float(row[column]) == pytest.approx(value, rel=1e-6), column
        else:
            assert row[column] == value, column


def test_a_baseline_only_row_has_empty_response_columns(batch_rows):
    row = batch_rows["baseline_only"]
    assert row["batch_error"] == "" and row["measured_lesion_count"] == "5" and row["cned_total"] != ""
    assert all(row[column] == "" for column in (*RESPONSE_COLUMNS, "ttv_change_percent", "measured_followup_ttv_ml"))


def test_a_followup_row_gives_the_comparison_of_compare(batch_rows, synthetic):
    """The pure comparison of the same pair (conftest) against the row: statuses known by construction."""
    row = batch_rows["followup"]
    _check(row, _expected(synthetic[4]))
    assert row["recist_target_ids"] == "1;2" and row["recist_response"] == "PD" and row["volumetric_response"] == "PD"
    assert row["new_lesions"] == "1" and row["disappeared_lesions"] == "1"  # N is new, B disappeared
    assert float(row["liver_dice"]) > 0.95 and float(row["liver_mean_surface_distance_mm"]) < 1.5 and row["registration_warning"] == ""
    assert float(row["measured_followup_ttv_ml"]) == pytest.approx(synthetic[3].measurements.burden.ttv_ml)


def test_a_followup_row_has_the_followup_c_ned_with_the_row_s_clinical_inputs(batch_rows, synthetic):
    burden = synthetic[3].measurements.burden
    row = batch_rows["followup"]  # poorly differentiated; a typed baseline TLVR of 0.5
    assert float(row["followup_tlvr"]) == pytest.approx(burden.ttv_ml / burden.total_liver_ml, rel=1e-9)
    assert float(row["followup_tlvr"]) < 0.23
    assert row["cned_total"] == "2"  # the baseline: poor differentiation and the typed TLVR >= 0.23
    # the follow-up: poor differentiation only (4 lesions <= 8, its own TLVR < 0.23): the typed TLVR is the baseline's
    assert (row["followup_cned_total"], row["followup_cned_complete"], row["followup_cned_missing"]) == ("1", "1", "")
    unknown = batch_rows["targets"]  # no differentiation in that row: unknown, never taken as 0
    assert (unknown["followup_cned_total"], unknown["followup_cned_complete"]) == ("", "0")
    assert "differentiation" in unknown["followup_cned_missing"]


def test_the_targets_column_chooses_the_recist_targets(batch_rows, synthetic):
    _, registration, baseline, followup, _ = synthetic
    row = batch_rows["targets"]
    _check(row, _expected(compare(baseline, [(followup, registration.transform)], [2])))
    assert row["recist_target_ids"] == "2"


@pytest.mark.parametrize(("patient", "words"), [
    ("bad_file", "follow-up scan: image broken.nii.gz"),
    ("no_liver", "follow-up scan: the follow-up labels hold no liver"),
    ("bad_targets", "the targets column takes baseline lesion numbers"),
    ("small_target", "follow-up scan: targets: lesion 4 is not measurable"),
    ("targets_alone", "give followup and followup_labels, or leave targets empty"),
    ("two_scans", "followup and followup_image name different scans"),
])
def test_a_broken_followup_is_that_row_s_error(batch_rows, patient, words):
    row = batch_rows[patient]
    assert words in row["batch_error"] and "\n" not in row["batch_error"] and "internal error" not in row["batch_error"]
    assert all(row[column] == "" for column in RESPONSE_COLUMNS)
