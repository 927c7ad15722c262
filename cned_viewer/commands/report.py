"""``cned-viewer report IMAGE --labels LABELS -o OUT.pdf``: the tumour-board PDF report.

The pipeline is :func:`cned_viewer.render.report_export.write_case_report`, which File > Export
report in the app calls too.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cned_viewer.commands.common import (
    add_case_arguments, add_measure_options, case_inputs, check_output_path, labelled_case_from_args, measure_options, plugin_manager,
    read_json_file,
)
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.render.report_export import write_case_report
from cned_viewer.report.pdf_writer import PAGE_SIZES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="write the PDF score report for the tumour board")
    add_case_arguments(parser)
    parser.add_argument("--clinical", type=Path, metavar="C.json", help="clinical data (see 'cned-viewer score'); without it, clinical items are missing")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf", help="the PDF to write")
    parser.add_argument("--deidentify", action="store_true", help="replace name, ID, birth date and other identifying DICOM values by a pseudonym")
    parser.add_argument("--page-size", choices=sorted(PAGE_SIZES), default="a4")
    add_measure_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = measure_options(args)
    check_output_path(args.output, *case_inputs(args), what="report")
    case = labelled_case_from_args(args)
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")) if args.clinical else case.clinical
    path = write_case_report(case, args.output, args.page_size, args.deidentify, clinical, plugin_manager(), options)
    print(path)
    return 0
