"""Baseline against follow-up for two opened case sessions: what ``compare`` and ``batch`` both run.

:func:`compare_sessions` registers the follow-up to the baseline (:mod:`cned_viewer.registration`),
pairs and classifies the lesions (:mod:`cned_viewer.followup`) and returns the JSON of
``docs/follow-up.md`` (without the file names, which the caller adds). Each scan stays measured
on its own grid, by its own session, as the viewer measures it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.followup import TimePoint, compare
from cned_viewer.registration import register_followup
from cned_viewer.session.case_session import CaseSession


def parse_targets(text: str | None, source: str = "--targets") -> list[int] | None:
    """``1,3`` (or ``1;3``) as baseline lesion numbers, None when empty; a one-line :class:`UserError` otherwise."""
    if text is None or not text.strip():
        return None
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise UserError(f"{source} takes baseline lesion numbers separated by commas or semicolons, e.g. 1,3 or 1;3; got {text!r}")
    return [int(p) for p in parts]


def _timepoint(name: str, session: CaseSession, clinical: ClinicalData | None) -> TimePoint:
    return TimePoint.from_measurer(name, session.edits.measurer, session.case.labels, clinical or session.case.clinical)


def compare_sessions(baseline: CaseSession, followup: CaseSession, targets: Sequence[int] | None = None,
                     clinical: ClinicalData | None = None, targets_source: str = "--targets") -> dict[str, Any]:
    """Register, pair and classify two measured sessions: ``registration``, ``lesions``, ``recist``, ``volumetric``,
    ``timepoints``, ``series`` and ``warnings`` (each case's own, prefixed with its time point).

    ``clinical``: the C-NED inputs of both time points (default: each case's own); ``targets_source``
    names where ``targets`` came from in the error about a bad target."""
    base_case, follow_case = baseline.case, followup.case
    registration = register_followup(base_case.image, base_case.labels, follow_case.image, follow_case.labels)
    points = _timepoint("baseline", baseline, clinical), _timepoint("followup", followup, clinical)
    try:
        result = compare(points[0], [(points[1], registration.transform)], targets)
    except ValueError as error:
        raise UserError(f"{targets_source}: {error}; leave {targets_source} out to choose the largest measurable lesions") from None
    warnings = list(dict.fromkeys([*(f"baseline: {w}" for w in base_case.warnings),
                                   *(f"follow-up: {w}" for w in follow_case.warnings)]))
    return {"registration": registration.to_json(), **result.to_json(), "warnings": warnings}
