"""The registry: built-ins in order, description for UI/report, plugin registration."""

import pytest

from cned_viewer.errors import UserError
from cned_viewer.scores import evaluate_all, get_score, list_scores, register, unregister
from cned_viewer.scores.criteria import flag
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import ScoreEvidence
from cned_viewer.scores.inputs import typed_inputs
from cned_viewer.scores.registry import Score


def test_builtin_scores_in_order():
    assert [s.id for s in list_scores()][:7] == ["cned", "fong", "tbs", "game", "mcs", "nordlinger", "ttv"]
    assert all(isinstance(s, Score) for s in list_scores())


def test_describe_lists_inputs_with_labels():
    described = get_score("cned").describe()
    assert described["id"] == "cned" and described["name"] == "C-NED"
    assert [i["name"] for i in described["inputs"]] == ["differentiation", "lesion_count", "tlvr"]
    assert described["inputs"][0]["label"] == "Differentiation of the primary"
    assert described["total_range"] == [0, 3]
    assert get_score("ttv").describe()["unit"] == "mL"


def test_get_unknown_score_names_the_known_ones():
    with pytest.raises(UserError, match="known scores: cned, fong"):
        get_score("apache")


def test_plugin_score_registers_itself_and_is_listed():
    evidence = ScoreEvidence("demo_plugin", "Demo et al., 2030", "none", None)
    demo = ScoreDefinition("demo_plugin", "Demo", evidence, (flag("bilobar", "Bilobar disease", "bilobar"),),
                           groups=(("no", 0), ("yes", 1)))
    try:
        assert register(demo) is demo
        assert register(demo) is demo  # the same object twice is harmless
        assert list_scores()[-1] is demo
        result = evaluate_all(typed_inputs({"bilobar": True}), ["demo_plugin"])[0]
        assert (result.total, result.group) == (1, "yes")
        with pytest.raises(ValueError, match="already registered"):
            register(ScoreDefinition("demo_plugin", "Other", evidence, ()))
    finally:
        unregister("demo_plugin")
    assert "demo_plugin" not in [s.id for s in list_scores()]


def test_bad_score_id_is_refused():
    evidence = ScoreEvidence("Bad Id", "x", "x", None)
    with pytest.raises(ValueError, match="lower_snake_case"):
        register(ScoreDefinition("Bad Id", "Bad", evidence, ()))


def test_evaluate_all_selected_ids_in_order():
    results = evaluate_all(typed_inputs({}), ["fong", "cned"])
    assert [r.score_id for r in results] == ["fong", "cned"]
    assert all(not r.complete for r in results)
