"""Total tumour volume (TTV), CAIRO5 (Zeeuw et al., Eur J Cancer).

The total is the baseline TTV in mL; with a follow-up TTV (first CT after induction
therapy) the result adds the absolute change (follow-up minus baseline, mL) and the
relative change (% of baseline; not defined for a baseline of 0 mL).
"""

from cned_viewer.scores.criteria import Values, shown
from cned_viewer.scores.definition import ScoreDefinition
from cned_viewer.scores.evidence import TTV
from cned_viewer.scores.registry import register


def ttv_change(baseline_ml: float | None, followup_ml: float | None) -> dict[str, float | None]:
    """``change_ml`` (follow-up - baseline) and ``change_percent``; ``None`` where not computable."""
    if baseline_ml is None or followup_ml is None:
        return {"change_ml": None, "change_percent": None}
    change = followup_ml - baseline_ml
    return {"change_ml": change, "change_percent": 100.0 * change / baseline_ml if baseline_ml > 0 else None}


def _baseline(values: Values) -> float:
    return values["ttv_ml"]


def _change(values: Values) -> dict[str, float | None]:
    return ttv_change(values.get("ttv_ml"), values.get("ttv_followup_ml"))


SCORE = register(ScoreDefinition(
    id="ttv",
    name="Total tumour volume",
    evidence=TTV,
    items=(
        shown("baseline", "Baseline TTV (mL)", "ttv_ml",
              "Sum of tumour voxels x voxel volume on the baseline scan (CAIRO5 definition)."),
        shown("followup", "TTV after induction therapy (mL)", "ttv_followup_ml",
              "Same measurement on the first CT after induction therapy; optional (gives the change).",
              required=False),
    ),
    value=_baseline,
    unit="mL",
    derived=_change,
    notes=("Change = follow-up minus baseline (negative = shrinkage).",),
))
