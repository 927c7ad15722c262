"""Modified clinical score (m-CS), Brudvik, Ann Surg 2019.

One point each: RAS mutated; node-positive primary; largest metastasis > 5 cm. Total 0-3,
shown as the raw score (no risk groups).
"""

from cned_viewer.scores.criteria import DIAMETER_SOURCE, flag, more_than
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import MCS, MCS_DIAMETER_ABOVE_CM
from cned_viewer.scores.registry import register

SCORE = register(ScoreDefinition(
    id="mcs",
    name="Modified clinical score (m-CS)",
    evidence=MCS,
    items=(
        flag("ras_mutated", "RAS mutated", "ras_mutated",
             description="KRAS or NRAS mutated (derived from them when RAS itself is not given)."),
        flag("node_positive", "Node-positive primary", "node_positive"),
        more_than("largest_diameter", f"Largest metastasis > {MCS_DIAMETER_ABOVE_CM} cm", "largest_diameter_cm",
                  MCS_DIAMETER_ABOVE_CM, description=f"Strictly above {MCS_DIAMETER_ABOVE_CM} cm. {DIAMETER_SOURCE}"),
    ),
    notes=("m-CS has no risk groups: the raw score is shown.",),
))
