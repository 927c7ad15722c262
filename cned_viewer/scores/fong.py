"""Fong clinical risk score (CRS), Ann Surg 1999.

One point each: node-positive primary; disease-free interval < 12 months (synchronous
counts); more than one liver tumour; CEA > 200 ng/mL; largest tumour > 5 cm. Total 0-5;
low 0-2, high 3-5 (numbers in :mod:`cned_viewer.scores.evidence`).
"""

from cned_viewer.scores.criteria import DIAMETER_SOURCE, LESION_COUNT_SOURCE, flag, interval_below, more_than
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import (
    FONG,
    FONG_CEA_ABOVE_NG_ML,
    FONG_DFI_BELOW_MONTHS,
    FONG_DFI_SOURCES_DIFFER,
    FONG_DIAMETER_ABOVE_CM,
    FONG_GROUPS,
    FONG_LESION_COUNT_ABOVE,
)
from cned_viewer.scores.registry import register

SCORE = register(ScoreDefinition(
    id="fong",
    name="Fong clinical risk score",
    evidence=FONG,
    items=(
        flag("node_positive", "Node-positive primary", "node_positive"),
        interval_below("disease_free_interval", FONG_DFI_BELOW_MONTHS, at_cutoff=FONG_DFI_SOURCES_DIFFER),
        more_than("lesion_count", f"More than {FONG_LESION_COUNT_ABOVE} liver tumour", "lesion_count",
                  FONG_LESION_COUNT_ABOVE, description=LESION_COUNT_SOURCE),
        more_than("cea", f"CEA > {FONG_CEA_ABOVE_NG_ML} ng/mL", "cea_ng_ml", FONG_CEA_ABOVE_NG_ML,
                  description="Preoperative serum CEA, strictly above the cut-off."),
        more_than("largest_diameter", f"Largest liver tumour > {FONG_DIAMETER_ABOVE_CM} cm", "largest_diameter_cm",
                  FONG_DIAMETER_ABOVE_CM, description=f"Strictly above {FONG_DIAMETER_ABOVE_CM} cm. {DIAMETER_SOURCE}"),
    ),
    groups=FONG_GROUPS,
))
