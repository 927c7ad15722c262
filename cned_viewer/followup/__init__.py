"""Follow-up (pure): a baseline scan against later ones, lesion by lesion; RECIST 1.1 beside volumetric response.

Each time point is measured on its own grid (:class:`TimePoint`); a :class:`PhysicalMap` from the
registration (:mod:`cned_viewer.registration`) pairs the lesions (:func:`match_lesions`); :func:`compare`
gives the statuses, the RECIST 1.1 and volumetric classes and the scores per time point. See ``docs/follow-up.md``.
"""

from cned_viewer.followup.comparison import Comparison, FollowupResult, compare
from cned_viewer.followup.matching import DISAPPEARED, MERGED, NEW, PERSISTING, SPLIT, LesionMatch, match_lesions
from cned_viewer.followup.response import CR, NE, PD, PR, RECIST, SD, VOLUMETRIC, Criteria, assess_series, classify
from cned_viewer.followup.timepoint import TimePoint
from cned_viewer.followup.transform import PhysicalMap

__all__ = [
    "CR", "DISAPPEARED", "MERGED", "NE", "NEW", "PD", "PERSISTING", "PR", "RECIST", "SD", "SPLIT", "VOLUMETRIC", "Comparison",
    "Criteria", "FollowupResult", "LesionMatch", "PhysicalMap", "TimePoint", "assess_series", "classify", "compare", "match_lesions",
]
