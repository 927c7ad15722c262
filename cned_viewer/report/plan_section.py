"""The report's "Resection plan" section of one plan, as plain formatted text (no layout, no VTK).

Percentages are formatted against the plan's FLR threshold and margins against the R0 margin
(:func:`cned_viewer.core.formatting.format_value`), so a figure just below a cut-off never prints
as the cut-off (19.996 % next to a 20 % threshold reads "19.996 %", not "20 %").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cned_viewer.core.formatting import format_value
from cned_viewer.planning import REMNANT, PlanFigures, ResectionPlan
from cned_viewer.planning.margins import R0_MARGIN_MM
from cned_viewer.report.images import ReportImage

PLAN_LESION_HEADER = ("#", "Status", "Margin (mm)")
NO_SFLR = "needs height and weight"


@dataclass(frozen=True)
class PlanSection:
    """One plan in the report: title, figures (label, value), lesion rows, remnant lesions, verdict, warnings, picture."""

    title: str
    figures: tuple[tuple[str, str], ...]
    lesions: tuple[tuple[str, str, str], ...]
    remnant_lesions: str
    margin_method: str
    verdict: str
    ned: bool
    warnings: tuple[str, ...] = ()
    image: ReportImage | None = None
    lesion_header: tuple[str, ...] = PLAN_LESION_HEADER


def percent_text(value: float | None, cutoff: float) -> str:
    """A percentage next to its threshold ``cutoff`` ("-" when not computable)."""
    return "-" if value is None else f"{format_value(value, (cutoff,))} %"


def margin_text(margin_mm: float | None) -> str:
    """A margin next to the R0 cut-off ("-" for a lesion left in the remnant)."""
    return "-" if margin_mm is None else format_value(float(margin_mm), (R0_MARGIN_MM,))


def short_source(source: str) -> str:
    """``Kishi 2009; Adams 2013`` from full references joined by "; " (first author and year of each)."""
    shorts = []
    for reference in source.split("; "):
        year = re.search(r"\b(19|20)\d\d\b", reference)
        shorts.append(f"{reference.split()[0]} et al. {year.group(0)}" if year and reference.split() else reference)
    return "; ".join(shorts)


def _figure_rows(plan: ResectionPlan, figures: PlanFigures) -> tuple[tuple[str, str], ...]:
    threshold = figures.threshold
    cut = threshold.percent
    sflr = NO_SFLR if figures.sflr_percent is None else (
        f"{percent_text(figures.sflr_percent, cut)} (BSA {figures.bsa_m2:.2f} m², Mosteller; TELV {figures.telv_ml:.0f} mL, Vauthey 2002)")
    compared = "FLR" if figures.sflr_percent is None else "sFLR"
    met = {True: "yes", False: "NO", None: "not computable"}[figures.meets_threshold]
    return (
        ("Removes", plan.describe()),
        ("Functional liver", f"{figures.functional_liver_ml:.1f} mL (total liver minus tumour)"),
        ("Resected", f"{figures.resected_ml:.1f} mL"),
        ("Remnant", f"{figures.remnant_ml:.1f} mL"),
        ("FLR (remnant / functional liver)", percent_text(figures.flr_percent, cut)),
        ("sFLR (remnant / TELV)", sflr),
        ("FLR threshold", f"{cut:g} %: {threshold.reason} ({short_source(threshold.source)})"),
        ("Meets the threshold", f"{met} ({compared} compared)"),
    )


def plan_section(plan: ResectionPlan, figures: PlanFigures, image: ReportImage | None = None) -> PlanSection:
    """The section of ``plan`` from its ``figures`` (:meth:`PlanEvaluator.evaluate`) and its picture."""
    lesions = tuple((str(lesion.id), lesion.status, margin_text(lesion.margin_mm)) for lesion in figures.lesions)
    left = [str(lesion.id) for lesion in figures.lesions if lesion.status == REMNANT]
    return PlanSection(
        title=f"Resection plan: {plan.name}",
        figures=_figure_rows(plan, figures),
        lesions=lesions,
        remnant_lesions=f"Lesions left in the remnant: {', '.join(left) if left else 'none'}",
        margin_method=f"Margins: {figures.margin_method}; R0 needs >= {R0_MARGIN_MM:g} mm.",
        verdict=figures.verdict.text,
        ned=figures.verdict.ned,
        warnings=tuple(figures.warnings),
        image=image,
    )
