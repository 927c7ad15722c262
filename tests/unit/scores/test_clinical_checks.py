"""Plausible ranges, unknown lesion counts, evidence wording and Fong's 12 months (issue 13.4, 13.5, 13.8)."""

import json

import pytest

from cned_viewer.core.clinical import FIELDS, ClinicalData
from cned_viewer.scores import evidence as ev
from cned_viewer.scores.inputs import build_inputs, input_warnings
from cned_viewer.scores.registry import evaluate_all, get_score
from cned_viewer.scores.text import format_result
from tests.unit.scores.test_scores_cli import run


@pytest.mark.parametrize(("values", "warning"), [
    ({"cea_ng_ml": 1_000_000}, "CEA 1000000 ng/mL (= µg/L) is above the plausible maximum 10000; pg/mL"),
    ({"overrides": {"largest_diameter_cm": 52}}, "Largest metastasis diameter 52 cm is above the plausible maximum 30; mm typed as cm?"),
    ({"overrides": {"total_liver_ml": 1.6}}, "litres typed as mL"),
    ({"overrides": {"ttv_ml": 214_000}}, "mm³ typed as mL"),
    ({"disease_free_interval_months": 365}, "days or weeks typed as months?"),
    ({"age_years": 8}, "months typed as years"),
    ({"overrides": {"lesion_count": 400}}, "slices or voxels counted"),
])
def test_implausible_values_are_accepted_with_a_warning_naming_the_mistake(values, warning):
    clinical = ClinicalData.from_dict(values)
    assert any(warning in w for w in clinical.warnings())
    inputs = build_inputs(clinical)
    assert any(warning in w and w.endswith("(accepted; check it)") for w in input_warnings(inputs))


def test_plausible_values_give_no_warning():
    clinical = ClinicalData(age_years=66, cea_ng_ml=250, disease_free_interval_months=12,
                            overrides={"largest_diameter_cm": 6.2, "lesion_count": 9, "tlvr": 0.25})
    assert clinical.warnings() == [] and input_warnings(build_inputs(clinical)) == []


def test_every_plausible_range_says_where_it_comes_from():
    for spec in FIELDS:
        if spec.plausible is not None:
            assert spec.plausible.source, spec.name


def test_measured_values_name_the_mask_not_a_typing_mistake():
    inputs = build_inputs(ClinicalData(), {"lesion_count": 1, "tlvr": 0.1, "ttv_ml": 9000.0, "total_liver_ml": 9900.0,
                                           "bilobar": None, "lesions": [{"axial_diameter_mm": 400.0}]})
    warnings = input_warnings(inputs)
    assert any("Largest metastasis diameter 40 cm" in w and "check the mask and the image spacing" in w for w in warnings)
    assert not any("typed as" in w for w in warnings)


def test_score_cli_prints_the_warning(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"cea_ng_ml": 1_000_000}))
    assert run("score", "--clinical", path, "--json") == 0
    out = capsys.readouterr()
    assert "warning: CEA 1000000" in out.err and "CEA 1000000" in json.loads(out.out)["warnings"][0]


def test_score_table_writes_the_warning(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("patient_id,largest_diameter_cm\nA,52\n")
    assert run("score-table", source, "-o", out) == 0
    assert "mm typed as cm?" in out.read_text()


def test_unknown_lesion_count_leaves_the_diameter_unknown():
    inputs = build_inputs(ClinicalData(ras_mutated=False, node_positive=False), {"lesions": []})
    assert inputs["largest_diameter_cm"].value is None and inputs["largest_diameter_cm"].origin == "missing"
    mcs = get_score("mcs").evaluate(inputs)
    assert not mcs.complete and "largest_diameter_cm" in mcs.missing


def test_count_override_without_measured_lesions_leaves_the_diameter_unknown():
    clinical = ClinicalData(overrides={"lesion_count": 3})
    inputs = build_inputs(clinical, {"lesion_count": 0, "lesions": []})
    assert inputs["largest_diameter_cm"].value is None and "lesion count is 3" in inputs["largest_diameter_cm"].note
    assert build_inputs(ClinicalData(), {"lesion_count": 0, "lesions": []})["largest_diameter_cm"].value == 0.0


def test_evidence_wording():
    youden = next(f for f in ev.CNED.findings if f.key == "tlvr_youden")
    assert "Youden index at the cut-off 0.23" in youden.label and "optimum" not in youden.label
    assert ev.FONG.get("hr_os_xue").text() == "1.424 (95 % CI 1.117 to 1.815)"
    assert ev.FONG.get("hr_rfs_xue").text() == "1.444 (95 % CI 1.228 to 1.698)"
    labels = " ".join(f.label for f in ev.FONG.findings)
    assert "per point" in labels and "synchronous CRLM after resection" in labels


@pytest.mark.parametrize(("months", "points", "caveat"), [(12.0, 0, True), (11.9, 1, False), (12.1, 0, False)])
def test_fong_interval_at_exactly_12_months_says_sources_differ(months, points, caveat):
    clinical = ClinicalData(synchronous=False, disease_free_interval_months=months)
    fong = next(r for r in evaluate_all(build_inputs(clinical)) if r.score_id == "fong")
    item = next(i for i in fong.items if i.key == "disease_free_interval")
    assert item.points == points and bool(item.caveat) == caveat
    assert ("sources differ" in format_result(fong)) == caveat
    nordlinger = next(r for r in evaluate_all(build_inputs(clinical)) if r.score_id == "nordlinger")
    assert not nordlinger.caveats
