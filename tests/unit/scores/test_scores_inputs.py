"""Measurement JSON + clinical data -> score inputs with origins; overrides; borderline flags."""

import pytest

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.scores.inputs import build_inputs, largest_diameter
from cned_viewer.scores.registry import evaluate_all, get_score


def measurements(**changes):
    data = {
        "lesion_count": 9, "tlvr": 0.25, "tlvr_low": 0.24, "tlvr_high": 0.27, "ttv_ml": 300.0,
        "total_liver_ml": 1200.0, "bilobar": True,
        "lesions": [
            {"volume_ml": 250.0, "feret_diameter_mm": 81.0, "axial_diameter_mm": 50.0, "portal_vein_contact": True,
             "hepatic_vein_contact": False},
            {"volume_ml": 50.0, "feret_diameter_mm": 30.0, "axial_diameter_mm": 28.0, "portal_vein_contact": False,
             "hepatic_vein_contact": False},
        ],
    }
    data.update(changes)
    return data


def test_origins_image_typed_override_missing():
    clinical = ClinicalData(differentiation="poor").with_override("lesion_count", 12, "split by hand")
    inputs = build_inputs(clinical, measurements())
    assert (inputs["differentiation"].origin, inputs["differentiation"].value) == ("typed", "poor")
    assert (inputs["tlvr"].origin, inputs["tlvr"].value) == ("image", 0.25)
    count = inputs["lesion_count"]
    assert (count.origin, count.value, count.image_value, count.typed_value) == ("override", 12, 9, 12)
    assert "split by hand" in count.note
    assert inputs["cea_ng_ml"].origin == "missing" and inputs["cea_ng_ml"].value is None
    assert inputs["ttv_followup_ml"].origin == "missing"


def test_typed_image_item_without_measurement():
    inputs = build_inputs(ClinicalData().with_override("tlvr", 0.3), None)
    assert (inputs["tlvr"].origin, inputs["tlvr"].value, inputs["tlvr"].image_value) == ("typed", 0.3, None)


def test_no_clinical_and_no_measurements_gives_all_missing():
    inputs = build_inputs(None)
    assert {i.origin for i in inputs.values()} == {"missing"}
    assert all(not r.complete for r in evaluate_all(inputs))


def test_largest_diameter_is_axial_by_default_in_cm():
    inputs = build_inputs(ClinicalData(), measurements())
    assert inputs["largest_diameter_cm"].value == 5.0
    assert "axial" in inputs["largest_diameter_cm"].note
    feret = build_inputs(ClinicalData(), measurements(), diameter="feret")["largest_diameter_cm"]
    assert feret.value == pytest.approx(8.1) and "Feret" in feret.note
    item = next(i for i in get_score("fong").evaluate(inputs).items if i.key == "largest_diameter")
    assert item.points == 0 and "axial in-plane (RECIST-style)" in item.description


def test_largest_diameter_edge_cases():
    assert largest_diameter({"lesions": []}).value is None  # unknown lesion count: unknown, never a measured 0.0
    assert largest_diameter({"lesion_count": 0, "lesions": []}).value == 0.0
    assert largest_diameter({}).value is None
    assert largest_diameter({"lesions": [{"axial_diameter_mm": 20}, {"volume_ml": 1}]}).value is None
    assert largest_diameter({"lesions": [{"axial_diameter_mm": 20}, {"axial_diameter_mm": 90, "tiny": True}]}).value == 2.0
    assert largest_diameter({"lesion_count": 3, "lesions": []}).value is None
    with pytest.raises(UserError, match="must be a list"):
        largest_diameter({"lesions": {"a": 1}})


def test_followup_gives_ttv_change():
    inputs = build_inputs(ClinicalData(), measurements(), {"ttv_ml": 120.0})
    assert (inputs["ttv_followup_ml"].origin, inputs["ttv_followup_ml"].value) == ("image", 120.0)
    result = get_score("ttv").evaluate(inputs)
    assert (result.total, result.values["change_ml"], result.values["change_percent"]) == (300.0, -180.0, -60.0)


@pytest.mark.parametrize(("changes", "message"), [
    ({"tlvr": "big"}, "measurements: 'tlvr': TLVR must be a number from 0 to 1"),
    ({"tlvr": 1.2}, "from 0 to 1"),
    ({"lesion_count": 2.5}, "whole number"),
    ({"tlvr_high": None}, "give both tlvr_low and tlvr_high"),
    ({"tlvr": 0.3}, "lies outside its range"),
    ({"lesions": [{"axial_diameter_mm": "wide"}]}, "lesions[1].axial_diameter_mm"),
])
def test_bad_measurements_are_user_errors(changes, message):
    with pytest.raises(UserError, match=None) as error:
        build_inputs(ClinicalData(), measurements(**changes))
    assert message in str(error.value)


def test_measurements_must_be_an_object():
    with pytest.raises(UserError, match="JSON object"):
        build_inputs(ClinicalData(), [1, 2])


def test_derived_pt4_and_ras_say_where_they_come_from():
    inputs = build_inputs(ClinicalData(pt_stage="T4a", kras_mutated=True))
    assert (inputs["pt4"].value, inputs["pt4"].origin) == (True, "typed") and "pT stage" in inputs["pt4"].note
    assert inputs["ras_mutated"].value is True and "KRAS" in inputs["ras_mutated"].note


# --- borderline --------------------------------------------------------------------------------

def test_cned_tlvr_borderline_within_sensitivity_range():
    inputs = build_inputs(ClinicalData(differentiation="well"), measurements(tlvr=0.225, tlvr_low=0.21, tlvr_high=0.24))
    result = get_score("cned").evaluate(inputs)
    tlvr_item = next(i for i in result.items if i.key == "tlvr")
    assert tlvr_item.points == 0 and "at 0.24 this item would score 1" in tlvr_item.borderline
    assert result.is_borderline and result.sensitivity_totals == (1, 2)
    assert any("group could be 1 to 2" in m for m in result.borderline)


def test_no_borderline_when_range_stays_on_one_side():
    inputs = build_inputs(ClinicalData(differentiation="well"), measurements(tlvr=0.30, tlvr_low=0.28, tlvr_high=0.32))
    result = get_score("cned").evaluate(inputs)
    assert not result.is_borderline and result.sensitivity_totals is None


def test_lesion_count_merge_split_borderline():
    data = measurements(lesion_count=9, lesion_count_low=8, lesion_count_high=10)
    result = get_score("cned").evaluate(build_inputs(ClinicalData(differentiation="well"), data))
    item = next(i for i in result.items if i.key == "lesion_count")
    assert item.points == 1 and "at 8 this item would score 0" in item.borderline
    assert result.sensitivity_totals == (1, 2)


def test_override_drops_the_measurement_range():
    clinical = ClinicalData(differentiation="well").with_override("tlvr", 0.225)
    inputs = build_inputs(clinical, measurements(tlvr=0.225, tlvr_low=0.21, tlvr_high=0.24))
    assert not inputs["tlvr"].has_range and inputs["tlvr"].image_value == 0.225
    assert not get_score("cned").evaluate(inputs).is_borderline


def test_tbs_zone_borderline_from_lesion_count_range():
    data = measurements(lesion_count=3, lesion_count_low=2, lesion_count_high=3,
                        lesions=[{"axial_diameter_mm": 5.0}])
    result = get_score("tbs").evaluate(build_inputs(ClinicalData(), data))
    assert result.group == "3 to < 9" and result.is_borderline
    game_tbs = next(i for i in get_score("game").evaluate(build_inputs(ClinicalData(), data)).items if i.key == "tbs")
    assert game_tbs.points == 1 and "would score 0" in game_tbs.borderline
