"""``cned-viewer compare``: JSON keys, the PDF, and errors as one line with exit code 2 (run as a process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[3]


def compare(files: dict[str, Path], *extra: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "cned_viewer", "compare", str(files["bl"]), "--labels", str(files["bl_labels"]),
            "--followup", str(files["fu"]), "--followup-labels", str(files["fu_labels"]), *extra]
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_json_and_pdf(pair_files, tmp_path):
    report = tmp_path / "response.pdf"
    result = compare(pair_files, "--json", "-o", str(report))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"liver_dice", "mean_surface_distance_mm", "warning"} <= set(data["registration"])
    assert {"baseline_ids", "followup_ids", "status", "baseline_volume_ml", "followup_volume_ml", "volume_change_percent",
            "baseline_axial_diameter_mm", "followup_axial_diameter_mm"} <= set(data["lesions"][0])
    assert {"target_ids", "baseline_sum_mm", "followup_sum_mm", "change_percent", "response"} <= set(data["recist"])
    assert {"baseline_ttv_ml", "followup_ttv_ml", "change_percent", "response"} <= set(data["volumetric"])
    assert [t["name"] for t in data["timepoints"]] == ["baseline", "followup"]
    assert all({"tlvr", "cned"} <= set(t) for t in data["timepoints"])
    assert sorted(m["status"] for m in data["lesions"]) == ["disappeared", "merged", "new", "persisting", "persisting"]
    text = "".join(page.extract_text() for page in PdfReader(report).pages)
    assert "Response" in text and "RECIST 1.1 response" in text and "merged" in text


def test_targets_chosen_by_number(pair_files):
    result = compare(pair_files, "--json", "--targets", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["recist"]["target_ids"] == [1]


@pytest.mark.parametrize(("extra", "words"), [
    (("--targets", "one"), "--targets takes baseline lesion numbers"),
    (("--targets", "9"), "not a baseline lesion"),
    (("--targets", "4"), "not measurable"),
])
def test_bad_input_is_one_line_with_exit_code_2(pair_files, extra, words):
    result = compare(pair_files, *extra)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr and "Traceback" not in result.stderr


def test_an_input_is_never_overwritten(pair_files):
    before = pair_files["fu_labels"].read_bytes()
    result = compare(pair_files, "-o", str(pair_files["fu_labels"]))
    assert result.returncode == 2 and "destroy the input" in result.stderr and result.stderr.count("\n") == 1
    assert pair_files["fu_labels"].read_bytes() == before


def test_followup_without_labels(pair_files, tmp_path):
    args = [sys.executable, "-m", "cned_viewer", "compare", str(pair_files["bl"]), "--labels", str(pair_files["bl_labels"]),
            "--followup", str(pair_files["fu"])]
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "--followup-labels" in result.stderr and result.stderr.count("\n") == 1
