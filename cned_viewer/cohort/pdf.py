"""The cohort report as a PDF, drawn with matplotlib (Agg backend, no display, no QApplication).

Pages: a summary table (C-index with 95 % interval, AUC, Youden cut-off, log-rank p), the ROC curves,
one Kaplan-Meier page per predictor with the number-at-risk table and the medians, the logistic models
(odds ratios with 95 % intervals and p-values) and the C-NED calibration beside the paper's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere (lifelines' plotting imports it)

from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cned_viewer import __version__  # noqa: E402
from cned_viewer.cohort.analysis import CohortAnalysis, PredictorAnalysis  # noqa: E402
from cned_viewer.scores.evidence import CNED, CNED_TLVR_AT_LEAST  # noqa: E402

A4_PORTRAIT_IN = (8.27, 11.69)
A4_LANDSCAPE_IN = (11.69, 8.27)


def _number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    return "-" if value is None else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def _interval(low: float | None, high: float | None, digits: int = 3) -> str:
    return f"{_number(low, digits)} to {_number(high, digits)}"


def _table_page(pdf: PdfPages, title: str, header: Sequence[str], rows: Sequence[Sequence[str]], notes: Sequence[str] = ()) -> None:
    fig = Figure(figsize=A4_LANDSCAPE_IN)
    fig.text(0.05, 0.94, title, fontsize=15, weight="bold")
    ax = fig.add_axes((0.05, 0.25, 0.9, 0.64))
    ax.axis("off")
    if rows:
        table = ax.table(cellText=[list(r) for r in rows], colLabels=list(header), loc="upper center", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(9)
        table.scale(1, 1.5)
    for i, note in enumerate(notes):
        fig.text(0.05, 0.2 - i * 0.03, note, fontsize=8.5, wrap=True)
    pdf.savefig(fig)


def _summary(pdf: PdfPages, analysis: CohortAnalysis) -> None:
    rows = []
    for r in analysis.results:
        c = r.concordance
        rows.append([r.predictor.label, str(r.n), _number(c.c_index if c else None),
                     _interval(*(c.ci if c and c.ci else (None, None))), r.c_index_against or "-",
                     _number(r.roc.auc if r.roc else None),
                     f"{r.roc.cutoff:.4g} (J {r.roc.youden_index:.3f})" if r.roc and r.predictor.continuous else "-",
                     _p(r.survival.logrank_p if r.survival else None), r.problem or ""])
    what = [f"{analysis.cohort.n} rows", f"outcome: {analysis.outcome}" + (" (1 = good: analysed as its opposite)" if analysis.cohort.outcome_good else "")
            if analysis.outcome else "no binary outcome", f"time: {analysis.time}, event: {analysis.event}" if analysis.time else "no time to event"]
    _table_page(pdf, "Cohort: scores against outcome", ["Score", "n", "C-index", "95 % CI", "against", "AUC", "Youden cut-off", "log-rank p", "note"], rows, [
        "; ".join(what),
        f"C-index: Harrell's; a higher score predicting the outcome / the earlier event. 95 % CI: percentile bootstrap, "
        f"{analysis.bootstrap_samples} resamples, fixed seed. Paper (C-NED, {CNED.citation}): C-index "
        f"{CNED.get('c_index_internal').text()} internal.",
        f"Youden cut-off: value >= cut-off predicts the outcome. Paper: TLVR {CNED_TLVR_AT_LEAST} (Youden index "
        f"{CNED.get('tlvr_youden').text()}, AUC {CNED.get('tlvr_auc').text()}). cned-viewer {__version__}.",
    ])


def _roc_page(pdf: PdfPages, results: Sequence[PredictorAnalysis]) -> None:
    fig = Figure(figsize=A4_LANDSCAPE_IN)
    ax = fig.add_axes((0.1, 0.1, 0.55, 0.8))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    for r in results:
        ax.plot(r.roc.fpr, r.roc.tpr, drawstyle="steps-post", label=f"{r.predictor.label} (AUC {r.roc.auc:.3f})")
        if r.predictor.continuous:
            ax.plot([1 - r.roc.specificity], [r.roc.sensitivity], "o", color=ax.lines[-1].get_color())
            ax.annotate(f"cut-off {r.roc.cutoff:.4g}", (1 - r.roc.specificity, r.roc.sensitivity), textcoords="offset points", xytext=(8, -12), fontsize=8)
    ax.set(xlabel="1 - specificity", ylabel="sensitivity", xlim=(0, 1), ylim=(0, 1.01), title="ROC curves for the binary outcome")
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), fontsize=9)
    pdf.savefig(fig)


def _km_page(pdf: PdfPages, analysis: CohortAnalysis, result: PredictorAnalysis) -> None:
    from lifelines.plotting import add_at_risk_counts

    survival = result.survival
    fig = Figure(figsize=A4_PORTRAIT_IN)
    ax = fig.add_axes((0.14, 0.45, 0.8, 0.47))
    for group in survival.groups:
        group.fitter.plot_survival_function(ax=ax, ci_show=True, show_censors=True, censor_styles={"ms": 4})
    ax.set(title=f"Kaplan-Meier by {result.predictor.label} group ({analysis.event} over {analysis.time})",
           xlabel=analysis.time, ylabel="survival probability", ylim=(0, 1.02))
    add_at_risk_counts(*(g.fitter for g in survival.groups), ax=ax, rows_to_show=["At risk"], ypos=-0.35)
    lines = [f"log-rank test across groups: chi2 {_number(survival.logrank_statistic, 2)}, p {_p(survival.logrank_p)}", ""]
    lines += [f"group {g.label}: n {g.n}, events {g.events}, median {_number(g.median, 1)} (95 % CI {_interval(*g.median_ci, digits=1)})"
              for g in survival.groups]
    if result.predictor.id == "cned":
        lines += ["", f"Paper ({CNED.citation}), median PFS / OS per group:"]
        lines += [f"group {g.group}: PFS {g.get('median_pfs_months').text()}; OS {g.get('median_os_months').text()}" for g in CNED.groups]
    fig.text(0.06, 0.27, "\n".join(lines), fontsize=7, va="top", family="monospace")
    pdf.savefig(fig)


def _logistic_page(pdf: PdfPages, results: Sequence[PredictorAnalysis]) -> None:
    rows, notes = [], []
    for r in results:
        model = r.logistic
        for term in model.terms:
            rows.append([r.predictor.label, term.name, _number(term.odds_ratio), _interval(*term.ci), _p(term.p)])
        if model.problem:
            notes.append(f"{r.predictor.label} (n {model.n}, {model.events} with the outcome): {model.problem}")
    if "cned" in {r.predictor.id for r in results}:
        notes.append(f"Paper ({CNED.citation}), OR for conversion failure: " + "; ".join(
            f"{f.label.split(': ')[-1]} {f.quantity.text()}" for f in CNED.findings if f.key.startswith("or_")))
    _table_page(pdf, "Multivariable logistic regression on the score items", ["Score", "Item", "OR", "95 % CI", "p"], rows, notes)


def _calibration_page(pdf: PdfPages, result: PredictorAnalysis, outcome: str, outcome_good: bool) -> None:
    fig = Figure(figsize=A4_LANDSCAPE_IN)
    ax = fig.add_axes((0.1, 0.3, 0.8, 0.6))
    labels = [row.group for row in result.calibration]
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], [row.observed_percent or 0 for row in result.calibration], 0.4, label=f"observed ({outcome} = 1)")
    ax.bar([x + 0.2 for x in xs], [row.paper_percent or 0 for row in result.calibration], 0.4, label="paper")
    for x, row in zip(xs, result.calibration):
        if row.paper_percent is None:
            ax.text(x + 0.2, 1, "not\nreported", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(xs), [f"C-NED {g}\n(n {row.n})" for g, row in zip(labels, result.calibration)])
    ax.set(ylabel="% of patients", ylim=(0, 105), title="Calibration: outcome rate per C-NED group")
    ax.legend()
    meaning = "conversion to NED" if outcome_good else "no conversion to NED (100 - the paper's conversion rate)"
    notes = [f"group {row.group}: observed {_number(row.observed_percent, 1)} %, paper "
             f"{'not reported' if row.paper_percent is None else f'{row.paper_percent:.1f} %'}" for row in result.calibration]
    fig.text(0.1, 0.2, "\n".join([f"The paper's figures are for {meaning}; the comparison only holds if '{outcome}' records that.", *notes]),
             fontsize=9, va="top")
    pdf.savefig(fig)


def write_cohort_pdf(analysis: CohortAnalysis, path: Path) -> None:
    """Write the report of ``analysis`` to ``path`` (the caller makes the write atomic)."""
    with PdfPages(path, metadata={"Title": "CNED Viewer cohort statistics", "Creator": f"cned-viewer {__version__}"}) as pdf:
        _summary(pdf, analysis)
        with_roc = [r for r in analysis.results if r.roc is not None]
        if with_roc:
            _roc_page(pdf, with_roc)
        for result in analysis.results:
            if result.survival is not None and result.survival.groups:
                _km_page(pdf, analysis, result)
        with_logistic = [r for r in analysis.results if r.logistic is not None]
        if with_logistic:
            _logistic_page(pdf, with_logistic)
        for result in analysis.results:
            if result.calibration:
                _calibration_page(pdf, result, analysis.outcome or "", analysis.cohort.outcome_good)
