"""CNED Viewer plugin: TotalSegmentator output -> the app's label table and Couinaud segment map."""

from cned_totalseg_bridge.contributions import FolderImporter, multilabel_importers, segmenters
from cned_totalseg_bridge.importer import import_output
from cned_totalseg_bridge.runner import command_path
from cned_totalseg_bridge.tasks import TASKS
from cned_viewer.plugins import Plugin, installed_version

PLUGIN_NAME = "cned-totalseg-bridge"

__all__ = ["PLUGIN_NAME", "TASKS", "command_path", "import_output", "make_plugin"]


def make_plugin() -> Plugin:
    """The entry point (group ``cned_viewer.plugins``)."""
    return Plugin(
        PLUGIN_NAME, installed_version(PLUGIN_NAME),
        "imports TotalSegmentator liver, vessel, lesion and Couinaud segment output (CT and MR tasks); runs it when "
        "installed, with its usage statistics off",
        segmenters=segmenters(),
        importers=(FolderImporter(), *multilabel_importers()),
    )
