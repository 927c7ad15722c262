"""ClinicalData: field table, validation messages, overrides, JSON round trip."""

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cned_viewer.core.clinical import (
    CLINICAL_FIELDS,
    FIELDS,
    GROUPS,
    IMAGE_FIELDS,
    SCHEMA_VERSION,
    ClinicalData,
    Override,
    field_spec,
)
from cned_viewer.errors import UserError


def test_field_table_matches_the_dataclass():
    names = {f.name for f in dataclasses.fields(ClinicalData)} - {"overrides"}
    assert names == {s.name for s in CLINICAL_FIELDS}
    assert len({s.name for s in FIELDS}) == len(FIELDS)
    assert {s.group for s in FIELDS} <= set(GROUPS)
    assert {"lesion_count", "tlvr", "largest_diameter_cm", "ttv_ml", "ttv_followup_ml"} <= {s.name for s in IMAGE_FIELDS}


def test_every_spec_input_is_in_the_form():
    expected = {"differentiation", "primary_site", "pt_stage", "pt4", "node_positive", "synchronous",
                "disease_free_interval_months", "cea_ng_ml", "ca19_9_u_ml", "extrahepatic_disease", "kras_mutated",
                "nras_mutated", "braf_v600e_mutated", "tp53_mutated", "smad4_mutated", "ras_mutated", "msi_status",
                "age_years", "sex", "ecog", "planned_regimen", "height_cm", "weight_kg", "chemotherapy_cycles", "cirrhosis",
                "steatosis"}
    assert expected == {s.name for s in CLINICAL_FIELDS}


def test_units_and_groups_in_the_table():
    assert field_spec("cea_ng_ml").unit == "ng/mL (= µg/L)"
    assert field_spec("ca19_9_u_ml").unit == "U/mL"
    assert field_spec("disease_free_interval_months").unit == "months"
    assert [c.value for c in field_spec("differentiation").choices] == ["well", "moderate", "poor"]
    assert {field_spec(n).group for n in ("kras_mutated", "msi_status")} == {"molecular"}
    assert field_spec("cea_ng_ml").group == "labs"
    assert field_spec("differentiation").group == "pathology"
    assert (field_spec("height_cm").unit, field_spec("weight_kg").unit) == ("cm", "kg")
    assert {field_spec(n).group for n in ("chemotherapy_cycles", "cirrhosis", "steatosis")} == {"liver"}
    assert "more than 6" in field_spec("chemotherapy_cycles").help.lower()


def test_everything_unknown_by_default():
    data = ClinicalData()
    assert all(getattr(data, s.name) is None for s in CLINICAL_FIELDS) and data.overrides == {}


@pytest.mark.parametrize(("field", "raw", "value"), [
    ("cea_ng_ml", "12.5", 12.5), ("cea_ng_ml", "12,5", 12.5), ("cea_ng_ml", 200, 200.0), ("cea_ng_ml", "", None),
    ("cea_ng_ml", "unknown", None), ("differentiation", "G3", "poor"), ("differentiation", "Poorly differentiated", "poor"),
    ("differentiation", "unknown", None), ("node_positive", "1", True), ("node_positive", 0, False),
    ("node_positive", "yes", True), ("node_positive", "pN0", False), ("synchronous", "metachronous", False),
    ("kras_mutated", "wild-type", False), ("kras_mutated", "mutated", True), ("pt_stage", "pT4b", "T4b"),
    ("primary_site", "Right colon", "right_colon"), ("ecog", "1", 1), ("ecog", 2.0, 2), ("msi_status", "dMMR", "msi_high"),
    ("planned_regimen", " FOLFOXIRI + bevacizumab ", "FOLFOXIRI + bevacizumab"), ("sex", "F", "female"),
])
def test_values_are_normalised(field, raw, value):
    assert getattr(ClinicalData(**{field: raw}), field) == value


@pytest.mark.parametrize(("field", "raw", "message"), [
    ("cea_ng_ml", "high", "CEA must be a number in ng/mL (= µg/L), at least 0, or unknown (empty); got 'high'"),
    ("cea_ng_ml", -1, "CEA must be a number in ng/mL (= µg/L), at least 0"),
    ("cea_ng_ml", True, "CEA must be a number"),
    ("cea_ng_ml", float("inf"), "CEA must be a number"),
    ("ca19_9_u_ml", "many", "CA19-9 must be a number in U/mL"),
    ("differentiation", "G4", "must be well, moderate, poor, or unknown"),
    ("node_positive", "maybe", "must be 1 (node-positive), 0 (node-negative), or unknown"),
    ("ecog", 2.5, "must be a whole number from 0 to 5"),
    ("ecog", 6, "from 0 to 5"),
    ("age_years", "sixty", "Age must be a number in years"),
    ("planned_regimen", 3, "free text"),
])
def test_invalid_values_say_what_is_expected(field, raw, message):
    with pytest.raises(UserError) as error:
        ClinicalData(**{field: raw})
    assert message in str(error.value)


def test_pt4_from_stage_and_contradiction():
    assert ClinicalData(pt_stage="T4a").pt4_effective is True
    assert ClinicalData(pt_stage="T3").pt4_effective is False
    assert ClinicalData(pt4=True).pt4_effective is True
    assert ClinicalData().pt4_effective is None
    with pytest.raises(UserError, match="contradicts"):
        ClinicalData(pt_stage="T3", pt4=True)


@pytest.mark.parametrize(("kras", "nras", "ras", "effective"), [
    (True, None, None, True), (None, True, None, True), (False, False, None, False), (False, None, None, None),
    (None, None, True, True), (None, None, None, None),
])
def test_ras_from_kras_and_nras(kras, nras, ras, effective):
    assert ClinicalData(kras_mutated=kras, nras_mutated=nras, ras_mutated=ras).ras_mutated_effective is effective


def test_ras_wild_type_with_kras_mutated_is_refused():
    with pytest.raises(UserError, match="RAS is wild-type"):
        ClinicalData(kras_mutated=True, ras_mutated=False)


def test_overrides():
    data = ClinicalData().with_override("lesion_count", "9", "two touching lesions")
    assert data.overrides == {"lesion_count": Override(9, "two touching lesions")}
    assert data.without_override("lesion_count").overrides == {}
    assert ClinicalData(overrides={"tlvr": 0.3}).overrides["tlvr"] == Override(0.3, "")
    with pytest.raises(UserError, match="cannot be overridden"):
        ClinicalData(overrides={"cea_ng_ml": 3})
    with pytest.raises(UserError, match="TLVR must be a number from 0 to 1"):
        ClinicalData(overrides={"tlvr": 1.5})
    with pytest.raises(UserError, match="remove it to use the measured value"):
        ClinicalData(overrides={"tlvr": ""})


def test_json_round_trip_and_schema_version():
    data = ClinicalData(differentiation="poor", cea_ng_ml=201, node_positive=True, kras_mutated=False,
                        planned_regimen="FOLFOX").with_override("tlvr", 0.25, "liver contour corrected")
    as_dict = data.to_dict()
    assert as_dict["schema_version"] == SCHEMA_VERSION
    assert as_dict["ca19_9_u_ml"] is None
    assert as_dict["overrides"] == {"tlvr": {"value": 0.25, "note": "liver contour corrected"}}
    assert ClinicalData.from_dict(json.loads(json.dumps(as_dict))) == data
    assert ClinicalData.from_json(data.to_json()) == data


def test_from_dict_refuses_what_it_cannot_read():
    with pytest.raises(UserError, match="did you mean 'cea_ng_ml'"):
        ClinicalData.from_dict({"cea": 10})
    with pytest.raises(UserError, match="put it under \"overrides\""):
        ClinicalData.from_dict({"lesion_count": 3})
    with pytest.raises(UserError, match="schema_version 99"):
        ClinicalData.from_dict({"schema_version": 99})
    with pytest.raises(UserError, match="JSON object"):
        ClinicalData.from_dict([1, 2])
    with pytest.raises(UserError, match="not valid JSON"):
        ClinicalData.from_json("{")
    with pytest.raises(UserError, match="unknown clinical field"):
        field_spec("no_such_field")


def test_display():
    assert field_spec("cea_ng_ml").display(12.5) == "12.5 ng/mL (= µg/L)"
    assert field_spec("node_positive").display(True) == "node-positive"
    assert field_spec("kras_mutated").display(None) == "unknown"
    assert field_spec("differentiation").display("poor") == "poor"


def _value_strategy(spec):
    if spec.kind in ("choice", "flag"):
        return st.sampled_from([None, *(c.value for c in spec.choices)])
    if spec.kind == "integer":
        return st.none() | st.integers(int(spec.minimum or 0), int(spec.maximum if spec.maximum is not None else 500))
    if spec.kind == "number":
        return st.none() | st.floats(spec.minimum or 0, spec.maximum if spec.maximum is not None else 1e4)
    return st.none() | st.text(min_size=1).map(str.strip).filter(lambda t: t and t.lower() not in {"unknown", "na", "n/a"})


_CLINICAL = st.fixed_dictionaries({s.name: _value_strategy(s) for s in CLINICAL_FIELDS})
_OVERRIDES = st.fixed_dictionaries({}, optional={s.name: _value_strategy(s).filter(lambda v: v is not None)
                                                 for s in IMAGE_FIELDS})


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(_CLINICAL, _OVERRIDES)
def test_round_trip_property(values, overrides):
    try:
        data = ClinicalData(**values, overrides=overrides)
    except UserError as error:  # only the consistency checks may refuse generated data
        assert "contradicts" in str(error) or "RAS is wild-type" in str(error)
        return
    assert ClinicalData.from_json(data.to_json()) == data
    assert {k: o.value for k, o in data.overrides.items()} == pytest.approx(overrides)
