"""``cned-viewer plan``: JSON keys and values (equal to the evaluator's on the same case), text, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import SimpleITK as sitk
from plan_phantoms import octant_case

from cned_viewer.cli import main
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.planning import PlanEvaluator, ResectionPlan

KEYS = {"functional_liver_ml", "resected_ml", "remnant_ml", "flr_percent", "sflr_percent", "threshold_percent", "lesions",
        "verdict", "bsa_m2", "telv_ml", "threshold_source", "threshold_reason", "meets_threshold", "remnant_lesion_ids", "plan"}


def write(array: np.ndarray, geometry, path) -> str:
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(geometry.spacing_xyz_mm)
    image.SetOrigin(geometry.origin_xyz_mm)
    sitk.WriteImage(image, str(path))
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan_cli")
    case = octant_case()
    geometry = case.image.geometry
    return (case, write(case.image.array, geometry, folder / "ct.nii.gz"), write(case.labels.array, geometry, folder / "labels.nii.gz"),
            write(case.segments.array, geometry, folder / "segments.nii.gz"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["plan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_evaluators_figures(files, capsys):
    case, image, labels, segments = files
    code, out, _ = run(capsys, image, "--labels", labels, "--segments", segments, "--resect", "5,6,7,8", "--height-cm", "175",
                       "--weight-kg", "70", "--chemo-cycles", "8", "--json")
    assert code == 0
    data = json.loads(out)
    assert KEYS <= set(data)
    clinical = ClinicalData(height_cm=175, weight_kg=70, chemotherapy_cycles=8)
    expected = PlanEvaluator.for_case(case).evaluate(ResectionPlan("plan", frozenset({5, 6, 7, 8})), clinical).to_json()
    assert {k: data[k] for k in expected if k != "warnings"} == {k: v for k, v in expected.items() if k != "warnings"}
    assert data["plan"]["segments"] == [5, 6, 7, 8] and data["threshold_percent"] == 30.0
    assert [les["status"] for les in data["lesions"]] == ["remnant", "removed", "removed"]
    assert data["verdict"]["ned"] is False and "lesion 1 left in the remnant" in data["verdict"]["text"]
    assert data["sflr_percent"] is not None and data["bsa_m2"] == pytest.approx(np.sqrt(175 * 70 / 3600))


def test_sflr_is_null_without_height_and_weight_and_text_output(files, capsys):
    _, image, labels, segments = files
    code, out, _ = run(capsys, image, "--labels", labels, "--segments", segments, "--resect", "1", "--json")
    data = json.loads(out)
    assert code == 0 and data["sflr_percent"] is None and data["bsa_m2"] is None
    code, out, _ = run(capsys, image, "--labels", labels, "--segments", segments, "--resect", "1", "--cirrhosis")
    assert code == 0 and "verdict: Not NED" in out and "40 %" in out and "cirrhosis" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--resect", "9"], "--resect takes Couinaud segment numbers 1-8"),
    (["--resect", "5,x"], "--resect takes Couinaud segment numbers 1-8"),
    (["--resect", ""], "--resect takes Couinaud segment numbers 1-8"),
    (["--resect", "5", "--height-cm", "tall"], "Height must be"),
    (["--plane", "1,2,3"], "--plane takes six numbers"),
    ([], "say what to resect"),
])
def test_bad_input_is_one_line_and_exit_2(files, capsys, argv, message):
    _, image, labels, segments = files
    code, out, err = run(capsys, image, "--labels", labels, "--segments", segments, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_resecting_segments_needs_a_segment_map(files, capsys):
    _, image, labels, _ = files
    code, _, err = run(capsys, image, "--labels", labels, "--resect", "5")
    assert code == 2 and "needs the Couinaud segment map" in err and err.count("\n") == 1


def test_a_plane_plan_without_a_segment_map(files, capsys):
    case, image, labels, _ = files
    centre = case.image.geometry.index_to_patient_mm(np.array([8.0, 10.0, 9.0]))
    code, out, _ = run(capsys, image, "--labels", labels, "--plane=" + ",".join(f"{v:g}" for v in (*centre, -1, 0, 0)), "--json")
    data = json.loads(out)
    assert code == 0 and data["plan"]["planes"][0]["normal_xyz"] == [-1.0, 0.0, 0.0]
    assert data["margin_method"].startswith("distance from each lesion to the cutting plane")
    assert {les["id"]: les["status"] for les in data["lesions"]} == {1: "removed", 2: "remnant", 3: "remnant"}
