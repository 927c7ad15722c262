"""Pure data model (numpy only): geometry, volumes, label maps, cases, events."""

from cned_viewer.core.case import Case
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, Label, LabelMap, LabelTable
from cned_viewer.core.volume import Volume

__all__ = ["Case", "DEFAULT_LABEL_TABLE", "Geometry", "Label", "LabelMap", "LabelTable", "Volume"]
