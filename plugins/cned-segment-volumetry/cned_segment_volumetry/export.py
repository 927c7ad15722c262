"""The CSV export: one row per segment and group, then the liver in no segment."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cned_segment_volumetry.common import volumetry_of
from cned_viewer.core.case import Case
from cned_viewer.io.atomic import atomic_write_text
from cned_viewer.measure.segment_volumes import SegmentVolumetry

HEADER = ("segment", "segments", "liver_ml", "tumour_ml", "tumour_share", "share_of_liver")


def _cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def volumetry_csv(volumetry: SegmentVolumetry) -> str:
    """The CSV text: ``segments`` as ``2;3;4`` (as ``measure --csv`` writes them); an empty cell for a share that is not defined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in volumetry.rows:
        writer.writerow((
            row.name, ";".join(str(s) for s in row.segments), _cell(row.liver_ml), _cell(row.tumour_ml),
            _cell(row.tumour_share), _cell(row.share_of_liver),
        ))
    writer.writerow(("unassigned", "", _cell(volumetry.unassigned_liver_ml), "", "", ""))
    return out.getvalue()


class SegmentVolumetryCsv:
    """:class:`cned_viewer.plugins.Exporter` writing the segment volumetry as CSV."""

    id = "segment-volumetry-csv"
    name = "Segment volumetry (CSV)"
    suffixes = (".csv",)

    def export(self, case: Case, path: Path) -> Path:
        """Write the CSV atomically; UserError when the case has no segment map or no labels."""
        return atomic_write_text(path, volumetry_csv(volumetry_of(case)))
