"""The planner on the IRCAD expert labels, with a segment map built here from three planes."""

from __future__ import annotations

import time

import numpy as np
import pytest
import SimpleITK as sitk
from scipy import ndimage

from cned_viewer.core import Case, Geometry, LabelMap, Volume
from cned_viewer.core.labels import SEGMENT_LABEL_TABLE
from cned_viewer.measure import measure
from cned_viewer.planning import CROSSING, REMNANT, REMOVED, CutPlane, PlanEvaluator, ResectionPlan

pytestmark = pytest.mark.data

NORMALS = ((1.0, 0.2, 0.0), (0.0, 1.0, 0.3), (0.2, 0.0, 1.0))


def plane_octants(labels: np.ndarray, geometry: Geometry, centre_mm: np.ndarray) -> np.ndarray:
    """Segments 1-8 over the labelled voxels: 1 + [side of plane 1] + 2 [plane 2] + 4 [plane 3], planes through the centre."""
    zyx = np.argwhere(labels > 0)
    points = geometry.index_to_patient_mm(zyx)
    segments = np.zeros(labels.shape, np.uint8)
    value = np.ones(len(zyx), np.uint8)
    for bit, normal in enumerate(NORMALS):
        n = np.asarray(normal) / np.linalg.norm(normal)
        value += (1 << bit) * ((points - centre_mm) @ n > 0).astype(np.uint8)
    segments[tuple(zyx.T)] = value
    return segments


@pytest.fixture(scope="module")
def ircad(shared_data):
    image = sitk.ReadImage(str(shared_data / "ircadb01_p1" / "labels.nrrd"))
    array = sitk.GetArrayFromImage(image).astype(np.uint8)
    geometry = Geometry.for_array(array.shape, image.GetSpacing(), image.GetOrigin(), image.GetDirection())
    centre = geometry.index_to_patient_mm(np.argwhere(array == 1).mean(axis=0))
    segments = LabelMap(plane_octants(array, geometry, centre), geometry, SEGMENT_LABEL_TABLE)
    case = Case(Volume(np.zeros(array.shape, np.int16), geometry), LabelMap(array, geometry), segments)
    return case, PlanEvaluator.for_case(case), centre


def functional_reference(labels: np.ndarray) -> np.ndarray:
    """Parenchyma + vessel voxels in a hole of the slice's liver + tumour (scipy, one 2D slice at a time)."""
    functional = labels == 1
    for z in range(labels.shape[0]):
        organ = np.isin(labels[z], (1, 2))
        if organ.any():
            holes = ndimage.binary_fill_holes(organ) & ~organ
            functional[z] |= holes & np.isin(labels[z], (3, 4))
    return functional


@pytest.mark.parametrize("segments", [{5, 6, 7, 8}, {2, 3}, {1, 4, 6}, {8}])
def test_remnant_equals_an_independent_count(ircad, segments):
    case, evaluator, _ = ircad
    labels, segment_map = case.labels.array, case.segments.array
    functional = functional_reference(labels)
    remnant = np.count_nonzero(functional & ~np.isin(segment_map, list(segments)))
    figures = evaluator.evaluate(ResectionPlan("p", frozenset(segments)))
    voxel_ml = case.image.geometry.voxel_volume_ml
    assert figures.remnant_ml == remnant * voxel_ml
    assert figures.functional_liver_ml == np.count_nonzero(functional) * voxel_ml
    burden = measure(case).burden
    assert figures.functional_liver_ml == pytest.approx(burden.total_liver_ml - burden.ttv_ml, rel=1e-12)
    components, count = ndimage.label(labels == 2, np.ones((3, 3, 3)))
    assert count == len(figures.lesions) == 7
    by_volume = np.argsort(-np.bincount(components.ravel())[1:], kind="stable") + 1  # the viewer's numbers: by volume
    for lesion, component in zip(figures.lesions, by_volume):
        under = set(np.unique(segment_map[components == component]).tolist())
        hit = under & segments
        assert lesion.status == (REMOVED if hit == under else CROSSING if hit else REMNANT), lesion.id


def test_one_voxel_plane_moves_match_the_general_path(ircad):
    case, evaluator, centre = ircad
    plane = CutPlane(tuple(centre), NORMALS[0])
    sweep = evaluator.sweep(plane.normal_xyz)
    step = min(case.image.geometry.spacing_xyz_mm)
    times = []
    for k in range(-3, 4):
        moved = plane.moved(k * step)
        start = time.perf_counter()
        fast = sweep.figures(moved)
        times.append(time.perf_counter() - start)
        assert fast == evaluator.evaluate(ResectionPlan("p", planes=(moved,)))
    print(f"plane sweep, one-voxel move: median {np.median(times) * 1e3:.3f} ms (benchmarks/planning.py times it)")
