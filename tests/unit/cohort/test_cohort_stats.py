"""Cohort statistics against the values the libraries' own documentation prints, and a known cut-off recovered."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.cohort import stats


def test_c_index_of_the_rossi_cox_model_is_the_documented_0_64():
    """lifelines docs, Survival Regression: CoxPHFitter on load_rossi prints ``Concordance = 0.64``."""
    from lifelines import CoxPHFitter
    from lifelines.datasets import load_rossi

    rossi = load_rossi()
    hazard = CoxPHFitter().fit(rossi, "week", "arrest").predict_partial_hazard(rossi).to_numpy()
    c = stats.harrell_c(hazard, time=rossi["week"].to_numpy(), event=rossi["arrest"].to_numpy())
    assert round(c, 2) == 0.64
    # the opposite orientation is the complement: a higher score must mean an earlier event
    assert round(stats.harrell_c(-hazard, time=rossi["week"].to_numpy(), event=rossi["arrest"].to_numpy()), 2) == 0.36


def test_kaplan_meier_medians_of_the_regimes_data_are_the_documented_ones():
    """lifelines docs, Survival analysis with lifelines (load_dd): median 4 years overall, 3 democratic, 6 not."""
    from lifelines.datasets import load_dd

    dd = load_dd()
    time, event = dd["duration"].to_numpy(float), dd["observed"].to_numpy(bool)
    overall = stats.survival_by_group(time, event, ["all"] * len(dd))
    assert overall.groups[0].median == 4 and overall.logrank_p is None
    result = stats.survival_by_group(time, event, list(dd["democracy"]), ["Democracy", "Non-democracy"])
    medians = {g.label: g.median for g in result.groups}
    assert medians == {"Democracy": 3, "Non-democracy": 6}
    assert result.logrank_p < 1e-50 and all(g.median_ci[0] <= g.median <= g.median_ci[1] for g in result.groups)
    assert sum(g.n for g in result.groups) == len(dd)


def test_auc_of_the_breast_cancer_example_is_the_documented_0_99():
    """scikit-learn docs, roc_auc_score: logistic regression on load_breast_cancer gives 0.99."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression

    x, y = load_breast_cancer(return_X_y=True)
    probability = LogisticRegression(solver="newton-cholesky", random_state=0).fit(x, y).predict_proba(x)[:, 1]
    assert round(stats.roc(probability, y.astype(float)).auc, 2) == 0.99
    assert round(stats.harrell_c(probability, y.astype(float)), 2) == 0.99  # binary C-index = AUC


def test_roc_curve_of_the_documented_four_points_and_its_youden_cutoff():
    """scikit-learn docs, roc_curve: y = [1, 1, 2, 2], scores [0.1, 0.4, 0.35, 0.8] (2 positive)."""
    result = stats.roc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0.0, 0.0, 1.0, 1.0]))
    np.testing.assert_allclose(result.fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(result.tpr, [0, 0.5, 0.5, 1, 1])
    assert result.auc == 0.75
    # J = 0.5 at 0.8 and at 0.35; the lower threshold keeps every positive
    assert (result.cutoff, result.youden_index, result.sensitivity, result.specificity) == (0.35, 0.5, 1.0, 0.5)


def test_logistic_odds_ratios_of_the_spector_data_are_the_documented_coefficients():
    """statsmodels docs, Logit on the Spector and Mazzeo data: GPA 2.8261, TUCE 0.0952, PSI 2.3787."""
    import statsmodels.api as sm

    data = sm.datasets.spector.load_pandas()
    covariates = {name: data.exog[name].to_numpy() for name in ("GPA", "TUCE", "PSI")}
    model = stats.logistic(covariates, data.endog.to_numpy())
    log_or = {t.name: round(float(np.log(t.odds_ratio)), 4) for t in model.terms}
    assert log_or == {"GPA": 2.8261, "TUCE": 0.0952, "PSI": 2.3787}
    assert not model.problem and all(t.ci[0] < t.odds_ratio < t.ci[1] for t in model.terms)


def test_logistic_names_constant_items_and_separation():
    outcome = np.array([0, 0, 0, 1, 1, 1], float)
    model = stats.logistic({"always": np.ones(6), "x": np.array([0, 0, 0, 1, 1, 1], float)}, outcome)
    assert "always" in model.problem and "separation" in model.problem and not model.terms


@pytest.mark.parametrize("true_cutoff", [0.23, 0.4])
def test_a_synthetic_cohort_gives_back_its_true_cutoff(true_cutoff):
    """TLVR uniform on 0-0.6, the outcome is TLVR >= the cut-off with 10 % of labels flipped."""
    rng = np.random.default_rng(7)
    tlvr = rng.uniform(0, 0.6, 600)
    outcome = (tlvr >= true_cutoff) ^ (rng.random(600) < 0.1)
    result = stats.roc(tlvr, outcome.astype(float))
    assert abs(result.cutoff - true_cutoff) < 0.02
    assert 0.7 < result.youden_index < 0.9  # 1 - 2 x 10 % flipped, up to sampling


def test_bootstrap_interval_is_seeded_and_holds_the_estimate():
    rng = np.random.default_rng(3)
    score = rng.integers(0, 4, 150).astype(float)
    outcome = (rng.random(150) < 0.2 + 0.2 * score).astype(float)
    first = stats.concordance(score, outcome, samples=200)
    again = stats.concordance(score, outcome, samples=200)
    assert first == again and first.samples == 200
    assert first.ci[0] < first.c_index < first.ci[1] and 0.6 < first.c_index < 0.85
    assert stats.concordance(score, outcome, samples=200, seed=1).ci != first.ci


def test_calibration_rates_per_group():
    rows = stats.calibration(["0", "0", "1", "1", "1"], np.array([1, 0, 1, 1, 0], float), {"0": 69.2}, ["0", "1", "2"])
    assert [(r.group, r.n, r.observed_percent, r.paper_percent) for r in rows] == [
        ("0", 2, 50.0, 69.2), ("1", 3, pytest.approx(200 / 3), None), ("2", 0, None, None)]
