"""The tumour-board PDF of a case: one code path for ``cned-viewer report`` and File > Export report.

Measures the case's labels as they are now, evaluates every score with the clinical data and
overrides, renders two 3D snapshots offscreen and the axial slice through the largest lesion,
lists the edit log (``case.provenance``), adds the report sections of the enabled plugins
(a section that fails is left out and named in the notices) and writes the PDF.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import IncrementalMeasurer, MeasureOptions, Measurements, measure
from cned_viewer.measure.lesion_numbering import LesionNumbering
from cned_viewer.measure.results import Lesion
from cned_viewer.plugins import PluginManager
from cned_viewer.render.case_pictures import axial_picture, model_pictures
from cned_viewer.render.png import encode_png
from cned_viewer.report.pdf_writer import write_report_pdf
from cned_viewer.report.report_data import ExtraSection, ReportImage, build_report_data
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


def write_case_report(
    case: Case,
    output: str | os.PathLike,
    page_size: str = "a4",
    deidentify: bool = False,
    clinical: ClinicalData | None = None,
    plugins: PluginManager | None = None,
    options: MeasureOptions | None = None,
    numbering: LesionNumbering | None = None,
) -> Path:
    """Write the PDF report of ``case`` (its labels now, ``clinical`` or the case's, its edit log,
    the report sections of ``plugins``' enabled plugins), lesions defined by ``options`` and numbered
    as by ``numbering`` (the viewer's ``IncrementalMeasurer.numbering``); the path."""
    clinical = case.clinical if clinical is None else clinical
    options = options or MeasureOptions()
    result = report_measurements(case, options, numbering)
    measurements = result.to_json()
    scores = evaluate_all(build_inputs(clinical, measurements))
    images = report_images(case, result.lesions, options.connectivity)
    sections, notices = plugins.build_report_sections(case, measurements) if plugins is not None else ([], [])
    extra = [ExtraSection(x.data.title, tuple(x.data.rows), tuple(x.data.paragraphs), f"{x.plugin} {x.version}".strip()) for x in sections]
    data = build_report_data(
        case, measurements, scores, images, edits=[entry.to_json() for entry in case.provenance], deidentify=deidentify,
        extra_sections=extra, extra_notices=notices,
    )
    return write_report_pdf(data, output, page_size)
