"""The tumour-board PDF of a case: one code path for ``cned-viewer report`` and File > Export report.

Measures the case's labels as they are now, evaluates every score with the clinical data and
overrides, renders two 3D snapshots offscreen and the axial slice through the largest lesion,
lists the edit log (``case.provenance``), adds the report sections of the enabled plugins
(a section that fails is left out and named in the notices) and writes the PDF.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions, Measurements, measure
from cned_viewer.measure.lesion_numbering import LesionNumbering
from cned_viewer.measure.results import Lesion
from cned_viewer.planning import PlanEvaluator, ResectionPlan
from cned_viewer.plugins import PluginManager
from cned_viewer.render.case_pictures import axial_picture, model_pictures
from cned_viewer.render.plan_picture import plan_caption, plan_picture
from cned_viewer.render.png import encode_png
from cned_viewer.report.pdf_writer import write_report_pdf
from cned_viewer.report.plan_section import PlanSection, plan_section
from cned_viewer.report.report_data import ExtraSection, ReportImage, build_report_data
from cned_viewer.report.response_section import response_section
from cned_viewer.scores import build_inputs, evaluate_all

SNAPSHOT_VIEWS = (("anterior", "3D, anterior view"), ("superior", "3D, superior view"))


def report_images(case: Case, lesions: Sequence[Lesion], connectivity: int = 26) -> list[ReportImage]:
    """Two 3D snapshots (offscreen) and the axial slice through the largest lesion, outlined."""
    images = []
    if case.labels is not None:
        pictures = model_pictures(case, lesions, [camera for camera, _ in SNAPSHOT_VIEWS], (640, 520), select_largest=True, connectivity=connectivity)
        images += [ReportImage(caption, encode_png(picture)) for (_, caption), picture in zip(SNAPSHOT_VIEWS, pictures)]
    rgb, index = axial_picture(case, lesions, window="liver", outline=True, crop_to_labels=True)
    what = f"through lesion {lesions[0].id} (largest), " if lesions else ""
    images.append(ReportImage(f"Axial slice {index + 1} {what}outlines of all labels", encode_png(rgb)))
    return images


def report_measurements(case: Case, options: MeasureOptions, numbering: LesionNumbering | None = None) -> Measurements:
    """The full measurement of ``case``; with the viewer's ``numbering`` its lesions carry the numbers the viewer shows."""
    if numbering is None:
        return measure(case, options)
    return IncrementalMeasurer(case, options, numbering.snapshot()).measurements()


def plan_sections(evaluator: PlanEvaluator, plans: Sequence[ResectionPlan], clinical: ClinicalData) -> list[PlanSection]:
    """One report section per plan: its figures on ``evaluator``'s case and its 3D picture (offscreen)."""
    sections = []
    for plan in plans:
        figures = evaluator.evaluate(plan, clinical)
        picture = ReportImage(plan_caption(), encode_png(plan_picture(evaluator, plan, figures)))
        sections.append(plan_section(plan, figures, picture))
    return sections


def write_case_report(
    case: Case,
    output: str | os.PathLike,
    page_size: str = "a4",
    deidentify: bool = False,
    clinical: ClinicalData | None = None,
    plugins: PluginManager | None = None,
    options: MeasureOptions | None = None,
    numbering: LesionNumbering | None = None,
    plans: Sequence[ResectionPlan] = (),
    response: Mapping[str, Any] | None = None,
) -> Path:
    """Write the PDF report of ``case`` (its labels now, ``clinical`` or the case's, its edit log,
    the report sections of ``plugins``' enabled plugins, a "Resection plan" section per plan of ``plans``,
    the "Response" section of ``response``: the ``compare`` JSON of the case's follow-ups),
    lesions defined by ``options`` and numbered as by ``numbering`` (the viewer's ``IncrementalMeasurer.numbering``,
    the plans' lesions too); the path."""
    clinical = case.clinical if clinical is None else clinical
    options = options or MeasureOptions()
    planned: list[PlanSection] = []
    if plans and case.labels is not None:
        measurer = IncrementalMeasurer(case, options, None if numbering is None else numbering.snapshot())
        result = measurer.measurements()
        evaluator = PlanEvaluator.from_measurer(measurer, case.labels, case.segments)
        planned = plan_sections(evaluator, plans, clinical)
    else:
        result = report_measurements(case, options, numbering)
    measurements = result.to_json()
    scores = evaluate_all(build_inputs(clinical, measurements))
    images = report_images(case, result.lesions, options.connectivity)
    sections, notices = plugins.build_report_sections(case, measurements) if plugins is not None else ([], [])
    extra = [ExtraSection(x.data.title, tuple(x.data.rows), tuple(x.data.paragraphs), f"{x.plugin} {x.version}".strip()) for x in sections]
    data = build_report_data(
        case, measurements, scores, images, edits=[entry.to_json() for entry in case.provenance], deidentify=deidentify,
        extra_sections=extra, extra_notices=notices, plan_sections=planned,
        response_section=None if response is None else response_section(response),
    )
    return write_report_pdf(data, output, page_size)
