"""``cned-viewer cohort``: JSON keys, the PDF, and bad input as one line with exit code 2 and no file."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from pypdf import PdfReader

from cned_viewer.cli import main

N_PATIENTS = 160


def write_cohort_table(path, n: int = N_PATIENTS, seed: int = 11) -> None:
    """A score-table-like cohort: C-NED items drive conversion failure and survival."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        poor, many, tlvr = rng.random() < 0.3, rng.random() < 0.45, float(rng.beta(2, 10))
        total = int(poor) + int(many) + int(tlvr >= 0.23)
        failed = rng.random() < 1 / (1 + np.exp(-(-1.0 + 1.1 * total)))
        death, censor = rng.exponential(30 / (1 + total)), rng.uniform(5, 60)
        rows.append({"patient_id": f"P{i:03d}", "differentiation": "poor" if poor else "moderate",
                     "lesion_count": str(12 if many else 3), "tlvr": f"{tlvr:.4f}", "ttv_ml": f"{tlvr * 1600:.1f}",
                     "cned_total": str(total), "cned_group": str(total), "ned": "yes" if not failed else "no",
                     "os_months": f"{min(death, censor):.2f}", "death": str(int(death <= censor))})
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "cohort.csv"
    write_cohort_table(path)
    return path


def test_cohort_json_and_pdf(table, tmp_path, capsys):
    pdf = tmp_path / "cohort.pdf"
    args = ["cohort", str(table), "--outcome", "ned", "--outcome-good", "--time", "os_months", "--event", "death",
            "--bootstrap", "200", "-o", str(pdf), "--json"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == N_PATIENTS and set(result["scores"]) == {"cned", "tlvr", "ttv"}
    cned = result["scores"]["cned"]
    assert 0.55 < cned["c_index"] < 0.8 and cned["c_index_ci"][0] < cned["c_index"] < cned["c_index_ci"][1]
    assert set(cned["groups"]) == {"0", "1", "2", "3"} and sum(g["n"] for g in cned["groups"].values()) == N_PATIENTS
    assert all(set(g) >= {"n", "median", "median_ci"} for g in cned["groups"].values())
    assert cned["logrank_p"] < 0.01 and cned["roc"]["auc"] > 0.6
    assert set(cned["logistic"]["odds_ratios"]) == {"Poorly differentiated primary", "More than 8 liver metastases", "TLVR >= 0.23"}
    assert all(o["odds_ratio"] > 1 for o in cned["logistic"]["odds_ratios"].values())
    assert cned["calibration"]["0"]["paper_percent"] == 69.2 and cned["calibration"]["1"]["paper_percent"] is None
    assert "youden_cutoff" in result["scores"]["tlvr"]["roc"] and "youden_cutoff" not in cned["roc"]
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for words in ("Cohort: scores against outcome", "Kaplan-Meier by C-NED group", "At risk", "logistic regression", "Calibration"):
        assert words in text
    assert main(args) == 0 and json.loads(capsys.readouterr().out) == result  # seeded: the same numbers again


def test_binary_outcome_alone_and_a_chosen_score(table, tmp_path, capsys):
    assert main(["cohort", str(table), "--outcome", "ned", "--outcome-good", "--score", "tlvr", "--bootstrap", "50",
                 "-o", str(tmp_path / "c.pdf"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result["scores"]) == ["tlvr"] and result["scores"]["tlvr"]["c_index_against"] == "outcome"
    assert "groups" not in result["scores"]["tlvr"]


def _table_with(tmp_path, text: str | bytes):
    path = tmp_path / "bad.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize(("make", "extra", "message"), [
    (lambda t, p: t, ["--outcome", "converted"], "no column 'converted'"),
    (lambda t, p: t, ["--time", "os_months"], "--time and --event together"),
    (lambda t, p: t, [], "nothing to analyse"),
    (lambda t, p: _table_with(p, bytes(range(256)) * 4), ["--outcome", "ned"], "not UTF-8 text"),
    (lambda t, p: _table_with(p, '{"patients": [\n1, 2]}\n'), ["--outcome", "ned"], "no column 'ned'"),
    (lambda t, p: _table_with(p, "cned_total,ned\n" + "1,1\n2,1\n0,0\n"), ["--outcome", "ned"], "too few events"),
    (lambda t, p: _table_with(p, "cned_total,os,dead\n" + "1,3,0\n2,4,1\n0,5,0\n"), ["--time", "os", "--event", "dead"], "too few events"),
    (lambda t, p: _table_with(p, "cned_total,ned\n1,maybe\n"), ["--outcome", "ned"], "line 2, column ned"),
    (lambda t, p: _table_with(p, "patient_id,ned\nA,1\n"), ["--outcome", "ned"], "no column for any score"),
])
def test_bad_input_is_one_line_exit_2_and_no_file(table, tmp_path, capsys, make, extra, message):
    pdf = tmp_path / "out" / "cohort.pdf"
    pdf.parent.mkdir()
    assert main(["cohort", str(make(table, tmp_path)), *extra, "-o", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(pdf.parent.iterdir()) == []
