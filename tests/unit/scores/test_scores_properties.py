"""Property tests: totals are sums of item points; an unknown needed input gives incomplete."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cned_viewer.core.clinical import ClinicalData, Override
from cned_viewer.scores.inputs import build_inputs, combine, measured_items, typed_inputs
from cned_viewer.scores.registry import get_score

POINT_SCORES = ("cned", "fong", "game", "mcs", "nordlinger")
ALL_SCORES = (*POINT_SCORES, "tbs", "ttv")

VALUES = st.fixed_dictionaries({
    "differentiation": st.sampled_from(["well", "moderate", "poor"]),
    "lesion_count": st.integers(0, 120),
    "tlvr": st.floats(0, 1),
    "node_positive": st.booleans(),
    "synchronous": st.just(False),  # metachronous: the interval itself is then needed
    "disease_free_interval_months": st.floats(0, 240),
    "cea_ng_ml": st.floats(0, 5000),
    "largest_diameter_cm": st.floats(0, 30),
    "kras_mutated": st.booleans(),
    "ras_mutated": st.booleans(),
    "extrahepatic_disease": st.booleans(),
    "age_years": st.floats(18, 100),
    "pt4": st.booleans(),
    "ttv_ml": st.floats(0, 5000),
    "ttv_followup_ml": st.floats(0, 5000),
})


@pytest.mark.parametrize("score_id", POINT_SCORES)
@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(values=VALUES)
def test_total_is_the_sum_of_item_points(score_id, values):
    result = get_score(score_id).evaluate(typed_inputs(values))
    assert result.complete and result.total == sum(item.points for item in result.items)
    low, high = result.total_range
    assert low <= result.total <= high
    assert all(0 <= item.points <= item.max_points for item in result.items)
    assert result.group == get_score(score_id).group_of(result.total)
    assert {item.origin for item in result.items} == {"typed"}


@pytest.mark.parametrize("score_id", ALL_SCORES)
@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(values=VALUES, data=st.data())
def test_any_unknown_needed_input_gives_incomplete(score_id, values, data):
    score = get_score(score_id)
    needed = [n for item in score.items if item.required for n in item.inputs if n != "synchronous"]
    name = data.draw(st.sampled_from(needed))
    complete = score.evaluate(typed_inputs(values))
    result = score.evaluate(typed_inputs({**values, name: None}))
    assert not result.complete and result.total is None and result.group is None
    assert name in result.missing
    if result.kind == "points":
        low, high = result.possible_totals
        assert low == result.known_points and low <= complete.total <= high


@pytest.mark.parametrize("score_id", ("fong", "nordlinger"))
@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(values=VALUES)
def test_unknown_timing_and_interval_gives_incomplete(score_id, values):
    result = get_score(score_id).evaluate(typed_inputs({**values, "synchronous": None,
                                                        "disease_free_interval_months": None}))
    assert not result.complete
    assert set(result.missing) == {"synchronous", "disease_free_interval_months"}


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(image=st.floats(0, 1), typed=st.floats(0, 1), note=st.text(max_size=20))
def test_overrides_keep_both_values(image, typed, note):
    clinical = ClinicalData().with_override("tlvr", typed, note)
    value = build_inputs(clinical, {"tlvr": image})["tlvr"]
    assert (value.origin, value.value, value.image_value, value.typed_value) == ("override", typed, image, typed)
    result = get_score("cned").evaluate(build_inputs(clinical, {"tlvr": image}))
    tlvr_item = next(i for i in result.items if i.key == "tlvr")
    assert tlvr_item.origin == "override" and tlvr_item.inputs[0].image_value == image


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(count=st.integers(0, 50), low_delta=st.integers(0, 3), high_delta=st.integers(0, 3),
       tlvr=st.floats(0.1, 0.4), spread=st.floats(0, 0.05))
def test_borderline_means_a_range_end_changes_the_points(count, low_delta, high_delta, tlvr, spread):
    m = {"lesion_count": count, "lesion_count_low": max(0, count - low_delta), "lesion_count_high": count + high_delta,
         "tlvr": tlvr, "tlvr_low": max(0.0, tlvr - spread), "tlvr_high": min(1.0, tlvr + spread)}
    inputs = build_inputs(ClinicalData(differentiation="poor"), m)
    score = get_score("cned")
    result = score.evaluate(inputs)
    values = {name: value.value for name, value in inputs.items()}
    for criterion, item in zip(score.items, result.items):
        flips = any(criterion.points({**values, i.name: end}) != item.points
                    for i in item.inputs if i.has_range for end in (i.low, i.high))
        assert bool(item.borderline) == flips
    if result.sensitivity_totals is not None:
        low, high = result.sensitivity_totals
        assert low <= result.total <= high


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(image=st.none() | st.integers(0, 30), typed=st.none() | st.integers(0, 30))
def test_combine_origin_table(image, typed):
    measured = measured_items({"lesion_count": image}).get("lesion_count")
    value = combine("lesion_count", measured, None if typed is None else Override(typed))
    expected = ("missing" if typed is None and image is None else "image" if typed is None
                else "typed" if image is None else "override")
    assert value.origin == expected
    assert value.value == (typed if typed is not None else image)
    assert value.image_value == image
