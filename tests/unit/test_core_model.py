"""Geometry, Volume, LabelMap and Case: the pure core model."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk
from hypothesis import given, settings
from hypothesis import strategies as st

from cned_viewer.core import DEFAULT_LABEL_TABLE, Case, Geometry, LabelMap, Volume
from cned_viewer.io.sitk_bridge import to_sitk

OBLIQUE = tuple(np.array([[0.8, -0.6, 0.0], [0.6, 0.8, 0.0], [0.0, 0.0, -1.0]]).ravel())


def test_index_to_patient_matches_simpleitk_for_an_oblique_grid():
    geometry = Geometry((7, 5, 3), (0.5, 0.7, 2.5), (10.0, -20.0, 30.0), OBLIQUE)
    image = to_sitk(np.zeros((3, 5, 7), dtype=np.int16), geometry)
    for index_zyx in [(0, 0, 0), (2, 4, 6), (1, 3, 2)]:
        expected = image.TransformIndexToPhysicalPoint(tuple(int(v) for v in index_zyx[::-1]))
        assert geometry.index_to_patient_mm(index_zyx) == pytest.approx(expected)


@settings(max_examples=50, deadline=None)
@given(st.tuples(*[st.floats(-500, 500)] * 3))
def test_patient_to_index_inverts_index_to_patient(point):
    geometry = Geometry((7, 5, 3), (0.5, 0.7, 2.5), (10.0, -20.0, 30.0), OBLIQUE)
    assert geometry.index_to_patient_mm(geometry.patient_to_index(point)) == pytest.approx(point, abs=1e-9)


def test_voxel_volume_and_axis_orders():
    geometry = Geometry.for_array((30, 20, 10), (0.5, 0.8, 2.0))
    assert geometry.size_xyz == (10, 20, 30)
    assert geometry.spacing_zyx_mm == (2.0, 0.8, 0.5)
    assert geometry.voxel_volume_ml == pytest.approx(0.5 * 0.8 * 2.0 / 1000)


@pytest.mark.parametrize("bad", [dict(spacing_xyz_mm=(1, 0, 1)), dict(direction=(1, 0, 0))])
def test_geometry_rejects_nonsense(bad):
    kwargs = dict(size_xyz=(2, 2, 2), spacing_xyz_mm=(1, 1, 1)) | bad
    with pytest.raises(ValueError):
        Geometry(**kwargs)


def test_volume_shape_must_match_geometry():
    with pytest.raises(ValueError, match="does not match"):
        Volume(np.zeros((2, 3, 4)), Geometry((2, 3, 4), (1, 1, 1)))


def test_label_volumes_and_checksum():
    array = np.zeros((4, 4, 4), dtype=np.uint8)
    array[0, :2, :2] = 2
    array[1] = 1
    labels = LabelMap(array, Geometry.for_array(array.shape, (0.5, 0.5, 2.0)))
    volumes = labels.volumes_ml()
    assert volumes["tumour"] == pytest.approx(4 * 0.5e-3)
    assert volumes["liver_parenchyma"] == pytest.approx(16 * 0.5e-3)
    assert volumes["portal_vein"] == 0.0
    before = labels.checksum()
    labels.array[3, 3, 3] = 4
    assert labels.checksum() != before
    assert labels.present_values() == [1, 2, 4]


def test_default_label_table_follows_the_clinical_spec():
    assert [(lab.value, lab.key) for lab in DEFAULT_LABEL_TABLE.labels] == [
        (1, "liver_parenchyma"), (2, "tumour"), (3, "portal_vein"), (4, "hepatic_veins"),
    ]


def test_case_refuses_labels_on_another_grid():
    image = Volume(np.zeros((2, 2, 2)), Geometry((2, 2, 2), (1, 1, 1)))
    labels = LabelMap.empty_like(Geometry((2, 2, 2), (1, 1, 2)))
    with pytest.raises(ValueError, match="image grid"):
        Case(image, labels)


def test_sitk_round_trip_keeps_geometry():
    geometry = Geometry((7, 5, 3), (0.5, 0.7, 2.5), (10.0, -20.0, 30.0), OBLIQUE)
    image = to_sitk(np.arange(105, dtype=np.int16).reshape(3, 5, 7), geometry)
    assert image.GetSpacing() == pytest.approx(geometry.spacing_xyz_mm)
    assert image.GetDirection() == pytest.approx(geometry.direction)
    assert sitk.GetArrayFromImage(image)[2, 4, 6] == 104
