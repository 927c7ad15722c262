"""Baseline against one or more follow-ups: lesion pairs, RECIST 1.1 and volumetric response, scores per time point.

:func:`compare` takes measured :class:`TimePoint` s and the registration's :class:`PhysicalMap` of each
follow-up; :meth:`Comparison.to_json` is the ``compare`` command's JSON (``docs/follow-up.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cned_viewer.followup.matching import NEW, LesionMatch, match_lesions
from cned_viewer.followup.recist import baseline_sum_mm, select_targets, target_diameters_mm
from cned_viewer.followup.response import (
    ETS_SHRINKAGE_PERCENT,
    RECIST,
    VOLUMETRIC,
    Assessment,
    Criteria,
    assess_series,
    depth_of_response_percent,
    early_tumour_shrinkage,
)
from cned_viewer.followup.timepoint import TimePoint
from cned_viewer.followup.timepoint_scores import timepoint_json
from cned_viewer.followup.transform import PhysicalMap


@dataclass(frozen=True)
class FollowupResult:
    """One follow-up: its lesion pairs, its targets' diameters and its two response assessments."""

    point: TimePoint
    transform: PhysicalMap
    matches: tuple[LesionMatch, ...]
    target_diameters_mm: dict[int, float]
    recist: Assessment
    volumetric: Assessment

    @property
    def new_lesions(self) -> int:
        return sum(len(m.followup_ids) for m in self.matches if m.status == NEW)


@dataclass(frozen=True)
class Comparison:
    """The baseline, its RECIST targets and every follow-up in order."""

    baseline: TimePoint
    target_ids: tuple[int, ...]
    followups: tuple[FollowupResult, ...]

    def index(self, name: str | None = None) -> int:
        """The position of the follow-up named ``name``; the last one's when None or not compared (no labels)."""
        names = [f.point.name for f in self.followups]
        return names.index(name) if name in names else len(names) - 1

    def result(self, name: str | None = None) -> FollowupResult:
        """The follow-up named ``name``; the last one when None or not compared (:meth:`index`)."""
        return self.followups[self.index(name)]

    def curve(self) -> list[tuple[str, float, float]]:
        """``(time point name, TTV mL, RECIST sum of target diameters mm)`` from baseline to the last follow-up."""
        start = [(self.baseline.name, self.baseline.measurements.burden.ttv_ml, self.followups[0].recist.baseline)]
        return start + [(f.point.name, f.point.measurements.burden.ttv_ml, f.recist.current) for f in self.followups]

    def to_json(self, name: str | None = None) -> dict[str, Any]:
        """Follow-up ``name``'s lesions and responses (default: the last follow-up's) at the top level, as they stood at
        that scan: the nadir, early shrinkage and depth of response from the scans up to it, whose scores are in
        ``timepoints``."""
        upto = self.followups[: self.index(name) + 1]
        last, recist_series, volumetric_series = upto[-1], [f.recist for f in upto], [f.volumetric for f in upto]
        recist = {"target_ids": list(self.target_ids), **_assessment_json(last.recist, "sum_mm", RECIST),
                  "target_followup_diameters_mm": {str(k): v for k, v in sorted(last.target_diameters_mm.items())},
                  "early_tumour_shrinkage": _ets_json(recist_series),
                  "depth_of_response_percent": depth_of_response_percent(recist_series)}
        volumetric = {**_assessment_json(last.volumetric, "ttv_ml", VOLUMETRIC),
                      "depth_of_response_percent": depth_of_response_percent(volumetric_series)}
        return {"lesions": [m.to_json() for m in last.matches], "recist": recist, "volumetric": volumetric,
                "timepoints": [timepoint_json(self.baseline)] + [timepoint_json(f.point) for f in upto],
                "series": [{"name": f.point.name, "recist_response": f.recist.response, "recist_change_percent": f.recist.change_percent,
                            "volumetric_response": f.volumetric.response, "ttv_change_percent": f.volumetric.change_percent,
                            "new_lesions": f.new_lesions} for f in upto]}


def _assessment_json(a: Assessment, key: str, criteria: Criteria) -> dict[str, Any]:
    name, unit = key.rsplit("_", 1)
    return {f"baseline_{key}": a.baseline, f"followup_{key}": a.current, f"nadir_{key}": a.nadir,
            "change_percent": a.change_percent, "change_from_nadir_percent": a.change_from_nadir_percent,
            f"change_from_nadir_{unit}": a.current - a.nadir, "new_lesion": a.new_lesion, "response": a.response,
            "criteria": criteria.to_json()}


def _ets_json(series: Sequence[Assessment]) -> dict[str, Any]:
    return {"achieved": early_tumour_shrinkage(series), "change_percent": series[0].change_percent if series else None,
            "threshold_percent": -ETS_SHRINKAGE_PERCENT,
            "definition": "first follow-up's change of the target sum; the literature commonly uses >= 20 % shrinkage"}


def compare(baseline: TimePoint, followups: Sequence[tuple[TimePoint, PhysicalMap]],
            target_ids: Sequence[int] | None = None) -> Comparison:
    """Pair, measure and classify each follow-up against the baseline (ValueError for bad ``target_ids``)."""
    if not followups:
        raise ValueError("a comparison needs at least one follow-up")
    targets = select_targets(baseline.lesions, target_ids)
    base_sum = baseline_sum_mm(baseline.lesions, targets)
    base_ttv = baseline.measurements.burden.ttv_ml
    pairs, sums, ttvs, new = [], [], [], []
    for point, transform in followups:
        matches = tuple(match_lesions(baseline, point, transform))
        diameters = target_diameters_mm(matches, targets, point.lesions)
        pairs.append((point, transform, matches, diameters))
        sums.append(sum(diameters.values()))
        ttvs.append(point.measurements.burden.ttv_ml)
        new.append(any(m.status == NEW for m in matches))
    recist = assess_series(RECIST, base_sum, sums, new)
    volumetric = assess_series(VOLUMETRIC, base_ttv, ttvs, new)
    results = tuple(FollowupResult(p, t, m, d, r, v) for (p, t, m, d), r, v in zip(pairs, recist, volumetric))
    return Comparison(baseline, targets, results)
