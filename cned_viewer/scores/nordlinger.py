"""Nordlinger score, Cancer 1996.

One point each: age > 60; serosal invasion of the primary (pT4); node-positive primary;
disease-free interval < 24 months (synchronous counts); >= 4 metastases; largest > 5 cm.
Total 0-6; low 0-2, intermediate 3-4, high 5-6 (:mod:`cned_viewer.scores.evidence`).
"""

from cned_viewer.scores.criteria import DIAMETER_SOURCE, LESION_COUNT_SOURCE, at_least, flag, interval_below, more_than
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import (
    NORDLINGER,
    NORDLINGER_AGE_ABOVE_YEARS,
    NORDLINGER_DFI_BELOW_MONTHS,
    NORDLINGER_DIAMETER_ABOVE_CM,
    NORDLINGER_GROUPS,
    NORDLINGER_LESION_COUNT_AT_LEAST,
)
from cned_viewer.scores.registry import register

SCORE = register(ScoreDefinition(
    id="nordlinger",
    name="Nordlinger score",
    evidence=NORDLINGER,
    items=(
        more_than("age", f"Age > {NORDLINGER_AGE_ABOVE_YEARS} years", "age_years", NORDLINGER_AGE_ABOVE_YEARS),
        flag("pt4", "Serosal invasion of the primary (pT4)", "pt4",
             description="pT4 (derived from the pT stage when the flag itself is not given)."),
        flag("node_positive", "Node-positive primary", "node_positive"),
        interval_below("disease_free_interval", NORDLINGER_DFI_BELOW_MONTHS),
        at_least("lesion_count", f"{NORDLINGER_LESION_COUNT_AT_LEAST} or more metastases", "lesion_count",
                 NORDLINGER_LESION_COUNT_AT_LEAST, description=LESION_COUNT_SOURCE),
        more_than("largest_diameter", f"Largest metastasis > {NORDLINGER_DIAMETER_ABOVE_CM} cm", "largest_diameter_cm",
                  NORDLINGER_DIAMETER_ABOVE_CM,
                  description=f"Strictly above {NORDLINGER_DIAMETER_ABOVE_CM} cm. {DIAMETER_SOURCE}"),
    ),
    groups=NORDLINGER_GROUPS,
))
