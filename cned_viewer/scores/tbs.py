"""Tumour Burden Score (TBS), Sasaki, Ann Surg 2018.

TBS = sqrt((largest diameter in cm)^2 + (number of lesions)^2); zones < 3, 3 to < 9, >= 9
(:mod:`cned_viewer.scores.evidence`). The diameter is in centimetres, not millimetres.
"""

import math

from cned_viewer.scores.criteria import DIAMETER_SOURCE, LESION_COUNT_SOURCE, Values, shown
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import TBS, TBS_ZONES
from cned_viewer.scores.registry import register


def tumour_burden_score(largest_diameter_cm: float, lesion_count: float) -> float:
    """sqrt(diameter_cm^2 + count^2), rounded to 9 decimals so exact zone edges (3, 9) stay exact."""
    return round(math.hypot(largest_diameter_cm, lesion_count), 9)


def _tbs(values: Values) -> float:
    return tumour_burden_score(values["largest_diameter_cm"], values["lesion_count"])


SCORE = register(ScoreDefinition(
    id="tbs",
    name="Tumour Burden Score",
    evidence=TBS,
    items=(
        shown("largest_diameter", "Largest metastasis diameter (cm)", "largest_diameter_cm", DIAMETER_SOURCE),
        shown("lesion_count", "Number of liver metastases", "lesion_count", LESION_COUNT_SOURCE),
    ),
    groups=TBS_ZONES,
    value=_tbs,
))
