"""Exporters and report sections of plugins: written files, failures that disable, input errors that do not."""

from __future__ import annotations

import pytest
from plugin_fakes import CountSection, FakeEntryPoint, TextExporter

from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.errors import UserError
from cned_viewer.measure import measure
from cned_viewer.plugins import Plugin, PluginError, ReportSectionData


@pytest.fixture(scope="module")
def case():
    return make_demo_case()


def _plugin(name: str, exporters=(), sections=()) -> FakeEntryPoint:
    return FakeEntryPoint(name, Plugin(name, "3.1", "outputs", exporters=tuple(exporters), report_sections=tuple(sections)))


def test_exporter_writes_the_case(make_manager, case, tmp_path):
    manager = make_manager(_plugin("out", exporters=[TextExporter()]))
    assert [(name, e.id) for name, e in manager.exporters()] == [("out", "count")]
    written = manager.run_exporter("out", "count", case, tmp_path / "case.txt")
    assert written == tmp_path / "case.txt"
    assert written.read_text() == f"tumour voxels {int((case.labels.array == 2).sum())}\n"


def test_exporter_refuses_a_name_it_does_not_write(make_manager, case, tmp_path):
    manager = make_manager(_plugin("out", exporters=[TextExporter()]))
    with pytest.raises(UserError, match=r"\.txt"):
        manager.run_exporter("out", "count", case, tmp_path / "case.pdf")
    with pytest.raises(PluginError, match="no exporter 'nope'"):
        manager.run_exporter("out", "nope", case, tmp_path / "case.txt")
    assert manager.records["out"].state == "enabled"


def test_exporter_that_raises_is_disabled_but_a_user_error_is_not(make_manager, case, tmp_path):
    manager = make_manager(_plugin("fussy", exporters=[TextExporter(behaviour="user_error")]),
                           _plugin("burning", exporters=[TextExporter(behaviour="raise")]),
                           _plugin("lazy", exporters=[TextExporter(behaviour="nothing")]))
    with pytest.raises(UserError, match="no segment map") as raised:
        manager.run_exporter("fussy", "count", case, tmp_path / "a.txt")
    assert not isinstance(raised.value, PluginError) and manager.records["fussy"].state == "enabled"
    with pytest.raises(PluginError, match="disk on fire"):
        manager.run_exporter("burning", "count", case, tmp_path / "b.txt")
    assert manager.records["burning"].state == "failed"
    with pytest.raises(PluginError, match="wrote no file"):
        manager.run_exporter("lazy", "count", case, tmp_path / "c.txt")
    assert manager.records["lazy"].state == "failed" and not (tmp_path / "c.txt").exists()


def test_report_sections_keep_the_good_ones_and_name_the_failures(make_manager, case):
    manager = make_manager(_plugin("good", sections=[CountSection()]),
                           _plugin("raising", sections=[CountSection(behaviour="raise")]),
                           _plugin("odd", sections=[CountSection(behaviour="wrong_type")]),
                           _plugin("picky", sections=[CountSection(behaviour="user_error")]))
    measurements = measure(case).to_json()
    sections, notices = manager.build_report_sections(case, measurements)
    assert [(s.plugin, s.version) for s in sections] == [("good", "3.1")]
    data = sections[0].data
    assert isinstance(data, ReportSectionData) and ("Lesions", str(measurements["lesion_count"])) in data.rows
    assert len(notices) == 3 and any("section exploded" in n for n in notices) and any("not ReportSectionData" in n for n in notices)
    assert any("plugin picky" in n and "no segment map is loaded" in n for n in notices)
    assert manager.records["raising"].state == manager.records["odd"].state == "failed"
    assert manager.records["picky"].state == "enabled"
    assert len(manager.build_report_sections(case, measurements)[1]) == 1  # the failed ones are not asked again
