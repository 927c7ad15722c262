"""``cned-viewer plugins list|enable|disable``, ``segment`` and ``export``: plugins without the GUI."""

from __future__ import annotations

import argparse
import os
import sys

from cned_viewer.commands.common import (
    add_case_arguments, case_inputs, check_output_path, plugin_manager, print_json, print_warnings, session_from_args,
)
from cned_viewer.commands.export import register as register_export
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE
from cned_viewer.errors import UserError
from cned_viewer.io.masks import check_label_suffix, save_labels
from cned_viewer.plugins import Seed, SegmentationRequest, apply_step


def register(subparsers: argparse._SubParsersAction) -> None:
    plugins = subparsers.add_parser("plugins", help="list, enable or disable plugins")
    actions = plugins.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="installed plugins: state, version, contributions, errors")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)
    for action, enabled in (("enable", True), ("disable", False)):
        toggle = actions.add_parser(action, help=f"{action} a plugin (remembered)")
        toggle.add_argument("name", metavar="NAME")
        toggle.set_defaults(func=run_toggle, enabled=enabled)

    segment = subparsers.add_parser("segment", help="run a plugin's segmenter on an image and save the labels")
    add_case_arguments(segment)
    segment.add_argument("--plugin", required=True, metavar="NAME")
    segment.add_argument("--segmenter", required=True, metavar="ID")
    segment.add_argument("--seed", action="append", default=[], metavar="X,Y,Z:LABEL",
                         help="a click in patient mm (LPS); LABEL is a value (1-4) or key (e.g. tumour); repeatable")
    segment.add_argument("--seed-voxel", action="append", default=[], metavar="I,J,K:LABEL",
                         help="a click as voxel indices (x, y, z order); repeatable")
    segment.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="segmenter option; repeatable")
    segment.add_argument("-o", "--output", required=True, metavar="LABELS", help="where to save the labels (NIfTI/NRRD/MHA)")
    segment.add_argument("--segments-output", metavar="SEGMENTS", help="where to save a Couinaud map, if the segmenter makes one")
    segment.set_defaults(func=run_segment)

    register_export(subparsers)  # the export command lives in cned_viewer.commands.export


def run_list(args: argparse.Namespace) -> int:
    records = [r.to_json() for r in plugin_manager().records.values()]
    if args.json:
        print_json({"plugins": records})
        return 0
    if not records:
        print("no plugins installed (entry-point group cned_viewer.plugins)")
    for record in records:
        offered = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in record["contributions"].items() if ids)
        print(f"{record['name']:<24} {record['version'] or '?':<10} {record['state']:<9} {offered}")
        if record["error"]:
            print(f"    error: {record['error']}")
    return 0


def run_toggle(args: argparse.Namespace) -> int:
    record = plugin_manager().set_enabled(args.name, args.enabled)
    print(f"{record.name}: {record.state}" + (f" ({record.error})" if record.error else ""))
    return 0 if record.state != "failed" else 1


def parse_seed(text: str, space: str) -> Seed:
    """``x,y,z:label`` with label a value or a key of the app's label table."""
    point, _, label = text.partition(":")
    try:
        coords = tuple(float(v) for v in point.split(","))
        if len(coords) != 3:
            raise ValueError
    except ValueError:
        raise UserError(f"seed {text!r}: give three comma-separated numbers then ':' and a label, e.g. 12.5,-80,140:tumour") from None
    value = int(label) if label.isdigit() else _label_value(label, text)
    if value not in DEFAULT_LABEL_TABLE.values:
        raise UserError(f"seed {text!r}: label {value} is not in the label table ({_labels()})")
    return Seed(coords, value, space)  # type: ignore[arg-type]


def _label_value(key: str, text: str) -> int:
    try:
        return DEFAULT_LABEL_TABLE.by_key(key).value
    except KeyError:
        raise UserError(f"seed {text!r}: unknown label {key!r}; use {_labels()}") from None


def _labels() -> str:
    return ", ".join(f"{lab.value} {lab.key}" for lab in DEFAULT_LABEL_TABLE.labels)


def _options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UserError(f"option {pair!r}: write KEY=VALUE")
        options[key] = value
    return options


def _print_progress(fraction: float, message: str) -> None:
    print(f"\r{100 * fraction:5.1f} % {message[:60]:<60}", end="", file=sys.stderr, flush=True)


def _check_segment_outputs(args: argparse.Namespace) -> None:
    """Both outputs writable label files, neither an input nor the other one, before the segmenter runs."""
    inputs = case_inputs(args)
    check_label_suffix(check_output_path(args.output, *inputs, what="labels output"))
    if args.segments_output:
        check_label_suffix(check_output_path(args.segments_output, *inputs, what="segments output"))
        if os.path.abspath(args.segments_output) == os.path.abspath(args.output):
            raise UserError("--segments-output and -o name the same file; give the segment map its own name")


def run_segment(args: argparse.Namespace) -> int:
    _check_segment_outputs(args)
    case = session_from_args(args).case  # opened as the viewer opens it
    print_warnings(case.warnings)
    seeds = tuple(parse_seed(s, "patient_mm") for s in args.seed) + tuple(parse_seed(s, "voxel") for s in args.seed_voxel)
    for seed in seeds:
        try:
            seed.index_zyx(case.image.geometry)
        except ValueError as error:
            raise UserError(str(error)) from None
    request = SegmentationRequest(case.image, seeds, labels=case.labels, options=_options(args.option))
    manager = plugin_manager()
    result = manager.run_segmenter(args.plugin, args.segmenter, request, _print_progress)
    print(file=sys.stderr)
    print_warnings(list(result.notices))
    step = manager.edit_for(case, args.plugin, args.segmenter, result)
    apply_step(case, step)
    if case.labels is not None:
        save_labels(case.labels, args.output)
        print(f"labels saved to {args.output}")
    if result.segments is not None:
        if not args.segments_output:
            print_warnings(["the segmenter made a Couinaud segment map; save it with --segments-output"])
        elif case.segments is not None:
            save_labels(case.segments, args.segments_output)
            print(f"segments saved to {args.segments_output}")
    for change in step.provenance.changes:
        print(f"{change.key:<18} +{change.gained_voxels} / -{change.lost_voxels} voxels  ({change.net_ml:+.2f} mL)")
    return 0

