"""``cned-viewer report IMAGE --labels LABELS -o OUT.pdf``: the tumour-board PDF report."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cned_viewer.commands.common import add_case_arguments, labelled_case_from_args, read_json_file
from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import measure
from cned_viewer.mesh.case_meshes import build_case_meshes
from cned_viewer.render.png import encode_png
from cned_viewer.render.slice_compositor import WINDOW_PRESETS, composite, extract_slice
from cned_viewer.render.snapshot import render_scene_offscreen
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


def axial_slice_image(case: Case, lesion: Mapping[str, Any] | None) -> ReportImage:
    """The axial slice through ``lesion``'s centre (or the middle), labels outlined, cropped to the labels."""
    geometry = case.image.geometry
    z = int(round(geometry.patient_to_index(lesion["centroid_mm"])[0])) if lesion else geometry.shape_zyx[0] // 2
    labels = None if case.labels is None else case.labels.array
    plane = extract_slice("axial", z, case.image.array, labels, geometry)
    rgb = composite(plane, *WINDOW_PRESETS["liver"], case.labels.table if case.labels else None, outline=True)
    if plane.labels is not None and plane.labels.any():
        rows, cols = np.nonzero(plane.labels)
        margin = 12
        rgb = rgb[max(rows.min() - margin, 0): rows.max() + margin, max(cols.min() - margin, 0): cols.max() + margin]
    caption = f"Axial slice {z + 1} through lesion {lesion['id']} (largest), outlines of all labels" if lesion else f"Axial slice {z + 1}"
    return ReportImage(caption, encode_png(np.ascontiguousarray(rgb)))


def report_images(case: Case, result, lesions_json: Sequence[Mapping[str, Any]]) -> list[ReportImage]:
    """Two 3D snapshots (offscreen) and the axial slice through the largest lesion."""
    images = []
    if case.labels is not None:
        meshes = build_case_meshes(case.labels, result.lesions)
        largest = result.lesions[0].id if result.lesions else None
        for camera, caption in SNAPSHOT_VIEWS:
            picture = render_scene_offscreen(meshes, size=(640, 520), camera=camera, selected_lesion=largest)
            images.append(ReportImage(caption, encode_png(picture)))
    images.append(axial_slice_image(case, lesions_json[0] if lesions_json else None))
    return images


def run(args: argparse.Namespace) -> int:
    case = labelled_case_from_args(args)
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")) if args.clinical else case.clinical
    result = measure(case)
    measurements = result.to_json()
    scores = evaluate_all(build_inputs(clinical, measurements))
    images = report_images(case, result, measurements["lesions"])
    data = build_report_data(case, measurements, scores, images, edits=[entry.to_json() for entry in case.provenance], deidentify=args.deidentify)
    path = write_report_pdf(data, args.output, args.page_size)
    print(path)
    return 0
