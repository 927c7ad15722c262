"""Fixtures of the planner tests: the analytic phantoms (plan_phantoms.py) and their evaluators."""

from __future__ import annotations

import pytest
from plan_phantoms import octant_case, sphere_case

from cned_viewer.planning import PlanEvaluator


@pytest.fixture(scope="module")
def octants():
    case = octant_case()
    return case, PlanEvaluator.for_case(case)


@pytest.fixture(scope="module")
def sphere():
    case = sphere_case()
    return case, PlanEvaluator.for_case(case)
