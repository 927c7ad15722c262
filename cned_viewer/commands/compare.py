"""``cned-viewer compare BASELINE --labels BL --followup FOLLOWUP --followup-labels FL [--json] [-o report.pdf]``.

Baseline against follow-up, lesion by lesion: each scan is opened and measured by the viewer's case
session on its own grid, the follow-up registered to the baseline (:mod:`cned_viewer.registration`),
the lesions paired and classified (:mod:`cned_viewer.followup`): RECIST 1.1 beside volumetric response,
C-NED and TLVR at each time point. ``-o`` writes a PDF with the "Response" section. See docs/follow-up.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cned_viewer.commands.common import (
    add_case_arguments,
    add_measure_options,
    case_inputs,
    check_output_path,
    labelled_session_from_args,
    measure_options,
    print_json,
    print_warnings,
    read_json_file,
)
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.measure import MeasureOptions
from cned_viewer.report.response_pdf import write_response_pdf
from cned_viewer.report.response_section import response_section
from cned_viewer.session import CaseSession
from cned_viewer.session.comparison import compare_sessions, parse_targets
from cned_viewer.session.headless import headless_session, open_case


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare", help="baseline against follow-up: lesion by lesion, RECIST 1.1 beside volumetric response",
        description="Registers the follow-up to the baseline (rigid then affine, by the livers), pairs the lesions "
                    "(persisting, new, disappeared, merged, split), and gives RECIST 1.1 and volumetric response, "
                    "early tumour shrinkage, depth of response, TLVR and C-NED per time point. See docs/follow-up.md.")
    add_case_arguments(parser)
    add_measure_options(parser)
    parser.add_argument("--followup", required=True, metavar="FOLLOWUP", help="the follow-up scan (same kinds as BASELINE)")
    parser.add_argument("--followup-labels", metavar="FL", help="label map of the follow-up scan")
    parser.add_argument("--targets", metavar="IDS", help="RECIST target lesions by baseline number, e.g. 1,3 (default: the two "
                                                         "largest measurable)")
    parser.add_argument("--clinical", type=Path, metavar="C.json", help="clinical data for the C-NED score (differentiation)")
    parser.add_argument("--json", action="store_true", help="print JSON (stable keys, for other tools)")
    parser.add_argument("-o", "--output", metavar="REPORT.pdf", help="write a PDF with the Response section")
    parser.set_defaults(func=run)


def _followup_session(args: argparse.Namespace, options: MeasureOptions) -> CaseSession:
    session = open_case(headless_session(options), args.followup, args.followup_labels, args.label_map)
    if session.case is None or session.case.labels is None or session.edits.measurer is None:
        raise UserError(f"no labels for the follow-up {args.followup}: give --followup-labels FL (liver and tumour masks)")
    return session


def comparison_json(args: argparse.Namespace, targets: list[int] | None, clinical: ClinicalData | None) -> dict[str, Any]:
    """Open, measure, register and compare; the JSON of docs/follow-up.md."""
    options = measure_options(args)
    baseline = labelled_session_from_args(args, options)
    followup = _followup_session(args, options)
    return {"baseline": {"image": args.image, "labels": args.labels}, "followup": {"image": args.followup, "labels": args.followup_labels},
            **compare_sessions(baseline, followup, targets, clinical)}


def comparison_text(data: dict[str, Any]) -> str:
    """The comparison for reading: registration, one line per lesion, the two responses."""
    reg, recist, vol = data["registration"], data["recist"], data["volumetric"]
    lines = [f"registration       {reg['stage_kept']}: liver Dice {reg['liver_dice']:.3f}, "
             f"mean surface distance {reg['mean_surface_distance_mm']:.2f} mm", "",
             f"{'baseline #':>10} {'follow-up #':>11}  {'status':<11} {'volume mL':>17} {'change':>9}"]
    for m in data["lesions"]:
        change = "-" if m["volume_change_percent"] is None else f"{m['volume_change_percent']:+.1f} %"
        lines.append(f"{','.join(map(str, m['baseline_ids'])) or '-':>10} {','.join(map(str, m['followup_numbers'])) or '-':>11}  "
                     f"{m['status']:<11} {m['baseline_volume_ml']:7.2f} → {m['followup_volume_ml']:7.2f} {change:>9}")
    change = "-" if recist["change_percent"] is None else f"{recist['change_percent']:+.1f} %"
    lines += ["", f"RECIST 1.1         {recist['response']}: targets {recist['target_ids']}, sum {recist['baseline_sum_mm']:.1f} → "
                  f"{recist['followup_sum_mm']:.1f} mm ({change})" + (", new lesion" if recist["new_lesion"] else ""),
              f"volumetric         {vol['response']}: TTV {vol['baseline_ttv_ml']:.2f} → {vol['followup_ttv_ml']:.2f} mL "
              f"(sphere-equivalent thresholds -65 % / +73 %)"]
    lines += [f"{t['name']:<18} TLVR {'-' if t['tlvr'] is None else format(t['tlvr'], '.4f')}, C-NED {t['cned']['text']}"
              for t in data["timepoints"]]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    targets = parse_targets(args.targets)  # bad input fails before the slow loading
    inputs = [*case_inputs(args), args.followup, args.followup_labels]
    output = check_output_path(args.output, *inputs, what="report") if args.output else None
    clinical = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data")) if args.clinical else None
    data = comparison_json(args, targets, clinical)
    print_warnings([w for w in [data["registration"]["warning"], *data["warnings"]] if w])
    if output is not None:
        write_response_pdf(response_section(data), output)
    if args.json:
        print_json(data)
    else:
        sys.stdout.write(comparison_text(data))
        if output is not None:
            sys.stdout.write(f"report written to {output}\n")
    return 0
