"""Discovery, enable/disable (persisted), contributions and load failures."""

from __future__ import annotations

import json
import sys
import types
from importlib.metadata import EntryPoint

import pytest
from plugin_fakes import FakeEntryPoint, fake_plugin

from cned_viewer.plugins import Plugin, PluginError, PluginManager, PluginSettings
from cned_viewer.scores import list_scores
from cned_viewer.scores.tbs import SCORE as TBS


def test_good_plugin_is_enabled_with_its_contributions(make_manager):
    manager = make_manager(FakeEntryPoint("good", fake_plugin()))
    record = manager.records["good"]
    assert (record.state, record.version, record.error) == ("enabled", "1.2.3", None)
    assert record.to_json()["contributions"]["segmenters"] == ["box"]
    assert [(name, s.id) for name, s in manager.segmenters()] == [("good", "box")]


def test_factory_entry_point_is_called(make_manager):
    manager = make_manager(FakeEntryPoint("good", lambda: fake_plugin()))
    assert manager.records["good"].state == "enabled"


def test_real_entry_point_object_loads_from_a_module(monkeypatch, make_manager):
    module = types.ModuleType("fake_cned_plugin")
    module.PLUGIN = fake_plugin("real")
    monkeypatch.setitem(sys.modules, "fake_cned_plugin", module)
    manager = make_manager(EntryPoint("real", "fake_cned_plugin:PLUGIN", "cned_viewer.plugins"))
    assert manager.records["real"].state == "enabled"


@pytest.mark.parametrize("target, expected", [
    (ImportError("no module named torch"), "ImportError: no module named torch"),
    (object(), "not a cned_viewer.plugins.Plugin"),
    (lambda: 1 / 0, "ZeroDivisionError"),
    (Plugin("", ""), "needs a name and a version"),
])
def test_broken_plugin_is_reported_and_the_others_still_load(make_manager, target, expected):
    manager = make_manager(FakeEntryPoint("broken", target), FakeEntryPoint("good", fake_plugin()))
    broken = manager.records["broken"]
    assert broken.state == "failed" and expected in broken.error
    assert manager.records["good"].state == "enabled"
    assert [name for name, _ in manager.segmenters()] == ["good"]


def test_disable_is_persisted_and_not_loaded_next_time(make_manager, config_dir):
    calls = []
    entry = FakeEntryPoint("good", lambda: calls.append(1) or fake_plugin())
    manager = make_manager(entry)
    manager.set_enabled("good", False)
    assert manager.records["good"].state == "disabled" and manager.segmenters() == []
    assert json.loads((config_dir / "plugins.json").read_text()) == {"disabled": ["good"]}
    again = make_manager(entry)
    assert again.records["good"].state == "disabled" and len(calls) == 1
    again.set_enabled("good", True)
    assert again.records["good"].state == "enabled" and PluginSettings().is_enabled("good")


def test_unreadable_settings_mean_all_enabled(config_dir):
    config_dir.mkdir()
    (config_dir / "plugins.json").write_text("{not json")
    settings = PluginSettings()
    assert settings.is_enabled("anything") and "unreadable" in settings.problem


def test_unknown_plugin_is_a_user_error(make_manager):
    with pytest.raises(PluginError, match="no such plugin"):
        make_manager().set_enabled("nope", True)


def test_plugin_scores_are_registered_while_enabled(make_manager):
    score = _renamed_score("plugin_tbs")
    manager = make_manager(FakeEntryPoint("scorer", Plugin("scorer", "0.1", scores=(score,))))
    assert score in list_scores()
    manager.set_enabled("scorer", False)
    assert score not in list_scores()


def test_a_clashing_score_fails_the_plugin_not_the_app(make_manager):
    clash = _renamed_score("tbs")
    first = _renamed_score("plugin_first")
    manager = make_manager(FakeEntryPoint("clash", Plugin("clash", "0.1", scores=(first, clash))))
    record = manager.records["clash"]
    assert record.state == "failed" and "already registered" in record.error
    assert first not in list_scores() and TBS in list_scores()


def test_discover_uses_the_entry_point_group(monkeypatch):
    seen = []
    monkeypatch.setattr("cned_viewer.plugins.discovery.entry_points", lambda group: seen.append(group) or [])
    assert PluginManager().discover() == [] and seen == ["cned_viewer.plugins"]


def _renamed_score(score_id: str):
    from dataclasses import replace

    return replace(TBS, id=score_id, name=f"TBS copy {score_id}")
