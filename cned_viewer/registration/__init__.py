"""Registration of a follow-up scan to its baseline (SimpleITK): the map between their patient spaces and its quality.

See :func:`register_followup` and ``docs/follow-up.md``; the lesion matching itself is pure (:mod:`cned_viewer.followup`).
"""

from cned_viewer.registration.quality import MAX_MEAN_SURFACE_DISTANCE_MM, MIN_LIVER_DICE, Quality, liver_quality
from cned_viewer.registration.register import Registration, physical_map, register_followup

__all__ = ["MAX_MEAN_SURFACE_DISTANCE_MM", "MIN_LIVER_DICE", "Quality", "Registration", "liver_quality", "physical_map",
           "register_followup"]
