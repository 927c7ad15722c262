"""CNED Viewer plugin: TotalSegmentator output -> the app's label table and Couinaud segment map."""

from cned_totalseg_bridge.contributions import FolderImporter, MultiLabelImporter, TotalSegmentatorSegmenter
from cned_totalseg_bridge.importer import import_output
from cned_totalseg_bridge.runner import command_path
from cned_viewer.plugins import Plugin, installed_version

PLUGIN_NAME = "cned-totalseg-bridge"

__all__ = ["PLUGIN_NAME", "command_path", "import_output", "make_plugin"]


def make_plugin() -> Plugin:
    """The entry point (group ``cned_viewer.plugins``)."""
    return Plugin(
        PLUGIN_NAME, installed_version(PLUGIN_NAME), "imports TotalSegmentator liver, vessel, tumour and Couinaud segment masks; runs it when installed",
        segmenters=(TotalSegmentatorSegmenter(),),
        importers=(FolderImporter(), *(MultiLabelImporter(task) for task in ("total", "liver_vessels", "liver_segments"))),
    )
