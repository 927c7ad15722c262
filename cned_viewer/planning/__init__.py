"""Resection planning (pure): virtual resections, future liver remnant, margins and the NED verdict.

A :class:`ResectionPlan` (segments, cutting planes, painted overrides) is evaluated by a
:class:`PlanEvaluator` built once per case into :class:`PlanFigures`; see ``docs/resection-planning.md``.
"""

from cned_viewer.planning.evaluator import PlanEvaluator
from cned_viewer.planning.figures import CROSSING, REMNANT, REMOVED, LesionStatus, PlanFigures, Verdict
from cned_viewer.planning.plan import FOLLOW, KEEP, RESECT, CutPlane, ResectionPlan
from cned_viewer.planning.sweep import PlaneSweep
from cned_viewer.planning.thresholds import FlrThreshold, bsa_mosteller_m2, flr_threshold, telv_vauthey_ml

__all__ = [
    "CROSSING", "FOLLOW", "KEEP", "REMNANT", "REMOVED", "RESECT", "CutPlane", "FlrThreshold", "LesionStatus", "PlanEvaluator",
    "PlanFigures", "PlaneSweep", "ResectionPlan", "Verdict", "bsa_mosteller_m2", "flr_threshold", "telv_vauthey_ml",
]
