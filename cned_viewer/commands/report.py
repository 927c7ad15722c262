"""``cned-viewer report IMAGE --labels LABELS -o OUT.pdf``: the tumour-board PDF report.

With ``-o OUT.dcm`` (or ``--dicom``) the PDF is written as a DICOM Encapsulated PDF in the
patient's study (the IMAGE must then be a DICOM series). The case is opened, measured and
reported by a headless case session, the way File > Export report in the app writes it
(``session.files.export_report`` with :func:`cned_viewer.render.report_export.write_case_report`).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from cned_viewer.commands.common import (
    add_case_arguments, add_measure_options, case_inputs, check_output_path, labelled_session_from_args, measure_options, plugin_manager,
    print_warnings, read_json_file,
)
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_source import dicom_source_of, read_source_series
from cned_viewer.io.pdf_dicom import write_encapsulated_pdf
from cned_viewer.render.report_export import write_case_report
from cned_viewer.report.pdf_writer import PAGE_SIZES
from cned_viewer.session import CaseSession
from cned_viewer.session.headless import checked


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
    session = labelled_session_from_args(args, options, plugin_manager(), write_case_report)
    if args.clinical:
        session.set_clinical(ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")))
    if not dicom:
        print(_write_report(session, args.output, args.page_size, args.deidentify))
        return 0
    folder, series_uid = dicom_source_of(session.case.metadata, "a DICOM report")
    source = read_source_series(folder, series_uid, pixels=False)
    print_warnings(source.warnings)
    with tempfile.TemporaryDirectory(prefix="cned-report-") as temporary:  # the PDF, then its bytes in the DICOM object
        pdf = _write_report(session, Path(temporary) / "report.pdf", args.page_size, False).read_bytes()
    print(write_encapsulated_pdf(pdf, source.first, args.output))
    return 0


def _write_report(session: CaseSession, output: Path, page_size: str, deidentify: bool) -> Path:
    """The report of the open case, written as File > Export report writes it (lesions numbered as the viewer
    shows them, the session's clinical inputs and plugins); its path."""
    written: list[Path] = []
    session.files.report_written.connect(written.append)
    try:
        checked(session, lambda: session.files.export_report(str(output), page_size, deidentify))
    finally:
        session.files.report_written.disconnect(written.append)
    return written[0]
