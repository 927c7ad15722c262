"""``cned-viewer demo`` and ``cned-viewer gui``: the desktop viewer (and the demo case's files)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cned_viewer.commands.common import add_case_arguments
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
    from cned_viewer.ui.app import run_app

    return run_app(demo=True)


def run_gui(args: argparse.Namespace) -> int:
    from cned_viewer.ui.app import run_app

    return run_app(image=args.image, labels=args.labels, label_map=args.label_map, series=args.series, segments=args.segments)
