"""Every score item at and around its cut-off (clinical-spec section 3)."""

import math

import pytest

from cned_viewer.scores.inputs import typed_inputs
from cned_viewer.scores.registry import get_score
from cned_viewer.scores.tbs import tumour_burden_score


def item_points(score_id: str, item_key: str, **values):
    result = get_score(score_id).evaluate(typed_inputs(values))
    return next(i for i in result.items if i.key == item_key).points


def evaluate(score_id: str, **values):
    return get_score(score_id).evaluate(typed_inputs(values))


# --- C-NED -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "points"), [(0, 0), (8, 0), (9, 1), (100, 1)])
def test_cned_more_than_8_metastases(count, points):
    assert item_points("cned", "lesion_count", lesion_count=count) == points


@pytest.mark.parametrize(("tlvr", "points"), [(0.0, 0), (0.2299, 0), (0.23, 1), (0.2301, 1), (1.0, 1)])
def test_cned_tlvr_at_least_0_23(tlvr, points):
    assert item_points("cned", "tlvr", tlvr=tlvr) == points


@pytest.mark.parametrize(("grade", "points"), [("well", 0), ("moderate", 0), ("poor", 1)])
def test_cned_poor_differentiation(grade, points):
    assert item_points("cned", "poor_differentiation", differentiation=grade) == points


@pytest.mark.parametrize(("grade", "count", "tlvr", "total"), [
    ("well", 8, 0.2299, 0), ("poor", 8, 0.2299, 1), ("poor", 9, 0.2299, 2), ("poor", 9, 0.23, 3), ("moderate", 9, 0.23, 2),
])
def test_cned_total_and_group(grade, count, tlvr, total):
    result = evaluate("cned", differentiation=grade, lesion_count=count, tlvr=tlvr)
    assert result.complete and result.total == total and result.group == str(total)
    assert result.total_range == (0, 3)


# --- Fong ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cea", "points"), [(0, 0), (200, 0), (200.1, 1)])
def test_fong_cea_above_200(cea, points):
    assert item_points("fong", "cea", cea_ng_ml=cea) == points


@pytest.mark.parametrize(("diameter", "points"), [(4.99, 0), (5.0, 0), (5.01, 1)])
def test_fong_largest_above_5_cm(diameter, points):
    assert item_points("fong", "largest_diameter", largest_diameter_cm=diameter) == points


@pytest.mark.parametrize(("count", "points"), [(0, 0), (1, 0), (2, 1)])
def test_fong_more_than_one_tumour(count, points):
    assert item_points("fong", "lesion_count", lesion_count=count) == points


@pytest.mark.parametrize(("synchronous", "dfi", "points"), [
    (False, 11.9, 1), (False, 12, 0), (False, 12.1, 0), (None, 11.9, 1), (None, 12, 0),
    (True, None, 1), (True, 30, 1), (False, None, None), (None, None, None),
])
def test_fong_dfi_below_12_months_synchronous_counts(synchronous, dfi, points):
    assert item_points("fong", "disease_free_interval", synchronous=synchronous,
                       disease_free_interval_months=dfi) == points


@pytest.mark.parametrize(("total", "group"), [(0, "low"), (2, "low"), (3, "high"), (5, "high")])
def test_fong_groups(total, group):
    values = dict(node_positive=total >= 1, synchronous=total >= 2, disease_free_interval_months=24,
                  lesion_count=2 if total >= 3 else 1, cea_ng_ml=201 if total >= 4 else 5,
                  largest_diameter_cm=6 if total >= 5 else 2)
    result = evaluate("fong", **values)
    assert (result.total, result.group, result.total_range) == (total, group, (0, 5))


# --- TBS -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("diameter", "count", "tbs", "zone"), [
    (2.99, 0, 2.99, "< 3"), (0, 3, 3, "3 to < 9"), (3, 0, 3, "3 to < 9"), (3, 4, 5, "3 to < 9"),
    (8.99, 0, 8.99, "3 to < 9"), (0, 9, 9, ">= 9"), (9, 0, 9, ">= 9"),
])
def test_tbs_value_and_zone(diameter, count, tbs, zone):
    result = evaluate("tbs", largest_diameter_cm=diameter, lesion_count=count)
    assert result.total == pytest.approx(tbs) and result.group == zone


def test_tbs_uses_centimetres():
    assert tumour_burden_score(5.0, 12) == 13.0
    assert tumour_burden_score(2.5, 2) == pytest.approx(math.sqrt(2.5**2 + 4))


def test_tbs_needs_both_inputs():
    result = evaluate("tbs", largest_diameter_cm=3.0, lesion_count=None)
    assert result.total is None and result.group is None and result.missing == ("lesion_count",)


# --- GAME ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cea", "points"), [(19.9, 0), (20, 1), (20.1, 1)])
def test_game_cea_at_least_20(cea, points):
    assert item_points("game", "cea", cea_ng_ml=cea) == points


@pytest.mark.parametrize(("diameter", "count", "points"), [
    (2.99, 0, 0), (0, 3, 1), (3, 0, 1), (8.99, 0, 1), (0, 9, 2), (9, 0, 2), (2, 1, 0),
])
def test_game_tbs_points(diameter, count, points):
    assert item_points("game", "tbs", largest_diameter_cm=diameter, lesion_count=count) == points


def test_game_extrahepatic_disease_two_points_and_range():
    assert item_points("game", "extrahepatic_disease", extrahepatic_disease=True) == 2
    assert item_points("game", "extrahepatic_disease", extrahepatic_disease=False) == 0
    assert get_score("game").total_range == (0, 7)


@pytest.mark.parametrize(("kras", "node", "extra", "total", "group"), [
    (False, False, False, 0, "low"), (True, False, False, 1, "low"), (True, True, False, 2, "medium"),
    (False, False, True, 2, "medium"), (True, False, True, 3, "medium"), (True, True, True, 4, "high"),
])
def test_game_groups(kras, node, extra, total, group):
    result = evaluate("game", kras_mutated=kras, cea_ng_ml=5, node_positive=node, largest_diameter_cm=1,
                      lesion_count=1, extrahepatic_disease=extra)
    assert (result.total, result.group) == (total, group)


# --- m-CS ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("diameter", "points"), [(5.0, 0), (5.01, 1)])
def test_mcs_largest_above_5_cm(diameter, points):
    assert item_points("mcs", "largest_diameter", largest_diameter_cm=diameter) == points


def test_mcs_raw_score_without_group():
    result = evaluate("mcs", ras_mutated=True, node_positive=True, largest_diameter_cm=5.01)
    assert (result.total, result.group, result.total_range) == (3, None, (0, 3))


# --- Nordlinger ------------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "points"), [(59.9, 0), (60, 0), (60.1, 1), (61, 1)])
def test_nordlinger_age_above_60(age, points):
    assert item_points("nordlinger", "age", age_years=age) == points


@pytest.mark.parametrize(("dfi", "points"), [(11.9, 1), (23.9, 1), (24, 0), (36, 0)])
def test_nordlinger_dfi_below_24_months(dfi, points):
    assert item_points("nordlinger", "disease_free_interval", synchronous=False,
                       disease_free_interval_months=dfi) == points


@pytest.mark.parametrize(("count", "points"), [(3, 0), (4, 1), (5, 1)])
def test_nordlinger_four_or_more_metastases(count, points):
    assert item_points("nordlinger", "lesion_count", lesion_count=count) == points


@pytest.mark.parametrize(("diameter", "points"), [(5.0, 0), (5.01, 1)])
def test_nordlinger_largest_above_5_cm(diameter, points):
    assert item_points("nordlinger", "largest_diameter", largest_diameter_cm=diameter) == points


@pytest.mark.parametrize(("total", "group"), [(0, "low"), (2, "low"), (3, "intermediate"), (4, "intermediate"),
                                              (5, "high"), (6, "high")])
def test_nordlinger_groups(total, group):
    flags = [i < total for i in range(6)]
    result = evaluate("nordlinger", age_years=70 if flags[0] else 50, pt4=flags[1], node_positive=flags[2],
                      synchronous=flags[3], disease_free_interval_months=30, lesion_count=4 if flags[4] else 1,
                      largest_diameter_cm=6 if flags[5] else 1)
    assert (result.total, result.group, result.total_range) == (total, group, (0, 6))


# --- TTV -------------------------------------------------------------------------------------

def test_ttv_baseline_only():
    result = evaluate("ttv", ttv_ml=48.0, ttv_followup_ml=None)
    assert result.complete and result.total == 48.0 and result.unit == "mL"
    assert result.values == {"change_ml": None, "change_percent": None}
    assert next(i for i in result.items if i.key == "followup").origin == "missing"


def test_ttv_absolute_and_relative_change():
    result = evaluate("ttv", ttv_ml=50.0, ttv_followup_ml=20.0)
    assert result.values["change_ml"] == pytest.approx(-30.0)
    assert result.values["change_percent"] == pytest.approx(-60.0)


def test_ttv_relative_change_undefined_for_zero_baseline():
    result = evaluate("ttv", ttv_ml=0.0, ttv_followup_ml=3.0)
    assert result.values == {"change_ml": 3.0, "change_percent": None}


def test_ttv_missing_baseline_is_incomplete():
    result = evaluate("ttv", ttv_ml=None, ttv_followup_ml=20.0)
    assert not result.complete and result.total is None and result.missing == ("ttv_ml",)
