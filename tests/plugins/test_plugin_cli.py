"""``cned-viewer plugins ...`` and ``cned-viewer segment`` over fake entry points."""

from __future__ import annotations

import json

import numpy as np
import pytest
import SimpleITK as sitk
from plugin_fakes import FakeEntryPoint, fake_plugin

from cned_viewer.cli import main


@pytest.fixture
def installed(monkeypatch):
    entries = [FakeEntryPoint("good", fake_plugin()), FakeEntryPoint("broken", ImportError("missing torch"))]
    monkeypatch.setattr("cned_viewer.plugins.manager.find_entry_points", lambda: entries)


def test_list_json_shows_states_versions_and_errors(installed, capsys):
    assert main(["plugins", "list", "--json"]) == 0
    plugins = {p["name"]: p for p in json.loads(capsys.readouterr().out)["plugins"]}
    assert plugins["good"]["state"] == "enabled" and plugins["good"]["version"] == "1.2.3"
    assert plugins["broken"]["state"] == "failed" and "missing torch" in plugins["broken"]["error"]


def test_list_text_and_toggle(installed, capsys):
    assert main(["plugins", "disable", "good"]) == 0
    assert main(["plugins", "list"]) == 0
    out = capsys.readouterr().out
    assert "good" in out and "disabled" in out and "error: failed to load: ImportError" in out
    assert main(["plugins", "enable", "good"]) == 0
    assert main(["plugins", "enable", "nope"]) == 2


def test_segment_command_writes_labels(installed, tmp_path, capsys):
    image = sitk.GetImageFromArray(np.zeros((8, 9, 10), np.int16))
    image.SetSpacing((1.0, 1.0, 2.0))
    source = tmp_path / "ct.nii.gz"
    sitk.WriteImage(image, str(source))
    out = tmp_path / "labels.nii.gz"
    code = main(["segment", str(source), "--plugin", "good", "--segmenter", "box",
                 "--seed-voxel", "4,4,3:tumour", "--seed", "2,2,6:2", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    labels = sitk.GetArrayFromImage(sitk.ReadImage(str(out)))
    assert labels[3, 4, 4] == 2 and labels[3, 2, 2] == 2 and np.count_nonzero(labels) == 2 * 27 - 3  # the cubes share 3 voxels
    assert "tumour" in capsys.readouterr().out


@pytest.mark.parametrize("seed, message", [
    ("1,2:tumour", "three comma-separated numbers"),
    ("1,2,3:spleen", "unknown label"),
    ("1,2,3:9", "not in the label table"),
    ("100,2,3:2", "outside the image"),
])
def test_segment_rejects_bad_seeds(installed, tmp_path, capsys, seed, message):
    source = tmp_path / "ct.nii.gz"
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros((4, 4, 4), np.int16)), str(source))
    assert main(["segment", str(source), "--plugin", "good", "--segmenter", "box",
                 "--seed-voxel", seed, "-o", str(tmp_path / "o.nii.gz")]) == 2
    assert message in capsys.readouterr().err


@pytest.fixture
def output_plugins(monkeypatch):
    from plugin_fakes import CountSection, TextExporter

    from cned_viewer.plugins import Plugin

    entries = [
        FakeEntryPoint("out", Plugin("out", "3.1", "outputs", exporters=(TextExporter(),), report_sections=(CountSection(),))),
        FakeEntryPoint("raising", Plugin("raising", "0.1", "raises", report_sections=(CountSection(id="bad", behaviour="raise"),))),
    ]
    monkeypatch.setattr("cned_viewer.plugins.manager.find_entry_points", lambda: entries)


def test_export_command_writes_with_the_plugin(output_plugins, tmp_path, capsys):
    from cned_viewer.demo.phantom import make_demo_case

    assert main(["export", "demo", "--plugin", "out", "--exporter", "count", "-o", str(tmp_path / "c.txt")]) == 0
    tumour = int((make_demo_case().labels.array == 2).sum())
    assert (tmp_path / "c.txt").read_text() == f"tumour voxels {tumour}\n"
    assert capsys.readouterr().out.strip() == str(tmp_path / "c.txt")
    assert main(["export", "demo", "--plugin", "out", "--exporter", "count", "-o", str(tmp_path / "c.csv")]) == 2
    assert ".txt" in capsys.readouterr().err


def test_report_has_the_plugin_sections_and_names_the_failed_one(output_plugins, tmp_path, capsys):
    from pypdf import PdfReader

    assert main(["report", "demo", "-o", str(tmp_path / "r.pdf")]) == 0, capsys.readouterr().err
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "r.pdf").pages)
    assert "Tumour voxel count" in text and "From the plugin out 3.1" in text and "Counted by a test plugin." in text
    assert "left out" in text and "section exploded" in text
