"""Surfaces from the label map: lesion ids match the measurement, patient coordinates, cropping."""

from __future__ import annotations

import numpy as np
import pytest
from vtkmodules.util.numpy_support import vtk_to_numpy

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import TUMOUR, LabelMap
from cned_viewer.measure import measure
from cned_viewer.mesh.case_meshes import build_case_meshes
from cned_viewer.mesh.lesion_ids import lesion_id_map
from cned_viewer.mesh.surfaces import LABEL_ARRAY, surface_of_labels


@pytest.fixture(scope="module")
def demo_measured(demo_case):
    return demo_case, measure(demo_case)


def test_lesion_id_map_matches_the_measured_lesions(demo_measured) -> None:
    case, measurements = demo_measured
    id_map = lesion_id_map(case.labels.array, measurements.lesions)
    found = set(np.unique(id_map.ids)) - {0}
    assert found == {lesion.id for lesion in measurements.lesions}
    for lesion in measurements.lesions:
        centre = np.rint(case.image.geometry.patient_to_index(lesion.centroid_mm)).astype(int)
        assert id_map.id_at(centre) == lesion.id
        voxels = np.count_nonzero(id_map.ids == lesion.id)
        assert voxels * case.image.geometry.voxel_volume_ml == pytest.approx(lesion.volume_ml)


def test_case_meshes_have_every_structure_and_pickable_lesions(demo_measured) -> None:
    case, measurements = demo_measured
    meshes = build_case_meshes(case.labels, measurements.lesions)
    assert set(meshes.surfaces) == {"liver", "tumour", "portal_vein", "hepatic_veins"}
    ids = vtk_to_numpy(meshes.surfaces["tumour"].GetCellData().GetArray(LABEL_ARRAY))
    assert set(np.unique(ids)) == {lesion.id for lesion in measurements.lesions}


def test_surface_lies_in_patient_space_with_direction() -> None:
    """A cube of voxels on a flipped, shifted, anisotropic grid lands where the geometry says."""
    direction = (-1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    geometry = Geometry.for_array((20, 30, 40), (0.5, 0.7, 2.0), (100.0, -50.0, 10.0), direction)
    labels = np.zeros((20, 30, 40), np.uint8)
    labels[5:10, 10:20, 20:30] = TUMOUR
    surface = surface_of_labels(labels, (TUMOUR,), geometry)
    points = vtk_to_numpy(surface.GetPoints().GetData())
    corners = geometry.index_to_patient_mm(np.array([[4.5, 9.5, 19.5], [9.5, 19.5, 29.5]]))
    low, high = corners.min(axis=0), corners.max(axis=0)
    assert (points.min(axis=0) >= low - 1e-6).all() and (points.max(axis=0) <= high + 1e-6).all()
    assert points[:, 0].max() < 100.0  # x flipped: the cube lies at negative x of the origin


def test_empty_structures_are_left_out() -> None:
    geometry = Geometry.for_array((8, 8, 8), (1, 1, 1))
    meshes = build_case_meshes(LabelMap.empty_like(geometry))
    assert meshes.surfaces == {} and meshes.lesion_ids is None


def test_changed_structures_follow_label_membership() -> None:
    from cned_viewer.mesh.case_meshes import changed_structures

    before = np.array([0, 1, 1, 2, 3, 4], np.uint8)
    assert changed_structures(before, before.copy()) == set()
    assert changed_structures(before, np.array([0, 2, 1, 2, 3, 4], np.uint8)) == {"tumour"}  # tumour painted in the liver
    assert changed_structures(before, np.array([0, 1, 1, 1, 3, 4], np.uint8)) == {"tumour"}  # a lesion relabelled
    assert changed_structures(before, np.array([2, 1, 1, 2, 3, 4], np.uint8)) == {"liver", "tumour"}  # outside the liver
    assert changed_structures(before, np.array([0, 3, 1, 2, 3, 4], np.uint8)) == {"liver", "portal_vein"}
    assert changed_structures(before, np.array([0, 1, 1, 2, 4, 4], np.uint8)) == {"portal_vein", "hepatic_veins"}
    assert changed_structures(before, before[:3]) == {"liver", "tumour", "portal_vein", "hepatic_veins"}


def test_rebuild_after_an_edit_keeps_the_unchanged_surfaces(demo_case) -> None:
    """Painting tumour inside the liver re-meshes the tumour only; the result equals a full rebuild."""
    from cned_viewer.core.labels import LIVER_PARENCHYMA, PORTAL_VEIN

    labels = LabelMap(demo_case.labels.array.copy(), demo_case.labels.geometry)
    first = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), measure(labels).lesions)
    assert first.rebuilt == ("liver", "tumour", "portal_vein", "hepatic_veins")
    z, y, x = np.argwhere(labels.array == LIVER_PARENCHYMA)[len(np.argwhere(labels.array == LIVER_PARENCHYMA)) // 2]
    labels.array[z - 2:z + 3, y - 2:y + 3, x - 2:x + 3][labels.array[z - 2:z + 3, y - 2:y + 3, x - 2:x + 3] == LIVER_PARENCHYMA] = TUMOUR
    lesions = measure(labels).lesions
    again = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), lesions, previous=first)
    assert again.rebuilt == ("tumour",)
    for key in ("liver", "portal_vein", "hepatic_veins"):
        assert again.surfaces[key] is first.surfaces[key]
    full = build_case_meshes(labels, lesions)
    for key in full.surfaces:
        assert again.surfaces[key].GetNumberOfPoints() == full.surfaces[key].GetNumberOfPoints()
    ids = vtk_to_numpy(again.surfaces["tumour"].GetCellData().GetArray(LABEL_ARRAY))
    assert set(np.unique(ids)) >= {lesion.id for lesion in lesions}

    labels.array[tuple(np.argwhere(labels.array == LIVER_PARENCHYMA)[0])] = PORTAL_VEIN  # that vessel and the envelope change
    third = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), lesions, previous=again)
    assert set(third.rebuilt) == {"liver", "tumour", "portal_vein"} and third.surfaces["hepatic_veins"] is first.surfaces["hepatic_veins"]
