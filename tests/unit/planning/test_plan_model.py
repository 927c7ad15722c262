"""Plans as data: cutting planes, validation, JSON and the overrides npz."""

from __future__ import annotations

import io

import numpy as np
import pytest

from cned_viewer.errors import UserError
from cned_viewer.planning import KEEP, RESECT, CutPlane, ResectionPlan
from cned_viewer.planning.plan import plans_from_json, plans_to_json, read_overrides_npz, write_overrides_npz


def test_cut_plane_normal_is_unit_and_kept_when_moved():
    plane = CutPlane((1.0, 2.0, 3.0), (0.0, 3.0, 4.0))
    assert plane.normal_xyz == (0.0, 0.6, 0.8)
    assert plane.offset_mm == pytest.approx(2.0 * 0.6 + 3.0 * 0.8)
    moved = plane.moved(2.5)
    assert moved.normal_xyz == plane.normal_xyz and moved.offset_mm == pytest.approx(plane.offset_mm + 2.5)
    with pytest.raises(UserError, match="zero"):
        CutPlane((0, 0, 0), (0, 0, 0))
    with pytest.raises(UserError, match="three finite"):
        CutPlane((0, 0), (1, 0, 0))


def test_plan_validation():
    with pytest.raises(UserError, match="1-8"):
        ResectionPlan("p", frozenset({9}))
    with pytest.raises(UserError, match="name"):
        ResectionPlan(" ")
    with pytest.raises(UserError, match="uint8"):
        ResectionPlan("p", overrides=np.zeros((2, 2, 2), np.int32))
    with pytest.raises(UserError, match="0 \\(follow\\)"):
        ResectionPlan("p", overrides=np.full((2, 2, 2), 3, np.uint8))
    assert ResectionPlan("p", frozenset({5, 6})).describe() == "segments 5, 6"
    assert ResectionPlan("p", planes=(CutPlane((0, 0, 0), (1, 0, 0)),)).single_plane


def test_plans_round_trip_through_json_and_npz():
    overrides = np.zeros((3, 4, 5), np.uint8)
    overrides[0, 1, 2], overrides[2, 3, 4] = RESECT, KEEP
    plans = [ResectionPlan("right hepatectomy", frozenset({5, 6, 7, 8})),
             ResectionPlan("wedge", planes=(CutPlane((1, 2, 3), (0, 0, 1)),), overrides=overrides)]
    data = plans_to_json(plans)
    assert data["plans"][1]["has_overrides"] and not data["plans"][0]["has_overrides"]
    buffer = io.BytesIO()
    write_overrides_npz(buffer, plans)
    buffer.seek(0)
    back = plans_from_json(data, read_overrides_npz(buffer))
    assert [(p.name, p.segments, p.planes) for p in back] == [(p.name, p.segments, p.planes) for p in plans]
    assert back[0].overrides is None and np.array_equal(back[1].overrides, overrides)
    with pytest.raises(UserError, match="different names"):
        plans_to_json([plans[0], plans[0]])
