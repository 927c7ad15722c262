"""``cned-viewer pacs echo|find|get|send|settings``: talk to the PACS named in the PACS settings.

Each sub-command takes ``--host``, ``--port``, ``--aet`` (the app's AE title) and ``--pacs-aet``
(the PACS's) to override the saved settings for one call; ``pacs settings`` shows them, or saves
the values given. A PACS that is down or refuses prints one line and exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, replace
from pathlib import Path

from cned_viewer.commands.common import print_json, print_warnings
from cned_viewer.errors import UserError
from cned_viewer.io.pacs import echo, find_series, find_studies, get_series, store_files
from cned_viewer.io.pacs_settings import PacsSettings, load_pacs_settings, save_pacs_settings, settings_path

_OVERRIDES = {"host": "host", "port": "port", "aet": "calling_ae", "pacs_aet": "called_ae", "timeout": "timeout_s"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pacs", help="query, retrieve from and send to a PACS (C-ECHO, C-FIND, C-GET, C-STORE)")
    commands = parser.add_subparsers(dest="pacs_command", metavar="ACTION", required=True)
    echo_parser = commands.add_parser("echo", help="check that the PACS answers (C-ECHO)")
    echo_parser.set_defaults(func=run_echo)
    find = commands.add_parser("find", help="list studies (by patient ID, name, date), or with --study its series")
    find.add_argument("--patient-id", default="", metavar="ID", help="exact patient ID")
    find.add_argument("--patient-name", default="", metavar="NAME", help="patient name, matched as a prefix (DICOM style: FAMILY^GIVEN)")
    find.add_argument("--date", default="", metavar="YYYYMMDD[-YYYYMMDD]", help="study date or range")
    find.add_argument("--study", metavar="UID", help="list the series of this study instead")
    find.add_argument("--json", action="store_true", help="print JSON")
    find.set_defaults(func=run_find)
    get = commands.add_parser("get", help="retrieve a series (or a whole study) into a folder (C-GET)")
    get.add_argument("--study", required=True, metavar="UID", help="study instance UID")
    get.add_argument("--series", metavar="UID", help="series instance UID (default: every series of the study)")
    get.add_argument("-o", "--output", required=True, metavar="FOLDER", help="folder for the files (replaced when complete)")
    get.set_defaults(func=run_get)
    send = commands.add_parser("send", help="store DICOM files (SEG, SR, PDF, images) on the PACS (C-STORE)")
    send.add_argument("paths", nargs="+", metavar="PATH", help="DICOM files or folders (searched recursively)")
    send.set_defaults(func=run_send)
    settings = commands.add_parser("settings", help="show the PACS settings, or save the values given")
    settings.add_argument("--json", action="store_true", help="print JSON")
    settings.set_defaults(func=run_settings)
    for sub in (echo_parser, find, get, send, settings):
        _add_connection_arguments(sub)


def _add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (default: the saved PACS settings)")
    group.add_argument("--host", help="PACS host name or IP address")
    group.add_argument("--port", type=int, help="PACS DICOM port")
    group.add_argument("--aet", metavar="AE", help="the app's AE title (calling)")
    group.add_argument("--pacs-aet", metavar="AE", help="the PACS's AE title (called)")
    group.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for an answer")


def settings_from_args(args: argparse.Namespace) -> PacsSettings:
    """The saved settings with this call's overrides, checked."""
    given = {field: getattr(args, option) for option, field in _OVERRIDES.items() if getattr(args, option) is not None}
    return replace(load_pacs_settings(), **given).checked()


def run_echo(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    echo(settings)
    print(f"{settings.describe()} answers (C-ECHO as {settings.calling_ae})")
    return 0


def run_find(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if args.study:
        series = find_series(settings, args.study)
        if args.json:
            print_json([asdict(s) for s in series])
        else:
            print(f"{len(series)} series in study {args.study}")
            for s in series:
                count = "?" if s.instance_count is None else s.instance_count
                print(f"  {s.number or '-':>4}  {s.modality:<4} {count:>5} instances  {s.description or '(no description)'}  {s.series_uid}")
        return 0
    studies = find_studies(settings, args.patient_id, args.patient_name, args.date)
    if args.json:
        print_json([asdict(s) for s in studies])
    else:
        print(f"{len(studies)} studies found on {settings.describe()}")
        for s in studies:
            print(f"  {s.study_date or '-':<8}  {s.patient_name or '(no name)':<24} {s.patient_id or '(no ID)':<12} "
                  f"{s.modalities:<8} {s.description or '(no description)'}  {s.study_uid}")
    return 0


def run_get(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    result = get_series(settings, args.study, args.series, Path(args.output))
    print(f"retrieved {result.done} instances into {result.folder}")
    return 0


def run_send(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    result = store_files(settings, args.paths)
    print(f"sent {result.done} files to {settings.describe()}")
    if result.failed:
        print_warnings(result.failed)
        raise UserError(f"{len(result.failed)} file(s) were not stored (listed above); they are unchanged, send them again")
    return 0


def run_settings(args: argparse.Namespace) -> int:
    saved = load_pacs_settings()
    settings = settings_from_args(args)
    if settings != saved:
        path = save_pacs_settings(settings)
        print(f"saved to {path}", file=sys.stderr)
    if args.json:
        print_json(dict(asdict(settings), file=str(settings_path())))
    else:
        print(f"PACS {settings.describe()}, the app calls as {settings.calling_ae}; timeout {settings.timeout_s:g} s")
        print(f"retrieved series go to {settings.destination()}")
    return 0
