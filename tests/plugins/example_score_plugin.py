"""cned_burden_index: an example CNED Viewer plugin contributing one score (a single file).

pyproject.toml of the package:

    [project.entry-points."cned_viewer.plugins"]
    cned-burden-index = "cned_burden_index:PLUGIN"
"""

from cned_viewer.plugins import Plugin
from cned_viewer.scores.criteria import DIAMETER_SOURCE, LESION_COUNT_SOURCE, Values, shown
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import ScoreEvidence

EVIDENCE = ScoreEvidence(
    score_id="burden_index",
    citation="Example only - not a validated score",
    cohort="none (documentation example)",
    patients=None,
)


def burden_index(values: Values) -> float:
    """Largest diameter (cm) times the number of lesions."""
    return round(values["largest_diameter_cm"] * values["lesion_count"], 6)


BURDEN_INDEX = ScoreDefinition(
    id="burden_index",
    name="Burden index (example)",
    evidence=EVIDENCE,
    items=(
        shown("largest_diameter", "Largest metastasis diameter (cm)", "largest_diameter_cm", DIAMETER_SOURCE),
        shown("lesion_count", "Number of liver metastases", "lesion_count", LESION_COUNT_SOURCE),
    ),
    groups=(("low", 0), ("high", 10)),
    value=burden_index,
)

# The host registers the scores while the plugin is enabled: do not call register() here.
PLUGIN = Plugin("cned-burden-index", "1.0.0", "an example score", scores=(BURDEN_INDEX,))
