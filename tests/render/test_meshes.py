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
from cned_viewer.mesh.surfaces import LABEL_ARRAY, prepare_for_display, surface_of_labels


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
    assert set(third.rebuilt) == {"liver", "portal_vein"} and third.surfaces["hepatic_veins"] is first.surfaces["hepatic_veins"]
    assert third.surfaces["tumour"] is again.surfaces["tumour"]  # no tumour voxel and no lesion number changed


def _whole_tumour(array: np.ndarray, lesions, geometry: Geometry):
    """The tumour as one SurfaceNets mesh of the lesion-id crop (how it was meshed before the per-lesion parts)."""
    id_map = lesion_id_map(array, lesions)
    crop = np.where((id_map.ids == 0) & (array[id_map.box] == TUMOUR), -1, id_map.ids).astype(np.int32)
    values = tuple(int(v) for v in np.unique(crop) if v != 0)
    return prepare_for_display(surface_of_labels(crop, values, geometry, box=id_map.box))


def _vertices(surface) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Points, their normals and lesion ids (of a cell using them), and the triangles' ids and areas."""
    points = vtk_to_numpy(surface.GetPoints().GetData()).astype(float)
    normals = vtk_to_numpy(surface.GetPointData().GetNormals()).astype(float)
    cells = vtk_to_numpy(surface.GetPolys().GetConnectivityArray()).reshape(-1, 3)
    ids = vtk_to_numpy(surface.GetCellData().GetArray(LABEL_ARRAY))
    point_ids = np.zeros(len(points), np.int64)
    point_ids[cells.ravel()] = np.repeat(ids, 3)
    corners = points[cells]
    areas = 0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)
    return points, normals, point_ids, np.stack([ids, areas], axis=1)


def assert_same_tumour(ours, theirs, tol: float = 1e-4) -> None:
    """The same vertices (matched both ways, to float32 rounding) with the same normals and lesion ids, and per
    lesion the same number of triangles and area. A quad whose two diagonals are equally long may be split along the
    other one (float32 rounding of the smoothed points decides), which turns its corners' normals (by up to ~20 degrees)."""
    from scipy.spatial import cKDTree

    points_a, normals_a, ids_a, cells_a = _vertices(ours)
    points_b, normals_b, ids_b, cells_b = _vertices(theirs)
    assert len(points_a) == len(points_b) and len(cells_a) == len(cells_b)
    distance, match = cKDTree(points_b).query(points_a)
    back, _ = cKDTree(points_a).query(points_b)  # both ways: smoothing can put two corners on one spot
    assert distance.max() < tol and back.max() < tol
    np.testing.assert_array_equal(ids_a, ids_b[match])
    same = np.abs(normals_a - normals_b[match]).max(axis=1) < 1e-4  # zero normals of degenerate corners included
    assert same.mean() > 0.98 and (same | ((normals_a * normals_b[match]).sum(axis=1) > 0.9)).all()  # off only beside a flipped diagonal
    for lesion_id in np.unique(cells_b[:, 0]):
        mine, theirs_ = cells_a[cells_a[:, 0] == lesion_id, 1], cells_b[cells_b[:, 0] == lesion_id, 1]
        assert len(mine) == len(theirs_) and mine.sum() == pytest.approx(theirs_.sum(), rel=1e-6)


def _ball(array: np.ndarray, centre, radius_vox: int):
    box = tuple(slice(max(c - radius_vox, 0), min(c + radius_vox + 1, n)) for c, n in zip(centre, array.shape))
    grid = np.ogrid[box]
    return box, sum((g - c) ** 2 for g, c in zip(grid, centre)) <= radius_vox**2


def test_per_lesion_tumour_equals_the_whole_tumour_mesh_after_random_strokes(demo_case) -> None:
    """Random paint and erase strokes: the tumour model updated part by part equals a whole-tumour mesh each time."""
    rng = np.random.default_rng(21)
    labels = LabelMap(demo_case.labels.array.copy(), demo_case.labels.geometry)
    lesions = measure(labels).lesions
    shown = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), lesions)
    assert_same_tumour(shown.surfaces["tumour"], _whole_tumour(labels.array, lesions, labels.geometry))
    tumour = np.argwhere(labels.array == TUMOUR)
    liver = np.argwhere(labels.array[::4, ::4, ::4] == 1) * 4
    for step in range(6):
        centre = tumour[rng.integers(len(tumour))] if step % 2 else liver[rng.integers(len(liver))]
        box, ball = _ball(labels.array, centre, int(rng.integers(2, 7)))
        region = labels.array[box]
        region[ball & ((region == 1) | (region == TUMOUR))] = TUMOUR if step % 3 else 1  # paint tumour over parenchyma, or erase to it
        lesions = measure(labels).lesions
        again = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), lesions, previous=shown)
        assert again.rebuilt == ("tumour",) or again.surfaces["tumour"] is shown.surfaces["tumour"]
        assert_same_tumour(again.surfaces["tumour"], _whole_tumour(labels.array, lesions, labels.geometry))
        shown = again


@pytest.mark.data
def test_ircad_tumour_stroke_remeshes_one_part(shared_data) -> None:
    import SimpleITK as sitk

    image = sitk.ReadImage(str(shared_data / "ircadb01_p1" / "labels.nrrd"))
    array = sitk.GetArrayFromImage(image).astype(np.uint8)
    geometry = Geometry.for_array(array.shape, image.GetSpacing(), image.GetOrigin(), image.GetDirection())
    labels = LabelMap(array, geometry)
    shown = build_case_meshes(LabelMap(array.copy(), geometry), measure(labels).lesions)
    liver = np.argwhere(array[::4, ::8, ::8] == 1) * (4, 8, 8)
    box, ball = _ball(array, liver[len(liver) // 3], 6)
    array[box][ball & (array[box] == 1)] = TUMOUR
    lesions = measure(labels).lesions
    again = build_case_meshes(LabelMap(array.copy(), geometry), lesions, previous=shown)
    kept = {id(p.surface) for p in shown.tumour.parts} & {id(p.surface) for p in again.tumour.parts}
    assert len(kept) >= len(again.tumour.parts) - 2  # only the stroke's lesion (and one it merged with) meshed again
    assert_same_tumour(again.surfaces["tumour"], _whole_tumour(array, lesions, geometry))


def test_edit_boxes_spare_the_whole_scan_compare_and_give_the_same_model(demo_case) -> None:
    """``within`` (the union of the edits' boxes, as the viewer passes it) gives the same model as comparing everything."""
    labels = LabelMap(demo_case.labels.array.copy(), demo_case.labels.geometry)
    shown = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), measure(labels).lesions)
    tumour = np.argwhere(labels.array == TUMOUR)
    box, ball = _ball(labels.array, tumour[len(tumour) // 2], 5)
    labels.array[box][ball & (labels.array[box] == TUMOUR)] = 1
    edited = (box[0].start, box[0].stop, box[1].start, box[1].stop, box[2].start, box[2].stop)
    lesions = measure(labels).lesions
    whole = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), lesions, previous=shown)
    boxed = build_case_meshes(LabelMap(labels.array.copy(), labels.geometry), lesions, previous=shown, within=edited)
    assert boxed.rebuilt == whole.rebuilt == ("tumour",)
    assert_same_tumour(boxed.surfaces["tumour"], whole.surfaces["tumour"], tol=1e-9)
