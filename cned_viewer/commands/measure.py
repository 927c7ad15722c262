"""``cned-viewer measure IMAGE --labels LABELS [--segments SEGMAP] [--json|--csv]``: tumour-burden measurements.

Text (default) is for reading; ``--json`` is the full, stable form; ``--csv`` is one row per
lesion (one row with empty lesion columns when there is none), the case's values repeated on
each row and the image path first, so that the rows of many cases can be stacked into one table.
The case is opened and measured by the viewer's case session (:mod:`cned_viewer.session.headless`),
so the values are those the viewer shows.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import Any

from cned_viewer.commands.common import add_case_arguments, add_measure_options, labelled_session_from_args, measure_options, print_json
from cned_viewer.core.case import Case
from cned_viewer.measure import Measurements

#: Case-level columns of ``--csv`` (JSON keys), after ``source`` and before the ``volume_<label>_ml`` ones.
CASE_COLUMNS = (
    "total_liver_ml", "ttv_ml", "tlvr", "tlvr_low", "tlvr_high", "tlvr_parenchyma",
    "lesion_count", "lesion_count_low", "lesion_count_high", "bilobar", "segments_involved",
)
#: Lesion columns of ``--csv``: the JSON lesion keys, lists split into one column per value.
LESION_COLUMNS = (
    "lesion_id", "lesion_volume_ml", "centroid_x_mm", "centroid_y_mm", "centroid_z_mm",
    "bbox_z_min", "bbox_y_min", "bbox_x_min", "bbox_z_max", "bbox_y_max", "bbox_x_max",
    "feret_diameter_mm", "axial_diameter_mm", "portal_vein_distance_mm", "hepatic_vein_distance_mm",
    "portal_vein_contact", "hepatic_vein_contact", "portal_vein_contact_fraction", "hepatic_vein_contact_fraction",
    "segments",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("measure", help="measure volumes, TTV, TLVR and lesions of the labelled structures")
    add_case_arguments(parser)
    add_measure_options(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (stable keys, for other tools)")
    output.add_argument("--csv", action="store_true", help="print CSV: one row per lesion, the case's values on each row")
    parser.set_defaults(func=run)


def measurements_json(case: Case, measurements: Measurements) -> dict:
    """The JSON ``measure`` prints: image geometry, the case's ``measurements`` (with the options used), warnings."""
    measured = measurements.to_json()
    warnings = list(dict.fromkeys([*case.warnings, *measured.pop("warnings", [])]))  # the loaders' and the measurement's
    return {"image": case.image.geometry.to_json(), **measured, "warnings": warnings}


def csv_cell(value: Any) -> Any:
    """A CSV cell: empty for unknown (null), ``true`` / ``false`` for flags, lists as :func:`_segments_cell`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _segments_cell(value)
    return value


def _segments_cell(segments: list[int] | None) -> str:
    """Couinaud segments as ``5;8``; ``none`` when the map shows none, empty without a map."""
    if segments is None:
        return ""
    return ";".join(str(s) for s in segments) or "none"


def measurements_csv(report: dict, source: str) -> str:
    """``report`` (:func:`measurements_json`) as CSV text, see the module docstring."""
    volume_keys = list(report["volumes_ml"])
    header = ["source", *CASE_COLUMNS, *(f"volume_{key}_ml" for key in volume_keys), *LESION_COLUMNS]
    case_cells = [
        source, *(csv_cell(report[key]) for key in CASE_COLUMNS),
        *(report["volumes_ml"][key] for key in volume_keys),
    ]
    rows = []
    for lesion in report["lesions"]:
        rows.append(case_cells + [
            lesion["id"], lesion["volume_ml"], *lesion["centroid_mm"], *lesion["bbox"],
            *(csv_cell(lesion[key]) for key in LESION_COLUMNS[11:19]),
            _segments_cell(lesion["segments"]),
        ])
    if not rows:
        rows.append(case_cells + [""] * len(LESION_COLUMNS))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _mm(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def measurements_text(report: dict) -> str:
    """``report`` for reading: volumes, burden, the sensitivity ranges, then one line per lesion."""
    lines = [f"{key:<18} {value:10.2f} mL" for key, value in report["volumes_ml"].items()]
    lines.append(f"{'total liver':<18} {report['total_liver_ml']:10.2f} mL   (parenchyma + tumour + vessels inside the liver)")
    lines.append(f"{'TTV':<18} {report['ttv_ml']:10.2f} mL")
    if report["tlvr"] is None:
        lines.append(f"{'TLVR':<18} {'-':>10}      (no liver labelled)")
    else:
        low, high = report["tlvr_low"], report["tlvr_high"]
        spread = f"   (one-voxel range {low:.4f}-{high:.4f})" if low is not None and high is not None else ""
        lines.append(f"{'TLVR':<18} {report['tlvr']:10.4f}{spread}")
    tiny = len(report["tiny_lesions"])
    lines.append(
        f"{'lesions':<18} {report['lesion_count']:10d}   (one-voxel range {report['lesion_count_low']}-{report['lesion_count_high']}"
        + (f"; {tiny} tiny one(s) not counted)" if tiny else ")")
    )
    bilobar = report["bilobar"]
    lines.append(f"{'bilobar':<18} {'-' if bilobar is None else ('yes' if bilobar else 'no'):>10}" + ("   (no segment map)" if bilobar is None else ""))
    if report["segments_involved"] is not None:
        lines.append(f"{'segments involved':<18} {len(report['segments_involved']):10d}   ({_segments_cell(report['segments_involved'])})")
    if report["lesions"]:
        lines.append("")
        lines.append(f"{'#':>3} {'volume mL':>10} {'Feret mm':>9} {'axial mm':>9} {'PV mm':>7} {'HV mm':>7}  contact  segments")
        for lesion in report["lesions"]:
            contact = "+".join(name for name, key in (("PV", "portal_vein_contact"), ("HV", "hepatic_vein_contact")) if lesion[key]) or "-"
            lines.append(
                f"{lesion['id']:>3} {lesion['volume_ml']:10.2f} {lesion['feret_diameter_mm']:9.1f} {lesion['axial_diameter_mm']:9.1f} "
                f"{_mm(lesion['portal_vein_distance_mm']):>7} {_mm(lesion['hepatic_vein_distance_mm']):>7}  {contact:<7}  "
                f"{_segments_cell(lesion['segments']) or '-'}"
            )
    lines.extend(f"warning: {warning}" for warning in report["warnings"])
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    options = measure_options(args)  # before the slow loading: a bad value fails at once
    session = labelled_session_from_args(args, options)  # opened and measured as the viewer does
    report = measurements_json(session.case, session.measurements)
    if args.json:
        print_json(report)
    elif args.csv:
        sys.stdout.write(measurements_csv(report, args.image))
    else:
        sys.stdout.write(measurements_text(report))
    return 0
