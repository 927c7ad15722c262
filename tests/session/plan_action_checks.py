"""Headless checks of the Plan menu's actions: each drives the ``session.plans`` call the action ends in.

The figures each check reads are compared with an independent numpy count of the functional liver
on the removed side (the plane rule written out here: voxel centre strictly past the plane).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cned_viewer.core.labels import LIVER_PARENCHYMA, array_digest
from cned_viewer.planning import CROSSING, KEEP, REMNANT, REMOVED, RESECT, CutPlane
from tests.session.helpers import STROKE

Check = Callable[[Any], None]


def _planned(c: Any) -> Any:
    """The demo session with one plan, "Plan 1", active; its figures computed."""
    c.s.plans.add("Plan 1")
    assert "Plan 1" in c.s.plans.figures
    return c.s.plans


def _sagittal_plane(c: Any) -> CutPlane:
    plans = _planned(c)
    shape = c.s.case.image.array.shape
    plane = CutPlane.through_voxel(c.s.case.image.geometry, (shape[0] // 2, shape[1] // 2, shape[2] // 2), 2)
    plans.add_plane(plane)
    return plane


def removed_parenchyma_ml(c: Any, plane: CutPlane) -> float:
    """Parenchyma voxels whose centre lies strictly on the removed side of ``plane``, counted with numpy."""
    geometry = c.s.case.image.geometry
    zyx = np.argwhere(c.s.case.labels.array == LIVER_PARENCHYMA)
    centres = geometry.index_to_patient_mm(zyx)
    removed = centres @ np.asarray(plane.normal_xyz) > plane.offset_mm
    return float(removed.sum() * geometry.voxel_volume_ml)


def new_plan(c: Any) -> None:  # plan-new: the Plan tab's New
    plans = _planned(c)
    figures = plans.figures["Plan 1"]
    assert plans.active == "Plan 1" and figures.resected_ml == 0.0 and figures.remnant_ml == figures.functional_liver_ml
    assert not figures.verdict.ned and plans.has_unsaved_changes


def add_plane(c: Any) -> None:  # plan-add-plane: the image plane through the crosshair
    plane = _sagittal_plane(c)
    figures = c.s.plans.figures["Plan 1"]
    assert plane.normal_xyz == (1.0, 0.0, 0.0)  # the demo's x index runs to the patient's left
    assert figures.resected_ml >= removed_parenchyma_ml(c, plane) > 0  # + the enclosed vessels on that side
    assert figures.resected_ml + figures.remnant_ml == figures.functional_liver_ml


def move_plane(step_mm: float) -> Check:  # plan-plane-back / plan-plane-forward
    def check(c: Any) -> None:
        plane = _sagittal_plane(c)
        before = c.s.plans.figures["Plan 1"].resected_ml
        c.s.plans.move_plane(0, step_mm)
        after = c.s.plans.figures["Plan 1"].resected_ml
        assert c.s.plans.active_plan.planes[0] == plane.moved(step_mm)
        assert (after < before) == (step_mm > 0) and after != before  # forward: into the removed side, less removed
        c.s.plans.undo()
        assert c.s.plans.active_plan.planes[0] == plane and c.s.plans.figures["Plan 1"].resected_ml == before

    return check


def flip_plane(c: Any) -> None:  # plan-flip: the other side removed
    plane = _sagittal_plane(c)
    one = c.s.plans.figures["Plan 1"]
    c.s.plans.set_plane(0, plane.flipped())
    other = c.s.plans.figures["Plan 1"]
    assert other.resected_ml >= removed_parenchyma_ml(c, plane.flipped()) > 0
    assert one.resected_ml + other.resected_ml < one.functional_liver_ml  # centres on the plane are kept both times
    swapped = {REMOVED: REMNANT, REMNANT: REMOVED, CROSSING: CROSSING}
    assert [swapped[s.status] for s in one.lesions] == [s.status for s in other.lesions]


def brush(mode: str) -> Check:  # plan-brush-<mode>: a left drag in a slice view with the plan brush
    def check(c: Any) -> None:
        plans = _planned(c)
        labels = array_digest(c.s.case.labels.array)
        if mode in ("keep", "follow"):
            plans.brush.set_mode("resect")
            _stroke(plans)
        before = plans.active_plan.overrides.copy() if plans.active_plan.overrides is not None else None
        plans.brush.set_mode(None if mode == "off" else mode)
        _stroke(plans)
        overrides = plans.active_plan.overrides
        z, y, x = STROKE[1]
        expected = {"off": None if before is None else before[z, y, x], "resect": RESECT, "keep": KEEP, "follow": 0}[mode]
        assert (None if overrides is None else overrides[z, y, x]) == expected
        resected = plans.figures["Plan 1"].resected_ml
        assert (resected > 0) == (mode == "resect") and array_digest(c.s.case.labels.array) == labels  # labels never touched
        if mode != "off":
            plans.undo()
            assert np.array_equal(plans.active_plan.overrides, before) if before is not None else plans.active_plan.overrides is None

    return check


def _stroke(plans: Any) -> None:
    plans.brush.press("axial", STROKE[0], 6.0)
    for point in STROKE[1:]:
        plans.brush.move(point)
    plans.brush.release()


PLAN_CHECKS: dict[str, Check] = {
    "plan-new": new_plan, "plan-add-plane": add_plane, "plan-plane-back": move_plane(-1.0),
    "plan-plane-forward": move_plane(1.0), "plan-flip": flip_plane,
    **{f"plan-brush-{mode}": brush(mode) for mode in ("off", "resect", "keep", "follow")},
}
