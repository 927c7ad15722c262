"""``cned-viewer report IMAGE --labels LABELS -o OUT.pdf``: the tumour-board PDF report.

With ``-o OUT.dcm`` (or ``--dicom``) the PDF is written as a DICOM Encapsulated PDF in the
patient's study (the IMAGE must then be a DICOM series). The pipeline is
:func:`cned_viewer.render.report_export.write_case_report`, which File > Export report in the
app calls too.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from cned_viewer.commands.common import (
    add_case_arguments, add_measure_options, case_inputs, check_output_path, labelled_case_from_args, measure_options, plugin_manager,
    print_warnings, read_json_file,
)
from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_source import dicom_source_of, read_source_series
from cned_viewer.io.pdf_dicom import write_encapsulated_pdf
from cned_viewer.measure import MeasureOptions
from cned_viewer.render.report_export import write_case_report
from cned_viewer.report.pdf_writer import PAGE_SIZES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="write the PDF score report for the tumour board")
    add_case_arguments(parser)
    parser.add_argument("--clinical", type=Path, metavar="C.json", help="clinical data (see 'cned-viewer score'); without it, clinical items are missing")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf", help="the PDF to write (OUT.dcm: a DICOM Encapsulated PDF)")
    parser.add_argument("--dicom", action="store_true", help="write a DICOM Encapsulated PDF in the patient's study (as for -o OUT.dcm)")
    parser.add_argument("--deidentify", action="store_true", help="replace name, ID, birth date and other identifying DICOM values by a pseudonym")
    parser.add_argument("--page-size", choices=sorted(PAGE_SIZES), default="a4")
    add_measure_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = measure_options(args)
    dicom = args.dicom or args.output.suffix.lower() == ".dcm"
    if dicom and args.deidentify:
        raise UserError("--deidentify and a DICOM report contradict: the DICOM object carries the patient's identity to file it in the study")
    check_output_path(args.output, *case_inputs(args), what="report")
    case = labelled_case_from_args(args)
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")) if args.clinical else case.clinical
    if not dicom:
        print(write_case_report(case, args.output, args.page_size, args.deidentify, clinical, plugin_manager(), options))
        return 0
    folder, series_uid = dicom_source_of(case.metadata, "a DICOM report")
    source = read_source_series(folder, series_uid, pixels=False)
    print_warnings(source.warnings)
    pdf = _report_pdf(case, args, clinical, options)
    print(write_encapsulated_pdf(pdf, source.first, args.output))
    return 0


def _report_pdf(case: Case, args: argparse.Namespace, clinical: ClinicalData, options: MeasureOptions) -> bytes:
    """The report's PDF bytes (written to a temporary folder, then read back)."""
    with tempfile.TemporaryDirectory(prefix="cned-report-") as folder:
        path = write_case_report(case, Path(folder) / "report.pdf", args.page_size, False, clinical, plugin_manager(), options)
        return path.read_bytes()
