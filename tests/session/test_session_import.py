"""The session layer runs without Qt or VTK: importing it loads neither."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, sys
import cned_viewer.session
from cned_viewer.session import CaseSession, SyncExecutor, Answers
CaseSession(SyncExecutor(), questions=Answers())
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))
"""


def test_importing_the_session_loads_no_qt_and_no_vtk():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "cned_viewer" in loaded and "psygnal" in loaded
    assert not loaded & {"PySide6", "shiboken6", "vtk", "vtkmodules", "pyvista", "pyvistaqt"}, loaded
