"""``cned-viewer export``: the case's labels as NIfTI, NRRD, DICOM-SEG or DICOM SR (+ its SEG),
or through a plugin's exporter (``--plugin NAME --exporter ID``).

The built-in formats go through :func:`cned_viewer.io.case_export.export_case`, the path the
GUI's File > Save labels as uses too.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cned_viewer.commands.common import (
    add_case_arguments, add_measure_options, case_inputs, check_output_path, measure_options, plugin_manager,
    print_warnings, read_json_file, session_from_args,
)
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.io.case_export import FORMATS, check_format_suffix, default_seg_output, export_case


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export", help="write the labels as DICOM-SEG, DICOM SR (with its SEG), NIfTI or NRRD, or with a plugin's exporter",
    )
    add_case_arguments(export)
    export.add_argument("--format", choices=tuple(FORMATS), help="built-in format (dicom-sr writes the SR and the SEG it references)")
    export.add_argument("--plugin", metavar="NAME", help="plugin whose exporter to use (with --exporter; see 'plugins list')")
    export.add_argument("--exporter", metavar="ID", help="the plugin's exporter id")
    export.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write (.dcm for DICOM, .nii.gz/.nii, .nrrd)")
    export.add_argument("--seg", type=Path, metavar="SEG.dcm", help="with --format dicom-sr: where the SEG goes (default OUT_seg.dcm beside OUT)")
    export.add_argument("--creator", metavar="NAME", help="ContentCreatorName of the DICOM objects, e.g. 'Doe^Jane' (default: the user setting)")
    export.add_argument("--clinical", type=Path, metavar="C.json", help="with --format dicom-sr: clinical data for the C-NED score")
    add_measure_options(export)
    export.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    if args.format is None:
        return _run_plugin_export(args)
    if args.plugin or args.exporter:
        raise UserError("give either --format or --plugin with --exporter, not both")
    if (args.seg or args.clinical) and args.format != "dicom-sr":
        raise UserError("--seg and --clinical belong to --format dicom-sr")
    options = measure_options(args)
    check_format_suffix(args.format, args.output)
    inputs = case_inputs(args)
    output = check_output_path(args.output, *inputs, what="export")
    seg = None
    if args.format == "dicom-sr":
        seg = check_output_path(args.seg or default_seg_output(output), *inputs, what="SEG output")
        if seg.resolve() == output.resolve():
            raise UserError("the SR and its SEG need two files; give --seg another name than -o")
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")) if args.clinical else None
    session = session_from_args(args, options)  # opened and measured as the viewer does: the SR holds the viewer's values
    print_warnings(session.case.warnings)
    result = export_case(session.case, args.format, output, seg, args.creator, options, clinical, session.measurements)
    print_warnings(result.warnings)
    for path in result.paths:
        print(path)
    return 0


def _run_plugin_export(args: argparse.Namespace) -> int:
    if not (args.plugin and args.exporter):
        raise UserError("give --format dicom-seg|dicom-sr|nifti|nrrd, or a plugin's exporter with --plugin NAME --exporter ID")
    check_output_path(args.output, *case_inputs(args), what="export")
    session = session_from_args(args, measure_options(args), plugin_manager())
    print_warnings(session.case.warnings)
    print(session.plugins.run_exporter(args.plugin, args.exporter, session.case, args.output))
    return 0
