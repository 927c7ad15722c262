"""``cned-viewer plan IMAGE --labels L --segments S --resect 5,6,7,8 [--json]``: a virtual resection's figures.

Resected and remnant volume, FLR, sFLR (with ``--height-cm`` and ``--weight-kg``), the FLR threshold
that applies (``--chemo-cycles``, ``--cirrhosis``, ``--steatosis``, or a ``--clinical`` file), each
lesion inside / outside / crossing the resection with its margin, and the NED verdict
(:mod:`cned_viewer.planning`, ``docs/resection-planning.md``). The case is opened and measured by
the viewer's case session, so lesion numbers are those the viewer shows. ``--segments`` may be a
TotalSegmentator ``liver_segments`` output folder (``liver_segment_1.nii.gz`` ...), read by an
installed importer plugin (cned-totalseg-bridge) by physical geometry.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from cned_viewer.commands.common import add_case_arguments, add_measure_options, measure_options, plugin_manager, print_json, read_json_file
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.planning import CutPlane, PlanEvaluator, PlanFigures, ResectionPlan
from cned_viewer.report.plan_section import percent_text
from cned_viewer.session import CaseSession
from cned_viewer.session.headless import checked, headless_session, open_case

#: Command-line option -> clinical field it sets (its value is validated by ClinicalData).
CLINICAL_OPTIONS = {"height_cm": "height_cm", "weight_kg": "weight_kg", "chemo_cycles": "chemotherapy_cycles",
                    "cirrhosis": "cirrhosis", "steatosis": "steatosis"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan", help="figures of a virtual resection: remnant volume, FLR / sFLR, lesion margins, NED verdict",
        description="Resected and remnant volume, FLR, sFLR (with --height-cm and --weight-kg), the FLR threshold that "
                    "applies, each lesion removed / remnant / crossing with its margin, and the NED verdict. Lesions are "
                    "numbered as the viewer numbers them. --segments may also be a TotalSegmentator liver_segments output "
                    "folder (liver_segment_1.nii.gz ...), read by the cned-totalseg-bridge plugin. See docs/resection-planning.md.")
    add_case_arguments(parser)
    add_measure_options(parser)
    parser.add_argument("--resect", metavar="SEGMENTS", help="Couinaud segments to resect, e.g. 5,6,7,8 (needs --segments)")
    parser.add_argument("--plane", action="append", default=[], metavar="PX,PY,PZ,NX,NY,NZ",
                        help="a cutting plane: a point and the normal pointing to the side removed (patient mm, LPS); repeatable; "
                             "write --plane=-10,... when it starts with a minus")
    parser.add_argument("--name", default="plan", help="the plan's name (default: plan)")
    parser.add_argument("--clinical", type=Path, metavar="C.json", help="clinical data (the options below override it)")
    parser.add_argument("--height-cm", metavar="CM", help="height, for the body surface area of the sFLR")
    parser.add_argument("--weight-kg", metavar="KG", help="weight, for the body surface area of the sFLR")
    parser.add_argument("--chemo-cycles", metavar="N", help="chemotherapy cycles before resection (> 6: FLR threshold 30 %%)")
    parser.add_argument("--cirrhosis", action=argparse.BooleanOptionalAction, help="cirrhotic liver (FLR threshold 40 %%)")
    parser.add_argument("--steatosis", action=argparse.BooleanOptionalAction, help="steatotic / injured liver (30 %%)")
    parser.add_argument("--json", action="store_true", help="print JSON (stable keys, for other tools)")
    parser.set_defaults(func=run)


def parse_segments(text: str) -> frozenset[int]:
    """``5,6,7,8`` as a set of Couinaud segments; a :class:`UserError` in one line otherwise."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and 1 <= int(p) <= 8 for p in parts):
        raise UserError(f"--resect takes Couinaud segment numbers 1-8 separated by commas, e.g. 5,6,7,8; got {text!r}")
    return frozenset(int(p) for p in parts)


def parse_plane(text: str) -> CutPlane:
    """``PX,PY,PZ,NX,NY,NZ`` as a :class:`CutPlane`; a :class:`UserError` otherwise."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 6:
        raise UserError(f"--plane takes six numbers PX,PY,PZ,NX,NY,NZ (a point and a normal, mm); got {text!r}")
    return CutPlane(tuple(values[:3]), tuple(values[3:]))


def clinical_from_args(args: argparse.Namespace, base: ClinicalData) -> ClinicalData:
    """``base`` (or the ``--clinical`` file) with the values the options give (validated as the form validates them)."""
    if args.clinical:
        base = ClinicalData.from_dict(read_json_file(args.clinical, "clinical data"))
    given = {field: getattr(args, option) for option, field in CLINICAL_OPTIONS.items() if getattr(args, option) is not None}
    return replace(base, **given)


def _open_segments_folder(session: CaseSession, folder: str) -> None:
    """Put the Couinaud map of a TotalSegmentator output folder on the open case, through an importer plugin."""
    case = session.case
    found = [(name, imp) for name, imp in session.plugins.importers() if imp.can_import(Path(folder))]
    if not found:
        raise UserError(f"--segments {folder} is a folder: a TotalSegmentator liver_segments output needs the "
                        "cned-totalseg-bridge plugin (installed and enabled)")
    name, importer = found[0]
    imported = session.plugins.guarded(name, f"importer {importer.id}", lambda: importer.load(Path(folder), case.image.geometry))
    if imported.segments is None:
        raise UserError(f"{folder} holds no Couinaud segment masks (liver_segment_1.nii.gz ... liver_segment_8.nii.gz)")
    opened = replace(case, segments=imported.segments, metadata=dict(case.metadata, segments_source=folder),
                     warnings=case.warnings + list(imported.notices))
    checked(session, lambda: session.open(Path(folder).name, lambda: opened))


def plan_session(args: argparse.Namespace) -> CaseSession:
    """The case of IMAGE opened and measured by a headless session, with its segment map (file or folder)."""
    folder = args.segments if args.segments and Path(args.segments).is_dir() else None
    session = headless_session(measure_options(args), plugin_manager() if folder else None)
    open_case(session, args.image, args.labels, args.label_map, args.series, None if folder else args.segments)
    if session.case is None or session.case.labels is None or session.edits.measurer is None:
        raise UserError("no labels: give --labels LABELS (liver, tumour and vessel masks), or open a case bundle that has them")
    if folder:
        _open_segments_folder(session, folder)
    return session


def plan_text(plan: ResectionPlan, figures: PlanFigures) -> str:
    """The figures for reading, then one line per lesion and the verdict."""
    cut = figures.threshold.percent
    lines = [f"{'plan':<18} {plan.name}: {plan.describe()}",
             f"{'functional liver':<18} {figures.functional_liver_ml:10.1f} mL   (total liver minus tumour)",
             f"{'resected':<18} {figures.resected_ml:10.1f} mL",
             f"{'remnant':<18} {figures.remnant_ml:10.1f} mL   FLR {percent_text(figures.flr_percent, cut)} of the functional liver"]
    if figures.sflr_percent is not None:
        lines.append(f"{'sFLR':<18} {percent_text(figures.sflr_percent, cut):>10}      (BSA {figures.bsa_m2:.2f} m², Mosteller; "
                     f"TELV {figures.telv_ml:.0f} mL, Vauthey 2002)")
    met = {True: "met", False: "NOT met", None: "not computable"}[figures.meets_threshold]
    lines.append(f"{'threshold':<18} {cut:10g} %      {figures.threshold.reason}: {met}")
    if figures.lesions:
        lines.append(f"\n{'#':>3}  {'status':<9} {'margin mm':>9}")
        lines.extend(f"{les.id:>3}  {les.status:<9} {'-' if les.margin_mm is None else f'{les.margin_mm:.1f}':>9}"
                     for les in figures.lesions)
        lines.append(f"margins: {figures.margin_method}")
    lines.append(f"\nverdict: {figures.verdict.text}")
    lines.extend(f"warning: {w}" for w in figures.warnings)
    return "\n".join(lines) + "\n"


def plan_json(plan: ResectionPlan, figures: PlanFigures, case_warnings: list[str]) -> dict[str, Any]:
    data = {"plan": plan.to_json(), **figures.to_json()}
    data["warnings"] = list(dict.fromkeys([*case_warnings, *data["warnings"]]))
    return data


def run(args: argparse.Namespace) -> int:
    segments = parse_segments(args.resect) if args.resect is not None else frozenset()  # bad input fails before the slow loading
    plan = ResectionPlan(args.name, segments, tuple(parse_plane(p) for p in args.plane))
    if not plan.segments and not plan.planes:
        raise UserError("say what to resect: --resect SEGMENTS (with --segments) and/or --plane PX,PY,PZ,NX,NY,NZ")
    clinical_from_args(args, ClinicalData())  # checked before the slow loading too
    if plan.segments and not args.segments:
        raise UserError("--resect needs the Couinaud segment map: give --segments SEGMAP (values 1-8, or a TotalSegmentator "
                        "liver_segments folder)")
    session = plan_session(args)
    clinical = clinical_from_args(args, session.case.clinical)  # a bundle's own clinical data unless --clinical; options over it
    evaluator = PlanEvaluator.from_measurer(session.edits.measurer, session.case.labels, session.case.segments)
    figures = evaluator.evaluate(plan, clinical)
    if args.json:
        print_json(plan_json(plan, figures, session.case.warnings))
    else:
        sys.stdout.write(plan_text(plan, figures))
    return 0
