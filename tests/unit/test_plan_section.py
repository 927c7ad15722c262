"""The pure rows of a report's "Resection plan" section (:mod:`cned_viewer.report.plan_section`)."""

from __future__ import annotations

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.planning import CROSSING, REMNANT, REMOVED, LesionStatus, ResectionPlan
from cned_viewer.planning.figures import VOXEL_MARGINS, plan_figures
from cned_viewer.report.plan_section import NO_SFLR, margin_text, plan_section, short_source


def _figures(remnant_voxels: int, lesions=(), clinical: ClinicalData | None = None):
    return plan_figures(100_000, 100_000 - remnant_voxels, 0.01, list(lesions), clinical or ClinicalData(), VOXEL_MARGINS)


def test_a_figure_just_below_the_cut_off_keeps_its_side():
    figures = _figures(19_996)  # FLR 19.996 % against the 20 % threshold of a normal liver
    rows = dict(plan_section(ResectionPlan("extended right", frozenset({5, 6, 7, 8})), figures).figures)
    assert rows["FLR (remnant / functional liver)"] == "19.996 %"
    assert rows["Meets the threshold"] == "NO (FLR compared)"
    assert rows["sFLR (remnant / TELV)"] == NO_SFLR
    assert rows["FLR threshold"] == "20 %: normal liver (Kishi et al. 2009; Adams et al. 2013)"
    assert rows["Removes"] == "segments 5, 6, 7, 8"
    assert rows["Remnant"] == "200.0 mL" and rows["Resected"] == "800.0 mL"
    assert dict(plan_section(ResectionPlan("a"), _figures(30_000)).figures)["FLR (remnant / functional liver)"] == "30 %"


def test_margins_keep_their_side_of_the_r0_cut_off_and_remnant_lesions_are_listed():
    assert margin_text(0.996) == "0.996" and margin_text(1.0) == "1" and margin_text(None) == "-" and margin_text(12.34) == "12.3"
    lesions = [LesionStatus(1, REMOVED, 0.996), LesionStatus(2, CROSSING, 0.0), LesionStatus(3, REMNANT, None), LesionStatus(4, REMNANT, None)]
    figures = _figures(50_000, lesions, ClinicalData(height_cm=180.0, weight_kg=80.0))
    section = plan_section(ResectionPlan("left"), figures)
    assert section.title == "Resection plan: left"
    assert section.lesions == (("1", "removed", "0.996"), ("2", "crossing", "0"), ("3", "remnant", "-"), ("4", "remnant", "-"))
    assert section.remnant_lesions == "Lesions left in the remnant: 3, 4"
    assert section.verdict == figures.verdict.text and not section.ned
    assert " % (BSA 2.00 m², Mosteller; TELV " in dict(section.figures)["sFLR (remnant / TELV)"]
    assert "(sFLR compared)" in dict(section.figures)["Meets the threshold"]


def test_short_source_names_first_author_and_year():
    assert short_source("Kubota K, Makuuchi M. Measurement. Hepatology 1997;26:1176-1181; Adams RB, Aloia TA. HPB 2013;15:91-103") == \
        "Kubota et al. 1997; Adams et al. 2013"
