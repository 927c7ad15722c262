"""Offscreen rendering set-up: without an X display, ask VTK for its EGL render window."""

from __future__ import annotations

import os
import sys


def prefer_egl_without_display() -> None:
    """On Linux without ``DISPLAY``, default VTK to EGL (else it tries X first and warns)."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
