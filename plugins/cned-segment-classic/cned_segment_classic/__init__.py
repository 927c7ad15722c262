"""CNED Viewer plugin: classic semi-automatic segmentation with SimpleITK (liver, metastasis, vessels)."""

from importlib.metadata import PackageNotFoundError, version

from cned_segment_classic.segmenters import LiverSegmenter, TumourSegmenter, VesselSegmenter
from cned_viewer.plugins import Plugin

PLUGIN_NAME = "cned-segment-classic"


def _version() -> str:
    try:
        return version(PLUGIN_NAME)
    except PackageNotFoundError:
        return "0.0.0+source"


def make_plugin() -> Plugin:
    """The entry point (group ``cned_viewer.plugins``)."""
    return Plugin(
        PLUGIN_NAME, _version(), "liver from one click, a metastasis from a click inside it, vessel trees from a click on each",
        segmenters=(LiverSegmenter(), TumourSegmenter(), VesselSegmenter()),
    )
