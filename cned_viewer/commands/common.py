"""Arguments and output shared by the sub-commands."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write
from cned_viewer.io.label_mappings import BUILTIN_MAPPINGS
from cned_viewer.io.output_paths import check_output
from cned_viewer.measure import MeasureOptions
from cned_viewer.plugins import PluginManager
from cned_viewer.session import CaseSession
from cned_viewer.session.case_files import ReportWriter
from cned_viewer.session.headless import headless_session, open_case


def add_case_arguments(parser: argparse.ArgumentParser) -> None:
    """IMAGE, --labels, --label-map and --series, as every case command takes them."""
    parser.add_argument("image", metavar="IMAGE", help="DICOM folder, DICOM file, NIfTI/NRRD/MHA image, case bundle (*.cned), or 'demo'")
    parser.add_argument("--labels", metavar="LABELS", help="label map: NIfTI/NRRD/MHA or DICOM-SEG (a bundle and the demo have their own)")
    parser.add_argument(
        "--label-map", metavar="NAME|FILE",
        help=f"how label values map to the app's labels: {', '.join(BUILTIN_MAPPINGS)} or a JSON mapping file (default: app)",
    )
    parser.add_argument("--series", metavar="UID|N", help="which DICOM series (UID or number from 'info'); default: the CT/MR series with most slices")
    parser.add_argument(
        "--segments", metavar="SEGMAP",
        help="Couinaud segment map (NIfTI/NRRD/MHA, values 1-8) on or over the image: segments touched per lesion and bilobar",
    )


def add_measure_options(parser: argparse.ArgumentParser) -> None:
    """--connectivity, --min-lesion-ml and --contact-mm: how lesions and vessel contact are defined."""
    defaults = MeasureOptions()
    parser.add_argument("--connectivity", type=int, choices=(6, 18, 26), help=f"voxel connectivity of a lesion (default {defaults.connectivity})")
    parser.add_argument(
        "--min-lesion-ml", type=float, metavar="ML",
        help=f"lesions below this volume are listed as tiny and not counted (default {defaults.min_lesion_volume_ml:g} mL)",
    )
    parser.add_argument("--contact-mm", type=float, metavar="MM", help="vessel contact threshold (default: one voxel diagonal of the in-plane spacing)")


def measure_options(args: argparse.Namespace) -> MeasureOptions:
    """The :class:`MeasureOptions` of :func:`add_measure_options` (defaults where the command line is silent)."""
    given = {"connectivity": args.connectivity, "min_lesion_volume_ml": args.min_lesion_ml, "contact_threshold_mm": args.contact_mm}
    try:
        return MeasureOptions(**{key: value for key, value in given.items() if value is not None})
    except ValueError as error:
        raise UserError(f"{error}; see 'cned-viewer {args.command} --help'") from None


def session_from_args(args: argparse.Namespace, options: MeasureOptions | None = None, plugins: PluginManager | None = None,
                      report_writer: ReportWriter | None = None) -> CaseSession:
    """A headless session with the case named by IMAGE (the word ``demo``, a case bundle ``*.cned``, or image
    files) and --segments open, as the viewer opens it: measured with ``options`` when it has labels."""
    return open_case(headless_session(options, plugins, report_writer), args.image, args.labels, args.label_map, args.series, args.segments)


def labelled_session_from_args(args: argparse.Namespace, options: MeasureOptions | None = None, plugins: PluginManager | None = None,
                               report_writer: ReportWriter | None = None) -> CaseSession:
    """:func:`session_from_args`, refusing a case without labels (measurements need them)."""
    session = session_from_args(args, options, plugins, report_writer)
    if session.case is None or session.case.labels is None or session.measurements is None:
        raise UserError("no labels: give --labels LABELS (liver, tumour and vessel masks), or open a case bundle that has them")
    return session


def check_output_path(output: str | os.PathLike, *inputs: str | os.PathLike | None, what: str = "output") -> Path:
    """Refuse ``output`` before any work: a folder, a missing or unwritable folder, or one of ``inputs``
    (same file by inode, or a file inside an input folder). Every command with ``-o`` calls it."""
    return check_output(output, inputs, what)


def case_inputs(args: argparse.Namespace) -> list[str | None]:
    """The files a case command reads (IMAGE, --labels, --segments, a --label-map file, --clinical)."""
    paths = [args.image, args.labels, args.segments, getattr(args, "clinical", None)]
    if args.label_map and args.label_map not in BUILTIN_MAPPINGS:
        paths.append(args.label_map)
    return [None if p is None else str(p) for p in paths]


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16/32 by their BOM or, without one, by the zero bytes of ASCII text."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    head = raw[:256]
    if len(head) >= 2 and head.count(0) * 3 >= len(head):
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    return "utf-8-sig"


def read_text_file(path: str | os.PathLike, what: str) -> str:
    """The text of ``path`` (UTF-8, or UTF-16/32 as Windows tools save it); each failure a :class:`UserError` naming ``what``."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"{what} {path} not found; check the path") from None
    except IsADirectoryError:
        raise UserError(f"{what} {path} is a folder; give the file") from None
    except PermissionError:
        raise UserError(f"cannot read {what} {path}: permission denied; ask for read access, or copy it somewhere you can read") from None
    except OSError as exc:
        raise UserError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        return raw.decode(_encoding(raw))
    except UnicodeDecodeError as exc:
        raise UserError(f"{what} {path} is not UTF-8 text (undecodable byte at {exc.start}); save it as UTF-8 and retry") from None


def read_json_file(path: Path, what: str) -> Any:
    """Parse a JSON file; a missing or malformed file is a :class:`UserError` naming ``what``."""
    text = read_text_file(path, f"{what} file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{what} file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def plugin_manager() -> PluginManager:
    """The installed plugins, discovered (a broken one is recorded as failed, the others load)."""
    manager = PluginManager()
    manager.discover()
    if manager.settings.problem:
        print_warnings([manager.settings.problem])
    return manager


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]], str]:
    """Header, ``(line number, row)`` pairs and the delimiter (``,`` or ``;``, from the header line)."""
    text = read_text_file(path, "input table")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise UserError(f"input table {path} is empty; it needs a header row (patient_id, differentiation, ...)")
    header = [name.strip() for name in reader.fieldnames]
    if len(set(header)) != len(header):
        raise UserError(f"input table {path} has duplicate column names; make them unique")
    reader.fieldnames = header
    rows = [(reader.line_num, row) for row in reader]
    return header, rows, delimiter


def write_table(path: Path, columns: list[str], rows: list[dict[str, Any]], delimiter: str) -> None:
    """Write the table to a temporary file beside ``path``, then replace ``path`` with it."""
    check_output(path)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    atomic_write(path, write)
