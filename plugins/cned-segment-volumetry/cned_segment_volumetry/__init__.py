"""CNED Viewer plugin: Couinaud segment volumetry (a report section and a CSV export)."""

from cned_segment_volumetry.export import SegmentVolumetryCsv
from cned_segment_volumetry.report import SegmentVolumetrySection
from cned_viewer.plugins import Plugin, installed_version

PLUGIN_NAME = "cned-segment-volumetry"


def make_plugin() -> Plugin:
    """The entry point (group ``cned_viewer.plugins``)."""
    return Plugin(
        PLUGIN_NAME, installed_version(PLUGIN_NAME),
        "liver and tumour volume per Couinaud segment (1-8) and per hemiliver, from the case's segment map",
        exporters=(SegmentVolumetryCsv(),),
        report_sections=(SegmentVolumetrySection(),),
    )
