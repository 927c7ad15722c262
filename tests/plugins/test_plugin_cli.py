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
