"""``cned-viewer demo`` and ``cned-viewer gui``: the desktop viewer (and the demo case's files)."""

from __future__ import annotations

import argparse
from pathlib import Path

import os
import sys

from cned_viewer.commands.common import add_case_arguments
from cned_viewer.errors import UserError
from cned_viewer.io.demo_files import save_demo_case


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="open the built-in synthetic demo case (or save it with --save)")
    demo.add_argument("--save", metavar="DIR", help="write demo_ct.nii.gz and demo_labels.nii.gz to DIR instead of opening the viewer")
    demo.set_defaults(func=run_demo)
    gui = subparsers.add_parser("gui", help="open a case in the viewer")
    add_case_arguments(gui)
    gui.set_defaults(func=run_gui)


def run_demo(args: argparse.Namespace) -> int:
    if args.save:
        for path in save_demo_case(Path(args.save)):
            print(path)
        return 0
    require_display()
    from cned_viewer.ui.app import run_app

    return run_app(demo=True)


def run_gui(args: argparse.Namespace) -> int:
    require_display()
    from cned_viewer.ui.app import run_app

    return run_app(image=args.image, labels=args.labels, label_map=args.label_map, series=args.series, segments=args.segments)


def require_display(environ: dict[str, str] | None = None, platform: str = sys.platform) -> None:
    """Refuse to start the viewer where Qt would abort for want of a screen (Linux without X or Wayland)."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return
    raise UserError("the viewer needs a display and none is set (no DISPLAY or WAYLAND_DISPLAY); start it from a desktop "
                    "session, or under xvfb-run; the other commands (measure, report, ...) work without one")
