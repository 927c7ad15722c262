"""The numbers in evidence.py equal clinical-spec section 3 (written out here from the spec)."""

import pytest

from cned_viewer.scores import evidence as ev
from cned_viewer.scores.registry import list_scores


def q(value, low=None, high=None):
    return (value, low, high)


def as_tuple(quantity):
    return (quantity.value, quantity.low, quantity.high)


# group: patients, % of cohort, conversion %, external conversion %, median PFS, median OS, ORR %
CNED_GROUPS = {
    "0": (65, 30.2, 69.2, 81.8, q(16.6, 12.6, 20.6), q(64.8, 35.6, 93.9), 66.2),
    "1": (96, 44.7, None, None, q(12.2, 10.0, 14.4), q(43.4, 27.1, 59.9), 48.4),
    "2": (47, 21.9, None, None, q(9.7, 7.9, 11.6), q(27.7, 18.1, 37.3), 24.1),
    "3": (7, 3.3, 0.0, 0.0, q(9.7, 7.9, 11.6), q(27.7, 18.1, 37.3), 24.1),
}


@pytest.mark.parametrize("group", sorted(CNED_GROUPS))
def test_cned_group_figures_equal_the_spec(group):
    patients, share, conversion, external, pfs, os_, orr = CNED_GROUPS[group]
    found = ev.CNED.group(group)
    assert found.get("patients").value == patients
    assert found.get("patients_percent").value == share
    assert found.get("conversion_percent").value == conversion
    assert found.get("conversion_external_percent").value == external
    assert as_tuple(found.get("median_pfs_months")) == pfs
    assert as_tuple(found.get("median_os_months")) == os_
    assert found.get("objective_response_percent").value == orr


def test_cned_missing_rates_are_not_reported_never_invented():
    for group in ("1", "2"):
        conversion = ev.CNED.group(group).get("conversion_percent")
        assert not conversion.reported and conversion.text().startswith("not reported")
        assert "50 of 143" in conversion.note
    assert "groups 2-3" in ev.CNED.group("3").get("median_pfs_months").note
    assert "22" in ev.CNED.group("0").get("conversion_external_percent").note
    assert "1 patient" in ev.CNED.group("3").get("conversion_external_percent").note


def test_cned_group_patients_add_up_to_the_internal_cohort():
    assert sum(ev.CNED.group(g).get("patients").value for g in CNED_GROUPS) == ev.CNED.patients == 215


@pytest.mark.parametrize(("key", "expected"), [
    ("or_poor_differentiation", q(3.496, 1.490, 8.825)),
    ("or_lesion_count", q(3.107, 1.511, 6.544)),
    ("or_tlvr", q(2.706, 1.124, 6.755)),
    ("c_index_internal", q(0.734, 0.668, 0.800)),
    ("c_index_external", q(0.736, 0.566, 0.907)),
    ("conversion_overall_percent", q(44.2)),
    ("conversion_overall_patients", q(95)),
    ("hr_os_score_2_3", q(2.867)),
    ("tlvr_youden", q(0.242)),
    ("tlvr_auc", q(0.642)),
    ("median_lesion_count", q(8, 1, 100)),
    ("median_tlvr", q(0.13)),
    ("external_patients", q(40)),
])
def test_cned_cohort_figures_equal_the_spec(key, expected):
    assert as_tuple(ev.CNED.get(key)) == expected


def test_cned_quantities_print_as_the_paper():
    assert ev.CNED.get("or_poor_differentiation").text() == "3.496 (95 % CI 1.490 to 8.825)"
    assert ev.CNED.group("1").get("median_pfs_months").text() == "12.2 mo (95 % CI 10.0 to 14.4)"


def test_score_definitions_equal_the_spec():
    assert (ev.CNED_LESION_COUNT_ABOVE, ev.CNED_TLVR_AT_LEAST) == (8, 0.23)
    assert (ev.FONG_DFI_BELOW_MONTHS, ev.FONG_LESION_COUNT_ABOVE, ev.FONG_CEA_ABOVE_NG_ML,
            ev.FONG_DIAMETER_ABOVE_CM) == (12, 1, 200, 5.0)
    assert ev.FONG_GROUPS == (("low", 0), ("high", 3))
    assert (ev.TBS_ZONE_MIDDLE_FROM, ev.TBS_ZONE_HIGH_FROM) == (3, 9)
    assert [label for label, _ in ev.TBS_ZONES] == ["< 3", "3 to < 9", ">= 9"]
    assert (ev.GAME_CEA_AT_LEAST_NG_ML, ev.GAME_TBS_MIDDLE_POINTS, ev.GAME_TBS_HIGH_POINTS,
            ev.GAME_EXTRAHEPATIC_POINTS) == (20, 1, 2, 2)
    assert ev.GAME_GROUPS == (("low", 0), ("medium", 2), ("high", 4))
    assert ev.MCS_DIAMETER_ABOVE_CM == 5.0
    assert (ev.NORDLINGER_AGE_ABOVE_YEARS, ev.NORDLINGER_DFI_BELOW_MONTHS, ev.NORDLINGER_LESION_COUNT_AT_LEAST,
            ev.NORDLINGER_DIAMETER_ABOVE_CM) == (60, 24, 4, 5.0)
    assert ev.NORDLINGER_GROUPS == (("low", 0), ("intermediate", 3), ("high", 5))


def test_score_ranges_equal_the_spec():
    ranges = {s.id: s.total_range for s in list_scores()}
    assert {k: ranges[k] for k in ("cned", "fong", "game", "mcs", "nordlinger")} == {
        "cned": (0, 3), "fong": (0, 5), "game": (0, 7), "mcs": (0, 3), "nordlinger": (0, 6)}


def test_other_sources_equal_the_spec():
    assert (ev.FONG.patients, ev.NORDLINGER.patients) == (1001, 1568)
    assert (ev.FONG.get("hr_os_xue").value, ev.FONG.get("hr_rfs_xue").value) == (1.424, 1.444)
    assert as_tuple(ev.TTV.get("median_baseline_ttv_ml")) == q(48, 17, 178)
    assert as_tuple(ev.TTV.get("median_change_ml")) == q(-22, -81, -6)
    assert as_tuple(ev.TTV.get("median_change_percent")) == q(-60, -73, -44)
    assert [ev.TTV.get(f"os_5y_ttv_{v}_ml").value for v in (3, 50, 300)] == [72, 37, 7]
    assert ev.TTV.get("median_baseline_ttv_ml").interval == "IQR"


def test_citations():
    assert {k: e.citation for k, e in ev.EVIDENCE.items()} == {
        "cned": "Li et al., Am J Cancer Res 2022", "fong": "Fong et al., Ann Surg 1999",
        "tbs": "Sasaki et al., Ann Surg 2018", "game": "Margonis et al., Br J Surg 2018",
        "mcs": "Brudvik et al., Ann Surg 2019", "nordlinger": "Nordlinger et al., Cancer 1996",
        "ttv": "Zeeuw et al., Eur J Cancer (CAIRO5)"}
    assert all(s.citation == ev.evidence_for(s.id).citation for s in list_scores())
    assert ev.evidence_for("no_such_score") is None


def test_unreported_lookups():
    assert not ev.CNED.get("no_such_finding").reported
    assert ev.CNED.group("4") is None
    assert ev.not_reported().text() == "not reported"
