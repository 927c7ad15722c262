"""``cned-viewer batch CASES.csv -o OUT.csv [--jobs N | --scheduler ADDRESS] [--resume]``: measure and score a cohort.

The input table has one row per case: ``image`` and ``labels`` (paths, relative to the table's
folder unless absolute), optionally ``segments``, ``label_map`` and ``series``, optionally a
follow-up scan as ``compare`` takes it: ``followup`` (older name ``followup_image``),
``followup_labels`` and ``targets`` (RECIST targets by baseline number, ``1;3``), and any clinical
columns that ``score-table`` reads (``differentiation``, ``cea_ng_ml``, ...); other columns pass
through. Each case is opened and measured as ``measure`` and the viewer open and measure it (a
headless case session); a row with a follow-up is compared as ``compare`` compares (the same
code). The output row adds the ``measured_*`` columns, the response columns (empty without a
follow-up), the score columns of ``score-table`` (image items from the measurement, unless the
row gives a value, which then overrides it; ``ttv_change_percent`` is the follow-up's TTV change)
and ``batch_error``. A case that fails (a missing file, a mask off the image, a follow-up without
a liver) is reported in ``batch_error`` and the others go on.

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
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TypeVar

from cned_viewer.cohort.response_columns import RESPONSE_COLUMNS, response_cells
from cned_viewer.cohort.runner import Journal, Task, rows_in_order, run_tasks, task_key
from cned_viewer.commands.common import add_measure_options, check_output_path, measure_options, read_table, write_table
from cned_viewer.commands.measure import CASE_COLUMNS, csv_cell
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE
from cned_viewer.errors import UserError
from cned_viewer.measure import MeasureOptions
from cned_viewer.commands.score import add_decimal_option
from cned_viewer.scores.cohort import check_header, output_columns, row_clinical, score_row
from cned_viewer.session import CaseSession
from cned_viewer.session.comparison import compare_sessions, parse_targets
from cned_viewer.session.headless import headless_session, open_case

T = TypeVar("T")
#: The follow-up scan's column (``compare --followup``), then its older name.
FOLLOWUP_COLUMNS = ("followup", "followup_image")
PATH_COLUMNS = ("image", "labels", "segments", *FOLLOWUP_COLUMNS, "followup_labels")
CASE_INPUT_COLUMNS = (*PATH_COLUMNS, "label_map", "series", "targets")
ERROR_COLUMN = "batch_error"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch", help="measure and score a cohort: one row per case (image, labels, clinical columns)",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    parser.add_argument("input", type=Path, metavar="CASES.csv", help="one row per case: image, labels[, segments, label_map, series, followup, followup_labels, targets, "
                             "clinical columns]")
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


def _followup_paths(row: Mapping[str, Any], folder: Path) -> tuple[Path, Path] | None:
    """The row's follow-up scan and labels, or None when it names neither."""
    given = {column: path for column in FOLLOWUP_COLUMNS if (path := _path(row, column, folder)) is not None}
    if len(set(given.values())) > 1:
        raise UserError("followup and followup_image name different scans; keep one of the two columns (followup)")
    column, image = next(iter(given.items()), ("followup", None))
    labels = _path(row, "followup_labels", folder)
    if image is None and labels is None:
        return None
    if image is None or labels is None:
        raise UserError(f"the follow-up scan needs both {column} and followup_labels; fill both cells or leave both empty")
    return image, labels


def _collected(work: Callable[[], T]) -> T:
    """``work()``, then the objects it made collected at once.

    The session's objects form reference cycles (signals, channels) that hold the case's arrays; they
    are freed at once by a collection of the objects made meanwhile (older ones frozen: cheap), so a
    worker holds one case at a time, not every case since Python's last full collection."""
    frozen = gc.get_freeze_count() > 0  # objects frozen by someone else (another thread's case): leave them so
    if not frozen:
        gc.freeze()
    try:
        return work()
    finally:
        gc.collect()
        if not frozen:
            gc.unfreeze()


def _measured_session(options: MeasureOptions, image: Path, labels: Path, mapping: str | None, series: str | None = None,
                      segments: Path | None = None) -> CaseSession:
    session = open_case(headless_session(options), str(image), str(labels), mapping, series, None if segments is None else str(segments))
    if session.measurements is None:
        raise UserError("the case has no labels to measure")
    return session


Reports = tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]


def case_json(row: Mapping[str, Any], folder: Path, options: MeasureOptions, decimal: str | None = None) -> Reports:
    """The row's measurement JSON, and with a follow-up its measurement JSON and the ``compare`` JSON (else None, None);
    each case opened and measured by a headless session as the viewer does, then freed (:func:`_collected`).

    The comparison scores both time points with the row's clinical inputs; values typed for image items (a
    ``tlvr`` cell) describe the baseline scan, so they are left out there."""
    image, labels = _path(row, "image", folder), _path(row, "labels", folder)
    if image is None or labels is None:
        raise UserError("the row needs an image and a labels path")
    targets = parse_targets(row.get("targets"), "the targets column")  # bad cells fail before the slow loading
    followup_paths = _followup_paths(row, folder)
    if followup_paths is None and targets is not None:
        raise UserError("targets are the RECIST targets of a follow-up; give followup and followup_labels, or leave targets empty")
    mapping = (row.get("label_map") or "").strip() or None
    clinical = replace(row_clinical(row, decimal), overrides={})
    return _collected(lambda: _compared(options, (image, labels), followup_paths, mapping, targets,
                                        (row.get("series") or "").strip() or None, _path(row, "segments", folder), clinical))


def _compared(options: MeasureOptions, baseline_paths: tuple[Path, Path], followup_paths: tuple[Path, Path] | None,
              mapping: str | None, targets: list[int] | None, series: str | None, segments: Path | None,
              clinical: ClinicalData) -> Reports:
    baseline = _measured_session(options, *baseline_paths, mapping, series, segments)
    if followup_paths is None:
        return baseline.measurements.to_json(), None, None
    try:
        followup = _measured_session(options, *followup_paths, mapping)
        comparison = compare_sessions(baseline, followup, targets, clinical, targets_source="targets")
    except UserError as error:
        raise UserError(f"follow-up scan: {error}") from None
    return baseline.measurements.to_json(), followup.measurements.to_json(), comparison


def process_case(row: Mapping[str, Any], folder: Path, options: MeasureOptions, decimal: str | None = None) -> dict[str, str]:
    """Open, measure, compare (with a follow-up) and score one case; the row's added cells (``batch_error`` empty), or only
    ``batch_error`` when the case cannot be measured or scored."""
    try:
        report, followup, comparison = case_json(row, folder, options, decimal)
        cells = {**measured_cells(report), **response_cells(comparison), **score_row(row, report, followup, decimal), ERROR_COLUMN: ""}
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
    columns = output_columns(header, measured_columns([label.key for label in DEFAULT_LABEL_TABLE.labels]) + list(RESPONSE_COLUMNS)
                             + [ERROR_COLUMN])
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
