"""Cohort tables: one row per patient in, the same row plus score columns out (pure, no files).

Input columns named like a clinical field (``differentiation``, ``node_positive``,
``cea_ng_ml``, ``pt4``, ``kras_mutated``, ...) or an image item (``lesion_count``,
``largest_diameter_cm``, ``tlvr``, ``ttv_ml``, ``ttv_followup_ml``, ...) are read; an empty
cell is unknown; every other column is passed through. Image items come from the table,
so their origin is ``typed``. Added per score id of :data:`COHORT_SCORES`:
``<id>_total``, ``<id>_group``, ``<id>_complete`` (1/0) and ``<id>_missing`` (input names,
``;``-separated), then ``ttv_change_ml``, ``ttv_change_percent`` and ``input_warnings`` (values
outside their plausible range, ``;``-separated; they are scored all the same).

Numbers out carry full precision (the table is for machines); numbers in are read with the
decimal mark stated by the user, or refused when ambiguous (``1,200``). A column whose name
is close to a known input (``diferentiation``) is refused with the nearest name, never ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import difflib
import re

from cned_viewer.core.cells import DecimalMark
from cned_viewer.core.clinical import FIELDS_BY_NAME, ClinicalData
from cned_viewer.core.formatting import machine_number
from cned_viewer.errors import UserError
from cned_viewer.scores.inputs import build_inputs, input_warnings
from cned_viewer.scores.registry import evaluate_all
from cned_viewer.scores.results import ScoreResult
from cned_viewer.scores.ttv import ttv_change

COHORT_SCORES: tuple[str, ...] = ("cned", "fong", "tbs", "game", "mcs", "nordlinger")
_SCORE_SUFFIXES = ("total", "group", "complete", "missing")
_TTV_COLUMNS = ("ttv_change_ml", "ttv_change_percent", "input_warnings")
_CLOSE_ENOUGH = 0.8


@dataclass(frozen=True)
class RowError:
    """A row that could not be scored: its line in the file, patient id and the reason."""

    line: int
    patient_id: str
    reason: str

    def __str__(self) -> str:
        who = f" (patient {self.patient_id})" if self.patient_id else ""
        return f"line {self.line}{who}: {self.reason}"


def output_columns(input_columns: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """The input columns, then ``extra`` (e.g. measured values), then the score columns; :class:`UserError`
    if an added one already exists."""
    added = list(extra) + [f"{sid}_{suffix}" for sid in COHORT_SCORES for suffix in _SCORE_SUFFIXES] + list(_TTV_COLUMNS)
    clash = [c for c in added if c in input_columns]
    if clash:
        raise UserError(f"the table already has column(s) {', '.join(clash)}; rename or remove them and retry")
    return list(input_columns) + added


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def check_header(columns: Sequence[str], known: Sequence[str] = ()) -> None:
    """:class:`UserError` naming every column that looks like a misspelled input, with the nearest name.

    ``known``: other column names the caller reads (they are not suspects).
    """
    fields = list(FIELDS_BY_NAME)
    keys = {_key(name): name for name in fields}
    suspects = []
    for column in columns:
        if column in FIELDS_BY_NAME or column in known:
            continue
        prefix = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_") + "_"
        near = (keys.get(_key(column)) or next((f for f in fields if f.startswith(prefix)), None)
                or next(iter(difflib.get_close_matches(column.lower(), fields, 1, _CLOSE_ENOUGH)), None))
        if near is not None:
            suspects.append(f"{column!r} (did you mean {near!r}?)")
    if suspects:
        raise UserError(f"column(s) {', '.join(suspects)} look like clinical inputs but are not their names, so they "
                        "would be ignored; rename them to the names given and retry")


def row_clinical(row: Mapping[str, Any], decimal: DecimalMark | None = None) -> ClinicalData:
    """Clinical data of one row; :class:`UserError` naming the column of the first bad cell.

    ``decimal``: the decimal mark when the user stated it (``None``: ambiguous numbers are refused).
    """
    clinical: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    for column, cell in row.items():
        spec = FIELDS_BY_NAME.get(column) if isinstance(column, str) else None
        if spec is None:
            continue
        try:
            value = spec.parse(cell, decimal)
        except UserError as exc:
            raise UserError(f"column {column}: {exc}") from None
        if value is not None:
            (overrides if spec.image_derived else clinical)[column] = value
    return ClinicalData(**clinical, overrides=overrides)


def score_row(row: Mapping[str, Any], measurements: Mapping[str, Any] | None = None,
              followup: Mapping[str, Any] | None = None, decimal: DecimalMark | None = None) -> dict[str, str]:
    """The added cells of one row (see the module docstring); :class:`UserError` if a cell is bad.

    ``measurements`` (a measurement JSON of the row's scan) supplies the image items, ``followup``
    (that of the scan after induction therapy) the follow-up TTV; a cell for an image item then
    overrides the measured value, as an override in the form does.
    """
    if None in row:
        raise UserError("the row has more cells than the header; check separators and quotes")
    short = [column for column, cell in row.items() if cell is None]
    if short:
        raise UserError(f"the row has fewer cells than the header (no {short[0]}); check separators and quotes")
    clinical = row_clinical(row, decimal)
    inputs = build_inputs(clinical, measurements, followup)
    out: dict[str, str] = {}
    for result in evaluate_all(inputs, COHORT_SCORES):
        out.update(_score_cells(result))
    change = ttv_change(inputs["ttv_ml"].value, inputs["ttv_followup_ml"].value)
    out["ttv_change_ml"] = _number(change["change_ml"])
    out["ttv_change_percent"] = _number(change["change_percent"])
    out["input_warnings"] = "; ".join(input_warnings(inputs))
    return out


def _score_cells(result: ScoreResult) -> dict[str, str]:
    sid = result.score_id
    return {f"{sid}_total": _number(result.total), f"{sid}_group": result.group or "",
            f"{sid}_complete": "1" if result.complete else "0", f"{sid}_missing": ";".join(result.missing)}


def _number(value: float | None) -> str:
    return "" if value is None else machine_number(value)


def score_table(rows: Iterable[tuple[int, Mapping[str, Any]]],
                decimal: DecimalMark | None = None) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Score ``(line number, row)`` pairs: good rows with their added cells, and the bad rows' errors."""
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for line, row in rows:
        try:
            good.append({**row, **score_row(row, decimal=decimal)})
        except UserError as exc:
            errors.append(RowError(line, str(row.get("patient_id") or ""), str(exc)))
    return good, errors
