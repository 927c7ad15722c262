"""Every analysis of ``cned-viewer cohort`` on one :class:`~cned_viewer.cohort.table.Cohort`.

Per predictor: Harrell's C with a bootstrap interval (against time to event when given, else against
the binary outcome); for a binary outcome the ROC curve and AUC, and for TLVR / TTV the Youden-optimal
cut-off; with time and event the Kaplan-Meier curves per group and the log-rank test; for a point
score and a binary outcome the logistic model on its items; for C-NED the observed outcome rate per
group beside the paper's. Too little data for the whole analysis is a :class:`UserError`; too little
for one predictor is named in its ``problem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cned_viewer.cohort import stats
from cned_viewer.cohort.table import Cohort, Predictor, score_items
from cned_viewer.core.cells import DecimalMark
from cned_viewer.errors import UserError
from cned_viewer.scores.evidence import CNED

#: The fewest patients with and without the outcome (and the fewest events) an analysis needs.
MIN_PER_CLASS = 2


@dataclass
class PredictorAnalysis:
    """The results for one predictor (``None`` where not applicable)."""

    predictor: Predictor
    n: int
    concordance: stats.Concordance | None = None
    c_index_against: str = ""
    roc: stats.Roc | None = None
    survival: stats.Survival | None = None
    logistic: stats.Logistic | None = None
    calibration: tuple[stats.CalibrationRow, ...] = ()
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.predictor.label, "n": self.n, "c_index": None, "c_index_ci": None,
                               "c_index_against": self.c_index_against, "problem": self.problem}
        if self.concordance is not None:
            out.update(self.concordance.to_json())
        if self.roc is not None:
            roc = self.roc.to_json()
            out["roc"] = roc if self.predictor.continuous else {"auc": roc["auc"]}
        if self.survival is not None:
            out.update(self.survival.to_json())
        if self.logistic is not None:
            out["logistic"] = self.logistic.to_json()
        if self.calibration:
            out["calibration"] = {row.group: row.to_json() for row in self.calibration}
        return out


@dataclass
class CohortAnalysis:
    """All predictors' results and what was analysed."""

    cohort: Cohort
    outcome: str | None
    time: str | None
    event: str | None
    bootstrap_samples: int
    results: list[PredictorAnalysis] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"n": self.cohort.n, "outcome": self.outcome, "outcome_good": self.cohort.outcome_good,
                "time": self.time, "event": self.event, "bootstrap_samples": self.bootstrap_samples,
                "seed": stats.DEFAULT_SEED, "scores": {r.predictor.id: r.to_json() for r in self.results}}


def _check_enough(cohort: Cohort, outcome: str | None, event: str | None) -> None:
    if cohort.outcome is not None:
        known = cohort.outcome[~np.isnan(cohort.outcome)]
        positives, negatives = int(known.sum()), int(len(known) - known.sum())
        if min(positives, negatives) < MIN_PER_CLASS:
            ones = negatives if cohort.outcome_good else positives
            raise UserError(f"too few events: in column {outcome}, {ones} of {known.size} patients have 1; the analysis "
                            f"needs at least {MIN_PER_CLASS} patients with 1 and {MIN_PER_CLASS} with 0")
    if cohort.event is not None:
        known = ~np.isnan(cohort.event) & ~np.isnan(cohort.time)
        events = int(np.nansum(cohort.event[known]))
        if events < MIN_PER_CLASS:
            raise UserError(f"too few events: column {event} has {events} event(s) among {int(known.sum())} patients with a time; "
                            f"survival analysis needs at least {MIN_PER_CLASS}")


def _paper_percent(label: str, outcome_good: bool) -> float | None:
    """The paper's conversion rate of a C-NED group, in the terms of the outcome column as given."""
    group = CNED.group(label)
    value = None if group is None else group.get("conversion_percent").value
    return None if value is None else (value if outcome_good else 100.0 - value)


def _binary(result: PredictorAnalysis, cohort: Cohort, samples: int, decimal: DecimalMark | None) -> None:
    predictor = result.predictor
    use = ~np.isnan(predictor.values) & ~np.isnan(cohort.outcome)
    values, outcome = predictor.values[use], cohort.outcome[use]
    if min(int(outcome.sum()), int(len(outcome) - outcome.sum())) < MIN_PER_CLASS:
        result.problem = f"too few patients with a known {predictor.label} in each outcome class"
        return
    result.roc = stats.roc(values, outcome)
    if result.concordance is None:
        result.concordance, result.c_index_against = stats.concordance(values, outcome, samples=samples), "outcome"
    if not predictor.continuous:
        items = score_items(cohort, predictor.id, decimal)
        if items:
            known = ~np.isnan(cohort.outcome) & np.all([~np.isnan(v) for v in items.values()], axis=0)
            result.logistic = stats.logistic({k: v[known] for k, v in items.items()}, cohort.outcome[known])
    if predictor.id == "cned":
        raw = 1.0 - outcome if cohort.outcome_good else outcome
        result.calibration = stats.calibration(predictor.groups[use], raw,
                                               {g: _paper_percent(g, cohort.outcome_good) for g in predictor.group_order},
                                               predictor.group_order)


def _survival(result: PredictorAnalysis, cohort: Cohort, samples: int) -> None:
    predictor = result.predictor
    use = ~np.isnan(predictor.values) & ~np.isnan(cohort.time) & ~np.isnan(cohort.event)
    if int(cohort.event[use].sum()) < MIN_PER_CLASS:
        result.problem = f"too few events among patients with a known {predictor.label}"
        return
    time, event = cohort.time[use], cohort.event[use].astype(bool)
    result.concordance = stats.concordance(predictor.values[use], time=time, event=event, samples=samples)
    result.c_index_against = "time to event"
    grouped = use & (predictor.groups != "")
    result.survival = stats.survival_by_group(cohort.time[grouped], cohort.event[grouped].astype(bool),
                                              list(predictor.groups[grouped]), predictor.group_order)


def analyse(cohort: Cohort, outcome: str | None = None, time: str | None = None, event: str | None = None,
            samples: int = stats.DEFAULT_BOOTSTRAP_SAMPLES, decimal: DecimalMark | None = None) -> CohortAnalysis:
    """Run every analysis the columns allow; :class:`UserError` when the cohort has too few events."""
    _check_enough(cohort, outcome, event)
    analysis = CohortAnalysis(cohort, outcome, time, event, samples)
    for predictor in cohort.predictors:
        known = ~np.isnan(predictor.values)
        result = PredictorAnalysis(predictor, int(known.sum()))
        if result.n < 2 * MIN_PER_CLASS:
            result.problem = f"only {result.n} patient(s) with a known {predictor.label}"
        else:
            if cohort.time is not None:
                _survival(result, cohort, samples)
            if cohort.outcome is not None:
                _binary(result, cohort, samples, decimal)
        analysis.results.append(result)
    if all(r.concordance is None for r in analysis.results):
        problems = "; ".join(f"{r.predictor.label}: {r.problem}" for r in analysis.results)
        raise UserError(f"no score could be analysed ({problems}); check the score columns and the outcome")
    return analysis
