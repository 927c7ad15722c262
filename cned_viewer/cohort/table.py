"""A ``batch`` or ``score-table`` output (or any table with the same columns) as numbers for the statistics.

Predictors: each score of :data:`~cned_viewer.scores.cohort.COHORT_SCORES` by its ``<id>_total`` and
``<id>_group`` columns, and the continuous image items TLVR and TTV (the typed ``tlvr`` / ``ttv_ml``
cell, else the measured ``measured_tlvr`` / ``measured_ttv_ml``). Score items (for the logistic
model) are re-derived per row by the score definitions themselves, with measured values standing in
for empty image cells. Every bad cell is a one-line :class:`UserError` naming its line and column.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cned_viewer.core.cells import CellError, DecimalMark, parse_decimal, parse_yes_no
from cned_viewer.errors import UserError
from cned_viewer.scores.cohort import COHORT_SCORES, row_clinical
from cned_viewer.scores.evidence import CNED_TLVR_AT_LEAST
from cned_viewer.scores.inputs import build_inputs
from cned_viewer.scores.registry import evaluate_all, get_score

#: Continuous predictors: id -> (typed column, measured column, label).
CONTINUOUS: dict[str, tuple[str, str, str]] = {
    "tlvr": ("tlvr", "measured_tlvr", "TLVR"),
    "ttv": ("ttv_ml", "measured_ttv_ml", "TTV (mL)"),
}
#: Image inputs and the measured column (with its unit factor) that stands in for an empty cell.
MEASURED_INPUTS: dict[str, tuple[str, float]] = {
    "lesion_count": ("measured_lesion_count", 1.0),
    "tlvr": ("measured_tlvr", 1.0),
    "ttv_ml": ("measured_ttv_ml", 1.0),
    "ttv_followup_ml": ("measured_followup_ttv_ml", 1.0),
    "largest_diameter_cm": ("measured_largest_axial_diameter_mm", 0.1),
}
PREDICTOR_IDS: tuple[str, ...] = (*COHORT_SCORES, *CONTINUOUS)


@dataclass(frozen=True)
class Predictor:
    """One score or image item: its values per row (NaN: unknown) and its group label per row ("": none)."""

    id: str
    label: str
    values: np.ndarray
    groups: np.ndarray
    continuous: bool
    group_order: tuple[str, ...]


@dataclass(frozen=True)
class Cohort:
    """The rows of a cohort table: who, the outcome, time and event (NaN: unknown) and the predictors."""

    patients: tuple[str, ...]
    outcome: np.ndarray | None
    time: np.ndarray | None
    event: np.ndarray | None
    predictors: tuple[Predictor, ...]
    rows: tuple[Mapping[str, str], ...]
    outcome_good: bool = False

    @property
    def n(self) -> int:
        return len(self.patients)


def _cell(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _numbers(rows: Sequence[tuple[int, Mapping[str, str]]], column: str, decimal: DecimalMark | None) -> np.ndarray:
    out = np.full(len(rows), np.nan)
    for i, (line, row) in enumerate(rows):
        cell = _cell(row, column)
        if cell:
            try:
                out[i] = parse_decimal(cell, decimal)
            except CellError as error:
                raise UserError(f"line {line}, column {column}: {error}") from None
    return out


def _yes_no(rows: Sequence[tuple[int, Mapping[str, str]]], column: str) -> np.ndarray:
    out = np.full(len(rows), np.nan)
    for i, (line, row) in enumerate(rows):
        cell = _cell(row, column)
        if cell:
            value = parse_yes_no(cell)
            if value is None:
                raise UserError(f"line {line}, column {column}: {cell!r} is not yes/no (1/0, yes/no, true/false); fix the cell or leave it empty")
            out[i] = float(value)
    return out


def _require(header: Sequence[str], *columns: str | None) -> None:
    missing = [c for c in columns if c is not None and c not in header]
    if missing:
        raise UserError(f"the table has no column {', '.join(repr(c) for c in missing)}; "
                        f"its columns are: {', '.join(header[:20])}{' ...' if len(header) > 20 else ''}")


def _score_predictor(score_id: str, rows: Sequence[tuple[int, Mapping[str, str]]], decimal: DecimalMark | None) -> Predictor:
    definition = get_score(score_id)
    order = tuple(label for label, _ in getattr(definition, "groups", ()))
    groups = np.array([_cell(row, f"{score_id}_group") for _, row in rows], dtype=object)
    return Predictor(score_id, definition.name, _numbers(rows, f"{score_id}_total", decimal), groups, False,
                     order or tuple(sorted({g for g in groups if g})))


def _continuous_predictor(item_id: str, rows: Sequence[tuple[int, Mapping[str, str]]], decimal: DecimalMark | None) -> Predictor:
    typed, measured, label = CONTINUOUS[item_id]
    values = np.where(np.isnan(typed_values := _numbers(rows, typed, decimal)), _numbers(rows, measured, decimal), typed_values)
    known = values[~np.isnan(values)]
    cutoff = CNED_TLVR_AT_LEAST if item_id == "tlvr" else (float(np.median(known)) if known.size else 0.0)
    what = "C-NED cut-off" if item_id == "tlvr" else "cohort median"
    low, high = f"< {cutoff:g} ({what})", f">= {cutoff:g}"
    groups = np.array(["" if np.isnan(v) else (high if v >= cutoff else low) for v in values], dtype=object)
    return Predictor(item_id, label, values, groups, True, (low, high))


def _available(header: Sequence[str], predictor_id: str) -> bool:
    if predictor_id in CONTINUOUS:
        return any(column in header for column in CONTINUOUS[predictor_id][:2])
    return f"{predictor_id}_total" in header


def load_cohort(header: Sequence[str], rows: Sequence[tuple[int, Mapping[str, str]]], *, outcome: str | None = None,
                time: str | None = None, event: str | None = None, score_ids: Sequence[str] | None = None,
                outcome_good: bool = False, decimal: DecimalMark | None = None) -> Cohort:
    """Read the table's outcome, time/event and predictor columns.

    ``outcome_good``: 1 in the outcome column is a good event (e.g. conversion to NED), so the outcome
    analysed is its opposite (the paper's "conversion failure"). ``score_ids``: which predictors (default:
    every one the table has).
    """
    if (time is None) != (event is None):
        raise UserError("give --time and --event together (time to event and whether it happened)")
    if outcome is None and time is None:
        raise UserError("nothing to analyse: give --outcome COLUMN (binary) and/or --time COLUMN --event COLUMN")
    _require(header, outcome, time, event)
    unknown = [s for s in score_ids or () if s not in PREDICTOR_IDS]
    if unknown:
        raise UserError(f"unknown score {', '.join(unknown)}; choose from {', '.join(PREDICTOR_IDS)}")
    chosen = list(score_ids) if score_ids else [p for p in PREDICTOR_IDS if _available(header, p)]
    missing = [p for p in chosen if not _available(header, p)]
    if missing or not chosen:
        raise UserError(f"the table has no column for {', '.join(missing) or 'any score'} (expected <score>_total, "
                        "tlvr or ttv_ml as written by 'batch' or 'score-table'); score the table first")
    predictors = tuple(_continuous_predictor(p, rows, decimal) if p in CONTINUOUS else _score_predictor(p, rows, decimal)
                       for p in chosen)
    outcome_values = None if outcome is None else _yes_no(rows, outcome)
    if outcome_values is not None and outcome_good:
        outcome_values = 1.0 - outcome_values
    times = None if time is None else _numbers(rows, time, decimal)
    if times is not None and np.any(times[~np.isnan(times)] < 0):
        raise UserError(f"column {time} has negative times; give the time from baseline to the event or last follow-up")
    patients = tuple(_cell(row, "patient_id") or f"line {line}" for line, row in rows)
    return Cohort(patients, outcome_values, times, None if event is None else _yes_no(rows, event), predictors,
                  tuple(row for _, row in rows), outcome_good)


def _with_measured(row: Mapping[str, str], decimal: DecimalMark | None) -> dict[str, str]:
    """The row with each empty image input filled from its measured column (as the measurement would)."""
    filled = {key: value for key, value in row.items() if isinstance(key, str)}
    for name, (column, factor) in MEASURED_INPUTS.items():
        if not _cell(row, name) and _cell(row, column):
            try:
                filled[name] = repr(parse_decimal(_cell(row, column), decimal) * factor)
            except CellError:
                continue
    return filled


def score_items(cohort: Cohort, score_id: str, decimal: DecimalMark | None = None) -> dict[str, np.ndarray]:
    """The points of each item of a point score per row, by item label (NaN where undecided), from the score's
    own definition; empty for a score without point items."""
    columns: dict[str, np.ndarray] = {}
    for i, row in enumerate(cohort.rows):
        try:
            result = evaluate_all(build_inputs(row_clinical(_with_measured(row, decimal), decimal)), [score_id])[0]
        except UserError:
            continue
        for item in result.items:
            if item.max_points > 0:
                column = columns.setdefault(item.label, np.full(cohort.n, np.nan))
                if item.points is not None:
                    column[i] = item.points
    return columns


def read_results_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a results table for display (``,`` ``;`` or tab separated, UTF-8);
    :class:`UserError` for a file that is not one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {path.name} as a text table: {getattr(error, 'strerror', None) or error}") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    if "image" not in header:
        raise UserError(f"{path.name} has no image column; open the output of 'cned-viewer batch'")
    reader.fieldnames = header
    return header, [dict(row) for row in reader]
