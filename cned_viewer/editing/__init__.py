"""Manual label editing (pure numpy/numba, no Qt): brush, restricted paint, lesion tools, undo, log.

The case session (``cned_viewer.session``) drives an :class:`EditSession`; see ``docs/editing.md`` for the wiring.
"""

from cned_viewer.editing.brush import Brush, Plane
from cned_viewer.editing.history import EditHistory
from cned_viewer.editing.log import EditLog
from cned_viewer.editing.paint import dab
from cned_viewer.editing.rules import PaintRules
from cned_viewer.editing.session import EditSession
from cned_viewer.editing.stroke import Stroke
from cned_viewer.editing.tools import delete_lesion, fill_holes, relabel_component, remove_islands

__all__ = [
    "Brush", "EditHistory", "EditLog", "EditSession", "PaintRules", "Plane", "Stroke", "dab",
    "delete_lesion", "fill_holes", "relabel_component", "remove_islands",
]
