"""``cned-viewer batch CASES.csv -o OUT.csv [--jobs N]``: measure and score a cohort, one row per case.

The input table has one row per case: ``image`` and ``labels`` (paths, relative to the table's
folder unless absolute), optionally ``segments``, ``label_map`` and ``series``, optionally the
scan after induction therapy as ``followup_image`` and ``followup_labels`` (its TTV gives the TTV
change), and any clinical columns that ``score-table`` reads (``differentiation``, ``cea_ng_ml``,
...); other columns pass through. Each case is loaded and measured as ``measure`` does; the output row adds the
``measured_*`` columns, the score columns of ``score-table`` (image items from the measurement,
unless the row gives a value, which then overrides it) and ``batch_error``. A case that fails
(a missing file, a mask off the image) is reported in ``batch_error`` and the others go on.

:func:`process_case` is the unit of work: plain data in and out, so that a process pool here,
or a distributed engine for larger cohorts, can map it over the rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from cned_viewer.commands.common import add_measure_options, check_output_path, measure_options, read_table, write_table
from cned_viewer.commands.measure import CASE_COLUMNS, csv_cell
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE
from cned_viewer.errors import UserError
from cned_viewer.io.case_loader import load_case
from cned_viewer.measure import MeasureOptions, measure
from cned_viewer.commands.score import add_decimal_option
from cned_viewer.scores.cohort import check_header, output_columns, score_row

PATH_COLUMNS = ("image", "labels", "segments")
CASE_INPUT_COLUMNS = (*PATH_COLUMNS, "label_map", "series", "followup_image", "followup_labels")
ERROR_COLUMN = "batch_error"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="measure and score a cohort: one row per case (image, labels, clinical columns)",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    parser.add_argument("input", type=Path, metavar="CASES.csv", help="one row per case: image, labels[, segments, label_map, series, clinical columns]")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.csv", help="the results (written atomically)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="cases measured at once, each in its own process (default 1)")
    add_decimal_option(parser)
    add_measure_options(parser)
    parser.set_defaults(func=run)


def measured_columns(volume_keys: list[str]) -> list[str]:
    """The ``measured_*`` columns: the case-level measurements, label volumes and the largest diameters."""
    return ([f"measured_{key}" for key in CASE_COLUMNS] + [f"measured_volume_{key}_ml" for key in volume_keys]
            + ["measured_largest_axial_diameter_mm", "measured_largest_feret_diameter_mm",
               "measured_portal_vein_contacts", "measured_hepatic_vein_contacts", "measured_followup_ttv_ml"])


def measured_cells(report: Mapping[str, Any]) -> dict[str, str]:
    """The ``measured_*`` cells of one measurement JSON."""
    lesions = report["lesions"]
    cells = {f"measured_{key}": csv_cell(report[key]) for key in CASE_COLUMNS}
    cells.update({f"measured_volume_{key}_ml": csv_cell(value) for key, value in report["volumes_ml"].items()})
    cells["measured_largest_axial_diameter_mm"] = csv_cell(max((l["axial_diameter_mm"] for l in lesions), default=None))
    cells["measured_largest_feret_diameter_mm"] = csv_cell(max((l["feret_diameter_mm"] for l in lesions), default=None))
    cells["measured_portal_vein_contacts"] = str(sum(1 for l in lesions if l["portal_vein_contact"]))
    cells["measured_hepatic_vein_contacts"] = str(sum(1 for l in lesions if l["hepatic_vein_contact"]))
    return cells


def _path(row: Mapping[str, Any], column: str, folder: Path) -> Path | None:
    cell = (row.get(column) or "").strip()
    if not cell:
        return None
    path = Path(cell).expanduser()
    return path if path.is_absolute() else folder / path


def _followup(row: Mapping[str, Any], folder: Path, mapping: str | None, options: MeasureOptions) -> dict[str, Any] | None:
    """The measurement JSON of the row's follow-up scan, or None when the row names none."""
    image, labels = _path(row, "followup_image", folder), _path(row, "followup_labels", folder)
    if image is None and labels is None:
        return None
    if image is None or labels is None:
        raise UserError("the follow-up scan needs both followup_image and followup_labels")
    try:
        return measure(load_case(image, labels, mapping), options).to_json()
    except UserError as error:
        raise UserError(f"follow-up scan: {error}") from None


def process_case(row: Mapping[str, Any], folder: Path, options: MeasureOptions, decimal: str | None = None) -> dict[str, str]:
    """Load, measure and score one case; the row's added cells (``batch_error`` empty), or only
    ``batch_error`` when the case cannot be measured or scored."""
    try:
        image, labels = _path(row, "image", folder), _path(row, "labels", folder)
        if image is None or labels is None:
            raise UserError("the row needs an image and a labels path")
        mapping = (row.get("label_map") or "").strip() or None
        case = load_case(image, labels, mapping, (row.get("series") or "").strip() or None, _path(row, "segments", folder))
        report = measure(case, options).to_json()
        followup = _followup(row, folder, mapping, options)
        cells = {**measured_cells(report), **score_row(row, report, followup, decimal), ERROR_COLUMN: ""}
        cells["measured_followup_ttv_ml"] = "" if followup is None else csv_cell(followup["ttv_ml"])
        return cells
    except UserError as error:
        return {ERROR_COLUMN: str(error)}
    except Exception as error:  # noqa: BLE001 - one broken case must not stop a cohort of hundreds
        return {ERROR_COLUMN: f"internal error: {type(error).__name__}: {error} (measure this case alone with --debug and report it)"}


def run(args: argparse.Namespace) -> int:
    options = measure_options(args)
    check_output_path(args.output, args.input)
    header, rows, delimiter = read_table(args.input)
    missing = [column for column in ("image", "labels") if column not in header]
    if missing:
        raise UserError(f"{args.input} has no {' or '.join(missing)} column; give one row per case with image and labels paths")
    if args.jobs < 1:
        raise UserError("--jobs must be 1 or more")
    check_header(header, CASE_INPUT_COLUMNS)
    folder = args.input.resolve().parent
    start = time.perf_counter()
    cases = [row for _, row in rows]
    if args.jobs == 1 or len(cases) < 2:
        added = []
        for number, row in enumerate(cases, start=1):
            added.append(process_case(row, folder, options, args.decimal))
            _progress(number, len(cases), row, added[-1], start)
    else:
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
            added = list(pool.map(process_case, cases, [folder] * len(cases), [options] * len(cases), [args.decimal] * len(cases)))
        for number, (row, cells) in enumerate(zip(cases, added), start=1):
            _progress(number, len(cases), row, cells, start)
    columns = output_columns(header, measured_columns([label.key for label in DEFAULT_LABEL_TABLE.labels]) + [ERROR_COLUMN])
    write_table(args.output, columns, [{**row, **cells} for row, cells in zip(cases, added)], delimiter)
    failed = sum(1 for cells in added if cells[ERROR_COLUMN])
    print(f"measured {len(cases) - failed} of {len(cases)} case(s) into {args.output} in {time.perf_counter() - start:.1f} s"
          + (f"; {failed} failed (see {ERROR_COLUMN})" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


def _progress(number: int, total: int, row: Mapping[str, Any], cells: Mapping[str, str], start: float) -> None:
    who = row.get("patient_id") or row.get("image") or f"row {number}"
    status = f"failed: {cells[ERROR_COLUMN]}" if cells[ERROR_COLUMN] else "ok"
    print(f"[{number}/{total}] {who}: {status} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
