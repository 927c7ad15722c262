"""Entry point of the frozen app: the ``cned-viewer`` command line (see :mod:`cned_viewer.cli`)."""

import multiprocessing
import sys

from cned_viewer.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # dask's worker processes start the frozen executable again
    sys.exit(main())
