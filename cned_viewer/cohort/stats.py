"""The statistics of a score paper, each from a library (lifelines, scikit-learn, statsmodels).

Every function takes numpy arrays (missing values already removed) and returns a small dataclass
with ``to_json``. Conventions: a higher score predicts the event, so Harrell's C of a score is the
share of usable pairs in which the patient with the higher score has the event (binary outcome)
or the earlier event (time to event); ties in the score count one half.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_SEED = 20220301  # fixed, so that a rerun on the same table gives the same intervals
CONFIDENCE = 0.95


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


# --- C-index with a bootstrap interval ------------------------------------------------------------


def harrell_c(score: np.ndarray, outcome: np.ndarray | None = None, time: np.ndarray | None = None,
              event: np.ndarray | None = None) -> float:
    """Harrell's C of ``score``: against a binary ``outcome`` (= ROC AUC, scikit-learn), or against
    ``time`` to ``event`` (lifelines; higher score = earlier event)."""
    if outcome is not None:
        from sklearn.metrics import roc_auc_score

        return float(roc_auc_score(outcome.astype(int), score))
    from lifelines.utils import concordance_index

    return float(concordance_index(time, -score, event))


@dataclass(frozen=True)
class Concordance:
    """Harrell's C with its percentile bootstrap interval (``None`` where no resample was usable)."""

    c_index: float
    ci: tuple[float, float] | None
    samples: int

    def to_json(self) -> dict[str, Any]:
        return {"c_index": self.c_index, "c_index_ci": None if self.ci is None else list(self.ci),
                "bootstrap_samples": self.samples}


def concordance(score: np.ndarray, outcome: np.ndarray | None = None, time: np.ndarray | None = None,
                event: np.ndarray | None = None, samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
                seed: int = DEFAULT_SEED) -> Concordance:
    """:func:`harrell_c` and its 95 % interval from ``samples`` resamples of the patients (seeded)."""
    point = harrell_c(score, outcome, time, event)
    rng = np.random.default_rng(seed)
    n = len(score)
    values = []
    for _ in range(samples):
        pick = rng.integers(0, n, n)
        informative = outcome[pick] if outcome is not None else event[pick]
        if informative.min() == informative.max():  # a resample without both classes / without events
            continue
        values.append(harrell_c(score[pick], None if outcome is None else outcome[pick],
                                None if time is None else time[pick], None if event is None else event[pick]))
    if not values:
        return Concordance(point, None, 0)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Concordance(point, (float(low), float(high)), len(values))


# --- ROC, AUC and the Youden-optimal cut-off ----------------------------------------------------------


@dataclass(frozen=True)
class Roc:
    """The ROC curve of a predictor for a binary outcome; ``cutoff``: predicted positive at value >= cutoff."""

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: float
    cutoff: float
    youden_index: float
    sensitivity: float
    specificity: float

    def to_json(self) -> dict[str, Any]:
        return {"auc": self.auc, "youden_cutoff": self.cutoff, "youden_index": self.youden_index,
                "sensitivity": self.sensitivity, "specificity": self.specificity}


def roc(values: np.ndarray, outcome: np.ndarray) -> Roc:
    """ROC curve and AUC (scikit-learn) and the threshold that maximises Youden's J = sensitivity + specificity - 1.

    Among equal J the lowest threshold wins (scikit-learn lists thresholds from high to low).
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    fpr, tpr, thresholds = roc_curve(outcome.astype(int), values, drop_intermediate=False)
    j = tpr - fpr
    best = int(np.flatnonzero(j == j.max())[-1])
    return Roc(fpr, tpr, thresholds, float(roc_auc_score(outcome.astype(int), values)), float(thresholds[best]),
               float(j[best]), float(tpr[best]), float(1 - fpr[best]))


# --- Kaplan-Meier per group and the log-rank test ---------------------------------------------------


@dataclass(frozen=True)
class GroupSurvival:
    """One group's Kaplan-Meier estimate (lifelines), its median and the median's 95 % interval."""

    label: str
    n: int
    events: int
    median: float | None
    median_ci: tuple[float | None, float | None]
    fitter: Any = field(repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "events": self.events, "median": self.median, "median_ci": list(self.median_ci)}


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier curves per group and the log-rank test across them (``None`` with a single group)."""

    groups: tuple[GroupSurvival, ...]
    logrank_statistic: float | None
    logrank_p: float | None

    def to_json(self) -> dict[str, Any]:
        return {"groups": {g.label: g.to_json() for g in self.groups},
                "logrank_statistic": self.logrank_statistic, "logrank_p": self.logrank_p}


def survival_by_group(time: np.ndarray, event: np.ndarray, groups: Sequence[str],
                      order: Sequence[str] | None = None) -> Survival:
    """Kaplan-Meier per group label (in ``order``, else sorted) and the multivariate log-rank test."""
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test
    from lifelines.utils import median_survival_times

    labels = np.asarray(groups, dtype=object)
    present = [g for g in (order or sorted(set(labels))) if np.any(labels == g)]
    fitted = []
    for label in present:
        mask = labels == label
        kmf = KaplanMeierFitter(label=str(label), alpha=1 - CONFIDENCE).fit(time[mask], event[mask])
        ci = median_survival_times(kmf.confidence_interval_).iloc[0]
        fitted.append(GroupSurvival(str(label), int(mask.sum()), int(event[mask].sum()), _finite(kmf.median_survival_time_),
                                    (_finite(ci.iloc[0]), _finite(ci.iloc[1])), kmf))
    if len(present) < 2:
        return Survival(tuple(fitted), None, None)
    keep = np.isin(labels, present)
    test = multivariate_logrank_test(time[keep], labels[keep], event[keep])
    return Survival(tuple(fitted), float(test.test_statistic), float(test.p_value))


# --- Multivariable logistic regression -------------------------------------------------------------------


@dataclass(frozen=True)
class OddsRatio:
    """One covariate's odds ratio with its 95 % Wald interval and p-value."""

    name: str
    odds_ratio: float
    ci: tuple[float, float]
    p: float

    def to_json(self) -> dict[str, Any]:
        return {"odds_ratio": _finite(self.odds_ratio), "ci": [_finite(self.ci[0]), _finite(self.ci[1])], "p": _finite(self.p)}


@dataclass(frozen=True)
class Logistic:
    """A multivariable logistic model (statsmodels), or why it could not be fitted (``problem``)."""

    n: int
    events: int
    terms: tuple[OddsRatio, ...] = ()
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "events": self.events, "odds_ratios": {t.name: t.to_json() for t in self.terms},
                "problem": self.problem}


def logistic(covariates: dict[str, np.ndarray], outcome: np.ndarray) -> Logistic:
    """Logit of ``outcome`` on the covariates with an intercept (statsmodels); constant covariates are left
    out and named in ``problem``; a model that cannot be fitted (separation, singular) says so there."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    n, events = len(outcome), int(outcome.sum())
    constant = [name for name, column in covariates.items() if np.ptp(column) == 0]
    used = {name: column for name, column in covariates.items() if name not in constant}
    left_out = f"left out (the same for every patient): {', '.join(constant)}" if constant else ""
    if not used:
        return Logistic(n, events, problem=left_out or "no covariates")
    design = sm.add_constant(np.column_stack(list(used.values())).astype(float), has_constant="add")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = sm.Logit(outcome.astype(float), design).fit(disp=0, maxiter=100)
    except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError) as error:
        reason = "perfect separation" if "eparation" in str(error) or "eparation" in type(error).__name__ else str(error)
        return Logistic(n, events, problem="; ".join(p for p in (f"cannot be fitted: {reason}", left_out) if p))
    params, bounds, p_values = np.asarray(fit.params), np.asarray(fit.conf_int(1 - CONFIDENCE)), np.asarray(fit.pvalues)
    terms = tuple(OddsRatio(name, float(np.exp(params[i + 1])), (float(np.exp(bounds[i + 1, 0])), float(np.exp(bounds[i + 1, 1]))),
                            float(p_values[i + 1])) for i, name in enumerate(used))
    return Logistic(n, events, terms, left_out)


# --- Calibration against the paper --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationRow:
    """One score group: patients, observed outcome rate, and the rate the paper reported (``None``: not reported)."""

    group: str
    n: int
    observed_percent: float | None
    paper_percent: float | None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "observed_percent": self.observed_percent, "paper_percent": self.paper_percent}


def calibration(groups: Sequence[str], outcome: np.ndarray, paper_percent: dict[str, float | None],
                order: Sequence[str]) -> tuple[CalibrationRow, ...]:
    """The observed rate of ``outcome`` in each group of ``order`` beside ``paper_percent``."""
    labels = np.asarray(groups, dtype=object)
    rows = []
    for label in order:
        mask = labels == label
        count = int(mask.sum())
        rows.append(CalibrationRow(label, count, float(outcome[mask].mean() * 100) if count else None, paper_percent.get(label)))
    return tuple(rows)
