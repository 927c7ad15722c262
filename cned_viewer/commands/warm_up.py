"""``cned-viewer warm-up``: compile the measurement kernels now (the installer runs it).

numba compiles each kernel the first time it runs and keeps the machine code in
``NUMBA_CACHE_DIR``; compiling all of them takes about 20 s on a 2-core machine, loading them
from that cache well under a second. The app also warms them up in the background at start-up,
so this only moves the wait from the first session to the installation.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("warm-up", help="compile the measurement kernels into the user cache (the installer runs it)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cned_viewer.kernels import NUMBA_CACHE_DIR, warm_up

    seconds = warm_up()
    where = NUMBA_CACHE_DIR or "nowhere: no writable cache folder, they will be compiled again next time"
    print(f"measurement kernels ready in {seconds:.1f} s (cache: {where})")
    return 0
