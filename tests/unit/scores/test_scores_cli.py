"""``score`` and ``score-table`` through their ``register`` on a fresh argparse parser."""

import argparse
import csv
import json

import pytest

from cned_viewer.commands import score as score_command
from cned_viewer.errors import UserError


def run(*argv):
    parser = argparse.ArgumentParser(prog="cned-viewer")
    score_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([str(a) for a in argv])
    return args.func(args)


@pytest.fixture
def clinical_file(tmp_path):
    path = tmp_path / "clinical.json"
    path.write_text(json.dumps({"schema_version": 1, "differentiation": "poor", "node_positive": True,
                                "synchronous": True, "cea_ng_ml": 250, "kras_mutated": True,
                                "extrahepatic_disease": False, "age_years": 66, "pt_stage": "T3",
                                "overrides": {"lesion_count": {"value": 10, "note": "checked by radiologist"}}}))
    return path


@pytest.fixture
def measurements_file(tmp_path):
    path = tmp_path / "measurements.json"
    path.write_text(json.dumps({"lesion_count": 9, "tlvr": 0.225, "tlvr_low": 0.21, "tlvr_high": 0.24,
                                "ttv_ml": 300.0, "total_liver_ml": 1333.0, "bilobar": True,
                                "lesions": [{"volume_ml": 300.0, "feret_diameter_mm": 70.0, "axial_diameter_mm": 62.0,
                                             "portal_vein_contact": True, "hepatic_vein_contact": False}]}))
    return path


def test_score_text(clinical_file, measurements_file, capsys):
    assert run("score", "--clinical", clinical_file, "--measurements", measurements_file) == 0
    out = capsys.readouterr().out
    assert out.startswith("C-NED (Li et al., Am J Cancer Res 2022): 2 / 3, group 2")
    assert "10 (override; image 9)" in out and "borderline" in out
    assert "Fong clinical risk score" in out and "Total tumour volume" in out
    assert "Median PFS: 9.7 mo" in out


def test_score_json(clinical_file, measurements_file, capsys):
    assert run("score", "--clinical", clinical_file, "--measurements", measurements_file, "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    scores = {s["id"]: s for s in payload["scores"]}
    assert list(scores) == ["cned", "fong", "tbs", "game", "mcs", "nordlinger", "ttv"]
    assert (scores["cned"]["total"], scores["cned"]["complete"], scores["cned"]["sensitivity_totals"]) == (2, True, [2, 3])
    assert scores["fong"]["total"] == 5 and scores["fong"]["group"] == "high"
    assert payload["inputs"]["lesion_count"]["origin"] == "override"
    assert payload["inputs"]["lesion_count"]["image_value"] == 9
    assert payload["inputs"]["largest_diameter_cm"]["value"] == 6.2
    group_2 = next(g for g in payload["evidence"]["cned"]["groups"] if g["group"] == "2")
    pfs = next(f for f in group_2["findings"] if f["key"] == "median_pfs_months")
    assert (pfs["value"], pfs["low"], pfs["high"]) == (9.7, 7.9, 11.6)


def test_score_without_measurements_is_incomplete_not_an_error(clinical_file, capsys):
    assert run("score", "--clinical", clinical_file, "--json") == 0
    cned = json.loads(capsys.readouterr().out)["scores"][0]
    assert cned["complete"] is False and cned["missing"] == ["tlvr"] and cned["possible_totals"] == [2, 3]


def test_score_list(capsys):
    assert run("score", "--list") == 0
    assert capsys.readouterr().out.startswith("cned: C-NED")


@pytest.mark.parametrize(("content", "message"), [
    (None, "not found"), ("{", "not valid JSON"), ('{"cea_ng_ml": "high"}', "CEA must be a number"),
])
def test_score_bad_clinical_file(tmp_path, content, message):
    path = tmp_path / "c.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UserError, match=message):
        run("score", "--clinical", path)


def test_score_needs_clinical():
    with pytest.raises(UserError, match="--clinical"):
        run("score")


HEADER = ("patient_id,differentiation,node_positive,synchronous,disease_free_interval_months,cea_ng_ml,ca19_9_u_ml,"
          "lesion_count,largest_diameter_cm,tlvr,ttv_ml,ttv_followup_ml,kras_mutated,ras_mutated,"
          "extrahepatic_disease,age_years,pt4,site_note")


def test_score_table_with_a_bad_row(tmp_path, capsys):
    source = tmp_path / "cohort.csv"
    source.write_text("\n".join([
        HEADER,
        "P1,poor,1,1,,250,40,9,5.01,0.23,300,120,1,1,0,65,0,first",
        "P2,moderate,0,0,14,high,,2,3,0.1,50,,0,0,0,55,0,bad CEA",
        "P3,,1,0,11.9,10,,8,2.99,0.2299,20,10,0,,0,61,1,unknowns",
    ]) + "\n")
    out = tmp_path / "scored.csv"
    assert run("score-table", source, "-o", out) == 1
    err = capsys.readouterr().err
    assert "line 3 (patient P2): column cea_ng_ml: CEA must be a number" in err
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["patient_id"] for r in rows] == ["P1", "P3"]
    p1, p3 = rows
    assert (p1["cned_total"], p1["cned_group"], p1["cned_complete"]) == ("3", "3", "1")
    assert (p1["fong_total"], p1["fong_group"]) == ("5", "high")
    assert (float(p1["tbs_total"]), p1["tbs_group"]) == (pytest.approx(10.30049028, abs=1e-9), ">= 9")  # full precision
    assert (p1["game_total"], p1["game_group"]) == ("5", "high")
    assert (p1["mcs_total"], p1["nordlinger_total"]) == ("3", "5")
    assert (p1["ttv_change_ml"], p1["ttv_change_percent"]) == ("-180", "-60")
    assert p1["site_note"] == "first"
    assert (p3["cned_total"], p3["cned_complete"], p3["cned_missing"]) == ("", "0", "differentiation")
    assert (p3["fong_total"], p3["fong_group"]) == ("3", "high")
    assert (p3["mcs_complete"], p3["mcs_missing"]) == ("0", "ras_mutated")
    assert (p3["nordlinger_total"], p3["nordlinger_group"]) == ("5", "high")
    assert [p.name for p in tmp_path.iterdir()] and not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_score_table_semicolons_and_short_rows(tmp_path, capsys):
    source = tmp_path / "cohort.csv"
    source.write_text("patient_id;differentiation;lesion_count;tlvr\nA;poor;9;0,25\nB;well\n", encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    assert run("score-table", source, "-o", out) == 1
    assert "line 3 (patient B): the row has fewer cells" in capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("patient_id;differentiation;lesion_count;tlvr;cned_total")
    assert lines[1].startswith("A;poor;9;0,25;3;3;1;")


def test_score_table_all_good_rows_exit_0(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("patient_id,lesion_count\nA,3\n")
    out = tmp_path / "out.csv"
    out.write_text("old")
    assert run("score-table", source, "-o", out) == 0
    assert out.read_text().startswith("patient_id,lesion_count,cned_total")


@pytest.mark.parametrize(("content", "message"), [
    ("", "is empty"), ("patient_id,cned_total\nA,1\n", "already has column"), ("a,a\n1,2\n", "duplicate"),
])
def test_score_table_refuses_bad_tables(tmp_path, content, message):
    source = tmp_path / "in.csv"
    source.write_text(content)
    with pytest.raises(UserError, match=message):
        run("score-table", source, "-o", tmp_path / "out.csv")


def test_score_table_missing_input(tmp_path):
    with pytest.raises(UserError, match="not found"):
        run("score-table", tmp_path / "nope.csv", "-o", tmp_path / "out.csv")


def test_text_shows_ttv_change_and_incomplete_totals():
    from cned_viewer.core.clinical import ClinicalData
    from cned_viewer.scores import build_inputs, get_score
    from cned_viewer.scores.text import format_result

    text = format_result(get_score("ttv").evaluate(build_inputs(ClinicalData(), {"ttv_ml": 50}, {"ttv_ml": 20})))
    assert "change (mL): -30" in text and "change (%): -60" in text
    cned = format_result(get_score("cned").evaluate(build_inputs(ClinicalData(differentiation="poor"))))
    assert "incomplete: 1-3 of 3 — number of liver metastases and TLVR missing" in cned and "missing: Number of liver metastases, TLVR" in cned
