"""Properties: the verdict flips exactly when a lesion crosses the cut or the (s)FLR crosses its threshold, and
the plane sweep (fast path) gives the general path's figures after any moves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from plan_phantoms import block_case, sphere_case

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.planning import REMOVED, CutPlane, PlanEvaluator, ResectionPlan
from cned_viewer.planning.figures import LesionStatus, plan_figures

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BLOCK = block_case()
BLOCK_EVALUATOR = PlanEvaluator.for_case(BLOCK)
normals = st.tuples(*[st.floats(-1.0, 1.0, allow_nan=False)] * 3).filter(lambda v: math.sqrt(sum(c * c for c in v)) > 0.2)
clinical_inputs = st.builds(
    ClinicalData, height_cm=st.floats(140, 210), weight_kg=st.floats(40, 150), chemotherapy_cycles=st.integers(0, 12),
    cirrhosis=st.sampled_from([None, False, True]), steatosis=st.sampled_from([None, False, True]))


def independent_projections(case, value: int, normal: np.ndarray) -> np.ndarray:
    """Voxel centres of label ``value`` on ``normal``, through Geometry.index_to_patient_mm (not the planner's formula)."""
    return case.image.geometry.index_to_patient_mm(np.argwhere(case.labels.array == value)) @ normal


def independent_threshold(clinical: ClinicalData) -> float:
    if clinical.cirrhosis:
        return 40.0
    return 30.0 if clinical.steatosis or (clinical.chemotherapy_cycles or 0) > 6 else 20.0


@SETTINGS
@given(normal=normals, fraction=st.floats(0.0, 1.0), clinical=clinical_inputs)
def test_verdict_flips_exactly_with_the_lesion_and_the_sflr(normal, fraction, clinical):
    n = np.asarray(normal) / np.linalg.norm(normal)
    liver, lesion = independent_projections(BLOCK, 1, n), independent_projections(BLOCK, 2, n)
    offset = float(liver.min() + fraction * (liver.max() - liver.min()))
    assume(np.abs(np.concatenate([liver, lesion]) - offset).min() > 1e-6)  # not within rounding of a voxel centre
    geometry = BLOCK.image.geometry
    half = 0.5 * sum(abs(s * (geometry.direction_matrix[:, k] @ n)) for k, s in enumerate(geometry.spacing_xyz_mm))
    margin = lesion.min() - offset - half
    assume(abs(margin - 1.0) > 1e-6)
    bsa = math.sqrt(clinical.height_cm * clinical.weight_kg / 3600)
    sflr = np.count_nonzero(liver <= offset) * geometry.voxel_volume_ml / (-794.41 + 1267.28 * bsa) * 100
    assume(abs(sflr - independent_threshold(clinical)) > 1e-9)
    figures = BLOCK_EVALUATOR.evaluate(ResectionPlan("p", planes=(CutPlane(tuple(offset * n), tuple(n)),)), clinical)
    removed = lesion.min() > offset
    assert (figures.lesions[0].status == REMOVED) == removed
    assert figures.sflr_percent == pytest.approx(sflr, rel=1e-12)
    assert figures.threshold.percent == independent_threshold(clinical)
    assert figures.verdict.ned == (removed and margin >= 1.0 and sflr >= independent_threshold(clinical))
    assert ("crosses the cut" in figures.verdict.text) == (not removed and lesion.max() > offset)


@settings(max_examples=200, deadline=None)
@given(margins=st.lists(st.floats(0.0, 20.0), min_size=0, max_size=5), statuses=st.lists(st.sampled_from(
    ["removed", "remnant", "crossing"]), min_size=5, max_size=5), remnant=st.integers(0, 1000), clinical=clinical_inputs)
def test_verdict_logic(margins, statuses, remnant, clinical):
    lesions = [LesionStatus(k + 1, s, {"removed": m, "crossing": 0.0, "remnant": None}[s])
               for k, (m, s) in enumerate(zip(margins, statuses))]
    figures = plan_figures(1000, 1000 - remnant, 2.0, lesions, clinical, "voxels")
    r0 = all(les.status == REMOVED and les.margin_mm >= 1.0 for les in lesions)
    assert figures.verdict.ned == (r0 and figures.sflr_percent >= independent_threshold(clinical))
    assert figures.verdict.ned == (not figures.verdict.reasons)


def test_the_verdict_flips_on_the_cut_off_itself():
    """1 mm margin and an sFLR equal to its threshold pass; the next float below each fails."""
    below_one = math.nextafter(1.0, 0.0)
    assert plan_figures(100, 70, 1.0, [LesionStatus(1, REMOVED, 1.0)], ClinicalData(), "v").verdict.ned
    assert not plan_figures(100, 70, 1.0, [LesionStatus(1, REMOVED, below_one)], ClinicalData(), "v").verdict.ned
    assert plan_figures(100, 80, 1.0, [], ClinicalData(), "v").verdict.ned  # FLR exactly 20 %
    assert not plan_figures(100, 81, 1.0, [], ClinicalData(), "v").verdict.ned  # 19 %
    text = plan_figures(100, 80, 1.0, [LesionStatus(1, REMOVED, 1.0)], ClinicalData(), "v").verdict.text
    assert text == "The lesion removed with >= 1 mm margin; FLR 20 % >= 20 %: this plan would reach NED"


SPHERE = sphere_case()
SPHERE_EVALUATOR = PlanEvaluator.for_case(SPHERE)


@SETTINGS
@given(normal=normals, start=st.floats(-40.0, 40.0), moves=st.lists(st.integers(-6, 6), min_size=1, max_size=4))
def test_sweep_equals_the_general_path_after_moves(normal, start, moves):
    centre = SPHERE.image.geometry.index_to_patient_mm(np.array([18.0, 24.0, 24.0]))
    plane = CutPlane(tuple(centre), normal).moved(start)
    sweep = SPHERE_EVALUATOR.sweep(plane.normal_xyz)
    step_mm = min(SPHERE.image.geometry.spacing_xyz_mm)
    for voxels in moves:
        plane = plane.moved(voxels * step_mm)
        assert sweep.figures(plane) == SPHERE_EVALUATOR.evaluate(ResectionPlan("p", planes=(plane,)))
