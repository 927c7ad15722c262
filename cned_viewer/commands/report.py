"""``cned-viewer report IMAGE --labels LABELS -o OUT.pdf``: the tumour-board PDF report."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cned_viewer.commands.common import add_case_arguments, labelled_case_from_args, read_json_file
from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import measure
from cned_viewer.measure.results import Lesion
from cned_viewer.render.case_pictures import axial_picture, model_pictures
from cned_viewer.render.png import encode_png
from cned_viewer.report.pdf_writer import PAGE_SIZES, write_report_pdf
from cned_viewer.report.report_data import ReportImage, build_report_data
from cned_viewer.scores import build_inputs, evaluate_all

SNAPSHOT_VIEWS = (("anterior", "3D, anterior view"), ("superior", "3D, superior view"))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="write the PDF score report for the tumour board")
    add_case_arguments(parser)
    parser.add_argument("--clinical", type=Path, metavar="C.json", help="clinical data (see 'cned-viewer score'); without it, clinical items are missing")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf", help="the PDF to write")
    parser.add_argument("--deidentify", action="store_true", help="replace name, ID, birth date and other identifying DICOM values by a pseudonym")
    parser.add_argument("--page-size", choices=sorted(PAGE_SIZES), default="a4")
    parser.set_defaults(func=run)


def report_images(case: Case, lesions: Sequence[Lesion]) -> list[ReportImage]:
    """Two 3D snapshots (offscreen) and the axial slice through the largest lesion, outlined."""
    images = []
    if case.labels is not None:
        pictures = model_pictures(case, lesions, [camera for camera, _ in SNAPSHOT_VIEWS], (640, 520), select_largest=True)
        images += [ReportImage(caption, encode_png(picture)) for (_, caption), picture in zip(SNAPSHOT_VIEWS, pictures)]
    rgb, index = axial_picture(case, lesions, window="liver", outline=True, crop_to_labels=True)
    what = f"through lesion {lesions[0].id} (largest), " if lesions else ""
    images.append(ReportImage(f"Axial slice {index + 1} {what}outlines of all labels", encode_png(rgb)))
    return images


def run(args: argparse.Namespace) -> int:
    case = labelled_case_from_args(args)
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")) if args.clinical else case.clinical
    result = measure(case)
    measurements = result.to_json()
    scores = evaluate_all(build_inputs(clinical, measurements))
    images = report_images(case, result.lesions)
    data = build_report_data(case, measurements, scores, images, edits=[entry.to_json() for entry in case.provenance], deidentify=args.deidentify)
    path = write_report_pdf(data, args.output, args.page_size)
    print(path)
    return 0
