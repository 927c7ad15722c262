"""Plugins: the contract (plain-data Protocols), discovery by entry points, the manager and host.

No Qt here: the UI lists :meth:`PluginManager.segmenters` and runs one with
:meth:`PluginManager.start_segmenter` (progress + cancel); the case session applies the result
(``CaseSession.apply_segmentation``: :meth:`PluginManager.edit_for`, then one undoable step).
"""

from cned_viewer.plugins.contracts import (
    ENTRY_POINT_GROUP, CancelCheck, Cancelled, Exporter, ImportedLabels, Importer, Plugin, Progress,
    ReportSection, ReportSectionData, Seed, SegmentationRequest, SegmentationResult, Segmenter,
)
from cned_viewer.plugins.discovery import installed_version
from cned_viewer.plugins.errors import PluginError
from cned_viewer.plugins.jobs import BackgroundJob
from cned_viewer.plugins.manager import PluginManager, PluginRecord, PluginSection
from cned_viewer.plugins.results import apply_step, plan_edit, result_problems, undo_step
from cned_viewer.plugins.settings import PluginSettings

__all__ = [
    "installed_version",
    "ENTRY_POINT_GROUP", "BackgroundJob", "CancelCheck", "Cancelled", "Exporter", "ImportedLabels", "Importer",
    "Plugin", "PluginError", "PluginManager", "PluginRecord", "PluginSection", "PluginSettings", "Progress", "ReportSection",
    "ReportSectionData", "Seed", "SegmentationRequest", "SegmentationResult", "Segmenter", "apply_step",
    "plan_edit", "result_problems", "undo_step",
]
