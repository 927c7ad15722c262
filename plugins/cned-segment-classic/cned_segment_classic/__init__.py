"""CNED Viewer plugin: classic semi-automatic segmentation with SimpleITK (liver, metastasis, vessels)."""

from cned_segment_classic.segmenters import LiverSegmenter, TumourSegmenter, VesselSegmenter
from cned_viewer.plugins import Plugin, installed_version

PLUGIN_NAME = "cned-segment-classic"


def make_plugin() -> Plugin:
    """The entry point (group ``cned_viewer.plugins``)."""
    return Plugin(
        PLUGIN_NAME, installed_version(PLUGIN_NAME), "liver from one click, a metastasis from a click inside it, vessel trees from a click on each",
        segmenters=(LiverSegmenter(), TumourSegmenter(), VesselSegmenter()),
    )
