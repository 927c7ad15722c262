"""Label files: value mappings, grid fitting by patient coordinates, atomic saving."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import SimpleITK as sitk

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write
from cned_viewer.io.label_mappings import key_for_segment_name, resolve_mapping
from cned_viewer.io.masks import load_labels, save_labels
from cned_viewer.io.sitk_bridge import to_sitk

GRID = Geometry((20, 16, 10), (1.0, 1.0, 2.0), (-10.0, -8.0, -10.0))


def _write(path, array, geometry=GRID):
    sitk.WriteImage(to_sitk(array, geometry), str(path))
    return path


def _blob() -> np.ndarray:
    array = np.zeros(GRID.shape_zyx, dtype=np.uint8)
    array[2:6, 3:9, 4:12] = 1
    array[3:5, 4:6, 5:8] = 2
    return array


def test_mask_on_the_image_grid_is_used_as_is(tmp_path):
    labels = load_labels(_write(tmp_path / "m.nrrd", _blob()), GRID)
    assert np.array_equal(labels.array, _blob())
    assert labels.notices == []


def test_flipped_mask_is_resampled_by_patient_coordinates(tmp_path):
    """The same labels stored with y and z reversed land on the same voxels."""
    flipped_geometry = Geometry(
        GRID.size_xyz, GRID.spacing_xyz_mm,
        GRID.index_to_patient_mm((GRID.shape_zyx[0] - 1, GRID.shape_zyx[1] - 1, 0)),
        (1, 0, 0, 0, -1, 0, 0, 0, -1),
    )
    path = _write(tmp_path / "flipped.nii.gz", _blob()[::-1, ::-1, :], flipped_geometry)
    labels = load_labels(path, GRID)
    assert np.array_equal(labels.array, _blob())
    assert any("resampled" in n for n in labels.notices)


def test_mask_without_overlap_is_refused(tmp_path):
    far = Geometry(GRID.size_xyz, GRID.spacing_xyz_mm, (500.0, 500.0, 500.0))
    with pytest.raises(UserError, match="does not overlap"):
        load_labels(_write(tmp_path / "far.nrrd", _blob(), far), GRID)


def test_non_integer_map_is_refused(tmp_path):
    probabilities = _blob().astype(np.float32) * 0.37
    with pytest.raises(UserError, match="non-integer values"):
        load_labels(_write(tmp_path / "p.nii.gz", probabilities), GRID)


def test_float_map_with_integer_values_is_accepted(tmp_path):
    labels = load_labels(_write(tmp_path / "f.nii.gz", _blob().astype(np.float32)), GRID)
    assert np.array_equal(labels.array, _blob())


def test_unknown_values_need_a_mapping(tmp_path):
    array = _blob() * 5  # values 5 and 10
    path = _write(tmp_path / "ts.nii.gz", array)
    with pytest.raises(UserError, match="values 5, 10.*--label-map"):
        load_labels(path, GRID)
    labels = load_labels(path, GRID, "totalseg-total")
    assert labels.present_values() == [1]
    assert any("set to background (10)" in n for n in labels.notices)


def test_user_mapping_file(tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"name": "mine", "labels": {"5": "liver_parenchyma", "10": "tumour"}}))
    labels = load_labels(_write(tmp_path / "ts.nii.gz", _blob() * 5), GRID, mapping)
    assert np.array_equal(labels.array, _blob())


def test_user_mapping_with_unknown_label_name(tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"labels": {"5": "kidney"}}))
    with pytest.raises(UserError, match="unknown labels kidney"):
        resolve_mapping(mapping)


@pytest.mark.parametrize(
    ("name", "key"),
    [("Liver", "liver_parenchyma"), ("Portal Vein", "portal_vein"), ("Hepatic veins", "hepatic_veins"), ("Liver tumor", "tumour"), ("Spleen", None)],
)
def test_segment_names(name, key):
    assert key_for_segment_name(name) == key


@pytest.mark.parametrize("suffix", [".nii.gz", ".nrrd", ".mha"])
def test_save_and_reload(tmp_path, suffix):
    labels = LabelMap(_blob(), GRID)
    path = save_labels(labels, tmp_path / f"out{suffix}")
    assert np.array_equal(load_labels(path, GRID).array, _blob())
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_interrupted_save_keeps_the_previous_file(tmp_path):
    target = tmp_path / "labels.nrrd"
    save_labels(LabelMap(_blob(), GRID), target)
    before = target.read_bytes()

    def crash_midway(tmp):
        tmp.write_bytes(b"half a file")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, crash_midway)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["labels.nrrd"]


def test_save_refuses_unknown_format(tmp_path):
    with pytest.raises(UserError, match="cannot save labels"):
        save_labels(LabelMap(_blob(), GRID), tmp_path / "x.png")
