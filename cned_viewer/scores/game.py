"""GAME score (Genetic And Morphological Evaluation), Margonis, Br J Surg 2018.

KRAS mutated 1; CEA >= 20 ng/mL 1; node-positive primary 1; TBS 3 to < 9 1, TBS >= 9 2;
extrahepatic disease 2. Total 0-7; low 0-1, medium 2-3, high >= 4
(:mod:`cned_viewer.scores.evidence`).
"""

from cned_viewer.scores.criteria import DIAMETER_SOURCE, Criterion, Values, at_least, flag
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import (
    GAME,
    GAME_CEA_AT_LEAST_NG_ML,
    GAME_EXTRAHEPATIC_POINTS,
    GAME_GROUPS,
    GAME_TBS_HIGH_POINTS,
    GAME_TBS_MIDDLE_POINTS,
    TBS_ZONE_HIGH_FROM,
    TBS_ZONE_MIDDLE_FROM,
)
from cned_viewer.scores.registry import register
from cned_viewer.scores.tbs import tumour_burden_score


def _tbs_points(values: Values) -> int | None:
    diameter, count = values.get("largest_diameter_cm"), values.get("lesion_count")
    if diameter is None or count is None:
        return None
    tbs = tumour_burden_score(diameter, count)
    if tbs >= TBS_ZONE_HIGH_FROM:
        return GAME_TBS_HIGH_POINTS
    return GAME_TBS_MIDDLE_POINTS if tbs >= TBS_ZONE_MIDDLE_FROM else 0


SCORE = register(ScoreDefinition(
    id="game",
    name="GAME score",
    evidence=GAME,
    items=(
        flag("kras_mutated", "KRAS mutated", "kras_mutated"),
        at_least("cea", f"CEA >= {GAME_CEA_AT_LEAST_NG_ML} ng/mL", "cea_ng_ml", GAME_CEA_AT_LEAST_NG_ML,
                 description="Preoperative serum CEA, the cut-off itself scores."),
        flag("node_positive", "Node-positive primary", "node_positive"),
        Criterion("tbs", f"TBS {TBS_ZONE_MIDDLE_FROM} to < {TBS_ZONE_HIGH_FROM}: {GAME_TBS_MIDDLE_POINTS}, "
                         f">= {TBS_ZONE_HIGH_FROM}: {GAME_TBS_HIGH_POINTS}",
                  ("largest_diameter_cm", "lesion_count"), _tbs_points, GAME_TBS_HIGH_POINTS,
                  f"Tumour Burden Score = sqrt(diameter_cm^2 + count^2). {DIAMETER_SOURCE}"),
        flag("extrahepatic_disease", "Extrahepatic disease", "extrahepatic_disease", points=GAME_EXTRAHEPATIC_POINTS),
    ),
    groups=GAME_GROUPS,
))
