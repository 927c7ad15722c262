"""The "Response" section: baseline against follow-up from the ``compare`` JSON, as plain formatted rows (no layout)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LESION_HEADER = ("Baseline #", "Follow-up #", "Status", "Volume mL (baseline → follow-up)", "Change", "Axial diameter mm", "Change")
TIMEPOINT_HEADER = ("Time point", "TTV mL", "Total liver mL", "TLVR", "Lesions", "RECIST 1.1", "Volumetric", "C-NED")


@dataclass(frozen=True)
class ResponseSection:
    """Registration and response figures (label, value), lesion rows, time-point rows and notes."""

    title: str
    figures: tuple[tuple[str, str], ...]
    lesions: tuple[tuple[str, ...], ...]
    timepoints: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    lesion_header: tuple[str, ...] = LESION_HEADER
    timepoint_header: tuple[str, ...] = TIMEPOINT_HEADER


def _num(value: float | None, digits: int = 1, unit: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f} %"


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) or "-"


def _figures(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    reg, recist, vol = data["registration"], data["recist"], data["volumetric"]
    ets = recist["early_tumour_shrinkage"]
    return (
        ("Registration", f"{reg['stage_kept']}; liver Dice {reg['liver_dice']:.3f}, mean surface distance "
                         f"{reg['mean_surface_distance_mm']:.1f} mm"),
        ("RECIST 1.1 targets", _ids(recist["target_ids"]) if recist["target_ids"] else "none measurable (>= 10 mm)"),
        ("Sum of diameters", f"{_num(recist['baseline_sum_mm'])} → {_num(recist['followup_sum_mm'])} mm "
                             f"({_pct(recist['change_percent'])} from baseline, {_pct(recist['change_from_nadir_percent'])} "
                             f"/ {recist['change_from_nadir_mm']:+.1f} mm from nadir)"),
        ("RECIST 1.1 response", recist["response"] + (" (new lesion)" if recist["new_lesion"] else "")),
        ("Total tumour volume", f"{_num(vol['baseline_ttv_ml'], 2)} → {_num(vol['followup_ttv_ml'], 2)} mL ({_pct(vol['change_percent'])})"),
        ("Volumetric response", f"{vol['response']} ({vol['criteria']['basis']})"),
        ("Early tumour shrinkage", "-" if ets["achieved"] is None else
         f"{'yes' if ets['achieved'] else 'no'} ({_pct(ets['change_percent'])}; commonly >= 20 % shrinkage)"),
        ("Depth of response", f"{_pct(recist['depth_of_response_percent'])} (diameters), "
                              f"{_pct(vol['depth_of_response_percent'])} (volume)"),
    )


def response_section(data: Mapping[str, Any]) -> ResponseSection:
    """The section of one comparison (``cned-viewer compare --json``'s dictionary)."""
    lesions = tuple(
        (_ids(m["baseline_ids"]), _ids(m["followup_numbers"]), m["status"],
         f"{m['baseline_volume_ml']:.2f} → {m['followup_volume_ml']:.2f}", _pct(m["volume_change_percent"]),
         f"{m['baseline_axial_diameter_mm']:.1f} → {m['followup_axial_diameter_mm']:.1f}", _pct(m["diameter_change_percent"]))
        for m in data["lesions"])
    responses = {row["name"]: (f"{row['recist_response']} ({_pct(row['recist_change_percent'])}"
                               f"{', new lesion' if row['new_lesions'] else ''})",
                               f"{row['volumetric_response']} ({_pct(row['ttv_change_percent'])})") for row in data.get("series", [])}
    timepoints = tuple(
        (t["name"], _num(t["ttv_ml"], 2), _num(t["total_liver_ml"], 1), _num(t["tlvr"], 4), str(t["lesion_count"]),
         *responses.get(t["name"], ("-", "-")), t["cned"]["text"])
        for t in data["timepoints"])
    notes = ("Each scan is measured on its own grid; the registration only pairs the lesions. Follow-up lesions are numbered "
             "as at baseline; a new lesion takes the next free number.",
             "RECIST 1.1: PR <= -30 % from baseline; PD >= +20 % and >= +5 mm over the nadir, or a new lesion; CR: no target left.",
             "Volumetric classes use the sphere-equivalent thresholds (-65 % / +73 % volume); they are not a validated standard.")
    warnings = tuple(w for w in [data["registration"].get("warning"), *data.get("warnings", [])] if w)
    return ResponseSection("Response: baseline against follow-up", _figures(data), lesions, timepoints, notes, warnings)
