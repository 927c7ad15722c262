"""The report section: liver and tumour volume per Couinaud segment and per hemiliver."""

from __future__ import annotations

from typing import Any

from cned_segment_volumetry.common import missing_input, volumetry_of
from cned_viewer.core.case import Case
from cned_viewer.measure.segment_volumes import SegmentVolume, SegmentVolumetry
from cned_viewer.plugins import ReportSectionData

DEFINITIONS = (
    "Liver volume counts parenchyma and tumour voxels of each segment (vessels excluded); the share of liver is "
    "relative to the sum of segments 1-8, the tumour share to the segment's own liver volume."
)


def percent(fraction: float | None) -> str:
    return "n/a" if fraction is None else f"{100.0 * fraction:.1f} %"


def describe(row: SegmentVolume) -> str:
    """``liver 210.3 mL (14.2 % of liver), tumour 12.0 mL (5.7 %)``."""
    return (
        f"liver {row.liver_ml:.1f} mL ({percent(row.share_of_liver)} of liver), "
        f"tumour {row.tumour_ml:.1f} mL ({percent(row.tumour_share)})"
    )


def section_rows(volumetry: SegmentVolumetry) -> tuple[tuple[str, str], ...]:
    """One row per segment, then the groups, then the liver in no segment."""
    rows = [(row.name, describe(row)) for row in volumetry.rows]
    unassigned = volumetry.unassigned_liver_ml
    share = unassigned / volumetry.parenchyma_tumour_ml if volumetry.parenchyma_tumour_ml else None
    rows.append(("Liver in no segment", f"{unassigned:.1f} mL ({percent(share)} of all liver voxels)"))
    return tuple(rows)


def unassigned_warning(volumetry: SegmentVolumetry) -> str:
    return (
        f"Warning: {volumetry.unassigned_liver_ml:.1f} mL of liver (parenchyma or tumour) lies in no Couinaud segment: "
        "the segment map does not cover the whole liver mask. These voxels are left out of every segment and of "
        "the shares; check the segment map."
    )


class SegmentVolumetrySection:
    """:class:`cned_viewer.plugins.ReportSection` for Couinaud segment volumetry."""

    id = "segment-volumetry"
    title = "Couinaud segment volumetry"

    def build(self, case: Case, measurements: dict[str, Any]) -> ReportSectionData:
        missing = missing_input(case)
        if missing is not None:
            return ReportSectionData(self.title, paragraphs=(missing,))
        volumetry = volumetry_of(case)
        paragraphs = [DEFINITIONS]
        if volumetry.unassigned_liver_ml > 0:
            paragraphs.append(unassigned_warning(volumetry))
        return ReportSectionData(self.title, section_rows(volumetry), tuple(paragraphs))
