"""The planner on phantoms with analytic answers: segment remnants, the TLVR liver, lesion status, margins."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from plan_phantoms import (
    FUNCTIONAL_BY_SEGMENT,
    LESION_BOXES,
    SPHERE_RADIUS_MM,
    octant_labels,
    sphere_case,
    sphere_centre_mm,
)

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import measure
from cned_viewer.planning import CROSSING, KEEP, REMNANT, REMOVED, RESECT, CutPlane, PlanEvaluator, ResectionPlan

SUBSETS = [frozenset(c) for k in range(9) for c in itertools.combinations(range(1, 9), k)]


def test_functional_liver_is_the_tlvr_liver_minus_tumour(octants):
    case, evaluator = octants
    burden = measure(case).burden
    voxel_ml = case.image.geometry.voxel_volume_ml
    assert evaluator.functional_voxels == sum(FUNCTIONAL_BY_SEGMENT.values())
    assert evaluator.functional_voxels * voxel_ml == pytest.approx(burden.total_liver_ml - burden.ttv_ml, rel=1e-12)
    assert np.count_nonzero(evaluator.region.liver) * voxel_ml == pytest.approx(burden.total_liver_ml, rel=1e-12)
    assert any("outside the liver" in w for w in evaluator.warnings)


@pytest.mark.parametrize("segments", SUBSETS, ids=lambda s: "".join(map(str, sorted(s))) or "none")
def test_every_segment_set_leaves_the_exact_remnant(octants, segments):
    case, evaluator = octants
    figures = evaluator.evaluate(ResectionPlan("p", segments))
    voxel_ml = case.image.geometry.voxel_volume_ml
    remnant = sum(n for s, n in FUNCTIONAL_BY_SEGMENT.items() if s not in segments)
    assert figures.remnant_ml == remnant * voxel_ml
    assert figures.resected_ml == (sum(FUNCTIONAL_BY_SEGMENT.values()) - remnant) * voxel_ml
    expected = {1: {1}, 2: {5, 6}, 3: {8}}
    for lesion in figures.lesions:
        hit = expected[lesion.id] & segments
        assert lesion.status == (REMOVED if hit == expected[lesion.id] else CROSSING if hit else REMNANT)


def test_margin_to_the_remnant_is_the_voxel_gap(octants):
    """Lesion 2 (y 4-6, x 15-17) in segments 5-6: the remnant starts at y 11 (5 steps of 1.5 mm) and x 8
    (7 steps of 1 mm): 4 and 6 voxels of liver between, 6.0 mm either way."""
    _, evaluator = octants
    figures = evaluator.evaluate(ResectionPlan("p", frozenset({5, 6})))
    lesion = {les.id: les for les in figures.lesions}
    assert lesion[2].status == REMOVED and lesion[2].margin_mm == pytest.approx(6.0, abs=1e-9)
    assert lesion[1].margin_mm is None and lesion[3].margin_mm is None
    crossing = evaluator.evaluate(ResectionPlan("p", frozenset({5})))
    assert {les.id: les.margin_mm for les in crossing.lesions}[2] == 0.0


def test_touching_remnant_gives_zero_margin(octants):
    _, evaluator = octants
    figures = evaluator.evaluate(ResectionPlan("p", frozenset({1})))  # lesion 1 (x 4-6) and segment 1's remnant neighbours
    overrides = np.zeros(octant_labels().shape, np.uint8)
    overrides[LESION_BOXES[1]] = RESECT  # only the lesion itself: its neighbours are remnant
    painted = evaluator.evaluate(ResectionPlan("p", overrides=overrides))
    assert {les.id: les.status for les in painted.lesions} == {1: REMOVED, 2: REMNANT, 3: REMNANT}
    assert painted.lesions[0].margin_mm == 0.0 and painted.resected_ml == 0.0
    assert figures.lesions[0].margin_mm > 0


def test_overrides_paint_and_erase_without_touching_the_labels(octants):
    case, evaluator = octants
    before = case.labels.array.copy()
    overrides = np.zeros(before.shape, np.uint8)
    overrides[2:14, 2:18, 2:4] = RESECT  # two columns of segment 1/2/3/4 painted in
    overrides[LESION_BOXES[3]] = KEEP  # lesion 3 erased out of a segment 8 resection
    plan = ResectionPlan("p", frozenset({8}), overrides=overrides)
    figures = evaluator.evaluate(plan)
    painted = 12 * 16 * 2
    assert figures.resected_ml == pytest.approx((FUNCTIONAL_BY_SEGMENT[8] + painted) * case.image.geometry.voxel_volume_ml)
    assert {les.id: les.status for les in figures.lesions}[3] == REMNANT
    assert np.array_equal(case.labels.array, before)
    outside = np.zeros(before.shape, np.uint8)
    outside[0, 0, 0] = RESECT  # background: not liver, not counted
    assert evaluator.evaluate(ResectionPlan("p", overrides=outside)).resected_ml == 0.0


def test_a_plan_without_a_segment_map_uses_planes_only():
    case = sphere_case()
    evaluator = PlanEvaluator.for_case(case)
    assert not evaluator.has_segments
    from cned_viewer.errors import UserError

    with pytest.raises(UserError, match="no Couinaud segment map"):
        evaluator.evaluate(ResectionPlan("p", frozenset({5})))


NORMALS = [(1.0, 0.0, 0.0), (0.0, 0.0, -1.0), (1.0, 1.0, 0.0), (0.3, -0.5, 0.8)]


@pytest.mark.parametrize("normal", NORMALS)
@pytest.mark.parametrize("gap_mm", [0.5, 2.0, 4.5])
def test_plane_through_the_sphere_gives_the_analytic_margin(sphere, normal, gap_mm):
    """Plane at distance r + gap from the ball's centre, ball on the removed side: margin = gap (within one voxel)."""
    case, evaluator = sphere
    n = np.asarray(normal) / np.linalg.norm(normal)
    plane = CutPlane(tuple(sphere_centre_mm(case) - (SPHERE_RADIUS_MM + gap_mm) * n), tuple(n))
    voxel_mm = max(case.image.geometry.spacing_xyz_mm)
    single = evaluator.evaluate(ResectionPlan("plane", planes=(plane,)))
    assert single.lesions[0].status == REMOVED
    assert single.lesions[0].margin_mm == pytest.approx(gap_mm, abs=voxel_mm)
    away = CutPlane((1e4, 1e4, 1e4), (1.0, 0.0, 0.0))  # a second plane beyond the liver: voxel margins
    voxels = evaluator.evaluate(ResectionPlan("voxels", planes=(plane, away)))
    assert voxels.resected_ml == single.resected_ml
    assert voxels.lesions[0].margin_mm == pytest.approx(gap_mm, abs=voxel_mm)
    crossing = evaluator.evaluate(ResectionPlan("through", planes=(CutPlane(tuple(sphere_centre_mm(case)), tuple(n)),)))
    assert crossing.lesions[0].status == CROSSING and crossing.lesions[0].margin_mm == 0.0


def test_an_oblique_grid_projects_as_patient_space():
    """A rotated image direction: the plane margin is still the analytic one (patient mm, not index space)."""
    c, s = np.cos(0.4), np.sin(0.4)
    case = sphere_case((c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0))
    evaluator = PlanEvaluator.for_case(case)
    n = np.array([0.0, 1.0, 0.0])
    plane = CutPlane(tuple(sphere_centre_mm(case) - (SPHERE_RADIUS_MM + 3.0) * n), tuple(n))
    figures = evaluator.evaluate(ResectionPlan("p", planes=(plane,)), ClinicalData())
    assert figures.lesions[0].margin_mm == pytest.approx(3.0, abs=1.0)
    centres = case.image.geometry.index_to_patient_mm(np.argwhere(evaluator.region.functional) + evaluator.region.origin)
    removed = np.count_nonzero(centres @ n > plane.offset_mm)  # independent: patient coordinates of every voxel
    assert figures.resected_ml == removed * case.image.geometry.voxel_volume_ml
