"""Response classes over a series of time points: one rule set for RECIST 1.1 sums and for tumour volumes.

A :class:`Criteria` holds the thresholds: RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009) on the sum of
target diameters, and its sphere-equivalent on the total tumour volume (a sphere's volume goes with the
cube of its diameter: 0.7³ ≈ 0.34, so -30 % diameter ≈ -65 % volume; 1.2³ ≈ 1.73, so +20 % ≈ +73 %).
The order of the rules: a new lesion is PD; a rise over the nadir (the smallest value so far, baseline
included) by the PD share *and* the absolute minimum is PD (any regrowth after a nadir of 0 too); nothing
left is CR; a fall from baseline by the PR share is PR; otherwise SD. Without a baseline value the class is
NE (not evaluable) unless a new lesion makes it PD.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cned_viewer.followup.changes import percent_change

CR, PR, SD, PD, NE = "CR", "PR", "SD", "PD", "NE"
#: Early tumour shrinkage: first follow-up's fall of the target sum, commonly >= 20 % in the literature.
ETS_SHRINKAGE_PERCENT = 20.0
_TOLERANCE = 1e-9  # a value exactly on a threshold counts as reaching it, whatever the rounding of the division


@dataclass(frozen=True)
class Criteria:
    """Thresholds of a response classification: PR at or below ``pr_percent`` from baseline, PD at or above
    ``pd_percent`` from the nadir with at least ``pd_absolute`` (same unit as the values) more."""

    name: str
    unit: str
    pr_percent: float
    pd_percent: float
    pd_absolute: float
    basis: str

    def to_json(self) -> dict:
        return {"name": self.name, "pr_change_from_baseline_percent": self.pr_percent,
                "pd_change_from_nadir_percent": self.pd_percent, f"pd_absolute_increase_{self.unit}": self.pd_absolute,
                "basis": self.basis}


RECIST = Criteria("RECIST 1.1", "mm", -30.0, 20.0, 5.0,
                  "Eisenhauer et al., Eur J Cancer 2009: sum of the longest axial diameters of up to 2 liver targets")
VOLUMETRIC = Criteria("volumetric (sphere-equivalent of RECIST 1.1)", "ml", -65.0, 73.0, 0.0,
                      "sphere-equivalent thresholds: -30 % diameter = -65 % volume, +20 % diameter = +73 % volume")


@dataclass(frozen=True)
class Assessment:
    """One follow-up time point under one :class:`Criteria`."""

    baseline: float
    nadir: float
    current: float
    new_lesion: bool
    response: str

    @property
    def change_percent(self) -> float | None:
        return percent_change(self.baseline, self.current)

    @property
    def change_from_nadir_percent(self) -> float | None:
        return percent_change(self.nadir, self.current)


def classify(criteria: Criteria, baseline: float, nadir: float, current: float, new_lesion: bool = False) -> str:
    """The response class (module doc for the order of the rules)."""
    if new_lesion:
        return PD
    if baseline <= 0:
        return NE
    rise = current - nadir
    if nadir <= 0 and current > 0:
        return PD
    if nadir > 0 and percent_change(nadir, current) >= criteria.pd_percent - _TOLERANCE and rise >= criteria.pd_absolute - _TOLERANCE:
        return PD
    if current <= 0:
        return CR
    return PR if percent_change(baseline, current) <= criteria.pr_percent + _TOLERANCE else SD


def assess_series(criteria: Criteria, baseline: float, followups: Sequence[float],
                  new_lesions: Sequence[bool] | None = None) -> list[Assessment]:
    """Each follow-up value in order, against the baseline and the nadir of the values before it."""
    new_lesions = list(new_lesions) if new_lesions is not None else [False] * len(followups)
    out, nadir = [], baseline
    for current, new in zip(followups, new_lesions, strict=True):
        out.append(Assessment(baseline, nadir, current, bool(new), classify(criteria, baseline, nadir, current, new)))
        nadir = min(nadir, current)
    return out


def depth_of_response_percent(series: Sequence[Assessment]) -> float | None:
    """The nadir's change from baseline over the follow-ups (negative: shrinkage); None without a baseline."""
    changes = [a.change_percent for a in series if a.change_percent is not None]
    return min(changes) if changes else None


def early_tumour_shrinkage(series: Sequence[Assessment]) -> bool | None:
    """Whether the first follow-up shrank by at least :data:`ETS_SHRINKAGE_PERCENT`; None without one."""
    if not series or series[0].change_percent is None:
        return None
    return series[0].change_percent <= -ETS_SHRINKAGE_PERCENT + _TOLERANCE
