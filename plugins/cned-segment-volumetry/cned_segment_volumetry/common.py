"""The measurement for a case, or what the case lacks for it."""

from __future__ import annotations

from cned_viewer.core.case import Case
from cned_viewer.errors import UserError
from cned_viewer.measure.segment_volumes import SegmentVolumetry, segment_volumetry

ADD_SEGMENTS = "Add one with --segments SEGMAP on the command line, or File > Open Couinaud segment map in the viewer."
ADD_LABELS = "Load them with --labels LABELS on the command line, or File > Open labels in the viewer."


def missing_input(case: Case) -> str | None:
    """Why the case has no segment volumetry (``None`` when both maps are loaded)."""
    if case.segments is None:
        message = "No Couinaud segment map is loaded, so the liver cannot be split into segments. " + ADD_SEGMENTS
        if case.labels is None:
            message += " The liver and tumour labels are needed too. " + ADD_LABELS
        return message
    if case.labels is None:
        return "No liver and tumour labels are loaded, so the Couinaud segments have nothing to measure. " + ADD_LABELS
    return None


def volumetry_of(case: Case) -> SegmentVolumetry:
    """:func:`segment_volumetry` of the case's labels and segment map; UserError saying what to load."""
    missing = missing_input(case)
    if missing is not None:
        raise UserError(missing)
    return segment_volumetry(case.labels, case.segments)  # type: ignore[arg-type]
