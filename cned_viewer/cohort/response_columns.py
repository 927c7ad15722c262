"""The follow-up response columns of a ``batch`` row (pure): the ``compare`` JSON flattened into cells.

One row, one follow-up: the registration's liver Dice, mean surface distance and warning, the RECIST 1.1
targets, sums, change and class, the volumetric class, the lesion counts by status, and the follow-up's TLVR and
C-NED score (``followup_cned_total`` empty while an input is unknown; ``followup_cned_missing`` names it). Numbers carry
full precision, lists are ``;``-separated, null is an empty cell; a row without a follow-up has every
cell empty. ``ttv_change_percent`` is not here: it is a score column (:mod:`cned_viewer.scores.cohort`),
the same TTV change as the volumetric response's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cned_viewer.core.formatting import machine_number
from cned_viewer.followup import DISAPPEARED, NEW

RESPONSE_COLUMNS: tuple[str, ...] = (
    "liver_dice", "liver_mean_surface_distance_mm", "registration_warning",
    "recist_target_ids", "recist_baseline_sum_mm", "recist_followup_sum_mm", "recist_change_percent", "recist_response",
    "volumetric_response", "new_lesions", "disappeared_lesions",
    "followup_tlvr", "followup_cned_total", "followup_cned_complete", "followup_cned_missing",
)


def response_cells(comparison: Mapping[str, Any] | None) -> dict[str, str]:
    """The :data:`RESPONSE_COLUMNS` of one ``compare`` JSON (``docs/follow-up.md``); all empty for None."""
    if comparison is None:
        return dict.fromkeys(RESPONSE_COLUMNS, "")
    registration, recist, lesions = comparison["registration"], comparison["recist"], comparison["lesions"]
    followup = comparison["timepoints"][-1]
    values = {
        "liver_dice": registration["liver_dice"], "liver_mean_surface_distance_mm": registration["mean_surface_distance_mm"],
        "registration_warning": registration["warning"], "recist_target_ids": ";".join(map(str, recist["target_ids"])),
        "recist_baseline_sum_mm": recist["baseline_sum_mm"], "recist_followup_sum_mm": recist["followup_sum_mm"],
        "recist_change_percent": recist["change_percent"], "recist_response": recist["response"],
        "volumetric_response": comparison["volumetric"]["response"],
        "new_lesions": sum(len(m["followup_ids"]) for m in lesions if m["status"] == NEW),
        "disappeared_lesions": sum(len(m["baseline_ids"]) for m in lesions if m["status"] == DISAPPEARED),
        "followup_tlvr": followup["tlvr"], "followup_cned_total": followup["cned"]["total"],
        "followup_cned_complete": int(followup["cned"]["total"] is not None), "followup_cned_missing": ";".join(followup["cned"]["missing"]),
    }
    return {column: "" if values[column] is None else machine_number(values[column]) for column in RESPONSE_COLUMNS}
