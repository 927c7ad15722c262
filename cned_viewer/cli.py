"""The ``cned-viewer`` command line: ``cned-viewer [COMMAND] ...`` (no command opens the demo).

Each module in :mod:`cned_viewer.commands` adds its sub-commands with ``register``. Bad
input prints one line saying what is wrong and what to do, and exits with code 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from cned_viewer import __version__
from cned_viewer.errors import UserError

COMMAND_MODULES = ("gui", "info", "measure", "plan", "compare", "score", "batch", "cohort", "report", "plugins", "screenshot", "pacs", "warm_up")
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cned-viewer",
        description="Liver tumour burden (TTV, TLVR, lesions) and the C-NED conversion score for colorectal liver metastases.",
    )
    parser.add_argument("--version", action="version", version=f"cned-viewer {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"cned_viewer.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"cned_viewer.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["demo"])
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        if args.debug:
            traceback.print_exc()
        print(f"cned-viewer: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("cned-viewer: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - last line of defence: one line, no traceback
        if args.debug:
            traceback.print_exc()
        print(f"cned-viewer: internal error: {type(error).__name__}: {error} (run again with --debug and report it)", file=sys.stderr)
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
