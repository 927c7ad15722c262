"""``cned-viewer batch CASES.csv -o OUT.csv [--jobs N | --scheduler ADDRESS] [--resume]``: measure and score a cohort.

The input table has one row per case: ``image`` and ``labels`` (paths, relative to the table's
folder unless absolute), optionally ``segments``, ``label_map`` and ``series``, optionally the
scan after induction therapy as ``followup_image`` and ``followup_labels`` (its TTV gives the TTV
change), and any clinical columns that ``score-table`` reads (``differentiation``, ``cea_ng_ml``,
...); other columns pass through. Each case is opened and measured as ``measure`` and the viewer
open and measure it (a headless case session); the output row adds the ``measured_*`` columns,
the score columns of ``score-table`` (image items from the measurement, unless the row gives a
value, which then overrides it) and ``batch_error``. A case that fails (a missing file, a mask
off the image) is reported in ``batch_error`` and the others go on.

:func:`process_case` is the unit of work: plain data in and out (paths, not arrays). It runs on a
Dask ``LocalCluster`` of ``--jobs`` worker processes (default: one per CPU), on an existing cluster
with ``--scheduler``, or in this process with ``--jobs 1`` (no cluster start-up, for small runs).
Each finished case is journalled beside the output (:mod:`cned_viewer.cohort.runner`), so
``--resume`` after an interruption does not redo finished cases; the table is written at the end.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cned_viewer.cohort.runner import Journal, Task, rows_in_order, run_tasks, task_key
from cned_viewer.commands.common import add_measure_options, check_output_path, measure_options, read_table, write_table
from cned_viewer.commands.measure import CASE_COLUMNS, csv_cell
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE
from cned_viewer.errors import UserError
from cned_viewer.measure import MeasureOptions
from cned_viewer.commands.score import add_decimal_option
from cned_viewer.scores.cohort import check_header, output_columns, score_row
from cned_viewer.session.headless import headless_session, open_case

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
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="local Dask worker processes, one case at a time each (default: one per CPU); 1 runs in this process")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on an existing Dask cluster: the scheduler's address (tcp://HOST:PORT) or its scheduler file")
    parser.add_argument("--threads-per-worker", type=int, default=1, metavar="N",
                        help="cases at once per local worker (default 1: one case in memory per worker)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run with the same -o: finished cases are taken from its journal")
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
        return measured_json(options, image, labels, mapping)
    except UserError as error:
        raise UserError(f"follow-up scan: {error}") from None


def measured_json(options: MeasureOptions, image: Path, labels: Path, mapping: str | None = None, series: str | None = None,
                  segments: Path | None = None) -> dict[str, Any]:
    """The measurement JSON of one case, opened and measured by a headless session as the viewer does.

    The session's objects form reference cycles (signals, channels) that hold the case's arrays; they
    are freed at once by a collection of the objects made meanwhile (older ones frozen: cheap), so a
    worker holds one case at a time, not every case since Python's last full collection."""
    frozen = gc.get_freeze_count() > 0  # objects frozen by someone else (another thread's case): leave them so
    if not frozen:
        gc.freeze()
    try:
        return _session_json(options, str(image), str(labels), mapping, series, None if segments is None else str(segments))
    finally:
        gc.collect()
        if not frozen:
            gc.unfreeze()


def _session_json(options: MeasureOptions, image: str, labels: str, mapping: str | None, series: str | None,
                  segments: str | None) -> dict[str, Any]:
    measurements = open_case(headless_session(options), image, labels, mapping, series, segments).measurements
    if measurements is None:
        raise UserError("the case has no labels to measure")
    return measurements.to_json()


def process_case(row: Mapping[str, Any], folder: Path, options: MeasureOptions, decimal: str | None = None) -> dict[str, str]:
    """Open, measure and score one case; the row's added cells (``batch_error`` empty), or only
    ``batch_error`` when the case cannot be measured or scored."""
    try:
        image, labels = _path(row, "image", folder), _path(row, "labels", folder)
        if image is None or labels is None:
            raise UserError("the row needs an image and a labels path")
        mapping = (row.get("label_map") or "").strip() or None
        report = measured_json(options, image, labels, mapping, (row.get("series") or "").strip() or None, _path(row, "segments", folder))
        followup = _followup(row, folder, mapping, options)
        cells = {**measured_cells(report), **score_row(row, report, followup, decimal), ERROR_COLUMN: ""}
        cells["measured_followup_ttv_ml"] = "" if followup is None else csv_cell(followup["ttv_ml"])
        return cells
    except UserError as error:
        return {ERROR_COLUMN: str(error)}
    except Exception as error:  # noqa: BLE001 - one broken case must not stop a cohort of hundreds
        return {ERROR_COLUMN: f"internal error: {type(error).__name__}: {error} (measure this case alone with --debug and report it)"}


def _workers(args: argparse.Namespace, cases: int) -> int:
    """Local workers: ``--jobs``, else one per CPU this process may use; never more than the cases."""
    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs must be 1 or more")
    if args.scheduler is not None and args.jobs is not None:
        raise UserError("--jobs sets the local workers; with --scheduler the cluster's own workers run the cases (drop --jobs)")
    if args.threads_per_worker < 1:
        raise UserError("--threads-per-worker must be 1 or more")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(args.jobs or cpus, cases))


PATH_COLUMNS = ("image", "labels", "segments", "followup_image", "followup_labels")


def _row_paths(rows: list[dict[str, Any]], folder: Path) -> list[Path]:
    """Every file or folder the rows name (relative to the table's folder)."""
    return [folder / str(row[column]) for row in rows for column in PATH_COLUMNS if row.get(column)]


def run(args: argparse.Namespace) -> int:
    options = measure_options(args)
    check_output_path(args.output, args.input)
    header, rows, delimiter = read_table(args.input)
    missing = [column for column in ("image", "labels") if column not in header]
    if missing:
        raise UserError(f"{args.input} has no {' or '.join(missing)} column; give one row per case with image and labels paths")
    check_header(header, CASE_INPUT_COLUMNS)
    columns = output_columns(header, measured_columns([label.key for label in DEFAULT_LABEL_TABLE.labels]) + [ERROR_COLUMN])
    folder = args.input.resolve().parent
    cases = [row for _, row in rows]
    check_output_path(args.output, args.input, *_row_paths(cases, folder))  # never write over a case's files
    workers = _workers(args, len(cases))
    start = time.perf_counter()
    tasks = [Task(i, task_key(i, row, str(folder), asdict(options), args.decimal),
                  row.get("patient_id") or row.get("image") or f"row {i + 1}", (row, folder, options, args.decimal))
             for i, row in enumerate(cases)]
    journal = Journal(args.output)
    results = run_tasks(process_case, tasks, journal, resume=args.resume, error_cells=lambda text: {ERROR_COLUMN: text},
                        error_of=lambda cells: cells[ERROR_COLUMN], scheduler=args.scheduler, workers=workers,
                        threads_per_worker=args.threads_per_worker)
    added = rows_in_order(tasks, results)
    write_table(args.output, columns, [{**row, **cells} for row, cells in zip(cases, added)], delimiter)
    journal.remove()
    failed = sum(1 for cells in added if cells[ERROR_COLUMN])
    print(f"measured {len(cases) - failed} of {len(cases)} case(s) into {args.output} in {time.perf_counter() - start:.1f} s"
          + (f"; {failed} failed (see {ERROR_COLUMN})" if failed else ""), file=sys.stderr)
    return 1 if failed else 0
