"""``python -m cned_viewer`` runs the command line."""

import sys

from cned_viewer.cli import main

sys.exit(main())
