"""The figures of one plan: volumes, FLR, sFLR, the threshold, each lesion's status and margin, the verdict.

``flr_percent`` = remnant / functional liver x 100 (clinical-spec: FLR % = remnant / (total liver -
tumour)); ``sflr_percent`` = remnant / TELV x 100, None without height and weight. The threshold
(:mod:`cned_viewer.planning.thresholds`) is compared with the sFLR when known, else with the
measured FLR % (a warning says so). The verdict is NED exactly when every lesion is removed with
a margin >= 1 mm (:mod:`cned_viewer.planning.margins`), the compared FLR meets the threshold and
no extrahepatic disease is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.formatting import format_value
from cned_viewer.planning.margins import R0_MARGIN_MM
from cned_viewer.planning.thresholds import FlrThreshold, bsa_mosteller_m2, flr_threshold, telv_vauthey_ml

REMOVED, REMNANT, CROSSING = "removed", "remnant", "crossing"
PLANE_MARGINS = "distance from each lesion to the cutting plane"
VOXEL_MARGINS = "gap between each lesion's voxels and the nearest remnant liver voxel"


@dataclass(frozen=True)
class LesionStatus:
    """One lesion (numbered as the viewer numbers it) against the plan; ``margin_mm`` None when left in the remnant."""

    id: int
    status: str
    margin_mm: float | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "margin_mm": self.margin_mm}


@dataclass(frozen=True)
class Verdict:
    """Whether the plan would reach NED; ``text`` in one line; ``reasons`` what prevents it."""

    ned: bool
    text: str
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"ned": self.ned, "text": self.text, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class PlanFigures:
    """Everything the planner shows for one plan (module doc); volumes in mL."""

    functional_liver_ml: float
    resected_ml: float
    remnant_ml: float
    flr_percent: float | None
    bsa_m2: float | None
    telv_ml: float | None
    sflr_percent: float | None
    threshold: FlrThreshold
    meets_threshold: bool | None
    lesions: tuple[LesionStatus, ...]
    margin_method: str
    verdict: Verdict
    warnings: tuple[str, ...] = ()

    @property
    def remnant_lesion_ids(self) -> tuple[int, ...]:
        return tuple(lesion.id for lesion in self.lesions if lesion.status == REMNANT)

    def to_json(self) -> dict[str, Any]:
        return {
            "functional_liver_ml": self.functional_liver_ml, "resected_ml": self.resected_ml, "remnant_ml": self.remnant_ml,
            "flr_percent": self.flr_percent, "bsa_m2": self.bsa_m2, "telv_ml": self.telv_ml, "sflr_percent": self.sflr_percent,
            "threshold_percent": self.threshold.percent, "threshold_reason": self.threshold.reason,
            "threshold_source": self.threshold.source, "threshold_unknown_inputs": list(self.threshold.unknown),
            "meets_threshold": self.meets_threshold,
            "lesions": [lesion.to_json() for lesion in self.lesions], "remnant_lesion_ids": list(self.remnant_lesion_ids),
            "margin_method": self.margin_method, "verdict": self.verdict.to_json(), "warnings": list(self.warnings),
        }


def _ids(lesions: Sequence[LesionStatus]) -> str:
    return ", ".join(str(lesion.id) for lesion in lesions)


def _lesion_reasons(lesions: Sequence[LesionStatus]) -> list[str]:
    reasons = []
    crossing = [les for les in lesions if les.status == CROSSING]
    left = [les for les in lesions if les.status == REMNANT]
    close = [les for les in lesions if les.status == REMOVED and (les.margin_mm is None or les.margin_mm < R0_MARGIN_MM)]
    if crossing:
        reasons.append(f"lesion{'s' if len(crossing) > 1 else ''} {_ids(crossing)} cross{'' if len(crossing) > 1 else 'es'} the cut")
    if left:
        reasons.append(f"lesion{'s' if len(left) > 1 else ''} {_ids(left)} left in the remnant")
    for les in close:
        shown = "no remnant to measure it to" if les.margin_mm is None else f"{format_value(les.margin_mm, (R0_MARGIN_MM,))} mm"
        reasons.append(f"lesion {les.id} margin {shown} < {R0_MARGIN_MM:g} mm (R1)")
    return reasons


def verdict(lesions: Sequence[LesionStatus], flr_name: str, flr_value: float | None, threshold: FlrThreshold,
            extrahepatic: bool | None) -> Verdict:
    """The one-line verdict (module doc) from the lesion statuses and the FLR compared with its threshold."""
    reasons = _lesion_reasons(lesions)
    cut = (threshold.percent,)
    if flr_value is None:
        reasons.append("no functional liver: the FLR is not computable")
        flr_text = ""
    else:
        met = flr_value >= threshold.percent
        flr_text = f"{flr_name} {format_value(flr_value, cut)} % {'>=' if met else '<'} {threshold.percent:g} %"
        if not met:
            reasons.append(f"{flr_text} ({threshold.reason})")
    if extrahepatic:
        reasons.append("extrahepatic disease recorded: a liver resection alone does not reach NED")
    if reasons:
        return Verdict(False, "Not NED: " + "; ".join(reasons), tuple(reasons))
    n = len(lesions)
    removed = {0: "No lesion to remove", 1: "The lesion removed"}.get(n, f"All {n} lesions removed")
    margin = f" with >= {R0_MARGIN_MM:g} mm margin" if n else ""
    return Verdict(True, f"{removed}{margin}; {flr_text}: this plan would reach NED")


def plan_figures(functional_voxels: int, resected_voxels: int, voxel_ml: float, lesions: Sequence[LesionStatus],
                 clinical: ClinicalData, margin_method: str, warnings: Sequence[str] = ()) -> PlanFigures:
    """The :class:`PlanFigures` from voxel counts of the functional liver and of its resected part."""
    functional_ml, resected_ml = functional_voxels * voxel_ml, resected_voxels * voxel_ml
    remnant_voxels = functional_voxels - resected_voxels
    remnant_ml = remnant_voxels * voxel_ml
    flr = remnant_voxels / functional_voxels * 100.0 if functional_voxels else None
    bsa = telv = sflr = None
    notes = list(warnings)
    if clinical.height_cm and clinical.weight_kg:
        bsa = bsa_mosteller_m2(clinical.height_cm, clinical.weight_kg)
        telv = telv_vauthey_ml(bsa)
        sflr = remnant_ml / telv * 100.0 if telv > 0 else None
    if sflr is None:
        notes.append("no sFLR (it needs height and weight): the threshold is compared with the measured FLR "
                     "(remnant / functional liver)")
    threshold = flr_threshold(clinical)
    if threshold.note:
        notes.append(threshold.note)
    compared = sflr if sflr is not None else flr
    meets = None if compared is None else compared >= threshold.percent
    result = verdict(lesions, "sFLR" if sflr is not None else "FLR", compared, threshold, clinical.extrahepatic_disease)
    return PlanFigures(functional_ml, resected_ml, remnant_ml, flr, bsa, telv, sflr, threshold, meets, tuple(lesions),
                       margin_method, result, tuple(notes))
