"""Tumour burden and the C-NED score of one time point, by the scores code the ``score`` command uses."""

from __future__ import annotations

from typing import Any

from cned_viewer.followup.timepoint import TimePoint
from cned_viewer.scores.inputs import build_inputs
from cned_viewer.scores.registry import evaluate_all


def timepoint_json(point: TimePoint) -> dict[str, Any]:
    """TTV, total liver volume, TLVR, lesion count and C-NED (``total`` None while an input is unknown)."""
    measured = point.measurements
    cned = evaluate_all(build_inputs(point.clinical, measured.to_json()), ["cned"])[0]
    return {"name": point.name, "ttv_ml": measured.burden.ttv_ml, "total_liver_ml": measured.burden.total_liver_ml,
            "tlvr": measured.burden.tlvr, "lesion_count": measured.lesion_set.lesion_count,
            "cned": {"total": cned.total, "group": cned.group, "text": cned.total_text(),
                     "possible_totals": None if cned.possible_totals is None else list(cned.possible_totals),
                     "missing": list(cned.missing)}}
