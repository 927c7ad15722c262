"""CNED Viewer plugin: TotalSegmentator output -> the app's label table and Couinaud segment map."""

from importlib.metadata import PackageNotFoundError, version

from cned_totalseg_bridge.contributions import FolderImporter, MultiLabelImporter, TotalSegmentatorSegmenter
from cned_totalseg_bridge.importer import import_output
from cned_totalseg_bridge.runner import command_path
from cned_viewer.plugins import Plugin

PLUGIN_NAME = "cned-totalseg-bridge"

__all__ = ["PLUGIN_NAME", "command_path", "import_output", "make_plugin"]


def _version() -> str:
    try:
        return version(PLUGIN_NAME)
    except PackageNotFoundError:
        return "0.0.0+source"


def make_plugin() -> Plugin:
    """The entry point (group ``cned_viewer.plugins``)."""
    return Plugin(
        PLUGIN_NAME, _version(), "imports TotalSegmentator liver, vessel, tumour and Couinaud segment masks; runs it when installed",
        segmenters=(TotalSegmentatorSegmenter(),),
        importers=(FolderImporter(), *(MultiLabelImporter(task) for task in ("total", "liver_vessels", "liver_segments"))),
    )
