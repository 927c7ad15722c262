"""``cned-viewer measure IMAGE --labels LABELS``: tumour-burden measurements."""

from __future__ import annotations

import argparse

from cned_viewer.commands.common import add_case_arguments, labelled_case_from_args, print_json
from cned_viewer.core.case import Case
from cned_viewer.measure import measure


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("measure", help="measure volumes (mL) of the labelled structures")
    add_case_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (stable keys, for other tools)")
    parser.set_defaults(func=run)


def measurements_json(case: Case) -> dict:
    """The JSON ``measure`` prints: image geometry, the engine's measurements, warnings."""
    return {"image": case.image.geometry.to_json(), **measure(case).to_json(), "warnings": list(case.warnings)}


def run(args: argparse.Namespace) -> int:
    report = measurements_json(labelled_case_from_args(args))
    if args.json:
        print_json(report)
        return 0
    for key, value in report["volumes_ml"].items():
        print(f"{key:<18} {value:10.2f} mL")
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    return 0
