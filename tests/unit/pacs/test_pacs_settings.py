"""PACS settings: saved in the config folder, defaults when missing, damaged files and bad values named."""

from __future__ import annotations

import json

import pytest

from cned_viewer.cli import main
from cned_viewer.errors import UserError
from cned_viewer.io.pacs_settings import PacsSettings, ae_title_problem, load_pacs_settings, save_pacs_settings, settings_path


@pytest.fixture(autouse=True)
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def test_missing_file_gives_the_defaults(config) -> None:
    assert load_pacs_settings() == PacsSettings()
    assert settings_path() == config / "pacs.json"


def test_saved_settings_come_back(tmp_path) -> None:
    settings = PacsSettings("MYAPP", "HOSPITALPACS", "pacs.example.org", 11112, 12.5, str(tmp_path / "retrieved"))
    assert save_pacs_settings(settings) == settings_path()
    assert load_pacs_settings() == settings
    assert settings.destination() == tmp_path / "retrieved"


def test_unknown_keys_are_ignored_and_missing_keys_default(config) -> None:
    config.mkdir()
    (config / "pacs.json").write_text(json.dumps({"host": "10.0.0.5", "port": "4242", "future_option": 1}))
    assert load_pacs_settings() == PacsSettings(host="10.0.0.5", port=4242)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"port": "abc"}', '{"host": 5}'])
def test_a_damaged_file_is_named(config, text) -> None:
    config.mkdir()
    (config / "pacs.json").write_text(text)
    with pytest.raises(UserError, match="PACS settings .*pacs.json"):
        load_pacs_settings()


@pytest.mark.parametrize(("title", "problem"), [("", "empty"), ("A" * 17, "longer than 16"), ("BAD\\AE", "printable"), ("ÉCHO", "printable")])
def test_bad_ae_titles_are_refused(title, problem) -> None:
    assert problem in ae_title_problem(title)
    with pytest.raises(UserError, match=problem):
        save_pacs_settings(PacsSettings(called_ae=title))
    assert not settings_path().exists()  # nothing written


@pytest.mark.parametrize(("settings", "message"), [(PacsSettings(port=0), "port 0"), (PacsSettings(host=" "), "no PACS host")])
def test_bad_host_or_port_is_refused(settings, message) -> None:
    with pytest.raises(UserError, match=message):
        settings.checked()


def test_cli_saves_and_shows_the_settings(capsys) -> None:
    assert main(["pacs", "settings", "--host", "pacs.local", "--port", "4242", "--pacs-aet", "ORTHANC", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["host"], shown["port"], shown["called_ae"], shown["calling_ae"]) == ("pacs.local", 4242, "ORTHANC", "CNEDVIEWER")
    assert load_pacs_settings().port == 4242
    assert main(["pacs", "settings", "--aet", "WAY^TOO^LONG^AE^TITLE"]) == 2
    assert "longer than 16" in capsys.readouterr().err
    assert load_pacs_settings().calling_ae == "CNEDVIEWER"  # the bad value was not saved
