"""``cned-viewer cohort TABLE.csv``: the statistics of the score papers on your own cohort.

The table is the output of ``batch`` or ``score-table`` (or any table with the same columns), plus
the outcome columns: a binary ``--outcome`` (1/0, yes/no) and/or ``--time`` with ``--event``. Per score:
Harrell's C-index with a bootstrap 95 % interval; ROC, AUC and, for TLVR and TTV, the Youden-optimal
cut-off; Kaplan-Meier curves per score group with number-at-risk tables, medians with 95 % intervals
and the log-rank test; logistic regression of the outcome on the score items; C-NED calibration
beside the paper. Written as a PDF (-o) and, with --json, printed as JSON.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cned_viewer.cohort.stats import DEFAULT_BOOTSTRAP_SAMPLES
from cned_viewer.cohort.table import PREDICTOR_IDS
from cned_viewer.commands.common import check_output_path, print_json, read_table
from cned_viewer.commands.score import add_decimal_option
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cohort", help="cohort statistics of the scores: C-index, ROC/Youden, Kaplan-Meier, log-rank, logistic, calibration",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    parser.add_argument("input", type=Path, metavar="TABLE.csv", help="output of 'batch' or 'score-table' with outcome columns")
    parser.add_argument("--outcome", metavar="COLUMN", help="binary outcome column (1/0, yes/no): 1 = the event a higher score predicts")
    parser.add_argument("--outcome-good", action="store_true",
                        help="1 in --outcome is a good event (e.g. conversion to NED); it is analysed as its opposite, as the paper did")
    parser.add_argument("--time", metavar="COLUMN", help="time from baseline to the event or the last follow-up (e.g. months)")
    parser.add_argument("--event", metavar="COLUMN", help="whether the event (death, progression) happened at --time (1/0)")
    parser.add_argument("--score", nargs="+", metavar="ID", choices=PREDICTOR_IDS,
                        help=f"which scores (default: every one the table has): {', '.join(PREDICTOR_IDS)}")
    parser.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP_SAMPLES, metavar="N",
                        help=f"bootstrap resamples for the C-index interval (default {DEFAULT_BOOTSTRAP_SAMPLES}; fixed seed)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="cohort.pdf", help="the report (written atomically)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    add_decimal_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cned_viewer.cohort.analysis import analyse
    from cned_viewer.cohort.table import load_cohort

    check_output_path(args.output, args.input)
    if args.bootstrap < 0:
        raise UserError("--bootstrap must be 0 or more")
    header, rows, _ = read_table(args.input)
    if not rows:
        raise UserError(f"{args.input} has no rows; give one row per patient")
    cohort = load_cohort(header, rows, outcome=args.outcome, time=args.time, event=args.event, score_ids=args.score,
                         outcome_good=args.outcome_good, decimal=args.decimal)
    analysis = analyse(cohort, args.outcome, args.time, args.event, args.bootstrap, args.decimal)
    from cned_viewer.cohort.pdf import write_cohort_pdf

    atomic_write(args.output, lambda tmp: write_cohort_pdf(analysis, tmp))
    if args.json:
        print_json(analysis.to_json())
    return 0
