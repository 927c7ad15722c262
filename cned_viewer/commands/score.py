"""``score`` (one patient) and ``score-table`` (a cohort CSV): file reading and writing only.

The logic lives in :mod:`cned_viewer.scores` (inputs, registry, cohort, text).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cned_viewer.commands.common import check_output_path, read_json_file, read_table, write_table
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.scores.cohort import check_header, output_columns, score_table
from cned_viewer.scores.evidence import evidence_for
from cned_viewer.scores.inputs import build_inputs, input_warnings
from cned_viewer.scores.registry import evaluate_all, list_scores
from cned_viewer.scores.text import format_results

JSON_SCHEMA_VERSION = 1


def register(subparsers: Any) -> None:
    """Add ``score`` and ``score-table`` to the CLI."""
    score = subparsers.add_parser(
        "score", help="all scores of one patient (C-NED, Fong, TBS, GAME, m-CS, Nordlinger, TTV)",
        description="Score one patient from clinical data and, optionally, the image measurements.")
    score.add_argument("--clinical", type=Path, help="clinical data JSON (see cned_viewer.core.clinical)")
    score.add_argument("--measurements", type=Path, help="measurement JSON of the baseline scan")
    score.add_argument("--followup-measurements", type=Path,
                       help="measurement JSON of the first scan after induction therapy (TTV change)")
    score.add_argument("--diameter", choices=("axial", "feret"), default="axial",
                       help="lesion diameter used as 'largest diameter' (default: axial, RECIST-style)")
    score.add_argument("--json", action="store_true", help="print JSON instead of a text table")
    score.add_argument("--list", action="store_true", help="list the available scores and their inputs, then exit")
    score.set_defaults(func=run_score)

    table = subparsers.add_parser(
        "score-table", help="score a cohort CSV (one row per patient)",
        description="Add <score>_total, _group, _complete and _missing columns to every row of a CSV. "
                    "Empty cells are unknown; rows with invalid cells are reported and left out.")
    table.add_argument("input", type=Path, help="input CSV (comma or semicolon separated, UTF-8)")
    table.add_argument("-o", "--output", type=Path, required=True, help="output CSV (written atomically)")
    add_decimal_option(table)
    table.set_defaults(func=run_score_table)


def add_decimal_option(parser: argparse.ArgumentParser) -> None:
    """``--decimal , | .``: the decimal mark of the table's numbers (ambiguous ones are refused without it)."""
    parser.add_argument("--decimal", choices=(",", "."), default=None,
                        help="decimal mark of the numbers in the table; without it a number such as 1,200 "
                             "(thousands separator or decimal comma?) is refused with its row and column")


def run_score(args: argparse.Namespace) -> int:
    """Print every score of one patient; exit 0 (incomplete scores are a valid result)."""
    if args.list:
        described = [s.describe() for s in list_scores()]
        if args.json:
            print(json.dumps(described, indent=2, ensure_ascii=False))
        else:
            for d in described:
                print(f"{d['id']}: {d['name']} ({d['citation']}); inputs: {', '.join(i['name'] for i in d['inputs'])}")
        return 0
    if args.clinical is None:
        raise UserError("give the clinical data with --clinical C.json (or --list to see the scores)")
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data"))
    measurements = read_json_file(args.measurements, "measurements") if args.measurements else None
    followup = read_json_file(args.followup_measurements, "follow-up measurements") if args.followup_measurements else None
    inputs = build_inputs(clinical, measurements, followup, diameter=args.diameter)
    results = evaluate_all(inputs)
    warnings = input_warnings(inputs)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        payload = {"schema_version": JSON_SCHEMA_VERSION, "diameter": args.diameter, "warnings": warnings,
                   "scores": [r.to_dict() for r in results],
                   "inputs": {name: value.to_dict() for name, value in inputs.items()},
                   "evidence": {r.score_id: e.to_dict() for r in results if (e := evidence_for(r.score_id))}}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(format_results(results))
    return 0


def run_score_table(args: argparse.Namespace) -> int:
    """Score a cohort CSV; exit 0 if every row was scored, 1 if some rows were left out."""
    check_output_path(args.output, args.input)
    header, rows, delimiter = read_table(args.input)
    check_header(header)
    columns = output_columns(header)
    good, errors = score_table(rows, args.decimal)
    write_table(args.output, columns, good, delimiter)
    for error in errors:
        print(f"{args.input}: {error}", file=sys.stderr)
    for row in good:
        if row["input_warnings"]:
            who = f" (patient {row['patient_id']})" if row.get("patient_id") else ""
            print(f"{args.input}{who}: warning: {row['input_warnings']}", file=sys.stderr)
    print(f"scored {len(good)} row(s) into {args.output}" + (f"; {len(errors)} row(s) left out" if errors else ""),
          file=sys.stderr)
    return 1 if errors else 0
